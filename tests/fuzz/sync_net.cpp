#include "fuzz/sync_net.h"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>

namespace fnat::fuzz::sync {
namespace {

// A full send buffer is waited out this many times, 1 ms apart.
constexpr int kMaxRetries = 5000;

sockaddr_in ipv4(const Address& address, std::uint16_t port) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    std::memcpy(&sin.sin_addr, address.bytes.data(), 4);
    sin.sin_port = htons(port);
    return sin;
}

ip_mreqn request(const Address& group, const std::string& iface) {
    ip_mreqn m{};
    std::memcpy(&m.imr_multiaddr, group.bytes.data(), 4);
    m.imr_ifindex = static_cast<int>(::if_nametoindex(iface.c_str()));
    if (m.imr_ifindex == 0)
        throw traffic::SystemError("interface " + iface, errno);
    return m;
}

void option(int fd, int level, int name, const void* value, socklen_t size, const char* what) {
    if (::setsockopt(fd, level, name, value, size) != 0)
        throw traffic::SystemError(what, errno);
}

} // namespace

GroupListener::GroupListener(const Address& group, std::uint16_t port, const std::string& iface) {
    fd_ = traffic::open_socket(AF_INET, SOCK_DGRAM);
    int one = 1;
    option(fd_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one), "SO_REUSEADDR");
    int buffer = 8 << 20;
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
    sockaddr_in sin = ipv4(group, port);
    if (::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&sin), sizeof(sin)) != 0)
        throw traffic::SystemError("bind to the group", errno);
    ip_mreqn m = request(group, iface);
    option(fd_.get(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m), "IP_ADD_MEMBERSHIP");
}

std::vector<std::pair<std::vector<std::uint8_t>, Address>> GroupListener::drain() {
    std::vector<std::pair<std::vector<std::uint8_t>, Address>> out;
    std::array<std::uint8_t, 65536> buffer{};
    for (;;) {
        sockaddr_in from{};
        socklen_t length = sizeof(from);
        ssize_t n = ::recvfrom(fd_.get(), buffer.data(), buffer.size(), 0,
                               reinterpret_cast<sockaddr*>(&from), &length);
        if (n < 0)
            return out;
        Address a;
        a.family = AF_INET;
        std::memcpy(a.bytes.data(), &from.sin_addr, 4);
        out.emplace_back(std::vector<std::uint8_t>(buffer.begin(), buffer.begin() + n), a);
    }
}

GroupSender::GroupSender(const Address& group, std::uint16_t port, const std::string& iface,
                         const std::optional<Address>& source) {
    fd_ = traffic::open_socket(AF_INET, SOCK_DGRAM);
    ip_mreqn m = request(group, iface);
    m.imr_multiaddr.s_addr = 0;
    option(fd_.get(), IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof(m), "IP_MULTICAST_IF");
    int ttl = 1;
    int loop = 0;
    option(fd_.get(), IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl), "IP_MULTICAST_TTL");
    option(fd_.get(), IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop), "IP_MULTICAST_LOOP");
    if (source) {
        // Sending from an address that is not the host's.
        int one = 1;
        option(fd_.get(), IPPROTO_IP, IP_TRANSPARENT, &one, sizeof(one),
               "IP_TRANSPARENT (needs CAP_NET_ADMIN)");
        sockaddr_in sin = ipv4(*source, 0);
        if (::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&sin), sizeof(sin)) != 0)
            throw traffic::SystemError("bind to " + to_string(*source), errno);
    }
    sockaddr_in sin = ipv4(group, port);
    std::memcpy(&to_.storage, &sin, sizeof(sin));
    to_.length = sizeof(sin);
}

void GroupSender::send(std::span<const std::uint8_t> datagram) {
    for (int attempt = 0;; ++attempt) {
        if (::sendto(fd_.get(), datagram.data(), datagram.size(), 0, to_.get(), to_.length) >= 0)
            return;
        int error = errno;
        if (error == EINTR)
            continue;
        bool full = error == EAGAIN || error == EWOULDBLOCK || error == ENOBUFS;
        if (!full || attempt >= kMaxRetries)
            throw traffic::SystemError("send to the sync group", error);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

} // namespace fnat::fuzz::sync

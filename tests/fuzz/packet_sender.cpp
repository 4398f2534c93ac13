#include "fuzz/packet_sender.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <thread>

#include <linux/if_packet.h>

namespace fnat::fuzz::packet {
namespace {

constexpr std::size_t kEthHeader = 14;
// A full kernel buffer is waited out this many times, 100 us apart, before
// the run fails.
constexpr int kMaxRetries = 100000;

int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

MacAddress parse_mac(std::string_view text) {
    MacAddress mac{};
    if (text.size() != 17)
        throw std::invalid_argument("not a MAC address (aa:bb:cc:dd:ee:ff)");
    for (std::size_t i = 0; i < 6; ++i) {
        int high = hex_digit(text[3 * i]);
        int low = hex_digit(text[3 * i + 1]);
        if (high < 0 || low < 0 || (i < 5 && text[3 * i + 2] != ':'))
            throw std::invalid_argument("not a MAC address (aa:bb:cc:dd:ee:ff)");
        mac[i] = static_cast<std::uint8_t>(high << 4 | low);
    }
    return mac;
}

Interface interface_of(const std::string& name) {
    if (name.empty() || name.size() >= IFNAMSIZ)
        throw std::invalid_argument("bad interface name '" + name + "'");
    Interface out;
    out.index = static_cast<int>(::if_nametoindex(name.c_str()));
    if (out.index == 0)
        throw traffic::SystemError("interface " + name, errno);
    traffic::Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd)
        throw traffic::SystemError("socket", errno);
    ifreq request{};
    std::memcpy(request.ifr_name, name.c_str(), name.size());
    if (::ioctl(fd.get(), SIOCGIFHWADDR, &request) != 0)
        throw traffic::SystemError("MAC address of " + name, errno);
    std::memcpy(out.mac.data(), request.ifr_hwaddr.sa_data, out.mac.size());
    return out;
}

std::uint16_t ethertype_of(std::span<const std::uint8_t> packet) {
    return !packet.empty() && packet[0] >> 4 == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IP;
}

PacketSender::PacketSender(const std::string& iface, const MacAddress& dst)
    : iface_(interface_of(iface)), dst_(dst), frames_(kBatch) {
    // Protocol 0: the socket sends only, it never gets a copy of traffic.
    fd_ = traffic::Fd(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
    if (!fd_)
        throw traffic::SystemError("AF_PACKET socket (needs CAP_NET_RAW)", errno);
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_ifindex = iface_.index;
    if (::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0)
        throw traffic::SystemError("bind to " + iface, errno);
    int one = 1;
    // Best effort: without it the frames go through the (noqueue) qdisc.
    ::setsockopt(fd_.get(), SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
}

void PacketSender::add(std::span<const std::uint8_t> packet) {
    std::size_t length = std::min(packet.size(), kFrameMax - kEthHeader);
    auto& frame = frames_[queued_];
    std::copy(dst_.begin(), dst_.end(), frame.begin());
    std::copy(iface_.mac.begin(), iface_.mac.end(), frame.begin() + 6);
    std::uint16_t type = ethertype_of(packet);
    frame[12] = static_cast<std::uint8_t>(type >> 8);
    frame[13] = static_cast<std::uint8_t>(type);
    std::copy_n(packet.begin(), length, frame.begin() + kEthHeader);
    lengths_[queued_] = kEthHeader + length;
    if (++queued_ == kBatch)
        flush();
}

void PacketSender::flush() {
    std::array<mmsghdr, kBatch> messages{};
    std::array<iovec, kBatch> vectors{};
    std::size_t done = 0;
    int retries = 0;
    while (done < queued_) {
        std::size_t n = queued_ - done;
        for (std::size_t i = 0; i < n; ++i) {
            vectors[i].iov_base = frames_[done + i].data();
            vectors[i].iov_len = lengths_[done + i];
            messages[i] = mmsghdr{};
            messages[i].msg_hdr.msg_iov = &vectors[i];
            messages[i].msg_hdr.msg_iovlen = 1;
        }
        int sent = ::sendmmsg(fd_.get(), messages.data(), static_cast<unsigned>(n), 0);
        if (sent > 0) {
            for (std::size_t i = 0; i < static_cast<std::size_t>(sent); ++i)
                bytes_ += lengths_[done + i];
            sent_ += static_cast<std::uint64_t>(sent);
            done += static_cast<std::size_t>(sent);
            retries = 0;
            continue;
        }
        int error = errno;
        if (error == EINTR)
            continue;
        if (error == ENOBUFS || error == EAGAIN) {
            if (++retries > kMaxRetries)
                throw traffic::SystemError("send on interface " + std::to_string(iface_.index),
                                           error);
            ++retries_;
            std::this_thread::sleep_for(std::chrono::microseconds(100));
            continue;
        }
        // The first frame of the rest is one the kernel will never take.
        ++refused_;
        ++done;
    }
    queued_ = 0;
}

} // namespace fnat::fuzz::packet

#include "lib/netlink_socket.h"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <optional>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "lib/message_codec.h"
#include "lib/netlink_error.h"
#include "lib/reply_reader.h"

namespace fnat {
namespace {

// Dumps arrive in datagrams of up to 32 KiB; bigger ones are still read
// whole because receive() peeks at the size first.
constexpr std::size_t kReceiveBufferSize = 32768;

[[noreturn]] void throw_errno() {
    throw NetlinkError(errno, "");
}

} // namespace

NetlinkSocket::NetlinkSocket()
    : buffer_(std::max<std::size_t>(kReceiveBufferSize,
                                    static_cast<std::size_t>(MNL_SOCKET_BUFFER_SIZE))) {
    socket_ = mnl_socket_open(NETLINK_GENERIC);
    if (socket_ == nullptr)
        throw_errno();
    if (mnl_socket_bind(socket_, 0, MNL_SOCKET_AUTOPID) < 0) {
        int error = errno;
        mnl_socket_close(socket_);
        throw NetlinkError(error, "");
    }
    portid_ = mnl_socket_get_portid(socket_);
    // Best effort (both exist since Linux 4.12): without them errors lose
    // their text, or carry a copy of the request.
    int one = 1;
    mnl_socket_setsockopt(socket_, NETLINK_EXT_ACK, &one, sizeof(one));
    mnl_socket_setsockopt(socket_, NETLINK_CAP_ACK, &one, sizeof(one));
    seq_ = static_cast<std::uint32_t>(std::time(nullptr));
}

NetlinkSocket::~NetlinkSocket() {
    mnl_socket_close(socket_);
}

void NetlinkSocket::send(const std::vector<std::uint8_t>& message) {
    while (true) {
        ssize_t sent = mnl_socket_sendto(socket_, message.data(), message.size());
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0)
            throw_errno();
        if (static_cast<std::size_t>(sent) != message.size())
            throw NetlinkError(EMSGSIZE, "short netlink send");
        return;
    }
}

std::size_t NetlinkSocket::receive() {
    const int fd = mnl_socket_get_fd(socket_);
    while (true) {
        ssize_t pending = recv(fd, buffer_.data(), buffer_.size(), MSG_PEEK | MSG_TRUNC);
        if (pending < 0 && errno == EINTR)
            continue;
        if (pending < 0)
            throw_errno();
        if (static_cast<std::size_t>(pending) > buffer_.size())
            buffer_.resize(static_cast<std::size_t>(pending));

        sockaddr_nl from{};
        socklen_t from_length = sizeof(from);
        ssize_t received = recvfrom(fd, buffer_.data(), buffer_.size(), 0,
                                    reinterpret_cast<sockaddr*>(&from), &from_length);
        if (received < 0 && errno == EINTR)
            continue;
        if (received < 0)
            throw_errno();
        if (from.nl_pid != 0)
            continue; // not from the kernel: ignore
        return static_cast<std::size_t>(received);
    }
}

bool NetlinkSocket::transact(const std::vector<std::uint8_t>& message, std::uint32_t seq, bool dump,
                             const Handler& on_data) {
    send(message);
    ReplyReader reader(seq, portid_, dump, on_data);
    while (!reader.feed(buffer_.data(), receive())) {
    }
    return !reader.interrupted();
}

std::uint16_t NetlinkSocket::resolve_family(std::string_view name) {
    std::optional<std::uint16_t> id;
    const std::uint32_t seq = next_seq();
    try {
        transact(encode_get_family(name, seq), seq, false, [&](const nlmsghdr* message) {
            if (message->nlmsg_type == GENL_ID_CTRL)
                id = decode_family_id(message);
        });
    } catch (const NetlinkError& error) {
        if (error.error() == ENOENT)
            throw FamilyNotFound();
        throw;
    }
    if (!id)
        throw DecodeError("the kernel did not answer CTRL_CMD_GETFAMILY with a family id");
    return *id;
}

} // namespace fnat

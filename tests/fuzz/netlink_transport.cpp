#include "fuzz/netlink_transport.h"

#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <uapi/fnat.h>

#include "fuzz/netlink_policy.h"
#include "lib/message_codec.h"
#include "lib/netlink_error.h"
#include "lib/reply_reader.h"

namespace fnat::fuzz {

namespace {

[[noreturn]] void fail_errno(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

// Error codes the kernel sends are negative; note any that is not.
bool has_positive_code(const std::uint8_t* data, std::size_t length) {
    std::size_t offset = 0;
    while (offset + sizeof(nlmsghdr) <= length) {
        nlmsghdr header;
        std::memcpy(&header, data + offset, sizeof(header));
        if (header.nlmsg_len < sizeof(nlmsghdr) || header.nlmsg_len > length - offset)
            return false;
        if ((header.nlmsg_type == NLMSG_ERROR || header.nlmsg_type == NLMSG_DONE) &&
            header.nlmsg_len >= sizeof(nlmsghdr) + sizeof(int)) {
            int code;
            std::memcpy(&code, data + offset + sizeof(nlmsghdr), sizeof(code));
            if (code > 0)
                return true;
        }
        offset += align4(header.nlmsg_len);
    }
    return false;
}

} // namespace

Transport::Transport(int timeout_ms) : timeout_ms_(timeout_ms), buffer_(65536) {
    fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
    if (fd_ < 0)
        fail_errno("netlink socket");
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof(local)) < 0)
        fail_errno("netlink bind");
    socklen_t length = sizeof(local);
    if (getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &length) < 0)
        fail_errno("netlink getsockname");
    portid_ = local.nl_pid;
    int one = 1;
    setsockopt(fd_, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
    setsockopt(fd_, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
    timeval timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    if (setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) < 0)
        fail_errno("SO_RCVTIMEO");
}

Transport::~Transport() {
    if (fd_ >= 0)
        close(fd_);
}

// One datagram. The kernel's netlink datagrams are at most 32 KiB (dumps)
// and the buffer holds 64, so one call without MSG_PEEK reads each whole;
// MSG_TRUNC still tells if one was not.
std::size_t Transport::receive() {
    while (true) {
        sockaddr_nl from{};
        socklen_t from_length = sizeof(from);
        const ssize_t got = recvfrom(fd_, buffer_.data(), buffer_.size(), MSG_TRUNC,
                                     reinterpret_cast<sockaddr*>(&from), &from_length);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            throw std::runtime_error("no answer from the kernel within " +
                                     std::to_string(timeout_ms_) + " ms");
        if (got < 0)
            fail_errno("recvfrom");
        if (static_cast<std::size_t>(got) > buffer_.size())
            throw std::runtime_error("a netlink datagram of " + std::to_string(got) +
                                     " bytes, more than the " + std::to_string(buffer_.size()) +
                                     " expected at most");
        if (from.nl_pid != 0)
            continue;
        return static_cast<std::size_t>(got);
    }
}

Exchange Transport::exchange(Bytes message) {
    if (message.size() < kNlmsgHdrLen)
        throw std::runtime_error("request shorter than a netlink header");
    const std::uint32_t seq = seq_++;
    std::memcpy(&message[8], &seq, sizeof(seq));
    const bool dump = is_dump_request(message);
    while (true) {
        const ssize_t sent = send(fd_, message.data(), message.size(), 0);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0)
            fail_errno("netlink send");
        if (static_cast<std::size_t>(sent) != message.size())
            throw std::runtime_error("short netlink send");
        break;
    }
    Exchange result;
    ReplyReader reader(seq, portid_, dump, [&](const nlmsghdr* data) {
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(data);
        result.data.emplace_back(bytes, bytes + data->nlmsg_len);
    });
    try {
        bool done = false;
        while (!done) {
            const std::size_t length = receive();
            result.positive_code =
                result.positive_code || has_positive_code(buffer_.data(), length);
            done = reader.feed(buffer_.data(), length);
        }
    } catch (const NetlinkError& error) {
        if (error.error() == EPROTO || error.error() == EBADMSG || error.error() == EOVERFLOW)
            throw std::runtime_error(std::string("broken answer: ") + error.what());
        result.error = error.error();
        result.extack = error.extack();
    }
    result.interrupted = reader.interrupted();
    return result;
}

std::uint16_t Transport::resolve_fnat() {
    Exchange answer = exchange(encode_get_family(FNAT_GENL_NAME, 0));
    if (answer.error == ENOENT)
        throw std::runtime_error("the FNAT generic-netlink family is not registered "
                                 "(is fnat.ko loaded?)");
    if (answer.error != 0)
        throw std::runtime_error(std::string("CTRL_CMD_GETFAMILY: ") + std::strerror(answer.error));
    std::optional<std::uint16_t> id;
    for (const Bytes& data : answer.data) {
        const auto* header = reinterpret_cast<const nlmsghdr*>(data.data());
        if (header->nlmsg_type == GENL_ID_CTRL)
            id = decode_family_id(header);
    }
    if (!id)
        throw std::runtime_error("CTRL_CMD_GETFAMILY: no family id in the answer");
    return *id;
}

} // namespace fnat::fuzz

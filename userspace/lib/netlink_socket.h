// A generic-netlink socket (libmnl) that performs one request at a time:
// send it, then read datagrams until its ACK or NLMSG_DONE (ReplyReader).
//
// NETLINK_EXT_ACK and NETLINK_CAP_ACK are set so that errors come with the
// kernel's message and without a copy of the request. Receives peek at the
// datagram size first, so no reply is ever truncated; EINTR is retried.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include <linux/netlink.h>

struct mnl_socket;

namespace fnat {

class NetlinkSocket {
public:
    using Handler = std::function<void(const nlmsghdr*)>;

    // Opens and binds a NETLINK_GENERIC socket. Throws NetlinkError.
    NetlinkSocket();
    ~NetlinkSocket();
    NetlinkSocket(const NetlinkSocket&) = delete;
    NetlinkSocket& operator=(const NetlinkSocket&) = delete;

    // A fresh sequence number for the next request.
    std::uint32_t next_seq() { return seq_++; }
    std::uint32_t portid() const { return portid_; }

    // Sends a request built with sequence number seq and hands every data
    // message of the reply to on_data. Returns false when a dump was
    // interrupted (NLM_F_DUMP_INTR). Throws NetlinkError on an error reply.
    bool transact(const std::vector<std::uint8_t>& message, std::uint32_t seq, bool dump,
                  const Handler& on_data);

    // The id of a generic-netlink family (CTRL_CMD_GETFAMILY). Throws
    // FamilyNotFound when no such family is registered.
    std::uint16_t resolve_family(std::string_view name);

private:
    void send(const std::vector<std::uint8_t>& message);
    std::size_t receive();

    mnl_socket* socket_ = nullptr;
    std::uint32_t portid_ = 0;
    std::uint32_t seq_ = 0;
    std::vector<std::uint8_t> buffer_;
};

} // namespace fnat

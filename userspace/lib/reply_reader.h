// Reads the kernel's answer to one netlink request, datagram by datagram:
// checks sequence number and port id, hands data messages to a callback, ends
// on the ACK (NLMSG_ERROR with error 0) or on NLMSG_DONE, and turns errors
// (NLMSG_ERROR, or NLMSG_DONE carrying an error, both with their extended-ACK
// message) into NetlinkError. Socket-free, so it is tested with canned bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include <linux/netlink.h>

namespace fnat {

// The content of an NLMSG_ERROR or NLMSG_DONE message.
struct ErrorReport {
    int error = 0; // positive errno, 0 for an ACK or a clean NLMSG_DONE
    std::string extack;
};

// Parses NLMSG_ERROR: the error code, and NLMSGERR_ATTR_MSG when the message
// carries TLVs (NLM_F_ACK_TLVS), whether the request was echoed or capped
// (NLM_F_CAPPED).
ErrorReport parse_error_message(const nlmsghdr* message);

// Parses NLMSG_DONE: the int error a dump ended with and its NLMSGERR_ATTR_MSG.
ErrorReport parse_done_message(const nlmsghdr* message);

class ReplyReader {
public:
    using DataHandler = std::function<void(const nlmsghdr*)>;

    // seq and portid are those of the request; dump says whether it was
    // sent with NLM_F_DUMP (ends with NLMSG_DONE) or NLM_F_ACK (ends with
    // the ACK).
    ReplyReader(std::uint32_t seq, std::uint32_t portid, bool dump, DataHandler on_data);

    // Processes one received datagram; returns true once the reply is
    // complete. Throws NetlinkError for an error reply or a protocol
    // violation (EPROTO: wrong sequence or port id; EBADMSG: truncated
    // message; EOVERFLOW: NLMSG_OVERRUN).
    bool feed(const void* datagram, std::size_t length);

    // A dump message carried NLM_F_DUMP_INTR: the table changed while it was
    // being dumped, so the result may be inconsistent.
    bool interrupted() const { return interrupted_; }

private:
    std::uint32_t seq_;
    std::uint32_t portid_;
    bool dump_;
    DataHandler on_data_;
    bool interrupted_ = false;
    bool complete_ = false;
};

} // namespace fnat

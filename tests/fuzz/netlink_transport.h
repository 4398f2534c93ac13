// The netlink fuzzer's socket: sends one request of arbitrary bytes and
// collects the whole answer (data messages, then the ACK, the error or
// NLMSG_DONE), with the kernel's errno and extended-ACK message. Replies are
// parsed with fnat's ReplyReader (sequence and port checks included); a
// request the kernel does not answer within the timeout is an error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/netlink_wire.h"

namespace fnat::fuzz {

struct Exchange {
    int error = 0;      // positive errno of the answer, 0 when accepted
    std::string extack; // NLMSGERR_ATTR_MSG
    std::vector<Bytes> data;
    bool interrupted = false;   // NLM_F_DUMP_INTR on a dump message
    bool positive_code = false; // an NLMSG_ERROR or NLMSG_DONE with an error > 0
};

class Transport {
public:
    // Opens and binds a NETLINK_GENERIC socket with NETLINK_EXT_ACK and
    // NETLINK_CAP_ACK. Throws std::runtime_error.
    explicit Transport(int timeout_ms = 10000);
    ~Transport();
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;

    // The id of the FNAT family. Throws std::runtime_error when it is not
    // registered (the module is not loaded).
    std::uint16_t resolve_fnat();

    // Sends message (its sequence number is overwritten) and reads the
    // answer: a dump's when the flags ask for one. Throws std::runtime_error
    // when no answer comes or it breaks the protocol.
    Exchange exchange(Bytes message);

private:
    std::size_t receive();

    int fd_ = -1;
    int timeout_ms_;
    std::uint32_t portid_ = 0;
    std::uint32_t seq_ = 1;
    Bytes buffer_;
};

} // namespace fnat::fuzz

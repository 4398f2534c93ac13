// Errors reported by the kernel (or the netlink transport): an errno plus the
// extended-ACK message the kernel attached, if any.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace fnat {

class NetlinkError : public std::runtime_error {
public:
    // error is a positive errno value; extack may be empty.
    NetlinkError(int error, std::string extack);

    int error() const { return error_; }
    const std::string& extack() const { return extack_; }

    // The FNAT_CMD_* of the request that failed, or FNAT_CMD_UNSPEC when not
    // an FNAT request (socket setup, family resolution).
    std::uint8_t command() const { return command_; }
    void set_command(std::uint8_t command) { command_ = command; }

private:
    int error_;
    std::string extack_;
    std::uint8_t command_ = 0;
};

// The generic-netlink family "FNAT" is not registered: the module is not loaded.
class FamilyNotFound : public NetlinkError {
public:
    FamilyNotFound();
};

// A kernel reply that does not follow include/uapi/fnat.h.
class DecodeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace fnat

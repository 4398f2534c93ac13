// How an exchange can fail, with the names the reports use.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace fnat::traffic {

enum class Failure {
    ConnectTimeout, // no answer to the connection attempt within --timeout-ms
    Refused,        // RST to the SYN, or ICMP port unreachable (UDP)
    Reset,          // the connection was reset after it was established
    Timeout,        // connected, but the reply did not complete in time
    ShortRead,      // the peer closed before the whole reply arrived
    Mismatch,       // a reply byte differs from what was sent
    BadReply,       // the reply header is not a valid answer to the request
    Unreachable,    // no route, host or network unreachable
    AddressInUse,   // the local address/port (--source-port-range) is taken
    Error,          // anything else
    Count
};

inline constexpr std::size_t kFailureKinds = static_cast<std::size_t>(Failure::Count);

// "connect-timeout", "refused", "reset", "timeout", "short-read", "mismatch",
// "bad-reply", "unreachable", "address-in-use", "error".
std::string_view failure_name(Failure failure);

// Every kind, in report order.
std::array<Failure, kFailureKinds> all_failures();

// An errno from connect() (or SO_ERROR after a non-blocking connect).
Failure classify_connect_error(int error);

// An errno from send() or recv() on a connected socket.
Failure classify_io_error(int error);

} // namespace fnat::traffic

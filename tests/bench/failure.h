// How a load connection failed. The kinds are the fields of the
// fnat-bench-load result line, so that a run tells a refusing balancer
// (refused), one that resets or loses connections (reset, timeout) and one
// that mangles the data (short) apart.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fnat::bench {

enum class Failure {
    Refused, // ECONNREFUSED: a RST answered the SYN (or an ICMP unreachable)
    Reset,   // ECONNRESET or EPIPE after the connection was up
    Timeout, // no progress within --timeout-ms (or the kernel's ETIMEDOUT)
    Short,   // EOF after a byte count other than --response
    Other,   // any other errno, e.g. EADDRNOTAVAIL when source ports run out
};

inline constexpr std::size_t kFailureKinds = 5;

// "refused", "reset", "timeout", "short", "other".
std::string_view failure_name(Failure failure);

// The kind of a failed socket call's errno.
Failure classify_errno(int error);

using FailureCounts = std::array<std::uint64_t, kFailureKinds>;

} // namespace fnat::bench

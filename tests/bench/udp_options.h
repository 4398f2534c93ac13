// The command line of fnat-bench-udp:
//   fnat-bench-udp --target ADDR:PORT [--flows N] [--size BYTES] [--duration SEC]
//                  [--max-packets N] [--threads T] [--pps-limit R]
//   fnat-bench-udp --raw --target ADDR:PORT --src-net A.B.C.D [--src-count K]
//                  [--flows N] [--size BYTES] [--per-flow P] [--duration SEC]
//                  [--max-packets N] [--pps-limit R]
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bench/arguments.h"
#include "bench/endpoint.h"

namespace fnat::bench {

inline constexpr std::uint64_t kMaxSocketFlows = 4096;
inline constexpr std::uint64_t kMaxRawFlows = 1ULL << 24;
inline constexpr std::uint32_t kMaxSourceAddresses = 65536;
inline constexpr std::uint32_t kMaxPerFlow = 1000000;
inline constexpr std::uint32_t kMaxUdpThreads = 64;
inline constexpr double kMaxUdpSeconds = 86400;
// Raw mode is bounded by its packet count; this only caps a run that the
// pace (or a slow machine) would stretch.
inline constexpr double kRawDefaultSeconds = 600;
inline constexpr std::uint64_t kMaxPpsLimit = 100000000;

struct UdpOptions {
    bool raw = false;
    Endpoint target;
    std::uint64_t flows = 64;
    std::uint32_t size = 64; // payload bytes per datagram
    double duration = 3;
    std::optional<std::uint64_t> max_packets;
    std::uint32_t threads = 1; // socket mode only
    std::optional<std::uint64_t> pps_limit;
    // Raw mode only.
    std::uint32_t src_net = 0; // host byte order
    std::uint32_t src_count = 1;
    std::uint32_t per_flow = 1;
};

using UdpInvocation = std::variant<HelpRequest, UdpOptions>;

// args without the program name. Throws UsageError.
UdpInvocation parse_udp_arguments(const std::vector<std::string>& args);

} // namespace fnat::bench

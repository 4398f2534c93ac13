// The command line of fnat-bench-load:
//   fnat-bench-load --target ADDR:PORT [--target ADDR:PORT ...] [--threads N]
//                   [--concurrency C] [--duration SEC] [--max-conns N]
//                   [--request BYTES] [--response BYTES] [--timeout-ms T]
//                   [--warmup SEC]
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "bench/arguments.h"
#include "bench/endpoint.h"

namespace fnat::bench {

inline constexpr std::uint32_t kMaxLoadThreads = 64;
inline constexpr std::uint32_t kMaxConcurrency = 65536; // per thread
inline constexpr std::size_t kMaxTargets = 64;
inline constexpr double kMaxLoadSeconds = 86400;
inline constexpr std::uint32_t kMaxTimeoutMs = 600000;
inline constexpr std::uint64_t kMaxLoadConns = 1000000000000ULL;
inline constexpr std::uint32_t kMaxLoadMessageBytes = 1U << 20;

struct LoadOptions {
    std::vector<Endpoint> targets; // connections go round robin over them
    std::uint32_t threads = 2;
    std::uint32_t concurrency = 32; // connections in flight per thread
    double duration = 5;            // seconds of starting new connections
    std::uint64_t max_conns = 10000000;
    std::uint32_t request_bytes = 64;
    std::uint32_t response_bytes = 128;
    std::uint32_t timeout_ms = 3000; // longest a connection may go without progress
    double warmup = 0;               // seconds not measured, below duration
};

using LoadInvocation = std::variant<HelpRequest, LoadOptions>;

// args without the program name. Throws UsageError.
LoadInvocation parse_load_arguments(const std::vector<std::string>& args);

} // namespace fnat::bench

// fnat-bench-load's engine: --threads threads, each an epoll loop keeping
// --concurrency non-blocking connections in flight. A connection that ends,
// well or not, is replaced at once; one whose connect() fails on the spot
// (e.g. EADDRNOTAVAIL: no source port left) is retried a millisecond later,
// so a failing run counts failures without spinning.
//
// Latencies run from the connect() call to the EOF, on the monotonic clock.
// Each thread keeps at most kMaxLatencySamples / threads of them, a uniform
// random subset once there are more (reservoir.h); the maximum is exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

#include "bench/load_options.h"
#include "bench/result_line.h"

namespace fnat::bench {

inline constexpr std::size_t kMaxLatencySamples = 2000000;

struct LoadResult {
    LoadTotals totals;
    std::map<int, std::uint64_t> other_errors; // errno -> failures counted as "other"
};

// Runs the load; throws SystemError when a thread cannot set up its epoll.
LoadResult run_load(const LoadOptions& options);

} // namespace fnat::bench

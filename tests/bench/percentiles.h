// Latency statistics of fnat-bench-load: nearest-rank percentiles of
// microsecond samples, printed as milliseconds with three decimals.
#pragma once

#include <cstdint>
#include <vector>

#include "tools/traffic/latency.h"

namespace fnat::bench {

// fnat-traffic's, so that both tools rank and print latencies alike.
using traffic::format_millis;
using traffic::percentile;

struct LatencySummary {
    std::uint64_t count = 0; // samples summarized
    std::uint64_t p50_us = 0;
    std::uint64_t p90_us = 0;
    std::uint64_t p99_us = 0;
    std::uint64_t max_us = 0;

    bool operator==(const LatencySummary&) const = default;
};

// All zero for no samples.
LatencySummary summarize(std::vector<std::uint64_t> samples);

} // namespace fnat::bench

// Latency statistics of fnat-bench-load: nearest-rank percentiles of
// microsecond samples, printed as milliseconds with three decimals.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace fnat::bench {

// The nearest-rank percentile of samples sorted in ascending order: the
// sample of rank ceil(percent / 100 * n) (1-based, at least 1), i.e. the
// smallest sample with at least percent % of the samples <= it. nullopt for
// no samples; percent above 100 counts as 100.
std::optional<std::uint64_t> nearest_rank(std::span<const std::uint64_t> sorted, unsigned percent);

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

// 1234 -> "1.234": microseconds as milliseconds with three decimals.
std::string format_millis(std::uint64_t micros);

} // namespace fnat::bench

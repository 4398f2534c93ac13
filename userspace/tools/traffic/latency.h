// Latency samples in microseconds: nearest-rank percentiles and the
// min/median/max summary the reports print.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fnat::traffic {

struct LatencySummary {
    std::uint64_t min_us = 0;
    std::uint64_t median_us = 0; // the 50th nearest-rank percentile (the lower middle)
    std::uint64_t max_us = 0;

    bool operator==(const LatencySummary&) const = default;
};

// The nearest-rank percentile: the smallest sample such that at least
// `percent` % of the samples are <= it (percent 0 gives the minimum).
// nullopt for no samples; percent above 100 counts as 100.
std::optional<std::uint64_t> percentile(std::vector<std::uint64_t> samples, unsigned percent);

// nullopt for no samples.
std::optional<LatencySummary> summarize(std::vector<std::uint64_t> samples);

// 1234 -> "1.234" (milliseconds with three decimals).
std::string format_millis(std::uint64_t micros);

} // namespace fnat::traffic

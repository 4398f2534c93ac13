#include "bench/percentiles.h"

#include <algorithm>
#include <cstdio>

namespace fnat::bench {

std::optional<std::uint64_t> nearest_rank(std::span<const std::uint64_t> sorted, unsigned percent) {
    if (sorted.empty())
        return std::nullopt;
    std::uint64_t count = sorted.size();
    // ceil(p * n / 100) in integers: no rounding surprise at exact ranks
    // such as the 99th of 100 samples.
    std::uint64_t rank = (std::min(percent, 100U) * count + 99) / 100;
    rank = std::max<std::uint64_t>(rank, 1);
    return sorted[static_cast<std::size_t>(rank - 1)];
}

LatencySummary summarize(std::vector<std::uint64_t> samples) {
    LatencySummary summary;
    if (samples.empty())
        return summary;
    std::sort(samples.begin(), samples.end());
    summary.count = samples.size();
    summary.p50_us = *nearest_rank(samples, 50);
    summary.p90_us = *nearest_rank(samples, 90);
    summary.p99_us = *nearest_rank(samples, 99);
    summary.max_us = samples.back();
    return summary;
}

std::string format_millis(std::uint64_t micros) {
    char text[32];
    std::snprintf(text, sizeof(text), "%llu.%03llu", static_cast<unsigned long long>(micros / 1000),
                  static_cast<unsigned long long>(micros % 1000));
    return text;
}

} // namespace fnat::bench

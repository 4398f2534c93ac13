#include "tools/traffic/latency.h"

#include <algorithm>
#include <cstdio>

namespace fnat::traffic {

std::optional<std::uint64_t> percentile(std::vector<std::uint64_t> samples, unsigned percent) {
    if (samples.empty())
        return std::nullopt;
    std::sort(samples.begin(), samples.end());
    std::uint64_t count = samples.size();
    std::uint64_t rank = (std::min(percent, 100U) * count + 99) / 100; // ceil(p * n / 100)
    rank = std::max<std::uint64_t>(rank, 1);
    return samples[static_cast<std::size_t>(rank - 1)];
}

std::optional<LatencySummary> summarize(std::vector<std::uint64_t> samples) {
    if (samples.empty())
        return std::nullopt;
    std::sort(samples.begin(), samples.end());
    LatencySummary summary;
    summary.min_us = samples.front();
    summary.max_us = samples.back();
    summary.median_us = *percentile(std::move(samples), 50);
    return summary;
}

std::string format_millis(std::uint64_t micros) {
    char text[32];
    std::snprintf(text, sizeof(text), "%llu.%03llu", static_cast<unsigned long long>(micros / 1000),
                  static_cast<unsigned long long>(micros % 1000));
    return text;
}

} // namespace fnat::traffic

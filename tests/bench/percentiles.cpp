#include "bench/percentiles.h"

#include <algorithm>
#include <utility>

namespace fnat::bench {

LatencySummary summarize(std::vector<std::uint64_t> samples) {
    LatencySummary summary;
    if (samples.empty())
        return summary;
    // percentile sorts a copy each time: sorted once here, those sorts find
    // up to two million samples already in order.
    std::sort(samples.begin(), samples.end());
    summary.count = samples.size();
    summary.max_us = samples.back();
    summary.p50_us = *percentile(samples, 50);
    summary.p90_us = *percentile(samples, 90);
    summary.p99_us = *percentile(std::move(samples), 99);
    return summary;
}

} // namespace fnat::bench

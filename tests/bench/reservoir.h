// A bounded sample of latencies. A long run at a high rate completes more
// connections than are worth keeping, so each load thread keeps at most
// `capacity` samples: a uniform random subset of all it saw (reservoir
// sampling, Vitter's algorithm R), so that the percentiles stay unbiased.
// The largest latency is tracked exactly, whatever was kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace fnat::bench {

class LatencyReservoir {
public:
    // seed makes the kept subset repeatable.
    LatencyReservoir(std::size_t capacity, std::uint64_t seed);

    void add(std::uint64_t sample);

    std::uint64_t seen() const { return seen_; }
    std::uint64_t max() const { return max_; }
    std::size_t capacity() const { return capacity_; }
    // In no particular order; all of them while seen() <= capacity().
    const std::vector<std::uint64_t>& samples() const { return samples_; }

private:
    std::size_t capacity_;
    std::uint64_t seen_ = 0;
    std::uint64_t max_ = 0;
    std::vector<std::uint64_t> samples_;
    std::mt19937_64 random_;
};

// The samples of all parts as one uniform sample. When no part dropped
// anything it is all of them; otherwise each part gives a share
// proportional to what it saw (drawn at random from what it kept), so that
// a busier thread is not under-represented.
std::vector<std::uint64_t> merge_samples(const std::vector<LatencyReservoir>& parts,
                                         std::uint64_t seed);

} // namespace fnat::bench

#include "bench/reservoir.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace fnat::bench {
namespace {

// Grown on demand beyond this, so that a short run does not touch megabytes.
constexpr std::size_t kInitialReserve = 64 * 1024;

} // namespace

LatencyReservoir::LatencyReservoir(std::size_t capacity, std::uint64_t seed)
    : capacity_(capacity), random_(seed) {
    samples_.reserve(std::min(capacity_, kInitialReserve));
}

void LatencyReservoir::add(std::uint64_t sample) {
    ++seen_;
    max_ = std::max(max_, sample);
    if (samples_.size() < capacity_) {
        samples_.push_back(sample);
        return;
    }
    if (capacity_ == 0)
        return;
    // The seen_-th sample replaces a kept one with probability capacity / seen_.
    std::uniform_int_distribution<std::uint64_t> pick(0, seen_ - 1);
    std::uint64_t slot = pick(random_);
    if (slot < capacity_)
        samples_[static_cast<std::size_t>(slot)] = sample;
}

std::vector<std::uint64_t> merge_samples(const std::vector<LatencyReservoir>& parts,
                                         std::uint64_t seed) {
    std::vector<std::uint64_t> merged;
    bool complete = true;
    double ratio = 1.0; // the smallest kept / seen of all parts
    for (const LatencyReservoir& part : parts) {
        if (part.seen() == 0)
            continue;
        if (part.samples().size() < part.seen())
            complete = false;
        ratio = std::min(ratio, static_cast<double>(part.samples().size()) /
                                    static_cast<double>(part.seen()));
    }
    std::mt19937_64 random(seed);
    for (const LatencyReservoir& part : parts) {
        const auto& kept = part.samples();
        if (complete) {
            merged.insert(merged.end(), kept.begin(), kept.end());
            continue;
        }
        auto share =
            static_cast<std::size_t>(std::llround(ratio * static_cast<double>(part.seen())));
        share = std::min(share, kept.size());
        std::sample(kept.begin(), kept.end(), std::back_inserter(merged), share, random);
    }
    return merged;
}

} // namespace fnat::bench

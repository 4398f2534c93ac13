#include "bench/pacer.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace fnat::bench {

std::uint64_t paced_allowance(double elapsed, double rate, std::uint64_t sent) {
    double due = std::floor(std::max(elapsed, 0.0) * rate) + 1;
    auto allowed = static_cast<std::uint64_t>(due);
    return allowed > sent ? allowed - sent : 0;
}

Pacer::Pacer(std::optional<double> rate, Clock::time_point start)
    : rate_(rate), start_(start),
      cap_(rate ? std::max<std::uint64_t>(1, static_cast<std::uint64_t>(*rate / 1000)) : 0) {}

std::uint64_t Pacer::next_batch(std::uint64_t sent, std::uint64_t want,
                                Clock::time_point deadline) {
    if (!rate_)
        return want;
    want = std::min(want, cap_);
    while (true) {
        auto now = Clock::now();
        if (now >= deadline)
            return 0;
        std::uint64_t allowed = paced_allowance(seconds_between(start_, now), *rate_, sent);
        if (allowed > 0)
            return std::min(want, allowed);
        // The instant packet `sent` (0-based) is due.
        auto due = start_ + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(static_cast<double>(sent) / *rate_));
        std::this_thread::sleep_until(std::min(due, deadline));
    }
}

} // namespace fnat::bench

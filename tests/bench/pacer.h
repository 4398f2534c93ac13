// The --pps-limit of fnat-bench-udp: packets go out in batches, and a batch
// waits until the schedule (rate packets per second from the start) allows
// it. Batches are capped at about a millisecond's worth of packets, so that
// a low rate is not sent in bursts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "bench/socket.h"

namespace fnat::bench {

// Packets the schedule allows after `elapsed` seconds when `sent` went out
// already: the first at once, then one each 1 / rate seconds. 0 when the
// schedule is ahead.
std::uint64_t paced_allowance(double elapsed, double rate, std::uint64_t sent);

class Pacer {
public:
    // rate nullopt: no limit.
    Pacer(std::optional<double> rate, Clock::time_point start);

    // How many of `want` packets may go now, sleeping first (never past
    // deadline) while the schedule allows none. 0 only when the deadline came.
    std::uint64_t next_batch(std::uint64_t sent, std::uint64_t want, Clock::time_point deadline);

private:
    std::optional<double> rate_;
    Clock::time_point start_;
    std::uint64_t cap_;
};

} // namespace fnat::bench

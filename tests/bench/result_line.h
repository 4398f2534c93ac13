// The one-line results the benchmark script parses: a tool name, then
// NAME=VALUE fields separated by single spaces, always all of them and in
// this order, integers in decimal, durations and rates with a fixed number
// of decimals.
//
//   bench-server: tcp_served=N udp_packets=N udp_bytes=N
//   bench-load: ok=N failed=N refused=N reset=N timeout=N short=N other=N
//               seconds=S.SSS rate=R.R p50_ms=M.MMM p90_ms=M.MMM p99_ms=M.MMM
//               max_ms=M.MMM                                   (one line)
//   bench-udp: sent=N send_errors=N seconds=S.SSS pps=R.R flows=N
#pragma once

#include <cstdint>
#include <string>

#include "bench/failure.h"
#include "bench/percentiles.h"

namespace fnat::bench {

struct ServerTotals {
    std::uint64_t tcp_served = 0;
    std::uint64_t udp_packets = 0;
    std::uint64_t udp_bytes = 0;
};

std::string server_line(const ServerTotals& totals);

struct LoadTotals {
    std::uint64_t ok = 0;
    FailureCounts failures{};
    double seconds = 0; // the measured window
    double rate = 0;    // successful connections per second of the window
    LatencySummary latency;

    std::uint64_t failed() const;
    std::uint64_t count(Failure kind) const { return failures[static_cast<std::size_t>(kind)]; }
};

std::string load_line(const LoadTotals& totals);

struct UdpTotals {
    std::uint64_t sent = 0;
    std::uint64_t send_errors = 0;
    double seconds = 0;
    std::uint64_t flows = 0;

    // sent / seconds, 0 when no time passed.
    double pps() const;
};

std::string udp_line(const UdpTotals& totals);

} // namespace fnat::bench

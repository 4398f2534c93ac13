// The report of a `connect` run, as text for people and as JSON for tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/traffic/tally.h"

namespace fnat::traffic {

struct RunInfo {
    std::string protocol; // "tcp" or "udp"
    std::string target;   // "10.99.0.2:8001"
    std::uint64_t count = 0;
    std::uint64_t bytes = 0;
    std::uint64_t parallel = 0;
    std::uint64_t elapsed_us = 0;
};

// "none", or the non-zero kinds in report order: "refused 3, reset 1".
std::string failure_counts(const Tally& tally);

// 1234567 -> "1.235" (seconds, rounded to milliseconds).
std::string format_seconds(std::uint64_t micros);

// A heading, one line per answering server (wrapped here), the failures and
// the result:
//   tcp 10.99.0.2:8001: 50 exchanges of 10000 bytes, parallel 4
//   server rs1: 50 answered, 0 failed, latency min 1.203 ms, median 2.118 ms,
//     max 9.876 ms, peers 10.99.0.1, ports 40000-40049 (50 distinct)
//   failures: none
//   result: 50 ok, 0 failed, 1.234 s
std::string render_text(const RunInfo& info, const Tally& tally);

// One JSON object:
//   {"protocol": "tcp", "target": "10.99.0.2:8001", "count": 50, "bytes": 10000,
//    "parallel": 4, "elapsed_us": 1234000, "ok": 50, "failed": 0,
//    "servers": [{"name": "rs1", "answered": 50, "failed": 0,
//                 "latency_us": {"min": 1203, "median": 2118, "max": 9876},
//                 "peers": ["10.99.0.1"],
//                 "peer_ports": {"min": 40000, "max": 40049, "distinct": 50}}],
//    "failures": {"connect-timeout": 0, "refused": 0, ... every kind},
//    "errors": ["exchange 3: refused (...)", ...]}
// "latency_us" is left out for a server without a successful exchange,
// "peer_ports" for one that reported no ports.
std::string render_json(const RunInfo& info, const Tally& tally);

// One line per exchange, in index order:
//   exchange 0: rs1, seen as 10.0.1.2:30000
//   exchange 1: failed (refused)
std::string list_exchanges(const std::vector<ExchangeResult>& results);

} // namespace fnat::traffic

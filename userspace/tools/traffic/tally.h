// The outcome of a `connect` run: each exchange's result, and their tally
// per answering server and per failure kind.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/traffic/failure.h"
#include "tools/traffic/latency.h"

namespace fnat::traffic {

struct ExchangeResult {
    std::uint32_t index = 0;
    std::optional<Failure> failure; // nullopt: the echo came back complete and equal
    std::string detail;             // for a failure, what happened
    std::string server;             // the answering server's name, once its header arrived
    std::string peer;               // the client address:port that server saw
    std::uint64_t latency_us = 0;   // connect (TCP) or send (UDP) to the last echo byte
};

struct ServerTally {
    std::string name;
    std::uint64_t answered = 0; // exchanges that succeeded
    std::uint64_t failed = 0;   // exchanges that failed after this server's header arrived
    std::optional<LatencySummary> latency; // of the successful exchanges
    std::vector<std::string> peers;        // distinct client addresses seen, without ports
    // The client ports this server saw (e.g. --source-port-range, or the
    // director's local ports under FULLNAT); distinct_ports 0 when none.
    std::uint16_t min_port = 0;
    std::uint16_t max_port = 0;
    std::uint64_t distinct_ports = 0;
};

// At most this many failure details are kept (the first ones, by index).
inline constexpr std::size_t kMaxErrorDetails = 10;

struct Tally {
    std::uint64_t ok = 0;
    std::uint64_t failed = 0;
    std::vector<ServerTally> servers; // sorted by name
    std::array<std::uint64_t, kFailureKinds> failures{};
    std::vector<std::string> errors; // "exchange 3: refused (...)"

    std::uint64_t count(Failure kind) const { return failures[static_cast<std::size_t>(kind)]; }
};

Tally tally(const std::vector<ExchangeResult>& results);

// "10.99.0.1:40000" -> "10.99.0.1", "[2001:db8::1]:80" -> "2001:db8::1";
// text that is not ADDR:PORT comes back unchanged.
std::string peer_address(std::string_view peer);

} // namespace fnat::traffic

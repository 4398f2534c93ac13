// One run of fnat-fuzz-packets: draws kinds, makes their packets, sends
// them, and says what it did.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "fuzz/packet_options.h"

namespace fnat::fuzz::packet {

struct KindCount {
    std::uint64_t draws = 0;
    std::uint64_t frames = 0;
};

struct RunReport {
    std::map<Kind, KindCount> kinds;
    // Exact kinds: packets per drop reason.
    std::map<std::string, std::uint64_t> expect;
    std::uint64_t frames = 0;
    std::uint64_t bytes = 0;
    std::uint64_t refused = 0;
    std::uint64_t retries = 0;
    std::uint64_t sniffed = 0;
    std::uint64_t sniffed_own = 0;
    double seconds = 0;
    bool timed_out = false;
};

// The report's lines (see the --help footer).
std::string format_report(const Options& options, const RunReport& report);

RunReport run(const Options& options);

} // namespace fnat::fuzz::packet

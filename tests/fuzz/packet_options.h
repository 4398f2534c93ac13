// fnat-fuzz-packets' command line.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "bench/arguments.h"
#include "fuzz/packet_kind.h"
#include "fuzz/packet_sender.h"
#include "fuzz/packet_targets.h"

namespace fnat::fuzz::packet {

inline constexpr std::uint64_t kMaxCount = 100000000;
inline constexpr double kMaxSeconds = 86400;
inline constexpr std::uint64_t kMaxPps = 10000000;

struct Options {
    Targets targets;
    std::string iface;
    MacAddress dst_mac{};
    // The kinds drawn from, and their weights (all 1 for exact kinds).
    std::vector<Kind> kinds;
    std::vector<unsigned> weights;
    std::uint64_t count = 1000; // frames
    std::uint64_t seed = 1;
    double time_limit = 600; // seconds
    std::uint64_t pps = 0;   // 0: as fast as it goes
    bool sniff = false;      // server side: read SYNs on iface
    bool dry_run = false;    // make the packets, send nothing
};

struct ListKinds {};

using Invocation = std::variant<bench::HelpRequest, ListKinds, Options>;

// Throws bench::UsageError.
Invocation parse_arguments(const std::vector<std::string>& args);

// "mix", "exact", or kind names, comma-separated, into options' kinds and
// weights; throws bench::UsageError. Kinds the targets cannot take (IPv6
// ones without an IPv6 target) are left out of "mix" and "exact", and
// refused when named.
void select_kinds(const std::string& list, Options& options);

} // namespace fnat::fuzz::packet

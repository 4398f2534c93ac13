// fnat-fuzz-sync's command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bench/arguments.h"
#include "fuzz/sync_forge.h"
#include "lib/address.h"

namespace fnat::fuzz::sync {

struct SyncOptions {
    Address group = Address::ipv4(224, 0, 0, 83);
    std::uint16_t port = FNAT_SYNC_PORT_DEFAULT;
    std::string iface;
    BackupConfig backup;
    std::optional<Service> service;
    std::optional<Address> spoof;
    std::vector<SyncKind> kinds;
    std::vector<unsigned> weights;
    std::uint64_t count = 1000;
    std::uint64_t seed = 1;
    std::uint64_t step = 0; // 0: no pauses
    bool capture = false;
    double time_limit = 600;
};

using SyncInvocation = std::variant<bench::HelpRequest, SyncOptions>;

// Throws bench::UsageError.
SyncInvocation parse_sync_arguments(const std::vector<std::string>& args);

} // namespace fnat::fuzz::sync

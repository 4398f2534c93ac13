// One run of fnat-fuzz-sync: capture (optional), then the datagrams, with
// the model's expectations.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "fuzz/sync_options.h"

namespace fnat::fuzz::sync {

struct SyncReport {
    std::map<SyncKind, std::uint64_t> kinds;
    Counters expect;
    std::uint64_t captured = 0;
    std::uint64_t sent = 0;
    std::uint64_t bytes = 0;
    double seconds = 0;
};

// Throws on failures (a socket, standard input closed while waiting).
SyncReport run_sync(const SyncOptions& options);

std::string format_sync_report(const SyncReport& report);

} // namespace fnat::fuzz::sync

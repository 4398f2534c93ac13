// Executes a parsed Command against fnat.ko through an FnatApi.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "lib/fnat_api.h"
#include "lib/options.h"

namespace fnat {

// Reads the table for -L: info, the services (one when only is set, via
// GET_SERVICE doit), each with its destinations; sorted like ipvsadm unless
// sort is false (creation order). A service that disappears between the
// service dump and its destination dump (ESRCH) is left out.
Table read_table(FnatApi& api, const std::optional<ServiceKey>& only, bool sort);

// Fills the laddrs of each entry from one GET_LADDR dump. Local addresses of
// a service not among the entries (created after they were read) are left
// out. A module without local addresses (FNAT_CMD_GET_LADDR unknown to it:
// EOPNOTSUPP) leaves every list empty.
void read_laddrs_into(FnatApi& api, std::vector<ServiceEntry>& entries);

// Reads -G's listing: every service (GET_SERVICE dump, so that a service
// without local addresses shows too) with its local addresses, sorted like
// -L; or the one service asked for (ESRCH when it does not exist).
std::vector<ServiceLaddrs> read_laddr_listing(FnatApi& api, const std::optional<ServiceKey>& only);

// Runs any command except Help and Version, writing listings (-L, -L
// --timeout, -L -c, -L --drops, -L --daemon, -G, -S) to out; --start-daemon
// needs its --sync-key read first (load_sync_key()). -S includes each service's
// local addresses, as -P lines between its -A line and its -a lines. Output is written only once
// everything is read. Kernel errors propagate as NetlinkError, bad replies as DecodeError.
void run_command(const Command& command, FnatApi& api, std::ostream& out);

// The -v line: "fnatadm v0.1.0 (FNAT version 0.1.0)\n" with the module's
// version, or with the reason it is unknown ("FNAT module not loaded").
std::string version_text(const std::optional<Info>& info, std::string_view unavailable_reason);

} // namespace fnat

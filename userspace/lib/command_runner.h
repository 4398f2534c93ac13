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

// Runs any command except Help and Version, writing listings (-L, -L
// --timeout, -L -c, -L --drops, -S) to out. Output is written only once everything is read.
// Kernel errors propagate as NetlinkError, bad replies as DecodeError.
void run_command(const Command& command, FnatApi& api, std::ostream& out);

// The -v line: "fnatadm v0.1.0 (FNAT version 0.1.0)\n" with the module's
// version, or with the reason it is unknown ("FNAT module not loaded").
std::string version_text(const std::optional<Info>& info, std::string_view unavailable_reason);

} // namespace fnat

// `fnat-traffic connect`: --count exchanges, --parallel at a time, each on a
// socket of its own; each sends its payload, checks the echo byte for byte,
// holds the connection --hold-ms, and closes it.
#pragma once

#include <cstdint>
#include <optional>

#include "tools/traffic/options.h"
#include "tools/traffic/tally.h"

namespace fnat::traffic {

// One exchange: index picks the payload, local_port is bound when given.
// Never throws: a local error (e.g. no file descriptors) is a Failure::Error.
ExchangeResult run_exchange(const ConnectOptions& options, std::uint32_t index,
                            std::optional<std::uint16_t> local_port);

// The whole run: prints the report (text or JSON) on stdout and, when
// exchanges failed, "fnat-traffic: F of N exchanges failed: KINDS" and the
// first failures on stderr. Returns the exit status (0, or 1 for failures
// without --allow-failures).
int run_connect(const ConnectOptions& options);

} // namespace fnat::traffic

// `fnat-traffic stream`: one TCP connection carrying the payload sequence of
// --seed for --seconds, at --rate-kbps. The server verifies what it receives
// and echoes it; this side verifies the echo as it arrives. Loss shows up as
// a reset, a stall (no progress for --timeout-ms while bytes are
// outstanding) or an early close; corruption as a mismatch. Each is reported
// with the byte offset the verified echo had reached.
#pragma once

#include "tools/traffic/options.h"

namespace fnat::traffic {

// Prints, on stdout (stderr with --json, which prints the result as JSON):
//   stream from 10.99.0.1:40000 to 10.99.0.2:8001
//   stream connected: server rs1, seen as 10.99.0.1:40000
//   stream 1 s: sent 1000000 received 999424 bytes
//   ...
//   stream ok: 3.000 s, sent 3000000 received 3000000 bytes, server rs1,
//     seen as 10.99.0.1:40000                                      (one line)
// or on stderr
//   stream failed: reset at offset 1234567 after 1.523 s (sent 1300000, received
//     1234567 bytes): DETAIL                                       (one line)
// Returns the exit status: 0 ok, 1 failed.
int run_stream(const StreamOptions& options);

} // namespace fnat::traffic

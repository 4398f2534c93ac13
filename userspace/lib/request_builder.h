// Turns a parsed Command into the FNAT request it sends.
//
// Like ipvsadm, -E and -e send the full specification, not a difference:
// "fnatadm -E -t VIP:80 -s wrr" also makes the service non-persistent with a
// /32 mask unless -p and -M are repeated, and "fnatadm -e ... -w 2" also sets
// the forwarding method (DR unless -i/-m/-b is given) and the thresholds.
#pragma once

#include "lib/message_codec.h"
#include "lib/options.h"

namespace fnat {

// The request for a command that changes state (-A -E -D -C -a -e -d).
// Throws std::logic_error for List, Help and Version.
Request build_request(const Command& command);

} // namespace fnat

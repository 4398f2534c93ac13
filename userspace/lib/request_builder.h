// Turns a parsed Command into the FNAT request it sends.
//
// Like ipvsadm, -E and -e send the full specification, not a difference:
// "fnatadm -E -t VIP:80 -s wrr" also makes the service non-persistent with a
// /32 mask unless -p and -M are repeated, and clears its scheduler flags
// unless --sched-flags (-b) is repeated (FNAT_SVC_A_FLAGS is one word, sent
// whole, as ipvsadm sends IPVS's flags with an all-ones mask); an -E without
// -s sets wlc, as ipvsadm's does. "fnatadm -e ... -w 2" also sets
// the forwarding method (DR unless -i/-m/-b is given) and the thresholds.
// --set is the exception: ipvsadm's 0 means "leave this timeout as it is",
// so a 0 is left out of the request, and --set 0 0 0 sends nothing at all.
#pragma once

#include <optional>

#include "lib/message_codec.h"
#include "lib/options.h"

namespace fnat {

// Whether the command changes state but has nothing to send (--set 0 0 0).
bool changes_nothing(const Command& command);

// The request for a command that changes state (-A -E -D -C -a -e -d --set
// -Z -P -Q --start-daemon --stop-daemon). --start-daemon sends the role,
// the interface and the other sync options given (the key once
// load_sync_key() has read it), --stop-daemon the role only.
// Throws std::logic_error for List, ListLaddr, Save, Help and Version, when
// changes_nothing(command) (the kernel refuses an empty timeout nest), and
// for a --sync-key whose file was not read.
Request build_request(const Command& command);

// The FNAT_CMD_GET_CONN dump, for -L -c: every connection, or with the
// service's keys only those of that service.
Request conn_dump_request(const std::optional<ServiceKey>& service);

// The FNAT_CMD_GET_LADDR dump, for -G (and -S, -R's snapshot): every
// service's local addresses, or with the service's keys that service's only.
Request laddr_dump_request(const std::optional<ServiceKey>& service);

} // namespace fnat

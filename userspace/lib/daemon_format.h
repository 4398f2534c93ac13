// fnatadm -L --daemon: the running connection sync daemons
// (FNAT_CMD_GET_DAEMON), as text and as JSON (docs/fnatadm-json.md).
//
// Each daemon starts with ipvsadm 1.31's line (its list_daemon()):
//
//   master sync daemon (mcast=eth0, syncid=1, maxlen=1472, group=224.0.0.83, port=8849, ttl=1)
//
// ("%s sync daemon (mcast=%s, syncid=%d", then ", maxlen=%u", ", group=%s",
// ", port=%u" and ", ttl=%u", each only when the module reports it
// non-zero, then ")\n"), so that scripts reading ipvsadm's output keep
// working. fnat's own lines follow, indented two spaces:
//
//   sender 3a4f12c0, key yes, up 12.3 s
//   sent: messages_sent 14, records_sent 320, bytes_sent 25400, ...
//   received: messages_received 3, records_received 80, records_applied 80
//   dropped: short 0, bad_version 0, bad_length 0, syncid 0, auth 0, ...
//   peer 10.0.3.2 sender 7b1c0011 syncid 1: 3 messages, last 0.4 s ago
//
// The sender id is 8 hex digits; times are seconds with one decimal,
// rounded down. Every counter is "name value" (scripts grep
// "records_applied 80"), in the module's order, on the line of its kind;
// names this version does not know go on an "other:" line after them, and
// a line without counters is left out. One line per peer, as the module
// lists them. No daemon: no output.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/model.h"

namespace fnat {

// "master", "backup"; "unknown" for a role this version does not know.
std::string sync_state_name(std::uint32_t state);

// ipvsadm's line, with its newline.
std::string format_daemon_line(const SyncDaemon& daemon);

// fnat's lines after it: sender, key and uptime, the counters, the peers.
std::string format_daemon_details(const SyncDaemon& daemon);

// Every daemon, in the order given (the module's: master first).
std::string format_daemons_text(const std::vector<SyncDaemon>& daemons);

// {"daemons": [{"state": "master", "mcast_interface": "eth0", ...}]}.
std::string format_daemons_json(const std::vector<SyncDaemon>& daemons);

} // namespace fnat

// fnatadm -L --drops: the module's connection count and its dropped-packet
// counters by reason (FNAT_INFO_A_NUM_CONNS, FNAT_INFO_A_DROPS), as text and
// as JSON (docs/fnatadm-json.md). ipvsadm has no such listing; the text is
// made to be read by people and split on whitespace by scripts:
//
//   Connections: 3
//   Drop reason                  Packets
//   no_dest                      12
//   no_conn                      0
//
// Reasons come in the module's fixed order, one per line as "%-28s %llu";
// a module without drop counters gives the two first lines only.
#pragma once

#include <string>

#include "lib/model.h"

namespace fnat {

std::string format_drops_text(const Info& info);

// {"num_conns": 3, "drops": {"no_dest": 12, ...}}: drops keyed by reason.
std::string format_drops_json(const Info& info);

} // namespace fnat

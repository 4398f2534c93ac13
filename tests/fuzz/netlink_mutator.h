// Byte-level mutations of an encoded FNAT request, after its netlink header
// (which the kernel's netlink_rcv_skb() would otherwise drop silently or
// split into several messages): bit flips, interesting byte and length
// values, bytes inserted, deleted and repeated. nlmsg_len is kept equal to
// the message's length.
#pragma once

#include <string>

#include "fuzz/netlink_wire.h"
#include "fuzz/rng.h"

namespace fnat::fuzz {

// Mutates message in place (1 to 4 mutations); returns what it did, for
// failure reports.
std::string mutate(Rng& rng, Bytes& message);

} // namespace fnat::fuzz

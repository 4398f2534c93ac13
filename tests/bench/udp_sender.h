// fnat-bench-udp's senders.
//
// Socket mode: one connected UDP socket per flow (its own source port), the
// flows dealt out to --threads threads; each thread sends sendmmsg batches of
// 64 datagrams to one socket after the other. Blocking sends with a 100 ms
// SO_SNDTIMEO: a full socket buffer slows the sender down instead of adding
// errors, and no send waits longer than that.
//
// Raw mode: one IPPROTO_RAW socket, packets built by raw_packet.h, all flows
// once, then all again, --per-flow times. A send the kernel could not queue
// (ENOBUFS, EAGAIN) is tried again, a millisecond apart, up to 100 times
// before it counts as a send error, so that a table fill loses no flow to a
// short queue overflow.
#pragma once

#include "bench/result_line.h"
#include "bench/udp_options.h"

namespace fnat::bench {

// Throws SystemError when the sockets cannot be set up.
UdpTotals run_udp_sockets(const UdpOptions& options);

// Throws SystemError when the raw socket cannot be opened (without
// CAP_NET_RAW: EPERM).
UdpTotals run_udp_raw(const UdpOptions& options);

} // namespace fnat::bench

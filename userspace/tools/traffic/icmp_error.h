// `fnat-traffic icmp-error`: the "packet too big" error a router on the
// client's side would send about a TCP segment it could not forward: ICMP
// fragmentation needed (type 3 code 4) for IPv4, ICMPv6 packet too big
// (type 2) for IPv6, sent from a raw socket to the segment's source (a VIP)
// with the next-hop MTU. It quotes the segment's IP header (1500 bytes long,
// DF set) and its 20-byte TCP header (ACK, --seq) as the router saw them,
// so a test can check that the error reaches the real server about the
// segment it sent, which TCP only heeds when the quoted sequence number is
// in its window.
#pragma once

#include <cstdint>
#include <vector>

#include "tools/traffic/options.h"

namespace fnat::traffic {

// The length the quoted packet claims: a full Ethernet frame's payload.
inline constexpr std::uint16_t kIcmpQuotedLength = 1500;

// The ICMP or ICMPv6 message (no IP header) of options: type, code, MTU,
// the quoted IP and TCP headers. The ICMPv4 checksum is filled in; the
// ICMPv6 one is left 0, for the kernel computes it on a raw ICMPv6 socket.
std::vector<std::uint8_t> icmp_error_message(const IcmpErrorOptions& options);

// Sends the message to the quoted segment's source and prints
// "icmp-error: sent packet-too-big (mtu M) to ADDR about SRC:PORT > DST:PORT seq N".
// Returns 0; throws SystemError when the raw socket cannot be opened or the
// send fails.
int run_icmp_error(const IcmpErrorOptions& options);

} // namespace fnat::traffic

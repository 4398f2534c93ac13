// `fnat-traffic garbage`: malformed IPv4 packets for the module's packet
// parser (kmod/fnat_pkt.c), sent from a raw socket (IPPROTO_RAW, so the
// header is ours). The IP header is valid: IHL 5, total length the bytes
// sent, TTL 64, a correct checksum, not a fragment (DF set). Only the L4
// part is wrong, in the one way that makes the parser refuse the packet
// with the kind's drop reason and no earlier one (see GarbageKind).
//
// Random fields (IP id, source port 1024..65535, TCP sequence number, UDP
// payload) come from a std::mt19937 seeded with --seed, so a run is
// repeatable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "lib/address.h"
#include "tools/traffic/options.h"

namespace fnat::traffic {

inline constexpr std::size_t kIpv4HeaderSize = 20;
inline constexpr std::uint8_t kGarbageTtl = 64;
inline constexpr std::uint16_t kGarbageUdpLength = 200; // bad-udp-length's UDP length field
inline constexpr std::size_t kGarbageUdpPayload = 20;   // and its payload after the UDP header
inline constexpr std::size_t kGarbageTruncatedL4 = 10;  // l4-truncated's bytes of TCP header
inline constexpr std::size_t kTcpHeaderSize = 20;
inline constexpr std::uint8_t kIpProtocolTcp = 6;
inline constexpr std::uint16_t kIpDontFragment = 0x4000; // the IPv4 flags word's DF

// Big-endian writes of 16 and 32 bits at out[at].
void put16(std::vector<std::uint8_t>& out, std::size_t at, std::uint16_t value);
void put32(std::vector<std::uint8_t>& out, std::size_t at, std::uint32_t value);

// The Internet checksum (RFC 1071) of bytes, starting from the partial sum
// `sum`: the value to store, big-endian, in the checksum field. Over a header
// whose checksum field is already right, it is 0.
std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes, std::uint32_t sum = 0);

// The std::mt19937 of a --seed: both halves of the 64-bit seed count.
std::mt19937 garbage_random(std::uint64_t seed);

// One packet of kind from source (IPv4) to target (IPv4), IP header
// included; draws its random fields from random. Throws std::invalid_argument
// when an address is not IPv4.
std::vector<std::uint8_t> garbage_packet(GarbageKind kind, const Address& source,
                                         const Target& target, std::mt19937& random);

// The address the kernel would send from to reach target (a connected UDP
// socket's local address). Throws SystemError.
Address source_address_for(const Target& target);

// Sends the packets and prints "garbage: sent N KIND packets to ADDR:PORT".
// Returns 0; throws SystemError when the raw socket cannot be opened or a
// send fails.
int run_garbage(const GarbageOptions& options);

} // namespace fnat::traffic

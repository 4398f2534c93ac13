// The Internet checksum (RFC 1071) of the raw UDP packets: the IPv4 header
// checksum, and the UDP checksum over the IPv4 pseudo header.
#pragma once

#include <cstdint>
#include <span>

namespace fnat::bench {

// The one's-complement sum of bytes as big-endian 16-bit words (an odd last
// byte is padded with zero), added to `partial` and folded to 16 bits.
std::uint16_t ones_complement_sum(std::span<const std::uint8_t> bytes, std::uint32_t partial = 0);

// The value to store, big-endian, in a checksum field that was zero while
// summing: the complement of the sum. Over bytes that include a correct
// checksum field it is 0 (the sum is 0xffff).
std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes, std::uint32_t partial = 0);

// The UDP checksum of segment (UDP header with a zero checksum field, then
// the payload) from source to dest (IPv4, host byte order). A computed 0 is
// sent as 0xffff, since 0 on the wire means "no checksum" (RFC 768).
std::uint16_t udp4_checksum(std::uint32_t source, std::uint32_t dest,
                            std::span<const std::uint8_t> segment);

} // namespace fnat::bench

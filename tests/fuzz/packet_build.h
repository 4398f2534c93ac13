// The packet fuzzer's building blocks: IPv4 and IPv6 headers (IPv6
// extension headers, fragments of either family), TCP, UDP, ICMP and ICMPv6
// with right checksums, each field overridable so that a generator can make
// exactly the one thing wrong it wants. Packets start at the IP header; the
// sender puts the Ethernet header in front.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "lib/address.h"

namespace fnat::fuzz::packet {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::uint8_t kProtoHop = 0;
inline constexpr std::uint8_t kProtoIcmp = 1;
inline constexpr std::uint8_t kProtoTcp = 6;
inline constexpr std::uint8_t kProtoUdp = 17;
inline constexpr std::uint8_t kProtoRouting = 43;
inline constexpr std::uint8_t kProtoFragment = 44;
inline constexpr std::uint8_t kProtoIcmpv6 = 58;
inline constexpr std::uint8_t kProtoNone = 59;
inline constexpr std::uint8_t kProtoDest = 60;

inline constexpr std::size_t kIpv4Header = 20;
inline constexpr std::size_t kIpv6Header = 40;
inline constexpr std::size_t kTcpHeader = 20;
inline constexpr std::size_t kUdpHeader = 8;
inline constexpr std::size_t kIcmpHeader = 8;
// The largest IP packet a generator makes: the veth MTU.
inline constexpr std::size_t kMaxPacket = 1500;

inline constexpr std::uint8_t kTcpFin = 0x01;
inline constexpr std::uint8_t kTcpSyn = 0x02;
inline constexpr std::uint8_t kTcpRst = 0x04;
inline constexpr std::uint8_t kTcpPsh = 0x08;
inline constexpr std::uint8_t kTcpAck = 0x10;

void put16(std::span<std::uint8_t> out, std::size_t at, std::uint16_t value);
void put32(std::span<std::uint8_t> out, std::size_t at, std::uint32_t value);
std::uint16_t get16(std::span<const std::uint8_t> in, std::size_t at);
void append(Bytes& out, std::span<const std::uint8_t> more);

// The one's-complement sum of the pseudo header of an L4 segment of length
// bytes and protocol proto between src and dst (either family).
std::uint32_t pseudo_sum(const Address& src, const Address& dst, std::uint8_t proto,
                         std::size_t length);
// The checksum to store in a field that was zero while summing bytes.
std::uint16_t checksum(std::span<const std::uint8_t> bytes, std::uint32_t partial = 0);

// What a checksum field gets.
enum class Csum { Right, Wrong, Zero };

struct TcpSpec {
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t flags = kTcpSyn;
    std::uint16_t window = 64240;
    Bytes options; // padded with zeroes (EOL) to 4 bytes when doff is not given
    Bytes payload;
    std::optional<std::uint8_t> doff; // words; default: header and options
    Csum csum = Csum::Right;
};
// A TCP segment from src to dst (for the pseudo header).
Bytes tcp_segment(const TcpSpec& spec, const Address& src, const Address& dst);

struct UdpSpec {
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
    Bytes payload;
    std::optional<std::uint16_t> length; // default: header and payload
    Csum csum = Csum::Right;
};
Bytes udp_datagram(const UdpSpec& spec, const Address& src, const Address& dst);

// An ICMP (src IPv4) or ICMPv6 (src IPv6) message: type, code, the 4 bytes
// after the checksum (rest: id and sequence, MTU, pointer...), then body.
Bytes icmp_message(std::uint8_t type, std::uint8_t code, std::uint32_t rest,
                   std::span<const std::uint8_t> body, const Address& src, const Address& dst,
                   Csum csum = Csum::Right);

struct Ip4Spec {
    Address src;
    Address dst;
    std::uint8_t proto = kProtoTcp;
    std::uint8_t tos = 0;
    std::uint16_t id = 1;
    std::uint16_t frag = 0x4000; // flags and offset as on the wire: DF
    std::uint8_t ttl = 64;
    Bytes options;                      // padded with zeroes (EOL) to 4 bytes when ihl is not given
    std::optional<std::uint8_t> ihl;    // words; default: header and options
    std::optional<std::uint16_t> total; // default: the packet's length
    std::optional<std::uint8_t> version; // default 4
    Csum csum = Csum::Right;
};
Bytes ipv4_packet(const Ip4Spec& spec, std::span<const std::uint8_t> payload);

struct Ip6Spec {
    Address src;
    Address dst;
    std::uint8_t next = kProtoTcp; // the first header after the fixed one
    std::uint8_t hop_limit = 64;
    std::uint32_t flow = 0;
    std::optional<std::uint16_t> payload_length; // default: the payload's
    std::optional<std::uint8_t> version;         // default 6
};
// payload: extension headers and L4 together.
Bytes ipv6_packet(const Ip6Spec& spec, std::span<const std::uint8_t> payload);

// An IPv6 hop-by-hop, destination options or routing header: next, then
// body (6 bytes, 14, 22...: the length field is body.size() / 8, rounded
// down, unless hdr_len overrides it).
Bytes ext6_header(std::uint8_t next, std::span<const std::uint8_t> body,
                  std::optional<std::uint8_t> hdr_len = std::nullopt);
// PadN filling an options header's body of size bytes (size >= 2 or 0).
Bytes pad_options(std::size_t size);
// An IPv6 fragment header: next, offset in bytes (a multiple of 8), more.
Bytes frag6_header(std::uint8_t next, std::uint16_t offset, bool more, std::uint32_t id);

// One piece of a datagram to fragment: [offset, offset + length) of its
// payload, with the more-fragments flag.
struct Piece {
    std::size_t offset = 0;
    std::size_t length = 0;
    bool more = false;
};
// The IPv4 fragments of a datagram whose header spec describes (id, proto;
// its frag field is replaced) carrying payload, cut as pieces say (pieces
// may overlap, leave holes or run past the payload: missing bytes are
// zeroes).
std::vector<Bytes> ipv4_fragments(const Ip4Spec& spec, std::span<const std::uint8_t> payload,
                                  std::span<const Piece> pieces);
// The same for IPv6: each fragment is the fixed header, the unfragmentable
// headers (unfrag, may be empty; spec.next is its first header, or the
// fragment header's when empty) and a fragment header naming next_after
// (the first header of payload).
std::vector<Bytes> ipv6_fragments(const Ip6Spec& spec, std::span<const std::uint8_t> unfrag,
                                  std::uint8_t next_after, std::span<const std::uint8_t> payload,
                                  std::span<const Piece> pieces, std::uint32_t id);

// The pieces of a clean fragmentation: size bytes in chunks of chunk bytes
// (a multiple of 8), the last one without more-fragments.
std::vector<Piece> even_pieces(std::size_t size, std::size_t chunk);

} // namespace fnat::fuzz::packet

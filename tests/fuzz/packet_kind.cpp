#include "fuzz/packet_kind.h"

#include <array>

namespace fnat::fuzz::packet {
namespace {

constexpr std::array<KindInfo, 29> kKinds = {{
    {Kind::IpHeader, "ip-header",
     "IPv4 IHL < 5 or past the packet, total length past the frame "
     "or short of the header, bad header checksum, other versions; "
     "IPv6 payload length past the frame or 0",
     5, "", false},
    {Kind::IpTrailer, "ip-trailer", "a sound packet with bytes after the IP length (padding)", 3,
     "", false},
    {Kind::IpOptions, "ip-options",
     "IPv4 options, valid (NOP, EOL, RR, TS) and garbage; IPv6 "
     "hop-by-hop and destination options with odd TLVs",
     5, "", false},
    {Kind::Fragments, "fragments",
     "first, middle, last, overlapping, duplicate, tiny, missing "
     "and beyond-64K fragments of TCP, UDP and ICMP datagrams",
     3, "", false},
    {Kind::TcpFlags, "tcp-flags", "TCP on session ports with any flag combination, seq and ack", 12,
     "", false},
    {Kind::TcpDoff, "tcp-doff", "TCP data offset below 5 or past the segment", 4, "", false},
    {Kind::TcpOptions, "tcp-options",
     "TCP options of length 0, 1, overlong or cut short, many "
     "MSS, timestamps, SACK blocks, TOA of the wrong length",
     10, "", false},
    {Kind::TcpTruncated, "tcp-truncated", "less than a TCP header", 3, "", false},
    {Kind::Udp, "udp",
     "UDP with a length below 8, past or short of the payload, no or a "
     "wrong checksum, or sound",
     8, "", false},
    {Kind::IcmpError, "icmp-error",
     "ICMP and ICMPv6 errors quoting nothing, a cut or garbage "
     "header, a later fragment, an error, or a session's packet",
     10, "", false},
    {Kind::IcmpOther, "icmp-other", "echo and other informational ICMP, cut short", 3, "", false},
    {Kind::OtherProto, "other-proto", "GRE, ESP, AH, SCTP, IPIP and unassigned protocols", 3, "",
     false},
    {Kind::ExtHeaders, "ext-headers",
     "IPv6 extension header chains: long, hop-by-hop late, "
     "repeated, cut short, routing with segments left, AH, "
     "ESP, no next header",
     6, "", true},
    {Kind::Mutate, "mutate", "a packet of another kind with bytes changed, cut or added", 12, "",
     false},
    {Kind::Random, "random", "random bytes after an IPv4 or IPv6 Ethernet type", 5, "", false},
    {Kind::Spoofed, "spoofed",
     "TCP SYNs and UDP to a service from client addresses with bits changed, which nobody "
     "answers for (only when named: their connections wait out their timeouts, a SYN answered "
     "by the server two minutes)",
     0, "", false},
    {Kind::XTcpTruncated, "x-tcp-truncated", "TCP of 1..19 bytes to a VIP", 0, "l4_truncated",
     false},
    {Kind::XTcpDoffSmall, "x-tcp-doff-small", "TCP data offset 0..4 to a VIP", 0, "bad_tcp_doff",
     false},
    {Kind::XTcpDoffLong, "x-tcp-doff-long", "TCP data offset past the segment to a VIP", 0,
     "bad_tcp_doff", false},
    {Kind::XUdpShort, "x-udp-short", "UDP length 0..7 to a VIP", 0, "bad_udp_length", false},
    {Kind::XUdpLong, "x-udp-long", "UDP length past the payload to a VIP", 0, "bad_udp_length",
     false},
    {Kind::XIcmpInnerShort, "x-icmp-inner-short",
     "an ICMP error to a VIP quoting less than an IP header and 8 bytes", 0, "icmp_truncated_inner",
     false},
    {Kind::XIcmpInnerBad, "x-icmp-inner-bad",
     "an ICMP error to a VIP quoting a header of the wrong version, IHL < 5 or a later fragment", 0,
     "icmp_bad_inner", false},
    {Kind::XTcpNoConn, "x-tcp-no-conn", "TCP without SYN to a VIP:port from no-conn ports", 0,
     "no_conn", false},
    {Kind::XFragDoff, "x-frag-doff",
     "two fragments that make a TCP segment with a data offset past its end", 0, "bad_tcp_doff",
     false},
    {Kind::XExtLong, "x-ext-long", "9..12 destination options headers before TCP", 0, "bad_exthdr",
     true},
    {Kind::XExtHopLate, "x-ext-hop-late", "hop-by-hop after destination options", 0, "bad_exthdr",
     true},
    {Kind::XExtShort, "x-ext-short", "a destination options header running past the payload", 0,
     "bad_exthdr", true},
    {Kind::XUdpZeroCsum, "x-udp6-zero-csum", "UDP over IPv6 without a checksum to a VIP", 0,
     "udp_zero_csum", true},
}};

} // namespace

std::span<const KindInfo> all_kinds() {
    return kKinds;
}

const KindInfo& kind_info(Kind kind) {
    for (const KindInfo& info : kKinds)
        if (info.kind == kind)
            return info;
    return kKinds[0];
}

std::optional<Kind> kind_by_name(std::string_view name) {
    for (const KindInfo& info : kKinds)
        if (info.name == name)
            return info.kind;
    return std::nullopt;
}

bool is_exact(Kind kind) {
    return !kind_info(kind).reason.empty();
}

} // namespace fnat::fuzz::packet

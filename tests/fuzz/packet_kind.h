// The kinds of packet the fuzzer makes, by name.
//
// Mix kinds make random packets of one family of defects each; the default
// run draws them by weight. Exact kinds make packets that fnat must drop
// and count under one known reason (include/uapi/fnat.h's drop counters),
// every one of them: the stack in front of fnat (ip_rcv, defragmentation)
// lets them through, so a run of N of them must raise that counter by N.
// Others are drawn only when named (weight 0, no reason).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace fnat::fuzz::packet {

enum class Kind {
    // Mix kinds.
    IpHeader,
    IpTrailer,
    IpOptions,
    Fragments,
    TcpFlags,
    TcpDoff,
    TcpOptions,
    TcpTruncated,
    Udp,
    IcmpError,
    IcmpOther,
    OtherProto,
    ExtHeaders,
    Mutate,
    Random,
    // Only when named.
    Spoofed,
    // Exact kinds.
    XTcpTruncated,
    XTcpDoffSmall,
    XTcpDoffLong,
    XUdpShort,
    XUdpLong,
    XIcmpInnerShort,
    XIcmpInnerBad,
    XTcpNoConn,
    XFragDoff,
    XExtLong,
    XExtHopLate,
    XExtShort,
    XUdpZeroCsum,
};

struct KindInfo {
    Kind kind;
    std::string_view name;
    std::string_view what;
    unsigned weight;         // in the default mix; 0: only when named
    std::string_view reason; // exact kinds: the drop counter
    bool ipv6_only = false;  // needs an IPv6 target
};

std::span<const KindInfo> all_kinds();
const KindInfo& kind_info(Kind kind);
std::optional<Kind> kind_by_name(std::string_view name);
bool is_exact(Kind kind);

} // namespace fnat::fuzz::packet

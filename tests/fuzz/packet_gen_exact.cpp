// The exact kinds: packets to a VIP that fnat must drop and count under one
// reason each, and that nothing in front of fnat drops first. IPv4 headers
// are sound (ip_rcv() checks them before PRE_ROUTING); IPv6 ones start with
// no hop-by-hop header (the only one the stack reads before PRE_ROUTING);
// fragments are whole once reassembled.
#include <netinet/in.h>

#include "fuzz/packet_gen.h"

namespace fnat::fuzz::packet {
namespace {

Flow vip_flow(Gen& gen, std::uint8_t proto, int family) {
    return gen.flow(proto, family, true);
}

int any_family(Gen& gen) {
    return gen.family();
}

TcpSpec plain_tcp(Gen& gen, const Flow& flow) {
    TcpSpec spec;
    spec.sport = flow.sport;
    spec.dport = flow.dport;
    spec.seq = gen.rng.u32();
    spec.ack = gen.rng.u32();
    spec.flags = kTcpSyn;
    return spec;
}

Bytes chain6(const Flow& flow, std::uint8_t first, std::span<const std::uint8_t> chain) {
    Ip6Spec spec;
    spec.src = flow.src;
    spec.dst = flow.dst;
    spec.next = first;
    return ipv6_packet(spec, chain);
}

// An ICMP error quote whose header is wrong in a way the parser calls bad.
Bytes bad_quote(Gen& gen, const Flow& flow) {
    Rng& rng = gen.rng;
    bool v6 = flow.dst.is_ipv6();
    std::size_t header = v6 ? kIpv6Header : kIpv4Header;
    Bytes quote = quote_of(gen, flow, header + 8 + rng.range(0, 40));
    switch (rng.below(3)) {
    case 0: { // another version
        unsigned version = rng.below(16);
        if (version == (v6 ? 6U : 4U))
            version ^= 1;
        quote[0] = static_cast<std::uint8_t>(version << 4U | (quote[0] & 0x0fU));
        return quote;
    }
    case 1:
        if (!v6) { // IHL below 5
            quote[0] = static_cast<std::uint8_t>(0x40U | rng.below(5));
            return quote;
        }
        [[fallthrough]];
    default:
        break;
    }
    // About a later fragment.
    if (!v6) {
        put16(quote, 6, static_cast<std::uint16_t>(rng.range(1, 0x1fff)));
        return quote;
    }
    Flow r = flow;
    std::swap(r.src, r.dst);
    Bytes frag = frag6_header(kProtoTcp, static_cast<std::uint16_t>(8 * rng.range(1, 1000)),
                              rng.percent(50), rng.u32());
    append(frag, rng.bytes(8 + rng.range(0, 16)));
    return chain6(r, kProtoFragment, frag);
}

} // namespace

void gen_exact(Kind kind, Gen& gen, std::vector<Bytes>& out) {
    Rng& rng = gen.rng;
    switch (kind) {
    case Kind::XTcpTruncated: {
        Flow flow = vip_flow(gen, kProtoTcp, any_family(gen));
        Bytes segment = tcp_segment(plain_tcp(gen, flow), flow.src, flow.dst);
        // Not 0: an IPv6 payload length of 0 is bad_length (no jumbogram).
        segment.resize(rng.range(1, kTcpHeader - 1));
        out.push_back(gen.ip(flow, kProtoTcp, segment));
        break;
    }
    case Kind::XTcpDoffSmall: {
        Flow flow = vip_flow(gen, kProtoTcp, any_family(gen));
        TcpSpec spec = plain_tcp(gen, flow);
        spec.doff = static_cast<std::uint8_t>(rng.range(0, 4));
        spec.payload = rng.bytes(rng.range(0, 40));
        out.push_back(gen.ip(flow, kProtoTcp, tcp_segment(spec, flow.src, flow.dst)));
        break;
    }
    case Kind::XTcpDoffLong: {
        Flow flow = vip_flow(gen, kProtoTcp, any_family(gen));
        TcpSpec spec = plain_tcp(gen, flow);
        spec.payload = rng.bytes(rng.range(0, 36));
        std::size_t size = kTcpHeader + spec.payload.size();
        // Words that reach past the segment's end: 4 * doff > size.
        auto least = static_cast<std::uint32_t>(size / 4 + 1);
        spec.doff = static_cast<std::uint8_t>(rng.range(least, 15));
        out.push_back(gen.ip(flow, kProtoTcp, tcp_segment(spec, flow.src, flow.dst)));
        break;
    }
    case Kind::XUdpShort:
    case Kind::XUdpLong: {
        Flow flow = vip_flow(gen, kProtoUdp, any_family(gen));
        UdpSpec spec;
        spec.sport = flow.sport;
        spec.dport = flow.dport;
        spec.payload = rng.bytes(rng.range(0, 64));
        auto size = static_cast<std::uint32_t>(kUdpHeader + spec.payload.size());
        spec.length = static_cast<std::uint16_t>(
            kind == Kind::XUdpShort ? rng.range(0, kUdpHeader - 1) : size + rng.range(1, 1000));
        out.push_back(gen.ip(flow, kProtoUdp, udp_datagram(spec, flow.src, flow.dst)));
        break;
    }
    case Kind::XIcmpInnerShort: {
        Flow flow = vip_flow(gen, rng.percent(50) ? kProtoTcp : kProtoUdp, any_family(gen));
        std::size_t header = flow.dst.is_ipv6() ? kIpv6Header : kIpv4Header;
        Bytes quote = quote_of(gen, flow, rng.range(0, static_cast<std::uint32_t>(header + 7)));
        out.push_back(icmp_error(gen, flow, quote));
        // A wrong ICMP checksum is not the parser's business: still counted.
        break;
    }
    case Kind::XIcmpInnerBad: {
        Flow flow = vip_flow(gen, rng.percent(50) ? kProtoTcp : kProtoUdp, any_family(gen));
        out.push_back(icmp_error(gen, flow, bad_quote(gen, flow)));
        break;
    }
    case Kind::XTcpNoConn: {
        Flow flow = vip_flow(gen, kProtoTcp, any_family(gen));
        const PortRange& r = gen.targets.no_conn;
        flow.sport = static_cast<std::uint16_t>(rng.range(r.low, r.high));
        if (!gen.targets.tcp_ports.empty())
            flow.dport = rng.pick(gen.targets.tcp_ports);
        TcpSpec spec = plain_tcp(gen, flow);
        spec.flags = static_cast<std::uint8_t>(rng.byte() & ~kTcpSyn);
        spec.payload = gen.payload(100);
        out.push_back(gen.ip(flow, kProtoTcp, tcp_segment(spec, flow.src, flow.dst)));
        break;
    }
    case Kind::XFragDoff: {
        // 24 bytes in the first fragment (the whole fixed TCP header), the
        // rest in the second; data offset 15 (60 bytes) in 28 to 60 bytes.
        Flow flow = vip_flow(gen, kProtoTcp, any_family(gen));
        TcpSpec spec = plain_tcp(gen, flow);
        spec.doff = 15;
        spec.payload = rng.bytes(rng.range(8, 36));
        Bytes segment = tcp_segment(spec, flow.src, flow.dst);
        std::vector<Piece> pieces = {{0, 24, true}, {24, segment.size() - 24, false}};
        if (flow.dst.is_ipv4()) {
            Ip4Spec ip;
            ip.src = flow.src;
            ip.dst = flow.dst;
            ip.proto = kProtoTcp;
            ip.id = rng.u16();
            for (Bytes& f : ipv4_fragments(ip, segment, pieces))
                out.push_back(std::move(f));
        } else {
            Ip6Spec ip;
            ip.src = flow.src;
            ip.dst = flow.dst;
            for (Bytes& f : ipv6_fragments(ip, {}, kProtoTcp, segment, pieces, rng.u32()))
                out.push_back(std::move(f));
        }
        break;
    }
    case Kind::XExtLong:
    case Kind::XExtHopLate:
    case Kind::XExtShort: {
        Flow flow = vip_flow(gen, kProtoTcp, AF_INET6);
        Bytes l4 = tcp_segment(plain_tcp(gen, flow), flow.src, flow.dst);
        Bytes chain;
        if (kind == Kind::XExtLong) {
            unsigned n = rng.range(9, 12);
            for (unsigned i = 0; i < n; ++i)
                append(chain, ext6_header(i + 1 < n ? kProtoDest : kProtoTcp, pad_options(6)));
        } else if (kind == Kind::XExtHopLate) {
            append(chain, ext6_header(kProtoHop, pad_options(6)));
            append(chain, ext6_header(kProtoTcp, pad_options(6)));
        } else {
            // Says 16..256 bytes where 8..40 are.
            append(chain, ext6_header(kProtoTcp, pad_options(6),
                                      static_cast<std::uint8_t>(rng.range(5, 31))));
            l4.resize(rng.range(0, 32));
        }
        append(chain, l4);
        out.push_back(chain6(flow, kProtoDest, chain));
        break;
    }
    case Kind::XUdpZeroCsum: {
        Flow flow = vip_flow(gen, kProtoUdp, AF_INET6);
        UdpSpec spec;
        spec.sport = flow.sport;
        spec.dport = flow.dport;
        spec.payload = rng.bytes(rng.range(0, 64));
        spec.csum = Csum::Zero;
        out.push_back(gen.ip(flow, kProtoUdp, udp_datagram(spec, flow.src, flow.dst)));
        break;
    }
    default:
        break;
    }
}

} // namespace fnat::fuzz::packet

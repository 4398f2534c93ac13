// Kinds icmp-error and icmp-other. An error quotes the packet it is about:
// here a packet of the flow's reverse direction (what the VIP sent the
// client, or the LIP the real server), whole, cut short, with a broken or
// foreign header, a later fragment, an error itself, or random bytes. No
// redirects, neighbour discovery or MLD: they would change the director's
// own idea of its neighbours and routes, which is not fnat's business and
// would break the legitimate traffic running alongside.
#include <algorithm>
#include <netinet/in.h>

#include "fuzz/packet_gen.h"

namespace fnat::fuzz::packet {
namespace {

// The reverse of flow: what its destination sends its source.
Flow reversed(const Flow& flow) {
    Flow r = flow;
    r.src = flow.dst;
    r.dst = flow.src;
    r.sport = flow.dport;
    r.dport = flow.sport;
    return r;
}

// A quoted IPv6 packet with an extension header chain fnat must walk.
Bytes quote_chain6(Gen& gen, const Flow& r, std::size_t quote_len) {
    Rng& rng = gen.rng;
    TcpSpec spec;
    spec.sport = r.sport;
    spec.dport = r.dport;
    spec.seq = rng.u32();
    spec.flags = kTcpAck;
    Bytes l4 = tcp_segment(spec, r.src, r.dst);
    Bytes chain;
    unsigned n = rng.range(1, 12);
    std::uint8_t first = kProtoDest;
    switch (rng.below(4)) {
    case 0: // n destination options headers
        for (unsigned i = 0; i < n; ++i)
            append(chain, ext6_header(i + 1 < n ? kProtoDest : kProtoTcp, pad_options(6)));
        break;
    case 1: // hop-by-hop after another header
        append(chain, ext6_header(kProtoHop, pad_options(6)));
        append(chain, ext6_header(kProtoTcp, pad_options(6)));
        break;
    case 2: { // routing with segments left
        first = kProtoRouting;
        Bytes body{0, static_cast<std::uint8_t>(rng.range(0, 3)), 0, 0, 0, 0};
        append(body, rng.bytes(16));
        append(chain, ext6_header(kProtoTcp, body, 2));
        break;
    }
    default: // a header longer than the quote
        append(chain, ext6_header(kProtoTcp, pad_options(6),
                                  static_cast<std::uint8_t>(rng.range(10, 255))));
        break;
    }
    append(chain, l4);
    Ip6Spec header;
    header.src = r.src;
    header.dst = r.dst;
    header.next = first;
    Bytes packet = ipv6_packet(header, chain);
    if (packet.size() > quote_len)
        packet.resize(quote_len);
    return packet;
}

} // namespace

Bytes quote_of(Gen& gen, const Flow& flow, std::size_t quote_len) {
    Flow r = reversed(flow);
    Bytes packet = gen.sound_packet(r);
    if (packet.size() > quote_len)
        packet.resize(quote_len);
    return packet;
}

Bytes icmp_error(Gen& gen, const Flow& flow, std::span<const std::uint8_t> body) {
    Rng& rng = gen.rng;
    std::uint8_t type = 0;
    std::uint8_t code = 0;
    std::uint32_t rest = 0;
    static constexpr std::uint16_t kMtus[] = {0, 68, 576, 1000, 1280, 1400, 1500, 9000, 65535};
    if (flow.dst.is_ipv6()) {
        static constexpr std::uint8_t kTypes[] = {1, 1, 2, 3, 4};
        type = rng.pick(kTypes);
        code = static_cast<std::uint8_t>(rng.percent(90) ? rng.below(8) : rng.byte());
        if (type == 2)
            rest = rng.percent(80) ? rng.pick(kMtus) : rng.u32();
        else if (type == 4)
            rest = rng.below(80);
    } else {
        static constexpr std::uint8_t kTypes[] = {3, 3, 3, 4, 11, 12};
        type = rng.pick(kTypes);
        code = static_cast<std::uint8_t>(rng.percent(90) ? rng.below(16) : rng.byte());
        if (type == 3 && code == 4)
            rest = rng.percent(80) ? rng.pick(kMtus) : rng.u32() & 0xffff;
        else if (type == 12)
            rest = std::uint32_t{rng.byte()} << 24;
    }
    Csum csum = rng.percent(5) ? Csum::Wrong : Csum::Right;
    Bytes message = icmp_message(type, code, rest, body, flow.src, flow.dst, csum);
    return gen.ip(flow, flow.dst.is_ipv6() ? kProtoIcmpv6 : kProtoIcmp, message);
}

void gen_icmp_error(Gen& gen, std::vector<Bytes>& out) {
    Rng& rng = gen.rng;
    static constexpr std::uint8_t kProtos[] = {kProtoTcp, kProtoTcp, kProtoUdp, kProtoIcmp};
    std::uint8_t proto = rng.pick(kProtos);
    // A UDP quote that a real server's stack would believe is not gentle.
    Flow flow = gen.flow(proto, proto != kProtoUdp);
    bool v6 = flow.dst.is_ipv6();
    std::size_t header = v6 ? kIpv6Header : kIpv4Header;
    std::size_t full = rng.percent(50) ? header + 8 : 576;
    Bytes body;
    switch (rng.below(10)) {
    case 0:
    case 1: // about the flow's connection, as a router would quote it
        body = quote_of(gen, flow, full);
        break;
    case 2: // cut short
        body = quote_of(gen, flow, rng.range(0, static_cast<std::uint32_t>(header + 7)));
        break;
    case 3: // a quoted header of another version or a short IHL
        body = quote_of(gen, flow, full);
        if (!body.empty()) {
            unsigned version = rng.percent(50) ? rng.below(16) : body[0] >> 4U;
            unsigned ihl = rng.percent(50) ? rng.below(5) : body[0] & 0x0fU;
            if (version == (v6 ? 6U : 4U) && ihl >= 5)
                version ^= 1;
            body[0] = static_cast<std::uint8_t>(version << 4U | ihl);
        }
        break;
    case 4: { // about a later fragment
        if (v6) {
            Bytes frag = frag6_header(kProtoTcp, static_cast<std::uint16_t>(8 * rng.range(1, 100)),
                                      rng.percent(50), rng.u32());
            append(frag, rng.bytes(8));
            Ip6Spec spec;
            spec.src = flow.dst;
            spec.dst = flow.src;
            spec.next = kProtoFragment;
            body = ipv6_packet(spec, frag);
        } else {
            body = quote_of(gen, flow, full);
            if (body.size() >= kIpv4Header) {
                put16(body, 6, static_cast<std::uint16_t>(rng.range(1, 0x1fff)));
                put16(body, 10, 0);
                put16(body, 10, checksum(std::span(body.data(), kIpv4Header)));
            }
        }
        break;
    }
    case 5: { // about an error
        Flow r = reversed(flow);
        Bytes inner = icmp_message(v6 ? 1 : 3, 3, 0, rng.bytes(28), r.src, r.dst);
        Bytes packet = gen.ip(r, v6 ? kProtoIcmpv6 : kProtoIcmp, inner);
        packet.resize(std::min(packet.size(), full));
        body = packet;
        break;
    }
    case 6: { // about a protocol fnat does not balance
        Flow r = reversed(flow);
        Bytes packet =
            gen.ip(r, static_cast<std::uint8_t>(rng.pick({47, 50, 132, 4})), rng.bytes(16));
        body = packet;
        break;
    }
    case 7:
        body = rng.bytes(rng.range(0, 200));
        break;
    case 8: // IPv6: an extension header chain; IPv4: the other family inside
        if (v6) {
            body = quote_chain6(gen, flow, full);
        } else {
            Ip6Spec spec;
            spec.src = flow.dst;
            spec.dst = flow.src;
            body = ipv6_packet(spec, rng.bytes(8));
        }
        break;
    default: { // about a tuple nobody has
        Flow r = flow;
        r.sport = rng.u16();
        r.dport = rng.u16();
        body = quote_of(gen, r, full);
        break;
    }
    }
    out.push_back(icmp_error(gen, flow, body));
}

void gen_icmp_other(Gen& gen, std::vector<Bytes>& out) {
    Rng& rng = gen.rng;
    Flow flow = gen.flow(kProtoIcmp, true);
    bool v6 = flow.dst.is_ipv6();
    static constexpr std::uint8_t kTypes4[] = {0, 8, 8, 13, 14, 15, 16, 17, 18, 10, 42, 43};
    static constexpr std::uint8_t kTypes6[] = {128, 128, 129, 139, 140, 160, 200, 255, 0, 100};
    std::uint8_t type = v6 ? rng.pick(kTypes6) : rng.pick(kTypes4);
    Bytes message = icmp_message(type, static_cast<std::uint8_t>(rng.below(4)), rng.u32(),
                                 gen.payload(300), flow.src, flow.dst);
    if (rng.percent(30)) // shorter than an ICMP header
        message.resize(rng.range(0, kIcmpHeader - 1));
    out.push_back(gen.ip(flow, v6 ? kProtoIcmpv6 : kProtoIcmp, message));
}

} // namespace fnat::fuzz::packet

// Kinds ip-header, ip-trailer and ip-options: what is wrong (or odd) is in
// the IP header, the L4 behind it is sound.
#include <netinet/in.h>

#include "fuzz/packet_gen.h"

namespace fnat::fuzz::packet {
namespace {

std::uint8_t l4_proto(Gen& gen) {
    static constexpr std::uint8_t kProtos[] = {kProtoTcp, kProtoTcp, kProtoUdp, kProtoIcmp};
    return gen.rng.pick(kProtos);
}

// The L4 part of a sound packet of flow (what sound_packet() puts in IP).
Bytes sound_l4(Gen& gen, const Flow& flow, std::uint8_t& proto) {
    Bytes packet = gen.sound_packet(flow);
    std::size_t header = flow.dst.is_ipv6() ? kIpv6Header : std::size_t{packet[0] & 0x0fU} * 4;
    proto = flow.dst.is_ipv6() ? packet[6] : packet[9];
    return Bytes(packet.begin() + static_cast<std::ptrdiff_t>(header), packet.end());
}

Ip4Spec ip4_spec(Gen& gen, const Flow& flow, std::uint8_t proto) {
    Ip4Spec spec;
    spec.src = flow.src;
    spec.dst = flow.dst;
    spec.proto = proto;
    spec.id = gen.rng.u16();
    spec.frag = gen.rng.percent(70) ? 0x4000 : 0;
    return spec;
}

void ip4_header(Gen& gen, std::vector<Bytes>& out) {
    Flow flow = gen.flow(l4_proto(gen), AF_INET, true);
    std::uint8_t proto = 0;
    Bytes l4 = sound_l4(gen, flow, proto);
    Ip4Spec spec = ip4_spec(gen, flow, proto);
    switch (gen.rng.below(7)) {
    case 0:
        spec.ihl = static_cast<std::uint8_t>(gen.rng.range(0, 4));
        break;
    case 1: // IHL beyond the packet, or beyond the total length
        spec.ihl = static_cast<std::uint8_t>(gen.rng.range(6, 15));
        break;
    case 2: { // total length past the frame: the frame is cut
        Bytes packet = ipv4_packet(spec, l4);
        packet.resize(gen.rng.range(kIpv4Header, static_cast<std::uint32_t>(packet.size() - 1)));
        out.push_back(std::move(packet));
        return;
    }
    case 3:
        spec.total = static_cast<std::uint16_t>(gen.rng.range(0, kIpv4Header - 1));
        break;
    case 4:
        spec.csum = Csum::Wrong;
        break;
    case 5: { // another version; 6 with an IPv4 header behind it
        auto version = static_cast<std::uint8_t>(gen.rng.below(16));
        spec.version = version == 4 ? 5 : version;
        break;
    }
    default: // total length 0xffff, or the frame cut inside the header
        if (gen.rng.percent(50)) {
            spec.total = 0xffff;
        } else {
            Bytes packet = ipv4_packet(spec, l4);
            packet.resize(gen.rng.range(1, kIpv4Header - 1));
            out.push_back(std::move(packet));
            return;
        }
    }
    out.push_back(ipv4_packet(spec, l4));
}

void ip6_header(Gen& gen, std::vector<Bytes>& out) {
    Flow flow = gen.flow(gen.rng.percent(80) ? kProtoTcp : kProtoUdp, AF_INET6, true);
    std::uint8_t proto = 0;
    Bytes l4 = sound_l4(gen, flow, proto);
    Ip6Spec spec;
    spec.src = flow.src;
    spec.dst = flow.dst;
    spec.next = proto;
    switch (gen.rng.below(4)) {
    case 0: { // payload length past the frame
        Bytes packet = ipv6_packet(spec, l4);
        packet.resize(gen.rng.range(kIpv6Header, static_cast<std::uint32_t>(packet.size() - 1)));
        out.push_back(std::move(packet));
        return;
    }
    case 1: // 0, not a jumbogram
        spec.payload_length = 0;
        break;
    case 2: // the frame cut inside the fixed header
    {
        Bytes packet = ipv6_packet(spec, l4);
        packet.resize(gen.rng.range(1, kIpv6Header - 1));
        out.push_back(std::move(packet));
        return;
    }
    default:
        spec.payload_length = static_cast<std::uint16_t>(l4.size() + gen.rng.range(1, 2000));
        break;
    }
    out.push_back(ipv6_packet(spec, l4));
}

// IPv4 options: a list that makes sense, or not.
Bytes ip4_options(Gen& gen) {
    Bytes out;
    if (gen.rng.percent(30))
        return gen.rng.bytes(gen.rng.range(1, 40));
    unsigned n = gen.rng.range(1, 4);
    for (unsigned i = 0; i < n && out.size() < 40; ++i) {
        switch (gen.rng.below(9)) {
        case 0:
            out.push_back(1); // NOP
            break;
        case 1:
            out.push_back(0); // EOL, then whatever
            break;
        case 2: { // record route: 3 + 4n, pointer 4..
            auto slots = static_cast<std::uint8_t>(gen.rng.range(1, 9));
            Bytes rr{7, static_cast<std::uint8_t>(3 + 4 * slots),
                     static_cast<std::uint8_t>(4 + 4 * gen.rng.below(slots + 1U))};
            rr.resize(rr[1], 0);
            append(out, rr);
            break;
        }
        case 3: { // timestamp, flags 0, 1 or 3
            auto slots = static_cast<std::uint8_t>(gen.rng.range(1, 4));
            Bytes ts{68, static_cast<std::uint8_t>(4 + 8 * slots), 5,
                     static_cast<std::uint8_t>(gen.rng.pick({0, 1, 3, 2, 0x10}))};
            ts.resize(ts[1], 0);
            append(out, ts);
            break;
        }
        case 4: // router alert
            append(out, Bytes{148, 4, 0, 0});
            break;
        case 5: { // loose or strict source route
            Bytes sr{static_cast<std::uint8_t>(gen.rng.percent(50) ? 131 : 137), 7, 4};
            append(out, gen.rng.bytes(4));
            append(out, sr);
            break;
        }
        case 6: // length 0 or 1
            append(out, Bytes{gen.rng.byte(), static_cast<std::uint8_t>(gen.rng.below(2))});
            break;
        case 7: // length past the options
            append(out,
                   Bytes{gen.rng.byte(), static_cast<std::uint8_t>(gen.rng.range(41, 255)), 0, 0});
            break;
        default:
            append(out, gen.rng.bytes(gen.rng.range(1, 8)));
        }
    }
    if (out.size() > 40)
        out.resize(40);
    return out;
}

// IPv6 TLV options for a hop-by-hop or destination options header body.
Bytes ip6_tlvs(Gen& gen) {
    Bytes out;
    unsigned n = gen.rng.range(0, 4);
    for (unsigned i = 0; i < n; ++i) {
        switch (gen.rng.below(6)) {
        case 0:
            out.push_back(0); // Pad1
            break;
        case 1:
            append(out, pad_options(gen.rng.range(2, 9)));
            break;
        case 2: // router alert
            append(out, Bytes{5, 2, 0, 0});
            break;
        case 3: // jumbo payload, wrong everywhere
            append(out, Bytes{0xc2, static_cast<std::uint8_t>(gen.rng.pick({4, 2, 6})), 0, 0, 0,
                              gen.rng.byte()});
            break;
        case 4: { // unknown, any of the four actions
            auto type = static_cast<std::uint8_t>(gen.rng.pick({0x1e, 0x5e, 0x9e, 0xde}));
            Bytes tlv{type, static_cast<std::uint8_t>(gen.rng.range(0, 6))};
            append(tlv, gen.rng.bytes(tlv[1]));
            append(out, tlv);
            break;
        }
        default: // a length past the header
            append(out, Bytes{gen.rng.byte(), static_cast<std::uint8_t>(gen.rng.range(20, 255))});
        }
    }
    // The body of an options header is 6 + 8n bytes.
    std::size_t body = out.size() < 6 ? 6 : out.size() + (8 - (out.size() - 6) % 8) % 8;
    out.resize(body, 0);
    return out;
}

} // namespace

void gen_ip_header(Gen& gen, std::vector<Bytes>& out) {
    if (gen.family() == AF_INET6)
        ip6_header(gen, out);
    else
        ip4_header(gen, out);
}

void gen_ip_trailer(Gen& gen, std::vector<Bytes>& out) {
    Bytes packet = gen.sound_packet(gen.flow(l4_proto(gen)));
    append(packet, gen.rng.bytes(gen.rng.range(1, 64)));
    out.push_back(std::move(packet));
}

void gen_ip_options(Gen& gen, std::vector<Bytes>& out) {
    Flow flow = gen.flow(l4_proto(gen));
    std::uint8_t proto = 0;
    Bytes l4 = sound_l4(gen, flow, proto);
    if (flow.dst.is_ipv4()) {
        Ip4Spec spec = ip4_spec(gen, flow, proto);
        spec.options = ip4_options(gen);
        out.push_back(ipv4_packet(spec, l4));
        return;
    }
    // Hop-by-hop (first, as it must be) and/or destination options.
    Bytes chain;
    Ip6Spec spec;
    spec.src = flow.src;
    spec.dst = flow.dst;
    bool hop = gen.rng.percent(50);
    bool dest = !hop || gen.rng.percent(50);
    if (hop) {
        spec.next = kProtoHop;
        append(chain, ext6_header(dest ? kProtoDest : proto, ip6_tlvs(gen)));
    } else {
        spec.next = kProtoDest;
    }
    if (dest)
        append(chain, ext6_header(proto, ip6_tlvs(gen)));
    // The L4 checksum does not cover extension headers: l4 is still right.
    append(chain, l4);
    out.push_back(ipv6_packet(spec, chain));
}

void gen_other_proto(Gen& gen, std::vector<Bytes>& out) {
    static constexpr std::uint8_t kProtos[] = {2, 4, 41, 47, 50, 51, 103, 112, 132, 136, 255};
    Flow flow = gen.flow(kProtoTcp, true);
    std::uint8_t proto = gen.rng.percent(70) ? gen.rng.pick(kProtos) : gen.rng.byte();
    if (proto == kProtoTcp || proto == kProtoUdp || proto == kProtoIcmp || proto == kProtoIcmpv6)
        proto = 50;
    if (flow.dst.is_ipv6() && (proto == kProtoHop || proto == kProtoDest ||
                               proto == kProtoRouting || proto == kProtoFragment))
        proto = kProtoNone;
    out.push_back(gen.ip(flow, proto, gen.rng.bytes(gen.rng.range(0, 200))));
}

void gen_random(Gen& gen, std::vector<Bytes>& out) {
    unsigned how = gen.rng.below(10);
    if (how < 4) {
        // Anything, sent as IPv6 when it starts with a 6, else as IPv4.
        out.push_back(gen.rng.bytes(gen.rng.range(0, kMaxPacket)));
        return;
    }
    // A header the stack takes, then random bytes for fnat to make sense of.
    static constexpr std::uint8_t kNext[] = {kProtoTcp, kProtoUdp,  kProtoIcmp,    kProtoIcmpv6,
                                             kProtoHop, kProtoDest, kProtoRouting, kProtoFragment};
    Flow flow = gen.flow(kProtoTcp, how < 7 ? AF_INET : AF_INET6, true);
    std::uint8_t proto = gen.rng.percent(80) ? gen.rng.pick(kNext) : gen.rng.byte();
    if (flow.dst.is_ipv4() && proto == kProtoIcmpv6)
        proto = kProtoIcmp;
    Bytes body = gen.rng.bytes(gen.rng.range(0, 600));
    if (flow.dst.is_ipv4()) {
        Ip4Spec spec = ip4_spec(gen, flow, proto);
        spec.frag = gen.rng.percent(90) ? spec.frag : gen.rng.u16();
        out.push_back(ipv4_packet(spec, body));
        return;
    }
    Ip6Spec spec;
    spec.src = flow.src;
    spec.dst = flow.dst;
    spec.next = proto;
    out.push_back(ipv6_packet(spec, body));
}

} // namespace fnat::fuzz::packet

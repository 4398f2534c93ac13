#include "fuzz/packet_gen.h"

#include <algorithm>
#include <netinet/in.h>

namespace fnat::fuzz::packet {
namespace {

std::uint16_t pick_port(Rng& rng, const std::vector<std::uint16_t>& ports,
                        const std::vector<std::uint16_t>& avoid) {
    if (!ports.empty() && rng.percent(85))
        return rng.pick(ports);
    for (;;) {
        auto port = static_cast<std::uint16_t>(rng.range(1, 65535));
        if (std::find(avoid.begin(), avoid.end(), port) == avoid.end())
            return port;
    }
}

} // namespace

int Gen::family() {
    bool v4 = targets.has_family(AF_INET);
    bool v6 = targets.has_family(AF_INET6);
    if (v4 && v6)
        return rng.percent(50) ? AF_INET : AF_INET6;
    return v6 ? AF_INET6 : AF_INET;
}

Flow Gen::flow(std::uint8_t proto, bool gentle) {
    return flow(proto, family(), gentle);
}

Flow Gen::flow(std::uint8_t proto, int fam, bool gentle) {
    Flow f;
    f.proto = proto;
    std::vector<Address> dsts;
    for (const Address& a : targets.dsts)
        if (a.family == fam)
            dsts.push_back(a);
    if (dsts.empty() || !targets.src_for(fam))
        dsts = targets.dsts; // the caller asked for what there is not: any
    f.dst = rng.pick(dsts);
    f.src = *targets.src_for(f.dst.family);
    bool udp = proto == kProtoUdp;
    if (targets.side == Side::Client) {
        f.sport =
            static_cast<std::uint16_t>(rng.range(targets.sessions.low, targets.sessions.high));
        f.dport = udp ? pick_port(rng, targets.udp_ports, targets.avoid_udp_ports)
                      : pick_port(rng, targets.tcp_ports, {});
        return f;
    }
    // Server side: replies on a sniffed connection of this family and
    // protocol, or to a random local port.
    if (sniffed_ && !sniffed_->empty() && rng.percent(70)) {
        for (int tries = 0; tries < 8; ++tries) {
            const Sniffed* s = sniffed_->pick(rng.next(), !gentle || own_only);
            if (!s || s->proto != proto || s->laddr.family != f.dst.family)
                continue;
            f.dst = s->laddr;
            f.src = s->server;
            f.dport = s->lport;
            f.sport = s->server_port;
            f.sniffed = s;
            return f;
        }
    }
    f.sport = udp ? pick_port(rng, targets.udp_ports, {}) : pick_port(rng, targets.tcp_ports, {});
    f.dport = static_cast<std::uint16_t>(rng.range(targets.lports.low, targets.lports.high));
    return f;
}

Bytes Gen::ip(const Flow& flow, std::uint8_t proto, std::span<const std::uint8_t> l4) {
    if (flow.dst.is_ipv6()) {
        Ip6Spec spec;
        spec.src = flow.src;
        spec.dst = flow.dst;
        spec.next = proto;
        spec.flow = rng.u32() & 0xfffff;
        return ipv6_packet(spec, l4);
    }
    Ip4Spec spec;
    spec.src = flow.src;
    spec.dst = flow.dst;
    spec.proto = proto;
    spec.id = rng.u16();
    spec.frag = rng.percent(70) ? 0x4000 : 0;
    spec.tos = rng.percent(90) ? 0 : rng.byte();
    return ipv4_packet(spec, l4);
}

Bytes Gen::payload(std::size_t max) {
    std::size_t n = rng.percent(60) ? 0 : rng.index(std::min<std::size_t>(max, 64) + 1);
    if (rng.percent(5))
        n = rng.index(max + 1);
    return rng.bytes(n);
}

Bytes Gen::sound_tcp_options() {
    Bytes out;
    unsigned n = rng.range(0, 4);
    for (unsigned i = 0; i < n; ++i) {
        switch (rng.below(6)) {
        case 0: // MSS
            append(out, Bytes{2, 4, static_cast<std::uint8_t>(rng.range(1, 5)), rng.byte()});
            break;
        case 1: // window scale
            append(out, Bytes{1, 3, 3, static_cast<std::uint8_t>(rng.range(0, 14))});
            break;
        case 2: // SACK permitted
            append(out, Bytes{1, 1, 4, 2});
            break;
        case 3: { // timestamps
            Bytes ts{1, 1, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0};
            put32(ts, 4, rng.u32());
            put32(ts, 8, rng.percent(50) ? 0 : rng.u32());
            append(out, ts);
            break;
        }
        case 4: { // SACK blocks
            unsigned blocks = rng.range(1, 3);
            Bytes sack{1, 1, 5, static_cast<std::uint8_t>(2 + 8 * blocks)};
            for (unsigned b = 0; b < 2 * blocks; ++b) {
                sack.resize(sack.size() + 4);
                put32(sack, sack.size() - 4, rng.u32());
            }
            append(out, sack);
            break;
        }
        default:
            out.push_back(1); // NOP
        }
        if (out.size() > 40)
            out.resize(40); // what a header holds; cut where it falls
    }
    return out;
}

TcpSpec Gen::tcp_spec(const Flow& flow) {
    static constexpr std::uint8_t kLife[] = {
        kTcpSyn,           kTcpSyn,           kTcpSyn | kTcpAck, kTcpAck,
        kTcpAck | kTcpPsh, kTcpFin | kTcpAck, kTcpRst,           kTcpRst | kTcpAck,
    };
    TcpSpec spec;
    spec.sport = flow.sport;
    spec.dport = flow.dport;
    spec.seq = rng.u32();
    spec.ack = rng.percent(80) ? rng.u32() : 0;
    spec.flags = rng.percent(80) ? rng.pick(kLife) : rng.byte();
    spec.window = rng.percent(80) ? 64240 : rng.u16();
    if (rng.percent(40))
        spec.options = sound_tcp_options();
    if (!(spec.flags & kTcpSyn) || rng.percent(10))
        spec.payload = payload(200);
    return spec;
}

Bytes Gen::sound_packet(const Flow& flow) {
    if (flow.proto == kProtoTcp)
        return ip(flow, kProtoTcp, tcp_segment(tcp_spec(flow), flow.src, flow.dst));
    if (flow.proto == kProtoUdp) {
        UdpSpec spec;
        spec.sport = flow.sport;
        spec.dport = flow.dport;
        spec.payload = payload(300);
        if (flow.src.is_ipv4() && rng.percent(10))
            spec.csum = Csum::Zero;
        return ip(flow, kProtoUdp, udp_datagram(spec, flow.src, flow.dst));
    }
    bool v6 = flow.dst.is_ipv6();
    std::uint8_t type = v6 ? (rng.percent(50) ? 128 : 129) : (rng.percent(50) ? 8 : 0);
    Bytes icmp = icmp_message(type, 0, rng.u32(), payload(100), flow.src, flow.dst);
    return ip(flow, v6 ? kProtoIcmpv6 : kProtoIcmp, icmp);
}

std::vector<Bytes> generate(Kind kind, Gen& gen) {
    std::vector<Bytes> out;
    if (kind_info(kind).ipv6_only && !gen.targets.has_family(AF_INET6))
        return out;
    switch (kind) {
    case Kind::IpHeader:
        gen_ip_header(gen, out);
        break;
    case Kind::IpTrailer:
        gen_ip_trailer(gen, out);
        break;
    case Kind::IpOptions:
        gen_ip_options(gen, out);
        break;
    case Kind::Fragments:
        gen_fragments(gen, out);
        break;
    case Kind::TcpFlags:
        gen_tcp_flags(gen, out);
        break;
    case Kind::TcpDoff:
        gen_tcp_doff(gen, out);
        break;
    case Kind::TcpOptions:
        gen_tcp_options(gen, out);
        break;
    case Kind::TcpTruncated:
        gen_tcp_truncated(gen, out);
        break;
    case Kind::Udp:
        gen_udp(gen, out);
        break;
    case Kind::IcmpError:
        gen_icmp_error(gen, out);
        break;
    case Kind::IcmpOther:
        gen_icmp_other(gen, out);
        break;
    case Kind::OtherProto:
        gen_other_proto(gen, out);
        break;
    case Kind::ExtHeaders:
        gen_ext_headers(gen, out);
        break;
    case Kind::Mutate:
        gen_mutate(gen, out);
        break;
    case Kind::Random:
        gen_random(gen, out);
        break;
    case Kind::Spoofed:
        gen_spoofed(gen, out);
        break;
    default:
        gen_exact(kind, gen, out);
        break;
    }
    return out;
}

} // namespace fnat::fuzz::packet

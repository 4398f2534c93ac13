// Kind spoofed (only when named): TCP SYNs and UDP datagrams to a service
// from the sender's address with a few of its host bits changed: sources
// the director routes to (or not) but nobody answers for, so that a server's
// SYN-ACK holds the connection until its timeout.
#include "fuzz/packet_gen.h"

namespace fnat::fuzz::packet {
void gen_spoofed(Gen& gen, std::vector<Bytes>& out) {
    Flow flow = gen.flow(gen.rng.percent(70) ? kProtoTcp : kProtoUdp);
    std::size_t size = flow.src.is_ipv6() ? 16 : 4;
    for (;;) {
        // The network's own bits stay, so that the stack routes it; not
        // the sender's own address, which answers.
        std::size_t at = size / 2 + gen.rng.index(size / 2);
        flow.src.bytes[at] ^= static_cast<std::uint8_t>(1U << gen.rng.below(8));
        if (flow.src != *gen.targets.src_for(flow.src.family))
            break;
    }
    if (flow.proto == kProtoTcp) {
        TcpSpec spec = gen.tcp_spec(flow);
        spec.flags = kTcpSyn;
        spec.payload.clear();
        out.push_back(gen.ip(flow, kProtoTcp, tcp_segment(spec, flow.src, flow.dst)));
        return;
    }
    UdpSpec spec;
    spec.sport = flow.sport;
    spec.dport = flow.dport;
    spec.payload = gen.payload(100);
    out.push_back(gen.ip(flow, kProtoUdp, udp_datagram(spec, flow.src, flow.dst)));
}

} // namespace fnat::fuzz::packet

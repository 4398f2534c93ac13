// Kind udp: lengths below the header, past the payload or short of it,
// checksums absent (which IPv6 refuses) or wrong, and sound datagrams.
#include "fuzz/packet_gen.h"

namespace fnat::fuzz::packet {

void gen_udp(Gen& gen, std::vector<Bytes>& out) {
    unsigned how = gen.rng.below(6);
    // Lengths that do not add up are refused before any connection is
    // looked at: those may go to anyone's.
    Flow flow = gen.flow(kProtoUdp, how < 2);
    UdpSpec spec;
    spec.sport = flow.sport;
    spec.dport = flow.dport;
    spec.payload = gen.payload(400);
    auto size = static_cast<std::uint32_t>(kUdpHeader + spec.payload.size());
    switch (how) {
    case 0:
        spec.length = static_cast<std::uint16_t>(gen.rng.range(0, kUdpHeader - 1));
        break;
    case 1:
        spec.length = static_cast<std::uint16_t>(size + gen.rng.range(1, 1000));
        break;
    case 2: // shorter than the IP payload: padding follows (below)
        break;
    case 3:
        spec.csum = Csum::Zero;
        break;
    case 4:
        spec.csum = Csum::Wrong;
        break;
    default:
        break;
    }
    Bytes datagram = udp_datagram(spec, flow.src, flow.dst);
    if (how == 2)
        append(datagram, gen.rng.bytes(gen.rng.range(1, 32)));
    out.push_back(gen.ip(flow, kProtoUdp, datagram));
}

} // namespace fnat::fuzz::packet

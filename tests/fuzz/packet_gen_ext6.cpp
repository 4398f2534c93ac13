// Kind ext-headers (IPv6 only): extension header chains fnat's parser must
// walk or refuse: long, hop-by-hop in the wrong place, the same header over
// and over, two fragment headers, a header running past the payload,
// routing headers with segments left, and headers fnat does not skip (AH,
// ESP, mobility, no next header, unassigned ones).
#include <netinet/in.h>

#include "fuzz/packet_gen.h"

namespace fnat::fuzz::packet {

void gen_ext_headers(Gen& gen, std::vector<Bytes>& out) {
    Rng& rng = gen.rng;
    Flow flow = gen.flow(rng.percent(70) ? kProtoTcp : kProtoUdp, AF_INET6, true);
    Bytes packet = gen.sound_packet(flow);
    std::uint8_t proto = packet[6];
    Bytes l4(packet.begin() + static_cast<std::ptrdiff_t>(kIpv6Header), packet.end());
    Ip6Spec spec;
    spec.src = flow.src;
    spec.dst = flow.dst;
    Bytes chain;
    switch (rng.below(8)) {
    case 0: { // a long chain of destination options
        unsigned n = rng.range(1, 16);
        spec.next = kProtoDest;
        for (unsigned i = 0; i < n; ++i)
            append(chain, ext6_header(i + 1 < n ? kProtoDest : proto, pad_options(6)));
        break;
    }
    case 1: // hop-by-hop after destination options
        spec.next = kProtoDest;
        append(chain, ext6_header(kProtoHop, pad_options(6)));
        append(chain, ext6_header(proto, pad_options(6)));
        break;
    case 2: // two fragment headers (atomic fragments)
        spec.next = kProtoFragment;
        append(chain, frag6_header(kProtoFragment, 0, false, rng.u32()));
        append(chain, frag6_header(proto, 0, false, rng.u32()));
        break;
    case 3: // a header longer than the payload
        spec.next = rng.percent(50) ? kProtoDest : kProtoRouting;
        append(chain,
               ext6_header(proto, pad_options(6), static_cast<std::uint8_t>(rng.range(1, 255))));
        l4.clear();
        break;
    case 4: { // routing, of any type, with or without segments left
        spec.next = kProtoRouting;
        Bytes body{static_cast<std::uint8_t>(rng.pick({0, 2, 3, 4, 253})),
                   static_cast<std::uint8_t>(rng.range(0, 3)),
                   0,
                   0,
                   0,
                   0};
        append(body, rng.bytes(16));
        append(chain, ext6_header(proto, body, 2));
        break;
    }
    case 5: { // a header fnat does not skip, after destination options
        spec.next = kProtoDest;
        auto next = static_cast<std::uint8_t>(rng.pick({50, 51, 135, 59, 253, 139}));
        append(chain, ext6_header(next, pad_options(6)));
        break;
    }
    case 6: // the chain ends with the payload
        spec.next = kProtoDest;
        append(chain, ext6_header(kProtoDest, pad_options(6)));
        l4.clear();
        break;
    default: // hop-by-hop with a jumbo payload option but a payload length
        spec.next = kProtoHop;
        append(chain, ext6_header(proto, Bytes{0xc2, 4, 0, 1, 0, 0}));
        if (rng.percent(50))
            spec.payload_length = 0;
        break;
    }
    append(chain, l4);
    out.push_back(ipv6_packet(spec, chain));
}

} // namespace fnat::fuzz::packet

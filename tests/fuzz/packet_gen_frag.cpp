// Kind fragments: a datagram (TCP, UDP or ICMP, sound or with its L4
// header cut short) cut into IPv4 or IPv6 fragments in ways reassembly
// must take (in order, reversed, shuffled, duplicated, tiny) or refuse
// (overlapping, beyond 64 KiB), or never finishes (a piece missing, a lone
// middle or last fragment).
#include <algorithm>
#include <netinet/in.h>

#include "fuzz/packet_gen.h"

namespace fnat::fuzz::packet {
namespace {

// The L4 part of a datagram of flow, a bit bigger than sound packets are.
Bytes datagram_l4(Gen& gen, const Flow& flow, std::uint8_t& proto) {
    bool v6 = flow.dst.is_ipv6();
    Bytes body = gen.rng.bytes(gen.rng.range(0, 1200));
    if (flow.proto == kProtoTcp) {
        TcpSpec spec = gen.tcp_spec(flow);
        spec.payload = body;
        proto = kProtoTcp;
        return tcp_segment(spec, flow.src, flow.dst);
    }
    if (flow.proto == kProtoUdp) {
        UdpSpec spec;
        spec.sport = flow.sport;
        spec.dport = flow.dport;
        spec.payload = body;
        proto = kProtoUdp;
        return udp_datagram(spec, flow.src, flow.dst);
    }
    proto = v6 ? kProtoIcmpv6 : kProtoIcmp;
    return icmp_message(v6 ? 128 : 8, 0, gen.rng.u32(), body, flow.src, flow.dst);
}

std::vector<Piece> cut(Gen& gen, std::size_t size) {
    Rng& rng = gen.rng;
    if (size == 0)
        return {Piece{0, 0, rng.percent(50)}}; // an empty fragment
    std::size_t chunk = 8 * rng.range(1, 64);
    std::vector<Piece> pieces = even_pieces(size, chunk);
    switch (rng.below(10)) {
    case 0: // in order
        break;
    case 1:
        std::reverse(pieces.begin(), pieces.end());
        break;
    case 2: // shuffled, some twice
        for (std::size_t i = pieces.size(); i > 1; --i)
            std::swap(pieces[i - 1], pieces[rng.index(i)]);
        for (int dup = 0; dup < 2 && !pieces.empty(); ++dup)
            pieces.push_back(pieces[rng.index(pieces.size())]);
        break;
    case 3: // overlapping: each piece reaches into the next
        for (std::size_t i = 0; i + 1 < pieces.size(); ++i)
            pieces[i].length += 8 * rng.range(1, 4);
        break;
    case 4: // one missing
        if (pieces.size() > 1)
            pieces.erase(pieces.begin() + static_cast<std::ptrdiff_t>(rng.index(pieces.size())));
        break;
    case 5: // tiny: 8 bytes each
        pieces = even_pieces(size, 8);
        if (pieces.size() > 64)
            pieces.resize(64); // and never finished
        break;
    case 6: { // a last piece ending beyond 64 KiB (ping of death)
        Piece last;
        last.offset = 65528 - 8 * rng.below(4);
        last.length = 8 * rng.range(2, 8);
        last.more = false;
        if (!pieces.empty())
            pieces.back().more = true;
        pieces.push_back(last);
        break;
    }
    case 7: { // the first piece shorter than an L4 header
        pieces = even_pieces(size, 8);
        std::vector<Piece> rest = even_pieces(size > 8 ? size - 8 : 0, 8 * rng.range(1, 32));
        pieces.resize(1);
        pieces[0].more = size > 8;
        for (Piece& p : rest) {
            p.offset += 8;
            pieces.push_back(p);
        }
        break;
    }
    case 8: // a lone middle or last fragment
        if (pieces.size() > 1)
            pieces = {pieces[1 + rng.index(pieces.size() - 1)]};
        else
            pieces[0].offset += 8 * rng.range(1, 100);
        break;
    default: { // overlapping with other bytes: two versions of one piece
        if (pieces.empty())
            break;
        Piece again = pieces[rng.index(pieces.size())];
        again.offset = again.offset >= 8 ? again.offset - 8 : again.offset + 8;
        pieces.push_back(again);
        break;
    }
    }
    return pieces;
}

} // namespace

void gen_fragments(Gen& gen, std::vector<Bytes>& out) {
    static constexpr std::uint8_t kProtos[] = {kProtoTcp, kProtoTcp, kProtoUdp, kProtoIcmp};
    Flow flow = gen.flow(gen.rng.pick(kProtos));
    std::uint8_t proto = 0;
    Bytes l4 = datagram_l4(gen, flow, proto);
    if (gen.rng.percent(10))
        l4.resize(gen.rng.index(l4.size())); // the L4 header itself may be cut
    std::vector<Piece> pieces = cut(gen, l4.size());
    if (pieces.empty())
        return;
    if (flow.dst.is_ipv4()) {
        Ip4Spec spec;
        spec.src = flow.src;
        spec.dst = flow.dst;
        spec.proto = proto;
        spec.id = gen.rng.u16();
        for (Bytes& fragment : ipv4_fragments(spec, l4, pieces))
            out.push_back(std::move(fragment));
        return;
    }
    Ip6Spec spec;
    spec.src = flow.src;
    spec.dst = flow.dst;
    Bytes unfrag;
    if (gen.rng.percent(15)) {
        // A destination options header before the fragment header.
        spec.next = kProtoDest;
        unfrag = ext6_header(kProtoFragment, pad_options(6));
    }
    for (Bytes& fragment : ipv6_fragments(spec, unfrag, proto, l4, pieces, gen.rng.u32()))
        out.push_back(std::move(fragment));
}

} // namespace fnat::fuzz::packet

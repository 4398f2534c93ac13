// Kinds tcp-flags, tcp-doff, tcp-options and tcp-truncated.
#include <algorithm>

#include "fuzz/packet_gen.h"

namespace fnat::fuzz::packet {
namespace {

constexpr std::size_t kMaxTcpOptions = 40;

// One option that is wrong in some way, or odd but legal.
Bytes odd_option(Gen& gen, std::size_t room) {
    Rng& rng = gen.rng;
    switch (rng.below(12)) {
    case 0: // MSS of a wrong length
        return {2, static_cast<std::uint8_t>(rng.pick({0, 1, 2, 3, 5, 8, 40})), 0x05, 0xb4};
    case 1: // length 0: a parser that trusts it never moves on
        return {rng.byte(), 0};
    case 2: // length 1
        return {rng.byte(), 1};
    case 3: // longer than what is left
        return {rng.byte(), static_cast<std::uint8_t>(room + rng.range(1, 40)), 0, 0};
    case 4: { // many MSS
        Bytes out;
        while (out.size() + 4 <= room)
            append(out, Bytes{2, 4, rng.byte(), rng.byte()});
        return out;
    }
    case 5: { // many timestamps
        Bytes out;
        while (out.size() + 10 <= room) {
            Bytes ts{8, 10};
            append(ts, rng.bytes(8));
            append(out, ts);
        }
        return out;
    }
    case 6: { // SACK of a length that is no whole number of blocks, or 4 blocks
        auto length = static_cast<std::uint8_t>(rng.pick({2, 3, 9, 11, 17, 34, 255}));
        Bytes out{5, length};
        append(out, rng.bytes(length > 2 ? std::min<std::size_t>(length - 2U, 32) : 0));
        return out;
    }
    case 7: { // TOA, as a client should never send it, of any length
        auto kind = static_cast<std::uint8_t>(rng.percent(50) ? 254 : 253);
        auto length = static_cast<std::uint8_t>(rng.pick({2, 6, 8, 10, 20, 22}));
        Bytes out{kind, length};
        append(out, rng.bytes(length - 2U));
        return out;
    }
    case 8: // window scale beyond 14
        return {3, 3, static_cast<std::uint8_t>(rng.range(15, 255))};
    case 9: { // end of options, then more options
        Bytes out{0};
        append(out, Bytes{2, 4, 0x05, 0xb4});
        return out;
    }
    case 10: { // MD5 signature, TCP-AO, MPTCP, fast open: kinds others parse
        auto kind = static_cast<std::uint8_t>(rng.pick({19, 29, 30, 34, 253}));
        auto length = static_cast<std::uint8_t>(rng.range(2, 18));
        Bytes out{kind, length};
        append(out, rng.bytes(length - 2U));
        return out;
    }
    default:
        return rng.bytes(rng.range(1, 12));
    }
}

Bytes odd_options(Gen& gen) {
    Bytes out;
    unsigned n = gen.rng.range(1, 4);
    for (unsigned i = 0; i < n && out.size() < kMaxTcpOptions; ++i) {
        if (gen.rng.percent(30))
            append(out, gen.sound_tcp_options());
        else
            append(out, odd_option(gen, kMaxTcpOptions - out.size()));
    }
    if (out.size() > kMaxTcpOptions)
        out.resize(kMaxTcpOptions);
    return out;
}

} // namespace

void gen_tcp_flags(Gen& gen, std::vector<Bytes>& out) {
    Flow flow = gen.flow(kProtoTcp);
    TcpSpec spec = gen.tcp_spec(flow);
    spec.flags = gen.rng.byte(); // every combination, CWR and ECE included
    if (gen.rng.percent(5))
        spec.csum = Csum::Wrong;
    out.push_back(gen.ip(flow, kProtoTcp, tcp_segment(spec, flow.src, flow.dst)));
}

void gen_tcp_doff(Gen& gen, std::vector<Bytes>& out) {
    Flow flow = gen.flow(kProtoTcp, true);
    TcpSpec spec = gen.tcp_spec(flow);
    if (gen.rng.percent(50)) {
        spec.doff = static_cast<std::uint8_t>(gen.rng.range(0, 4));
    } else {
        // Past the segment: more header than there are bytes.
        std::size_t size = kTcpHeader + spec.options.size() + spec.payload.size();
        std::size_t words = (size + 3) / 4 + gen.rng.range(0, 3);
        spec.doff = static_cast<std::uint8_t>(words > 15 ? 15 : words);
        if (std::size_t{*spec.doff} * 4 <= size) {
            spec.payload.clear();
            spec.options.resize(std::size_t{*spec.doff} * 4 > kTcpHeader + 4
                                    ? std::size_t{*spec.doff} * 4 - kTcpHeader - 4
                                    : 0);
        }
    }
    out.push_back(gen.ip(flow, kProtoTcp, tcp_segment(spec, flow.src, flow.dst)));
}

void gen_tcp_options(Gen& gen, std::vector<Bytes>& out) {
    Flow flow = gen.flow(kProtoTcp);
    TcpSpec spec = gen.tcp_spec(flow);
    static constexpr std::uint8_t kFlags[] = {kTcpSyn, kTcpSyn | kTcpAck, kTcpAck,
                                              kTcpAck | kTcpPsh, kTcpFin | kTcpAck};
    spec.flags = gen.rng.pick(kFlags);
    spec.options = odd_options(gen);
    if (gen.rng.percent(15)) // a data offset that disagrees with the options
        spec.doff = static_cast<std::uint8_t>(gen.rng.range(5, 15));
    out.push_back(gen.ip(flow, kProtoTcp, tcp_segment(spec, flow.src, flow.dst)));
}

void gen_tcp_truncated(Gen& gen, std::vector<Bytes>& out) {
    Flow flow = gen.flow(kProtoTcp, true);
    Bytes segment = tcp_segment(gen.tcp_spec(flow), flow.src, flow.dst);
    segment.resize(gen.rng.range(0, kTcpHeader - 1));
    out.push_back(gen.ip(flow, kProtoTcp, segment));
}

} // namespace fnat::fuzz::packet

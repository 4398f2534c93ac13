// Kind mutate: a packet of another kind with a few bytes changed (mostly in
// the headers), cut, extended or with bytes inserted; the IPv4 header
// checksum and the IP length are often made right again afterwards, so
// that more of them get past ip_rcv() to fnat. The source address stays
// the sender's: a SYN from an address nobody answers for holds a
// connection for minutes (kind spoofed makes those, when asked).
#include <algorithm>

#include "fuzz/packet_gen.h"

namespace fnat::fuzz::packet {
namespace {

void mutate_once(Rng& rng, Bytes& packet) {
    if (packet.empty()) {
        packet = rng.bytes(rng.range(1, 40));
        return;
    }
    // Mostly within the first 64 bytes, where the headers are.
    std::size_t span = rng.percent(75) ? std::min<std::size_t>(packet.size(), 64) : packet.size();
    std::size_t at = rng.index(span);
    switch (rng.below(8)) {
    case 0:
        packet[at] = static_cast<std::uint8_t>(packet[at] ^ (1U << rng.below(8)));
        break;
    case 1:
        packet[at] = rng.byte();
        break;
    case 2:
        packet[at] = rng.percent(50) ? 0 : 0xff;
        break;
    case 3: // a 16-bit field to an edge value
        if (at + 1 < packet.size())
            put16(packet, at, static_cast<std::uint16_t>(rng.pick({0, 1, 0x7fff, 0x8000, 0xffff})));
        break;
    case 4:
        packet.resize(at);
        break;
    case 5:
        append(packet, rng.bytes(rng.range(1, 64)));
        break;
    case 6: {
        Bytes more = rng.bytes(rng.range(1, 16));
        packet.insert(packet.begin() + static_cast<std::ptrdiff_t>(at), more.begin(), more.end());
        break;
    }
    default: // a byte repeated from elsewhere
        packet[at] = packet[rng.index(packet.size())];
        break;
    }
    if (packet.size() > kMaxPacket)
        packet.resize(kMaxPacket);
}

// Where the source address is in an IP packet, and how long it is; 0 for
// neither version.
std::pair<std::size_t, std::size_t> source_field(const Bytes& packet) {
    if (packet.size() >= kIpv4Header && packet[0] >> 4 == 4)
        return {12, 4};
    if (packet.size() >= kIpv6Header && packet[0] >> 4 == 6)
        return {8, 16};
    return {0, 0};
}

void fix_ip(Rng& rng, Bytes& packet) {
    if (packet.size() >= kIpv4Header && packet[0] >> 4 == 4) {
        if (rng.percent(50))
            put16(packet, 2, static_cast<std::uint16_t>(packet.size()));
        std::size_t ihl = std::size_t{packet[0] & 0x0fU} * 4;
        if (rng.percent(70) && ihl >= kIpv4Header && ihl <= packet.size()) {
            put16(packet, 10, 0);
            put16(packet, 10, checksum(std::span(packet.data(), ihl)));
        }
    } else if (packet.size() >= kIpv6Header && packet[0] >> 4 == 6 && rng.percent(50)) {
        put16(packet, 4, static_cast<std::uint16_t>(packet.size() - kIpv6Header));
    }
}

} // namespace

void gen_mutate(Gen& gen, std::vector<Bytes>& out) {
    static constexpr Kind kBases[] = {Kind::IpTrailer, Kind::IpOptions,  Kind::Fragments,
                                      Kind::TcpFlags,  Kind::TcpOptions, Kind::Udp,
                                      Kind::IcmpError, Kind::IcmpOther,  Kind::ExtHeaders};
    bool own_only = gen.own_only;
    gen.own_only = true;
    std::vector<Bytes> base = generate(gen.rng.pick(kBases), gen);
    gen.own_only = own_only;
    if (base.empty())
        return;
    Bytes& victim = base[gen.rng.index(base.size())];
    Bytes original = victim;
    unsigned n = gen.rng.range(1, 8);
    for (unsigned i = 0; i < n; ++i)
        mutate_once(gen.rng, victim);
    // The version too (ip-header makes other versions), then the source.
    if (!victim.empty() && !original.empty())
        victim[0] = static_cast<std::uint8_t>((original[0] & 0xf0U) | (victim[0] & 0x0fU));
    auto [at, length] = source_field(victim);
    if (length && source_field(original).second == length)
        std::copy_n(original.begin() + static_cast<std::ptrdiff_t>(at), length,
                    victim.begin() + static_cast<std::ptrdiff_t>(at));
    fix_ip(gen.rng, victim);
    for (Bytes& packet : base)
        out.push_back(std::move(packet));
}

} // namespace fnat::fuzz::packet

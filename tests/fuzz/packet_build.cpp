#include "fuzz/packet_build.h"

#include <algorithm>
#include <netinet/in.h>

#include "bench/checksum.h"

namespace fnat::fuzz::packet {
namespace {

std::size_t address_size(const Address& address) {
    return address.is_ipv6() ? 16 : 4;
}

std::uint16_t store_checksum(std::uint16_t right, Csum csum) {
    switch (csum) {
    case Csum::Right:
        return right;
    case Csum::Wrong:
        // Any other value: one's complement arithmetic has two zeroes, so
        // not right's twin either.
        return static_cast<std::uint16_t>(right == 0x1234 ? 0x4321 : 0x1234);
    case Csum::Zero:
        return 0;
    }
    return right;
}

void pad4(Bytes& options) {
    while (options.size() % 4)
        options.push_back(0);
}

} // namespace

void put16(std::span<std::uint8_t> out, std::size_t at, std::uint16_t value) {
    out[at] = static_cast<std::uint8_t>(value >> 8);
    out[at + 1] = static_cast<std::uint8_t>(value);
}

void put32(std::span<std::uint8_t> out, std::size_t at, std::uint32_t value) {
    put16(out, at, static_cast<std::uint16_t>(value >> 16));
    put16(out, at + 2, static_cast<std::uint16_t>(value));
}

std::uint16_t get16(std::span<const std::uint8_t> in, std::size_t at) {
    return static_cast<std::uint16_t>(in[at] << 8 | in[at + 1]);
}

void append(Bytes& out, std::span<const std::uint8_t> more) {
    out.insert(out.end(), more.begin(), more.end());
}

std::uint32_t pseudo_sum(const Address& src, const Address& dst, std::uint8_t proto,
                         std::size_t length) {
    std::uint32_t sum = 0;
    for (const Address* a : {&src, &dst})
        for (std::size_t i = 0; i < address_size(*a); i += 2)
            sum += static_cast<std::uint32_t>(a->bytes[i] << 8 | a->bytes[i + 1]);
    sum += proto;
    sum += static_cast<std::uint32_t>(length >> 16) + static_cast<std::uint32_t>(length & 0xffff);
    return sum;
}

std::uint16_t checksum(std::span<const std::uint8_t> bytes, std::uint32_t partial) {
    return bench::internet_checksum(bytes, partial);
}

Bytes tcp_segment(const TcpSpec& spec, const Address& src, const Address& dst) {
    Bytes options = spec.options;
    if (!spec.doff)
        pad4(options);
    Bytes out(kTcpHeader);
    put16(out, 0, spec.sport);
    put16(out, 2, spec.dport);
    put32(out, 4, spec.seq);
    put32(out, 8, spec.ack);
    std::uint8_t doff =
        spec.doff.value_or(static_cast<std::uint8_t>((kTcpHeader + options.size()) / 4));
    out[12] = static_cast<std::uint8_t>(doff << 4);
    out[13] = spec.flags;
    put16(out, 14, spec.window);
    append(out, options);
    append(out, spec.payload);
    std::uint16_t right = checksum(out, pseudo_sum(src, dst, kProtoTcp, out.size()));
    put16(out, 16, store_checksum(right, spec.csum));
    return out;
}

Bytes udp_datagram(const UdpSpec& spec, const Address& src, const Address& dst) {
    Bytes out(kUdpHeader);
    put16(out, 0, spec.sport);
    put16(out, 2, spec.dport);
    append(out, spec.payload);
    std::uint16_t length = spec.length.value_or(static_cast<std::uint16_t>(out.size()));
    put16(out, 4, length);
    // The checksum covers the datagram as sent, with the length it claims.
    std::uint16_t right = checksum(out, pseudo_sum(src, dst, kProtoUdp, length));
    if (right == 0)
        right = 0xffff; // 0 means "no checksum" (RFC 768)
    put16(out, 6, store_checksum(right, spec.csum));
    return out;
}

Bytes icmp_message(std::uint8_t type, std::uint8_t code, std::uint32_t rest,
                   std::span<const std::uint8_t> body, const Address& src, const Address& dst,
                   Csum csum) {
    Bytes out(kIcmpHeader);
    out[0] = type;
    out[1] = code;
    put32(out, 4, rest);
    append(out, body);
    std::uint32_t partial = src.is_ipv6() ? pseudo_sum(src, dst, kProtoIcmpv6, out.size()) : 0;
    put16(out, 2, store_checksum(checksum(out, partial), csum));
    return out;
}

Bytes ipv4_packet(const Ip4Spec& spec, std::span<const std::uint8_t> payload) {
    Bytes options = spec.options;
    if (!spec.ihl)
        pad4(options);
    Bytes out(kIpv4Header);
    std::uint8_t ihl =
        spec.ihl.value_or(static_cast<std::uint8_t>((kIpv4Header + options.size()) / 4));
    out[0] = static_cast<std::uint8_t>(spec.version.value_or(4) << 4 | (ihl & 0x0f));
    out[1] = spec.tos;
    put16(out, 4, spec.id);
    put16(out, 6, spec.frag);
    out[8] = spec.ttl;
    out[9] = spec.proto;
    std::copy_n(spec.src.bytes.begin(), 4, out.begin() + 12);
    std::copy_n(spec.dst.bytes.begin(), 4, out.begin() + 16);
    append(out, options);
    std::size_t header = out.size();
    append(out, payload);
    put16(out, 2, spec.total.value_or(static_cast<std::uint16_t>(out.size())));
    // The checksum covers the header as IHL says, as far as the packet goes.
    std::size_t covered = std::min<std::size_t>(std::size_t{ihl} * 4, out.size());
    if (covered < kIpv4Header)
        covered = std::min(header, out.size());
    std::uint16_t right = checksum(std::span(out.data(), covered));
    put16(out, 10, store_checksum(right, spec.csum));
    return out;
}

Bytes ipv6_packet(const Ip6Spec& spec, std::span<const std::uint8_t> payload) {
    Bytes out(kIpv6Header);
    std::uint32_t first =
        static_cast<std::uint32_t>(spec.version.value_or(6)) << 28 | (spec.flow & 0xfffff);
    put32(out, 0, first);
    put16(out, 4, spec.payload_length.value_or(static_cast<std::uint16_t>(payload.size())));
    out[6] = spec.next;
    out[7] = spec.hop_limit;
    std::copy_n(spec.src.bytes.begin(), 16, out.begin() + 8);
    std::copy_n(spec.dst.bytes.begin(), 16, out.begin() + 24);
    append(out, payload);
    return out;
}

Bytes ext6_header(std::uint8_t next, std::span<const std::uint8_t> body,
                  std::optional<std::uint8_t> hdr_len) {
    Bytes out{next, hdr_len.value_or(static_cast<std::uint8_t>((body.size() + 2) / 8 - 1))};
    append(out, body);
    return out;
}

Bytes pad_options(std::size_t size) {
    Bytes out;
    if (size == 0)
        return out;
    out.push_back(1); // PadN
    out.push_back(static_cast<std::uint8_t>(size - 2));
    out.resize(size, 0);
    return out;
}

Bytes frag6_header(std::uint8_t next, std::uint16_t offset, bool more, std::uint32_t id) {
    Bytes out(8);
    out[0] = next;
    put16(out, 2, static_cast<std::uint16_t>((offset & 0xfff8) | (more ? 1 : 0)));
    put32(out, 4, id);
    return out;
}

namespace {

Bytes piece_of(std::span<const std::uint8_t> payload, const Piece& piece) {
    Bytes out(piece.length, 0);
    for (std::size_t i = 0; i < piece.length; ++i)
        if (piece.offset + i < payload.size())
            out[i] = payload[piece.offset + i];
    return out;
}

} // namespace

std::vector<Bytes> ipv4_fragments(const Ip4Spec& spec, std::span<const std::uint8_t> payload,
                                  std::span<const Piece> pieces) {
    std::vector<Bytes> out;
    for (const Piece& piece : pieces) {
        Ip4Spec fragment = spec;
        fragment.frag =
            static_cast<std::uint16_t>(((piece.offset / 8) & 0x1fff) | (piece.more ? 0x2000 : 0));
        out.push_back(ipv4_packet(fragment, piece_of(payload, piece)));
    }
    return out;
}

std::vector<Bytes> ipv6_fragments(const Ip6Spec& spec, std::span<const std::uint8_t> unfrag,
                                  std::uint8_t next_after, std::span<const std::uint8_t> payload,
                                  std::span<const Piece> pieces, std::uint32_t id) {
    std::vector<Bytes> out;
    for (const Piece& piece : pieces) {
        Bytes body(unfrag.begin(), unfrag.end());
        append(body,
               frag6_header(next_after, static_cast<std::uint16_t>(piece.offset), piece.more, id));
        append(body, piece_of(payload, piece));
        Ip6Spec header = spec;
        if (unfrag.empty())
            header.next = kProtoFragment;
        out.push_back(ipv6_packet(header, body));
    }
    return out;
}

std::vector<Piece> even_pieces(std::size_t size, std::size_t chunk) {
    std::vector<Piece> out;
    for (std::size_t at = 0; at < size; at += chunk) {
        Piece piece;
        piece.offset = at;
        piece.length = std::min(chunk, size - at);
        piece.more = at + chunk < size;
        out.push_back(piece);
    }
    return out;
}

} // namespace fnat::fuzz::packet

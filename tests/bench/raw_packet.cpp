#include "bench/raw_packet.h"

#include <string>

#include "bench/checksum.h"
#include "bench/endpoint.h"

namespace fnat::bench {
namespace {

constexpr std::uint8_t kProtocolUdp = 17;
constexpr std::uint16_t kDontFragment = 0x4000;

void put16(std::span<std::uint8_t> out, std::size_t at, std::uint16_t value) {
    out[at] = static_cast<std::uint8_t>(value >> 8);
    out[at + 1] = static_cast<std::uint8_t>(value);
}

void put32(std::span<std::uint8_t> out, std::size_t at, std::uint32_t value) {
    put16(out, at, static_cast<std::uint16_t>(value >> 16));
    put16(out, at + 2, static_cast<std::uint16_t>(value));
}

} // namespace

void check_flows(std::uint32_t src_net, std::uint32_t src_count, std::uint64_t flows) {
    if (flows == 0)
        throw FlowError("at least one flow is needed");
    if (src_count == 0)
        throw FlowError("at least one source address is needed");
    if (std::uint64_t{src_net} + src_count - 1 > 0xffffffffULL)
        throw FlowError(std::to_string(src_count) + " addresses from " + ipv4_text(src_net) +
                        " go past 255.255.255.255");
    std::uint64_t most = std::uint64_t{src_count} * kPortsPerAddress;
    if (flows > most)
        throw FlowError(std::to_string(flows) + " flows need more than " +
                        std::to_string(src_count) + " source addresses (" + std::to_string(most) +
                        " flows at most: " + std::to_string(kPortsPerAddress) +
                        " ports per address)");
}

FlowSource flow_source(std::uint32_t src_net, std::uint64_t flow) {
    FlowSource source;
    source.address = static_cast<std::uint32_t>(src_net + flow / kPortsPerAddress);
    source.port = static_cast<std::uint16_t>(kFirstSourcePort + flow % kPortsPerAddress);
    return source;
}

std::size_t build_udp_packet(std::span<std::uint8_t> out, const UdpPacketFields& fields) {
    if (fields.payload_bytes > kMaxPayloadBytes)
        throw std::invalid_argument("a UDP payload of " + std::to_string(fields.payload_bytes) +
                                    " bytes is more than " + std::to_string(kMaxPayloadBytes));
    std::size_t length = kRawOverheadBytes + fields.payload_bytes;
    if (out.size() < length)
        throw std::invalid_argument("a buffer of " + std::to_string(out.size()) +
                                    " bytes is too small for a packet of " +
                                    std::to_string(length));
    std::span<std::uint8_t> packet = out.first(length);

    packet[0] = 0x45; // version 4, IHL 5
    packet[1] = 0;    // DSCP, ECN
    put16(packet, 2, static_cast<std::uint16_t>(length));
    put16(packet, 4, fields.ip_id);
    put16(packet, 6, kDontFragment);
    packet[8] = kRawTtl;
    packet[9] = kProtocolUdp;
    put16(packet, 10, 0); // checksum, below
    put32(packet, 12, fields.source.address);
    put32(packet, 16, fields.dest);
    put16(packet, 10, internet_checksum(packet.first(kIpv4HeaderBytes)));

    std::span<std::uint8_t> segment = packet.subspan(kIpv4HeaderBytes);
    put16(segment, 0, fields.source.port);
    put16(segment, 2, fields.dest_port);
    put16(segment, 4, static_cast<std::uint16_t>(segment.size()));
    put16(segment, 6, 0); // checksum, below
    for (std::size_t i = 0; i < fields.payload_bytes; ++i)
        segment[kUdpHeaderBytes + i] = static_cast<std::uint8_t>(i);
    put16(segment, 6, udp4_checksum(fields.source.address, fields.dest, segment));
    return length;
}

} // namespace fnat::bench

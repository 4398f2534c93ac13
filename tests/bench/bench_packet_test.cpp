// The raw packets of fnat-bench-udp --raw: the Internet checksum, the flow
// to source mapping, and whole packets byte for byte.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bench/checksum.h"
#include "bench/raw_packet.h"

namespace fnat::bench {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t ipv4(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
    return a << 24 | b << 16 | c << 8 | d;
}

Bytes from_hex(const std::string& hex) {
    Bytes bytes;
    for (std::size_t at = 0; at + 1 < hex.size(); at += 2)
        bytes.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(at, 2), nullptr, 16)));
    return bytes;
}

// The one's-complement sum of 16-bit big-endian words, written out here
// rather than taken from checksum.h: over a header with a correct checksum
// it is 0xffff.
std::uint32_t word_sum(std::span<const std::uint8_t> bytes, std::uint32_t sum = 0) {
    for (std::size_t at = 0; at < bytes.size(); at += 2) {
        std::uint32_t high = bytes[at];
        std::uint32_t low = at + 1 < bytes.size() ? bytes[at + 1] : 0;
        sum += high << 8 | low;
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

std::uint32_t udp_pseudo_sum(std::uint32_t source, std::uint32_t dest, std::size_t udp_length) {
    return word_sum(
        Bytes{static_cast<std::uint8_t>(source >> 24), static_cast<std::uint8_t>(source >> 16),
              static_cast<std::uint8_t>(source >> 8), static_cast<std::uint8_t>(source),
              static_cast<std::uint8_t>(dest >> 24), static_cast<std::uint8_t>(dest >> 16),
              static_cast<std::uint8_t>(dest >> 8), static_cast<std::uint8_t>(dest), 0, 17,
              static_cast<std::uint8_t>(udp_length >> 8), static_cast<std::uint8_t>(udp_length)});
}

// --- checksum ----------------------------------------------------------------

TEST(BenchChecksum, Rfc1071Example) {
    // RFC 1071 section 3: these words sum to 0xddf2.
    Bytes bytes{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(ones_complement_sum(bytes), 0xddf2);
    EXPECT_EQ(internet_checksum(bytes), 0x220d);
}

TEST(BenchChecksum, OddLengthPadsWithZero) {
    EXPECT_EQ(ones_complement_sum(Bytes{0x12, 0x34, 0x56}), 0x1234 + 0x5600);
    EXPECT_EQ(ones_complement_sum(Bytes{0xff, 0xff, 0x00, 0x01}), 0x0001); // end-around carry
}

TEST(BenchChecksum, KnownIpv4Header) {
    // A classic example header (checksum field zeroed): the checksum is 0xb861.
    Bytes header = from_hex("450000730000400040110000c0a80001c0a800c7");
    EXPECT_EQ(internet_checksum(header), 0xb861);
}

// --- flows -------------------------------------------------------------------

TEST(BenchRawFlows, Mapping) {
    std::uint32_t net = ipv4(10, 99, 0, 0);
    EXPECT_EQ(flow_source(net, 0), (FlowSource{net, 1024}));
    EXPECT_EQ(flow_source(net, 1), (FlowSource{net, 1025}));
    EXPECT_EQ(flow_source(net, 64511), (FlowSource{net, 65535}));
    EXPECT_EQ(flow_source(net, 64512), (FlowSource{net + 1, 1024}));
    EXPECT_EQ(flow_source(net, 64512 * 3 + 7), (FlowSource{ipv4(10, 99, 0, 3), 1031}));
    // Host-order increments carry into the next octet.
    EXPECT_EQ(flow_source(ipv4(10, 99, 0, 255), 64512), (FlowSource{ipv4(10, 99, 1, 0), 1024}));
}

TEST(BenchRawFlows, Limits) {
    std::uint32_t net = ipv4(10, 99, 0, 0);
    EXPECT_NO_THROW(check_flows(net, 1, 1));
    EXPECT_NO_THROW(check_flows(net, 1, 64512));
    EXPECT_THROW(check_flows(net, 1, 64513), FlowError);
    EXPECT_NO_THROW(check_flows(net, 64, 64ULL * 64512));
    EXPECT_THROW(check_flows(net, 64, 64ULL * 64512 + 1), FlowError);
    EXPECT_THROW(check_flows(net, 1, 0), FlowError);
    EXPECT_THROW(check_flows(net, 0, 1), FlowError);
    EXPECT_NO_THROW(check_flows(ipv4(255, 255, 255, 255), 1, 1));
    EXPECT_THROW(check_flows(ipv4(255, 255, 255, 255), 2, 1), FlowError);
}

TEST(BenchRawFlows, RefusalSaysWhy) {
    try {
        check_flows(ipv4(10, 0, 0, 0), 2, 200000);
        FAIL() << "200000 flows from 2 addresses were accepted";
    } catch (const FlowError& error) {
        EXPECT_NE(std::string(error.what()).find("129024"), std::string::npos) << error.what();
    }
}

// --- packets -----------------------------------------------------------------

TEST(BenchRawPacket, KnownBytes) {
    UdpPacketFields fields;
    fields.source = FlowSource{ipv4(10, 1, 2, 3), 1024};
    fields.dest = ipv4(192, 168, 0, 10);
    fields.dest_port = 9001;
    fields.ip_id = 0x1234;
    fields.payload_bytes = 4;
    Bytes packet(64, 0xee);
    ASSERT_EQ(build_udp_packet(packet, fields), 32U);
    packet.resize(32);
    EXPECT_EQ(packet, from_hex("450000201234400040115be30a010203c0a8000a04002329000c09f300010203"));
}

TEST(BenchRawPacket, EmptyPayloadAndHighPort) {
    UdpPacketFields fields;
    fields.source = FlowSource{ipv4(10, 99, 0, 0), 65535};
    fields.dest = ipv4(10, 0, 0, 100);
    fields.dest_port = 80;
    Bytes packet(kRawOverheadBytes);
    ASSERT_EQ(build_udp_packet(packet, fields), kRawOverheadBytes);
    EXPECT_EQ(packet, from_hex("4500001c000040004011260b0a6300000a000064ffff00500008eac7"));
}

TEST(BenchRawPacket, ChecksumsVerify) {
    for (std::size_t payload : {0UL, 1UL, 63UL, 64UL, kMaxPayloadBytes}) {
        UdpPacketFields fields;
        fields.source = flow_source(ipv4(127, 1, 0, 0), 70000 + payload);
        fields.dest = ipv4(127, 0, 0, 1);
        fields.dest_port = 9001;
        fields.ip_id = static_cast<std::uint16_t>(payload);
        fields.payload_bytes = payload;
        Bytes packet(kRawOverheadBytes + kMaxPayloadBytes);
        std::size_t length = build_udp_packet(packet, fields);
        ASSERT_EQ(length, kRawOverheadBytes + payload);
        std::span<const std::uint8_t> bytes(packet.data(), length);
        EXPECT_EQ(bytes[2] << 8 | bytes[3], static_cast<int>(length)) << payload;
        EXPECT_EQ(word_sum(bytes.first(kIpv4HeaderBytes)), 0xffffU) << payload;
        auto segment = bytes.subspan(kIpv4HeaderBytes);
        EXPECT_EQ(segment[4] << 8 | segment[5], static_cast<int>(segment.size())) << payload;
        EXPECT_NE(segment[6] << 8 | segment[7], 0) << payload; // 0 would mean "no checksum"
        EXPECT_EQ(
            word_sum(segment, udp_pseudo_sum(fields.source.address, fields.dest, segment.size())),
            0xffffU)
            << payload;
    }
}

TEST(BenchRawPacket, Refusals) {
    UdpPacketFields fields;
    fields.payload_bytes = kMaxPayloadBytes + 1;
    Bytes big(2000);
    EXPECT_THROW(build_udp_packet(big, fields), std::invalid_argument);
    fields.payload_bytes = 10;
    Bytes small(kRawOverheadBytes + 9);
    EXPECT_THROW(build_udp_packet(small, fields), std::invalid_argument);
    Bytes exact(kRawOverheadBytes + 10);
    EXPECT_EQ(build_udp_packet(exact, fields), kRawOverheadBytes + 10);
}

} // namespace
} // namespace fnat::bench

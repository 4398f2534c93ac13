// The packets of `fnat-bench-udp --raw`: IPv4 + UDP built whole (the raw
// socket sends them as they are), from many source addresses and ports, so
// that one run fills a balancer's connection table with distinct flows.
//
// Flow f (0-based) comes from address src_net + f / 64512 and port
// 1024 + f % 64512: the ports 1024..65535 of one address are used up before
// the next address, so K addresses carry at most K * 64512 flows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>

namespace fnat::bench {

inline constexpr std::uint16_t kFirstSourcePort = 1024;
inline constexpr std::uint32_t kPortsPerAddress = 65536 - kFirstSourcePort; // 64512
inline constexpr std::size_t kIpv4HeaderBytes = 20;
inline constexpr std::size_t kUdpHeaderBytes = 8;
inline constexpr std::size_t kRawOverheadBytes = kIpv4HeaderBytes + kUdpHeaderBytes;
// The largest payload in one unfragmented packet on a 1500-byte MTU.
inline constexpr std::size_t kMaxPayloadBytes = 1500 - kRawOverheadBytes; // 1472
inline constexpr std::uint8_t kRawTtl = 64;

// Flows that src_count addresses from src_net cannot carry; the message is
// the reason.
class FlowError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

struct FlowSource {
    std::uint32_t address = 0; // IPv4, host byte order
    std::uint16_t port = 0;

    bool operator==(const FlowSource&) const = default;
};

// Throws FlowError when flows is 0, src_count is 0, flows > src_count *
// 64512, or src_net + src_count - 1 goes past 255.255.255.255.
void check_flows(std::uint32_t src_net, std::uint32_t src_count, std::uint64_t flows);

// The source of flow `flow` (check_flows first).
FlowSource flow_source(std::uint32_t src_net, std::uint64_t flow);

struct UdpPacketFields {
    FlowSource source;
    std::uint32_t dest = 0; // IPv4, host byte order
    std::uint16_t dest_port = 0;
    std::uint16_t ip_id = 0;
    std::size_t payload_bytes = 0; // at most kMaxPayloadBytes
};

// Writes the packet at the start of out and returns its length,
// kRawOverheadBytes + payload_bytes: IHL 5, DF, TTL 64, both checksums
// right, payload byte i = i & 0xff. Throws std::invalid_argument when the
// payload is too large or out is too small.
std::size_t build_udp_packet(std::span<std::uint8_t> out, const UdpPacketFields& fields);

} // namespace fnat::bench

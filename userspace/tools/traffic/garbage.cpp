#include "tools/traffic/garbage.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <netinet/in.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <thread>

#include "tools/traffic/socket.h"

namespace fnat::traffic {
namespace {

constexpr std::uint8_t kProtocolUdp = 17;
constexpr std::uint8_t kTcpSyn = 0x02;
constexpr std::uint16_t kTcpWindow = 64240;
constexpr std::size_t kUdpHeaderSize = 8;
// A send the kernel could not queue (ENOBUFS) is tried again this often,
// a millisecond apart, before the run fails.
constexpr int kSendRetries = 1000;

std::uint16_t draw16(std::mt19937& random, std::uint16_t low, std::uint16_t high) {
    return static_cast<std::uint16_t>(
        std::uniform_int_distribution<std::uint32_t>(low, high)(random));
}

std::uint32_t draw32(std::mt19937& random) {
    return static_cast<std::uint32_t>(random());
}

std::uint8_t protocol_of(GarbageKind kind) {
    return kind == GarbageKind::BadUdpLength ? kProtocolUdp : kIpProtocolTcp;
}

std::size_t l4_size_of(GarbageKind kind) {
    switch (kind) {
    case GarbageKind::BadTcpDoff:
    case GarbageKind::TcpDoffSmall:
        return kTcpHeaderSize;
    case GarbageKind::L4Truncated:
        return kGarbageTruncatedL4;
    case GarbageKind::BadUdpLength:
        return kUdpHeaderSize + kGarbageUdpPayload;
    }
    return 0;
}

// The partial sum of the TCP/UDP pseudo-header of an IPv4 packet.
std::uint32_t pseudo_header_sum(const std::vector<std::uint8_t>& packet, std::size_t l4_size) {
    std::uint32_t sum = 0;
    for (std::size_t at = 12; at < kIpv4HeaderSize; at += 2)
        sum += static_cast<std::uint32_t>(packet[at] << 8 | packet[at + 1]);
    return sum + packet[9] + static_cast<std::uint32_t>(l4_size);
}

// A whole TCP header but for its data offset, given in 32-bit words.
void tcp_header(std::vector<std::uint8_t>& packet, std::uint16_t source_port,
                std::uint16_t dest_port, std::uint32_t seq, std::uint8_t data_offset) {
    std::size_t l4 = kIpv4HeaderSize;
    put16(packet, l4, source_port);
    put16(packet, l4 + 2, dest_port);
    put32(packet, l4 + 4, seq);
    put32(packet, l4 + 8, 0); // ack
    packet[l4 + 12] = static_cast<std::uint8_t>(data_offset << 4);
    packet[l4 + 13] = kTcpSyn;
    put16(packet, l4 + 14, kTcpWindow);
    put16(packet, l4 + 16, 0); // checksum, below
    put16(packet, l4 + 18, 0); // urgent pointer
    std::span<const std::uint8_t> segment(packet.data() + l4, kTcpHeaderSize);
    put16(packet, l4 + 16, internet_checksum(segment, pseudo_header_sum(packet, kTcpHeaderSize)));
}

// Sends one packet; target_text names the destination in errors.
void send_packet(int fd, const std::vector<std::uint8_t>& packet, const SocketAddress& to,
                 const std::string& target_text, std::uint32_t index, std::uint32_t count) {
    for (int attempt = 0;; ++attempt) {
        ssize_t sent = ::sendto(fd, packet.data(), packet.size(), 0, to.get(), to.length);
        if (sent == static_cast<ssize_t>(packet.size()))
            return;
        int error = sent < 0 ? errno : EMSGSIZE;
        std::string what = "send of packet " + std::to_string(index + 1) + " of " +
                           std::to_string(count) + " to " + target_text;
        if (sent >= 0)
            throw std::runtime_error(what + ": sent " + std::to_string(sent) + " of " +
                                     std::to_string(packet.size()) + " bytes");
        if (error == EINTR)
            continue;
        if ((error == ENOBUFS || error == EAGAIN) && attempt < kSendRetries) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            continue;
        }
        throw SystemError(what, error);
    }
}

} // namespace

void put16(std::vector<std::uint8_t>& out, std::size_t at, std::uint16_t value) {
    out[at] = static_cast<std::uint8_t>(value >> 8);
    out[at + 1] = static_cast<std::uint8_t>(value);
}

void put32(std::vector<std::uint8_t>& out, std::size_t at, std::uint32_t value) {
    put16(out, at, static_cast<std::uint16_t>(value >> 16));
    put16(out, at + 2, static_cast<std::uint16_t>(value));
}

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes, std::uint32_t sum) {
    std::uint64_t total = sum;
    std::size_t at = 0;
    for (; at + 1 < bytes.size(); at += 2)
        total += static_cast<std::uint32_t>(bytes[at] << 8 | bytes[at + 1]);
    if (at < bytes.size())
        total += static_cast<std::uint32_t>(bytes[at] << 8);
    while (total >> 16)
        total = (total & 0xffff) + (total >> 16);
    return static_cast<std::uint16_t>(~total & 0xffff);
}

std::mt19937 garbage_random(std::uint64_t seed) {
    std::seed_seq sequence{static_cast<std::uint32_t>(seed),
                           static_cast<std::uint32_t>(seed >> 32)};
    return std::mt19937(sequence);
}

std::vector<std::uint8_t> garbage_packet(GarbageKind kind, const Address& source,
                                         const Target& target, std::mt19937& random) {
    if (!source.is_ipv4() || !target.address.is_ipv4())
        throw std::invalid_argument("garbage packets are IPv4 only");
    std::size_t l4_size = l4_size_of(kind);
    std::vector<std::uint8_t> packet(kIpv4HeaderSize + l4_size);

    packet[0] = 0x45; // version 4, IHL 5
    packet[1] = 0;    // TOS
    put16(packet, 2, static_cast<std::uint16_t>(packet.size()));
    put16(packet, 4, draw16(random, 1, 0xffff)); // id; 0 would be the kernel's to pick
    put16(packet, 6, kIpDontFragment);
    packet[8] = kGarbageTtl;
    packet[9] = protocol_of(kind);
    put16(packet, 10, 0);
    std::copy_n(source.bytes.begin(), 4, packet.begin() + 12);
    std::copy_n(target.address.bytes.begin(), 4, packet.begin() + 16);
    put16(packet, 10, internet_checksum(std::span(packet.data(), kIpv4HeaderSize)));

    std::uint16_t source_port = draw16(random, 1024, 0xffff);
    std::size_t l4 = kIpv4HeaderSize;
    switch (kind) {
    case GarbageKind::BadTcpDoff:
        // 60 bytes of header claimed in a 20-byte segment: doff > l4len.
        tcp_header(packet, source_port, target.port, draw32(random), 15);
        break;
    case GarbageKind::TcpDoffSmall:
        // 16 bytes: less than the fixed TCP header.
        tcp_header(packet, source_port, target.port, draw32(random), 4);
        break;
    case GarbageKind::L4Truncated:
        // Ports, sequence number and half the ack: short of any TCP header.
        put16(packet, l4, source_port);
        put16(packet, l4 + 2, target.port);
        put32(packet, l4 + 4, draw32(random));
        put16(packet, l4 + 8, 0);
        break;
    case GarbageKind::BadUdpLength:
        // A UDP length beyond the IP payload; no checksum (0).
        put16(packet, l4, source_port);
        put16(packet, l4 + 2, target.port);
        put16(packet, l4 + 4, kGarbageUdpLength);
        put16(packet, l4 + 6, 0);
        for (std::size_t at = l4 + kUdpHeaderSize; at < packet.size(); ++at)
            packet[at] = static_cast<std::uint8_t>(random());
        break;
    }
    return packet;
}

Address source_address_for(const Target& target) {
    SocketAddress to = socket_address(target);
    Fd fd(::socket(to.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd)
        throw SystemError("socket", errno);
    std::string what =
        "finding the source address for " + format_endpoint(target.address, target.port) + ": ";
    if (::connect(fd.get(), to.get(), to.length) != 0)
        throw SystemError(what + "connect", errno);
    SocketAddress local;
    local.length = sizeof(local.storage);
    if (::getsockname(fd.get(), local.get(), &local.length) != 0)
        throw SystemError(what + "getsockname", errno);
    if (local.family() != AF_INET)
        throw std::runtime_error(what + "not an IPv4 address");
    sockaddr_in sin{};
    std::memcpy(&sin, &local.storage, sizeof(sin));
    Address source;
    source.family = AF_INET;
    std::memcpy(source.bytes.data(), &sin.sin_addr, 4);
    return source;
}

int run_garbage(const GarbageOptions& options) {
    Address source = source_address_for(options.target);
    Fd fd(::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW));
    if (!fd)
        throw SystemError("raw socket (IPPROTO_RAW needs CAP_NET_RAW)", errno);
    // A raw socket has no ports: the destination port is in the packet.
    SocketAddress to = socket_address(Target{options.target.address, 0});
    std::string target = format_endpoint(options.target.address, options.target.port);
    std::mt19937 random = garbage_random(options.seed);
    for (std::uint32_t index = 0; index < options.count; ++index)
        send_packet(fd.get(), garbage_packet(options.kind, source, options.target, random), to,
                    target, index, options.count);
    std::string kind(garbage_kind_name(options.kind));
    std::printf("garbage: sent %u %s packets to %s\n", options.count, kind.c_str(), target.c_str());
    return 0;
}

} // namespace fnat::traffic

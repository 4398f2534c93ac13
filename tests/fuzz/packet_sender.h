// The packet fuzzer's sender: Ethernet frames from an AF_PACKET socket on
// one interface, to one destination MAC address (the director's), in
// batches of sendmmsg(). The frames bypass the qdisc; whatever they hold,
// the kernel's own output path (routing, fragmentation, checksums) never
// touches them.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tools/traffic/socket.h"

namespace fnat::fuzz::packet {

using MacAddress = std::array<std::uint8_t, 6>;

// "02:00:00:aa:bb:cc"; throws std::invalid_argument.
MacAddress parse_mac(std::string_view text);

// The interface's index and MAC address; throws traffic::SystemError.
struct Interface {
    int index = 0;
    MacAddress mac{};
};
Interface interface_of(const std::string& name);

// The EtherType of an IP packet: IPv6 when its first nibble is 6, IPv4
// otherwise (the headers a generator breaks are for fnat to see as IP).
std::uint16_t ethertype_of(std::span<const std::uint8_t> packet);

class PacketSender {
public:
    static constexpr std::size_t kBatch = 64;
    static constexpr std::size_t kFrameMax = 14 + 1500;

    PacketSender(const std::string& iface, const MacAddress& dst);

    // Adds the frame of an IP packet to the batch; sends the batch when
    // full.
    void add(std::span<const std::uint8_t> packet);
    // Sends what the batch holds.
    void flush();

    std::uint64_t sent() const { return sent_; }
    std::uint64_t bytes() const { return bytes_; }
    // Frames the kernel refused outright (too big for the device...).
    std::uint64_t refused() const { return refused_; }
    // Sends retried because the kernel had no buffer at that moment.
    std::uint64_t retries() const { return retries_; }

private:
    traffic::Fd fd_;
    Interface iface_;
    MacAddress dst_{};
    std::vector<std::array<std::uint8_t, kFrameMax>> frames_;
    std::array<std::size_t, kBatch> lengths_{};
    std::size_t queued_ = 0;
    std::uint64_t sent_ = 0;
    std::uint64_t bytes_ = 0;
    std::uint64_t refused_ = 0;
    std::uint64_t retries_ = 0;
};

} // namespace fnat::fuzz::packet

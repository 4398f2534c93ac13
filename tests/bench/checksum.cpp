#include "bench/checksum.h"

namespace fnat::bench {
namespace {

constexpr std::uint32_t kProtocolUdp = 17;

std::uint16_t fold(std::uint64_t sum) {
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}

} // namespace

std::uint16_t ones_complement_sum(std::span<const std::uint8_t> bytes, std::uint32_t partial) {
    std::uint64_t sum = partial;
    std::size_t at = 0;
    for (; at + 1 < bytes.size(); at += 2)
        sum += static_cast<std::uint32_t>(bytes[at] << 8 | bytes[at + 1]);
    if (at < bytes.size())
        sum += static_cast<std::uint32_t>(bytes[at] << 8);
    return fold(sum);
}

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes, std::uint32_t partial) {
    return static_cast<std::uint16_t>(~ones_complement_sum(bytes, partial));
}

std::uint16_t udp4_checksum(std::uint32_t source, std::uint32_t dest,
                            std::span<const std::uint8_t> segment) {
    std::uint32_t pseudo = (source >> 16) + (source & 0xffff) + (dest >> 16) + (dest & 0xffff) +
                           kProtocolUdp + static_cast<std::uint32_t>(segment.size());
    std::uint16_t checksum = internet_checksum(segment, pseudo);
    return checksum == 0 ? 0xffff : checksum;
}

} // namespace fnat::bench

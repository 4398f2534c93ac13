#include "tools/traffic/payload.h"

namespace fnat::traffic {
namespace {

constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

} // namespace

std::uint64_t mix64(std::uint64_t value) {
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

std::uint64_t payload_key(std::uint64_t seed, std::uint64_t index) {
    return mix64(seed * kGolden + mix64(index + kGolden));
}

std::uint64_t Payload::block(std::uint64_t number) const {
    return mix64(key_ + (number + 1) * kGolden);
}

void Payload::fill(std::uint64_t offset, std::span<std::uint8_t> out) const {
    std::uint64_t number = offset / 8;
    std::uint64_t word = block(number);
    for (std::uint8_t& byte : out) {
        if (offset / 8 != number) {
            number = offset / 8;
            word = block(number);
        }
        byte = static_cast<std::uint8_t>(word >> (8 * (offset % 8)));
        ++offset;
    }
}

std::optional<std::uint64_t> Payload::first_mismatch(std::uint64_t offset,
                                                     std::span<const std::uint8_t> data) const {
    std::uint64_t number = offset / 8;
    std::uint64_t word = block(number);
    for (std::uint8_t byte : data) {
        if (offset / 8 != number) {
            number = offset / 8;
            word = block(number);
        }
        if (byte != static_cast<std::uint8_t>(word >> (8 * (offset % 8))))
            return offset;
        ++offset;
    }
    return std::nullopt;
}

} // namespace fnat::traffic

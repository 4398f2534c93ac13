// Deterministic payload bytes. Exchange `index` of a run with seed S carries
// the byte sequence of key payload_key(S, index); byte N of a sequence is byte
// N % 8 (little-endian) of the (N / 8)-th SplitMix64 output for that key. Any
// range can be produced or checked on its own, so a stream is verified at
// whatever offset its bytes arrive, and client and server need only the key.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace fnat::traffic {

// The SplitMix64 finalizer (Steele, Lea, Flood 2014).
std::uint64_t mix64(std::uint64_t value);

// The key of exchange `index` (0-based) of a run with `seed`.
std::uint64_t payload_key(std::uint64_t seed, std::uint64_t index);

class Payload {
public:
    explicit Payload(std::uint64_t key) : key_(key) {}

    std::uint64_t key() const { return key_; }

    // Writes the sequence's bytes [offset, offset + out.size()) to out.
    void fill(std::uint64_t offset, std::span<std::uint8_t> out) const;

    // The sequence offset of the first byte of data, which claims to be the
    // bytes [offset, offset + data.size()), that differs; nullopt when all match.
    std::optional<std::uint64_t> first_mismatch(std::uint64_t offset,
                                                std::span<const std::uint8_t> data) const;

private:
    std::uint64_t block(std::uint64_t number) const;

    std::uint64_t key_;
};

} // namespace fnat::traffic

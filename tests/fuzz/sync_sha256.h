// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), what the sync fuzzer
// needs to make messages a keyed backup takes as authentic
// (include/uapi/fnat.h: the MAC of a sync message). Small and slow enough
// for tests; not for anything secret.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace fnat::fuzz::sync {

using Digest = std::array<std::uint8_t, 32>;

Digest sha256(std::span<const std::uint8_t> data);
Digest hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);

} // namespace fnat::fuzz::sync

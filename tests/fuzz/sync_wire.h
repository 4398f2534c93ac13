// The session sync wire format (include/uapi/fnat.h, "Session sync wire
// format, version 1") as the sync fuzzer writes and reads it: headers,
// records and attributes with every field settable, and the MAC.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <uapi/fnat.h>

namespace fnat::fuzz::sync {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::size_t kHeaderSize = sizeof(fnat_sync_hdr); // 32
inline constexpr std::size_t kMacSize = FNAT_SYNC_MAC_LEN;
inline constexpr std::size_t kRecordHeader = sizeof(fnat_sync_rec);
inline constexpr std::size_t kAttrHeader = sizeof(fnat_sync_attr);

struct Header {
    std::uint8_t version = FNAT_SYNC_VERSION;
    std::uint8_t flags = 0;
    std::uint16_t length = 0;
    std::uint8_t syncid = 0;
    std::uint8_t mac_len = 0;
    std::uint16_t count = 0;
    std::uint32_t sender = 0;
    std::uint32_t reserved = 0;
    std::uint64_t seq = 0;
    std::uint64_t time_ms = 0;
};

// The header at the start of a message of at least kHeaderSize bytes.
Header read_header(std::span<const std::uint8_t> message);
void write_header(std::span<std::uint8_t> message, const Header& header);

// An attribute: type, length (default: header and value), the value padded
// with zeroes to 4 bytes.
Bytes attribute(std::uint16_t type, std::span<const std::uint8_t> value,
                std::optional<std::uint16_t> length = std::nullopt);
Bytes attribute_u8(std::uint16_t type, std::uint8_t value);
Bytes attribute_be16(std::uint16_t type, std::uint16_t value);
Bytes attribute_be32(std::uint16_t type, std::uint32_t value);

// A record: type, flags, length (default: its size), then attrs.
Bytes record(std::uint8_t type, std::span<const std::uint8_t> attrs, std::uint8_t flags = 0,
             std::optional<std::uint16_t> length = std::nullopt);

// A whole message: header (length, mac_len and, unless count_given,
// count filled in), body, and with a key its HMAC-SHA256. count_records:
// the number of records body holds.
Bytes seal(Header header, std::span<const std::uint8_t> body, std::uint16_t count_records,
           const std::optional<Bytes>& key);

// The MAC a message of length bytes (MAC included) must end with.
Bytes mac_of(std::span<const std::uint8_t> message_without_mac, std::span<const std::uint8_t> key);

// Whether the records of a message's body fill it exactly and number
// count, as fnat_sync_msg_walk() checks before any record is looked at.
bool records_add_up(std::span<const std::uint8_t> body, std::uint16_t count);
// The type of the body's first record, if it has one.
std::optional<std::uint8_t> first_record_type(std::span<const std::uint8_t> message);

} // namespace fnat::fuzz::sync

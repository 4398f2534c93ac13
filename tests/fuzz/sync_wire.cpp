#include "fuzz/sync_wire.h"

#include "fuzz/sync_sha256.h"

namespace fnat::fuzz::sync {
namespace {

std::uint64_t get_be(std::span<const std::uint8_t> in, std::size_t at, std::size_t bytes) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < bytes; ++i)
        v = v << 8 | in[at + i];
    return v;
}

void put_be(std::span<std::uint8_t> out, std::size_t at, std::uint64_t v, std::size_t bytes) {
    for (std::size_t i = 0; i < bytes; ++i)
        out[at + i] = static_cast<std::uint8_t>(v >> (8 * (bytes - 1 - i)));
}

} // namespace

Header read_header(std::span<const std::uint8_t> m) {
    Header h;
    h.version = m[0];
    h.flags = m[1];
    h.length = static_cast<std::uint16_t>(get_be(m, 2, 2));
    h.syncid = m[4];
    h.mac_len = m[5];
    h.count = static_cast<std::uint16_t>(get_be(m, 6, 2));
    h.sender = static_cast<std::uint32_t>(get_be(m, 8, 4));
    h.reserved = static_cast<std::uint32_t>(get_be(m, 12, 4));
    h.seq = get_be(m, 16, 8);
    h.time_ms = get_be(m, 24, 8);
    return h;
}

void write_header(std::span<std::uint8_t> m, const Header& h) {
    m[0] = h.version;
    m[1] = h.flags;
    put_be(m, 2, h.length, 2);
    m[4] = h.syncid;
    m[5] = h.mac_len;
    put_be(m, 6, h.count, 2);
    put_be(m, 8, h.sender, 4);
    put_be(m, 12, h.reserved, 4);
    put_be(m, 16, h.seq, 8);
    put_be(m, 24, h.time_ms, 8);
}

Bytes attribute(std::uint16_t type, std::span<const std::uint8_t> value,
                std::optional<std::uint16_t> length) {
    Bytes out(kAttrHeader);
    put_be(out, 0, type, 2);
    put_be(out, 2, length.value_or(static_cast<std::uint16_t>(kAttrHeader + value.size())), 2);
    out.insert(out.end(), value.begin(), value.end());
    while (out.size() % 4)
        out.push_back(0);
    return out;
}

Bytes attribute_u8(std::uint16_t type, std::uint8_t value) {
    return attribute(type, Bytes{value});
}

Bytes attribute_be16(std::uint16_t type, std::uint16_t value) {
    Bytes v(2);
    put_be(v, 0, value, 2);
    return attribute(type, v);
}

Bytes attribute_be32(std::uint16_t type, std::uint32_t value) {
    Bytes v(4);
    put_be(v, 0, value, 4);
    return attribute(type, v);
}

Bytes record(std::uint8_t type, std::span<const std::uint8_t> attrs, std::uint8_t flags,
             std::optional<std::uint16_t> length) {
    Bytes out(kRecordHeader);
    out[0] = type;
    out[1] = flags;
    out.insert(out.end(), attrs.begin(), attrs.end());
    put_be(out, 2, length.value_or(static_cast<std::uint16_t>(out.size())), 2);
    return out;
}

Bytes mac_of(std::span<const std::uint8_t> message, std::span<const std::uint8_t> key) {
    Digest d = hmac_sha256(key, message);
    return Bytes(d.begin(), d.end());
}

Bytes seal(Header header, std::span<const std::uint8_t> body, std::uint16_t count_records,
           const std::optional<Bytes>& key) {
    Bytes out(kHeaderSize);
    out.insert(out.end(), body.begin(), body.end());
    header.mac_len = key ? static_cast<std::uint8_t>(kMacSize) : 0;
    header.length = static_cast<std::uint16_t>(out.size() + header.mac_len);
    header.count = count_records;
    write_header(out, header);
    if (key) {
        Bytes mac = mac_of(out, *key);
        out.insert(out.end(), mac.begin(), mac.end());
    }
    return out;
}

bool records_add_up(std::span<const std::uint8_t> body, std::uint16_t count) {
    std::size_t off = 0;
    std::size_t n = 0;
    while (off < body.size()) {
        if (body.size() - off < kRecordHeader)
            return false;
        std::size_t length = get_be(body, off + 2, 2);
        if (length < kRecordHeader || length % 4 || length > body.size() - off)
            return false;
        off += length;
        ++n;
    }
    return n == count;
}

std::optional<std::uint8_t> first_record_type(std::span<const std::uint8_t> message) {
    if (message.size() < kHeaderSize + kRecordHeader)
        return std::nullopt;
    return message[kHeaderSize];
}

} // namespace fnat::fuzz::sync

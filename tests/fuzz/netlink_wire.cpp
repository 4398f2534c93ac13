#include "fuzz/netlink_wire.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace fnat::fuzz {

namespace {

Attr leaf(std::uint16_t type, const void* data, std::size_t length) {
    Attr attr;
    attr.type = type;
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    attr.payload.assign(bytes, bytes + length);
    return attr;
}

} // namespace

Attr attr_u8(std::uint16_t type, std::uint8_t value) {
    return leaf(type, &value, sizeof(value));
}

Attr attr_u16(std::uint16_t type, std::uint16_t value) {
    return leaf(type, &value, sizeof(value));
}

Attr attr_be16(std::uint16_t type, std::uint16_t host_value) {
    const std::uint8_t be[2] = {static_cast<std::uint8_t>(host_value >> 8),
                                static_cast<std::uint8_t>(host_value & 0xff)};
    return leaf(type, be, sizeof(be));
}

Attr attr_u32(std::uint16_t type, std::uint32_t value) {
    return leaf(type, &value, sizeof(value));
}

Attr attr_u64(std::uint16_t type, std::uint64_t value) {
    return leaf(type, &value, sizeof(value));
}

Attr attr_bytes(std::uint16_t type, Bytes payload) {
    Attr attr;
    attr.type = type;
    attr.payload = std::move(payload);
    return attr;
}

Attr attr_addr(std::uint16_t type, const Addr16& address) {
    return leaf(type, address.data(), address.size());
}

Attr attr_str(std::uint16_t type, std::string_view text, bool with_nul) {
    Attr attr = leaf(type, text.data(), text.size());
    if (with_nul)
        attr.payload.push_back(0);
    return attr;
}

Attr attr_nest(std::uint16_t type, std::vector<Attr> children) {
    Attr attr;
    attr.type = static_cast<std::uint16_t>(type | kNlaFNested);
    attr.nest = true;
    attr.children = std::move(children);
    return attr;
}

void encode_attr(const Attr& attr, Bytes& out) {
    const std::size_t start = out.size();
    out.resize(start + kNlaHdrLen);
    if (attr.nest) {
        for (const Attr& child : attr.children)
            encode_attr(child, out);
    } else {
        out.insert(out.end(), attr.payload.begin(), attr.payload.end());
    }
    const std::size_t length = out.size() - start;
    const auto nla_len =
        attr.length_override ? *attr.length_override : static_cast<std::uint16_t>(length);
    std::memcpy(&out[start], &nla_len, sizeof(nla_len));
    std::memcpy(&out[start + 2], &attr.type, sizeof(attr.type));
    out.resize(start + align4(length), 0);
}

Bytes encode_message(const Message& message, std::uint16_t family, std::uint32_t seq) {
    Bytes out(kNlmsgHdrLen + kGenlHdrLen, 0);
    std::memcpy(&out[4], &family, sizeof(family));
    std::memcpy(&out[6], &message.flags, sizeof(message.flags));
    std::memcpy(&out[8], &seq, sizeof(seq));
    out[16] = message.command;
    out[17] = message.version;
    std::memcpy(&out[18], &message.reserved, sizeof(message.reserved));
    for (const Attr& attr : message.attrs)
        encode_attr(attr, out);
    out.insert(out.end(), message.tail.begin(), message.tail.end());
    if (message.truncate_to && *message.truncate_to < out.size())
        out.resize(std::max(*message.truncate_to, kNlmsgHdrLen));
    put_u32(out.data(), static_cast<std::uint32_t>(out.size()));
    return out;
}

std::uint16_t get_u16(const std::uint8_t* p) {
    std::uint16_t v;
    std::memcpy(&v, p, sizeof(v));
    return v;
}

std::uint32_t get_u32(const std::uint8_t* p) {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof(v));
    return v;
}

std::uint16_t get_be16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

void put_u32(std::uint8_t* p, std::uint32_t value) {
    std::memcpy(p, &value, sizeof(value));
}

std::vector<AttrView> walk_attrs(const std::uint8_t* data, std::size_t length, long* leftover) {
    std::vector<AttrView> attrs;
    long rem = static_cast<long>(length);
    std::size_t offset = 0;
    while (rem >= static_cast<long>(kNlaHdrLen)) {
        const std::uint8_t* p = data + offset;
        const std::uint16_t nla_len = get_u16(p);
        if (nla_len < kNlaHdrLen || nla_len > rem)
            break;
        attrs.push_back({get_u16(p + 2), p + kNlaHdrLen, nla_len - kNlaHdrLen});
        rem -= static_cast<long>(align4(nla_len));
        offset += align4(nla_len);
    }
    if (leftover != nullptr)
        *leftover = rem;
    return attrs;
}

std::string hex(const Bytes& bytes) {
    std::string out;
    char buf[4];
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::snprintf(buf, sizeof(buf), "%02x", bytes[i]);
        if (i != 0)
            out += (i % 4 == 0) ? "  " : " ";
        out += buf;
    }
    return out;
}

} // namespace fnat::fuzz

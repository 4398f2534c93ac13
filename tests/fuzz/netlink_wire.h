// FNAT requests as the netlink fuzzer builds them: a tree of attributes that
// may be anything (wrong types, lengths and flags, garbage inside nests, an
// nla_len that lies), encoded into the bytes of one netlink message. Also
// the byte-level helpers the oracle and the reply checks read messages with.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fnat::fuzz {

using Bytes = std::vector<std::uint8_t>;
using Addr16 = std::array<std::uint8_t, 16>;

inline constexpr std::size_t kNlmsgHdrLen = 16; // struct nlmsghdr
inline constexpr std::size_t kGenlHdrLen = 4;   // struct genlmsghdr
inline constexpr std::size_t kNlaHdrLen = 4;    // struct nlattr
inline constexpr std::uint16_t kNlaFNested = 0x8000;
inline constexpr std::uint16_t kNlaFNetByteorder = 0x4000;
inline constexpr std::uint16_t kNlaTypeMask = 0x3fff;

constexpr std::size_t align4(std::size_t n) {
    return (n + 3) & ~std::size_t{3};
}

// One attribute: a leaf with a payload, or a nest whose payload is its
// children, encoded in order. type is sent as it is, flag bits included
// (helpers set NLA_F_NESTED on nests, as libmnl does). length_override,
// when set, is written as nla_len whatever the payload is.
struct Attr {
    std::uint16_t type = 0;
    bool nest = false;
    Bytes payload;
    std::vector<Attr> children;
    std::optional<std::uint16_t> length_override;

    std::uint16_t kind() const { return static_cast<std::uint16_t>(type & kNlaTypeMask); }
};

Attr attr_u8(std::uint16_t type, std::uint8_t value);
Attr attr_u16(std::uint16_t type, std::uint16_t value);
Attr attr_be16(std::uint16_t type, std::uint16_t host_value);
Attr attr_u32(std::uint16_t type, std::uint32_t value);
Attr attr_u64(std::uint16_t type, std::uint64_t value);
Attr attr_bytes(std::uint16_t type, Bytes payload);
Attr attr_addr(std::uint16_t type, const Addr16& address);
// A string with its terminating NUL (with_nul) or without.
Attr attr_str(std::uint16_t type, std::string_view text, bool with_nul = true);
Attr attr_nest(std::uint16_t type, std::vector<Attr> children);

// One request. flags go to nlmsg_flags; the message is cut to truncate_to
// bytes when set (nlmsg_len always equals the bytes sent); tail is appended
// after the attributes, unaligned.
struct Message {
    std::uint16_t flags = 0;
    std::uint8_t command = 0;
    std::uint8_t version = 1;
    std::uint16_t reserved = 0;
    std::vector<Attr> attrs;
    Bytes tail;
    std::optional<std::size_t> truncate_to;
};

// The attribute with its header and padding to 4 bytes.
void encode_attr(const Attr& attr, Bytes& out);
// nlmsghdr (type family, sequence seq, port id 0), genlmsghdr, attributes.
Bytes encode_message(const Message& message, std::uint16_t family, std::uint32_t seq);

// Little-endian host reads of unaligned payload bytes.
std::uint16_t get_u16(const std::uint8_t* p);
std::uint32_t get_u32(const std::uint8_t* p);
std::uint16_t get_be16(const std::uint8_t* p);
void put_u32(std::uint8_t* p, std::uint32_t value);

// A view of one attribute inside a byte buffer.
struct AttrView {
    std::uint16_t raw_type = 0; // with flag bits
    const std::uint8_t* data = nullptr;
    std::size_t length = 0; // payload bytes (nla_len - 4)

    std::uint16_t type() const { return static_cast<std::uint16_t>(raw_type & kNlaTypeMask); }
    bool nested_flag() const { return (raw_type & kNlaFNested) != 0; }
};

// The attributes of a stream as the kernel walks them (nla_for_each_attr):
// stops at the first one whose nla_len is short or overruns; *leftover gets
// the bytes after the walk (the kernel's "rem"), negative when the last
// attribute's padding ran past the end.
std::vector<AttrView> walk_attrs(const std::uint8_t* data, std::size_t length,
                                 long* leftover = nullptr);

// "0a 00 00 01 ..." for failure reports.
std::string hex(const Bytes& bytes);

} // namespace fnat::fuzz

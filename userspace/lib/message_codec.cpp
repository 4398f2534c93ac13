#include "lib/message_codec.h"

#include <arpa/inet.h>
#include <array>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "lib/netlink_error.h"

namespace fnat {
namespace {

// Large enough for the biggest request (service + dest nests, ~200 bytes).
constexpr std::size_t kRequestBufferSize = 1024;

std::size_t align4(std::size_t length) {
    return (length + 3) & ~std::size_t{3};
}

class MessageWriter {
public:
    MessageWriter() : buffer_(kRequestBufferSize, 0) {
        header_ = mnl_nlmsg_put_header(buffer_.data());
    }

    nlmsghdr* header() { return header_; }

    void put_genl_header(std::uint8_t command, std::uint8_t version) {
        auto* genl =
            static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(header_, sizeof(genlmsghdr)));
        genl->cmd = command;
        genl->version = version;
    }

    nlattr* begin_nest(std::uint16_t type) {
        nlattr* nest = mnl_attr_nest_start_check(header_, buffer_.size(), type);
        if (nest == nullptr)
            overflow();
        return nest;
    }
    void end_nest(nlattr* nest) { mnl_attr_nest_end(header_, nest); }

    void put_u8(std::uint16_t type, std::uint8_t value) {
        check(mnl_attr_put_u8_check(header_, buffer_.size(), type, value));
    }
    void put_u16(std::uint16_t type, std::uint16_t value) {
        check(mnl_attr_put_u16_check(header_, buffer_.size(), type, value));
    }
    void put_be16(std::uint16_t type, std::uint16_t value) { put_u16(type, htons(value)); }
    void put_u32(std::uint16_t type, std::uint32_t value) {
        check(mnl_attr_put_u32_check(header_, buffer_.size(), type, value));
    }
    void put_strz(std::uint16_t type, const std::string& value) {
        check(mnl_attr_put_strz_check(header_, buffer_.size(), type, value.c_str()));
    }
    void put_address(std::uint16_t type, const Address& address) {
        put_binary(type, address.bytes.data(), address.bytes.size());
    }
    void put_binary(std::uint16_t type, const void* data, std::size_t length) {
        check(mnl_attr_put_check(header_, buffer_.size(), type, length, data));
    }

    std::vector<std::uint8_t> finish() && {
        buffer_.resize(header_->nlmsg_len);
        return std::move(buffer_);
    }

private:
    static void check(bool ok) {
        if (!ok)
            overflow();
    }
    [[noreturn]] static void overflow() {
        throw std::length_error("netlink request does not fit its buffer");
    }

    std::vector<std::uint8_t> buffer_;
    nlmsghdr* header_;
};

void put_service(MessageWriter& writer, const ServiceSpec& spec) {
    nlattr* nest = writer.begin_nest(FNAT_A_SERVICE);
    writer.put_u16(FNAT_SVC_A_FAMILY, spec.key.address.family);
    writer.put_u8(FNAT_SVC_A_PROTOCOL, spec.key.protocol);
    writer.put_address(FNAT_SVC_A_ADDR, spec.key.address);
    writer.put_be16(FNAT_SVC_A_PORT, spec.key.port);
    if (spec.scheduler)
        writer.put_strz(FNAT_SVC_A_SCHED_NAME, *spec.scheduler);
    if (spec.flags)
        writer.put_u32(FNAT_SVC_A_FLAGS, *spec.flags);
    if (spec.timeout)
        writer.put_u32(FNAT_SVC_A_TIMEOUT, *spec.timeout);
    if (spec.netmask)
        writer.put_u8(FNAT_SVC_A_NETMASK, *spec.netmask);
    writer.end_nest(nest);
}

void put_dest(MessageWriter& writer, const DestSpec& spec) {
    nlattr* nest = writer.begin_nest(FNAT_A_DEST);
    writer.put_u16(FNAT_DEST_A_FAMILY, spec.key.address.family);
    writer.put_address(FNAT_DEST_A_ADDR, spec.key.address);
    writer.put_be16(FNAT_DEST_A_PORT, spec.key.port);
    if (spec.forward)
        writer.put_u8(FNAT_DEST_A_FWD_METHOD, static_cast<std::uint8_t>(*spec.forward));
    if (spec.weight)
        writer.put_u32(FNAT_DEST_A_WEIGHT, *spec.weight);
    if (spec.u_threshold)
        writer.put_u32(FNAT_DEST_A_U_THRESH, *spec.u_threshold);
    if (spec.l_threshold)
        writer.put_u32(FNAT_DEST_A_L_THRESH, *spec.l_threshold);
    writer.end_nest(nest);
}

void put_timeout(MessageWriter& writer, const TimeoutSpec& spec) {
    nlattr* nest = writer.begin_nest(FNAT_A_TIMEOUT);
    if (spec.tcp)
        writer.put_u32(FNAT_TIMEOUT_A_TCP, *spec.tcp);
    if (spec.tcp_fin)
        writer.put_u32(FNAT_TIMEOUT_A_TCP_FIN, *spec.tcp_fin);
    if (spec.udp)
        writer.put_u32(FNAT_TIMEOUT_A_UDP, *spec.udp);
    writer.end_nest(nest);
}

void put_laddr(MessageWriter& writer, const Address& laddr) {
    nlattr* nest = writer.begin_nest(FNAT_A_LADDR);
    writer.put_u16(FNAT_LADDR_A_FAMILY, laddr.family);
    writer.put_address(FNAT_LADDR_A_ADDR, laddr);
    writer.end_nest(nest);
}

void put_daemon(MessageWriter& writer, const DaemonSpec& spec) {
    nlattr* nest = writer.begin_nest(FNAT_A_DAEMON);
    writer.put_u32(FNAT_DAEMON_A_STATE, spec.state);
    if (spec.mcast_ifn)
        writer.put_strz(FNAT_DAEMON_A_MCAST_IFN, *spec.mcast_ifn);
    if (spec.sync_id)
        writer.put_u8(FNAT_DAEMON_A_SYNC_ID, *spec.sync_id);
    if (spec.sync_maxlen)
        writer.put_u16(FNAT_DAEMON_A_SYNC_MAXLEN, *spec.sync_maxlen);
    if (spec.mcast_group) {
        writer.put_u16(FNAT_DAEMON_A_MCAST_FAMILY, spec.mcast_group->family);
        writer.put_address(FNAT_DAEMON_A_MCAST_GROUP, *spec.mcast_group);
    }
    if (spec.mcast_port)
        writer.put_be16(FNAT_DAEMON_A_MCAST_PORT, *spec.mcast_port);
    if (spec.mcast_ttl)
        writer.put_u8(FNAT_DAEMON_A_MCAST_TTL, *spec.mcast_ttl);
    if (spec.key)
        writer.put_binary(FNAT_DAEMON_A_KEY, spec.key->data(), spec.key->size());
    writer.end_nest(nest);
}

// --- decoding -------------------------------------------------------------

// Binary: any length (a key, never read back); Pad: any length, ignored.
enum class Kind { U8, U16, U32, U64, Be16, Address, NulString, Nested, Binary, Pad };

struct AttrRule {
    Kind kind;
    const char* name;
};

// Calls visit(attr) for each attribute in [data, data + length); throws on a
// truncated or malformed attribute.
template <typename Visit>
void for_each_attribute(const void* data, std::size_t length, Visit&& visit) {
    const auto* cursor = static_cast<const std::uint8_t*>(data);
    std::size_t remaining = length;
    while (remaining > 0) {
        if (remaining < sizeof(nlattr))
            throw DecodeError("truncated attribute header");
        const auto* attr = reinterpret_cast<const nlattr*>(cursor);
        if (attr->nla_len < sizeof(nlattr) || attr->nla_len > remaining)
            throw DecodeError("attribute length " + std::to_string(attr->nla_len) +
                              " is out of bounds");
        visit(attr);
        std::size_t step = align4(attr->nla_len);
        if (step >= remaining)
            break;
        cursor += step;
        remaining -= step;
    }
}

bool length_ok(const nlattr* attr, Kind kind) {
    std::uint16_t length = mnl_attr_get_payload_len(attr);
    switch (kind) {
    case Kind::U8:
        return length == 1;
    case Kind::U16:
    case Kind::Be16:
        return length == 2;
    case Kind::U32:
        return length == 4;
    case Kind::U64:
        return length == 8;
    case Kind::Address:
        return length == kAddressBytes;
    case Kind::NulString:
        return length >= 1 &&
               static_cast<const char*>(mnl_attr_get_payload(attr))[length - 1] == '\0';
    case Kind::Nested:
    case Kind::Binary:
    case Kind::Pad:
        return true;
    }
    return false;
}

// Indexes the attributes of a nest (or a message payload) by type, checking
// the length of every known one.
template <std::size_t N>
std::array<const nlattr*, N> collect(const void* data, std::size_t length,
                                     const std::array<AttrRule, N>& rules) {
    std::array<const nlattr*, N> table{};
    for_each_attribute(data, length, [&](const nlattr* attr) {
        std::uint16_t type = mnl_attr_get_type(attr);
        // Unknown to this version (beyond the header it was built with, or
        // in it without a rule yet): skip, so a newer module never breaks it.
        if (type == 0 || type >= N || rules[type].name == nullptr)
            return;
        if (!length_ok(attr, rules[type].kind))
            throw DecodeError(std::string(rules[type].name) + " has a bad length (" +
                              std::to_string(mnl_attr_get_payload_len(attr)) + " bytes)");
        table[type] = attr;
    });
    return table;
}

template <std::size_t N>
std::array<const nlattr*, N> collect_nested(const nlattr* nest,
                                            const std::array<AttrRule, N>& rules) {
    return collect(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), rules);
}

template <std::size_t N>
const nlattr* require(const std::array<const nlattr*, N>& table,
                      const std::array<AttrRule, N>& rules, std::size_t type) {
    if (table[type] == nullptr)
        throw DecodeError(std::string("missing ") + rules[type].name);
    return table[type];
}

std::uint16_t get_be16(const nlattr* attr) {
    return ntohs(mnl_attr_get_u16(attr));
}

Address get_address(std::uint16_t family, const nlattr* attr) {
    if (family != AF_INET && family != AF_INET6)
        throw DecodeError("unknown address family " + std::to_string(family));
    Address address;
    address.family = family;
    std::memcpy(address.bytes.data(), mnl_attr_get_payload(attr), address.bytes.size());
    return address;
}

constexpr std::array<AttrRule, FNAT_SVC_A_MAX + 1> kServiceRules{{
    {Kind::Nested, "FNAT_SVC_A_UNSPEC"},
    {Kind::U16, "FNAT_SVC_A_FAMILY"},
    {Kind::U8, "FNAT_SVC_A_PROTOCOL"},
    {Kind::Address, "FNAT_SVC_A_ADDR"},
    {Kind::Be16, "FNAT_SVC_A_PORT"},
    {Kind::NulString, "FNAT_SVC_A_SCHED_NAME"},
    {Kind::U32, "FNAT_SVC_A_FLAGS"},
    {Kind::U32, "FNAT_SVC_A_TIMEOUT"},
    {Kind::U8, "FNAT_SVC_A_NETMASK"},
    {Kind::U32, "FNAT_SVC_A_NUM_DESTS"},
    {Kind::Nested, "FNAT_SVC_A_STATS"},
}};

constexpr std::array<AttrRule, FNAT_DEST_A_MAX + 1> kDestRules{{
    {Kind::Nested, "FNAT_DEST_A_UNSPEC"},
    {Kind::U16, "FNAT_DEST_A_FAMILY"},
    {Kind::Address, "FNAT_DEST_A_ADDR"},
    {Kind::Be16, "FNAT_DEST_A_PORT"},
    {Kind::U8, "FNAT_DEST_A_FWD_METHOD"},
    {Kind::U32, "FNAT_DEST_A_WEIGHT"},
    {Kind::U32, "FNAT_DEST_A_U_THRESH"},
    {Kind::U32, "FNAT_DEST_A_L_THRESH"},
    {Kind::U32, "FNAT_DEST_A_ACTIVE_CONNS"},
    {Kind::U32, "FNAT_DEST_A_INACT_CONNS"},
    {Kind::U32, "FNAT_DEST_A_PERSIST_CONNS"},
    {Kind::Nested, "FNAT_DEST_A_STATS"},
}};

// PAD only aligns the u64 payloads (nla_put_64bit); its content is ignored.
constexpr std::array<AttrRule, FNAT_STATS_A_MAX + 1> kStatsRules{{
    {Kind::Nested, "FNAT_STATS_A_UNSPEC"},
    {Kind::Pad, "FNAT_STATS_A_PAD"},
    {Kind::U64, "FNAT_STATS_A_CONNS"},
    {Kind::U64, "FNAT_STATS_A_INPKTS"},
    {Kind::U64, "FNAT_STATS_A_OUTPKTS"},
    {Kind::U64, "FNAT_STATS_A_INBYTES"},
    {Kind::U64, "FNAT_STATS_A_OUTBYTES"},
    {Kind::U64, "FNAT_STATS_A_CPS"},
    {Kind::U64, "FNAT_STATS_A_INPPS"},
    {Kind::U64, "FNAT_STATS_A_OUTPPS"},
    {Kind::U64, "FNAT_STATS_A_INBPS"},
    {Kind::U64, "FNAT_STATS_A_OUTBPS"},
}};

constexpr std::array<AttrRule, FNAT_INFO_A_MAX + 1> kInfoRules{{
    {Kind::Nested, "FNAT_INFO_A_UNSPEC"},
    {Kind::U32, "FNAT_INFO_A_VERSION"},
    {Kind::U32, "FNAT_INFO_A_CONN_TAB_SIZE"},
    {Kind::U32, "FNAT_INFO_A_NUM_SERVICES"},
    {Kind::U32, "FNAT_INFO_A_NUM_CONNS"},
    {Kind::Nested, "FNAT_INFO_A_DROPS"},
    {Kind::Nested, "FNAT_INFO_A_STATS"},
    {Kind::U64, "FNAT_INFO_A_TOA_ADDED"},
    {Kind::U64, "FNAT_INFO_A_TOA_SKIPPED"},
    {Kind::Pad, "FNAT_INFO_A_PAD"},
    {Kind::U64, "FNAT_INFO_A_SYNPROXY_COOKIES"},
    {Kind::U64, "FNAT_INFO_A_SYNPROXY_ACKS"},
    {Kind::U64, "FNAT_INFO_A_SYNPROXY_RS_RESETS"},
}};

// PAD only aligns COUNT (nla_put_64bit); its content is ignored.
constexpr std::array<AttrRule, FNAT_DROP_A_MAX + 1> kDropRules{{
    {Kind::Nested, "FNAT_DROP_A_UNSPEC"},
    {Kind::Pad, "FNAT_DROP_A_PAD"},
    {Kind::NulString, "FNAT_DROP_A_NAME"},
    {Kind::U64, "FNAT_DROP_A_COUNT"},
}};

constexpr std::array<AttrRule, FNAT_CONN_A_MAX + 1> kConnRules{{
    {Kind::Nested, "FNAT_CONN_A_UNSPEC"},
    {Kind::U16, "FNAT_CONN_A_FAMILY"},
    {Kind::U8, "FNAT_CONN_A_PROTOCOL"},
    {Kind::Address, "FNAT_CONN_A_CADDR"},
    {Kind::Be16, "FNAT_CONN_A_CPORT"},
    {Kind::Address, "FNAT_CONN_A_VADDR"},
    {Kind::Be16, "FNAT_CONN_A_VPORT"},
    {Kind::Address, "FNAT_CONN_A_LADDR"},
    {Kind::Be16, "FNAT_CONN_A_LPORT"},
    {Kind::Address, "FNAT_CONN_A_DADDR"},
    {Kind::Be16, "FNAT_CONN_A_DPORT"},
    {Kind::U8, "FNAT_CONN_A_FWD_METHOD"},
    {Kind::NulString, "FNAT_CONN_A_STATE"},
    {Kind::U32, "FNAT_CONN_A_EXPIRES"},
    {Kind::U16, "FNAT_CONN_A_LOCAL_FAMILY"},
    {Kind::U16, "FNAT_CONN_A_DEST_FAMILY"},
}};

// PAD only aligns the u64 payloads (nla_put_64bit); its content is ignored.
constexpr std::array<AttrRule, FNAT_LADDR_A_MAX + 1> kLaddrRules{{
    {Kind::Nested, "FNAT_LADDR_A_UNSPEC"},
    {Kind::Pad, "FNAT_LADDR_A_PAD"},
    {Kind::U16, "FNAT_LADDR_A_FAMILY"},
    {Kind::Address, "FNAT_LADDR_A_ADDR"},
    {Kind::U32, "FNAT_LADDR_A_CONNS"},
    {Kind::U64, "FNAT_LADDR_A_CONFLICTS"},
    {Kind::U64, "FNAT_LADDR_A_EXHAUSTED"},
}};

constexpr std::array<AttrRule, FNAT_TIMEOUT_A_MAX + 1> kTimeoutRules{{
    {Kind::Nested, "FNAT_TIMEOUT_A_UNSPEC"},
    {Kind::U32, "FNAT_TIMEOUT_A_TCP"},
    {Kind::U32, "FNAT_TIMEOUT_A_TCP_FIN"},
    {Kind::U32, "FNAT_TIMEOUT_A_UDP"},
}};

constexpr std::array<AttrRule, FNAT_A_MAX + 1> kTopRules{{
    {Kind::Nested, "FNAT_A_UNSPEC"},
    {Kind::Nested, "FNAT_A_SERVICE"},
    {Kind::Nested, "FNAT_A_DEST"},
    {Kind::Nested, "FNAT_A_INFO"},
    {Kind::Nested, "FNAT_A_TIMEOUT"},
    {Kind::Nested, "FNAT_A_CONN"},
    {Kind::Nested, "FNAT_A_LADDR"},
    {Kind::Nested, "FNAT_A_DAEMON"},
}};

// PAD only aligns the u64 payloads (nla_put_64bit); its content is ignored.
// KEY is in requests only (decode_reply() reads requests in tests).
constexpr std::array<AttrRule, FNAT_DAEMON_A_MAX + 1> kDaemonRules{{
    {Kind::Nested, "FNAT_DAEMON_A_UNSPEC"},
    {Kind::Pad, "FNAT_DAEMON_A_PAD"},
    {Kind::U32, "FNAT_DAEMON_A_STATE"},
    {Kind::NulString, "FNAT_DAEMON_A_MCAST_IFN"},
    {Kind::U8, "FNAT_DAEMON_A_SYNC_ID"},
    {Kind::U16, "FNAT_DAEMON_A_SYNC_MAXLEN"},
    {Kind::U16, "FNAT_DAEMON_A_MCAST_FAMILY"},
    {Kind::Address, "FNAT_DAEMON_A_MCAST_GROUP"},
    {Kind::Be16, "FNAT_DAEMON_A_MCAST_PORT"},
    {Kind::U8, "FNAT_DAEMON_A_MCAST_TTL"},
    {Kind::Binary, "FNAT_DAEMON_A_KEY"},
    {Kind::U8, "FNAT_DAEMON_A_AUTH"},
    {Kind::U32, "FNAT_DAEMON_A_SENDER"},
    {Kind::U64, "FNAT_DAEMON_A_UP_MS"},
    {Kind::Nested, "FNAT_DAEMON_A_COUNTERS"},
    {Kind::Nested, "FNAT_DAEMON_A_PEERS"},
    {Kind::Nested, "FNAT_DAEMON_A_PEER"},
}};

// PAD only aligns the u64 payloads (nla_put_64bit); its content is ignored.
constexpr std::array<AttrRule, FNAT_PEER_A_MAX + 1> kPeerRules{{
    {Kind::Nested, "FNAT_PEER_A_UNSPEC"},
    {Kind::Pad, "FNAT_PEER_A_PAD"},
    {Kind::U16, "FNAT_PEER_A_FAMILY"},
    {Kind::Address, "FNAT_PEER_A_ADDR"},
    {Kind::U32, "FNAT_PEER_A_SENDER"},
    {Kind::U8, "FNAT_PEER_A_SYNC_ID"},
    {Kind::U64, "FNAT_PEER_A_MESSAGES"},
    {Kind::U64, "FNAT_PEER_A_LAST_MS"},
}};

// A STATS nest is optional in a reply (modules before it send none), but when
// present it must carry all ten counters.
Stats decode_stats(const nlattr* nest) {
    auto table = collect_nested(nest, kStatsRules);
    auto get = [&](std::size_t type) {
        return mnl_attr_get_u64(require(table, kStatsRules, type));
    };
    Stats stats;
    stats.conns = get(FNAT_STATS_A_CONNS);
    stats.inpkts = get(FNAT_STATS_A_INPKTS);
    stats.outpkts = get(FNAT_STATS_A_OUTPKTS);
    stats.inbytes = get(FNAT_STATS_A_INBYTES);
    stats.outbytes = get(FNAT_STATS_A_OUTBYTES);
    stats.cps = get(FNAT_STATS_A_CPS);
    stats.inpps = get(FNAT_STATS_A_INPPS);
    stats.outpps = get(FNAT_STATS_A_OUTPPS);
    stats.inbps = get(FNAT_STATS_A_INBPS);
    stats.outbps = get(FNAT_STATS_A_OUTBPS);
    return stats;
}

Service decode_service(const nlattr* nest) {
    auto table = collect_nested(nest, kServiceRules);
    Service service;
    std::uint16_t family = mnl_attr_get_u16(require(table, kServiceRules, FNAT_SVC_A_FAMILY));
    service.key.protocol = mnl_attr_get_u8(require(table, kServiceRules, FNAT_SVC_A_PROTOCOL));
    service.key.address = get_address(family, require(table, kServiceRules, FNAT_SVC_A_ADDR));
    service.key.port = get_be16(require(table, kServiceRules, FNAT_SVC_A_PORT));
    service.netmask = service.key.address.max_prefix();
    if (auto* attr = table[FNAT_SVC_A_SCHED_NAME])
        service.scheduler = mnl_attr_get_str(attr);
    if (auto* attr = table[FNAT_SVC_A_FLAGS])
        service.flags = mnl_attr_get_u32(attr);
    if (auto* attr = table[FNAT_SVC_A_TIMEOUT])
        service.timeout = mnl_attr_get_u32(attr);
    if (auto* attr = table[FNAT_SVC_A_NETMASK])
        service.netmask = mnl_attr_get_u8(attr);
    if (auto* attr = table[FNAT_SVC_A_NUM_DESTS])
        service.num_dests = mnl_attr_get_u32(attr);
    if (auto* attr = table[FNAT_SVC_A_STATS])
        service.stats = decode_stats(attr);
    return service;
}

Dest decode_dest(const nlattr* nest) {
    auto table = collect_nested(nest, kDestRules);
    Dest dest;
    std::uint16_t family = mnl_attr_get_u16(require(table, kDestRules, FNAT_DEST_A_FAMILY));
    dest.key.address = get_address(family, require(table, kDestRules, FNAT_DEST_A_ADDR));
    dest.key.port = get_be16(require(table, kDestRules, FNAT_DEST_A_PORT));
    auto u32_or_zero = [&](std::size_t type) -> std::uint32_t {
        return table[type] != nullptr ? mnl_attr_get_u32(table[type]) : 0;
    };
    if (auto* attr = table[FNAT_DEST_A_FWD_METHOD])
        dest.forward = static_cast<ForwardMethod>(mnl_attr_get_u8(attr));
    dest.weight = u32_or_zero(FNAT_DEST_A_WEIGHT);
    dest.u_threshold = u32_or_zero(FNAT_DEST_A_U_THRESH);
    dest.l_threshold = u32_or_zero(FNAT_DEST_A_L_THRESH);
    dest.active_conns = u32_or_zero(FNAT_DEST_A_ACTIVE_CONNS);
    dest.inactive_conns = u32_or_zero(FNAT_DEST_A_INACT_CONNS);
    dest.persist_conns = u32_or_zero(FNAT_DEST_A_PERSIST_CONNS);
    if (auto* attr = table[FNAT_DEST_A_STATS])
        dest.stats = decode_stats(attr);
    return dest;
}

// A nest that repeats one entry type (DROPS, COUNTERS, PEERS) is walked
// rather than indexed: decode(entry) for each entry of that type, in order;
// other types inside it (a newer module's) are skipped.
template <typename Decode>
auto decode_entries(const nlattr* nest, std::uint16_t entry_type, Decode&& decode) {
    std::vector<decltype(decode(nest))> entries;
    for_each_attribute(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest),
                       [&](const nlattr* entry) {
                           if (mnl_attr_get_type(entry) == entry_type)
                               entries.push_back(decode(entry));
                       });
    return entries;
}

// FNAT_DROPS_A_ENTRY nests: a drop reason's or a sync counter's name and count.
std::vector<NamedCounter> decode_counters(const nlattr* nest) {
    return decode_entries(nest, FNAT_DROPS_A_ENTRY, [](const nlattr* entry) {
        auto table = collect_nested(entry, kDropRules);
        return NamedCounter{mnl_attr_get_str(require(table, kDropRules, FNAT_DROP_A_NAME)),
                            mnl_attr_get_u64(require(table, kDropRules, FNAT_DROP_A_COUNT))};
    });
}

// A peer needs its address; the rest reads 0 when absent.
SyncPeer decode_peer(const nlattr* nest) {
    auto table = collect_nested(nest, kPeerRules);
    const std::uint16_t family = mnl_attr_get_u16(require(table, kPeerRules, FNAT_PEER_A_FAMILY));
    SyncPeer peer;
    peer.address = get_address(family, require(table, kPeerRules, FNAT_PEER_A_ADDR));
    if (auto* attr = table[FNAT_PEER_A_SENDER])
        peer.sender = mnl_attr_get_u32(attr);
    if (auto* attr = table[FNAT_PEER_A_SYNC_ID])
        peer.sync_id = mnl_attr_get_u8(attr);
    if (auto* attr = table[FNAT_PEER_A_MESSAGES])
        peer.messages = mnl_attr_get_u64(attr);
    if (auto* attr = table[FNAT_PEER_A_LAST_MS])
        peer.last_ms = mnl_attr_get_u64(attr);
    return peer;
}

// STATE and MCAST_IFN are required (the keys of a request); everything else
// reads 0, empty or nullopt when a module leaves it out.
SyncDaemon decode_daemon(const nlattr* nest) {
    auto table = collect_nested(nest, kDaemonRules);
    SyncDaemon daemon;
    daemon.state = mnl_attr_get_u32(require(table, kDaemonRules, FNAT_DAEMON_A_STATE));
    daemon.mcast_ifn = mnl_attr_get_str(require(table, kDaemonRules, FNAT_DAEMON_A_MCAST_IFN));
    if (auto* attr = table[FNAT_DAEMON_A_SYNC_ID])
        daemon.sync_id = mnl_attr_get_u8(attr);
    if (auto* attr = table[FNAT_DAEMON_A_SYNC_MAXLEN])
        daemon.sync_maxlen = mnl_attr_get_u16(attr);
    if (auto* attr = table[FNAT_DAEMON_A_MCAST_GROUP])
        daemon.mcast_group = get_address(
            mnl_attr_get_u16(require(table, kDaemonRules, FNAT_DAEMON_A_MCAST_FAMILY)), attr);
    if (auto* attr = table[FNAT_DAEMON_A_MCAST_PORT])
        daemon.mcast_port = get_be16(attr);
    if (auto* attr = table[FNAT_DAEMON_A_MCAST_TTL])
        daemon.mcast_ttl = mnl_attr_get_u8(attr);
    if (auto* attr = table[FNAT_DAEMON_A_AUTH])
        daemon.auth = mnl_attr_get_u8(attr) != 0;
    if (auto* attr = table[FNAT_DAEMON_A_SENDER])
        daemon.sender = mnl_attr_get_u32(attr);
    if (auto* attr = table[FNAT_DAEMON_A_UP_MS])
        daemon.up_ms = mnl_attr_get_u64(attr);
    if (auto* attr = table[FNAT_DAEMON_A_COUNTERS])
        daemon.counters = decode_counters(attr);
    if (auto* attr = table[FNAT_DAEMON_A_PEERS])
        daemon.peers = decode_entries(attr, FNAT_DAEMON_A_PEER, decode_peer);
    return daemon;
}

// Addresses, ports, state and expiry are required; LADDR/LPORT default to
// the client (what they are for every method but FULLNAT) and FWD_METHOD to
// Unspec, so a module that leaves them out still lists. LADDR and DADDR are
// of FAMILY unless LOCAL_FAMILY and DEST_FAMILY say otherwise (FULLNAT
// 6->4; modules before IPv6 do not send them).
Conn decode_conn(const nlattr* nest) {
    auto table = collect_nested(nest, kConnRules);
    auto get = [&](std::size_t type) { return require(table, kConnRules, type); };
    const std::uint16_t family = mnl_attr_get_u16(get(FNAT_CONN_A_FAMILY));
    auto family_or_main = [&](std::size_t type) {
        return table[type] != nullptr ? mnl_attr_get_u16(table[type]) : family;
    };
    const std::uint16_t local_family = family_or_main(FNAT_CONN_A_LOCAL_FAMILY);
    const std::uint16_t dest_family = family_or_main(FNAT_CONN_A_DEST_FAMILY);
    Conn conn;
    conn.protocol = mnl_attr_get_u8(get(FNAT_CONN_A_PROTOCOL));
    conn.caddr = get_address(family, get(FNAT_CONN_A_CADDR));
    conn.cport = get_be16(get(FNAT_CONN_A_CPORT));
    conn.vaddr = get_address(family, get(FNAT_CONN_A_VADDR));
    conn.vport = get_be16(get(FNAT_CONN_A_VPORT));
    conn.daddr = get_address(dest_family, get(FNAT_CONN_A_DADDR));
    conn.dport = get_be16(get(FNAT_CONN_A_DPORT));
    conn.laddr = conn.caddr;
    conn.lport = conn.cport;
    if (auto* attr = table[FNAT_CONN_A_LADDR])
        conn.laddr = get_address(local_family, attr);
    if (auto* attr = table[FNAT_CONN_A_LPORT])
        conn.lport = get_be16(attr);
    if (auto* attr = table[FNAT_CONN_A_FWD_METHOD])
        conn.forward = static_cast<ForwardMethod>(mnl_attr_get_u8(attr));
    conn.state = mnl_attr_get_str(get(FNAT_CONN_A_STATE));
    conn.expires_ms = mnl_attr_get_u32(get(FNAT_CONN_A_EXPIRES));
    return conn;
}

// The keys are required; the counters, sent in replies only, read 0 when
// absent.
LocalAddress decode_laddr(const nlattr* nest) {
    auto table = collect_nested(nest, kLaddrRules);
    const std::uint16_t family = mnl_attr_get_u16(require(table, kLaddrRules, FNAT_LADDR_A_FAMILY));
    LocalAddress laddr;
    laddr.address = get_address(family, require(table, kLaddrRules, FNAT_LADDR_A_ADDR));
    if (auto* attr = table[FNAT_LADDR_A_CONNS])
        laddr.conns = mnl_attr_get_u32(attr);
    if (auto* attr = table[FNAT_LADDR_A_CONFLICTS])
        laddr.conflicts = mnl_attr_get_u64(attr);
    if (auto* attr = table[FNAT_LADDR_A_EXHAUSTED])
        laddr.exhausted = mnl_attr_get_u64(attr);
    return laddr;
}

Info decode_info(const nlattr* nest) {
    auto table = collect_nested(nest, kInfoRules);
    Info info;
    info.version_code = mnl_attr_get_u32(require(table, kInfoRules, FNAT_INFO_A_VERSION));
    info.conn_tab_size = mnl_attr_get_u32(require(table, kInfoRules, FNAT_INFO_A_CONN_TAB_SIZE));
    if (auto* attr = table[FNAT_INFO_A_NUM_SERVICES])
        info.num_services = mnl_attr_get_u32(attr);
    if (auto* attr = table[FNAT_INFO_A_NUM_CONNS])
        info.num_conns = mnl_attr_get_u32(attr);
    if (auto* attr = table[FNAT_INFO_A_DROPS])
        info.drops = decode_counters(attr);
    if (auto* attr = table[FNAT_INFO_A_TOA_ADDED])
        info.toa_added = mnl_attr_get_u64(attr);
    if (auto* attr = table[FNAT_INFO_A_TOA_SKIPPED])
        info.toa_skipped = mnl_attr_get_u64(attr);
    if (auto* attr = table[FNAT_INFO_A_SYNPROXY_COOKIES])
        info.synproxy_cookies = mnl_attr_get_u64(attr);
    if (auto* attr = table[FNAT_INFO_A_SYNPROXY_ACKS])
        info.synproxy_acks = mnl_attr_get_u64(attr);
    if (auto* attr = table[FNAT_INFO_A_SYNPROXY_RS_RESETS])
        info.synproxy_rs_resets = mnl_attr_get_u64(attr);
    return info;
}

Timeouts decode_timeouts(const nlattr* nest) {
    auto table = collect_nested(nest, kTimeoutRules);
    auto get = [&](std::size_t type) {
        return mnl_attr_get_u32(require(table, kTimeoutRules, type));
    };
    return Timeouts{get(FNAT_TIMEOUT_A_TCP), get(FNAT_TIMEOUT_A_TCP_FIN), get(FNAT_TIMEOUT_A_UDP)};
}

const genlmsghdr* genl_header(const nlmsghdr* message) {
    if (message->nlmsg_len < sizeof(nlmsghdr) + sizeof(genlmsghdr))
        throw DecodeError("message too short for a generic netlink header");
    return static_cast<const genlmsghdr*>(mnl_nlmsg_get_payload(message));
}

// Attributes of a generic-netlink message: after the aligned genlmsghdr.
std::pair<const void*, std::size_t> genl_attributes(const nlmsghdr* message) {
    const std::size_t offset = align4(sizeof(genlmsghdr));
    const std::size_t payload = message->nlmsg_len - align4(sizeof(nlmsghdr));
    if (payload < offset)
        throw DecodeError("message too short for a generic netlink header");
    return {mnl_nlmsg_get_payload_offset(message, offset), payload - offset};
}

} // namespace

std::vector<std::uint8_t> encode_request(const Request& request, std::uint16_t family_id,
                                         std::uint32_t seq) {
    MessageWriter writer;
    nlmsghdr* header = writer.header();
    header->nlmsg_type = family_id;
    header->nlmsg_flags =
        static_cast<std::uint16_t>(NLM_F_REQUEST | (request.dump ? NLM_F_DUMP : NLM_F_ACK));
    header->nlmsg_seq = seq;
    writer.put_genl_header(request.command, FNAT_GENL_VERSION);
    if (request.service)
        put_service(writer, *request.service);
    if (request.dest)
        put_dest(writer, *request.dest);
    if (request.timeout)
        put_timeout(writer, *request.timeout);
    if (request.laddr)
        put_laddr(writer, *request.laddr);
    if (request.daemon)
        put_daemon(writer, *request.daemon);
    return std::move(writer).finish();
}

std::vector<std::uint8_t> encode_get_family(std::string_view name, std::uint32_t seq) {
    MessageWriter writer;
    nlmsghdr* header = writer.header();
    header->nlmsg_type = GENL_ID_CTRL;
    header->nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | NLM_F_ACK);
    header->nlmsg_seq = seq;
    writer.put_genl_header(CTRL_CMD_GETFAMILY, 1);
    writer.put_strz(CTRL_ATTR_FAMILY_NAME, std::string(name));
    return std::move(writer).finish();
}

std::uint16_t decode_family_id(const nlmsghdr* message) {
    genl_header(message);
    auto [data, length] = genl_attributes(message);
    std::optional<std::uint16_t> id;
    for_each_attribute(data, length, [&](const nlattr* attr) {
        if (mnl_attr_get_type(attr) != CTRL_ATTR_FAMILY_ID)
            return;
        if (mnl_attr_get_payload_len(attr) != sizeof(std::uint16_t))
            throw DecodeError("CTRL_ATTR_FAMILY_ID has a bad length");
        id = mnl_attr_get_u16(attr);
    });
    if (!id)
        throw DecodeError("missing CTRL_ATTR_FAMILY_ID");
    return *id;
}

Reply decode_reply(const nlmsghdr* message) {
    Reply reply;
    reply.command = genl_header(message)->cmd;
    auto [data, length] = genl_attributes(message);
    auto table = collect(data, length, kTopRules);
    if (auto* attr = table[FNAT_A_SERVICE])
        reply.service = decode_service(attr);
    if (auto* attr = table[FNAT_A_DEST])
        reply.dest = decode_dest(attr);
    if (auto* attr = table[FNAT_A_INFO])
        reply.info = decode_info(attr);
    if (auto* attr = table[FNAT_A_TIMEOUT])
        reply.timeouts = decode_timeouts(attr);
    if (auto* attr = table[FNAT_A_CONN])
        reply.conn = decode_conn(attr);
    if (auto* attr = table[FNAT_A_LADDR])
        reply.laddr = decode_laddr(attr);
    if (auto* attr = table[FNAT_A_DAEMON])
        reply.daemon = decode_daemon(attr);
    return reply;
}

} // namespace fnat

#include "tests/test_netlink.h"

#include <arpa/inet.h>
#include <cstring>

#include <linux/genetlink.h>
#include <uapi/fnat.h>

namespace fnat::test {

MessageBuilder::MessageBuilder(std::uint16_t type, std::uint16_t flags, std::uint32_t seq,
                               std::uint32_t portid)
    : buffer_(4096, 0) {
    header_ = mnl_nlmsg_put_header(buffer_.data());
    header_->nlmsg_type = type;
    header_->nlmsg_flags = flags;
    header_->nlmsg_seq = seq;
    header_->nlmsg_pid = portid;
}

MessageBuilder& MessageBuilder::genl(std::uint8_t command, std::uint8_t version) {
    auto* genl = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(header_, sizeof(genlmsghdr)));
    genl->cmd = command;
    genl->version = version;
    return *this;
}

nlattr* MessageBuilder::begin_nest(std::uint16_t type) {
    return mnl_attr_nest_start(header_, type);
}

MessageBuilder& MessageBuilder::end_nest(nlattr* nest) {
    mnl_attr_nest_end(header_, nest);
    return *this;
}

MessageBuilder& MessageBuilder::u8(std::uint16_t type, std::uint8_t value) {
    mnl_attr_put_u8(header_, type, value);
    return *this;
}

MessageBuilder& MessageBuilder::u16(std::uint16_t type, std::uint16_t value) {
    mnl_attr_put_u16(header_, type, value);
    return *this;
}

MessageBuilder& MessageBuilder::be16(std::uint16_t type, std::uint16_t value) {
    mnl_attr_put_u16(header_, type, htons(value));
    return *this;
}

MessageBuilder& MessageBuilder::u32(std::uint16_t type, std::uint32_t value) {
    mnl_attr_put_u32(header_, type, value);
    return *this;
}

MessageBuilder& MessageBuilder::u64_64bit(std::uint16_t type, std::uint64_t value,
                                          std::uint16_t pad_type) {
    // Offsets count from the message start, which the kernel keeps 8-byte
    // aligned; so does this buffer (std::vector's allocation).
    if ((header_->nlmsg_len + sizeof(nlattr)) % 8 != 0)
        mnl_attr_put(header_, pad_type, 0, nullptr);
    return u64(type, value);
}

MessageBuilder& MessageBuilder::u64(std::uint16_t type, std::uint64_t value) {
    mnl_attr_put_u64(header_, type, value);
    return *this;
}

MessageBuilder& MessageBuilder::stats(std::uint16_t type, const Stats& stats) {
    nlattr* nest = begin_nest(type);
    const std::uint16_t pad = FNAT_STATS_A_PAD;
    u64_64bit(FNAT_STATS_A_CONNS, stats.conns, pad)
        .u64_64bit(FNAT_STATS_A_INPKTS, stats.inpkts, pad)
        .u64_64bit(FNAT_STATS_A_OUTPKTS, stats.outpkts, pad)
        .u64_64bit(FNAT_STATS_A_INBYTES, stats.inbytes, pad)
        .u64_64bit(FNAT_STATS_A_OUTBYTES, stats.outbytes, pad)
        .u64_64bit(FNAT_STATS_A_CPS, stats.cps, pad)
        .u64_64bit(FNAT_STATS_A_INPPS, stats.inpps, pad)
        .u64_64bit(FNAT_STATS_A_OUTPPS, stats.outpps, pad)
        .u64_64bit(FNAT_STATS_A_INBPS, stats.inbps, pad)
        .u64_64bit(FNAT_STATS_A_OUTBPS, stats.outbps, pad);
    return end_nest(nest);
}

MessageBuilder& MessageBuilder::strz(std::uint16_t type, const std::string& value) {
    mnl_attr_put_strz(header_, type, value.c_str());
    return *this;
}

MessageBuilder& MessageBuilder::raw(std::uint16_t type, const void* data, std::size_t length) {
    mnl_attr_put(header_, type, length, data);
    return *this;
}

MessageBuilder& MessageBuilder::address(std::uint16_t type, const Address& value) {
    return raw(type, value.bytes.data(), value.bytes.size());
}

std::vector<std::uint8_t> MessageBuilder::bytes() const {
    return std::vector<std::uint8_t>(buffer_.begin(), buffer_.begin() + header_->nlmsg_len);
}

std::vector<std::uint8_t> service_reply(std::uint16_t family_id, std::uint32_t seq,
                                        std::uint32_t portid, const Service& service,
                                        std::uint16_t flags) {
    MessageBuilder message(family_id, flags, seq, portid);
    message.genl(FNAT_CMD_GET_SERVICE);
    nlattr* nest = message.begin_nest(FNAT_A_SERVICE);
    message.u16(FNAT_SVC_A_FAMILY, service.key.address.family)
        .u8(FNAT_SVC_A_PROTOCOL, service.key.protocol)
        .address(FNAT_SVC_A_ADDR, service.key.address)
        .be16(FNAT_SVC_A_PORT, service.key.port)
        .strz(FNAT_SVC_A_SCHED_NAME, service.scheduler)
        .u32(FNAT_SVC_A_FLAGS, service.flags)
        .u32(FNAT_SVC_A_TIMEOUT, service.timeout)
        .u8(FNAT_SVC_A_NETMASK, service.netmask)
        .u32(FNAT_SVC_A_NUM_DESTS, service.num_dests)
        .stats(FNAT_SVC_A_STATS, service.stats)
        .end_nest(nest);
    return message.bytes();
}

std::vector<std::uint8_t> dest_reply(std::uint16_t family_id, std::uint32_t seq,
                                     std::uint32_t portid, const Dest& dest, std::uint16_t flags) {
    MessageBuilder message(family_id, flags, seq, portid);
    message.genl(FNAT_CMD_GET_DEST);
    nlattr* nest = message.begin_nest(FNAT_A_DEST);
    message.u16(FNAT_DEST_A_FAMILY, dest.key.address.family)
        .address(FNAT_DEST_A_ADDR, dest.key.address)
        .be16(FNAT_DEST_A_PORT, dest.key.port)
        .u8(FNAT_DEST_A_FWD_METHOD, static_cast<std::uint8_t>(dest.forward))
        .u32(FNAT_DEST_A_WEIGHT, dest.weight)
        .u32(FNAT_DEST_A_U_THRESH, dest.u_threshold)
        .u32(FNAT_DEST_A_L_THRESH, dest.l_threshold)
        .u32(FNAT_DEST_A_ACTIVE_CONNS, dest.active_conns)
        .u32(FNAT_DEST_A_INACT_CONNS, dest.inactive_conns)
        .u32(FNAT_DEST_A_PERSIST_CONNS, dest.persist_conns)
        .stats(FNAT_DEST_A_STATS, dest.stats)
        .end_nest(nest);
    return message.bytes();
}

std::vector<std::uint8_t> daemon_reply(std::uint16_t family_id, std::uint32_t seq,
                                       std::uint32_t portid, const SyncDaemon& daemon,
                                       std::uint16_t flags) {
    MessageBuilder message(family_id, flags, seq, portid);
    message.genl(FNAT_CMD_GET_DAEMON);
    nlattr* nest = message.begin_nest(FNAT_A_DAEMON);
    message.u32(FNAT_DAEMON_A_STATE, daemon.state)
        .strz(FNAT_DAEMON_A_MCAST_IFN, daemon.mcast_ifn)
        .u8(FNAT_DAEMON_A_SYNC_ID, daemon.sync_id)
        .u16(FNAT_DAEMON_A_SYNC_MAXLEN, daemon.sync_maxlen);
    if (daemon.mcast_group)
        message.u16(FNAT_DAEMON_A_MCAST_FAMILY, daemon.mcast_group->family)
            .address(FNAT_DAEMON_A_MCAST_GROUP, *daemon.mcast_group);
    message.be16(FNAT_DAEMON_A_MCAST_PORT, daemon.mcast_port)
        .u8(FNAT_DAEMON_A_MCAST_TTL, daemon.mcast_ttl)
        .u8(FNAT_DAEMON_A_AUTH, daemon.auth ? 1 : 0);
    if (daemon.sender)
        message.u32(FNAT_DAEMON_A_SENDER, *daemon.sender);
    if (daemon.up_ms)
        message.u64_64bit(FNAT_DAEMON_A_UP_MS, *daemon.up_ms, FNAT_DAEMON_A_PAD);
    nlattr* counters = message.begin_nest(FNAT_DAEMON_A_COUNTERS);
    for (const NamedCounter& counter : daemon.counters) {
        nlattr* entry = message.begin_nest(FNAT_DROPS_A_ENTRY);
        message.strz(FNAT_DROP_A_NAME, counter.name)
            .u64_64bit(FNAT_DROP_A_COUNT, counter.count, FNAT_DROP_A_PAD)
            .end_nest(entry);
    }
    message.end_nest(counters);
    nlattr* peers = message.begin_nest(FNAT_DAEMON_A_PEERS);
    for (const SyncPeer& peer : daemon.peers) {
        nlattr* entry = message.begin_nest(FNAT_DAEMON_A_PEER);
        message.u16(FNAT_PEER_A_FAMILY, peer.address.family)
            .address(FNAT_PEER_A_ADDR, peer.address)
            .u32(FNAT_PEER_A_SENDER, peer.sender)
            .u8(FNAT_PEER_A_SYNC_ID, peer.sync_id)
            .u64_64bit(FNAT_PEER_A_MESSAGES, peer.messages, FNAT_PEER_A_PAD)
            .u64_64bit(FNAT_PEER_A_LAST_MS, peer.last_ms, FNAT_PEER_A_PAD)
            .end_nest(entry);
    }
    message.end_nest(peers).end_nest(nest);
    return message.bytes();
}

std::vector<std::uint8_t> error_message(int error, std::uint32_t seq, std::uint32_t portid,
                                        const std::string& extack, bool capped,
                                        const std::vector<std::uint8_t>& echoed_request) {
    std::uint16_t flags = 0;
    if (capped)
        flags |= NLM_F_CAPPED;
    if (!extack.empty())
        flags |= NLM_F_ACK_TLVS;
    MessageBuilder message(NLMSG_ERROR, flags, seq, portid);
    nlmsghdr* header = message.header();
    const std::size_t payload = capped ? sizeof(nlmsgerr) : sizeof(int) + echoed_request.size();
    auto* err = static_cast<nlmsgerr*>(mnl_nlmsg_put_extra_header(header, payload));
    err->error = -error;
    if (capped || echoed_request.empty()) {
        err->msg.nlmsg_len = sizeof(nlmsghdr);
        err->msg.nlmsg_seq = seq;
    } else {
        std::memcpy(&err->msg, echoed_request.data(), echoed_request.size());
    }
    if (!extack.empty())
        mnl_attr_put_strz(header, NLMSGERR_ATTR_MSG, extack.c_str());
    return message.bytes();
}

std::vector<std::uint8_t> done_message(int error, std::uint32_t seq, std::uint32_t portid,
                                       const std::string& extack) {
    std::uint16_t flags = NLM_F_MULTI;
    if (!extack.empty())
        flags |= NLM_F_ACK_TLVS;
    MessageBuilder message(NLMSG_DONE, flags, seq, portid);
    nlmsghdr* header = message.header();
    auto* code = static_cast<int*>(mnl_nlmsg_put_extra_header(header, sizeof(int)));
    *code = -error;
    if (!extack.empty())
        mnl_attr_put_strz(header, NLMSGERR_ATTR_MSG, extack.c_str());
    return message.bytes();
}

std::vector<std::uint8_t> join(std::initializer_list<std::vector<std::uint8_t>> parts) {
    std::vector<std::uint8_t> out;
    for (const auto& part : parts)
        out.insert(out.end(), part.begin(), part.end());
    return out;
}

namespace {

int collect_cb(const nlattr* attr, void* data) {
    auto* table = static_cast<std::map<std::uint16_t, const nlattr*>*>(data);
    (*table)[mnl_attr_get_type(attr)] = attr;
    return MNL_CB_OK;
}

int types_cb(const nlattr* attr, void* data) {
    static_cast<std::vector<std::uint16_t>*>(data)->push_back(mnl_attr_get_type(attr));
    return MNL_CB_OK;
}

} // namespace

std::map<std::uint16_t, const nlattr*> genl_attributes(const nlmsghdr* message) {
    std::map<std::uint16_t, const nlattr*> table;
    mnl_attr_parse(message, sizeof(genlmsghdr), collect_cb, &table);
    return table;
}

std::map<std::uint16_t, const nlattr*> nested_attributes(const nlattr* nest) {
    std::map<std::uint16_t, const nlattr*> table;
    mnl_attr_parse_nested(nest, collect_cb, &table);
    return table;
}

std::vector<std::uint16_t> nested_types(const nlattr* nest) {
    std::vector<std::uint16_t> types;
    mnl_attr_parse_nested(nest, types_cb, &types);
    return types;
}

} // namespace fnat::test

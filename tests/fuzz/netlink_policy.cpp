#include "fuzz/netlink_policy.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <linux/netlink.h>
#include <uapi/fnat.h>

namespace fnat::fuzz {

namespace {

constexpr unsigned kMaxPolicyDepth = 10; // MAX_POLICY_RECURSION_DEPTH
constexpr const char* kFailedPolicy = "Attribute failed policy validation";

PolicyEntry plain(PType type) {
    return PolicyEntry{type, Check::None, 0, 0, 0, nullptr};
}

PolicyEntry ranged(PType type, std::uint64_t min, std::uint64_t max) {
    return PolicyEntry{type, Check::Range, min, max, 0, nullptr};
}

PolicyEntry exact_len(std::uint64_t len) {
    return ranged(PType::Binary, len, len);
}

PolicyEntry nul_string(std::uint16_t longest) {
    return PolicyEntry{PType::NulString, Check::None, 0, 0, longest, nullptr};
}

PolicyEntry nested(const Policy& policy) {
    return PolicyEntry{PType::Nested, Check::None, 0, 0, policy.maxtype, &policy};
}

Policy make_policy(std::uint16_t maxtype, std::vector<std::pair<std::uint16_t, PolicyEntry>> set) {
    Policy policy;
    policy.maxtype = maxtype;
    policy.entries.assign(maxtype + 1U, PolicyEntry{});
    for (auto& [type, entry] : set)
        policy.entries.at(type) = entry;
    return policy;
}

// nla_attr_len[]: the exact length of fixed-size types (strict).
std::size_t exact_length(PType type) {
    switch (type) {
    case PType::U8:
        return 1;
    case PType::U16:
    case PType::Be16:
        return 2;
    case PType::U32:
        return 4;
    default:
        return 0;
    }
}

std::uint64_t type_max(PType type) {
    switch (type) {
    case PType::U8:
        return 0xff;
    case PType::U16:
    case PType::Be16:
    case PType::Binary:
        return 0xffff;
    default:
        return 0xffffffffULL;
    }
}

std::uint64_t int_value(PType type, const AttrView& nla) {
    switch (type) {
    case PType::U8:
        return nla.data[0];
    case PType::U16:
        return get_u16(nla.data);
    case PType::Be16:
        return get_be16(nla.data);
    case PType::U32:
        return get_u32(nla.data);
    case PType::Binary:
        return nla.length;
    default:
        return 0;
    }
}

Verdict validate_parse(const std::uint8_t* data, std::size_t length, const Policy& policy,
                       unsigned depth, Table* table);

// validate_nla()
Verdict validate_one(const AttrView& nla, const Policy& policy, unsigned depth) {
    const PolicyEntry& pt = policy.entries[nla.type()];
    const std::size_t attrlen = nla.length;

    if (const std::size_t want = exact_length(pt.type); want != 0 && attrlen != want)
        return {EINVAL, "invalid attribute length"};
    if (pt.type == PType::Nested && !nla.nested_flag())
        return {EINVAL, "NLA_F_NESTED is missing"};
    if (pt.type != PType::Nested && pt.type != PType::Unspec && nla.nested_flag())
        return {EINVAL, "NLA_F_NESTED not expected"};

    switch (pt.type) {
    case PType::Reject:
        return {EINVAL, kFailedPolicy};
    case PType::NulString: {
        const std::size_t minlen =
            pt.len != 0 ? std::min<std::size_t>(attrlen, pt.len + 1U) : attrlen;
        if (minlen == 0 || std::memchr(nla.data, 0, minlen) == nullptr)
            return {EINVAL, kFailedPolicy};
        // NLA_STRING's checks, with err still -ERANGE.
        std::size_t len = attrlen;
        if (pt.len != 0) {
            if (nla.data[len - 1] == 0)
                --len;
            if (len > pt.len)
                return {ERANGE, kFailedPolicy};
        }
        break;
    }
    case PType::Binary:
        if (pt.len != 0 && attrlen > pt.len)
            return {ERANGE, kFailedPolicy};
        break;
    case PType::Nested:
        if (attrlen == 0)
            return {};
        if (attrlen < kNlaHdrLen)
            return {ERANGE, kFailedPolicy};
        if (pt.nested != nullptr) {
            Verdict inner = validate_parse(nla.data, attrlen, *pt.nested, depth + 1, nullptr);
            if (!inner.ok())
                return inner;
        }
        return {};
    case PType::Unspec:
        return {EINVAL, "Unsupported attribute"};
    default:
        break; // fixed sizes: the exact length was checked
    }

    switch (pt.check) {
    case Check::None:
        break;
    case Check::Range:
    case Check::Min:
    case Check::Max: {
        const std::uint64_t value = int_value(pt.type, nla);
        const std::uint64_t lo = pt.check == Check::Max ? 0 : pt.min;
        const std::uint64_t hi = pt.check == Check::Min ? type_max(pt.type) : pt.max;
        if (value < lo || value > hi)
            return {ERANGE, pt.type == PType::Binary ? "binary attribute size out of range"
                                                     : "integer out of range"};
        break;
    }
    case Check::Mask:
        if ((int_value(pt.type, nla) & ~pt.max) != 0)
            return {EINVAL, "reserved bit set"};
        break;
    }
    return {};
}

Verdict validate_parse(const std::uint8_t* data, std::size_t length, const Policy& policy,
                       unsigned depth, Table* table) {
    if (depth >= kMaxPolicyDepth)
        return {EINVAL, "allowed policy recursion depth exceeded"};
    if (table != nullptr)
        table->assign(policy.maxtype + 1U, std::nullopt);
    long leftover = 0;
    for (const AttrView& nla : walk_attrs(data, length, &leftover)) {
        const std::uint16_t type = nla.type();
        if (type == 0 || type > policy.maxtype)
            return {EINVAL, "Unknown attribute type"};
        if (Verdict v = validate_one(nla, policy, depth); !v.ok())
            return v;
        if (table != nullptr)
            (*table)[type] = nla;
    }
    if (leftover > 0)
        return {EINVAL, "bytes leftover after parsing attributes"};
    return {};
}

const Policy& reject_all_policy() {
    static const Policy policy =
        make_policy(1, {{0, plain(PType::Reject)}, {1, plain(PType::Reject)}});
    return policy;
}

const Policy& svc_cmd_policy() {
    static const Policy policy =
        make_policy(FNAT_A_SERVICE, {{FNAT_A_SERVICE, nested(svc_policy())}});
    return policy;
}

const Policy& dest_cmd_policy() {
    static const Policy policy = make_policy(FNAT_A_DEST, {{FNAT_A_SERVICE, nested(svc_policy())},
                                                           {FNAT_A_DEST, nested(dest_policy())}});
    return policy;
}

const Policy& laddr_cmd_policy() {
    static const Policy policy =
        make_policy(FNAT_A_LADDR, {{FNAT_A_SERVICE, nested(svc_policy())},
                                   {FNAT_A_LADDR, nested(laddr_policy())}});
    return policy;
}

const Policy& timeout_cmd_policy() {
    static const Policy policy =
        make_policy(FNAT_A_TIMEOUT, {{FNAT_A_TIMEOUT, nested(timeout_policy())}});
    return policy;
}

const Policy& daemon_cmd_policy() {
    static const Policy policy =
        make_policy(FNAT_A_DAEMON, {{FNAT_A_DAEMON, nested(daemon_policy())}});
    return policy;
}

} // namespace

Verdict validate_attrs(const std::uint8_t* data, std::size_t length, const Policy& policy,
                       Table* table) {
    return validate_parse(data, length, policy, 0, table);
}

Table parse_nested(const AttrView& nest, const Policy& policy) {
    Table table;
    validate_parse(nest.data, nest.length, policy, 1, &table);
    return table;
}

const Policy& svc_policy() {
    static const Policy policy = make_policy(
        FNAT_SVC_A_MAX,
        {
            {FNAT_SVC_A_FAMILY, plain(PType::U16)},
            {FNAT_SVC_A_PROTOCOL, plain(PType::U8)},
            {FNAT_SVC_A_ADDR, exact_len(FNAT_ADDR_LEN)},
            {FNAT_SVC_A_PORT, plain(PType::Be16)},
            {FNAT_SVC_A_SCHED_NAME, nul_string(FNAT_SCHED_NAME_MAX - 1)},
            {FNAT_SVC_A_FLAGS, {PType::U32, Check::Mask, 0, FNAT_SVC_F_ALL, 0, nullptr}},
            {FNAT_SVC_A_TIMEOUT, ranged(PType::U32, 1, FNAT_PERSIST_MAX)},
            {FNAT_SVC_A_NETMASK, {PType::U8, Check::Max, 0, 128, 0, nullptr}},
        });
    return policy;
}

const Policy& dest_policy() {
    static const Policy policy = make_policy(
        FNAT_DEST_A_MAX, {
                             {FNAT_DEST_A_FAMILY, plain(PType::U16)},
                             {FNAT_DEST_A_ADDR, exact_len(FNAT_ADDR_LEN)},
                             {FNAT_DEST_A_PORT, plain(PType::Be16)},
                             {FNAT_DEST_A_FWD_METHOD, ranged(PType::U8, FNAT_FWD_DR, FNAT_FWD_MAX)},
                             {FNAT_DEST_A_WEIGHT, ranged(PType::U32, 0, FNAT_WEIGHT_MAX)},
                             {FNAT_DEST_A_U_THRESH, plain(PType::U32)},
                             {FNAT_DEST_A_L_THRESH, plain(PType::U32)},
                         });
    return policy;
}

const Policy& laddr_policy() {
    static const Policy policy =
        make_policy(FNAT_LADDR_A_MAX, {
                                          {FNAT_LADDR_A_FAMILY, plain(PType::U16)},
                                          {FNAT_LADDR_A_ADDR, exact_len(FNAT_ADDR_LEN)},
                                      });
    return policy;
}

const Policy& timeout_policy() {
    static const Policy policy = make_policy(
        FNAT_TIMEOUT_A_MAX, {
                                {FNAT_TIMEOUT_A_TCP, ranged(PType::U32, 1, FNAT_TIMEOUT_MAX)},
                                {FNAT_TIMEOUT_A_TCP_FIN, ranged(PType::U32, 1, FNAT_TIMEOUT_MAX)},
                                {FNAT_TIMEOUT_A_UDP, ranged(PType::U32, 1, FNAT_TIMEOUT_MAX)},
                            });
    return policy;
}

const Policy& daemon_policy() {
    static const Policy policy = make_policy(
        FNAT_DAEMON_A_MAX,
        {
            {FNAT_DAEMON_A_STATE,
             ranged(PType::U32, FNAT_SYNC_STATE_MASTER, FNAT_SYNC_STATE_BACKUP)},
            {FNAT_DAEMON_A_MCAST_IFN, nul_string(16 - 1)}, // IFNAMSIZ - 1
            {FNAT_DAEMON_A_SYNC_ID, plain(PType::U8)},
            {FNAT_DAEMON_A_SYNC_MAXLEN,
             ranged(PType::U16, FNAT_SYNC_MAXLEN_MIN, FNAT_SYNC_MAXLEN_MAX)},
            {FNAT_DAEMON_A_MCAST_FAMILY, plain(PType::U16)},
            {FNAT_DAEMON_A_MCAST_GROUP, exact_len(FNAT_ADDR_LEN)},
            {FNAT_DAEMON_A_MCAST_PORT, plain(PType::Be16)},
            {FNAT_DAEMON_A_MCAST_TTL, {PType::U8, Check::Min, 1, 0, 0, nullptr}},
            {FNAT_DAEMON_A_KEY, ranged(PType::Binary, FNAT_SYNC_KEY_MIN, FNAT_SYNC_KEY_MAX)},
        });
    return policy;
}

const Op* find_op(std::uint8_t command) {
    static const std::vector<Op> ops = {
        {FNAT_CMD_NEW_SERVICE, true, true, false, &svc_cmd_policy()},
        {FNAT_CMD_SET_SERVICE, true, true, false, &svc_cmd_policy()},
        {FNAT_CMD_DEL_SERVICE, true, true, false, &svc_cmd_policy()},
        {FNAT_CMD_GET_SERVICE, false, true, true, &svc_cmd_policy()},
        {FNAT_CMD_NEW_DEST, true, true, false, &dest_cmd_policy()},
        {FNAT_CMD_SET_DEST, true, true, false, &dest_cmd_policy()},
        {FNAT_CMD_DEL_DEST, true, true, false, &dest_cmd_policy()},
        {FNAT_CMD_GET_DEST, false, false, true, &svc_cmd_policy()},
        {FNAT_CMD_FLUSH, true, true, false, &reject_all_policy()},
        {FNAT_CMD_GET_INFO, false, true, false, &reject_all_policy()},
        {FNAT_CMD_SET_TIMEOUT, true, true, false, &timeout_cmd_policy()},
        {FNAT_CMD_GET_TIMEOUT, false, true, false, &reject_all_policy()},
        {FNAT_CMD_ZERO, true, true, false, &svc_cmd_policy()},
        {FNAT_CMD_GET_CONN, false, false, true, &svc_cmd_policy()},
        {FNAT_CMD_NEW_LADDR, true, true, false, &laddr_cmd_policy()},
        {FNAT_CMD_DEL_LADDR, true, true, false, &laddr_cmd_policy()},
        {FNAT_CMD_GET_LADDR, false, false, true, &svc_cmd_policy()},
        {FNAT_CMD_NEW_DAEMON, true, true, false, &daemon_cmd_policy()},
        {FNAT_CMD_DEL_DAEMON, true, true, false, &daemon_cmd_policy()},
        {FNAT_CMD_GET_DAEMON, false, false, true, &reject_all_policy()},
    };
    for (const Op& op : ops)
        if (op.command == command)
            return &op;
    return nullptr;
}

bool is_dump_request(const Bytes& message) {
    return message.size() >= kNlmsgHdrLen && (get_u16(&message[6]) & NLM_F_DUMP) == NLM_F_DUMP;
}

CoreResult run_core(const Bytes& message, bool privileged, bool split_ops) {
    CoreResult result;
    // genl_family_rcv_msg(): the genl header must be there.
    if (message.size() < kNlmsgHdrLen + kGenlHdrLen) {
        result.verdict = {EINVAL, ""};
        return result;
    }
    const std::uint16_t flags = get_u16(&message[6]);
    const std::uint8_t command = message[16];
    const std::uint16_t reserved = get_u16(&message[18]);
    result.dump = (flags & NLM_F_DUMP) == NLM_F_DUMP;

    // genl_header_check(): every fnat command is at or past resv_start_op 0.
    if (reserved != 0) {
        result.verdict = {EINVAL, "genlmsghdr.reserved field is not 0"};
        return result;
    }
    std::uint16_t checked = flags;
    if (result.dump)
        checked = static_cast<std::uint16_t>(checked & ~NLM_F_DUMP);
    if ((checked & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)) != 0) {
        result.verdict = {EINVAL, "ambiguous or reserved bits set in nlmsg_flags"};
        return result;
    }
    const Op* op = find_op(command);
    if (op == nullptr) {
        result.verdict = {EOPNOTSUPP, ""};
        return result;
    }
    result.op = op;
    const bool missing = result.dump ? !op->dumpit : !op->doit;
    if (split_ops && missing) {
        result.verdict = {EOPNOTSUPP, ""};
        return result;
    }
    if (op->write && !privileged) {
        result.verdict = {EPERM, ""};
        return result;
    }
    if (missing) {
        result.verdict = {EOPNOTSUPP, ""};
        return result;
    }
    const std::size_t attrs = kNlmsgHdrLen + kGenlHdrLen;
    result.verdict =
        validate_attrs(message.data() + attrs, message.size() - attrs, *op->policy, &result.top);
    return result;
}

} // namespace fnat::fuzz

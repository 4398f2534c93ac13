// The emulated genetlink core against the cases fnat-nlprobe checks on the
// real module (userspace/tools/fnat_nlprobe.cpp), and a few more.
#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>

#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <uapi/fnat.h>

#include "fuzz/netlink_policy.h"
#include "fuzz/netlink_wire.h"

namespace fnat::fuzz {
namespace {

constexpr std::uint16_t kFamily = 0x20;

Addr16 vip() {
    Addr16 a{};
    a[0] = 10;
    a[3] = 1;
    return a;
}

std::vector<Attr> key_attrs() {
    return {attr_u16(FNAT_SVC_A_FAMILY, AF_INET), attr_u8(FNAT_SVC_A_PROTOCOL, IPPROTO_TCP),
            attr_addr(FNAT_SVC_A_ADDR, vip()), attr_be16(FNAT_SVC_A_PORT, 80)};
}

Attr service(std::vector<Attr> extra = {}) {
    std::vector<Attr> attrs = key_attrs();
    for (Attr& a : extra)
        attrs.push_back(std::move(a));
    return attr_nest(FNAT_A_SERVICE, std::move(attrs));
}

Bytes request(std::uint8_t command, std::vector<Attr> attrs, bool dump = false) {
    Message m;
    m.command = command;
    m.flags = static_cast<std::uint16_t>(NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK));
    m.attrs = std::move(attrs);
    return encode_message(m, kFamily, 1);
}

Verdict core(const Bytes& message, bool privileged = true) {
    return run_core(message, privileged).verdict;
}

TEST(NetlinkPolicy, AcceptsAWellFormedServiceKey) {
    const Bytes message = request(FNAT_CMD_NEW_SERVICE, {service()}); // r's views point into it
    CoreResult r = run_core(message, true);
    EXPECT_TRUE(r.verdict.ok()) << r.verdict.extack;
    ASSERT_TRUE(r.top[FNAT_A_SERVICE]);
    Table tb = parse_nested(*r.top[FNAT_A_SERVICE], svc_policy());
    ASSERT_TRUE(tb[FNAT_SVC_A_PORT]);
    EXPECT_EQ(get_be16(tb[FNAT_SVC_A_PORT]->data), 80);
}

TEST(NetlinkPolicy, RefusesWhatTheProbeRefuses) {
    EXPECT_EQ(core(request(FNAT_CMD_NEW_SERVICE, {service(), attr_u32(FNAT_A_MAX + 5, 1)})).extack,
              "Unknown attribute type");
    EXPECT_EQ(core(request(FNAT_CMD_NEW_SERVICE,
                           {service(), attr_nest(FNAT_A_DEST, {attr_u32(FNAT_DEST_A_WEIGHT, 1)})}))
                  .error,
              EINVAL);
    Verdict reply_only =
        core(request(FNAT_CMD_SET_SERVICE, {service({attr_u32(FNAT_SVC_A_NUM_DESTS, 3)})}));
    EXPECT_EQ(reply_only.error, EINVAL);
    EXPECT_EQ(reply_only.extack, "Unsupported attribute");

    Attr short_addr =
        attr_nest(FNAT_A_SERVICE,
                  {attr_u16(FNAT_SVC_A_FAMILY, AF_INET), attr_u8(FNAT_SVC_A_PROTOCOL, IPPROTO_TCP),
                   attr_u32(FNAT_SVC_A_ADDR, htonl(0x0a000002)), attr_be16(FNAT_SVC_A_PORT, 80)});
    Verdict v = core(request(FNAT_CMD_NEW_SERVICE, {short_addr}));
    EXPECT_EQ(v.error, ERANGE);
    EXPECT_EQ(v.extack, "binary attribute size out of range");

    EXPECT_EQ(
        core(request(FNAT_CMD_SET_SERVICE, {service({attr_u32(FNAT_SVC_A_FLAGS, 0x80)})})).extack,
        "reserved bit set");
    // No NUL within the first 16 bytes: EINVAL; a NUL but too long: ERANGE.
    EXPECT_EQ(
        core(request(FNAT_CMD_SET_SERVICE,
                     {service({attr_str(FNAT_SVC_A_SCHED_NAME, "a-very-long-scheduler-name")})}))
            .error,
        EINVAL);
    Attr long_name = attr_str(FNAT_SVC_A_SCHED_NAME, "rr");
    long_name.payload.resize(20, 'x');
    long_name.payload.back() = 0;
    EXPECT_EQ(core(request(FNAT_CMD_SET_SERVICE, {service({long_name})})).error, ERANGE);
    EXPECT_EQ(core(request(FNAT_CMD_SET_SERVICE,
                           {service({attr_str(FNAT_SVC_A_SCHED_NAME, "rr", false)})}))
                  .error,
              EINVAL);
    EXPECT_EQ(
        core(request(FNAT_CMD_SET_SERVICE, {service({attr_u32(FNAT_SVC_A_TIMEOUT, 0)})})).error,
        ERANGE);
    EXPECT_EQ(
        core(request(FNAT_CMD_SET_SERVICE, {service({attr_u8(FNAT_SVC_A_NETMASK, 129)})})).error,
        ERANGE);
    EXPECT_EQ(
        core(request(FNAT_CMD_NEW_DEST,
                     {service(), attr_nest(FNAT_A_DEST, {attr_u32(FNAT_DEST_A_WEIGHT, 65536)})}))
            .extack,
        "integer out of range");
    Verdict u16_weight = core(request(
        FNAT_CMD_NEW_DEST, {service(), attr_nest(FNAT_A_DEST, {attr_u16(FNAT_DEST_A_WEIGHT, 1)})}));
    EXPECT_EQ(u16_weight.error, EINVAL);
    EXPECT_EQ(u16_weight.extack, "invalid attribute length");

    Attr flat = service();
    flat.type = FNAT_A_SERVICE;
    EXPECT_EQ(core(request(FNAT_CMD_DEL_SERVICE, {flat})).extack, "NLA_F_NESTED is missing");
    Attr overrun = service();
    overrun.length_override = 200;
    EXPECT_EQ(core(request(FNAT_CMD_DEL_SERVICE, {overrun})).extack,
              "bytes leftover after parsing attributes");
    EXPECT_EQ(core(request(FNAT_CMD_FLUSH, {service()})).extack, "NLA_F_NESTED not expected");
    EXPECT_EQ(core(request(FNAT_CMD_FLUSH, {attr_u32(1, 0)})).extack,
              "Attribute failed policy validation");
    EXPECT_EQ(core(request(FNAT_CMD_FLUSH, {attr_u32(2, 0)})).extack, "Unknown attribute type");
    EXPECT_EQ(core(request(FNAT_CMD_GET_INFO, {service()})).error, EINVAL);
    EXPECT_EQ(core(request(200, {service()})).error, EOPNOTSUPP);
}

TEST(NetlinkPolicy, ChecksTheGenlHeaderFirst) {
    Message m;
    m.command = FNAT_CMD_FLUSH;
    m.flags = NLM_F_REQUEST | NLM_F_ACK;
    m.reserved = 1;
    Verdict v = core(encode_message(m, kFamily, 1), false);
    EXPECT_EQ(v.error, EINVAL);
    EXPECT_EQ(v.extack, "genlmsghdr.reserved field is not 0");
    m.reserved = 0;
    m.flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE;
    EXPECT_EQ(core(encode_message(m, kFamily, 1)).extack,
              "ambiguous or reserved bits set in nlmsg_flags");
    m.flags = NLM_F_REQUEST | NLM_F_ACK;
    m.truncate_to = 18;
    v = core(encode_message(m, kFamily, 1));
    EXPECT_EQ(v.error, EINVAL);
    EXPECT_EQ(v.extack, "");
    // The version is not checked.
    m.truncate_to.reset();
    m.version = 7;
    EXPECT_TRUE(core(encode_message(m, kFamily, 1)).ok());
}

TEST(NetlinkPolicy, WritesNeedTheCapabilityBeforeTheirAttributesAreLookedAt) {
    Attr flat = service();
    flat.type = FNAT_A_SERVICE;
    EXPECT_EQ(core(request(FNAT_CMD_DEL_SERVICE, {flat}), false).error, EPERM);
    EXPECT_TRUE(core(request(FNAT_CMD_GET_SERVICE, {service()}), false).ok());
}

TEST(NetlinkPolicy, SplitOpsLookTheDumpUpBeforeThePermission) {
    const Bytes dump_of_a_write = request(FNAT_CMD_NEW_SERVICE, {service()}, true);
    EXPECT_EQ(run_core(dump_of_a_write, false, false).verdict.error, EPERM);
    EXPECT_EQ(run_core(dump_of_a_write, false, true).verdict.error, EOPNOTSUPP);
    EXPECT_EQ(run_core(request(FNAT_CMD_NEW_SERVICE, {service()}), false, true).verdict.error,
              EPERM);
}

TEST(NetlinkPolicy, DumpAndDoitMustExist) {
    EXPECT_EQ(core(request(FNAT_CMD_GET_DEST, {service()}, false)).error, EOPNOTSUPP);
    EXPECT_EQ(core(request(FNAT_CMD_NEW_SERVICE, {service()}, true)).error, EOPNOTSUPP);
    EXPECT_TRUE(core(request(FNAT_CMD_GET_DEST, {service()}, true)).ok());
    EXPECT_TRUE(core(request(FNAT_CMD_GET_SERVICE, {}, true)).ok());
}

TEST(NetlinkPolicy, FlagBitsOtherThanNestedAreStripped) {
    Attr family = attr_u16(FNAT_SVC_A_FAMILY | kNlaFNetByteorder, AF_INET);
    Attr svc = attr_nest(FNAT_A_SERVICE, {family, attr_u8(FNAT_SVC_A_PROTOCOL, IPPROTO_TCP)});
    EXPECT_TRUE(core(request(FNAT_CMD_NEW_SERVICE, {svc})).ok());
    Attr nested_leaf = attr_u16(FNAT_SVC_A_FAMILY | kNlaFNested, AF_INET);
    EXPECT_EQ(
        core(request(FNAT_CMD_NEW_SERVICE, {attr_nest(FNAT_A_SERVICE, {nested_leaf})})).extack,
        "NLA_F_NESTED not expected");
}

TEST(NetlinkPolicy, EmptyAndShortNests) {
    EXPECT_TRUE(core(request(FNAT_CMD_NEW_SERVICE, {attr_nest(FNAT_A_SERVICE, {})})).ok());
    Attr garbage = attr_bytes(FNAT_A_SERVICE | kNlaFNested, {1, 2});
    Verdict v = core(request(FNAT_CMD_NEW_SERVICE, {garbage}));
    EXPECT_EQ(v.error, ERANGE);
    EXPECT_EQ(v.extack, "Attribute failed policy validation");
}

TEST(NetlinkPolicy, LastOfADuplicatedAttributeWins) {
    const Bytes message =
        request(FNAT_CMD_NEW_SERVICE, {service({attr_be16(FNAT_SVC_A_PORT, 443)})});
    CoreResult r = run_core(message, true);
    ASSERT_TRUE(r.verdict.ok());
    Table tb = parse_nested(*r.top[FNAT_A_SERVICE], svc_policy());
    EXPECT_EQ(get_be16(tb[FNAT_SVC_A_PORT]->data), 443);
}

TEST(NetlinkPolicy, DaemonPolicy) {
    auto daemon = [](std::vector<Attr> attrs) {
        return core(request(FNAT_CMD_NEW_DAEMON, {attr_nest(FNAT_A_DAEMON, std::move(attrs))}));
    };
    EXPECT_EQ(daemon({attr_u32(FNAT_DAEMON_A_STATE, 3)}).error, ERANGE);
    EXPECT_EQ(daemon({attr_u8(FNAT_DAEMON_A_MCAST_TTL, 0)}).error, ERANGE);
    EXPECT_EQ(daemon({attr_bytes(FNAT_DAEMON_A_KEY, Bytes(15, 1))}).extack,
              "binary attribute size out of range");
    EXPECT_TRUE(daemon({attr_bytes(FNAT_DAEMON_A_KEY, Bytes(64, 1))}).ok());
    EXPECT_EQ(daemon({attr_u8(FNAT_DAEMON_A_AUTH, 1)}).extack, "Unsupported attribute");
    EXPECT_EQ(daemon({attr_u16(FNAT_DAEMON_A_SYNC_MAXLEN, 255)}).error, ERANGE);
}

} // namespace
} // namespace fnat::fuzz

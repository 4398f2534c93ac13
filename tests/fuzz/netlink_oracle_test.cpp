// The oracle's copy of fnat's command handlers, request by request.
#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>

#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <uapi/fnat.h>

#include "fuzz/netlink_oracle.h"
#include "fuzz/netlink_wire.h"

namespace fnat::fuzz {
namespace {

constexpr std::uint16_t kFamily = 0x20;

class FakeEnvironment : public Environment {
public:
    std::optional<unsigned> interface_mtu(const std::string& name) const override {
        if (name == "lo")
            return 65536;
        if (name == "tiny")
            return 200;
        return std::nullopt;
    }
    std::optional<bool> ipv4_unicast(const std::uint8_t* a) const override {
        if (a[0] == 127)
            return std::nullopt;
        return true;
    }
};

Addr16 v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return Addr16{a, b, c, d};
}

Addr16 v6(const char* text) {
    Addr16 a{};
    inet_pton(AF_INET6, text, a.data());
    return a;
}

Attr svc(std::uint16_t af, const Addr16& addr, std::uint16_t port, std::vector<Attr> extra = {},
         std::uint8_t proto = IPPROTO_TCP) {
    std::vector<Attr> attrs = {attr_u16(FNAT_SVC_A_FAMILY, af), attr_u8(FNAT_SVC_A_PROTOCOL, proto),
                               attr_addr(FNAT_SVC_A_ADDR, addr), attr_be16(FNAT_SVC_A_PORT, port)};
    for (Attr& a : extra)
        attrs.push_back(std::move(a));
    return attr_nest(FNAT_A_SERVICE, std::move(attrs));
}

Attr dest(std::uint16_t af, const Addr16& addr, std::uint16_t port, std::vector<Attr> extra = {}) {
    std::vector<Attr> attrs = {attr_u16(FNAT_DEST_A_FAMILY, af), attr_addr(FNAT_DEST_A_ADDR, addr),
                               attr_be16(FNAT_DEST_A_PORT, port)};
    for (Attr& a : extra)
        attrs.push_back(std::move(a));
    return attr_nest(FNAT_A_DEST, std::move(attrs));
}

Attr laddr(std::uint16_t af, const Addr16& addr) {
    return attr_nest(FNAT_A_LADDR,
                     {attr_u16(FNAT_LADDR_A_FAMILY, af), attr_addr(FNAT_LADDR_A_ADDR, addr)});
}

Bytes request(std::uint8_t command, std::vector<Attr> attrs, bool dump = false) {
    Message m;
    m.command = command;
    m.flags = static_cast<std::uint16_t>(NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK));
    m.attrs = std::move(attrs);
    return encode_message(m, kFamily, 1);
}

class NetlinkOracle : public ::testing::Test {
protected:
    // Predicts, expects exactly one outcome with that errno, applies it.
    Outcome expect(const Bytes& message, int error, const std::string& extack = "",
                   bool privileged = true) {
        Prediction p = predict(message, config, privileged, env);
        EXPECT_EQ(p.outcomes.size(), 1U);
        const Outcome& o = p.outcomes.front();
        EXPECT_EQ(errno_name(o.error), errno_name(error)) << o.extack;
        if (!extack.empty()) {
            EXPECT_EQ(o.extack, extack);
        }
        config = o.after_or(config);
        return o;
    }

    FakeEnvironment env;
    Config config;
    const Addr16 vip = v4(10, 0, 0, 1);
};

TEST_F(NetlinkOracle, ServicesGetDefaultsAndKeepTheirOrder) {
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET, vip, 80)}), 0);
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET6, v6("2001:db8::1"), 443,
                                              {attr_str(FNAT_SVC_A_SCHED_NAME, "mh")})}),
           0);
    ASSERT_EQ(config.services.size(), 2U);
    EXPECT_EQ(config.services[0].sched, "wlc");
    EXPECT_EQ(config.services[0].timeout, FNAT_PERSIST_DEFAULT);
    EXPECT_EQ(config.services[0].netmask, 32);
    EXPECT_EQ(config.services[1].sched, "mh");
    EXPECT_EQ(config.services[1].netmask, 128);
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET, vip, 80)}), EEXIST,
           "Service already exists");
    expect(request(FNAT_CMD_DEL_SERVICE, {svc(AF_INET, vip, 80)}), 0);
    expect(request(FNAT_CMD_DEL_SERVICE, {svc(AF_INET, vip, 80)}), ESRCH, "No such service");
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET, vip, 80)}), 0);
    EXPECT_EQ(config.services[1].key.af, AF_INET);
}

TEST_F(NetlinkOracle, SynproxyOnlyOverNatAndFullnat) {
    const auto sp = [](std::uint32_t flags) { return attr_u32(FNAT_SVC_A_FLAGS, flags); };
    expect(request(FNAT_CMD_NEW_SERVICE,
                   {svc(AF_INET, vip, 53, {sp(FNAT_SVC_F_SYNPROXY)}, IPPROTO_UDP)}),
           EINVAL, "SYN proxy is for TCP services");
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET, vip, 80, {sp(FNAT_SVC_F_SYNPROXY)})}), 0);
    // A new dest defaults to direct routing.
    expect(request(FNAT_CMD_NEW_DEST, {svc(AF_INET, vip, 80), dest(AF_INET, v4(10, 0, 2, 1), 80)}),
           EINVAL, "A SYN proxy service forwards by NAT or FULLNAT only");
    expect(request(FNAT_CMD_NEW_DEST,
                   {svc(AF_INET, vip, 80),
                    dest(AF_INET, v4(10, 0, 2, 1), 80, {attr_u8(FNAT_DEST_A_FWD_METHOD, 3)})}),
           0);
    expect(request(FNAT_CMD_SET_DEST,
                   {svc(AF_INET, vip, 80), dest(AF_INET, v4(10, 0, 2, 1), 80,
                                                {attr_u8(FNAT_DEST_A_FWD_METHOD, FNAT_FWD_TUN)})}),
           EINVAL, "A SYN proxy service forwards by NAT or FULLNAT only");
    // Off, a DR dest is allowed; on again over it is not.
    expect(request(FNAT_CMD_SET_SERVICE, {svc(AF_INET, vip, 80, {sp(0)})}), 0);
    expect(request(FNAT_CMD_NEW_DEST, {svc(AF_INET, vip, 80), dest(AF_INET, v4(10, 0, 2, 2), 80)}),
           0);
    expect(request(FNAT_CMD_SET_SERVICE, {svc(AF_INET, vip, 80, {sp(FNAT_SVC_F_SYNPROXY)})}),
           EINVAL,
           "SYN proxy needs NAT or FULLNAT destinations: direct routing and tunnelled servers "
           "answer clients past the director");
    EXPECT_EQ(config.services[0].flags, 0U);
}

// fnat_svc_settings_apply(): the scheduler, the netmask and the zero port
// come before the SYN proxy's checks, the protocol before the dests.
TEST_F(NetlinkOracle, SynproxyServiceChecksInTheModulesOrder) {
    const Attr sp = attr_u32(FNAT_SVC_A_FLAGS, FNAT_SVC_F_SYNPROXY);
    expect(
        request(FNAT_CMD_NEW_SERVICE,
                {svc(AF_INET, vip, 53, {sp, attr_str(FNAT_SVC_A_SCHED_NAME, "foo")}, IPPROTO_UDP)}),
        ENOENT, "Scheduler not found");
    expect(request(FNAT_CMD_NEW_SERVICE,
                   {svc(AF_INET, vip, 53, {sp, attr_u8(FNAT_SVC_A_NETMASK, 33)}, IPPROTO_UDP)}),
           EINVAL, "Netmask prefix length too long for the address family");
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET, vip, 0, {sp}, IPPROTO_UDP)}), EINVAL,
           "Zero port specified for non-persistent service");
    expect(request(FNAT_CMD_NEW_SERVICE,
                   {svc(AF_INET, vip, 0,
                        {attr_u32(FNAT_SVC_A_FLAGS, FNAT_SVC_F_PERSISTENT | FNAT_SVC_F_SYNPROXY)},
                        IPPROTO_UDP)}),
           EINVAL, "SYN proxy is for TCP services");
    // A UDP service with a DR dest: the protocol is what is wrong.
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET, vip, 53, {}, IPPROTO_UDP)}), 0);
    expect(request(FNAT_CMD_NEW_DEST,
                   {svc(AF_INET, vip, 53, {}, IPPROTO_UDP), dest(AF_INET, v4(10, 0, 2, 1), 53)}),
           0);
    expect(request(FNAT_CMD_SET_SERVICE, {svc(AF_INET, vip, 53, {sp}, IPPROTO_UDP)}), EINVAL,
           "SYN proxy is for TCP services");
    // A persistent port-0 TCP service may be proxied; TUN over it may not.
    expect(
        request(FNAT_CMD_NEW_SERVICE,
                {svc(AF_INET, vip, 0,
                     {attr_u32(FNAT_SVC_A_FLAGS, FNAT_SVC_F_PERSISTENT | FNAT_SVC_F_SYNPROXY)})}),
        0);
    expect(request(FNAT_CMD_NEW_DEST,
                   {svc(AF_INET, vip, 0), dest(AF_INET, v4(10, 0, 2, 1), 0,
                                               {attr_u8(FNAT_DEST_A_FWD_METHOD, FNAT_FWD_TUN)})}),
           EINVAL, "A SYN proxy service forwards by NAT or FULLNAT only");
    // Turning it off, the zero port still needs persistence first.
    expect(request(FNAT_CMD_SET_SERVICE, {svc(AF_INET, vip, 0, {attr_u32(FNAT_SVC_A_FLAGS, 0)})}),
           EINVAL, "Zero port specified for non-persistent service");
    ASSERT_EQ(config.services.size(), 2U);
    EXPECT_EQ(config.services[1].flags, FNAT_SVC_F_PERSISTENT | FNAT_SVC_F_SYNPROXY);
}

// fnat_dest_key_check() first, then fnat_dest_conf_check(): the SYN proxy,
// then the family, FULLNAT's local addresses and the thresholds; SET_DEST
// looks the dest up first and keeps its method when the request names none.
TEST_F(NetlinkOracle, SynproxyDestChecksInTheModulesOrder) {
    const Addr16 vip6 = v6("2001:db8::1");
    const auto fwd = [](std::uint8_t method) { return attr_u8(FNAT_DEST_A_FWD_METHOD, method); };
    expect(request(FNAT_CMD_NEW_SERVICE,
                   {svc(AF_INET6, vip6, 80, {attr_u32(FNAT_SVC_A_FLAGS, FNAT_SVC_F_SYNPROXY)})}),
           0);
    const Attr s = svc(AF_INET6, vip6, 80);
    // A method out of range is the policy's, before any handler.
    expect(request(FNAT_CMD_NEW_DEST, {s, dest(AF_INET6, v6("2001:db8:1::1"), 80, {fwd(5)})}),
           ERANGE);
    expect(request(FNAT_CMD_NEW_DEST, {s, dest(AF_INET6, v6("::"), 80, {fwd(FNAT_FWD_DR)})}),
           EINVAL, "Address must be unicast");
    // 6->4 by DR: the proxy's refusal before the family's.
    expect(request(FNAT_CMD_NEW_DEST, {s, dest(AF_INET, v4(10, 1, 0, 1), 80)}), EINVAL,
           "A SYN proxy service forwards by NAT or FULLNAT only");
    expect(request(FNAT_CMD_NEW_DEST, {s, dest(AF_INET, v4(10, 1, 0, 1), 80, {fwd(FNAT_FWD_NAT)})}),
           EAFNOSUPPORT, "Only FULLNAT (-b) can forward an IPv6 service to an IPv4 destination");
    expect(request(FNAT_CMD_NEW_DEST,
                   {s, dest(AF_INET6, v6("2001:db8:1::1"), 80,
                            {fwd(FNAT_FWD_TUN), attr_u32(FNAT_DEST_A_L_THRESH, 5)})}),
           EINVAL, "A SYN proxy service forwards by NAT or FULLNAT only");
    expect(request(FNAT_CMD_NEW_DEST,
                   {s, dest(AF_INET6, v6("2001:db8:1::1"), 80, {fwd(FNAT_FWD_FULLNAT)})}),
           EINVAL, "FULLNAT needs a local address: add one to the service first (-P)");
    expect(request(FNAT_CMD_NEW_DEST,
                   {s, dest(AF_INET6, v6("2001:db8:1::1"), 8080, {fwd(FNAT_FWD_NAT)})}),
           0);
    // The dest is found before its new method is checked.
    expect(request(FNAT_CMD_SET_DEST,
                   {s, dest(AF_INET6, v6("2001:db8:1::1"), 8080, {fwd(FNAT_FWD_DR)})}),
           ENOENT, "No such destination");
    expect(request(FNAT_CMD_SET_DEST, {s, dest(AF_INET6, v6("2001:db8:1::1"), 8080,
                                               {attr_u32(FNAT_DEST_A_WEIGHT, 3)})}),
           0);
    expect(request(FNAT_CMD_DEL_DEST, {s, dest(AF_INET6, v6("2001:db8:1::1"), 8080)}), 0);
    // A NAT dest on the service's port, then TUN over it.
    expect(request(FNAT_CMD_NEW_DEST,
                   {s, dest(AF_INET6, v6("2001:db8:1::2"), 80, {fwd(FNAT_FWD_NAT)})}),
           0);
    expect(request(FNAT_CMD_SET_DEST,
                   {s, dest(AF_INET6, v6("2001:db8:1::2"), 80, {fwd(FNAT_FWD_TUN)})}),
           EINVAL, "A SYN proxy service forwards by NAT or FULLNAT only");
    // Settings other than the flags leave the proxy on and are allowed.
    expect(request(FNAT_CMD_SET_SERVICE,
                   {svc(AF_INET6, vip6, 80, {attr_str(FNAT_SVC_A_SCHED_NAME, "rr")})}),
           0);
    ASSERT_EQ(config.services.size(), 1U);
    EXPECT_EQ(config.services[0].flags, FNAT_SVC_F_SYNPROXY);
    EXPECT_EQ(config.services[0].sched, "rr");
    ASSERT_EQ(config.services[0].dests.size(), 1U);
    EXPECT_EQ(config.services[0].dests[0].fwd, FNAT_FWD_NAT);
}

TEST_F(NetlinkOracle, ServiceChecksInTheModulesOrder) {
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET, vip, 0)}), EINVAL,
           "Zero port specified for non-persistent service");
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET, vip, 0, {attr_u32(FNAT_SVC_A_FLAGS, 1)})}),
           0);
    expect(request(FNAT_CMD_SET_SERVICE, {svc(AF_INET, vip, 0, {attr_u32(FNAT_SVC_A_FLAGS, 0)})}),
           EINVAL, "Zero port specified for non-persistent service");
    expect(
        request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET, vip, 80, {attr_u8(FNAT_SVC_A_NETMASK, 33)})}),
        EINVAL, "Netmask prefix length too long for the address family");
    expect(request(FNAT_CMD_NEW_SERVICE,
                   {svc(AF_INET, vip, 80, {attr_str(FNAT_SVC_A_SCHED_NAME, "foo")})}),
           ENOENT, "Scheduler not found");
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET, vip, 80, {}, 132)}), EPROTONOSUPPORT);
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(99, vip, 80, {}, 132)}), EAFNOSUPPORT,
           "Unsupported address family");
    Addr16 tail = vip;
    tail[15] = 1;
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET, tail, 80)}), EINVAL,
           "IPv4 address must have its last 12 bytes zero");
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET6, v6("::ffff:10.0.0.1"), 80)}), EINVAL,
           "IPv4-mapped IPv6 address: give the IPv4 address instead");
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET6, v6("ff02::1"), 80)}), EINVAL,
           "Address must be unicast");
    expect(request(FNAT_CMD_NEW_SERVICE, {attr_nest(FNAT_A_SERVICE, {})}), EINVAL,
           "Missing protocol");
    expect(request(FNAT_CMD_NEW_SERVICE, {}), EINVAL, "Missing service attribute");
    EXPECT_EQ(config.services.size(), 1U);
}

TEST_F(NetlinkOracle, DestsLocalAddressesAndFullnat) {
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET6, v6("2001:db8::1"), 80)}), 0);
    const Attr s = svc(AF_INET6, v6("2001:db8::1"), 80);
    expect(request(FNAT_CMD_NEW_DEST, {s, dest(AF_INET, v4(10, 1, 0, 1), 8080)}), EAFNOSUPPORT,
           "Only FULLNAT (-b) can forward an IPv6 service to an IPv4 destination");
    expect(
        request(FNAT_CMD_NEW_DEST, {s, dest(AF_INET, v4(10, 1, 0, 1), 8080,
                                            {attr_u8(FNAT_DEST_A_FWD_METHOD, FNAT_FWD_FULLNAT)})}),
        EINVAL, "FULLNAT needs a local address: add one to the service first (-P)");
    expect(request(FNAT_CMD_NEW_LADDR, {s, laddr(AF_INET6, v6("2001:db8:ff::1"))}), 0);
    expect(
        request(FNAT_CMD_NEW_DEST, {s, dest(AF_INET, v4(10, 1, 0, 1), 8080,
                                            {attr_u8(FNAT_DEST_A_FWD_METHOD, FNAT_FWD_FULLNAT)})}),
        EINVAL,
        "FULLNAT to an IPv4 destination needs an IPv4 local address: add one to the service "
        "first (-P)");
    expect(request(FNAT_CMD_NEW_LADDR, {s, laddr(AF_INET, v4(192, 0, 2, 1))}), 0);
    expect(request(FNAT_CMD_NEW_DEST, {s, dest(AF_INET, v4(10, 1, 0, 1), 8080,
                                               {attr_u8(FNAT_DEST_A_FWD_METHOD, FNAT_FWD_FULLNAT),
                                                attr_u32(FNAT_DEST_A_WEIGHT, 7)})}),
           0);
    ASSERT_EQ(config.services[0].dests.size(), 1U);
    EXPECT_EQ(config.services[0].dests[0].port, 8080);
    EXPECT_EQ(config.services[0].dests[0].weight, 7U);
    // DR keeps the service's port.
    expect(request(FNAT_CMD_NEW_DEST, {s, dest(AF_INET6, v6("2001:db8:1::1"), 8080)}), 0);
    EXPECT_EQ(config.services[0].dests[1].port, 80);
    expect(request(FNAT_CMD_DEL_DEST, {s, dest(AF_INET6, v6("2001:db8:1::1"), 8080)}), ENOENT,
           "No such destination");
    // SET naming DR looks for the service's port.
    expect(request(FNAT_CMD_SET_DEST, {s, dest(AF_INET6, v6("2001:db8:1::1"), 8080,
                                               {attr_u8(FNAT_DEST_A_FWD_METHOD, FNAT_FWD_TUN)})}),
           0);
    EXPECT_EQ(config.services[0].dests[1].fwd, FNAT_FWD_TUN);
    expect(request(FNAT_CMD_SET_DEST, {s, dest(AF_INET, v4(10, 1, 0, 1), 8080,
                                               {attr_u8(FNAT_DEST_A_FWD_METHOD, FNAT_FWD_NAT)})}),
           EAFNOSUPPORT);
    expect(request(FNAT_CMD_SET_DEST,
                   {s, dest(AF_INET, v4(10, 1, 0, 1), 8080, {attr_u32(FNAT_DEST_A_L_THRESH, 5)})}),
           EINVAL, "Lower threshold must not exceed the upper threshold");
    // Deleting a local address is allowed with FULLNAT dests still there.
    expect(request(FNAT_CMD_DEL_LADDR, {s, laddr(AF_INET, v4(192, 0, 2, 1))}), 0);
    expect(request(FNAT_CMD_DEL_LADDR, {s, laddr(AF_INET, v4(192, 0, 2, 1))}), ENOENT,
           "No such local address");
    expect(request(FNAT_CMD_NEW_LADDR,
                   {svc(AF_INET6, v6("2001:db8::9"), 80), laddr(AF_INET, v4(192, 0, 2, 1))}),
           ESRCH, "Service not defined");
}

TEST_F(NetlinkOracle, LocalAddressesAreCheckedOnDeleteToo) {
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET, vip, 80)}), 0);
    expect(request(FNAT_CMD_NEW_LADDR, {svc(AF_INET, vip, 80), laddr(AF_INET, v4(192, 0, 2, 1))}),
           0);
    Addr16 tail = v4(192, 0, 2, 1);
    tail[9] = 7;
    expect(request(FNAT_CMD_NEW_LADDR, {svc(AF_INET, vip, 80), laddr(AF_INET, tail)}), EINVAL);
    expect(request(FNAT_CMD_DEL_LADDR, {svc(AF_INET, vip, 80), laddr(AF_INET, tail)}), EINVAL,
           "IPv4 address must have its last 12 bytes zero");
    expect(request(FNAT_CMD_DEL_LADDR, {svc(AF_INET, vip, 80), laddr(99, v4(192, 0, 2, 1))}),
           EAFNOSUPPORT, "Unsupported address family");
    expect(request(FNAT_CMD_DEL_LADDR, {svc(AF_INET, vip, 80), laddr(AF_INET, v4(192, 0, 2, 1))}),
           0);
    EXPECT_TRUE(config.services[0].laddrs.empty());
    expect(request(FNAT_CMD_NEW_LADDR, {svc(AF_INET, vip, 80), laddr(AF_INET, v4(0, 0, 0, 0))}),
           EADDRNOTAVAIL, "Not a unicast address");
    expect(request(FNAT_CMD_NEW_LADDR, {svc(AF_INET, vip, 80), laddr(AF_INET6, v6("2001:db8::5"))}),
           EAFNOSUPPORT, "An IPv4 service cannot have IPv6 local addresses");
}

TEST_F(NetlinkOracle, AnAddressThatMayBeABroadcastHasTwoOutcomes) {
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET, vip, 80)}), 0);
    Prediction p = predict(request(FNAT_CMD_NEW_LADDR,
                                   {svc(AF_INET, vip, 80), laddr(AF_INET, v4(127, 255, 255, 255))}),
                           config, true, env);
    ASSERT_EQ(p.outcomes.size(), 2U);
    EXPECT_EQ(p.outcomes[0].error, 0);
    ASSERT_TRUE(p.outcomes[0].after);
    EXPECT_EQ(p.outcomes[0].after->services[0].laddrs.size(), 1U);
    EXPECT_EQ(p.outcomes[1].error, EADDRNOTAVAIL);
    EXPECT_FALSE(p.outcomes[1].after);
}

TEST_F(NetlinkOracle, UnprivilegedWritesGetEpermAndReadsWork) {
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET, vip, 80)}), 0);
    expect(request(FNAT_CMD_FLUSH, {}), EPERM, "", false);
    expect(request(FNAT_CMD_DEL_SERVICE, {attr_bytes(FNAT_A_SERVICE, {1})}), EPERM, "", false);
    Outcome o = expect(request(FNAT_CMD_GET_SERVICE, {svc(AF_INET, vip, 80)}), 0, "", false);
    EXPECT_EQ(o.reply, ReplyKind::Service);
    EXPECT_EQ(config.services.size(), 1U);
}

TEST_F(NetlinkOracle, ReadsAndTheirFilters) {
    expect(request(FNAT_CMD_GET_DEST, {svc(AF_INET, vip, 80)}, true), ESRCH, "No such service");
    expect(request(FNAT_CMD_GET_DEST, {}, true), EINVAL, "Missing service attribute");
    Outcome all = expect(request(FNAT_CMD_GET_LADDR, {}, true), 0);
    EXPECT_EQ(all.reply, ReplyKind::Laddrs);
    EXPECT_FALSE(all.filter);
    expect(request(FNAT_CMD_NEW_SERVICE, {svc(AF_INET, vip, 80)}), 0);
    Outcome one = expect(request(FNAT_CMD_GET_CONN, {svc(AF_INET, vip, 80)}, true), 0);
    EXPECT_EQ(one.reply, ReplyKind::Conns);
    // The service dump ignores a filter.
    EXPECT_EQ(expect(request(FNAT_CMD_GET_SERVICE, {svc(AF_INET, vip, 81)}, true), 0).reply,
              ReplyKind::Services);
    expect(request(FNAT_CMD_ZERO, {svc(AF_INET, vip, 81)}), ESRCH);
    expect(request(FNAT_CMD_ZERO, {}), 0);
}

TEST_F(NetlinkOracle, Timeouts) {
    expect(request(FNAT_CMD_SET_TIMEOUT, {attr_nest(FNAT_A_TIMEOUT, {})}), EINVAL,
           "No timeout given");
    expect(request(FNAT_CMD_SET_TIMEOUT, {}), EINVAL, "Missing timeout attribute");
    expect(
        request(FNAT_CMD_SET_TIMEOUT,
                {attr_nest(FNAT_A_TIMEOUT, {attr_u32(FNAT_TIMEOUT_A_UDP, FNAT_TIMEOUT_MAX + 1)})}),
        ERANGE);
    expect(request(FNAT_CMD_SET_TIMEOUT,
                   {attr_nest(FNAT_A_TIMEOUT, {attr_u32(FNAT_TIMEOUT_A_UDP, FNAT_TIMEOUT_MAX)})}),
           0);
    EXPECT_EQ(config.timeouts.udp, FNAT_TIMEOUT_MAX);
    EXPECT_EQ(config.timeouts.tcp, FNAT_TIMEOUT_TCP_DEFAULT);
}

TEST_F(NetlinkOracle, SyncDaemons) {
    auto daemon = [](std::uint8_t command, std::vector<Attr> attrs) {
        return request(command, {attr_nest(FNAT_A_DAEMON, std::move(attrs))});
    };
    expect(daemon(FNAT_CMD_NEW_DAEMON, {attr_u32(FNAT_DAEMON_A_STATE, 1)}), EINVAL,
           "Missing multicast interface");
    expect(daemon(FNAT_CMD_NEW_DAEMON,
                  {attr_u32(FNAT_DAEMON_A_STATE, 1), attr_str(FNAT_DAEMON_A_MCAST_IFN, "eth9")}),
           ENODEV, "No such interface");
    expect(daemon(FNAT_CMD_NEW_DAEMON,
                  {attr_u32(FNAT_DAEMON_A_STATE, 1), attr_str(FNAT_DAEMON_A_MCAST_IFN, "tiny")}),
           EINVAL, "Interface MTU too small for sync");
    expect(daemon(FNAT_CMD_NEW_DAEMON,
                  {attr_u32(FNAT_DAEMON_A_STATE, 1), attr_str(FNAT_DAEMON_A_MCAST_IFN, "lo"),
                   attr_u16(FNAT_DAEMON_A_MCAST_FAMILY, AF_INET)}),
           EINVAL, "Multicast group and family go together");
    expect(daemon(FNAT_CMD_NEW_DAEMON,
                  {attr_u32(FNAT_DAEMON_A_STATE, 1), attr_str(FNAT_DAEMON_A_MCAST_IFN, "lo"),
                   attr_be16(FNAT_DAEMON_A_MCAST_PORT, 0)}),
           ERANGE, "Multicast port 0");
    expect(daemon(FNAT_CMD_NEW_DAEMON,
                  {attr_u32(FNAT_DAEMON_A_STATE, 1), attr_str(FNAT_DAEMON_A_MCAST_IFN, "lo"),
                   attr_bytes(FNAT_DAEMON_A_KEY, Bytes(32, 7))}),
           0);
    ASSERT_TRUE(config.master);
    EXPECT_EQ(config.master->maxlen, 65507);
    EXPECT_EQ(config.master->port, FNAT_SYNC_PORT_DEFAULT);
    EXPECT_EQ(config.master->ttl, 1);
    EXPECT_TRUE(config.master->auth);
    EXPECT_EQ(config.master->group, (std::array<std::uint8_t, 4>{224, 0, 0, 83}));
    expect(daemon(FNAT_CMD_NEW_DAEMON,
                  {attr_u32(FNAT_DAEMON_A_STATE, 1), attr_str(FNAT_DAEMON_A_MCAST_IFN, "eth9")}),
           EEXIST, "Sync daemon already running");
    expect(daemon(FNAT_CMD_DEL_DAEMON,
                  {attr_u32(FNAT_DAEMON_A_STATE, 1), attr_str(FNAT_DAEMON_A_MCAST_IFN, "lo")}),
           EINVAL, "Stopping a sync daemon takes only its state");
    expect(daemon(FNAT_CMD_DEL_DAEMON, {attr_u32(FNAT_DAEMON_A_STATE, 2)}), ESRCH,
           "No sync daemon running");
    expect(daemon(FNAT_CMD_DEL_DAEMON, {attr_u32(FNAT_DAEMON_A_STATE, 1)}), 0);
    EXPECT_FALSE(config.master);
}

} // namespace
} // namespace fnat::fuzz

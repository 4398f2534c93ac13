// fnat-nlprobe: sends hand-made, malformed FNAT requests to the running
// module and checks that each is refused with the right errno and an extack
// message, never applied. Used by the e2e scenario netlink_strict.sh (it
// needs the module, so it runs only inside the test VM).
//
// Values outside a policy's range get the core's ERANGE, other malformations
// EINVAL, each with the core's or fnat's extack message.
//
// Output: one "ok"/"not ok" line per case, then "nlprobe: N passed, M failed".
#include <arpa/inet.h>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <vector>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <uapi/fnat.h>

#include "lib/netlink_error.h"
#include "lib/netlink_socket.h"

namespace {

using Builder = std::function<void(nlmsghdr*)>;

// A request: the command, whether to dump, and what goes after the genl header.
struct Probe {
    std::string name;
    std::uint8_t command;
    bool dump;
    int want_errno;
    std::string want_extack; // substring; "" accepts any non-empty message
    Builder body;
    std::uint8_t reserved = 0; // genlmsghdr.reserved
};

constexpr std::uint32_t kVip = 0x0a000001; // 10.0.0.1

void put_addr(nlmsghdr* nlh, std::uint16_t type, std::uint32_t host_order_ip) {
    std::uint8_t addr[FNAT_ADDR_LEN] = {};
    const std::uint32_t be = htonl(host_order_ip);
    std::memcpy(addr, &be, sizeof(be));
    mnl_attr_put(nlh, type, sizeof(addr), addr);
}

// The service key of the probes' one existing service, tcp 10.0.0.1:80,
// with extra attributes from more().
Builder service(const Builder& more = {}, std::uint16_t port = 80) {
    return [more, port](nlmsghdr* nlh) {
        nlattr* nest = mnl_attr_nest_start(nlh, FNAT_A_SERVICE);
        mnl_attr_put_u16(nlh, FNAT_SVC_A_FAMILY, AF_INET);
        mnl_attr_put_u8(nlh, FNAT_SVC_A_PROTOCOL, IPPROTO_TCP);
        put_addr(nlh, FNAT_SVC_A_ADDR, kVip);
        mnl_attr_put_u16(nlh, FNAT_SVC_A_PORT, htons(port));
        if (more) {
            more(nlh);
        }
        mnl_attr_nest_end(nlh, nest);
    };
}

Builder dest(const Builder& more) {
    return [more](nlmsghdr* nlh) {
        service()(nlh);
        nlattr* nest = mnl_attr_nest_start(nlh, FNAT_A_DEST);
        mnl_attr_put_u16(nlh, FNAT_DEST_A_FAMILY, AF_INET);
        put_addr(nlh, FNAT_DEST_A_ADDR, 0x0a000102);
        mnl_attr_put_u16(nlh, FNAT_DEST_A_PORT, htons(80));
        more(nlh);
        mnl_attr_nest_end(nlh, nest);
    };
}

std::vector<std::uint8_t> build(const Probe& p, std::uint16_t family, std::uint32_t seq) {
    std::vector<std::uint8_t> buf(static_cast<std::size_t>(MNL_SOCKET_BUFFER_SIZE));
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
    nlh->nlmsg_type = family;
    nlh->nlmsg_flags = NLM_F_REQUEST | (p.dump ? NLM_F_DUMP : NLM_F_ACK);
    nlh->nlmsg_seq = seq;
    auto* genl = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(genlmsghdr)));
    genl->cmd = p.command;
    genl->version = FNAT_GENL_VERSION;
    genl->reserved = p.reserved;
    if (p.body) {
        p.body(nlh);
    }
    buf.resize(nlh->nlmsg_len);
    return buf;
}

std::vector<Probe> probes() {
    std::vector<Probe> v;
    v.push_back(
        {"unknown top-level attribute", FNAT_CMD_NEW_SERVICE, false, EINVAL, "", [](nlmsghdr* nlh) {
             service()(nlh);
             mnl_attr_put_u32(nlh, FNAT_A_MAX + 5, 1);
         }});
    v.push_back({"dest attribute on a service command", FNAT_CMD_NEW_SERVICE, false, EINVAL, "",
                 dest([](nlmsghdr* nlh) { mnl_attr_put_u32(nlh, FNAT_DEST_A_WEIGHT, 1); })});
    v.push_back({"reply-only attribute in a request", FNAT_CMD_SET_SERVICE, false, EINVAL, "",
                 service([](nlmsghdr* nlh) { mnl_attr_put_u32(nlh, FNAT_SVC_A_NUM_DESTS, 3); })});
    v.push_back({"address of 4 bytes", FNAT_CMD_NEW_SERVICE, false, ERANGE, "", [](nlmsghdr* nlh) {
                     nlattr* nest = mnl_attr_nest_start(nlh, FNAT_A_SERVICE);
                     mnl_attr_put_u16(nlh, FNAT_SVC_A_FAMILY, AF_INET);
                     mnl_attr_put_u8(nlh, FNAT_SVC_A_PROTOCOL, IPPROTO_TCP);
                     mnl_attr_put_u32(nlh, FNAT_SVC_A_ADDR, htonl(kVip + 1));
                     mnl_attr_put_u16(nlh, FNAT_SVC_A_PORT, htons(80));
                     mnl_attr_nest_end(nlh, nest);
                 }});
    v.push_back({"IPv4 address with non-zero padding", FNAT_CMD_NEW_SERVICE, false, EINVAL,
                 "last 12 bytes", [](nlmsghdr* nlh) {
                     std::uint8_t addr[FNAT_ADDR_LEN] = {10, 0, 0, 9};
                     addr[15] = 1;
                     nlattr* nest = mnl_attr_nest_start(nlh, FNAT_A_SERVICE);
                     mnl_attr_put_u16(nlh, FNAT_SVC_A_FAMILY, AF_INET);
                     mnl_attr_put_u8(nlh, FNAT_SVC_A_PROTOCOL, IPPROTO_TCP);
                     mnl_attr_put(nlh, FNAT_SVC_A_ADDR, sizeof(addr), addr);
                     mnl_attr_put_u16(nlh, FNAT_SVC_A_PORT, htons(80));
                     mnl_attr_nest_end(nlh, nest);
                 }});
    v.push_back({"unknown address family", FNAT_CMD_NEW_SERVICE, false, EAFNOSUPPORT,
                 "Unsupported address family", [](nlmsghdr* nlh) {
                     nlattr* nest = mnl_attr_nest_start(nlh, FNAT_A_SERVICE);
                     mnl_attr_put_u16(nlh, FNAT_SVC_A_FAMILY, 99);
                     mnl_attr_put_u8(nlh, FNAT_SVC_A_PROTOCOL, IPPROTO_TCP);
                     put_addr(nlh, FNAT_SVC_A_ADDR, kVip + 2);
                     mnl_attr_put_u16(nlh, FNAT_SVC_A_PORT, htons(80));
                     mnl_attr_nest_end(nlh, nest);
                 }});
    v.push_back({"missing port", FNAT_CMD_NEW_SERVICE, false, EINVAL, "Missing", [](nlmsghdr* nlh) {
                     nlattr* nest = mnl_attr_nest_start(nlh, FNAT_A_SERVICE);
                     mnl_attr_put_u16(nlh, FNAT_SVC_A_FAMILY, AF_INET);
                     mnl_attr_put_u8(nlh, FNAT_SVC_A_PROTOCOL, IPPROTO_TCP);
                     put_addr(nlh, FNAT_SVC_A_ADDR, kVip + 3);
                     mnl_attr_nest_end(nlh, nest);
                 }});
    v.push_back({"missing service", FNAT_CMD_DEL_SERVICE, false, EINVAL, "Missing service", {}});
    v.push_back({"unknown flag bit", FNAT_CMD_SET_SERVICE, false, EINVAL, "",
                 service([](nlmsghdr* nlh) { mnl_attr_put_u32(nlh, FNAT_SVC_A_FLAGS, 0x80); })});
    v.push_back({"scheduler name too long", FNAT_CMD_SET_SERVICE, false, EINVAL, "",
                 service([](nlmsghdr* nlh) {
                     mnl_attr_put_strz(nlh, FNAT_SVC_A_SCHED_NAME, "a-very-long-scheduler-name");
                 })});
    v.push_back(
        {"scheduler name without NUL", FNAT_CMD_SET_SERVICE, false, EINVAL, "",
         service([](nlmsghdr* nlh) { mnl_attr_put(nlh, FNAT_SVC_A_SCHED_NAME, 2, "rr"); })});
    v.push_back({"persistence timeout 0", FNAT_CMD_SET_SERVICE, false, ERANGE, "",
                 service([](nlmsghdr* nlh) { mnl_attr_put_u32(nlh, FNAT_SVC_A_TIMEOUT, 0); })});
    v.push_back({"netmask prefix 129", FNAT_CMD_SET_SERVICE, false, ERANGE, "",
                 service([](nlmsghdr* nlh) { mnl_attr_put_u8(nlh, FNAT_SVC_A_NETMASK, 129); })});
    v.push_back({"netmask prefix 33 for IPv4", FNAT_CMD_SET_SERVICE, false, EINVAL, "Netmask",
                 service([](nlmsghdr* nlh) { mnl_attr_put_u8(nlh, FNAT_SVC_A_NETMASK, 33); })});
    v.push_back({"weight 65536", FNAT_CMD_NEW_DEST, false, ERANGE, "",
                 dest([](nlmsghdr* nlh) { mnl_attr_put_u32(nlh, FNAT_DEST_A_WEIGHT, 65536); })});
    v.push_back({"forwarding method 9", FNAT_CMD_NEW_DEST, false, ERANGE, "",
                 dest([](nlmsghdr* nlh) { mnl_attr_put_u8(nlh, FNAT_DEST_A_FWD_METHOD, 9); })});
    v.push_back({"lower threshold above upper", FNAT_CMD_NEW_DEST, false, EINVAL, "Lower threshold",
                 dest([](nlmsghdr* nlh) {
                     mnl_attr_put_u32(nlh, FNAT_DEST_A_U_THRESH, 10);
                     mnl_attr_put_u32(nlh, FNAT_DEST_A_L_THRESH, 20);
                 })});
    v.push_back({"u16 where a u32 belongs", FNAT_CMD_NEW_DEST, false, EINVAL, "",
                 dest([](nlmsghdr* nlh) { mnl_attr_put_u16(nlh, FNAT_DEST_A_WEIGHT, 1); })});
    v.push_back(
        {"nest without NLA_F_NESTED", FNAT_CMD_DEL_SERVICE, false, EINVAL, "", [](nlmsghdr* nlh) {
             service()(nlh);
             // Rewrite the nest's type without the flag libmnl set.
             auto* nest =
                 static_cast<nlattr*>(mnl_nlmsg_get_payload_offset(nlh, sizeof(genlmsghdr)));
             nest->nla_type = FNAT_A_SERVICE;
         }});
    v.push_back({"attribute overrunning the message", FNAT_CMD_DEL_SERVICE, false, EINVAL, "",
                 [](nlmsghdr* nlh) {
                     service()(nlh);
                     auto* nest = static_cast<nlattr*>(
                         mnl_nlmsg_get_payload_offset(nlh, sizeof(genlmsghdr)));
                     nest->nla_len = static_cast<std::uint16_t>(nest->nla_len + 64);
                 }});
    v.push_back({"attribute on FLUSH", FNAT_CMD_FLUSH, false, EINVAL, "", service()});
    v.push_back({"attribute on GET_INFO", FNAT_CMD_GET_INFO, false, EINVAL, "", service()});
    Probe reserved{"reserved genl header byte", FNAT_CMD_FLUSH, false, EINVAL, "", {}};
    reserved.reserved = 1;
    v.push_back(reserved);
    v.push_back({"unknown command", 200, false, EOPNOTSUPP, "", service()});
    v.push_back({"dest dump of a missing service", FNAT_CMD_GET_DEST, true, ESRCH,
                 "No such service", service({}, 81)});
    v.push_back(
        {"dest dump without a service", FNAT_CMD_GET_DEST, true, EINVAL, "Missing service", {}});
    return v;
}

} // namespace

int main() {
    int passed = 0;
    int failed = 0;
    try {
        fnat::NetlinkSocket socket;
        const std::uint16_t family = socket.resolve_family(FNAT_GENL_NAME);
        for (const Probe& p : probes()) {
            const std::uint32_t seq = socket.next_seq();
            std::string got;
            bool ok = false;
            try {
                socket.transact(build(p, family, seq), seq, p.dump, [](const nlmsghdr*) {});
                got = "accepted";
            } catch (const fnat::NetlinkError& e) {
                got = std::string(std::strerror(e.error())) + ": '" + e.extack() + "'";
                const bool msg_ok = p.want_extack.empty()
                                        ? !e.extack().empty()
                                        : e.extack().find(p.want_extack) != std::string::npos;
                // An unknown command is refused by the genl core, which sets no message.
                ok = e.error() == p.want_errno && (msg_ok || p.want_errno == EOPNOTSUPP);
            }
            std::printf("%s - %s (%s)\n", ok ? "ok" : "not ok", p.name.c_str(), got.c_str());
            ok ? ++passed : ++failed;
        }
    } catch (const std::exception& e) {
        std::printf("not ok - setup: %s\n", e.what());
        ++failed;
    }
    std::printf("nlprobe: %d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}

#include "fuzz/netlink_oracle.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>

#include "fuzz/netlink_policy.h"

namespace fnat::fuzz {

namespace {

const char* const kSchedulers[] = {"rr", "wrr",  "lc",    "wlc", "sed", "nq",  "dh",
                                   "sh", "lblc", "lblcr", "mh",  "fo",  "ovf", "twos"};

constexpr std::uint16_t kSyncHdrsLen = 28; // IPv4 and UDP headers

// Bytes up to the first NUL: what nla_strscpy() leaves for strcmp().
std::string nla_string(const AttrView& attr) {
    const auto* data = reinterpret_cast<const char*>(attr.data);
    return std::string(data, strnlen(data, attr.length));
}

Addr16 nla_addr(const AttrView& attr) {
    Addr16 addr{};
    std::memcpy(addr.data(), attr.data, std::min(attr.length, addr.size()));
    return addr;
}

bool ipv4_multicast(const Addr16& a) {
    return (a[0] & 0xf0) == 0xe0;
}

bool ipv4_lbcast(const Addr16& a) {
    return a[0] == 0xff && a[1] == 0xff && a[2] == 0xff && a[3] == 0xff;
}

bool tail_zero(const Addr16& a) {
    return std::all_of(a.begin() + 4, a.end(), [](std::uint8_t b) { return b == 0; });
}

// fnat_addr_check()
Verdict addr_check(std::uint16_t af, const Addr16& addr) {
    if (af == AF_INET6) {
        const bool any =
            std::all_of(addr.begin(), addr.end(), [](std::uint8_t b) { return b == 0; });
        if (any || addr[0] == 0xff)
            return {EINVAL, "Address must be unicast"};
        static const std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::memcmp(addr.data(), mapped, sizeof(mapped)) == 0)
            return {EINVAL, "IPv4-mapped IPv6 address: give the IPv4 address instead"};
        return {};
    }
    if (af != AF_INET)
        return {EAFNOSUPPORT, "Unsupported address family"};
    if (!tail_zero(addr))
        return {EINVAL, "IPv4 address must have its last 12 bytes zero"};
    if (ipv4_multicast(addr) || ipv4_lbcast(addr))
        return {EINVAL, "Address must be unicast"};
    return {};
}

// fnat_genl_parse_nest()
Verdict need_nest(const Table& top, int type, const char* missing) {
    if (!top[static_cast<std::size_t>(type)])
        return {EINVAL, missing};
    return {};
}

const char* const kMissingKey = "Missing address family, address or port";

// fnat_genl_svc_key(): the nest, the keys, then fnat_svc_key_check().
Verdict svc_key(const Table& top, SvcKey& key, Table& tb) {
    if (Verdict v = need_nest(top, FNAT_A_SERVICE, "Missing service attribute"); !v.ok())
        return v;
    tb = parse_nested(*top[FNAT_A_SERVICE], svc_policy());
    if (!tb[FNAT_SVC_A_PROTOCOL])
        return {EINVAL, "Missing protocol"};
    for (int t : {FNAT_SVC_A_FAMILY, FNAT_SVC_A_PROTOCOL, FNAT_SVC_A_ADDR, FNAT_SVC_A_PORT})
        if (!tb[static_cast<std::size_t>(t)])
            return {EINVAL, kMissingKey};
    key.af = get_u16(tb[FNAT_SVC_A_FAMILY]->data);
    key.protocol = tb[FNAT_SVC_A_PROTOCOL]->data[0];
    key.addr = nla_addr(*tb[FNAT_SVC_A_ADDR]);
    key.port = get_be16(tb[FNAT_SVC_A_PORT]->data);
    if (Verdict v = addr_check(key.af, key.addr); !v.ok())
        return v;
    if (key.protocol != IPPROTO_TCP && key.protocol != IPPROTO_UDP)
        return {EPROTONOSUPPORT, "Protocol must be TCP or UDP"};
    return {};
}

// fnat_svc_settings_apply() onto s; existing: SET_SERVICE (s has its dests).
Verdict svc_settings(const Table& tb, const SvcKey& key, ServiceRec& s, bool existing) {
    if (tb[FNAT_SVC_A_SCHED_NAME]) {
        const std::string name = nla_string(*tb[FNAT_SVC_A_SCHED_NAME]);
        if (std::find(std::begin(kSchedulers), std::end(kSchedulers), name) ==
            std::end(kSchedulers))
            return {ENOENT, "Scheduler not found"};
        s.sched = name;
    }
    if (tb[FNAT_SVC_A_FLAGS])
        s.flags = get_u32(tb[FNAT_SVC_A_FLAGS]->data);
    if (tb[FNAT_SVC_A_TIMEOUT])
        s.timeout = get_u32(tb[FNAT_SVC_A_TIMEOUT]->data);
    if (tb[FNAT_SVC_A_NETMASK]) {
        const std::uint8_t netmask = tb[FNAT_SVC_A_NETMASK]->data[0];
        if (netmask > (key.af == AF_INET ? 32 : 128))
            return {EINVAL, "Netmask prefix length too long for the address family"};
        s.netmask = netmask;
    }
    if (key.port == 0 && (s.flags & FNAT_SVC_F_PERSISTENT) == 0)
        return {EINVAL, "Zero port specified for non-persistent service"};
    if ((s.flags & FNAT_SVC_F_SYNPROXY) != 0) {
        if (key.protocol != IPPROTO_TCP)
            return {EINVAL, "SYN proxy is for TCP services"};
        if (existing && std::any_of(s.dests.begin(), s.dests.end(), [](const DestRec& d) {
                return d.fwd != FNAT_FWD_NAT && d.fwd != FNAT_FWD_FULLNAT;
            }))
            return {EINVAL, "SYN proxy needs NAT or FULLNAT destinations: direct routing and "
                            "tunnelled servers answer clients past the director"};
    }
    return {};
}

struct DestConf {
    std::optional<std::uint8_t> fwd;
    std::optional<std::uint32_t> weight;
    std::optional<std::uint32_t> u_thresh;
    std::optional<std::uint32_t> l_thresh;
};

// fnat_genl_dest_key() and fnat_genl_dest_conf()
Verdict dest_key(const Table& top, DestRec& key, DestConf& conf) {
    if (Verdict v = need_nest(top, FNAT_A_DEST, "Missing destination attribute"); !v.ok())
        return v;
    Table tb = parse_nested(*top[FNAT_A_DEST], dest_policy());
    for (int t : {FNAT_DEST_A_FAMILY, FNAT_DEST_A_ADDR, FNAT_DEST_A_PORT})
        if (!tb[static_cast<std::size_t>(t)])
            return {EINVAL, kMissingKey};
    key.af = get_u16(tb[FNAT_DEST_A_FAMILY]->data);
    key.addr = nla_addr(*tb[FNAT_DEST_A_ADDR]);
    key.port = get_be16(tb[FNAT_DEST_A_PORT]->data);
    if (tb[FNAT_DEST_A_FWD_METHOD])
        conf.fwd = tb[FNAT_DEST_A_FWD_METHOD]->data[0];
    if (tb[FNAT_DEST_A_WEIGHT])
        conf.weight = get_u32(tb[FNAT_DEST_A_WEIGHT]->data);
    if (tb[FNAT_DEST_A_U_THRESH])
        conf.u_thresh = get_u32(tb[FNAT_DEST_A_U_THRESH]->data);
    if (tb[FNAT_DEST_A_L_THRESH])
        conf.l_thresh = get_u32(tb[FNAT_DEST_A_L_THRESH]->data);
    return {};
}

// fnat_dest_key_check()
Verdict dest_key_check(const ServiceRec& svc, const DestRec& key) {
    if (key.af != svc.key.af && !(svc.key.af == AF_INET6 && key.af == AF_INET))
        return {EAFNOSUPPORT, "An IPv4 service cannot have IPv6 destinations"};
    if (Verdict v = addr_check(key.af, key.addr); !v.ok())
        return v;
    // ipv4_is_zeronet(): 0.0.0.0 only.
    if (key.af == AF_INET && key.addr[0] == 0 && key.addr[1] == 0 && key.addr[2] == 0 &&
        key.addr[3] == 0)
        return {EINVAL, "Address must be unicast"};
    return {};
}

std::size_t laddr_count(const ServiceRec& svc, std::uint16_t af) {
    return static_cast<std::size_t>(std::count_if(svc.laddrs.begin(), svc.laddrs.end(),
                                                  [&](const LaddrRec& l) { return l.af == af; }));
}

// fnat_dest_conf_check()
Verdict dest_conf_check(const ServiceRec& svc, std::uint16_t af, std::uint8_t fwd, std::uint32_t u,
                        std::uint32_t l) {
    if (fwd < FNAT_FWD_DR || fwd > FNAT_FWD_MAX)
        return {EINVAL, "Unknown forwarding method"};
    if ((svc.flags & FNAT_SVC_F_SYNPROXY) != 0 && fwd != FNAT_FWD_NAT && fwd != FNAT_FWD_FULLNAT)
        return {EINVAL, "A SYN proxy service forwards by NAT or FULLNAT only"};
    if (af != svc.key.af && fwd != FNAT_FWD_FULLNAT)
        return {EAFNOSUPPORT,
                "Only FULLNAT (-b) can forward an IPv6 service to an IPv4 destination"};
    if (fwd == FNAT_FWD_FULLNAT && svc.laddrs.empty())
        return {EINVAL, "FULLNAT needs a local address: add one to the service first (-P)"};
    if (fwd == FNAT_FWD_FULLNAT && laddr_count(svc, af) == 0)
        return {EINVAL, af == AF_INET6 ? "FULLNAT to an IPv6 destination needs an IPv6 local "
                                         "address: add one to the service first (-P)"
                                       : "FULLNAT to an IPv4 destination needs an IPv4 local "
                                         "address: add one to the service first (-P)"};
    if (l > u)
        return {EINVAL, "Lower threshold must not exceed the upper threshold"};
    return {};
}

bool keeps_port(std::uint8_t fwd) {
    return fwd == FNAT_FWD_DR || fwd == FNAT_FWD_TUN;
}

const DestRec* dest_lookup(const ServiceRec& svc, const DestRec& key) {
    for (const DestRec& d : svc.dests)
        if (d.af == key.af && d.port == key.port && addr_equal(key.af, d.addr, key.addr))
            return &d;
    return nullptr;
}

// The outcomes of one request, built as the handlers run.
class Run {
public:
    Run(const Config& before, const Environment& env) : before_(before), env_(env) {}

    // One outcome: refused with v, or (v ok) accepted with the configuration
    // as it is now.
    Outcome finish(const Verdict& v, ReplyKind reply = ReplyKind::None,
                   std::optional<SvcKey> filter = std::nullopt) const {
        Outcome o;
        o.error = v.error;
        o.extack = v.extack;
        if (v.ok()) {
            o.after = changed_;
            o.reply = reply;
            o.filter = filter;
        }
        return o;
    }

    std::vector<Outcome> handle(const CoreResult& core);

private:
    const Config& cur() const { return changed_ ? *changed_ : before_; }
    // The configuration to change: a copy of the one before, made once.
    Config& edit() {
        if (!changed_)
            changed_ = std::make_shared<Config>(before_);
        return *changed_;
    }

    std::vector<Outcome> one(const Verdict& v, ReplyKind reply = ReplyKind::None,
                             std::optional<SvcKey> filter = std::nullopt) const {
        return {finish(v, reply, filter)};
    }

    std::vector<Outcome> service_write(std::uint8_t command, const Table& top);
    std::vector<Outcome> dest_write(std::uint8_t command, const Table& top);
    std::vector<Outcome> laddr_write(std::uint8_t command, const Table& top);
    std::vector<Outcome> set_timeout(const Table& top);
    std::vector<Outcome> zero(const Table& top);
    std::vector<Outcome> get_service(const Table& top, bool dump);
    std::vector<Outcome> get_filtered(const Table& top, ReplyKind kind, bool required);
    std::vector<Outcome> new_daemon(const Table& top);
    std::vector<Outcome> del_daemon(const Table& top);

    const Config& before_;
    std::shared_ptr<Config> changed_;
    const Environment& env_;
};

std::vector<Outcome> Run::handle(const CoreResult& core) {
    const Table& top = core.top;
    switch (core.op->command) {
    case FNAT_CMD_NEW_SERVICE:
    case FNAT_CMD_SET_SERVICE:
    case FNAT_CMD_DEL_SERVICE:
        return service_write(core.op->command, top);
    case FNAT_CMD_GET_SERVICE:
        return get_service(top, core.dump);
    case FNAT_CMD_NEW_DEST:
    case FNAT_CMD_SET_DEST:
    case FNAT_CMD_DEL_DEST:
        return dest_write(core.op->command, top);
    case FNAT_CMD_GET_DEST:
        return get_filtered(top, ReplyKind::Dests, true);
    case FNAT_CMD_FLUSH:
        edit().services.clear();
        return one({});
    case FNAT_CMD_GET_INFO:
        return one({}, ReplyKind::Info);
    case FNAT_CMD_SET_TIMEOUT:
        return set_timeout(top);
    case FNAT_CMD_GET_TIMEOUT:
        return one({}, ReplyKind::Timeouts);
    case FNAT_CMD_ZERO:
        return zero(top);
    case FNAT_CMD_GET_CONN:
        return get_filtered(top, ReplyKind::Conns, false);
    case FNAT_CMD_NEW_LADDR:
    case FNAT_CMD_DEL_LADDR:
        return laddr_write(core.op->command, top);
    case FNAT_CMD_GET_LADDR:
        return get_filtered(top, ReplyKind::Laddrs, false);
    case FNAT_CMD_NEW_DAEMON:
        return new_daemon(top);
    case FNAT_CMD_DEL_DAEMON:
        return del_daemon(top);
    case FNAT_CMD_GET_DAEMON:
        return one({}, ReplyKind::Daemons);
    default:
        return one({EOPNOTSUPP, ""});
    }
}

// fnat_genl_svc_write(): fnat_svc_add(), fnat_svc_edit(), fnat_svc_del().
std::vector<Outcome> Run::service_write(std::uint8_t command, const Table& top) {
    SvcKey key;
    Table tb;
    if (Verdict v = svc_key(top, key, tb); !v.ok())
        return one(v);
    const ServiceRec* svc = cur().find(key);
    if (command == FNAT_CMD_NEW_SERVICE) {
        if (svc != nullptr)
            return one({EEXIST, "Service already exists"});
        ServiceRec s;
        s.key = key;
        s.netmask = key.af == AF_INET ? 32 : 128;
        if (Verdict v = svc_settings(tb, key, s, false); !v.ok())
            return one(v);
        edit().services.push_back(s);
        return one({});
    }
    if (svc == nullptr)
        return one({ESRCH, "No such service"});
    if (command == FNAT_CMD_SET_SERVICE) {
        ServiceRec s = *svc;
        if (Verdict v = svc_settings(tb, key, s, true); !v.ok())
            return one(v);
        *edit().find(key) = s;
        return one({});
    }
    const auto index = svc - cur().services.data();
    edit().services.erase(edit().services.begin() + index);
    return one({});
}

// fnat_genl_dest_write(): fnat_dest_add(), fnat_dest_edit(), fnat_dest_del().
std::vector<Outcome> Run::dest_write(std::uint8_t command, const Table& top) {
    SvcKey skey;
    Table stb;
    if (Verdict v = svc_key(top, skey, stb); !v.ok())
        return one(v);
    DestRec key;
    DestConf conf;
    if (Verdict v = dest_key(top, key, conf); !v.ok())
        return one(v);
    const ServiceRec* svc = cur().find(skey);
    if (svc == nullptr)
        return one({ESRCH, "Service not defined"});
    if (Verdict v = dest_key_check(*svc, key); !v.ok())
        return one(v);

    if (command == FNAT_CMD_NEW_DEST) {
        const std::uint8_t fwd = conf.fwd.value_or(FNAT_FWD_DR);
        const std::uint32_t u = conf.u_thresh.value_or(0);
        const std::uint32_t l = conf.l_thresh.value_or(0);
        if (Verdict v = dest_conf_check(*svc, key.af, fwd, u, l); !v.ok())
            return one(v);
        if (keeps_port(fwd))
            key.port = svc->key.port;
        if (dest_lookup(*svc, key) != nullptr)
            return one({EEXIST, "Destination already exists"});
        key.fwd = fwd;
        key.weight = conf.weight.value_or(1);
        key.u_thresh = u;
        key.l_thresh = l;
        edit().find(skey)->dests.push_back(key);
        return one({});
    }

    // fnat_dest_find(): DR and TUN asked for name the service's port.
    if (command == FNAT_CMD_SET_DEST && conf.fwd && keeps_port(*conf.fwd))
        key.port = svc->key.port;
    const DestRec* dest = dest_lookup(*svc, key);
    if (dest == nullptr)
        return one({ENOENT, "No such destination"});
    if (command == FNAT_CMD_DEL_DEST) {
        const std::size_t index = static_cast<std::size_t>(dest - svc->dests.data());
        ServiceRec* s = edit().find(skey);
        s->dests.erase(s->dests.begin() + static_cast<long>(index));
        return one({});
    }
    const std::uint8_t fwd = conf.fwd.value_or(dest->fwd);
    const std::uint32_t u = conf.u_thresh.value_or(dest->u_thresh);
    const std::uint32_t l = conf.l_thresh.value_or(dest->l_thresh);
    if (Verdict v = dest_conf_check(*svc, dest->af, fwd, u, l); !v.ok())
        return one(v);
    if (keeps_port(fwd) && dest->port != svc->key.port)
        return one({EINVAL, "Direct routing and tunnelling need the destination port to equal "
                            "the service port"});
    const std::size_t index = static_cast<std::size_t>(dest - svc->dests.data());
    DestRec& d = edit().find(skey)->dests[index];
    if (conf.weight)
        d.weight = *conf.weight;
    d.fwd = fwd;
    d.u_thresh = u;
    d.l_thresh = l;
    return one({});
}

// fnat_genl_laddr_write(): fnat_laddr_add(), fnat_laddr_del().
std::vector<Outcome> Run::laddr_write(std::uint8_t command, const Table& top) {
    SvcKey skey;
    Table stb;
    if (Verdict v = svc_key(top, skey, stb); !v.ok())
        return one(v);
    if (Verdict v = need_nest(top, FNAT_A_LADDR, "Missing local address attribute"); !v.ok())
        return one(v);
    Table ltb = parse_nested(*top[FNAT_A_LADDR], laddr_policy());
    if (!ltb[FNAT_LADDR_A_FAMILY] || !ltb[FNAT_LADDR_A_ADDR])
        return one({EINVAL, kMissingKey});
    LaddrRec la;
    la.af = get_u16(ltb[FNAT_LADDR_A_FAMILY]->data);
    la.addr = nla_addr(*ltb[FNAT_LADDR_A_ADDR]);

    const ServiceRec* svc = cur().find(skey);
    if (svc == nullptr)
        return one({ESRCH, "Service not defined"});
    auto found = std::find_if(svc->laddrs.begin(), svc->laddrs.end(), [&](const LaddrRec& l) {
        return l.af == la.af && addr_equal(la.af, l.addr, la.addr);
    });
    if (command == FNAT_CMD_DEL_LADDR) {
        if (Verdict v = addr_check(la.af, la.addr); !v.ok())
            return one(v);
        if (found == svc->laddrs.end())
            return one({ENOENT, "No such local address"});
        const auto index = found - svc->laddrs.begin();
        ServiceRec* s = edit().find(skey);
        s->laddrs.erase(s->laddrs.begin() + index);
        return one({});
    }
    if (la.af != svc->key.af && !(svc->key.af == AF_INET6 && la.af == AF_INET))
        return one({EAFNOSUPPORT, "An IPv4 service cannot have IPv6 local addresses"});
    if (Verdict v = addr_check(la.af, la.addr); !v.ok())
        return one(v);
    if (found != svc->laddrs.end())
        return one({EEXIST, "Local address already exists"});
    // fnat_laddr_unicast(): IPv6 addresses that pass fnat_addr_check() are.
    const Verdict not_unicast{EADDRNOTAVAIL, "Not a unicast address"};
    std::optional<bool> unicast = true;
    if (la.af == AF_INET) {
        const bool zero = la.addr[0] == 0 && la.addr[1] == 0 && la.addr[2] == 0 && la.addr[3] == 0;
        unicast = zero ? std::optional<bool>(false) : env_.ipv4_unicast(la.addr.data());
    }
    if (unicast && !*unicast)
        return one(not_unicast);
    Outcome refused = finish(not_unicast);
    edit().find(skey)->laddrs.push_back(la);
    std::vector<Outcome> outcomes = one({});
    if (!unicast)
        outcomes.push_back(refused);
    return outcomes;
}

// fnat_genl_set_timeout(), fnat_netns_set_timeouts()
std::vector<Outcome> Run::set_timeout(const Table& top) {
    if (Verdict v = need_nest(top, FNAT_A_TIMEOUT, "Missing timeout attribute"); !v.ok())
        return one(v);
    Table tb = parse_nested(*top[FNAT_A_TIMEOUT], timeout_policy());
    if (!tb[FNAT_TIMEOUT_A_TCP] && !tb[FNAT_TIMEOUT_A_TCP_FIN] && !tb[FNAT_TIMEOUT_A_UDP])
        return one({EINVAL, "No timeout given"});
    TimeoutsRec& t = edit().timeouts;
    if (tb[FNAT_TIMEOUT_A_TCP])
        t.tcp = get_u32(tb[FNAT_TIMEOUT_A_TCP]->data);
    if (tb[FNAT_TIMEOUT_A_TCP_FIN])
        t.tcp_fin = get_u32(tb[FNAT_TIMEOUT_A_TCP_FIN]->data);
    if (tb[FNAT_TIMEOUT_A_UDP])
        t.udp = get_u32(tb[FNAT_TIMEOUT_A_UDP]->data);
    return one({});
}

// fnat_genl_zero(): counters only.
std::vector<Outcome> Run::zero(const Table& top) {
    if (!top[FNAT_A_SERVICE])
        return one({});
    SvcKey key;
    Table tb;
    if (Verdict v = svc_key(top, key, tb); !v.ok())
        return one(v);
    if (cur().find(key) == nullptr)
        return one({ESRCH, "No such service"});
    return one({});
}

// fnat_genl_get_svc() answers one service; the dump ignores any filter.
std::vector<Outcome> Run::get_service(const Table& top, bool dump) {
    if (dump)
        return one({}, ReplyKind::Services);
    SvcKey key;
    Table tb;
    if (Verdict v = svc_key(top, key, tb); !v.ok())
        return one(v);
    if (cur().find(key) == nullptr)
        return one({ESRCH, "No such service"});
    return one({}, ReplyKind::Service, key);
}

// The dumps of GET_DEST (service required), GET_CONN and GET_LADDR
// (service optional).
std::vector<Outcome> Run::get_filtered(const Table& top, ReplyKind kind, bool required) {
    if (!required && !top[FNAT_A_SERVICE])
        return one({}, kind);
    SvcKey key;
    Table tb;
    if (Verdict v = svc_key(top, key, tb); !v.ok())
        return one(v);
    if (cur().find(key) == nullptr)
        return one({ESRCH, "No such service"});
    return one({}, kind, key);
}

// fnat_genl_daemon_parse()
Verdict daemon_parse(const Table& top, Table& tb) {
    if (Verdict v = need_nest(top, FNAT_A_DAEMON, "Missing sync daemon attribute"); !v.ok())
        return v;
    tb = parse_nested(*top[FNAT_A_DAEMON], daemon_policy());
    if (!tb[FNAT_DAEMON_A_STATE])
        return {EINVAL, "Missing sync daemon state"};
    return {};
}

// fnat_genl_daemon_new(), fnat_genl_daemon_group(), fnat_sync_start() with
// fnat_sync_conf_check().
std::vector<Outcome> Run::new_daemon(const Table& top) {
    Table tb;
    if (Verdict v = daemon_parse(top, tb); !v.ok())
        return one(v);
    if (!tb[FNAT_DAEMON_A_MCAST_IFN])
        return one({EINVAL, "Missing multicast interface"});
    DaemonRec d;
    d.state = get_u32(tb[FNAT_DAEMON_A_STATE]->data);
    d.ifname = nla_string(*tb[FNAT_DAEMON_A_MCAST_IFN]);
    if (tb[FNAT_DAEMON_A_SYNC_ID])
        d.syncid = tb[FNAT_DAEMON_A_SYNC_ID]->data[0];
    if (tb[FNAT_DAEMON_A_SYNC_MAXLEN])
        d.maxlen = get_u16(tb[FNAT_DAEMON_A_SYNC_MAXLEN]->data);
    if (tb[FNAT_DAEMON_A_MCAST_PORT]) {
        d.port = get_be16(tb[FNAT_DAEMON_A_MCAST_PORT]->data);
        if (d.port == 0)
            return one({ERANGE, "Multicast port 0"});
    }
    if (tb[FNAT_DAEMON_A_MCAST_TTL])
        d.ttl = tb[FNAT_DAEMON_A_MCAST_TTL]->data[0];
    d.auth = tb[FNAT_DAEMON_A_KEY].has_value();
    const bool group = tb[FNAT_DAEMON_A_MCAST_GROUP].has_value();
    const bool family = tb[FNAT_DAEMON_A_MCAST_FAMILY].has_value();
    if (group || family) {
        if (!group || !family)
            return one({EINVAL, "Multicast group and family go together"});
        const std::uint16_t af = get_u16(tb[FNAT_DAEMON_A_MCAST_FAMILY]->data);
        if (af == AF_INET6)
            return one({EAFNOSUPPORT, "IPv6 sync groups are not supported yet"});
        if (af != AF_INET)
            return one({EAFNOSUPPORT, "Unknown address family"});
        const Addr16 addr = nla_addr(*tb[FNAT_DAEMON_A_MCAST_GROUP]);
        if (!tail_zero(addr))
            return one({EINVAL, "IPv4 address with trailing bytes"});
        if (!ipv4_multicast(addr))
            return one({EINVAL, "Not a multicast group"});
        std::memcpy(d.group.data(), addr.data(), 4);
    }
    if (cur().daemon(d.state))
        return one({EEXIST, "Sync daemon already running"});
    const std::optional<unsigned> mtu = env_.interface_mtu(d.ifname);
    if (!mtu)
        return one({ENODEV, "No such interface"});
    unsigned mtu_max = *mtu > kSyncHdrsLen ? *mtu - kSyncHdrsLen : 0;
    mtu_max = std::min<unsigned>(mtu_max, FNAT_SYNC_MAXLEN_MAX);
    if (d.maxlen == 0)
        d.maxlen = static_cast<std::uint16_t>(mtu_max);
    if (d.maxlen > mtu_max)
        return one({EINVAL, "Sync maxlen exceeds the interface MTU"});
    if (d.maxlen < FNAT_SYNC_MAXLEN_MIN)
        return one({EINVAL, "Interface MTU too small for sync"});
    if (d.group == std::array<std::uint8_t, 4>{})
        d.group = {224, 0, 0, 83}; // FNAT_SYNC_GROUP_DEFAULT
    if (d.port == 0)
        d.port = FNAT_SYNC_PORT_DEFAULT;
    if (d.ttl == 0)
        d.ttl = FNAT_SYNC_TTL_DEFAULT;
    edit().daemon(d.state) = d;
    return one({});
}

// fnat_genl_daemon_del(), fnat_sync_stop()
std::vector<Outcome> Run::del_daemon(const Table& top) {
    Table tb;
    if (Verdict v = daemon_parse(top, tb); !v.ok())
        return one(v);
    if (tb[FNAT_DAEMON_A_MCAST_IFN] || tb[FNAT_DAEMON_A_KEY])
        return one({EINVAL, "Stopping a sync daemon takes only its state"});
    const std::uint32_t state = get_u32(tb[FNAT_DAEMON_A_STATE]->data);
    if (!cur().daemon(state))
        return one({ESRCH, "No sync daemon running"});
    edit().daemon(state).reset();
    return one({});
}

} // namespace

Prediction predict(const Bytes& message, const Config& before, bool privileged,
                   const Environment& env) {
    Prediction prediction;
    if (message.size() > kNlmsgHdrLen)
        prediction.command = message[kNlmsgHdrLen];
    prediction.dump = is_dump_request(message);
    const Op* op = find_op(prediction.command);
    prediction.write = op != nullptr && op->write;

    const CoreResult core = run_core(message, privileged, env.split_ops());
    Run run(before, env);
    if (!core.verdict.ok()) {
        prediction.outcomes.push_back(run.finish(core.verdict));
        return prediction;
    }
    prediction.outcomes = run.handle(core);
    return prediction;
}

std::string errno_name(int error) {
    switch (error) {
    case 0:
        return "OK";
    case EINVAL:
        return "EINVAL";
    case ERANGE:
        return "ERANGE";
    case EPERM:
        return "EPERM";
    case ENOENT:
        return "ENOENT";
    case ESRCH:
        return "ESRCH";
    case EEXIST:
        return "EEXIST";
    case EOPNOTSUPP:
        return "EOPNOTSUPP";
    case EAFNOSUPPORT:
        return "EAFNOSUPPORT";
    case EPROTONOSUPPORT:
        return "EPROTONOSUPPORT";
    case EADDRNOTAVAIL:
        return "EADDRNOTAVAIL";
    case ENODEV:
        return "ENODEV";
    case ENOMEM:
        return "ENOMEM";
    case EMSGSIZE:
        return "EMSGSIZE";
    default:
        return "errno " + std::to_string(error);
    }
}

} // namespace fnat::fuzz

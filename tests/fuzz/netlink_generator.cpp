#include "fuzz/netlink_generator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <uapi/fnat.h>

#include "fuzz/netlink_mutator.h"

namespace fnat::fuzz {

namespace {

Addr16 v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    Addr16 addr{};
    addr[0] = a;
    addr[1] = b;
    addr[2] = c;
    addr[3] = d;
    return addr;
}

Addr16 v6(const char* text) {
    Addr16 addr{};
    inet_pton(AF_INET6, text, addr.data());
    return addr;
}

Addr16 with_tail(Addr16 addr) {
    addr[15] = 1;
    return addr;
}

// The key space.
const std::vector<Addr16> kVip4 = {v4(10, 0, 0, 1), v4(10, 0, 0, 2)};
const std::vector<Addr16> kVip6 = {v6("2001:db8::1"), v6("2001:db8::2")};
const std::vector<std::pair<std::uint16_t, Addr16>> kOddVip = {
    {AF_INET, v4(224, 0, 0, 1)},
    {AF_INET, v4(255, 255, 255, 255)},
    {AF_INET, with_tail(v4(10, 0, 0, 1))},
    {AF_INET, v4(0, 0, 0, 0)},
    {AF_INET6, v6("::")},
    {AF_INET6, v6("ff02::1")},
    {AF_INET6, v6("::ffff:10.0.0.1")},
    {AF_INET6, v6("::1")},
    {AF_INET6, v6("fe80::1")},
};
const std::vector<std::uint16_t> kVports = {80, 443, 0};

const std::vector<Addr16> kRip4 = {v4(10, 1, 0, 1), v4(10, 1, 0, 2), v4(10, 1, 0, 3)};
const std::vector<Addr16> kRip6 = {v6("2001:db8:1::1"), v6("2001:db8:1::2")};
const std::vector<std::pair<std::uint16_t, Addr16>> kOddRip = {
    {AF_INET, v4(0, 0, 0, 0)},
    {AF_INET, v4(0, 1, 2, 3)},
    {AF_INET, v4(224, 1, 1, 1)},
    {AF_INET, with_tail(v4(10, 1, 0, 1))},
    {AF_INET6, v6("::")},
    {AF_INET6, v6("ff02::2")},
    {AF_INET6, v6("::ffff:10.1.0.1")},
};
const std::vector<std::uint16_t> kRports = {80, 8080, 443, 0};

const std::vector<Addr16> kLip4 = {v4(192, 0, 2, 1), v4(192, 0, 2, 2), v4(198, 51, 100, 7),
                                   v4(127, 0, 0, 1)};
const std::vector<Addr16> kLip6 = {v6("2001:db8:ff::1"), v6("2001:db8:ff::2"), v6("fe80::1")};
const std::vector<std::pair<std::uint16_t, Addr16>> kOddLip = {
    {AF_INET, v4(0, 0, 0, 0)},
    {AF_INET, v4(0, 1, 2, 3)},
    {AF_INET, v4(224, 0, 0, 5)},
    {AF_INET, v4(255, 255, 255, 255)},
    {AF_INET, v4(127, 255, 255, 255)},
    {AF_INET, with_tail(v4(192, 0, 2, 1))},
    {AF_INET6, v6("::")},
    {AF_INET6, v6("ff02::1")},
    {AF_INET6, v6("::ffff:1.2.3.4")},
};

const std::vector<std::string> kSchedulers = {"rr", "wrr",  "lc",    "wlc", "sed", "nq",  "dh",
                                              "sh", "lblc", "lblcr", "mh",  "fo",  "ovf", "twos"};
const std::vector<std::string> kBadSchedulers = {
    "", "foo", "WLC", "rr ", "abcdefghijklmno", "wlc-but-longer-than-16"};

// 16 and up: the SYN proxy (FNAT_SVC_F_SYNPROXY), 32 the first undefined bit.
const std::vector<std::uint32_t> kFlags = {0,  1,  2,  3,  4,  5,           6,          7,
                                           8,  9,  10, 11, 12, 13,          14,         15,
                                           16, 17, 24, 31, 32, 0x80000000U, 0xffffffffU};
const std::vector<std::uint32_t> kPersist = {
    1, 60, 360, FNAT_PERSIST_MAX, FNAT_PERSIST_MAX + 1, 0, 0xffffffffU};
const std::vector<std::uint8_t> kNetmasks = {0, 8, 24, 32, 33, 64, 96, 128, 129, 255};
const std::vector<std::uint32_t> kWeights = {0, 1, 2, 5, 100, 65535, 65536, 0xffffffffU};
const std::vector<std::uint32_t> kUpper = {0, 1, 10, 100, 0xffffffffU};
const std::vector<std::uint32_t> kLower = {0, 1, 5, 10, 1000};
const std::vector<std::uint32_t> kTimeouts = {
    1, 2,          60, 120, 300, 7440, FNAT_TIMEOUT_MAX - 1, FNAT_TIMEOUT_MAX, FNAT_TIMEOUT_MAX + 1,
    0, 0xffffffffU};

// Every position of an attribute in the tree: its container and index.
struct Slot {
    std::vector<Attr>* container;
    std::size_t index;
};

void collect_slots(std::vector<Attr>& attrs, std::vector<Slot>& out) {
    for (std::size_t i = 0; i < attrs.size(); ++i) {
        out.push_back({&attrs, i});
        if (attrs[i].nest)
            collect_slots(attrs[i].children, out);
    }
}

void collect_containers(std::vector<Attr>& attrs, std::vector<std::vector<Attr>*>& out) {
    out.push_back(&attrs);
    for (Attr& a : attrs)
        if (a.nest)
            collect_containers(a.children, out);
}

Bytes random_bytes(Rng& rng, std::size_t n) {
    Bytes b(n);
    for (auto& x : b)
        x = rng.byte();
    return b;
}

} // namespace

std::string command_name(std::uint8_t command) {
    static const char* const names[] = {
        "UNSPEC",      "NEW_SERVICE", "SET_SERVICE", "DEL_SERVICE", "GET_SERVICE", "NEW_DEST",
        "SET_DEST",    "DEL_DEST",    "GET_DEST",    "FLUSH",       "GET_INFO",    "SET_TIMEOUT",
        "GET_TIMEOUT", "ZERO",        "GET_CONN",    "NEW_LADDR",   "DEL_LADDR",   "GET_LADDR",
        "NEW_DAEMON",  "DEL_DAEMON",  "GET_DAEMON"};
    if (command < sizeof(names) / sizeof(names[0]))
        return names[command];
    return "cmd " + std::to_string(command);
}

Generator::Generator(std::uint64_t seed, GeneratorOptions options)
    : rng_(seed), options_(std::move(options)) {}

Generated Generator::next(const Config& config, std::uint16_t family) {
    Built built = build(config);
    Generated g;
    if (rng_.chance(options_.fault_per_mille)) {
        apply_faults(built.message, built.recipe);
        g.faulty = true;
    }
    if (rng_.chance(options_.header_per_mille)) {
        apply_header_fault(built.message, built.recipe);
        g.faulty = true;
    }
    g.bytes = encode_message(built.message, family, 0);
    if (rng_.chance(options_.mutant_per_mille)) {
        built.recipe += " " + mutate(rng_, g.bytes);
        g.mutant = true;
    }
    g.recipe = built.recipe;
    return g;
}

Generated Generator::next_read(const Config& config, std::uint16_t family) {
    Built built = build_read(config);
    Generated g;
    g.bytes = encode_message(built.message, family, 0);
    g.recipe = built.recipe;
    return g;
}

Generator::Built Generator::build(const Config& config) {
    return rng_.chance(150) ? build_read(config) : build_write(config);
}

std::uint16_t Generator::pick_family(std::uint16_t usual) {
    if (rng_.chance(960))
        return usual;
    static const std::vector<std::uint16_t> odd = {0, AF_UNIX, 99, 0xffff, AF_INET, AF_INET6};
    return rng_.pick(odd);
}

Addr16 Generator::pick_addr(std::uint16_t af, const std::vector<Addr16>& pool4,
                            const std::vector<Addr16>& pool6,
                            const std::vector<std::pair<std::uint16_t, Addr16>>& odd) {
    if (rng_.chance(70)) {
        // An odd address of the family when there is one, else any.
        std::vector<Addr16> same;
        for (const auto& [f, a] : odd)
            if (f == af)
                same.push_back(a);
        return same.empty() ? rng_.pick(odd).second : rng_.pick(same);
    }
    return af == AF_INET6 ? rng_.pick(pool6) : rng_.pick(pool4);
}

SvcKey Generator::pick_svc_key(const Config& config, const ServiceRec** existing,
                               unsigned existing_per_mille) {
    *existing = nullptr;
    if (!config.services.empty() && rng_.chance(existing_per_mille)) {
        const ServiceRec& svc = rng_.pick(config.services);
        SvcKey key = svc.key;
        if (!rng_.chance(40)) {
            *existing = &svc;
            return key;
        }
        // One field off: a near miss.
        switch (rng_.below(3)) {
        case 0:
            key.port = rng_.pick(kVports);
            break;
        case 1:
            key.protocol = key.protocol == IPPROTO_TCP ? IPPROTO_UDP : IPPROTO_TCP;
            break;
        default:
            key.af = key.af == AF_INET ? AF_INET6 : AF_INET;
            break;
        }
        *existing = config.find(key);
        return key;
    }
    SvcKey key;
    key.af = pick_family(rng_.chance(500) ? AF_INET : AF_INET6);
    if (rng_.chance(970)) {
        key.protocol = rng_.chance(500) ? IPPROTO_TCP : IPPROTO_UDP;
    } else {
        static const std::vector<std::uint8_t> odd = {0, 1, 132, 255};
        key.protocol = rng_.pick(odd);
    }
    key.addr = pick_addr(key.af, kVip4, kVip6, kOddVip);
    key.port = rng_.chance(980) ? rng_.pick(kVports) : static_cast<std::uint16_t>(rng_.u32());
    *existing = config.find(key);
    return key;
}

std::vector<Attr> Generator::svc_key_attrs(const SvcKey& key) {
    return {attr_u16(FNAT_SVC_A_FAMILY, key.af), attr_u8(FNAT_SVC_A_PROTOCOL, key.protocol),
            attr_addr(FNAT_SVC_A_ADDR, key.addr), attr_be16(FNAT_SVC_A_PORT, key.port)};
}

// svc: the service the request names, when it exists.
void Generator::add_svc_settings(std::vector<Attr>& attrs, const ServiceRec* svc, bool port_zero,
                                 std::string& recipe) {
    if (rng_.chance(500)) {
        if (rng_.chance(920)) {
            const std::string& name = rng_.pick(kSchedulers);
            attrs.push_back(attr_str(FNAT_SVC_A_SCHED_NAME, name));
            recipe += " sched=" + name;
        } else {
            const std::string& name = rng_.pick(kBadSchedulers);
            const bool nul = rng_.chance(800);
            attrs.push_back(attr_str(FNAT_SVC_A_SCHED_NAME, name, nul));
            recipe += " sched='" + name + "'" + (nul ? "" : "(no NUL)");
        }
    }
    if (svc != nullptr && rng_.chance(120)) {
        // Its own flags with the SYN proxy switched: on over the dests it
        // has (refused over DR or TUN ones, or on UDP), or off again, so
        // that DR and TUN dests can come.
        const std::uint32_t flags = svc->flags ^ FNAT_SVC_F_SYNPROXY;
        attrs.push_back(attr_u32(FNAT_SVC_A_FLAGS, flags));
        recipe += " flags=" + std::to_string(flags) + " (synproxy switched)";
    } else if (port_zero && rng_.chance(700)) {
        const std::uint32_t flags = FNAT_SVC_F_PERSISTENT | (rng_.u32() & 0x1e);
        attrs.push_back(attr_u32(FNAT_SVC_A_FLAGS, flags));
        recipe += " flags=" + std::to_string(flags);
    } else if (rng_.chance(350)) {
        const std::uint32_t flags = rng_.pick(kFlags);
        attrs.push_back(attr_u32(FNAT_SVC_A_FLAGS, flags));
        recipe += " flags=" + std::to_string(flags);
    }
    if (rng_.chance(250)) {
        const std::uint32_t t = rng_.pick(kPersist);
        attrs.push_back(attr_u32(FNAT_SVC_A_TIMEOUT, t));
        recipe += " timeout=" + std::to_string(t);
    }
    if (rng_.chance(200)) {
        const std::uint8_t m = rng_.pick(kNetmasks);
        attrs.push_back(attr_u8(FNAT_SVC_A_NETMASK, m));
        recipe += " netmask=" + std::to_string(m);
    }
    // Shuffle: the kernel must not care about the order.
    for (std::size_t i = attrs.size(); i > 1; --i)
        std::swap(attrs[i - 1], attrs[rng_.index(i)]);
}

Attr Generator::dest_attr(const ServiceRec* svc, const SvcKey& key, bool settings,
                          std::string& recipe) {
    // A SYN proxy service takes NAT and FULLNAT only, and NEW_DEST without
    // a method means DR: name one more often there, so that such services
    // get dests; some on the service's port, the one SET_DEST to DR or TUN
    // looks for.
    const bool proxied = svc != nullptr && (svc->flags & FNAT_SVC_F_SYNPROXY) != 0;
    std::uint16_t af;
    Addr16 addr;
    std::uint16_t port;
    if (svc != nullptr && !svc->dests.empty() && rng_.chance(600)) {
        const DestRec& d = rng_.pick(svc->dests);
        af = d.af;
        addr = d.addr;
        port = rng_.chance(850) ? d.port : rng_.pick(kRports);
    } else {
        const std::uint16_t usual = key.af == AF_INET6 && rng_.chance(300) ? AF_INET : key.af;
        af = pick_family(usual == AF_INET6 ? AF_INET6 : AF_INET);
        addr = pick_addr(af, kRip4, kRip6, kOddRip);
        port = proxied && rng_.chance(400) ? key.port
               : rng_.chance(980)          ? rng_.pick(kRports)
                                           : static_cast<std::uint16_t>(rng_.u32());
    }
    std::vector<Attr> attrs = {attr_u16(FNAT_DEST_A_FAMILY, af), attr_addr(FNAT_DEST_A_ADDR, addr),
                               attr_be16(FNAT_DEST_A_PORT, port)};
    recipe += " -> " + describe(af, addr) + ":" + std::to_string(port);
    if (settings) {
        if (rng_.chance(proxied ? 850 : 600)) {
            // FULLNAT mostly where the service has local addresses.
            static const std::vector<std::uint8_t> methods = {
                FNAT_FWD_DR,      FNAT_FWD_TUN,     FNAT_FWD_NAT,    FNAT_FWD_NAT,
                FNAT_FWD_FULLNAT, FNAT_FWD_FULLNAT, FNAT_FWD_FULLNAT};
            static const std::vector<std::uint8_t> bad = {0, 5, 255};
            const bool laddrs = svc != nullptr && !svc->laddrs.empty();
            std::uint8_t fwd = rng_.chance(950) ? rng_.pick(methods) : rng_.pick(bad);
            if (fwd == FNAT_FWD_FULLNAT && !laddrs && rng_.chance(700))
                fwd = FNAT_FWD_NAT;
            attrs.push_back(attr_u8(FNAT_DEST_A_FWD_METHOD, fwd));
            recipe += " fwd=" + std::to_string(fwd);
        }
        if (rng_.chance(500)) {
            const std::uint32_t w = rng_.pick(kWeights);
            attrs.push_back(attr_u32(FNAT_DEST_A_WEIGHT, w));
            recipe += " weight=" + std::to_string(w);
        }
        // A lower threshold mostly with an upper one, and mostly not above it.
        const bool upper = rng_.chance(300);
        const std::uint32_t u = rng_.pick(kUpper);
        if (upper) {
            attrs.push_back(attr_u32(FNAT_DEST_A_U_THRESH, u));
            recipe += " u=" + std::to_string(u);
        }
        if (rng_.chance(upper ? 600 : 100)) {
            const std::vector<std::uint32_t> lower = {0, 1, u / 2, u, u + 1, rng_.pick(kLower)};
            const std::uint32_t l = rng_.chance(850) ? lower[rng_.index(4)] : rng_.pick(lower);
            attrs.push_back(attr_u32(FNAT_DEST_A_L_THRESH, l));
            recipe += " l=" + std::to_string(l);
        }
    }
    for (std::size_t i = attrs.size(); i > 1; --i)
        std::swap(attrs[i - 1], attrs[rng_.index(i)]);
    return attr_nest(FNAT_A_DEST, std::move(attrs));
}

Attr Generator::laddr_attr(const ServiceRec* svc, const SvcKey& key, bool existing,
                           std::string& recipe) {
    std::uint16_t af;
    Addr16 addr;
    if (existing && svc != nullptr && !svc->laddrs.empty() && rng_.chance(700)) {
        const LaddrRec& l = rng_.pick(svc->laddrs);
        af = l.af;
        addr = l.addr;
    } else {
        const std::uint16_t usual = key.af == AF_INET6 && rng_.chance(350) ? AF_INET : key.af;
        af = pick_family(usual == AF_INET6 ? AF_INET6 : AF_INET);
        addr = pick_addr(af, kLip4, kLip6, kOddLip);
    }
    recipe += " lip " + describe(af, addr);
    std::vector<Attr> attrs = {attr_u16(FNAT_LADDR_A_FAMILY, af),
                               attr_addr(FNAT_LADDR_A_ADDR, addr)};
    if (rng_.chance(300))
        std::swap(attrs[0], attrs[1]);
    return attr_nest(FNAT_A_LADDR, std::move(attrs));
}

Attr Generator::timeout_attr(std::string& recipe) {
    std::vector<Attr> attrs;
    if (!rng_.chance(60)) {
        for (std::uint16_t type :
             {FNAT_TIMEOUT_A_TCP, FNAT_TIMEOUT_A_TCP_FIN, FNAT_TIMEOUT_A_UDP}) {
            if (rng_.chance(500)) {
                const std::uint32_t t = rng_.pick(kTimeouts);
                attrs.push_back(attr_u32(type, t));
                recipe += " t" + std::to_string(type) + "=" + std::to_string(t);
            }
        }
    }
    if (attrs.empty())
        recipe += " (no timeouts)";
    return attr_nest(FNAT_A_TIMEOUT, std::move(attrs));
}

Attr Generator::daemon_attr(bool start, std::string& recipe) {
    std::vector<Attr> attrs;
    const std::uint32_t state = rng_.chance(960)   ? static_cast<std::uint32_t>(1 + rng_.below(2))
                                : rng_.chance(500) ? 0
                                                   : 3;
    attrs.push_back(attr_u32(FNAT_DAEMON_A_STATE, state));
    recipe += " state=" + std::to_string(state);
    if (start || rng_.chance(50)) {
        std::string ifname;
        if (rng_.chance(850) && !options_.interfaces.empty()) {
            ifname = rng_.pick(options_.interfaces);
        } else {
            static const std::vector<std::string> odd = {"nosuchif0", "", "lo:", "abcdefghijklmno",
                                                         "abcdefghijklmnop"};
            ifname = rng_.pick(odd);
        }
        if (start && rng_.chance(30)) {
            recipe += " (no ifname)";
        } else {
            attrs.push_back(attr_str(FNAT_DAEMON_A_MCAST_IFN, ifname));
            recipe += " ifn=" + ifname;
        }
    }
    if (start) {
        if (rng_.chance(300)) {
            const auto id = rng_.byte();
            attrs.push_back(attr_u8(FNAT_DAEMON_A_SYNC_ID, id));
            recipe += " syncid=" + std::to_string(id);
        }
        if (rng_.chance(300)) {
            static const std::vector<std::uint16_t> maxlens = {256, 1000,  1472, 65507,
                                                               255, 65508, 0};
            const std::uint16_t m = rng_.pick(maxlens);
            attrs.push_back(attr_u16(FNAT_DAEMON_A_SYNC_MAXLEN, m));
            recipe += " maxlen=" + std::to_string(m);
        }
        if (rng_.chance(250)) {
            static const std::vector<Addr16> groups = {v4(224, 0, 0, 83), v4(239, 1, 2, 3),
                                                       v4(10, 0, 0, 1), with_tail(v4(224, 0, 0, 1)),
                                                       v4(0, 0, 0, 0)};
            static const std::vector<std::uint16_t> families = {AF_INET, AF_INET, AF_INET, AF_INET6,
                                                                0};
            const Addr16 g = rng_.pick(groups);
            const std::uint16_t f = rng_.pick(families);
            if (!rng_.chance(100))
                attrs.push_back(attr_u16(FNAT_DAEMON_A_MCAST_FAMILY, f));
            if (!rng_.chance(100))
                attrs.push_back(attr_addr(FNAT_DAEMON_A_MCAST_GROUP, g));
            recipe += " group=" + describe(f, g);
        }
        if (rng_.chance(200)) {
            static const std::vector<std::uint16_t> ports = {8849, 1, 65535, 0};
            const std::uint16_t p = rng_.pick(ports);
            attrs.push_back(attr_be16(FNAT_DAEMON_A_MCAST_PORT, p));
            recipe += " port=" + std::to_string(p);
        }
        if (rng_.chance(200)) {
            static const std::vector<std::uint8_t> ttls = {1, 2, 255, 0};
            const std::uint8_t t = rng_.pick(ttls);
            attrs.push_back(attr_u8(FNAT_DAEMON_A_MCAST_TTL, t));
            recipe += " ttl=" + std::to_string(t);
        }
    }
    if (rng_.chance(start ? 250 : 30)) {
        static const std::vector<std::size_t> sizes = {16, 32, 64, 15, 65, 0};
        const std::size_t n = rng_.pick(sizes);
        attrs.push_back(attr_bytes(FNAT_DAEMON_A_KEY, random_bytes(rng_, n)));
        recipe += " key=" + std::to_string(n) + "B";
    }
    return attr_nest(FNAT_A_DAEMON, std::move(attrs));
}

Generator::Built Generator::build_read(const Config& config) {
    Built b;
    Message& m = b.message;
    m.flags = NLM_F_REQUEST;
    static const std::vector<std::uint8_t> commands = {
        FNAT_CMD_GET_SERVICE, FNAT_CMD_GET_SERVICE, FNAT_CMD_GET_DEST, FNAT_CMD_GET_DEST,
        FNAT_CMD_GET_INFO,    FNAT_CMD_GET_TIMEOUT, FNAT_CMD_GET_CONN, FNAT_CMD_GET_LADDR,
        FNAT_CMD_GET_LADDR,   FNAT_CMD_GET_DAEMON};
    m.command = rng_.pick(commands);
    bool dump = m.command != FNAT_CMD_GET_INFO && m.command != FNAT_CMD_GET_TIMEOUT;
    bool with_key = m.command == FNAT_CMD_GET_DEST;
    if (m.command == FNAT_CMD_GET_SERVICE) {
        dump = rng_.chance(400);
        with_key = !dump || rng_.chance(100);
    } else if (m.command == FNAT_CMD_GET_CONN || m.command == FNAT_CMD_GET_LADDR) {
        with_key = rng_.chance(500);
    }
    m.flags = static_cast<std::uint16_t>(m.flags | (dump ? NLM_F_DUMP : NLM_F_ACK));
    b.recipe = command_name(m.command) + (dump ? " dump" : "");
    if (with_key) {
        const ServiceRec* svc = nullptr;
        const SvcKey key = pick_svc_key(config, &svc);
        b.recipe += " " + describe(key);
        m.attrs.push_back(attr_nest(FNAT_A_SERVICE, svc_key_attrs(key)));
    }
    return b;
}

Generator::Built Generator::build_write(const Config& config) {
    Built b;
    Message& m = b.message;
    m.flags = NLM_F_REQUEST | NLM_F_ACK;
    // NEW, SET, DEL of services, dests and laddrs; timeouts, zero, flush, daemons.
    std::vector<unsigned> weights = {1000, 700, 250, 1400, 900, 600, 800, 450, 350, 250, 5, 50, 50};
    if (!options_.daemons)
        weights[11] = weights[12] = 0;
    static const std::uint8_t commands[] = {
        FNAT_CMD_NEW_SERVICE, FNAT_CMD_SET_SERVICE, FNAT_CMD_DEL_SERVICE, FNAT_CMD_NEW_DEST,
        FNAT_CMD_SET_DEST,    FNAT_CMD_DEL_DEST,    FNAT_CMD_NEW_LADDR,   FNAT_CMD_DEL_LADDR,
        FNAT_CMD_SET_TIMEOUT, FNAT_CMD_ZERO,        FNAT_CMD_FLUSH,       FNAT_CMD_NEW_DAEMON,
        FNAT_CMD_DEL_DAEMON};
    m.command = commands[rng_.weighted(weights)];
    b.recipe = command_name(m.command);

    switch (m.command) {
    case FNAT_CMD_NEW_SERVICE:
    case FNAT_CMD_SET_SERVICE:
    case FNAT_CMD_DEL_SERVICE: {
        const ServiceRec* svc = nullptr;
        const SvcKey key =
            pick_svc_key(config, &svc, m.command == FNAT_CMD_NEW_SERVICE ? 150 : 850);
        b.recipe += " " + describe(key);
        std::vector<Attr> attrs = svc_key_attrs(key);
        if (m.command != FNAT_CMD_DEL_SERVICE)
            add_svc_settings(attrs, svc, key.port == 0, b.recipe);
        m.attrs.push_back(attr_nest(FNAT_A_SERVICE, std::move(attrs)));
        break;
    }
    case FNAT_CMD_NEW_DEST:
    case FNAT_CMD_SET_DEST:
    case FNAT_CMD_DEL_DEST: {
        const ServiceRec* svc = nullptr;
        const SvcKey key = pick_svc_key(config, &svc);
        b.recipe += " " + describe(key);
        m.attrs.push_back(attr_nest(FNAT_A_SERVICE, svc_key_attrs(key)));
        m.attrs.push_back(dest_attr(svc, key, m.command != FNAT_CMD_DEL_DEST, b.recipe));
        break;
    }
    case FNAT_CMD_NEW_LADDR:
    case FNAT_CMD_DEL_LADDR: {
        const ServiceRec* svc = nullptr;
        const SvcKey key = pick_svc_key(config, &svc);
        b.recipe += " " + describe(key);
        m.attrs.push_back(attr_nest(FNAT_A_SERVICE, svc_key_attrs(key)));
        m.attrs.push_back(laddr_attr(svc, key, m.command == FNAT_CMD_DEL_LADDR, b.recipe));
        break;
    }
    case FNAT_CMD_SET_TIMEOUT:
        m.attrs.push_back(timeout_attr(b.recipe));
        break;
    case FNAT_CMD_ZERO:
        if (rng_.chance(600)) {
            const ServiceRec* svc = nullptr;
            const SvcKey key = pick_svc_key(config, &svc);
            b.recipe += " " + describe(key);
            m.attrs.push_back(attr_nest(FNAT_A_SERVICE, svc_key_attrs(key)));
        }
        break;
    case FNAT_CMD_FLUSH:
        break;
    case FNAT_CMD_NEW_DAEMON:
    case FNAT_CMD_DEL_DAEMON:
        m.attrs.push_back(daemon_attr(m.command == FNAT_CMD_NEW_DAEMON, b.recipe));
        break;
    default:
        break;
    }
    if (m.attrs.size() > 1 && rng_.chance(200)) {
        std::swap(m.attrs[0], m.attrs[1]);
        b.recipe += " (nests swapped)";
    }
    return b;
}

void Generator::apply_faults(Message& message, std::string& recipe) {
    const unsigned count = 1 + static_cast<unsigned>(rng_.below(3));
    recipe += " faults:";
    for (unsigned step = 0; step < count; ++step) {
        std::vector<Slot> slots;
        collect_slots(message.attrs, slots);
        const unsigned kind = static_cast<unsigned>(rng_.below(15));
        if (slots.empty() && kind < 10) {
            // Nothing to change: an unknown or stray attribute instead.
            message.attrs.push_back(
                attr_u32(static_cast<std::uint16_t>(1 + rng_.below(9)), rng_.u32()));
            recipe += " [stray top-level attr]";
            continue;
        }
        Slot slot = slots.empty() ? Slot{nullptr, 0} : slots[rng_.index(slots.size())];
        Attr* target = slot.container != nullptr ? &(*slot.container)[slot.index] : nullptr;
        switch (kind) {
        case 0: // missing
            recipe += " [drop type " + std::to_string(target->kind()) + "]";
            slot.container->erase(slot.container->begin() + static_cast<long>(slot.index));
            break;
        case 1: { // duplicated, maybe with another value
            Attr copy = *target;
            if (!copy.nest && !copy.payload.empty() && rng_.chance(500))
                copy.payload = random_bytes(rng_, copy.payload.size());
            recipe += " [dup type " + std::to_string(target->kind()) + "]";
            slot.container->insert(slot.container->begin() + static_cast<long>(slot.index) +
                                       (rng_.chance(500) ? 1 : 0),
                                   copy);
            break;
        }
        case 2: { // unknown or reply-only type
            static const std::vector<std::uint16_t> types = {0,  5,  6,  7,  8,  9,   10,    11,
                                                             12, 13, 16, 17, 20, 100, 0x3fff};
            const std::uint16_t type = rng_.pick(types);
            Attr extra = rng_.chance(300) ? attr_nest(type, {attr_u32(1, rng_.u32())})
                                          : attr_bytes(type, random_bytes(rng_, rng_.index(9)));
            recipe += " [extra type " + std::to_string(type) + "]";
            slot.container->insert(slot.container->begin() + static_cast<long>(slot.index), extra);
            break;
        }
        case 3: // wrong size
            if (!target->nest) {
                static const std::vector<std::size_t> sizes = {0, 1, 2, 3, 4, 5, 8, 15, 17, 20};
                const std::size_t n = rng_.pick(sizes);
                target->payload.resize(n, rng_.byte());
                recipe +=
                    " [type " + std::to_string(target->kind()) + " size " + std::to_string(n) + "]";
            } else {
                target->children.clear();
                recipe += " [empty nest " + std::to_string(target->kind()) + "]";
            }
            break;
        case 4: // flags
            if (rng_.chance(600)) {
                target->type ^= kNlaFNested;
                recipe += " [toggle NESTED on " + std::to_string(target->kind()) + "]";
            } else {
                target->type |= kNlaFNetByteorder;
                recipe += " [BYTEORDER on " + std::to_string(target->kind()) + "]";
            }
            break;
        case 5: // garbage inside a nest, or a leaf made a nest
            if (target->nest) {
                Bytes inner;
                for (const Attr& child : target->children)
                    encode_attr(child, inner);
                const std::size_t cut = inner.empty() ? 0 : rng_.index(inner.size() + 1);
                if (rng_.chance(500))
                    inner.resize(cut);
                Bytes garbage = random_bytes(rng_, 1 + rng_.index(12));
                inner.insert(inner.end(), garbage.begin(), garbage.end());
                target->nest = false;
                target->children.clear();
                target->payload = inner;
                recipe += " [garbage in nest " + std::to_string(target->kind()) + "]";
            } else {
                const std::uint16_t type = static_cast<std::uint16_t>(target->type | kNlaFNested);
                *target = attr_nest(
                    type, {attr_u32(static_cast<std::uint16_t>(1 + rng_.below(4)), rng_.u32())});
                recipe += " [leaf " + std::to_string(target->kind()) + " as nest]";
            }
            break;
        case 6: { // moved to another level
            Attr moved = *target;
            slot.container->erase(slot.container->begin() + static_cast<long>(slot.index));
            std::vector<std::vector<Attr>*> containers;
            collect_containers(message.attrs, containers);
            std::vector<Attr>* to = containers[rng_.index(containers.size())];
            to->insert(to->begin() + static_cast<long>(rng_.index(to->size() + 1)), moved);
            recipe += " [moved type " + std::to_string(moved.kind()) + "]";
            break;
        }
        case 7: // oversized
            if (!target->nest) {
                // Sometimes near nla_len's limit, where a nest around it wraps.
                const std::size_t n = rng_.chance(50)    ? 60000 + rng_.index(5532)
                                      : rng_.chance(200) ? 1000 + rng_.index(3000)
                                                         : 16 + rng_.index(64);
                target->payload.assign(n, static_cast<std::uint8_t>('a' + rng_.below(26)));
                if (rng_.chance(700))
                    target->payload.back() = 0;
                recipe += " [type " + std::to_string(target->kind()) + " oversized " +
                          std::to_string(n) + "]";
            } else {
                for (int i = 0; i < 40; ++i)
                    target->children.push_back(
                        attr_u32(static_cast<std::uint16_t>(1 + rng_.below(3)), rng_.u32()));
                recipe += " [nest " + std::to_string(target->kind()) + " of 40 more]";
            }
            break;
        case 8: { // nla_len lies
            const std::size_t real = kNlaHdrLen + (target->nest ? 0 : target->payload.size());
            static const std::vector<int> deltas = {-4, -3, -2, -1, 1, 2, 3, 4, 8, 64};
            const long len = target->nest ? static_cast<long>(rng_.below(8))
                                          : static_cast<long>(real) + rng_.pick(deltas);
            target->length_override = static_cast<std::uint16_t>(std::max(0L, len));
            recipe += " [nla_len " + std::to_string(*target->length_override) + " on type " +
                      std::to_string(target->kind()) + "]";
            break;
        }
        case 9: // reordered
            if (slot.container->size() > 1) {
                const std::size_t other = rng_.index(slot.container->size());
                std::swap((*slot.container)[slot.index], (*slot.container)[other]);
                recipe += " [reordered]";
            }
            break;
        case 10: // trailing garbage after the attributes
            message.tail = random_bytes(rng_, 1 + rng_.index(7));
            recipe += " [tail " + std::to_string(message.tail.size()) + "B]";
            break;
        case 11: { // truncated
            Bytes whole = encode_message(message, 0, 0);
            if (whole.size() > kNlmsgHdrLen) {
                message.truncate_to = kNlmsgHdrLen + rng_.index(whole.size() - kNlmsgHdrLen);
                recipe += " [cut to " + std::to_string(*message.truncate_to) + "B]";
            }
            break;
        }
        case 12: // an attribute of another command
            if (rng_.chance(500)) {
                message.attrs.push_back(
                    attr_nest(FNAT_A_DEST, {attr_u16(FNAT_DEST_A_FAMILY, AF_INET)}));
                recipe += " [stray DEST]";
            } else {
                message.attrs.push_back(
                    attr_nest(FNAT_A_TIMEOUT, {attr_u32(FNAT_TIMEOUT_A_TCP, 5)}));
                recipe += " [stray TIMEOUT]";
            }
            break;
        case 13: // a random attribute stream
            message.attrs.clear();
            for (std::size_t i = 0, n = 1 + rng_.index(4); i < n; ++i)
                message.attrs.push_back(
                    attr_bytes(static_cast<std::uint16_t>(rng_.below(12) |
                                                          (rng_.chance(300) ? kNlaFNested : 0)),
                               random_bytes(rng_, rng_.index(24))));
            recipe += " [random attrs]";
            break;
        default: // deep nesting
            if (target != nullptr) {
                Attr inner = *target;
                for (int depth = 0; depth < 12; ++depth)
                    inner = attr_nest(inner.kind(), {inner});
                *target = inner;
                recipe += " [12 nests deep]";
            }
            break;
        }
    }
}

void Generator::apply_header_fault(Message& message, std::string& recipe) {
    switch (rng_.below(6)) {
    case 0:
        message.reserved = static_cast<std::uint16_t>(
            rng_.chance(500) ? 1 + rng_.below(255) : (1 + rng_.below(255)) << 8);
        recipe += " [reserved " + std::to_string(message.reserved) + "]";
        break;
    case 1:
        message.version = rng_.byte();
        recipe += " [version " + std::to_string(message.version) + "]";
        break;
    case 2: {
        static const std::vector<std::uint16_t> extra = {NLM_F_ROOT,      NLM_F_MATCH, NLM_F_ATOMIC,
                                                         NLM_F_APPEND,    NLM_F_MULTI, NLM_F_ECHO,
                                                         NLM_F_DUMP_INTR, 0x1000,      0x8000};
        const std::uint16_t f = rng_.pick(extra);
        message.flags = static_cast<std::uint16_t>(message.flags | f);
        if ((message.flags & NLM_F_DUMP) != NLM_F_DUMP)
            message.flags = static_cast<std::uint16_t>(message.flags | NLM_F_ACK);
        recipe += " [flags |= " + std::to_string(f) + "]";
        break;
    }
    case 3:
        if ((message.flags & NLM_F_DUMP) == NLM_F_DUMP)
            message.flags = NLM_F_REQUEST | NLM_F_ACK;
        else
            message.flags = NLM_F_REQUEST | NLM_F_DUMP;
        recipe += " [dump toggled]";
        break;
    case 4: {
        static const std::vector<std::uint8_t> odd = {0, 21, 22, 50, 128, 200, 255};
        message.command = rng_.pick(odd);
        recipe += " [command " + std::to_string(message.command) + "]";
        break;
    }
    default:
        message.command = static_cast<std::uint8_t>(1 + rng_.below(FNAT_CMD_MAX));
        if ((message.flags & NLM_F_DUMP) != NLM_F_DUMP)
            message.flags = static_cast<std::uint16_t>(message.flags | NLM_F_ACK);
        recipe += " [as " + command_name(message.command) + "]";
        break;
    }
}

} // namespace fnat::fuzz

#include "fuzz/netlink_replies.h"

#include <cstring>
#include <map>
#include <stdexcept>

#include <linux/netlink.h>
#include <uapi/fnat.h>

#include "lib/message_codec.h"
#include "lib/netlink_error.h"

namespace fnat::fuzz {

namespace {

using Attrs = std::map<std::uint16_t, AttrView>;

[[noreturn]] void bad(const std::string& what) {
    throw std::runtime_error(what);
}

Attrs attrs_of(const std::uint8_t* data, std::size_t length) {
    Attrs attrs;
    for (const AttrView& a : walk_attrs(data, length))
        attrs[a.type()] = a;
    return attrs;
}

// The top-level attributes of a reply of the FNAT family with command cmd.
Attrs top_of(const Bytes& message, std::uint8_t cmd) {
    if (message.size() < kNlmsgHdrLen + kGenlHdrLen)
        bad("reply message shorter than its headers");
    if (message[kNlmsgHdrLen] != cmd)
        bad("reply message of command " + std::to_string(message[kNlmsgHdrLen]) + ", expected " +
            std::to_string(cmd));
    if (message[kNlmsgHdrLen + 1] != FNAT_GENL_VERSION)
        bad("reply message of version " + std::to_string(message[kNlmsgHdrLen + 1]));
    // fnat's own decoder must take it too.
    try {
        decode_reply(reinterpret_cast<const nlmsghdr*>(message.data()));
    } catch (const std::exception& error) {
        bad(std::string("fnat's decoder refuses the reply: ") + error.what());
    }
    const std::size_t offset = kNlmsgHdrLen + kGenlHdrLen;
    return attrs_of(message.data() + offset, message.size() - offset);
}

const AttrView& need(const Attrs& attrs, std::uint16_t type, std::size_t length, const char* name) {
    auto it = attrs.find(type);
    if (it == attrs.end())
        bad(std::string("reply lacks ") + name);
    if (length != 0 && it->second.length != length)
        bad(std::string("reply's ") + name + " has " + std::to_string(it->second.length) +
            " bytes, expected " + std::to_string(length));
    return it->second;
}

Attrs nest_of(const Attrs& top, std::uint16_t type, const char* name) {
    const AttrView& nest = need(top, type, 0, name);
    if (!nest.nested_flag())
        bad(std::string("reply's ") + name + " lacks NLA_F_NESTED");
    return attrs_of(nest.data, nest.length);
}

Addr16 addr_of(const AttrView& a) {
    Addr16 addr{};
    std::memcpy(addr.data(), a.data, addr.size());
    return addr;
}

std::string str_of(const AttrView& a, const char* name) {
    if (a.length == 0 || a.data[a.length - 1] != 0)
        bad(std::string("reply's ") + name + " is not NUL-terminated");
    return std::string(reinterpret_cast<const char*>(a.data));
}

SvcKey svc_key_of(const Attrs& s) {
    SvcKey key;
    key.af = get_u16(need(s, FNAT_SVC_A_FAMILY, 2, "FNAT_SVC_A_FAMILY").data);
    key.protocol = need(s, FNAT_SVC_A_PROTOCOL, 1, "FNAT_SVC_A_PROTOCOL").data[0];
    key.addr = addr_of(need(s, FNAT_SVC_A_ADDR, 16, "FNAT_SVC_A_ADDR"));
    key.port = get_be16(need(s, FNAT_SVC_A_PORT, 2, "FNAT_SVC_A_PORT").data);
    return key;
}

std::string mismatch(const std::string& what, const std::string& want, const std::string& got) {
    return what + ": expected " + want + ", the kernel answered " + got;
}

std::string service_line(const ServiceRec& s, std::uint32_t num_dests) {
    return describe(s) + " num_dests=" + std::to_string(num_dests);
}

// Compares a list of decoded records with the expected one.
template <typename T, typename Describe>
std::string compare_list(const char* what, const std::vector<T>& want, const std::vector<T>& got,
                         Describe describe_one) {
    if (want.size() != got.size())
        return std::string(what) + ": expected " + std::to_string(want.size()) + " entries, the " +
               "kernel answered " + std::to_string(got.size());
    for (std::size_t i = 0; i < want.size(); ++i)
        if (!(want[i] == got[i]))
            return mismatch(std::string(what) + " #" + std::to_string(i + 1), describe_one(want[i]),
                            describe_one(got[i]));
    return {};
}

void check_family(const std::vector<Bytes>& data, std::uint16_t family) {
    for (const Bytes& m : data)
        if (m.size() < kNlmsgHdrLen || get_u16(&m[4]) != family)
            bad("a reply message is not of the FNAT family");
}

ServiceRec strip(ServiceRec s) {
    s.dests.clear();
    s.laddrs.clear();
    return s;
}

} // namespace

Bytes simple_request(std::uint8_t command, bool dump, std::uint16_t family) {
    Message m;
    m.command = command;
    m.flags = static_cast<std::uint16_t>(NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK));
    return encode_message(m, family, 0);
}

ServiceRec decode_service_message(const Bytes& message, std::uint32_t* num_dests) {
    const Attrs top = top_of(message, FNAT_CMD_GET_SERVICE);
    const Attrs s = nest_of(top, FNAT_A_SERVICE, "FNAT_A_SERVICE");
    ServiceRec svc;
    svc.key = svc_key_of(s);
    svc.sched = str_of(need(s, FNAT_SVC_A_SCHED_NAME, 0, "FNAT_SVC_A_SCHED_NAME"), "SCHED_NAME");
    svc.flags = get_u32(need(s, FNAT_SVC_A_FLAGS, 4, "FNAT_SVC_A_FLAGS").data);
    svc.timeout = get_u32(need(s, FNAT_SVC_A_TIMEOUT, 4, "FNAT_SVC_A_TIMEOUT").data);
    svc.netmask = need(s, FNAT_SVC_A_NETMASK, 1, "FNAT_SVC_A_NETMASK").data[0];
    const std::uint32_t n = get_u32(need(s, FNAT_SVC_A_NUM_DESTS, 4, "FNAT_SVC_A_NUM_DESTS").data);
    need(s, FNAT_SVC_A_STATS, 0, "FNAT_SVC_A_STATS");
    if (num_dests != nullptr)
        *num_dests = n;
    return svc;
}

DestRec decode_dest_message(const Bytes& message) {
    const Attrs top = top_of(message, FNAT_CMD_GET_DEST);
    const Attrs d = nest_of(top, FNAT_A_DEST, "FNAT_A_DEST");
    DestRec dest;
    dest.af = get_u16(need(d, FNAT_DEST_A_FAMILY, 2, "FNAT_DEST_A_FAMILY").data);
    dest.addr = addr_of(need(d, FNAT_DEST_A_ADDR, 16, "FNAT_DEST_A_ADDR"));
    dest.port = get_be16(need(d, FNAT_DEST_A_PORT, 2, "FNAT_DEST_A_PORT").data);
    dest.fwd = need(d, FNAT_DEST_A_FWD_METHOD, 1, "FNAT_DEST_A_FWD_METHOD").data[0];
    dest.weight = get_u32(need(d, FNAT_DEST_A_WEIGHT, 4, "FNAT_DEST_A_WEIGHT").data);
    dest.u_thresh = get_u32(need(d, FNAT_DEST_A_U_THRESH, 4, "FNAT_DEST_A_U_THRESH").data);
    dest.l_thresh = get_u32(need(d, FNAT_DEST_A_L_THRESH, 4, "FNAT_DEST_A_L_THRESH").data);
    for (auto [type, name] : {std::pair{FNAT_DEST_A_ACTIVE_CONNS, "FNAT_DEST_A_ACTIVE_CONNS"},
                              std::pair{FNAT_DEST_A_INACT_CONNS, "FNAT_DEST_A_INACT_CONNS"},
                              std::pair{FNAT_DEST_A_PERSIST_CONNS, "FNAT_DEST_A_PERSIST_CONNS"}})
        if (get_u32(need(d, static_cast<std::uint16_t>(type), 4, name).data) != 0)
            bad(std::string(name) + " is not 0 without traffic");
    need(d, FNAT_DEST_A_STATS, 0, "FNAT_DEST_A_STATS");
    return dest;
}

std::pair<SvcKey, LaddrRec> decode_laddr_message(const Bytes& message) {
    const Attrs top = top_of(message, FNAT_CMD_GET_LADDR);
    const Attrs s = nest_of(top, FNAT_A_SERVICE, "FNAT_A_SERVICE");
    const Attrs l = nest_of(top, FNAT_A_LADDR, "FNAT_A_LADDR");
    LaddrRec la;
    la.af = get_u16(need(l, FNAT_LADDR_A_FAMILY, 2, "FNAT_LADDR_A_FAMILY").data);
    la.addr = addr_of(need(l, FNAT_LADDR_A_ADDR, 16, "FNAT_LADDR_A_ADDR"));
    if (get_u32(need(l, FNAT_LADDR_A_CONNS, 4, "FNAT_LADDR_A_CONNS").data) != 0)
        bad("FNAT_LADDR_A_CONNS is not 0 without traffic");
    return {svc_key_of(s), la};
}

TimeoutsRec decode_timeouts_message(const Bytes& message) {
    const Attrs top = top_of(message, FNAT_CMD_GET_TIMEOUT);
    const Attrs t = nest_of(top, FNAT_A_TIMEOUT, "FNAT_A_TIMEOUT");
    TimeoutsRec timeouts;
    timeouts.tcp = get_u32(need(t, FNAT_TIMEOUT_A_TCP, 4, "FNAT_TIMEOUT_A_TCP").data);
    timeouts.tcp_fin = get_u32(need(t, FNAT_TIMEOUT_A_TCP_FIN, 4, "FNAT_TIMEOUT_A_TCP_FIN").data);
    timeouts.udp = get_u32(need(t, FNAT_TIMEOUT_A_UDP, 4, "FNAT_TIMEOUT_A_UDP").data);
    return timeouts;
}

DaemonRec decode_daemon_message(const Bytes& message) {
    const Attrs top = top_of(message, FNAT_CMD_GET_DAEMON);
    const Attrs d = nest_of(top, FNAT_A_DAEMON, "FNAT_A_DAEMON");
    DaemonRec daemon;
    daemon.state = get_u32(need(d, FNAT_DAEMON_A_STATE, 4, "FNAT_DAEMON_A_STATE").data);
    daemon.ifname =
        str_of(need(d, FNAT_DAEMON_A_MCAST_IFN, 0, "FNAT_DAEMON_A_MCAST_IFN"), "MCAST_IFN");
    daemon.syncid = need(d, FNAT_DAEMON_A_SYNC_ID, 1, "FNAT_DAEMON_A_SYNC_ID").data[0];
    daemon.maxlen =
        get_u16(need(d, FNAT_DAEMON_A_SYNC_MAXLEN, 2, "FNAT_DAEMON_A_SYNC_MAXLEN").data);
    if (get_u16(need(d, FNAT_DAEMON_A_MCAST_FAMILY, 2, "FNAT_DAEMON_A_MCAST_FAMILY").data) !=
        AF_INET)
        bad("FNAT_DAEMON_A_MCAST_FAMILY is not AF_INET");
    const Addr16 group =
        addr_of(need(d, FNAT_DAEMON_A_MCAST_GROUP, 16, "FNAT_DAEMON_A_MCAST_GROUP"));
    std::memcpy(daemon.group.data(), group.data(), 4);
    daemon.port = get_be16(need(d, FNAT_DAEMON_A_MCAST_PORT, 2, "FNAT_DAEMON_A_MCAST_PORT").data);
    daemon.ttl = need(d, FNAT_DAEMON_A_MCAST_TTL, 1, "FNAT_DAEMON_A_MCAST_TTL").data[0];
    daemon.auth = need(d, FNAT_DAEMON_A_AUTH, 1, "FNAT_DAEMON_A_AUTH").data[0] != 0;
    if (d.count(FNAT_DAEMON_A_KEY) != 0)
        bad("a GET_DAEMON reply carries the key");
    return daemon;
}

std::string check_reply(const Outcome& outcome, const Config& config, std::uint16_t family,
                        const std::vector<Bytes>& data) {
    try {
        check_family(data, family);
        switch (outcome.reply) {
        case ReplyKind::None:
            if (!data.empty())
                return "a write was answered with " + std::to_string(data.size()) +
                       " data messages";
            return {};
        case ReplyKind::Service:
        case ReplyKind::Services: {
            std::vector<ServiceRec> want;
            for (const ServiceRec& s : config.services)
                if (outcome.reply == ReplyKind::Services || s.key.same(*outcome.filter))
                    want.push_back(strip(s));
            std::vector<ServiceRec> got;
            for (const Bytes& m : data) {
                std::uint32_t num_dests = 0;
                got.push_back(decode_service_message(m, &num_dests));
                const ServiceRec* model = config.find(got.back().key);
                if (model != nullptr && num_dests != model->dests.size())
                    return mismatch("FNAT_SVC_A_NUM_DESTS of " + describe(got.back().key),
                                    std::to_string(model->dests.size()), std::to_string(num_dests));
            }
            return compare_list("services", want, got,
                                [](const ServiceRec& s) { return service_line(s, 0); });
        }
        case ReplyKind::Dests: {
            const ServiceRec* svc = config.find(*outcome.filter);
            std::vector<DestRec> got;
            for (const Bytes& m : data)
                got.push_back(decode_dest_message(m));
            return compare_list("dests", svc->dests, got,
                                [](const DestRec& d) { return describe(d); });
        }
        case ReplyKind::Laddrs: {
            using Entry = std::pair<SvcKey, LaddrRec>;
            std::vector<Entry> want;
            for (const ServiceRec& s : config.services)
                if (!outcome.filter || s.key.same(*outcome.filter))
                    for (const LaddrRec& l : s.laddrs)
                        want.emplace_back(s.key, l);
            std::vector<Entry> got;
            for (const Bytes& m : data)
                got.push_back(decode_laddr_message(m));
            return compare_list("local addresses", want, got, [](const Entry& e) {
                return describe(e.first) + " " + describe(e.second.af, e.second.addr);
            });
        }
        case ReplyKind::Conns:
            if (!data.empty())
                return "GET_CONN listed " + std::to_string(data.size()) +
                       " connections without traffic";
            return {};
        case ReplyKind::Info: {
            if (data.size() != 1)
                return "GET_INFO answered with " + std::to_string(data.size()) + " messages";
            const Attrs top = top_of(data[0], FNAT_CMD_GET_INFO);
            const Attrs info = nest_of(top, FNAT_A_INFO, "FNAT_A_INFO");
            const std::uint32_t version =
                get_u32(need(info, FNAT_INFO_A_VERSION, 4, "FNAT_INFO_A_VERSION").data);
            const std::uint32_t services =
                get_u32(need(info, FNAT_INFO_A_NUM_SERVICES, 4, "FNAT_INFO_A_NUM_SERVICES").data);
            if (version != FNAT_VERSION_CODE)
                return mismatch("FNAT_INFO_A_VERSION", std::to_string(FNAT_VERSION_CODE),
                                std::to_string(version));
            if (services != config.services.size())
                return mismatch("FNAT_INFO_A_NUM_SERVICES", std::to_string(config.services.size()),
                                std::to_string(services));
            need(info, FNAT_INFO_A_DROPS, 0, "FNAT_INFO_A_DROPS");
            need(info, FNAT_INFO_A_SYNPROXY_COOKIES, 8, "FNAT_INFO_A_SYNPROXY_COOKIES");
            need(info, FNAT_INFO_A_SYNPROXY_ACKS, 8, "FNAT_INFO_A_SYNPROXY_ACKS");
            need(info, FNAT_INFO_A_SYNPROXY_RS_RESETS, 8, "FNAT_INFO_A_SYNPROXY_RS_RESETS");
            return {};
        }
        case ReplyKind::Timeouts: {
            if (data.size() != 1)
                return "GET_TIMEOUT answered with " + std::to_string(data.size()) + " messages";
            const TimeoutsRec got = decode_timeouts_message(data[0]);
            if (got != config.timeouts)
                return mismatch("timeouts tcp/fin/udp",
                                std::to_string(config.timeouts.tcp) + "/" +
                                    std::to_string(config.timeouts.tcp_fin) + "/" +
                                    std::to_string(config.timeouts.udp),
                                std::to_string(got.tcp) + "/" + std::to_string(got.tcp_fin) + "/" +
                                    std::to_string(got.udp));
            return {};
        }
        case ReplyKind::Daemons: {
            std::vector<DaemonRec> want;
            for (const auto* d : {&config.master, &config.backup})
                if (*d)
                    want.push_back(**d);
            std::vector<DaemonRec> got;
            for (const Bytes& m : data)
                got.push_back(decode_daemon_message(m));
            return compare_list("sync daemons", want, got,
                                [](const DaemonRec& d) { return describe(d); });
        }
        }
    } catch (const std::exception& error) {
        return error.what();
    }
    return {};
}

Config snapshot(Transport& transport, std::uint16_t family) {
    auto run = [&](Bytes request, const char* what) {
        Exchange answer = transport.exchange(std::move(request));
        if (answer.error != 0)
            bad(std::string(what) + " refused: " + errno_name(answer.error) + " '" + answer.extack +
                "'");
        if (answer.interrupted)
            bad(std::string(what) + " was interrupted (NLM_F_DUMP_INTR) with nobody else writing");
        check_family(answer.data, family);
        return answer.data;
    };
    Config config;
    std::vector<std::uint32_t> num_dests;
    for (const Bytes& m : run(simple_request(FNAT_CMD_GET_SERVICE, true, family), "service dump")) {
        num_dests.push_back(0);
        config.services.push_back(decode_service_message(m, &num_dests.back()));
    }
    for (std::size_t i = 0; i < config.services.size(); ++i) {
        ServiceRec& svc = config.services[i];
        Message m;
        m.command = FNAT_CMD_GET_DEST;
        m.flags = NLM_F_REQUEST | NLM_F_DUMP;
        m.attrs.push_back(attr_nest(FNAT_A_SERVICE, {attr_u16(FNAT_SVC_A_FAMILY, svc.key.af),
                                                     attr_u8(FNAT_SVC_A_PROTOCOL, svc.key.protocol),
                                                     attr_addr(FNAT_SVC_A_ADDR, svc.key.addr),
                                                     attr_be16(FNAT_SVC_A_PORT, svc.key.port)}));
        for (const Bytes& d : run(encode_message(m, family, 0), "dest dump"))
            svc.dests.push_back(decode_dest_message(d));
        if (svc.dests.size() != num_dests[i])
            bad(describe(svc.key) + ": FNAT_SVC_A_NUM_DESTS says " + std::to_string(num_dests[i]) +
                ", the dump listed " + std::to_string(svc.dests.size()));
    }
    for (const Bytes& m : run(simple_request(FNAT_CMD_GET_LADDR, true, family), "laddr dump")) {
        auto [key, la] = decode_laddr_message(m);
        ServiceRec* svc = config.find(key);
        if (svc == nullptr)
            bad("the laddr dump names " + describe(key) + ", which the service dump did not list");
        svc->laddrs.push_back(la);
    }
    const std::vector<Bytes> timeouts =
        run(simple_request(FNAT_CMD_GET_TIMEOUT, false, family), "GET_TIMEOUT");
    if (timeouts.size() != 1)
        bad("GET_TIMEOUT answered with " + std::to_string(timeouts.size()) + " messages");
    config.timeouts = decode_timeouts_message(timeouts[0]);
    for (const Bytes& m : run(simple_request(FNAT_CMD_GET_DAEMON, true, family), "daemon dump")) {
        DaemonRec d = decode_daemon_message(m);
        if (d.state != FNAT_SYNC_STATE_MASTER && d.state != FNAT_SYNC_STATE_BACKUP)
            bad("a sync daemon of state " + std::to_string(d.state));
        if (config.daemon(d.state))
            bad("two sync daemons of state " + std::to_string(d.state));
        config.daemon(d.state) = d;
    }
    return config;
}

} // namespace fnat::fuzz

#include "fuzz/netlink_model.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>

namespace fnat::fuzz {

bool addr_equal(std::uint16_t af, const Addr16& a, const Addr16& b) {
    if (af == AF_INET)
        return std::memcmp(a.data(), b.data(), 4) == 0;
    return a == b;
}

ServiceRec* Config::find(const SvcKey& key) {
    for (ServiceRec& service : services)
        if (service.key.same(key))
            return &service;
    return nullptr;
}

const ServiceRec* Config::find(const SvcKey& key) const {
    for (const ServiceRec& service : services)
        if (service.key.same(key))
            return &service;
    return nullptr;
}

std::size_t Config::dest_count() const {
    std::size_t n = 0;
    for (const ServiceRec& service : services)
        n += service.dests.size();
    return n;
}

std::size_t Config::laddr_count() const {
    std::size_t n = 0;
    for (const ServiceRec& service : services)
        n += service.laddrs.size();
    return n;
}

std::string describe(std::uint16_t af, const Addr16& addr) {
    char text[INET6_ADDRSTRLEN] = "?";
    bool tail = false;
    for (std::size_t i = 4; i < addr.size(); ++i)
        tail = tail || addr[i] != 0;
    if (af == AF_INET && !tail) {
        inet_ntop(AF_INET, addr.data(), text, sizeof(text));
        return text;
    }
    if (af == AF_INET6) {
        inet_ntop(AF_INET6, addr.data(), text, sizeof(text));
        return std::string("[") + text + "]";
    }
    return "af" + std::to_string(af) + "/" + hex(Bytes(addr.begin(), addr.end()));
}

std::string describe(const SvcKey& key) {
    std::string proto = key.protocol == IPPROTO_TCP   ? "tcp"
                        : key.protocol == IPPROTO_UDP ? "udp"
                                                      : "proto" + std::to_string(key.protocol);
    return proto + " " + describe(key.af, key.addr) + ":" + std::to_string(key.port);
}

std::string describe(const ServiceRec& service) {
    return describe(service.key) + " sched=" + service.sched +
           " flags=" + std::to_string(service.flags) +
           " timeout=" + std::to_string(service.timeout) +
           " netmask=" + std::to_string(service.netmask) +
           " dests=" + std::to_string(service.dests.size());
}

std::string describe(const DestRec& dest) {
    return describe(dest.af, dest.addr) + ":" + std::to_string(dest.port) +
           " fwd=" + std::to_string(dest.fwd) + " weight=" + std::to_string(dest.weight) +
           " u=" + std::to_string(dest.u_thresh) + " l=" + std::to_string(dest.l_thresh);
}

std::string describe(const DaemonRec& daemon) {
    char group[INET_ADDRSTRLEN] = "?";
    inet_ntop(AF_INET, daemon.group.data(), group, sizeof(group));
    return std::string(daemon.state == FNAT_SYNC_STATE_MASTER ? "master" : "backup") +
           " ifn=" + daemon.ifname + " syncid=" + std::to_string(daemon.syncid) +
           " maxlen=" + std::to_string(daemon.maxlen) + " group=" + group +
           " port=" + std::to_string(daemon.port) + " ttl=" + std::to_string(daemon.ttl) +
           " auth=" + (daemon.auth ? "1" : "0");
}

namespace {

std::string daemon_text(const std::optional<DaemonRec>& daemon) {
    return daemon ? describe(*daemon) : std::string("none");
}

} // namespace

std::string first_difference(const Config& want, const Config& got) {
    if (want.timeouts != got.timeouts)
        return "timeouts: model tcp/fin/udp " + std::to_string(want.timeouts.tcp) + "/" +
               std::to_string(want.timeouts.tcp_fin) + "/" + std::to_string(want.timeouts.udp) +
               ", kernel " + std::to_string(got.timeouts.tcp) + "/" +
               std::to_string(got.timeouts.tcp_fin) + "/" + std::to_string(got.timeouts.udp);
    if (want.master != got.master)
        return "master daemon: model " + daemon_text(want.master) + ", kernel " +
               daemon_text(got.master);
    if (want.backup != got.backup)
        return "backup daemon: model " + daemon_text(want.backup) + ", kernel " +
               daemon_text(got.backup);
    const std::size_t n = std::min(want.services.size(), got.services.size());
    for (std::size_t i = 0; i < n; ++i) {
        const ServiceRec& w = want.services[i];
        const ServiceRec& g = got.services[i];
        const std::string where = "service #" + std::to_string(i + 1);
        if (w.key != g.key || w.sched != g.sched || w.flags != g.flags || w.timeout != g.timeout ||
            w.netmask != g.netmask || w.dests.size() != g.dests.size())
            return where + ": model " + describe(w) + ", kernel " + describe(g);
        for (std::size_t d = 0; d < w.dests.size(); ++d)
            if (w.dests[d] != g.dests[d])
                return where + " (" + describe(w.key) + ") dest #" + std::to_string(d + 1) +
                       ": model " + describe(w.dests[d]) + ", kernel " + describe(g.dests[d]);
        if (w.laddrs.size() != g.laddrs.size())
            return where + " (" + describe(w.key) + "): model has " +
                   std::to_string(w.laddrs.size()) + " local addresses, kernel " +
                   std::to_string(g.laddrs.size());
        for (std::size_t l = 0; l < w.laddrs.size(); ++l)
            if (w.laddrs[l] != g.laddrs[l])
                return where + " (" + describe(w.key) + ") local address #" +
                       std::to_string(l + 1) + ": model " +
                       describe(w.laddrs[l].af, w.laddrs[l].addr) + ", kernel " +
                       describe(g.laddrs[l].af, g.laddrs[l].addr);
    }
    if (want.services.size() > n)
        return "service #" + std::to_string(n + 1) + " " + describe(want.services[n]) +
               " is in the model, not in the kernel";
    if (got.services.size() > n)
        return "service #" + std::to_string(n + 1) + " " + describe(got.services[n]) +
               " is in the kernel, not in the model";
    return {};
}

std::string summary(const Config& config) {
    return std::to_string(config.services.size()) + " services, " +
           std::to_string(config.dest_count()) + " dests, " + std::to_string(config.laddr_count()) +
           " local addresses, " +
           std::to_string((config.master ? 1 : 0) + (config.backup ? 1 : 0)) + " sync daemons";
}

} // namespace fnat::fuzz

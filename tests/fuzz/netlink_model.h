// The netlink fuzzer's model of one network namespace's fnat configuration:
// services in creation order with their dests and local addresses in the
// order they were added, the connection timeouts and the sync daemons.
// Counters and connections are not modelled (the fuzzer sends no traffic).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <uapi/fnat.h>

#include "fuzz/netlink_wire.h"

namespace fnat::fuzz {

// fnat_addr_equal(): IPv4 compares the first four bytes only.
bool addr_equal(std::uint16_t af, const Addr16& a, const Addr16& b);

struct SvcKey {
    std::uint16_t af = 0;
    std::uint8_t protocol = 0;
    Addr16 addr{};
    std::uint16_t port = 0; // host order

    // fnat_svc_key_equal()
    bool same(const SvcKey& other) const {
        return af == other.af && protocol == other.protocol && port == other.port &&
               addr_equal(af, addr, other.addr);
    }
    bool operator==(const SvcKey&) const = default;
};

struct DestRec {
    std::uint16_t af = 0;
    Addr16 addr{};
    std::uint16_t port = 0; // host order
    std::uint8_t fwd = FNAT_FWD_DR;
    std::uint32_t weight = 1;
    std::uint32_t u_thresh = 0;
    std::uint32_t l_thresh = 0;

    bool operator==(const DestRec&) const = default;
};

struct LaddrRec {
    std::uint16_t af = 0;
    Addr16 addr{};

    bool operator==(const LaddrRec&) const = default;
};

struct ServiceRec {
    SvcKey key;
    std::string sched = "wlc";
    std::uint32_t flags = 0;
    std::uint32_t timeout = FNAT_PERSIST_DEFAULT;
    std::uint8_t netmask = 32;
    std::vector<DestRec> dests;
    std::vector<LaddrRec> laddrs;

    bool operator==(const ServiceRec&) const = default;
};

struct TimeoutsRec {
    std::uint32_t tcp = FNAT_TIMEOUT_TCP_DEFAULT;
    std::uint32_t tcp_fin = FNAT_TIMEOUT_TCP_FIN_DEFAULT;
    std::uint32_t udp = FNAT_TIMEOUT_UDP_DEFAULT;

    bool operator==(const TimeoutsRec&) const = default;
};

struct DaemonRec {
    std::uint32_t state = 0; // FNAT_SYNC_STATE_*
    std::string ifname;
    std::uint8_t syncid = 0;
    std::uint16_t maxlen = 0;
    std::array<std::uint8_t, 4> group{};
    std::uint16_t port = 0; // host order
    std::uint8_t ttl = 0;
    bool auth = false;

    bool operator==(const DaemonRec&) const = default;
};

struct Config {
    std::vector<ServiceRec> services;
    TimeoutsRec timeouts;
    std::optional<DaemonRec> master;
    std::optional<DaemonRec> backup;

    ServiceRec* find(const SvcKey& key);
    const ServiceRec* find(const SvcKey& key) const;
    std::optional<DaemonRec>& daemon(std::uint32_t state) {
        return state == FNAT_SYNC_STATE_MASTER ? master : backup;
    }
    const std::optional<DaemonRec>& daemon(std::uint32_t state) const {
        return state == FNAT_SYNC_STATE_MASTER ? master : backup;
    }
    std::size_t dest_count() const;
    std::size_t laddr_count() const;

    bool operator==(const Config&) const = default;
};

// "tcp 10.0.0.1:80", "udp [2001:db8::1]:0", with raw values for oddities.
std::string describe(const SvcKey& key);
std::string describe(std::uint16_t af, const Addr16& addr);
std::string describe(const ServiceRec& service); // without its dests and laddrs
std::string describe(const DestRec& dest);
std::string describe(const DaemonRec& daemon);

// The first way got differs from want, in words; "" when they are equal.
std::string first_difference(const Config& want, const Config& got);

// One line: services, dests, laddrs, daemons.
std::string summary(const Config& config);

} // namespace fnat::fuzz

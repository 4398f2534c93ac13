// What fnat.ko holds: virtual services, their destinations (real servers),
// the connection timeouts and the module's global information, as fnatadm
// sees them; plus the request specifications that create or change them.
#pragma once

#include <compare>
#include <cstdint>
#include <netinet/in.h>
#include <optional>
#include <string>
#include <vector>

#include <uapi/fnat.h>

#include "lib/address.h"

namespace fnat {

// How a destination receives the packets (FNAT_DEST_A_FWD_METHOD). Values the
// tool does not know (a newer module) are kept as they are.
enum class ForwardMethod : std::uint8_t {
    Unspec = FNAT_FWD_UNSPEC,
    DirectRoute = FNAT_FWD_DR, // -g, "Route"
    Tunnel = FNAT_FWD_TUN,     // -i, "Tunnel"
    Masquerade = FNAT_FWD_NAT, // -m, "Masq"
    FullNat = FNAT_FWD_FULLNAT // -b, "FullNat"
};

// Identifies a virtual service: protocol, address (with its family) and port.
struct ServiceKey {
    std::uint8_t protocol = IPPROTO_TCP; // IPPROTO_TCP or IPPROTO_UDP
    Address address;
    std::uint16_t port = 0; // host byte order

    bool operator==(const ServiceKey&) const = default;
};

// Traffic counters of a service or destination (FNAT_STATS_A_* in replies):
// totals since creation or the last FNAT_CMD_ZERO, and rates per second. All
// zero when the module sends no FNAT_*_A_STATS nest (modules before it).
struct Stats {
    std::uint64_t conns = 0;
    std::uint64_t inpkts = 0;
    std::uint64_t outpkts = 0;
    std::uint64_t inbytes = 0;
    std::uint64_t outbytes = 0;
    std::uint64_t cps = 0;   // connections per second
    std::uint64_t inpps = 0; // packets per second
    std::uint64_t outpps = 0;
    std::uint64_t inbps = 0; // bytes per second
    std::uint64_t outbps = 0;

    bool operator==(const Stats&) const = default;
};

// A virtual service as the kernel reports it (FNAT_A_SERVICE in replies).
struct Service {
    ServiceKey key;
    std::string scheduler;
    std::uint32_t flags = 0;   // FNAT_SVC_F_*
    std::uint32_t timeout = 0; // persistence timeout, seconds
    std::uint8_t netmask = 32; // persistence granularity, prefix length
    std::uint32_t num_dests = 0;
    Stats stats;

    bool persistent() const { return (flags & FNAT_SVC_F_PERSISTENT) != 0; }
    bool synproxy() const { return (flags & FNAT_SVC_F_SYNPROXY) != 0; }
};

// Identifies a destination within a service.
struct DestKey {
    Address address;
    std::uint16_t port = 0; // host byte order

    bool operator==(const DestKey&) const = default;
};

// A destination (real server) as the kernel reports it (FNAT_A_DEST).
struct Dest {
    DestKey key;
    ForwardMethod forward = ForwardMethod::DirectRoute;
    std::uint32_t weight = 0;
    std::uint32_t u_threshold = 0;
    std::uint32_t l_threshold = 0;
    std::uint32_t active_conns = 0;
    std::uint32_t inactive_conns = 0;
    std::uint32_t persist_conns = 0;
    Stats stats;
};

// A counter under the module's stable lowercase name (FNAT_DROPS_A_ENTRY):
// packets dropped for one reason ("no_dest") in FNAT_INFO_A_DROPS, or a
// sync daemon's counter ("records_applied") in FNAT_DAEMON_A_COUNTERS.
struct NamedCounter {
    std::string name;
    std::uint64_t count = 0;

    bool operator==(const NamedCounter&) const = default;
};

// Packets dropped for one reason, in the netns.
using DropCounter = NamedCounter;

// Global information (FNAT_A_INFO). num_conns and drops stay 0 and empty
// with a module that does not send them.
struct Info {
    std::uint32_t version_code = 0; // (major << 16) | (minor << 8) | patch
    std::uint32_t conn_tab_size = 0;
    std::uint32_t num_services = 0;
    std::uint32_t num_conns = 0;
    std::vector<DropCounter> drops = {}; // in the module's fixed order
    // FULLNAT segments that carried TOA to the real server, and those that
    // should have but had no room.
    std::uint64_t toa_added = 0;
    std::uint64_t toa_skipped = 0;
    // The SYN proxy: SYN-ACKs with a cookie sent, clients' ACKs whose cookie
    // was valid, and of those the ones a real server refused.
    std::uint64_t synproxy_cookies = 0;
    std::uint64_t synproxy_acks = 0;
    std::uint64_t synproxy_rs_resets = 0;
};

// One connection (FNAT_A_CONN): client -> virtual service as the client sent
// it, local -> dest as the real server sees it (local is the client itself
// except for FULLNAT). Ports in host byte order.
struct Conn {
    std::uint8_t protocol = IPPROTO_TCP;
    Address caddr;
    std::uint16_t cport = 0;
    Address vaddr;
    std::uint16_t vport = 0;
    Address laddr;
    std::uint16_t lport = 0;
    Address daddr;
    std::uint16_t dport = 0;
    ForwardMethod forward = ForwardMethod::Unspec;
    std::string state;            // ipvsadm's name: "ESTABLISHED", "UDP", ...
    std::uint32_t expires_ms = 0; // until it expires unless more packets come

    bool operator==(const Conn&) const = default;
};

// A local address (LIP) of a service (FNAT_A_LADDR): a source address of
// the director's that FULLNAT connections reach the real servers from, with
// its counters (zero when the module leaves them out).
struct LocalAddress {
    Address address;
    std::uint32_t conns = 0;     // connections using it
    std::uint64_t conflicts = 0; // ports passed over: held towards the same real server
    std::uint64_t exhausted = 0; // new connections for which no port was free on it

    bool operator==(const LocalAddress&) const = default;
};

// One message of the FNAT_CMD_GET_LADDR dump: a local address and the
// service it belongs to.
struct LaddrEntry {
    ServiceKey service;
    LocalAddress laddr;

    bool operator==(const LaddrEntry&) const = default;
};

// A service's local addresses, in the order they were added (-G).
struct ServiceLaddrs {
    ServiceKey service;
    std::vector<LocalAddress> laddrs;

    bool operator==(const ServiceLaddrs&) const = default;
};

// Connection timeouts of the network namespace (FNAT_A_TIMEOUT), seconds.
struct Timeouts {
    std::uint32_t tcp = 0;     // established TCP
    std::uint32_t tcp_fin = 0; // TCP after a FIN
    std::uint32_t udp = 0;

    bool operator==(const Timeouts&) const = default;
};

// A peer a sync daemon took valid messages from (FNAT_DAEMON_A_PEER).
struct SyncPeer {
    Address address;            // its source address
    std::uint32_t sender = 0;   // the random id its messages carry
    std::uint8_t sync_id = 0;   // the syncid of its messages
    std::uint64_t messages = 0; // valid messages taken from it
    std::uint64_t last_ms = 0;  // milliseconds since the last one

    bool operator==(const SyncPeer&) const = default;
};

// A running connection sync daemon (FNAT_A_DAEMON in GET_DAEMON replies).
// What a module leaves out reads 0, empty or nullopt.
struct SyncDaemon {
    std::uint32_t state = 0; // FNAT_SYNC_STATE_MASTER or _BACKUP (others kept)
    std::string mcast_ifn;   // the interface its messages go out of and come in on
    std::uint8_t sync_id = 0;
    std::uint16_t sync_maxlen = 0; // largest message, bytes of UDP payload
    std::optional<Address> mcast_group = std::nullopt;
    std::uint16_t mcast_port = 0; // host byte order
    std::uint8_t mcast_ttl = 0;
    bool auth = false; // it has a key (FNAT_DAEMON_A_AUTH)
    std::optional<std::uint32_t> sender = std::nullopt;
    std::optional<std::uint64_t> up_ms = std::nullopt; // milliseconds since it started
    std::vector<NamedCounter> counters = {};           // in the module's fixed order
    std::vector<SyncPeer> peers = {};

    bool operator==(const SyncDaemon&) const = default;
};

// A service with the attributes a request sets; absent ones are not sent.
struct ServiceSpec {
    ServiceKey key;
    std::optional<std::string> scheduler;
    std::optional<std::uint32_t> flags;
    std::optional<std::uint32_t> timeout;
    std::optional<std::uint8_t> netmask;

    bool operator==(const ServiceSpec&) const = default;
};

// A destination with the attributes a request sets; absent ones are not sent.
struct DestSpec {
    DestKey key;
    std::optional<ForwardMethod> forward;
    std::optional<std::uint32_t> weight;
    std::optional<std::uint32_t> u_threshold;
    std::optional<std::uint32_t> l_threshold;

    bool operator==(const DestSpec&) const = default;
};

// The timeouts a request sets; absent ones are not sent (and stay as they are).
struct TimeoutSpec {
    std::optional<std::uint32_t> tcp;
    std::optional<std::uint32_t> tcp_fin;
    std::optional<std::uint32_t> udp;

    bool empty() const { return !tcp && !tcp_fin && !udp; }
    bool operator==(const TimeoutSpec&) const = default;
};

// What --start-daemon and --stop-daemon send (FNAT_A_DAEMON): the role, and
// the attributes the user gave; absent ones are not sent, so the module
// applies its defaults (FNAT_SYNC_*_DEFAULT, maxlen from the interface MTU).
struct DaemonSpec {
    std::uint32_t state = 0;                                 // FNAT_SYNC_STATE_*
    std::optional<std::string> mcast_ifn = std::nullopt;     // --mcast-interface
    std::optional<std::uint8_t> sync_id = std::nullopt;      // --syncid
    std::optional<std::uint16_t> sync_maxlen = std::nullopt; // --sync-maxlen
    // --mcast-group: MCAST_FAMILY and MCAST_GROUP.
    std::optional<Address> mcast_group = std::nullopt;
    std::optional<std::uint16_t> mcast_port = std::nullopt; // host byte order
    std::optional<std::uint8_t> mcast_ttl = std::nullopt;
    // --sync-key: the shared key's bytes, FNAT_SYNC_KEY_MIN..FNAT_SYNC_KEY_MAX.
    std::optional<std::string> key = std::nullopt;

    bool operator==(const DaemonSpec&) const = default;
};

// One service and its destinations, for listings; with its local
// addresses (in the order they were added) where -S and -R need them.
struct ServiceEntry {
    Service service;
    std::vector<Dest> dests;
    std::vector<LocalAddress> laddrs = {};
};

// Everything `fnatadm -L` shows.
struct Table {
    Info info;
    std::vector<ServiceEntry> services;
};

// 0x000100 -> "0.1.0".
std::string version_string(std::uint32_t version_code);

// ipvsadm's listing order: family, protocol, address, port.
bool service_order(const Service& a, const Service& b);
bool service_key_order(const ServiceKey& a, const ServiceKey& b);
// ipvsadm's listing order for destinations: address (family first), port.
bool dest_order(const Dest& a, const Dest& b);

// Sorts services and each service's destinations into ipvsadm's order.
void sort_table(Table& table);

// Master first, then backup, then roles this version does not know; stable.
void sort_daemons(std::vector<SyncDaemon>& daemons);

} // namespace fnat

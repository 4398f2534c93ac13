// Builders of model values shared by the formatting tests.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include <uapi/fnat.h>

#include "lib/model.h"

namespace fnat::test {

// A service; persistent when timeout is non-zero.
inline Service make_service(ServiceKey key, std::string scheduler, std::uint32_t timeout = 0,
                            std::uint8_t netmask = 32) {
    Service svc;
    svc.key = key;
    svc.scheduler = std::move(scheduler);
    svc.flags = timeout > 0 ? FNAT_SVC_F_PERSISTENT : 0;
    svc.timeout = timeout;
    svc.netmask = netmask;
    return svc;
}

// A connection client -> vip:vport -> dest, all IPv4 (a.b.c.d as one
// host-order number), local = client as for every method but FULLNAT.
inline Conn make_conn(std::uint8_t protocol, std::uint32_t client, std::uint16_t cport,
                      std::uint32_t vip, std::uint16_t vport, std::uint32_t dest,
                      std::uint16_t dport, std::string state, std::uint32_t expires_ms) {
    auto ipv4 = [](std::uint32_t a) {
        return Address::ipv4(static_cast<std::uint8_t>(a >> 24), static_cast<std::uint8_t>(a >> 16),
                             static_cast<std::uint8_t>(a >> 8), static_cast<std::uint8_t>(a));
    };
    Conn conn;
    conn.protocol = protocol;
    conn.caddr = ipv4(client);
    conn.cport = cport;
    conn.vaddr = ipv4(vip);
    conn.vport = vport;
    conn.laddr = conn.caddr;
    conn.lport = cport;
    conn.daddr = ipv4(dest);
    conn.dport = dport;
    conn.forward = ForwardMethod::Masquerade;
    conn.state = std::move(state);
    conn.expires_ms = expires_ms;
    return conn;
}

// A running sync daemon as the module reports it, every attribute set: the
// example of lib/daemon_format.h (eth0, syncid 1, 224.0.0.83:8849, a key,
// the counters in the module's order, one peer).
inline SyncDaemon make_sync_daemon(std::uint32_t state = FNAT_SYNC_STATE_MASTER) {
    SyncDaemon daemon;
    daemon.state = state;
    daemon.mcast_ifn = "eth0";
    daemon.sync_id = 1;
    daemon.sync_maxlen = 1472;
    daemon.mcast_group = Address::ipv4(224, 0, 0, 83);
    daemon.mcast_port = FNAT_SYNC_PORT_DEFAULT;
    daemon.mcast_ttl = FNAT_SYNC_TTL_DEFAULT;
    daemon.auth = true;
    daemon.sender = 0x3a4f12c0;
    daemon.up_ms = 12'345;
    daemon.counters = {{"messages_sent", 14},
                       {"records_sent", 320},
                       {"bytes_sent", 25400},
                       {"send_errors", 0},
                       {"queue_full", 0},
                       {"bulk_requests", 1},
                       {"bulk_records_sent", 120},
                       {"messages_received", 3},
                       {"records_received", 80},
                       {"records_applied", 80},
                       {"short", 0},
                       {"bad_version", 0},
                       {"bad_length", 0},
                       {"syncid", 0},
                       {"auth", 0},
                       {"replay", 0},
                       {"stale", 0},
                       {"own", 0},
                       {"bad_record", 0},
                       {"no_service", 0},
                       {"no_dest", 0},
                       {"no_laddr", 0},
                       {"conflict", 0},
                       {"no_mem", 0}};
    daemon.peers = {SyncPeer{Address::ipv4(10, 0, 3, 2), 0x7b1c0011, 1, 3, 400}};
    return daemon;
}

} // namespace fnat::test

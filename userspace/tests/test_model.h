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

} // namespace fnat::test

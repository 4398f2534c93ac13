// Where the packet fuzzer aims: the addresses and ports of one side of a
// balancer, and the connections it may hit.
//
// Client side (in the client's network namespace): packets go to the
// virtual addresses (VIPs) from the client's own addresses, so that replies
// the director sends back reach a stack that answers them (a SYN-ACK for a
// port nothing listens on gets a reset, which closes the connection at
// once). Source ports come from two ranges below the kernel's ephemeral
// ports, so that the fuzz never lands on a legitimate client's connection:
// sessions (ports reused, so later packets meet the connections earlier
// ones made) and no-conn ports (never used for a SYN).
//
// Server side (in a real server's namespace): packets go to the director's
// local addresses (LIPs) from the real server's address and service ports,
// as replies arrive; the local ports are the ones seen in SYNs that reach
// the server (sniffed) or random. A sniffed connection is the fuzzer's own
// when its TOA option names a client port of the session range: those take
// any reply; other connections (a legitimate client's) only get packets
// that cannot disturb them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "lib/address.h"

namespace fnat::fuzz::packet {

enum class Side { Client, Server };

struct PortRange {
    std::uint16_t low = 0;
    std::uint16_t high = 0;
    bool contains(std::uint16_t port) const { return port >= low && port <= high; }
};

struct Targets {
    Side side = Side::Client;
    // Client: the VIPs; server: the LIPs.
    std::vector<Address> dsts;
    // The sender's own addresses (one per family at most).
    std::optional<Address> src4;
    std::optional<Address> src6;
    // Client: the services' ports; server: the real server's own ports.
    std::vector<std::uint16_t> tcp_ports;
    std::vector<std::uint16_t> udp_ports;
    // Ports a random UDP destination never takes (a legitimate service's).
    std::vector<std::uint16_t> avoid_udp_ports;
    PortRange sessions{20000, 20511};
    PortRange no_conn{10000, 19999};
    // Server: the local ports of the balancer.
    PortRange lports{1025, 65535};
    // Server: UDP ports of the server whose flows are the fuzzer's own.
    std::vector<std::uint16_t> own_udp_ports;
    // Server: the clients whose connections from session ports are the
    // fuzzer's own (empty: any). A mutated packet may have come from any
    // source; replies to one that cannot answer them (its reset ends a
    // connection at once) would keep its connection for minutes.
    std::vector<Address> own_clients;

    bool has_family(int family) const;
    const Address* src_for(int family) const;
};

// A connection seen from the real server's side: a SYN or datagram from
// local address laddr, port lport to the server's port.
struct Sniffed {
    Address laddr;
    Address server;
    std::uint16_t lport = 0;
    std::uint16_t server_port = 0;
    std::uint8_t proto = 0;
    bool own = false;
};

// The last connections sniffed, the newest first, at most kCapacity.
class SniffedTuples {
public:
    static constexpr std::size_t kCapacity = 256;

    void add(const Sniffed& tuple);
    bool empty() const { return tuples_.empty(); }
    std::size_t size() const { return tuples_.size(); }
    const Sniffed& at(std::size_t index) const { return tuples_[index]; }
    // Of the fuzzer's own ones, or of any, or nullptr when none.
    const Sniffed* pick(std::uint64_t draw, bool own_only) const;
    std::uint64_t seen() const { return seen_; }
    std::uint64_t seen_own() const { return seen_own_; }

private:
    std::deque<Sniffed> tuples_;
    std::uint64_t seen_ = 0;
    std::uint64_t seen_own_ = 0;
};

} // namespace fnat::fuzz::packet

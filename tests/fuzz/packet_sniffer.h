// The server side's view of the connections fnat makes: an AF_PACKET
// socket on the real server's interface that reads the TCP SYNs and UDP
// datagrams coming from the director's local addresses (or, for NAT, the
// clients), and the client port their TOA option names (include/uapi/fnat.h:
// kind 254 or 253), which tells the fuzzer's own connections from others.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "fuzz/packet_targets.h"
#include "tools/traffic/socket.h"

namespace fnat::fuzz::packet {

// What a frame's IP packet says, if it is a SYN (without ACK) or a UDP
// datagram to one of targets' own addresses from one of its destinations
// (the LIPs; for NAT, the clients). own: TCP from a client port of
// targets.sessions or targets.no_conn and a client of targets.own_clients
// (the client TOA names, else the source: NAT keeps the client's), or UDP
// to one of targets.own_udp_ports.
std::optional<Sniffed> sniff_packet(std::span<const std::uint8_t> packet, const Targets& targets);

class Sniffer {
public:
    explicit Sniffer(const std::string& iface);

    // Reads what is waiting (at most max frames), adding what it
    // recognises to tuples. Never waits.
    void poll(const Targets& targets, SniffedTuples& tuples, int max = 256);

private:
    traffic::Fd fd_;
};

} // namespace fnat::fuzz::packet

// Making the packets of a kind (packet_kind.h): the generator's context,
// the helpers the kinds share, and one function per kind, each in its own
// packet_gen_*.cpp.
#pragma once

#include <cstdint>
#include <vector>

#include "fuzz/packet_build.h"
#include "fuzz/packet_kind.h"
#include "fuzz/packet_targets.h"
#include "fuzz/rng.h"

namespace fnat::fuzz::packet {

// One direction of a connection: from src:sport to dst:dport.
struct Flow {
    Address src;
    Address dst;
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
    std::uint8_t proto = kProtoTcp;
    // Server side: a sniffed connection the flow is on, if any.
    const Sniffed* sniffed = nullptr;
};

class Gen {
public:
    Gen(Rng& random, const Targets& aims, const SniffedTuples* sniffed)
        : rng(random), targets(aims), sniffed_(sniffed) {}

    Rng& rng;
    const Targets& targets;
    // Flows stay on the fuzzer's own connections even when gentle: for
    // packets that are changed after they are made.
    bool own_only = false;

    // A family the targets have, drawn.
    int family();
    // A flow of proto (TCP or UDP; others get no ports) of a drawn family,
    // or of family. Client side: to a VIP from a session port, to a service
    // port (mostly) or any other. Server side:
    // from the server's port to a LIP, on a sniffed connection (mostly,
    // when there are some) or a random local port. gentle: the packets
    // cannot disturb a legitimate connection (they are malformed, or
    // ICMP errors quoting a random TCP sequence number), so any sniffed
    // connection will do; otherwise only the fuzzer's own.
    Flow flow(std::uint8_t proto, bool gentle = false);
    Flow flow(std::uint8_t proto, int family, bool gentle);

    // The IP packet of flow carrying l4 as protocol proto, with a sound
    // header: DF or not, random ID, TTL 64.
    Bytes ip(const Flow& flow, std::uint8_t proto, std::span<const std::uint8_t> l4);
    // A TCP segment of flow that could be real: flags mostly of a
    // connection's life, sound options sometimes, a little payload.
    TcpSpec tcp_spec(const Flow& flow);
    // A sound TCP, UDP or ICMP (echo) packet of flow's family, of flow's
    // protocol (ICMP for anything but TCP and UDP).
    Bytes sound_packet(const Flow& flow);
    // Valid-looking TCP options: MSS, window scale, SACK-permitted,
    // timestamps, SACK blocks, NOPs, in some order.
    Bytes sound_tcp_options();
    // Payload of 0..max bytes, mostly short.
    Bytes payload(std::size_t max);

private:
    const SniffedTuples* sniffed_;
};

// The packets (frames' IP parts) of one draw of kind; fragments come as
// several. Empty when the targets cannot take the kind (an IPv6-only kind
// without an IPv6 target).
std::vector<Bytes> generate(Kind kind, Gen& gen);

void gen_ip_header(Gen& gen, std::vector<Bytes>& out);
void gen_ip_trailer(Gen& gen, std::vector<Bytes>& out);
void gen_ip_options(Gen& gen, std::vector<Bytes>& out);
void gen_fragments(Gen& gen, std::vector<Bytes>& out);
void gen_tcp_flags(Gen& gen, std::vector<Bytes>& out);
void gen_tcp_doff(Gen& gen, std::vector<Bytes>& out);
void gen_tcp_options(Gen& gen, std::vector<Bytes>& out);
void gen_tcp_truncated(Gen& gen, std::vector<Bytes>& out);
void gen_udp(Gen& gen, std::vector<Bytes>& out);
void gen_icmp_error(Gen& gen, std::vector<Bytes>& out);
void gen_icmp_other(Gen& gen, std::vector<Bytes>& out);
void gen_other_proto(Gen& gen, std::vector<Bytes>& out);
void gen_ext_headers(Gen& gen, std::vector<Bytes>& out);
void gen_mutate(Gen& gen, std::vector<Bytes>& out);
void gen_random(Gen& gen, std::vector<Bytes>& out);
void gen_spoofed(Gen& gen, std::vector<Bytes>& out);
void gen_exact(Kind kind, Gen& gen, std::vector<Bytes>& out);

// The quoted packet of an ICMP error about flow's reverse direction (what
// flow.dst sent to flow.src): its IP header and first bytes, of quote_len
// bytes at most. Used by icmp-error and the exact kinds.
Bytes quote_of(Gen& gen, const Flow& flow, std::size_t quote_len);
// An ICMP (IPv4 flow) or ICMPv6 error from flow.src to flow.dst with body.
Bytes icmp_error(Gen& gen, const Flow& flow, std::span<const std::uint8_t> body);

} // namespace fnat::fuzz::packet

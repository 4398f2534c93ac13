// The fnat-traffic command line (CLI11), parsed and validated into the
// options of one subcommand: serve, connect, stream, flow, garbage,
// udp-garbage or icmp-error. Everything
// that can be checked without the network is checked here, so that a wrong
// command line exits 2 with one message before any socket is opened.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lib/address.h"

namespace fnat::traffic {

// A command line fnat-traffic refuses (exit status 2).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class Protocol { Tcp, Udp };

// "tcp", "udp".
std::string_view protocol_name(Protocol protocol);

struct Target {
    Address address;
    std::uint16_t port = 0;

    bool operator==(const Target&) const = default;
};

// Local ports LOW..HIGH, both included.
struct PortRange {
    std::uint16_t low = 0;
    std::uint16_t high = 0;

    std::uint32_t size() const { return std::uint32_t{high} - low + 1; }
    bool operator==(const PortRange&) const = default;
};

// How a client ends a connection: FIN (close(), the client keeps TIME_WAIT)
// or RST (SO_LINGER 0: no TIME_WAIT, so a --source-port-range port can be
// used again at once).
enum class CloseMode { Fin, Reset };

// The largest UDP payload: a reply (header, name, peer, payload) must fit in
// one IPv4 datagram (IPv6 allows a few bytes more).
inline constexpr std::uint32_t kMaxUdpBytes = 65000;
inline constexpr std::uint32_t kMaxTcpBytes = 1U << 30;

// Where serve takes the client address it answers with: the socket's peer
// (what accept() and recvmsg() return), or for TCP the address fnat-toa
// learnt from the connection's TOA option (FNAT_TOA_SO_PEER in
// include/uapi/fnat.h), "none" when there is none. TOA lets an IPv4 real
// server learn an IPv6 client's address (FULLNAT 6->4), which the socket
// cannot hold.
enum class PeerSource { Socket, Toa };

// "socket", "toa".
std::string_view peer_source_name(PeerSource source);

struct ServeOptions {
    // One listening socket each, TCP and UDP: a bare --tcp/--udp PORT listens
    // on every --bind address (0.0.0.0 without --bind), ADDR:PORT on that
    // address only. Port 0 picks one, the same for each address.
    std::vector<Target> tcp;
    std::vector<Target> udp;
    std::string name; // empty: the host name
    std::uint32_t max_seconds = 600;
    std::uint32_t idle_seconds = 300;          // a TCP connection silent this long is closed
    PeerSource peer_from = PeerSource::Socket; // TCP only: a datagram has no TOA
};

struct ConnectOptions {
    Protocol protocol = Protocol::Tcp;
    Target target;
    std::uint32_t count = 1;
    std::uint32_t bytes = 1000;
    std::uint32_t parallel = 1; // at most count
    std::uint64_t seed = 1;
    std::uint32_t timeout_ms = 5000;
    std::uint32_t hold_ms = 0;
    std::optional<PortRange> source_ports; // at least `parallel` ports
    CloseMode close = CloseMode::Fin;
    bool json = false;
    bool allow_failures = false;
    bool list_exchanges = false; // a line per exchange after the text report
};

struct StreamOptions {
    Target target;
    std::uint32_t seconds = 0;
    std::uint32_t rate_kbps = 8000; // 0: as fast as the connection goes
    std::uint64_t seed = 1;
    std::uint32_t timeout_ms = 5000; // longest wait for progress
    bool json = false;
};

// The malformed packets of `garbage`, each refused by the module's packet
// parser (kmod/fnat_pkt.c) with one drop reason:
//   bad-tcp-doff    TCP data offset 15 (60 bytes) in a 20-byte segment  bad_tcp_doff
//   tcp-doff-small  TCP data offset 4 (16 bytes, below the minimum 5)   bad_tcp_doff
//   l4-truncated    IP protocol TCP with only 10 bytes of L4            l4_truncated
//   bad-udp-length  UDP length 200 in an IP payload of 8 + 20 bytes     bad_udp_length
enum class GarbageKind { BadTcpDoff, TcpDoffSmall, L4Truncated, BadUdpLength };

// "bad-tcp-doff", "tcp-doff-small", "l4-truncated", "bad-udp-length".
std::string_view garbage_kind_name(GarbageKind kind);

inline constexpr std::uint32_t kMaxGarbageCount = 1000000;

struct GarbageOptions {
    Target target; // IPv4 only
    std::uint32_t count = 0;
    GarbageKind kind = GarbageKind::BadTcpDoff;
    std::uint64_t seed = 1;
};

struct FlowOptions {
    Target target;
    std::uint32_t seconds = 0;
    std::uint32_t interval_ms = 20;
    std::uint32_t bytes = 100; // payload bytes per datagram
    std::uint64_t seed = 1;
    std::uint32_t max_lost = 0;               // unanswered datagrams tolerated
    std::uint32_t timeout_ms = 5000;          // longest time without any answer
    std::optional<std::uint16_t> source_port; // bind this local port
};

// The datagrams of `udp-garbage`, for the session sync receiver (the wire
// format at the end of include/uapi/fnat.h), each dropped with one reason:
//   random        1..1400 random bytes                         (any reason)
//   sync-short    1..31 random bytes: less than a header        short
//   sync-version  a 32-byte header of version 0 or 2..255        bad_version
//   sync-length   version 1, length field 4 less than sent       bad_length
//   sync-record   a valid header (--syncid, no MAC) with one
//                 record of unknown type                         bad_record
enum class UdpGarbageKind { Random, SyncShort, SyncVersion, SyncLength, SyncRecord };

// "random", "sync-short", "sync-version", "sync-length", "sync-record".
std::string_view udp_garbage_kind_name(UdpGarbageKind kind);

struct UdpGarbageOptions {
    Target target;
    std::uint32_t count = 0;
    UdpGarbageKind kind = UdpGarbageKind::Random;
    std::uint64_t seed = 1;
    std::uint8_t syncid = 0;
};

// `icmp-error`: a packet-too-big error about the TCP segment
// quoted_from -> quoted_to (one family), sent to quoted_from's address.
inline constexpr std::uint32_t kMinIcmpMtu4 = 68;
inline constexpr std::uint32_t kMinIcmpMtu6 = 1280;
inline constexpr std::uint32_t kMaxIcmpMtu = 1499; // below the quoted 1500

struct IcmpErrorOptions {
    Target quoted_from; // the segment's source: where the error goes
    Target quoted_to;   // its destination (the client's own address, say)
    std::uint32_t seq = 0;
    std::uint32_t mtu = 0;
};

// --help anywhere: the text to print (exit status 0).
struct HelpRequest {
    std::string text;
};

using Invocation = std::variant<HelpRequest, ServeOptions, ConnectOptions, StreamOptions,
                                GarbageOptions, FlowOptions, UdpGarbageOptions, IcmpErrorOptions>;

// args without the program name. Throws UsageError.
Invocation parse_arguments(const std::vector<std::string>& args);

// The datagrams a flow sends: one per interval over --seconds, at least 1.
std::uint64_t flow_datagrams(const FlowOptions& options);

// "LO-HI" (or a single "PORT"), ports 1..65535, LO <= HI. Throws UsageError.
PortRange parse_port_range(std::string_view text);

} // namespace fnat::traffic

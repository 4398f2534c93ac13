#include "tools/traffic/options.h"

#include <algorithm>
#include <limits>
#include <sstream>

#include <CLI/CLI.hpp>

#include "tools/traffic/wire.h"

namespace fnat::traffic {
namespace {

constexpr std::uint32_t kMaxCount = 1000000;
constexpr std::uint32_t kMaxParallel = 1024;
constexpr std::uint32_t kMaxMillis = 3600000;
constexpr std::uint32_t kMaxServeSeconds = 7 * 86400;
constexpr std::uint32_t kMaxStreamSeconds = 86400;
constexpr std::uint32_t kMaxRateKbps = 100000000;
constexpr std::uint32_t kMaxFlowIntervalMs = 60000;
constexpr std::uint32_t kMaxFlowDatagrams = 10000000;

const char* const kFooter = R"(
serve answers every TCP connection and UDP datagram with its --name, the
client address:port it saw, and the payload echoed byte for byte. It prints
"listening tcp|udp ADDR:PORT" for each socket once all listen (IPv6:
"listening tcp [::]:8001"), and stops after --max-seconds or on
SIGTERM/SIGINT. A bare --tcp/--udp PORT listens on every --bind address:
--bind 0.0.0.0 --bind :: serves both families on one port. Addresses are
numeric, IPv6 with a port in brackets: --tcp [2001:db8::1]:8001.
With --peer-from toa, a TCP connection is answered with the client address
fnat-toa took from its TOA option (getsockopt FNAT_TOA_SO_PEER), which may be
of the other family than the socket (an IPv6 client of an IPv4 server after
FULLNAT 6->4), or "none" when the connection had none; UDP keeps the
datagram's source.

connect makes --count exchanges (--parallel at a time), each on its own
socket, each sending --bytes bytes derived from --seed and the exchange's
index, and checks the echo. It prints per answering server the exchanges it
answered, their latency and the client addresses it saw, then the failures by
kind (connect-timeout, refused, reset, timeout, short-read, mismatch,
bad-reply, unreachable, address-in-use, error). --json prints one JSON object.
--list-exchanges adds a line per exchange, to see which server each client
port reached: "exchange 7: rs1, seen as 10.0.1.2:30007", or for a failed one
"exchange 8: failed" and the kind in parentheses.

stream keeps one TCP connection streaming a deterministic byte sequence for
--seconds; the server verifies what it receives and echoes it, the client
verifies the echo, printing progress each second. A reset, a stall longer than
--timeout-ms, an early close or a wrong byte ends it with the byte offset.

flow keeps one UDP socket (one client port, --source-port or the kernel's
choice) sending a datagram every --interval-ms (default 20) for --seconds,
each with --bytes (default 100) of payload derived from --seed and its
sequence number, and checks every echo byte for byte. It prints the first
answer's server, progress each second, and
  flow ok: 10.000 s, sent 500 received 497 lost 3 (longest gap 180 ms),
    server rs1, seen as 10.0.1.2:40000                          [one line]
after waiting up to 1 s (at most --timeout-ms) for the last answers. It fails
on a wrong echo, an answer from another server than the first one (the flow
must stay on one real server), more than --max-lost (default 0) datagrams
unanswered at the end, or no answer at all for --timeout-ms (default 5000).

garbage sends --count malformed IPv4 packets to --to from a raw socket (needs
CAP_NET_RAW), each refused by fnat's packet parser with one drop reason:
  bad-tcp-doff    20-byte TCP SYN, data offset 15 (60 bytes)  -> bad_tcp_doff
  tcp-doff-small  20-byte TCP SYN, data offset 4 (16 bytes)   -> bad_tcp_doff
  l4-truncated    IP protocol TCP, only 10 bytes of L4        -> l4_truncated
  bad-udp-length  UDP length 200 in 8 + 20 bytes of L4        -> bad_udp_length
The IP header is valid (source: the address the route to --to uses); source
ports and sequence numbers come from --seed. It prints
"garbage: sent N KIND packets to ADDR:PORT".

udp-garbage sends --count UDP datagrams to --to (a multicast group needs a
route to it, e.g. 224.0.0.0/4 dev IF; TTL 1) that fnat's session sync
receiver drops (include/uapi/fnat.h), each kind for one reason:
  random        1..1400 random bytes                       -> any reason
  sync-short    1..31 random bytes, less than a header     -> short
  sync-version  32-byte header of version 0 or 2..255      -> bad_version
  sync-length   version 1, length field 4 below the size   -> bad_length
  sync-record   valid header of --syncid (default 0), no MAC, one record
                of an unknown type                         -> bad_record
Bytes, sender id and sequence numbers come from --seed. It prints
"udp-garbage: sent N KIND datagrams to ADDR:PORT".

icmp-error sends, from a raw socket (needs CAP_NET_RAW), the error a router
on the way would send about the TCP segment --quoted-from > --quoted-to with
sequence number --seq that was too big for its next hop of --mtu bytes:
ICMP fragmentation needed (--mtu 68..1499) or, for IPv6, ICMPv6 packet too
big (--mtu 1280..1499). It goes to --quoted-from's address and quotes the
segment's IP header (1500 bytes long, DF) and TCP header (ACK). It prints
"icmp-error: sent packet-too-big (mtu M) to ADDR about SRC > DST seq N".

Exit status: 0 success, 1 a failed exchange, stream or flow (connect exits 0
with --allow-failures) or a failed garbage or icmp-error send, 2 a wrong
command line.)";

std::uint64_t number(const std::string& option, const std::string& text, std::uint64_t min,
                     std::uint64_t max) {
    auto refuse = [&]() -> std::uint64_t {
        throw UsageError("invalid " + option + " '" + text + "': must be an integer " +
                         std::to_string(min) + ".." + std::to_string(max));
    };
    if (text.empty() || text.size() > 20 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return refuse();
    std::uint64_t value = 0;
    for (char c : text) {
        auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
            return refuse();
        value = value * 10 + digit;
    }
    if (value < min || value > max)
        return refuse();
    return value;
}

std::uint32_t number32(const std::string& option, const std::string& text, std::uint32_t min,
                       std::uint32_t max) {
    return static_cast<std::uint32_t>(number(option, text, min, max));
}

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// ADDR[:PORT] of an option, as a usage error when it does not parse.
Endpoint option_endpoint(const std::string& option, const std::string& text) {
    try {
        return parse_endpoint(text);
    } catch (const ParseError& error) {
        throw UsageError("invalid " + option + " '" + text + "': " + error.what());
    }
}

// ADDR:PORT for connect and stream: both parts, port 1..65535.
Target remote_target(const std::string& option, const std::string& text) {
    Endpoint endpoint = option_endpoint(option, text);
    if (!endpoint.port)
        throw UsageError("invalid " + option + " '" + text + "': needs ADDR:PORT");
    if (*endpoint.port == 0)
        throw UsageError("invalid " + option + " '" + text + "': port 0");
    return Target{endpoint.address, *endpoint.port};
}

// [ADDR:]PORT for serve: a bare port on each --bind address (0.0.0.0
// without one), ADDR:PORT on that address.
std::vector<Target> local_targets(const std::string& option, const std::string& text,
                                  const std::vector<Address>& binds) {
    if (all_digits(text)) {
        const auto port = static_cast<std::uint16_t>(number(option, text, 0, 65535));
        if (binds.empty())
            return {Target{Address::ipv4(0, 0, 0, 0), port}};
        std::vector<Target> targets;
        for (const Address& address : binds)
            targets.push_back(Target{address, port});
        return targets;
    }
    Endpoint endpoint = option_endpoint(option, text);
    if (!endpoint.port)
        throw UsageError("invalid " + option + " '" + text + "': needs PORT or ADDR:PORT");
    if (!binds.empty())
        throw UsageError(option + " '" + text + "' gives an address: --bind is for bare ports");
    return {Target{endpoint.address, *endpoint.port}};
}

struct ServeArgs {
    std::string tcp, udp, name, max_seconds, idle_seconds, peer_from;
    std::vector<std::string> binds;
};

struct ConnectArgs {
    std::string tcp, udp, count, bytes, parallel, seed, timeout_ms, hold_ms, ports, close;
    bool json = false;
    bool allow_failures = false;
    bool list_exchanges = false;
};

struct GarbageArgs {
    std::string to, count, kind, seed;
};

struct FlowArgs {
    std::string udp, seconds, interval_ms, bytes, seed, max_lost, timeout_ms, source_port;
};

struct IcmpErrorArgs {
    std::string quoted_from, quoted_to, seq, mtu;
};

struct UdpGarbageArgs {
    std::string to, count, kind, seed, syncid;
};

struct StreamArgs {
    std::string tcp, seconds, rate_kbps, seed, timeout_ms;
    bool json = false;
};

ServeOptions serve_options(const CLI::App& app, const ServeArgs& args) {
    ServeOptions options;
    std::vector<Address> binds;
    for (const std::string& text : args.binds) {
        Address address;
        try {
            address = parse_address(text);
        } catch (const ParseError& error) {
            throw UsageError("invalid --bind '" + text + "': " + error.what());
        }
        if (std::find(binds.begin(), binds.end(), address) != binds.end())
            throw UsageError("--bind " + to_string(address) + " is given twice");
        binds.push_back(address);
    }
    if (app.count("--tcp") > 0)
        options.tcp = local_targets("--tcp", args.tcp, binds);
    if (app.count("--udp") > 0)
        options.udp = local_targets("--udp", args.udp, binds);
    if (options.tcp.empty() && options.udp.empty())
        throw UsageError("serve needs --tcp [ADDR:]PORT, --udp [ADDR:]PORT or both");
    if (app.count("--name") > 0) {
        if (!valid_label(args.name))
            throw UsageError("invalid --name '" + args.name +
                             "': 1..64 printable characters without spaces");
        options.name = args.name;
    }
    if (app.count("--max-seconds") > 0)
        options.max_seconds = number32("--max-seconds", args.max_seconds, 1, kMaxServeSeconds);
    if (app.count("--idle-seconds") > 0)
        options.idle_seconds = number32("--idle-seconds", args.idle_seconds, 1, 86400);
    if (app.count("--peer-from") > 0) {
        if (args.peer_from == peer_source_name(PeerSource::Socket))
            options.peer_from = PeerSource::Socket;
        else if (args.peer_from == peer_source_name(PeerSource::Toa))
            options.peer_from = PeerSource::Toa;
        else
            throw UsageError("invalid --peer-from '" + args.peer_from + "': must be socket or toa");
        if (options.peer_from == PeerSource::Toa && options.tcp.empty())
            throw UsageError("--peer-from toa is for TCP (--tcp): a datagram carries no TOA");
    }
    return options;
}

ConnectOptions connect_options(const CLI::App& app, const ConnectArgs& args) {
    ConnectOptions options;
    bool tcp = app.count("--tcp") > 0;
    bool udp = app.count("--udp") > 0;
    if (tcp == udp)
        throw UsageError("connect needs exactly one of --tcp ADDR:PORT and --udp ADDR:PORT");
    options.protocol = tcp ? Protocol::Tcp : Protocol::Udp;
    options.target = tcp ? remote_target("--tcp", args.tcp) : remote_target("--udp", args.udp);
    if (app.count("--count") > 0)
        options.count = number32("--count", args.count, 1, kMaxCount);
    std::uint32_t max_bytes = tcp ? kMaxTcpBytes : kMaxUdpBytes;
    if (app.count("--bytes") > 0)
        options.bytes = number32("--bytes", args.bytes, 0, max_bytes);
    if (app.count("--parallel") > 0)
        options.parallel = number32("--parallel", args.parallel, 1, kMaxParallel);
    options.parallel = std::min(options.parallel, options.count);
    if (app.count("--seed") > 0)
        options.seed = number("--seed", args.seed, 0, std::numeric_limits<std::uint64_t>::max());
    if (app.count("--timeout-ms") > 0)
        options.timeout_ms = number32("--timeout-ms", args.timeout_ms, 1, kMaxMillis);
    if (app.count("--hold-ms") > 0)
        options.hold_ms = number32("--hold-ms", args.hold_ms, 0, kMaxMillis);
    if (app.count("--source-port-range") > 0) {
        options.source_ports = parse_port_range(args.ports);
        if (options.source_ports->size() < options.parallel)
            throw UsageError("--source-port-range " + args.ports + " has " +
                             std::to_string(options.source_ports->size()) +
                             " ports, fewer than --parallel " + std::to_string(options.parallel));
    }
    if (app.count("--close") > 0) {
        if (args.close == "fin")
            options.close = CloseMode::Fin;
        else if (args.close == "rst")
            options.close = CloseMode::Reset;
        else
            throw UsageError("invalid --close '" + args.close + "': must be fin or rst");
    }
    options.json = args.json;
    options.allow_failures = args.allow_failures;
    options.list_exchanges = args.list_exchanges;
    if (options.json && options.list_exchanges)
        throw UsageError("--list-exchanges is for the text report, not --json");
    return options;
}

StreamOptions stream_options(const CLI::App& app, const StreamArgs& args) {
    StreamOptions options;
    if (app.count("--tcp") == 0)
        throw UsageError("stream needs --tcp ADDR:PORT");
    options.target = remote_target("--tcp", args.tcp);
    if (app.count("--seconds") == 0)
        throw UsageError("stream needs --seconds S");
    options.seconds = number32("--seconds", args.seconds, 1, kMaxStreamSeconds);
    if (app.count("--rate-kbps") > 0)
        options.rate_kbps = number32("--rate-kbps", args.rate_kbps, 0, kMaxRateKbps);
    if (app.count("--seed") > 0)
        options.seed = number("--seed", args.seed, 0, std::numeric_limits<std::uint64_t>::max());
    if (app.count("--timeout-ms") > 0)
        options.timeout_ms = number32("--timeout-ms", args.timeout_ms, 1, kMaxMillis);
    options.json = args.json;
    return options;
}

FlowOptions flow_options(const CLI::App& app, const FlowArgs& args) {
    FlowOptions options;
    if (app.count("--udp") == 0)
        throw UsageError("flow needs --udp ADDR:PORT");
    options.target = remote_target("--udp", args.udp);
    if (app.count("--seconds") == 0)
        throw UsageError("flow needs --seconds S");
    options.seconds = number32("--seconds", args.seconds, 1, kMaxStreamSeconds);
    if (app.count("--interval-ms") > 0)
        options.interval_ms = number32("--interval-ms", args.interval_ms, 1, kMaxFlowIntervalMs);
    if (flow_datagrams(options) > kMaxFlowDatagrams)
        throw UsageError("--seconds " + args.seconds + " at --interval-ms " +
                         std::to_string(options.interval_ms) + " is more than " +
                         std::to_string(kMaxFlowDatagrams) + " datagrams");
    if (app.count("--bytes") > 0)
        options.bytes = number32("--bytes", args.bytes, 0, kMaxUdpBytes);
    if (app.count("--seed") > 0)
        options.seed = number("--seed", args.seed, 0, std::numeric_limits<std::uint64_t>::max());
    if (app.count("--max-lost") > 0)
        options.max_lost = number32("--max-lost", args.max_lost, 0, kMaxFlowDatagrams);
    if (app.count("--timeout-ms") > 0)
        options.timeout_ms = number32("--timeout-ms", args.timeout_ms, 1, kMaxMillis);
    if (app.count("--source-port") > 0)
        options.source_port =
            static_cast<std::uint16_t>(number("--source-port", args.source_port, 1, 65535));
    return options;
}

UdpGarbageOptions udp_garbage_options(const CLI::App& app, const UdpGarbageArgs& args) {
    UdpGarbageOptions options;
    if (app.count("--to") == 0)
        throw UsageError("udp-garbage needs --to ADDR:PORT");
    options.target = remote_target("--to", args.to);
    if (app.count("--count") == 0)
        throw UsageError("udp-garbage needs --count N");
    options.count = number32("--count", args.count, 1, kMaxGarbageCount);
    if (app.count("--kind") == 0)
        throw UsageError("udp-garbage needs --kind KIND");
    bool known = false;
    for (UdpGarbageKind kind :
         {UdpGarbageKind::Random, UdpGarbageKind::SyncShort, UdpGarbageKind::SyncVersion,
          UdpGarbageKind::SyncLength, UdpGarbageKind::SyncRecord}) {
        if (args.kind == udp_garbage_kind_name(kind)) {
            options.kind = kind;
            known = true;
        }
    }
    if (!known)
        throw UsageError("invalid --kind '" + args.kind +
                         "': must be random, sync-short, sync-version, sync-length or "
                         "sync-record");
    if (app.count("--seed") > 0)
        options.seed = number("--seed", args.seed, 0, std::numeric_limits<std::uint64_t>::max());
    if (app.count("--syncid") > 0)
        options.syncid = static_cast<std::uint8_t>(number("--syncid", args.syncid, 0, 255));
    return options;
}

IcmpErrorOptions icmp_error_options(const CLI::App& app, const IcmpErrorArgs& args) {
    IcmpErrorOptions options;
    if (app.count("--quoted-from") == 0)
        throw UsageError("icmp-error needs --quoted-from ADDR:PORT");
    options.quoted_from = remote_target("--quoted-from", args.quoted_from);
    if (app.count("--quoted-to") == 0)
        throw UsageError("icmp-error needs --quoted-to ADDR:PORT");
    options.quoted_to = remote_target("--quoted-to", args.quoted_to);
    if (options.quoted_from.address.family != options.quoted_to.address.family)
        throw UsageError("--quoted-from '" + args.quoted_from + "' and --quoted-to '" +
                         args.quoted_to + "' are of different families");
    if (app.count("--seq") == 0)
        throw UsageError("icmp-error needs --seq N");
    options.seq = number32("--seq", args.seq, 0, std::numeric_limits<std::uint32_t>::max());
    if (app.count("--mtu") == 0)
        throw UsageError("icmp-error needs --mtu M");
    options.mtu =
        number32("--mtu", args.mtu,
                 options.quoted_from.address.is_ipv6() ? kMinIcmpMtu6 : kMinIcmpMtu4, kMaxIcmpMtu);
    return options;
}

GarbageOptions garbage_options(const CLI::App& app, const GarbageArgs& args) {
    GarbageOptions options;
    if (app.count("--to") == 0)
        throw UsageError("garbage needs --to ADDR:PORT");
    options.target = remote_target("--to", args.to);
    if (!options.target.address.is_ipv4())
        throw UsageError("invalid --to '" + args.to + "': garbage sends IPv4 only");
    if (app.count("--count") == 0)
        throw UsageError("garbage needs --count N");
    options.count = number32("--count", args.count, 1, kMaxGarbageCount);
    if (app.count("--kind") == 0)
        throw UsageError("garbage needs --kind KIND");
    bool known = false;
    for (GarbageKind kind : {GarbageKind::BadTcpDoff, GarbageKind::TcpDoffSmall,
                             GarbageKind::L4Truncated, GarbageKind::BadUdpLength}) {
        if (args.kind == garbage_kind_name(kind)) {
            options.kind = kind;
            known = true;
        }
    }
    if (!known)
        throw UsageError("invalid --kind '" + args.kind +
                         "': must be bad-tcp-doff, tcp-doff-small, l4-truncated or "
                         "bad-udp-length");
    if (app.count("--seed") > 0)
        options.seed = number("--seed", args.seed, 0, std::numeric_limits<std::uint64_t>::max());
    return options;
}

} // namespace

std::string_view protocol_name(Protocol protocol) {
    return protocol == Protocol::Tcp ? "tcp" : "udp";
}

std::string_view peer_source_name(PeerSource source) {
    return source == PeerSource::Toa ? "toa" : "socket";
}

std::string_view garbage_kind_name(GarbageKind kind) {
    switch (kind) {
    case GarbageKind::BadTcpDoff:
        return "bad-tcp-doff";
    case GarbageKind::TcpDoffSmall:
        return "tcp-doff-small";
    case GarbageKind::L4Truncated:
        return "l4-truncated";
    case GarbageKind::BadUdpLength:
        return "bad-udp-length";
    }
    return "?";
}

std::string_view udp_garbage_kind_name(UdpGarbageKind kind) {
    switch (kind) {
    case UdpGarbageKind::Random:
        return "random";
    case UdpGarbageKind::SyncShort:
        return "sync-short";
    case UdpGarbageKind::SyncVersion:
        return "sync-version";
    case UdpGarbageKind::SyncLength:
        return "sync-length";
    case UdpGarbageKind::SyncRecord:
        return "sync-record";
    }
    return "?";
}

std::uint64_t flow_datagrams(const FlowOptions& options) {
    std::uint64_t count = std::uint64_t{options.seconds} * 1000 / options.interval_ms;
    return std::max<std::uint64_t>(count, 1);
}

PortRange parse_port_range(std::string_view text) {
    std::string value(text);
    auto dash = value.find('-');
    std::string low = value.substr(0, dash);
    std::string high = dash == std::string::npos ? low : value.substr(dash + 1);
    auto refuse = [&]() {
        throw UsageError("invalid --source-port-range '" + value +
                         "': must be LO-HI with ports 1..65535 and LO <= HI");
    };
    if (!all_digits(low) || !all_digits(high) || low.size() > 5 || high.size() > 5)
        refuse();
    PortRange range;
    std::uint64_t lo = number("--source-port-range", low, 0, 99999);
    std::uint64_t hi = number("--source-port-range", high, 0, 99999);
    if (lo < 1 || hi > 65535 || lo > hi)
        refuse();
    range.low = static_cast<std::uint16_t>(lo);
    range.high = static_cast<std::uint16_t>(hi);
    return range;
}

Invocation parse_arguments(const std::vector<std::string>& args) {
    CLI::App app{"fnat-traffic: client and server of fnat's end-to-end traffic tests",
                 "fnat-traffic"};
    app.require_subcommand(1);
    app.footer(kFooter);

    ServeArgs serve_args;
    CLI::App* serve = app.add_subcommand("serve", "answer TCP connections and UDP datagrams");
    serve->add_option("--tcp", serve_args.tcp, "TCP port to listen on")->option_text("[ADDR:]PORT");
    serve->add_option("--udp", serve_args.udp, "UDP port to answer on")->option_text("[ADDR:]PORT");
    serve
        ->add_option("--bind", serve_args.binds,
                     "address for bare ports (default 0.0.0.0); again for more (--bind 0.0.0.0 "
                     "--bind ::)")
        ->allow_extra_args(false)
        ->option_text("ADDR");
    serve->add_option("--name", serve_args.name, "name sent with every answer (default: host name)")
        ->option_text("NAME");
    serve->add_option("--max-seconds", serve_args.max_seconds, "stop after N seconds (default 600)")
        ->option_text("N");
    serve
        ->add_option("--idle-seconds", serve_args.idle_seconds,
                     "close a TCP connection silent this long (default 300)")
        ->option_text("N");
    serve
        ->add_option("--peer-from", serve_args.peer_from,
                     "TCP client address to answer with: the socket's (default) or fnat-toa's")
        ->option_text("socket|toa");

    ConnectArgs connect_args;
    CLI::App* connect = app.add_subcommand("connect", "make exchanges and verify the echoes");
    connect->add_option("--tcp", connect_args.tcp, "TCP server")->option_text("ADDR:PORT");
    connect->add_option("--udp", connect_args.udp, "UDP server")->option_text("ADDR:PORT");
    connect->add_option("--count", connect_args.count, "exchanges (default 1)")->option_text("N");
    connect->add_option("--bytes", connect_args.bytes, "payload bytes per exchange (default 1000)")
        ->option_text("B");
    connect->add_option("--parallel", connect_args.parallel, "exchanges at a time (default 1)")
        ->option_text("P");
    connect->add_option("--seed", connect_args.seed, "payload seed (default 1)")->option_text("S");
    connect
        ->add_option("--timeout-ms", connect_args.timeout_ms,
                     "limit for the connect, and then for the reply (default 5000)")
        ->option_text("T");
    connect
        ->add_option("--hold-ms", connect_args.hold_ms,
                     "keep each connection open this long after the echo (default 0)")
        ->option_text("H");
    connect
        ->add_option("--source-port-range", connect_args.ports,
                     "bind local ports from this range, least recently used first")
        ->option_text("LO-HI");
    connect->add_option("--close", connect_args.close, "end connections with fin (default) or rst")
        ->option_text("fin|rst");
    connect->add_flag("--json", connect_args.json, "print the report as JSON");
    connect->add_flag("--allow-failures", connect_args.allow_failures,
                      "exit 0 even if exchanges failed");
    connect->add_flag("--list-exchanges", connect_args.list_exchanges,
                      "a line per exchange: its server and the address it saw");

    StreamArgs stream_args;
    CLI::App* stream = app.add_subcommand("stream", "stream over one TCP connection and verify");
    stream->add_option("--tcp", stream_args.tcp, "TCP server")->option_text("ADDR:PORT");
    stream->add_option("--seconds", stream_args.seconds, "how long to stream")->option_text("S");
    stream
        ->add_option("--rate-kbps", stream_args.rate_kbps,
                     "sending rate in kbit/s, 0 for no limit (default 8000)")
        ->option_text("R");
    stream->add_option("--seed", stream_args.seed, "payload seed (default 1)")->option_text("S");
    stream
        ->add_option("--timeout-ms", stream_args.timeout_ms,
                     "limit for the connect and for any wait for progress (default 5000)")
        ->option_text("T");
    stream->add_flag("--json", stream_args.json, "print the result as JSON (progress to stderr)");

    FlowArgs flow_args;
    CLI::App* flow =
        app.add_subcommand("flow", "one long-lived UDP flow from one port, every echo verified");
    flow->add_option("--udp", flow_args.udp, "UDP server")->option_text("ADDR:PORT");
    flow->add_option("--seconds", flow_args.seconds, "how long to send")->option_text("S");
    flow->add_option("--interval-ms", flow_args.interval_ms, "one datagram every I ms (default 20)")
        ->option_text("I");
    flow->add_option("--bytes", flow_args.bytes, "payload bytes per datagram (default 100)")
        ->option_text("B");
    flow->add_option("--seed", flow_args.seed, "payload seed (default 1)")->option_text("S");
    flow->add_option("--max-lost", flow_args.max_lost, "unanswered datagrams tolerated (default 0)")
        ->option_text("N");
    flow->add_option("--timeout-ms", flow_args.timeout_ms,
                     "fail after this long without any answer (default 5000)")
        ->option_text("T");
    flow->add_option("--source-port", flow_args.source_port,
                     "local port (default: the kernel's choice)")
        ->option_text("PORT");

    GarbageArgs garbage_args;
    CLI::App* garbage =
        app.add_subcommand("garbage", "send malformed IPv4 packets from a raw socket");
    garbage->add_option("--to", garbage_args.to, "destination")->option_text("ADDR:PORT");
    garbage->add_option("--count", garbage_args.count, "packets to send (1..1000000)")
        ->option_text("N");
    garbage
        ->add_option("--kind", garbage_args.kind,
                     "bad-tcp-doff, tcp-doff-small, l4-truncated or bad-udp-length")
        ->option_text("KIND");
    garbage
        ->add_option("--seed", garbage_args.seed, "seed of ports and sequence numbers (default 1)")
        ->option_text("S");

    UdpGarbageArgs udp_garbage_args;
    CLI::App* udp_garbage =
        app.add_subcommand("udp-garbage", "send datagrams the session sync receiver drops");
    udp_garbage->add_option("--to", udp_garbage_args.to, "destination (a multicast group too)")
        ->option_text("ADDR:PORT");
    udp_garbage->add_option("--count", udp_garbage_args.count, "datagrams to send (1..1000000)")
        ->option_text("N");
    udp_garbage
        ->add_option("--kind", udp_garbage_args.kind,
                     "random, sync-short, sync-version, sync-length or sync-record")
        ->option_text("KIND");
    udp_garbage
        ->add_option("--seed", udp_garbage_args.seed,
                     "seed of bytes, sender id and sequence numbers (default 1)")
        ->option_text("S");
    udp_garbage->add_option("--syncid", udp_garbage_args.syncid, "sync-record's syncid (default 0)")
        ->option_text("N");

    IcmpErrorArgs icmp_error_args;
    CLI::App* icmp_error = app.add_subcommand(
        "icmp-error", "send packet-too-big about a TCP segment, as a router would");
    icmp_error
        ->add_option("--quoted-from", icmp_error_args.quoted_from,
                     "the segment's source, where the error goes")
        ->option_text("ADDR:PORT");
    icmp_error->add_option("--quoted-to", icmp_error_args.quoted_to, "the segment's destination")
        ->option_text("ADDR:PORT");
    icmp_error->add_option("--seq", icmp_error_args.seq, "the segment's sequence number")
        ->option_text("N");
    icmp_error->add_option("--mtu", icmp_error_args.mtu, "next-hop MTU (68..1499; IPv6 1280..1499)")
        ->option_text("M");

    static const char* const kSubcommands[] = {"serve",   "connect",     "stream",    "flow",
                                               "garbage", "udp-garbage", "icmp-error"};
    if (!args.empty() && !args[0].starts_with("-") &&
        std::find(std::begin(kSubcommands), std::end(kSubcommands), args[0]) ==
            std::end(kSubcommands))
        throw UsageError("unknown subcommand '" + args[0] +
                         "' (serve, connect, stream, flow, garbage, udp-garbage or icmp-error)");
    std::vector<const char*> argv{"fnat-traffic"};
    for (const std::string& arg : args)
        argv.push_back(arg.c_str());
    try {
        app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::CallForHelp& help) {
        std::ostringstream out, err;
        app.exit(help, out, err);
        return HelpRequest{out.str()};
    } catch (const CLI::CallForAllHelp& help) {
        std::ostringstream out, err;
        app.exit(help, out, err);
        return HelpRequest{out.str()};
    } catch (const CLI::ParseError& error) {
        throw UsageError(error.what());
    }
    if (serve->parsed())
        return serve_options(*serve, serve_args);
    if (connect->parsed())
        return connect_options(*connect, connect_args);
    if (garbage->parsed())
        return garbage_options(*garbage, garbage_args);
    if (flow->parsed())
        return flow_options(*flow, flow_args);
    if (udp_garbage->parsed())
        return udp_garbage_options(*udp_garbage, udp_garbage_args);
    if (icmp_error->parsed())
        return icmp_error_options(*icmp_error, icmp_error_args);
    return stream_options(*stream, stream_args);
}

} // namespace fnat::traffic

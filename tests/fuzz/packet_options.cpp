#include "fuzz/packet_options.h"

#include <netinet/in.h>

#include <CLI/CLI.hpp>

namespace fnat::fuzz::packet {
namespace {

using bench::UsageError;

const char* const kFooter = R"(
Sends --count Ethernet frames to --dst-mac from an AF_PACKET socket on
--iface (needs CAP_NET_RAW): IPv4 and IPv6 packets of the kinds --kinds
names, drawn with a generator seeded by --seed (the same seed makes the
same packets). Stops after --count frames or --time-limit seconds.

--side client (the default): packets to the --dst addresses (VIPs) from the
--src addresses (one per family: the client's own, so that what the director
sends back is answered by its stack), TCP to --tcp-port and UDP to
--udp-port mostly (UDP never to an --avoid-udp-port), from --sessions ports;
the exact kind x-tcp-no-conn comes from --no-conn ports, never used for a
SYN. --side server: replies to the --dst addresses (LIPs) from --src (the
real server's) and its --tcp-port/--udp-port, to --lports; with --sniff the
SYNs and datagrams from the --dst addresses that reach --iface give local
ports of real connections: those whose client port (the one the TOA option
names, else the source port, as with NAT, where --dst is the client) is a
--sessions or --no-conn port, from an --own-client address (the client
fuzzer's: a mutated packet may come from an address nobody answers for), or
UDP to an --own-udp-port, are the fuzzer's own and take any reply; others
only what cannot disturb them.

--kinds: "mix" (the default: the mix kinds by their weights), "exact" (every
exact kind the targets take, evenly), or kind names, comma-separated
(--list-kinds lists them). Exact kinds make packets fnat must drop and count
under one reason: the run ends with one line per reason,
  expect REASON N
N being the packets (datagrams: two fragments make one) of those kinds sent.

--dry-run makes the packets and counts them as sent, without a socket.

Output: one line per kind drawn, "kind NAME: draws N frames M", then
  fuzz-packets: sent N frames (B bytes) in S s, R frames/s, refused F,
    retries T[, stopped by the time limit]                   [one line]
Exit status: 0, 1 a failed run, 2 a wrong command line.)";

PortRange parse_range(const bench::TextOption& option, PortRange fallback) {
    if (!option.given())
        return fallback;
    const std::string& text = option.text();
    auto dash = text.find('-');
    if (dash == std::string::npos)
        throw UsageError("invalid " + option.name() + " '" + text + "': LOW-HIGH");
    auto low = bench::parse_number(option.name(), text.substr(0, dash), 1, 65535);
    auto high = bench::parse_number(option.name(), text.substr(dash + 1), low, 65535);
    return {static_cast<std::uint16_t>(low), static_cast<std::uint16_t>(high)};
}

std::vector<std::uint16_t> parse_ports(const std::string& name,
                                       const std::vector<std::string>& texts) {
    std::vector<std::uint16_t> out;
    for (const std::string& text : texts)
        out.push_back(static_cast<std::uint16_t>(bench::parse_number(name, text, 1, 65535)));
    return out;
}

Address parse_addr(const std::string& name, const std::string& text) {
    try {
        return parse_address(text);
    } catch (const ParseError& error) {
        throw UsageError("invalid " + name + " '" + text + "': " + error.what());
    }
}

bool takes(const Targets& targets, const KindInfo& info) {
    return !info.ipv6_only || targets.has_family(AF_INET6);
}

} // namespace

void select_kinds(const std::string& list, Options& options) {
    options.kinds.clear();
    options.weights.clear();
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t comma = list.find(',', start);
        std::string name = list.substr(start, comma == std::string::npos ? comma : comma - start);
        start = comma == std::string::npos ? list.size() + 1 : comma + 1;
        bool mix = name == "mix";
        if (mix || name == "exact") {
            for (const KindInfo& info : all_kinds()) {
                bool wanted = mix ? info.weight > 0 : !info.reason.empty();
                if (!wanted || !takes(options.targets, info))
                    continue;
                options.kinds.push_back(info.kind);
                options.weights.push_back(mix ? info.weight : 1);
            }
            continue;
        }
        auto kind = kind_by_name(name);
        if (!kind)
            throw UsageError("unknown kind '" + name + "' (--list-kinds lists them)");
        if (!takes(options.targets, kind_info(*kind)))
            throw UsageError("kind " + name + " needs an IPv6 --dst and --src");
        options.kinds.push_back(*kind);
        options.weights.push_back(1);
    }
    if (options.kinds.empty())
        throw UsageError("no kinds in --kinds '" + list + "'");
}

Invocation parse_arguments(const std::vector<std::string>& args) {
    CLI::App app{"fnat-fuzz-packets: random, truncated and mutated packets at a balancer",
                 "fnat-fuzz-packets"};
    app.footer(kFooter);
    bool list_kinds = false;
    bool sniff = false;
    std::string side = "client";
    std::vector<std::string> dsts, srcs, tcp_ports, udp_ports, avoid, own_udp, own_clients;
    app.add_flag("--list-kinds", list_kinds, "list the kinds and exit");
    app.add_option("--side", side, "client (default) or server")->option_text("SIDE");
    app.add_option("--dst", dsts, "VIP (client) or LIP (server); repeatable")->option_text("ADDR");
    app.add_option("--src", srcs, "own address, one per family; repeatable")->option_text("ADDR");
    app.add_option("--tcp-port", tcp_ports, "service (client) or server TCP port; repeatable")
        ->option_text("PORT");
    app.add_option("--udp-port", udp_ports, "service (client) or server UDP port; repeatable")
        ->option_text("PORT");
    app.add_option("--avoid-udp-port", avoid, "UDP port never aimed at; repeatable")
        ->option_text("PORT");
    app.add_option("--own-udp-port", own_udp, "server: UDP port of the fuzzer's flows")
        ->option_text("PORT");
    app.add_option("--own-client", own_clients, "server: a client of the fuzzer's; repeatable")
        ->option_text("ADDR");
    app.add_flag("--sniff", sniff, "server: learn local ports from SYNs on --iface");
    bool dry_run = false;
    app.add_flag("--dry-run", dry_run, "make the packets but send nothing (no socket)");
    bench::TextOption iface(app, "--iface", "interface to send on", "IF");
    bench::TextOption dst_mac(app, "--dst-mac", "the director's MAC address", "MAC");
    bench::TextOption kinds(app, "--kinds", "mix, exact, or kind names (default mix)", "LIST");
    bench::TextOption count(app, "--count", "frames to send (default 1000)", "N");
    bench::TextOption seed(app, "--seed", "generator seed (default 1)", "S");
    bench::TextOption time_limit(app, "--time-limit", "seconds at most (default 600)", "SEC");
    bench::TextOption pps(app, "--pps", "frames per second at most", "N");
    bench::TextOption sessions(app, "--sessions", "client: session ports (20000-20511)",
                               "LOW-HIGH");
    bench::TextOption no_conn(app, "--no-conn", "client: no-conn ports (10000-19999)", "LOW-HIGH");
    bench::TextOption lports(app, "--lports", "server: local ports (1025-65535)", "LOW-HIGH");
    if (auto help = bench::parse_with(app, args))
        return *help;
    if (list_kinds)
        return ListKinds{};

    Options options;
    if (side == "server")
        options.targets.side = Side::Server;
    else if (side != "client")
        throw UsageError("invalid --side '" + side + "': client or server");
    if (!iface.given())
        throw UsageError("needs --iface IF");
    options.iface = iface.text();
    if (!dst_mac.given())
        throw UsageError("needs --dst-mac MAC");
    try {
        options.dst_mac = parse_mac(dst_mac.text());
    } catch (const std::invalid_argument& error) {
        throw UsageError("invalid --dst-mac '" + dst_mac.text() + "': " + error.what());
    }
    if (dsts.empty())
        throw UsageError("needs --dst ADDR");
    for (const std::string& text : dsts)
        options.targets.dsts.push_back(parse_addr("--dst", text));
    for (const std::string& text : srcs) {
        Address a = parse_addr("--src", text);
        std::optional<Address>& slot = a.is_ipv6() ? options.targets.src6 : options.targets.src4;
        if (slot)
            throw UsageError("--src given twice for one family");
        slot = a;
    }
    for (const Address& a : options.targets.dsts)
        if (!options.targets.src_for(a.family))
            throw UsageError("--dst " + to_string(a) + " needs a --src of its family");
    options.targets.tcp_ports = parse_ports("--tcp-port", tcp_ports);
    options.targets.udp_ports = parse_ports("--udp-port", udp_ports);
    options.targets.avoid_udp_ports = parse_ports("--avoid-udp-port", avoid);
    options.targets.own_udp_ports = parse_ports("--own-udp-port", own_udp);
    for (const std::string& text : own_clients)
        options.targets.own_clients.push_back(parse_addr("--own-client", text));
    options.targets.sessions = parse_range(sessions, options.targets.sessions);
    options.targets.no_conn = parse_range(no_conn, options.targets.no_conn);
    options.targets.lports = parse_range(lports, options.targets.lports);
    options.sniff = sniff;
    options.dry_run = dry_run;
    if (sniff && options.targets.side != Side::Server)
        throw UsageError("--sniff is for --side server");
    count.set_number(options.count, 1, kMaxCount);
    seed.set_number(options.seed, 0, UINT64_MAX);
    time_limit.set_seconds(options.time_limit, 0.1, kMaxSeconds);
    pps.set_number(options.pps, 1, kMaxPps);
    select_kinds(kinds.given() ? kinds.text() : "mix", options);
    return options;
}

} // namespace fnat::fuzz::packet

#include "bench/udp_options.h"

#include <limits>

#include <CLI/CLI.hpp>

#include "bench/raw_packet.h"

namespace fnat::bench {

UdpInvocation parse_udp_arguments(const std::vector<std::string>& args) {
    CLI::App app{"fnat-bench-udp: UDP datagrams as fast as they go, for fnat's benchmark",
                 "fnat-bench-udp"};
    app.footer(R"(
Socket mode opens --flows UDP sockets connected to --target (one source port,
so one flow, each) and sends --size-byte datagrams round robin over them,
64 per socket turn, for --duration seconds (default 3) or --max-packets.
Errors of a send (ENOBUFS, EAGAIN, ECONNREFUSED after an ICMP unreachable)
are counted, and sending goes on.

--raw sends from a raw socket (needs CAP_NET_RAW) IPv4 packets it builds
itself, so that they can come from many addresses: flow f comes from
--src-net + f / 64512, port 1024 + f % 64512; each of the --flows flows sends
--per-flow packets (all flows once, then again). --duration (default 600)
and --max-packets cap it.

--pps-limit paces either mode. The last line is
  bench-udp: sent=N send_errors=N seconds=S pps=R flows=N
Exit status: 0 when something was sent, 1 when nothing was, 2 a wrong command
line.)");
    bool raw = false;
    app.add_flag("--raw", raw, "build the packets, from --src-net addresses");
    TextOption target(app, "--target", "receiver or virtual service", "ADDR:PORT");
    TextOption flows(app, "--flows", "flows (socket mode 1..4096, default 64)", "N");
    TextOption size(app, "--size", "payload bytes per datagram, 0..1472 (default 64)", "BYTES");
    TextOption duration(app, "--duration", "seconds of sending (default 3, raw 600)", "SEC");
    TextOption max_packets(app, "--max-packets", "datagrams to send at most", "N");
    TextOption threads(app, "--threads", "threads sharing the flows (socket mode, default 1)", "T");
    TextOption pps_limit(app, "--pps-limit", "datagrams per second at most", "R");
    TextOption src_net(app, "--src-net", "first source address (raw mode)", "A.B.C.D");
    TextOption src_count(app, "--src-count", "source addresses (raw mode, default 1)", "K");
    TextOption per_flow(app, "--per-flow", "packets per flow (raw mode, default 1)", "P");
    if (auto help = parse_with(app, args))
        return *help;

    UdpOptions options;
    options.raw = raw;
    if (!target.given())
        throw UsageError("needs --target ADDR:PORT");
    options.target = parse_option_endpoint("--target", target.text());
    size.set_number(options.size, 0, kMaxPayloadBytes);
    max_packets.set_number(options.max_packets, 1, std::numeric_limits<std::uint64_t>::max());
    pps_limit.set_number(options.pps_limit, 1, kMaxPpsLimit);

    if (!raw) {
        for (const TextOption* option : {&src_net, &src_count, &per_flow})
            if (option->given())
                throw UsageError(option->name() + " is for --raw");
        flows.set_number(options.flows, 1, kMaxSocketFlows);
        threads.set_number(options.threads, 1, kMaxUdpThreads);
        if (options.threads > options.flows)
            throw UsageError("--threads " + std::to_string(options.threads) + " is more than the " +
                             std::to_string(options.flows) + " flows to share");
        duration.set_seconds(options.duration, 0.001, kMaxUdpSeconds);
        return options;
    }

    if (options.target.family() != AF_INET)
        throw UsageError("--raw sends IPv4 only: invalid --target '" + target.text() + "'");
    if (threads.given() && threads.number(1, kMaxUdpThreads) != 1)
        throw UsageError("--raw sends from one thread: --threads must be 1");
    if (!src_net.given())
        throw UsageError("--raw needs --src-net A.B.C.D");
    auto net = parse_ipv4(src_net.text());
    if (!net)
        throw UsageError("invalid --src-net '" + src_net.text() + "': not an IPv4 address");
    options.src_net = *net;
    src_count.set_number(options.src_count, 1, kMaxSourceAddresses);
    flows.set_number(options.flows, 1, kMaxRawFlows);
    per_flow.set_number(options.per_flow, 1, kMaxPerFlow);
    options.duration = kRawDefaultSeconds;
    duration.set_seconds(options.duration, 0.001, kMaxUdpSeconds);
    try {
        check_flows(options.src_net, options.src_count, options.flows);
    } catch (const FlowError& error) {
        throw UsageError("invalid --flows " + std::to_string(options.flows) + ": " + error.what());
    }
    return options;
}

} // namespace fnat::bench

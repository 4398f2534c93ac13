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
    std::string target, flows, size, duration, max_packets, threads, pps_limit, src_net, src_count,
        per_flow;
    app.add_flag("--raw", raw, "build the packets, from --src-net addresses");
    app.add_option("--target", target, "receiver or virtual service")->option_text("ADDR:PORT");
    app.add_option("--flows", flows, "flows (socket mode 1..4096, default 64)")->option_text("N");
    app.add_option("--size", size, "payload bytes per datagram, 0..1472 (default 64)")
        ->option_text("BYTES");
    app.add_option("--duration", duration, "seconds of sending (default 3, raw 600)")
        ->option_text("SEC");
    app.add_option("--max-packets", max_packets, "datagrams to send at most")->option_text("N");
    app.add_option("--threads", threads, "threads sharing the flows (socket mode, default 1)")
        ->option_text("T");
    app.add_option("--pps-limit", pps_limit, "datagrams per second at most")->option_text("R");
    app.add_option("--src-net", src_net, "first source address (raw mode)")->option_text("A.B.C.D");
    app.add_option("--src-count", src_count, "source addresses (raw mode, default 1)")
        ->option_text("K");
    app.add_option("--per-flow", per_flow, "packets per flow (raw mode, default 1)")
        ->option_text("P");
    if (auto help = parse_with(app, args))
        return *help;

    UdpOptions options;
    options.raw = raw;
    if (app.count("--target") == 0)
        throw UsageError("needs --target ADDR:PORT");
    try {
        options.target = parse_endpoint(target);
    } catch (const EndpointError& error) {
        throw UsageError("invalid --target '" + target + "': " + error.what());
    }
    if (app.count("--size") > 0)
        options.size =
            static_cast<std::uint32_t>(parse_number("--size", size, 0, kMaxPayloadBytes));
    if (app.count("--max-packets") > 0)
        options.max_packets = parse_number("--max-packets", max_packets, 1,
                                           std::numeric_limits<std::uint64_t>::max());
    if (app.count("--pps-limit") > 0)
        options.pps_limit = parse_number("--pps-limit", pps_limit, 1, kMaxPpsLimit);

    if (!raw) {
        for (const char* option : {"--src-net", "--src-count", "--per-flow"})
            if (app.count(option) > 0)
                throw UsageError(std::string(option) + " is for --raw");
        if (app.count("--flows") > 0)
            options.flows = parse_number("--flows", flows, 1, kMaxSocketFlows);
        if (app.count("--threads") > 0)
            options.threads =
                static_cast<std::uint32_t>(parse_number("--threads", threads, 1, kMaxUdpThreads));
        if (options.threads > options.flows)
            throw UsageError("--threads " + std::to_string(options.threads) + " is more than the " +
                             std::to_string(options.flows) + " flows to share");
        if (app.count("--duration") > 0)
            options.duration = parse_seconds("--duration", duration, 0.001, kMaxUdpSeconds);
        return options;
    }

    if (options.target.family() != AF_INET)
        throw UsageError("--raw sends IPv4 only: invalid --target '" + target + "'");
    if (app.count("--threads") > 0 && parse_number("--threads", threads, 1, kMaxUdpThreads) != 1)
        throw UsageError("--raw sends from one thread: --threads must be 1");
    if (app.count("--src-net") == 0)
        throw UsageError("--raw needs --src-net A.B.C.D");
    auto net = parse_ipv4(src_net);
    if (!net)
        throw UsageError("invalid --src-net '" + src_net + "': not an IPv4 address");
    options.src_net = *net;
    if (app.count("--src-count") > 0)
        options.src_count = static_cast<std::uint32_t>(
            parse_number("--src-count", src_count, 1, kMaxSourceAddresses));
    if (app.count("--flows") > 0)
        options.flows = parse_number("--flows", flows, 1, kMaxRawFlows);
    if (app.count("--per-flow") > 0)
        options.per_flow =
            static_cast<std::uint32_t>(parse_number("--per-flow", per_flow, 1, kMaxPerFlow));
    options.duration = kRawDefaultSeconds;
    if (app.count("--duration") > 0)
        options.duration = parse_seconds("--duration", duration, 0.001, kMaxUdpSeconds);
    try {
        check_flows(options.src_net, options.src_count, options.flows);
    } catch (const FlowError& error) {
        throw UsageError("invalid --flows " + std::to_string(options.flows) + ": " + error.what());
    }
    return options;
}

} // namespace fnat::bench

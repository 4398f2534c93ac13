#include "bench/server_options.h"

#include <algorithm>

#include <CLI/CLI.hpp>

namespace fnat::bench {

ServerInvocation parse_server_arguments(const std::vector<std::string>& args, std::uint32_t cpus) {
    CLI::App app{"fnat-bench-server: the real server of fnat's benchmark (TCP and UDP sink)",
                 "fnat-bench-server"};
    app.footer(R"(
Each TCP connection is answered once: after --request bytes arrived the
server writes --response bytes and closes first (TIME_WAIT stays here). UDP
datagrams are counted and dropped. Each of --threads threads has its own
SO_REUSEPORT socket per protocol. SIGUSR1 prints the totals so far; SIGTERM,
SIGINT or --max-seconds end the run, which prints
  bench-server: tcp_served=N udp_packets=N udp_bytes=N
Exit status: 0 success, 1 a socket could not be set up, 2 a wrong command line.)");
    std::string tcp, udp, threads, response, request, max_seconds;
    app.add_option("--tcp", tcp, "TCP port to serve")->option_text("PORT");
    app.add_option("--udp", udp, "UDP port to count datagrams on")->option_text("PORT");
    app.add_option("--threads", threads, "worker threads per protocol (default: the CPUs)")
        ->option_text("N");
    app.add_option("--response", response, "bytes written on each connection (default 128)")
        ->option_text("BYTES");
    app.add_option("--request", request, "bytes read before answering (default 64)")
        ->option_text("BYTES");
    app.add_option("--max-seconds", max_seconds, "stop after N seconds (default 3600)")
        ->option_text("N");
    if (auto help = parse_with(app, args))
        return *help;

    ServerOptions options;
    if (app.count("--tcp") > 0)
        options.tcp_port = static_cast<std::uint16_t>(parse_number("--tcp", tcp, 1, 65535));
    if (app.count("--udp") > 0)
        options.udp_port = static_cast<std::uint16_t>(parse_number("--udp", udp, 1, 65535));
    if (!options.tcp_port && !options.udp_port)
        throw UsageError("needs --tcp PORT, --udp PORT or both");
    options.threads = std::clamp<std::uint32_t>(cpus, 1, kMaxServerThreads);
    if (app.count("--threads") > 0)
        options.threads =
            static_cast<std::uint32_t>(parse_number("--threads", threads, 1, kMaxServerThreads));
    if (app.count("--response") > 0)
        options.response_bytes =
            static_cast<std::uint32_t>(parse_number("--response", response, 0, kMaxMessageBytes));
    if (app.count("--request") > 0)
        options.request_bytes =
            static_cast<std::uint32_t>(parse_number("--request", request, 0, kMaxMessageBytes));
    if (app.count("--max-seconds") > 0)
        options.max_seconds = static_cast<std::uint32_t>(
            parse_number("--max-seconds", max_seconds, 1, kMaxServerSeconds));
    return options;
}

} // namespace fnat::bench

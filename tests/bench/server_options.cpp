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
    TextOption tcp(app, "--tcp", "TCP port to serve", "PORT");
    TextOption udp(app, "--udp", "UDP port to count datagrams on", "PORT");
    TextOption threads(app, "--threads", "worker threads per protocol (default: the CPUs)", "N");
    TextOption response(app, "--response", "bytes written on each connection (default 128)",
                        "BYTES");
    TextOption request(app, "--request", "bytes read before answering (default 64)", "BYTES");
    TextOption max_seconds(app, "--max-seconds", "stop after N seconds (default 3600)", "N");
    if (auto help = parse_with(app, args))
        return *help;

    ServerOptions options;
    tcp.set_number(options.tcp_port, 1, 65535);
    udp.set_number(options.udp_port, 1, 65535);
    if (!options.tcp_port && !options.udp_port)
        throw UsageError("needs --tcp PORT, --udp PORT or both");
    options.threads = std::clamp<std::uint32_t>(cpus, 1, kMaxServerThreads);
    threads.set_number(options.threads, 1, kMaxServerThreads);
    response.set_number(options.response_bytes, 0, kMaxMessageBytes);
    request.set_number(options.request_bytes, 0, kMaxMessageBytes);
    max_seconds.set_number(options.max_seconds, 1, kMaxServerSeconds);
    return options;
}

} // namespace fnat::bench

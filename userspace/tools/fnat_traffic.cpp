// fnat-traffic: the client and the server of fnat's end-to-end traffic tests
// (tests/e2e/), run inside the test VM's network namespaces.
//
//   fnat-traffic serve [--tcp [ADDR:]PORT] [--udp [ADDR:]PORT] (one or both)
//                      [--bind ADDR]... [--name NAME] [--max-seconds N] [--idle-seconds N]
//                      [--peer-from socket|toa]
//   fnat-traffic connect --tcp ADDR:PORT|--udp ADDR:PORT [--count N] [--bytes B]
//                      [--parallel P] [--seed S] [--timeout-ms T] [--hold-ms H]
//                      [--source-port-range LO-HI] [--close fin|rst] [--json]
//                      [--allow-failures]
//   fnat-traffic stream --tcp ADDR:PORT --seconds S [--rate-kbps R] [--seed S]
//                      [--timeout-ms T] [--json]
//   fnat-traffic flow --udp ADDR:PORT --seconds S [--interval-ms I] [--bytes B]
//                      [--seed S] [--max-lost N] [--timeout-ms T] [--source-port P]
//   fnat-traffic garbage --to ADDR:PORT --count N --kind KIND [--seed S]
//   fnat-traffic udp-garbage --to ADDR:PORT --count N --kind KIND [--seed S]
//                      [--syncid N]
//   fnat-traffic icmp-error --quoted-from ADDR:PORT --quoted-to ADDR:PORT --seq N
//                      --mtu M
//
// Addresses are numeric, IPv6 ones with a port in brackets ([2001:db8::1]:80).
// The server answers each connection or datagram with its name and the client
// address:port it saw (or fnat-toa's, --peer-from toa), then echoes the
// payload; the client checks the echo byte for byte and reports per answering
// server (tools/traffic/*.h).
// flow keeps one UDP flow going from one client port and checks that it stays
// on one real server (tools/traffic/flow.h). garbage sends malformed IPv4
// packets from a raw socket, each refused by the module's packet parser with
// a known drop reason (tools/traffic/garbage.h); udp-garbage sends datagrams
// the session sync receiver drops (tools/traffic/udp_garbage.h); icmp-error
// sends the packet-too-big error a router would about a TCP segment
// (tools/traffic/icmp_error.h).
// Exit status: 0 success, 1 a failed exchange, stream or flow (or a socket that
// could not be set up, or a failed send), 2 a wrong command line.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <unistd.h>
#include <variant>
#include <vector>

#include "tools/traffic/client.h"
#include "tools/traffic/flow.h"
#include "tools/traffic/garbage.h"
#include "tools/traffic/icmp_error.h"
#include "tools/traffic/options.h"
#include "tools/traffic/server.h"
#include "tools/traffic/socket.h"
#include "tools/traffic/stream.h"
#include "tools/traffic/udp_garbage.h"
#include "tools/traffic/wire.h"

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "used in a signal handler");

extern "C" void on_stop_signal(int) {
    stop_requested.store(true);
}

void install_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
}

// The host name when it is a valid server name, else "server".
std::string default_name() {
    char host[256] = {};
    if (gethostname(host, sizeof(host) - 1) == 0 && fnat::traffic::valid_label(host))
        return host;
    return "server";
}

int run(const fnat::traffic::Invocation& invocation) {
    using namespace fnat::traffic;
    if (const auto* help = std::get_if<HelpRequest>(&invocation)) {
        std::fputs(help->text.c_str(), stdout);
        return 0;
    }
    if (const auto* serve = std::get_if<ServeOptions>(&invocation)) {
        ServeOptions options = *serve;
        if (options.name.empty())
            options.name = default_name();
        install_signal_handlers();
        return run_server(options, stop_requested);
    }
    if (const auto* connect = std::get_if<ConnectOptions>(&invocation))
        return run_connect(*connect);
    if (const auto* garbage = std::get_if<GarbageOptions>(&invocation))
        return run_garbage(*garbage);
    if (const auto* flow = std::get_if<FlowOptions>(&invocation))
        return run_flow(*flow);
    if (const auto* udp_garbage = std::get_if<UdpGarbageOptions>(&invocation))
        return run_udp_garbage(*udp_garbage);
    if (const auto* icmp_error = std::get_if<IcmpErrorOptions>(&invocation))
        return run_icmp_error(*icmp_error);
    return run_stream(std::get<StreamOptions>(invocation));
}

} // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::string> args(argv + 1, argv + argc);
    fnat::traffic::Invocation invocation;
    try {
        invocation = fnat::traffic::parse_arguments(args);
    } catch (const fnat::traffic::UsageError& error) {
        std::fprintf(stderr, "fnat-traffic: %s\nRun 'fnat-traffic --help' for usage.\n",
                     error.what());
        return kExitUsage;
    }
    try {
        return run(invocation);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "fnat-traffic: %s\n", error.what());
        return kExitFailed;
    }
}

// fnat-bench-server: the real server of fnat's benchmark (tests/bench/),
// run in each real server's network namespace of the test VM.
//
//   fnat-bench-server [--tcp PORT] [--udp PORT] [--threads N] [--response BYTES]
//                     [--request BYTES] [--max-seconds N]
//
// TCP: each connection gets --response bytes once --request bytes arrived,
// then the server closes (server.h). UDP: datagrams are counted, not
// answered. SIGUSR1 prints the totals so far; SIGTERM, SIGINT or
// --max-seconds end the run. Both print
//   bench-server: tcp_served=N udp_packets=N udp_bytes=N
// Signals are taken by the main thread with sigtimedwait, never by a
// handler, so that printing is safe and no worker is interrupted.
// Exit status: 0 success, 1 a socket could not be set up, 2 a wrong command
// line.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "bench/result_line.h"
#include "bench/server.h"
#include "bench/server_options.h"
#include "bench/socket.h"
#include "bench/tool_main.h"

namespace {

void print_totals(const fnat::bench::BenchServer& server) {
    std::printf("%s\n", fnat::bench::server_line(server.totals()).c_str());
    std::fflush(stdout);
}

// Waits for SIGTERM, SIGINT or the deadline, printing the totals on each
// SIGUSR1 meanwhile. The signals are blocked in every thread.
void wait_for_end(const fnat::bench::BenchServer& server, const sigset_t& signals,
                  fnat::bench::Clock::time_point deadline) {
    using namespace std::chrono;
    while (true) {
        auto left = deadline - fnat::bench::Clock::now();
        if (left <= fnat::bench::Clock::duration::zero())
            return;
        auto whole = duration_cast<seconds>(left);
        timespec timeout{};
        timeout.tv_sec = static_cast<time_t>(whole.count());
        timeout.tv_nsec = static_cast<long>(duration_cast<nanoseconds>(left - whole).count());
        int signal = ::sigtimedwait(&signals, nullptr, &timeout);
        if (signal == SIGUSR1)
            print_totals(server);
        else if (signal == SIGTERM || signal == SIGINT)
            return;
        // -1: EAGAIN (the deadline, checked above) or EINTR.
    }
}

// The signals the main thread waits for.
sigset_t awaited_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGUSR1);
    return signals;
}

int run(const fnat::bench::ServerOptions& options, const sigset_t& signals) {
    auto deadline = fnat::bench::Clock::now() + std::chrono::seconds(options.max_seconds);

    fnat::bench::raise_open_file_limit();
    fnat::bench::BenchServer server(options);
    server.start();
    // On stderr: stdout carries only the result lines.
    std::string ports;
    if (options.tcp_port)
        ports += " tcp " + std::to_string(*options.tcp_port);
    if (options.udp_port)
        ports += " udp " + std::to_string(*options.udp_port);
    std::fprintf(stderr, "fnat-bench-server: serving%s, %u threads each\n", ports.c_str(),
                 options.threads);
    wait_for_end(server, signals, deadline);
    server.stop();
    print_totals(server);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    // Blocked first thing: before any thread starts, so that the workers
    // inherit the mask, and before a script's early SIGUSR1 could kill us.
    sigset_t signals = awaited_signals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    unsigned cpus = std::max(1U, std::thread::hardware_concurrency());
    return fnat::bench::run_tool<fnat::bench::ServerOptions>(
        "fnat-bench-server", argc, argv,
        [cpus](const std::vector<std::string>& args) {
            return fnat::bench::parse_server_arguments(args, cpus);
        },
        [&signals](const fnat::bench::ServerOptions& options) { return run(options, signals); });
}

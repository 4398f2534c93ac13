#include "bench/load_options.h"

#include <CLI/CLI.hpp>

namespace fnat::bench {

LoadInvocation parse_load_arguments(const std::vector<std::string>& args) {
    CLI::App app{"fnat-bench-load: short TCP connections as fast as they go, for fnat's benchmark",
                 "fnat-bench-load"};
    app.footer(R"(
Each of --threads threads keeps --concurrency connections in flight, each on a
fresh socket to the next --target in turn: connect, send --request bytes, read
to EOF, expect exactly --response bytes (fnat-bench-server answers that way).
New connections start until --duration seconds passed or --max-conns were
started; the ones in flight then get --timeout-ms to finish. Connections that
end within the first --warmup seconds are not counted, and the rate's window
starts after them. The last line is
  bench-load: ok=N failed=N refused=N reset=N timeout=N short=N other=N
  seconds=S rate=R p50_ms=M p90_ms=M p99_ms=M max_ms=M          (one line)
where seconds is the window from the warmup's end until new connections
stopped, rate the successes that ended in it per second, and the latencies
(connect() to EOF) nearest-rank percentiles of the successes after the
warmup. Exit status: 0 when a connection succeeded, 1 when none did, 2 a wrong
command line.)");
    std::vector<std::string> targets;
    app.add_option("--target", targets, "server or virtual service (repeatable)")
        ->option_text("ADDR:PORT");
    TextOption threads(app, "--threads", "threads, each with its own epoll loop (default 2)", "N");
    TextOption concurrency(app, "--concurrency", "connections in flight per thread (default 32)",
                           "C");
    TextOption duration(app, "--duration", "seconds of starting connections (default 5)", "SEC");
    TextOption max_conns(app, "--max-conns", "connections to start at most (default 10000000)",
                         "N");
    TextOption request(app, "--request", "bytes sent on each connection (default 64)", "BYTES");
    TextOption response(app, "--response", "bytes expected back (default 128)", "BYTES");
    TextOption timeout_ms(app, "--timeout-ms",
                          "fail a connection without progress for T ms (default 3000)", "T");
    TextOption warmup(app, "--warmup", "seconds at the start not counted (default 0)", "SEC");
    if (auto help = parse_with(app, args))
        return *help;

    LoadOptions options;
    if (targets.empty())
        throw UsageError("needs --target ADDR:PORT");
    if (targets.size() > kMaxTargets)
        throw UsageError("at most " + std::to_string(kMaxTargets) + " --target");
    for (const std::string& text : targets)
        options.targets.push_back(parse_option_endpoint("--target", text));
    threads.set_number(options.threads, 1, kMaxLoadThreads);
    concurrency.set_number(options.concurrency, 1, kMaxConcurrency);
    duration.set_seconds(options.duration, 0.001, kMaxLoadSeconds);
    max_conns.set_number(options.max_conns, 1, kMaxLoadConns);
    request.set_number(options.request_bytes, 0, kMaxLoadMessageBytes);
    response.set_number(options.response_bytes, 0, kMaxLoadMessageBytes);
    timeout_ms.set_number(options.timeout_ms, 1, kMaxTimeoutMs);
    warmup.set_seconds(options.warmup, 0, kMaxLoadSeconds);
    if (options.warmup >= options.duration)
        throw UsageError("--warmup must be shorter than --duration (nothing would be measured)");
    return options;
}

} // namespace fnat::bench

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
    std::string threads, concurrency, duration, max_conns, request, response, timeout_ms, warmup;
    app.add_option("--target", targets, "server or virtual service (repeatable)")
        ->option_text("ADDR:PORT");
    app.add_option("--threads", threads, "threads, each with its own epoll loop (default 2)")
        ->option_text("N");
    app.add_option("--concurrency", concurrency, "connections in flight per thread (default 32)")
        ->option_text("C");
    app.add_option("--duration", duration, "seconds of starting connections (default 5)")
        ->option_text("SEC");
    app.add_option("--max-conns", max_conns, "connections to start at most (default 10000000)")
        ->option_text("N");
    app.add_option("--request", request, "bytes sent on each connection (default 64)")
        ->option_text("BYTES");
    app.add_option("--response", response, "bytes expected back (default 128)")
        ->option_text("BYTES");
    app.add_option("--timeout-ms", timeout_ms,
                   "fail a connection without progress for T ms (default 3000)")
        ->option_text("T");
    app.add_option("--warmup", warmup, "seconds at the start not counted (default 0)")
        ->option_text("SEC");
    if (auto help = parse_with(app, args))
        return *help;

    LoadOptions options;
    if (targets.empty())
        throw UsageError("needs --target ADDR:PORT");
    if (targets.size() > kMaxTargets)
        throw UsageError("at most " + std::to_string(kMaxTargets) + " --target");
    for (const std::string& text : targets) {
        try {
            options.targets.push_back(parse_endpoint(text));
        } catch (const EndpointError& error) {
            throw UsageError("invalid --target '" + text + "': " + error.what());
        }
    }
    if (app.count("--threads") > 0)
        options.threads =
            static_cast<std::uint32_t>(parse_number("--threads", threads, 1, kMaxLoadThreads));
    if (app.count("--concurrency") > 0)
        options.concurrency = static_cast<std::uint32_t>(
            parse_number("--concurrency", concurrency, 1, kMaxConcurrency));
    if (app.count("--duration") > 0)
        options.duration = parse_seconds("--duration", duration, 0.001, kMaxLoadSeconds);
    if (app.count("--max-conns") > 0)
        options.max_conns = parse_number("--max-conns", max_conns, 1, kMaxLoadConns);
    if (app.count("--request") > 0)
        options.request_bytes =
            static_cast<std::uint32_t>(parse_number("--request", request, 0, kMaxLoadMessageBytes));
    if (app.count("--response") > 0)
        options.response_bytes = static_cast<std::uint32_t>(
            parse_number("--response", response, 0, kMaxLoadMessageBytes));
    if (app.count("--timeout-ms") > 0)
        options.timeout_ms =
            static_cast<std::uint32_t>(parse_number("--timeout-ms", timeout_ms, 1, kMaxTimeoutMs));
    if (app.count("--warmup") > 0)
        options.warmup = parse_seconds("--warmup", warmup, 0, kMaxLoadSeconds);
    if (options.warmup >= options.duration)
        throw UsageError("--warmup must be shorter than --duration (nothing would be measured)");
    return options;
}

} // namespace fnat::bench

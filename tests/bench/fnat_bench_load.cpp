// fnat-bench-load: the short-connection TCP load of fnat's benchmark
// (tests/bench/), run in the client network namespace of the test VM.
//
//   fnat-bench-load --target ADDR:PORT [--target ADDR:PORT ...] [--threads N]
//                   [--concurrency C] [--duration SEC] [--max-conns N]
//                   [--request BYTES] [--response BYTES] [--timeout-ms T]
//                   [--warmup SEC]
//
// Connections go round robin over the targets (so a run without a balancer
// can spread over two real servers), each one connect, send, read to EOF
// (load.h). The source ports are the kernel's choice: the benchmark sets
// ip_local_port_range and tcp_tw_reuse in the client namespace. The last
// line of the output, on stdout, is the result (result_line.h):
//   bench-load: ok=N failed=N refused=N reset=N timeout=N short=N other=N
//               seconds=S rate=R p50_ms=M p90_ms=M p99_ms=M max_ms=M
// preceded on stderr by the errno of "other" failures, if any.
// Exit status: 0 when a connection succeeded, 1 when none did (or the run
// could not be set up), 2 a wrong command line.
#include <cstdio>
#include <cstring>

#include "bench/load.h"
#include "bench/load_options.h"
#include "bench/result_line.h"
#include "bench/socket.h"
#include "bench/tool_main.h"

namespace {

int run(const fnat::bench::LoadOptions& options) {
    fnat::bench::raise_open_file_limit();
    fnat::bench::LoadResult result = fnat::bench::run_load(options);
    for (const auto& [error, count] : result.other_errors)
        std::fprintf(stderr, "fnat-bench-load: %llu other failures: %s (errno %d)\n",
                     static_cast<unsigned long long>(count), std::strerror(error), error);
    std::fflush(stderr);
    std::printf("%s\n", fnat::bench::load_line(result.totals).c_str());
    std::fflush(stdout);
    return result.totals.ok > 0 ? 0 : fnat::bench::kExitFailed;
}

} // namespace

int main(int argc, char** argv) {
    return fnat::bench::run_tool<fnat::bench::LoadOptions>("fnat-bench-load", argc, argv,
                                                           fnat::bench::parse_load_arguments, run);
}

// fnat-bench-udp: the UDP traffic of fnat's benchmark (tests/bench/), run in
// the client network namespace of the test VM.
//
//   fnat-bench-udp --target ADDR:PORT [--flows N] [--size BYTES] [--duration SEC]
//                  [--max-packets N] [--threads T] [--pps-limit R]
//   fnat-bench-udp --raw --target ADDR:PORT --src-net A.B.C.D [--src-count K]
//                  [--flows N] [--size BYTES] [--per-flow P] [--duration SEC]
//                  [--max-packets N] [--pps-limit R]
//
// Socket mode measures packets per second over --flows connected sockets;
// --raw fills a balancer's connection table with up to K * 64512 distinct
// flows from built packets (udp_sender.h, raw_packet.h). Nothing is
// received. The last line of the output, on stdout, is the result:
//   bench-udp: sent=N send_errors=N seconds=S pps=R flows=N
// Exit status: 0 when something was sent, 1 when nothing was (or the
// sockets could not be set up), 2 a wrong command line.
#include <cstdio>

#include "bench/result_line.h"
#include "bench/socket.h"
#include "bench/tool_main.h"
#include "bench/udp_options.h"
#include "bench/udp_sender.h"

namespace {

int run(const fnat::bench::UdpOptions& options) {
    fnat::bench::raise_open_file_limit();
    fnat::bench::UdpTotals totals =
        options.raw ? fnat::bench::run_udp_raw(options) : fnat::bench::run_udp_sockets(options);
    std::printf("%s\n", fnat::bench::udp_line(totals).c_str());
    std::fflush(stdout);
    return totals.sent > 0 ? 0 : fnat::bench::kExitFailed;
}

} // namespace

int main(int argc, char** argv) {
    return fnat::bench::run_tool<fnat::bench::UdpOptions>("fnat-bench-udp", argc, argv,
                                                          fnat::bench::parse_udp_arguments, run);
}

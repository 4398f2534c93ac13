// fnat-fuzz-packets: random, truncated and mutated packets at a balancer
// from an AF_PACKET socket (tests/e2e/fuzz_packets.sh). --help says more.
#include <cstdio>
#include <string>

#include "bench/tool_main.h"
#include "fuzz/packet_options.h"
#include "fuzz/packet_run.h"

namespace {

using namespace fnat::fuzz::packet;

struct Parsed {
    Invocation invocation;
};

int run_invocation(const Parsed& parsed) {
    if (std::holds_alternative<ListKinds>(parsed.invocation)) {
        for (const KindInfo& info : all_kinds())
            std::printf("%-20s %s%s%s\n", std::string(info.name).c_str(),
                        std::string(info.what).c_str(), info.reason.empty() ? "" : " -> ",
                        std::string(info.reason).c_str());
        return 0;
    }
    const Options& options = std::get<Options>(parsed.invocation);
    RunReport report = run(options);
    std::fputs(format_report(options, report).c_str(), stdout);
    return report.refused == 0 ? 0 : fnat::bench::kExitFailed;
}

std::variant<fnat::bench::HelpRequest, Parsed> parse(const std::vector<std::string>& args) {
    Invocation invocation = parse_arguments(args);
    if (auto* help = std::get_if<fnat::bench::HelpRequest>(&invocation))
        return *help;
    return Parsed{invocation};
}

} // namespace

int main(int argc, char** argv) {
    return fnat::bench::run_tool<Parsed>("fnat-fuzz-packets", argc, argv, parse, run_invocation);
}

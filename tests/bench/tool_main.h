// The main() the benchmark tools share: the command line, --help, and the
// exit status of a refused command line or of a run that threw.
#pragma once

#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <variant>
#include <vector>

#include "bench/arguments.h"

namespace fnat::bench {

inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// parse: args without the program name -> std::variant<HelpRequest,
// Options>, throwing UsageError. run: Options -> exit status. A wrong
// command line exits kExitUsage and names the tool; so does an exception
// out of run, which exits kExitFailed.
template <typename Options, typename Parse, typename Run>
int run_tool(const char* name, int argc, char** argv, Parse parse, Run run) {
    // A peer that closed its end must be a failed send, not a dead tool.
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::string> args(argv + 1, argv + argc);
    std::variant<HelpRequest, Options> invocation;
    try {
        invocation = parse(args);
    } catch (const UsageError& error) {
        std::fprintf(stderr, "%s: %s\nRun '%s --help' for usage.\n", name, error.what(), name);
        return kExitUsage;
    }
    if (const auto* help = std::get_if<HelpRequest>(&invocation)) {
        std::fputs(help->text.c_str(), stdout);
        return 0;
    }
    try {
        return run(std::get<Options>(invocation));
    } catch (const std::exception& error) {
        std::fprintf(stderr, "%s: %s\n", name, error.what());
        return kExitFailed;
    }
}

} // namespace fnat::bench

// fnat-fuzz-netlink: a bounded fuzzer of the FNAT generic-netlink family
// (tests/e2e/fuzz_netlink.sh runs it in the test VM). Sends --count random,
// faulty and mutated requests of every command to fnat.ko in the fuzzer's
// network namespace, checks every answer against an oracle of the module
// (netlink_oracle.h) and the configuration against a model, and prints one
// summary line. Exit status 0 when every check held, 1 on a mismatch or
// error, 2 for a wrong command line.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "fuzz/netlink_runner.h"

int main(int argc, char** argv) {
    fnat::fuzz::RunOptions options;
    CLI::App app{"Fuzzes the FNAT generic-netlink family of fnat.ko and checks every answer.",
                 "fnat-fuzz-netlink"};
    app.add_option("--count", options.count, "requests to send (default 100000)");
    app.add_option("--seed", options.seed, "seed of the random requests (default 1)");
    app.add_option("--time-limit", options.time_limit,
                   "stop sending after this many seconds (default: none)");
    app.add_option("--check-every", options.check_every,
                   "compare the whole configuration with the model every N requests "
                   "(default 1000; 0: only at the end)");
    app.add_flag("--unprivileged", options.unprivileged,
                 "run without CAP_NET_ADMIN: every write must get EPERM and nothing may change");
    bool no_daemons = false;
    app.add_flag("--no-daemons", no_daemons, "never start or stop sync daemons");
    app.add_option("--max-mismatches", options.max_mismatches,
                   "stop after this many mismatches (default 1)");
    app.add_flag("--reset", options.reset,
                 "start from a new netns' state: flush, stop the sync daemons, default timeouts");
    app.add_option("--readers", options.readers,
                   "threads sending GET requests and dumps meanwhile (default 0)");
    app.add_flag("--verbose", options.verbose, "print every request and answer");
    app.add_flag("--dry-run", options.dry_run,
                 "no kernel: the oracle answers (to check the generator and the oracle)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return app.exit(error) == 0 ? 0 : 2;
    }
    options.daemons = !no_daemons;
    if (options.max_mismatches == 0)
        options.max_mismatches = 1;
    return fnat::fuzz::run_fuzzer(options);
}

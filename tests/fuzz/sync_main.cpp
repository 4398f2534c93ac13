// fnat-fuzz-sync: forged, truncated and replayed session sync messages at
// a backup director (tests/e2e/fuzz_sync.sh). --help says more.
#include <cstdio>

#include "bench/tool_main.h"
#include "fuzz/sync_options.h"
#include "fuzz/sync_run.h"

namespace {

using namespace fnat::fuzz::sync;

int run(const SyncOptions& options) {
    SyncReport report = run_sync(options);
    std::fputs(format_sync_report(report).c_str(), stdout);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    return fnat::bench::run_tool<SyncOptions>("fnat-fuzz-sync", argc, argv, parse_sync_arguments,
                                              run);
}

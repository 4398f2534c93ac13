// The netlink fuzzer's run: requests from the generator, each sent to
// fnat.ko and its answer checked against the oracle (errno, extended-ACK
// message, reply content); the model follows what was accepted, and every
// --check-every requests and at the end the kernel's whole configuration is
// read back and compared with it. Prints one summary line:
//   netlink fuzz: N sent, A accepted, R refused (EINVAL n, ...), M of K mutants accepted, ...
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fnat::fuzz {

struct RunOptions {
    std::uint64_t count = 100000;
    std::uint64_t seed = 1;
    double time_limit = 0; // seconds; 0: none
    std::uint64_t check_every = 1000;
    bool unprivileged = false; // every write must get EPERM, nothing may change
    bool daemons = true;       // NEW_DAEMON/DEL_DAEMON on the netns' interfaces
    std::uint64_t max_mismatches = 1;
    bool verbose = false; // every request and answer
    bool dry_run = false; // no kernel: the oracle answers (tests the generator)
    bool reset = false;   // start from fnat's defaults: flush, stop daemons, timeouts
    unsigned readers = 0; // threads dumping and reading meanwhile
};

// Exit status: 0 when every check held, 1 otherwise.
int run_fuzzer(const RunOptions& options);

} // namespace fnat::fuzz

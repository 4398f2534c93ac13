// fnat-toa's loader: attaches the TOA programs (bpf/toa.bpf.c) to a cgroup v2
// and pins their links under a bpffs directory, so that they stay attached
// after the loader exits; detaches them; reports their state.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace fnat::toa {

inline constexpr const char* kDefaultCgroup = "/sys/fs/cgroup";
inline constexpr const char* kDefaultPinDir = "/sys/fs/bpf/fnat-toa";

// Any failure, with a message meant for the operator (what to do about it).
class ToaError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One pinned program link as the kernel describes it.
struct LinkState {
    std::string name;            // "sockops", "getpeername4", "getpeername6", "getsockopt"
    bool pinned = false;         // the pin exists
    std::uint32_t prog_id = 0;   // 0 when unknown
    std::uint64_t cgroup_id = 0; // 0: the cgroup is gone (the link is defunct)
    std::string cgroup_path;     // "" when not found under /sys/fs/cgroup
};

struct Stats {
    std::uint64_t from_ack = 0;
    std::uint64_t from_data = 0;
    std::uint64_t invalid = 0;
    std::uint64_t no_storage = 0;
    std::uint64_t rewrites = 0;        // getpeername()/accept() answers rewritten
    std::uint64_t unrepresentable = 0; // ... left alone: IPv6 client, AF_INET socket
    std::uint64_t sockopt = 0;         // getsockopt(FNAT_TOA_SO_PEER) answers
    std::uint64_t ipv6 = 0;            // connections with TOA from an IPv6 client
};

struct Status {
    std::vector<LinkState> links;
    bool have_stats = false;
    Stats stats;
    bool kernel_btf = false; // /sys/kernel/btf/vmlinux exists (informational)
};

// The names of the pinned objects under the pin directory.
std::vector<std::string> link_names();

// Checks that PATH is a directory of a cgroup v2 hierarchy; throws ToaError
// saying what is wrong otherwise. Returns the path made absolute.
std::string check_cgroup(const std::string& path);

// Checks that DIR's parent is on a BPF filesystem (bpffs).
void check_pin_dir(const std::string& dir);

// Loads the programs, attaches them to CGROUP and pins the links (named as
// link_names() says) and the counters ("stats") under PIN_DIR. Throws
// ToaError (nothing left attached or pinned).
void attach(const std::string& cgroup, const std::string& pin_dir);

// Detaches and unpins whatever is pinned under PIN_DIR. Returns false when
// nothing was attached.
bool detach(const std::string& pin_dir);

Status status(const std::string& pin_dir);

// The path under /sys/fs/cgroup of the cgroup with this id, or "".
std::string cgroup_path_of(std::uint64_t id);

// "needs root" and similar hints for an errno from a bpf() call.
std::string errno_hint(int error);

} // namespace fnat::toa

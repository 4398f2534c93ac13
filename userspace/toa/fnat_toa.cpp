// fnat-toa: makes getpeername() and accept() on a real server behind fnat
// return the client's address and port carried in the TOA TCP option, and
// getsockopt(IPPROTO_TCP, FNAT_TOA_SO_PEER) return it whatever the socket's
// family (docs/toa.md).
//
//   fnat-toa attach [--cgroup DIR] [--pin-dir DIR]
//   fnat-toa detach [--pin-dir DIR]
//   fnat-toa status [--pin-dir DIR]
//
// attach loads the BPF programs, attaches them to the cgroup v2 DIR (default
// /sys/fs/cgroup: every process) and pins the links under the pin directory
// (default /sys/fs/bpf/fnat-toa): they stay attached after fnat-toa exits,
// until `fnat-toa detach` or a reboot.
//
// Exit codes: 0 success (status: attached), 1 an error (message on stderr),
// 2 a wrong command line, 3 status: not attached.
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>
#include <sys/utsname.h>

#include <CLI/CLI.hpp>

#include "toa/toa_loader.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitNotAttached = 3;

int print_status(const std::string& pin_dir) {
    const fnat::toa::Status state = fnat::toa::status(pin_dir);
    std::size_t pinned = 0;
    std::size_t live = 0;
    for (const fnat::toa::LinkState& link : state.links) {
        pinned += link.pinned ? 1 : 0;
        live += link.pinned && link.cgroup_id != 0 ? 1 : 0;
    }
    if (pinned == 0) {
        std::cout << "fnat-toa: not attached (nothing pinned under " << pin_dir << ")\n";
        return kExitNotAttached;
    }
    const bool complete = live == state.links.size();
    std::cout << "fnat-toa: " << (complete ? "attached" : "partly attached") << ", pinned under "
              << pin_dir << "\n";
    for (const fnat::toa::LinkState& link : state.links) {
        std::cout << "  " << link.name << ": ";
        if (!link.pinned) {
            std::cout << "not pinned\n";
            continue;
        }
        std::cout << "prog id " << link.prog_id << ", ";
        if (link.cgroup_id == 0)
            std::cout << "defunct (its cgroup was removed)\n";
        else
            std::cout << "cgroup "
                      << (link.cgroup_path.empty() ? std::string("?") : link.cgroup_path) << " (id "
                      << link.cgroup_id << ")\n";
    }
    if (state.have_stats) {
        const fnat::toa::Stats& s = state.stats;
        std::cout << "  connections with TOA: " << s.from_ack + s.from_data << " (" << s.from_ack
                  << " from the handshake ACK, " << s.from_data << " from the first data)\n"
                  << "  IPv6 clients among them (kind 253): " << s.ipv6 << "\n"
                  << "  invalid TOA options: " << s.invalid
                  << ", storage failures: " << s.no_storage << "\n"
                  << "  peer addresses rewritten (getpeername/accept): " << s.rewrites << "\n"
                  << "  left unchanged, IPv6 client on an IPv4 socket: " << s.unrepresentable
                  << "\n"
                  << "  getsockopt(FNAT_TOA_SO_PEER) answered: " << s.sockopt << "\n";
    }
    utsname uts{};
    ::uname(&uts);
    std::cout << "  kernel " << uts.release << ", BTF "
              << (state.kernel_btf ? "present" : "absent (not needed)") << "\n";
    return complete ? kExitOk : kExitError;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"fnat-toa: client addresses from fnat's TOA option for getpeername(), "
                 "accept() and getsockopt(FNAT_TOA_SO_PEER) on real servers (docs/toa.md)",
                 "fnat-toa"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("fnat-toa ") + FNATADM_VERSION);

    std::string cgroup = fnat::toa::kDefaultCgroup;
    std::string pin_dir = fnat::toa::kDefaultPinDir;
    CLI::App* attach = app.add_subcommand(
        "attach", "load the programs, attach them to a cgroup v2 and pin them (they stay "
                  "attached after fnat-toa exits)");
    attach->add_option("--cgroup", cgroup, "cgroup v2 directory whose sockets get TOA addresses")
        ->capture_default_str();
    attach->add_option("--pin-dir", pin_dir, "bpffs directory for the pinned links")
        ->capture_default_str();
    CLI::App* detach = app.add_subcommand("detach", "detach and unpin the programs");
    detach->add_option("--pin-dir", pin_dir, "bpffs directory of the pinned links")
        ->capture_default_str();
    CLI::App* status = app.add_subcommand(
        "status", "show where the programs are attached, and counters (exit 3: not attached)");
    status->add_option("--pin-dir", pin_dir, "bpffs directory of the pinned links")
        ->capture_default_str();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int rc = app.exit(error);
        return rc == 0 ? kExitOk : kExitUsage;
    }

    try {
        if (*attach) {
            fnat::toa::attach(cgroup, pin_dir);
            std::cout << "fnat-toa: attached to cgroup " << fnat::toa::check_cgroup(cgroup)
                      << ", pinned under " << pin_dir << "\n";
            return kExitOk;
        }
        if (*detach) {
            if (fnat::toa::detach(pin_dir))
                std::cout << "fnat-toa: detached\n";
            else
                std::cout << "fnat-toa: was not attached\n";
            return kExitOk;
        }
        return print_status(pin_dir);
    } catch (const std::exception& error) {
        std::cerr << "fnat-toa: " << error.what() << "\n";
        return kExitError;
    }
}

// fnatadm --show-tunables: fnat's global knobs as the kernel exposes them.
//
// Global tunables are sysfs attributes under /sys/kernel/fnat (written with
// echo, effective at once, for every network namespace); load-time sizing
// is module parameters under /sys/module/fnat/parameters (modprobe fnat
// NAME=VALUE). Per-netns settings (timeouts, sync daemons) live with the
// netlink family and are listed by fnatadm -L --timeout and -L --daemon.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace fnat {

struct Tunable {
    std::string name;
    std::string value; // the attribute's text without its newline
};

struct Tunables {
    std::vector<Tunable> runtime;   // /sys/kernel/fnat, sorted by name
    std::vector<Tunable> load_time; // /sys/module/fnat/parameters, sorted
};

// Thrown when fnat's sysfs directory is missing: the module is not loaded.
class TunablesUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads both directories under @sys (normally "/sys"). An attribute that
// cannot be read shows as "(unreadable: REASON)". Throws TunablesUnavailable.
Tunables read_tunables(const std::filesystem::path& sys);

// The listing --show-tunables prints.
std::string format_tunables(const Tunables& tunables);

} // namespace fnat

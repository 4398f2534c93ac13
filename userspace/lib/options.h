// The fnatadm command line, in ipvsadm's syntax, parsed into a Command.
//
// Parsing uses CLI11, which already handles ipvsadm's conventions: combined
// short flags (-Ln, -nL, -ln), attached values (-p20, --persistent=20), free
// option order, and an optional value for -p (taken when the next word does
// not start with '-'). Two conventions need care after CLI11 has run:
//  * -b means --fullnat on the destination commands (and on the others,
//    which refuse it as a forwarding method) but --sched-flags (with a
//    value) on -A/-E, as in mainline ipvsadm, so -b is declared apart from
//    --fullnat, with an optional value, and the command decides what it
//    meant;
//  * ipvsadm's per-command option table ("Illegal 'weight' option with the
//    'add-service' command", "The option 'timeout' conflicts with the
//    'service-address' option in the 'list' command") is applied after
//    parsing, like ipvsadm does;
//  * -L takes --stats, --rate, --thresholds and --persistent-conn together
//    (ipvsadm prints the first layout of that list then), but none of them
//    with --timeout, nor --thresholds with -c ("options conflicts in the
//    list command"); -c --persistent-conn (ipvsadm's persistence templates)
//    is refused, fnat does not list its templates;
//  * -L -c also takes -t/-u (ipvsadm refuses that pair; fnat lists the
//    connections of that service), and excludes --timeout as ipvsadm does;
//    --drops, fnat's own, takes only -n and --json;
//  * --set takes three values (ipvsadm reads them as its only positional
//    arguments): fewer is refused, a fourth is an unexpected argument;
//  * -P, -Q and -G (local addresses) and -z are spelled as in Alibaba's LVS
//    ipvsadm (and DPVS's): -P/-Q need -t/-u and -z, -z belongs to them
//    only, -G takes an optional -t/-u, -n and --json;
//  * --start-daemon and --stop-daemon are commands with a value (master or
//    backup), as in ipvsadm; --start-daemon needs --mcast-interface (ipvsadm
//    defaults to eth0) and takes the other sync options, --stop-daemon takes
//    --syncid and ignores it (ipvsadm's table allows it); -L --daemon is
//    exclusive like --timeout and takes -n, --json, --exact and --nosort, the
//    last two without effect, as ipvsadm. --sync-key FILE (fnat's own) is
//    only remembered here: load_sync_key() (lib/sync_key.h) reads the file.
// Invoking fnatadm without arguments lists the table, as ipvsadm does.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <uapi/fnat.h>

#include "lib/model.h"

namespace fnat {

enum class CommandKind {
    AddService,    // -A
    EditService,   // -E
    DeleteService, // -D
    Flush,         // -C
    List,          // -L, -l
    AddDest,       // -a
    EditDest,      // -e
    DeleteDest,    // -d
    SetTimeout,    // --set TCP TCPFIN UDP
    Save,          // -S
    Zero,          // -Z [-t|-u VIP:PORT]
    Restore,       // -R: the commands of -S's lines, read from stdin (lib/restore.h)
    AddLaddr,      // -P -t|-u VIP:PORT -z LIP
    DeleteLaddr,   // -Q -t|-u VIP:PORT -z LIP
    ListLaddr,     // -G [-t|-u VIP:PORT]
    StartDaemon,   // --start-daemon master|backup --mcast-interface IF [...]
    StopDaemon,    // --stop-daemon master|backup
    Help,          // -h
    Version,       // -v
    ShowTunables,  // --show-tunables (lib/tunables.h)
};

// A parsed command line. Defaults are ipvsadm's; dest.port is already
// resolved (service port when -r has no port, and always for DR and TUN on
// -a/-e).
struct Command {
    CommandKind kind = CommandKind::List;

    std::optional<ServiceKey> service; // -t / -u
    std::string scheduler = "wlc";     // -s
    bool persistent = false;           // -p
    std::uint32_t timeout = FNAT_PERSIST_DEFAULT;
    std::uint8_t netmask = 32; // -M, as a prefix length (128 for IPv6 services)
    // --sched-flags (-b on -A/-E): FNAT_SVC_F_SCHED* bits (lib/sched_flags.h),
    // checked against the scheduler as ipvsadm does; 0 without the option.
    std::uint32_t sched_flags = 0;
    // -j [enable|disable]: FNAT_SVC_F_SYNPROXY, the SYN proxy.
    bool synproxy = false;

    std::optional<DestKey> dest; // -r
    ForwardMethod forward = ForwardMethod::DirectRoute;
    std::uint32_t weight = 1; // -w
    std::uint32_t u_threshold = 0;
    std::uint32_t l_threshold = 0;

    std::optional<Address> laddr; // -z (-P, -Q)

    // --set TCP TCPFIN UDP, in seconds; 0 leaves that timeout as it is.
    Timeouts timeouts;

    // --start-daemon / --stop-daemon: the role, and the sync options given
    // (--mcast-interface, --syncid, --sync-maxlen, --mcast-group,
    // --mcast-port, --mcast-ttl); daemon.key is filled by load_sync_key().
    DaemonSpec daemon;
    std::optional<std::string> sync_key_file; // --sync-key FILE ("-": stdin)

    bool numeric = false;         // -n (output is always numeric)
    bool exact = false;           // --exact
    bool json = false;            // --json (-L, -G)
    bool sort = true;             // --nosort turns ipvsadm's sorted listing off
    bool list_timeouts = false;   // -L --timeout
    bool stats = false;           // -L --stats (wins over --rate, as in ipvsadm)
    bool rate = false;            // -L --rate
    bool thresholds = false;      // -L --thresholds (--stats and --rate win over it)
    bool persistent_conn = false; // -L --persistent-conn (the others win over it)
    bool list_conns = false;      // -L -c (-t/-u: that service's only)
    bool list_drops = false;      // -L --drops
    bool list_daemons = false;    // -L --daemon
};

// A command line fnatadm refuses. The message is what ipvsadm would print
// (or a clear equivalent); fnatadm prints it alone and exits with 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses the arguments after the program name. Throws UsageError.
Command parse_command_line(const std::vector<std::string>& args);

// The text -h prints.
std::string usage_text();

} // namespace fnat

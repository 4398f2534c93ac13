#include "lib/options.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>
#include <net/if.h>
#include <netinet/in.h>

#include <CLI/CLI.hpp>

#include "lib/address.h"
#include "lib/sched_flags.h"

namespace fnat {
namespace {

// ipvsadm's option classes, in the order ipvsadm checks them; the names are
// the ones its messages use.
enum class Opt : std::size_t {
    Numeric,
    Connection,
    Service,
    Scheduler,
    Persistent,
    Netmask,
    RealServer,
    Forward,
    Weight,
    UThreshold,
    LThreshold,
    Exact,
    Json,
    Sort,
    Timeout,
    TunnelType,
    Stats,
    Rate,
    Thresholds,
    PersistentConn,
    SchedFlags,
    Drops,        // fnat's own, so after ipvsadm's
    LocalAddress, // -z, Alibaba's LVS ipvsadm's
    // The sync daemon's, in ipvsadm's order, then fnat's --sync-key.
    McastInterface,
    Daemon,
    SyncId,
    McastGroup,
    McastPort,
    McastTtl,
    SyncMaxlen,
    SyncKey,
    Synproxy, // -j, Alibaba's LVS ipvsadm's and DPVS's
    Count
};
constexpr std::size_t kOptCount = static_cast<std::size_t>(Opt::Count);

constexpr std::array<const char*, kOptCount> kOptNames = {
    "numeric",     "connection",  "service-address", "scheduler",
    "persistent",  "netmask",     "real-server",     "forwarding-method",
    "weight",      "u-threshold", "l-threshold",     "exact",
    "json",        "sort",        "timeout",         "tun-type",
    "stats",       "rate",        "thresholds",      "persistent-conn",
    "sched-flags", "drops",       "local-address",   "mcast-interface",
    "daemon",      "syncid",      "mcast-group",     "mcast-port",
    "mcast-ttl",   "sync-maxlen", "sync-key",        "synproxy"};

// Commands that use the option table (Help, Version and ShowTunables take
// no options).
constexpr std::size_t kTableCommands = 17;
constexpr std::array<const char*, kTableCommands> kCommandNames = {
    "add-service",  "edit-service", "delete-service", "flush",     "list",
    "add-server",   "edit-server",  "delete-server",  "set",       "save",
    "zero",         "restore",      "add-laddr",      "del-laddr", "get-laddr",
    "start-daemon", "stop-daemon"};

// Per command, per option: 'x' illegal, ' ' optional, '+' required,
// '1' exclusive (at most one '1' option of the command may be given),
// 'i' accepted and ignored (-s on -D, which a common how-to uses; --syncid
// on --stop-daemon, which ipvsadm's table allows).
constexpr std::array<std::array<char, kOptCount>, kTableCommands> kLegalOptions = {{
    // Columns, in Opt order, sixteen a line:
    //  -n   -c   svc  -s   -p   -M   -r   fwd  -w   -x   -y   exa  json sort tout ttyp
    //  -st  -rt  thr  -pc  -b   drop -z   mcif dmn  sid  grp  port ttl  size key  -j
    /* -A    */
    {'x', 'x', '+', ' ', ' ', ' ', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
     'x', 'x', 'x', 'x', ' ', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', ' '},
    /* -E    */
    {'x', 'x', '+', ' ', ' ', ' ', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
     'x', 'x', 'x', 'x', ' ', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', ' '},
    /* -D    */
    {'x', 'x', '+', 'i', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
     'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},
    /* -C    */
    {'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
     'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},
    /* -L    */
    {' ', ' ', '1', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', ' ', ' ', ' ', '1', 'x',
     ' ', ' ', ' ', ' ', 'x', '1', 'x', 'x', '1', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},
    /* -a    */
    {'x', 'x', '+', 'x', 'x', 'x', '+', ' ', ' ', ' ', ' ', 'x', 'x', 'x', 'x', ' ',
     'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},
    /* -e    */
    {'x', 'x', '+', 'x', 'x', 'x', '+', ' ', ' ', ' ', ' ', 'x', 'x', 'x', 'x', ' ',
     'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},
    /* -d    */
    {'x', 'x', '+', 'x', 'x', 'x', '+', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
     'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},
    /* set   */
    {'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
     'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},
    /* -S    */
    {' ', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
     'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},
    /* -Z    */
    {'x', 'x', ' ', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
     'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},
    /* -R    */
    {'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
     'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},
    /* -P    */
    {'x', 'x', '+', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
     'x', 'x', 'x', 'x', 'x', 'x', '+', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},
    /* -Q    */
    {'x', 'x', '+', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
     'x', 'x', 'x', 'x', 'x', 'x', '+', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},
    /* -G    */
    {' ', 'x', ' ', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', ' ', 'x', 'x', 'x',
     'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},
    /* start */
    {'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
     'x', 'x', 'x', 'x', 'x', 'x', 'x', '+', 'x', ' ', ' ', ' ', ' ', ' ', ' ', 'x'},
    /* stop  */
    {'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
     'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'i', 'x', 'x', 'x', 'x', 'x', 'x'},
}};

// --set's values, in ipvsadm's order.
constexpr std::size_t kSetValues = 3;
constexpr std::array<const char*, kSetValues> kSetValueNames = {"tcp timeout", "tcpfin timeout",
                                                                "udp timeout"};

std::size_t index(Opt opt) {
    return static_cast<std::size_t>(opt);
}
std::size_t index(CommandKind kind) {
    return static_cast<std::size_t>(kind);
}

bool is_service_command(CommandKind kind) {
    return kind == CommandKind::AddService || kind == CommandKind::EditService;
}
bool is_dest_change_command(CommandKind kind) {
    return kind == CommandKind::AddDest || kind == CommandKind::EditDest;
}

// ipvsadm spellings that belong to features fnat does not have yet. They
// are declared so that they parse, then refused with a clear message.
struct Unsupported {
    const char* names;
    int max_values; // 0: a flag
    const char* message;
};

constexpr std::array<Unsupported, 6> kUnsupported = {{
    {"-f,--fwmark-service", 1,
     "-f (--fwmark-service): firewall-mark services are not supported yet"},
    {"-6,--ipv6", 0,
     "-6 (--ipv6): it is for firewall-mark services, which are not supported yet (an IPv6 "
     "service needs no option: -t [2001:db8::1]:80)"},
    {"--sctp-service", 1, "--sctp-service: SCTP services are not supported yet"},
    {"-o,--ops", 0, "-o (--ops): one-packet scheduling is not supported yet"},
    {"--pe", 1, "--pe: persistence engines are not supported yet"},
    {"--tun-port", 1, "--tun-port: tunnel options are not supported yet"},
}};

constexpr std::array<Unsupported, 3> kUnsupportedTunnelFlags = {{
    {"--tun-nocsum", 0, "--tun-nocsum: tunnel options are not supported yet"},
    {"--tun-csum", 0, "--tun-csum: tunnel options are not supported yet"},
    {"--tun-remcsum", 0, "--tun-remcsum: tunnel options are not supported yet"},
}};

// A word of the command line that is a value, not an option: "30", "-1".
bool is_value_word(const std::string& word) {
    return word.size() < 2 || word[0] != '-' || (word[1] >= '0' && word[1] <= '9');
}

// Decimal number in [min, max], or nullopt.
std::optional<std::uint32_t> parse_number(const std::string& text, std::uint32_t min,
                                          std::uint32_t max) {
    if (text.empty() || text.size() > 10 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    std::uint64_t value = std::stoull(text);
    if (value < min || value > max)
        return std::nullopt;
    return static_cast<std::uint32_t>(value);
}

// "illegal weight specified (-w '70000': must be an integer 0..65535)"
[[noreturn]] void illegal_value(const std::string& what, const char* option,
                                const std::string& value, const std::string& reason) {
    throw UsageError("illegal " + what + " specified (" + option + " '" + value + "': " + reason +
                     ")");
}

std::uint32_t number_value(const std::string& what, const char* option, const std::string& value,
                           std::uint32_t min, std::uint32_t max) {
    auto number = parse_number(value, min, max);
    if (!number)
        illegal_value(what, option, value,
                      "must be an integer " + std::to_string(min) + ".." + std::to_string(max));
    return *number;
}

// The role of --start-daemon and --stop-daemon ("illegal start-daemon
// parameter specified", ipvsadm's words, with the reason).
std::uint32_t sync_state(const char* option, const std::string& value) {
    if (value == "master")
        return FNAT_SYNC_STATE_MASTER;
    if (value == "backup")
        return FNAT_SYNC_STATE_BACKUP;
    illegal_value(std::string(option).substr(2) + " parameter", option, value,
                  "must be master or backup");
}

// An interface name the kernel could hold (its dev_valid_name()): at most
// IFNAMSIZ - 1 characters, not "." or "..", no '/', ':' or white space.
// Whether it exists is the module's answer ("No such interface").
void check_interface_name(const std::string& name) {
    constexpr std::size_t kMaxLength = IFNAMSIZ - 1;
    if (name.size() > kMaxLength)
        illegal_value("mcast-interface", "--mcast-interface", name,
                      "at most " + std::to_string(kMaxLength) + " characters");
    if (name == "." || name == ".." || name.find_first_of("/: \t\n\v\f\r") != std::string::npos)
        illegal_value("mcast-interface", "--mcast-interface", name, "not an interface name");
}

// --mcast-group: an IPv4 multicast group, 224.0.0.0/4 (ipvsadm: "invalid
// IPv4 mcast-group `10.0.0.1'"). IPv6 groups parse, but fnat's sync is
// IPv4 only so far.
Address multicast_group(const std::string& text) {
    const char* family = text.find(':') != std::string::npos ? "IPv6" : "IPv4";
    Address group;
    try {
        group = parse_address(text);
    } catch (const ParseError& error) {
        throw UsageError(std::string("invalid ") + family + " mcast-group `" + text + "' (" +
                         error.what() + ")");
    }
    if (group.is_ipv6())
        throw UsageError("--mcast-group " + text + ": IPv6 groups are not supported yet");
    if ((group.bytes[0] & 0xf0) != 0xe0)
        throw UsageError("invalid IPv4 mcast-group `" + text +
                         "' (not a multicast address: must be in 224.0.0.0/4)");
    return group;
}

// The last value given to an option (each option may be given once, which
// is checked before values are read).
std::string value_of(const CLI::Option* option) {
    const auto& results = option->results();
    return results.empty() ? std::string() : results.back();
}

Command only(CommandKind kind) {
    Command command;
    command.kind = kind;
    return command;
}

class CommandLine {
public:
    CommandLine() {
        app_.set_help_flag();
        app_.allow_extras();

        commands_ = {{
            {CommandKind::AddService, app_.add_flag("-A,--add-service")},
            {CommandKind::EditService, app_.add_flag("-E,--edit-service")},
            {CommandKind::DeleteService, app_.add_flag("-D,--delete-service")},
            {CommandKind::Flush, app_.add_flag("-C,--clear")},
            {CommandKind::List, app_.add_flag("-L,-l,--list")},
            {CommandKind::AddDest, app_.add_flag("-a,--add-server")},
            {CommandKind::EditDest, app_.add_flag("-e,--edit-server")},
            {CommandKind::DeleteDest, app_.add_flag("-d,--delete-server")},
            // As in ipvsadm, --set's three values are the positional arguments.
            {CommandKind::SetTimeout, app_.add_flag("--set")},
            {CommandKind::Save, app_.add_flag("-S,--save")},
            {CommandKind::Zero, app_.add_flag("-Z,--zero")},
            {CommandKind::Restore, app_.add_flag("-R,--restore")},
            {CommandKind::AddLaddr, app_.add_flag("-P,--add-laddr")},
            {CommandKind::DeleteLaddr, app_.add_flag("-Q,--del-laddr")},
            {CommandKind::ListLaddr, app_.add_flag("-G,--get-laddr")},
            // As in ipvsadm, the daemon commands take the role as their value.
            {CommandKind::StartDaemon, start_daemon_ = value("--start-daemon")},
            {CommandKind::StopDaemon, stop_daemon_ = value("--stop-daemon")},
            {CommandKind::Help, app_.add_flag("-h,--help")},
            {CommandKind::Version, app_.add_flag("-v,--version")},
            {CommandKind::ShowTunables, app_.add_flag("--show-tunables")},
        }};

        // Every value is declared optional so that a missing one gets our
        // message ("-t (--tcp-service) requires an argument") instead of
        // CLI11's; -p and -b really are optional.
        tcp_ = value("-t,--tcp-service");
        udp_ = value("-u,--udp-service");
        scheduler_ = value("-s,--scheduler");
        persistent_ = value("-p,--persistent");
        netmask_ = value("-M,--netmask");
        real_server_ = value("-r,--real-server");
        gatewaying_ = app_.add_flag("-g,--gatewaying");
        ipip_ = app_.add_flag("-i,--ipip");
        masquerading_ = app_.add_flag("-m,--masquerading");
        // -b is --fullnat on -a/-e but --sched-flags on -A/-E (parse()).
        fullnat_ = value("--fullnat");
        b_ = value("-b");
        sched_flags_ = value("--sched-flags");
        weight_ = value("-w,--weight");
        u_threshold_ = value("-x,--u-threshold");
        l_threshold_ = value("-y,--l-threshold");
        numeric_ = app_.add_flag("-n,--numeric");
        connection_ = app_.add_flag("-c,--connection");
        exact_ = app_.add_flag("--exact");
        json_ = app_.add_flag("--json");
        sort_ = app_.add_flag("--sort");
        nosort_ = app_.add_flag("--nosort");
        timeout_ = app_.add_flag("--timeout");
        tun_type_ = value("--tun-type");
        stats_ = app_.add_flag("--stats");
        rate_ = app_.add_flag("--rate");
        thresholds_ = app_.add_flag("--thresholds");
        persistent_conn_ = app_.add_flag("--persistent-conn");
        drops_ = app_.add_flag("--drops");
        laddr_ = value("-z,--laddr");
        mcast_interface_ = value("--mcast-interface");
        daemon_ = app_.add_flag("--daemon");
        syncid_ = value("--syncid");
        mcast_group_ = value("--mcast-group");
        mcast_port_ = value("--mcast-port");
        mcast_ttl_ = value("--mcast-ttl");
        sync_maxlen_ = value("--sync-maxlen");
        sync_key_ = value("--sync-key");
        synproxy_ = value("-j,--synproxy");

        for (const auto& entry : kUnsupported)
            unsupported_.emplace_back(declare(entry), entry.message);
        for (const auto& entry : kUnsupportedTunnelFlags)
            unsupported_.emplace_back(declare(entry), entry.message);
    }

    Command parse(const std::vector<std::string>& args) {
        std::vector<const char*> argv{"fnatadm"};
        for (const auto& arg : args)
            argv.push_back(arg.c_str());
        try {
            app_.parse(static_cast<int>(argv.size()), argv.data());
        } catch (const CLI::ParseError& error) {
            if (std::find(args.begin(), args.end(), "-h") != args.end() ||
                std::find(args.begin(), args.end(), "--help") != args.end())
                return only(CommandKind::Help);
            throw UsageError(error.what());
        }
        if (count(CommandKind::Help) > 0)
            return only(CommandKind::Help);
        if (count(CommandKind::Version) > 0)
            return only(CommandKind::Version);
        if (count(CommandKind::ShowTunables) > 0) {
            if (args.size() > 1)
                throw UsageError("--show-tunables takes no other option");
            return only(CommandKind::ShowTunables);
        }

        for (const auto& [option, message] : unsupported_)
            if (option->count() > 0)
                throw UsageError(message);

        std::vector<std::string> extras = app_.remaining();
        if (count(CommandKind::SetTimeout) > 1)
            throw UsageError("multiple commands specified");
        if (count(CommandKind::SetTimeout) > 0)
            take_set_values(extras);
        reject_extras(extras);

        Command command;
        command.kind = select_command();

        // -b on -A/-E is ipvsadm's --sched-flags; elsewhere it is --fullnat
        // and takes no value.
        b_is_sched_flags_ = is_service_command(command.kind);

        std::array<std::size_t, kOptCount> given = count_options();
        for (std::size_t opt = 0; opt < kOptCount; ++opt)
            if (given[opt] > 1)
                throw UsageError(std::string("multiple '") + kOptNames[opt] +
                                 "' options specified");

        read_values(command);
        check_legality(command.kind, given);
        check_list_conflicts(given);
        resolve(command);
        return command;
    }

private:
    CLI::Option* value(const std::string& names) {
        return app_.add_option(names)->expected(0, 1)->take_all();
    }

    CLI::Option* declare(const Unsupported& entry) {
        if (entry.max_values == 0)
            return app_.add_flag(entry.names);
        return app_.add_option(entry.names)->expected(0, entry.max_values)->take_all();
    }

    // --fullnat, and -b where it means --fullnat.
    std::size_t fullnat_given() const {
        return fullnat_->count() + (b_is_sched_flags_ ? 0 : b_->count());
    }
    // --sched-flags, and -b where it means --sched-flags.
    std::size_t sched_flags_given() const {
        return sched_flags_->count() + (b_is_sched_flags_ ? b_->count() : 0);
    }

    std::size_t count(CommandKind kind) const {
        for (const auto& [candidate, option] : commands_)
            if (candidate == kind)
                return option->count();
        return 0;
    }

    CommandKind select_command() const {
        std::size_t total = 0;
        CommandKind kind = CommandKind::List;
        for (const auto& [candidate, option] : commands_) {
            if (option->count() > 0) {
                total += option->count();
                kind = candidate;
            }
        }
        if (total > 1)
            throw UsageError("multiple commands specified");
        if (total == 0)
            throw UsageError("no command specified (see fnatadm -h)");
        return kind;
    }

    // Moves --set's values (the leading words that are not options, at most
    // three) out of the extra arguments.
    void take_set_values(std::vector<std::string>& extras) {
        auto end = extras.begin();
        while (end != extras.end() && set_values_.size() < kSetValues && is_value_word(*end))
            set_values_.push_back(*end++);
        extras.erase(extras.begin(), end);
    }

    static void reject_extras(const std::vector<std::string>& extras) {
        if (extras.empty())
            return;
        const std::string& first = extras.front();
        if (first.size() > 1 && first[0] == '-')
            throw UsageError("unknown option '" + first + "' (see fnatadm -h)");
        throw UsageError("unexpected argument '" + first + "'");
    }

    std::array<std::size_t, kOptCount> count_options() const {
        std::array<std::size_t, kOptCount> given{};
        given[index(Opt::Numeric)] = numeric_->count();
        given[index(Opt::Connection)] = connection_->count();
        given[index(Opt::Service)] = tcp_->count() + udp_->count();
        given[index(Opt::Scheduler)] = scheduler_->count();
        given[index(Opt::Persistent)] = persistent_->count();
        given[index(Opt::Netmask)] = netmask_->count();
        given[index(Opt::RealServer)] = real_server_->count();
        given[index(Opt::Forward)] =
            gatewaying_->count() + ipip_->count() + masquerading_->count() + fullnat_given();
        given[index(Opt::Weight)] = weight_->count();
        given[index(Opt::UThreshold)] = u_threshold_->count();
        given[index(Opt::LThreshold)] = l_threshold_->count();
        given[index(Opt::Exact)] = exact_->count();
        given[index(Opt::Json)] = json_->count();
        given[index(Opt::Sort)] = sort_->count() + nosort_->count();
        given[index(Opt::Timeout)] = timeout_->count();
        given[index(Opt::TunnelType)] = tun_type_->count();
        given[index(Opt::Stats)] = stats_->count();
        given[index(Opt::Rate)] = rate_->count();
        given[index(Opt::Thresholds)] = thresholds_->count();
        given[index(Opt::PersistentConn)] = persistent_conn_->count();
        given[index(Opt::SchedFlags)] = sched_flags_given();
        given[index(Opt::Drops)] = drops_->count();
        given[index(Opt::LocalAddress)] = laddr_->count();
        given[index(Opt::McastInterface)] = mcast_interface_->count();
        given[index(Opt::Daemon)] = daemon_->count();
        given[index(Opt::SyncId)] = syncid_->count();
        given[index(Opt::McastGroup)] = mcast_group_->count();
        given[index(Opt::McastPort)] = mcast_port_->count();
        given[index(Opt::McastTtl)] = mcast_ttl_->count();
        given[index(Opt::SyncMaxlen)] = sync_maxlen_->count();
        given[index(Opt::SyncKey)] = sync_key_->count();
        given[index(Opt::Synproxy)] = synproxy_->count();
        return given;
    }

    // A value option given without its value.
    static std::string required_value(const CLI::Option* option, const char* spelling) {
        std::string text = value_of(option);
        if (text.empty())
            throw UsageError(std::string(spelling) + " requires an argument");
        return text;
    }

    void read_values(Command& command) {
        if (tcp_->count() > 0 || udp_->count() > 0) {
            const bool tcp = tcp_->count() > 0;
            const char* spelling = tcp ? "-t" : "-u";
            std::string text = required_value(tcp ? tcp_ : udp_,
                                              tcp ? "-t (--tcp-service)" : "-u (--udp-service)");
            Endpoint endpoint;
            try {
                endpoint = parse_endpoint(text);
            } catch (const ParseError& error) {
                illegal_value("virtual server address[:port]", spelling, text, error.what());
            }
            command.service = ServiceKey{static_cast<std::uint8_t>(tcp ? IPPROTO_TCP : IPPROTO_UDP),
                                         endpoint.address, endpoint.port.value_or(0)};
        }
        if (scheduler_->count() > 0) {
            std::string name = required_value(scheduler_, "-s (--scheduler)");
            if (name.size() >= FNAT_SCHED_NAME_MAX)
                illegal_value("scheduler name", "-s", name,
                              "at most " + std::to_string(FNAT_SCHED_NAME_MAX - 1) + " characters");
            command.scheduler = name;
        }
        if (synproxy_->count() > 0) {
            // Bare -j enables; "enable"/"disable" are Alibaba's spellings.
            std::string text = value_of(synproxy_);
            if (text.empty() || text == "enable")
                command.synproxy = true;
            else if (text != "disable")
                illegal_value("synproxy parameter", "-j", text, "must be enable or disable");
        }
        if (persistent_->count() > 0) {
            command.persistent = true;
            std::string text = value_of(persistent_);
            if (!text.empty())
                command.timeout =
                    number_value("timeout for persistent service", "-p", text, 1, FNAT_PERSIST_MAX);
        }
        if (command.service)
            command.netmask = command.service->address.max_prefix();
        if (netmask_->count() > 0) {
            std::string text = required_value(netmask_, "-M (--netmask)");
            std::uint16_t family = command.service ? command.service->address.family : AF_INET;
            try {
                command.netmask = parse_netmask(text, family);
            } catch (const ParseError& error) {
                // ipvsadm's words for each family.
                illegal_value(family == AF_INET6 ? "ipv6 netmask" : "persistent netmask", "-M",
                              text, error.what());
            }
        }
        if (real_server_->count() > 0) {
            std::string text = required_value(real_server_, "-r (--real-server)");
            Endpoint endpoint;
            try {
                endpoint = parse_endpoint(text);
            } catch (const ParseError& error) {
                illegal_value("real server address[:port]", "-r", text, error.what());
            }
            // Without a port the destination uses the service's (resolve()).
            command.dest = DestKey{endpoint.address, endpoint.port.value_or(0)};
            dest_port_given_ = endpoint.port.has_value();
        }
        if (ipip_->count() > 0)
            command.forward = ForwardMethod::Tunnel;
        else if (masquerading_->count() > 0)
            command.forward = ForwardMethod::Masquerade;
        else if (fullnat_given() > 0)
            command.forward = ForwardMethod::FullNat;
        for (const CLI::Option* fullnat : {fullnat_, b_is_sched_flags_ ? nullptr : b_})
            if (fullnat != nullptr && fullnat->count() > 0 && !value_of(fullnat).empty())
                throw UsageError("unexpected argument '" + value_of(fullnat) + "'");
        if (sched_flags_given() > 0) {
            // As ipvsadm, after every option is read: the flags must suit
            // the scheduler of -s (wlc without it), whatever the order.
            const CLI::Option* option = sched_flags_->count() > 0 ? sched_flags_ : b_;
            try {
                command.sched_flags = parse_sched_flags(
                    command.scheduler, required_value(option, "-b (--sched-flags)"));
            } catch (const SchedFlagsError& error) {
                throw UsageError(error.what());
            }
        }
        if (weight_->count() > 0)
            command.weight = number_value("weight", "-w", required_value(weight_, "-w (--weight)"),
                                          0, FNAT_WEIGHT_MAX);
        constexpr std::uint32_t kU32Max = std::numeric_limits<std::uint32_t>::max();
        if (u_threshold_->count() > 0)
            command.u_threshold =
                number_value("u_threshold", "-x",
                             required_value(u_threshold_, "-x (--u-threshold)"), 0, kU32Max);
        if (l_threshold_->count() > 0)
            command.l_threshold =
                number_value("l_threshold", "-y",
                             required_value(l_threshold_, "-y (--l-threshold)"), 0, kU32Max);
        if (laddr_->count() > 0) {
            // An address of the director's: no port (Alibaba's ipvsadm
            // ignores one; fnatadm refuses it rather than drop it silently).
            std::string text = required_value(laddr_, "-z (--laddr)");
            Endpoint endpoint;
            try {
                endpoint = parse_endpoint(text);
            } catch (const ParseError& error) {
                illegal_value("local address", "-z", text, error.what());
            }
            if (endpoint.port)
                illegal_value("local address", "-z", text, "a local address has no port");
            command.laddr = endpoint.address;
        }
        if (tun_type_->count() > 0) {
            // fnat tunnels are IPIP, ipvsadm's default type; -S prints it.
            std::string type = required_value(tun_type_, "--tun-type");
            if (type == "gue" || type == "gre")
                throw UsageError("--tun-type " + type + ": only ipip tunnels are supported yet");
            if (type != "ipip")
                illegal_value("tunnel type", "--tun-type", type, "must be ipip, gue or gre");
        }
        if (command.kind == CommandKind::SetTimeout) {
            if (set_values_.size() < kSetValues)
                throw UsageError("--set option requires 3 timeout values");
            std::array<std::uint32_t, kSetValues> seconds{};
            for (std::size_t i = 0; i < kSetValues; ++i)
                seconds[i] =
                    number_value(kSetValueNames[i], "--set", set_values_[i], 0, FNAT_TIMEOUT_MAX);
            command.timeouts = Timeouts{seconds[0], seconds[1], seconds[2]};
        }
        command.numeric = numeric_->count() > 0;
        command.exact = exact_->count() > 0;
        command.json = json_->count() > 0;
        command.sort = nosort_->count() == 0;
        command.list_timeouts = timeout_->count() > 0;
        command.stats = stats_->count() > 0;
        command.rate = rate_->count() > 0;
        command.thresholds = thresholds_->count() > 0;
        command.persistent_conn = persistent_conn_->count() > 0;
        command.list_conns = connection_->count() > 0;
        command.list_drops = drops_->count() > 0;
        command.list_daemons = daemon_->count() > 0;
        read_daemon_values(command);
    }

    // The role of --start-daemon and --stop-daemon, and the sync options.
    void read_daemon_values(Command& command) const {
        if (command.kind == CommandKind::StartDaemon)
            command.daemon.state =
                sync_state("--start-daemon", required_value(start_daemon_, "--start-daemon"));
        if (command.kind == CommandKind::StopDaemon)
            command.daemon.state =
                sync_state("--stop-daemon", required_value(stop_daemon_, "--stop-daemon"));
        if (mcast_interface_->count() > 0) {
            std::string name = required_value(mcast_interface_, "--mcast-interface");
            check_interface_name(name);
            command.daemon.mcast_ifn = name;
        }
        if (syncid_->count() > 0)
            command.daemon.sync_id = static_cast<std::uint8_t>(
                number_value("syncid", "--syncid", required_value(syncid_, "--syncid"), 0, 255));
        if (sync_maxlen_->count() > 0)
            command.daemon.sync_maxlen = static_cast<std::uint16_t>(number_value(
                "sync-maxlen", "--sync-maxlen", required_value(sync_maxlen_, "--sync-maxlen"),
                FNAT_SYNC_MAXLEN_MIN, FNAT_SYNC_MAXLEN_MAX));
        if (mcast_group_->count() > 0)
            command.daemon.mcast_group =
                multicast_group(required_value(mcast_group_, "--mcast-group"));
        if (mcast_port_->count() > 0)
            command.daemon.mcast_port = static_cast<std::uint16_t>(
                number_value("mcast-port", "--mcast-port",
                             required_value(mcast_port_, "--mcast-port"), 1, 65535));
        if (mcast_ttl_->count() > 0)
            command.daemon.mcast_ttl = static_cast<std::uint8_t>(number_value(
                "mcast-ttl", "--mcast-ttl", required_value(mcast_ttl_, "--mcast-ttl"), 1, 255));
        if (sync_key_->count() > 0)
            command.sync_key_file = required_value(sync_key_, "--sync-key");
    }

    static void check_legality(CommandKind kind, const std::array<std::size_t, kOptCount>& given) {
        const auto& legal = kLegalOptions[index(kind)];
        std::optional<std::size_t> exclusive; // the first '1' option given
        for (std::size_t opt = 0; opt < kOptCount; ++opt) {
            if (given[opt] > 0 && legal[opt] == 'x')
                throw UsageError(std::string("Illegal '") + kOptNames[opt] + "' option with the '" +
                                 kCommandNames[index(kind)] + "' command");
            if (given[opt] > 0 && legal[opt] == '1') {
                if (exclusive)
                    throw UsageError(std::string("The option '") + kOptNames[opt] +
                                     "' conflicts with the '" + kOptNames[*exclusive] +
                                     "' option in the '" + kCommandNames[index(kind)] +
                                     "' command");
                exclusive = opt;
            }
            if (given[opt] == 0 && legal[opt] == '+')
                throw UsageError(std::string("You need to supply the '") + kOptNames[opt] +
                                 "' option for the '" + kCommandNames[index(kind)] + "' command");
        }
    }

    // ipvsadm makes -c, -t/-u, --timeout and --daemon exclusive on -L;
    // fnatadm lets -c take -t/-u (connections of one service), so the table
    // cannot mark -c '1' and its other pairs are checked here, in ipvsadm's
    // words. --drops, fnat's own, refuses the listing options it would ignore.
    static void check_list_conflicts(const std::array<std::size_t, kOptCount>& given) {
        auto conflict = [&](Opt first, Opt second) {
            if (given[index(first)] > 0 && given[index(second)] > 0)
                throw UsageError(std::string("The option '") + kOptNames[index(second)] +
                                 "' conflicts with the '" + kOptNames[index(first)] +
                                 "' option in the 'list' command");
        };
        conflict(Opt::Connection, Opt::Timeout);
        conflict(Opt::Connection, Opt::Daemon);
        for (Opt ignored : {Opt::Connection, Opt::Exact, Opt::Sort, Opt::Stats, Opt::Rate,
                            Opt::Thresholds, Opt::PersistentConn})
            conflict(ignored, Opt::Drops);
    }

    void resolve(Command& command) const {
        // ipvsadm checks these after its option table, with its own words.
        if ((command.list_timeouts || command.list_daemons) &&
            (command.stats || command.rate || command.thresholds || command.persistent_conn))
            throw UsageError("options conflicts in the list command");
        // --syncid is accepted on --stop-daemon, as ipvsadm does, and
        // ignored: a netns has one daemon per role, the role names it.
        if (command.kind == CommandKind::StopDaemon)
            command.daemon = DaemonSpec{command.daemon.state};
        if (command.list_conns && command.thresholds)
            throw UsageError("options conflicts in the list command");
        // ipvsadm -Lc --persistent-conn adds persistence-engine data, which fnat
        // has none of; fnat's -Lc lists the templates themselves (state NONE).
        if (command.list_conns && command.persistent_conn)
            throw UsageError("-c --persistent-conn: there are no persistence engines; -Lnc "
                             "lists the persistence templates (state NONE)");
        if (is_service_command(command.kind) && command.service->port == 0 && !command.persistent)
            throw UsageError("Zero port specified for non-persistent service");
        if (tun_type_->count() > 0 && command.forward != ForwardMethod::Tunnel)
            throw UsageError("Tunnel options conflict with forward method");
        if (command.dest && command.service) {
            // As ipvsadm: the destination port defaults to the service port,
            // and DR and TUN cannot change the port at all.
            const bool keeps_port = command.forward == ForwardMethod::DirectRoute ||
                                    command.forward == ForwardMethod::Tunnel;
            if (!dest_port_given_ || (is_dest_change_command(command.kind) && keeps_port))
                command.dest->port = command.service->port;
        }
    }

    CLI::App app_{"fnatadm", "fnatadm"};
    std::array<std::pair<CommandKind, CLI::Option*>, 20> commands_{};
    CLI::Option* tcp_ = nullptr;
    CLI::Option* udp_ = nullptr;
    CLI::Option* scheduler_ = nullptr;
    CLI::Option* persistent_ = nullptr;
    CLI::Option* synproxy_ = nullptr;
    CLI::Option* netmask_ = nullptr;
    CLI::Option* real_server_ = nullptr;
    CLI::Option* gatewaying_ = nullptr;
    CLI::Option* ipip_ = nullptr;
    CLI::Option* masquerading_ = nullptr;
    CLI::Option* fullnat_ = nullptr; // --fullnat
    CLI::Option* b_ = nullptr;       // -b: --fullnat or --sched-flags, by command
    CLI::Option* sched_flags_ = nullptr;
    CLI::Option* weight_ = nullptr;
    CLI::Option* u_threshold_ = nullptr;
    CLI::Option* l_threshold_ = nullptr;
    CLI::Option* numeric_ = nullptr;
    CLI::Option* connection_ = nullptr;
    CLI::Option* exact_ = nullptr;
    CLI::Option* json_ = nullptr;
    CLI::Option* sort_ = nullptr;
    CLI::Option* nosort_ = nullptr;
    CLI::Option* timeout_ = nullptr;
    CLI::Option* tun_type_ = nullptr;
    CLI::Option* stats_ = nullptr;
    CLI::Option* rate_ = nullptr;
    CLI::Option* thresholds_ = nullptr;
    CLI::Option* persistent_conn_ = nullptr;
    CLI::Option* drops_ = nullptr;
    CLI::Option* laddr_ = nullptr;
    CLI::Option* start_daemon_ = nullptr;
    CLI::Option* stop_daemon_ = nullptr;
    CLI::Option* mcast_interface_ = nullptr;
    CLI::Option* daemon_ = nullptr;
    CLI::Option* syncid_ = nullptr;
    CLI::Option* mcast_group_ = nullptr;
    CLI::Option* mcast_port_ = nullptr;
    CLI::Option* mcast_ttl_ = nullptr;
    CLI::Option* sync_maxlen_ = nullptr;
    CLI::Option* sync_key_ = nullptr;
    std::vector<std::pair<CLI::Option*, const char*>> unsupported_;
    std::vector<std::string> set_values_;
    bool dest_port_given_ = false;
    bool b_is_sched_flags_ = false;
};

} // namespace

Command parse_command_line(const std::vector<std::string>& args) {
    if (args.empty())
        return Command{}; // as ipvsadm: no arguments lists the table
    CommandLine command_line;
    return command_line.parse(args);
}

std::string usage_text() {
    return "fnatadm v" FNATADM_VERSION R"( - configure the fnat load balancer
Usage:
  fnatadm -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask]
          [-b sched-flags] [-j [enable|disable]]
  fnatadm -D virtual-service
  fnatadm -C
  fnatadm -R
  fnatadm -S [-n]
  fnatadm -P|Q virtual-service -z local-address
  fnatadm -G [virtual-service] [-n] [--json]
  fnatadm -a|e virtual-service -r server-address [-g|i|m|b] [-w weight]
          [-x upper-threshold] [-y lower-threshold]
  fnatadm -d virtual-service -r server-address
  fnatadm -L|l [virtual-service] [-n] [--stats|--rate] [--exact] [--json]
          [--nosort]
  fnatadm -L|l [virtual-service] [-n] --thresholds|--persistent-conn
          [--json] [--nosort]
  fnatadm -L|l --timeout [--json]
  fnatadm -L|l -c [virtual-service] [-n] [--json]
  fnatadm -L|l --drops [-n] [--json]
  fnatadm -L|l --daemon [-n] [--json]
  fnatadm -Z [virtual-service]
  fnatadm --set tcp tcpfin udp
  fnatadm --start-daemon {master|backup} --mcast-interface interface
          [daemon-options] [--sync-key file]
  fnatadm --stop-daemon {master|backup}
  fnatadm -h
  fnatadm -v

Commands:
Either long or short options are allowed.
  --add-service     -A        add virtual service with options
  --edit-service    -E        edit virtual service with options
  --delete-service  -D        delete virtual service
  --clear           -C        clear the whole table
  --restore         -R        restore rules from stdin (-S's lines); all or
                              nothing: a bad line changes nothing, a
                              refused one puts the table back
  --save            -S        save rules to stdout (as ipvsadm -S -n)
  --add-laddr       -P        add local address (FULLNAT source address)
  --del-laddr       -Q        del local address (its connections drain)
  --get-laddr       -G        get local addresses of a service or all
  --add-server      -a        add real server with options
  --edit-server     -e        edit real server with options
  --delete-server   -d        delete real server
  --list            -L|-l     list the table
  --zero            -Z        zero counters in a service or all services
  --set tcp tcpfin udp        set connection timeout values in seconds
                              (0..2678400 each; 0 leaves one unchanged)
  --start-daemon              start connection sync daemon
  --stop-daemon               stop connection sync daemon
  --help            -h        display this help message
  --version         -v        display the tool and module versions
  --show-tunables             display fnat's global tunables (sysfs) and
                              load-time parameters

virtual-service:
  --tcp-service|-t  service-address   service-address is IP[:port]
  --udp-service|-u  service-address   service-address is IP[:port]
                                      (IPv6: [IP]:port)

Options:
  --scheduler    -s scheduler         one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|
                                      sed|nq|fo|ovf|mh|twos,
                                      the default scheduler is wlc.
  --sched-flags  -b flags             scheduler flags (comma-separated):
                                      sh-fallback, sh-port (with -s sh),
                                      mh-fallback, mh-port (with -s mh),
                                      flag-1, flag-2, flag-3 (any); -b only
                                      means this with -A and -E
  --persistent   -p [timeout]         persistent service, timeout in seconds
                                      1..2678400 (default 360)
  --netmask      -M netmask           persistent granularity mask: a dotted
                                      IPv4 mask or a prefix length (IPv6:
                                      a prefix length 0..128)
  --synproxy     -j [enable|disable]  SYN proxy: the director answers SYNs
                                      with cookies and connects to a real
                                      server only for a valid ACK (TCP, NAT
                                      and FULLNAT real servers); bare -j
                                      enables; -E without it disables
  --real-server  -r server-address    server-address is IP[:port]; the port
                                      defaults to the service port; an
                                      IPv6 service may have IPv4 FULLNAT
                                      (-b) real servers
  --gatewaying   -g                   gatewaying (direct routing) (default)
  --ipip         -i                   ipip encapsulation (tunneling)
  --tun-type     ipip                 the tunnel type; ipip is the only one
                                      (and the default)
  --masquerading -m                   masquerading (NAT)
  --fullnat      -b                   full NAT (source and destination NAT);
                                      -b only means this with -a and -e
  --laddr        -z local-address     local-address is IP (no port), an
                                      address of this host; an IPv6 service
                                      may have IPv4 ones (for IPv4 real
                                      servers)
  --weight       -w weight            capacity of real server 0..65535
                                      (default 1; 0 quiesces the server)
  --u-threshold  -x uthreshold        upper threshold of connections
  --l-threshold  -y lthreshold        lower threshold of connections
  --numeric      -n                   numeric output of addresses and ports
                                      (fnatadm never resolves names)
  --connection   -c                   output of current connections (with
                                      virtual-service: of that service only)
  --drops                             output of the connection count and of
                                      the dropped packets by reason
  --daemon                            output of daemon information
  --stats                             output of statistics information
  --rate                              output of rate information
  --thresholds                        output of thresholds information
  --persistent-conn                   output of persistent connection info
  --exact                             expand numbers (display exact values)
  --timeout                           output of timeout (tcp tcpfin udp)
  --json                              list as a JSON document (-L, -G)
  --sort                              list sorted by address and port (default)
  --nosort                            list in creation order instead

Daemon Options:
  --mcast-interface interface         multicast interface for connection sync
                                      (required)
  --syncid sid                        syncid for connection sync 0..255
                                      (default 0: a backup takes every syncid)
  --sync-maxlen length                max sync message length 256..65507
                                      (default: the interface MTU - 28)
  --mcast-group address               IPv4 group (default 224.0.0.83)
  --mcast-port port                   UDP port (default 8849)
  --mcast-ttl ttl                     multicast TTL 1..255 (default 1)
  --sync-key file                     authenticate sync messages (HMAC-SHA256)
                                      with the shared key (16..64 bytes) read
                                      from file, or from stdin with '-'

Addresses are numeric: 192.168.0.1:80, [2001:db8::1]:80. Host and service
names are not resolved; IPv6 zone ids (%eth0) are refused.

Not supported yet: -f, --sctp-service, -o, --pe, the persistence templates
(-Lc --persistent-conn), --tun-type gue|gre and the other tunnel options,
IPv6 sync groups.
)";
}

} // namespace fnat

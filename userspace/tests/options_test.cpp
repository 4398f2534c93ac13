#include <netinet/in.h>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/options.h"

namespace fnat {
namespace {

Command parse(std::vector<std::string> args) {
    return parse_command_line(args);
}

std::string error_of(std::vector<std::string> args) {
    try {
        parse_command_line(args);
    } catch (const UsageError& error) {
        return error.what();
    }
    return "(accepted)";
}

// --start-daemon master --mcast-interface eth0, then extra.
std::vector<std::string> started(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"--start-daemon", "master", "--mcast-interface", "eth0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

ServiceKey tcp(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint16_t port) {
    return ServiceKey{IPPROTO_TCP, Address::ipv4(a, b, c, d), port};
}

// --- the seed documents' commands -------------------------------------------

TEST(Options, SeedAddPersistentService) {
    Command command = parse({"-A", "-t", "192.168.0.240:80", "-s", "rr", "-p", "20"});
    EXPECT_EQ(command.kind, CommandKind::AddService);
    EXPECT_EQ(command.service, tcp(192, 168, 0, 240, 80));
    EXPECT_EQ(command.scheduler, "rr");
    EXPECT_TRUE(command.persistent);
    EXPECT_EQ(command.timeout, 20U);
    EXPECT_EQ(command.netmask, 32);
}

TEST(Options, SeedAddServiceOnAnyAddress) {
    Command command = parse({"-A", "-t", "0.0.0.0:80", "-s", "wlc"});
    EXPECT_EQ(command.service, tcp(0, 0, 0, 0, 80));
    EXPECT_FALSE(command.persistent);
}

TEST(Options, SeedAddDirectRoutingServer) {
    Command command =
        parse({"-a", "-t", "192.168.0.240:80", "-r", "192.168.0.223:80", "-g", "-w", "1"});
    EXPECT_EQ(command.kind, CommandKind::AddDest);
    EXPECT_EQ(command.service, tcp(192, 168, 0, 240, 80));
    ASSERT_TRUE(command.dest.has_value());
    EXPECT_EQ(command.dest->address, Address::ipv4(192, 168, 0, 223));
    EXPECT_EQ(command.dest->port, 80);
    EXPECT_EQ(command.forward, ForwardMethod::DirectRoute);
    EXPECT_EQ(command.weight, 1U);
}

TEST(Options, SeedForwardingMethodBeforeRealServer) {
    Command command = parse({"-a", "-t", "172.16.1.134:80", "-m", "-r", "172.16.1.135:80"});
    EXPECT_EQ(command.forward, ForwardMethod::Masquerade);
    EXPECT_EQ(command.dest->address, Address::ipv4(172, 16, 1, 135));
    EXPECT_EQ(command.dest->port, 80);
}

TEST(Options, SeedRealServerWithoutPortUsesServicePort) {
    Command command = parse({"-a", "-t", "192.168.56.34:80", "-r", "192.168.142.137", "-m"});
    EXPECT_EQ(command.dest->port, 80);
    EXPECT_EQ(command.forward, ForwardMethod::Masquerade);
}

TEST(Options, SeedTunnelServerWithWeight) {
    Command command = parse({"-a", "-t", "192.168.1.3:80", "-r", "192.168.1.10", "-i", "-w", "1"});
    EXPECT_EQ(command.forward, ForwardMethod::Tunnel);
    EXPECT_EQ(command.dest->port, 80);
    EXPECT_EQ(command.weight, 1U);
}

TEST(Options, SeedEditServiceScheduler) {
    Command command = parse({"-E", "-t", "172.16.1.134:80", "-s", "wrr"});
    EXPECT_EQ(command.kind, CommandKind::EditService);
    EXPECT_EQ(command.scheduler, "wrr");
    EXPECT_FALSE(command.persistent);
}

TEST(Options, SeedEditServerWeight) {
    Command command =
        parse({"-e", "-t", "172.16.1.134:80", "-m", "-r", "172.16.1.135:80", "-w", "2"});
    EXPECT_EQ(command.kind, CommandKind::EditDest);
    EXPECT_EQ(command.forward, ForwardMethod::Masquerade);
    EXPECT_EQ(command.weight, 2U);
}

TEST(Options, SeedDeleteServiceAcceptsAndIgnoresScheduler) {
    Command command = parse({"-D", "-t", "192.168.0.240:80", "-s", "rr"});
    EXPECT_EQ(command.kind, CommandKind::DeleteService);
    EXPECT_EQ(command.service, tcp(192, 168, 0, 240, 80));
}

TEST(Options, SeedDeleteServer) {
    Command command = parse({"-d", "-t", "192.168.0.240:80", "-r", "192.168.0.223:80"});
    EXPECT_EQ(command.kind, CommandKind::DeleteDest);
    EXPECT_EQ(command.dest->address, Address::ipv4(192, 168, 0, 223));
    EXPECT_EQ(command.dest->port, 80);
}

TEST(Options, SeedClear) {
    EXPECT_EQ(parse({"-C"}).kind, CommandKind::Flush);
}

// --- listing --------------------------------------------------------------

TEST(Options, NoArgumentsLists) {
    Command command = parse({});
    EXPECT_EQ(command.kind, CommandKind::List);
    EXPECT_FALSE(command.service.has_value());
}

class ListForms : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(ListForms, ListNumeric) {
    Command command = parse(GetParam());
    EXPECT_EQ(command.kind, CommandKind::List);
    EXPECT_TRUE(command.numeric);
    EXPECT_FALSE(command.service.has_value());
    EXPECT_FALSE(command.json);
}

INSTANTIATE_TEST_SUITE_P(
    CombinedAndSeparate, ListForms,
    ::testing::Values(std::vector<std::string>{"-Ln"}, std::vector<std::string>{"-L", "-n"},
                      std::vector<std::string>{"-ln"}, std::vector<std::string>{"-nL"},
                      std::vector<std::string>{"-l", "-n"}, std::vector<std::string>{"-nl"},
                      std::vector<std::string>{"--list", "--numeric"},
                      std::vector<std::string>{"-n", "--list"}));

TEST(Options, ListWithoutNumeric) {
    for (const char* spelling : {"-L", "-l", "--list"}) {
        Command command = parse({spelling});
        EXPECT_EQ(command.kind, CommandKind::List) << spelling;
        EXPECT_FALSE(command.numeric) << spelling;
    }
}

TEST(Options, ListOneService) {
    Command command = parse({"-L", "-n", "-t", "192.168.0.240:80"});
    EXPECT_EQ(command.kind, CommandKind::List);
    EXPECT_EQ(command.service, tcp(192, 168, 0, 240, 80));
    Command combined = parse({"-Lnt", "192.168.0.240:80"});
    EXPECT_EQ(combined.service, tcp(192, 168, 0, 240, 80));
    EXPECT_TRUE(combined.numeric);
}

TEST(Options, ListFlags) {
    Command command = parse({"-L", "--exact", "--json", "--nosort"});
    EXPECT_TRUE(command.exact);
    EXPECT_TRUE(command.json);
    EXPECT_FALSE(command.sort);
    EXPECT_TRUE(parse({"-L", "--sort"}).sort);
    EXPECT_TRUE(parse({"-L"}).sort);
}

// --- counters: -L --stats, -L --rate, -Z ---------------------------------------

TEST(Options, ListStats) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-L", "--stats"}, {"-Ln", "--stats"}, {"--stats", "-l"}, {"--list", "--stats"}}) {
        Command command = parse(args);
        EXPECT_EQ(command.kind, CommandKind::List);
        EXPECT_TRUE(command.stats);
        EXPECT_FALSE(command.rate);
        EXPECT_FALSE(command.exact);
    }
    Command one = parse({"-L", "-t", "192.168.0.240:80", "--stats", "--exact"});
    EXPECT_EQ(one.service, tcp(192, 168, 0, 240, 80));
    EXPECT_TRUE(one.stats);
    EXPECT_TRUE(one.exact);
    EXPECT_FALSE(parse({"-L"}).stats);
}

TEST(Options, ListRate) {
    Command command = parse({"-Ln", "--rate", "--exact", "--nosort"});
    EXPECT_EQ(command.kind, CommandKind::List);
    EXPECT_TRUE(command.rate);
    EXPECT_FALSE(command.stats);
    EXPECT_TRUE(command.exact);
    EXPECT_FALSE(command.sort);
    EXPECT_TRUE(parse({"-Lnu", "10.0.0.1:53", "--rate"}).rate);
    EXPECT_FALSE(parse({"-L"}).rate);
}

TEST(Options, StatsAndRateTogetherAreAcceptedLikeIpvsadm) {
    // ipvsadm's option table allows both; its listing then uses --stats.
    Command command = parse({"-L", "--rate", "--stats"});
    EXPECT_TRUE(command.stats);
    EXPECT_TRUE(command.rate);
}

TEST(Options, CountersWithJson) {
    Command command = parse({"-L", "--stats", "--json"});
    EXPECT_TRUE(command.stats);
    EXPECT_TRUE(command.json);
    EXPECT_TRUE(parse({"-L", "--json", "--rate"}).rate);
}

// --- -L --thresholds, -L --persistent-conn ------------------------------------

TEST(Options, ListThresholds) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-L", "--thresholds"}, {"-Ln", "--thresholds"}, {"--thresholds", "-l"}}) {
        Command command = parse(args);
        EXPECT_EQ(command.kind, CommandKind::List);
        EXPECT_TRUE(command.thresholds);
        EXPECT_FALSE(command.persistent_conn);
    }
    Command one = parse({"-Ln", "-t", "192.168.0.240:80", "--thresholds", "--nosort"});
    EXPECT_EQ(one.service, tcp(192, 168, 0, 240, 80));
    EXPECT_TRUE(one.thresholds);
    EXPECT_FALSE(one.sort);
    EXPECT_TRUE(parse({"-L", "--thresholds", "--json"}).json);
    EXPECT_FALSE(parse({"-L"}).thresholds);
}

TEST(Options, ListPersistentConn) {
    Command command = parse({"-Ln", "--persistent-conn"});
    EXPECT_EQ(command.kind, CommandKind::List);
    EXPECT_TRUE(command.persistent_conn);
    EXPECT_FALSE(command.thresholds);
    EXPECT_TRUE(parse({"-L", "-u", "10.0.0.1:53", "--persistent-conn"}).persistent_conn);
    EXPECT_FALSE(parse({"-L"}).persistent_conn);
}

TEST(Options, ListLayoutsTogetherAreAcceptedLikeIpvsadm) {
    // ipvsadm's option table allows them all; the listing picks one
    // (lib/command_runner.cpp).
    Command command = parse({"-L", "--persistent-conn", "--thresholds", "--rate", "--stats"});
    EXPECT_TRUE(command.stats);
    EXPECT_TRUE(command.rate);
    EXPECT_TRUE(command.thresholds);
    EXPECT_TRUE(command.persistent_conn);
}

TEST(Options, ZeroEverything) {
    for (const auto& args : std::vector<std::vector<std::string>>{{"-Z"}, {"--zero"}}) {
        Command command = parse(args);
        EXPECT_EQ(command.kind, CommandKind::Zero);
        EXPECT_FALSE(command.service.has_value());
    }
}

TEST(Options, ZeroOneService) {
    Command command = parse({"-Z", "-t", "192.168.0.240:80"});
    EXPECT_EQ(command.kind, CommandKind::Zero);
    EXPECT_EQ(command.service, tcp(192, 168, 0, 240, 80));
    EXPECT_EQ(parse({"-Zt", "192.168.0.240:80"}).service, tcp(192, 168, 0, 240, 80));
    Command udp = parse({"--zero", "--udp-service", "10.0.0.1:53"});
    ASSERT_TRUE(udp.service.has_value());
    EXPECT_EQ(udp.service->protocol, IPPROTO_UDP);
    // A zero port is no error here: only -A/-E insist on persistence.
    EXPECT_EQ(parse({"-Z", "-t", "10.0.0.1"}).service->port, 0);
}

TEST(Options, HelpAndVersion) {
    EXPECT_EQ(parse({"-h"}).kind, CommandKind::Help);
    EXPECT_EQ(parse({"--help"}).kind, CommandKind::Help);
    EXPECT_EQ(parse({"-L", "-h"}).kind, CommandKind::Help);
    EXPECT_EQ(parse({"-v"}).kind, CommandKind::Version);
    EXPECT_EQ(parse({"--version"}).kind, CommandKind::Version);
    // Help wins over anything else on the line, as in ipvsadm.
    EXPECT_EQ(parse({"-A", "-h", "--foo", "-w", "abc"}).kind, CommandKind::Help);
    EXPECT_EQ(parse({"-Z", "-v"}).kind, CommandKind::Version);
}

// --- service options -------------------------------------------------------

TEST(Options, DefaultsOnAddService) {
    Command command = parse({"-A", "-t", "10.0.0.1:80"});
    EXPECT_EQ(command.scheduler, "wlc");
    EXPECT_FALSE(command.persistent);
    EXPECT_EQ(command.netmask, 32);
}

TEST(Options, EditServiceDefaultsToWlcLikeIpvsadm) {
    EXPECT_EQ(parse({"-E", "-t", "10.0.0.1:80"}).scheduler, "wlc");
}

// --- scheduler flags: --sched-flags, -b on -A/-E ------------------------------

TEST(Options, SchedFlagsDefaultToNone) {
    EXPECT_EQ(parse({"-A", "-t", "10.0.0.1:80", "-s", "sh"}).sched_flags, 0U);
    EXPECT_EQ(parse({"-E", "-t", "10.0.0.1:80", "-s", "sh"}).sched_flags, 0U);
}

TEST(Options, SchedFlagsWithB) {
    Command command = parse({"-A", "-t", "10.0.0.1:80", "-s", "sh", "-b", "sh-fallback,sh-port"});
    EXPECT_EQ(command.kind, CommandKind::AddService);
    EXPECT_EQ(command.scheduler, "sh");
    EXPECT_EQ(command.sched_flags, FNAT_SVC_F_SCHED_SH_FALLBACK | FNAT_SVC_F_SCHED_SH_PORT);
    EXPECT_EQ(command.forward, ForwardMethod::DirectRoute); // -b is not FULLNAT here
    EXPECT_EQ(parse({"-E", "-t", "10.0.0.1:80", "-s", "mh", "-b", "mh-port"}).sched_flags,
              FNAT_SVC_F_SCHED_MH_PORT);
    EXPECT_EQ(parse({"-A", "-t", "10.0.0.1:80", "-bflag-2"}).sched_flags, FNAT_SVC_F_SCHED2);
}

TEST(Options, SchedFlagsLongSpelling) {
    EXPECT_EQ(
        parse({"-A", "-t", "10.0.0.1:80", "-s", "sh", "--sched-flags", "sh-port"}).sched_flags,
        FNAT_SVC_F_SCHED_SH_PORT);
    EXPECT_EQ(
        parse({"-E", "-t", "10.0.0.1:80", "-s", "mh", "--sched-flags=mh-fallback"}).sched_flags,
        FNAT_SVC_F_SCHED_MH_FALLBACK);
    EXPECT_EQ(parse({"--add-service", "--tcp-service", "10.0.0.1:80", "--sched-flags",
                     "flag-1,flag-2,flag-3"})
                  .sched_flags,
              FNAT_SVC_F_SCHED1 | FNAT_SVC_F_SCHED2 | FNAT_SVC_F_SCHED3);
}

TEST(Options, Synproxy) {
    EXPECT_FALSE(parse({"-A", "-t", "10.0.0.1:80"}).synproxy);
    EXPECT_TRUE(parse({"-A", "-t", "10.0.0.1:80", "-j"}).synproxy);
    EXPECT_TRUE(parse({"-A", "-j", "-t", "10.0.0.1:80", "-s", "rr"}).synproxy);
    EXPECT_TRUE(parse({"-E", "-t", "10.0.0.1:80", "--synproxy"}).synproxy);
    // Alibaba's LVS ipvsadm spells it with a value.
    EXPECT_TRUE(parse({"-A", "-t", "10.0.0.1:80", "-j", "enable"}).synproxy);
    EXPECT_FALSE(parse({"-E", "-t", "10.0.0.1:80", "-j", "disable"}).synproxy);
    EXPECT_TRUE(parse({"-E", "-t", "10.0.0.1:80", "--synproxy=enable"}).synproxy);
    EXPECT_FALSE(parse({"-E", "-t", "10.0.0.1:80", "--synproxy", "disable"}).synproxy);
    EXPECT_FALSE(parse({"-A", "-t", "10.0.0.1:80", "-jdisable"}).synproxy);
}

TEST(Options, BareSynproxyLeavesTheNextOptionAlone) {
    // The value is optional, as -p's: an option after -j is not its value.
    Command command = parse({"-A", "-t", "10.0.0.1:80", "-j", "-p", "-s", "rr"});
    EXPECT_TRUE(command.synproxy);
    EXPECT_TRUE(command.persistent);
    EXPECT_EQ(command.timeout, FNAT_PERSIST_DEFAULT);
    EXPECT_EQ(command.scheduler, "rr");
    command = parse({"-A", "-p", "-j", "-t", "10.0.0.1:0"});
    EXPECT_TRUE(command.synproxy);
    EXPECT_TRUE(command.persistent);
    EXPECT_EQ(command.service->port, 0);
}

TEST(Options, SchedFlagsAreCheckedAgainstTheSchedulerWhateverTheOrder) {
    // ipvsadm reads the flags after every option: -s may come later.
    Command command = parse({"-A", "-b", "sh-port", "-t", "10.0.0.1:80", "-s", "sh"});
    EXPECT_EQ(command.sched_flags, FNAT_SVC_F_SCHED_SH_PORT);
}

TEST(Options, SchedFlagsWithPersistence) {
    Command command = parse({"-A", "-t", "10.0.0.1:0", "-s", "sh", "-p", "60", "-b", "sh-port"});
    EXPECT_TRUE(command.persistent);
    EXPECT_EQ(command.timeout, 60U);
    EXPECT_EQ(command.sched_flags, FNAT_SVC_F_SCHED_SH_PORT);
    // -p's optional value is not mistaken for the flags, nor the reverse.
    Command bare = parse({"-A", "-t", "10.0.0.1:80", "-s", "sh", "-b", "sh-fallback", "-p"});
    EXPECT_TRUE(bare.persistent);
    EXPECT_EQ(bare.timeout, FNAT_PERSIST_DEFAULT);
    EXPECT_EQ(bare.sched_flags, FNAT_SVC_F_SCHED_SH_FALLBACK);
}

TEST(Options, UdpService) {
    Command command = parse({"-A", "-u", "10.0.0.1:53", "-s", "rr"});
    EXPECT_EQ(command.service->protocol, IPPROTO_UDP);
    EXPECT_EQ(command.service->port, 53);
}

TEST(Options, PersistentWithoutValueDefaultsTo360) {
    EXPECT_EQ(parse({"-A", "-t", "10.0.0.1:80", "-p"}).timeout, 360U);
    Command before_option = parse({"-A", "-p", "-t", "10.0.0.1:80", "-s", "rr"});
    EXPECT_TRUE(before_option.persistent);
    EXPECT_EQ(before_option.timeout, 360U);
    EXPECT_EQ(before_option.scheduler, "rr");
}

TEST(Options, PersistentValueSpellings) {
    EXPECT_EQ(parse({"-A", "-t", "10.0.0.1:80", "-p", "20"}).timeout, 20U);
    EXPECT_EQ(parse({"-A", "-t", "10.0.0.1:80", "-p20"}).timeout, 20U);
    EXPECT_EQ(parse({"-A", "-t", "10.0.0.1:80", "--persistent=20"}).timeout, 20U);
    EXPECT_EQ(parse({"-A", "-t", "10.0.0.1:80", "--persistent", "20"}).timeout, 20U);
    EXPECT_EQ(parse({"-A", "-t", "10.0.0.1:80", "-p", "1"}).timeout, 1U);
    EXPECT_EQ(parse({"-A", "-t", "10.0.0.1:80", "-p", "2678400"}).timeout, 2678400U);
}

TEST(Options, NetmaskDottedOrPrefix) {
    EXPECT_EQ(parse({"-A", "-t", "10.0.0.1:80", "-p", "-M", "255.255.255.0"}).netmask, 24);
    EXPECT_EQ(parse({"-A", "-t", "10.0.0.1:80", "-p", "-M", "16"}).netmask, 16);
    EXPECT_EQ(parse({"-A", "-M", "255.255.0.0", "-t", "10.0.0.1:80", "-p"}).netmask, 16);
}

TEST(Options, ZeroPortAllowedWithPersistence) {
    Command command = parse({"-A", "-t", "10.0.0.1", "-p"});
    EXPECT_EQ(command.service->port, 0);
    EXPECT_EQ(parse({"-A", "-t", "10.0.0.1:0", "-p", "60"}).service->port, 0);
    EXPECT_EQ(parse({"-E", "-t", "10.0.0.1:0", "-p", "60"}).service->port, 0);
}

TEST(Options, LongSpellings) {
    Command command = parse({"--add-service", "--tcp-service", "10.0.0.1:80", "--scheduler", "rr",
                             "--persistent", "60", "--netmask", "255.255.0.0"});
    EXPECT_EQ(command.kind, CommandKind::AddService);
    EXPECT_EQ(command.scheduler, "rr");
    EXPECT_EQ(command.timeout, 60U);
    EXPECT_EQ(command.netmask, 16);

    Command dest =
        parse({"--add-server", "--udp-service", "10.0.0.1:53", "--real-server", "10.0.1.1:5353",
               "--masquerading", "--weight", "0", "--u-threshold", "100", "--l-threshold", "10"});
    EXPECT_EQ(dest.kind, CommandKind::AddDest);
    EXPECT_EQ(dest.forward, ForwardMethod::Masquerade);
    EXPECT_EQ(dest.dest->port, 5353);
    EXPECT_EQ(dest.weight, 0U);
    EXPECT_EQ(dest.u_threshold, 100U);
    EXPECT_EQ(dest.l_threshold, 10U);

    EXPECT_EQ(parse({"--edit-service", "-t", "10.0.0.1:80"}).kind, CommandKind::EditService);
    EXPECT_EQ(parse({"--delete-service", "-t", "10.0.0.1:80"}).kind, CommandKind::DeleteService);
    EXPECT_EQ(parse({"--clear"}).kind, CommandKind::Flush);
    EXPECT_EQ(parse({"--edit-server", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "--gatewaying"}).kind,
              CommandKind::EditDest);
    EXPECT_EQ(parse({"--delete-server", "-t", "10.0.0.1:80", "-r", "10.0.1.1"}).kind,
              CommandKind::DeleteDest);
    EXPECT_EQ(parse({"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "--ipip"}).forward,
              ForwardMethod::Tunnel);
    EXPECT_EQ(parse({"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "--fullnat"}).forward,
              ForwardMethod::FullNat);
}

TEST(Options, Ipv6ServiceParsesWithHostMask) {
    Command command = parse({"-A", "-t", "[2001:db8::1]:80"});
    EXPECT_TRUE(command.service->address.is_ipv6());
    EXPECT_EQ(command.netmask, 128);
    EXPECT_EQ(parse({"-A", "-t", "[2001:db8::1]:80", "-p", "-M", "64"}).netmask, 64);
}

TEST(Options, Ipv6ServiceForms) {
    const Address vip = parse_address("2001:db8::1");
    Command bracketed = parse({"-A", "-t", "[2001:db8::1]:80", "-s", "rr"});
    EXPECT_EQ(bracketed.service, (ServiceKey{IPPROTO_TCP, vip, 80}));
    // Without a port (persistent, every port), bare or in brackets.
    EXPECT_EQ(parse({"-A", "-u", "2001:db8::1", "-p"}).service, (ServiceKey{IPPROTO_UDP, vip, 0}));
    EXPECT_EQ(parse({"-A", "-u", "[2001:db8::1]", "-p"}).service,
              (ServiceKey{IPPROTO_UDP, vip, 0}));
    for (const char* command : {"-D", "-Z", "-L", "-G"})
        EXPECT_EQ(parse({command, "-t", "[2001:db8::1]:80"}).service, bracketed.service) << command;
    Command conns = parse({"-Lnc", "-u", "[2001:db8::1]:53"});
    EXPECT_TRUE(conns.list_conns);
    EXPECT_EQ(conns.service, (ServiceKey{IPPROTO_UDP, vip, 53}));
}

TEST(Options, Ipv6NetmaskIsAPrefixLengthInAnyOrder) {
    EXPECT_EQ(parse({"-A", "-t", "[2001:db8::1]:80", "-p", "-M", "0"}).netmask, 0);
    EXPECT_EQ(parse({"-A", "-t", "[2001:db8::1]:80", "-p", "-M", "128"}).netmask, 128);
    // ipvsadm reads -M by the family of a -t before it; fnatadm by the
    // service's, wherever -M is.
    EXPECT_EQ(parse({"-A", "-M", "48", "-t", "[2001:db8::1]:80", "-p"}).netmask, 48);
    EXPECT_EQ(parse({"-E", "-t", "[2001:db8::1]:80", "-s", "wrr"}).netmask, 128);
}

TEST(Options, Ipv6RealServers) {
    const Address rip6 = parse_address("2001:db8::10");
    Command nat =
        parse({"-a", "-t", "[2001:db8::1]:80", "-r", "[2001:db8::10]:8080", "-m", "-w", "2"});
    EXPECT_EQ(nat.dest, (DestKey{rip6, 8080}));
    EXPECT_EQ(nat.forward, ForwardMethod::Masquerade);
    EXPECT_EQ(nat.weight, 2U);
    // Without a port, or with DR, the service's port.
    EXPECT_EQ(parse({"-a", "-t", "[2001:db8::1]:80", "-r", "2001:db8::10", "-m"}).dest,
              (DestKey{rip6, 80}));
    EXPECT_EQ(parse({"-a", "-t", "[2001:db8::1]:80", "-r", "[2001:db8::10]:8080", "-g"}).dest,
              (DestKey{rip6, 80}));
    // FULLNAT 6->4: the real server is IPv4, the service IPv6.
    Command mixed = parse({"-a", "-t", "[2001:db8::1]:80", "-r", "10.0.0.5:8080", "-b"});
    EXPECT_TRUE(mixed.service->address.is_ipv6());
    EXPECT_EQ(mixed.dest, (DestKey{Address::ipv4(10, 0, 0, 5), 8080}));
    EXPECT_EQ(mixed.forward, ForwardMethod::FullNat);
    EXPECT_EQ(parse({"-e", "-t", "[2001:db8::1]:80", "-r", "10.0.0.5", "-b"}).dest,
              (DestKey{Address::ipv4(10, 0, 0, 5), 80}));
    EXPECT_EQ(parse({"-d", "-t", "[2001:db8::1]:80", "-r", "10.0.0.5:8080"}).dest,
              (DestKey{Address::ipv4(10, 0, 0, 5), 8080}));
    // Local addresses of both families.
    EXPECT_EQ(parse({"-P", "-t", "[2001:db8::1]:80", "-z", "10.0.9.1"}).laddr,
              Address::ipv4(10, 0, 9, 1));
    EXPECT_EQ(parse({"-Q", "-t", "[2001:db8::1]:80", "-z", "2001:db8::100"}).laddr,
              parse_address("2001:db8::100"));
}

// --- destination options ---------------------------------------------------

TEST(Options, FullNatOnDestinationCommands) {
    Command command = parse({"-a", "-t", "10.0.0.1:80", "-b", "-r", "10.0.1.1:8080"});
    EXPECT_EQ(command.forward, ForwardMethod::FullNat);
    EXPECT_EQ(command.dest->port, 8080);
    EXPECT_EQ(parse({"-e", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-b"}).forward,
              ForwardMethod::FullNat);
}

TEST(Options, FullNatLongSpellingOnDestinationCommands) {
    EXPECT_EQ(parse({"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "--fullnat"}).forward,
              ForwardMethod::FullNat);
}

TEST(Options, DirectRoutingAndTunnelUseTheServicePort) {
    EXPECT_EQ(parse({"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1:8080"}).dest->port, 80);
    EXPECT_EQ(parse({"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1:8080", "-g"}).dest->port, 80);
    EXPECT_EQ(parse({"-e", "-t", "10.0.0.1:80", "-i", "-r", "10.0.1.1:8080"}).dest->port, 80);
}

TEST(Options, NatKeepsTheGivenPort) {
    EXPECT_EQ(parse({"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1:8080", "-m"}).dest->port, 8080);
    EXPECT_EQ(parse({"-e", "-t", "10.0.0.1:80", "-r", "10.0.1.1:8080", "-b"}).dest->port, 8080);
}

TEST(Options, DeleteServerKeepsTheGivenPortLikeIpvsadm) {
    EXPECT_EQ(parse({"-d", "-t", "10.0.0.1:80", "-r", "10.0.1.1:8080"}).dest->port, 8080);
    EXPECT_EQ(parse({"-d", "-t", "10.0.0.1:80", "-r", "10.0.1.1"}).dest->port, 80);
}

TEST(Options, DestinationDefaults) {
    Command command = parse({"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1"});
    EXPECT_EQ(command.forward, ForwardMethod::DirectRoute);
    EXPECT_EQ(command.weight, 1U);
    EXPECT_EQ(command.u_threshold, 0U);
    EXPECT_EQ(command.l_threshold, 0U);
}

TEST(Options, WeightBounds) {
    EXPECT_EQ(parse({"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-w", "0"}).weight, 0U);
    EXPECT_EQ(parse({"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-w", "65535"}).weight, 65535U);
    EXPECT_EQ(parse({"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-x", "4294967295"}).u_threshold,
              4294967295U);
}

// --- connection timeouts, save ----------------------------------------------

TEST(Options, SetTimeouts) {
    Command command = parse({"--set", "30", "0", "60"});
    EXPECT_EQ(command.kind, CommandKind::SetTimeout);
    EXPECT_EQ(command.timeouts, (Timeouts{30, 0, 60}));
    EXPECT_FALSE(command.service.has_value());
}

TEST(Options, SetTimeoutBounds) {
    EXPECT_EQ(parse({"--set", "0", "0", "0"}).timeouts, (Timeouts{0, 0, 0}));
    EXPECT_EQ(parse({"--set", "2678400", "1", "2678400"}).timeouts,
              (Timeouts{2678400, 1, 2678400}));
    // strtol's decimal reading, as ipvsadm.
    EXPECT_EQ(parse({"--set", "0900", "007", "0"}).timeouts, (Timeouts{900, 7, 0}));
}

TEST(Options, SetValuesAreThePositionalArgumentsLikeIpvsadm) {
    // ipvsadm reads the three values wherever they are on the line.
    EXPECT_EQ(parse({"900", "--set", "120", "300"}).timeouts, (Timeouts{900, 120, 300}));
    EXPECT_EQ(parse({"900", "120", "300", "--set"}).timeouts, (Timeouts{900, 120, 300}));
}

class SaveForms : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(SaveForms, Save) {
    Command command = parse(GetParam());
    EXPECT_EQ(command.kind, CommandKind::Save);
    EXPECT_FALSE(command.service.has_value());
    EXPECT_FALSE(command.json);
}

INSTANTIATE_TEST_SUITE_P(
    CombinedAndSeparate, SaveForms,
    ::testing::Values(std::vector<std::string>{"-S"}, std::vector<std::string>{"--save"},
                      std::vector<std::string>{"-S", "-n"}, std::vector<std::string>{"-Sn"},
                      std::vector<std::string>{"-nS"}, std::vector<std::string>{"-n", "--save"},
                      std::vector<std::string>{"--save", "--numeric"}));

TEST(Options, Restore) {
    EXPECT_EQ(parse({"-R"}).kind, CommandKind::Restore);
    EXPECT_EQ(parse({"--restore"}).kind, CommandKind::Restore);
}

TEST(Options, SaveNumeric) {
    EXPECT_TRUE(parse({"-Sn"}).numeric);
    EXPECT_FALSE(parse({"-S"}).numeric);
}

class TimeoutListForms : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(TimeoutListForms, ListTimeouts) {
    Command command = parse(GetParam());
    EXPECT_EQ(command.kind, CommandKind::List);
    EXPECT_TRUE(command.list_timeouts);
    EXPECT_FALSE(command.service.has_value());
}

INSTANTIATE_TEST_SUITE_P(Spellings, TimeoutListForms,
                         ::testing::Values(std::vector<std::string>{"-L", "--timeout"},
                                           std::vector<std::string>{"-l", "--timeout"},
                                           std::vector<std::string>{"--list", "--timeout"},
                                           std::vector<std::string>{"--timeout", "-L"},
                                           std::vector<std::string>{"-Ln", "--timeout"},
                                           std::vector<std::string>{"-L", "--timeout", "--exact",
                                                                    "--nosort"}));

TEST(Options, ListTimeoutsJson) {
    Command command = parse({"-L", "--timeout", "--json"});
    EXPECT_TRUE(command.list_timeouts);
    EXPECT_TRUE(command.json);
    EXPECT_FALSE(parse({"-L"}).list_timeouts);
    EXPECT_FALSE(parse({"-L", "--json"}).list_timeouts);
}

TEST(Options, TunnelTypeIpipIsTheDefaultTunnel) {
    // -S prints "--tun-type ipip" for tunnel destinations, as ipvsadm 1.31.
    Command command = parse(
        {"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1:80", "-i", "-w", "1", "--tun-type", "ipip"});
    EXPECT_EQ(command.kind, CommandKind::AddDest);
    EXPECT_EQ(command.forward, ForwardMethod::Tunnel);
    EXPECT_EQ(command.weight, 1U);
    EXPECT_EQ(
        parse({"-e", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "--tun-type=ipip", "--ipip"}).forward,
        ForwardMethod::Tunnel);
}

// --- connections and drop counters: -L -c, -L --drops ----------------------

class ConnListForms : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(ConnListForms, ListConnections) {
    Command command = parse(GetParam());
    EXPECT_EQ(command.kind, CommandKind::List);
    EXPECT_TRUE(command.list_conns);
    EXPECT_FALSE(command.list_drops);
    EXPECT_FALSE(command.list_timeouts);
    EXPECT_FALSE(command.service.has_value());
}

INSTANTIATE_TEST_SUITE_P(Spellings, ConnListForms,
                         ::testing::Values(std::vector<std::string>{"-Lnc"},
                                           std::vector<std::string>{"-Lc"},
                                           std::vector<std::string>{"-lnc"},
                                           std::vector<std::string>{"-cLn"},
                                           std::vector<std::string>{"-L", "-c", "-n"},
                                           std::vector<std::string>{"-l", "-c", "-n"},
                                           std::vector<std::string>{"--list", "--connection"},
                                           std::vector<std::string>{"-c", "--list", "--numeric"},
                                           // Accepted and ignored, as by ipvsadm.
                                           std::vector<std::string>{"-Lnc", "--stats", "--rate",
                                                                    "--exact", "--nosort"}));

TEST(Options, ListConnectionsOfOneService) {
    // ipvsadm refuses -t/-u with -c; fnatadm lists that service's connections.
    Command command = parse({"-Lnc", "-t", "192.168.0.240:80"});
    EXPECT_TRUE(command.list_conns);
    EXPECT_EQ(command.service, tcp(192, 168, 0, 240, 80));
    Command udp = parse({"-L", "-c", "-u", "10.0.0.1:53", "--json"});
    ASSERT_TRUE(udp.service.has_value());
    EXPECT_EQ(udp.service->protocol, IPPROTO_UDP);
    EXPECT_TRUE(udp.json);
    EXPECT_FALSE(parse({"-Ln"}).list_conns);
}

TEST(Options, ListDrops) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-L", "--drops"}, {"-Ln", "--drops"}, {"--drops", "-l"}, {"--list", "--drops"}}) {
        Command command = parse(args);
        EXPECT_EQ(command.kind, CommandKind::List);
        EXPECT_TRUE(command.list_drops);
        EXPECT_FALSE(command.list_conns);
    }
    EXPECT_TRUE(parse({"-L", "--drops", "--json"}).json);
    EXPECT_FALSE(parse({"-L"}).list_drops);
}

TEST(Options, AddLocalAddress) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-P", "-t", "192.168.0.240:80", "-z", "10.0.9.1"},
             {"-z", "10.0.9.1", "-P", "-t", "192.168.0.240:80"},
             {"--add-laddr", "--tcp-service", "192.168.0.240:80", "--laddr", "10.0.9.1"},
             {"--add-laddr", "--tcp-service=192.168.0.240:80", "--laddr=10.0.9.1"},
             {"-P", "-t192.168.0.240:80", "-z10.0.9.1"}}) {
        Command command = parse(args);
        EXPECT_EQ(command.kind, CommandKind::AddLaddr);
        EXPECT_EQ(command.service, tcp(192, 168, 0, 240, 80));
        EXPECT_EQ(command.laddr, Address::ipv4(10, 0, 9, 1));
    }
}

TEST(Options, DeleteLocalAddress) {
    Command command = parse({"-Q", "-u", "192.168.0.240:53", "-z", "10.0.9.2"});
    EXPECT_EQ(command.kind, CommandKind::DeleteLaddr);
    EXPECT_EQ(command.service,
              (ServiceKey{IPPROTO_UDP, Address::ipv4(192, 168, 0, 240), std::uint16_t{53}}));
    EXPECT_EQ(command.laddr, Address::ipv4(10, 0, 9, 2));
    EXPECT_EQ(parse({"--del-laddr", "-t", "10.0.0.1:80", "--laddr", "10.0.9.2"}).kind,
              CommandKind::DeleteLaddr);
    // A persistent service on every port has port 0.
    EXPECT_EQ(parse({"-Q", "-t", "10.0.0.1", "-z", "10.0.9.2"}).service, tcp(10, 0, 0, 1, 0));
}

TEST(Options, LocalAddressIpv6) {
    const Address lip = parse_endpoint("2001:db8::9").address;
    EXPECT_EQ(parse({"-P", "-t", "[2001:db8::1]:80", "-z", "2001:db8::9"}).laddr, lip);
    EXPECT_EQ(parse({"-P", "-t", "[2001:db8::1]:80", "-z", "[2001:db8::9]"}).laddr, lip);
}

// --- connection sync daemons ------------------------------------------------

TEST(Options, StartDaemonWithTheInterfaceOnly) {
    Command command = parse({"--start-daemon", "master", "--mcast-interface", "eth0"});
    EXPECT_EQ(command.kind, CommandKind::StartDaemon);
    // Nothing else is set: the module applies its defaults.
    EXPECT_EQ(command.daemon, (DaemonSpec{FNAT_SYNC_STATE_MASTER, "eth0"}));
    EXPECT_FALSE(command.sync_key_file.has_value());
}

TEST(Options, StartDaemonWithEveryOption) {
    Command command =
        parse({"--mcast-ttl", "2", "--start-daemon", "backup", "--syncid", "7", "--sync-maxlen",
               "1400", "--mcast-group", "239.1.2.3", "--mcast-port", "8900",
               "--mcast-interface=bond0.100", "--sync-key", "/etc/fnat/sync.key"});
    EXPECT_EQ(command.kind, CommandKind::StartDaemon);
    EXPECT_EQ(command.daemon, (DaemonSpec{FNAT_SYNC_STATE_BACKUP, "bond0.100", 7, 1400,
                                          Address::ipv4(239, 1, 2, 3), 8900, 2, std::nullopt}));
    // The key file is named here, read by load_sync_key() (sync_key_test.cpp).
    EXPECT_EQ(command.sync_key_file, "/etc/fnat/sync.key");
}

TEST(Options, SyncOptionBounds) {
    auto daemon = [](const std::vector<std::string>& extra) {
        return parse(started(extra)).daemon;
    };
    EXPECT_EQ(daemon({"--syncid", "0"}).sync_id, 0);
    EXPECT_EQ(daemon({"--syncid", "255"}).sync_id, 255);
    EXPECT_EQ(daemon({"--sync-maxlen", "256"}).sync_maxlen, FNAT_SYNC_MAXLEN_MIN);
    EXPECT_EQ(daemon({"--sync-maxlen", "65507"}).sync_maxlen, FNAT_SYNC_MAXLEN_MAX);
    EXPECT_EQ(daemon({"--mcast-port", "1"}).mcast_port, 1);
    EXPECT_EQ(daemon({"--mcast-port", "65535"}).mcast_port, 65535);
    EXPECT_EQ(daemon({"--mcast-ttl", "1"}).mcast_ttl, 1);
    EXPECT_EQ(daemon({"--mcast-ttl", "255"}).mcast_ttl, 255);
    EXPECT_EQ(daemon({"--mcast-group", "224.0.0.0"}).mcast_group, Address::ipv4(224, 0, 0, 0));
    EXPECT_EQ(daemon({"--mcast-group", "239.255.255.255"}).mcast_group,
              Address::ipv4(239, 255, 255, 255));
    EXPECT_EQ(
        parse({"--start-daemon", "master", "--mcast-interface", "enp0s31f6.4094"}).daemon.mcast_ifn,
        "enp0s31f6.4094");
}

TEST(Options, StopDaemon) {
    Command command = parse({"--stop-daemon", "backup"});
    EXPECT_EQ(command.kind, CommandKind::StopDaemon);
    EXPECT_EQ(command.daemon, (DaemonSpec{FNAT_SYNC_STATE_BACKUP}));
    EXPECT_EQ(parse({"--stop-daemon=master"}).daemon, (DaemonSpec{FNAT_SYNC_STATE_MASTER}));
}

TEST(Options, StopDaemonAcceptsAndIgnoresSyncidLikeIpvsadm) {
    Command command = parse({"--stop-daemon", "master", "--syncid", "3"});
    EXPECT_EQ(command.kind, CommandKind::StopDaemon);
    EXPECT_EQ(command.daemon, (DaemonSpec{FNAT_SYNC_STATE_MASTER}));
    // Still checked, as -s on -D is.
    EXPECT_EQ(error_of({"--stop-daemon", "master", "--syncid", "300"}),
              "illegal syncid specified (--syncid '300': must be an integer 0..255)");
}

class DaemonListForms : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(DaemonListForms, ListDaemons) {
    Command command = parse(GetParam());
    EXPECT_EQ(command.kind, CommandKind::List);
    EXPECT_TRUE(command.list_daemons);
    EXPECT_FALSE(command.list_conns);
    EXPECT_FALSE(command.list_drops);
    EXPECT_FALSE(command.list_timeouts);
    EXPECT_FALSE(command.json);
}

INSTANTIATE_TEST_SUITE_P(Spellings, DaemonListForms,
                         ::testing::Values(std::vector<std::string>{"-L", "--daemon"},
                                           std::vector<std::string>{"-l", "--daemon"},
                                           std::vector<std::string>{"--list", "--daemon"},
                                           std::vector<std::string>{"--daemon", "-L"},
                                           std::vector<std::string>{"-Ln", "--daemon"},
                                           // ipvsadm takes them with --daemon and ignores them.
                                           std::vector<std::string>{"-L", "--daemon", "--exact"},
                                           std::vector<std::string>{"-L", "--daemon", "--nosort"}));

TEST(Options, ListDaemonsJson) {
    Command command = parse({"-L", "--daemon", "--json"});
    EXPECT_TRUE(command.list_daemons);
    EXPECT_TRUE(command.json);
    EXPECT_FALSE(parse({"-L"}).list_daemons);
}

TEST(Options, GetLocalAddresses) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-G"}, {"--get-laddr"}, {"-G", "-n"}, {"-Gn"}, {"-nG"}}) {
        Command command = parse(args);
        EXPECT_EQ(command.kind, CommandKind::ListLaddr);
        EXPECT_FALSE(command.service.has_value());
        EXPECT_FALSE(command.json);
    }
    Command one = parse({"-G", "-t", "192.168.0.240:80", "--json"});
    EXPECT_EQ(one.kind, CommandKind::ListLaddr);
    EXPECT_EQ(one.service, tcp(192, 168, 0, 240, 80));
    EXPECT_TRUE(one.json);
}

// --- rejections -------------------------------------------------------------

struct Rejection {
    std::vector<std::string> args;
    std::string message;
};

void PrintTo(const Rejection& rejection, std::ostream* out) {
    for (const auto& arg : rejection.args)
        *out << arg << ' ';
}

class Rejections : public ::testing::TestWithParam<Rejection> {};

TEST_P(Rejections, ExactMessage) {
    EXPECT_EQ(error_of(GetParam().args), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    LocalAddressRejections, Rejections,
    ::testing::Values(
        Rejection{{"-P", "-z", "10.0.9.1"},
                  "You need to supply the 'service-address' option for the 'add-laddr' command"},
        Rejection{{"-P", "-t", "10.0.0.1:80"},
                  "You need to supply the 'local-address' option for the 'add-laddr' command"},
        Rejection{{"-Q", "-t", "10.0.0.1:80"},
                  "You need to supply the 'local-address' option for the 'del-laddr' command"},
        Rejection{{"-Q", "-z", "10.0.9.1"},
                  "You need to supply the 'service-address' option for the 'del-laddr' command"},
        Rejection{{"-P", "-t", "10.0.0.1:80", "-z"}, "-z (--laddr) requires an argument"},
        Rejection{{"-P", "-t", "10.0.0.1:80", "-z", "10.0.9.1:80"},
                  "illegal local address specified (-z '10.0.9.1:80': a local address has no "
                  "port)"},
        Rejection{{"-P", "-t", "10.0.0.1:80", "-z", "10.0.9"},
                  "illegal local address specified (-z '10.0.9': an IPv4 address has exactly "
                  "four octets)"},
        Rejection{{"-P", "-t", "10.0.0.1:80", "-z", "lip.example"},
                  "illegal local address specified (-z 'lip.example': host names are not "
                  "supported, use a numeric IP address)"},
        Rejection{{"-P", "-t", "10.0.0.1:80", "-z", "10.0.9.1", "-z", "10.0.9.2"},
                  "multiple 'local-address' options specified"},
        Rejection{{"-P", "-Q", "-t", "10.0.0.1:80", "-z", "10.0.9.1"},
                  "multiple commands specified"},
        Rejection{{"-P", "-G", "-t", "10.0.0.1:80", "-z", "10.0.9.1"},
                  "multiple commands specified"},
        Rejection{{"-P", "-t", "10.0.0.1:80", "-z", "10.0.9.1", "-n"},
                  "Illegal 'numeric' option with the 'add-laddr' command"},
        Rejection{{"-P", "-t", "10.0.0.1:80", "-z", "10.0.9.1", "-r", "10.0.1.1"},
                  "Illegal 'real-server' option with the 'add-laddr' command"},
        Rejection{{"-Q", "-t", "10.0.0.1:80", "-z", "10.0.9.1", "--json"},
                  "Illegal 'json' option with the 'del-laddr' command"},
        // -z belongs to -P and -Q only.
        Rejection{{"-A", "-t", "10.0.0.1:80", "-z", "10.0.9.1"},
                  "Illegal 'local-address' option with the 'add-service' command"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-b", "-z", "10.0.9.1"},
                  "Illegal 'local-address' option with the 'add-server' command"},
        Rejection{{"-L", "-z", "10.0.9.1"},
                  "Illegal 'local-address' option with the 'list' command"},
        Rejection{{"-G", "-z", "10.0.9.1"},
                  "Illegal 'local-address' option with the 'get-laddr' command"},
        Rejection{{"-S", "-z", "10.0.9.1"},
                  "Illegal 'local-address' option with the 'save' command"},
        // -j belongs to -A and -E only.
        Rejection{{"-A", "-t", "10.0.0.1:80", "-j", "on"},
                  "illegal synproxy parameter specified (-j 'on': must be enable or disable)"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-m", "-j"},
                  "Illegal 'synproxy' option with the 'add-server' command"},
        Rejection{{"-L", "-j"}, "Illegal 'synproxy' option with the 'list' command"},
        Rejection{{"-D", "-t", "10.0.0.1:80", "-j"},
                  "Illegal 'synproxy' option with the 'delete-service' command"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-j", "-j"}, "multiple 'synproxy' options specified"},
        Rejection{{"-E", "-t", "10.0.0.1:80", "-j", "--synproxy=disable"},
                  "multiple 'synproxy' options specified"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "--synproxy=ENABLE"},
                  "illegal synproxy parameter specified (-j 'ENABLE': must be enable or disable)"},
        Rejection{{"-e", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-m", "--synproxy"},
                  "Illegal 'synproxy' option with the 'edit-server' command"},
        Rejection{{"-S", "-j"}, "Illegal 'synproxy' option with the 'save' command"},
        Rejection{{"-Z", "-t", "10.0.0.1:80", "-j"},
                  "Illegal 'synproxy' option with the 'zero' command"},
        Rejection{{"-P", "-t", "10.0.0.1:80", "-z", "10.0.9.1", "-j"},
                  "Illegal 'synproxy' option with the 'add-laddr' command"},
        Rejection{{"--start-daemon", "master", "--mcast-interface", "eth0", "-j"},
                  "Illegal 'synproxy' option with the 'start-daemon' command"},
        Rejection{{"-z", "10.0.9.1"}, "no command specified (see fnatadm -h)"},
        // -G takes -t/-u, -n and --json only.
        Rejection{{"-G", "-c"}, "Illegal 'connection' option with the 'get-laddr' command"},
        Rejection{{"-G", "--stats"}, "Illegal 'stats' option with the 'get-laddr' command"},
        Rejection{{"-G", "--nosort"}, "Illegal 'sort' option with the 'get-laddr' command"},
        Rejection{{"-G", "-t", "10.0.0.1:80", "-s", "rr"},
                  "Illegal 'scheduler' option with the 'get-laddr' command"}));

INSTANTIATE_TEST_SUITE_P(
    IllegalOptions, Rejections,
    ::testing::Values(
        Rejection{{"-A", "-t", "10.0.0.1:80", "-w", "2"},
                  "Illegal 'weight' option with the 'add-service' command"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-r", "10.0.1.1"},
                  "Illegal 'real-server' option with the 'add-service' command"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-n"},
                  "Illegal 'numeric' option with the 'add-service' command"},
        Rejection{{"-E", "-t", "10.0.0.1:80", "-m"},
                  "Illegal 'forwarding-method' option with the 'edit-service' command"},
        Rejection{{"-D", "-t", "10.0.0.1:80", "-p"},
                  "Illegal 'persistent' option with the 'delete-service' command"},
        Rejection{{"-C", "-t", "10.0.0.1:80"},
                  "Illegal 'service-address' option with the 'flush' command"},
        Rejection{{"-L", "-s", "rr"}, "Illegal 'scheduler' option with the 'list' command"},
        Rejection{{"-L", "-r", "10.0.1.1"}, "Illegal 'real-server' option with the 'list' command"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-s", "rr"},
                  "Illegal 'scheduler' option with the 'add-server' command"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "--json"},
                  "Illegal 'json' option with the 'add-server' command"},
        Rejection{{"-e", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-M", "24"},
                  "Illegal 'netmask' option with the 'edit-server' command"},
        Rejection{{"-d", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-w", "2"},
                  "Illegal 'weight' option with the 'delete-server' command"},
        Rejection{{"-d", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-m"},
                  "Illegal 'forwarding-method' option with the 'delete-server' command"},
        Rejection{{"-L", "-b"}, "Illegal 'forwarding-method' option with the 'list' command"}));

INSTANTIATE_TEST_SUITE_P(
    MissingOptions, Rejections,
    ::testing::Values(
        Rejection{{"-A", "-s", "rr"},
                  "You need to supply the 'service-address' option for the 'add-service' command"},
        Rejection{{"-D"},
                  "You need to supply the 'service-address' option for the 'delete-service' "
                  "command"},
        Rejection{{"-a", "-t", "10.0.0.1:80"},
                  "You need to supply the 'real-server' option for the 'add-server' command"},
        Rejection{{"-d", "-r", "10.0.1.1"},
                  "You need to supply the 'service-address' option for the 'delete-server' "
                  "command"},
        Rejection{{"-A", "-t"}, "-t (--tcp-service) requires an argument"},
        Rejection{{"-A", "-u"}, "-u (--udp-service) requires an argument"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-s"}, "-s (--scheduler) requires an argument"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-p", "-M"}, "-M (--netmask) requires an argument"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "-m"},
                  "-r (--real-server) requires an argument"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-w"},
                  "-w (--weight) requires an argument"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-x"},
                  "-x (--u-threshold) requires an argument"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-y"},
                  "-y (--l-threshold) requires an argument"}));

INSTANTIATE_TEST_SUITE_P(
    CommandAndRepetition, Rejections,
    ::testing::Values(Rejection{{"-A", "-t", "10.0.0.1:80", "-L"}, "multiple commands specified"},
                      Rejection{{"-A", "-A", "-t", "10.0.0.1:80"}, "multiple commands specified"},
                      Rejection{{"-Ln", "-C"}, "multiple commands specified"},
                      Rejection{{"-t", "10.0.0.1:80"}, "no command specified (see fnatadm -h)"},
                      Rejection{{"-n"}, "no command specified (see fnatadm -h)"},
                      Rejection{{"-A", "-t", "10.0.0.1:80", "-u", "10.0.0.1:80"},
                                "multiple 'service-address' options specified"},
                      Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-g", "-m"},
                                "multiple 'forwarding-method' options specified"},
                      Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-w", "1", "-w", "2"},
                                "multiple 'weight' options specified"},
                      Rejection{{"-L", "-n", "-n"}, "multiple 'numeric' options specified"},
                      Rejection{{"-L", "--sort", "--nosort"},
                                "multiple 'sort' options specified"}));

INSTANTIATE_TEST_SUITE_P(
    BadValues, Rejections,
    ::testing::Values(
        Rejection{{"-A", "-t", "300.1.1.1:80"},
                  "illegal virtual server address[:port] specified (-t '300.1.1.1:80': octet 300 "
                  "is out of range 0..255)"},
        Rejection{{"-A", "-u", "10.0.0.1:65536"},
                  "illegal virtual server address[:port] specified (-u '10.0.0.1:65536': port "
                  "65536 is out of range 0..65535)"},
        Rejection{{"-A", "-t", "lb.example.com:80"},
                  "illegal virtual server address[:port] specified (-t 'lb.example.com:80': host "
                  "names are not supported, use a numeric IP address)"},
        Rejection{{"-A", "-t", "10.0.0.1:http"},
                  "illegal virtual server address[:port] specified (-t '10.0.0.1:http': service "
                  "names are not supported, use a numeric port)"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "web1:80"},
                  "illegal real server address[:port] specified (-r 'web1:80': host names are "
                  "not supported, use a numeric IP address)"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-w", "70000"},
                  "illegal weight specified (-w '70000': must be an integer 0..65535)"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-w", "abc"},
                  "illegal weight specified (-w 'abc': must be an integer 0..65535)"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-w", "-1"},
                  "illegal weight specified (-w '-1': must be an integer 0..65535)"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-x", "4294967296"},
                  "illegal u_threshold specified (-x '4294967296': must be an integer "
                  "0..4294967295)"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-y", "1e3"},
                  "illegal l_threshold specified (-y '1e3': must be an integer 0..4294967295)"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-p", "0"},
                  "illegal timeout for persistent service specified (-p '0': must be an integer "
                  "1..2678400)"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-p", "2678401"},
                  "illegal timeout for persistent service specified (-p '2678401': must be an "
                  "integer 1..2678400)"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-p", "-M", "255.0.255.0"},
                  "illegal persistent netmask specified (-M '255.0.255.0': netmask 255.0.255.0 "
                  "is not contiguous)"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-p", "-M", "33"},
                  "illegal persistent netmask specified (-M '33': prefix length 33 is out of "
                  "range 0..32)"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-s", "averyveryverylongname"},
                  "illegal scheduler name specified (-s 'averyveryverylongname': at most 15 "
                  "characters)"},
        Rejection{{"-A", "-t", "10.0.0.1", "-s", "rr"},
                  "Zero port specified for non-persistent service"},
        Rejection{{"-E", "-t", "10.0.0.1:0"}, "Zero port specified for non-persistent service"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-b", "extra"},
                  "unexpected argument 'extra'"}));

INSTANTIATE_TEST_SUITE_P(
    SetTimeout, Rejections,
    ::testing::Values(
        Rejection{{"--set"}, "--set option requires 3 timeout values"},
        Rejection{{"--set", "30"}, "--set option requires 3 timeout values"},
        Rejection{{"--set", "30", "5"}, "--set option requires 3 timeout values"},
        Rejection{{"--set", "30", "5", "-n"}, "--set option requires 3 timeout values"},
        Rejection{{"--set", "30", "5", "60", "90"}, "unexpected argument '90'"},
        Rejection{{"--set", "-1", "5", "60"},
                  "illegal tcp timeout specified (--set '-1': must be an integer 0..2678400)"},
        Rejection{{"--set", "30", "-5", "60"},
                  "illegal tcpfin timeout specified (--set '-5': must be an integer 0..2678400)"},
        Rejection{{"--set", "30", "5", "2678401"},
                  "illegal udp timeout specified (--set '2678401': must be an integer "
                  "0..2678400)"},
        Rejection{{"--set", "99999999999", "5", "60"},
                  "illegal tcp timeout specified (--set '99999999999': must be an integer "
                  "0..2678400)"},
        Rejection{{"--set", "30", "abc", "60"},
                  "illegal tcpfin timeout specified (--set 'abc': must be an integer 0..2678400)"},
        Rejection{{"--set", "1e3", "5", "60"},
                  "illegal tcp timeout specified (--set '1e3': must be an integer 0..2678400)"},
        Rejection{{"--set", "+30", "5", "60"},
                  "illegal tcp timeout specified (--set '+30': must be an integer 0..2678400)"},
        Rejection{{"--set", "30", "", "60"},
                  "illegal tcpfin timeout specified (--set '': must be an integer 0..2678400)"},
        Rejection{{"--set", "30", "5", "60", "-n"},
                  "Illegal 'numeric' option with the 'set' command"},
        Rejection{{"--set", "30", "5", "60", "-t", "10.0.0.1:80"},
                  "Illegal 'service-address' option with the 'set' command"},
        Rejection{{"--set", "30", "5", "60", "--json"},
                  "Illegal 'json' option with the 'set' command"},
        Rejection{{"--set", "30", "5", "60", "--timeout"},
                  "Illegal 'timeout' option with the 'set' command"},
        Rejection{{"--set", "30", "-q", "60"}, "unknown option '-q' (see fnatadm -h)"},
        Rejection{{"--set", "30", "5", "60", "--set", "1", "2", "3"},
                  "multiple commands specified"},
        Rejection{{"-L", "--set", "30", "5", "60"}, "multiple commands specified"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "30"}, "unexpected argument '30'"}));

INSTANTIATE_TEST_SUITE_P(
    ListTimeout, Rejections,
    ::testing::Values(
        Rejection{{"--timeout"}, "no command specified (see fnatadm -h)"},
        Rejection{{"-n", "--timeout"}, "no command specified (see fnatadm -h)"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "--timeout"},
                  "Illegal 'timeout' option with the 'add-service' command"},
        Rejection{{"-C", "--timeout"}, "Illegal 'timeout' option with the 'flush' command"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "--timeout"},
                  "Illegal 'timeout' option with the 'add-server' command"},
        Rejection{{"-S", "--timeout"}, "Illegal 'timeout' option with the 'save' command"},
        Rejection{{"-L", "--timeout", "-t", "10.0.0.1:80"},
                  "The option 'timeout' conflicts with the 'service-address' option in the "
                  "'list' command"},
        Rejection{{"-Lnt", "10.0.0.1:80", "--timeout"},
                  "The option 'timeout' conflicts with the 'service-address' option in the "
                  "'list' command"},
        Rejection{{"-L", "--timeout", "--timeout"}, "multiple 'timeout' options specified"},
        Rejection{{"-L", "--timeout", "-s", "rr"},
                  "Illegal 'scheduler' option with the 'list' command"}));

INSTANTIATE_TEST_SUITE_P(
    Counters, Rejections,
    ::testing::Values(
        Rejection{{"-L", "--timeout", "--stats"}, "options conflicts in the list command"},
        Rejection{{"-L", "--rate", "--timeout"}, "options conflicts in the list command"},
        Rejection{{"-L", "--stats", "--stats"}, "multiple 'stats' options specified"},
        Rejection{{"-L", "--rate", "--rate"}, "multiple 'rate' options specified"},
        Rejection{{"--stats"}, "no command specified (see fnatadm -h)"},
        Rejection{{"-S", "--stats"}, "Illegal 'stats' option with the 'save' command"},
        Rejection{{"-S", "--rate"}, "Illegal 'rate' option with the 'save' command"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "--stats"},
                  "Illegal 'stats' option with the 'add-service' command"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "--rate"},
                  "Illegal 'rate' option with the 'add-server' command"},
        Rejection{{"-Z", "-L"}, "multiple commands specified"},
        Rejection{{"-Z", "-C"}, "multiple commands specified"},
        Rejection{{"-Z", "-Z"}, "multiple commands specified"},
        Rejection{{"-Z", "-s", "rr"}, "Illegal 'scheduler' option with the 'zero' command"},
        Rejection{{"-Z", "-n"}, "Illegal 'numeric' option with the 'zero' command"},
        Rejection{{"-Z", "-t", "10.0.0.1:80", "-r", "10.0.1.1"},
                  "Illegal 'real-server' option with the 'zero' command"},
        Rejection{{"-Z", "-t", "10.0.0.1:80", "-p"},
                  "Illegal 'persistent' option with the 'zero' command"},
        Rejection{{"-Z", "--stats"}, "Illegal 'stats' option with the 'zero' command"},
        Rejection{{"-Z", "--exact"}, "Illegal 'exact' option with the 'zero' command"},
        Rejection{{"-Z", "--json"}, "Illegal 'json' option with the 'zero' command"},
        Rejection{{"-Z", "--timeout"}, "Illegal 'timeout' option with the 'zero' command"},
        Rejection{{"-Z", "-t", "10.0.0.1:80", "-u", "10.0.0.1:53"},
                  "multiple 'service-address' options specified"},
        Rejection{{"-Z", "-t"}, "-t (--tcp-service) requires an argument"},
        Rejection{{"-Z", "-t", "example.com:80"},
                  "illegal virtual server address[:port] specified (-t 'example.com:80': host "
                  "names are not supported, use a numeric IP address)"},
        Rejection{{"-Z", "extra"}, "unexpected argument 'extra'"}));

INSTANTIATE_TEST_SUITE_P(
    ConnectionsAndDrops, Rejections,
    ::testing::Values(
        // -c belongs to -L, as in ipvsadm.
        Rejection{{"-c"}, "no command specified (see fnatadm -h)"},
        Rejection{{"-nc"}, "no command specified (see fnatadm -h)"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-c"},
                  "Illegal 'connection' option with the 'add-service' command"},
        Rejection{{"-S", "-c"}, "Illegal 'connection' option with the 'save' command"},
        Rejection{{"-Z", "-c"}, "Illegal 'connection' option with the 'zero' command"},
        Rejection{{"-C", "-c"}, "Illegal 'connection' option with the 'flush' command"},
        Rejection{{"-R", "-c"}, "Illegal 'connection' option with the 'restore' command"},
        Rejection{{"-Lnc", "-c"}, "multiple 'connection' options specified"},
        Rejection{{"-Lnc", "--timeout"},
                  "The option 'timeout' conflicts with the 'connection' option in the 'list' "
                  "command"},
        Rejection{{"-Lc", "-s", "rr"}, "Illegal 'scheduler' option with the 'list' command"},
        Rejection{{"--drops"}, "no command specified (see fnatadm -h)"},
        Rejection{{"-S", "--drops"}, "Illegal 'drops' option with the 'save' command"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "--drops"},
                  "Illegal 'drops' option with the 'add-service' command"},
        Rejection{{"-L", "--drops", "--drops"}, "multiple 'drops' options specified"},
        Rejection{{"-L", "--drops", "-t", "10.0.0.1:80"},
                  "The option 'drops' conflicts with the 'service-address' option in the 'list' "
                  "command"},
        Rejection{{"-L", "--drops", "--timeout"},
                  "The option 'drops' conflicts with the 'timeout' option in the 'list' command"},
        Rejection{{"-Lc", "--drops"},
                  "The option 'drops' conflicts with the 'connection' option in the 'list' "
                  "command"},
        Rejection{{"-L", "--drops", "--stats"},
                  "The option 'drops' conflicts with the 'stats' option in the 'list' command"},
        Rejection{{"-L", "--drops", "--rate"},
                  "The option 'drops' conflicts with the 'rate' option in the 'list' command"},
        Rejection{{"-L", "--drops", "--exact"},
                  "The option 'drops' conflicts with the 'exact' option in the 'list' command"},
        Rejection{{"-L", "--drops", "--nosort"},
                  "The option 'drops' conflicts with the 'sort' option in the 'list' command"}));

INSTANTIATE_TEST_SUITE_P(
    Save, Rejections,
    ::testing::Values(
        Rejection{{"-S", "-L"}, "multiple commands specified"},
        Rejection{{"-S", "-C"}, "multiple commands specified"},
        Rejection{{"-S", "-A", "-t", "10.0.0.1:80"}, "multiple commands specified"},
        Rejection{{"-S", "--set", "1", "2", "3"}, "multiple commands specified"},
        Rejection{{"-S", "-S"}, "multiple commands specified"},
        Rejection{{"-S", "-R"}, "multiple commands specified"},
        Rejection{{"-S", "-t", "10.0.0.1:80"},
                  "Illegal 'service-address' option with the 'save' command"},
        Rejection{{"-S", "-u", "10.0.0.1:53"},
                  "Illegal 'service-address' option with the 'save' command"},
        Rejection{{"-S", "--json"}, "Illegal 'json' option with the 'save' command"},
        Rejection{{"-S", "--exact"}, "Illegal 'exact' option with the 'save' command"},
        Rejection{{"-S", "--nosort"}, "Illegal 'sort' option with the 'save' command"},
        Rejection{{"-S", "-w", "1"}, "Illegal 'weight' option with the 'save' command"},
        Rejection{{"-S", "-n", "-n"}, "multiple 'numeric' options specified"},
        Rejection{{"-S", "extra"}, "unexpected argument 'extra'"}));

INSTANTIATE_TEST_SUITE_P(
    Restore, Rejections,
    ::testing::Values(
        Rejection{{"-R", "-S"}, "multiple commands specified"},
        Rejection{{"-R", "-R"}, "multiple commands specified"},
        Rejection{{"-R", "-C"}, "multiple commands specified"},
        Rejection{{"--restore", "-n"}, "Illegal 'numeric' option with the 'restore' command"},
        Rejection{{"-R", "-t", "10.0.0.1:80"},
                  "Illegal 'service-address' option with the 'restore' command"},
        Rejection{{"-R", "-s", "rr"}, "Illegal 'scheduler' option with the 'restore' command"},
        Rejection{{"-R", "saved.rules"}, "unexpected argument 'saved.rules'"}));

INSTANTIATE_TEST_SUITE_P(
    TunnelType, Rejections,
    ::testing::Values(
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "--tun-type", "ipip"},
                  "Tunnel options conflict with forward method"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-m", "--tun-type", "ipip"},
                  "Tunnel options conflict with forward method"},
        Rejection{{"-e", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-b", "--tun-type", "ipip"},
                  "Tunnel options conflict with forward method"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "--tun-type", "ipip"},
                  "Illegal 'tun-type' option with the 'add-service' command"},
        Rejection{{"-d", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "--tun-type", "ipip"},
                  "Illegal 'tun-type' option with the 'delete-server' command"},
        Rejection{{"-L", "--tun-type", "ipip"},
                  "Illegal 'tun-type' option with the 'list' command"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-i", "--tun-type", "IPIP"},
                  "illegal tunnel type specified (--tun-type 'IPIP': must be ipip, gue or gre)"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-i", "--tun-type"},
                  "--tun-type requires an argument"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-i", "--tun-type", "ipip",
                   "--tun-type", "ipip"},
                  "multiple 'tun-type' options specified"}));

INSTANTIATE_TEST_SUITE_P(
    SchedFlags, Rejections,
    ::testing::Values(
        Rejection{{"-A", "-t", "10.0.0.1:80", "-b", "sh-port"},
                  "incompatible scheduler flag `sh-port'"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-s", "rr", "-b", "sh-fallback"},
                  "incompatible scheduler flag `sh-fallback'"},
        Rejection{{"-E", "-t", "10.0.0.1:80", "-s", "sh", "--sched-flags", "mh-port"},
                  "incompatible scheduler flag `mh-port'"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-s", "mh", "-b", "mh-port,sh-port"},
                  "incompatible scheduler flag `sh-port'"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-s", "sh", "-b", "sh-port,bogus"},
                  "invalid scheduler flag `bogus'"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-b", "flag-4"}, "invalid scheduler flag `flag-4'"},
        Rejection{{"-E", "-t", "10.0.0.1:80", "-b"}, "-b (--sched-flags) requires an argument"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "--sched-flags"},
                  "-b (--sched-flags) requires an argument"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-b", "flag-1", "--sched-flags", "flag-2"},
                  "multiple 'sched-flags' options specified"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-b", "flag-1", "-b", "flag-2"},
                  "multiple 'sched-flags' options specified"},
        // --fullnat is a forwarding method whatever the command; -b only on
        // -a/-e and the commands that are not -A/-E.
        Rejection{{"-A", "-t", "10.0.0.1:80", "--fullnat"},
                  "Illegal 'forwarding-method' option with the 'add-service' command"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "--sched-flags", "flag-1"},
                  "Illegal 'sched-flags' option with the 'add-server' command"},
        Rejection{{"-e", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-b", "--sched-flags", "flag-1"},
                  "Illegal 'sched-flags' option with the 'edit-server' command"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "--fullnat", "-b"},
                  "multiple 'forwarding-method' options specified"},
        Rejection{{"-L", "--sched-flags", "flag-1"},
                  "Illegal 'sched-flags' option with the 'list' command"},
        Rejection{{"-D", "-t", "10.0.0.1:80", "--sched-flags", "flag-1"},
                  "Illegal 'sched-flags' option with the 'delete-service' command"},
        // As ipvsadm: the flags are read (against wlc) before the option table.
        Rejection{{"-L", "--sched-flags", "sh-port"}, "incompatible scheduler flag `sh-port'"}));

INSTANTIATE_TEST_SUITE_P(
    ThresholdsAndPersistentConn, Rejections,
    ::testing::Values(
        Rejection{{"-L", "--thresholds", "--timeout"}, "options conflicts in the list command"},
        Rejection{{"-L", "--persistent-conn", "--timeout"},
                  "options conflicts in the list command"},
        Rejection{{"-Lc", "--thresholds"}, "options conflicts in the list command"},
        Rejection{{"-L", "--thresholds", "--thresholds"},
                  "multiple 'thresholds' options specified"},
        Rejection{{"-L", "--persistent-conn", "--persistent-conn"},
                  "multiple 'persistent-conn' options specified"},
        Rejection{{"-L", "--drops", "--thresholds"},
                  "The option 'drops' conflicts with the 'thresholds' option in the 'list' "
                  "command"},
        Rejection{{"-L", "--drops", "--persistent-conn"},
                  "The option 'drops' conflicts with the 'persistent-conn' option in the 'list' "
                  "command"},
        Rejection{{"-S", "--thresholds"}, "Illegal 'thresholds' option with the 'save' command"},
        Rejection{{"-G", "--persistent-conn"},
                  "Illegal 'persistent-conn' option with the 'get-laddr' command"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "--thresholds"},
                  "Illegal 'thresholds' option with the 'add-service' command"},
        Rejection{{"--thresholds"}, "no command specified (see fnatadm -h)"}));

INSTANTIATE_TEST_SUITE_P(
    UnknownArguments, Rejections,
    ::testing::Values(Rejection{{"--foo"}, "unknown option '--foo' (see fnatadm -h)"},
                      Rejection{{"-Lq"}, "unknown option '-q' (see fnatadm -h)"},
                      Rejection{{"-L", "foo"}, "unexpected argument 'foo'"},
                      Rejection{{"-A", "-t", "10.0.0.1:80", "rr"}, "unexpected argument 'rr'"}));

INSTANTIATE_TEST_SUITE_P(
    NotSupportedYet, Rejections,
    ::testing::Values(
        Rejection{started({"--mcast-group", "ff02::12"}),
                  "--mcast-group ff02::12: IPv6 groups are not supported yet"},
        Rejection{{"-Lc", "--persistent-conn"},
                  "-c --persistent-conn: there are no persistence engines; -Lnc lists the "
                  "persistence templates (state NONE)"},
        Rejection{{"-A", "-f", "1"},
                  "-f (--fwmark-service): firewall-mark services are not supported yet"},
        Rejection{{"-A", "-f", "1", "-6"},
                  "-f (--fwmark-service): firewall-mark services are not supported yet"},
        Rejection{{"-A", "--sctp-service", "10.0.0.1:80"},
                  "--sctp-service: SCTP services are not supported yet"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-o"},
                  "-o (--ops): one-packet scheduling is not supported yet"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "-p", "--pe", "sip"},
                  "--pe: persistence engines are not supported yet"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-i", "--tun-type", "gue"},
                  "--tun-type gue: only ipip tunnels are supported yet"},
        Rejection{{"-e", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-i", "--tun-type", "gre"},
                  "--tun-type gre: only ipip tunnels are supported yet"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-i", "--tun-type", "ipip",
                   "--tun-port", "6080"},
                  "--tun-port: tunnel options are not supported yet"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-i", "--tun-nocsum"},
                  "--tun-nocsum: tunnel options are not supported yet"}));

INSTANTIATE_TEST_SUITE_P(
    DaemonRejections, Rejections,
    ::testing::Values(
        // --mcast-interface is required (ipvsadm falls back to eth0).
        Rejection{{"--start-daemon", "master"},
                  "You need to supply the 'mcast-interface' option for the 'start-daemon' "
                  "command"},
        Rejection{{"--start-daemon", "backup", "--syncid", "1"},
                  "You need to supply the 'mcast-interface' option for the 'start-daemon' "
                  "command"},
        Rejection{{"--start-daemon"}, "--start-daemon requires an argument"},
        Rejection{{"--start-daemon", "--mcast-interface", "eth0"},
                  "--start-daemon requires an argument"},
        Rejection{{"--stop-daemon"}, "--stop-daemon requires an argument"},
        Rejection{{"--start-daemon", "primary", "--mcast-interface", "eth0"},
                  "illegal start-daemon parameter specified (--start-daemon 'primary': must be "
                  "master or backup)"},
        Rejection{{"--stop-daemon", "Master"},
                  "illegal stop-daemon parameter specified (--stop-daemon 'Master': must be "
                  "master or backup)"},
        Rejection{{"--start-daemon", "master", "--stop-daemon", "master"},
                  "multiple commands specified"},
        Rejection{
            {"--start-daemon", "master", "--start-daemon", "backup", "--mcast-interface", "eth0"},
            "multiple commands specified"},
        Rejection{{"-L", "--stop-daemon", "master"}, "multiple commands specified"},
        Rejection{{"--start-daemon", "master", "--mcast-interface"},
                  "--mcast-interface requires an argument"},
        Rejection{{"--start-daemon", "master", "--mcast-interface", "interface-name-16"},
                  "illegal mcast-interface specified (--mcast-interface 'interface-name-16': at "
                  "most 15 characters)"},
        Rejection{{"--start-daemon", "master", "--mcast-interface", "eth0:1"},
                  "illegal mcast-interface specified (--mcast-interface 'eth0:1': not an "
                  "interface name)"},
        Rejection{{"--start-daemon", "master", "--mcast-interface", ".."},
                  "illegal mcast-interface specified (--mcast-interface '..': not an interface "
                  "name)"},
        Rejection{started({"--syncid", "256"}),
                  "illegal syncid specified (--syncid '256': must be an integer 0..255)"},
        Rejection{started({"--syncid", "one"}),
                  "illegal syncid specified (--syncid 'one': must be an integer 0..255)"},
        Rejection{started({"--syncid", "-1"}),
                  "illegal syncid specified (--syncid '-1': must be an integer 0..255)"},
        Rejection{started({"--syncid", "1", "--syncid", "2"}),
                  "multiple 'syncid' options specified"},
        Rejection{started({"--sync-maxlen", "255"}),
                  "illegal sync-maxlen specified (--sync-maxlen '255': must be an integer "
                  "256..65507)"},
        Rejection{started({"--sync-maxlen", "65508"}),
                  "illegal sync-maxlen specified (--sync-maxlen '65508': must be an integer "
                  "256..65507)"},
        Rejection{started({"--mcast-port", "0"}),
                  "illegal mcast-port specified (--mcast-port '0': must be an integer 1..65535)"},
        Rejection{started({"--mcast-port", "65536"}),
                  "illegal mcast-port specified (--mcast-port '65536': must be an integer "
                  "1..65535)"},
        Rejection{started({"--mcast-ttl", "0"}),
                  "illegal mcast-ttl specified (--mcast-ttl '0': must be an integer 1..255)"},
        Rejection{started({"--mcast-ttl", "256"}),
                  "illegal mcast-ttl specified (--mcast-ttl '256': must be an integer 1..255)"},
        Rejection{started({"--mcast-group", "10.0.0.1"}),
                  "invalid IPv4 mcast-group `10.0.0.1' (not a multicast address: must be in "
                  "224.0.0.0/4)"},
        Rejection{started({"--mcast-group", "223.255.255.255"}),
                  "invalid IPv4 mcast-group `223.255.255.255' (not a multicast address: must be "
                  "in 224.0.0.0/4)"},
        Rejection{started({"--mcast-group", "240.0.0.1"}),
                  "invalid IPv4 mcast-group `240.0.0.1' (not a multicast address: must be in "
                  "224.0.0.0/4)"},
        Rejection{started({"--mcast-group", "sync.example"}),
                  "invalid IPv4 mcast-group `sync.example' (host names are not supported, use a "
                  "numeric IP address)"},
        Rejection{started({"--mcast-group", "224.0.0.83:8849"}),
                  "invalid IPv6 mcast-group `224.0.0.83:8849' ('224.0.0.83:8849' is not a valid "
                  "IPv6 address)"},
        Rejection{started({"--mcast-group", "2001:db8::1"}),
                  "--mcast-group 2001:db8::1: IPv6 groups are not supported yet"},
        Rejection{started({"--sync-key"}), "--sync-key requires an argument"},
        // Each command takes only its options.
        Rejection{started({"-n"}), "Illegal 'numeric' option with the 'start-daemon' command"},
        Rejection{started({"-t", "10.0.0.1:80"}),
                  "Illegal 'service-address' option with the 'start-daemon' command"},
        Rejection{started({"--daemon"}), "Illegal 'daemon' option with the 'start-daemon' command"},
        Rejection{started({"--json"}), "Illegal 'json' option with the 'start-daemon' command"},
        Rejection{{"--stop-daemon", "master", "--mcast-interface", "eth0"},
                  "Illegal 'mcast-interface' option with the 'stop-daemon' command"},
        Rejection{{"--stop-daemon", "backup", "--mcast-group", "224.0.0.83"},
                  "Illegal 'mcast-group' option with the 'stop-daemon' command"},
        Rejection{{"--stop-daemon", "backup", "--mcast-port", "8849"},
                  "Illegal 'mcast-port' option with the 'stop-daemon' command"},
        Rejection{{"--stop-daemon", "backup", "--mcast-ttl", "1"},
                  "Illegal 'mcast-ttl' option with the 'stop-daemon' command"},
        Rejection{{"--stop-daemon", "backup", "--sync-maxlen", "1400"},
                  "Illegal 'sync-maxlen' option with the 'stop-daemon' command"},
        Rejection{{"--stop-daemon", "master", "--sync-key", "-"},
                  "Illegal 'sync-key' option with the 'stop-daemon' command"},
        Rejection{{"-A", "-t", "10.0.0.1:80", "--syncid", "1"},
                  "Illegal 'syncid' option with the 'add-service' command"},
        Rejection{{"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "--mcast-ttl", "1"},
                  "Illegal 'mcast-ttl' option with the 'add-server' command"},
        Rejection{{"-L", "--mcast-interface", "eth0"},
                  "Illegal 'mcast-interface' option with the 'list' command"},
        Rejection{{"-L", "--daemon", "--syncid", "1"},
                  "Illegal 'syncid' option with the 'list' command"},
        Rejection{{"-L", "--daemon", "--sync-key", "/etc/fnat/sync.key"},
                  "Illegal 'sync-key' option with the 'list' command"},
        Rejection{{"-S", "--daemon"}, "Illegal 'daemon' option with the 'save' command"},
        Rejection{{"--daemon"}, "no command specified (see fnatadm -h)"},
        // -L --daemon is exclusive, in ipvsadm's words.
        Rejection{{"-L", "--daemon", "-t", "10.0.0.1:80"},
                  "The option 'daemon' conflicts with the 'service-address' option in the 'list' "
                  "command"},
        Rejection{{"-L", "--daemon", "--timeout"},
                  "The option 'daemon' conflicts with the 'timeout' option in the 'list' command"},
        Rejection{{"-Lc", "--daemon"},
                  "The option 'daemon' conflicts with the 'connection' option in the 'list' "
                  "command"},
        Rejection{{"-L", "--drops", "--daemon"},
                  "The option 'daemon' conflicts with the 'drops' option in the 'list' command"},
        Rejection{{"-L", "--daemon", "--stats"}, "options conflicts in the list command"},
        Rejection{{"-L", "--daemon", "--rate"}, "options conflicts in the list command"},
        Rejection{{"-L", "--daemon", "--thresholds"}, "options conflicts in the list command"},
        Rejection{{"-L", "--daemon", "--persistent-conn"},
                  "options conflicts in the list command"}));

INSTANTIATE_TEST_SUITE_P(
    Ipv6Rejections, Rejections,
    ::testing::Values(
        Rejection{{"-A", "-t", "[fe80::1%eth0]:80"},
                  "illegal virtual server address[:port] specified (-t '[fe80::1%eth0]:80': IPv6 "
                  "zone ids ('%eth0') are not supported)"},
        Rejection{{"-a", "-t", "[2001:db8::1]:80", "-r", "fe80::10%eth1", "-b"},
                  "illegal real server address[:port] specified (-r 'fe80::10%eth1': IPv6 zone "
                  "ids ('%eth1') are not supported)"},
        Rejection{{"-P", "-t", "[2001:db8::1]:80", "-z", "fe80::9%2"},
                  "illegal local address specified (-z 'fe80::9%2': IPv6 zone ids ('%2') are not "
                  "supported)"},
        Rejection{{"-P", "-t", "[2001:db8::1]:80", "-z", "[2001:db8::9]:80"},
                  "illegal local address specified (-z '[2001:db8::9]:80': a local address has "
                  "no port)"},
        Rejection{{"-A", "-t", "2001:db8::1::80"},
                  "illegal virtual server address[:port] specified (-t '2001:db8::1::80': "
                  "'2001:db8::1::80' is not a valid IPv6 address (write an IPv6 address with a "
                  "port as [ADDR]:PORT))"},
        Rejection{{"-A", "-t", "[2001:db8::1]80"},
                  "illegal virtual server address[:port] specified (-t '[2001:db8::1]80': "
                  "expected ':PORT' after ']')"},
        Rejection{{"-A", "-t", "[2001:db8::1:80"},
                  "illegal virtual server address[:port] specified (-t '[2001:db8::1:80': "
                  "missing ']' after the IPv6 address)"},
        Rejection{{"-A", "-u", "[10.0.0.1]:53"},
                  "illegal virtual server address[:port] specified (-u '[10.0.0.1]:53': "
                  "brackets are only for IPv6 addresses)"},
        Rejection{{"-a", "-t", "[2001:db8::1]:80", "-r", "[2001:db8::10]:http", "-m"},
                  "illegal real server address[:port] specified (-r '[2001:db8::10]:http': "
                  "service names are not supported, use a numeric port)"},
        Rejection{{"-A", "-t", "[2001:db8::1]:80", "-p", "-M", "129"},
                  "illegal ipv6 netmask specified (-M '129': prefix length 129 is out of range "
                  "0..128)"},
        Rejection{{"-A", "-M", "255.255.255.0", "-t", "[2001:db8::1]:80", "-p"},
                  "illegal ipv6 netmask specified (-M '255.255.255.0': an IPv6 netmask is a "
                  "prefix length 0..128)"},
        Rejection{{"-A", "-t", "[2001:db8::1]"}, "Zero port specified for non-persistent service"},
        Rejection{{"-A", "-t", "[2001:db8::1]:80", "-6"},
                  "-6 (--ipv6): it is for firewall-mark services, which are not supported yet (an "
                  "IPv6 service needs no option: -t [2001:db8::1]:80)"}));

TEST(Usage, ListsEveryOption) {
    const std::string text = usage_text();
    for (const char* option : {"--add-service",
                               "-A",
                               "--edit-service",
                               "-E",
                               "--delete-service",
                               "-D",
                               "--clear",
                               "-C",
                               "--add-server",
                               "-a",
                               "--edit-server",
                               "-e",
                               "--delete-server",
                               "-d",
                               "--list",
                               "-L|-l",
                               "--help",
                               "-h",
                               "--version",
                               "-v",
                               "--tcp-service|-t",
                               "--udp-service|-u",
                               "--scheduler",
                               "-s",
                               "--persistent",
                               "-p",
                               "--netmask",
                               "-M",
                               "--real-server",
                               "-r",
                               "--gatewaying",
                               "-g",
                               "--ipip",
                               "-i",
                               "--masquerading",
                               "-m",
                               "--fullnat",
                               "-b",
                               "--weight",
                               "-w",
                               "--u-threshold",
                               "-x",
                               "--l-threshold",
                               "-y",
                               "--numeric",
                               "-n",
                               "--exact",
                               "--json",
                               "--sort",
                               "--nosort",
                               "--save",
                               "-S",
                               "--restore",
                               "-R",
                               "--set",
                               "--timeout",
                               "--tun-type",
                               "--zero",
                               "-Z",
                               "--stats",
                               "--rate",
                               "--connection",
                               "-c",
                               "--drops",
                               "--add-laddr",
                               "-P",
                               "--del-laddr",
                               "-Q",
                               "--get-laddr",
                               "-G",
                               "--laddr",
                               "-z",
                               "--sched-flags",
                               "--thresholds",
                               "--persistent-conn",
                               "--start-daemon",
                               "--stop-daemon",
                               "--daemon",
                               "--mcast-interface",
                               "--syncid",
                               "--sync-maxlen",
                               "--mcast-group",
                               "--mcast-port",
                               "--mcast-ttl",
                               "--sync-key"})
        EXPECT_NE(text.find(option), std::string::npos) << option;
    EXPECT_EQ(text.rfind("fnatadm v" FNATADM_VERSION, 0), 0U);
}

TEST(Usage, ShowsTheNewForms) {
    const std::string text = usage_text();
    for (const char* line :
         {"  fnatadm -R\n", "  fnatadm -S [-n]\n", "  fnatadm -L|l --timeout [--json]\n",
          "  fnatadm --set tcp tcpfin udp\n", "  fnatadm -Z [virtual-service]\n",
          "  fnatadm -L|l [virtual-service] [-n] [--stats|--rate] [--exact] [--json]\n",
          "  fnatadm -L|l -c [virtual-service] [-n] [--json]\n",
          "  fnatadm -L|l --drops [-n] [--json]\n",
          "  fnatadm -L|l [virtual-service] [-n] --thresholds|--persistent-conn\n",
          "          [-b sched-flags] [-j [enable|disable]]\n",
          "  fnatadm -P|Q virtual-service -z local-address\n",
          "  fnatadm -G [virtual-service] [-n] [--json]\n",
          "  fnatadm -L|l --daemon [-n] [--json]\n",
          "  fnatadm --start-daemon {master|backup} --mcast-interface interface\n",
          "          [daemon-options] [--sync-key file]\n",
          "  fnatadm --stop-daemon {master|backup}\n"})
        EXPECT_NE(text.find(line), std::string::npos) << line;
}

TEST(Usage, NotSupportedListLeavesOutWhatWorks) {
    const std::string text = usage_text();
    const std::size_t start = text.find("Not supported yet:");
    ASSERT_NE(start, std::string::npos);
    const std::string list = text.substr(start);
    EXPECT_NE(list.find("--pe,"), std::string::npos) << list;
    for (const char* supported :
         {"-R,", "-S,", "--set", "--timeout", "-Z", "--stats", "--rate", "-c,", "--drops",
          "--thresholds", "--sched-flags", "-b", "daemon", "--sync", "--mcast"})
        EXPECT_EQ(list.find(supported), std::string::npos) << supported << " in: " << list;
}

} // namespace
} // namespace fnat

#include <netinet/in.h>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/request_builder.h"

namespace fnat {
namespace {

Request request_for(std::vector<std::string> args) {
    return build_request(parse_command_line(args));
}

const ServiceKey kVip{IPPROTO_TCP, Address::ipv4(192, 168, 0, 240), 80};
const DestKey kRip{Address::ipv4(192, 168, 0, 223), 80};

TEST(RequestBuilder, ZeroEverythingSendsNoService) {
    EXPECT_EQ(request_for({"-Z"}), (Request{FNAT_CMD_ZERO, false, {}, {}}));
}

TEST(RequestBuilder, ZeroOneServiceSendsOnlyItsKey) {
    EXPECT_EQ(request_for({"-Z", "-t", "192.168.0.240:80"}),
              (Request{FNAT_CMD_ZERO, false, ServiceSpec{kVip, {}, {}, {}, {}}, {}}));
}

TEST(RequestBuilder, AddServiceSendsTheFullSpec) {
    Request request = request_for({"-A", "-t", "192.168.0.240:80", "-s", "rr", "-p", "20"});
    EXPECT_EQ(request.command, FNAT_CMD_NEW_SERVICE);
    EXPECT_FALSE(request.dump);
    ASSERT_TRUE(request.service.has_value());
    EXPECT_EQ(*request.service, (ServiceSpec{kVip, "rr", FNAT_SVC_F_PERSISTENT, 20U, 32}));
    EXPECT_FALSE(request.dest.has_value());
}

TEST(RequestBuilder, AddNonPersistentServiceSendsNoTimeout) {
    Request request = request_for({"-A", "-t", "192.168.0.240:80"});
    EXPECT_EQ(*request.service, (ServiceSpec{kVip, "wlc", 0U, std::nullopt, 32}));
}

TEST(RequestBuilder, EditServiceWithoutPersistenceClearsIt) {
    // As ipvsadm: -E sends everything, so omitting -p makes it non-persistent.
    Request request = request_for({"-E", "-t", "192.168.0.240:80", "-s", "wrr"});
    EXPECT_EQ(request.command, FNAT_CMD_SET_SERVICE);
    EXPECT_EQ(*request.service, (ServiceSpec{kVip, "wrr", 0U, std::nullopt, 32}));
}

TEST(RequestBuilder, EditServiceWithMask) {
    Request request =
        request_for({"-E", "-t", "192.168.0.240:80", "-p", "600", "-M", "255.255.255.0"});
    EXPECT_EQ(*request.service, (ServiceSpec{kVip, "wlc", FNAT_SVC_F_PERSISTENT, 600U, 24}));
}

TEST(RequestBuilder, AddServiceWithSchedFlags) {
    Request request =
        request_for({"-A", "-t", "192.168.0.240:80", "-s", "sh", "-b", "sh-fallback,sh-port"});
    EXPECT_EQ(*request.service,
              (ServiceSpec{kVip, "sh", FNAT_SVC_F_SCHED_SH_FALLBACK | FNAT_SVC_F_SCHED_SH_PORT,
                           std::nullopt, 32}));
    EXPECT_FALSE(request.dest.has_value());
}

TEST(RequestBuilder, SchedFlagsAndPersistenceShareTheFlagsWord) {
    Request request = request_for(
        {"-A", "-t", "192.168.0.240:80", "-s", "mh", "-p", "60", "--sched-flags", "mh-port"});
    EXPECT_EQ(*request.service,
              (ServiceSpec{kVip, "mh", FNAT_SVC_F_PERSISTENT | FNAT_SVC_F_SCHED_MH_PORT, 60U, 32}));
    EXPECT_EQ(
        request_for({"-A", "-t", "192.168.0.240:80", "-b", "flag-1,flag-2,flag-3"}).service->flags,
        FNAT_SVC_F_SCHED1 | FNAT_SVC_F_SCHED2 | FNAT_SVC_F_SCHED3);
}

TEST(RequestBuilder, SynproxyJoinsTheFlagsWord) {
    EXPECT_EQ(request_for({"-A", "-t", "192.168.0.240:80", "-p", "60", "-j"}).service->flags,
              FNAT_SVC_F_PERSISTENT | FNAT_SVC_F_SYNPROXY);
    // -E sends the whole word: without -j the proxy goes off.
    EXPECT_EQ(request_for({"-E", "-t", "192.168.0.240:80", "-s", "rr"}).service->flags, 0U);
    EXPECT_EQ(request_for({"-E", "-t", "192.168.0.240:80", "-j", "disable"}).service->flags, 0U);
    EXPECT_EQ(request_for({"-A", "-t", "192.168.0.240:80"}).service->flags, 0U);
    // -E turning it on is a SET_SERVICE with the whole word: scheduler,
    // its flags and the proxy, no timeout when not persistent.
    Request request = request_for(
        {"-E", "-t", "192.168.0.240:80", "-s", "sh", "-b", "sh-port", "--synproxy=enable"});
    EXPECT_EQ(request.command, FNAT_CMD_SET_SERVICE);
    EXPECT_EQ(*request.service,
              (ServiceSpec{kVip, "sh", FNAT_SVC_F_SCHED_SH_PORT | FNAT_SVC_F_SYNPROXY, std::nullopt,
                           32}));
}

TEST(RequestBuilder, EditServiceSendsTheSchedFlagsWhole) {
    // As ipvsadm: the flags word is sent whole, so an -E without -b clears
    // the scheduler flags, and one with -b replaces them.
    EXPECT_EQ(request_for({"-E", "-t", "192.168.0.240:80", "-s", "sh"}).service->flags, 0U);
    EXPECT_EQ(
        request_for({"-E", "-t", "192.168.0.240:80", "-s", "sh", "-b", "sh-port"}).service->flags,
        FNAT_SVC_F_SCHED_SH_PORT);
    EXPECT_EQ(request_for({"-E", "-t", "192.168.0.240:80", "-s", "sh", "-p", "-b", "sh-port"})
                  .service->flags,
              FNAT_SVC_F_PERSISTENT | FNAT_SVC_F_SCHED_SH_PORT);
}

TEST(RequestBuilder, FullNatBIsNotSchedFlagsOnDestCommands) {
    Request request = request_for({"-a", "-t", "192.168.0.240:80", "-r", "192.168.0.223", "-b"});
    EXPECT_EQ(request.command, FNAT_CMD_NEW_DEST);
    EXPECT_EQ(request.service, (ServiceSpec{kVip, {}, {}, {}, {}}));
    ASSERT_TRUE(request.dest.has_value());
    EXPECT_EQ(request.dest->forward, ForwardMethod::FullNat);
}

TEST(RequestBuilder, DeleteServiceSendsOnlyTheKey) {
    Request request = request_for({"-D", "-t", "192.168.0.240:80", "-s", "rr"});
    EXPECT_EQ(request,
              (Request{FNAT_CMD_DEL_SERVICE, false, ServiceSpec{kVip, {}, {}, {}, {}}, {}}));
}

TEST(RequestBuilder, FlushSendsNothing) {
    EXPECT_EQ(request_for({"-C"}), (Request{FNAT_CMD_FLUSH, false, {}, {}}));
}

TEST(RequestBuilder, AddServerSendsServiceKeyAndFullDest) {
    Request request =
        request_for({"-a", "-t", "192.168.0.240:80", "-r", "192.168.0.223:80", "-g", "-w", "1"});
    EXPECT_EQ(request, (Request{FNAT_CMD_NEW_DEST, false, ServiceSpec{kVip, {}, {}, {}, {}},
                                DestSpec{kRip, ForwardMethod::DirectRoute, 1U, 0U, 0U}}));
}

TEST(RequestBuilder, EditServerSendsTheFullDest) {
    Request request = request_for({"-e", "-t", "192.168.0.240:80", "-r", "192.168.0.223:8080", "-b",
                                   "-w", "3", "-x", "100", "-y", "50"});
    EXPECT_EQ(request.command, FNAT_CMD_SET_DEST);
    ASSERT_TRUE(request.dest.has_value());
    EXPECT_EQ(*request.dest,
              (DestSpec{DestKey{kRip.address, 8080}, ForwardMethod::FullNat, 3U, 100U, 50U}));
}

TEST(RequestBuilder, DeleteServerSendsOnlyKeys) {
    Request request = request_for({"-d", "-t", "192.168.0.240:80", "-r", "192.168.0.223"});
    EXPECT_EQ(request, (Request{FNAT_CMD_DEL_DEST, false, ServiceSpec{kVip, {}, {}, {}, {}},
                                DestSpec{kRip, {}, {}, {}, {}}}));
}

TEST(RequestBuilder, AddLaddrSendsServiceKeyAndLaddr) {
    EXPECT_EQ(request_for({"-P", "-t", "192.168.0.240:80", "-z", "10.0.9.1"}),
              (Request{FNAT_CMD_NEW_LADDR,
                       false,
                       ServiceSpec{kVip, {}, {}, {}, {}},
                       {},
                       {},
                       Address::ipv4(10, 0, 9, 1)}));
}

TEST(RequestBuilder, DeleteLaddrSendsServiceKeyAndLaddr) {
    EXPECT_EQ(request_for({"-Q", "-t", "192.168.0.240:80", "-z", "10.0.9.1"}),
              (Request{FNAT_CMD_DEL_LADDR,
                       false,
                       ServiceSpec{kVip, {}, {}, {}, {}},
                       {},
                       {},
                       Address::ipv4(10, 0, 9, 1)}));
}

TEST(RequestBuilder, LaddrDump) {
    EXPECT_EQ(laddr_dump_request(std::nullopt), (Request{FNAT_CMD_GET_LADDR, true, {}, {}}));
    EXPECT_EQ(laddr_dump_request(kVip),
              (Request{FNAT_CMD_GET_LADDR, true, ServiceSpec{kVip, {}, {}, {}, {}}, {}}));
}

TEST(RequestBuilder, OnlyLaddrCommandsCarryALaddr) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-A", "-t", "192.168.0.240:80"},
             {"-a", "-t", "192.168.0.240:80", "-r", "192.168.0.223", "-b"},
             {"-D", "-t", "192.168.0.240:80"},
             {"-C"}})
        EXPECT_FALSE(request_for(args).laddr.has_value()) << args.front();
}

TEST(RequestBuilder, ListIsNotAStateChange) {
    EXPECT_THROW(request_for({"-L"}), std::logic_error);
    EXPECT_THROW(request_for({"-L", "--timeout"}), std::logic_error);
    EXPECT_THROW(request_for({"-S"}), std::logic_error);
    EXPECT_THROW(request_for({"-G"}), std::logic_error);
}

TEST(RequestBuilder, ConnDumpOfEverythingSendsNoService) {
    EXPECT_EQ(conn_dump_request(std::nullopt), (Request{FNAT_CMD_GET_CONN, true, {}, {}}));
}

TEST(RequestBuilder, ConnDumpOfOneServiceSendsOnlyItsKey) {
    EXPECT_EQ(conn_dump_request(kVip),
              (Request{FNAT_CMD_GET_CONN, true, ServiceSpec{kVip, {}, {}, {}, {}}, {}}));
}

TEST(RequestBuilder, SetTimeoutSendsEveryNonZeroValue) {
    EXPECT_EQ(request_for({"--set", "7440", "120", "300"}),
              (Request{FNAT_CMD_SET_TIMEOUT, false, {}, {}, TimeoutSpec{7440U, 120U, 300U}}));
}

TEST(RequestBuilder, SetTimeoutLeavesOutZeros) {
    // ipvsadm's 0 means "unchanged"; the kernel takes absence for that.
    EXPECT_EQ(request_for({"--set", "30", "0", "60"}),
              (Request{FNAT_CMD_SET_TIMEOUT, false, {}, {}, TimeoutSpec{30U, std::nullopt, 60U}}));
    EXPECT_EQ(request_for({"--set", "0", "5", "0"}),
              (Request{FNAT_CMD_SET_TIMEOUT, false, {}, {}, TimeoutSpec{std::nullopt, 5U, {}}}));
    EXPECT_EQ(request_for({"--set", "0", "0", "2678400"}),
              (Request{FNAT_CMD_SET_TIMEOUT, false, {}, {}, TimeoutSpec{{}, {}, 2678400U}}));
}

TEST(RequestBuilder, SetTimeoutAllZerosChangesNothing) {
    Command command = parse_command_line({"--set", "0", "0", "0"});
    EXPECT_TRUE(changes_nothing(command));
    // The kernel refuses an empty nest, so there is no such request.
    EXPECT_THROW(build_request(command), std::logic_error);
}

TEST(RequestBuilder, OtherCommandsAlwaysChangeSomething) {
    EXPECT_FALSE(changes_nothing(parse_command_line({"--set", "0", "0", "1"})));
    EXPECT_FALSE(changes_nothing(parse_command_line({"-C"})));
    EXPECT_FALSE(changes_nothing(parse_command_line({"-D", "-t", "192.168.0.240:80"})));
}

TEST(RequestBuilder, OnlySetTimeoutCarriesTimeouts) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-A", "-t", "192.168.0.240:80"},
             {"-a", "-t", "192.168.0.240:80", "-r", "192.168.0.223"},
             {"-C"}})
        EXPECT_FALSE(request_for(args).timeout.has_value()) << args.front();
}

TEST(RequestBuilder, StartDaemonSendsOnlyWhatWasGiven) {
    EXPECT_EQ(request_for({"--start-daemon", "backup", "--mcast-interface", "eth1"}),
              (Request{FNAT_CMD_NEW_DAEMON,
                       false,
                       {},
                       {},
                       {},
                       {},
                       DaemonSpec{FNAT_SYNC_STATE_BACKUP, "eth1"}}));
    EXPECT_EQ(request_for({"--start-daemon", "master", "--mcast-interface", "eth0", "--mcast-port",
                           "8848"}),
              (Request{FNAT_CMD_NEW_DAEMON,
                       false,
                       {},
                       {},
                       {},
                       {},
                       DaemonSpec{FNAT_SYNC_STATE_MASTER, "eth0", {}, {}, {}, 8848}}));
}

TEST(RequestBuilder, StartDaemonWithEveryOption) {
    Command command = parse_command_line({"--start-daemon", "master", "--mcast-interface", "eth0",
                                          "--syncid", "0", "--sync-maxlen", "9000", "--mcast-group",
                                          "224.0.0.81", "--mcast-port", "8848", "--mcast-ttl", "3",
                                          "--sync-key", "/etc/fnat/sync.key"});
    command.daemon.key = std::string("a shared key\0\xff", 14); // as load_sync_key() sets it
    EXPECT_EQ(build_request(command), (Request{FNAT_CMD_NEW_DAEMON,
                                               false,
                                               {},
                                               {},
                                               {},
                                               {},
                                               DaemonSpec{FNAT_SYNC_STATE_MASTER, "eth0", 0, 9000,
                                                          Address::ipv4(224, 0, 0, 81), 8848, 3,
                                                          std::string("a shared key\0\xff", 14)}}));
}

TEST(RequestBuilder, StartDaemonNeedsItsKeyRead) {
    // Sending without the key would start a daemon that takes anything.
    EXPECT_THROW(
        request_for({"--start-daemon", "master", "--mcast-interface", "eth0", "--sync-key", "-"}),
        std::logic_error);
}

TEST(RequestBuilder, StopDaemonSendsTheRoleOnly) {
    EXPECT_EQ(
        request_for({"--stop-daemon", "master"}),
        (Request{FNAT_CMD_DEL_DAEMON, false, {}, {}, {}, {}, DaemonSpec{FNAT_SYNC_STATE_MASTER}}));
    EXPECT_EQ(
        request_for({"--stop-daemon", "backup", "--syncid", "9"}),
        (Request{FNAT_CMD_DEL_DAEMON, false, {}, {}, {}, {}, DaemonSpec{FNAT_SYNC_STATE_BACKUP}}));
}

TEST(RequestBuilder, StopDaemonSendsTheRoleWhateverTheCommandHolds) {
    Command command = parse_command_line({"--stop-daemon", "backup"});
    command.daemon = DaemonSpec{FNAT_SYNC_STATE_BACKUP, "eth0", 3, 1400, {}, 8849, 1, "key"};
    // The module refuses DEL_DAEMON with MCAST_IFN or KEY.
    EXPECT_EQ(build_request(command).daemon, (DaemonSpec{FNAT_SYNC_STATE_BACKUP}));
}

TEST(RequestBuilder, OnlyDaemonCommandsCarryADaemon) {
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"-A", "-t", "192.168.0.240:80"},
                                               {"-P", "-t", "192.168.0.240:80", "-z", "10.0.9.1"},
                                               {"--set", "1", "2", "3"},
                                               {"-Z"},
                                               {"-C"}})
        EXPECT_FALSE(request_for(args).daemon.has_value()) << args.front();
    EXPECT_THROW(request_for({"-L", "--daemon"}), std::logic_error);
}

TEST(RequestBuilder, TunnelTypeIpipIsAPlainTunnel) {
    EXPECT_EQ(request_for({"-a", "-t", "192.168.0.240:80", "-r", "192.168.0.223", "-i", "-w", "1",
                           "--tun-type", "ipip"}),
              request_for({"-a", "-t", "192.168.0.240:80", "-r", "192.168.0.223", "-i"}));
}

} // namespace
} // namespace fnat

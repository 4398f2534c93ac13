#include <algorithm>
#include <cerrno>
#include <netinet/in.h>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/command_runner.h"
#include "lib/netlink_error.h"
#include "tests/test_model.h"

namespace fnat {
namespace {

// An in-memory fnat.ko: services and dests in creation order.
class FakeApi : public FnatApi {
public:
    Info get_info() override { return info; }

    std::vector<Service> list_services() override {
        ++dumps;
        std::vector<Service> out;
        for (const auto& entry : entries)
            out.push_back(entry.service);
        return out;
    }

    Service get_service(const ServiceKey& key) override {
        ++gets;
        for (const auto& entry : entries)
            if (entry.service.key == key)
                return entry.service;
        NetlinkError error(ESRCH, "No such service");
        error.set_command(FNAT_CMD_GET_SERVICE);
        throw error;
    }

    std::vector<Dest> list_dests(const ServiceKey& key) override {
        for (const auto& entry : entries)
            if (entry.service.key == key)
                return entry.dests;
        throw NetlinkError(ESRCH, "No such service");
    }

    Timeouts get_timeouts() override {
        ++timeout_gets;
        return timeouts;
    }

    // The kernel's filter: the service must exist, then its keys select.
    std::vector<Conn> list_conns(const std::optional<ServiceKey>& service) override {
        conn_filters.push_back(service);
        if (!service)
            return conns;
        get_service(*service);
        std::vector<Conn> out;
        for (const Conn& conn : conns)
            if (ServiceKey{conn.protocol, conn.vaddr, conn.vport} == *service)
                out.push_back(conn);
        return out;
    }

    // The kernel's dump: one entry per local address, services in creation
    // order; with a filter the service must exist. Without the command (an
    // older module) it is EOPNOTSUPP.
    std::vector<LaddrEntry> list_laddrs(const std::optional<ServiceKey>& service) override {
        laddr_filters.push_back(service);
        if (!has_laddrs) {
            NetlinkError error(EOPNOTSUPP, "");
            error.set_command(FNAT_CMD_GET_LADDR);
            throw error;
        }
        if (service && std::none_of(entries.begin(), entries.end(), [&](const ServiceEntry& e) {
                return e.service.key == *service;
            })) {
            NetlinkError error(ESRCH, "");
            error.set_command(FNAT_CMD_GET_LADDR);
            throw error;
        }
        std::vector<LaddrEntry> out;
        for (const auto& entry : entries)
            if (!service || entry.service.key == *service)
                for (const auto& laddr : entry.laddrs)
                    out.push_back(LaddrEntry{entry.service.key, laddr});
        return out;
    }

    std::vector<SyncDaemon> list_daemons() override {
        ++daemon_dumps;
        return daemons;
    }

    void execute(const Request& request) override { executed.push_back(request); }

    Info info{FNAT_VERSION_CODE, 4096, 0};
    std::vector<SyncDaemon> daemons;
    int daemon_dumps = 0;
    std::vector<ServiceEntry> entries;
    std::vector<Conn> conns;
    std::vector<std::optional<ServiceKey>> conn_filters;
    std::vector<std::optional<ServiceKey>> laddr_filters;
    bool has_laddrs = true;
    std::vector<Request> executed;
    Timeouts timeouts{FNAT_TIMEOUT_TCP_DEFAULT, FNAT_TIMEOUT_TCP_FIN_DEFAULT,
                      FNAT_TIMEOUT_UDP_DEFAULT};
    int dumps = 0;
    int gets = 0;
    int timeout_gets = 0;
};

Service make_service(std::uint8_t last_octet, std::uint16_t port,
                     std::uint8_t protocol = IPPROTO_TCP) {
    Service service;
    service.key = ServiceKey{protocol, Address::ipv4(10, 0, 0, last_octet), port};
    service.scheduler = "rr";
    return service;
}

Dest make_dest(std::uint8_t last_octet, std::uint16_t port) {
    Dest dest;
    dest.key = DestKey{Address::ipv4(10, 0, 1, last_octet), port};
    dest.forward = ForwardMethod::Masquerade;
    dest.weight = 1;
    return dest;
}

std::string run(FakeApi& api, std::vector<std::string> args) {
    std::ostringstream out;
    run_command(parse_command_line(args), api, out);
    return out.str();
}

FakeApi unsorted_api() {
    FakeApi api;
    api.entries.push_back(
        ServiceEntry{make_service(10, 80), {make_dest(20, 80), make_dest(3, 80)}});
    api.entries.push_back(ServiceEntry{make_service(2, 443), {}});
    api.entries.push_back(ServiceEntry{make_service(2, 53, IPPROTO_UDP), {}});
    api.entries.push_back(ServiceEntry{make_service(2, 80), {}});
    return api;
}

const char* const kHeader =
    "FNAT version 0.1.0 (size=4096)\n"
    "Prot LocalAddress:Port Scheduler Flags\n"
    "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";

TEST(RunCommand, ListSortsLikeIpvsadm) {
    FakeApi api = unsorted_api();
    EXPECT_EQ(run(api, {"-Ln"}),
              std::string(kHeader) +
                  "TCP  10.0.0.2:80 rr\n"
                  "TCP  10.0.0.2:443 rr\n"
                  "TCP  10.0.0.10:80 rr\n"
                  "  -> 10.0.1.3:80                  Masq    1      0          0         \n"
                  "  -> 10.0.1.20:80                 Masq    1      0          0         \n"
                  "UDP  10.0.0.2:53 rr\n");
    EXPECT_EQ(api.dumps, 1);
}

TEST(RunCommand, NosortKeepsCreationOrder) {
    FakeApi api = unsorted_api();
    EXPECT_EQ(run(api, {"-L", "--nosort"}),
              std::string(kHeader) +
                  "TCP  10.0.0.10:80 rr\n"
                  "  -> 10.0.1.20:80                 Masq    1      0          0         \n"
                  "  -> 10.0.1.3:80                  Masq    1      0          0         \n"
                  "TCP  10.0.0.2:443 rr\n"
                  "UDP  10.0.0.2:53 rr\n"
                  "TCP  10.0.0.2:80 rr\n");
}

TEST(RunCommand, ListOneServiceUsesGetService) {
    FakeApi api = unsorted_api();
    EXPECT_EQ(run(api, {"-L", "-n", "-t", "10.0.0.10:80"}),
              "Prot LocalAddress:Port Scheduler Flags\n"
              "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
              "TCP  10.0.0.10:80 rr\n"
              "  -> 10.0.1.3:80                  Masq    1      0          0         \n"
              "  -> 10.0.1.20:80                 Masq    1      0          0         \n");
    EXPECT_EQ(api.gets, 1);
    EXPECT_EQ(api.dumps, 0);
}

TEST(RunCommand, ListUnknownServiceFails) {
    FakeApi api = unsorted_api();
    try {
        run(api, {"-L", "-t", "10.0.0.99:80"});
        FAIL() << "listing an unknown service succeeded";
    } catch (const NetlinkError& error) {
        EXPECT_EQ(error.error(), ESRCH);
        EXPECT_EQ(error.command(), FNAT_CMD_GET_SERVICE);
    }
}

// A service deleted by someone else between GET_SERVICE and GET_DEST.
class VanishingApi : public FakeApi {
public:
    std::vector<Dest> list_dests(const ServiceKey& key) override {
        if (key.port == 443)
            throw NetlinkError(ESRCH, "No such service");
        if (key.port == 8443)
            throw NetlinkError(ENOMEM, "");
        return FakeApi::list_dests(key);
    }
};

TEST(RunCommand, ServiceDeletedDuringTheListingIsLeftOut) {
    VanishingApi api;
    api.entries.push_back(ServiceEntry{make_service(1, 80), {}});
    api.entries.push_back(ServiceEntry{make_service(1, 443), {}});
    EXPECT_EQ(run(api, {"-Ln"}), std::string(kHeader) + "TCP  10.0.0.1:80 rr\n");
    // Asked for by name, the vanished service is an error.
    EXPECT_THROW(run(api, {"-Ln", "-t", "10.0.0.1:443"}), NetlinkError);
    // Other errors are never swallowed.
    api.entries.push_back(ServiceEntry{make_service(1, 8443), {}});
    EXPECT_THROW(run(api, {"-Ln"}), NetlinkError);
}

TEST(RunCommand, ListJson) {
    FakeApi api;
    api.entries.push_back(ServiceEntry{make_service(1, 80), {}});
    EXPECT_EQ(run(api, {"-L", "--json"}), R"({
  "version": "0.1.0",
  "conn_tab_size": 4096,
  "services": [
    {
      "protocol": "tcp",
      "address": "10.0.0.1",
      "port": 80,
      "scheduler": "rr",
      "sched_flags": [],
      "persistent": false,
      "timeout": 0,
      "netmask": 32,
      "synproxy": false,
      "stats": {
        "conns": 0,
        "inpkts": 0,
        "outpkts": 0,
        "inbytes": 0,
        "outbytes": 0
      },
      "rate": {
        "cps": 0,
        "inpps": 0,
        "outpps": 0,
        "inbps": 0,
        "outbps": 0
      },
      "dests": []
    }
  ]
}
)");
}

Stats counters(std::uint64_t base) {
    return Stats{base + 1, base + 2, base + 3, base + 4, base + 5,
                 base + 6, base + 7, base + 8, base + 9, base + 10};
}

FakeApi counting_api() {
    FakeApi api;
    Service web = make_service(1, 80);
    web.stats = counters(0);
    Dest dest = make_dest(2, 80);
    dest.stats = counters(200'000'000);
    api.entries.push_back(ServiceEntry{web, {dest}});
    return api;
}

TEST(RunCommand, ListStats) {
    FakeApi api = counting_api();
    const std::string expected =
        "FNAT version 0.1.0 (size=4096)\n"
        "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
        "  -> RemoteAddress:Port\n"
        "TCP  10.0.0.1:80                         1        2        3        4        5\n"
        "  -> 10.0.1.2:80                   200000K  200000K  200000K  200000K  200000K\n";
    EXPECT_EQ(run(api, {"-Ln", "--stats"}), expected);
    // ipvsadm shows --stats when --rate is given too.
    EXPECT_EQ(run(api, {"-L", "--rate", "--stats"}), expected);
}

TEST(RunCommand, ListStatsExactForOneService) {
    FakeApi api = counting_api();
    EXPECT_EQ(run(api, {"-L", "--stats", "--exact", "-t", "10.0.0.1:80"}),
              "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
              "  -> RemoteAddress:Port\n"
              "TCP  10.0.0.1:80                         1        2        3        4        5\n"
              "  -> 10.0.1.2:80                  200000001 200000002 200000003 200000004 "
              "200000005\n");
}

TEST(RunCommand, ListRate) {
    FakeApi api = counting_api();
    EXPECT_EQ(run(api, {"-Ln", "--rate"}),
              "FNAT version 0.1.0 (size=4096)\n"
              "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
              "  -> RemoteAddress:Port\n"
              "TCP  10.0.0.1:80                         6        7        8        9       10\n"
              "  -> 10.0.1.2:80                  200000006 200000007 200000008  200000K  "
              "200000K\n");
}

TEST(RunCommand, ListCountersJsonIsTheSameDocument) {
    FakeApi api = counting_api();
    const std::string json = run(api, {"-L", "--json"});
    EXPECT_NE(json.find("\"inbytes\": 4,"), std::string::npos) << json;
    EXPECT_NE(json.find("\"outbps\": 200000010\n"), std::string::npos) << json;
    EXPECT_EQ(run(api, {"-L", "--json", "--stats"}), json);
    EXPECT_EQ(run(api, {"-L", "--json", "--rate", "--exact"}), json);
}

FakeApi thresholds_api() {
    FakeApi api;
    Service web = make_service(1, 80);
    web.scheduler = "sh";
    web.flags = FNAT_SVC_F_SCHED_SH_FALLBACK | FNAT_SVC_F_SCHED_SH_PORT;
    Dest limited = make_dest(3, 80);
    limited.u_threshold = 100;
    limited.l_threshold = 50;
    limited.active_conns = 3;
    limited.inactive_conns = 7;
    limited.persist_conns = 2;
    Dest plain = make_dest(2, 8080);
    plain.weight = 5;
    api.entries.push_back(ServiceEntry{web, {limited, plain}});
    return api;
}

const char* const kThresholdsListing =
    "FNAT version 0.1.0 (size=4096)\n"
    "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
    "  -> RemoteAddress:Port\n"
    "TCP  10.0.0.1:80 sh (sh-fallback,sh-port)\n"
    "  -> 10.0.1.2:8080                0          0          0          0         \n"
    "  -> 10.0.1.3:80                  100        50         3          7         \n";

const char* const kPersistentConnListing =
    "FNAT version 0.1.0 (size=4096)\n"
    "Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n"
    "  -> RemoteAddress:Port\n"
    "TCP  10.0.0.1:80 sh (sh-fallback,sh-port)\n"
    "  -> 10.0.1.2:8080                5         0           0          0         \n"
    "  -> 10.0.1.3:80                  1         2           3          7         \n";

TEST(RunCommand, ListThresholds) {
    FakeApi api = thresholds_api();
    EXPECT_EQ(run(api, {"-Ln", "--thresholds"}), kThresholdsListing);
}

TEST(RunCommand, ListPersistentConn) {
    FakeApi api = thresholds_api();
    EXPECT_EQ(run(api, {"-Ln", "--persistent-conn"}), kPersistentConnListing);
}

TEST(RunCommand, ListThresholdsOfOneService) {
    FakeApi api = thresholds_api();
    EXPECT_EQ(run(api, {"-L", "--thresholds", "-t", "10.0.0.1:80"}),
              std::string(kThresholdsListing).substr(std::string(kHeader).find('\n') + 1));
}

TEST(RunCommand, ListLayoutsPrecedenceIsIpvsadms) {
    // print_title()'s order: --stats, --rate, --thresholds, --persistent-conn.
    FakeApi api = thresholds_api();
    EXPECT_EQ(run(api, {"-L", "--persistent-conn", "--thresholds"}), kThresholdsListing);
    EXPECT_EQ(run(api, {"-L", "--thresholds", "--stats"}), run(api, {"-L", "--stats"}));
    EXPECT_EQ(run(api, {"-L", "--persistent-conn", "--rate"}), run(api, {"-L", "--rate"}));
    EXPECT_EQ(run(api, {"-L", "--thresholds", "--json"}), run(api, {"-L", "--json"}));
    EXPECT_EQ(run(api, {"-L", "--persistent-conn", "--json"}), run(api, {"-L", "--json"}));
}

TEST(RunCommand, ListShowsSchedFlags) {
    FakeApi api = thresholds_api();
    const std::string text = run(api, {"-Ln"});
    EXPECT_NE(text.find("\nTCP  10.0.0.1:80 sh (sh-fallback,sh-port)\n"), std::string::npos)
        << text;
    EXPECT_NE(run(api, {"-S"}).find("-A -t 10.0.0.1:80 -s sh -b sh-fallback,sh-port\n"),
              std::string::npos);
    const std::string json = run(api, {"-L", "--json"});
    EXPECT_NE(
        json.find("\"sched_flags\": [\n        \"sh-fallback\",\n        \"sh-port\"\n      ],"),
        std::string::npos)
        << json;
}

TEST(RunCommand, ZeroGoesToExecute) {
    FakeApi api = counting_api();
    EXPECT_EQ(run(api, {"-Z"}), "");
    EXPECT_EQ(run(api, {"-Z", "-t", "10.0.0.1:80"}), "");
    ASSERT_EQ(api.executed.size(), 2U);
    EXPECT_EQ(api.executed[0], (Request{FNAT_CMD_ZERO, false, {}, {}}));
    EXPECT_EQ(api.executed[1].command, FNAT_CMD_ZERO);
    ASSERT_TRUE(api.executed[1].service.has_value());
    EXPECT_EQ(api.executed[1].service->key, make_service(1, 80).key);
    EXPECT_EQ(api.dumps, 0); // nothing is listed
}

TEST(RunCommand, ChangesGoToExecute) {
    FakeApi api;
    EXPECT_EQ(run(api, {"-A", "-t", "10.0.0.1:80", "-s", "rr"}), "");
    EXPECT_EQ(run(api, {"-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-m"}), "");
    EXPECT_EQ(run(api, {"-C"}), "");
    ASSERT_EQ(api.executed.size(), 3U);
    EXPECT_EQ(api.executed[0].command, FNAT_CMD_NEW_SERVICE);
    EXPECT_EQ(api.executed[1].command, FNAT_CMD_NEW_DEST);
    EXPECT_EQ(api.executed[1].dest->forward, ForwardMethod::Masquerade);
    EXPECT_EQ(api.executed[2].command, FNAT_CMD_FLUSH);
}

TEST(RunCommand, ListTimeouts) {
    FakeApi api = unsorted_api();
    api.timeouts = Timeouts{30, 120, 60};
    EXPECT_EQ(run(api, {"-L", "--timeout"}), "Timeout (tcp tcpfin udp): 30 120 60\n");
    EXPECT_EQ(run(api, {"-ln", "--timeout"}), "Timeout (tcp tcpfin udp): 30 120 60\n");
    EXPECT_EQ(api.timeout_gets, 2);
    // Only the timeouts: no table is read.
    EXPECT_EQ(api.dumps, 0);
    EXPECT_TRUE(api.executed.empty());
}

TEST(RunCommand, ListTimeoutsJson) {
    FakeApi api;
    EXPECT_EQ(run(api, {"-L", "--timeout", "--json"}), R"({
  "tcp": 7440,
  "tcpfin": 120,
  "udp": 300
}
)");
}

TEST(RunCommand, SetTimeoutsSendsOneRequest) {
    FakeApi api;
    EXPECT_EQ(run(api, {"--set", "30", "0", "60"}), "");
    ASSERT_EQ(api.executed.size(), 1U);
    EXPECT_EQ(api.executed[0],
              (Request{FNAT_CMD_SET_TIMEOUT, false, {}, {}, TimeoutSpec{30U, std::nullopt, 60U}}));
}

TEST(RunCommand, SetAllZeroTimeoutsSendsNothing) {
    FakeApi api;
    EXPECT_EQ(run(api, {"--set", "0", "0", "0"}), "");
    EXPECT_TRUE(api.executed.empty());
}

const char* const kUnsortedSaved = "-A -t 10.0.0.2:80 -s rr\n"
                                   "-A -t 10.0.0.2:443 -s rr\n"
                                   "-A -t 10.0.0.10:80 -s rr\n"
                                   "-a -t 10.0.0.10:80 -r 10.0.1.3:80 -m -w 1\n"
                                   "-a -t 10.0.0.10:80 -r 10.0.1.20:80 -m -w 1\n"
                                   "-A -u 10.0.0.2:53 -s rr\n";

TEST(RunCommand, SaveSortsLikeList) {
    FakeApi api = unsorted_api();
    EXPECT_EQ(run(api, {"-S"}), kUnsortedSaved);
    EXPECT_EQ(run(api, {"-S", "-n"}), kUnsortedSaved);
    EXPECT_EQ(api.dumps, 2);
    EXPECT_TRUE(api.executed.empty());
}

TEST(RunCommand, SaveEmptyTablePrintsNothing) {
    FakeApi api;
    EXPECT_EQ(run(api, {"-Sn"}), "");
}

TEST(RunCommand, SaveWritesNothingWhenReadingFails) {
    VanishingApi api;
    api.entries.push_back(ServiceEntry{make_service(1, 80), {}});
    api.entries.push_back(ServiceEntry{make_service(1, 8443), {}}); // ENOMEM on its dests
    std::ostringstream out;
    EXPECT_THROW(run_command(parse_command_line({"-S"}), api, out), NetlinkError);
    EXPECT_EQ(out.str(), "");
}

TEST(RunCommand, SaveLeavesOutAServiceDeletedMeanwhile) {
    VanishingApi api;
    api.entries.push_back(ServiceEntry{make_service(1, 443), {}}); // ESRCH on its dests
    api.entries.push_back(ServiceEntry{make_service(1, 80), {make_dest(5, 8080)}});
    EXPECT_EQ(run(api, {"-S"}), "-A -t 10.0.0.1:80 -s rr\n"
                                "-a -t 10.0.0.1:80 -r 10.0.1.5:8080 -m -w 1\n");
}

// 10.0.0.1:80 (TCP) and 10.0.0.2:53 (UDP) with a connection each.
FakeApi connected_api() {
    FakeApi api;
    api.entries.push_back(ServiceEntry{make_service(1, 80), {make_dest(3, 8080)}});
    api.entries.push_back(ServiceEntry{make_service(2, 53, IPPROTO_UDP), {make_dest(4, 53)}});
    api.conns.push_back(test::make_conn(IPPROTO_TCP, 0xc0a80a05, 40000, 0x0a000001, 80, 0x0a000103,
                                        8080, "ESTABLISHED", 899'999));
    api.conns.push_back(
        test::make_conn(IPPROTO_UDP, 0xc0a80a06, 5353, 0x0a000002, 53, 0x0a000104, 53, "UDP", 0));
    return api;
}

const char* const kConnTitle =
    "FNAT connection entries\n"
    "pro expire state       source             virtual            destination\n";

TEST(RunCommand, ListConnections) {
    FakeApi api = connected_api();
    const std::string expected =
        std::string(kConnTitle) +
        "TCP 14:59  ESTABLISHED 192.168.10.5:40000 10.0.0.1:80        10.0.1.3:8080\n"
        "UDP 00:00  UDP         192.168.10.6:5353  10.0.0.2:53        10.0.1.4:53\n";
    EXPECT_EQ(run(api, {"-Lnc"}), expected);
    EXPECT_EQ(run(api, {"-L", "-c", "-n"}), expected);
    EXPECT_EQ(run(api, {"-l", "-c"}), expected);
    EXPECT_EQ(run(api, {"--list", "--connection"}), expected);
    // ipvsadm accepts the table's display options with -c and ignores them.
    EXPECT_EQ(run(api, {"-Lnc", "--stats", "--exact", "--nosort"}), expected);
    EXPECT_EQ(api.conn_filters,
              (std::vector<std::optional<ServiceKey>>(5, std::optional<ServiceKey>())));
    // Only the connections: no table is read.
    EXPECT_EQ(api.dumps, 0);
    EXPECT_EQ(api.gets, 0);
}

TEST(RunCommand, ListConnectionsOfOneService) {
    FakeApi api = connected_api();
    EXPECT_EQ(run(api, {"-Lnc", "-u", "10.0.0.2:53"}),
              std::string(kConnTitle) +
                  "UDP 00:00  UDP         192.168.10.6:5353  10.0.0.2:53        10.0.1.4:53\n");
    ASSERT_EQ(api.conn_filters.size(), 1U);
    EXPECT_EQ(api.conn_filters[0], make_service(2, 53, IPPROTO_UDP).key);
    // -t is TCP: the UDP service's port under TCP is another service.
    EXPECT_THROW(run(api, {"-Lnc", "-t", "10.0.0.2:53"}), NetlinkError);
}

TEST(RunCommand, ListNoConnections) {
    FakeApi api;
    EXPECT_EQ(run(api, {"-Lnc"}), kConnTitle);
    EXPECT_EQ(run(api, {"-Lnc", "--json"}), "{\n  \"connections\": []\n}\n");
}

TEST(RunCommand, ListConnectionsJson) {
    FakeApi api = connected_api();
    api.conns.resize(1);
    EXPECT_EQ(run(api, {"-Lc", "--json"}), R"({
  "connections": [
    {
      "protocol": "tcp",
      "client": {
        "address": "192.168.10.5",
        "port": 40000
      },
      "virtual": {
        "address": "10.0.0.1",
        "port": 80
      },
      "local": {
        "address": "192.168.10.5",
        "port": 40000
      },
      "dest": {
        "address": "10.0.1.3",
        "port": 8080
      },
      "forward": "masq",
      "state": "ESTABLISHED",
      "expires_ms": 899999
    }
  ]
}
)");
}

FakeApi dropping_api() {
    FakeApi api;
    api.info.num_conns = 3;
    api.info.drops = {{"no_dest", 12},
                      {"no_conn", 0},
                      {"a_reason_of_exactly_28_chars", 18'446'744'073'709'551'615ULL}};
    return api;
}

TEST(RunCommand, ListDrops) {
    FakeApi api = dropping_api();
    const std::string expected =
        "Connections: 3\n"
        "TOA added: 0, skipped: 0\n"
        "SYN proxy: 0 cookies sent, 0 accepted, 0 refused by real servers\n"
        "Drop reason                  Packets\n"
        "no_dest                      12\n"
        "no_conn                      0\n"
        "a_reason_of_exactly_28_chars 18446744073709551615\n";
    EXPECT_EQ(run(api, {"-L", "--drops"}), expected);
    EXPECT_EQ(run(api, {"-Ln", "--drops"}), expected);
    EXPECT_EQ(api.dumps, 0);
    EXPECT_TRUE(api.conn_filters.empty());
}

TEST(RunCommand, ListDropsOfAModuleWithoutThem) {
    FakeApi api; // an older module: no NUM_CONNS, no DROPS
    EXPECT_EQ(run(api, {"-L", "--drops"}),
              "Connections: 0\n"
              "TOA added: 0, skipped: 0\n"
              "SYN proxy: 0 cookies sent, 0 accepted, 0 refused by real servers\n"
              "Drop reason                  Packets\n");
    EXPECT_EQ(run(api, {"-L", "--drops", "--json"}), R"({
  "num_conns": 0,
  "toa": {
    "added": 0,
    "skipped": 0
  },
  "synproxy": {
    "cookies": 0,
    "acks": 0,
    "rs_resets": 0
  },
  "drops": {}
}
)");
}

TEST(RunCommand, ListDropsJson) {
    FakeApi api = dropping_api();
    EXPECT_EQ(run(api, {"-L", "--drops", "--json"}), R"({
  "num_conns": 3,
  "toa": {
    "added": 0,
    "skipped": 0
  },
  "synproxy": {
    "cookies": 0,
    "acks": 0,
    "rs_resets": 0
  },
  "drops": {
    "no_dest": 12,
    "no_conn": 0,
    "a_reason_of_exactly_28_chars": 18446744073709551615
  }
}
)");
}

LocalAddress make_laddr(std::uint8_t last_octet, std::uint32_t conns = 0,
                        std::uint64_t conflicts = 0, std::uint64_t exhausted = 0) {
    return LocalAddress{Address::ipv4(10, 0, 9, last_octet), conns, conflicts, exhausted};
}

// unsorted_api() with local addresses on two services, in the order they
// were added (not sorted).
FakeApi laddr_api() {
    FakeApi api = unsorted_api();
    api.entries[0].laddrs = {make_laddr(20, 5, 1, 0), make_laddr(3, 0, 0, 2)};
    api.entries[3].laddrs = {make_laddr(7, 1)};
    return api;
}

const char* const kLaddrTitle =
    "VIP:VPORT            TOTAL    LIP                  CONFLICTS  CONNS      EXHAUSTED\n";

TEST(RunCommand, GetLaddrListsEveryServiceSorted) {
    FakeApi api = laddr_api();
    const std::string expected =
        std::string(kLaddrTitle) +
        "TCP  10.0.0.2:80     1\n"
        "                              10.0.9.7             0          1          0\n"
        "TCP  10.0.0.2:443    0\n"
        "TCP  10.0.0.10:80    2\n"
        "                              10.0.9.20            1          5          0\n"
        "                              10.0.9.3             0          0          2\n"
        "UDP  10.0.0.2:53     0\n";
    EXPECT_EQ(run(api, {"-G"}), expected);
    EXPECT_EQ(run(api, {"--get-laddr", "-n"}), expected);
    EXPECT_EQ(api.laddr_filters,
              (std::vector<std::optional<ServiceKey>>(2, std::optional<ServiceKey>())));
    EXPECT_EQ(api.dumps, 2); // the services, for those without local addresses
    EXPECT_TRUE(api.executed.empty());
}

TEST(RunCommand, GetLaddrOfOneService) {
    FakeApi api = laddr_api();
    EXPECT_EQ(run(api, {"-G", "-t", "10.0.0.2:80"}),
              std::string(kLaddrTitle) +
                  "TCP  10.0.0.2:80     1\n"
                  "                              10.0.9.7             0          1          0\n");
    EXPECT_EQ(run(api, {"-G", "-t", "10.0.0.2:443"}),
              std::string(kLaddrTitle) + "TCP  10.0.0.2:443    0\n");
    EXPECT_EQ(api.laddr_filters, (std::vector<std::optional<ServiceKey>>{
                                     make_service(2, 80).key, make_service(2, 443).key}));
    EXPECT_EQ(api.dumps, 0);
    try {
        run(api, {"-G", "-u", "10.0.0.2:80"});
        FAIL() << "-G of an unknown service succeeded";
    } catch (const NetlinkError& error) {
        EXPECT_EQ(error.error(), ESRCH);
        EXPECT_EQ(error.command(), FNAT_CMD_GET_LADDR);
    }
}

TEST(RunCommand, GetLaddrJson) {
    FakeApi api = laddr_api();
    api.entries.resize(2);
    EXPECT_EQ(run(api, {"-G", "--json"}), R"({
  "services": [
    {
      "protocol": "tcp",
      "address": "10.0.0.2",
      "port": 443,
      "laddrs": []
    },
    {
      "protocol": "tcp",
      "address": "10.0.0.10",
      "port": 80,
      "laddrs": [
        {
          "address": "10.0.9.20",
          "conns": 5,
          "conflicts": 1,
          "exhausted": 0
        },
        {
          "address": "10.0.9.3",
          "conns": 0,
          "conflicts": 0,
          "exhausted": 2
        }
      ]
    }
  ]
}
)");
}

// A service created between the service dump and the local-address dump.
class LateServiceApi : public FakeApi {
public:
    std::vector<Service> list_services() override {
        std::vector<Service> services = FakeApi::list_services();
        services.pop_back();
        return services;
    }
};

TEST(RunCommand, GetLaddrShowsAServiceCreatedMeanwhile) {
    LateServiceApi api;
    api.entries.push_back(ServiceEntry{make_service(5, 80), {}, {make_laddr(1)}});
    api.entries.push_back(ServiceEntry{make_service(4, 80), {}, {make_laddr(2)}});
    EXPECT_EQ(run(api, {"-G"}),
              std::string(kLaddrTitle) +
                  "TCP  10.0.0.4:80     1\n"
                  "                              10.0.9.2             0          0          0\n"
                  "TCP  10.0.0.5:80     1\n"
                  "                              10.0.9.1             0          0          0\n");
}

TEST(RunCommand, AddAndDeleteLaddrGoToExecute) {
    FakeApi api;
    EXPECT_EQ(run(api, {"-P", "-t", "10.0.0.1:80", "-z", "10.0.9.1"}), "");
    EXPECT_EQ(run(api, {"--del-laddr", "--udp-service", "10.0.0.1:53", "--laddr", "10.0.9.2"}), "");
    const ServiceSpec tcp{make_service(1, 80).key, {}, {}, {}, {}};
    const ServiceSpec udp{make_service(1, 53, IPPROTO_UDP).key, {}, {}, {}, {}};
    EXPECT_EQ(api.executed,
              (std::vector<Request>{
                  Request{FNAT_CMD_NEW_LADDR, false, tcp, {}, {}, make_laddr(1).address},
                  Request{FNAT_CMD_DEL_LADDR, false, udp, {}, {}, make_laddr(2).address},
              }));
    EXPECT_EQ(api.dumps, 0);
    EXPECT_TRUE(api.laddr_filters.empty());
}

TEST(RunCommand, SavePutsLocalAddressesBetweenServiceAndDests) {
    FakeApi api = laddr_api();
    EXPECT_EQ(run(api, {"-S", "-n"}), "-A -t 10.0.0.2:80 -s rr\n"
                                      "-P -t 10.0.0.2:80 -z 10.0.9.7\n"
                                      "-A -t 10.0.0.2:443 -s rr\n"
                                      "-A -t 10.0.0.10:80 -s rr\n"
                                      "-P -t 10.0.0.10:80 -z 10.0.9.20\n"
                                      "-P -t 10.0.0.10:80 -z 10.0.9.3\n"
                                      "-a -t 10.0.0.10:80 -r 10.0.1.3:80 -m -w 1\n"
                                      "-a -t 10.0.0.10:80 -r 10.0.1.20:80 -m -w 1\n"
                                      "-A -u 10.0.0.2:53 -s rr\n");
    EXPECT_EQ(api.laddr_filters, (std::vector<std::optional<ServiceKey>>{std::nullopt}));
}

TEST(RunCommand, SaveWithAModuleWithoutLocalAddresses) {
    FakeApi api = unsorted_api();
    api.has_laddrs = false; // GET_LADDR is EOPNOTSUPP
    EXPECT_EQ(run(api, {"-S"}), kUnsortedSaved);
    // -G itself reports it.
    EXPECT_THROW(run(api, {"-G"}), NetlinkError);
}

TEST(RunCommand, ListDaemonsMasterFirst) {
    FakeApi api;
    SyncDaemon backup = test::make_sync_daemon(FNAT_SYNC_STATE_BACKUP);
    backup.mcast_ifn = "eth1";
    backup.peers.clear();
    api.daemons = {backup, test::make_sync_daemon(FNAT_SYNC_STATE_MASTER)};
    const std::string out = run(api, {"-L", "--daemon"});
    EXPECT_EQ(api.daemon_dumps, 1);
    EXPECT_EQ(out.rfind("master sync daemon (mcast=eth0, syncid=1, maxlen=1472, "
                        "group=224.0.0.83, port=8849, ttl=1)\n"
                        "  sender 3a4f12c0, key yes, up 12.3 s\n",
                        0),
              0U)
        << out;
    const std::size_t backup_line =
        out.find("\nbackup sync daemon (mcast=eth1, syncid=1, maxlen=1472, group=224.0.0.83, "
                 "port=8849, ttl=1)\n  sender 3a4f12c0, key yes, up 12.3 s\n  sent: ");
    ASSERT_NE(backup_line, std::string::npos) << out;
    EXPECT_NE(out.find("  peer 10.0.3.2 sender 7b1c0011 syncid 1: 3 messages, last 0.4 s ago\n"),
              std::string::npos);
    EXPECT_LT(out.find("  peer "), backup_line); // the master's
    EXPECT_EQ(run(api, {"-Ln", "--daemon"}), out);
    EXPECT_TRUE(api.executed.empty());
}

TEST(RunCommand, ListDaemonsWithoutDaemonsPrintsNothing) {
    FakeApi api;
    EXPECT_EQ(run(api, {"-L", "--daemon"}), "");
    EXPECT_EQ(run(api, {"-L", "--daemon", "--json"}), "{\n  \"daemons\": []\n}\n");
    EXPECT_EQ(api.daemon_dumps, 2);
}

TEST(RunCommand, ListDaemonsJson) {
    FakeApi api;
    api.daemons = {test::make_sync_daemon(FNAT_SYNC_STATE_BACKUP),
                   test::make_sync_daemon(FNAT_SYNC_STATE_MASTER)};
    const std::string out = run(api, {"-L", "--daemon", "--json"});
    const std::size_t master = out.find("\"state\": \"master\"");
    const std::size_t backup = out.find("\"state\": \"backup\"");
    ASSERT_NE(master, std::string::npos) << out;
    ASSERT_NE(backup, std::string::npos) << out;
    EXPECT_LT(master, backup);
    EXPECT_NE(out.find("\"records_applied\": 80"), std::string::npos);
}

TEST(RunCommand, StartAndStopDaemonGoToExecute) {
    FakeApi api;
    run(api, {"--start-daemon", "master", "--mcast-interface", "eth0", "--syncid", "5"});
    run(api, {"--stop-daemon", "master"});
    ASSERT_EQ(api.executed.size(), 2U);
    EXPECT_EQ(api.executed[0].command, FNAT_CMD_NEW_DAEMON);
    EXPECT_EQ(api.executed[0].daemon, (DaemonSpec{FNAT_SYNC_STATE_MASTER, "eth0", 5}));
    EXPECT_EQ(api.executed[1].command, FNAT_CMD_DEL_DAEMON);
    EXPECT_EQ(api.executed[1].daemon, (DaemonSpec{FNAT_SYNC_STATE_MASTER}));
    EXPECT_EQ(api.daemon_dumps, 0);
}

// --- IPv6 --------------------------------------------------------------------

// In creation order: a persistent IPv6 UDP service with a prefix mask; an
// IPv6 TCP service with an IPv6 NAT dest and an IPv4 FULLNAT dest (6->4),
// and local addresses of both families, the IPv6 one added first; an IPv4
// service.
FakeApi mixed_api() {
    FakeApi api;
    const Address vip = parse_address("2001:db8::1");
    const Address rip6 = parse_address("2001:db8::10");

    Dest dns_dest = make_dest(1, 53);
    dns_dest.key.address = rip6;
    dns_dest.forward = ForwardMethod::DirectRoute;
    api.entries.push_back(ServiceEntry{
        test::make_service(ServiceKey{IPPROTO_UDP, vip, 53}, "wrr", 60, 64), {dns_dest}});

    Service web = test::make_service(ServiceKey{IPPROTO_TCP, vip, 80}, "rr", 0, 128);
    web.stats = counters(0);
    Dest nat = make_dest(1, 8080);
    nat.key.address = rip6;
    nat.weight = 2;
    nat.active_conns = 3;
    nat.inactive_conns = 4;
    nat.persist_conns = 5;
    Dest fullnat = make_dest(1, 80);
    fullnat.key.address = Address::ipv4(10, 0, 0, 5);
    fullnat.forward = ForwardMethod::FullNat;
    fullnat.u_threshold = 100;
    fullnat.l_threshold = 10;
    fullnat.stats = counters(200'000'000);
    api.entries.push_back(ServiceEntry{web,
                                       {nat, fullnat},
                                       {LocalAddress{parse_address("2001:db8::100"), 7, 0, 0},
                                        LocalAddress{Address::ipv4(10, 0, 9, 1), 2, 1, 3}}});

    api.entries.push_back(ServiceEntry{make_service(1, 80), {make_dest(3, 80)}});
    return api;
}

TEST(RunCommand, Ipv6ListingSortsFamilyFirst) {
    FakeApi api = mixed_api();
    EXPECT_EQ(run(api, {"-Ln"}),
              std::string(kHeader) +
                  "TCP  10.0.0.1:80 rr\n"
                  "  -> 10.0.1.3:80                  Masq    1      0          0         \n"
                  "TCP  [2001:db8::1]:80 rr\n"
                  "  -> 10.0.0.5:80                  FullNat 1      0          0         \n"
                  "  -> [2001:db8::10]:8080          Masq    2      3          4         \n"
                  "UDP  [2001:db8::1]:53 wrr persistent 60 mask 64\n"
                  "  -> [2001:db8::10]:53            Route   1      0          0         \n");
    EXPECT_EQ(run(api, {"-L", "--nosort"}),
              std::string(kHeader) +
                  "UDP  [2001:db8::1]:53 wrr persistent 60 mask 64\n"
                  "  -> [2001:db8::10]:53            Route   1      0          0         \n"
                  "TCP  [2001:db8::1]:80 rr\n"
                  "  -> [2001:db8::10]:8080          Masq    2      3          4         \n"
                  "  -> 10.0.0.5:80                  FullNat 1      0          0         \n"
                  "TCP  10.0.0.1:80 rr\n"
                  "  -> 10.0.1.3:80                  Masq    1      0          0         \n");
}

TEST(RunCommand, Ipv6ListOneServiceInEveryLayout) {
    FakeApi api = mixed_api();
    EXPECT_EQ(run(api, {"-Ln", "-t", "[2001:db8::1]:80"}),
              "Prot LocalAddress:Port Scheduler Flags\n"
              "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
              "TCP  [2001:db8::1]:80 rr\n"
              "  -> 10.0.0.5:80                  FullNat 1      0          0         \n"
              "  -> [2001:db8::10]:8080          Masq    2      3          4         \n");
    EXPECT_EQ(api.gets, 1);
    EXPECT_EQ(run(api, {"-Ln", "--stats", "-t", "[2001:db8::1]:80"}),
              "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
              "  -> RemoteAddress:Port\n"
              "TCP  [2001:db8::1]:80                    1        2        3        4        5\n"
              "  -> 10.0.0.5:80                   200000K  200000K  200000K  200000K  200000K\n"
              "  -> [2001:db8::10]:8080                 0        0        0        0        0\n");
    EXPECT_EQ(run(api, {"-Ln", "--stats", "--exact", "-t", "[2001:db8::1]:80"}),
              "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
              "  -> RemoteAddress:Port\n"
              "TCP  [2001:db8::1]:80                    1        2        3        4        5\n"
              "  -> 10.0.0.5:80                  200000001 200000002 200000003 200000004 "
              "200000005\n"
              "  -> [2001:db8::10]:8080                 0        0        0        0        0\n");
    EXPECT_EQ(run(api, {"-Ln", "--rate", "-t", "[2001:db8::1]:80"}),
              "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
              "  -> RemoteAddress:Port\n"
              "TCP  [2001:db8::1]:80                    6        7        8        9       10\n"
              "  -> 10.0.0.5:80                  200000006 200000007 200000008  200000K  "
              "200000K\n"
              "  -> [2001:db8::10]:8080                 0        0        0        0        0\n");
    EXPECT_EQ(run(api, {"-Ln", "--thresholds", "-t", "[2001:db8::1]:80"}),
              "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
              "  -> RemoteAddress:Port\n"
              "TCP  [2001:db8::1]:80 rr\n"
              "  -> 10.0.0.5:80                  100        10         0          0         \n"
              "  -> [2001:db8::10]:8080          0          0          3          4         \n");
    EXPECT_EQ(run(api, {"-Ln", "--persistent-conn", "-t", "[2001:db8::1]:80"}),
              "Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n"
              "  -> RemoteAddress:Port\n"
              "TCP  [2001:db8::1]:80 rr\n"
              "  -> 10.0.0.5:80                  1         0           0          0         \n"
              "  -> [2001:db8::10]:8080          2         5           3          4         \n");
    // The IPv6 address without brackets, an IPv4 dest with its own.
    const std::string json = run(api, {"-L", "--json", "-u", "[2001:db8::1]:53"});
    EXPECT_NE(json.find("      \"protocol\": \"udp\",\n"
                        "      \"address\": \"2001:db8::1\",\n"
                        "      \"port\": 53,\n"
                        "      \"scheduler\": \"wrr\",\n"
                        "      \"sched_flags\": [],\n"
                        "      \"persistent\": true,\n"
                        "      \"timeout\": 60,\n"
                        "      \"netmask\": 64,\n"),
              std::string::npos)
        << json;
    EXPECT_NE(run(api, {"-L", "--json"})
                  .find("          \"address\": \"10.0.0.5\",\n"
                        "          \"port\": 80,\n"
                        "          \"forward\": \"fullnat\",\n"),
              std::string::npos);
}

TEST(RunCommand, Ipv6Save) {
    FakeApi api = mixed_api();
    EXPECT_EQ(run(api, {"-S", "-n"}), "-A -t 10.0.0.1:80 -s rr\n"
                                      "-a -t 10.0.0.1:80 -r 10.0.1.3:80 -m -w 1\n"
                                      "-A -t [2001:db8::1]:80 -s rr\n"
                                      "-P -t [2001:db8::1]:80 -z 2001:db8::100\n"
                                      "-P -t [2001:db8::1]:80 -z 10.0.9.1\n"
                                      "-a -t [2001:db8::1]:80 -r 10.0.0.5:80 -b -w 1 -x 100 -y 10\n"
                                      "-a -t [2001:db8::1]:80 -r [2001:db8::10]:8080 -m -w 2\n"
                                      "-A -u [2001:db8::1]:53 -s wrr -p 60 -M 64\n"
                                      "-a -u [2001:db8::1]:53 -r [2001:db8::10]:53 -g -w 1\n");
}

TEST(RunCommand, Ipv6GetLaddr) {
    FakeApi api = mixed_api();
    EXPECT_EQ(run(api, {"-G", "-t", "[2001:db8::1]:80"}),
              std::string(kLaddrTitle) +
                  "TCP  [2001:db8::1]:80 2\n"
                  "                              2001:db8::100        0          7          0\n"
                  "                              10.0.9.1             1          2          3\n");
    EXPECT_EQ(api.laddr_filters, (std::vector<std::optional<ServiceKey>>{
                                     ServiceKey{IPPROTO_TCP, parse_address("2001:db8::1"), 80}}));
}

// Connections of an IPv6 service: one to its IPv4 dest (6->4), one to its
// IPv6 dest, one of its UDP twin. The names are ipvsadm's "[ADDR]:PORT",
// padded to 18 and never cut, as its print_conn() does.
FakeApi ipv6_connected_api() {
    FakeApi api = mixed_api();
    const Address vip = parse_address("2001:db8::1");
    const Address rip6 = parse_address("2001:db8::10");
    Conn to_ipv4;
    to_ipv4.protocol = IPPROTO_TCP;
    to_ipv4.caddr = parse_address("2001:db8:ff::5");
    to_ipv4.cport = 40000;
    to_ipv4.vaddr = vip;
    to_ipv4.vport = 80;
    to_ipv4.laddr = Address::ipv4(10, 0, 9, 1);
    to_ipv4.lport = 5000;
    to_ipv4.daddr = Address::ipv4(10, 0, 0, 5);
    to_ipv4.dport = 80;
    to_ipv4.forward = ForwardMethod::FullNat;
    to_ipv4.state = "ESTABLISHED";
    to_ipv4.expires_ms = 899'999;
    Conn to_ipv6 = to_ipv4;
    to_ipv6.cport = 40001;
    to_ipv6.laddr = to_ipv6.caddr;
    to_ipv6.lport = 40001;
    to_ipv6.daddr = rip6;
    to_ipv6.dport = 8080;
    to_ipv6.forward = ForwardMethod::Masquerade;
    to_ipv6.state = "SYN_RECV";
    to_ipv6.expires_ms = 100'000;
    Conn udp = to_ipv6;
    udp.protocol = IPPROTO_UDP;
    udp.caddr = parse_address("2001:db8:ff::6");
    udp.cport = 5353;
    udp.laddr = udp.caddr;
    udp.lport = 5353;
    udp.vport = 53;
    udp.dport = 53;
    udp.forward = ForwardMethod::DirectRoute;
    udp.state = "UDP";
    udp.expires_ms = 999;
    api.conns = {to_ipv4, to_ipv6, udp};
    return api;
}

TEST(RunCommand, Ipv6Connections) {
    FakeApi api = ipv6_connected_api();
    EXPECT_EQ(run(api, {"-Lnc"}),
              std::string(kConnTitle) +
                  "TCP 14:59  ESTABLISHED [2001:db8:ff::5]:40000 [2001:db8::1]:80   10.0.0.5:80\n"
                  "TCP 01:40  SYN_RECV    [2001:db8:ff::5]:40001 [2001:db8::1]:80   "
                  "[2001:db8::10]:8080\n"
                  "UDP 00:00  UDP         [2001:db8:ff::6]:5353 [2001:db8::1]:53   "
                  "[2001:db8::10]:53\n");
    EXPECT_EQ(run(api, {"-Lnc", "-u", "[2001:db8::1]:53"}),
              std::string(kConnTitle) + "UDP 00:00  UDP         [2001:db8:ff::6]:5353 "
                                        "[2001:db8::1]:53   [2001:db8::10]:53\n");
    // The JSON has the local address the real server saw: the IPv4 LIP.
    api.conns.resize(1);
    EXPECT_EQ(run(api, {"-Lc", "--json"}), R"({
  "connections": [
    {
      "protocol": "tcp",
      "client": {
        "address": "2001:db8:ff::5",
        "port": 40000
      },
      "virtual": {
        "address": "2001:db8::1",
        "port": 80
      },
      "local": {
        "address": "10.0.9.1",
        "port": 5000
      },
      "dest": {
        "address": "10.0.0.5",
        "port": 80
      },
      "forward": "fullnat",
      "state": "ESTABLISHED",
      "expires_ms": 899999
    }
  ]
}
)");
}

TEST(RunCommand, Ipv6ChangesSendEachAddressWithItsFamily) {
    FakeApi api;
    run(api, {"-A", "-t", "[2001:db8::1]:80", "-s", "rr"});
    run(api, {"-P", "-t", "[2001:db8::1]:80", "-z", "10.0.9.1"});
    run(api, {"-P", "-t", "[2001:db8::1]:80", "-z", "2001:db8::100"});
    run(api, {"-a", "-t", "[2001:db8::1]:80", "-r", "10.0.0.5:80", "-b"});
    run(api, {"-a", "-t", "[2001:db8::1]:80", "-r", "[2001:db8::10]:8080", "-m", "-w", "2"});
    run(api, {"-e", "-t", "[2001:db8::1]:80", "-r", "10.0.0.5", "-b", "-w", "3"});
    run(api, {"-d", "-t", "[2001:db8::1]:80", "-r", "10.0.0.5"});
    run(api, {"-Q", "-t", "[2001:db8::1]:80", "-z", "10.0.9.1"});
    ASSERT_EQ(api.executed.size(), 8U);
    const ServiceKey service{IPPROTO_TCP, parse_address("2001:db8::1"), 80};
    for (const Request& request : api.executed)
        EXPECT_EQ(request.service->key, service);
    EXPECT_EQ(api.executed[0].service->netmask, 128);
    EXPECT_EQ(api.executed[1].laddr, Address::ipv4(10, 0, 9, 1));
    EXPECT_EQ(api.executed[1].laddr->family, AF_INET);
    EXPECT_EQ(api.executed[2].laddr->family, AF_INET6);
    EXPECT_EQ(api.executed[3].dest->key, (DestKey{Address::ipv4(10, 0, 0, 5), 80}));
    EXPECT_EQ(api.executed[3].dest->key.address.family, AF_INET);
    EXPECT_EQ(api.executed[3].dest->forward, ForwardMethod::FullNat);
    EXPECT_EQ(api.executed[4].dest->key, (DestKey{parse_address("2001:db8::10"), 8080}));
    EXPECT_EQ(api.executed[5].command, FNAT_CMD_SET_DEST);
    EXPECT_EQ(api.executed[5].dest->key, (DestKey{Address::ipv4(10, 0, 0, 5), 80}));
    EXPECT_EQ(api.executed[6].command, FNAT_CMD_DEL_DEST);
    EXPECT_EQ(api.executed[6].dest->key, (DestKey{Address::ipv4(10, 0, 0, 5), 80}));
    EXPECT_EQ(api.executed[7].command, FNAT_CMD_DEL_LADDR);
    EXPECT_EQ(api.executed[7].laddr, Address::ipv4(10, 0, 9, 1));
}

TEST(VersionText, WithAndWithoutModule) {
    EXPECT_EQ(version_text(Info{0x000100, 4096, 0}, ""),
              "fnatadm v" FNATADM_VERSION " (FNAT version 0.1.0)\n");
    EXPECT_EQ(version_text(std::nullopt, "FNAT module not loaded"),
              "fnatadm v" FNATADM_VERSION " (FNAT module not loaded)\n");
}

} // namespace
} // namespace fnat

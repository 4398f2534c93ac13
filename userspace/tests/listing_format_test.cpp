#include <netinet/in.h>
#include <string>

#include <gtest/gtest.h>

#include "lib/address.h"
#include "lib/listing_format.h"
#include "tests/test_model.h"

namespace fnat {
namespace {

Info info_4096() {
    return Info{FNAT_VERSION_CODE, 4096, 1};
}

using test::make_service;

Dest dest(Address address, std::uint16_t port, ForwardMethod forward, std::uint32_t weight = 1,
          std::uint32_t active = 0, std::uint32_t inactive = 0) {
    Dest d;
    d.key = DestKey{address, port};
    d.forward = forward;
    d.weight = weight;
    d.active_conns = active;
    d.inactive_conns = inactive;
    return d;
}

Table seed_table() {
    Table table;
    table.info = info_4096();
    table.services.push_back(ServiceEntry{
        make_service(ServiceKey{IPPROTO_TCP, Address::ipv4(192, 168, 0, 240), 80}, "rr", 20),
        {dest(Address::ipv4(192, 168, 0, 223), 80, ForwardMethod::DirectRoute),
         dest(Address::ipv4(192, 168, 0, 224), 80, ForwardMethod::DirectRoute)}});
    return table;
}

TEST(ListingText, SeedPersistentDirectRouting) {
    EXPECT_EQ(format_listing_text(seed_table()),
              "FNAT version 0.1.0 (size=4096)\n"
              "Prot LocalAddress:Port Scheduler Flags\n"
              "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
              "TCP  192.168.0.240:80 rr persistent 20\n"
              "  -> 192.168.0.223:80             Route   1      0          0         \n"
              "  -> 192.168.0.224:80             Route   1      0          0         \n");
}

TEST(ListingText, SeedMasquerading) {
    Table table;
    table.info = info_4096();
    table.services.push_back(ServiceEntry{
        make_service(ServiceKey{IPPROTO_TCP, Address::ipv4(172, 16, 1, 134), 80}, "rr"),
        {dest(Address::ipv4(172, 16, 1, 135), 80, ForwardMethod::Masquerade),
         dest(Address::ipv4(172, 16, 1, 136), 80, ForwardMethod::Masquerade)}});
    EXPECT_EQ(format_listing_text(table),
              "FNAT version 0.1.0 (size=4096)\n"
              "Prot LocalAddress:Port Scheduler Flags\n"
              "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
              "TCP  172.16.1.134:80 rr\n"
              "  -> 172.16.1.135:80              Masq    1      0          0         \n"
              "  -> 172.16.1.136:80              Masq    1      0          0         \n");
}

TEST(ListingText, EmptyTable) {
    Table table;
    table.info = Info{FNAT_VERSION_CODE, 65536, 0};
    EXPECT_EQ(format_listing_text(table),
              "FNAT version 0.1.0 (size=65536)\n"
              "Prot LocalAddress:Port Scheduler Flags\n"
              "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
}

TEST(ListingText, OneServiceHasNoVersionLine) {
    EXPECT_EQ(format_listing_text(seed_table(), false),
              "Prot LocalAddress:Port Scheduler Flags\n"
              "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
              "TCP  192.168.0.240:80 rr persistent 20\n"
              "  -> 192.168.0.223:80             Route   1      0          0         \n"
              "  -> 192.168.0.224:80             Route   1      0          0         \n");
}

TEST(ListingText, EveryForwardName) {
    const Address rip = Address::ipv4(10, 0, 0, 1);
    EXPECT_EQ(format_dest_line(dest(rip, 80, ForwardMethod::DirectRoute)),
              "  -> 10.0.0.1:80                  Route   1      0          0         \n");
    EXPECT_EQ(format_dest_line(dest(rip, 80, ForwardMethod::Tunnel)),
              "  -> 10.0.0.1:80                  Tunnel  1      0          0         \n");
    EXPECT_EQ(format_dest_line(dest(rip, 80, ForwardMethod::Masquerade)),
              "  -> 10.0.0.1:80                  Masq    1      0          0         \n");
    EXPECT_EQ(format_dest_line(dest(rip, 80, ForwardMethod::FullNat)),
              "  -> 10.0.0.1:80                  FullNat 1      0          0         \n");
    EXPECT_EQ(format_dest_line(dest(rip, 80, static_cast<ForwardMethod>(9))),
              "  -> 10.0.0.1:80                  Unknown 1      0          0         \n");
}

TEST(ListingText, WideNumbersKeepTheirColumnsStarts) {
    EXPECT_EQ(format_dest_line(dest(Address::ipv4(10, 0, 0, 1), 65535, ForwardMethod::Masquerade,
                                    65535, 4294967295U, 1234567)),
              "  -> 10.0.0.1:65535               Masq    65535  4294967295 1234567   \n");
}

TEST(ListingText, PersistenceWithMask) {
    EXPECT_EQ(format_service_line(make_service(
                  ServiceKey{IPPROTO_TCP, Address::ipv4(10, 0, 0, 1), 443}, "wlc", 300, 24)),
              "TCP  10.0.0.1:443 wlc persistent 300 mask 255.255.255.0\n");
    EXPECT_EQ(format_service_line(
                  make_service(ServiceKey{IPPROTO_TCP, Address::ipv4(10, 0, 0, 1), 0}, "sh", 1, 0)),
              "TCP  10.0.0.1:0 sh persistent 1 mask 0.0.0.0\n");
}

TEST(ListingText, MaskIsShownOnlyForPersistentServices) {
    EXPECT_EQ(format_service_line(make_service(
                  ServiceKey{IPPROTO_UDP, Address::ipv4(10, 0, 0, 1), 53}, "rr", 0, 24)),
              "UDP  10.0.0.1:53 rr\n");
}

TEST(ListingText, Ipv6UsesBracketsAndPrefixMask) {
    Address vip = parse_endpoint("[2001:db8::1]").address;
    EXPECT_EQ(format_service_line(make_service(ServiceKey{IPPROTO_TCP, vip, 80}, "rr", 60, 64)),
              "TCP  [2001:db8::1]:80 rr persistent 60 mask 64\n");
    EXPECT_EQ(format_service_line(make_service(ServiceKey{IPPROTO_TCP, vip, 80}, "rr", 60, 128)),
              "TCP  [2001:db8::1]:80 rr persistent 60\n");
    EXPECT_EQ(format_dest_line(
                  dest(parse_endpoint("[2001:db8::a]").address, 8080, ForwardMethod::FullNat)),
              "  -> [2001:db8::a]:8080           FullNat 1      0          0         \n");
}

// --- scheduler flags in the service line ------------------------------------

Service with_flags(Service service, std::uint32_t flags) {
    service.flags |= flags;
    return service;
}

TEST(ListingText, SchedFlagsAfterTheScheduler) {
    const ServiceKey key{IPPROTO_TCP, Address::ipv4(10, 0, 0, 1), 80};
    EXPECT_EQ(
        format_service_line(with_flags(make_service(key, "sh"),
                                       FNAT_SVC_F_SCHED_SH_FALLBACK | FNAT_SVC_F_SCHED_SH_PORT)),
        "TCP  10.0.0.1:80 sh (sh-fallback,sh-port)\n");
    EXPECT_EQ(format_service_line(with_flags(make_service(key, "sh"), FNAT_SVC_F_SCHED_SH_PORT)),
              "TCP  10.0.0.1:80 sh (sh-port)\n");
    EXPECT_EQ(
        format_service_line(with_flags(make_service(key, "mh"), FNAT_SVC_F_SCHED_MH_FALLBACK)),
        "TCP  10.0.0.1:80 mh (mh-fallback)\n");
    EXPECT_EQ(format_service_line(
                  with_flags(make_service(key, "wlc"), FNAT_SVC_F_SCHED1 | FNAT_SVC_F_SCHED3)),
              "TCP  10.0.0.1:80 wlc (flag-1,flag-3)\n");
    EXPECT_EQ(format_service_line(make_service(key, "sh")), "TCP  10.0.0.1:80 sh\n");
}

TEST(ListingText, SchedFlagsBeforeThePersistence) {
    // ipvsadm 1.31: "%s %s", " (" flags ")", " persistent %u", " mask %s".
    EXPECT_EQ(
        format_service_line(with_flags(
            make_service(ServiceKey{IPPROTO_UDP, Address::ipv4(10, 0, 0, 1), 0}, "sh", 360, 24),
            FNAT_SVC_F_SCHED_SH_PORT)),
        "UDP  10.0.0.1:0 sh (sh-port) persistent 360 mask 255.255.255.0\n");
}

TEST(ListingText, SynproxyAfterThePersistence) {
    const ServiceKey vip{IPPROTO_TCP, Address::ipv4(10, 0, 0, 1), 80};
    EXPECT_EQ(format_service_line(with_flags(make_service(vip, "wlc"), FNAT_SVC_F_SYNPROXY)),
              "TCP  10.0.0.1:80 wlc synproxy\n");
    EXPECT_EQ(format_service_line(with_flags(make_service(vip, "wlc", 360),
                                             FNAT_SVC_F_PERSISTENT | FNAT_SVC_F_SYNPROXY)),
              "TCP  10.0.0.1:80 wlc persistent 360 synproxy\n");
    EXPECT_EQ(format_service_line(with_flags(make_service(vip, "sh", 60, 24),
                                             FNAT_SVC_F_PERSISTENT | FNAT_SVC_F_SCHED_SH_PORT |
                                                 FNAT_SVC_F_SYNPROXY)),
              "TCP  10.0.0.1:80 sh (sh-port) persistent 60 mask 255.255.255.0 synproxy\n");
    const ServiceKey vip6{IPPROTO_TCP, parse_address("2001:db8::1"), 443};
    EXPECT_EQ(format_service_line(with_flags(make_service(vip6, "rr", 60, 64),
                                             FNAT_SVC_F_PERSISTENT | FNAT_SVC_F_SYNPROXY)),
              "TCP  [2001:db8::1]:443 rr persistent 60 mask 64 synproxy\n");
    Table table;
    table.services.push_back({with_flags(make_service(vip, "wlc"), FNAT_SVC_F_SYNPROXY), {}});
    EXPECT_NE(format_listing_json(table).find(R"("synproxy": true,)"), std::string::npos);
    EXPECT_EQ(format_listing_json(table).find(R"("synproxy": false,)"), std::string::npos);
}

TEST(ListingText, SynproxyInTheLayoutsThatShowTheServiceLine) {
    Table table;
    table.info = info_4096();
    table.services.push_back(ServiceEntry{
        with_flags(make_service(ServiceKey{IPPROTO_TCP, Address::ipv4(10, 0, 0, 1), 80}, "rr"),
                   FNAT_SVC_F_SYNPROXY),
        {dest(Address::ipv4(10, 0, 1, 1), 8080, ForwardMethod::Masquerade, 1, 3, 7)}});
    EXPECT_EQ(format_listing_text(table),
              "FNAT version 0.1.0 (size=4096)\n"
              "Prot LocalAddress:Port Scheduler Flags\n"
              "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
              "TCP  10.0.0.1:80 rr synproxy\n"
              "  -> 10.0.1.1:8080                Masq    1      3          7         \n");
    for (ListingColumns columns : {ListingColumns::Thresholds, ListingColumns::PersistentConn})
        EXPECT_NE(format_listing_text(table, true, ListingStyle{columns})
                      .find("\nTCP  10.0.0.1:80 rr synproxy\n"),
                  std::string::npos);
}

TEST(ListingText, ShAndMhFlag3IsUnnamedLikeIpvsadm) {
    const ServiceKey key{IPPROTO_TCP, Address::ipv4(10, 0, 0, 1), 80};
    EXPECT_EQ(format_service_line(with_flags(make_service(key, "sh"), FNAT_SVC_F_SCHED3)),
              "TCP  10.0.0.1:80 sh ()\n");
    EXPECT_EQ(format_service_line(
                  with_flags(make_service(key, "mh"), FNAT_SVC_F_SCHED2 | FNAT_SVC_F_SCHED3)),
              "TCP  10.0.0.1:80 mh (mh-port)\n");
}

// --- -L --thresholds and -L --persistent-conn ---------------------------------

Table thresholds_table() {
    Table table;
    table.info = info_4096();
    Dest limited = dest(Address::ipv4(192, 168, 0, 223), 80, ForwardMethod::DirectRoute, 1, 3, 7);
    limited.u_threshold = 100;
    limited.l_threshold = 50;
    limited.persist_conns = 2;
    Dest wide = dest(Address::ipv4(192, 168, 0, 224), 8080, ForwardMethod::Masquerade, 65535,
                     4294967295U, 1234567);
    wide.u_threshold = 4294967295U;
    wide.l_threshold = 1234567890;
    wide.persist_conns = 4294967295U;
    table.services.push_back(ServiceEntry{
        with_flags(
            make_service(ServiceKey{IPPROTO_TCP, Address::ipv4(192, 168, 0, 240), 80}, "sh", 20),
            FNAT_SVC_F_SCHED_SH_FALLBACK),
        {limited, wide}});
    table.services.push_back(ServiceEntry{
        make_service(ServiceKey{IPPROTO_UDP, Address::ipv4(192, 168, 0, 53), 53}, "rr"), {}});
    return table;
}

TEST(ListingText, Thresholds) {
    EXPECT_EQ(
        format_listing_text(thresholds_table(), true, ListingStyle{ListingColumns::Thresholds}),
        "FNAT version 0.1.0 (size=4096)\n"
        "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
        "  -> RemoteAddress:Port\n"
        "TCP  192.168.0.240:80 sh (sh-fallback) persistent 20\n"
        "  -> 192.168.0.223:80             100        50         3          7         \n"
        "  -> 192.168.0.224:8080           4294967295 1234567890 4294967295 1234567   \n"
        "UDP  192.168.0.53:53 rr\n");
}

TEST(ListingText, ThresholdsOfOneServiceHasNoVersionLine) {
    Table table = thresholds_table();
    table.services.pop_back();
    table.services.front().dests.pop_back();
    EXPECT_EQ(format_listing_text(table, false, ListingStyle{ListingColumns::Thresholds}),
              "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
              "  -> RemoteAddress:Port\n"
              "TCP  192.168.0.240:80 sh (sh-fallback) persistent 20\n"
              "  -> 192.168.0.223:80             100        50         3          7         \n");
}

TEST(ListingText, PersistentConn) {
    EXPECT_EQ(
        format_listing_text(thresholds_table(), true, ListingStyle{ListingColumns::PersistentConn}),
        "FNAT version 0.1.0 (size=4096)\n"
        "Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n"
        "  -> RemoteAddress:Port\n"
        "TCP  192.168.0.240:80 sh (sh-fallback) persistent 20\n"
        "  -> 192.168.0.223:80             1         2           3          7         \n"
        "  -> 192.168.0.224:8080           65535     4294967295  4294967295 1234567   \n"
        "UDP  192.168.0.53:53 rr\n");
}

TEST(ListingText, ThresholdsAndPersistentConnEmptyTable) {
    Table table;
    table.info = Info{FNAT_VERSION_CODE, 65536, 0};
    EXPECT_EQ(format_listing_text(table, true, ListingStyle{ListingColumns::Thresholds}),
              "FNAT version 0.1.0 (size=65536)\n"
              "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
              "  -> RemoteAddress:Port\n");
    EXPECT_EQ(format_listing_text(table, true, ListingStyle{ListingColumns::PersistentConn}),
              "FNAT version 0.1.0 (size=65536)\n"
              "Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n"
              "  -> RemoteAddress:Port\n");
}

TEST(ListingText, ThresholdsAndPersistentConnIpv6) {
    Dest d = dest(parse_endpoint("[2001:db8::2]:80").address, 80, ForwardMethod::FullNat, 5, 1, 2);
    d.u_threshold = 10;
    d.persist_conns = 4;
    EXPECT_EQ(format_thresholds_dest_line(d),
              "  -> [2001:db8::2]:80             10         0          1          2         \n");
    EXPECT_EQ(format_persistent_conn_dest_line(d),
              "  -> [2001:db8::2]:80             5         4           1          2         \n");
}

TEST(ListingJson, SchedFlags) {
    Table table;
    table.info = info_4096();
    table.services.push_back(ServiceEntry{
        with_flags(make_service(ServiceKey{IPPROTO_TCP, Address::ipv4(10, 0, 0, 1), 80}, "sh"),
                   FNAT_SVC_F_SCHED_SH_FALLBACK | FNAT_SVC_F_SCHED_SH_PORT | FNAT_SVC_F_SCHED3),
        {}});
    table.services.push_back(ServiceEntry{
        with_flags(make_service(ServiceKey{IPPROTO_TCP, Address::ipv4(10, 0, 0, 2), 80}, "wrr"),
                   FNAT_SVC_F_SCHED2),
        {}});
    const std::string json = format_listing_json(table);
    EXPECT_NE(json.find(R"("scheduler": "sh",
      "sched_flags": [
        "sh-fallback",
        "sh-port",
        "flag-3"
      ],
      "persistent": false,)"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find(R"("scheduler": "wrr",
      "sched_flags": [
        "flag-2"
      ],)"),
              std::string::npos)
        << json;
}

TEST(ListingJson, SeedTable) {
    Table table = seed_table();
    table.services[0].dests[1].weight = 3;
    table.services[0].dests[1].active_conns = 4;
    table.services[0].dests[1].inactive_conns = 5;
    table.services[0].dests[1].persist_conns = 6;
    table.services[0].dests[1].u_threshold = 100;
    table.services[0].dests[1].l_threshold = 50;
    // Distinct values, each above 2^32, show that every counter lands in its
    // own field.
    constexpr std::uint64_t kBig = 1ULL << 40;
    table.services[0].service.stats =
        Stats{kBig + 1, kBig + 2, kBig + 3, kBig + 4, kBig + 5, 6, 7, 8, 9, 10};
    table.services[0].dests[1].stats = Stats{11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    EXPECT_EQ(format_listing_json(table), R"({
  "version": "0.1.0",
  "conn_tab_size": 4096,
  "services": [
    {
      "protocol": "tcp",
      "address": "192.168.0.240",
      "port": 80,
      "scheduler": "rr",
      "sched_flags": [],
      "persistent": true,
      "timeout": 20,
      "netmask": 32,
      "synproxy": false,
      "stats": {
        "conns": 1099511627777,
        "inpkts": 1099511627778,
        "outpkts": 1099511627779,
        "inbytes": 1099511627780,
        "outbytes": 1099511627781
      },
      "rate": {
        "cps": 6,
        "inpps": 7,
        "outpps": 8,
        "inbps": 9,
        "outbps": 10
      },
      "dests": [
        {
          "address": "192.168.0.223",
          "port": 80,
          "forward": "route",
          "weight": 1,
          "u_threshold": 0,
          "l_threshold": 0,
          "active_conns": 0,
          "inactive_conns": 0,
          "persist_conns": 0,
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
          }
        },
        {
          "address": "192.168.0.224",
          "port": 80,
          "forward": "route",
          "weight": 3,
          "u_threshold": 100,
          "l_threshold": 50,
          "active_conns": 4,
          "inactive_conns": 5,
          "persist_conns": 6,
          "stats": {
            "conns": 11,
            "inpkts": 12,
            "outpkts": 13,
            "inbytes": 14,
            "outbytes": 15
          },
          "rate": {
            "cps": 16,
            "inpps": 17,
            "outpps": 18,
            "inbps": 19,
            "outbps": 20
          }
        }
      ]
    }
  ]
}
)");
}

TEST(ListingJson, EmptyTable) {
    Table table;
    table.info = Info{0x010203, 256, 0};
    EXPECT_EQ(format_listing_json(table), R"({
  "version": "1.2.3",
  "conn_tab_size": 256,
  "services": []
}
)");
}

TEST(ListingJson, NonPersistentUdpServiceWithoutDests) {
    Table table;
    table.info = info_4096();
    Service svc = make_service(ServiceKey{IPPROTO_UDP, Address::ipv4(10, 0, 0, 53), 53}, "wlc");
    svc.timeout = 300; // kept by the kernel, but not in effect
    table.services.push_back(ServiceEntry{svc, {}});
    EXPECT_EQ(format_listing_json(table), R"({
  "version": "0.1.0",
  "conn_tab_size": 4096,
  "services": [
    {
      "protocol": "udp",
      "address": "10.0.0.53",
      "port": 53,
      "scheduler": "wlc",
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

TEST(ListingJson, ForwardNamesAndIpv6) {
    EXPECT_EQ(forward_json_name(ForwardMethod::DirectRoute), "route");
    EXPECT_EQ(forward_json_name(ForwardMethod::Tunnel), "tunnel");
    EXPECT_EQ(forward_json_name(ForwardMethod::Masquerade), "masq");
    EXPECT_EQ(forward_json_name(ForwardMethod::FullNat), "fullnat");
    Table table;
    table.info = info_4096();
    table.services.push_back(ServiceEntry{
        make_service(ServiceKey{IPPROTO_TCP, parse_endpoint("[2001:db8::1]").address, 80}, "rr", 0,
                     128),
        {dest(parse_endpoint("[2001:db8::2]").address, 80, ForwardMethod::FullNat)}});
    std::string json = format_listing_json(table);
    EXPECT_NE(json.find(R"("address": "2001:db8::1",)"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("netmask": 128,)"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("forward": "fullnat",)"), std::string::npos) << json;
}

TEST(TimeoutText, IpvsadmLine) {
    EXPECT_EQ(format_timeout_text(Timeouts{FNAT_TIMEOUT_TCP_DEFAULT, FNAT_TIMEOUT_TCP_FIN_DEFAULT,
                                           FNAT_TIMEOUT_UDP_DEFAULT}),
              "Timeout (tcp tcpfin udp): 7440 120 300\n");
    EXPECT_EQ(format_timeout_text(Timeouts{30, 120, 60}), "Timeout (tcp tcpfin udp): 30 120 60\n");
    EXPECT_EQ(format_timeout_text(Timeouts{2678400, 1, 2678400}),
              "Timeout (tcp tcpfin udp): 2678400 1 2678400\n");
}

TEST(TimeoutJson, SmallObject) {
    EXPECT_EQ(format_timeout_json(Timeouts{7440, 120, 300}), R"({
  "tcp": 7440,
  "tcpfin": 120,
  "udp": 300
}
)");
    EXPECT_EQ(format_timeout_json(Timeouts{1, 2, 2678400}), R"({
  "tcp": 1,
  "tcpfin": 2,
  "udp": 2678400
}
)");
}

TEST(VersionLine, FromInfo) {
    EXPECT_EQ(format_version_line(Info{0x000100, 4096, 0}), "FNAT version 0.1.0 (size=4096)\n");
    EXPECT_EQ(format_version_line(Info{0x020a03, 1048576, 0}),
              "FNAT version 2.10.3 (size=1048576)\n");
}

} // namespace
} // namespace fnat

#include <netinet/in.h>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/options.h"
#include "lib/request_builder.h"
#include "lib/save_format.h"
#include "tests/test_model.h"

namespace fnat {
namespace {

using test::make_service;

Dest dest(Address address, std::uint16_t port, ForwardMethod forward, std::uint32_t weight = 1,
          std::uint32_t upper = 0, std::uint32_t lower = 0) {
    Dest d;
    d.key = DestKey{address, port};
    d.forward = forward;
    d.weight = weight;
    d.u_threshold = upper;
    d.l_threshold = lower;
    d.active_conns = 7; // counters are never saved
    d.inactive_conns = 8;
    d.persist_conns = 9;
    return d;
}

ServiceKey tcp(Address address, std::uint16_t port) {
    return ServiceKey{IPPROTO_TCP, address, port};
}

ServiceKey udp(Address address, std::uint16_t port) {
    return ServiceKey{IPPROTO_UDP, address, port};
}

Service with_flags(Service service, std::uint32_t flags) {
    service.flags |= flags;
    return service;
}

// Every kind of service and destination fnat has, scheduler flags and local
// addresses, in -L order.
Table full_table() {
    Table table;
    table.info = Info{FNAT_VERSION_CODE, 4096, 6};
    table.services.push_back(
        ServiceEntry{with_flags(make_service(tcp(Address::ipv4(10, 9, 9, 9), 0), "sh", 1, 0),
                                FNAT_SVC_F_SCHED_SH_FALLBACK | FNAT_SVC_F_SCHED_SH_PORT),
                     {}});
    table.services.push_back(
        ServiceEntry{with_flags(make_service(tcp(Address::ipv4(10, 9, 9, 10), 80), "mh"),
                                FNAT_SVC_F_SCHED_MH_PORT | FNAT_SVC_F_SCHED3),
                     {dest(Address::ipv4(10, 9, 8, 1), 80, ForwardMethod::DirectRoute)}});
    table.services.push_back(
        ServiceEntry{make_service(tcp(Address::ipv4(172, 16, 1, 111), 80), "rr"),
                     {dest(Address::ipv4(172, 16, 1, 134), 80, ForwardMethod::Tunnel),
                      dest(Address::ipv4(172, 16, 1, 135), 80, ForwardMethod::Tunnel, 3, 10, 0)}});
    table.services.push_back(ServiceEntry{
        make_service(tcp(Address::ipv4(172, 16, 1, 134), 80), "wrr", 30, 16),
        {dest(Address::ipv4(172, 16, 1, 135), 80, ForwardMethod::Masquerade, 2),
         dest(Address::ipv4(172, 16, 1, 136), 8080, ForwardMethod::Masquerade, 65535, 10, 5),
         dest(Address::ipv4(172, 16, 1, 137), 8443, ForwardMethod::FullNat, 0, 0, 4)},
        {LocalAddress{Address::ipv4(172, 16, 9, 2), 1, 2, 3},
         LocalAddress{Address::ipv4(172, 16, 9, 1), 0, 0, 0}}});
    table.services.push_back(
        ServiceEntry{make_service(tcp(Address::ipv4(192, 168, 0, 240), 80), "rr", 20),
                     {dest(Address::ipv4(192, 168, 0, 223), 80, ForwardMethod::DirectRoute),
                      dest(Address::ipv4(192, 168, 0, 224), 80, ForwardMethod::DirectRoute)}});
    // The mask is kept by the kernel but not in effect, so not saved.
    table.services.push_back(
        ServiceEntry{make_service(udp(Address::ipv4(10, 0, 0, 53), 53), "wlc", 0, 24),
                     {dest(Address::ipv4(10, 0, 1, 1), 5353, ForwardMethod::Masquerade, 0)}});
    return table;
}

const char* const kFullTableSaved =
    "-A -t 10.9.9.9:0 -s sh -p 1 -M 0.0.0.0 -b sh-fallback,sh-port\n"
    "-A -t 10.9.9.10:80 -s mh -b mh-port,flag-3\n"
    "-a -t 10.9.9.10:80 -r 10.9.8.1:80 -g -w 1\n"
    "-A -t 172.16.1.111:80 -s rr\n"
    "-a -t 172.16.1.111:80 -r 172.16.1.134:80 -i -w 1 --tun-type ipip\n"
    "-a -t 172.16.1.111:80 -r 172.16.1.135:80 -i -w 3 --tun-type ipip -x 10\n"
    "-A -t 172.16.1.134:80 -s wrr -p 30 -M 255.255.0.0\n"
    "-P -t 172.16.1.134:80 -z 172.16.9.2\n"
    "-P -t 172.16.1.134:80 -z 172.16.9.1\n"
    "-a -t 172.16.1.134:80 -r 172.16.1.135:80 -m -w 2\n"
    "-a -t 172.16.1.134:80 -r 172.16.1.136:8080 -m -w 65535 -x 10 -y 5\n"
    "-a -t 172.16.1.134:80 -r 172.16.1.137:8443 -b -w 0 -y 4\n"
    "-A -t 192.168.0.240:80 -s rr -p 20\n"
    "-a -t 192.168.0.240:80 -r 192.168.0.223:80 -g -w 1\n"
    "-a -t 192.168.0.240:80 -r 192.168.0.224:80 -g -w 1\n"
    "-A -u 10.0.0.53:53 -s wlc\n"
    "-a -u 10.0.0.53:53 -r 10.0.1.1:5353 -m -w 0\n";

TEST(SaveFormat, EveryKindOfRule) {
    EXPECT_EQ(format_save(full_table()), kFullTableSaved);
}

TEST(SaveFormat, EmptyTablePrintsNothing) {
    Table table;
    table.info = Info{FNAT_VERSION_CODE, 4096, 0};
    EXPECT_EQ(format_save(table), "");
}

TEST(SaveFormat, LocalAddressesFollowTheServiceLine) {
    Table table;
    const ServiceKey vip = tcp(Address::ipv4(192, 168, 0, 240), 80);
    table.services.push_back(
        ServiceEntry{make_service(vip, "rr"),
                     {dest(Address::ipv4(192, 168, 0, 223), 8080, ForwardMethod::FullNat, 2)},
                     {LocalAddress{Address::ipv4(10, 0, 9, 2), 7, 8, 9}, // counters are never saved
                      LocalAddress{Address::ipv4(10, 0, 9, 1), 0, 0, 0}}});
    table.services.push_back(
        ServiceEntry{make_service(udp(Address::ipv4(192, 168, 0, 53), 53), "wlc"),
                     {},
                     {LocalAddress{Address::ipv4(10, 0, 9, 3), 0, 0, 0}}});
    EXPECT_EQ(format_save(table), "-A -t 192.168.0.240:80 -s rr\n"
                                  "-P -t 192.168.0.240:80 -z 10.0.9.2\n"
                                  "-P -t 192.168.0.240:80 -z 10.0.9.1\n"
                                  "-a -t 192.168.0.240:80 -r 192.168.0.223:8080 -b -w 2\n"
                                  "-A -u 192.168.0.53:53 -s wlc\n"
                                  "-P -u 192.168.0.53:53 -z 10.0.9.3\n");
}

TEST(SaveFormat, Ipv6LocalAddressHasNoBrackets) {
    const Address vip = parse_endpoint("[2001:db8::1]").address;
    EXPECT_EQ(format_save_laddr_line(make_service(tcp(vip, 80), "rr"),
                                     LocalAddress{parse_endpoint("2001:db8::9").address, 0, 0, 0}),
              "-P -t [2001:db8::1]:80 -z 2001:db8::9\n");
}

TEST(SaveFormat, ServiceWithoutDests) {
    Table table;
    table.services.push_back(
        ServiceEntry{make_service(tcp(Address::ipv4(192, 168, 0, 240), 443), "wlc"), {}});
    EXPECT_EQ(format_save(table), "-A -t 192.168.0.240:443 -s wlc\n");
}

TEST(SaveFormat, PersistenceAndMask) {
    const ServiceKey vip = tcp(Address::ipv4(10, 0, 0, 1), 443);
    EXPECT_EQ(format_save_service_line(make_service(vip, "wlc", 300)),
              "-A -t 10.0.0.1:443 -s wlc -p 300\n");
    EXPECT_EQ(format_save_service_line(make_service(vip, "wlc", 300, 24)),
              "-A -t 10.0.0.1:443 -s wlc -p 300 -M 255.255.255.0\n");
    EXPECT_EQ(format_save_service_line(make_service(vip, "lblc", 2678400, 31)),
              "-A -t 10.0.0.1:443 -s lblc -p 2678400 -M 255.255.255.254\n");
    // Not persistent: neither -p nor -M, whatever the kernel keeps.
    Service kept = make_service(vip, "rr", 0, 8);
    kept.timeout = 300;
    EXPECT_EQ(format_save_service_line(kept), "-A -t 10.0.0.1:443 -s rr\n");
}

TEST(SaveFormat, Ipv6UsesBracketsAndPrefixMask) {
    const Address vip = parse_endpoint("[2001:db8::1]").address;
    EXPECT_EQ(format_save_service_line(make_service(tcp(vip, 80), "rr", 60, 64)),
              "-A -t [2001:db8::1]:80 -s rr -p 60 -M 64\n");
    EXPECT_EQ(format_save_service_line(make_service(udp(vip, 53), "rr", 60, 128)),
              "-A -u [2001:db8::1]:53 -s rr -p 60\n");
    EXPECT_EQ(format_save_dest_line(make_service(tcp(vip, 80), "rr"),
                                    dest(parse_endpoint("[2001:db8::a]").address, 8080,
                                         ForwardMethod::Masquerade, 5)),
              "-a -t [2001:db8::1]:80 -r [2001:db8::a]:8080 -m -w 5\n");
}

TEST(SaveFormat, ForwardOptions) {
    EXPECT_EQ(forward_option(ForwardMethod::DirectRoute), "-g");
    EXPECT_EQ(forward_option(ForwardMethod::Tunnel), "-i");
    EXPECT_EQ(forward_option(ForwardMethod::Masquerade), "-m");
    EXPECT_EQ(forward_option(ForwardMethod::FullNat), "-b");
    EXPECT_EQ(forward_option(static_cast<ForwardMethod>(9)), "?");
}

TEST(SaveFormat, ThresholdsOnlyWhenSet) {
    const Service svc = make_service(tcp(Address::ipv4(10, 0, 0, 1), 80), "rr");
    const Address rip = Address::ipv4(10, 0, 1, 1);
    EXPECT_EQ(format_save_dest_line(svc, dest(rip, 80, ForwardMethod::DirectRoute, 1, 0, 0)),
              "-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 1\n");
    EXPECT_EQ(format_save_dest_line(svc, dest(rip, 80, ForwardMethod::DirectRoute, 1, 4294967295U)),
              "-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 1 -x 4294967295\n");
    EXPECT_EQ(format_save_dest_line(svc, dest(rip, 80, ForwardMethod::DirectRoute, 1, 0, 7)),
              "-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 1 -y 7\n");
}

TEST(SaveFormat, SchedFlagsAfterThePersistence) {
    // ipvsadm 1.31: "-A %s -s %s", " -p %u", " -M %s", then " -b " and the
    // flags as its listing names them.
    const ServiceKey vip = tcp(Address::ipv4(10, 0, 0, 1), 80);
    EXPECT_EQ(format_save_service_line(with_flags(make_service(vip, "sh"), FNAT_SVC_F_SCHED2)),
              "-A -t 10.0.0.1:80 -s sh -b sh-port\n");
    EXPECT_EQ(format_save_service_line(
                  with_flags(make_service(vip, "sh", 360, 24), FNAT_SVC_F_SCHED_SH_FALLBACK)),
              "-A -t 10.0.0.1:80 -s sh -p 360 -M 255.255.255.0 -b sh-fallback\n");
    EXPECT_EQ(
        format_save_service_line(with_flags(make_service(vip, "mh"), FNAT_SVC_F_SCHED_MH_FALLBACK |
                                                                         FNAT_SVC_F_SCHED_MH_PORT)),
        "-A -t 10.0.0.1:80 -s mh -b mh-fallback,mh-port\n");
    EXPECT_EQ(format_save_service_line(
                  with_flags(make_service(vip, "rr", 60), FNAT_SVC_F_SCHED1 | FNAT_SVC_F_SCHED3)),
              "-A -t 10.0.0.1:80 -s rr -p 60 -b flag-1,flag-3\n");
}

TEST(SaveFormat, SynproxyLast) {
    const ServiceKey vip = tcp(Address::ipv4(10, 0, 0, 1), 80);
    EXPECT_EQ(format_save_service_line(with_flags(make_service(vip, "rr"), FNAT_SVC_F_SYNPROXY)),
              "-A -t 10.0.0.1:80 -s rr -j\n");
    EXPECT_EQ(format_save_service_line(
                  with_flags(make_service(vip, "sh", 360, 24),
                             FNAT_SVC_F_PERSISTENT | FNAT_SVC_F_SCHED2 | FNAT_SVC_F_SYNPROXY)),
              "-A -t 10.0.0.1:80 -s sh -p 360 -M 255.255.255.0 -b sh-port -j\n");
}

TEST(SaveFormat, ShFlag3IsSavedAsFlag3) {
    // ipvsadm prints "-b " with nothing after it, which no ipvsadm can read
    // back; fnatadm names it so that -R restores it.
    EXPECT_EQ(format_save_service_line(with_flags(
                  make_service(tcp(Address::ipv4(10, 0, 0, 1), 80), "sh"), FNAT_SVC_F_SCHED3)),
              "-A -t 10.0.0.1:80 -s sh -b flag-3\n");
}

TEST(SaveFormat, UnknownProtocolIsIpvsadmsPlaceholder) {
    EXPECT_EQ(format_save_service_line(
                  make_service(ServiceKey{IPPROTO_SCTP, Address::ipv4(10, 0, 0, 1), 80}, "rr")),
              "-A --xxx-service 10.0.0.1:80 -s rr\n");
}

// --- the saved lines are fnatadm commands ------------------------------------

std::vector<std::string> words(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> out;
    for (std::string word; in >> word;)
        out.push_back(word);
    return out;
}

std::vector<Request> replay(const std::string& saved) {
    std::istringstream in(saved);
    std::vector<Request> requests;
    for (std::string line; std::getline(in, line);)
        requests.push_back(build_request(parse_command_line(words(line))));
    return requests;
}

TEST(SaveFormat, EachLineIsTheCommandThatRebuildsItsEntry) {
    const Table table = full_table();
    const std::vector<Request> requests = replay(format_save(table));
    std::size_t next = 0;
    for (const auto& entry : table.services) {
        const Service& svc = entry.service;
        ASSERT_LT(next, requests.size());
        const Request& add_service = requests[next++];
        EXPECT_EQ(add_service.command, FNAT_CMD_NEW_SERVICE);
        ASSERT_TRUE(add_service.service.has_value());
        EXPECT_EQ(add_service.service->key, svc.key);
        EXPECT_EQ(add_service.service->scheduler, svc.scheduler);
        EXPECT_EQ(add_service.service->flags, svc.flags);
        if (svc.persistent()) {
            EXPECT_EQ(add_service.service->timeout, svc.timeout);
            EXPECT_EQ(add_service.service->netmask, svc.netmask);
        } else {
            EXPECT_FALSE(add_service.service->timeout.has_value());
        }
        for (const auto& laddr : entry.laddrs) {
            ASSERT_LT(next, requests.size());
            const Request& add_laddr = requests[next++];
            EXPECT_EQ(add_laddr, (Request{FNAT_CMD_NEW_LADDR,
                                          false,
                                          ServiceSpec{svc.key, {}, {}, {}, {}},
                                          {},
                                          {},
                                          laddr.address}));
        }
        for (const auto& d : entry.dests) {
            ASSERT_LT(next, requests.size());
            const Request& add_dest = requests[next++];
            EXPECT_EQ(add_dest.command, FNAT_CMD_NEW_DEST);
            EXPECT_EQ(add_dest.service->key, svc.key);
            ASSERT_TRUE(add_dest.dest.has_value());
            EXPECT_EQ(*add_dest.dest,
                      (DestSpec{d.key, d.forward, d.weight, d.u_threshold, d.l_threshold}));
        }
    }
    EXPECT_EQ(next, requests.size());
}

} // namespace
} // namespace fnat

#include <cstdint>
#include <limits>
#include <netinet/in.h>
#include <string>

#include <gtest/gtest.h>

#include "lib/listing_format.h"
#include "lib/stats_format.h"
#include "tests/test_model.h"

namespace fnat {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

// The expected strings below were checked against ipvsadm 1.31's own
// print_largenum() and printf formats, compiled and run on these values.

TEST(LargeNumber, WholeBelowOneHundredMillion) {
    EXPECT_EQ(format_large_number(0, false), "        0");
    EXPECT_EQ(format_large_number(7, false), "        7");
    EXPECT_EQ(format_large_number(99'999'999, false), " 99999999");
}

TEST(LargeNumber, ScaledAtEachBoundary) {
    EXPECT_EQ(format_large_number(100'000'000, false), "  100000K");
    EXPECT_EQ(format_large_number(123'456'789, false), "  123456K");
    EXPECT_EQ(format_large_number(999'999'999, false), "  999999K");
    EXPECT_EQ(format_large_number(1'000'000'000, false), "    1000M");
    EXPECT_EQ(format_large_number(99'999'999'999ULL, false), "   99999M");
    EXPECT_EQ(format_large_number(100'000'000'000ULL, false), "     100G");
    EXPECT_EQ(format_large_number(99'999'999'999'999ULL, false), "   99999G");
    EXPECT_EQ(format_large_number(100'000'000'000'000ULL, false), "     100T");
    EXPECT_EQ(format_large_number(kMax, false), "18446744T");
}

TEST(LargeNumber, ExactIsNeverScaledAndKeepsALeadingSpace) {
    EXPECT_EQ(format_large_number(0, true), "        0");
    EXPECT_EQ(format_large_number(99'999'999, true), " 99999999");
    EXPECT_EQ(format_large_number(100'000'000, true), " 100000000");
    EXPECT_EQ(format_large_number(5'000'000'000'000ULL, true), " 5000000000000");
    EXPECT_EQ(format_large_number(kMax, true), " 18446744073709551615");
}

Stats totals(std::uint64_t conns, std::uint64_t inpkts, std::uint64_t outpkts,
             std::uint64_t inbytes, std::uint64_t outbytes) {
    Stats stats;
    stats.conns = conns;
    stats.inpkts = inpkts;
    stats.outpkts = outpkts;
    stats.inbytes = inbytes;
    stats.outbytes = outbytes;
    return stats;
}

Stats rates(std::uint64_t cps, std::uint64_t inpps, std::uint64_t outpps, std::uint64_t inbps,
            std::uint64_t outbps) {
    Stats stats;
    stats.cps = cps;
    stats.inpps = inpps;
    stats.outpps = outpps;
    stats.inbps = inbps;
    stats.outbps = outbps;
    return stats;
}

Dest dest(Address address, std::uint16_t port, Stats stats) {
    Dest d;
    d.key = DestKey{address, port};
    d.forward = ForwardMethod::Masquerade;
    d.weight = 1;
    d.stats = stats;
    return d;
}

// The same five values as totals and as rates.
Stats both(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d, std::uint64_t e) {
    Stats stats = totals(a, b, c, d, e);
    const Stats per_second = rates(a, b, c, d, e);
    stats.cps = per_second.cps;
    stats.inpps = per_second.inpps;
    stats.outpps = per_second.outpps;
    stats.inbps = per_second.inbps;
    stats.outbps = per_second.outbps;
    return stats;
}

// Two services: small numbers, and numbers at the scaling boundaries. The
// last destination has rates only.
Table counters_table() {
    Table table;
    table.info = Info{FNAT_VERSION_CODE, 4096, 2};
    Service web =
        test::make_service(ServiceKey{IPPROTO_TCP, Address::ipv4(192, 168, 0, 240), 80}, "rr");
    web.stats = both(12, 345, 340, 20730, 412000);
    const Stats huge =
        both(123'456'789, 4'000'000'000ULL, 3'999'999'999ULL, 5'000'000'000'000ULL, kMax);
    table.services.push_back(ServiceEntry{web, {dest(Address::ipv4(192, 168, 0, 223), 80, huge)}});

    Service dns =
        test::make_service(ServiceKey{IPPROTO_UDP, Address::ipv4(10, 0, 0, 1), 53}, "wlc");
    dns.stats = both(1, 250'000'000, 2, 150'000'000'000ULL, 99);
    table.services.push_back(ServiceEntry{
        dns, {dest(Address::ipv4(10, 0, 1, 1), 53, rates(123'456'789, 5, 0, 250'000'000, 7))}});
    return table;
}

TEST(StatsListing, ScaledNumbers) {
    EXPECT_EQ(
        format_listing_text(counters_table(), true, ListingStyle{ListingColumns::Stats, false}),
        "FNAT version 0.1.0 (size=4096)\n"
        "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
        "  -> RemoteAddress:Port\n"
        "TCP  192.168.0.240:80                   12      345      340    20730   412000\n"
        "  -> 192.168.0.223:80              123456K    4000M    3999M    5000G18446744T\n"
        "UDP  10.0.0.1:53                         1  250000K        2     150G       99\n"
        "  -> 10.0.1.1:53                         0        0        0        0        0\n");
}

TEST(StatsListing, ExactNumbers) {
    EXPECT_EQ(
        format_listing_text(counters_table(), true, ListingStyle{ListingColumns::Stats, true}),
        "FNAT version 0.1.0 (size=4096)\n"
        "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
        "  -> RemoteAddress:Port\n"
        "TCP  192.168.0.240:80                   12      345      340    20730   412000\n"
        "  -> 192.168.0.223:80             123456789 4000000000 3999999999 5000000000000 "
        "18446744073709551615\n"
        "UDP  10.0.0.1:53                         1 250000000        2 150000000000       99\n"
        "  -> 10.0.1.1:53                         0        0        0        0        0\n");
}

TEST(RateListing, ScaledNumbersButNotADestinationsFirstThreeRates) {
    EXPECT_EQ(
        format_listing_text(counters_table(), true, ListingStyle{ListingColumns::Rate, false}),
        "FNAT version 0.1.0 (size=4096)\n"
        "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
        "  -> RemoteAddress:Port\n"
        "TCP  192.168.0.240:80                   12      345      340    20730   412000\n"
        "  -> 192.168.0.223:80             123456789 4000000000 3999999999    5000G18446744T\n"
        "UDP  10.0.0.1:53                         1  250000K        2     150G       99\n"
        "  -> 10.0.1.1:53                  123456789        5        0  250000K        7\n");
}

TEST(RateListing, ExactNumbers) {
    EXPECT_EQ(
        format_listing_text(counters_table(), true, ListingStyle{ListingColumns::Rate, true}),
        "FNAT version 0.1.0 (size=4096)\n"
        "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
        "  -> RemoteAddress:Port\n"
        "TCP  192.168.0.240:80                   12      345      340    20730   412000\n"
        "  -> 192.168.0.223:80             123456789 4000000000 3999999999 5000000000000 "
        "18446744073709551615\n"
        "UDP  10.0.0.1:53                         1 250000000        2 150000000000       99\n"
        "  -> 10.0.1.1:53                  123456789        5        0 250000000        7\n");
}

TEST(StatsListing, OneServiceHasNoVersionLine) {
    Table table = counters_table();
    table.services.resize(1);
    table.services[0].dests.clear();
    EXPECT_EQ(format_listing_text(table, false, ListingStyle{ListingColumns::Stats, false}),
              "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
              "  -> RemoteAddress:Port\n"
              "TCP  192.168.0.240:80                   12      345      340    20730   412000\n");
}

TEST(StatsListing, EmptyTable) {
    Table table;
    table.info = Info{FNAT_VERSION_CODE, 4096, 0};
    EXPECT_EQ(format_listing_text(table, true, ListingStyle{ListingColumns::Rate, false}),
              "FNAT version 0.1.0 (size=4096)\n"
              "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
              "  -> RemoteAddress:Port\n");
}

TEST(StatsListing, Ipv6NamesAreNotCut) {
    Service service = test::make_service(
        ServiceKey{IPPROTO_TCP, parse_address("2001:db8:1:2:3:4:5:6"), 8080}, "rr");
    Service wide = test::make_service(
        ServiceKey{IPPROTO_TCP, parse_address("2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"), 8080}, "rr");
    Dest d =
        dest(parse_address("2001:db8:ffff:ffff:ffff:ffff:ffff:1"), 8080, totals(1, 2, 3, 4, 5));
    EXPECT_EQ(format_stats_service_line(service, false),
              "TCP  [2001:db8:1:2:3:4:5:6]:8080         0        0        0        0        0\n");
    EXPECT_EQ(format_stats_service_line(wide, false),
              "TCP  [2001:db8:aaaa:bbbb:cccc:dddd:eeee:1]:8080        0        0        0        0"
              "        0\n");
    EXPECT_EQ(format_stats_dest_line(d, false),
              "  -> [2001:db8:ffff:ffff:ffff:ffff:ffff:1]:8080        1        2        3        "
              "4        5\n");
}

} // namespace
} // namespace fnat

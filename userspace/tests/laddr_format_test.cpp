#include <netinet/in.h>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/laddr_format.h"

namespace fnat {
namespace {

LocalAddress lip(std::uint8_t last, std::uint32_t conns, std::uint64_t conflicts,
                 std::uint64_t exhausted) {
    return LocalAddress{Address::ipv4(10, 0, 0, last), conns, conflicts, exhausted};
}

// Two services with local addresses, one without, a long service name and a
// counter wider than its column.
std::vector<ServiceLaddrs> sample() {
    return {
        ServiceLaddrs{ServiceKey{IPPROTO_TCP, Address::ipv4(192, 168, 0, 240), 80},
                      {lip(100, 3, 0, 0), lip(101, 1, 12, 0)}},
        ServiceLaddrs{ServiceKey{IPPROTO_TCP, Address::ipv4(192, 168, 100, 200), 8080},
                      {lip(102, 4294967295U, 18446744073709551615ULL, 7)}},
        ServiceLaddrs{ServiceKey{IPPROTO_UDP, Address::ipv4(192, 168, 0, 53), 53}, {}},
    };
}

const char* const kTitle =
    "VIP:VPORT            TOTAL    LIP                  CONFLICTS  CONNS      EXHAUSTED\n";

TEST(LaddrFormat, TitleKeepsAlibabasColumns) {
    // "%-20s %-8s %-20s %-10s %-10s", then fnat's EXHAUSTED.
    EXPECT_EQ(format_laddr_title_line(), kTitle);
}

TEST(LaddrFormat, GoldenText) {
    EXPECT_EQ(format_laddr_listing_text(sample()),
              std::string(kTitle) +
                  "TCP  192.168.0.240:80 2\n"
                  "                              10.0.0.100           0          3          0\n"
                  "                              10.0.0.101           12         1          0\n"
                  "TCP  192.168.100.200:8080 1\n"
                  "                              10.0.0.102           18446744073709551615 "
                  "4294967295 7\n"
                  "UDP  192.168.0.53:53 0\n");
}

TEST(LaddrFormat, ShortServiceNameIsPadded) {
    EXPECT_EQ(format_laddr_service_line(
                  ServiceLaddrs{ServiceKey{IPPROTO_TCP, Address::ipv4(10, 0, 0, 1), 80}, {}}),
              "TCP  10.0.0.1:80     0\n");
}

// "TCP  [2001:db8::1]:443" is 22 characters: TOTAL moves right, the address
// lines keep their columns.
TEST(LaddrFormat, Ipv6) {
    const Address vip = parse_endpoint("[2001:db8::1]").address;
    const Address local = parse_endpoint("2001:db8::100").address;
    EXPECT_EQ(format_laddr_listing_text({ServiceLaddrs{ServiceKey{IPPROTO_TCP, vip, 443},
                                                       {LocalAddress{local, 1, 2, 3}}}}),
              std::string(kTitle) +
                  "TCP  [2001:db8::1]:443 1\n"
                  "                              2001:db8::100        2          1          3\n");
}

TEST(LaddrFormat, NoServicesIsTheTitleOnly) {
    EXPECT_EQ(format_laddr_listing_text({}), kTitle);
    EXPECT_EQ(format_laddr_listing_json({}), "{\n  \"services\": []\n}\n");
}

TEST(LaddrFormat, GoldenJson) {
    std::vector<ServiceLaddrs> services = sample();
    services.erase(services.begin() + 1);
    EXPECT_EQ(format_laddr_listing_json(services), R"({
  "services": [
    {
      "protocol": "tcp",
      "address": "192.168.0.240",
      "port": 80,
      "laddrs": [
        {
          "address": "10.0.0.100",
          "conns": 3,
          "conflicts": 0,
          "exhausted": 0
        },
        {
          "address": "10.0.0.101",
          "conns": 1,
          "conflicts": 12,
          "exhausted": 0
        }
      ]
    },
    {
      "protocol": "udp",
      "address": "192.168.0.53",
      "port": 53,
      "laddrs": []
    }
  ]
}
)");
}

} // namespace
} // namespace fnat

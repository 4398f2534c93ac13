#include <cstdint>
#include <netinet/in.h>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/conn_format.h"
#include "tests/test_model.h"

namespace fnat {
namespace {

// 192.168.10.5:40000 -> 192.168.0.240:80 -> 10.0.0.7:8080.
Conn web_conn(std::string state, std::uint32_t expires_ms) {
    return test::make_conn(IPPROTO_TCP, 0xc0a80a05, 40000, 0xc0a800f0, 80, 0x0a000007, 8080,
                           std::move(state), expires_ms);
}

TEST(ConnFormat, TitleLinesAreIpvsadmsWithFnat) {
    // ipvsadm 1.31: "IPVS connection entries", "pro expire %-11s %-18s %-18s %s".
    EXPECT_EQ(format_conn_title_lines(),
              "FNAT connection entries\n"
              "pro expire state       source             virtual            destination\n");
}

TEST(ConnFormat, ExpireIsMinutesAndSecondsRoundedDown) {
    EXPECT_EQ(format_conn_expire(0), "00:00");
    EXPECT_EQ(format_conn_expire(999), "00:00");
    EXPECT_EQ(format_conn_expire(1000), "00:01");
    EXPECT_EQ(format_conn_expire(59'999), "00:59");
    EXPECT_EQ(format_conn_expire(60'000), "01:00");
    EXPECT_EQ(format_conn_expire(899'999), "14:59");
    // Minutes go past 59, as ipvsadm's "%02d:%02d" of seconds / 60.
    EXPECT_EQ(format_conn_expire(3'600'000), "60:00");
    EXPECT_EQ(format_conn_expire(7'440'000), "124:00");
    EXPECT_EQ(format_conn_expire(UINT32_MAX), "71582:47");
}

TEST(ConnFormat, TcpLine) {
    EXPECT_EQ(format_conn_line(web_conn("ESTABLISHED", 899'999)),
              "TCP 14:59  ESTABLISHED 192.168.10.5:40000 192.168.0.240:80   10.0.0.7:8080\n");
    EXPECT_EQ(format_conn_line(web_conn("SYN_RECV", 59'000)),
              "TCP 00:59  SYN_RECV    192.168.10.5:40000 192.168.0.240:80   10.0.0.7:8080\n");
}

TEST(ConnFormat, UdpLine) {
    Conn conn =
        test::make_conn(IPPROTO_UDP, 0x0a000001, 53, 0xc0a800f0, 53, 0x0a000007, 5353, "UDP", 0);
    EXPECT_EQ(format_conn_line(conn),
              "UDP 00:00  UDP         10.0.0.1:53        192.168.0.240:53   10.0.0.7:5353\n");
}

TEST(ConnFormat, LongFieldsPushTheNextOnesRight) {
    // An expiry of more than 99 minutes fills "%-6s"; wider ones are not cut,
    // and neither are addresses longer than 18 characters.
    EXPECT_EQ(format_conn_line(web_conn("ESTABLISHED", 7'440'000)),
              "TCP 124:00 ESTABLISHED 192.168.10.5:40000 192.168.0.240:80   10.0.0.7:8080\n");
    EXPECT_EQ(format_conn_line(web_conn("TIME_WAIT", 60'000'000)),
              "TCP 1000:00 TIME_WAIT   192.168.10.5:40000 192.168.0.240:80   10.0.0.7:8080\n");
    Conn conn = web_conn("CLOSE_WAIT", 1000);
    conn.caddr = parse_endpoint("2001:db8::1234").address;
    conn.vaddr = parse_endpoint("2001:db8::80").address;
    conn.daddr = parse_endpoint("2001:db8:1::7").address;
    EXPECT_EQ(format_conn_line(conn), "TCP 00:01  CLOSE_WAIT  [2001:db8::1234]:40000 "
                                      "[2001:db8::80]:80  [2001:db8:1::7]:8080\n");
}

TEST(ConnFormat, ListingKeepsTheModulesOrder) {
    std::vector<Conn> conns = {web_conn("FIN_WAIT", 2000), web_conn("ESTABLISHED", 1000)};
    conns[1].caddr = Address::ipv4(10, 0, 0, 1);
    EXPECT_EQ(format_conn_listing_text(conns),
              format_conn_title_lines() +
                  "TCP 00:02  FIN_WAIT    192.168.10.5:40000 192.168.0.240:80   10.0.0.7:8080\n"
                  "TCP 00:01  ESTABLISHED 10.0.0.1:40000     192.168.0.240:80   10.0.0.7:8080\n");
    EXPECT_EQ(format_conn_listing_text({}), format_conn_title_lines());
}

TEST(ConnFormat, JsonHasTheLocalAddressAndTheMethod) {
    Conn conn = web_conn("ESTABLISHED", 1234);
    conn.laddr = Address::ipv4(10, 0, 0, 250);
    conn.lport = 61000;
    conn.forward = ForwardMethod::FullNat;
    EXPECT_EQ(format_conn_listing_json({conn}), R"({
  "connections": [
    {
      "protocol": "tcp",
      "client": {
        "address": "192.168.10.5",
        "port": 40000
      },
      "virtual": {
        "address": "192.168.0.240",
        "port": 80
      },
      "local": {
        "address": "10.0.0.250",
        "port": 61000
      },
      "dest": {
        "address": "10.0.0.7",
        "port": 8080
      },
      "forward": "fullnat",
      "state": "ESTABLISHED",
      "expires_ms": 1234
    }
  ]
}
)");
}

} // namespace
} // namespace fnat

#include <arpa/inet.h>
#include <string>

#include <gtest/gtest.h>

#include "lib/address.h"

namespace fnat {
namespace {

std::string endpoint_error(const std::string& text) {
    try {
        parse_endpoint(text);
    } catch (const ParseError& error) {
        return error.what();
    }
    return "(accepted)";
}

TEST(ParseEndpoint, Ipv4WithPort) {
    Endpoint endpoint = parse_endpoint("192.168.0.1:80");
    EXPECT_EQ(endpoint.address.family, AF_INET);
    EXPECT_EQ(endpoint.address, Address::ipv4(192, 168, 0, 1));
    ASSERT_TRUE(endpoint.port.has_value());
    EXPECT_EQ(*endpoint.port, 80);
}

TEST(ParseEndpoint, Ipv4WithoutPortHasNoPort) {
    Endpoint endpoint = parse_endpoint("10.0.0.1");
    EXPECT_EQ(endpoint.address, Address::ipv4(10, 0, 0, 1));
    EXPECT_FALSE(endpoint.port.has_value());
}

TEST(ParseEndpoint, Ipv4LeavesTheTwelveTrailingBytesZero) {
    Endpoint endpoint = parse_endpoint("255.255.255.255:1");
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_EQ(endpoint.address.bytes[i], 255) << i;
    for (std::size_t i = 4; i < kAddressBytes; ++i)
        EXPECT_EQ(endpoint.address.bytes[i], 0) << i;
}

TEST(ParseEndpoint, PortZeroAndPort65535AreValid) {
    EXPECT_EQ(parse_endpoint("1.2.3.4:0").port, std::optional<std::uint16_t>(0));
    EXPECT_EQ(parse_endpoint("1.2.3.4:65535").port, std::optional<std::uint16_t>(65535));
    EXPECT_EQ(parse_endpoint("0.0.0.0:80").address, Address::ipv4(0, 0, 0, 0));
}

TEST(ParseEndpoint, RejectsPortOutOfRange) {
    EXPECT_EQ(endpoint_error("1.2.3.4:65536"), "port 65536 is out of range 0..65535");
    EXPECT_EQ(endpoint_error("1.2.3.4:99999999999"), "port 99999999999 is out of range 0..65535");
}

TEST(ParseEndpoint, RejectsMissingOrBadPort) {
    EXPECT_EQ(endpoint_error("1.2.3.4:"), "missing port number after ':'");
    EXPECT_EQ(endpoint_error("1.2.3.4:-1"), "port '-1' is not a decimal number");
    EXPECT_EQ(endpoint_error("1.2.3.4:+80"), "port '+80' is not a decimal number");
    EXPECT_EQ(endpoint_error("1.2.3.4: 80"), "port ' 80' is not a decimal number");
}

TEST(ParseEndpoint, RejectsServiceNames) {
    EXPECT_EQ(endpoint_error("1.2.3.4:http"),
              "service names are not supported, use a numeric port");
}

TEST(ParseEndpoint, RejectsHostNames) {
    EXPECT_EQ(endpoint_error("localhost:80"),
              "host names are not supported, use a numeric IP address");
    EXPECT_EQ(endpoint_error("web01"), "host names are not supported, use a numeric IP address");
}

TEST(ParseEndpoint, RejectsBadOctets) {
    EXPECT_EQ(endpoint_error("256.1.1.1:80"), "octet 256 is out of range 0..255");
    EXPECT_EQ(endpoint_error("1.2.3.999"), "octet 999 is out of range 0..255");
    EXPECT_EQ(endpoint_error("1.2.3"), "an IPv4 address has exactly four octets");
    EXPECT_EQ(endpoint_error("1.2.3.4.5"), "an IPv4 address has exactly four octets");
    EXPECT_EQ(endpoint_error("1..3.4"), "empty octet in IPv4 address");
    EXPECT_EQ(endpoint_error("1.2.3."), "empty octet in IPv4 address");
    EXPECT_EQ(endpoint_error("01.2.3.4"), "octet '01' has a leading zero");
    EXPECT_EQ(endpoint_error("1.2.3.4x"), "octet '4x' is not a decimal number");
    EXPECT_EQ(endpoint_error("1.2.-3.4"), "octet '-3' is not a decimal number");
}

TEST(ParseEndpoint, RejectsEmptyInput) {
    EXPECT_EQ(endpoint_error(""), "empty address");
    EXPECT_EQ(endpoint_error(":80"), "missing address before ':'");
}

TEST(ParseEndpoint, BracketedIpv6WithPort) {
    Endpoint endpoint = parse_endpoint("[2001:db8::1]:80");
    EXPECT_EQ(endpoint.address.family, AF_INET6);
    EXPECT_EQ(endpoint.address.bytes[0], 0x20);
    EXPECT_EQ(endpoint.address.bytes[1], 0x01);
    EXPECT_EQ(endpoint.address.bytes[2], 0x0d);
    EXPECT_EQ(endpoint.address.bytes[3], 0xb8);
    EXPECT_EQ(endpoint.address.bytes[15], 0x01);
    EXPECT_EQ(endpoint.port, std::optional<std::uint16_t>(80));
    EXPECT_EQ(to_string(endpoint.address), "2001:db8::1");
}

TEST(ParseEndpoint, BracketedIpv6WithoutPort) {
    Endpoint endpoint = parse_endpoint("[::1]");
    EXPECT_TRUE(endpoint.address.is_ipv6());
    EXPECT_FALSE(endpoint.port.has_value());
}

TEST(ParseEndpoint, BareIpv6IsAnAddressWithoutPort) {
    Endpoint endpoint = parse_endpoint("2001:db8::80");
    EXPECT_TRUE(endpoint.address.is_ipv6());
    EXPECT_EQ(endpoint.address.bytes[15], 0x80);
    EXPECT_FALSE(endpoint.port.has_value());
}

TEST(ParseEndpoint, RejectsBadBrackets) {
    EXPECT_EQ(endpoint_error("[2001:db8::1"), "missing ']' after the IPv6 address");
    EXPECT_EQ(endpoint_error("[2001:db8::1]80"), "expected ':PORT' after ']'");
    EXPECT_EQ(endpoint_error("[2001:db8::1]:"), "missing port number after ':'");
    EXPECT_EQ(endpoint_error("[2001:db8::1]:65536"), "port 65536 is out of range 0..65535");
    EXPECT_EQ(endpoint_error("[]:80"), "empty address between brackets");
    EXPECT_EQ(endpoint_error("[1.2.3.4]:80"), "brackets are only for IPv6 addresses");
    EXPECT_EQ(endpoint_error("[2001:zz::1]:80"), "'2001:zz::1' is not a valid IPv6 address");
}

TEST(ParseEndpoint, UnbracketedIpv6WithPortExplainsBrackets) {
    EXPECT_EQ(endpoint_error("2001:db8::1::80"),
              "'2001:db8::1::80' is not a valid IPv6 address (write an IPv6 address with a port "
              "as [ADDR]:PORT)");
}

// As ipvsadm's parse_service(): without brackets every colon belongs to the
// address, so the last group is not a port.
TEST(ParseEndpoint, BareIpv6EndingInAGroupIsStillAnAddress) {
    Endpoint endpoint = parse_endpoint("2001:db8::1:80");
    EXPECT_EQ(to_string(endpoint.address), "2001:db8::1:80");
    EXPECT_FALSE(endpoint.port.has_value());
}

TEST(ParseEndpoint, Ipv4MappedIpv6IsIpv6) {
    Endpoint endpoint = parse_endpoint("[::ffff:10.0.0.1]:80");
    EXPECT_TRUE(endpoint.address.is_ipv6());
    EXPECT_EQ(to_string(endpoint.address), "::ffff:10.0.0.1");
    EXPECT_EQ(format_endpoint(endpoint.address, 80), "[::ffff:10.0.0.1]:80");
}

TEST(ParseEndpoint, RejectsZoneIds) {
    EXPECT_EQ(endpoint_error("[fe80::1%eth0]:80"), "IPv6 zone ids ('%eth0') are not supported");
    EXPECT_EQ(endpoint_error("[fe80::1%2]"), "IPv6 zone ids ('%2') are not supported");
    EXPECT_EQ(endpoint_error("fe80::1%eth0"), "IPv6 zone ids ('%eth0') are not supported");
    try {
        parse_address("fe80::1%eth0");
        ADD_FAILURE() << "accepted";
    } catch (const ParseError& error) {
        EXPECT_STREQ(error.what(), "IPv6 zone ids ('%eth0') are not supported");
    }
    // Without the zone, a link-local address is an address like another.
    EXPECT_EQ(to_string(parse_endpoint("[fe80::1]:80").address), "fe80::1");
}

TEST(ParseEndpoint, RejectsIpv6PortNames) {
    EXPECT_EQ(endpoint_error("[2001:db8::1]:http"),
              "service names are not supported, use a numeric port");
    EXPECT_EQ(endpoint_error("[2001:db8::1]:-1"), "port '-1' is not a decimal number");
    EXPECT_EQ(endpoint_error("[2001:db8::1]:80:81"), "port '80:81' is not a decimal number");
}

TEST(FormatEndpoint, Ipv4AndIpv6) {
    EXPECT_EQ(format_endpoint(Address::ipv4(192, 168, 0, 240), 80), "192.168.0.240:80");
    EXPECT_EQ(format_endpoint(parse_endpoint("[2001:db8::5]").address, 443), "[2001:db8::5]:443");
    EXPECT_EQ(format_endpoint(Address::ipv4(0, 0, 0, 0), 0), "0.0.0.0:0");
}

TEST(AddressOrder, IsNumericNotTextual) {
    EXPECT_LT(Address::ipv4(10, 0, 0, 2), Address::ipv4(10, 0, 0, 10));
    EXPECT_LT(Address::ipv4(9, 255, 255, 255), Address::ipv4(10, 0, 0, 0));
    EXPECT_LT(Address::ipv4(255, 255, 255, 255), parse_endpoint("::1").address);
}

std::string netmask_error(const std::string& text, std::uint16_t family) {
    try {
        parse_netmask(text, family);
    } catch (const ParseError& error) {
        return error.what();
    }
    return "(accepted)";
}

TEST(ParseNetmask, DottedContiguousMasks) {
    EXPECT_EQ(parse_netmask("255.255.255.0", AF_INET), 24);
    EXPECT_EQ(parse_netmask("255.255.255.255", AF_INET), 32);
    EXPECT_EQ(parse_netmask("255.255.255.128", AF_INET), 25);
    EXPECT_EQ(parse_netmask("128.0.0.0", AF_INET), 1);
    EXPECT_EQ(parse_netmask("0.0.0.0", AF_INET), 0);
}

TEST(ParseNetmask, PrefixLengths) {
    EXPECT_EQ(parse_netmask("24", AF_INET), 24);
    EXPECT_EQ(parse_netmask("0", AF_INET), 0);
    EXPECT_EQ(parse_netmask("32", AF_INET), 32);
    EXPECT_EQ(parse_netmask("64", AF_INET6), 64);
    EXPECT_EQ(parse_netmask("128", AF_INET6), 128);
}

TEST(ParseNetmask, Ipv6PrefixLengthsOnly) {
    EXPECT_EQ(parse_netmask("0", AF_INET6), 0);
    EXPECT_EQ(parse_netmask("48", AF_INET6), 48);
    EXPECT_EQ(netmask_error("64abc", AF_INET6), "an IPv6 netmask is a prefix length 0..128");
    EXPECT_EQ(netmask_error("/64", AF_INET6), "an IPv6 netmask is a prefix length 0..128");
    EXPECT_EQ(netmask_error("ffff:ffff::", AF_INET6), "an IPv6 netmask is a prefix length 0..128");
}

TEST(ParseNetmask, Rejections) {
    EXPECT_EQ(netmask_error("255.0.255.0", AF_INET), "netmask 255.0.255.0 is not contiguous");
    EXPECT_EQ(netmask_error("0.255.255.255", AF_INET), "netmask 0.255.255.255 is not contiguous");
    EXPECT_EQ(netmask_error("33", AF_INET), "prefix length 33 is out of range 0..32");
    EXPECT_EQ(netmask_error("129", AF_INET6), "prefix length 129 is out of range 0..128");
    EXPECT_EQ(netmask_error("255.255.0.0", AF_INET6), "an IPv6 netmask is a prefix length 0..128");
    EXPECT_EQ(netmask_error("256.0.0.0", AF_INET), "octet 256 is out of range 0..255");
    EXPECT_EQ(netmask_error("", AF_INET), "empty netmask");
}

TEST(Ipv4NetmaskString, FromPrefix) {
    EXPECT_EQ(ipv4_netmask_string(24), "255.255.255.0");
    EXPECT_EQ(ipv4_netmask_string(25), "255.255.255.128");
    EXPECT_EQ(ipv4_netmask_string(32), "255.255.255.255");
    EXPECT_EQ(ipv4_netmask_string(1), "128.0.0.0");
    EXPECT_EQ(ipv4_netmask_string(0), "0.0.0.0");
}

} // namespace
} // namespace fnat

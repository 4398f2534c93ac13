// Family-tagged IP addresses and the ADDR[:PORT] syntax of ipvsadm.
//
// Only numeric forms are accepted: dotted-quad IPv4 ("192.168.0.1"), and IPv6
// ("2001:db8::1", or "[2001:db8::1]" in brackets, which are required when a
// port follows). Host names and service names are rejected with a message
// saying so: fnatadm never resolves names. IPv6 zone ids ("fe80::1%eth0")
// are refused too.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/socket.h>

namespace fnat {

// A command-line value that does not parse. The message is the reason only
// (e.g. "octet 256 is out of range 0..255"); callers add the option and value.
class ParseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

inline constexpr std::size_t kAddressBytes = 16; // FNAT_ADDR_LEN

// An IPv4 or IPv6 address in network byte order. IPv4 uses the first four
// bytes and leaves the other twelve zero, exactly as on the wire.
struct Address {
    std::uint16_t family = AF_UNSPEC;
    std::array<std::uint8_t, kAddressBytes> bytes{};

    static Address ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d);

    bool is_ipv4() const { return family == AF_INET; }
    bool is_ipv6() const { return family == AF_INET6; }
    // Prefix length of a full host mask for this family (32 or 128).
    std::uint8_t max_prefix() const { return is_ipv6() ? 128 : 32; }

    // Family first, then the bytes: numeric order, as ipvsadm sorts.
    auto operator<=>(const Address&) const = default;
};

// "192.168.0.1", "2001:db8::1".
std::string to_string(const Address& address);

// An address with the port that may follow it.
struct Endpoint {
    Address address;
    std::optional<std::uint16_t> port;
};

// Parses a bare numeric address (no brackets, no port).
Address parse_address(std::string_view text);

// Parses ADDR, ADDR:PORT, IPV6, [IPV6] or [IPV6]:PORT. The port, when given,
// is a decimal number 0..65535; whether 0 or a missing port is acceptable is
// for the caller to decide.
Endpoint parse_endpoint(std::string_view text);

// Parses a decimal port number 0..65535.
std::uint16_t parse_port(std::string_view text);

// "192.168.0.1:80", "[2001:db8::1]:80".
std::string format_endpoint(const Address& address, std::uint16_t port);

// Parses a persistence netmask for an address family: a prefix length
// (0..32 or 0..128), or for IPv4 a contiguous dotted mask like 255.255.255.0.
std::uint8_t parse_netmask(std::string_view text, std::uint16_t family);

// 24 -> "255.255.255.0". prefix must be 0..32.
std::string ipv4_netmask_string(std::uint8_t prefix);

} // namespace fnat

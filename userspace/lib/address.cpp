#include "lib/address.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <string>

namespace fnat {
namespace {

bool is_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool has_letter(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
}

// Decimal number without sign or leading junk; nullopt when not a number or
// larger than max.
std::optional<std::uint32_t> parse_decimal(std::string_view text, std::uint32_t max) {
    if (!is_digits(text))
        return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text) {
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
        if (value > max)
            return std::nullopt;
    }
    return static_cast<std::uint32_t>(value);
}

Address parse_ipv4(std::string_view text) {
    Address address;
    address.family = AF_INET;
    std::size_t octet_index = 0;
    std::size_t start = 0;
    while (true) {
        std::size_t dot = text.find('.', start);
        std::string_view octet = text.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (octet_index == 4)
            throw ParseError("an IPv4 address has exactly four octets");
        if (octet.empty())
            throw ParseError("empty octet in IPv4 address");
        if (!is_digits(octet))
            throw ParseError("octet '" + std::string(octet) + "' is not a decimal number");
        if (octet.size() > 1 && octet[0] == '0')
            throw ParseError("octet '" + std::string(octet) + "' has a leading zero");
        auto value = parse_decimal(octet, 255);
        if (!value)
            throw ParseError("octet " + std::string(octet) + " is out of range 0..255");
        address.bytes[octet_index++] = static_cast<std::uint8_t>(*value);
        if (dot == std::string_view::npos)
            break;
        start = dot + 1;
    }
    if (octet_index != 4)
        throw ParseError("an IPv4 address has exactly four octets");
    return address;
}

// A scope (fe80::1%eth0) would only name an interface of this host, and
// neither the module nor ipvsadm's syntax has a place for it.
void refuse_zone_id(std::string_view text) {
    const std::size_t percent = text.find('%');
    if (percent != std::string_view::npos)
        throw ParseError("IPv6 zone ids ('" + std::string(text.substr(percent)) +
                         "') are not supported");
}

Address parse_ipv6(std::string_view text) {
    refuse_zone_id(text);
    Address address;
    address.family = AF_INET6;
    std::string copy(text);
    if (inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) != 1)
        throw ParseError("'" + copy + "' is not a valid IPv6 address");
    return address;
}

} // namespace

Address Address::ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    Address address;
    address.family = AF_INET;
    address.bytes[0] = a;
    address.bytes[1] = b;
    address.bytes[2] = c;
    address.bytes[3] = d;
    return address;
}

std::string to_string(const Address& address) {
    char text[INET6_ADDRSTRLEN] = {};
    int family = address.is_ipv6() ? AF_INET6 : AF_INET;
    if (!address.is_ipv4() && !address.is_ipv6())
        return "?";
    if (inet_ntop(family, address.bytes.data(), text, sizeof(text)) == nullptr)
        return "?";
    return text;
}

Address parse_address(std::string_view text) {
    if (text.empty())
        throw ParseError("empty address");
    if (text.find(':') != std::string_view::npos)
        return parse_ipv6(text);
    if (std::isalpha(static_cast<unsigned char>(text.front())) != 0)
        throw ParseError("host names are not supported, use a numeric IP address");
    return parse_ipv4(text);
}

std::uint16_t parse_port(std::string_view text) {
    if (text.empty())
        throw ParseError("missing port number after ':'");
    if (!is_digits(text)) {
        if (has_letter(text))
            throw ParseError("service names are not supported, use a numeric port");
        throw ParseError("port '" + std::string(text) + "' is not a decimal number");
    }
    auto value = parse_decimal(text, 65535);
    if (!value)
        throw ParseError("port " + std::string(text) + " is out of range 0..65535");
    return static_cast<std::uint16_t>(*value);
}

Endpoint parse_endpoint(std::string_view text) {
    if (text.empty())
        throw ParseError("empty address");
    Endpoint endpoint;
    if (text.front() == '[') {
        std::size_t close = text.find(']');
        if (close == std::string_view::npos)
            throw ParseError("missing ']' after the IPv6 address");
        std::string_view inside = text.substr(1, close - 1);
        if (inside.empty())
            throw ParseError("empty address between brackets");
        if (inside.find(':') == std::string_view::npos)
            throw ParseError("brackets are only for IPv6 addresses");
        endpoint.address = parse_ipv6(inside);
        std::string_view rest = text.substr(close + 1);
        if (rest.empty())
            return endpoint;
        if (rest.front() != ':')
            throw ParseError("expected ':PORT' after ']'");
        endpoint.port = parse_port(rest.substr(1));
        return endpoint;
    }
    std::size_t first_colon = text.find(':');
    if (first_colon != std::string_view::npos && text.find(':', first_colon + 1) != text.npos) {
        // Several colons: a bare IPv6 address, which cannot carry a port.
        refuse_zone_id(text);
        try {
            endpoint.address = parse_ipv6(text);
        } catch (const ParseError&) {
            throw ParseError("'" + std::string(text) +
                             "' is not a valid IPv6 address (write an IPv6 address with a port "
                             "as [ADDR]:PORT)");
        }
        return endpoint;
    }
    std::string_view host = text.substr(0, first_colon);
    if (host.empty())
        throw ParseError("missing address before ':'");
    endpoint.address = parse_address(host);
    if (first_colon != std::string_view::npos)
        endpoint.port = parse_port(text.substr(first_colon + 1));
    return endpoint;
}

std::string format_endpoint(const Address& address, std::uint16_t port) {
    if (address.is_ipv6())
        return "[" + to_string(address) + "]:" + std::to_string(port);
    return to_string(address) + ":" + std::to_string(port);
}

std::uint8_t parse_netmask(std::string_view text, std::uint16_t family) {
    const std::uint32_t max_prefix = family == AF_INET6 ? 128 : 32;
    if (text.empty())
        throw ParseError("empty netmask");
    if (is_digits(text)) {
        auto prefix = parse_decimal(text, max_prefix);
        if (!prefix)
            throw ParseError("prefix length " + std::string(text) + " is out of range 0.." +
                             std::to_string(max_prefix));
        return static_cast<std::uint8_t>(*prefix);
    }
    if (family != AF_INET)
        throw ParseError("an IPv6 netmask is a prefix length 0..128");
    Address mask = parse_ipv4(text);
    std::uint32_t bits = (std::uint32_t{mask.bytes[0]} << 24) |
                         (std::uint32_t{mask.bytes[1]} << 16) |
                         (std::uint32_t{mask.bytes[2]} << 8) | std::uint32_t{mask.bytes[3]};
    // Contiguous: the inverted mask plus one is a power of two (or zero).
    std::uint32_t host_bits = ~bits;
    if ((host_bits & (host_bits + 1)) != 0)
        throw ParseError("netmask " + std::string(text) + " is not contiguous");
    std::uint8_t prefix = 0;
    while (prefix < 32 && (bits & (0x80000000U >> prefix)) != 0)
        ++prefix;
    return prefix;
}

std::string ipv4_netmask_string(std::uint8_t prefix) {
    std::uint32_t bits = prefix == 0 ? 0 : (prefix >= 32 ? 0xffffffffU : ~(0xffffffffU >> prefix));
    return std::to_string(bits >> 24) + "." + std::to_string((bits >> 16) & 0xff) + "." +
           std::to_string((bits >> 8) & 0xff) + "." + std::to_string(bits & 0xff);
}

} // namespace fnat

#include "bench/endpoint.h"

#include <algorithm>
#include <arpa/inet.h>

namespace fnat::bench {
namespace {

std::uint16_t parse_port(std::string_view text) {
    if (text.empty() || text.size() > 5 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw EndpointError("the port must be a number 1..65535");
    unsigned long value = std::stoul(std::string(text));
    if (value < 1 || value > 65535)
        throw EndpointError("the port must be a number 1..65535");
    return static_cast<std::uint16_t>(value);
}

} // namespace

std::uint16_t Endpoint::port() const {
    if (family() == AF_INET)
        return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
}

std::uint32_t Endpoint::ipv4() const {
    return ntohl(reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr.s_addr);
}

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
    // inet_pton takes only the strict dotted quad (no "1.2.3", no octal).
    in_addr address{};
    if (text.size() > INET_ADDRSTRLEN ||
        inet_pton(AF_INET, std::string(text).c_str(), &address) != 1)
        return std::nullopt;
    return ntohl(address.s_addr);
}

Endpoint parse_endpoint(std::string_view text) {
    Endpoint endpoint;
    if (text.starts_with("[")) {
        auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            throw EndpointError("an IPv6 address needs the form [ADDR]:PORT");
        std::string host(text.substr(1, close - 1));
        auto* address = reinterpret_cast<sockaddr_in6*>(&endpoint.storage);
        if (inet_pton(AF_INET6, host.c_str(), &address->sin6_addr) != 1)
            throw EndpointError("'" + host + "' is not a numeric IPv6 address");
        address->sin6_family = AF_INET6;
        address->sin6_port = htons(parse_port(text.substr(close + 2)));
        endpoint.length = sizeof(sockaddr_in6);
        return endpoint;
    }
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        throw EndpointError("needs ADDR:PORT");
    std::string_view host = text.substr(0, colon);
    if (host.find(':') != std::string_view::npos)
        throw EndpointError("an IPv6 address needs the form [ADDR]:PORT");
    auto ipv4 = parse_ipv4(host);
    if (!ipv4)
        throw EndpointError("'" + std::string(host) +
                            "' is not a numeric IPv4 address (names are not resolved)");
    auto* address = reinterpret_cast<sockaddr_in*>(&endpoint.storage);
    address->sin_family = AF_INET;
    address->sin_addr.s_addr = htonl(*ipv4);
    address->sin_port = htons(parse_port(text.substr(colon + 1)));
    endpoint.length = sizeof(sockaddr_in);
    return endpoint;
}

std::string ipv4_text(std::uint32_t address) {
    return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
           std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff);
}

std::string to_string(const Endpoint& endpoint) {
    if (endpoint.family() == AF_INET)
        return ipv4_text(endpoint.ipv4()) + ":" + std::to_string(endpoint.port());
    char text[INET6_ADDRSTRLEN] = {};
    const auto* address = reinterpret_cast<const sockaddr_in6*>(&endpoint.storage);
    inet_ntop(AF_INET6, &address->sin6_addr, text, sizeof(text));
    return "[" + std::string(text) + "]:" + std::to_string(endpoint.port());
}

} // namespace fnat::bench

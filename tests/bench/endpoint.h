// Numeric socket addresses of the benchmark tools: "A.B.C.D:PORT" or
// "[IPV6]:PORT", port 1..65535. Names are never resolved, so that a run
// cannot stall on a resolver inside a network namespace.
#pragma once

#include <cstdint>
#include <netinet/in.h>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/socket.h>

namespace fnat::bench {

// Text that is not a numeric ADDR:PORT; the message is the reason only.
class EndpointError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

struct Endpoint {
    sockaddr_storage storage{};
    socklen_t length = 0;

    int family() const { return storage.ss_family; }
    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
    std::uint16_t port() const;
    // The IPv4 address in host byte order; only when family() is AF_INET.
    std::uint32_t ipv4() const;
};

// Throws EndpointError.
Endpoint parse_endpoint(std::string_view text);

// A dotted-quad IPv4 address in host byte order; nullopt when text is not one.
std::optional<std::uint32_t> parse_ipv4(std::string_view text);

// "10.0.0.1:80", "[2001:db8::1]:80".
std::string to_string(const Endpoint& endpoint);

// "10.0.0.1" from a host-order IPv4 address.
std::string ipv4_text(std::uint32_t address);

} // namespace fnat::bench

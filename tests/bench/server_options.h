// The command line of fnat-bench-server:
//   fnat-bench-server [--tcp PORT] [--udp PORT] [--threads N] [--response BYTES]
//                     [--request BYTES] [--max-seconds N]
// At least one of --tcp and --udp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bench/arguments.h"

namespace fnat::bench {

inline constexpr std::uint32_t kMaxServerThreads = 256;
inline constexpr std::uint32_t kMaxMessageBytes = 1U << 20; // --request, --response
inline constexpr std::uint32_t kMaxServerSeconds = 7 * 86400;

struct ServerOptions {
    std::optional<std::uint16_t> tcp_port;
    std::optional<std::uint16_t> udp_port;
    std::uint32_t threads = 1; // per protocol
    std::uint32_t request_bytes = 64;
    std::uint32_t response_bytes = 128;
    std::uint32_t max_seconds = 3600;
};

using ServerInvocation = std::variant<HelpRequest, ServerOptions>;

// args without the program name; cpus is the default --threads. Throws
// UsageError.
ServerInvocation parse_server_arguments(const std::vector<std::string>& args, std::uint32_t cpus);

} // namespace fnat::bench

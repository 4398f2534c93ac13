// The local ports of --source-port-range, handed out least recently used
// first: a connection takes the port that has been free the longest and gives
// it back when closed. With one port, every connection reuses it.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

#include "tools/traffic/options.h"

namespace fnat::traffic {

class PortPool {
public:
    explicit PortPool(PortRange range);

    // The free port released longest ago (never used ports first, in
    // order); nullopt when every port is taken.
    std::optional<std::uint16_t> acquire();
    void release(std::uint16_t port);

private:
    std::mutex mutex_;
    std::deque<std::uint16_t> free_;
};

} // namespace fnat::traffic

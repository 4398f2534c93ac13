#include "tools/traffic/port_pool.h"

namespace fnat::traffic {

PortPool::PortPool(PortRange range) {
    for (std::uint32_t port = range.low; port <= range.high; ++port)
        free_.push_back(static_cast<std::uint16_t>(port));
}

std::optional<std::uint16_t> PortPool::acquire() {
    std::lock_guard lock(mutex_);
    if (free_.empty())
        return std::nullopt;
    std::uint16_t port = free_.front();
    free_.pop_front();
    return port;
}

void PortPool::release(std::uint16_t port) {
    std::lock_guard lock(mutex_);
    free_.push_back(port);
}

} // namespace fnat::traffic

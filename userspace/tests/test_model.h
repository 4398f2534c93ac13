// Builders of model values shared by the formatting tests.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include <uapi/fnat.h>

#include "lib/model.h"

namespace fnat::test {

// A service; persistent when timeout is non-zero.
inline Service make_service(ServiceKey key, std::string scheduler, std::uint32_t timeout = 0,
                            std::uint8_t netmask = 32) {
    Service svc;
    svc.key = key;
    svc.scheduler = std::move(scheduler);
    svc.flags = timeout > 0 ? FNAT_SVC_F_PERSISTENT : 0;
    svc.timeout = timeout;
    svc.netmask = netmask;
    return svc;
}

} // namespace fnat::test

#include "lib/model.h"

#include <algorithm>
#include <tuple>

namespace fnat {

std::string version_string(std::uint32_t version_code) {
    return std::to_string((version_code >> 16) & 0xff) + "." +
           std::to_string((version_code >> 8) & 0xff) + "." + std::to_string(version_code & 0xff);
}

bool service_key_order(const ServiceKey& a, const ServiceKey& b) {
    return std::tie(a.address.family, a.protocol, a.address.bytes, a.port) <
           std::tie(b.address.family, b.protocol, b.address.bytes, b.port);
}

bool service_order(const Service& a, const Service& b) {
    return service_key_order(a.key, b.key);
}

bool dest_order(const Dest& a, const Dest& b) {
    return std::tie(a.key.address, a.key.port) < std::tie(b.key.address, b.key.port);
}

void sort_table(Table& table) {
    std::stable_sort(table.services.begin(), table.services.end(),
                     [](const ServiceEntry& a, const ServiceEntry& b) {
                         return service_order(a.service, b.service);
                     });
    for (auto& entry : table.services)
        std::stable_sort(entry.dests.begin(), entry.dests.end(), dest_order);
}

void sort_daemons(std::vector<SyncDaemon>& daemons) {
    auto rank = [](const SyncDaemon& daemon) {
        switch (daemon.state) {
        case FNAT_SYNC_STATE_MASTER:
            return 0;
        case FNAT_SYNC_STATE_BACKUP:
            return 1;
        default:
            return 2;
        }
    };
    std::stable_sort(daemons.begin(), daemons.end(),
                     [&](const SyncDaemon& a, const SyncDaemon& b) { return rank(a) < rank(b); });
}

} // namespace fnat

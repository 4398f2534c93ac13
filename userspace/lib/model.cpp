#include "lib/model.h"

#include <algorithm>
#include <tuple>

namespace fnat {

std::string version_string(std::uint32_t version_code) {
    return std::to_string((version_code >> 16) & 0xff) + "." +
           std::to_string((version_code >> 8) & 0xff) + "." + std::to_string(version_code & 0xff);
}

bool service_order(const Service& a, const Service& b) {
    return std::tie(a.key.address.family, a.key.protocol, a.key.address.bytes, a.key.port) <
           std::tie(b.key.address.family, b.key.protocol, b.key.address.bytes, b.key.port);
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

} // namespace fnat

#include "lib/netlink_error.h"

#include <cerrno>
#include <cstring>
#include <utility>

namespace fnat {
namespace {

std::string describe(int error, const std::string& extack) {
    if (!extack.empty())
        return extack;
    return std::strerror(error);
}

} // namespace

NetlinkError::NetlinkError(int error, std::string extack)
    : std::runtime_error(describe(error, extack)), error_(error), extack_(std::move(extack)) {}

FamilyNotFound::FamilyNotFound() : NetlinkError(ENOENT, "") {}

} // namespace fnat

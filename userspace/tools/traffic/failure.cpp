#include "tools/traffic/failure.h"

#include <cerrno>

namespace fnat::traffic {
namespace {

constexpr std::array<std::string_view, kFailureKinds> kNames = {
    "connect-timeout", "refused",   "reset",       "timeout",        "short-read",
    "mismatch",        "bad-reply", "unreachable", "address-in-use", "error"};

bool unreachable(int error) {
    return error == EHOSTUNREACH || error == ENETUNREACH || error == EHOSTDOWN || error == ENETDOWN;
}

} // namespace

std::string_view failure_name(Failure failure) {
    auto index = static_cast<std::size_t>(failure);
    return index < kNames.size() ? kNames[index] : "error";
}

std::array<Failure, kFailureKinds> all_failures() {
    std::array<Failure, kFailureKinds> kinds{};
    for (std::size_t i = 0; i < kFailureKinds; ++i)
        kinds[i] = static_cast<Failure>(i);
    return kinds;
}

Failure classify_connect_error(int error) {
    if (error == ECONNREFUSED)
        return Failure::Refused;
    if (error == ETIMEDOUT)
        return Failure::ConnectTimeout;
    if (error == ECONNRESET)
        return Failure::Reset;
    if (unreachable(error))
        return Failure::Unreachable;
    if (error == EADDRINUSE || error == EADDRNOTAVAIL)
        return Failure::AddressInUse;
    return Failure::Error;
}

Failure classify_io_error(int error) {
    if (error == ECONNRESET || error == EPIPE)
        return Failure::Reset;
    if (error == ECONNREFUSED)
        return Failure::Refused;
    if (error == ETIMEDOUT)
        return Failure::Timeout;
    if (unreachable(error))
        return Failure::Unreachable;
    return Failure::Error;
}

} // namespace fnat::traffic

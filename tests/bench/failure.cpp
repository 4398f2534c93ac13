#include "bench/failure.h"

#include <cerrno>

namespace fnat::bench {

std::string_view failure_name(Failure failure) {
    switch (failure) {
    case Failure::Refused:
        return "refused";
    case Failure::Reset:
        return "reset";
    case Failure::Timeout:
        return "timeout";
    case Failure::Short:
        return "short";
    case Failure::Other:
        return "other";
    }
    return "?";
}

Failure classify_errno(int error) {
    switch (error) {
    case ECONNREFUSED:
        return Failure::Refused;
    case ECONNRESET:
    case EPIPE:
        return Failure::Reset;
    case ETIMEDOUT:
        return Failure::Timeout;
    default:
        return Failure::Other;
    }
}

} // namespace fnat::bench

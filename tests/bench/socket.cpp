#include "bench/socket.h"

#include <cerrno>
#include <string>
#include <sys/resource.h>
#include <sys/socket.h>

namespace fnat::bench {

double seconds_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

void set_option(int fd, int level, int name, int value, const char* what) {
    if (!try_option(fd, level, name, value))
        throw SystemError(std::string("setsockopt ") + what, errno);
}

bool try_option(int fd, int level, int name, int value) {
    return ::setsockopt(fd, level, name, &value, sizeof(value)) == 0;
}

void set_timeout(int fd, int name, std::chrono::milliseconds timeout) {
    timeval value{};
    value.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    value.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    if (::setsockopt(fd, SOL_SOCKET, name, &value, sizeof(value)) != 0)
        throw SystemError(name == SO_RCVTIMEO ? "setsockopt SO_RCVTIMEO" : "setsockopt SO_SNDTIMEO",
                          errno);
}

void raise_open_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
        return;
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

} // namespace fnat::bench

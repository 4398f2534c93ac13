// Socket plumbing shared by the benchmark tools: socket options and the
// open-file limit (thousands of sockets are more than the usual soft limit
// of 1024), over fnat-traffic's owning descriptor and setup error.
#pragma once

#include <chrono>

#include "tools/traffic/socket.h"

namespace fnat::bench {

// fnat-traffic's, so that the e2e tools and the benchmark share one owning
// descriptor and one error of a failed setup call.
using traffic::Clock;
using traffic::Fd;
using traffic::pending_error;
using traffic::SystemError;

// Seconds between two instants, as a double.
double seconds_between(Clock::time_point from, Clock::time_point to);

// setsockopt of an int; throws SystemError naming `what`.
void set_option(int fd, int level, int name, int value, const char* what);

// Like set_option, but returns false instead of throwing.
bool try_option(int fd, int level, int name, int value);

// SO_RCVTIMEO or SO_SNDTIMEO: a blocking call on fd gives up (EAGAIN)
// after this long. Throws SystemError.
void set_timeout(int fd, int name, std::chrono::milliseconds timeout);

// Raises the soft limit of open files to the hard limit (best effort).
void raise_open_file_limit();

} // namespace fnat::bench

// Socket plumbing shared by the benchmark tools: an owning file descriptor,
// the error of a failed setup call, socket options, and the open-file limit
// (thousands of sockets are more than the usual soft limit of 1024).
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>

namespace fnat::bench {

using Clock = std::chrono::steady_clock;

// Seconds between two instants, as a double.
double seconds_between(Clock::time_point from, Clock::time_point to);

// A system call that failed while setting up (socket, bind, listen): the
// tool cannot go on. The message names the call and the errno text.
class SystemError : public std::runtime_error {
public:
    SystemError(const std::string& what, int error);
    int error() const { return error_; }

private:
    int error_;
};

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(other.release()) {}
    Fd& operator=(Fd&& other) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    int release();
    void reset(int fd = -1);

private:
    int fd_ = -1;
};

// setsockopt of an int; throws SystemError naming `what`.
void set_option(int fd, int level, int name, int value, const char* what);

// Like set_option, but returns false instead of throwing.
bool try_option(int fd, int level, int name, int value);

// SO_RCVTIMEO or SO_SNDTIMEO: a blocking call on fd gives up (EAGAIN)
// after this long. Throws SystemError.
void set_timeout(int fd, int name, std::chrono::milliseconds timeout);

// The errno pending on a socket (SO_ERROR), cleared by reading it.
int pending_error(int fd);

// Raises the soft limit of open files to the hard limit (best effort).
void raise_open_file_limit();

} // namespace fnat::bench

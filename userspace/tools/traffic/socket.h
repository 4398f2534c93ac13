// Socket plumbing shared by server, client and stream: an owning file
// descriptor, socket addresses, and waits that always end (a deadline, and
// for servers a stop flag looked at every 100 ms).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <netinet/in.h>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/socket.h>

#include "tools/traffic/options.h"

namespace fnat::traffic {

using Clock = std::chrono::steady_clock;

// Microseconds from `start` to now.
std::uint64_t micros_since(Clock::time_point start);

// Milliseconds from now to deadline, 0 when passed.
int millis_until(Clock::time_point deadline);

// A failed system call while setting up (socket, bind, listen): the caller
// cannot go on. The message names the call and the errno text.
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

struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;

    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
    sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
    int family() const { return storage.ss_family; }
};

SocketAddress socket_address(const Target& target);

// The wildcard address of family with port (for binding a client's port).
SocketAddress any_address(int family, std::uint16_t port);

// "10.99.0.1:40000", "[2001:db8::1]:40000"; "?" for other families.
std::string format_address(const SocketAddress& address);

std::uint16_t port_of(const SocketAddress& address);

// The client address fnat-toa learnt from the TOA option of the accepted
// TCP connection fd (getsockopt FNAT_TOA_SO_PEER, include/uapi/fnat.h): an
// IPv4 or IPv6 address whatever fd's family. nullopt when the call fails
// (ENOPROTOOPT: no TOA on the connection, or no fnat-toa on the host) or
// returns no complete sockaddr_in or sockaddr_in6.
std::optional<SocketAddress> toa_peer(int fd);

// The client as the server reports it: format_address(), "none" without one.
std::string peer_text(const std::optional<SocketAddress>& peer);

// A non-blocking, close-on-exec socket; throws SystemError.
Fd open_socket(int family, int type);

// The errno pending on a socket (SO_ERROR), cleared by reading it.
int pending_error(int fd);

// A connection reset (RST) instead of a FIN when fd is closed.
void set_linger_zero(int fd);

// Connects the non-blocking socket fd: 0, or the errno (ETIMEDOUT when the
// deadline passes first).
int connect_socket(int fd, const SocketAddress& target, Clock::time_point deadline);

enum class Wait { Ready, Timeout, Stopped };

// Waits until fd has one of events (POLLIN, POLLOUT; errors and hang-ups
// count as ready), the deadline passes, or *stop turns true (seen within
// 100 ms; stop may be null). Sets revents when Ready.
Wait wait_fd(int fd, short events, Clock::time_point deadline, const std::atomic<bool>* stop,
             short& revents);

} // namespace fnat::traffic

#include "tools/traffic/socket.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <uapi/fnat.h>

namespace fnat::traffic {
namespace {

constexpr int kStopSliceMs = 100;

} // namespace

std::uint64_t micros_since(Clock::time_point start) {
    auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    return elapsed.count() < 0 ? 0 : static_cast<std::uint64_t>(elapsed.count());
}

int millis_until(Clock::time_point deadline) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0)
        return 0;
    return static_cast<int>(std::min<decltype(left)>(left, 24 * 3600 * 1000));
}

SystemError::SystemError(const std::string& what, int error)
    : std::runtime_error(what + ": " + std::strerror(error)), error_(error) {}

Fd& Fd::operator=(Fd&& other) noexcept {
    if (this != &other)
        reset(other.release());
    return *this;
}

int Fd::release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
}

void Fd::reset(int fd) {
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = fd;
}

SocketAddress socket_address(const Target& target) {
    SocketAddress out;
    if (target.address.is_ipv6()) {
        sockaddr_in6 sin6{};
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(target.port);
        std::memcpy(&sin6.sin6_addr, target.address.bytes.data(), 16);
        std::memcpy(&out.storage, &sin6, sizeof(sin6));
        out.length = sizeof(sin6);
    } else {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_port = htons(target.port);
        std::memcpy(&sin.sin_addr, target.address.bytes.data(), 4);
        std::memcpy(&out.storage, &sin, sizeof(sin));
        out.length = sizeof(sin);
    }
    return out;
}

SocketAddress any_address(int family, std::uint16_t port) {
    Target target;
    target.address.family = static_cast<std::uint16_t>(family);
    target.port = port;
    return socket_address(target);
}

std::string format_address(const SocketAddress& address) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address.family() == AF_INET) {
        sockaddr_in sin{};
        std::memcpy(&sin, &address.storage, sizeof(sin));
        inet_ntop(AF_INET, &sin.sin_addr, text, sizeof(text));
        return std::string(text) + ":" + std::to_string(ntohs(sin.sin_port));
    }
    if (address.family() == AF_INET6) {
        sockaddr_in6 sin6{};
        std::memcpy(&sin6, &address.storage, sizeof(sin6));
        inet_ntop(AF_INET6, &sin6.sin6_addr, text, sizeof(text));
        return "[" + std::string(text) + "]:" + std::to_string(ntohs(sin6.sin6_port));
    }
    return "?";
}

std::uint16_t port_of(const SocketAddress& address) {
    if (address.family() == AF_INET) {
        sockaddr_in sin{};
        std::memcpy(&sin, &address.storage, sizeof(sin));
        return ntohs(sin.sin_port);
    }
    if (address.family() == AF_INET6) {
        sockaddr_in6 sin6{};
        std::memcpy(&sin6, &address.storage, sizeof(sin6));
        return ntohs(sin6.sin6_port);
    }
    return 0;
}

std::optional<SocketAddress> toa_peer(int fd) {
    SocketAddress peer;
    peer.length = sizeof(peer.storage);
    if (getsockopt(fd, IPPROTO_TCP, FNAT_TOA_SO_PEER, &peer.storage, &peer.length) != 0)
        return std::nullopt;
    const bool complete = (peer.family() == AF_INET && peer.length >= sizeof(sockaddr_in)) ||
                          (peer.family() == AF_INET6 && peer.length >= sizeof(sockaddr_in6));
    if (!complete)
        return std::nullopt;
    return peer;
}

std::string peer_text(const std::optional<SocketAddress>& peer) {
    return peer ? format_address(*peer) : "none";
}

Fd open_socket(int family, int type) {
    Fd fd(::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd)
        throw SystemError("socket", errno);
    return fd;
}

int pending_error(int fd) {
    int error = 0;
    socklen_t length = sizeof(error);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
        return errno;
    return error;
}

void set_linger_zero(int fd) {
    linger option{};
    option.l_onoff = 1;
    option.l_linger = 0;
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof(option));
}

int connect_socket(int fd, const SocketAddress& target, Clock::time_point deadline) {
    if (::connect(fd, target.get(), target.length) == 0)
        return 0;
    if (errno != EINPROGRESS && errno != EINTR)
        return errno;
    short revents = 0;
    if (wait_fd(fd, POLLOUT, deadline, nullptr, revents) != Wait::Ready)
        return ETIMEDOUT;
    return pending_error(fd);
}

Wait wait_fd(int fd, short events, Clock::time_point deadline, const std::atomic<bool>* stop,
             short& revents) {
    // Bounded: each round waits at most until the deadline.
    while (true) {
        if (stop && stop->load())
            return Wait::Stopped;
        int left = millis_until(deadline);
        if (left == 0 && Clock::now() >= deadline)
            return Wait::Timeout;
        pollfd entry{fd, events, 0};
        int slice = stop ? std::min(left, kStopSliceMs) : left;
        int ready = ::poll(&entry, 1, slice);
        if (ready < 0 && errno != EINTR)
            throw SystemError("poll", errno);
        if (ready > 0) {
            revents = entry.revents;
            return Wait::Ready;
        }
    }
}

} // namespace fnat::traffic

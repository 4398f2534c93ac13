#include "bench/server.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/socket.h"

namespace fnat::bench {
namespace {

constexpr int kListenBacklog = 4096;
constexpr int kEpollBatch = 256;
constexpr int kAcceptBurst = 256;
constexpr int kWaitMs = 200; // how soon a worker notices stop
constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr auto kSweepInterval = std::chrono::seconds(1);
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr int kUdpReceiveBuffer = 8 << 20;
constexpr unsigned kUdpBatch = 64;
// Every datagram of the benchmark fits; MSG_TRUNC reports longer ones'
// real length anyway.
constexpr std::size_t kUdpSlot = 2048;
constexpr auto kUdpReceiveTimeout = std::chrono::milliseconds(200);

// Counters read by the main thread while a worker writes them: each on its
// own cache line, so that workers do not slow each other down.
struct alignas(64) Counter {
    std::atomic<std::uint64_t> value{0};

    void add(std::uint64_t n) {
        value.store(value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    std::uint64_t get() const { return value.load(std::memory_order_relaxed); }
};

void report(const char* what, int error) {
    std::fprintf(stderr, "fnat-bench-server: %s: %s\n", what, std::strerror(error));
}

sockaddr_in any_ipv4(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    address.sin_port = htons(port);
    return address;
}

// type may carry SOCK_NONBLOCK.
Fd bound_socket(int type, std::uint16_t port) {
    const char* kind = (type & ~SOCK_NONBLOCK) == SOCK_STREAM ? "tcp" : "udp";
    Fd fd(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
    if (!fd)
        throw SystemError(std::string(kind) + " socket", errno);
    set_option(fd.get(), SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
    set_option(fd.get(), SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
    sockaddr_in address = any_ipv4(port);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0)
        throw SystemError(std::string("bind ") + kind + " 0.0.0.0:" + std::to_string(port), errno);
    return fd;
}

// SO_REUSEPORT would let this server share its port with a stale one from
// an earlier run, which would then take part of the traffic unseen: a
// socket without SO_REUSEPORT binds only if no one else holds the port. The
// TCP probe sets SO_REUSEADDR so that the TIME_WAIT connections an earlier
// server left (it closes first) do not count; for UDP that option would
// share the port, so the UDP probe goes without.
void check_port_free(int type, std::uint16_t port) {
    const char* kind = type == SOCK_STREAM ? "tcp" : "udp";
    Fd probe(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
    if (!probe)
        throw SystemError(std::string(kind) + " socket", errno);
    if (type == SOCK_STREAM)
        set_option(probe.get(), SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
    sockaddr_in address = any_ipv4(port);
    if (::bind(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0)
        throw SystemError(std::string("bind ") + kind + " 0.0.0.0:" + std::to_string(port) +
                              " (is another server running?)",
                          errno);
}

} // namespace

// One thread's TCP listener and connections. Level-triggered for the
// listener (a burst is accepted over several wake-ups), edge-triggered for
// connections (each is read until EAGAIN or done).
class TcpWorker {
public:
    TcpWorker(std::uint16_t port, const ServerOptions& options,
              std::shared_ptr<const std::vector<char>> response)
        : listener_(bound_socket(SOCK_STREAM | SOCK_NONBLOCK, port)),
          request_bytes_(options.request_bytes), response_(std::move(response)),
          buffer_(kReadChunk) {
        if (::listen(listener_.get(), kListenBacklog) != 0)
            throw SystemError("listen tcp", errno);
        epoll_ = Fd(::epoll_create1(EPOLL_CLOEXEC));
        if (!epoll_)
            throw SystemError("epoll_create1", errno);
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = listener_.get();
        if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, listener_.get(), &event) != 0)
            throw SystemError("epoll_ctl", errno);
    }

    ~TcpWorker() {
        for (std::size_t fd = 0; fd < connections_.size(); ++fd)
            if (connections_[fd].open)
                ::close(static_cast<int>(fd));
    }

    std::uint64_t served() const { return served_.get(); }

    void run(const std::atomic<bool>& stop) {
        std::array<epoll_event, kEpollBatch> events{};
        auto next_sweep = Clock::now() + kSweepInterval;
        while (!stop.load(std::memory_order_relaxed)) {
            int n = ::epoll_wait(epoll_.get(), events.data(), kEpollBatch, kWaitMs);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                report("epoll_wait", errno);
                return;
            }
            now_ = Clock::now();
            for (int i = 0; i < n; ++i) {
                const epoll_event& event = events[static_cast<std::size_t>(i)];
                if (event.data.fd == listener_.get())
                    accept_burst();
                else
                    progress(event.data.fd);
            }
            if (now_ >= next_sweep) {
                close_idle();
                next_sweep = now_ + kSweepInterval;
            }
        }
    }

private:
    struct Connection {
        bool open = false;
        bool responding = false; // the request is complete
        bool watching_output = false;
        std::uint64_t received = 0;
        std::uint64_t written = 0;
        Clock::time_point last{};
    };

    void accept_burst() {
        for (int i = 0; i < kAcceptBurst; ++i) {
            int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == ECONNABORTED)
                    continue;
                if (errno == EMFILE || errno == ENFILE) {
                    // The backlog waits; idle connections are closed within a
                    // sweep, and this keeps the loop from spinning meanwhile.
                    if (!reported_fd_limit_)
                        report("accept (connections wait)", errno);
                    reported_fd_limit_ = true;
                    ::usleep(10000);
                }
                return;
            }
            auto index = static_cast<std::size_t>(fd);
            if (index >= connections_.size())
                connections_.resize(std::max(index + 1, connections_.size() * 2));
            connections_[index] = Connection{true, request_bytes_ == 0, false, 0, 0, now_};
            epoll_event event{};
            event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
            event.data.fd = fd;
            if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
                close_connection(fd);
                continue;
            }
            // With no request to wait for, nothing else would wake this one.
            if (request_bytes_ == 0)
                progress(fd);
        }
    }

    void progress(int fd) {
        Connection& connection = connections_[static_cast<std::size_t>(fd)];
        if (!connection.open)
            return;
        connection.last = now_;
        while (!connection.responding) {
            ssize_t n = ::recv(fd, buffer_.data(), buffer_.size(), 0);
            if (n > 0) {
                connection.received += static_cast<std::uint64_t>(n);
                if (connection.received >= request_bytes_)
                    connection.responding = true;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return;
            close_connection(fd); // the peer closed or reset before its request was complete
            return;
        }
        respond(fd, connection);
    }

    void respond(int fd, Connection& connection) {
        const std::vector<char>& response = *response_;
        while (connection.written < response.size()) {
            ssize_t n = ::send(fd, response.data() + connection.written,
                               response.size() - connection.written, MSG_NOSIGNAL);
            if (n > 0) {
                connection.written += static_cast<std::uint64_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                // Rare (a large --response): only now is EPOLLOUT worth a wake-up.
                if (!connection.watching_output) {
                    epoll_event event{};
                    event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
                    event.data.fd = fd;
                    ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &event);
                    connection.watching_output = true;
                }
                return;
            }
            close_connection(fd);
            return;
        }
        served_.add(1);
        close_connection(fd);
    }

    void close_connection(int fd) {
        connections_[static_cast<std::size_t>(fd)].open = false;
        ::close(fd); // also leaves the epoll set: the descriptor is not shared
    }

    void close_idle() {
        for (std::size_t fd = 0; fd < connections_.size(); ++fd)
            if (connections_[fd].open && now_ - connections_[fd].last > kIdleTimeout)
                close_connection(static_cast<int>(fd));
    }

    Fd listener_;
    Fd epoll_;
    std::uint64_t request_bytes_;
    std::shared_ptr<const std::vector<char>> response_;
    std::vector<char> buffer_;
    std::vector<Connection> connections_; // by descriptor
    Clock::time_point now_ = Clock::now();
    bool reported_fd_limit_ = false;
    Counter served_;
};

// One thread's UDP socket: blocking recvmmsg with a receive timeout, so that
// stop is noticed without a second descriptor to wait on.
class UdpWorker {
public:
    explicit UdpWorker(std::uint16_t port) : fd_(bound_socket(SOCK_DGRAM, port)) {
        // SO_RCVBUFFORCE passes net.core.rmem_max with CAP_NET_ADMIN; without,
        // SO_RCVBUF gets as much as rmem_max allows.
        if (!try_option(fd_.get(), SOL_SOCKET, SO_RCVBUFFORCE, kUdpReceiveBuffer))
            try_option(fd_.get(), SOL_SOCKET, SO_RCVBUF, kUdpReceiveBuffer);
        set_timeout(fd_.get(), SO_RCVTIMEO, kUdpReceiveTimeout);
    }

    std::uint64_t packets() const { return packets_.get(); }
    std::uint64_t bytes() const { return bytes_.get(); }

    void run(const std::atomic<bool>& stop) {
        std::vector<char> buffers(kUdpBatch * kUdpSlot);
        std::array<iovec, kUdpBatch> slots{};
        std::array<mmsghdr, kUdpBatch> messages{};
        for (std::size_t i = 0; i < kUdpBatch; ++i) {
            slots[i].iov_base = buffers.data() + i * kUdpSlot;
            slots[i].iov_len = kUdpSlot;
            messages[i].msg_hdr.msg_iov = &slots[i];
            messages[i].msg_hdr.msg_iovlen = 1;
        }
        bool reported = false;
        while (!stop.load(std::memory_order_relaxed)) {
            // MSG_WAITFORONE: block (up to the receive timeout) for the first
            // datagram only, then take what is queued.
            int n = ::recvmmsg(fd_.get(), messages.data(), kUdpBatch, MSG_WAITFORONE | MSG_TRUNC,
                               nullptr);
            if (n < 0) {
                if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && !reported) {
                    report("recvmmsg", errno);
                    reported = true;
                }
                continue;
            }
            std::uint64_t bytes = 0;
            for (int i = 0; i < n; ++i)
                bytes += messages[static_cast<std::size_t>(i)].msg_len;
            packets_.add(static_cast<std::uint64_t>(n));
            bytes_.add(bytes);
        }
    }

private:
    Fd fd_;
    Counter packets_;
    Counter bytes_;
};

BenchServer::BenchServer(const ServerOptions& options) {
    if (options.tcp_port)
        check_port_free(SOCK_STREAM, *options.tcp_port);
    if (options.udp_port)
        check_port_free(SOCK_DGRAM, *options.udp_port);
    auto response = std::make_shared<const std::vector<char>>(options.response_bytes, 'r');
    for (std::uint32_t i = 0; options.tcp_port && i < options.threads; ++i)
        tcp_.push_back(std::make_unique<TcpWorker>(*options.tcp_port, options, response));
    for (std::uint32_t i = 0; options.udp_port && i < options.threads; ++i)
        udp_.push_back(std::make_unique<UdpWorker>(*options.udp_port));
}

BenchServer::~BenchServer() {
    stop();
}

void BenchServer::start() {
    for (auto& worker : tcp_)
        threads_.emplace_back([this, raw = worker.get()] { raw->run(stop_); });
    for (auto& worker : udp_)
        threads_.emplace_back([this, raw = worker.get()] { raw->run(stop_); });
}

void BenchServer::stop() {
    stop_.store(true);
    for (std::thread& thread : threads_)
        if (thread.joinable())
            thread.join();
    threads_.clear();
}

ServerTotals BenchServer::totals() const {
    ServerTotals totals;
    for (const auto& worker : tcp_)
        totals.tcp_served += worker->served();
    for (const auto& worker : udp_) {
        totals.udp_packets += worker->packets();
        totals.udp_bytes += worker->bytes();
    }
    return totals;
}

} // namespace fnat::bench

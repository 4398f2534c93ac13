#include "tools/traffic/server.h"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <list>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <span>
#include <sys/socket.h>
#include <thread>
#include <vector>

#include "tools/traffic/payload.h"
#include "tools/traffic/socket.h"
#include "tools/traffic/wire.h"

namespace fnat::traffic {
namespace {

constexpr std::size_t kMaxConnections = 4096;
constexpr int kAcceptBurst = 64;
constexpr int kDatagramBurst = 64;
constexpr std::size_t kChunk = 64 * 1024;
constexpr std::uint64_t kMaxLoggedErrors = 100;

std::mutex log_mutex;
std::atomic<std::uint64_t> logged_errors{0};

void print_line(FILE* stream, const std::string& line) {
    std::lock_guard lock(log_mutex);
    std::fputs((line + "\n").c_str(), stream);
    std::fflush(stream);
}

// Errors go to stderr, the first kMaxLoggedErrors of them.
void log_error(const std::string& line) {
    std::uint64_t n = logged_errors.fetch_add(1);
    if (n < kMaxLoggedErrors)
        print_line(stderr, line);
    else if (n == kMaxLoggedErrors)
        print_line(stderr, "(further errors are not shown)");
}

struct Counters {
    std::atomic<std::uint64_t> tcp_connections{0};
    std::atomic<std::uint64_t> tcp_errors{0};
    std::atomic<std::uint64_t> udp_datagrams{0};
    std::atomic<std::uint64_t> udp_errors{0};
};

// One TCP connection, in its own thread. Every wait ends after idle without
// progress, or when stop turns true. peer names the socket's peer in the
// log; reported is the client the answers carry (--peer-from).
class Connection {
public:
    Connection(Fd fd, std::string peer, std::string reported, const ServeOptions& options,
               const std::atomic<bool>& stop, Counters& counters)
        : fd_(std::move(fd)), peer_(std::move(peer)), reported_(std::move(reported)),
          name_(options.name), idle_(std::chrono::seconds(options.idle_seconds)), stop_(stop),
          counters_(counters) {}

    void run() {
        std::string problem;
        try {
            problem = serve();
        } catch (const std::exception& error) {
            problem = error.what();
        }
        if (problem.empty())
            return;
        if (stop_.load()) {
            print_line(stderr, "tcp " + peer_ + ": closed at stop (" + problem + ")");
            return;
        }
        counters_.tcp_errors.fetch_add(1);
        log_error("tcp " + peer_ + ": " + problem);
    }

private:
    // "" when the connection went as the protocol says.
    std::string serve() {
        std::array<std::uint8_t, kRequestSize> head{};
        std::size_t got = 0;
        while (got < head.size()) {
            ssize_t n = 0;
            if (std::string problem = receive(std::span(head).subspan(got), n); !problem.empty())
                return problem + " before a whole request";
            if (n == 0)
                return got == 0 ? "" : "closed in the middle of the request"; // 0: a probe
            got += static_cast<std::size_t>(n);
        }
        Request request;
        try {
            request = decode_request(head);
        } catch (const WireError& error) {
            return std::string("bad request: ") + error.what();
        }
        Response response{request.mode, request.length, request.key, request.id, name_, reported_};
        if (std::string problem = send_all(encode_response(response)); !problem.empty())
            return problem;
        return request.mode == Mode::Echo ? echo(request.length) : stream(Payload(request.key));
    }

    std::string echo(std::uint32_t length) {
        std::vector<std::uint8_t> buffer(kChunk);
        std::uint64_t done = 0;
        while (done < length) {
            std::size_t want =
                static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, length - done));
            ssize_t n = 0;
            if (std::string problem = receive(std::span(buffer).first(want), n); !problem.empty())
                return problem + " after " + std::to_string(done) + " of " +
                       std::to_string(length) + " bytes";
            if (n == 0)
                return "client closed after " + std::to_string(done) + " of " +
                       std::to_string(length) + " bytes";
            if (std::string problem =
                    send_all(std::span(buffer).first(static_cast<std::size_t>(n)));
                !problem.empty())
                return problem;
            done += static_cast<std::uint64_t>(n);
        }
        // The client closes first (after --hold-ms): wait for its FIN or RST.
        ssize_t n = 0;
        std::string problem = receive(std::span(buffer).first(1), n);
        if (problem == "reset")
            return "";
        if (!problem.empty())
            return problem + " waiting for the client to close";
        return n == 0 ? ""
                      : "client sent more than the announced " + std::to_string(length) + " bytes";
    }

    std::string stream(const Payload& payload) {
        std::vector<std::uint8_t> buffer(kChunk);
        std::uint64_t offset = 0;
        while (true) {
            ssize_t n = 0;
            if (std::string problem = receive(buffer, n); !problem.empty())
                return "stream " + problem + " at offset " + std::to_string(offset);
            if (n == 0)
                return "";
            auto chunk = std::span(buffer).first(static_cast<std::size_t>(n));
            if (auto bad = payload.first_mismatch(offset, chunk)) {
                set_linger_zero(fd_.get()); // the client sees a reset
                return "stream mismatch at offset " + std::to_string(*bad) + ", connection reset";
            }
            if (std::string problem = send_all(chunk); !problem.empty())
                return "stream " + problem + " at offset " + std::to_string(offset);
            offset += chunk.size();
        }
    }

    // Reads what is there (n = 0 at EOF); "" or what went wrong.
    std::string receive(std::span<std::uint8_t> out, ssize_t& n) {
        auto deadline = Clock::now() + idle_;
        while (true) {
            short revents = 0;
            Wait wait = wait_fd(fd_.get(), POLLIN, deadline, &stop_, revents);
            if (wait == Wait::Stopped)
                return "server stopping";
            if (wait == Wait::Timeout)
                return "idle timeout";
            n = ::recv(fd_.get(), out.data(), out.size(), 0);
            if (n >= 0)
                return "";
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                continue;
            return errno == ECONNRESET ? "reset" : std::strerror(errno);
        }
    }

    std::string send_all(std::span<const std::uint8_t> data) {
        auto deadline = Clock::now() + idle_;
        while (!data.empty()) {
            ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
            if (n > 0) {
                data = data.subspan(static_cast<std::size_t>(n));
                deadline = Clock::now() + idle_;
                continue;
            }
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                return errno == ECONNRESET || errno == EPIPE ? "reset" : std::strerror(errno);
            short revents = 0;
            Wait wait = wait_fd(fd_.get(), POLLOUT, deadline, &stop_, revents);
            if (wait == Wait::Stopped)
                return "server stopping";
            if (wait == Wait::Timeout)
                return "send timeout";
        }
        return "";
    }

    Fd fd_;
    std::string peer_;
    std::string reported_;
    std::string name_;
    std::chrono::seconds idle_;
    const std::atomic<bool>& stop_;
    Counters& counters_;
};

struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
};

Fd listen_on(const Target& target, int type) {
    SocketAddress address = socket_address(target);
    Fd fd = open_socket(address.family(), type);
    int one = 1;
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (address.family() == AF_INET6)
        setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (type == SOCK_DGRAM) {
        // Answer from the address the datagram was sent to (a VIP on lo for
        // DR and TUN), not from whatever the route picks.
        if (address.family() == AF_INET6)
            setsockopt(fd.get(), IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
        else
            setsockopt(fd.get(), IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
    }
    std::string where =
        std::string(type == SOCK_STREAM ? "tcp " : "udp ") + format_address(address);
    if (::bind(fd.get(), address.get(), address.length) != 0)
        throw SystemError("bind " + where, errno);
    if (type == SOCK_STREAM && ::listen(fd.get(), 1024) != 0)
        throw SystemError("listen " + where, errno);
    return fd;
}

std::optional<SocketAddress> local_address(int fd) {
    SocketAddress address;
    address.length = sizeof(address.storage);
    if (getsockname(fd, address.get(), &address.length) != 0)
        return std::nullopt;
    return address;
}

std::string local_name(int fd) {
    std::optional<SocketAddress> address = local_address(fd);
    return address ? format_address(*address) : "?";
}

// A socket per target. A port 0 after the first socket takes the first's,
// so that a bare PORT answers on one port at every --bind address.
std::vector<Fd> listen_all(const std::vector<Target>& targets, int type) {
    std::vector<Fd> fds;
    std::uint16_t chosen = 0;
    for (Target target : targets) {
        if (target.port == 0)
            target.port = chosen;
        fds.push_back(listen_on(target, type));
        if (chosen == 0) {
            std::optional<SocketAddress> address = local_address(fds.back().get());
            chosen = address ? port_of(*address) : 0;
        }
    }
    return fds;
}

class Server {
public:
    Server(const ServeOptions& options, std::atomic<bool>& stop) : options_(options), stop_(stop) {}
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    ~Server() {
        stop_.store(true);
        reap(true);
    }

    int run() {
        // Every socket listens before the first "listening" line.
        tcp_ = listen_all(options_.tcp, SOCK_STREAM);
        udp_ = listen_all(options_.udp, SOCK_DGRAM);
        for (const Fd& fd : tcp_)
            print_line(stdout, "listening tcp " + local_name(fd.get()));
        for (const Fd& fd : udp_)
            print_line(stdout, "listening udp " + local_name(fd.get()));
        std::vector<pollfd> fds;
        for (const Fd& fd : tcp_)
            fds.push_back(pollfd{fd.get(), POLLIN, 0});
        for (const Fd& fd : udp_)
            fds.push_back(pollfd{fd.get(), POLLIN, 0});
        auto deadline = Clock::now() + std::chrono::seconds(options_.max_seconds);
        while (!stop_.load() && Clock::now() < deadline) {
            for (pollfd& entry : fds)
                entry.revents = 0;
            int ready = ::poll(fds.data(), static_cast<nfds_t>(fds.size()),
                               std::min(100, millis_until(deadline)));
            if (ready < 0 && errno != EINTR)
                throw SystemError("poll", errno);
            if (ready > 0) {
                for (std::size_t i = 0; i < fds.size(); ++i) {
                    if (fds[i].revents == 0)
                        continue;
                    if (i < tcp_.size())
                        accept_connections(fds[i].fd);
                    else
                        answer_datagrams(fds[i].fd);
                }
            }
            reap(false);
        }
        stop_.store(true); // tells the connection threads
        reap(true);
        print_line(stdout, "stopped " + options_.name + ": tcp " +
                               std::to_string(counters_.tcp_connections.load()) + " connections (" +
                               std::to_string(counters_.tcp_errors.load()) + " errors), udp " +
                               std::to_string(counters_.udp_datagrams.load()) + " datagrams (" +
                               std::to_string(counters_.udp_errors.load()) + " errors)");
        return 0;
    }

private:
    void accept_connections(int listener) {
        for (int i = 0; i < kAcceptBurst; ++i) {
            SocketAddress peer;
            peer.length = sizeof(peer.storage);
            Fd fd(::accept4(listener, peer.get(), &peer.length, SOCK_NONBLOCK | SOCK_CLOEXEC));
            if (!fd) {
                if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
                    errno != ECONNABORTED)
                    log_error(std::string("accept: ") + std::strerror(errno));
                return;
            }
            counters_.tcp_connections.fetch_add(1);
            if (workers_.size() >= kMaxConnections) {
                counters_.tcp_errors.fetch_add(1);
                log_error("tcp " + format_address(peer) + ": too many connections, closed");
                continue;
            }
            auto done = std::make_shared<std::atomic<bool>>(false);
            std::string reported = options_.peer_from == PeerSource::Toa
                                       ? peer_text(toa_peer(fd.get()))
                                       : format_address(peer);
            auto connection =
                std::make_shared<Connection>(std::move(fd), format_address(peer),
                                             std::move(reported), options_, stop_, counters_);
            workers_.push_back(Worker{std::thread([connection, done] {
                                          connection->run();
                                          done->store(true);
                                      }),
                                      done});
        }
    }

    void answer_datagrams(int socket) {
        std::vector<std::uint8_t> in(65536);
        for (int i = 0; i < kDatagramBurst; ++i) {
            SocketAddress peer;
            std::array<char, 256> control{};
            iovec iov{in.data(), in.size()};
            msghdr message{};
            message.msg_name = peer.get();
            message.msg_namelen = sizeof(peer.storage);
            message.msg_iov = &iov;
            message.msg_iovlen = 1;
            message.msg_control = control.data();
            message.msg_controllen = control.size();
            ssize_t n = ::recvmsg(socket, &message, MSG_DONTWAIT);
            if (n < 0) {
                if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                    log_error(std::string("udp recvmsg: ") + std::strerror(errno));
                return;
            }
            peer.length = message.msg_namelen;
            counters_.udp_datagrams.fetch_add(1);
            std::string problem =
                answer(socket, peer, message, std::span(in).first(static_cast<std::size_t>(n)));
            if (!problem.empty()) {
                counters_.udp_errors.fetch_add(1);
                log_error("udp " + format_address(peer) + ": " + problem);
            }
        }
    }

    std::string answer(int socket, const SocketAddress& peer, const msghdr& received,
                       std::span<const std::uint8_t> datagram) {
        if ((received.msg_flags & MSG_TRUNC) != 0)
            return "datagram too long";
        Request request;
        try {
            request = decode_request(datagram);
        } catch (const WireError& error) {
            return std::string("bad request: ") + error.what();
        }
        if (request.mode != Mode::Echo)
            return "stream request over UDP";
        if (datagram.size() != kRequestSize + request.length)
            return "datagram has " + std::to_string(datagram.size() - kRequestSize) +
                   " payload bytes, the header says " + std::to_string(request.length);
        Response response{request.mode, request.length, request.key,
                          request.id,   options_.name,  format_address(peer)};
        std::vector<std::uint8_t> out = encode_response(response);
        out.insert(out.end(), datagram.begin() + kRequestSize, datagram.end());

        iovec iov{out.data(), out.size()};
        msghdr reply{};
        reply.msg_name = const_cast<sockaddr*>(peer.get());
        reply.msg_namelen = peer.length;
        reply.msg_iov = &iov;
        reply.msg_iovlen = 1;
        std::array<char, 256> control{};
        set_source(received, reply, control);
        if (::sendmsg(socket, &reply, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
            return std::string("sendmsg: ") + std::strerror(errno);
        return "";
    }

    // Copies the destination address of the received datagram into the
    // reply's control data as its source.
    static void set_source(const msghdr& received, msghdr& reply, std::array<char, 256>& control) {
        msghdr& in = const_cast<msghdr&>(received);
        for (cmsghdr* c = CMSG_FIRSTHDR(&in); c != nullptr; c = CMSG_NXTHDR(&in, c)) {
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                in_pktinfo info{};
                std::memcpy(&info, CMSG_DATA(c), sizeof(info));
                in_pktinfo out{};
                out.ipi_spec_dst = info.ipi_addr;
                put_control(reply, control, IPPROTO_IP, IP_PKTINFO, &out, sizeof(out));
                return;
            }
            if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
                in6_pktinfo info{};
                std::memcpy(&info, CMSG_DATA(c), sizeof(info));
                in6_pktinfo out{};
                out.ipi6_addr = info.ipi6_addr;
                put_control(reply, control, IPPROTO_IPV6, IPV6_PKTINFO, &out, sizeof(out));
                return;
            }
        }
    }

    static void put_control(msghdr& reply, std::array<char, 256>& control, int level, int type,
                            const void* data, std::size_t length) {
        reply.msg_control = control.data();
        reply.msg_controllen = CMSG_SPACE(length);
        cmsghdr* c = CMSG_FIRSTHDR(&reply);
        c->cmsg_level = level;
        c->cmsg_type = type;
        c->cmsg_len = CMSG_LEN(length);
        std::memcpy(CMSG_DATA(c), data, length);
    }

    // Joins finished connection threads; with all, every thread (after stop).
    void reap(bool all) {
        for (auto it = workers_.begin(); it != workers_.end();) {
            if (all || it->done->load()) {
                it->thread.join();
                it = workers_.erase(it);
            } else {
                ++it;
            }
        }
    }

    const ServeOptions& options_;
    std::atomic<bool>& stop_;
    Counters counters_;
    std::vector<Fd> tcp_;
    std::vector<Fd> udp_;
    std::list<Worker> workers_;
};

} // namespace

int run_server(const ServeOptions& options, std::atomic<bool>& stop) {
    Server server(options, stop);
    return server.run();
}

} // namespace fnat::traffic

#include "tools/traffic/client.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <netinet/in.h>
#include <poll.h>
#include <span>
#include <sys/socket.h>
#include <system_error>
#include <thread>
#include <vector>

#include "tools/traffic/payload.h"
#include "tools/traffic/port_pool.h"
#include "tools/traffic/report.h"
#include "tools/traffic/socket.h"
#include "tools/traffic/wire.h"

namespace fnat::traffic {
namespace {

constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kMaxDatagram = 65536;

std::string errno_text(int error) {
    return std::strerror(error);
}

// One exchange's socket and its outcome so far.
class Exchange {
public:
    Exchange(const ConnectOptions& options, std::uint32_t index)
        : options_(options), index_(index), payload_(payload_key(options.seed, index)),
          timeout_(std::chrono::milliseconds(options.timeout_ms)) {
        result_.index = index;
    }

    ExchangeResult run(std::optional<std::uint16_t> local_port) {
        SocketAddress target = socket_address(options_.target);
        fd_ = open_socket(target.family(),
                          options_.protocol == Protocol::Tcp ? SOCK_STREAM : SOCK_DGRAM);
        if (local_port && !bind_port(target.family(), *local_port))
            return result_;
        bool done = options_.protocol == Protocol::Tcp ? tcp(target) : udp(target);
        if (done && options_.hold_ms > 0)
            hold();
        if (options_.close == CloseMode::Reset && options_.protocol == Protocol::Tcp)
            set_linger_zero(fd_.get());
        fd_.reset();
        return result_;
    }

private:
    bool fail(Failure failure, std::string detail) {
        result_.failure = failure;
        result_.detail = std::move(detail);
        return false;
    }

    bool bind_port(int family, std::uint16_t port) {
        int one = 1;
        setsockopt(fd_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        SocketAddress local = any_address(family, port);
        if (::bind(fd_.get(), local.get(), local.length) != 0)
            return fail(classify_connect_error(errno),
                        "bind port " + std::to_string(port) + ": " + errno_text(errno));
        return true;
    }

    std::vector<std::uint8_t> request_bytes() const {
        Request request{Mode::Echo, options_.bytes, payload_.key(), index_};
        auto head = encode_request(request);
        std::vector<std::uint8_t> out(kRequestSize + options_.bytes);
        std::copy(head.begin(), head.end(), out.begin());
        payload_.fill(0, std::span(out).subspan(kRequestSize));
        return out;
    }

    // The header's fields must answer this exchange.
    bool check_response(const Response& response) {
        result_.server = response.name;
        result_.peer = response.peer;
        if (response.mode != Mode::Echo || response.length != options_.bytes ||
            response.key != payload_.key() || response.id != index_)
            return fail(Failure::BadReply, "the reply header answers another request");
        return true;
    }

    bool tcp(const SocketAddress& target) {
        auto start = Clock::now();
        if (int error = connect_socket(fd_.get(), target, start + timeout_); error != 0) {
            if (error == ETIMEDOUT)
                return fail(Failure::ConnectTimeout,
                            "connect: no answer in " + std::to_string(options_.timeout_ms) + " ms");
            return fail(classify_connect_error(error), "connect: " + errno_text(error));
        }
        auto deadline = Clock::now() + timeout_;
        std::vector<std::uint8_t> out = request_bytes();
        std::vector<std::uint8_t> in(kChunk);
        std::size_t sent = 0;
        std::uint64_t echoed = 0;
        ResponseAssembler header;
        auto progress = [&] {
            return header.complete() ? "after " + std::to_string(echoed) + " of " +
                                           std::to_string(options_.bytes) + " echoed bytes"
                                     : std::string("before the reply header");
        };
        while (!header.complete() || echoed < options_.bytes) {
            short events = POLLIN;
            if (sent < out.size())
                events |= POLLOUT;
            short revents = 0;
            if (wait_fd(fd_.get(), events, deadline, nullptr, revents) != Wait::Ready)
                return fail(Failure::Timeout, "no reply in " + std::to_string(options_.timeout_ms) +
                                                  " ms, " + progress() + ", sent " +
                                                  std::to_string(sent) + " bytes");
            if ((revents & POLLOUT) != 0 && sent < out.size()) {
                ssize_t n = ::send(fd_.get(), out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
                if (n > 0)
                    sent += static_cast<std::size_t>(n);
                else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                    return fail(classify_io_error(errno),
                                "send " + progress() + ": " + errno_text(errno));
            }
            if ((revents & (POLLIN | POLLERR | POLLHUP)) == 0)
                continue;
            ssize_t n = ::recv(fd_.get(), in.data(), in.size(), 0);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                    continue;
                return fail(classify_io_error(errno), progress() + ": " + errno_text(errno));
            }
            if (n == 0)
                return fail(Failure::ShortRead, "server closed " + progress());
            auto data = std::span(in).first(static_cast<std::size_t>(n));
            if (!header.complete()) {
                try {
                    data = data.subspan(header.feed(data));
                } catch (const WireError& error) {
                    return fail(Failure::BadReply, error.what());
                }
                if (header.complete() && !check_response(header.response()))
                    return false;
            }
            if (data.empty())
                continue;
            if (echoed + data.size() > options_.bytes)
                return fail(Failure::BadReply, "more echo bytes than were sent");
            if (auto bad = payload_.first_mismatch(echoed, data))
                return fail(Failure::Mismatch,
                            "echo byte at offset " + std::to_string(*bad) + " differs");
            echoed += data.size();
        }
        result_.latency_us = micros_since(start);
        return true;
    }

    bool udp(const SocketAddress& target) {
        if (::connect(fd_.get(), target.get(), target.length) != 0)
            return fail(classify_connect_error(errno), "connect: " + errno_text(errno));
        std::vector<std::uint8_t> out = request_bytes();
        auto start = Clock::now();
        auto deadline = start + timeout_;
        ssize_t sent = ::send(fd_.get(), out.data(), out.size(), MSG_NOSIGNAL);
        if (sent < 0)
            return fail(classify_io_error(errno), "send: " + errno_text(errno));
        if (static_cast<std::size_t>(sent) != out.size())
            return fail(Failure::Error, "short send");
        std::vector<std::uint8_t> in(kMaxDatagram);
        // Bounded by the deadline; a datagram for another exchange is skipped.
        while (true) {
            short revents = 0;
            if (wait_fd(fd_.get(), POLLIN, deadline, nullptr, revents) != Wait::Ready)
                return fail(Failure::Timeout,
                            "no answer in " + std::to_string(options_.timeout_ms) + " ms");
            ssize_t n = ::recv(fd_.get(), in.data(), in.size(), 0);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                    continue;
                return fail(errno == ECONNREFUSED ? Failure::Refused : classify_io_error(errno),
                            errno_text(errno));
            }
            auto datagram = std::span(in).first(static_cast<std::size_t>(n));
            Response response;
            try {
                response = decode_response(datagram);
            } catch (const WireError& error) {
                return fail(Failure::BadReply, error.what());
            }
            if (response.id != index_ || response.key != payload_.key())
                continue;
            if (!check_response(response))
                return false;
            auto echo = datagram.subspan(response.header_size());
            if (echo.size() != options_.bytes)
                return fail(Failure::ShortRead, "the answer carries " +
                                                    std::to_string(echo.size()) + " of " +
                                                    std::to_string(options_.bytes) + " bytes");
            if (auto bad = payload_.first_mismatch(0, echo))
                return fail(Failure::Mismatch,
                            "echo byte at offset " + std::to_string(*bad) + " differs");
            result_.latency_us = micros_since(start);
            return true;
        }
    }

    // Keeps the socket open --hold-ms; over TCP, anything arriving meanwhile
    // (data, FIN, RST) fails the exchange.
    void hold() {
        auto until = Clock::now() + std::chrono::milliseconds(options_.hold_ms);
        if (options_.protocol == Protocol::Udp) {
            std::this_thread::sleep_until(until);
            return;
        }
        short revents = 0;
        if (wait_fd(fd_.get(), POLLIN, until, nullptr, revents) != Wait::Ready)
            return;
        std::uint8_t byte = 0;
        ssize_t n = ::recv(fd_.get(), &byte, 1, 0);
        if (n == 0)
            fail(Failure::ShortRead, "server closed during --hold-ms");
        else if (n < 0)
            fail(classify_io_error(errno), "during --hold-ms: " + errno_text(errno));
        else
            fail(Failure::BadReply, "unexpected bytes during --hold-ms");
    }

    const ConnectOptions& options_;
    std::uint32_t index_;
    Payload payload_;
    std::chrono::milliseconds timeout_;
    Fd fd_;
    ExchangeResult result_;
};

} // namespace

ExchangeResult run_exchange(const ConnectOptions& options, std::uint32_t index,
                            std::optional<std::uint16_t> local_port) {
    try {
        return Exchange(options, index).run(local_port);
    } catch (const std::exception& error) {
        ExchangeResult result;
        result.index = index;
        result.failure = Failure::Error;
        result.detail = error.what();
        return result;
    }
}

int run_connect(const ConnectOptions& options) {
    std::vector<ExchangeResult> results(options.count);
    std::atomic<std::uint32_t> next{0};
    std::optional<PortPool> ports;
    if (options.source_ports)
        ports.emplace(*options.source_ports);

    auto start = Clock::now();
    auto work = [&] {
        // Bounded: each round takes a new index, and there are options.count.
        while (true) {
            std::uint32_t index = next.fetch_add(1);
            if (index >= options.count)
                return;
            std::optional<std::uint16_t> port;
            if (ports)
                port = ports->acquire(); // never empty: ports >= parallel
            results[index] = run_exchange(options, index, port);
            if (port)
                ports->release(*port);
        }
    };
    std::vector<std::thread> workers;
    for (std::uint32_t i = 1; i < options.parallel; ++i) {
        try {
            workers.emplace_back(work);
        } catch (const std::system_error&) {
            break; // fewer threads: the others take over their exchanges
        }
    }
    work();
    for (std::thread& worker : workers)
        worker.join();

    RunInfo info;
    info.protocol = std::string(protocol_name(options.protocol));
    info.target = format_address(socket_address(options.target));
    info.count = options.count;
    info.bytes = options.bytes;
    info.parallel = options.parallel;
    info.elapsed_us = micros_since(start);
    Tally summary = tally(results);

    std::string report = options.json ? render_json(info, summary) : render_text(info, summary);
    if (options.list_exchanges)
        report += list_exchanges(results);
    std::fputs(report.c_str(), stdout);
    std::fflush(stdout);
    if (summary.failed == 0)
        return 0;
    std::string lines = "fnat-traffic: " + std::to_string(summary.failed) + " of " +
                        std::to_string(options.count) +
                        " exchanges failed: " + failure_counts(summary) + "\n";
    for (const std::string& error : summary.errors)
        lines += "  " + error + "\n";
    std::fputs(lines.c_str(), stderr);
    return options.allow_failures ? 0 : 1;
}

} // namespace fnat::traffic

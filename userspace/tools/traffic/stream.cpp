#include "tools/traffic/stream.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <span>
#include <string>
#include <sys/socket.h>
#include <vector>

#include "lib/json_writer.h"
#include "tools/traffic/failure.h"
#include "tools/traffic/payload.h"
#include "tools/traffic/report.h"
#include "tools/traffic/socket.h"
#include "tools/traffic/wire.h"

namespace fnat::traffic {
namespace {

constexpr std::size_t kChunk = 16 * 1024;
constexpr std::uint64_t kMaxOutstanding = 1024 * 1024; // sent but not yet echoed
constexpr auto kRateTick = std::chrono::milliseconds(10);

class Stream {
public:
    explicit Stream(const StreamOptions& options)
        : options_(options), payload_(payload_key(options.seed, 0)),
          timeout_(std::chrono::milliseconds(options.timeout_ms)) {}

    int run() {
        try {
            stream();
        } catch (const std::exception& error) {
            fail(Failure::Error, error.what());
        }
        return finish();
    }

private:
    bool fail(Failure failure, std::string detail, std::optional<std::uint64_t> offset = {}) {
        failure_ = failure;
        detail_ = std::move(detail);
        offset_ = offset.value_or(received_);
        return false;
    }

    // Progress goes to stdout, or to stderr when stdout carries the JSON.
    void say(const std::string& line) const {
        FILE* out = options_.json ? stderr : stdout;
        std::fputs((line + "\n").c_str(), out);
        std::fflush(out);
    }

    std::string where() const {
        return "at offset " + std::to_string(received_) + " (sent " + std::to_string(sent_) + ")";
    }

    bool stream() {
        SocketAddress target = socket_address(options_.target);
        fd_ = open_socket(target.family(), SOCK_STREAM);
        start_ = Clock::now();
        if (int error = connect_socket(fd_.get(), target, start_ + timeout_); error != 0) {
            if (error == ETIMEDOUT)
                return fail(Failure::ConnectTimeout,
                            "connect: no answer in " + std::to_string(options_.timeout_ms) + " ms");
            return fail(classify_connect_error(error),
                        std::string("connect: ") + std::strerror(error));
        }
        start_ = Clock::now();
        SocketAddress local;
        local.length = sizeof(local.storage);
        if (::getsockname(fd_.get(), local.get(), &local.length) == 0)
            say("stream from " + format_address(local) + " to " + format_address(target));
        auto request = encode_request(Request{Mode::Stream, 0, payload_.key(), 0});
        std::size_t request_sent = 0;
        auto send_end = start_ + std::chrono::seconds(options_.seconds);
        auto next_report = start_ + std::chrono::seconds(1);
        auto last_progress = start_;
        bool writing = true;
        double bytes_per_second = options_.rate_kbps * 125.0;
        std::uint64_t min_send =
            bytes_per_second > 0 ? std::clamp<std::uint64_t>(
                                       static_cast<std::uint64_t>(bytes_per_second / 100), 1, 1024)
                                 : 1;
        std::vector<std::uint8_t> out(kChunk);
        std::vector<std::uint8_t> in(64 * 1024);

        // Bounded: sending stops at send_end, and every round afterwards
        // either receives echoed bytes (finitely many) or ends the stream
        // once timeout_ passes without progress.
        while (true) {
            auto now = Clock::now();
            if (writing && now >= send_end && request_sent == request.size()) {
                if (::shutdown(fd_.get(), SHUT_WR) != 0)
                    return fail(classify_io_error(errno),
                                std::string("shutdown: ") + std::strerror(errno));
                writing = false;
                last_progress = now;
            }
            while (now >= next_report) {
                auto second =
                    std::chrono::duration_cast<std::chrono::seconds>(next_report - start_);
                say("stream " + std::to_string(second.count()) + " s: sent " +
                    std::to_string(sent_) + " received " + std::to_string(received_) + " bytes");
                next_report += std::chrono::seconds(1);
            }
            bool waiting = !header_.complete() || received_ < sent_ || !writing;
            if (waiting && now - last_progress >= timeout_)
                return fail(Failure::Timeout, "nothing received for " +
                                                  std::to_string(options_.timeout_ms) + " ms " +
                                                  where());

            std::uint64_t allowed = std::numeric_limits<std::uint64_t>::max();
            if (bytes_per_second > 0) {
                double seconds = std::chrono::duration<double>(now - start_).count();
                allowed = static_cast<std::uint64_t>(bytes_per_second * seconds) + kChunk;
            }
            std::uint64_t room = 0;
            if (writing && request_sent == request.size())
                room = std::min({std::uint64_t{kChunk}, allowed > sent_ ? allowed - sent_ : 0,
                                 kMaxOutstanding - (sent_ - received_)});
            if (room < min_send)
                room = 0; // a rate keeps sends to 10 ms worth or 1 KiB, not a byte at a time
            bool want_send = writing && (request_sent < request.size() || room > 0);

            auto wake = std::min(next_report, last_progress + timeout_);
            if (writing)
                wake = std::min(wake, send_end);
            if (writing && !want_send && bytes_per_second > 0)
                wake = std::min(wake, now + kRateTick);
            pollfd entry{fd_.get(), static_cast<short>(POLLIN | (want_send ? POLLOUT : 0)), 0};
            int ready = ::poll(&entry, 1, millis_until(wake));
            if (ready < 0 && errno != EINTR)
                throw SystemError("poll", errno);
            if (ready <= 0)
                continue;

            if ((entry.revents & POLLOUT) != 0 && want_send) {
                std::span<const std::uint8_t> data;
                if (request_sent < request.size()) {
                    data = std::span(request).subspan(request_sent);
                } else {
                    auto chunk = std::span(out).first(static_cast<std::size_t>(room));
                    payload_.fill(sent_, chunk);
                    data = chunk;
                }
                ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
                if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                    return fail(classify_io_error(errno),
                                std::string("send: ") + std::strerror(errno) + " " + where());
                if (n > 0) {
                    if (received_ == sent_ && header_.complete())
                        last_progress = Clock::now(); // the wait for this echo starts now
                    if (request_sent < request.size())
                        request_sent += static_cast<std::size_t>(n);
                    else
                        sent_ += static_cast<std::uint64_t>(n);
                }
            }
            if ((entry.revents & (POLLIN | POLLERR | POLLHUP)) == 0)
                continue;
            ssize_t n = ::recv(fd_.get(), in.data(), in.size(), 0);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                    continue;
                return fail(classify_io_error(errno),
                            std::string(std::strerror(errno)) + " " + where());
            }
            if (n == 0) {
                if (!writing && header_.complete() && received_ == sent_)
                    return true;
                return fail(Failure::ShortRead, "server closed " + where());
            }
            last_progress = Clock::now();
            auto data = std::span(in).first(static_cast<std::size_t>(n));
            if (!header_.complete()) {
                try {
                    data = data.subspan(header_.feed(data));
                } catch (const WireError& error) {
                    return fail(Failure::BadReply, error.what());
                }
                if (header_.complete()) {
                    const Response& response = header_.response();
                    if (response.mode != Mode::Stream || response.key != payload_.key())
                        return fail(Failure::BadReply, "the reply header answers another request");
                    say("stream connected: server " + response.name + ", seen as " + response.peer);
                }
            }
            if (data.empty())
                continue;
            if (received_ + data.size() > sent_)
                return fail(Failure::BadReply, "more echo bytes than were sent " + where());
            if (auto bad = payload_.first_mismatch(received_, data))
                return fail(Failure::Mismatch, "echo byte differs", *bad);
            received_ += data.size();
        }
    }

    int finish() {
        std::uint64_t elapsed = micros_since(start_);
        std::string server = header_.complete() ? header_.response().name : "";
        std::string peer = header_.complete() ? header_.response().peer : "";
        if (options_.json) {
            JsonWriter json;
            json.begin_object();
            json.key("result");
            json.value(failure_ ? "failed" : "ok");
            if (failure_) {
                json.key("failure");
                json.value(failure_name(*failure_));
                json.key("offset");
                json.value(offset_);
                json.key("detail");
                json.value(detail_);
            }
            json.key("sent");
            json.value(sent_);
            json.key("received");
            json.value(received_);
            json.key("elapsed_us");
            json.value(elapsed);
            json.key("server");
            json.value(server);
            json.key("peer");
            json.value(peer);
            json.end_object();
            std::fputs(json.str().c_str(), stdout);
            std::fflush(stdout);
        }
        if (failure_) {
            std::string line = "stream failed: " + std::string(failure_name(*failure_)) +
                               " at offset " + std::to_string(offset_) + " after " +
                               format_seconds(elapsed) + " s (sent " + std::to_string(sent_) +
                               ", received " + std::to_string(received_) + " bytes): " + detail_ +
                               "\n";
            std::fputs(line.c_str(), stderr);
            return 1;
        }
        if (!options_.json)
            say("stream ok: " + format_seconds(elapsed) + " s, sent " + std::to_string(sent_) +
                " received " + std::to_string(received_) + " bytes, server " + server +
                ", seen as " + peer);
        return 0;
    }

    const StreamOptions& options_;
    Payload payload_;
    std::chrono::milliseconds timeout_;
    Fd fd_;
    Clock::time_point start_ = Clock::now();
    ResponseAssembler header_;
    std::uint64_t sent_ = 0;
    std::uint64_t received_ = 0;
    std::optional<Failure> failure_;
    std::string detail_;
    std::uint64_t offset_ = 0;
};

} // namespace

int run_stream(const StreamOptions& options) {
    Stream stream(options);
    return stream.run();
}

} // namespace fnat::traffic

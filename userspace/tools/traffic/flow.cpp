#include "tools/traffic/flow.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <span>
#include <sys/socket.h>

#include "tools/traffic/payload.h"
#include "tools/traffic/report.h"
#include "tools/traffic/socket.h"
#include "tools/traffic/wire.h"

namespace fnat::traffic {
namespace {

constexpr std::size_t kMaxDatagram = 65536;
constexpr auto kMaxEndWait = std::chrono::milliseconds(1000);

std::string millis_text(std::uint64_t micros) {
    return std::to_string((micros + 500) / 1000);
}

class Flow {
public:
    explicit Flow(const FlowOptions& options)
        : options_(options), total_(flow_datagrams(options)),
          interval_(std::chrono::milliseconds(options.interval_ms)),
          timeout_(std::chrono::milliseconds(options.timeout_ms)) {}

    int run() {
        try {
            flow();
        } catch (const std::exception& error) {
            fail("error", error.what());
        }
        return finish();
    }

private:
    bool fail(std::string kind, std::string detail) {
        failure_ = std::move(kind);
        detail_ = std::move(detail);
        return false;
    }

    static void say(const std::string& line) {
        std::fputs((line + "\n").c_str(), stdout);
        std::fflush(stdout);
    }

    std::uint64_t now_us() const { return micros_since(start_); }

    bool flow() {
        SocketAddress target = socket_address(options_.target);
        fd_ = open_socket(target.family(), SOCK_DGRAM);
        if (options_.source_port) {
            SocketAddress local = any_address(target.family(), *options_.source_port);
            if (::bind(fd_.get(), local.get(), local.length) != 0)
                return fail("error", "bind port " + std::to_string(*options_.source_port) + ": " +
                                         std::strerror(errno));
        }
        if (::connect(fd_.get(), target.get(), target.length) != 0)
            return fail("error", std::string("connect: ") + std::strerror(errno));
        SocketAddress local;
        local.length = sizeof(local.storage);
        if (::getsockname(fd_.get(), local.get(), &local.length) != 0)
            return fail("error", std::string("getsockname: ") + std::strerror(errno));
        say("flow from " + format_address(local) + " to " + format_address(target) + ": " +
            std::to_string(total_) + " datagrams of " + std::to_string(options_.bytes) +
            " bytes, one every " + std::to_string(options_.interval_ms) + " ms");

        std::vector<std::uint8_t> in(kMaxDatagram);
        start_ = Clock::now();
        auto next_report = start_ + std::chrono::seconds(1);
        auto end_wait = std::min<Clock::duration>(timeout_, kMaxEndWait);
        // Bounded: total_ datagrams go out on a schedule, and afterwards the
        // loop ends once every one is answered or end_wait has passed.
        while (true) {
            auto now = Clock::now();
            while (ledger_.sent_count() < total_ && now >= send_time(ledger_.sent_count())) {
                send_next();
                now = Clock::now();
            }
            while (now >= next_report) {
                auto second =
                    std::chrono::duration_cast<std::chrono::seconds>(next_report - start_);
                say("flow " + std::to_string(second.count()) + " s: sent " +
                    std::to_string(ledger_.sent_count()) + " received " +
                    std::to_string(ledger_.received()));
                next_report += std::chrono::seconds(1);
            }
            auto silent_since = start_ + std::chrono::microseconds(ledger_.last_answer_us());
            if (!ledger_.all_answered() && now - silent_since >= timeout_)
                return fail("timeout", "no answer for " + std::to_string(options_.timeout_ms) +
                                           " ms, " + last_answered());
            bool sending = ledger_.sent_count() < total_;
            if (!sending && (ledger_.all_answered() || now >= last_sent_ + end_wait))
                return true;

            auto wake = std::min(next_report, silent_since + timeout_);
            wake =
                std::min(wake, sending ? send_time(ledger_.sent_count()) : last_sent_ + end_wait);
            pollfd entry{fd_.get(), POLLIN, 0};
            int ready = ::poll(&entry, 1, millis_until(wake));
            if (ready < 0 && errno != EINTR)
                throw SystemError("poll", errno);
            if (ready <= 0)
                continue;
            // Everything that is there; bounded by the socket's queue.
            while (true) {
                ssize_t n = ::recv(fd_.get(), in.data(), in.size(), MSG_DONTWAIT);
                if (n < 0) {
                    if (errno == EAGAIN || errno == EWOULDBLOCK)
                        break;
                    if (errno != EINTR)
                        note_error("receive", errno); // an ICMP error about an earlier datagram
                    continue;
                }
                if (!answer(std::span(in).first(static_cast<std::size_t>(n))))
                    return false;
            }
        }
    }

    Clock::time_point send_time(std::uint64_t seq) const { return start_ + interval_ * seq; }

    void send_next() {
        std::uint32_t seq = ledger_.sent_count();
        Payload payload(payload_key(options_.seed, seq));
        auto head = encode_request(Request{Mode::Echo, options_.bytes, payload.key(), seq});
        std::vector<std::uint8_t> out(kRequestSize + options_.bytes);
        std::copy(head.begin(), head.end(), out.begin());
        payload.fill(0, std::span(out).subspan(kRequestSize));
        last_sent_ = Clock::now();
        ledger_.sent(micros_since(start_));
        // A datagram that does not go out stays unanswered: it counts as lost.
        ssize_t n = ::send(fd_.get(), out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0)
            note_error("send", errno);
    }

    void note_error(const char* what, int error) {
        ++errors_;
        last_error_ = std::string(what) + ": " + std::strerror(error) + " (after datagram " +
                      std::to_string(ledger_.sent_count() == 0 ? 0 : ledger_.sent_count() - 1) +
                      ")";
    }

    std::string last_answered() const {
        return last_seq_ ? "since the answer to datagram " + std::to_string(*last_seq_)
                         : std::string("none at all yet");
    }

    bool answer(std::span<const std::uint8_t> datagram) {
        Response response;
        try {
            response = decode_response(datagram);
        } catch (const WireError& error) {
            return fail("bad-reply", error.what());
        }
        std::uint32_t seq = response.id;
        if (response.mode != Mode::Echo)
            return fail("bad-reply", "an answer that is not an echo");
        if (seq >= ledger_.sent_count())
            return fail("bad-reply",
                        "an answer to datagram " + std::to_string(seq) + ", which was not sent");
        Payload payload(payload_key(options_.seed, seq));
        if (response.key != payload.key() || response.length != options_.bytes)
            return fail("bad-reply", "the answer to datagram " + std::to_string(seq) +
                                         " has another key or length");
        auto echo = datagram.subspan(response.header_size());
        if (echo.size() != options_.bytes)
            return fail("mismatch", "the echo of datagram " + std::to_string(seq) + " carries " +
                                        std::to_string(echo.size()) + " of " +
                                        std::to_string(options_.bytes) + " bytes");
        if (auto bad = payload.first_mismatch(0, echo))
            return fail("mismatch", "the echo of datagram " + std::to_string(seq) +
                                        " differs at byte " + std::to_string(*bad));
        bool first = server_.name().empty();
        std::size_t peers = server_.peers().size();
        if (std::string problem = server_.check(seq, response.name, response.peer);
            !problem.empty())
            return fail("server-changed", problem);
        if (ledger_.answered(seq, now_us()) == FlowLedger::Answer::Duplicate)
            return fail("bad-reply", "a second answer to datagram " + std::to_string(seq));
        last_seq_ = seq;
        if (first)
            say("flow answered: server " + response.name + ", seen as " + response.peer);
        else if (server_.peers().size() != peers)
            say("flow peer: from datagram " + std::to_string(seq) + " server " + response.name +
                " sees " + response.peer);
        return true;
    }

    std::string counts() const {
        return "sent " + std::to_string(ledger_.sent_count()) + " received " +
               std::to_string(ledger_.received()) + " lost " + std::to_string(ledger_.lost());
    }

    int finish() {
        std::uint64_t elapsed = now_us();
        std::uint64_t end_us = 0;
        if (ledger_.sent_count() > 0)
            end_us = static_cast<std::uint64_t>(
                std::chrono::duration_cast<std::chrono::microseconds>(last_sent_ - start_).count());
        std::string gap = millis_text(ledger_.longest_gap_us(failure_ ? elapsed : end_us));
        if (errors_ > 0)
            say("flow errors: " + std::to_string(errors_) + ", the last " + last_error_);
        if (ledger_.lost() > 0)
            say("flow lost: " + ledger_.lost_ranges() + " (longest run " +
                std::to_string(ledger_.longest_loss_run()) + ")");
        if (!failure_ && ledger_.lost() > options_.max_lost)
            fail("lost", std::to_string(ledger_.lost()) + " datagrams unanswered, more than " +
                             "--max-lost " + std::to_string(options_.max_lost));
        if (failure_) {
            std::string line = "flow failed: " + *failure_ + " after " + format_seconds(elapsed) +
                               " s (" + counts() + ", longest gap " + gap + " ms): " + detail_ +
                               "\n";
            std::fputs(line.c_str(), stderr);
            return 1;
        }
        std::string peers;
        for (const std::string& peer : server_.peers())
            peers += (peers.empty() ? "" : ", then ") + peer;
        say("flow ok: " + format_seconds(elapsed) + " s, " + counts() + " (longest gap " + gap +
            " ms), server " + server_.name() + ", seen as " + peers);
        return 0;
    }

    const FlowOptions& options_;
    std::uint64_t total_;
    std::chrono::milliseconds interval_;
    std::chrono::milliseconds timeout_;
    Fd fd_;
    Clock::time_point start_ = Clock::now();
    Clock::time_point last_sent_ = start_;
    FlowLedger ledger_;
    FlowServer server_;
    std::optional<std::uint32_t> last_seq_;
    std::uint64_t errors_ = 0;
    std::string last_error_;
    std::optional<std::string> failure_;
    std::string detail_;
};

} // namespace

void FlowLedger::sent(std::uint64_t /*at_us*/) {
    answered_.push_back(false);
}

FlowLedger::Answer FlowLedger::answered(std::uint32_t seq, std::uint64_t at_us) {
    if (seq >= answered_.size())
        return Answer::Unknown;
    if (answered_[seq])
        return Answer::Duplicate;
    answered_[seq] = true;
    ++received_;
    if (at_us > last_answer_us_) {
        longest_gap_us_ = std::max(longest_gap_us_, at_us - last_answer_us_);
        last_answer_us_ = at_us;
    }
    return Answer::New;
}

std::uint64_t FlowLedger::longest_gap_us(std::uint64_t end_us) const {
    std::uint64_t tail = end_us > last_answer_us_ ? end_us - last_answer_us_ : 0;
    return std::max(longest_gap_us_, tail);
}

std::string FlowLedger::lost_ranges(std::size_t max_ranges) const {
    std::string out;
    std::size_t ranges = 0;
    std::size_t n = answered_.size();
    for (std::size_t i = 0; i < n;) {
        if (answered_[i]) {
            ++i;
            continue;
        }
        std::size_t first = i;
        while (i < n && !answered_[i])
            ++i;
        if (ranges == max_ranges) {
            out += ", ...";
            break;
        }
        if (!out.empty())
            out += ", ";
        out += std::to_string(first);
        if (i - 1 > first)
            out += "-" + std::to_string(i - 1);
        ++ranges;
    }
    return out;
}

std::uint32_t FlowLedger::longest_loss_run() const {
    std::uint32_t longest = 0;
    std::uint32_t run = 0;
    for (bool answered : answered_) {
        run = answered ? 0 : run + 1;
        longest = std::max(longest, run);
    }
    return longest;
}

std::string FlowServer::check(std::uint32_t seq, const std::string& name, const std::string& peer) {
    if (name_.empty())
        name_ = name;
    if (name != name_)
        return "datagram " + std::to_string(seq) + " answered by " + name +
               ", the flow's earlier datagrams by " + name_;
    if (std::find(peers_.begin(), peers_.end(), peer) == peers_.end())
        peers_.push_back(peer);
    return "";
}

int run_flow(const FlowOptions& options) {
    Flow flow(options);
    return flow.run();
}

} // namespace fnat::traffic

#include "fuzz/sync_run.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <poll.h>
#include <stdexcept>
#include <unistd.h>

#include "fuzz/sync_net.h"

namespace fnat::fuzz::sync {
namespace {

using Clock = std::chrono::steady_clock;

std::uint64_t wall_ms() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

void say(const std::string& line) {
    std::fputs((line + "\n").c_str(), stdout);
    std::fflush(stdout);
}

// Reads standard input up to a newline; false at its end.
bool read_line() {
    char c = 0;
    for (;;) {
        ssize_t n = ::read(0, &c, 1);
        if (n == 0)
            return false;
        if (n < 0)
            throw std::runtime_error("reading standard input failed");
        if (c == '\n')
            return true;
    }
}

std::string hex(std::uint32_t v) {
    char text[9];
    std::snprintf(text, sizeof(text), "%08x", v);
    return text;
}

// Keeps what the group carries until a line arrives on standard input.
std::vector<Bytes> capture(const SyncOptions& o, Clock::time_point deadline) {
    GroupListener listener(o.group, o.port, o.iface);
    say("capturing on " + to_string(o.group) + ":" + std::to_string(o.port) + " via " + o.iface);
    std::vector<Bytes> out;
    for (;;) {
        if (Clock::now() > deadline)
            throw std::runtime_error("no line on standard input before the time limit");
        pollfd fds[2] = {{listener.fd(), POLLIN, 0}, {0, POLLIN, 0}};
        if (::poll(fds, 2, 100) < 0)
            continue;
        for (auto& [data, from] : listener.drain())
            out.push_back(std::move(data));
        if (fds[1].revents) {
            if (!read_line())
                throw std::runtime_error("standard input closed while capturing");
            for (auto& [data, from] : listener.drain())
                out.push_back(std::move(data));
            return out;
        }
    }
}

} // namespace

SyncReport run_sync(const SyncOptions& o) {
    SyncReport report;
    auto start = Clock::now();
    auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(o.time_limit));
    BackupModel model(o.backup);
    std::vector<Bytes> captured;
    if (o.capture) {
        captured = capture(o, deadline);
        std::map<std::uint32_t, std::uint64_t> senders;
        std::uint64_t now = wall_ms();
        for (const Bytes& m : captured) {
            model.observe(m, now);
            if (m.size() >= kHeaderSize)
                ++senders[read_header(m).sender];
        }
        std::string line = "captured " + std::to_string(captured.size()) + " messages from " +
                           std::to_string(senders.size()) + " senders:";
        for (const auto& [sender, n] : senders)
            line += " " + hex(sender) + " (" + std::to_string(n) + ")";
        say(line);
        report.captured = captured.size();
    }
    fuzz::Rng rng(o.seed);
    Forge forge(rng, model, captured, o.service);
    GroupSender own(o.group, o.port, o.iface, std::nullopt);
    std::optional<GroupSender> spoofed;
    if (o.spoof)
        spoofed.emplace(o.group, o.port, o.iface, o.spoof);
    if (o.step) {
        // The caller reads its counters before the first datagram.
        say("ready");
        if (!read_line())
            throw std::runtime_error("standard input closed while waiting to begin");
    }
    std::uint64_t failures = 0;
    while (report.sent < o.count) {
        if (Clock::now() > deadline)
            throw std::runtime_error("time limit reached after " + std::to_string(report.sent) +
                                     " datagrams");
        SyncKind kind = o.kinds[rng.weighted(o.weights)];
        std::uint64_t now = wall_ms();
        std::optional<Datagram> d = forge.make(kind, now);
        if (!d || (d->spoof && !spoofed)) {
            if (++failures > 100000)
                throw std::runtime_error("the kinds asked for cannot be made here");
            continue;
        }
        failures = 0;
        model.take(d->data, now, d->record_counters, report.expect);
        (d->spoof ? *spoofed : own).send(d->data);
        ++report.kinds[kind];
        ++report.sent;
        report.bytes += d->data.size();
        if (o.step && report.sent % o.step == 0 && report.sent < o.count) {
            say("step " + std::to_string(report.sent / o.step) + ": sent " +
                std::to_string(report.sent));
            if (!read_line())
                throw std::runtime_error("standard input closed while waiting to go on");
        }
    }
    report.expect["records_applied"] += 0;
    report.expect["records_received"] += 0;
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return report;
}

std::string format_sync_report(const SyncReport& report) {
    std::string out;
    for (const auto& [kind, n] : report.kinds)
        out += "kind " + std::string(sync_kind_name(kind)) + ": " + std::to_string(n) + "\n";
    for (const auto& [counter, n] : report.expect)
        out += "expect " + counter + " " + std::to_string(n) + "\n";
    char line[160];
    std::snprintf(line, sizeof(line), "fuzz-sync: sent %llu datagrams (%llu bytes) in %.1f s\n",
                  static_cast<unsigned long long>(report.sent),
                  static_cast<unsigned long long>(report.bytes), report.seconds);
    return out + line;
}

} // namespace fnat::fuzz::sync

#include "fuzz/packet_run.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "fuzz/packet_gen.h"
#include "fuzz/packet_sniffer.h"

namespace fnat::fuzz::packet {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::size_t draw_kind(Rng& rng, const std::vector<unsigned>& weights) {
    std::uint64_t total = 0;
    for (unsigned w : weights)
        total += w;
    std::uint64_t draw = rng.next() % total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (draw < weights[i])
            return i;
        draw -= weights[i];
    }
    return weights.size() - 1;
}

} // namespace

std::string format_report(const Options& options, const RunReport& report) {
    std::string out;
    char line[256];
    for (const auto& [kind, count] : report.kinds) {
        std::snprintf(line, sizeof(line), "kind %s: draws %llu frames %llu\n",
                      std::string(kind_info(kind).name).c_str(),
                      static_cast<unsigned long long>(count.draws),
                      static_cast<unsigned long long>(count.frames));
        out += line;
    }
    if (options.sniff) {
        std::snprintf(line, sizeof(line), "sniffed %llu connections, %llu of them the fuzzer's\n",
                      static_cast<unsigned long long>(report.sniffed),
                      static_cast<unsigned long long>(report.sniffed_own));
        out += line;
    }
    for (const auto& [reason, n] : report.expect) {
        std::snprintf(line, sizeof(line), "expect %s %llu\n", reason.c_str(),
                      static_cast<unsigned long long>(n));
        out += line;
    }
    double rate = report.seconds > 0 ? static_cast<double>(report.frames) / report.seconds : 0;
    std::snprintf(line, sizeof(line),
                  "fuzz-packets: sent %llu frames (%llu bytes) in %.1f s, %.0f frames/s, "
                  "refused %llu, retries %llu%s\n",
                  static_cast<unsigned long long>(report.frames),
                  static_cast<unsigned long long>(report.bytes), report.seconds, rate,
                  static_cast<unsigned long long>(report.refused),
                  static_cast<unsigned long long>(report.retries),
                  report.timed_out ? ", stopped by the time limit" : "");
    out += line;
    return out;
}

RunReport run(const Options& options) {
    RunReport report;
    std::unique_ptr<PacketSender> sender;
    std::unique_ptr<Sniffer> sniffer;
    SniffedTuples tuples;
    if (!options.dry_run)
        sender = std::make_unique<PacketSender>(options.iface, options.dst_mac);
    if (options.sniff && !options.dry_run)
        sniffer = std::make_unique<Sniffer>(options.iface);
    Rng rng(options.seed);
    Gen gen(rng, options.targets, &tuples);
    auto start = Clock::now();
    std::uint64_t queued = 0;
    while (queued < options.count) {
        if ((queued & 63) == 0) {
            if (seconds_since(start) >= options.time_limit) {
                report.timed_out = true;
                break;
            }
            if (sniffer)
                sniffer->poll(options.targets, tuples);
            if (options.pps) {
                // Ahead of the pace: wait until the frames sent are due.
                double due = static_cast<double>(queued) / static_cast<double>(options.pps);
                double ahead = due - seconds_since(start);
                if (ahead > 0) {
                    if (sender)
                        sender->flush();
                    std::this_thread::sleep_for(std::chrono::duration<double>(ahead));
                }
            }
        }
        Kind kind = options.kinds[draw_kind(rng, options.weights)];
        std::vector<Bytes> packets = generate(kind, gen);
        if (packets.empty())
            continue;
        KindCount& count = report.kinds[kind];
        ++count.draws;
        for (const Bytes& packet : packets) {
            if (sender)
                sender->add(packet);
            else
                report.bytes += packet.size();
            ++count.frames;
            ++queued;
        }
        if (is_exact(kind))
            ++report.expect[std::string(kind_info(kind).reason)];
    }
    report.frames = queued;
    if (sender) {
        sender->flush();
        report.frames = sender->sent();
        report.bytes = sender->bytes();
        report.refused = sender->refused();
        report.retries = sender->retries();
    }
    report.seconds = seconds_since(start);
    report.sniffed = tuples.seen();
    report.sniffed_own = tuples.seen_own();
    return report;
}

} // namespace fnat::fuzz::packet

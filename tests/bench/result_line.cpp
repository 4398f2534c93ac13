#include "bench/result_line.h"

#include <cstdio>
#include <numeric>

namespace fnat::bench {
namespace {

std::string fixed(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof(text), "%.*f", decimals, value);
    return text;
}

} // namespace

std::string server_line(const ServerTotals& totals) {
    return "bench-server: tcp_served=" + std::to_string(totals.tcp_served) +
           " udp_packets=" + std::to_string(totals.udp_packets) +
           " udp_bytes=" + std::to_string(totals.udp_bytes);
}

std::uint64_t LoadTotals::failed() const {
    return std::accumulate(failures.begin(), failures.end(), std::uint64_t{0});
}

std::string load_line(const LoadTotals& totals) {
    std::string line = "bench-load: ok=" + std::to_string(totals.ok) +
                       " failed=" + std::to_string(totals.failed());
    for (Failure kind :
         {Failure::Refused, Failure::Reset, Failure::Timeout, Failure::Short, Failure::Other})
        line += " " + std::string(failure_name(kind)) + "=" + std::to_string(totals.count(kind));
    line += " seconds=" + fixed(totals.seconds, 3) + " rate=" + fixed(totals.rate, 1);
    line += " p50_ms=" + format_millis(totals.latency.p50_us) +
            " p90_ms=" + format_millis(totals.latency.p90_us) +
            " p99_ms=" + format_millis(totals.latency.p99_us) +
            " max_ms=" + format_millis(totals.latency.max_us);
    return line;
}

double UdpTotals::pps() const {
    return seconds > 0 ? static_cast<double>(sent) / seconds : 0;
}

std::string udp_line(const UdpTotals& totals) {
    return "bench-udp: sent=" + std::to_string(totals.sent) +
           " send_errors=" + std::to_string(totals.send_errors) +
           " seconds=" + fixed(totals.seconds, 3) + " pps=" + fixed(totals.pps(), 1) +
           " flows=" + std::to_string(totals.flows);
}

} // namespace fnat::bench

#include "lib/stats_format.h"

#include <array>

#include "lib/listing_format.h"

namespace fnat {
namespace {

// ipvsadm's name columns: "%-33s" for a service, "  -> %-28s" for a dest.
constexpr std::size_t kServiceNameWidth = 33;
constexpr std::size_t kDestNameWidth = 28;

std::string pad_right(std::string text, std::size_t width) {
    if (text.size() < width)
        text.append(width - text.size(), ' ');
    return text;
}

std::string pad_left(const std::string& text, std::size_t width) {
    if (text.size() >= width)
        return text;
    return std::string(width - text.size(), ' ') + text;
}

// printf(" %8llu"): never scaled.
std::string plain_number(std::uint64_t value) {
    return " " + pad_left(std::to_string(value), 8);
}

struct Unit {
    std::uint64_t below; // values under this use the unit
    std::uint64_t divisor;
    char suffix;
};

// print_largenum()'s ranges; values under 10^8 are printed whole.
constexpr std::uint64_t kScaleFrom = 100'000'000;
constexpr std::array<Unit, 3> kUnits = {{
    {1'000'000'000ULL, 1'000ULL, 'K'},
    {100'000'000'000ULL, 1'000'000ULL, 'M'},
    {100'000'000'000'000ULL, 1'000'000'000ULL, 'G'},
}};
constexpr Unit kLastUnit{0, 1'000'000'000'000ULL, 'T'};

std::string service_name(const Service& service) {
    return pad_right(format_service_name(service.key), kServiceNameWidth);
}

std::string dest_name(const Dest& dest) {
    return "  -> " + pad_right(format_endpoint(dest.key.address, dest.key.port), kDestNameWidth);
}

} // namespace

std::string format_large_number(std::uint64_t value, bool exact) {
    if (exact || value < kScaleFrom)
        return plain_number(value); // "%9llu", or "%*llu" with a width of len + 1
    Unit unit = kLastUnit;
    for (const Unit& candidate : kUnits) {
        if (value < candidate.below) {
            unit = candidate;
            break;
        }
    }
    return pad_left(std::to_string(value / unit.divisor), 8) + unit.suffix;
}

std::string format_stats_title_lines() {
    return "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
           "  -> RemoteAddress:Port\n";
}

std::string format_rate_title_lines() {
    return "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
           "  -> RemoteAddress:Port\n";
}

std::string format_stats_service_line(const Service& service, bool exact) {
    const Stats& s = service.stats;
    return service_name(service) + format_large_number(s.conns, exact) +
           format_large_number(s.inpkts, exact) + format_large_number(s.outpkts, exact) +
           format_large_number(s.inbytes, exact) + format_large_number(s.outbytes, exact) + "\n";
}

std::string format_stats_dest_line(const Dest& dest, bool exact) {
    const Stats& s = dest.stats;
    return dest_name(dest) + format_large_number(s.conns, exact) +
           format_large_number(s.inpkts, exact) + format_large_number(s.outpkts, exact) +
           format_large_number(s.inbytes, exact) + format_large_number(s.outbytes, exact) + "\n";
}

std::string format_rate_service_line(const Service& service, bool exact) {
    const Stats& s = service.stats;
    return service_name(service) + format_large_number(s.cps, exact) +
           format_large_number(s.inpps, exact) + format_large_number(s.outpps, exact) +
           format_large_number(s.inbps, exact) + format_large_number(s.outbps, exact) + "\n";
}

std::string format_rate_dest_line(const Dest& dest, bool exact) {
    const Stats& s = dest.stats;
    // ipvsadm: "  -> %-28s %8llu %8llu %8llu", then print_largenum() twice.
    return dest_name(dest) + plain_number(s.cps) + plain_number(s.inpps) + plain_number(s.outpps) +
           format_large_number(s.inbps, exact) + format_large_number(s.outbps, exact) + "\n";
}

} // namespace fnat

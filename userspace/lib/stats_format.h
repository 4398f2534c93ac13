// fnatadm -L --stats and -L --rate: ipvsadm 1.31's counter listings.
//
//   Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
//     -> RemoteAddress:Port
//   TCP  192.168.0.240:80                   12      345      340    20730   412000
//     -> 192.168.0.223:80                    6      170      168    10200   206000
//
// The layout is ipvsadm 1.31's print_title() and print_service_entry() with
// FMT_STATS or FMT_RATE: the name padded to 33 columns ("%-33s", services)
// or to 28 after "  -> " (destinations), then one 9-column field per counter
// (print_largenum()). Without --exact a counter of 100,000,000 or more is
// scaled down and gets a unit: K below 10^9, M below 10^11, G below 10^14,
// T above. ipvsadm prints the first three rates of a destination (CPS, InPPS,
// OutPPS) with a plain " %8llu", never scaled; fnatadm copies that too.
#pragma once

#include <cstdint>
#include <string>

#include "lib/model.h"

namespace fnat {

// ipvsadm's print_largenum(): "      999", " 100000K", "     123M"; with
// exact, the whole number after a space, right-aligned in 8 columns or wider.
std::string format_large_number(std::uint64_t value, bool exact);

// The two column-title lines of -L --stats and of -L --rate.
std::string format_stats_title_lines();
std::string format_rate_title_lines();

// One service or destination with its totals (Conns InPkts OutPkts InBytes
// OutBytes).
std::string format_stats_service_line(const Service& service, bool exact);
std::string format_stats_dest_line(const Dest& dest, bool exact);

// One service or destination with its rates (CPS InPPS OutPPS InBPS OutBPS).
std::string format_rate_service_line(const Service& service, bool exact);
std::string format_rate_dest_line(const Dest& dest, bool exact);

} // namespace fnat

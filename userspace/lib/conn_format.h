// fnatadm -L -c: the connection listing, in ipvsadm 1.31's layout, and as
// JSON (docs/fnatadm-json.md).
//
//   FNAT connection entries
//   pro expire state       source             virtual            destination
//   TCP 14:59  ESTABLISHED 10.0.0.1:40000     192.168.0.240:80   192.168.0.223:80
//
// ipvsadm prints "IPVS connection entries" then "pro expire %-11s %-18s
// %-18s %s", and per connection "%-3s %-6s %-11s %-18s %-18s %s" with the
// expiry as "%02d:%02d" (minutes, seconds; minutes go past 59). fnatadm says
// FNAT where ipvsadm says IPVS, as its -L version line does. The text has no
// local address: it would only differ from the source for FULLNAT, and
// ipvsadm has no column for it; the JSON has it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/model.h"

namespace fnat {

// The two title lines.
std::string format_conn_title_lines();

// Seconds left, rounded down, as minutes and seconds: 899999 -> "14:59",
// 7440000 -> "124:00", 0 -> "00:00".
std::string format_conn_expire(std::uint32_t expires_ms);

// One connection's line.
std::string format_conn_line(const Conn& conn);

// The title lines, then one line per connection in the order given (the
// module's table order: ipvsadm does not sort connections either).
std::string format_conn_listing_text(const std::vector<Conn>& conns);

// {"connections": [...]}, every field of every connection.
std::string format_conn_listing_json(const std::vector<Conn>& conns);

} // namespace fnat

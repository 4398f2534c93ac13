// fnatadm -L output: ipvsadm's text layout, and a JSON document
// (docs/fnatadm-json.md), for the table and for -L --timeout. Addresses are
// always numeric.
#pragma once

#include <cstdint>
#include <string>

#include "lib/model.h"

namespace fnat {

// What -L shows for each service and destination: ipvsadm's default columns,
// the counters of --stats or --rate (lib/stats_format.h), or the columns of
// --thresholds or --persistent-conn; exact is --exact (counters are never
// scaled).
enum class ListingColumns { Default, Stats, Rate, Thresholds, PersistentConn };
struct ListingStyle {
    ListingColumns columns = ListingColumns::Default;
    bool exact = false;
};

// "FNAT version 0.1.0 (size=4096)\n"
std::string format_version_line(const Info& info);

// The two column-title lines ipvsadm prints before the services.
std::string format_title_lines();

// "TCP  192.168.0.240:80": protocol and endpoint (ipvsadm: "%s  %s").
std::string format_service_name(const ServiceKey& key);

// "TCP  192.168.0.240:80 rr persistent 20\n" (ipvsadm: "%s  %s %s" + flags):
// the scheduler, then its flags, if any, in parentheses as ipvsadm 1.31's
// print_sched_flags() names them ("TCP  10.0.0.1:80 sh (sh-fallback,sh-port)",
// lib/sched_flags.h), then the persistence. The same line in every layout
// but --stats and --rate.
std::string format_service_line(const Service& service);

// "  -> 192.168.0.223:80             Route   1      0          0         \n"
// (ipvsadm: "  -> %-28s %-7s %-6d %-10u %-10u").
std::string format_dest_line(const Dest& dest);

// -L --thresholds (ipvsadm 1.31's FMT_THRESHOLDS):
//   "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
//   "  -> RemoteAddress:Port\n"
// (ipvsadm: "%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n").
std::string format_thresholds_title_lines();
// "  -> 192.168.0.223:80             100        50         3          7         \n"
// (ipvsadm: "  -> %-28s %-10u %-10u %-10u %-10u": u_threshold, l_threshold, active,
// inactive).
std::string format_thresholds_dest_line(const Dest& dest);

// -L --persistent-conn (ipvsadm 1.31's FMT_PERSISTENTCONN):
//   "Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n"
//   "  -> RemoteAddress:Port\n"
// (ipvsadm: "%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n").
std::string format_persistent_conn_title_lines();
// "  -> 192.168.0.223:80             1         2           3          7         \n"
// (ipvsadm: "  -> %-28s %-9u %-11u %-10u %-10u": weight, persistent connections
// (templates), active, inactive).
std::string format_persistent_conn_dest_line(const Dest& dest);

// The whole table as `ipvsadm -Ln` prints it (with --stats or --rate as the
// style says); without the version line when with_version_line is false (as
// `ipvsadm -Ln -t VIP:PORT` prints one service).
std::string format_listing_text(const Table& table, bool with_version_line = true,
                                ListingStyle style = {});

// The whole table as JSON, counters and scheduler flags included
// (docs/fnatadm-json.md).
std::string format_listing_json(const Table& table);

// -L --timeout: "Timeout (tcp tcpfin udp): 7440 120 300\n" (ipvsadm's line).
std::string format_timeout_text(const Timeouts& timeouts);

// -L --timeout --json: {"tcp": 7440, "tcpfin": 120, "udp": 300}.
std::string format_timeout_json(const Timeouts& timeouts);

// "TCP", "UDP", else "PROTO<number>" (text listings).
std::string protocol_name(std::uint8_t protocol);
// "tcp", "udp", else "proto<number>" (JSON).
std::string protocol_json_name(std::uint8_t protocol);

// "Route", "Tunnel", "Masq", "FullNat" (ipvsadm's column names).
std::string forward_name(ForwardMethod forward);
// "route", "tunnel", "masq", "fullnat" (JSON).
std::string forward_json_name(ForwardMethod forward);

} // namespace fnat

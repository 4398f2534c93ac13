// fnatadm -S output: ipvsadm's rule lines (`ipvsadm -S -n`), one command per
// line, which fnatadm (and ipvsadm) accept back one line at a time.
//
//   -A -t 192.168.0.240:80 -s rr -p 20 -M 255.255.255.0
//   -A -t 192.168.0.241:80 -s sh -b sh-fallback,sh-port
//   -P -t 192.168.0.240:80 -z 10.0.0.100
//   -a -t 192.168.0.240:80 -r 192.168.0.223:80 -g -w 1
//   -a -t 192.168.0.240:80 -r 192.168.0.225:80 -i -w 1 --tun-type ipip
//   -a -t 192.168.0.240:80 -r 192.168.0.224:8080 -m -w 2 -x 100 -y 50
//
// The layout is ipvsadm 1.31's print_service_entry() with FMT_RULE, so
// fnatadm and ipvsadm print the same bytes for the same table (scheduler
// flags as ipvsadm's " -b sh-fallback,sh-port" at the end of the -A line,
// lib/sched_flags.h; but SCHED3 of an sh or mh service, which ipvsadm
// leaves unnamed, is "flag-3"), with three
// additions: FULLNAT destinations use -b; non-zero thresholds are kept as
// " -x N" and " -y N" at the end of the line (ipvsadm leaves them out, so its
// saved rules lose them); and a service's local addresses are saved as
// Alibaba's LVS ipvsadm saves them ("-P -t VIP:PORT -z LIP"), in the order
// they were added, but right after the service's -A line and before its -a
// lines (Alibaba's prints them after the whole table): a FULLNAT destination
// needs a local address, so -R must create them first.
#pragma once

#include <string>

#include "lib/model.h"

namespace fnat {

// "-A -t 192.168.0.240:80 -s rr -p 20\n", "-A -t 10.0.0.1:80 -s sh -b sh-port\n"
std::string format_save_service_line(const Service& service);

// "-a -t 192.168.0.240:80 -r 192.168.0.223:80 -g -w 1\n"
std::string format_save_dest_line(const Service& service, const Dest& dest);

// "-P -t 192.168.0.240:80 -z 10.0.0.100\n"
std::string format_save_laddr_line(const Service& service, const LocalAddress& laddr);

// Every service followed by its local addresses and its destinations, in the
// table's order (the caller sorts it as -L does); an empty table prints
// nothing.
std::string format_save(const Table& table);

// "-g", "-i", "-m", "-b" (the option that selects the forwarding method).
std::string forward_option(ForwardMethod forward);

} // namespace fnat

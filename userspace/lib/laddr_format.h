// fnatadm -G: the local addresses (LIPs) of the services, in the layout of
// Alibaba's LVS ipvsadm (`ipvsadm -G`), and as JSON (docs/fnatadm-json.md).
//
//   VIP:VPORT            TOTAL    LIP                  CONFLICTS  CONNS      EXHAUSTED
//   TCP  192.168.0.240:80 2
//                                 10.0.0.100           0          3          0
//                                 10.0.0.101           12         1          0
//   UDP  192.168.0.53:53 0
//
// Alibaba's ipvsadm prints "%-20s %-8s %-20s %-10s %-10s" titles, a
// "%-20s %-8u" line per service (the address and TOTAL, its number of
// local addresses) and a "%-20s %-8s %-20s %-10lu %-10u" line per local
// address with empty first cells. fnatadm keeps those columns and adds:
//  * the protocol before the service address ("TCP  VIP:PORT", as -L
//    names services): Alibaba's "VIP:PORT" alone cannot tell a TCP service
//    from a UDP one on the same address and port;
//  * an EXHAUSTED column after CONNS (new connections for which no port
//    was free on that address), where it moves no other column;
//  * no trailing blanks (the padding of the last cell of each line).
// Cells are padded, never cut: a longer service name pushes TOTAL right.
// The title says LIP where Alibaba's says LADDR (older) or SNAT_IP (newer,
// and DPVS's).
#pragma once

#include <string>
#include <vector>

#include "lib/model.h"

namespace fnat {

// The title line.
std::string format_laddr_title_line();

// A service's line: "TCP  192.168.0.240:80 2".
std::string format_laddr_service_line(const ServiceLaddrs& service);

// A local address's line.
std::string format_laddr_line(const LocalAddress& laddr);

// The title, then each service in the order given with its local addresses
// (a service without any shows TOTAL 0).
std::string format_laddr_listing_text(const std::vector<ServiceLaddrs>& services);

// {"services": [{"protocol", "address", "port", "laddrs": [...]}]}, every
// counter of every local address.
std::string format_laddr_listing_json(const std::vector<ServiceLaddrs>& services);

} // namespace fnat

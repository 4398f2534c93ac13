#include "lib/save_format.h"

#include <netinet/in.h>

#include "lib/sched_flags.h"

namespace fnat {
namespace {

// "-t 192.168.0.240:80": ipvsadm's svc_name in FMT_RULE.
std::string service_option(const ServiceKey& key) {
    std::string option;
    switch (key.protocol) {
    case IPPROTO_TCP:
        option = "-t";
        break;
    case IPPROTO_UDP:
        option = "-u";
        break;
    default:
        option = "--xxx-service"; // ipvsadm's spelling for a protocol it cannot save
        break;
    }
    return option + " " + format_endpoint(key.address, key.port);
}

} // namespace

std::string forward_option(ForwardMethod forward) {
    switch (forward) {
    case ForwardMethod::DirectRoute:
        return "-g";
    case ForwardMethod::Tunnel:
        return "-i";
    case ForwardMethod::Masquerade:
        return "-m";
    case ForwardMethod::FullNat:
        return "-b";
    case ForwardMethod::Unspec:
        break;
    }
    return "?"; // a method this version does not know: no option selects it
}

std::string format_save_service_line(const Service& service) {
    std::string line = "-A " + service_option(service.key) + " -s " + service.scheduler;
    if (service.persistent()) {
        line += " -p " + std::to_string(service.timeout);
        if (service.key.address.is_ipv6()) {
            if (service.netmask != 128)
                line += " -M " + std::to_string(service.netmask);
        } else if (service.netmask != 32) {
            line += " -M " + ipv4_netmask_string(service.netmask);
        }
    }
    // ipvsadm 1.31 puts -b after -p, -M, --pe and -o. It has no name for
    // SCHED3 of sh and mh and prints "-b " with nothing after it, which it
    // cannot read back; fnatadm calls that flag-3.
    if ((service.flags & kSchedFlagsMask) != 0)
        line += " -b " + join_sched_flag_names(sched_flag_names(service.scheduler, service.flags));
    // Not ipvsadm's: Alibaba's LVS ipvsadm and DPVS's spell it -j.
    if (service.synproxy())
        line += " -j";
    return line + "\n";
}

std::string format_save_dest_line(const Service& service, const Dest& dest) {
    std::string line = "-a " + service_option(service.key) + " -r " +
                       format_endpoint(dest.key.address, dest.key.port) + " " +
                       forward_option(dest.forward) + " -w " + std::to_string(dest.weight);
    // ipvsadm 1.31 names the tunnel type of every tunnel destination; fnat
    // tunnels are IPIP.
    if (dest.forward == ForwardMethod::Tunnel)
        line += " --tun-type ipip";
    if (dest.u_threshold != 0)
        line += " -x " + std::to_string(dest.u_threshold);
    if (dest.l_threshold != 0)
        line += " -y " + std::to_string(dest.l_threshold);
    return line + "\n";
}

std::string format_save_laddr_line(const Service& service, const LocalAddress& laddr) {
    return "-P " + service_option(service.key) + " -z " + to_string(laddr.address) + "\n";
}

std::string format_save(const Table& table) {
    std::string out;
    for (const auto& entry : table.services) {
        out += format_save_service_line(entry.service);
        for (const auto& laddr : entry.laddrs)
            out += format_save_laddr_line(entry.service, laddr);
        for (const auto& dest : entry.dests)
            out += format_save_dest_line(entry.service, dest);
    }
    return out;
}

} // namespace fnat

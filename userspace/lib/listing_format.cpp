#include "lib/listing_format.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <netinet/in.h>

#include "lib/json_writer.h"
#include "lib/sched_flags.h"
#include "lib/stats_format.h"

namespace fnat {

std::string protocol_name(std::uint8_t protocol) {
    switch (protocol) {
    case IPPROTO_TCP:
        return "TCP";
    case IPPROTO_UDP:
        return "UDP";
    default:
        return "PROTO" + std::to_string(protocol);
    }
}

std::string protocol_json_name(std::uint8_t protocol) {
    switch (protocol) {
    case IPPROTO_TCP:
        return "tcp";
    case IPPROTO_UDP:
        return "udp";
    default:
        return "proto" + std::to_string(protocol);
    }
}

namespace {

// "stats": {...} and "rate": {...}, always both.
void stats_json(JsonWriter& json, const Stats& stats) {
    json.key("stats");
    json.begin_object();
    json.field("conns", stats.conns);
    json.field("inpkts", stats.inpkts);
    json.field("outpkts", stats.outpkts);
    json.field("inbytes", stats.inbytes);
    json.field("outbytes", stats.outbytes);
    json.end_object();
    json.key("rate");
    json.begin_object();
    json.field("cps", stats.cps);
    json.field("inpps", stats.inpps);
    json.field("outpps", stats.outpps);
    json.field("inbps", stats.inbps);
    json.field("outbps", stats.outbps);
    json.end_object();
}

} // namespace

std::string forward_name(ForwardMethod forward) {
    switch (forward) {
    case ForwardMethod::DirectRoute:
        return "Route";
    case ForwardMethod::Tunnel:
        return "Tunnel";
    case ForwardMethod::Masquerade:
        return "Masq";
    case ForwardMethod::FullNat:
        return "FullNat";
    case ForwardMethod::Unspec:
        break;
    }
    return "Unknown";
}

std::string forward_json_name(ForwardMethod forward) {
    switch (forward) {
    case ForwardMethod::DirectRoute:
        return "route";
    case ForwardMethod::Tunnel:
        return "tunnel";
    case ForwardMethod::Masquerade:
        return "masq";
    case ForwardMethod::FullNat:
        return "fullnat";
    case ForwardMethod::Unspec:
        break;
    }
    return "unknown";
}

std::string format_version_line(const Info& info) {
    return "FNAT version " + version_string(info.version_code) +
           " (size=" + std::to_string(info.conn_tab_size) + ")\n";
}

std::string format_title_lines() {
    return "Prot LocalAddress:Port Scheduler Flags\n"
           "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";
}

std::string format_service_name(const ServiceKey& key) {
    return protocol_name(key.protocol) + "  " + format_endpoint(key.address, key.port);
}

std::string format_service_line(const Service& service) {
    std::string line = format_service_name(service.key) + " " + service.scheduler;
    // ipvsadm prints the parentheses whenever a flag is set, even one it has
    // no name for (SCHED3 of sh and mh): "sh ()".
    if ((service.flags & kSchedFlagsMask) != 0)
        line += " (" +
                join_sched_flag_names(sched_flag_names(service.scheduler, service.flags, true)) +
                ")";
    if (service.persistent()) {
        line += " persistent " + std::to_string(service.timeout);
        if (service.key.address.is_ipv6()) {
            if (service.netmask != 128)
                line += " mask " + std::to_string(service.netmask);
        } else if (service.netmask != 32) {
            line += " mask " + ipv4_netmask_string(service.netmask);
        }
    }
    if (service.synproxy())
        line += " synproxy";
    return line + "\n";
}

namespace {

// ipvsadm's printf() into a std::string; the lines are far shorter than the
// buffer.
__attribute__((format(printf, 1, 2))) std::string printf_line(const char* format, ...) {
    char line[256];
    std::va_list args;
    va_start(args, format);
    int length = std::vsnprintf(line, sizeof(line), format, args);
    va_end(args);
    if (length < 0)
        return {};
    return std::string(line, std::min(static_cast<std::size_t>(length), sizeof(line) - 1));
}

} // namespace

std::string format_dest_line(const Dest& dest) {
    const std::string endpoint = format_endpoint(dest.key.address, dest.key.port);
    const std::string forward = forward_name(dest.forward);
    return printf_line("  -> %-28s %-7s %-6u %-10u %-10u\n", endpoint.c_str(), forward.c_str(),
                       dest.weight, dest.active_conns, dest.inactive_conns);
}

std::string format_thresholds_title_lines() {
    return printf_line("%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n",
                       "Prot LocalAddress:Port", "Uthreshold", "Lthreshold", "ActiveConn",
                       "InActConn");
}

std::string format_thresholds_dest_line(const Dest& dest) {
    const std::string endpoint = format_endpoint(dest.key.address, dest.key.port);
    return printf_line("  -> %-28s %-10u %-10u %-10u %-10u\n", endpoint.c_str(), dest.u_threshold,
                       dest.l_threshold, dest.active_conns, dest.inactive_conns);
}

std::string format_persistent_conn_title_lines() {
    return printf_line("%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n",
                       "Prot LocalAddress:Port", "Weight", "PersistConn", "ActiveConn",
                       "InActConn");
}

std::string format_persistent_conn_dest_line(const Dest& dest) {
    const std::string endpoint = format_endpoint(dest.key.address, dest.key.port);
    return printf_line("  -> %-28s %-9u %-11u %-10u %-10u\n", endpoint.c_str(), dest.weight,
                       dest.persist_conns, dest.active_conns, dest.inactive_conns);
}

std::string format_listing_text(const Table& table, bool with_version_line, ListingStyle style) {
    std::string out;
    if (with_version_line)
        out += format_version_line(table.info);
    switch (style.columns) {
    case ListingColumns::Default:
        out += format_title_lines();
        break;
    case ListingColumns::Stats:
        out += format_stats_title_lines();
        break;
    case ListingColumns::Rate:
        out += format_rate_title_lines();
        break;
    case ListingColumns::Thresholds:
        out += format_thresholds_title_lines();
        break;
    case ListingColumns::PersistentConn:
        out += format_persistent_conn_title_lines();
        break;
    }
    for (const auto& entry : table.services) {
        switch (style.columns) {
        case ListingColumns::Default:
            out += format_service_line(entry.service);
            for (const auto& dest : entry.dests)
                out += format_dest_line(dest);
            break;
        case ListingColumns::Stats:
            out += format_stats_service_line(entry.service, style.exact);
            for (const auto& dest : entry.dests)
                out += format_stats_dest_line(dest, style.exact);
            break;
        case ListingColumns::Rate:
            out += format_rate_service_line(entry.service, style.exact);
            for (const auto& dest : entry.dests)
                out += format_rate_dest_line(dest, style.exact);
            break;
        case ListingColumns::Thresholds:
            out += format_service_line(entry.service);
            for (const auto& dest : entry.dests)
                out += format_thresholds_dest_line(dest);
            break;
        case ListingColumns::PersistentConn:
            out += format_service_line(entry.service);
            for (const auto& dest : entry.dests)
                out += format_persistent_conn_dest_line(dest);
            break;
        }
    }
    return out;
}

std::string format_listing_json(const Table& table) {
    JsonWriter json;
    json.begin_object();
    json.field("version", version_string(table.info.version_code));
    json.field("conn_tab_size", table.info.conn_tab_size);
    json.key("services");
    json.begin_array();
    for (const auto& entry : table.services) {
        const Service& service = entry.service;
        json.begin_object();
        json.field("protocol", protocol_json_name(service.key.protocol));
        json.field("address", to_string(service.key.address));
        json.field("port", service.key.port);
        json.field("scheduler", service.scheduler);
        json.key("sched_flags");
        json.begin_array();
        for (const auto& name : sched_flag_names(service.scheduler, service.flags))
            json.value(name);
        json.end_array();
        json.field("persistent", service.persistent());
        json.field("timeout", service.persistent() ? service.timeout : 0U);
        json.field("netmask", service.netmask);
        json.field("synproxy", service.synproxy());
        stats_json(json, service.stats);
        json.key("dests");
        json.begin_array();
        for (const auto& dest : entry.dests) {
            json.begin_object();
            json.field("address", to_string(dest.key.address));
            json.field("port", dest.key.port);
            json.field("forward", forward_json_name(dest.forward));
            json.field("weight", dest.weight);
            json.field("u_threshold", dest.u_threshold);
            json.field("l_threshold", dest.l_threshold);
            json.field("active_conns", dest.active_conns);
            json.field("inactive_conns", dest.inactive_conns);
            json.field("persist_conns", dest.persist_conns);
            stats_json(json, dest.stats);
            json.end_object();
        }
        json.end_array();
        json.end_object();
    }
    json.end_array();
    json.end_object();
    return json.str();
}

std::string format_timeout_text(const Timeouts& timeouts) {
    return "Timeout (tcp tcpfin udp): " + std::to_string(timeouts.tcp) + " " +
           std::to_string(timeouts.tcp_fin) + " " + std::to_string(timeouts.udp) + "\n";
}

std::string format_timeout_json(const Timeouts& timeouts) {
    JsonWriter json;
    json.begin_object();
    json.field("tcp", timeouts.tcp);
    json.field("tcpfin", timeouts.tcp_fin);
    json.field("udp", timeouts.udp);
    json.end_object();
    return json.str();
}

} // namespace fnat

#include "lib/listing_format.h"

#include <algorithm>
#include <cstdio>
#include <netinet/in.h>

#include "lib/json_writer.h"

namespace fnat {
namespace {

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

std::string format_service_line(const Service& service) {
    std::string line = protocol_name(service.key.protocol) + "  " +
                       format_endpoint(service.key.address, service.key.port) + " " +
                       service.scheduler;
    if (service.persistent()) {
        line += " persistent " + std::to_string(service.timeout);
        if (service.key.address.is_ipv6()) {
            if (service.netmask != 128)
                line += " mask " + std::to_string(service.netmask);
        } else if (service.netmask != 32) {
            line += " mask " + ipv4_netmask_string(service.netmask);
        }
    }
    return line + "\n";
}

std::string format_dest_line(const Dest& dest) {
    const std::string endpoint = format_endpoint(dest.key.address, dest.key.port);
    const std::string forward = forward_name(dest.forward);
    char line[256];
    int length =
        std::snprintf(line, sizeof(line), "  -> %-28s %-7s %-6u %-10u %-10u\n", endpoint.c_str(),
                      forward.c_str(), dest.weight, dest.active_conns, dest.inactive_conns);
    if (length < 0)
        return {};
    return std::string(line, std::min(static_cast<std::size_t>(length), sizeof(line) - 1));
}

std::string format_listing_text(const Table& table, bool with_version_line) {
    std::string out;
    if (with_version_line)
        out += format_version_line(table.info);
    out += format_title_lines();
    for (const auto& entry : table.services) {
        out += format_service_line(entry.service);
        for (const auto& dest : entry.dests)
            out += format_dest_line(dest);
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
        json.field("persistent", service.persistent());
        json.field("timeout", service.persistent() ? service.timeout : 0U);
        json.field("netmask", service.netmask);
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

#include "lib/laddr_format.h"

#include "lib/json_writer.h"
#include "lib/listing_format.h"

namespace fnat {
namespace {

// Alibaba's ipvsadm's column widths: "%-20s %-8s %-20s %-10s %-10s".
constexpr std::size_t kServiceWidth = 20;
constexpr std::size_t kTotalWidth = 8;
constexpr std::size_t kLaddrWidth = 20;
constexpr std::size_t kCounterWidth = 10;

// "%-Ns ": padded, never cut, then the column separator.
std::string cell(std::string text, std::size_t width) {
    if (text.size() < width)
        text.append(width - text.size(), ' ');
    return text + " ";
}

} // namespace

std::string format_laddr_title_line() {
    return cell("VIP:VPORT", kServiceWidth) + cell("TOTAL", kTotalWidth) +
           cell("LIP", kLaddrWidth) + cell("CONFLICTS", kCounterWidth) +
           cell("CONNS", kCounterWidth) + "EXHAUSTED\n";
}

std::string format_laddr_service_line(const ServiceLaddrs& service) {
    return cell(format_service_name(service.service), kServiceWidth) +
           std::to_string(service.laddrs.size()) + "\n";
}

std::string format_laddr_line(const LocalAddress& laddr) {
    return cell("", kServiceWidth) + cell("", kTotalWidth) +
           cell(to_string(laddr.address), kLaddrWidth) +
           cell(std::to_string(laddr.conflicts), kCounterWidth) +
           cell(std::to_string(laddr.conns), kCounterWidth) + std::to_string(laddr.exhausted) +
           "\n";
}

std::string format_laddr_listing_text(const std::vector<ServiceLaddrs>& services) {
    std::string out = format_laddr_title_line();
    for (const ServiceLaddrs& service : services) {
        out += format_laddr_service_line(service);
        for (const LocalAddress& laddr : service.laddrs)
            out += format_laddr_line(laddr);
    }
    return out;
}

std::string format_laddr_listing_json(const std::vector<ServiceLaddrs>& services) {
    JsonWriter json;
    json.begin_object();
    json.key("services");
    json.begin_array();
    for (const ServiceLaddrs& service : services) {
        json.begin_object();
        json.field("protocol", protocol_json_name(service.service.protocol));
        json.field("address", to_string(service.service.address));
        json.field("port", service.service.port);
        json.key("laddrs");
        json.begin_array();
        for (const LocalAddress& laddr : service.laddrs) {
            json.begin_object();
            json.field("address", to_string(laddr.address));
            json.field("conns", laddr.conns);
            json.field("conflicts", laddr.conflicts);
            json.field("exhausted", laddr.exhausted);
            json.end_object();
        }
        json.end_array();
        json.end_object();
    }
    json.end_array();
    json.end_object();
    return json.str();
}

} // namespace fnat

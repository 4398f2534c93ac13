#include "lib/conn_format.h"

#include "lib/json_writer.h"
#include "lib/listing_format.h"

namespace fnat {
namespace {

// ipvsadm's "%-Ns": padded, never cut.
std::string pad_right(std::string text, std::size_t width) {
    if (text.size() < width)
        text.append(width - text.size(), ' ');
    return text;
}

// "%02u": at least two digits.
std::string two_digits(std::uint32_t value) {
    return (value < 10 ? "0" : "") + std::to_string(value);
}

void endpoint_json(JsonWriter& json, std::string_view name, const Address& address,
                   std::uint16_t port) {
    json.key(name);
    json.begin_object();
    json.field("address", to_string(address));
    json.field("port", port);
    json.end_object();
}

} // namespace

std::string format_conn_title_lines() {
    return "FNAT connection entries\n"
           "pro expire state       source             virtual            destination\n";
}

std::string format_conn_expire(std::uint32_t expires_ms) {
    const std::uint32_t seconds = expires_ms / 1000;
    return two_digits(seconds / 60) + ":" + two_digits(seconds % 60);
}

std::string format_conn_line(const Conn& conn) {
    return pad_right(protocol_name(conn.protocol), 3) + " " +
           pad_right(format_conn_expire(conn.expires_ms), 6) + " " + pad_right(conn.state, 11) +
           " " + pad_right(format_endpoint(conn.caddr, conn.cport), 18) + " " +
           pad_right(format_endpoint(conn.vaddr, conn.vport), 18) + " " +
           format_endpoint(conn.daddr, conn.dport) + "\n";
}

std::string format_conn_listing_text(const std::vector<Conn>& conns) {
    std::string out = format_conn_title_lines();
    for (const Conn& conn : conns)
        out += format_conn_line(conn);
    return out;
}

std::string format_conn_listing_json(const std::vector<Conn>& conns) {
    JsonWriter json;
    json.begin_object();
    json.key("connections");
    json.begin_array();
    for (const Conn& conn : conns) {
        json.begin_object();
        json.field("protocol", protocol_json_name(conn.protocol));
        endpoint_json(json, "client", conn.caddr, conn.cport);
        endpoint_json(json, "virtual", conn.vaddr, conn.vport);
        endpoint_json(json, "local", conn.laddr, conn.lport);
        endpoint_json(json, "dest", conn.daddr, conn.dport);
        json.field("forward", forward_json_name(conn.forward));
        json.field("state", conn.state);
        json.field("expires_ms", conn.expires_ms);
        json.end_object();
    }
    json.end_array();
    json.end_object();
    return json.str();
}

} // namespace fnat

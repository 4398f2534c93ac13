#include "lib/drops_format.h"

#include "lib/json_writer.h"

namespace fnat {
namespace {

// The reason column: wide enough for the longest names the module uses.
constexpr std::size_t kReasonWidth = 28;

std::string reason_cell(std::string text) {
    if (text.size() < kReasonWidth)
        text.append(kReasonWidth - text.size(), ' ');
    return text;
}

} // namespace

std::string format_drops_text(const Info& info) {
    std::string out = "Connections: " + std::to_string(info.num_conns) + "\n";
    out += "TOA added: " + std::to_string(info.toa_added) +
           ", skipped: " + std::to_string(info.toa_skipped) + "\n";
    out += "SYN proxy: " + std::to_string(info.synproxy_cookies) + " cookies sent, " +
           std::to_string(info.synproxy_acks) + " accepted, " +
           std::to_string(info.synproxy_rs_resets) + " refused by real servers\n";
    out += reason_cell("Drop reason") + " Packets\n";
    for (const DropCounter& drop : info.drops)
        out += reason_cell(drop.name) + " " + std::to_string(drop.count) + "\n";
    return out;
}

std::string format_drops_json(const Info& info) {
    JsonWriter json;
    json.begin_object();
    json.field("num_conns", info.num_conns);
    json.key("toa");
    json.begin_object();
    json.field("added", info.toa_added);
    json.field("skipped", info.toa_skipped);
    json.end_object();
    json.key("synproxy");
    json.begin_object();
    json.field("cookies", info.synproxy_cookies);
    json.field("acks", info.synproxy_acks);
    json.field("rs_resets", info.synproxy_rs_resets);
    json.end_object();
    json.key("drops");
    json.begin_object();
    for (const DropCounter& drop : info.drops)
        json.field(drop.name, drop.count);
    json.end_object();
    json.end_object();
    return json.str();
}

} // namespace fnat

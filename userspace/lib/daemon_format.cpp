#include "lib/daemon_format.h"

#include <array>
#include <cstdio>
#include <string_view>

#include "lib/json_writer.h"

namespace fnat {
namespace {

// The lines the counters go on, in this order.
enum class CounterLine { Sent, Received, Dropped, Other };
constexpr std::array<const char*, 4> kCounterLineLabels = {"sent", "received", "dropped", "other"};

struct KnownCounter {
    std::string_view name;
    CounterLine line;
};

// The names include/uapi/fnat.h documents for FNAT_DAEMON_A_COUNTERS.
constexpr std::array<KnownCounter, 24> kKnownCounters = {{
    {"messages_sent", CounterLine::Sent},
    {"records_sent", CounterLine::Sent},
    {"bytes_sent", CounterLine::Sent},
    {"send_errors", CounterLine::Sent},
    {"queue_full", CounterLine::Sent},
    {"bulk_requests", CounterLine::Sent},
    {"bulk_records_sent", CounterLine::Sent},
    {"messages_received", CounterLine::Received},
    {"records_received", CounterLine::Received},
    {"records_applied", CounterLine::Received},
    {"short", CounterLine::Dropped},
    {"bad_version", CounterLine::Dropped},
    {"bad_length", CounterLine::Dropped},
    {"syncid", CounterLine::Dropped},
    {"auth", CounterLine::Dropped},
    {"replay", CounterLine::Dropped},
    {"stale", CounterLine::Dropped},
    {"own", CounterLine::Dropped},
    {"bad_record", CounterLine::Dropped},
    {"no_service", CounterLine::Dropped},
    {"no_dest", CounterLine::Dropped},
    {"no_laddr", CounterLine::Dropped},
    {"conflict", CounterLine::Dropped},
    {"no_mem", CounterLine::Dropped},
}};

CounterLine line_of(std::string_view name) {
    for (const KnownCounter& known : kKnownCounters)
        if (known.name == name)
            return known.line;
    return CounterLine::Other;
}

// 3a4f12c0: a sender id as the text and the JSON show it.
std::string sender_hex(std::uint32_t sender) {
    char text[9];
    std::snprintf(text, sizeof(text), "%08x", sender);
    return text;
}

// 12345 -> "12.3": seconds with one decimal, rounded down.
std::string seconds(std::uint64_t ms) {
    return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100);
}

// "  sender 3a4f12c0, key yes, up 12.3 s\n", without what the module left out.
std::string identity_line(const SyncDaemon& daemon) {
    std::string line = "  ";
    if (daemon.sender)
        line += "sender " + sender_hex(*daemon.sender) + ", ";
    line += daemon.auth ? "key yes" : "key no";
    if (daemon.up_ms)
        line += ", up " + seconds(*daemon.up_ms) + " s";
    return line + "\n";
}

// "  sent: messages_sent 14, records_sent 320\n", one per kind of counter.
std::string counter_lines(const std::vector<NamedCounter>& counters) {
    std::string out;
    for (std::size_t line = 0; line < kCounterLineLabels.size(); ++line) {
        std::string text;
        for (const NamedCounter& counter : counters) {
            if (static_cast<std::size_t>(line_of(counter.name)) != line)
                continue;
            text += (text.empty() ? "" : ", ") + counter.name + " " + std::to_string(counter.count);
        }
        if (!text.empty())
            out += std::string("  ") + kCounterLineLabels[line] + ": " + text + "\n";
    }
    return out;
}

// "  peer 10.0.3.2 sender 7b1c0011 syncid 1: 3 messages, last 0.4 s ago\n"
std::string peer_line(const SyncPeer& peer) {
    return "  peer " + to_string(peer.address) + " sender " + sender_hex(peer.sender) + " syncid " +
           std::to_string(peer.sync_id) + ": " + std::to_string(peer.messages) +
           " messages, last " + seconds(peer.last_ms) + " s ago\n";
}

void peer_json(JsonWriter& json, const SyncPeer& peer) {
    json.begin_object();
    json.field("address", to_string(peer.address));
    json.field("sender", sender_hex(peer.sender));
    json.field("syncid", peer.sync_id);
    json.field("messages", peer.messages);
    json.field("last_ms", peer.last_ms);
    json.end_object();
}

// What the module leaves out is 0, "" or false (docs/fnatadm-json.md).
void daemon_json(JsonWriter& json, const SyncDaemon& daemon) {
    json.begin_object();
    json.field("state", sync_state_name(daemon.state));
    json.field("mcast_interface", daemon.mcast_ifn);
    json.field("syncid", daemon.sync_id);
    json.field("maxlen", daemon.sync_maxlen);
    json.field("group", daemon.mcast_group ? to_string(*daemon.mcast_group) : "");
    json.field("port", daemon.mcast_port);
    json.field("ttl", daemon.mcast_ttl);
    json.field("key", daemon.auth);
    json.field("sender", daemon.sender ? sender_hex(*daemon.sender) : "");
    json.field("up_ms", daemon.up_ms.value_or(0));
    json.key("counters");
    json.begin_object();
    for (const NamedCounter& counter : daemon.counters)
        json.field(counter.name, counter.count);
    json.end_object();
    json.key("peers");
    json.begin_array();
    for (const SyncPeer& peer : daemon.peers)
        peer_json(json, peer);
    json.end_array();
    json.end_object();
}

} // namespace

std::string sync_state_name(std::uint32_t state) {
    switch (state) {
    case FNAT_SYNC_STATE_MASTER:
        return "master";
    case FNAT_SYNC_STATE_BACKUP:
        return "backup";
    default:
        return "unknown";
    }
}

std::string format_daemon_line(const SyncDaemon& daemon) {
    std::string line = sync_state_name(daemon.state) + " sync daemon (mcast=" + daemon.mcast_ifn +
                       ", syncid=" + std::to_string(daemon.sync_id);
    if (daemon.sync_maxlen != 0)
        line += ", maxlen=" + std::to_string(daemon.sync_maxlen);
    if (daemon.mcast_group)
        line += ", group=" + to_string(*daemon.mcast_group);
    if (daemon.mcast_port != 0)
        line += ", port=" + std::to_string(daemon.mcast_port);
    if (daemon.mcast_ttl != 0)
        line += ", ttl=" + std::to_string(daemon.mcast_ttl);
    return line + ")\n";
}

std::string format_daemon_details(const SyncDaemon& daemon) {
    std::string out = identity_line(daemon) + counter_lines(daemon.counters);
    for (const SyncPeer& peer : daemon.peers)
        out += peer_line(peer);
    return out;
}

std::string format_daemons_text(const std::vector<SyncDaemon>& daemons) {
    std::string out;
    for (const SyncDaemon& daemon : daemons)
        out += format_daemon_line(daemon) + format_daemon_details(daemon);
    return out;
}

std::string format_daemons_json(const std::vector<SyncDaemon>& daemons) {
    JsonWriter json;
    json.begin_object();
    json.key("daemons");
    json.begin_array();
    for (const SyncDaemon& daemon : daemons)
        daemon_json(json, daemon);
    json.end_array();
    json.end_object();
    return json.str();
}

} // namespace fnat

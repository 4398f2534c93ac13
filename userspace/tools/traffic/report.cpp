#include "tools/traffic/report.h"

#include <cstdio>

#include "lib/json_writer.h"

namespace fnat::traffic {
namespace {

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty())
            out += ",";
        out += item;
    }
    return out;
}

} // namespace

std::string failure_counts(const Tally& tally) {
    std::string out;
    for (Failure kind : all_failures()) {
        if (tally.count(kind) == 0)
            continue;
        if (!out.empty())
            out += ", ";
        out += std::string(failure_name(kind)) + " " + std::to_string(tally.count(kind));
    }
    return out.empty() ? "none" : out;
}

std::string format_seconds(std::uint64_t micros) {
    return format_millis((micros + 500) / 1000);
}

std::string render_text(const RunInfo& info, const Tally& tally) {
    std::string out = info.protocol + " " + info.target + ": " + std::to_string(info.count) +
                      " exchanges of " + std::to_string(info.bytes) + " bytes, parallel " +
                      std::to_string(info.parallel) + "\n";
    for (const ServerTally& server : tally.servers) {
        out += "server " + server.name + ": " + std::to_string(server.answered) + " answered, " +
               std::to_string(server.failed) + " failed, latency ";
        if (server.latency)
            out += "min " + format_millis(server.latency->min_us) + " ms, median " +
                   format_millis(server.latency->median_us) + " ms, max " +
                   format_millis(server.latency->max_us) + " ms";
        else
            out += "-";
        out += ", peers " + (server.peers.empty() ? std::string("-") : join(server.peers));
        if (server.distinct_ports > 0)
            out += ", ports " + std::to_string(server.min_port) + "-" +
                   std::to_string(server.max_port) + " (" + std::to_string(server.distinct_ports) +
                   " distinct)";
        out += "\n";
    }
    out += "failures: " + failure_counts(tally) + "\n";
    out += "result: " + std::to_string(tally.ok) + " ok, " + std::to_string(tally.failed) +
           " failed, " + format_seconds(info.elapsed_us) + " s\n";
    return out;
}

std::string render_json(const RunInfo& info, const Tally& tally) {
    JsonWriter json;
    json.begin_object();
    json.field("protocol", info.protocol);
    json.field("target", info.target);
    json.field("count", info.count);
    json.field("bytes", info.bytes);
    json.field("parallel", info.parallel);
    json.field("elapsed_us", info.elapsed_us);
    json.field("ok", tally.ok);
    json.field("failed", tally.failed);
    json.key("servers");
    json.begin_array();
    for (const ServerTally& server : tally.servers) {
        json.begin_object();
        json.field("name", server.name);
        json.field("answered", server.answered);
        json.field("failed", server.failed);
        if (server.latency) {
            json.key("latency_us");
            json.begin_object();
            json.field("min", server.latency->min_us);
            json.field("median", server.latency->median_us);
            json.field("max", server.latency->max_us);
            json.end_object();
        }
        json.key("peers");
        json.begin_array();
        for (const std::string& peer : server.peers)
            json.value(peer);
        json.end_array();
        if (server.distinct_ports > 0) {
            json.key("peer_ports");
            json.begin_object();
            json.field("min", server.min_port);
            json.field("max", server.max_port);
            json.field("distinct", server.distinct_ports);
            json.end_object();
        }
        json.end_object();
    }
    json.end_array();
    json.key("failures");
    json.begin_object();
    for (Failure kind : all_failures()) {
        json.field(failure_name(kind), tally.count(kind));
    }
    json.end_object();
    json.key("errors");
    json.begin_array();
    for (const std::string& error : tally.errors)
        json.value(error);
    json.end_array();
    json.end_object();
    return json.str();
}

std::string list_exchanges(const std::vector<ExchangeResult>& results) {
    std::string out;
    for (const ExchangeResult& result : results) {
        out += "exchange " + std::to_string(result.index) + ": ";
        if (result.failure)
            out += "failed (" + std::string(failure_name(*result.failure)) + ")\n";
        else
            out += result.server + ", seen as " + result.peer + "\n";
    }
    return out;
}

} // namespace fnat::traffic

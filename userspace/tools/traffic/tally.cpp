#include "tools/traffic/tally.h"

#include <algorithm>
#include <map>
#include <set>

#include "lib/address.h"

namespace fnat::traffic {
namespace {

struct Accumulator {
    std::uint64_t answered = 0;
    std::uint64_t failed = 0;
    std::vector<std::uint64_t> latencies;
    std::set<Address> addresses;  // numeric order
    std::set<std::string> others; // peers that do not parse (not from fnat-traffic)
    std::set<std::uint16_t> ports;
};

} // namespace

std::string peer_address(std::string_view peer) {
    try {
        Endpoint endpoint = parse_endpoint(peer);
        if (endpoint.port)
            return to_string(endpoint.address);
    } catch (const ParseError&) {
    }
    return std::string(peer);
}

Tally tally(const std::vector<ExchangeResult>& results) {
    Tally out;
    std::map<std::string, Accumulator> servers;
    std::vector<const ExchangeResult*> failures;
    for (const ExchangeResult& result : results) {
        Accumulator* server = nullptr;
        if (!result.server.empty()) {
            server = &servers[result.server];
            try {
                Endpoint endpoint = parse_endpoint(result.peer);
                server->addresses.insert(endpoint.address);
                if (endpoint.port)
                    server->ports.insert(*endpoint.port);
            } catch (const ParseError&) {
                if (!result.peer.empty())
                    server->others.insert(result.peer);
            }
        }
        if (!result.failure) {
            ++out.ok;
            if (server) {
                ++server->answered;
                server->latencies.push_back(result.latency_us);
            }
            continue;
        }
        ++out.failed;
        ++out.failures[static_cast<std::size_t>(*result.failure)];
        if (server)
            ++server->failed;
        failures.push_back(&result);
    }

    for (auto& [name, acc] : servers) {
        ServerTally server;
        server.name = name;
        server.answered = acc.answered;
        server.failed = acc.failed;
        server.latency = summarize(std::move(acc.latencies));
        for (const Address& address : acc.addresses)
            server.peers.push_back(to_string(address));
        server.peers.insert(server.peers.end(), acc.others.begin(), acc.others.end());
        if (!acc.ports.empty()) {
            server.min_port = *acc.ports.begin();
            server.max_port = *acc.ports.rbegin();
            server.distinct_ports = acc.ports.size();
        }
        out.servers.push_back(std::move(server));
    }

    std::stable_sort(
        failures.begin(), failures.end(),
        [](const ExchangeResult* a, const ExchangeResult* b) { return a->index < b->index; });
    for (std::size_t i = 0; i < failures.size() && i < kMaxErrorDetails; ++i) {
        const ExchangeResult& result = *failures[i];
        std::string line = "exchange " + std::to_string(result.index) + ": " +
                           std::string(failure_name(*result.failure));
        if (!result.detail.empty())
            line += " (" + result.detail + ")";
        out.errors.push_back(std::move(line));
    }
    return out;
}

} // namespace fnat::traffic

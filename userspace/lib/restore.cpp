#include "lib/restore.h"

#include <optional>
#include <sstream>
#include <utility>

#include <uapi/fnat.h>

#include "lib/command_runner.h"
#include "lib/error_messages.h"
#include "lib/netlink_error.h"
#include "lib/request_builder.h"

namespace fnat {
namespace {

// The commands a restore line may not hold, with their spelling.
std::optional<std::string> refused_command(CommandKind kind) {
    switch (kind) {
    case CommandKind::Restore:
        return "-R (--restore)";
    case CommandKind::Save:
        return "-S (--save)";
    case CommandKind::List:
        return "-L (--list)";
    case CommandKind::ListLaddr:
        return "-G (--get-laddr)";
    // Not rules: -S never prints them, and a rollback could not undo them.
    case CommandKind::StartDaemon:
        return "--start-daemon";
    case CommandKind::StopDaemon:
        return "--stop-daemon";
    case CommandKind::Help:
        return "-h (--help)";
    case CommandKind::Version:
        return "-v (--version)";
    case CommandKind::ShowTunables:
        return "--show-tunables";
    default:
        return std::nullopt;
    }
}

std::vector<std::string> split_words(const std::string& line) {
    std::istringstream stream(line);
    std::vector<std::string> words;
    std::string word;
    while (stream >> word)
        words.push_back(word);
    return words;
}

Request new_service_request(const Service& service) {
    ServiceSpec spec;
    spec.key = service.key;
    spec.scheduler = service.scheduler;
    spec.flags = service.flags & FNAT_SVC_F_ALL;
    // As request_builder: TIMEOUT is 1..FNAT_PERSIST_MAX, sent when persistent.
    if (service.persistent())
        spec.timeout = service.timeout;
    spec.netmask = service.netmask;
    return Request{FNAT_CMD_NEW_SERVICE, false, spec, {}};
}

Request new_dest_request(const Service& service, const Dest& dest) {
    return Request{
        FNAT_CMD_NEW_DEST, false, ServiceSpec{service.key, {}, {}, {}, {}},
        DestSpec{dest.key, dest.forward, dest.weight, dest.u_threshold, dest.l_threshold}};
}

Request new_laddr_request(const Service& service, const LocalAddress& laddr) {
    return Request{FNAT_CMD_NEW_LADDR, false, ServiceSpec{service.key, {}, {}, {}, {}}, {}, {},
                   laddr.address};
}

} // namespace

RestoreError::RestoreError(std::size_t line, const std::string& message)
    : std::runtime_error("line " + std::to_string(line) + ": " + message), line_(line) {}

RestoreFailed::RestoreFailed(std::size_t line, const std::string& message,
                             std::string rollback_error)
    : RestoreError(line, message), rollback_error_(std::move(rollback_error)) {}

std::vector<RestoreLine> parse_restore_input(std::istream& in) {
    std::vector<RestoreLine> lines;
    std::string text;
    for (std::size_t number = 1; std::getline(in, text); ++number) {
        std::vector<std::string> words = split_words(text);
        if (words.empty() || words.front().front() == '#')
            continue;
        Command command;
        try {
            command = parse_command_line(words);
        } catch (const UsageError& error) {
            throw RestoreError(number, error.what());
        }
        if (auto spelling = refused_command(command.kind))
            throw RestoreError(number, *spelling + " is not allowed in restore input");
        lines.push_back(RestoreLine{number, std::move(command)});
    }
    return lines;
}

Snapshot take_snapshot(FnatApi& api) {
    Snapshot snapshot;
    // Creation order, not ipvsadm's: the rollback re-creates the table as
    // it was, and -L --nosort shows that order.
    snapshot.services = read_table(api, std::nullopt, false).services;
    read_laddrs_into(api, snapshot.services);
    snapshot.timeouts = api.get_timeouts();
    return snapshot;
}

void restore_snapshot(FnatApi& api, const Snapshot& snapshot) {
    api.execute(Request{FNAT_CMD_FLUSH, false, {}, {}});
    for (const auto& entry : snapshot.services) {
        api.execute(new_service_request(entry.service));
        for (const auto& laddr : entry.laddrs)
            api.execute(new_laddr_request(entry.service, laddr));
        for (const auto& dest : entry.dests)
            api.execute(new_dest_request(entry.service, dest));
    }
    // The kernel's timeouts are never 0 (ipvsadm's "unchanged"); should one
    // be, it is left out rather than refused.
    TimeoutSpec timeouts;
    if (snapshot.timeouts.tcp != 0)
        timeouts.tcp = snapshot.timeouts.tcp;
    if (snapshot.timeouts.tcp_fin != 0)
        timeouts.tcp_fin = snapshot.timeouts.tcp_fin;
    if (snapshot.timeouts.udp != 0)
        timeouts.udp = snapshot.timeouts.udp;
    if (!timeouts.empty())
        api.execute(Request{FNAT_CMD_SET_TIMEOUT, false, {}, {}, timeouts});
}

void apply_restore(const std::vector<RestoreLine>& lines, FnatApi& api) {
    if (lines.empty())
        return;
    const Snapshot snapshot = take_snapshot(api);
    // Each request is applied whole or refused whole, so while no request
    // has been acknowledged the table is still the snapshot: a failure then
    // leaves the live table (its counters and connections) alone.
    bool changed = false;
    for (const auto& line : lines) {
        if (changes_nothing(line.command))
            continue; // --set 0 0 0
        try {
            api.execute(build_request(line.command));
        } catch (const std::exception& error) {
            const std::string message = request_error_text(error);
            std::string rollback_error;
            if (changed) {
                try {
                    restore_snapshot(api, snapshot);
                } catch (const std::exception& rollback) {
                    rollback_error = request_error_text(rollback);
                }
            }
            throw RestoreFailed(line.number, message, rollback_error);
        }
        changed = true;
    }
}

std::string request_error_text(const std::exception& error) {
    if (const auto* netlink = dynamic_cast<const NetlinkError*>(&error))
        return error_message(*netlink);
    if (dynamic_cast<const DecodeError*>(&error) != nullptr)
        return std::string("Malformed reply from the fnat module: ") + error.what();
    return error.what();
}

} // namespace fnat

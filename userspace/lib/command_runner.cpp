#include "lib/command_runner.h"

#include <cerrno>
#include <stdexcept>

#include "lib/conn_format.h"
#include "lib/drops_format.h"
#include "lib/listing_format.h"
#include "lib/netlink_error.h"
#include "lib/request_builder.h"
#include "lib/save_format.h"

namespace fnat {

Table read_table(FnatApi& api, const std::optional<ServiceKey>& only, bool sort) {
    Table table;
    table.info = api.get_info();
    std::vector<Service> services;
    if (only)
        services.push_back(api.get_service(*only));
    else
        services = api.list_services();
    for (auto& service : services) {
        std::vector<Dest> dests;
        try {
            dests = api.list_dests(service.key);
        } catch (const NetlinkError& error) {
            // A service deleted between the two dumps is simply gone; when
            // one service was asked for, its disappearance is the answer.
            if (only || error.error() != ESRCH)
                throw;
            continue;
        }
        table.services.push_back(ServiceEntry{std::move(service), std::move(dests)});
    }
    if (sort)
        sort_table(table);
    return table;
}

void run_command(const Command& command, FnatApi& api, std::ostream& out) {
    switch (command.kind) {
    case CommandKind::List: {
        if (command.list_timeouts) {
            const Timeouts timeouts = api.get_timeouts();
            out << (command.json ? format_timeout_json(timeouts) : format_timeout_text(timeouts));
            return;
        }
        if (command.list_conns) {
            const std::vector<Conn> conns = api.list_conns(command.service);
            out << (command.json ? format_conn_listing_json(conns)
                                 : format_conn_listing_text(conns));
            return;
        }
        if (command.list_drops) {
            const Info info = api.get_info();
            out << (command.json ? format_drops_json(info) : format_drops_text(info));
            return;
        }
        Table table = read_table(api, command.service, command.sort);
        if (command.json) {
            out << format_listing_json(table); // counters are always in it
            return;
        }
        ListingStyle style;
        style.exact = command.exact;
        // As ipvsadm: --stats wins when --rate is given too.
        if (command.stats)
            style.columns = ListingColumns::Stats;
        else if (command.rate)
            style.columns = ListingColumns::Rate;
        out << format_listing_text(table, !command.service.has_value(), style);
        return;
    }
    case CommandKind::Save:
        // As ipvsadm -S: always sorted, like -L.
        out << format_save(read_table(api, std::nullopt, true));
        return;
    case CommandKind::Help:
    case CommandKind::Version:
        throw std::logic_error("run_command: help and version are handled by the caller");
    default:
        if (changes_nothing(command))
            return; // --set 0 0 0, as ipvsadm: nothing changes
        api.execute(build_request(command));
        return;
    }
}

std::string version_text(const std::optional<Info>& info, std::string_view unavailable_reason) {
    std::string line = "fnatadm v" FNATADM_VERSION " (";
    if (info)
        line += "FNAT version " + version_string(info->version_code);
    else
        line += unavailable_reason;
    return line + ")\n";
}

} // namespace fnat

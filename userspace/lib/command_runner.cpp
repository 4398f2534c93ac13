#include "lib/command_runner.h"

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include "lib/conn_format.h"
#include "lib/daemon_format.h"
#include "lib/drops_format.h"
#include "lib/laddr_format.h"
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

void read_laddrs_into(FnatApi& api, std::vector<ServiceEntry>& entries) {
    std::vector<LaddrEntry> laddrs;
    try {
        laddrs = api.list_laddrs(std::nullopt);
    } catch (const NetlinkError& error) {
        if (error.error() != EOPNOTSUPP)
            throw;
        return; // a module before local addresses has none
    }
    for (const LaddrEntry& laddr : laddrs)
        for (auto& entry : entries)
            if (entry.service.key == laddr.service) {
                entry.laddrs.push_back(laddr.laddr);
                break;
            }
}

std::vector<ServiceLaddrs> read_laddr_listing(FnatApi& api, const std::optional<ServiceKey>& only) {
    std::vector<ServiceLaddrs> services;
    if (only) {
        services.push_back(ServiceLaddrs{*only, {}});
    } else {
        for (const Service& service : api.list_services())
            services.push_back(ServiceLaddrs{service.key, {}});
    }
    for (const LaddrEntry& laddr : api.list_laddrs(only)) {
        auto group = std::find_if(services.begin(), services.end(), [&](const ServiceLaddrs& s) {
            return s.service == laddr.service;
        });
        // A service created between the two dumps: its addresses show it.
        if (group == services.end())
            group = services.insert(services.end(), ServiceLaddrs{laddr.service, {}});
        group->laddrs.push_back(laddr.laddr);
    }
    std::stable_sort(services.begin(), services.end(),
                     [](const ServiceLaddrs& a, const ServiceLaddrs& b) {
                         return service_key_order(a.service, b.service);
                     });
    return services;
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
        if (command.list_daemons) {
            std::vector<SyncDaemon> daemons = api.list_daemons();
            sort_daemons(daemons);
            out << (command.json ? format_daemons_json(daemons) : format_daemons_text(daemons));
            return;
        }
        Table table = read_table(api, command.service, command.sort);
        if (command.json) {
            out << format_listing_json(table); // counters are always in it
            return;
        }
        ListingStyle style;
        style.exact = command.exact;
        // As ipvsadm: --stats, then --rate, then --thresholds, then
        // --persistent-conn win when several are given.
        if (command.stats)
            style.columns = ListingColumns::Stats;
        else if (command.rate)
            style.columns = ListingColumns::Rate;
        else if (command.thresholds)
            style.columns = ListingColumns::Thresholds;
        else if (command.persistent_conn)
            style.columns = ListingColumns::PersistentConn;
        out << format_listing_text(table, !command.service.has_value(), style);
        return;
    }
    case CommandKind::Save: {
        // As ipvsadm -S: always sorted, like -L.
        Table table = read_table(api, std::nullopt, true);
        read_laddrs_into(api, table.services);
        out << format_save(table);
        return;
    }
    case CommandKind::ListLaddr: {
        const std::vector<ServiceLaddrs> services = read_laddr_listing(api, command.service);
        out << (command.json ? format_laddr_listing_json(services)
                             : format_laddr_listing_text(services));
        return;
    }
    case CommandKind::Help:
    case CommandKind::Version:
    case CommandKind::ShowTunables:
        throw std::logic_error("run_command: help, version and tunables are handled by the caller");
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

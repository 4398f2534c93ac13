// The operations fnatadm needs from fnat.ko. NetlinkClient implements them
// over generic netlink; tests implement them with an in-memory fake.
#pragma once

#include <optional>
#include <vector>

#include "lib/message_codec.h"
#include "lib/model.h"

namespace fnat {

class FnatApi {
public:
    virtual ~FnatApi() = default;

    // FNAT_CMD_GET_INFO, with the connection count and drop counters.
    virtual Info get_info() = 0;
    // FNAT_CMD_GET_SERVICE dump: every service, in creation order.
    virtual std::vector<Service> list_services() = 0;
    // FNAT_CMD_GET_SERVICE doit: one service.
    virtual Service get_service(const ServiceKey& key) = 0;
    // FNAT_CMD_GET_DEST dump: a service's destinations, in creation order.
    virtual std::vector<Dest> list_dests(const ServiceKey& key) = 0;
    // FNAT_CMD_GET_TIMEOUT: the connection timeouts.
    virtual Timeouts get_timeouts() = 0;
    // FNAT_CMD_GET_CONN dump: the connections of the netns, or of one
    // service (which must exist), in the module's table order.
    virtual std::vector<Conn> list_conns(const std::optional<ServiceKey>& service) = 0;
    // FNAT_CMD_GET_LADDR dump: the local addresses of every service, or of
    // one service (which must exist); services in creation order, each
    // one's addresses in the order they were added.
    virtual std::vector<LaddrEntry> list_laddrs(const std::optional<ServiceKey>& service) = 0;
    // FNAT_CMD_GET_DAEMON dump: the running connection sync daemons, master
    // first; empty when none runs.
    virtual std::vector<SyncDaemon> list_daemons() = 0;
    // A request that changes state (NEW_*, SET_*, DEL_*, FLUSH), acknowledged.
    virtual void execute(const Request& request) = 0;
};

} // namespace fnat

#include "lib/netlink_client.h"

#include <cerrno>
#include <optional>
#include <string>

#include <uapi/fnat.h>

#include "lib/netlink_error.h"
#include "lib/request_builder.h"

namespace fnat {
namespace {

// How often a dump interrupted by concurrent changes is tried in total.
constexpr int kDumpAttempts = 4;

ServiceSpec key_only(const ServiceKey& key) {
    return ServiceSpec{key, {}, {}, {}, {}};
}

} // namespace

NetlinkClient::NetlinkClient() : family_id_(socket_.resolve_family(FNAT_GENL_NAME)) {}

void NetlinkClient::request(const Request& request,
                            const std::function<void(const Reply&)>& on_reply) {
    for (int attempt = 1;; ++attempt) {
        std::vector<Reply> replies;
        const std::uint32_t seq = socket_.next_seq();
        bool consistent = false;
        try {
            consistent =
                socket_.transact(encode_request(request, family_id_, seq), seq, request.dump,
                                 [&](const nlmsghdr* message) {
                                     if (message->nlmsg_type != family_id_)
                                         throw DecodeError("unexpected netlink message type " +
                                                           std::to_string(message->nlmsg_type));
                                     replies.push_back(decode_reply(message));
                                 });
        } catch (NetlinkError& error) {
            error.set_command(request.command);
            throw;
        }
        if (consistent) {
            for (const Reply& reply : replies)
                on_reply(reply);
            return;
        }
        if (attempt == kDumpAttempts) {
            NetlinkError error(EAGAIN, "The table kept changing while it was read; try again");
            error.set_command(request.command);
            throw error;
        }
    }
}

template <typename T>
std::vector<T> NetlinkClient::dump(const Request& dump_request, std::optional<T> Reply::*member,
                                   const char* missing) {
    std::vector<T> items;
    request(dump_request, [&](const Reply& reply) {
        if (!(reply.*member))
            throw DecodeError(missing);
        items.push_back(*(reply.*member));
    });
    return items;
}

Info NetlinkClient::get_info() {
    std::optional<Info> info;
    request(Request{FNAT_CMD_GET_INFO, false, {}, {}}, [&](const Reply& reply) {
        if (reply.info)
            info = reply.info;
    });
    if (!info)
        throw DecodeError("GET_INFO reply without FNAT_A_INFO");
    return *info;
}

std::vector<Service> NetlinkClient::list_services() {
    return dump(Request{FNAT_CMD_GET_SERVICE, true, {}, {}}, &Reply::service,
                "GET_SERVICE reply without FNAT_A_SERVICE");
}

Service NetlinkClient::get_service(const ServiceKey& key) {
    std::optional<Service> service;
    request(Request{FNAT_CMD_GET_SERVICE, false, key_only(key), {}}, [&](const Reply& reply) {
        if (reply.service)
            service = reply.service;
    });
    if (!service)
        throw DecodeError("GET_SERVICE reply without FNAT_A_SERVICE");
    return *service;
}

std::vector<Dest> NetlinkClient::list_dests(const ServiceKey& key) {
    return dump(Request{FNAT_CMD_GET_DEST, true, key_only(key), {}}, &Reply::dest,
                "GET_DEST reply without FNAT_A_DEST");
}

Timeouts NetlinkClient::get_timeouts() {
    std::optional<Timeouts> timeouts;
    request(Request{FNAT_CMD_GET_TIMEOUT, false, {}, {}}, [&](const Reply& reply) {
        if (reply.timeouts)
            timeouts = reply.timeouts;
    });
    if (!timeouts)
        throw DecodeError("GET_TIMEOUT reply without FNAT_A_TIMEOUT");
    return *timeouts;
}

std::vector<Conn> NetlinkClient::list_conns(const std::optional<ServiceKey>& service) {
    return dump(conn_dump_request(service), &Reply::conn, "GET_CONN reply without FNAT_A_CONN");
}

std::vector<LaddrEntry> NetlinkClient::list_laddrs(const std::optional<ServiceKey>& service) {
    std::vector<LaddrEntry> laddrs;
    request(laddr_dump_request(service), [&](const Reply& reply) {
        if (!reply.service || !reply.laddr)
            throw DecodeError("GET_LADDR reply without FNAT_A_SERVICE and FNAT_A_LADDR");
        laddrs.push_back(LaddrEntry{reply.service->key, *reply.laddr});
    });
    return laddrs;
}

std::vector<SyncDaemon> NetlinkClient::list_daemons() {
    return dump(Request{FNAT_CMD_GET_DAEMON, true, {}, {}}, &Reply::daemon,
                "GET_DAEMON reply without FNAT_A_DAEMON");
}

void NetlinkClient::execute(const Request& request_to_send) {
    Request acknowledged = request_to_send;
    acknowledged.dump = false;
    request(acknowledged, [](const Reply&) {});
}

} // namespace fnat

// FnatApi over generic netlink: FNAT requests on a NetlinkSocket.
//
// Every failure is a NetlinkError carrying the errno, the kernel's extack
// text and the FNAT command that failed; a reply that does not follow
// include/uapi/fnat.h is a DecodeError. A dump interrupted by concurrent
// changes (NLM_F_DUMP_INTR) is restarted a few times.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "lib/fnat_api.h"
#include "lib/netlink_socket.h"

namespace fnat {

class NetlinkClient final : public FnatApi {
public:
    // Opens the socket and resolves the "FNAT" family. Throws FamilyNotFound
    // when the module is not loaded, NetlinkError for any other failure.
    NetlinkClient();

    Info get_info() override;
    std::vector<Service> list_services() override;
    Service get_service(const ServiceKey& key) override;
    std::vector<Dest> list_dests(const ServiceKey& key) override;
    Timeouts get_timeouts() override;
    std::vector<Conn> list_conns(const std::optional<ServiceKey>& service) override;
    std::vector<LaddrEntry> list_laddrs(const std::optional<ServiceKey>& service) override;
    std::vector<SyncDaemon> list_daemons() override;
    void execute(const Request& request) override;

    std::uint16_t family_id() const { return family_id_; }

private:
    void request(const Request& request, const std::function<void(const Reply&)>& on_reply);
    // The replies of a dump, each of which must carry the nest of member
    // (else DecodeError(missing)).
    template <typename T>
    std::vector<T> dump(const Request& dump_request, std::optional<T> Reply::*member,
                        const char* missing);

    NetlinkSocket socket_;
    std::uint16_t family_id_;
};

} // namespace fnat

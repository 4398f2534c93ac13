#include "lib/request_builder.h"

#include <stdexcept>

namespace fnat {
namespace {

ServiceSpec full_service_spec(const Command& command) {
    ServiceSpec spec;
    spec.key = *command.service;
    spec.scheduler = command.scheduler;
    // The whole flags word, as ipvsadm: the scheduler flags of --sched-flags
    // (none without it) replace the service's.
    spec.flags = (command.persistent ? FNAT_SVC_F_PERSISTENT : 0U) | command.sched_flags |
                 (command.synproxy ? FNAT_SVC_F_SYNPROXY : 0U);
    // TIMEOUT is 1..FNAT_PERSIST_MAX and only meaningful when persistent.
    if (command.persistent)
        spec.timeout = command.timeout;
    spec.netmask = command.netmask;
    return spec;
}

ServiceSpec key_only(const Command& command) {
    return ServiceSpec{*command.service, {}, {}, {}, {}};
}

DestSpec full_dest_spec(const Command& command) {
    return DestSpec{*command.dest, command.forward, command.weight, command.u_threshold,
                    command.l_threshold};
}

// ipvsadm --set: 0 leaves a timeout unchanged, so it is not sent.
TimeoutSpec timeout_spec(const Command& command) {
    auto unless_zero = [](std::uint32_t seconds) -> std::optional<std::uint32_t> {
        if (seconds == 0)
            return std::nullopt;
        return seconds;
    };
    return TimeoutSpec{unless_zero(command.timeouts.tcp), unless_zero(command.timeouts.tcp_fin),
                       unless_zero(command.timeouts.udp)};
}

} // namespace

Request conn_dump_request(const std::optional<ServiceKey>& service) {
    if (service)
        return Request{FNAT_CMD_GET_CONN, true, ServiceSpec{*service, {}, {}, {}, {}}, {}};
    return Request{FNAT_CMD_GET_CONN, true, {}, {}};
}

Request laddr_dump_request(const std::optional<ServiceKey>& service) {
    if (service)
        return Request{FNAT_CMD_GET_LADDR, true, ServiceSpec{*service, {}, {}, {}, {}}, {}};
    return Request{FNAT_CMD_GET_LADDR, true, {}, {}};
}

bool changes_nothing(const Command& command) {
    return command.kind == CommandKind::SetTimeout && timeout_spec(command).empty();
}

Request build_request(const Command& command) {
    switch (command.kind) {
    case CommandKind::AddService:
        return Request{FNAT_CMD_NEW_SERVICE, false, full_service_spec(command), {}};
    case CommandKind::EditService:
        return Request{FNAT_CMD_SET_SERVICE, false, full_service_spec(command), {}};
    case CommandKind::DeleteService:
        return Request{FNAT_CMD_DEL_SERVICE, false, key_only(command), {}};
    case CommandKind::Flush:
        return Request{FNAT_CMD_FLUSH, false, {}, {}};
    case CommandKind::AddDest:
        return Request{FNAT_CMD_NEW_DEST, false, key_only(command), full_dest_spec(command)};
    case CommandKind::EditDest:
        return Request{FNAT_CMD_SET_DEST, false, key_only(command), full_dest_spec(command)};
    case CommandKind::DeleteDest:
        return Request{FNAT_CMD_DEL_DEST, false, key_only(command),
                       DestSpec{*command.dest, {}, {}, {}, {}}};
    case CommandKind::Zero:
        // As ipvsadm: the service key when one is given, else every service.
        if (command.service)
            return Request{FNAT_CMD_ZERO, false, key_only(command), {}};
        return Request{FNAT_CMD_ZERO, false, {}, {}};
    case CommandKind::SetTimeout:
        if (changes_nothing(command))
            throw std::logic_error("build_request: --set 0 0 0 has nothing to send");
        return Request{FNAT_CMD_SET_TIMEOUT, false, {}, {}, timeout_spec(command)};
    case CommandKind::AddLaddr:
        return Request{FNAT_CMD_NEW_LADDR, false, key_only(command), {}, {}, *command.laddr};
    case CommandKind::DeleteLaddr:
        return Request{FNAT_CMD_DEL_LADDR, false, key_only(command), {}, {}, *command.laddr};
    case CommandKind::StartDaemon:
        // What the user gave, no more: the module applies the defaults.
        if (command.sync_key_file && !command.daemon.key)
            throw std::logic_error("build_request: the --sync-key file was not read");
        return Request{FNAT_CMD_NEW_DAEMON, false, {}, {}, {}, {}, command.daemon};
    case CommandKind::StopDaemon:
        return Request{
            FNAT_CMD_DEL_DAEMON, false, {}, {}, {}, {}, DaemonSpec{command.daemon.state}};
    case CommandKind::List:
    case CommandKind::ListLaddr:
    case CommandKind::Save:
    case CommandKind::Restore:
    case CommandKind::Help:
    case CommandKind::Version:
    case CommandKind::ShowTunables:
        break;
    }
    throw std::logic_error("build_request: the command does not change state");
}

} // namespace fnat

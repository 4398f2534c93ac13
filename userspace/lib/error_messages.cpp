#include "lib/error_messages.h"

#include <array>
#include <cerrno>
#include <cstring>

#include <uapi/fnat.h>

namespace fnat {
namespace {

struct CommandError {
    std::uint8_t command;
    int error;
    const char* message;
};

// A module without connection sync does not know the daemon commands.
constexpr const char* kNoSync = "Operation not supported: the fnat module has no connection sync";

// The messages of ipvsadm's libipvs (ipvs_strerror), mapped onto FNAT
// commands; they match the extack texts include/uapi/fnat.h documents. For
// the sync daemon those are the header's ("Sync daemon already running";
// ipvsadm: "Daemon has already run"), so that a module without extack
// prints the same.
constexpr std::array<CommandError, 29> kCommandErrors = {{
    {FNAT_CMD_NEW_SERVICE, EEXIST, "Service already exists"},
    {FNAT_CMD_NEW_SERVICE, ENOENT, "Scheduler not found"},
    {FNAT_CMD_SET_SERVICE, ESRCH, "No such service"},
    {FNAT_CMD_SET_SERVICE, ENOENT, "Scheduler not found"},
    {FNAT_CMD_DEL_SERVICE, ESRCH, "No such service"},
    {FNAT_CMD_GET_SERVICE, ESRCH, "No such service"},
    {FNAT_CMD_NEW_DEST, ESRCH, "Service not defined"},
    {FNAT_CMD_NEW_DEST, EEXIST, "Destination already exists"},
    {FNAT_CMD_SET_DEST, ESRCH, "Service not defined"},
    {FNAT_CMD_SET_DEST, ENOENT, "No such destination"},
    {FNAT_CMD_DEL_DEST, ESRCH, "Service not defined"},
    {FNAT_CMD_DEL_DEST, ENOENT, "No such destination"},
    {FNAT_CMD_GET_DEST, ESRCH, "No such service"},
    {FNAT_CMD_GET_DEST, ENOENT, "No such service"},
    {FNAT_CMD_GET_SERVICE, ENOENT, "No such service"},
    {FNAT_CMD_ZERO, ESRCH, "No such service"},
    {FNAT_CMD_GET_CONN, ESRCH, "No such service"},
    {FNAT_CMD_NEW_LADDR, ESRCH, "Service not defined"},
    {FNAT_CMD_NEW_LADDR, EEXIST, "Local address already exists"},
    {FNAT_CMD_NEW_LADDR, EADDRNOTAVAIL, "Not a unicast address"},
    {FNAT_CMD_DEL_LADDR, ESRCH, "Service not defined"},
    {FNAT_CMD_DEL_LADDR, ENOENT, "No such local address"},
    {FNAT_CMD_GET_LADDR, ESRCH, "No such service"},
    {FNAT_CMD_NEW_DAEMON, EEXIST, "Sync daemon already running"},
    {FNAT_CMD_NEW_DAEMON, ENODEV, "No such interface"},
    {FNAT_CMD_DEL_DAEMON, ESRCH, "No sync daemon running"},
    {FNAT_CMD_NEW_DAEMON, EOPNOTSUPP, kNoSync},
    {FNAT_CMD_DEL_DAEMON, EOPNOTSUPP, kNoSync},
    {FNAT_CMD_GET_DAEMON, EOPNOTSUPP, kNoSync},
}};

struct GenericError {
    int error;
    const char* message;
};

constexpr std::array<GenericError, 7> kGenericErrors = {{
    {EPERM, "Permission denied (you need CAP_NET_ADMIN)"},
    {EINVAL, "Invalid operation (possibly a wrong fnat module version)"},
    {ENOPROTOOPT, "Protocol not available"},
    {ENOMEM, "Memory allocation problem"},
    {EAFNOSUPPORT, "Operation not supported with specified address family"},
    {EOPNOTSUPP, "Operation not supported"},
    {EMSGSIZE, "Module is wrong version"},
}};

} // namespace

std::string error_message(std::uint8_t command, int error) {
    for (const auto& entry : kCommandErrors)
        if (entry.command == command && entry.error == error)
            return entry.message;
    for (const auto& entry : kGenericErrors)
        if (entry.error == error)
            return entry.message;
    return std::strerror(error);
}

std::string error_message(const NetlinkError& error) {
    if (!error.extack().empty())
        return error.extack();
    return error_message(error.command(), error.error());
}

std::string module_not_loaded_message() {
    return "Can't initialize fnat: Protocol not available\n"
           "Is the fnat module loaded? (modprobe fnat)";
}

} // namespace fnat

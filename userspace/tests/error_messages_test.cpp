#include <cerrno>
#include <cstring>

#include <gtest/gtest.h>
#include <uapi/fnat.h>

#include "lib/error_messages.h"

namespace fnat {
namespace {

NetlinkError failed(std::uint8_t command, int error, std::string extack = "") {
    NetlinkError netlink_error(error, std::move(extack));
    netlink_error.set_command(command);
    return netlink_error;
}

TEST(ErrorMessages, ExtackWins) {
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_DEST, EINVAL, "L_THRESH must not exceed U_THRESH")),
              "L_THRESH must not exceed U_THRESH");
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_DEST, EAFNOSUPPORT,
                                   "An IPv4 dest of an IPv6 service needs FULLNAT")),
              "An IPv4 dest of an IPv6 service needs FULLNAT");
}

TEST(ErrorMessages, IpvsadmTextsByCommandAndErrno) {
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_SERVICE, EEXIST)), "Service already exists");
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_SERVICE, ENOENT)), "Scheduler not found");
    EXPECT_EQ(error_message(failed(FNAT_CMD_SET_SERVICE, ESRCH)), "No such service");
    EXPECT_EQ(error_message(failed(FNAT_CMD_SET_SERVICE, ENOENT)), "Scheduler not found");
    EXPECT_EQ(error_message(failed(FNAT_CMD_DEL_SERVICE, ESRCH)), "No such service");
    EXPECT_EQ(error_message(failed(FNAT_CMD_GET_SERVICE, ESRCH)), "No such service");
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_DEST, ESRCH)), "Service not defined");
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_DEST, EEXIST)), "Destination already exists");
    EXPECT_EQ(error_message(failed(FNAT_CMD_SET_DEST, ESRCH)), "Service not defined");
    EXPECT_EQ(error_message(failed(FNAT_CMD_SET_DEST, ENOENT)), "No such destination");
    EXPECT_EQ(error_message(failed(FNAT_CMD_DEL_DEST, ESRCH)), "Service not defined");
    EXPECT_EQ(error_message(failed(FNAT_CMD_DEL_DEST, ENOENT)), "No such destination");
    EXPECT_EQ(error_message(failed(FNAT_CMD_GET_DEST, ESRCH)), "No such service");
    EXPECT_EQ(error_message(failed(FNAT_CMD_ZERO, ESRCH)), "No such service");
    EXPECT_EQ(error_message(failed(FNAT_CMD_GET_CONN, ESRCH)), "No such service");
}

TEST(ErrorMessages, LocalAddressTexts) {
    // include/uapi/fnat.h's extack texts, for a kernel that sends none.
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_LADDR, ESRCH)), "Service not defined");
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_LADDR, EEXIST)), "Local address already exists");
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_LADDR, EADDRNOTAVAIL)), "Not a unicast address");
    EXPECT_EQ(error_message(failed(FNAT_CMD_DEL_LADDR, ESRCH)), "Service not defined");
    EXPECT_EQ(error_message(failed(FNAT_CMD_DEL_LADDR, ENOENT)), "No such local address");
    EXPECT_EQ(error_message(failed(FNAT_CMD_GET_LADDR, ESRCH)), "No such service");
    // The kernel's own words win.
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_LADDR, EINVAL, "Local address family mismatch")),
              "Local address family mismatch");
    // EADDRNOTAVAIL means "Not a unicast address" only on NEW_LADDR.
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_DEST, EADDRNOTAVAIL)),
              std::strerror(EADDRNOTAVAIL));
}

TEST(ErrorMessages, SyncDaemonTexts) {
    // include/uapi/fnat.h's extack texts, for a kernel that sends none.
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_DAEMON, EEXIST)), "Sync daemon already running");
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_DAEMON, ENODEV)), "No such interface");
    EXPECT_EQ(error_message(failed(FNAT_CMD_DEL_DAEMON, ESRCH)), "No sync daemon running");
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_DAEMON, EINVAL, "Not a multicast group")),
              "Not a multicast group");
    EXPECT_EQ(
        error_message(failed(FNAT_CMD_NEW_DAEMON, EINVAL, "Sync maxlen exceeds the interface MTU")),
        "Sync maxlen exceeds the interface MTU");
    // A module from before connection sync does not know the commands.
    for (std::uint8_t command : {FNAT_CMD_NEW_DAEMON, FNAT_CMD_DEL_DAEMON, FNAT_CMD_GET_DAEMON})
        EXPECT_EQ(error_message(failed(command, EOPNOTSUPP)),
                  "Operation not supported: the fnat module has no connection sync");
    EXPECT_EQ(error_message(failed(FNAT_CMD_GET_LADDR, EOPNOTSUPP)), "Operation not supported");
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_DAEMON, EPERM)),
              "Permission denied (you need CAP_NET_ADMIN)");
}

TEST(ErrorMessages, GenericTexts) {
    EXPECT_EQ(error_message(failed(FNAT_CMD_FLUSH, EPERM)),
              "Permission denied (you need CAP_NET_ADMIN)");
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_DEST, EPERM)),
              "Permission denied (you need CAP_NET_ADMIN)");
    // ipvsadm's text; the module's own message (extack) says which mix.
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_DEST, EAFNOSUPPORT)),
              "Operation not supported with specified address family");
    EXPECT_EQ(error_message(failed(FNAT_CMD_NEW_SERVICE, ENOMEM)), "Memory allocation problem");
    // ENOENT means "Scheduler not found" only where the kernel says so.
    EXPECT_EQ(error_message(failed(FNAT_CMD_FLUSH, ENOENT)), std::strerror(ENOENT));
    EXPECT_EQ(error_message(failed(FNAT_CMD_FLUSH, EBUSY)), std::strerror(EBUSY));
}

TEST(ErrorMessages, ModuleNotLoaded) {
    EXPECT_EQ(module_not_loaded_message(), "Can't initialize fnat: Protocol not available\n"
                                           "Is the fnat module loaded? (modprobe fnat)");
}

} // namespace
} // namespace fnat

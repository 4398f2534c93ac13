#include <arpa/inet.h>
#include <cstdarg>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/daemon_format.h"
#include "tests/test_model.h"

namespace fnat {
namespace {

// The first line as ipvsadm 1.31's list_daemon() prints it, with its very
// format strings, to hold format_daemon_line() to them byte for byte.
std::string ipvsadm_daemon_line(const char* type, const SyncDaemon& daemon) {
    std::string out;
    auto printf_to_out = [&](const char* format, ...) {
        char buffer[256];
        va_list args;
        va_start(args, format);
        std::vsnprintf(buffer, sizeof(buffer), format, args);
        va_end(args);
        out += buffer;
    };
    printf_to_out("%s sync daemon (mcast=%s, syncid=%d", type, daemon.mcast_ifn.c_str(),
                  static_cast<int>(daemon.sync_id));
    if (daemon.sync_maxlen)
        printf_to_out(", maxlen=%u", static_cast<unsigned>(daemon.sync_maxlen));
    if (daemon.mcast_group) {
        char addr[INET6_ADDRSTRLEN];
        if (inet_ntop(daemon.mcast_group->family, daemon.mcast_group->bytes.data(), addr,
                      sizeof(addr)))
            printf_to_out(", group=%s", addr);
    }
    if (daemon.mcast_port)
        printf_to_out(", port=%u", static_cast<unsigned>(daemon.mcast_port));
    if (daemon.mcast_ttl)
        printf_to_out(", ttl=%u", static_cast<unsigned>(daemon.mcast_ttl));
    printf_to_out(")\n");
    return out;
}

// Only what ipvsadm's line shows: role, interface, syncid.
SyncDaemon bare_daemon(std::uint32_t state) {
    SyncDaemon daemon;
    daemon.state = state;
    daemon.mcast_ifn = "bond0.100";
    return daemon;
}

TEST(DaemonFormat, FirstLineIsIpvsadms) {
    EXPECT_EQ(format_daemon_line(test::make_sync_daemon()),
              "master sync daemon (mcast=eth0, syncid=1, maxlen=1472, group=224.0.0.83, "
              "port=8849, ttl=1)\n");
    EXPECT_EQ(format_daemon_line(test::make_sync_daemon()),
              ipvsadm_daemon_line("master", test::make_sync_daemon()));
}

TEST(DaemonFormat, FirstLineLeavesOutWhatIsZeroOrAbsentAsIpvsadmDoes) {
    SyncDaemon daemon = bare_daemon(FNAT_SYNC_STATE_BACKUP);
    EXPECT_EQ(format_daemon_line(daemon), "backup sync daemon (mcast=bond0.100, syncid=0)\n");
    EXPECT_EQ(format_daemon_line(daemon), ipvsadm_daemon_line("backup", daemon));

    daemon.sync_id = 255;
    daemon.mcast_port = 65535;
    EXPECT_EQ(format_daemon_line(daemon),
              "backup sync daemon (mcast=bond0.100, syncid=255, port=65535)\n");
    EXPECT_EQ(format_daemon_line(daemon), ipvsadm_daemon_line("backup", daemon));

    daemon.mcast_group = Address::ipv4(239, 255, 0, 1);
    daemon.mcast_ttl = 255;
    daemon.sync_maxlen = 65507;
    EXPECT_EQ(format_daemon_line(daemon), ipvsadm_daemon_line("backup", daemon));

    daemon.mcast_group = parse_address("ff02::12"); // a later module's IPv6 group
    EXPECT_EQ(format_daemon_line(daemon), ipvsadm_daemon_line("backup", daemon));
    EXPECT_NE(format_daemon_line(daemon).find(", group=ff02::12, "), std::string::npos);
}

TEST(DaemonFormat, Details) {
    EXPECT_EQ(format_daemon_details(test::make_sync_daemon()),
              "  sender 3a4f12c0, key yes, up 12.3 s\n"
              "  sent: messages_sent 14, records_sent 320, bytes_sent 25400, send_errors 0, "
              "queue_full 0, bulk_requests 1, bulk_records_sent 120\n"
              "  received: messages_received 3, records_received 80, records_applied 80\n"
              "  dropped: short 0, bad_version 0, bad_length 0, syncid 0, auth 0, replay 0, "
              "stale 0, own 0, bad_record 0, no_service 0, no_dest 0, no_laddr 0, conflict 0, "
              "no_mem 0\n"
              "  peer 10.0.3.2 sender 7b1c0011 syncid 1: 3 messages, last 0.4 s ago\n");
}

TEST(DaemonFormat, UnknownCountersGoOnAnOtherLineAndKnownOnesKeepTheirLine) {
    SyncDaemon daemon = bare_daemon(FNAT_SYNC_STATE_BACKUP);
    // A newer module: a new counter between known ones, the order mixed.
    daemon.counters = {{"records_applied", 7},
                       {"bad_mac_v2", 5},
                       {"messages_sent", 0},
                       {"replay", 2},
                       {"future", 18'446'744'073'709'551'615ULL}};
    EXPECT_EQ(format_daemon_details(daemon),
              "  key no\n"
              "  sent: messages_sent 0\n"
              "  received: records_applied 7\n"
              "  dropped: replay 2\n"
              "  other: bad_mac_v2 5, future 18446744073709551615\n");
}

TEST(DaemonFormat, WhatTheModuleLeavesOutIsLeftOut) {
    EXPECT_EQ(format_daemon_details(bare_daemon(FNAT_SYNC_STATE_MASTER)), "  key no\n");
    SyncDaemon daemon = bare_daemon(FNAT_SYNC_STATE_MASTER);
    daemon.up_ms = 0;
    EXPECT_EQ(format_daemon_details(daemon), "  key no, up 0.0 s\n");
    daemon.sender = 0x1;
    EXPECT_EQ(format_daemon_details(daemon), "  sender 00000001, key no, up 0.0 s\n");
}

TEST(DaemonFormat, TimesAreSecondsWithOneDecimalRoundedDown) {
    SyncDaemon daemon = bare_daemon(FNAT_SYNC_STATE_BACKUP);
    daemon.up_ms = 259'200'999; // three days
    daemon.peers = {
        SyncPeer{Address::ipv4(10, 0, 3, 2), 0xffffffff, 255, 18'446'744'073'709'551'615ULL, 99},
        SyncPeer{parse_address("2001:db8::7"), 0, 0, 0, 1'000}};
    EXPECT_EQ(format_daemon_details(daemon),
              "  key no, up 259200.9 s\n"
              "  peer 10.0.3.2 sender ffffffff syncid 255: 18446744073709551615 messages, last "
              "0.0 s ago\n"
              "  peer 2001:db8::7 sender 00000000 syncid 0: 0 messages, last 1.0 s ago\n");
}

TEST(DaemonFormat, TextListsEveryDaemonInTheOrderGiven) {
    const SyncDaemon master = test::make_sync_daemon(FNAT_SYNC_STATE_MASTER);
    const SyncDaemon backup = bare_daemon(FNAT_SYNC_STATE_BACKUP);
    EXPECT_EQ(format_daemons_text({master, backup}),
              format_daemon_line(master) + format_daemon_details(master) +
                  "backup sync daemon (mcast=bond0.100, syncid=0)\n"
                  "  key no\n");
}

TEST(DaemonFormat, NoDaemonPrintsNothing) {
    EXPECT_EQ(format_daemons_text({}), "");
}

TEST(DaemonFormat, StateNames) {
    EXPECT_EQ(sync_state_name(FNAT_SYNC_STATE_MASTER), "master");
    EXPECT_EQ(sync_state_name(FNAT_SYNC_STATE_BACKUP), "backup");
    EXPECT_EQ(sync_state_name(0), "unknown");
    EXPECT_EQ(sync_state_name(3), "unknown");
}

TEST(DaemonFormat, Json) {
    SyncDaemon backup = bare_daemon(FNAT_SYNC_STATE_BACKUP);
    backup.counters = {{"records_applied", 7}};
    EXPECT_EQ(format_daemons_json({test::make_sync_daemon(), backup}), R"({
  "daemons": [
    {
      "state": "master",
      "mcast_interface": "eth0",
      "syncid": 1,
      "maxlen": 1472,
      "group": "224.0.0.83",
      "port": 8849,
      "ttl": 1,
      "key": true,
      "sender": "3a4f12c0",
      "up_ms": 12345,
      "counters": {
        "messages_sent": 14,
        "records_sent": 320,
        "bytes_sent": 25400,
        "send_errors": 0,
        "queue_full": 0,
        "bulk_requests": 1,
        "bulk_records_sent": 120,
        "messages_received": 3,
        "records_received": 80,
        "records_applied": 80,
        "short": 0,
        "bad_version": 0,
        "bad_length": 0,
        "syncid": 0,
        "auth": 0,
        "replay": 0,
        "stale": 0,
        "own": 0,
        "bad_record": 0,
        "no_service": 0,
        "no_dest": 0,
        "no_laddr": 0,
        "conflict": 0,
        "no_mem": 0
      },
      "peers": [
        {
          "address": "10.0.3.2",
          "sender": "7b1c0011",
          "syncid": 1,
          "messages": 3,
          "last_ms": 400
        }
      ]
    },
    {
      "state": "backup",
      "mcast_interface": "bond0.100",
      "syncid": 0,
      "maxlen": 0,
      "group": "",
      "port": 0,
      "ttl": 0,
      "key": false,
      "sender": "",
      "up_ms": 0,
      "counters": {
        "records_applied": 7
      },
      "peers": []
    }
  ]
}
)");
}

TEST(DaemonFormat, JsonWithoutDaemons) {
    EXPECT_EQ(format_daemons_json({}), "{\n  \"daemons\": []\n}\n");
}

} // namespace
} // namespace fnat

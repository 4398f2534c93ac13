#include <string>

#include <gtest/gtest.h>

#include "lib/drops_format.h"

namespace fnat {
namespace {

Info dropping_info() {
    Info info;
    info.num_conns = 1234;
    info.toa_added = 56;
    info.toa_skipped = 7;
    info.synproxy_cookies = 900;
    info.synproxy_acks = 88;
    info.synproxy_rs_resets = 2;
    info.drops = {{"no_dest", 12}, {"conn_limit", 0}, {"a_name_longer_than_28_columns", 7}};
    return info;
}

TEST(DropsFormat, Text) {
    EXPECT_EQ(format_drops_text(dropping_info()), "Connections: 1234\n"
                                                  "TOA added: 56, skipped: 7\n"
                                                  "SYN proxy: 900 cookies sent, 88 accepted, 2 "
                                                  "refused by real servers\n"
                                                  "Drop reason                  Packets\n"
                                                  "no_dest                      12\n"
                                                  "conn_limit                   0\n"
                                                  "a_name_longer_than_28_columns 7\n");
}

TEST(DropsFormat, TextWithoutCounters) {
    EXPECT_EQ(format_drops_text(Info{}), "Connections: 0\n"
                                         "TOA added: 0, skipped: 0\n"
                                         "SYN proxy: 0 cookies sent, 0 accepted, 0 refused by "
                                         "real servers\n"
                                         "Drop reason                  Packets\n");
}

TEST(DropsFormat, JsonKeysTheCountersByReason) {
    EXPECT_EQ(format_drops_json(dropping_info()), R"({
  "num_conns": 1234,
  "toa": {
    "added": 56,
    "skipped": 7
  },
  "synproxy": {
    "cookies": 900,
    "acks": 88,
    "rs_resets": 2
  },
  "drops": {
    "no_dest": 12,
    "conn_limit": 0,
    "a_name_longer_than_28_columns": 7
  }
}
)");
}

} // namespace
} // namespace fnat

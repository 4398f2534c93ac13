#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/sched_flags.h"

namespace fnat {
namespace {

using Names = std::vector<std::string>;

TEST(SchedFlagsParse, ShFlagsWithSh) {
    EXPECT_EQ(parse_sched_flags("sh", "sh-fallback"), FNAT_SVC_F_SCHED_SH_FALLBACK);
    EXPECT_EQ(parse_sched_flags("sh", "sh-port"), FNAT_SVC_F_SCHED_SH_PORT);
    EXPECT_EQ(parse_sched_flags("sh", "sh-fallback,sh-port"),
              FNAT_SVC_F_SCHED_SH_FALLBACK | FNAT_SVC_F_SCHED_SH_PORT);
    EXPECT_EQ(parse_sched_flags("sh", "sh-port,sh-fallback"),
              FNAT_SVC_F_SCHED1 | FNAT_SVC_F_SCHED2);
}

TEST(SchedFlagsParse, MhFlagsWithMh) {
    EXPECT_EQ(parse_sched_flags("mh", "mh-fallback"), FNAT_SVC_F_SCHED_MH_FALLBACK);
    EXPECT_EQ(parse_sched_flags("mh", "mh-port"), FNAT_SVC_F_SCHED_MH_PORT);
    EXPECT_EQ(parse_sched_flags("mh", "mh-port,mh-fallback,flag-3"),
              FNAT_SVC_F_SCHED1 | FNAT_SVC_F_SCHED2 | FNAT_SVC_F_SCHED3);
}

TEST(SchedFlagsParse, RawFlagsWithAnyScheduler) {
    for (const char* scheduler : {"rr", "wlc", "sh", "mh", "twos"}) {
        EXPECT_EQ(parse_sched_flags(scheduler, "flag-1"), FNAT_SVC_F_SCHED1) << scheduler;
        EXPECT_EQ(parse_sched_flags(scheduler, "flag-2"), FNAT_SVC_F_SCHED2) << scheduler;
        EXPECT_EQ(parse_sched_flags(scheduler, "flag-3"), FNAT_SVC_F_SCHED3) << scheduler;
    }
    EXPECT_EQ(parse_sched_flags("rr", "flag-1,flag-2,flag-3"), kSchedFlagsMask);
    EXPECT_EQ(parse_sched_flags("sh", "flag-1,sh-fallback"), FNAT_SVC_F_SCHED1);
}

TEST(SchedFlagsParse, EmptyItemsAreSkippedAsByStrtok) {
    EXPECT_EQ(parse_sched_flags("sh", ",sh-port,,sh-fallback,"),
              FNAT_SVC_F_SCHED1 | FNAT_SVC_F_SCHED2);
}

void expect_error(const std::string& scheduler, const std::string& list,
                  const std::string& message) {
    try {
        parse_sched_flags(scheduler, list);
        ADD_FAILURE() << "accepted: " << list << " with " << scheduler;
    } catch (const SchedFlagsError& error) {
        EXPECT_EQ(std::string(error.what()), message);
    }
}

TEST(SchedFlagsParse, IpvsadmMessages) {
    expect_error("wlc", "sh-port", "incompatible scheduler flag `sh-port'");
    expect_error("mh", "sh-fallback", "incompatible scheduler flag `sh-fallback'");
    expect_error("sh", "mh-port", "incompatible scheduler flag `mh-port'");
    expect_error("rr", "mh-fallback", "incompatible scheduler flag `mh-fallback'");
    expect_error("sh", "sh-port,bogus", "invalid scheduler flag `bogus'");
    expect_error("sh", "flag-4", "invalid scheduler flag `flag-4'");
    expect_error("sh", "SH-PORT", "invalid scheduler flag `SH-PORT'");
    // The first bad item decides, as in ipvsadm's loop.
    expect_error("rr", "bogus,sh-port", "invalid scheduler flag `bogus'");
    expect_error("rr", "sh-port,bogus", "incompatible scheduler flag `sh-port'");
    expect_error("sh", ",,", "invalid scheduler flag `,,'");
}

TEST(SchedFlagNames, PerScheduler) {
    const std::uint32_t all = kSchedFlagsMask;
    EXPECT_EQ(sched_flag_names("sh", all), (Names{"sh-fallback", "sh-port", "flag-3"}));
    EXPECT_EQ(sched_flag_names("mh", all), (Names{"mh-fallback", "mh-port", "flag-3"}));
    EXPECT_EQ(sched_flag_names("rr", all), (Names{"flag-1", "flag-2", "flag-3"}));
    EXPECT_EQ(sched_flag_names("sh", FNAT_SVC_F_SCHED_SH_PORT), (Names{"sh-port"}));
    EXPECT_EQ(sched_flag_names("wlc", FNAT_SVC_F_SCHED2), (Names{"flag-2"}));
    EXPECT_EQ(sched_flag_names("sh", 0), Names{});
    // Bits that are not scheduler flags are ignored.
    EXPECT_EQ(sched_flag_names("sh", FNAT_SVC_F_PERSISTENT | FNAT_SVC_F_SCHED1),
              (Names{"sh-fallback"}));
}

TEST(SchedFlagNames, IpvsadmListingLeavesShAndMhFlag3Out) {
    const std::uint32_t all = kSchedFlagsMask;
    EXPECT_EQ(sched_flag_names("sh", all, true), (Names{"sh-fallback", "sh-port"}));
    EXPECT_EQ(sched_flag_names("mh", all, true), (Names{"mh-fallback", "mh-port"}));
    EXPECT_EQ(sched_flag_names("sh", FNAT_SVC_F_SCHED3, true), Names{});
    EXPECT_EQ(sched_flag_names("rr", all, true), (Names{"flag-1", "flag-2", "flag-3"}));
}

TEST(SchedFlagNames, RoundTripThroughParse) {
    for (const char* scheduler : {"sh", "mh", "rr"})
        for (std::uint32_t flags = 0; flags <= kSchedFlagsMask; flags += FNAT_SVC_F_SCHED1) {
            if (flags == 0)
                continue;
            const std::string list = join_sched_flag_names(sched_flag_names(scheduler, flags));
            EXPECT_EQ(parse_sched_flags(scheduler, list), flags) << scheduler << " " << list;
        }
}

TEST(SchedFlagNames, Join) {
    EXPECT_EQ(join_sched_flag_names({}), "");
    EXPECT_EQ(join_sched_flag_names({"sh-port"}), "sh-port");
    EXPECT_EQ(join_sched_flag_names({"sh-fallback", "sh-port"}), "sh-fallback,sh-port");
}

} // namespace
} // namespace fnat

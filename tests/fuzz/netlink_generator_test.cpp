// The generator against the oracle, without a kernel: requests are
// reproducible from the seed, well framed, and over a run they reach every
// command and every kind of answer, with a configuration that grows and
// shrinks.
#include <cerrno>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <uapi/fnat.h>

#include "fuzz/netlink_generator.h"
#include "fuzz/netlink_oracle.h"
#include "fuzz/netlink_runner.h"

namespace fnat::fuzz {
namespace {

constexpr std::uint16_t kFamily = 0x20;

class LoOnly : public Environment {
public:
    std::optional<unsigned> interface_mtu(const std::string& name) const override {
        return name == "lo" ? std::optional<unsigned>(65536) : std::nullopt;
    }
    std::optional<bool> ipv4_unicast(const std::uint8_t* a) const override {
        return a[0] == 127 ? std::nullopt : std::optional<bool>(true);
    }
};

TEST(NetlinkGenerator, IsReproducibleFromItsSeed) {
    Generator a(42, {});
    Generator b(42, {});
    Generator c(43, {});
    Config empty;
    bool differs = false;
    for (int i = 0; i < 200; ++i) {
        const Generated x = a.next(empty, kFamily);
        EXPECT_EQ(x.bytes, b.next(empty, kFamily).bytes);
        differs = differs || x.bytes != c.next(empty, kFamily).bytes;
    }
    EXPECT_TRUE(differs);
}

TEST(NetlinkGenerator, FramesEveryRequest) {
    Generator g(7, {});
    Config empty;
    for (int i = 0; i < 5000; ++i) {
        const Generated r = g.next(empty, kFamily);
        ASSERT_GE(r.bytes.size(), kNlmsgHdrLen);
        EXPECT_EQ(get_u32(r.bytes.data()), r.bytes.size()) << r.recipe;
        EXPECT_EQ(get_u16(&r.bytes[4]), kFamily) << r.recipe;
        EXPECT_NE(get_u16(&r.bytes[6]) & 1, 0) << "NLM_F_REQUEST: " << r.recipe;
    }
}

TEST(NetlinkGenerator, ReachesEveryCommandAndAnswer) {
    Generator g(1, {});
    LoOnly env;
    Config config;
    std::map<std::uint8_t, int> accepted;
    std::set<int> errors;
    std::set<std::string> messages;
    std::size_t most_services = 0, most_dests = 0, most_laddrs = 0, mutants_accepted = 0;
    // Dests the SYN proxy services held at once, and the proxy turned on
    // over a service that already had dests.
    std::size_t most_proxied_dests = 0, proxied_over_dests = 0;
    bool daemon_ran = false;
    for (int i = 0; i < 40000; ++i) {
        const Generated r = g.next(config, kFamily);
        const Prediction p = predict(r.bytes, config, true, env);
        ASSERT_FALSE(p.outcomes.empty());
        const Outcome& o = p.outcomes.front();
        if (o.error == 0) {
            ++accepted[p.command];
            mutants_accepted += r.mutant ? 1U : 0U;
        } else {
            errors.insert(o.error);
            messages.insert(o.extack);
        }
        if (o.error == 0 && p.command == FNAT_CMD_SET_SERVICE)
            for (const ServiceRec& after : o.after_or(config).services) {
                const ServiceRec* before = config.find(after.key);
                if (before != nullptr && !before->dests.empty() &&
                    (before->flags & FNAT_SVC_F_SYNPROXY) == 0 &&
                    (after.flags & FNAT_SVC_F_SYNPROXY) != 0)
                    ++proxied_over_dests;
            }
        config = o.after_or(config);
        std::size_t proxied_dests = 0;
        for (const ServiceRec& s : config.services)
            if ((s.flags & FNAT_SVC_F_SYNPROXY) != 0)
                proxied_dests += s.dests.size();
        most_proxied_dests = std::max(most_proxied_dests, proxied_dests);
        most_services = std::max(most_services, config.services.size());
        most_dests = std::max(most_dests, config.dest_count());
        most_laddrs = std::max(most_laddrs, config.laddr_count());
        daemon_ran = daemon_ran || config.master || config.backup;
    }
    for (std::uint8_t command = FNAT_CMD_NEW_SERVICE; command <= FNAT_CMD_MAX; ++command)
        EXPECT_GT(accepted[command], 0) << command_name(command);
    for (int error : {EINVAL, ERANGE, ENOENT, ESRCH, EEXIST, EOPNOTSUPP, EAFNOSUPPORT,
                      EPROTONOSUPPORT, EADDRNOTAVAIL, ENODEV})
        EXPECT_EQ(errors.count(error), 1U) << errno_name(error);
    for (const char* m :
         {"Unknown attribute type", "Unsupported attribute", "invalid attribute length",
          "NLA_F_NESTED is missing", "NLA_F_NESTED not expected",
          "Attribute failed policy validation", "integer out of range",
          "binary attribute size out of range", "reserved bit set",
          "bytes leftover after parsing attributes", "genlmsghdr.reserved field is not 0",
          "ambiguous or reserved bits set in nlmsg_flags",
          "Zero port specified for non-persistent service",
          "Lower threshold must not exceed the upper threshold",
          "FULLNAT needs a local address: add one to the service first (-P)",
          "SYN proxy is for TCP services",
          "SYN proxy needs NAT or FULLNAT destinations: direct routing and tunnelled servers "
          "answer clients past the director",
          "A SYN proxy service forwards by NAT or FULLNAT only"})
        EXPECT_EQ(messages.count(m), 1U) << m;
    EXPECT_GE(most_proxied_dests, 3U);
    EXPECT_GT(proxied_over_dests, 0U);
    EXPECT_GE(most_services, 8U);
    EXPECT_GE(most_dests, 15U);
    EXPECT_GE(most_laddrs, 6U);
    EXPECT_GT(mutants_accepted, 0U);
    EXPECT_TRUE(daemon_ran);
}

TEST(NetlinkGenerator, DryRunPasses) {
    RunOptions options;
    options.count = 3000;
    options.seed = 9;
    options.dry_run = true;
    EXPECT_EQ(run_fuzzer(options), 0);
}

} // namespace
} // namespace fnat::fuzz

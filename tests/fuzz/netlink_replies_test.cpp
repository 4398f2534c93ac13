// The checks of the module's answers to reads, against answers built here.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <uapi/fnat.h>

#include "fuzz/netlink_replies.h"

namespace fnat::fuzz {
namespace {

constexpr std::uint16_t kFamily = 0x20;

// A GET_INFO answer of an empty namespace as the module sends it, less the
// attribute left_out.
Bytes info_reply(std::uint16_t left_out = FNAT_INFO_A_UNSPEC) {
    std::vector<Attr> info = {
        attr_u32(FNAT_INFO_A_VERSION, FNAT_VERSION_CODE), attr_u32(FNAT_INFO_A_CONN_TAB_SIZE, 4096),
        attr_u32(FNAT_INFO_A_NUM_SERVICES, 0), attr_u32(FNAT_INFO_A_NUM_CONNS, 0)};
    for (std::uint16_t type :
         {FNAT_INFO_A_TOA_ADDED, FNAT_INFO_A_TOA_SKIPPED, FNAT_INFO_A_SYNPROXY_COOKIES,
          FNAT_INFO_A_SYNPROXY_ACKS, FNAT_INFO_A_SYNPROXY_RS_RESETS})
        info.push_back(attr_u64(type, 0));
    info.push_back(attr_nest(FNAT_INFO_A_DROPS, {}));
    std::erase_if(info, [&](const Attr& a) { return a.kind() == left_out; });
    Message m;
    m.command = FNAT_CMD_GET_INFO;
    m.attrs = {attr_nest(FNAT_A_INFO, std::move(info))};
    return encode_message(m, kFamily, 1);
}

std::string check_info(const Bytes& reply) {
    Outcome outcome;
    outcome.reply = ReplyKind::Info;
    return check_reply(outcome, Config{}, kFamily, {reply});
}

TEST(NetlinkReplies, InfoCarriesTheSynproxyCounters) {
    EXPECT_EQ(check_info(info_reply()), "");
    EXPECT_EQ(check_info(info_reply(FNAT_INFO_A_SYNPROXY_COOKIES)),
              "reply lacks FNAT_INFO_A_SYNPROXY_COOKIES");
    EXPECT_EQ(check_info(info_reply(FNAT_INFO_A_SYNPROXY_ACKS)),
              "reply lacks FNAT_INFO_A_SYNPROXY_ACKS");
    EXPECT_EQ(check_info(info_reply(FNAT_INFO_A_SYNPROXY_RS_RESETS)),
              "reply lacks FNAT_INFO_A_SYNPROXY_RS_RESETS");
    EXPECT_EQ(check_info(info_reply(FNAT_INFO_A_DROPS)), "reply lacks FNAT_INFO_A_DROPS");
}

} // namespace
} // namespace fnat::fuzz

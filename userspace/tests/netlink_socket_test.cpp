// NetlinkSocket against the running kernel's generic-netlink controller
// ("nlctrl", always present): the same send/receive/ACK/dump/extack paths
// fnatadm uses for FNAT, without needing fnat.ko. Skipped where netlink
// sockets cannot be opened (restricted sandboxes).
#include <cerrno>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "lib/netlink_error.h"
#include "lib/netlink_socket.h"
#include "tests/test_netlink.h"

namespace fnat {
namespace {

class NetlinkSocketTest : public ::testing::Test {
protected:
    void SetUp() override {
        try {
            socket_ = std::make_unique<NetlinkSocket>();
        } catch (const NetlinkError& error) {
            GTEST_SKIP() << "no netlink socket here: " << error.what();
        }
    }

    std::unique_ptr<NetlinkSocket> socket_;
};

TEST_F(NetlinkSocketTest, ResolvesTheControllerFamily) {
    EXPECT_EQ(socket_->resolve_family("nlctrl"), GENL_ID_CTRL);
    // A second request on the same socket uses a new sequence number.
    EXPECT_EQ(socket_->resolve_family("nlctrl"), GENL_ID_CTRL);
}

TEST_F(NetlinkSocketTest, DumpsEveryFamilyUntilDone) {
    const std::uint32_t seq = socket_->next_seq();
    test::MessageBuilder request(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_DUMP, seq, 0);
    request.genl(CTRL_CMD_GETFAMILY);
    std::set<std::string> names;
    bool consistent = socket_->transact(request.bytes(), seq, true, [&](const nlmsghdr* message) {
        auto attributes = test::genl_attributes(message);
        if (attributes.count(CTRL_ATTR_FAMILY_NAME))
            names.insert(mnl_attr_get_str(attributes[CTRL_ATTR_FAMILY_NAME]));
    });
    EXPECT_TRUE(consistent);
    EXPECT_TRUE(names.count("nlctrl")) << names.size() << " families";
    EXPECT_GT(names.size(), 1U);
}

TEST_F(NetlinkSocketTest, ErrorCarriesTheKernelExtack) {
    // FAMILY_NAME must be NUL-terminated: the kernel's policy check refuses
    // this one with EINVAL and an extended-ACK message.
    const std::uint32_t seq = socket_->next_seq();
    test::MessageBuilder request(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, seq, 0);
    request.genl(CTRL_CMD_GETFAMILY).raw(CTRL_ATTR_FAMILY_NAME, "FNAT", 4);
    try {
        socket_->transact(request.bytes(), seq, false, [](const nlmsghdr*) {});
        FAIL() << "the kernel accepted an unterminated family name";
    } catch (const NetlinkError& error) {
        EXPECT_EQ(error.error(), EINVAL);
        EXPECT_FALSE(error.extack().empty());
    }
}

TEST_F(NetlinkSocketTest, UnknownFamilyIsFamilyNotFound) {
    EXPECT_THROW(socket_->resolve_family("fnat-test-none"), FamilyNotFound);
}

} // namespace
} // namespace fnat

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <uapi/fnat.h>

#include "lib/message_codec.h"
#include "lib/netlink_error.h"
#include "lib/reply_reader.h"
#include "tests/test_netlink.h"

namespace fnat {
namespace {

constexpr std::uint16_t kFamily = 0x1c;
constexpr std::uint32_t kSeq = 1000;
constexpr std::uint32_t kPortid = 77;

Service service_at(std::uint8_t last_octet) {
    Service service;
    service.key = ServiceKey{IPPROTO_TCP, Address::ipv4(10, 0, 0, last_octet), 80};
    service.scheduler = "rr";
    return service;
}

// Feeds datagrams one by one; records the data messages' services.
struct Harness {
    explicit Harness(bool dump)
        : reader(kSeq, kPortid, dump, [this](const nlmsghdr* message) {
              ++data_messages;
              Reply reply = decode_reply(message);
              if (reply.service)
                  services.push_back(reply.service->key.address.bytes[3]);
          }) {}

    bool feed(const std::vector<std::uint8_t>& datagram) {
        return reader.feed(datagram.data(), datagram.size());
    }

    ReplyReader reader;
    int data_messages = 0;
    std::vector<int> services;
};

NetlinkError error_from(Harness& harness, const std::vector<std::uint8_t>& datagram) {
    try {
        harness.feed(datagram);
    } catch (const NetlinkError& error) {
        return error;
    }
    return NetlinkError(0, "(no error)");
}

TEST(ReplyReader, AckCompletesARequest) {
    Harness harness(false);
    EXPECT_TRUE(harness.feed(test::error_message(0, kSeq, kPortid)));
    EXPECT_EQ(harness.data_messages, 0);
}

TEST(ReplyReader, ReplyThenAckInOneDatagram) {
    Harness harness(false);
    EXPECT_TRUE(
        harness.feed(test::join({test::service_reply(kFamily, kSeq, kPortid, service_at(5), 0),
                                 test::error_message(0, kSeq, kPortid)})));
    EXPECT_EQ(harness.services, (std::vector<int>{5}));
}

TEST(ReplyReader, ReplyThenAckInTwoDatagrams) {
    Harness harness(false);
    EXPECT_FALSE(harness.feed(test::service_reply(kFamily, kSeq, kPortid, service_at(5), 0)));
    EXPECT_TRUE(harness.feed(test::error_message(0, kSeq, kPortid)));
    EXPECT_EQ(harness.data_messages, 1);
}

TEST(ReplyReader, ErrorWithExtackCapped) {
    Harness harness(false);
    NetlinkError error =
        error_from(harness, test::error_message(ESRCH, kSeq, kPortid, "Service not defined"));
    EXPECT_EQ(error.error(), ESRCH);
    EXPECT_EQ(error.extack(), "Service not defined");
    EXPECT_STREQ(error.what(), "Service not defined");
}

TEST(ReplyReader, ErrorWithExtackAfterAnEchoedRequest) {
    // Without NETLINK_CAP_ACK the kernel copies the whole request before
    // the TLVs; the text must still be found.
    std::vector<std::uint8_t> request = encode_request(
        Request{
            FNAT_CMD_NEW_SERVICE,
            false,
            ServiceSpec{ServiceKey{IPPROTO_TCP, Address::ipv4(1, 2, 3, 4), 80}, "rr", 0U, {}, 32},
            {}},
        kFamily, kSeq);
    Harness harness(false);
    NetlinkError error =
        error_from(harness, test::error_message(EEXIST, kSeq, kPortid, "Service already exists",
                                                false, request));
    EXPECT_EQ(error.error(), EEXIST);
    EXPECT_EQ(error.extack(), "Service already exists");
}

TEST(ReplyReader, ErrorWithoutExtackUsesStrerror) {
    Harness harness(false);
    NetlinkError error = error_from(harness, test::error_message(EPERM, kSeq, kPortid));
    EXPECT_EQ(error.error(), EPERM);
    EXPECT_EQ(error.extack(), "");
    EXPECT_STREQ(error.what(), std::strerror(EPERM));
}

TEST(ReplyReader, MultiPartDumpEndsWithDone) {
    Harness harness(true);
    EXPECT_FALSE(
        harness.feed(test::join({test::service_reply(kFamily, kSeq, kPortid, service_at(1)),
                                 test::service_reply(kFamily, kSeq, kPortid, service_at(2))})));
    EXPECT_FALSE(harness.feed(test::service_reply(kFamily, kSeq, kPortid, service_at(3))));
    EXPECT_TRUE(harness.feed(test::done_message(0, kSeq, kPortid)));
    EXPECT_EQ(harness.services, (std::vector<int>{1, 2, 3}));
    EXPECT_FALSE(harness.reader.interrupted());
}

TEST(ReplyReader, DataAndDoneInOneDatagram) {
    Harness harness(true);
    EXPECT_TRUE(harness.feed(test::join({test::service_reply(kFamily, kSeq, kPortid, service_at(9)),
                                         test::done_message(0, kSeq, kPortid)})));
    EXPECT_EQ(harness.services, (std::vector<int>{9}));
}

TEST(ReplyReader, DumpErrorInDoneCarriesExtack) {
    Harness harness(true);
    NetlinkError error =
        error_from(harness, test::done_message(ESRCH, kSeq, kPortid, "No such service"));
    EXPECT_EQ(error.error(), ESRCH);
    EXPECT_EQ(error.extack(), "No such service");
}

TEST(ReplyReader, DumpErrorAsNlmsgError) {
    Harness harness(true);
    NetlinkError error =
        error_from(harness, test::error_message(EINVAL, kSeq, kPortid, "Unknown attribute type"));
    EXPECT_EQ(error.error(), EINVAL);
    EXPECT_EQ(error.extack(), "Unknown attribute type");
}

TEST(ReplyReader, WrongSequenceNumberIsAProtocolError) {
    Harness harness(false);
    NetlinkError error = error_from(harness, test::error_message(0, kSeq + 1, kPortid));
    EXPECT_EQ(error.error(), EPROTO);
    EXPECT_EQ(error.extack(), "netlink reply has sequence number 1001, expected 1000");
}

TEST(ReplyReader, WrongPortIdIsAProtocolError) {
    Harness harness(true);
    NetlinkError error =
        error_from(harness, test::service_reply(kFamily, kSeq, kPortid + 1, service_at(1)));
    EXPECT_EQ(error.error(), EPROTO);
    EXPECT_EQ(error.extack(), "netlink reply is for port id 78, expected 77");
    EXPECT_EQ(harness.data_messages, 0);
}

TEST(ReplyReader, TruncatedMessageIsAnError) {
    std::vector<std::uint8_t> datagram = test::service_reply(kFamily, kSeq, kPortid, service_at(1));
    datagram.resize(datagram.size() - 8);
    Harness harness(true);
    EXPECT_EQ(error_from(harness, datagram).error(), EBADMSG);

    Harness short_header(true);
    EXPECT_EQ(error_from(short_header, std::vector<std::uint8_t>(10, 0)).error(), EBADMSG);
}

TEST(ReplyReader, InterruptedDumpIsReported) {
    Harness harness(true);
    harness.feed(
        test::service_reply(kFamily, kSeq, kPortid, service_at(1), NLM_F_MULTI | NLM_F_DUMP_INTR));
    EXPECT_TRUE(harness.feed(test::done_message(0, kSeq, kPortid)));
    EXPECT_TRUE(harness.reader.interrupted());
}

TEST(ReplyReader, NoopIsIgnoredAndOverrunIsAnError) {
    Harness harness(false);
    test::MessageBuilder noop(NLMSG_NOOP, 0, kSeq, kPortid);
    EXPECT_FALSE(harness.feed(noop.bytes()));
    EXPECT_EQ(harness.data_messages, 0);
    test::MessageBuilder overrun(NLMSG_OVERRUN, 0, kSeq, kPortid);
    EXPECT_EQ(error_from(harness, overrun.bytes()).error(), EOVERFLOW);
}

TEST(ParseDoneMessage, WithoutPayloadMeansSuccess) {
    test::MessageBuilder done(NLMSG_DONE, NLM_F_MULTI, kSeq, kPortid);
    ErrorReport report = parse_done_message(done.header());
    EXPECT_EQ(report.error, 0);
    EXPECT_EQ(report.extack, "");
}

TEST(ParseErrorMessage, TruncatedErrorIsRejected) {
    test::MessageBuilder error(NLMSG_ERROR, 0, kSeq, kPortid);
    EXPECT_THROW(parse_error_message(error.header()), NetlinkError);
}

} // namespace
} // namespace fnat

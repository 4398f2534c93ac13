#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cstring>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "lib/conn_format.h"
#include "lib/message_codec.h"
#include "lib/netlink_error.h"
#include "tests/test_model.h"
#include "tests/test_netlink.h"

namespace fnat {
namespace {

constexpr std::uint16_t kFamily = 0x1c;
constexpr std::uint32_t kSeq = 7;
constexpr std::uint32_t kPortid = 4242;

const nlmsghdr* header_of(const std::vector<std::uint8_t>& bytes) {
    return reinterpret_cast<const nlmsghdr*>(bytes.data());
}

const genlmsghdr* genl_of(const std::vector<std::uint8_t>& bytes) {
    return static_cast<const genlmsghdr*>(mnl_nlmsg_get_payload(header_of(bytes)));
}

std::uint16_t be16_of(const nlattr* attr) {
    return ntohs(mnl_attr_get_u16(attr));
}

const ServiceKey kVip{IPPROTO_TCP, Address::ipv4(192, 168, 0, 240), 80};

// Host-order helpers to spell expected bytes.
void append_u16(std::vector<std::uint8_t>& out, std::uint16_t value) {
    std::uint8_t bytes[2];
    std::memcpy(bytes, &value, 2);
    out.insert(out.end(), bytes, bytes + 2);
}
void append_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
    std::uint8_t bytes[4];
    std::memcpy(bytes, &value, 4);
    out.insert(out.end(), bytes, bytes + 4);
}
void append_attr_header(std::vector<std::uint8_t>& out, std::uint16_t length, std::uint16_t type) {
    append_u16(out, length);
    append_u16(out, type);
}

TEST(EncodeRequest, NewServiceByteForByte) {
    Request request{
        FNAT_CMD_NEW_SERVICE, false, ServiceSpec{kVip, "rr", FNAT_SVC_F_PERSISTENT, 20U, 24}, {}};
    std::vector<std::uint8_t> expected;
    append_u32(expected, 100);                       // nlmsg_len
    append_u16(expected, kFamily);                   // nlmsg_type
    append_u16(expected, NLM_F_REQUEST | NLM_F_ACK); // nlmsg_flags
    append_u32(expected, kSeq);                      // nlmsg_seq
    append_u32(expected, 0);                         // nlmsg_pid
    expected.insert(expected.end(), {FNAT_CMD_NEW_SERVICE, FNAT_GENL_VERSION, 0, 0});
    append_attr_header(expected, 80, NLA_F_NESTED | FNAT_A_SERVICE);
    append_attr_header(expected, 6, FNAT_SVC_A_FAMILY);
    append_u16(expected, AF_INET);
    expected.insert(expected.end(), {0, 0});
    append_attr_header(expected, 5, FNAT_SVC_A_PROTOCOL);
    expected.insert(expected.end(), {IPPROTO_TCP, 0, 0, 0});
    append_attr_header(expected, 20, FNAT_SVC_A_ADDR);
    expected.insert(expected.end(), {192, 168, 0, 240, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    append_attr_header(expected, 6, FNAT_SVC_A_PORT);
    expected.insert(expected.end(), {0, 80, 0, 0}); // big endian 80
    append_attr_header(expected, 7, FNAT_SVC_A_SCHED_NAME);
    expected.insert(expected.end(), {'r', 'r', 0, 0});
    append_attr_header(expected, 8, FNAT_SVC_A_FLAGS);
    append_u32(expected, FNAT_SVC_F_PERSISTENT);
    append_attr_header(expected, 8, FNAT_SVC_A_TIMEOUT);
    append_u32(expected, 20);
    append_attr_header(expected, 5, FNAT_SVC_A_NETMASK);
    expected.insert(expected.end(), {24, 0, 0, 0});
    ASSERT_EQ(expected.size(), 100U);

    EXPECT_EQ(encode_request(request, kFamily, kSeq), expected);
}

TEST(EncodeRequest, NewDestStructure) {
    Request request{FNAT_CMD_NEW_DEST, false, ServiceSpec{kVip, {}, {}, {}, {}},
                    DestSpec{DestKey{Address::ipv4(10, 0, 0, 7), 8080}, ForwardMethod::Masquerade,
                             5U, 100U, 10U}};
    std::vector<std::uint8_t> bytes = encode_request(request, kFamily, kSeq);
    const nlmsghdr* header = header_of(bytes);
    EXPECT_EQ(header->nlmsg_len, bytes.size());
    EXPECT_EQ(header->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    EXPECT_EQ(genl_of(bytes)->cmd, FNAT_CMD_NEW_DEST);
    EXPECT_EQ(genl_of(bytes)->version, FNAT_GENL_VERSION);

    auto top = test::genl_attributes(header);
    ASSERT_EQ(top.size(), 2U);
    ASSERT_TRUE(top.count(FNAT_A_SERVICE));
    ASSERT_TRUE(top.count(FNAT_A_DEST));
    EXPECT_TRUE(top[FNAT_A_SERVICE]->nla_type & NLA_F_NESTED);
    EXPECT_TRUE(top[FNAT_A_DEST]->nla_type & NLA_F_NESTED);

    // The service carries its keys only.
    EXPECT_EQ(test::nested_types(top[FNAT_A_SERVICE]),
              (std::vector<std::uint16_t>{FNAT_SVC_A_FAMILY, FNAT_SVC_A_PROTOCOL, FNAT_SVC_A_ADDR,
                                          FNAT_SVC_A_PORT}));

    auto dest = test::nested_attributes(top[FNAT_A_DEST]);
    EXPECT_EQ(test::nested_types(top[FNAT_A_DEST]),
              (std::vector<std::uint16_t>{FNAT_DEST_A_FAMILY, FNAT_DEST_A_ADDR, FNAT_DEST_A_PORT,
                                          FNAT_DEST_A_FWD_METHOD, FNAT_DEST_A_WEIGHT,
                                          FNAT_DEST_A_U_THRESH, FNAT_DEST_A_L_THRESH}));
    EXPECT_EQ(mnl_attr_get_u16(dest[FNAT_DEST_A_FAMILY]), AF_INET);
    ASSERT_EQ(mnl_attr_get_payload_len(dest[FNAT_DEST_A_ADDR]), FNAT_ADDR_LEN);
    const auto* address =
        static_cast<const std::uint8_t*>(mnl_attr_get_payload(dest[FNAT_DEST_A_ADDR]));
    EXPECT_EQ(std::vector<std::uint8_t>(address, address + 4),
              (std::vector<std::uint8_t>{10, 0, 0, 7}));
    EXPECT_EQ(be16_of(dest[FNAT_DEST_A_PORT]), 8080);
    EXPECT_EQ(mnl_attr_get_payload_len(dest[FNAT_DEST_A_FWD_METHOD]), 1U);
    EXPECT_EQ(mnl_attr_get_u8(dest[FNAT_DEST_A_FWD_METHOD]), FNAT_FWD_NAT);
    EXPECT_EQ(mnl_attr_get_u32(dest[FNAT_DEST_A_WEIGHT]), 5U);
    EXPECT_EQ(mnl_attr_get_u32(dest[FNAT_DEST_A_U_THRESH]), 100U);
    EXPECT_EQ(mnl_attr_get_u32(dest[FNAT_DEST_A_L_THRESH]), 10U);
}

TEST(EncodeRequest, AbsentAttributesAreNotSent) {
    Request request{FNAT_CMD_SET_SERVICE, false, ServiceSpec{kVip, "wrr", {}, {}, {}}, {}};
    std::vector<std::uint8_t> bytes = encode_request(request, kFamily, kSeq);
    auto top = test::genl_attributes(header_of(bytes));
    EXPECT_EQ(test::nested_types(top[FNAT_A_SERVICE]),
              (std::vector<std::uint16_t>{FNAT_SVC_A_FAMILY, FNAT_SVC_A_PROTOCOL, FNAT_SVC_A_ADDR,
                                          FNAT_SVC_A_PORT, FNAT_SVC_A_SCHED_NAME}));
    EXPECT_STREQ(
        mnl_attr_get_str(test::nested_attributes(top[FNAT_A_SERVICE])[FNAT_SVC_A_SCHED_NAME]),
        "wrr");
}

TEST(EncodeRequest, DumpRequestsUseNlmFDump) {
    std::vector<std::uint8_t> services =
        encode_request(Request{FNAT_CMD_GET_SERVICE, true, {}, {}}, kFamily, kSeq);
    EXPECT_EQ(header_of(services)->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    EXPECT_EQ(services.size(), sizeof(nlmsghdr) + sizeof(genlmsghdr));

    std::vector<std::uint8_t> dests = encode_request(
        Request{FNAT_CMD_GET_DEST, true, ServiceSpec{kVip, {}, {}, {}, {}}, {}}, kFamily, kSeq);
    EXPECT_EQ(header_of(dests)->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    EXPECT_EQ(genl_of(dests)->cmd, FNAT_CMD_GET_DEST);
    auto top = test::genl_attributes(header_of(dests));
    EXPECT_EQ(top.size(), 1U);
    EXPECT_EQ(test::nested_types(top[FNAT_A_SERVICE]).size(), 4U);
}

TEST(EncodeRequest, FlushHasNoAttributes) {
    std::vector<std::uint8_t> bytes =
        encode_request(Request{FNAT_CMD_FLUSH, false, {}, {}}, kFamily, 99);
    EXPECT_EQ(bytes.size(), sizeof(nlmsghdr) + sizeof(genlmsghdr));
    EXPECT_EQ(header_of(bytes)->nlmsg_seq, 99U);
    EXPECT_EQ(header_of(bytes)->nlmsg_type, kFamily);
    EXPECT_EQ(genl_of(bytes)->cmd, FNAT_CMD_FLUSH);
}

TEST(EncodeRequest, Ipv6AddressUsesAllSixteenBytes) {
    ServiceKey key{IPPROTO_UDP, parse_endpoint("[2001:db8::1]").address, 53};
    std::vector<std::uint8_t> bytes = encode_request(
        Request{FNAT_CMD_DEL_SERVICE, false, ServiceSpec{key, {}, {}, {}, {}}, {}}, kFamily, kSeq);
    auto service = test::nested_attributes(test::genl_attributes(header_of(bytes))[FNAT_A_SERVICE]);
    EXPECT_EQ(mnl_attr_get_u16(service[FNAT_SVC_A_FAMILY]), AF_INET6);
    EXPECT_EQ(mnl_attr_get_u8(service[FNAT_SVC_A_PROTOCOL]), IPPROTO_UDP);
    EXPECT_EQ(
        std::memcmp(mnl_attr_get_payload(service[FNAT_SVC_A_ADDR]), key.address.bytes.data(), 16),
        0);
}

// FULLNAT 6->4: the dest's FAMILY is its own (AF_INET), not the service's.
TEST(EncodeRequest, Ipv4FullNatDestOfAnIpv6ServiceByteForByte) {
    const ServiceKey vip6{IPPROTO_TCP, parse_address("2001:db8::1"), 80};
    Request request{
        FNAT_CMD_NEW_DEST, false, ServiceSpec{vip6, {}, {}, {}, {}},
        DestSpec{DestKey{Address::ipv4(10, 0, 0, 5), 8080}, ForwardMethod::FullNat, 3U, {}, {}}};
    std::vector<std::uint8_t> expected;
    append_u32(expected, 124);                       // nlmsg_len
    append_u16(expected, kFamily);                   // nlmsg_type
    append_u16(expected, NLM_F_REQUEST | NLM_F_ACK); // nlmsg_flags
    append_u32(expected, kSeq);                      // nlmsg_seq
    append_u32(expected, 0);                         // nlmsg_pid
    expected.insert(expected.end(), {FNAT_CMD_NEW_DEST, FNAT_GENL_VERSION, 0, 0});
    append_attr_header(expected, 48, NLA_F_NESTED | FNAT_A_SERVICE);
    append_attr_header(expected, 6, FNAT_SVC_A_FAMILY);
    append_u16(expected, AF_INET6);
    expected.insert(expected.end(), {0, 0});
    append_attr_header(expected, 5, FNAT_SVC_A_PROTOCOL);
    expected.insert(expected.end(), {IPPROTO_TCP, 0, 0, 0});
    append_attr_header(expected, 20, FNAT_SVC_A_ADDR);
    expected.insert(expected.end(),
                    {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01});
    append_attr_header(expected, 6, FNAT_SVC_A_PORT);
    expected.insert(expected.end(), {0, 80, 0, 0});
    append_attr_header(expected, 56, NLA_F_NESTED | FNAT_A_DEST);
    append_attr_header(expected, 6, FNAT_DEST_A_FAMILY);
    append_u16(expected, AF_INET);
    expected.insert(expected.end(), {0, 0});
    append_attr_header(expected, 20, FNAT_DEST_A_ADDR);
    expected.insert(expected.end(), {10, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    append_attr_header(expected, 6, FNAT_DEST_A_PORT);
    expected.insert(expected.end(), {0x1f, 0x90, 0, 0}); // 8080, big endian
    append_attr_header(expected, 5, FNAT_DEST_A_FWD_METHOD);
    expected.insert(expected.end(), {FNAT_FWD_FULLNAT, 0, 0, 0});
    append_attr_header(expected, 8, FNAT_DEST_A_WEIGHT);
    append_u32(expected, 3);
    ASSERT_EQ(expected.size(), 124U);

    const std::vector<std::uint8_t> bytes = encode_request(request, kFamily, kSeq);
    EXPECT_EQ(bytes, expected);
    // And the codec reads both keys back with their own families.
    Reply reply = decode_reply(header_of(bytes));
    ASSERT_TRUE(reply.service && reply.dest);
    EXPECT_EQ(reply.service->key, vip6);
    EXPECT_EQ(reply.dest->key, (DestKey{Address::ipv4(10, 0, 0, 5), 8080}));
}

// Both families of local addresses under an IPv6 service.
TEST(EncodeRequest, LaddrFamilyIsTheLaddrsOwn) {
    const ServiceKey vip6{IPPROTO_TCP, parse_address("2001:db8::1"), 80};
    for (const Address& lip : {Address::ipv4(10, 0, 9, 1), parse_address("2001:db8::100")}) {
        std::vector<std::uint8_t> bytes = encode_request(
            Request{FNAT_CMD_NEW_LADDR, false, ServiceSpec{vip6, {}, {}, {}, {}}, {}, {}, lip},
            kFamily, kSeq);
        auto top = test::genl_attributes(header_of(bytes));
        auto service = test::nested_attributes(top[FNAT_A_SERVICE]);
        auto laddr = test::nested_attributes(top[FNAT_A_LADDR]);
        EXPECT_EQ(mnl_attr_get_u16(service[FNAT_SVC_A_FAMILY]), AF_INET6);
        EXPECT_EQ(mnl_attr_get_u16(laddr[FNAT_LADDR_A_FAMILY]), lip.family) << to_string(lip);
        EXPECT_EQ(std::memcmp(mnl_attr_get_payload(laddr[FNAT_LADDR_A_ADDR]), lip.bytes.data(), 16),
                  0);
        Reply reply = decode_reply(header_of(bytes));
        ASSERT_TRUE(reply.laddr.has_value());
        EXPECT_EQ(reply.laddr->address, lip);
    }
}

TEST(EncodeRequest, SetTimeoutByteForByte) {
    Request request{FNAT_CMD_SET_TIMEOUT, false, {}, {}, TimeoutSpec{30U, std::nullopt, 60U}};
    std::vector<std::uint8_t> expected;
    append_u32(expected, 40);                        // nlmsg_len
    append_u16(expected, kFamily);                   // nlmsg_type
    append_u16(expected, NLM_F_REQUEST | NLM_F_ACK); // nlmsg_flags
    append_u32(expected, kSeq);                      // nlmsg_seq
    append_u32(expected, 0);                         // nlmsg_pid
    expected.insert(expected.end(), {FNAT_CMD_SET_TIMEOUT, FNAT_GENL_VERSION, 0, 0});
    append_attr_header(expected, 20, NLA_F_NESTED | FNAT_A_TIMEOUT);
    append_attr_header(expected, 8, FNAT_TIMEOUT_A_TCP);
    append_u32(expected, 30);
    append_attr_header(expected, 8, FNAT_TIMEOUT_A_UDP);
    append_u32(expected, 60);
    ASSERT_EQ(expected.size(), 40U);

    EXPECT_EQ(encode_request(request, kFamily, kSeq), expected);
}

TEST(EncodeRequest, SetTimeoutWithEveryValue) {
    std::vector<std::uint8_t> bytes = encode_request(
        Request{FNAT_CMD_SET_TIMEOUT, false, {}, {}, TimeoutSpec{7440U, 120U, 2678400U}}, kFamily,
        kSeq);
    auto top = test::genl_attributes(header_of(bytes));
    ASSERT_EQ(top.size(), 1U);
    ASSERT_TRUE(top.count(FNAT_A_TIMEOUT));
    EXPECT_EQ(test::nested_types(top[FNAT_A_TIMEOUT]),
              (std::vector<std::uint16_t>{FNAT_TIMEOUT_A_TCP, FNAT_TIMEOUT_A_TCP_FIN,
                                          FNAT_TIMEOUT_A_UDP}));
    auto timeout = test::nested_attributes(top[FNAT_A_TIMEOUT]);
    EXPECT_EQ(mnl_attr_get_u32(timeout[FNAT_TIMEOUT_A_TCP]), 7440U);
    EXPECT_EQ(mnl_attr_get_u32(timeout[FNAT_TIMEOUT_A_TCP_FIN]), 120U);
    EXPECT_EQ(mnl_attr_get_u32(timeout[FNAT_TIMEOUT_A_UDP]), 2678400U);
}

TEST(EncodeRequest, GetTimeoutHasNoAttributes) {
    std::vector<std::uint8_t> bytes =
        encode_request(Request{FNAT_CMD_GET_TIMEOUT, false, {}, {}}, kFamily, kSeq);
    EXPECT_EQ(bytes.size(), sizeof(nlmsghdr) + sizeof(genlmsghdr));
    EXPECT_EQ(header_of(bytes)->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    EXPECT_EQ(genl_of(bytes)->cmd, FNAT_CMD_GET_TIMEOUT);
}

TEST(EncodeRequest, ZeroEverythingHasNoAttributes) {
    std::vector<std::uint8_t> bytes =
        encode_request(Request{FNAT_CMD_ZERO, false, {}, {}}, kFamily, kSeq);
    EXPECT_EQ(bytes.size(), sizeof(nlmsghdr) + sizeof(genlmsghdr));
    EXPECT_EQ(header_of(bytes)->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    EXPECT_EQ(genl_of(bytes)->cmd, FNAT_CMD_ZERO);
    EXPECT_EQ(genl_of(bytes)->version, FNAT_GENL_VERSION);
}

TEST(EncodeRequest, ZeroOneServiceSendsItsKeysOnly) {
    std::vector<std::uint8_t> bytes = encode_request(
        Request{FNAT_CMD_ZERO, false, ServiceSpec{kVip, {}, {}, {}, {}}, {}}, kFamily, kSeq);
    EXPECT_EQ(header_of(bytes)->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    EXPECT_EQ(genl_of(bytes)->cmd, FNAT_CMD_ZERO);
    auto top = test::genl_attributes(header_of(bytes));
    ASSERT_EQ(top.size(), 1U);
    ASSERT_TRUE(top.count(FNAT_A_SERVICE));
    EXPECT_TRUE(top[FNAT_A_SERVICE]->nla_type & NLA_F_NESTED);
    EXPECT_EQ(test::nested_types(top[FNAT_A_SERVICE]),
              (std::vector<std::uint16_t>{FNAT_SVC_A_FAMILY, FNAT_SVC_A_PROTOCOL, FNAT_SVC_A_ADDR,
                                          FNAT_SVC_A_PORT}));
    auto service = test::nested_attributes(top[FNAT_A_SERVICE]);
    EXPECT_EQ(mnl_attr_get_u8(service[FNAT_SVC_A_PROTOCOL]), IPPROTO_TCP);
    EXPECT_EQ(be16_of(service[FNAT_SVC_A_PORT]), 80);
}

TEST(EncodeRequest, NewLaddrByteForByte) {
    Request request{FNAT_CMD_NEW_LADDR,        false, ServiceSpec{kVip, {}, {}, {}, {}}, {}, {},
                    Address::ipv4(10, 0, 9, 1)};
    std::vector<std::uint8_t> expected;
    append_u32(expected, 100);                       // nlmsg_len
    append_u16(expected, kFamily);                   // nlmsg_type
    append_u16(expected, NLM_F_REQUEST | NLM_F_ACK); // nlmsg_flags
    append_u32(expected, kSeq);                      // nlmsg_seq
    append_u32(expected, 0);                         // nlmsg_pid
    expected.insert(expected.end(), {FNAT_CMD_NEW_LADDR, FNAT_GENL_VERSION, 0, 0});
    append_attr_header(expected, 48, NLA_F_NESTED | FNAT_A_SERVICE);
    append_attr_header(expected, 6, FNAT_SVC_A_FAMILY);
    append_u16(expected, AF_INET);
    expected.insert(expected.end(), {0, 0});
    append_attr_header(expected, 5, FNAT_SVC_A_PROTOCOL);
    expected.insert(expected.end(), {IPPROTO_TCP, 0, 0, 0});
    append_attr_header(expected, 20, FNAT_SVC_A_ADDR);
    expected.insert(expected.end(), {192, 168, 0, 240, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    append_attr_header(expected, 6, FNAT_SVC_A_PORT);
    expected.insert(expected.end(), {0, 80, 0, 0}); // big endian 80
    append_attr_header(expected, 32, NLA_F_NESTED | FNAT_A_LADDR);
    append_attr_header(expected, 6, FNAT_LADDR_A_FAMILY);
    append_u16(expected, AF_INET);
    expected.insert(expected.end(), {0, 0});
    append_attr_header(expected, 20, FNAT_LADDR_A_ADDR);
    expected.insert(expected.end(), {10, 0, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    ASSERT_EQ(expected.size(), 100U);

    EXPECT_EQ(encode_request(request, kFamily, kSeq), expected);
}

TEST(EncodeRequest, DelLaddrCarriesServiceKeysAndLaddrKeys) {
    const Address lip = parse_endpoint("2001:db8::9").address;
    std::vector<std::uint8_t> bytes = encode_request(
        Request{FNAT_CMD_DEL_LADDR, false, ServiceSpec{kVip, {}, {}, {}, {}}, {}, {}, lip}, kFamily,
        kSeq);
    EXPECT_EQ(header_of(bytes)->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    EXPECT_EQ(genl_of(bytes)->cmd, FNAT_CMD_DEL_LADDR);
    auto top = test::genl_attributes(header_of(bytes));
    ASSERT_EQ(top.size(), 2U);
    EXPECT_EQ(test::nested_types(top[FNAT_A_SERVICE]),
              (std::vector<std::uint16_t>{FNAT_SVC_A_FAMILY, FNAT_SVC_A_PROTOCOL, FNAT_SVC_A_ADDR,
                                          FNAT_SVC_A_PORT}));
    ASSERT_TRUE(top.count(FNAT_A_LADDR));
    EXPECT_TRUE(top[FNAT_A_LADDR]->nla_type & NLA_F_NESTED);
    EXPECT_EQ(test::nested_types(top[FNAT_A_LADDR]),
              (std::vector<std::uint16_t>{FNAT_LADDR_A_FAMILY, FNAT_LADDR_A_ADDR}));
    auto laddr = test::nested_attributes(top[FNAT_A_LADDR]);
    EXPECT_EQ(mnl_attr_get_payload_len(laddr[FNAT_LADDR_A_FAMILY]), 2U);
    EXPECT_EQ(mnl_attr_get_u16(laddr[FNAT_LADDR_A_FAMILY]), AF_INET6);
    ASSERT_EQ(mnl_attr_get_payload_len(laddr[FNAT_LADDR_A_ADDR]), FNAT_ADDR_LEN);
    EXPECT_EQ(std::memcmp(mnl_attr_get_payload(laddr[FNAT_LADDR_A_ADDR]), lip.bytes.data(), 16), 0);
}

TEST(EncodeRequest, GetLaddrIsADumpWithAnOptionalServiceFilter) {
    std::vector<std::uint8_t> all =
        encode_request(Request{FNAT_CMD_GET_LADDR, true, {}, {}}, kFamily, kSeq);
    EXPECT_EQ(header_of(all)->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    EXPECT_EQ(genl_of(all)->cmd, FNAT_CMD_GET_LADDR);
    EXPECT_EQ(all.size(), sizeof(nlmsghdr) + sizeof(genlmsghdr));

    std::vector<std::uint8_t> one = encode_request(
        Request{FNAT_CMD_GET_LADDR, true, ServiceSpec{kVip, {}, {}, {}, {}}, {}}, kFamily, kSeq);
    EXPECT_EQ(header_of(one)->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    auto top = test::genl_attributes(header_of(one));
    ASSERT_EQ(top.size(), 1U);
    EXPECT_EQ(test::nested_types(top[FNAT_A_SERVICE]).size(), 4U);
}

TEST(EncodeGetFamily, AsksTheControllerByName) {
    std::vector<std::uint8_t> bytes = encode_get_family("FNAT", 3);
    const nlmsghdr* header = header_of(bytes);
    EXPECT_EQ(header->nlmsg_type, GENL_ID_CTRL);
    EXPECT_EQ(header->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    EXPECT_EQ(header->nlmsg_seq, 3U);
    EXPECT_EQ(genl_of(bytes)->cmd, CTRL_CMD_GETFAMILY);
    auto top = test::genl_attributes(header);
    ASSERT_TRUE(top.count(CTRL_ATTR_FAMILY_NAME));
    EXPECT_EQ(mnl_attr_get_payload_len(top[CTRL_ATTR_FAMILY_NAME]), 5U); // "FNAT\0"
    EXPECT_STREQ(mnl_attr_get_str(top[CTRL_ATTR_FAMILY_NAME]), "FNAT");
}

TEST(DecodeFamilyId, ReadsTheId) {
    test::MessageBuilder reply(GENL_ID_CTRL, 0, kSeq, kPortid);
    reply.genl(CTRL_CMD_NEWFAMILY, 2)
        .strz(CTRL_ATTR_FAMILY_NAME, "FNAT")
        .u16(CTRL_ATTR_FAMILY_ID, 0x27)
        .u32(CTRL_ATTR_VERSION, 1);
    EXPECT_EQ(decode_family_id(reply.header()), 0x27);
}

TEST(DecodeFamilyId, MissingIdIsAnError) {
    test::MessageBuilder reply(GENL_ID_CTRL, 0, kSeq, kPortid);
    reply.genl(CTRL_CMD_NEWFAMILY, 2).strz(CTRL_ATTR_FAMILY_NAME, "FNAT");
    EXPECT_THROW(decode_family_id(reply.header()), DecodeError);
}

Service sample_service() {
    Service service;
    service.key = kVip;
    service.scheduler = "rr";
    service.flags = FNAT_SVC_F_PERSISTENT;
    service.timeout = 20;
    service.netmask = 24;
    service.num_dests = 2;
    return service;
}

TEST(DecodeReply, Service) {
    std::vector<std::uint8_t> bytes = test::service_reply(kFamily, kSeq, kPortid, sample_service());
    Reply reply = decode_reply(header_of(bytes));
    EXPECT_EQ(reply.command, FNAT_CMD_GET_SERVICE);
    ASSERT_TRUE(reply.service.has_value());
    EXPECT_FALSE(reply.dest.has_value());
    EXPECT_FALSE(reply.info.has_value());
    const Service& service = *reply.service;
    EXPECT_EQ(service.key, kVip);
    EXPECT_EQ(service.scheduler, "rr");
    EXPECT_TRUE(service.persistent());
    EXPECT_EQ(service.timeout, 20U);
    EXPECT_EQ(service.netmask, 24);
    EXPECT_EQ(service.num_dests, 2U);
}

TEST(DecodeReply, Dest) {
    Dest dest;
    dest.key = DestKey{Address::ipv4(192, 168, 0, 223), 8080};
    dest.forward = ForwardMethod::FullNat;
    dest.weight = 7;
    dest.u_threshold = 1000;
    dest.l_threshold = 800;
    dest.active_conns = 12;
    dest.inactive_conns = 34;
    dest.persist_conns = 5;
    std::vector<std::uint8_t> bytes = test::dest_reply(kFamily, kSeq, kPortid, dest);
    Reply reply = decode_reply(header_of(bytes));
    ASSERT_TRUE(reply.dest.has_value());
    EXPECT_EQ(reply.dest->key, dest.key);
    EXPECT_EQ(reply.dest->forward, ForwardMethod::FullNat);
    EXPECT_EQ(reply.dest->weight, 7U);
    EXPECT_EQ(reply.dest->u_threshold, 1000U);
    EXPECT_EQ(reply.dest->l_threshold, 800U);
    EXPECT_EQ(reply.dest->active_conns, 12U);
    EXPECT_EQ(reply.dest->inactive_conns, 34U);
    EXPECT_EQ(reply.dest->persist_conns, 5U);
}

std::string decode_error(const test::MessageBuilder& message); // below

// Ten distinct values, most above 2^32, so that a swapped or truncated
// counter shows.
Stats sample_stats() {
    constexpr std::uint64_t kHigh = 0x0123'4567'0000'0000ULL;
    return Stats{kHigh + 1, kHigh + 2, kHigh + 3, kHigh + 4, kHigh + 5,
                 6,         kHigh + 7, kHigh + 8, kHigh + 9, 0xffff'ffff'ffff'ffffULL};
}

TEST(DecodeReply, ServiceStats) {
    Service service = sample_service();
    service.stats = sample_stats();
    std::vector<std::uint8_t> bytes = test::service_reply(kFamily, kSeq, kPortid, service);
    Reply reply = decode_reply(header_of(bytes));
    ASSERT_TRUE(reply.service.has_value());
    EXPECT_EQ(reply.service->stats, sample_stats());
    EXPECT_EQ(reply.service->scheduler, "rr");
}

TEST(DecodeReply, DestStats) {
    Dest dest;
    dest.key = DestKey{Address::ipv4(192, 168, 0, 223), 80};
    dest.stats = sample_stats();
    std::vector<std::uint8_t> bytes = test::dest_reply(kFamily, kSeq, kPortid, dest);
    Reply reply = decode_reply(header_of(bytes));
    ASSERT_TRUE(reply.dest.has_value());
    EXPECT_EQ(reply.dest->stats, sample_stats());
}

// A service reply whose STATS nest the caller fills.
test::MessageBuilder service_message() {
    test::MessageBuilder message(kFamily, 0, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_SERVICE);
    return message;
}

void put_service_keys(test::MessageBuilder& message) {
    message.u16(FNAT_SVC_A_FAMILY, AF_INET)
        .u8(FNAT_SVC_A_PROTOCOL, IPPROTO_TCP)
        .address(FNAT_SVC_A_ADDR, kVip.address)
        .be16(FNAT_SVC_A_PORT, kVip.port);
}

constexpr std::array<std::uint16_t, 10> kCounterTypes = {
    FNAT_STATS_A_CONNS,    FNAT_STATS_A_INPKTS, FNAT_STATS_A_OUTPKTS, FNAT_STATS_A_INBYTES,
    FNAT_STATS_A_OUTBYTES, FNAT_STATS_A_CPS,    FNAT_STATS_A_INPPS,   FNAT_STATS_A_OUTPPS,
    FNAT_STATS_A_INBPS,    FNAT_STATS_A_OUTBPS};
constexpr std::array<const char*, 10> kCounterNames = {
    "FNAT_STATS_A_CONNS",    "FNAT_STATS_A_INPKTS", "FNAT_STATS_A_OUTPKTS", "FNAT_STATS_A_INBYTES",
    "FNAT_STATS_A_OUTBYTES", "FNAT_STATS_A_CPS",    "FNAT_STATS_A_INPPS",   "FNAT_STATS_A_OUTPPS",
    "FNAT_STATS_A_INBPS",    "FNAT_STATS_A_OUTBPS"};

TEST(DecodeReply, PadAttributesAreSkippedWhereverTheyAre) {
    // A PAD before every counter (empty, as nla_put_64bit() puts it) and one
    // with a payload at the end: all ignored.
    test::MessageBuilder message = service_message();
    nlattr* service = message.begin_nest(FNAT_A_SERVICE);
    put_service_keys(message);
    nlattr* stats = message.begin_nest(FNAT_SVC_A_STATS);
    for (std::size_t i = 0; i < kCounterTypes.size(); ++i) {
        message.raw(FNAT_STATS_A_PAD, nullptr, 0);
        message.u64(kCounterTypes[i], 1000 + i);
    }
    const std::uint32_t junk = 0xdeadbeef;
    message.raw(FNAT_STATS_A_PAD, &junk, sizeof(junk));
    message.end_nest(stats).end_nest(service);

    auto nest = test::nested_attributes(test::nested_attributes(
        test::genl_attributes(message.header())[FNAT_A_SERVICE])[FNAT_SVC_A_STATS]);
    ASSERT_TRUE(nest.count(FNAT_STATS_A_PAD)); // the test really sends PADs

    Reply reply = decode_reply(message.header());
    ASSERT_TRUE(reply.service.has_value());
    EXPECT_EQ(reply.service->stats,
              (Stats{1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009}));
}

TEST(DecodeReply, KernelPaddingIsUsedOnMisalignedCounters) {
    // The helper that imitates nla_put_u64_64bit() does pad in a service
    // reply (so ServiceStats above decodes PADs too).
    Service service = sample_service();
    service.stats = sample_stats();
    std::vector<std::uint8_t> bytes = test::service_reply(kFamily, kSeq, kPortid, service);
    auto top = test::genl_attributes(header_of(bytes));
    auto svc = test::nested_attributes(top[FNAT_A_SERVICE]);
    ASSERT_TRUE(svc.count(FNAT_SVC_A_STATS));
    std::vector<std::uint16_t> types = test::nested_types(svc[FNAT_SVC_A_STATS]);
    EXPECT_NE(std::find(types.begin(), types.end(), FNAT_STATS_A_PAD), types.end());
}

TEST(DecodeReply, NoStatsNestMeansZeroCounters) {
    test::MessageBuilder message = service_message();
    nlattr* service = message.begin_nest(FNAT_A_SERVICE);
    put_service_keys(message);
    message.end_nest(service);
    Reply reply = decode_reply(message.header());
    ASSERT_TRUE(reply.service.has_value());
    EXPECT_EQ(reply.service->stats, Stats{});

    test::MessageBuilder dest_message(kFamily, 0, kSeq, kPortid);
    dest_message.genl(FNAT_CMD_GET_DEST);
    nlattr* dest = dest_message.begin_nest(FNAT_A_DEST);
    dest_message.u16(FNAT_DEST_A_FAMILY, AF_INET)
        .address(FNAT_DEST_A_ADDR, Address::ipv4(10, 0, 0, 2))
        .be16(FNAT_DEST_A_PORT, 80)
        .end_nest(dest);
    Reply dest_reply = decode_reply(dest_message.header());
    ASSERT_TRUE(dest_reply.dest.has_value());
    EXPECT_EQ(dest_reply.dest->stats, Stats{});
}

TEST(DecodeReply, EachMissingCounterIsAnError) {
    for (std::size_t missing = 0; missing < kCounterTypes.size(); ++missing) {
        test::MessageBuilder message = service_message();
        nlattr* service = message.begin_nest(FNAT_A_SERVICE);
        put_service_keys(message);
        nlattr* stats = message.begin_nest(FNAT_SVC_A_STATS);
        for (std::size_t i = 0; i < kCounterTypes.size(); ++i)
            if (i != missing)
                message.u64_64bit(kCounterTypes[i], 5, FNAT_STATS_A_PAD);
        message.end_nest(stats).end_nest(service);
        EXPECT_EQ(decode_error(message), std::string("missing ") + kCounterNames[missing]);
    }
}

TEST(DecodeReply, EmptyStatsNestIsAnError) {
    test::MessageBuilder message(kFamily, 0, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_DEST);
    nlattr* dest = message.begin_nest(FNAT_A_DEST);
    message.u16(FNAT_DEST_A_FAMILY, AF_INET)
        .address(FNAT_DEST_A_ADDR, Address::ipv4(10, 0, 0, 2))
        .be16(FNAT_DEST_A_PORT, 80);
    nlattr* stats = message.begin_nest(FNAT_DEST_A_STATS);
    message.end_nest(stats).end_nest(dest);
    EXPECT_EQ(decode_error(message), "missing FNAT_STATS_A_CONNS");
}

TEST(DecodeReply, ShortCounterIsAnError) {
    for (std::size_t shortened = 0; shortened < kCounterTypes.size(); ++shortened) {
        test::MessageBuilder message = service_message();
        nlattr* service = message.begin_nest(FNAT_A_SERVICE);
        put_service_keys(message);
        nlattr* stats = message.begin_nest(FNAT_SVC_A_STATS);
        for (std::size_t i = 0; i < kCounterTypes.size(); ++i) {
            if (i == shortened)
                message.u32(kCounterTypes[i], 5); // a u32 where a u64 belongs
            else
                message.u64_64bit(kCounterTypes[i], 5, FNAT_STATS_A_PAD);
        }
        message.end_nest(stats).end_nest(service);
        EXPECT_EQ(decode_error(message),
                  std::string(kCounterNames[shortened]) + " has a bad length (4 bytes)");
    }
}

TEST(DecodeReply, StatsNestOverrunIsAnError) {
    test::MessageBuilder message = service_message();
    nlattr* service = message.begin_nest(FNAT_A_SERVICE);
    put_service_keys(message);
    nlattr* stats = message.begin_nest(FNAT_SVC_A_STATS);
    message.u64(FNAT_STATS_A_CONNS, 1);
    message.end_nest(stats).end_nest(service);
    // Make the counter claim more bytes than its nest holds.
    auto* conns = static_cast<nlattr*>(mnl_attr_get_payload(stats));
    conns->nla_len = 40;
    EXPECT_EQ(decode_error(message), "attribute length 40 is out of bounds");
}

TEST(DecodeReply, UnknownStatsAttributesAreSkipped) {
    test::MessageBuilder message = service_message();
    nlattr* service = message.begin_nest(FNAT_A_SERVICE);
    put_service_keys(message);
    nlattr* stats = message.begin_nest(FNAT_SVC_A_STATS);
    message.u32(FNAT_STATS_A_MAX + 1, 77); // a newer module's counter
    for (std::size_t i = 0; i < kCounterTypes.size(); ++i)
        message.u64_64bit(kCounterTypes[i], 9, FNAT_STATS_A_PAD);
    message.end_nest(stats).end_nest(service);
    Reply reply = decode_reply(message.header());
    ASSERT_TRUE(reply.service.has_value());
    EXPECT_EQ(reply.service->stats, (Stats{9, 9, 9, 9, 9, 9, 9, 9, 9, 9}));
}

TEST(DecodeReply, Info) {
    test::MessageBuilder message(kFamily, 0, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_INFO);
    nlattr* nest = message.begin_nest(FNAT_A_INFO);
    message.u32(FNAT_INFO_A_VERSION, FNAT_VERSION_CODE)
        .u32(FNAT_INFO_A_CONN_TAB_SIZE, 4096)
        .u32(FNAT_INFO_A_NUM_SERVICES, 3)
        .end_nest(nest);
    Reply reply = decode_reply(message.header());
    ASSERT_TRUE(reply.info.has_value());
    EXPECT_EQ(reply.info->version_code, 0x000100U);
    EXPECT_EQ(reply.info->conn_tab_size, 4096U);
    EXPECT_EQ(reply.info->num_services, 3U);
}

TEST(DecodeReply, UnknownAttributesAreSkipped) {
    test::MessageBuilder message(kFamily, 0, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_SERVICE);
    nlattr* nest = message.begin_nest(FNAT_A_SERVICE);
    message.u16(FNAT_SVC_A_FAMILY, AF_INET)
        .u8(FNAT_SVC_A_PROTOCOL, IPPROTO_UDP)
        .u32(FNAT_SVC_A_MAX + 7, 0xdeadbeef) // a newer module's attribute
        .address(FNAT_SVC_A_ADDR, Address::ipv4(10, 1, 2, 3))
        .be16(FNAT_SVC_A_PORT, 53)
        .end_nest(nest);
    message.u32(FNAT_A_MAX + 3, 1); // and a newer top-level one
    Reply reply = decode_reply(message.header());
    ASSERT_TRUE(reply.service.has_value());
    EXPECT_EQ(reply.service->key, (ServiceKey{IPPROTO_UDP, Address::ipv4(10, 1, 2, 3), 53}));
    // Attributes the reply lacks keep their defaults.
    EXPECT_EQ(reply.service->scheduler, "");
    EXPECT_FALSE(reply.service->persistent());
    EXPECT_EQ(reply.service->netmask, 32);
}

TEST(DecodeReply, Ipv6ServiceDefaultsToHostMask) {
    test::MessageBuilder message(kFamily, 0, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_SERVICE);
    nlattr* nest = message.begin_nest(FNAT_A_SERVICE);
    Address address = parse_endpoint("[2001:db8::7]").address;
    message.u16(FNAT_SVC_A_FAMILY, AF_INET6)
        .u8(FNAT_SVC_A_PROTOCOL, IPPROTO_TCP)
        .address(FNAT_SVC_A_ADDR, address)
        .be16(FNAT_SVC_A_PORT, 443)
        .end_nest(nest);
    Reply reply = decode_reply(message.header());
    EXPECT_EQ(reply.service->key.address, address);
    EXPECT_EQ(reply.service->netmask, 128);
}

std::string decode_error(const test::MessageBuilder& message) {
    std::vector<std::uint8_t> bytes = message.bytes();
    try {
        decode_reply(header_of(bytes));
    } catch (const DecodeError& error) {
        return error.what();
    }
    return "(decoded)";
}

test::MessageBuilder timeout_reply() {
    test::MessageBuilder message(kFamily, 0, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_TIMEOUT);
    return message;
}

TEST(DecodeReply, Timeouts) {
    test::MessageBuilder message = timeout_reply();
    nlattr* nest = message.begin_nest(FNAT_A_TIMEOUT);
    message.u32(FNAT_TIMEOUT_A_TCP, 7440)
        .u32(FNAT_TIMEOUT_A_TCP_FIN, 120)
        .u32(FNAT_TIMEOUT_A_UDP, 300)
        .end_nest(nest);
    Reply reply = decode_reply(message.header());
    EXPECT_EQ(reply.command, FNAT_CMD_GET_TIMEOUT);
    ASSERT_TRUE(reply.timeouts.has_value());
    EXPECT_EQ(*reply.timeouts, (Timeouts{7440, 120, 300}));
    EXPECT_FALSE(reply.service.has_value());
    EXPECT_FALSE(reply.info.has_value());
}

TEST(DecodeReply, TimeoutsInAnyOrderWithUnknownAttributes) {
    test::MessageBuilder message = timeout_reply();
    nlattr* nest = message.begin_nest(FNAT_A_TIMEOUT);
    message.u32(FNAT_TIMEOUT_A_UDP, 3)
        .u32(FNAT_TIMEOUT_A_MAX + 1, 99) // a newer module's timeout
        .u32(FNAT_TIMEOUT_A_TCP_FIN, 2)
        .u32(FNAT_TIMEOUT_A_TCP, 1)
        .end_nest(nest);
    EXPECT_EQ(decode_reply(message.header()).timeouts, (Timeouts{1, 2, 3}));
}

TEST(DecodeReply, EachMissingTimeoutIsAnError) {
    const std::array<std::uint16_t, 3> types = {FNAT_TIMEOUT_A_TCP, FNAT_TIMEOUT_A_TCP_FIN,
                                                FNAT_TIMEOUT_A_UDP};
    const std::array<const char*, 3> names = {"FNAT_TIMEOUT_A_TCP", "FNAT_TIMEOUT_A_TCP_FIN",
                                              "FNAT_TIMEOUT_A_UDP"};
    for (std::size_t missing = 0; missing < types.size(); ++missing) {
        test::MessageBuilder message = timeout_reply();
        nlattr* nest = message.begin_nest(FNAT_A_TIMEOUT);
        for (std::size_t i = 0; i < types.size(); ++i)
            if (i != missing)
                message.u32(types[i], 100);
        message.end_nest(nest);
        EXPECT_EQ(decode_error(message), std::string("missing ") + names[missing]);
    }
}

TEST(DecodeReply, EmptyTimeoutNestIsAnError) {
    test::MessageBuilder message = timeout_reply();
    nlattr* nest = message.begin_nest(FNAT_A_TIMEOUT);
    message.end_nest(nest);
    EXPECT_EQ(decode_error(message), "missing FNAT_TIMEOUT_A_TCP");
}

TEST(DecodeReply, ShortTimeoutIsAnError) {
    test::MessageBuilder message = timeout_reply();
    nlattr* nest = message.begin_nest(FNAT_A_TIMEOUT);
    message.u32(FNAT_TIMEOUT_A_TCP, 1)
        .u32(FNAT_TIMEOUT_A_TCP_FIN, 2)
        .u16(FNAT_TIMEOUT_A_UDP, 3)
        .end_nest(nest);
    EXPECT_EQ(decode_error(message), "FNAT_TIMEOUT_A_UDP has a bad length (2 bytes)");
}

TEST(DecodeReply, NoTimeoutNestMeansNoTimeouts) {
    test::MessageBuilder message = timeout_reply();
    EXPECT_FALSE(decode_reply(message.header()).timeouts.has_value());
}

TEST(DecodeReply, DecodesTheTimeoutsEncodeRequestBuilt) {
    std::vector<std::uint8_t> bytes = encode_request(
        Request{FNAT_CMD_SET_TIMEOUT, false, {}, {}, TimeoutSpec{900U, 60U, 30U}}, kFamily, kSeq);
    EXPECT_EQ(decode_reply(header_of(bytes)).timeouts, (Timeouts{900, 60, 30}));
}

TEST(DecodeReply, MissingKeyIsAnError) {
    test::MessageBuilder message(kFamily, 0, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_SERVICE);
    nlattr* nest = message.begin_nest(FNAT_A_SERVICE);
    message.u16(FNAT_SVC_A_FAMILY, AF_INET)
        .u8(FNAT_SVC_A_PROTOCOL, IPPROTO_TCP)
        .address(FNAT_SVC_A_ADDR, Address::ipv4(10, 1, 2, 3))
        .end_nest(nest);
    EXPECT_EQ(decode_error(message), "missing FNAT_SVC_A_PORT");
}

TEST(DecodeReply, WrongLengthIsAnError) {
    test::MessageBuilder message(kFamily, 0, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_DEST);
    nlattr* nest = message.begin_nest(FNAT_A_DEST);
    message.u16(FNAT_DEST_A_FAMILY, AF_INET)
        .address(FNAT_DEST_A_ADDR, Address::ipv4(10, 1, 2, 3))
        .u32(FNAT_DEST_A_PORT, 80)
        .end_nest(nest);
    EXPECT_EQ(decode_error(message), "FNAT_DEST_A_PORT has a bad length (4 bytes)");
}

TEST(DecodeReply, UnterminatedSchedulerNameIsAnError) {
    test::MessageBuilder message(kFamily, 0, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_SERVICE);
    nlattr* nest = message.begin_nest(FNAT_A_SERVICE);
    message.raw(FNAT_SVC_A_SCHED_NAME, "wlc", 3).end_nest(nest);
    EXPECT_EQ(decode_error(message), "FNAT_SVC_A_SCHED_NAME has a bad length (3 bytes)");
}

TEST(DecodeReply, UnknownFamilyIsAnError) {
    test::MessageBuilder message(kFamily, 0, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_DEST);
    nlattr* nest = message.begin_nest(FNAT_A_DEST);
    message.u16(FNAT_DEST_A_FAMILY, 99)
        .address(FNAT_DEST_A_ADDR, Address::ipv4(10, 1, 2, 3))
        .be16(FNAT_DEST_A_PORT, 80)
        .end_nest(nest);
    EXPECT_EQ(decode_error(message), "unknown address family 99");
}

TEST(DecodeReply, AttributeOverrunningTheNestIsAnError) {
    test::MessageBuilder message(kFamily, 0, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_INFO);
    nlattr* nest = message.begin_nest(FNAT_A_INFO);
    message.u32(FNAT_INFO_A_VERSION, 1).end_nest(nest);
    // Corrupt the inner attribute's length so it claims more than the nest.
    auto* inner = static_cast<nlattr*>(mnl_attr_get_payload(nest));
    inner->nla_len = 64;
    EXPECT_EQ(decode_error(message), "attribute length 64 is out of bounds");
}

TEST(DecodeReply, MessageWithoutGenlHeaderIsAnError) {
    test::MessageBuilder message(kFamily, 0, kSeq, kPortid);
    EXPECT_EQ(decode_error(message), "message too short for a generic netlink header");
}

TEST(DecodeReply, DecodesWhatEncodeRequestBuilt) {
    Request request{
        FNAT_CMD_SET_SERVICE, false, ServiceSpec{kVip, "sh", FNAT_SVC_F_PERSISTENT, 3600U, 16}, {}};
    std::vector<std::uint8_t> bytes = encode_request(request, kFamily, kSeq);
    Reply reply = decode_reply(header_of(bytes));
    EXPECT_EQ(reply.command, FNAT_CMD_SET_SERVICE);
    ASSERT_TRUE(reply.service.has_value());
    EXPECT_EQ(reply.service->key, kVip);
    EXPECT_EQ(reply.service->scheduler, "sh");
    EXPECT_EQ(reply.service->flags, FNAT_SVC_F_PERSISTENT);
    EXPECT_EQ(reply.service->timeout, 3600U);
    EXPECT_EQ(reply.service->netmask, 16);
}

// --- connections and drop counters -----------------------------------------

test::MessageBuilder conn_reply() {
    test::MessageBuilder message(kFamily, NLM_F_MULTI, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_CONN);
    return message;
}

// Every FNAT_CONN_A_* of a FULLNAT connection, LADDR/LPORT included when
// with_local, then one attribute this version does not know.
void put_conn(test::MessageBuilder& message, bool with_local = true,
              std::uint16_t left_out = FNAT_CONN_A_UNSPEC) {
    nlattr* nest = message.begin_nest(FNAT_A_CONN);
    auto put = [&](std::uint16_t type, auto&& add) {
        if (type != left_out)
            add();
    };
    put(FNAT_CONN_A_FAMILY, [&] { message.u16(FNAT_CONN_A_FAMILY, AF_INET); });
    put(FNAT_CONN_A_PROTOCOL, [&] { message.u8(FNAT_CONN_A_PROTOCOL, IPPROTO_TCP); });
    put(FNAT_CONN_A_CADDR,
        [&] { message.address(FNAT_CONN_A_CADDR, Address::ipv4(192, 168, 10, 5)); });
    put(FNAT_CONN_A_CPORT, [&] { message.be16(FNAT_CONN_A_CPORT, 40000); });
    put(FNAT_CONN_A_VADDR, [&] { message.address(FNAT_CONN_A_VADDR, kVip.address); });
    put(FNAT_CONN_A_VPORT, [&] { message.be16(FNAT_CONN_A_VPORT, 80); });
    if (with_local)
        message.address(FNAT_CONN_A_LADDR, Address::ipv4(10, 0, 0, 250))
            .be16(FNAT_CONN_A_LPORT, 61000);
    put(FNAT_CONN_A_DADDR, [&] { message.address(FNAT_CONN_A_DADDR, Address::ipv4(10, 0, 0, 7)); });
    put(FNAT_CONN_A_DPORT, [&] { message.be16(FNAT_CONN_A_DPORT, 8080); });
    put(FNAT_CONN_A_FWD_METHOD, [&] { message.u8(FNAT_CONN_A_FWD_METHOD, FNAT_FWD_FULLNAT); });
    put(FNAT_CONN_A_STATE, [&] { message.strz(FNAT_CONN_A_STATE, "ESTABLISHED"); });
    put(FNAT_CONN_A_EXPIRES, [&] { message.u32(FNAT_CONN_A_EXPIRES, 899'500); });
    message.u32(FNAT_CONN_A_MAX + 1, 0xdeadbeef); // a newer module's attribute
    message.end_nest(nest);
}

TEST(DecodeReply, Conn) {
    test::MessageBuilder message = conn_reply();
    put_conn(message);
    Reply reply = decode_reply(message.header());
    EXPECT_EQ(reply.command, FNAT_CMD_GET_CONN);
    ASSERT_TRUE(reply.conn.has_value());
    const Conn& conn = *reply.conn;
    EXPECT_EQ(conn.protocol, IPPROTO_TCP);
    EXPECT_EQ(conn.caddr, Address::ipv4(192, 168, 10, 5));
    EXPECT_EQ(conn.cport, 40000);
    EXPECT_EQ(conn.vaddr, kVip.address);
    EXPECT_EQ(conn.vport, 80);
    EXPECT_EQ(conn.laddr, Address::ipv4(10, 0, 0, 250));
    EXPECT_EQ(conn.lport, 61000);
    EXPECT_EQ(conn.daddr, Address::ipv4(10, 0, 0, 7));
    EXPECT_EQ(conn.dport, 8080);
    EXPECT_EQ(conn.forward, ForwardMethod::FullNat);
    EXPECT_EQ(conn.state, "ESTABLISHED");
    EXPECT_EQ(conn.expires_ms, 899'500U);
    EXPECT_FALSE(reply.service.has_value());
}

TEST(DecodeReply, Ipv6Conn) {
    const Address client = parse_address("2001:db8:ff::5");
    const Address vip = parse_address("2001:db8::1");
    const Address lip = parse_address("2001:db8::100");
    const Address rip = parse_address("2001:db8::10");
    test::MessageBuilder message = conn_reply();
    nlattr* nest = message.begin_nest(FNAT_A_CONN);
    message.u16(FNAT_CONN_A_FAMILY, AF_INET6)
        .u8(FNAT_CONN_A_PROTOCOL, IPPROTO_UDP)
        .address(FNAT_CONN_A_CADDR, client)
        .be16(FNAT_CONN_A_CPORT, 5353)
        .address(FNAT_CONN_A_VADDR, vip)
        .be16(FNAT_CONN_A_VPORT, 53)
        .address(FNAT_CONN_A_LADDR, lip)
        .be16(FNAT_CONN_A_LPORT, 61000)
        .address(FNAT_CONN_A_DADDR, rip)
        .be16(FNAT_CONN_A_DPORT, 5300)
        .u8(FNAT_CONN_A_FWD_METHOD, FNAT_FWD_FULLNAT)
        .strz(FNAT_CONN_A_STATE, "UDP")
        .u32(FNAT_CONN_A_EXPIRES, 300'000)
        .end_nest(nest);
    Reply reply = decode_reply(message.header());
    ASSERT_TRUE(reply.conn.has_value());
    const Conn& conn = *reply.conn;
    EXPECT_EQ(conn.protocol, IPPROTO_UDP);
    EXPECT_EQ(conn.caddr, client);
    EXPECT_EQ(conn.vaddr, vip);
    EXPECT_EQ(conn.laddr, lip);
    EXPECT_EQ(conn.lport, 61000);
    EXPECT_EQ(conn.daddr, rip);
    EXPECT_EQ(conn.dport, 5300);
    EXPECT_TRUE(conn.caddr.is_ipv6() && conn.vaddr.is_ipv6() && conn.laddr.is_ipv6() &&
                conn.daddr.is_ipv6());
}

// FULLNAT 6->4: the client and the VIP are IPv6, the LIP and the real
// server IPv4, each family in its own attribute.
test::MessageBuilder six_to_four_conn(std::uint16_t local_family, std::uint16_t dest_family) {
    test::MessageBuilder message = conn_reply();
    nlattr* nest = message.begin_nest(FNAT_A_CONN);
    message.u16(FNAT_CONN_A_FAMILY, AF_INET6)
        .u16(FNAT_CONN_A_LOCAL_FAMILY, local_family)
        .u16(FNAT_CONN_A_DEST_FAMILY, dest_family)
        .u8(FNAT_CONN_A_PROTOCOL, IPPROTO_TCP)
        .address(FNAT_CONN_A_CADDR, parse_address("2001:db8:ff::5"))
        .be16(FNAT_CONN_A_CPORT, 40000)
        .address(FNAT_CONN_A_VADDR, parse_address("2001:db8::1"))
        .be16(FNAT_CONN_A_VPORT, 80)
        .address(FNAT_CONN_A_LADDR, Address::ipv4(10, 0, 9, 1))
        .be16(FNAT_CONN_A_LPORT, 5000)
        .address(FNAT_CONN_A_DADDR, Address::ipv4(10, 0, 0, 5))
        .be16(FNAT_CONN_A_DPORT, 80)
        .u8(FNAT_CONN_A_FWD_METHOD, FNAT_FWD_FULLNAT)
        .strz(FNAT_CONN_A_STATE, "ESTABLISHED")
        .u32(FNAT_CONN_A_EXPIRES, 899'999)
        .end_nest(nest);
    return message;
}

TEST(DecodeReply, SixToFourConnHasIpv4LocalAndDest) {
    test::MessageBuilder message = six_to_four_conn(AF_INET, AF_INET);
    Reply reply = decode_reply(message.header());
    ASSERT_TRUE(reply.conn.has_value());
    const Conn& conn = *reply.conn;
    EXPECT_EQ(conn.caddr, parse_address("2001:db8:ff::5"));
    EXPECT_EQ(conn.vaddr, parse_address("2001:db8::1"));
    EXPECT_EQ(conn.laddr, Address::ipv4(10, 0, 9, 1));
    EXPECT_EQ(conn.daddr, Address::ipv4(10, 0, 0, 5));
    EXPECT_EQ(format_conn_line(conn),
              "TCP 14:59  ESTABLISHED [2001:db8:ff::5]:40000 [2001:db8::1]:80   10.0.0.5:80\n");
}

TEST(DecodeReply, ConnFamiliesMustBeKnown) {
    EXPECT_EQ(decode_error(six_to_four_conn(99, AF_INET)), "unknown address family 99");
    EXPECT_EQ(decode_error(six_to_four_conn(AF_INET, 7)), "unknown address family 7");
}

TEST(DecodeReply, ConnWithoutLocalAddressHasTheClients) {
    test::MessageBuilder message = conn_reply();
    put_conn(message, false);
    Reply reply = decode_reply(message.header());
    ASSERT_TRUE(reply.conn.has_value());
    EXPECT_EQ(reply.conn->laddr, Address::ipv4(192, 168, 10, 5));
    EXPECT_EQ(reply.conn->lport, 40000);
}

TEST(DecodeReply, EachMissingConnAttributeIsAnError) {
    const std::array<std::pair<std::uint16_t, const char*>, 10> required = {{
        {FNAT_CONN_A_FAMILY, "FNAT_CONN_A_FAMILY"},
        {FNAT_CONN_A_PROTOCOL, "FNAT_CONN_A_PROTOCOL"},
        {FNAT_CONN_A_CADDR, "FNAT_CONN_A_CADDR"},
        {FNAT_CONN_A_CPORT, "FNAT_CONN_A_CPORT"},
        {FNAT_CONN_A_VADDR, "FNAT_CONN_A_VADDR"},
        {FNAT_CONN_A_VPORT, "FNAT_CONN_A_VPORT"},
        {FNAT_CONN_A_DADDR, "FNAT_CONN_A_DADDR"},
        {FNAT_CONN_A_DPORT, "FNAT_CONN_A_DPORT"},
        {FNAT_CONN_A_STATE, "FNAT_CONN_A_STATE"},
        {FNAT_CONN_A_EXPIRES, "FNAT_CONN_A_EXPIRES"},
    }};
    for (const auto& [type, name] : required) {
        test::MessageBuilder message = conn_reply();
        put_conn(message, true, type);
        EXPECT_EQ(decode_error(message), std::string("missing ") + name);
    }
    // The forwarding method may be left out.
    test::MessageBuilder message = conn_reply();
    put_conn(message, true, FNAT_CONN_A_FWD_METHOD);
    EXPECT_EQ(decode_reply(message.header()).conn->forward, ForwardMethod::Unspec);
}

TEST(DecodeReply, ConnWithBadLengthIsAnError) {
    test::MessageBuilder message = conn_reply();
    nlattr* nest = message.begin_nest(FNAT_A_CONN);
    message.u32(FNAT_CONN_A_EXPIRES, 1).u16(FNAT_CONN_A_FWD_METHOD, 3).end_nest(nest);
    EXPECT_EQ(decode_error(message), "FNAT_CONN_A_FWD_METHOD has a bad length (2 bytes)");
}

test::MessageBuilder info_reply_with(const std::function<void(test::MessageBuilder&)>& drops) {
    test::MessageBuilder message(kFamily, 0, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_INFO);
    nlattr* nest = message.begin_nest(FNAT_A_INFO);
    message.u32(FNAT_INFO_A_VERSION, FNAT_VERSION_CODE)
        .u32(FNAT_INFO_A_CONN_TAB_SIZE, 4096)
        .u32(FNAT_INFO_A_NUM_SERVICES, 3)
        .u32(FNAT_INFO_A_NUM_CONNS, 42);
    nlattr* list = message.begin_nest(FNAT_INFO_A_DROPS);
    drops(message);
    message.end_nest(list).end_nest(nest);
    return message;
}

// One FNAT_DROPS_A_ENTRY as the kernel puts it (COUNT padded to 8 bytes).
void put_drop(test::MessageBuilder& message, const std::string& name, std::uint64_t count) {
    nlattr* entry = message.begin_nest(FNAT_DROPS_A_ENTRY);
    message.strz(FNAT_DROP_A_NAME, name).u64_64bit(FNAT_DROP_A_COUNT, count, FNAT_DROP_A_PAD);
    message.end_nest(entry);
}

TEST(DecodeReply, InfoWithConnectionsAndDrops) {
    test::MessageBuilder message = info_reply_with([](test::MessageBuilder& m) {
        put_drop(m, "no_dest", 12);
        m.u32(FNAT_DROPS_A_MAX + 1, 5); // a newer module's attribute, skipped
        put_drop(m, "no_mem", 0);
        // A newer module's attribute inside an entry is skipped too.
        nlattr* entry = m.begin_nest(FNAT_DROPS_A_ENTRY);
        m.u32(FNAT_DROP_A_MAX + 1, 7).strz(FNAT_DROP_A_NAME, "bad_csum");
        m.u64(FNAT_DROP_A_COUNT, 0xffff'ffff'ffff'ffffULL).end_nest(entry);
    });
    Reply reply = decode_reply(message.header());
    ASSERT_TRUE(reply.info.has_value());
    EXPECT_EQ(reply.info->num_services, 3U);
    EXPECT_EQ(reply.info->num_conns, 42U);
    EXPECT_EQ(reply.info->drops,
              (std::vector<DropCounter>{
                  {"no_dest", 12}, {"no_mem", 0}, {"bad_csum", 0xffff'ffff'ffff'ffffULL}}));
}

TEST(DecodeReply, InfoWithoutConnectionsOrDropsHasNone) {
    test::MessageBuilder message(kFamily, 0, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_INFO);
    nlattr* nest = message.begin_nest(FNAT_A_INFO);
    message.u32(FNAT_INFO_A_VERSION, 1).u32(FNAT_INFO_A_CONN_TAB_SIZE, 2).end_nest(nest);
    Reply reply = decode_reply(message.header());
    ASSERT_TRUE(reply.info.has_value());
    EXPECT_EQ(reply.info->num_conns, 0U);
    EXPECT_TRUE(reply.info->drops.empty());
    EXPECT_EQ(reply.info->toa_added, 0U);
    EXPECT_EQ(reply.info->synproxy_cookies, 0U);
    EXPECT_EQ(reply.info->synproxy_acks, 0U);
    EXPECT_EQ(reply.info->synproxy_rs_resets, 0U);
}

// The u64 counters of GET_INFO as the module puts them, each after a PAD
// where nla_put_u64_64bit() needs one; distinct values, so that a swap shows.
TEST(DecodeReply, InfoWithTheToaAndSynproxyCounters) {
    test::MessageBuilder message(kFamily, 0, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_INFO);
    nlattr* nest = message.begin_nest(FNAT_A_INFO);
    message.u32(FNAT_INFO_A_VERSION, FNAT_VERSION_CODE)
        .u32(FNAT_INFO_A_CONN_TAB_SIZE, 4096)
        .u64_64bit(FNAT_INFO_A_TOA_ADDED, 10, FNAT_INFO_A_PAD)
        .u64_64bit(FNAT_INFO_A_TOA_SKIPPED, 3, FNAT_INFO_A_PAD)
        .u64_64bit(FNAT_INFO_A_SYNPROXY_COOKIES, 0x0123'4567'89ab'cdefULL, FNAT_INFO_A_PAD)
        .u64_64bit(FNAT_INFO_A_SYNPROXY_ACKS, 88, FNAT_INFO_A_PAD)
        .u64_64bit(FNAT_INFO_A_SYNPROXY_RS_RESETS, 0xffff'ffff'ffff'ffffULL, FNAT_INFO_A_PAD)
        .end_nest(nest);
    std::vector<std::uint16_t> types =
        test::nested_types(test::genl_attributes(message.header())[FNAT_A_INFO]);
    EXPECT_NE(std::find(types.begin(), types.end(), FNAT_INFO_A_PAD), types.end());

    Reply reply = decode_reply(message.header());
    ASSERT_TRUE(reply.info.has_value());
    EXPECT_EQ(reply.info->toa_added, 10U);
    EXPECT_EQ(reply.info->toa_skipped, 3U);
    EXPECT_EQ(reply.info->synproxy_cookies, 0x0123'4567'89ab'cdefULL);
    EXPECT_EQ(reply.info->synproxy_acks, 88U);
    EXPECT_EQ(reply.info->synproxy_rs_resets, 0xffff'ffff'ffff'ffffULL);
}

TEST(DecodeReply, SynproxyCounterOfTheWrongSizeIsAnError) {
    test::MessageBuilder message(kFamily, 0, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_INFO);
    nlattr* nest = message.begin_nest(FNAT_A_INFO);
    message.u32(FNAT_INFO_A_VERSION, FNAT_VERSION_CODE)
        .u32(FNAT_INFO_A_CONN_TAB_SIZE, 4096)
        .u32(FNAT_INFO_A_SYNPROXY_RS_RESETS, 2)
        .end_nest(nest);
    EXPECT_EQ(decode_error(message), "FNAT_INFO_A_SYNPROXY_RS_RESETS has a bad length (4 bytes)");
}

TEST(DecodeReply, DropEntryNeedsNameAndCount) {
    EXPECT_EQ(decode_error(info_reply_with([](test::MessageBuilder& m) {
                  nlattr* entry = m.begin_nest(FNAT_DROPS_A_ENTRY);
                  m.u64_64bit(FNAT_DROP_A_COUNT, 1, FNAT_DROP_A_PAD).end_nest(entry);
              })),
              "missing FNAT_DROP_A_NAME");
    EXPECT_EQ(decode_error(info_reply_with([](test::MessageBuilder& m) {
                  nlattr* entry = m.begin_nest(FNAT_DROPS_A_ENTRY);
                  m.strz(FNAT_DROP_A_NAME, "no_dest").end_nest(entry);
              })),
              "missing FNAT_DROP_A_COUNT");
    EXPECT_EQ(decode_error(info_reply_with([](test::MessageBuilder& m) {
                  nlattr* entry = m.begin_nest(FNAT_DROPS_A_ENTRY);
                  m.strz(FNAT_DROP_A_NAME, "no_dest").u32(FNAT_DROP_A_COUNT, 1).end_nest(entry);
              })),
              "FNAT_DROP_A_COUNT has a bad length (4 bytes)");
}

// --- local addresses ---------------------------------------------------------

test::MessageBuilder laddr_reply() {
    test::MessageBuilder message(kFamily, NLM_F_MULTI, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_LADDR);
    nlattr* service = message.begin_nest(FNAT_A_SERVICE);
    message.u16(FNAT_SVC_A_FAMILY, AF_INET)
        .u8(FNAT_SVC_A_PROTOCOL, IPPROTO_TCP)
        .address(FNAT_SVC_A_ADDR, kVip.address)
        .be16(FNAT_SVC_A_PORT, kVip.port)
        .end_nest(service);
    return message;
}

// A GET_LADDR reply's FNAT_A_LADDR as the kernel puts it: the u64s with
// nla_put_u64_64bit(), so PADs where they would be misaligned.
void put_laddr(test::MessageBuilder& message, std::uint16_t left_out = FNAT_LADDR_A_UNSPEC) {
    nlattr* nest = message.begin_nest(FNAT_A_LADDR);
    if (left_out != FNAT_LADDR_A_FAMILY)
        message.u16(FNAT_LADDR_A_FAMILY, AF_INET);
    if (left_out != FNAT_LADDR_A_ADDR)
        message.address(FNAT_LADDR_A_ADDR, Address::ipv4(10, 0, 9, 1));
    if (left_out != FNAT_LADDR_A_CONNS)
        message.u32(FNAT_LADDR_A_CONNS, 4'000'000'000U);
    if (left_out != FNAT_LADDR_A_CONFLICTS)
        message.u64_64bit(FNAT_LADDR_A_CONFLICTS, 0x0123'4567'89ab'cdefULL, FNAT_LADDR_A_PAD);
    if (left_out != FNAT_LADDR_A_EXHAUSTED)
        message.u64_64bit(FNAT_LADDR_A_EXHAUSTED, 0xfedc'ba98'0000'0001ULL, FNAT_LADDR_A_PAD);
    message.u32(FNAT_LADDR_A_MAX + 1, 0xdeadbeef); // a newer module's attribute
    message.end_nest(nest);
}

TEST(DecodeReply, Laddr) {
    test::MessageBuilder message = laddr_reply();
    put_laddr(message);
    // The reply really is padded.
    std::vector<std::uint16_t> types =
        test::nested_types(test::genl_attributes(message.header())[FNAT_A_LADDR]);
    ASSERT_NE(std::find(types.begin(), types.end(), FNAT_LADDR_A_PAD), types.end());

    Reply reply = decode_reply(message.header());
    EXPECT_EQ(reply.command, FNAT_CMD_GET_LADDR);
    ASSERT_TRUE(reply.service.has_value());
    EXPECT_EQ(reply.service->key, kVip);
    ASSERT_TRUE(reply.laddr.has_value());
    EXPECT_EQ(*reply.laddr, (LocalAddress{Address::ipv4(10, 0, 9, 1), 4'000'000'000U,
                                          0x0123'4567'89ab'cdefULL, 0xfedc'ba98'0000'0001ULL}));
    EXPECT_FALSE(reply.dest.has_value());
    EXPECT_FALSE(reply.conn.has_value());
}

TEST(DecodeReply, LaddrPadsAnywhereAreSkipped) {
    test::MessageBuilder message = laddr_reply();
    nlattr* nest = message.begin_nest(FNAT_A_LADDR);
    const std::uint32_t junk = 0xdeadbeef;
    message.raw(FNAT_LADDR_A_PAD, nullptr, 0)
        .u16(FNAT_LADDR_A_FAMILY, AF_INET)
        .raw(FNAT_LADDR_A_PAD, &junk, sizeof(junk))
        .address(FNAT_LADDR_A_ADDR, Address::ipv4(10, 0, 9, 2))
        .raw(FNAT_LADDR_A_PAD, nullptr, 0)
        .u64(FNAT_LADDR_A_EXHAUSTED, 3)
        .end_nest(nest);
    Reply reply = decode_reply(message.header());
    ASSERT_TRUE(reply.laddr.has_value());
    EXPECT_EQ(*reply.laddr, (LocalAddress{Address::ipv4(10, 0, 9, 2), 0, 0, 3}));
}

TEST(DecodeReply, LaddrCountersMayBeLeftOut) {
    for (std::uint16_t type :
         {FNAT_LADDR_A_CONNS, FNAT_LADDR_A_CONFLICTS, FNAT_LADDR_A_EXHAUSTED}) {
        test::MessageBuilder message = laddr_reply();
        put_laddr(message, type);
        Reply reply = decode_reply(message.header());
        ASSERT_TRUE(reply.laddr.has_value());
        EXPECT_EQ(reply.laddr->conns == 0, type == FNAT_LADDR_A_CONNS);
        EXPECT_EQ(reply.laddr->conflicts == 0, type == FNAT_LADDR_A_CONFLICTS);
        EXPECT_EQ(reply.laddr->exhausted == 0, type == FNAT_LADDR_A_EXHAUSTED);
    }
}

TEST(DecodeReply, LaddrKeysAreRequired) {
    test::MessageBuilder no_family = laddr_reply();
    put_laddr(no_family, FNAT_LADDR_A_FAMILY);
    EXPECT_EQ(decode_error(no_family), "missing FNAT_LADDR_A_FAMILY");
    test::MessageBuilder no_address = laddr_reply();
    put_laddr(no_address, FNAT_LADDR_A_ADDR);
    EXPECT_EQ(decode_error(no_address), "missing FNAT_LADDR_A_ADDR");
}

TEST(DecodeReply, LaddrWithBadLengthIsAnError) {
    test::MessageBuilder message = laddr_reply();
    nlattr* nest = message.begin_nest(FNAT_A_LADDR);
    message.u16(FNAT_LADDR_A_FAMILY, AF_INET)
        .address(FNAT_LADDR_A_ADDR, Address::ipv4(10, 0, 9, 1))
        .u32(FNAT_LADDR_A_CONFLICTS, 1)
        .end_nest(nest);
    EXPECT_EQ(decode_error(message), "FNAT_LADDR_A_CONFLICTS has a bad length (4 bytes)");

    test::MessageBuilder family = laddr_reply();
    nest = family.begin_nest(FNAT_A_LADDR);
    family.u16(FNAT_LADDR_A_FAMILY, 99)
        .address(FNAT_LADDR_A_ADDR, Address::ipv4(10, 0, 9, 1))
        .end_nest(nest);
    EXPECT_EQ(decode_error(family), "unknown address family 99");
}

TEST(DecodeReply, DecodesTheLaddrEncodeRequestBuilt) {
    const Address lip = Address::ipv4(10, 0, 9, 7);
    std::vector<std::uint8_t> bytes = encode_request(
        Request{FNAT_CMD_NEW_LADDR, false, ServiceSpec{kVip, {}, {}, {}, {}}, {}, {}, lip}, kFamily,
        kSeq);
    Reply reply = decode_reply(header_of(bytes));
    ASSERT_TRUE(reply.laddr.has_value());
    EXPECT_EQ(*reply.laddr, (LocalAddress{lip, 0, 0, 0}));
}

// --- connection sync daemons ------------------------------------------------

TEST(EncodeRequest, NewDaemonByteForByte) {
    Request request{
        FNAT_CMD_NEW_DAEMON, false, {}, {}, {}, {}, DaemonSpec{FNAT_SYNC_STATE_MASTER, "eth0"}};
    std::vector<std::uint8_t> expected;
    append_u32(expected, 44);                        // nlmsg_len
    append_u16(expected, kFamily);                   // nlmsg_type
    append_u16(expected, NLM_F_REQUEST | NLM_F_ACK); // nlmsg_flags
    append_u32(expected, kSeq);                      // nlmsg_seq
    append_u32(expected, 0);                         // nlmsg_pid
    expected.insert(expected.end(), {FNAT_CMD_NEW_DAEMON, FNAT_GENL_VERSION, 0, 0});
    append_attr_header(expected, 24, NLA_F_NESTED | FNAT_A_DAEMON);
    append_attr_header(expected, 8, FNAT_DAEMON_A_STATE);
    append_u32(expected, FNAT_SYNC_STATE_MASTER);
    append_attr_header(expected, 9, FNAT_DAEMON_A_MCAST_IFN);
    expected.insert(expected.end(), {'e', 't', 'h', '0', 0, 0, 0, 0});
    ASSERT_EQ(expected.size(), 44U);

    EXPECT_EQ(encode_request(request, kFamily, kSeq), expected);
}

TEST(EncodeRequest, NewDaemonWithEveryAttribute) {
    const std::string key("0123456789abcdef\0\xff\n", 19);
    Request request{FNAT_CMD_NEW_DAEMON,
                    false,
                    {},
                    {},
                    {},
                    {},
                    DaemonSpec{FNAT_SYNC_STATE_BACKUP, "bond0.100", 7, 1400,
                               Address::ipv4(239, 1, 2, 3), 8900, 2, key}};
    std::vector<std::uint8_t> bytes = encode_request(request, kFamily, kSeq);
    EXPECT_EQ(header_of(bytes)->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    EXPECT_EQ(genl_of(bytes)->cmd, FNAT_CMD_NEW_DAEMON);
    auto top = test::genl_attributes(header_of(bytes));
    ASSERT_EQ(top.size(), 1U);
    ASSERT_TRUE(top.count(FNAT_A_DAEMON));
    EXPECT_TRUE(top[FNAT_A_DAEMON]->nla_type & NLA_F_NESTED);
    EXPECT_EQ(test::nested_types(top[FNAT_A_DAEMON]),
              (std::vector<std::uint16_t>{
                  FNAT_DAEMON_A_STATE, FNAT_DAEMON_A_MCAST_IFN, FNAT_DAEMON_A_SYNC_ID,
                  FNAT_DAEMON_A_SYNC_MAXLEN, FNAT_DAEMON_A_MCAST_FAMILY, FNAT_DAEMON_A_MCAST_GROUP,
                  FNAT_DAEMON_A_MCAST_PORT, FNAT_DAEMON_A_MCAST_TTL, FNAT_DAEMON_A_KEY}));
    auto daemon = test::nested_attributes(top[FNAT_A_DAEMON]);
    auto payload = [&](std::uint16_t type) {
        const auto* data = static_cast<const std::uint8_t*>(mnl_attr_get_payload(daemon[type]));
        return std::vector<std::uint8_t>(data, data + mnl_attr_get_payload_len(daemon[type]));
    };
    EXPECT_EQ(mnl_attr_get_u32(daemon[FNAT_DAEMON_A_STATE]), FNAT_SYNC_STATE_BACKUP);
    EXPECT_STREQ(mnl_attr_get_str(daemon[FNAT_DAEMON_A_MCAST_IFN]), "bond0.100");
    EXPECT_EQ(mnl_attr_get_payload_len(daemon[FNAT_DAEMON_A_MCAST_IFN]), 10U); // with the NUL
    EXPECT_EQ(payload(FNAT_DAEMON_A_SYNC_ID), (std::vector<std::uint8_t>{7}));
    EXPECT_EQ(mnl_attr_get_payload_len(daemon[FNAT_DAEMON_A_SYNC_MAXLEN]), 2U);
    EXPECT_EQ(mnl_attr_get_u16(daemon[FNAT_DAEMON_A_SYNC_MAXLEN]), 1400); // host order
    EXPECT_EQ(mnl_attr_get_payload_len(daemon[FNAT_DAEMON_A_MCAST_FAMILY]), 2U);
    EXPECT_EQ(mnl_attr_get_u16(daemon[FNAT_DAEMON_A_MCAST_FAMILY]), AF_INET);
    EXPECT_EQ(payload(FNAT_DAEMON_A_MCAST_GROUP),
              (std::vector<std::uint8_t>{239, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    EXPECT_EQ(payload(FNAT_DAEMON_A_MCAST_PORT), (std::vector<std::uint8_t>{0x22, 0xc4})); // 8900
    EXPECT_EQ(payload(FNAT_DAEMON_A_MCAST_TTL), (std::vector<std::uint8_t>{2}));
    EXPECT_EQ(payload(FNAT_DAEMON_A_KEY), std::vector<std::uint8_t>(key.begin(), key.end()));
}

TEST(EncodeRequest, DaemonAttributesAreSentOnlyWhenGiven) {
    DaemonSpec spec{FNAT_SYNC_STATE_MASTER, "eth0"};
    spec.mcast_ttl = 1;
    std::vector<std::uint8_t> bytes =
        encode_request(Request{FNAT_CMD_NEW_DAEMON, false, {}, {}, {}, {}, spec}, kFamily, kSeq);
    auto top = test::genl_attributes(header_of(bytes));
    EXPECT_EQ(test::nested_types(top[FNAT_A_DAEMON]),
              (std::vector<std::uint16_t>{FNAT_DAEMON_A_STATE, FNAT_DAEMON_A_MCAST_IFN,
                                          FNAT_DAEMON_A_MCAST_TTL}));
    // A syncid of 0 given on the command line is sent: it is not the same as none.
    spec.sync_id = 0;
    bytes =
        encode_request(Request{FNAT_CMD_NEW_DAEMON, false, {}, {}, {}, {}, spec}, kFamily, kSeq);
    top = test::genl_attributes(header_of(bytes));
    EXPECT_EQ(test::nested_types(top[FNAT_A_DAEMON]),
              (std::vector<std::uint16_t>{FNAT_DAEMON_A_STATE, FNAT_DAEMON_A_MCAST_IFN,
                                          FNAT_DAEMON_A_SYNC_ID, FNAT_DAEMON_A_MCAST_TTL}));
}

TEST(EncodeRequest, DelDaemonCarriesTheStateOnly) {
    std::vector<std::uint8_t> bytes = encode_request(
        Request{FNAT_CMD_DEL_DAEMON, false, {}, {}, {}, {}, DaemonSpec{FNAT_SYNC_STATE_BACKUP}},
        kFamily, kSeq);
    EXPECT_EQ(header_of(bytes)->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    EXPECT_EQ(genl_of(bytes)->cmd, FNAT_CMD_DEL_DAEMON);
    auto top = test::genl_attributes(header_of(bytes));
    ASSERT_EQ(top.size(), 1U);
    EXPECT_EQ(test::nested_types(top[FNAT_A_DAEMON]),
              (std::vector<std::uint16_t>{FNAT_DAEMON_A_STATE}));
    EXPECT_EQ(mnl_attr_get_u32(test::nested_attributes(top[FNAT_A_DAEMON])[FNAT_DAEMON_A_STATE]),
              FNAT_SYNC_STATE_BACKUP);
}

TEST(EncodeRequest, GetDaemonIsADumpWithoutAttributes) {
    std::vector<std::uint8_t> bytes =
        encode_request(Request{FNAT_CMD_GET_DAEMON, true, {}, {}}, kFamily, kSeq);
    EXPECT_EQ(header_of(bytes)->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    EXPECT_EQ(genl_of(bytes)->cmd, FNAT_CMD_GET_DAEMON);
    EXPECT_EQ(bytes.size(), sizeof(nlmsghdr) + sizeof(genlmsghdr));
}

// Every attribute set, the u64s at their limits.
SyncDaemon full_daemon() {
    SyncDaemon daemon = test::make_sync_daemon();
    daemon.sync_id = 200;
    daemon.up_ms = 0x0123'4567'89ab'cdefULL;
    daemon.counters.push_back({"a_newer_counter", 0xffff'ffff'ffff'ffffULL});
    daemon.peers.push_back(SyncPeer{Address::ipv4(10, 0, 3, 3), 0xffffffff, 255, 1ULL << 40, 0});
    return daemon;
}

Reply decode_bytes(const std::vector<std::uint8_t>& bytes) {
    return decode_reply(header_of(bytes));
}

TEST(DecodeReply, Daemon) {
    std::vector<std::uint8_t> bytes = test::daemon_reply(kFamily, kSeq, kPortid, full_daemon());
    // The reply really is padded, in the daemon nest and in the peers.
    std::vector<std::uint16_t> types =
        test::nested_types(test::genl_attributes(header_of(bytes))[FNAT_A_DAEMON]);
    ASSERT_NE(std::find(types.begin(), types.end(), FNAT_DAEMON_A_PAD), types.end());

    Reply reply = decode_bytes(bytes);
    EXPECT_EQ(reply.command, FNAT_CMD_GET_DAEMON);
    ASSERT_TRUE(reply.daemon.has_value());
    EXPECT_EQ(*reply.daemon, full_daemon());
    EXPECT_FALSE(reply.service.has_value());
    EXPECT_FALSE(reply.info.has_value());
}

test::MessageBuilder daemon_message() {
    test::MessageBuilder message(kFamily, NLM_F_MULTI, kSeq, kPortid);
    message.genl(FNAT_CMD_GET_DAEMON);
    return message;
}

TEST(DecodeReply, DaemonWithStateAndInterfaceOnly) {
    test::MessageBuilder message = daemon_message();
    nlattr* nest = message.begin_nest(FNAT_A_DAEMON);
    message.u32(FNAT_DAEMON_A_STATE, FNAT_SYNC_STATE_BACKUP)
        .strz(FNAT_DAEMON_A_MCAST_IFN, "eth1")
        .end_nest(nest);
    Reply reply = decode_reply(message.header());
    ASSERT_TRUE(reply.daemon.has_value());
    SyncDaemon expected;
    expected.state = FNAT_SYNC_STATE_BACKUP;
    expected.mcast_ifn = "eth1";
    EXPECT_EQ(*reply.daemon, expected);
    EXPECT_FALSE(reply.daemon->sender.has_value());
    EXPECT_FALSE(reply.daemon->up_ms.has_value());
    EXPECT_FALSE(reply.daemon->mcast_group.has_value());
}

TEST(DecodeReply, DaemonNeedsStateAndInterface) {
    test::MessageBuilder no_state = daemon_message();
    nlattr* nest = no_state.begin_nest(FNAT_A_DAEMON);
    no_state.strz(FNAT_DAEMON_A_MCAST_IFN, "eth1").end_nest(nest);
    EXPECT_EQ(decode_error(no_state), "missing FNAT_DAEMON_A_STATE");

    test::MessageBuilder no_interface = daemon_message();
    nest = no_interface.begin_nest(FNAT_A_DAEMON);
    no_interface.u32(FNAT_DAEMON_A_STATE, FNAT_SYNC_STATE_MASTER).end_nest(nest);
    EXPECT_EQ(decode_error(no_interface), "missing FNAT_DAEMON_A_MCAST_IFN");
}

TEST(DecodeReply, DaemonGroupNeedsItsFamily) {
    test::MessageBuilder message = daemon_message();
    nlattr* nest = message.begin_nest(FNAT_A_DAEMON);
    message.u32(FNAT_DAEMON_A_STATE, FNAT_SYNC_STATE_MASTER)
        .strz(FNAT_DAEMON_A_MCAST_IFN, "eth0")
        .address(FNAT_DAEMON_A_MCAST_GROUP, Address::ipv4(224, 0, 0, 83))
        .end_nest(nest);
    EXPECT_EQ(decode_error(message), "missing FNAT_DAEMON_A_MCAST_FAMILY");
}

// A newer module: attributes, counters and nests this version does not know.
TEST(DecodeReply, DaemonFromANewerModule) {
    test::MessageBuilder message = daemon_message();
    nlattr* nest = message.begin_nest(FNAT_A_DAEMON);
    message.u32(FNAT_DAEMON_A_MAX + 1, 0xdeadbeef)
        .u32(FNAT_DAEMON_A_STATE, 3) // a role not known yet
        .strz(FNAT_DAEMON_A_MCAST_IFN, "eth0");
    nlattr* counters = message.begin_nest(FNAT_DAEMON_A_COUNTERS);
    message.u32(FNAT_DROPS_A_MAX + 1, 5);
    nlattr* entry = message.begin_nest(FNAT_DROPS_A_ENTRY);
    message.strz(FNAT_DROP_A_NAME, "bad_mac_v2")
        .u32(FNAT_DROP_A_MAX + 1, 1)
        .u64_64bit(FNAT_DROP_A_COUNT, 9, FNAT_DROP_A_PAD)
        .end_nest(entry);
    message.end_nest(counters);
    nlattr* peers = message.begin_nest(FNAT_DAEMON_A_PEERS);
    message.u32(FNAT_DAEMON_A_STATE, 1); // not a PEER: skipped
    nlattr* peer = message.begin_nest(FNAT_DAEMON_A_PEER);
    message.u16(FNAT_PEER_A_FAMILY, AF_INET)
        .address(FNAT_PEER_A_ADDR, Address::ipv4(10, 0, 3, 9))
        .u32(FNAT_PEER_A_MAX + 1, 7)
        .end_nest(peer);
    message.end_nest(peers).end_nest(nest);
    message.u32(FNAT_A_MAX + 1, 1); // and at the top

    Reply reply = decode_reply(message.header());
    ASSERT_TRUE(reply.daemon.has_value());
    EXPECT_EQ(reply.daemon->state, 3U);
    EXPECT_EQ(reply.daemon->counters, (std::vector<NamedCounter>{{"bad_mac_v2", 9}}));
    EXPECT_EQ(reply.daemon->peers,
              (std::vector<SyncPeer>{SyncPeer{Address::ipv4(10, 0, 3, 9), 0, 0, 0, 0}}));
}

TEST(DecodeReply, DaemonPeerNeedsItsAddress) {
    for (std::uint16_t left_out : {FNAT_PEER_A_FAMILY, FNAT_PEER_A_ADDR}) {
        test::MessageBuilder message = daemon_message();
        nlattr* nest = message.begin_nest(FNAT_A_DAEMON);
        message.u32(FNAT_DAEMON_A_STATE, FNAT_SYNC_STATE_BACKUP)
            .strz(FNAT_DAEMON_A_MCAST_IFN, "eth0");
        nlattr* peers = message.begin_nest(FNAT_DAEMON_A_PEERS);
        nlattr* peer = message.begin_nest(FNAT_DAEMON_A_PEER);
        if (left_out != FNAT_PEER_A_FAMILY)
            message.u16(FNAT_PEER_A_FAMILY, AF_INET);
        if (left_out != FNAT_PEER_A_ADDR)
            message.address(FNAT_PEER_A_ADDR, Address::ipv4(10, 0, 3, 9));
        message.u64(FNAT_PEER_A_MESSAGES, 1).end_nest(peer);
        message.end_nest(peers).end_nest(nest);
        EXPECT_EQ(decode_error(message), left_out == FNAT_PEER_A_FAMILY
                                             ? "missing FNAT_PEER_A_FAMILY"
                                             : "missing FNAT_PEER_A_ADDR");
    }
}

TEST(DecodeReply, DaemonWithBadLengthIsAnError) {
    auto with = [](const std::function<void(test::MessageBuilder&)>& add) {
        test::MessageBuilder message = daemon_message();
        nlattr* nest = message.begin_nest(FNAT_A_DAEMON);
        message.u32(FNAT_DAEMON_A_STATE, FNAT_SYNC_STATE_MASTER);
        add(message);
        message.end_nest(nest);
        return message;
    };
    EXPECT_EQ(decode_error(with([](test::MessageBuilder& m) {
                  m.strz(FNAT_DAEMON_A_MCAST_IFN, "eth0").u16(FNAT_DAEMON_A_SENDER, 1);
              })),
              "FNAT_DAEMON_A_SENDER has a bad length (2 bytes)");
    EXPECT_EQ(decode_error(with([](test::MessageBuilder& m) {
                  m.strz(FNAT_DAEMON_A_MCAST_IFN, "eth0").u32(FNAT_DAEMON_A_UP_MS, 1);
              })),
              "FNAT_DAEMON_A_UP_MS has a bad length (4 bytes)");
    EXPECT_EQ(decode_error(with([](test::MessageBuilder& m) {
                  m.raw(FNAT_DAEMON_A_MCAST_IFN, "eth0", 4); // no NUL
              })),
              "FNAT_DAEMON_A_MCAST_IFN has a bad length (4 bytes)");
    EXPECT_EQ(decode_error(with([](test::MessageBuilder& m) {
                  m.strz(FNAT_DAEMON_A_MCAST_IFN, "eth0").u16(FNAT_DAEMON_A_MCAST_FAMILY, 99);
                  m.address(FNAT_DAEMON_A_MCAST_GROUP, Address::ipv4(224, 0, 0, 83));
              })),
              "unknown address family 99");
}

TEST(DecodeReply, DecodesTheDaemonEncodeRequestBuilt) {
    std::vector<std::uint8_t> bytes = encode_request(
        Request{FNAT_CMD_NEW_DAEMON,
                false,
                {},
                {},
                {},
                {},
                DaemonSpec{FNAT_SYNC_STATE_BACKUP, "eth1", 9, 1300, Address::ipv4(224, 0, 0, 83),
                           8849, 4, std::string(32, 'k')}},
        kFamily, kSeq);
    Reply reply = decode_bytes(bytes);
    ASSERT_TRUE(reply.daemon.has_value());
    // The key is never read back.
    EXPECT_EQ(*reply.daemon, (SyncDaemon{FNAT_SYNC_STATE_BACKUP, "eth1", 9, 1300,
                                         Address::ipv4(224, 0, 0, 83), 8849, 4}));
}

} // namespace
} // namespace fnat

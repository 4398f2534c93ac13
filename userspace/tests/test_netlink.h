// Test helpers: build netlink messages the way the kernel does (replies,
// ACKs, errors with extack, NLMSG_DONE), and read attribute trees back.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "lib/model.h"

namespace fnat::test {

// One netlink message under construction, on a 4 KiB buffer.
class MessageBuilder {
public:
    MessageBuilder(std::uint16_t type, std::uint16_t flags, std::uint32_t seq,
                   std::uint32_t portid);

    MessageBuilder& genl(std::uint8_t command, std::uint8_t version = 1);
    nlattr* begin_nest(std::uint16_t type);
    MessageBuilder& end_nest(nlattr* nest);
    MessageBuilder& u8(std::uint16_t type, std::uint8_t value);
    MessageBuilder& u16(std::uint16_t type, std::uint16_t value);
    MessageBuilder& be16(std::uint16_t type, std::uint16_t value);
    MessageBuilder& u32(std::uint16_t type, std::uint32_t value);
    // A u64 as the kernel's nla_put_u64_64bit() puts it: first an empty
    // pad_type attribute when the payload would not be 8-byte aligned.
    MessageBuilder& u64_64bit(std::uint16_t type, std::uint64_t value, std::uint16_t pad_type);
    // A u64 without padding.
    MessageBuilder& u64(std::uint16_t type, std::uint64_t value);
    // A FNAT_*_A_STATS nest with all ten counters, padded as the kernel does.
    MessageBuilder& stats(std::uint16_t type, const Stats& stats);
    MessageBuilder& strz(std::uint16_t type, const std::string& value);
    MessageBuilder& raw(std::uint16_t type, const void* data, std::size_t length);
    MessageBuilder& address(std::uint16_t type, const Address& value);

    nlmsghdr* header() { return header_; }
    std::vector<std::uint8_t> bytes() const;

private:
    std::vector<std::uint8_t> buffer_;
    nlmsghdr* header_;
};

// The reply the kernel sends for one service (all attributes set, STATS
// included).
std::vector<std::uint8_t> service_reply(std::uint16_t family_id, std::uint32_t seq,
                                        std::uint32_t portid, const Service& service,
                                        std::uint16_t flags = NLM_F_MULTI);
// The reply the kernel sends for one destination (all attributes set, STATS
// included).
std::vector<std::uint8_t> dest_reply(std::uint16_t family_id, std::uint32_t seq,
                                     std::uint32_t portid, const Dest& dest,
                                     std::uint16_t flags = NLM_F_MULTI);

// The reply the kernel sends for one sync daemon (GET_DAEMON): every
// attribute of the daemon it has (the optional ones when set), the u64s
// padded as nla_put_u64_64bit() pads them, one FNAT_DROPS_A_ENTRY per
// counter and one FNAT_DAEMON_A_PEER per peer.
std::vector<std::uint8_t> daemon_reply(std::uint16_t family_id, std::uint32_t seq,
                                       std::uint32_t portid, const SyncDaemon& daemon,
                                       std::uint16_t flags = NLM_F_MULTI);

// NLMSG_ERROR: error is a positive errno (0 for an ACK). With capped, the
// request header only is echoed (NETLINK_CAP_ACK); otherwise echoed_request
// is copied whole, as without NETLINK_CAP_ACK.
std::vector<std::uint8_t> error_message(int error, std::uint32_t seq, std::uint32_t portid,
                                        const std::string& extack = "", bool capped = true,
                                        const std::vector<std::uint8_t>& echoed_request = {});

// NLMSG_DONE carrying a dump's final error (positive errno or 0) and extack.
std::vector<std::uint8_t> done_message(int error, std::uint32_t seq, std::uint32_t portid,
                                       const std::string& extack = "");

// Several messages in one datagram.
std::vector<std::uint8_t> join(std::initializer_list<std::vector<std::uint8_t>> parts);

// Attributes by type: of a message after its genlmsghdr, or of a nest.
std::map<std::uint16_t, const nlattr*> genl_attributes(const nlmsghdr* message);
std::map<std::uint16_t, const nlattr*> nested_attributes(const nlattr* nest);

// Types in order of appearance, to check that nothing extra was sent.
std::vector<std::uint16_t> nested_types(const nlattr* nest);

} // namespace fnat::test

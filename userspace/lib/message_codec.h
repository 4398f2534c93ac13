// Pure functions between the FNAT attribute tree (include/uapi/fnat.h) and
// byte buffers holding netlink messages. No socket is involved, so everything
// here is testable without a kernel.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <linux/netlink.h>

#include "lib/model.h"

namespace fnat {

// One FNAT request: a command and the attributes it carries.
struct Request {
    std::uint8_t command = 0; // FNAT_CMD_*
    bool dump = false;        // NLM_F_DUMP instead of NLM_F_ACK
    std::optional<ServiceSpec> service;
    std::optional<DestSpec> dest;
    std::optional<TimeoutSpec> timeout = std::nullopt;
    std::optional<Address> laddr = std::nullopt;     // FNAT_A_LADDR{FAMILY, ADDR}
    std::optional<DaemonSpec> daemon = std::nullopt; // FNAT_A_DAEMON

    bool operator==(const Request&) const = default;
};

// Builds the netlink message for a request: nlmsghdr (type family_id,
// NLM_F_REQUEST plus NLM_F_DUMP or NLM_F_ACK, sequence seq), genlmsghdr
// (command, FNAT_GENL_VERSION), then FNAT_A_SERVICE, FNAT_A_DEST,
// FNAT_A_TIMEOUT, FNAT_A_LADDR and FNAT_A_DAEMON nests holding only the
// attributes present in the specs (a daemon's STATE always).
std::vector<std::uint8_t> encode_request(const Request& request, std::uint16_t family_id,
                                         std::uint32_t seq);

// Builds CTRL_CMD_GETFAMILY for a generic-netlink family name (with NLM_F_ACK).
std::vector<std::uint8_t> encode_get_family(std::string_view name, std::uint32_t seq);

// Reads CTRL_ATTR_FAMILY_ID from a CTRL_CMD_NEWFAMILY reply.
std::uint16_t decode_family_id(const nlmsghdr* message);

// The content of one FNAT reply message.
struct Reply {
    std::uint8_t command = 0;
    std::optional<Service> service;
    std::optional<Dest> dest;
    std::optional<Info> info;
    std::optional<Timeouts> timeouts;
    std::optional<Conn> conn;
    std::optional<LocalAddress> laddr;
    std::optional<SyncDaemon> daemon;
};

// Decodes an FNAT reply. Attributes this version does not know are skipped
// (a newer module may add some); missing keys, a timeout nest without all
// three timeouts, a stats nest without all ten counters, wrong lengths and
// malformed attributes throw DecodeError. A service or dest without a stats
// nest (a module before FNAT_*_A_STATS) has zero counters. A connection
// needs its addresses, ports, state and expiry; each drop entry its name and
// count; a local address its family and address (its counters are 0 when
// absent; PAD attributes are skipped); a sync daemon its STATE and MCAST_IFN
// (the rest reads 0 or empty when absent, MCAST_GROUP needs MCAST_FAMILY),
// each of its peers FAMILY and ADDR. Entries of other types in a DROPS,
// COUNTERS or PEERS nest are skipped.
Reply decode_reply(const nlmsghdr* message);

} // namespace fnat

// FNAT reply messages read back into the fuzzer's model records, strictly:
// every attribute the specification says a reply carries must be there with
// its size. Used to check the answers to GET requests against the oracle
// and to read the kernel's whole configuration (snapshot).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fuzz/netlink_model.h"
#include "fuzz/netlink_oracle.h"
#include "fuzz/netlink_transport.h"
#include "fuzz/netlink_wire.h"

namespace fnat::fuzz {

// Decoders of one data message; they throw std::runtime_error saying what
// is wrong. num_dests gets FNAT_SVC_A_NUM_DESTS.
ServiceRec decode_service_message(const Bytes& message, std::uint32_t* num_dests = nullptr);
DestRec decode_dest_message(const Bytes& message);
std::pair<SvcKey, LaddrRec> decode_laddr_message(const Bytes& message);
TimeoutsRec decode_timeouts_message(const Bytes& message);
DaemonRec decode_daemon_message(const Bytes& message);

// Whether the data messages of an accepted request are what the outcome
// says (its reply kind and filter, over config, the configuration after
// it): "" when they are, else what differs. family is the FNAT family id.
std::string check_reply(const Outcome& outcome, const Config& config, std::uint16_t family,
                        const std::vector<Bytes>& data);

// The kernel's configuration, read with dumps and GETs. Throws
// std::runtime_error when one is refused or malformed.
Config snapshot(Transport& transport, std::uint16_t family);

// A request without attributes, for snapshot() and the checks.
Bytes simple_request(std::uint8_t command, bool dump, std::uint16_t family);

} // namespace fnat::fuzz

// `fnat-traffic udp-garbage`: UDP datagrams that fnat's session sync
// receiver must drop and count (the wire format at the end of
// include/uapi/fnat.h), sent from an ordinary UDP socket to a group and
// port, e.g. 224.0.0.83:8849. Each kind is wrong in one way only (see
// UdpGarbageKind); the sync-* kinds that carry a header give it a sender id
// drawn from --seed and sequence numbers 1, 2, 3, ... so that no datagram
// is a replay of another of the same run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "tools/traffic/options.h"

namespace fnat::traffic {

inline constexpr std::size_t kSyncHeaderSize = 32; // struct fnat_sync_hdr
inline constexpr std::uint8_t kSyncVersion = 1;
inline constexpr std::uint8_t kSyncUnknownRecord = 200; // no FNAT_SYNC_REC_* has it
inline constexpr std::size_t kUdpGarbageMaxRandom = 1400;

// The fields of a sync header the generator fills in.
struct SyncHeaderFields {
    std::uint8_t syncid = 0;
    std::uint32_t sender = 0;
    std::uint64_t seq = 0;
    std::uint64_t time_ms = 0;
};

// One datagram of kind; draws random bytes and lengths from random.
std::vector<std::uint8_t> udp_garbage_datagram(UdpGarbageKind kind, const SyncHeaderFields& header,
                                               std::mt19937& random);

// Sends the datagrams (multicast: TTL 1, no loopback) and prints
// "udp-garbage: sent N KIND datagrams to ADDR:PORT". Returns 0; throws
// SystemError when the socket cannot be opened or a send fails.
int run_udp_garbage(const UdpGarbageOptions& options);

} // namespace fnat::traffic

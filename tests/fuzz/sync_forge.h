// The sync fuzzer's datagrams, by kind: random bytes, messages cut at every
// length or lengthened, headers with one field wrong (version, length,
// MAC length, reserved, own sender id, syncid), wrong or missing MACs,
// captured messages with bits flipped or sent again (from the fuzzer's
// address or the sender's), stale ones, and messages that pass the gate
// (with the backup's key, or to a keyless backup) whose records are all
// refused: malformed (bad_record), for a service or a real server the
// backup does not have (no_service, no_dest), or that fill the message
// wrongly (bad_length). Nothing it makes could change the backup's table:
// a datagram the model says would pass the gate with records that add up
// is never sent unless the forge made those records to be refused, and no
// datagram starts with a bulk request (a master taking one would send its
// table to the backup).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/rng.h"
#include "fuzz/sync_model.h"
#include "lib/address.h"

namespace fnat::fuzz::sync {

enum class SyncKind {
    Random,
    Short,
    Truncate,
    Extend,
    Version,
    LengthField,
    MacLen,
    Reserved,
    Own,
    Syncid,
    Auth,
    Flip,
    Stale,
    Replay,
    ReplaySpoofed,
    Forged,
    ForgedReplay,
    Walk,
    OldSeq,
};

struct SyncKindInfo {
    SyncKind kind;
    std::string_view name;
    unsigned weight;
};
std::span<const SyncKindInfo> sync_kinds();
std::string_view sync_kind_name(SyncKind kind);

// A service the backup has (for records about an unknown real server).
struct Service {
    std::uint8_t protocol = 6;
    Address address;
    std::uint16_t port = 0;
};

struct Datagram {
    Bytes data;
    // Each record's counter, should the message pass the gate.
    std::vector<std::string> record_counters;
    // Sent from the spoofed address (the captured sender's).
    bool spoof = false;
};

class Forge {
public:
    // captured: messages taken from the group before the fuzz (the
    // model has observed them). key: the backup's, when the fuzzer knows
    // it (forged messages then pass the MAC check).
    Forge(fuzz::Rng& rng, const BackupModel& model, std::vector<Bytes> captured,
          std::optional<Service> service);

    // A datagram of kind, or nullopt when the kind cannot be made (no
    // capture to replay, no key to forge with...) or came out as something
    // that would pass where it must not; the caller draws again.
    std::optional<Datagram> make(SyncKind kind, std::uint64_t now_ms);

    std::uint32_t sender() const { return sender_; }

private:
    Bytes source(std::uint64_t now_ms);
    Bytes template_message(std::uint64_t now_ms, std::uint32_t sender, std::uint64_t seq,
                           const std::optional<Bytes>& key);
    Datagram forged(std::uint64_t now_ms);
    // A record that decodes to something the backup refuses, and under
    // which counter.
    Bytes refused_record(std::string& counter);
    Bytes conn_record(std::uint8_t family, std::uint8_t protocol, const Bytes& vaddr,
                      std::uint16_t vport, const Bytes& daddr, std::vector<Bytes> extra);
    std::uint32_t random_sender();

    fuzz::Rng& rng_;
    const BackupModel& model_;
    std::vector<Bytes> captured_;
    std::optional<Service> service_;
    std::uint32_t sender_;
    std::uint64_t seq_ = 0;
    std::vector<Bytes> sent_forged_;
    // Truncate sweeps every length of one source message, then the next.
    Bytes sweep_;
    std::size_t sweep_at_ = 0;
};

} // namespace fnat::fuzz::sync

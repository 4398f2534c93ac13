// What a sync backup does with a datagram, modelled on kmod/fnat_sync*.c:
// the gate every message passes in order (lengths, version, own, syncid,
// MAC, time stamp, replay window per sender id), the walk that checks its
// records fill it, and the counters each step raises. The fuzzer predicts
// with it, datagram by datagram, how much each of the backup's counters
// must rise, and checks nothing it sends could change the backup's table.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/sync_wire.h"

namespace fnat::fuzz::sync {

enum class Outcome { Short, BadVersion, BadLength, Own, Syncid, Auth, Stale, Replay, Passed };

// The backup's counter for an outcome other than Passed ("short", ...).
std::string_view counter_name(Outcome outcome);

// Counter name -> how much it must rise.
using Counters = std::map<std::string, std::uint64_t>;

// fnat_sync_replay_check() / fnat_sync_replay_update().
struct Window {
    std::uint64_t top = 0;
    std::uint64_t bitmap = 0;
    bool check(std::uint64_t seq) const;
    void update(std::uint64_t seq);
};

struct BackupConfig {
    std::uint8_t syncid = 0;
    std::optional<Bytes> key;
    // The backup's own sender id, and its netns' master's.
    std::vector<std::uint32_t> own;
};

class BackupModel {
public:
    explicit BackupModel(BackupConfig config) : config_(std::move(config)) {}

    const BackupConfig& config() const { return config_; }

    // fnat_sync_gate() at the backup's clock now_ms.
    Outcome gate(std::span<const std::uint8_t> message, std::uint64_t now_ms) const;

    // The counters the backup raises for message (messages_received, the
    // gate's or walk's drop, records_received and each record's counter
    // from record_counters: the counter of each record, "" for none, for
    // a message that passes), and the windows it updates.
    void take(std::span<const std::uint8_t> message, std::uint64_t now_ms,
              const std::vector<std::string>& record_counters, Counters& expect);

    // Only the windows: a message the backup took before counting began.
    void observe(std::span<const std::uint8_t> message, std::uint64_t now_ms);

    bool knows(std::uint32_t sender) const { return windows_.count(sender) != 0; }
    std::size_t peers() const { return windows_.size(); }

private:
    BackupConfig config_;
    std::map<std::uint32_t, Window> windows_;
};

// How far from the time stamp limit (FNAT_SYNC_MAX_AGE_MS) a message's
// stamp must be, either way, for the fuzzer to send it with a keyed
// backup: the backup reads it a little later than the model decides.
inline constexpr std::uint64_t kStaleMarginMs = 5000;
bool near_stale_limit(std::uint64_t stamp_ms, std::uint64_t now_ms);

} // namespace fnat::fuzz::sync

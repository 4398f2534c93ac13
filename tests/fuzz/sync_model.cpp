#include "fuzz/sync_model.h"

#include <algorithm>
#include <stdexcept>

#include "fuzz/sync_sha256.h"

namespace fnat::fuzz::sync {

std::string_view counter_name(Outcome outcome) {
    switch (outcome) {
    case Outcome::Short:
        return "short";
    case Outcome::BadVersion:
        return "bad_version";
    case Outcome::BadLength:
        return "bad_length";
    case Outcome::Own:
        return "own";
    case Outcome::Syncid:
        return "syncid";
    case Outcome::Auth:
        return "auth";
    case Outcome::Stale:
        return "stale";
    case Outcome::Replay:
        return "replay";
    case Outcome::Passed:
        break;
    }
    return "";
}

bool Window::check(std::uint64_t seq) const {
    if (seq == 0)
        return false;
    if (seq > top)
        return true;
    std::uint64_t behind = top - seq;
    if (behind >= FNAT_SYNC_REPLAY_WINDOW)
        return false;
    return !(bitmap & (1ULL << behind));
}

void Window::update(std::uint64_t seq) {
    if (seq > top) {
        std::uint64_t ahead = seq - top;
        bitmap = ahead >= FNAT_SYNC_REPLAY_WINDOW ? 0 : bitmap << ahead;
        bitmap |= 1;
        top = seq;
        return;
    }
    bitmap |= 1ULL << (top - seq);
}

bool near_stale_limit(std::uint64_t stamp_ms, std::uint64_t now_ms) {
    std::uint64_t diff = stamp_ms > now_ms ? stamp_ms - now_ms : now_ms - stamp_ms;
    std::uint64_t limit = FNAT_SYNC_MAX_AGE_MS;
    return diff + kStaleMarginMs > limit && diff < limit + kStaleMarginMs;
}

Outcome BackupModel::gate(std::span<const std::uint8_t> m, std::uint64_t now_ms) const {
    // fnat_sync_msg_check()
    if (m.size() < kHeaderSize)
        return Outcome::Short;
    Header h = read_header(m);
    if (h.version != FNAT_SYNC_VERSION)
        return Outcome::BadVersion;
    if (m.size() < h.length)
        return Outcome::Short;
    if (m.size() > h.length || (h.mac_len && h.mac_len != kMacSize) ||
        h.length < kHeaderSize + h.mac_len || h.reserved)
        return Outcome::BadLength;
    // fnat_sync_gate()
    if (std::find(config_.own.begin(), config_.own.end(), h.sender) != config_.own.end())
        return Outcome::Own;
    if (config_.syncid && h.syncid != config_.syncid)
        return Outcome::Syncid;
    if (config_.key.has_value() != (h.mac_len != 0))
        return Outcome::Auth;
    if (config_.key) {
        std::size_t covered = m.size() - h.mac_len;
        Bytes want = mac_of(m.first(covered), *config_.key);
        if (!std::equal(want.begin(), want.end(), m.begin() + static_cast<std::ptrdiff_t>(covered)))
            return Outcome::Auth;
        std::uint64_t diff = h.time_ms > now_ms ? h.time_ms - now_ms : now_ms - h.time_ms;
        if (diff > FNAT_SYNC_MAX_AGE_MS)
            return Outcome::Stale;
    }
    auto window = windows_.find(h.sender);
    if (window != windows_.end() && !window->second.check(h.seq))
        return Outcome::Replay;
    return Outcome::Passed;
}

void BackupModel::take(std::span<const std::uint8_t> m, std::uint64_t now_ms,
                       const std::vector<std::string>& record_counters, Counters& expect) {
    ++expect["messages_received"];
    Outcome outcome = gate(m, now_ms);
    if (outcome != Outcome::Passed) {
        ++expect[std::string(counter_name(outcome))];
        return;
    }
    Header h = read_header(m);
    std::span<const std::uint8_t> body = m.subspan(kHeaderSize, h.length - kHeaderSize - h.mac_len);
    if (!records_add_up(body, h.count)) {
        ++expect["bad_length"];
        return;
    }
    if (record_counters.size() != h.count)
        throw std::logic_error("a message that passes needs a counter for each record");
    for (const std::string& counter : record_counters) {
        ++expect["records_received"];
        if (!counter.empty())
            ++expect[counter];
    }
    if (!knows(h.sender) && windows_.size() == FNAT_SYNC_PEERS_MAX)
        throw std::logic_error("more senders than a backup keeps windows for");
    windows_[h.sender].update(h.seq);
}

void BackupModel::observe(std::span<const std::uint8_t> m, std::uint64_t now_ms) {
    if (gate(m, now_ms) != Outcome::Passed)
        return;
    Header h = read_header(m);
    std::span<const std::uint8_t> body = m.subspan(kHeaderSize, h.length - kHeaderSize - h.mac_len);
    if (records_add_up(body, h.count))
        windows_[h.sender].update(h.seq);
}

} // namespace fnat::fuzz::sync

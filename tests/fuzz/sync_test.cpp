// The sync fuzzer: SHA-256 and HMAC against published vectors, the backup
// model's gate in the kernel's order, and the forge's kinds: each makes
// what it says, and nothing the forge makes could change a backup's table.
#include <map>
#include <netinet/in.h>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "fuzz/sync_forge.h"
#include "fuzz/sync_model.h"
#include "fuzz/sync_options.h"
#include "fuzz/sync_sha256.h"

namespace fnat::fuzz::sync {
namespace {

std::string hex(std::span<const std::uint8_t> bytes) {
    std::string out;
    char two[3];
    for (std::uint8_t b : bytes) {
        std::snprintf(two, sizeof(two), "%02x", b);
        out += two;
    }
    return out;
}

Bytes text(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

TEST(SyncSha256, FipsVectors) {
    EXPECT_EQ(hex(sha256(text(""))),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(hex(sha256(text("abc"))),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hex(sha256(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    Bytes million(1000000, 'a');
    EXPECT_EQ(hex(sha256(million)),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(SyncSha256, HmacRfc4231) {
    Bytes key1(20, 0x0b);
    EXPECT_EQ(hex(hmac_sha256(key1, text("Hi There"))),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    EXPECT_EQ(hex(hmac_sha256(text("Jefe"), text("what do ya want for nothing?"))),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    Bytes key6(131, 0xaa);
    EXPECT_EQ(
        hex(hmac_sha256(key6, text("Test Using Larger Than Block-Size Key - Hash Key First"))),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(SyncModel, WindowAsTheKernel) {
    Window w;
    EXPECT_FALSE(w.check(0));
    EXPECT_TRUE(w.check(5));
    w.update(5);
    EXPECT_FALSE(w.check(5));
    EXPECT_TRUE(w.check(4)); // late, not seen yet
    w.update(4);
    EXPECT_FALSE(w.check(4));
    w.update(100);
    EXPECT_FALSE(w.check(36)); // 64 behind: too old
    EXPECT_TRUE(w.check(37));
    EXPECT_FALSE(w.check(100));
}

constexpr std::uint64_t kNow = 1700000000000ULL;
constexpr std::uint32_t kMaster = 0x11223344;
constexpr std::uint32_t kBackup = 0x55667788;

Bytes key_a() {
    return text("fnat-sync-fuzz key A 0123456789");
}

// A master's message: one record, under key if any.
Bytes master_message(std::uint64_t seq, const std::optional<Bytes>& key, std::uint8_t syncid = 7) {
    Header h;
    h.syncid = syncid;
    h.sender = kMaster;
    h.seq = seq;
    h.time_ms = kNow;
    Bytes body = record(FNAT_SYNC_REC_BULK_END, attribute_be32(FNAT_SYNC_A_COUNT, 1));
    return seal(h, body, 1, key);
}

TEST(SyncModel, GateInTheKernelsOrder) {
    BackupModel keyed({7, key_a(), {kBackup}});
    Bytes good = master_message(1, key_a());
    EXPECT_EQ(keyed.gate(good, kNow), Outcome::Passed);
    EXPECT_EQ(keyed.gate(Bytes(good.begin(), good.begin() + 31), kNow), Outcome::Short);
    EXPECT_EQ(keyed.gate(Bytes(good.begin(), good.end() - 1), kNow), Outcome::Short);
    Bytes b = good;
    b.push_back(0);
    EXPECT_EQ(keyed.gate(b, kNow), Outcome::BadLength);
    b = good;
    b[0] = 2;
    EXPECT_EQ(keyed.gate(b, kNow), Outcome::BadVersion);
    b = good;
    b[13] = 1; // reserved
    EXPECT_EQ(keyed.gate(b, kNow), Outcome::BadLength);
    b = good;
    b[4] = 8; // syncid, before the MAC is looked at
    EXPECT_EQ(keyed.gate(b, kNow), Outcome::Syncid);
    b = good;
    b[20] ^= 1; // seq: the MAC no longer fits
    EXPECT_EQ(keyed.gate(b, kNow), Outcome::Auth);
    EXPECT_EQ(keyed.gate(master_message(1, std::nullopt), kNow), Outcome::Auth);
    EXPECT_EQ(keyed.gate(good, kNow + FNAT_SYNC_MAX_AGE_MS + 1), Outcome::Stale);
    EXPECT_EQ(keyed.gate(good, kNow - FNAT_SYNC_MAX_AGE_MS - 1), Outcome::Stale);
    Counters expect;
    keyed.take(good, kNow, {""}, expect);
    EXPECT_EQ(expect["messages_received"], 1U);
    EXPECT_EQ(expect["records_received"], 1U);
    EXPECT_EQ(keyed.gate(good, kNow), Outcome::Replay);
    keyed.take(good, kNow, {}, expect);
    EXPECT_EQ(expect["replay"], 1U);

    BackupModel keyless({0, std::nullopt, {kMaster}});
    EXPECT_EQ(keyless.gate(master_message(1, std::nullopt), kNow), Outcome::Own);
    BackupModel any({0, std::nullopt, {}});
    EXPECT_EQ(any.gate(master_message(1, std::nullopt, 200), kNow), Outcome::Passed);
    EXPECT_EQ(any.gate(master_message(1, key_a()), kNow), Outcome::Auth);
}

std::vector<Bytes> captured(const std::optional<Bytes>& key) {
    std::vector<Bytes> out;
    for (std::uint64_t seq = 1; seq <= 20; ++seq)
        out.push_back(master_message(seq, key));
    return out;
}

class ForgeKinds : public ::testing::TestWithParam<bool> {};

// Each kind makes what its name says, by the model; nothing applies.
TEST_P(ForgeKinds, MakeWhatTheySay) {
    bool keyed = GetParam();
    std::optional<Bytes> key;
    if (keyed)
        key = key_a();
    BackupModel model({7, key, {kBackup}});
    std::vector<Bytes> caught = captured(key);
    for (const Bytes& m : caught)
        model.observe(m, kNow);
    fuzz::Rng rng(9);
    Service svc{6, parse_address("10.0.1.100"), 80};
    Forge forge(rng, model, caught, svc);
    Counters expect;
    std::map<SyncKind, std::map<Outcome, int>> seen;
    for (int i = 0; i < 20000; ++i) {
        const SyncKindInfo& info = sync_kinds()[static_cast<std::size_t>(i) % sync_kinds().size()];
        std::uint64_t now = kNow + static_cast<std::uint64_t>(i);
        auto d = forge.make(info.kind, now);
        if (!d)
            continue;
        ASSERT_LE(d->data.size(), 1400U);
        Outcome o = model.gate(d->data, now);
        ++seen[info.kind][o];
        model.take(d->data, now, d->record_counters, expect);
    }
    EXPECT_EQ(expect["records_applied"], 0U);
    auto only = [&](SyncKind kind, Outcome outcome) {
        ASSERT_FALSE(seen[kind].empty()) << sync_kind_name(kind);
        for (const auto& [o, n] : seen[kind])
            EXPECT_EQ(o, outcome) << sync_kind_name(kind) << " made " << counter_name(o);
    };
    only(SyncKind::Short, Outcome::Short);
    only(SyncKind::Truncate, Outcome::Short);
    only(SyncKind::Extend, Outcome::BadLength);
    only(SyncKind::Version, Outcome::BadVersion);
    only(SyncKind::Reserved, Outcome::BadLength);
    only(SyncKind::Own, Outcome::Own);
    only(SyncKind::Syncid, Outcome::Syncid);
    only(SyncKind::Auth, Outcome::Auth);
    only(SyncKind::Replay, Outcome::Replay);
    only(SyncKind::ReplaySpoofed, Outcome::Replay);
    only(SyncKind::ForgedReplay, Outcome::Replay);
    only(SyncKind::OldSeq, Outcome::Replay);
    only(SyncKind::Forged, Outcome::Passed);
    only(SyncKind::Walk, Outcome::Passed); // and refused by the walk:
    EXPECT_GE(expect["bad_length"],
              static_cast<std::uint64_t>(seen[SyncKind::Walk][Outcome::Passed]));
    if (keyed) {
        only(SyncKind::Stale, Outcome::Stale);
        EXPECT_GT(seen[SyncKind::Flip][Outcome::Auth], 0);
    } else {
        EXPECT_TRUE(seen[SyncKind::Stale].empty());
    }
    for (const char* counter : {"no_service", "no_dest", "bad_record", "records_received"})
        EXPECT_GT(expect[counter], 0U) << counter;
    EXPECT_EQ(model.peers(), 2U) << "the master and the fuzzer's one sender";
}

INSTANTIATE_TEST_SUITE_P(Keys, ForgeKinds, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                             return std::string(p.param ? "keyed" : "keyless");
                         });

TEST(SyncForge, TruncateSweepsEveryLength) {
    BackupModel model({7, std::nullopt, {}});
    std::vector<Bytes> one = {master_message(1, std::nullopt)};
    model.observe(one[0], kNow);
    fuzz::Rng rng(1);
    Forge forge(rng, model, one, std::nullopt);
    std::set<std::size_t> lengths;
    for (int i = 0; i < 4000; ++i) {
        auto d = forge.make(SyncKind::Truncate, kNow);
        ASSERT_TRUE(d);
        if (d->data.size() <= one[0].size() &&
            std::equal(d->data.begin(), d->data.end(), one[0].begin()))
            lengths.insert(d->data.size());
    }
    for (std::size_t n = 0; n < one[0].size(); ++n)
        EXPECT_EQ(lengths.count(n), 1U) << "length " << n;
}

TEST(SyncOptions, ParsesAndRefuses) {
    auto o = std::get<SyncOptions>(parse_sync_arguments(
        {"--iface", "eth0", "--syncid", "7", "--own-sender", "a1b2c3d4", "--service",
         "tcp:10.0.1.100:80", "--kinds", "replay,forged", "--count", "10"}));
    EXPECT_EQ(o.backup.syncid, 7);
    ASSERT_EQ(o.backup.own.size(), 1U);
    EXPECT_EQ(o.backup.own[0], 0xa1b2c3d4U);
    EXPECT_EQ(o.kinds.size(), 2U);
    EXPECT_EQ(o.service->port, 80);
    EXPECT_THROW(parse_sync_arguments({"--iface", "eth0", "--own-sender", "xyz"}),
                 bench::UsageError);
    EXPECT_THROW(parse_sync_arguments({"--iface", "eth0", "--to", "10.0.0.1:8849"}),
                 bench::UsageError);
    EXPECT_THROW(parse_sync_arguments({"--iface", "eth0", "--kinds", "nonsense"}),
                 bench::UsageError);
}

} // namespace
} // namespace fnat::fuzz::sync

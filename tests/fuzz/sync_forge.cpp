#include "fuzz/sync_forge.h"

#include <algorithm>
#include <array>
#include <netinet/in.h>

namespace fnat::fuzz::sync {
namespace {

// IPPROTO_* and the TCP states of kmod/fnat_proto_tcp.h the records use.
constexpr std::uint8_t kTcp = 6;
constexpr std::uint8_t kUdp = 17;
constexpr std::uint8_t kStateNone = 0;
constexpr std::uint8_t kStateEstablished = 1;
constexpr std::uint8_t kStateMax = 11;
// The largest datagram the fuzzer makes: well inside a 1500-byte MTU.
constexpr std::size_t kMaxDatagram = 1400;

constexpr std::array<SyncKindInfo, 19> kKinds = {{
    {SyncKind::Random, "random", 4},
    {SyncKind::Short, "short", 3},
    {SyncKind::Truncate, "truncate", 10},
    {SyncKind::Extend, "extend", 4},
    {SyncKind::Version, "version", 4},
    {SyncKind::LengthField, "length-field", 4},
    {SyncKind::MacLen, "mac-len", 4},
    {SyncKind::Reserved, "reserved", 3},
    {SyncKind::Own, "own", 3},
    {SyncKind::Syncid, "syncid", 4},
    {SyncKind::Auth, "auth", 8},
    {SyncKind::Flip, "flip", 10},
    {SyncKind::Stale, "stale", 4},
    {SyncKind::Replay, "replay", 8},
    {SyncKind::ReplaySpoofed, "replay-spoofed", 6},
    {SyncKind::Forged, "forged", 10},
    {SyncKind::ForgedReplay, "forged-replay", 4},
    {SyncKind::Walk, "walk", 4},
    {SyncKind::OldSeq, "old-seq", 3},
}};

Bytes address_bytes(std::uint8_t family, std::uint8_t last) {
    if (family == AF_INET6)
        return {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, last};
    return {198, 51, 100, last}; // TEST-NET-2: no director has it
}

Bytes service_bytes(const Address& a) {
    return Bytes(a.bytes.begin(), a.bytes.begin() + (a.is_ipv6() ? 16 : 4));
}

} // namespace

std::span<const SyncKindInfo> sync_kinds() {
    return kKinds;
}

std::string_view sync_kind_name(SyncKind kind) {
    for (const SyncKindInfo& info : kKinds)
        if (info.kind == kind)
            return info.name;
    return "?";
}

Forge::Forge(fuzz::Rng& rng, const BackupModel& model, std::vector<Bytes> captured,
             std::optional<Service> service)
    : rng_(rng), model_(model), captured_(std::move(captured)), service_(std::move(service)),
      sender_(0) {
    sender_ = random_sender();
}

std::uint32_t Forge::random_sender() {
    for (;;) {
        std::uint32_t s = rng_.u32();
        const auto& own = model_.config().own;
        bool taken = s == 0 || s == sender_ || model_.knows(s) ||
                     std::find(own.begin(), own.end(), s) != own.end() ||
                     std::any_of(captured_.begin(), captured_.end(), [s](const Bytes& m) {
                         return m.size() >= kHeaderSize && read_header(m).sender == s;
                     });
        if (!taken)
            return s;
    }
}

Bytes Forge::conn_record(std::uint8_t family, std::uint8_t protocol, const Bytes& vaddr,
                         std::uint16_t vport, const Bytes& daddr, std::vector<Bytes> extra) {
    std::size_t alen = family == AF_INET6 ? 16 : 4;
    Bytes caddr = rng_.bytes(alen);
    std::vector<Bytes> attrs = {
        attribute_u8(FNAT_SYNC_A_FAMILY, family),
        attribute_u8(FNAT_SYNC_A_PROTOCOL, protocol),
        attribute(FNAT_SYNC_A_CADDR, caddr),
        attribute_be16(FNAT_SYNC_A_CPORT, rng_.u16()),
        attribute(FNAT_SYNC_A_VADDR, vaddr),
        attribute_be16(FNAT_SYNC_A_VPORT, vport),
        attribute(FNAT_SYNC_A_DADDR, daddr),
        attribute_be16(FNAT_SYNC_A_DPORT, rng_.u16()),
        attribute_u8(FNAT_SYNC_A_FWD_METHOD,
                     static_cast<std::uint8_t>(rng_.range(FNAT_FWD_DR, FNAT_FWD_NAT))),
        attribute_u8(FNAT_SYNC_A_STATE, protocol == kTcp ? kStateEstablished : kStateNone),
        attribute_be32(FNAT_SYNC_A_TIMEOUT, rng_.range(1, 7440000)),
    };
    for (Bytes& a : extra)
        attrs.push_back(std::move(a));
    // In any order: the decoder must not care.
    for (std::size_t i = attrs.size(); i > 1; --i)
        std::swap(attrs[i - 1], attrs[rng_.index(i)]);
    Bytes all;
    for (const Bytes& a : attrs)
        all.insert(all.end(), a.begin(), a.end());
    return record(FNAT_SYNC_REC_CONN, all);
}

Bytes Forge::refused_record(std::string& counter) {
    std::uint8_t family = rng_.percent(70) ? AF_INET : AF_INET6;
    std::uint8_t protocol = rng_.percent(70) ? kTcp : kUdp;
    Bytes vaddr = address_bytes(family, rng_.byte());
    Bytes daddr = address_bytes(family, rng_.byte());
    auto vport = static_cast<std::uint16_t>(rng_.range(1, 65535));
    counter = "bad_record";
    switch (rng_.below(20)) {
    case 0:
    case 1: { // a sound record of a service the backup does not have
        counter = "no_service";
        std::vector<Bytes> extra;
        if (rng_.percent(30)) // an attribute of a later version: skipped
            extra.push_back(
                attribute(static_cast<std::uint16_t>(rng_.range(FNAT_SYNC_A_MAX + 1, 0xffff)),
                          rng_.bytes(rng_.range(0, 12))));
        return conn_record(family, protocol, vaddr, vport, daddr, std::move(extra));
    }
    case 2: // the backup's service, a real server it does not have
        if (service_) {
            counter = "no_dest";
            std::uint8_t f = service_->address.is_ipv6() ? AF_INET6 : AF_INET;
            return conn_record(f, service_->protocol, service_bytes(service_->address),
                               service_->port, address_bytes(f, 250), {});
        }
        return record(FNAT_SYNC_REC_BULK_END, rng_.bytes(0)); // no COUNT
    case 3: {                                                 // a record type no version defines
        std::uint8_t type = rng_.percent(20) ? 0 : static_cast<std::uint8_t>(rng_.range(5, 255));
        return record(type, rng_.bytes(4 * rng_.range(0, 8)));
    }
    case 4: { // record flags
        Bytes r = conn_record(family, protocol, vaddr, vport, daddr, {});
        r[1] = static_cast<std::uint8_t>(rng_.range(1, 255));
        return r;
    }
    case 5: { // a required attribute missing
        Bytes r = conn_record(family, protocol, vaddr, vport, daddr, {});
        // Remove one attribute: walk to the n-th and cut it out.
        std::size_t n = rng_.index(11);
        std::size_t off = kRecordHeader;
        for (std::size_t i = 0; i < n; ++i)
            off += (static_cast<std::size_t>(r[off + 2] << 8 | r[off + 3]) + 3) / 4 * 4;
        std::size_t len = (static_cast<std::size_t>(r[off + 2] << 8 | r[off + 3]) + 3) / 4 * 4;
        r.erase(r.begin() + static_cast<std::ptrdiff_t>(off),
                r.begin() + static_cast<std::ptrdiff_t>(off + len));
        r[2] = static_cast<std::uint8_t>(r.size() >> 8);
        r[3] = static_cast<std::uint8_t>(r.size());
        return r;
    }
    case 6: { // an attribute of the wrong length
        static constexpr std::uint16_t kFixed[] = {FNAT_SYNC_A_FAMILY,  FNAT_SYNC_A_PROTOCOL,
                                                   FNAT_SYNC_A_CPORT,   FNAT_SYNC_A_STATE,
                                                   FNAT_SYNC_A_TIMEOUT, FNAT_SYNC_A_FLAGS};
        std::uint16_t type = rng_.pick(kFixed);
        std::size_t want = type == FNAT_SYNC_A_TIMEOUT || type == FNAT_SYNC_A_FLAGS ? 4
                           : type == FNAT_SYNC_A_CPORT                              ? 2
                                                                                    : 1;
        std::size_t size = want;
        while (size == want)
            size = rng_.range(0, 8);
        return conn_record(family, protocol, vaddr, vport, daddr,
                           {attribute(static_cast<std::uint16_t>(type + 0), rng_.bytes(size))});
    }
    case 7: // the same attribute twice
        return conn_record(family, protocol, vaddr, vport, daddr,
                           {attribute_u8(FNAT_SYNC_A_FAMILY, family)});
    case 8: { // an attribute length below its header, or past the record
        Bytes a = attribute(FNAT_SYNC_A_TIMEOUT, rng_.bytes(4));
        std::uint16_t length = rng_.percent(50) ? static_cast<std::uint16_t>(rng_.below(4))
                                                : static_cast<std::uint16_t>(rng_.range(9, 0xffff));
        a[2] = static_cast<std::uint8_t>(length >> 8);
        a[3] = static_cast<std::uint8_t>(length);
        Bytes attrs = attribute_u8(FNAT_SYNC_A_FAMILY, family);
        attrs.insert(attrs.end(), a.begin(), a.end());
        return record(FNAT_SYNC_REC_CONN, attrs);
    }
    case 9: { // no such family
        std::uint8_t bad = rng_.pick({std::uint8_t{0}, std::uint8_t{3}, std::uint8_t{255}});
        return conn_record(bad, protocol, vaddr, vport, daddr, {});
    }
    case 10: // a protocol fnat does not sync
        return conn_record(family, rng_.pick({std::uint8_t{1}, std::uint8_t{132}, std::uint8_t{0}}),
                           vaddr, vport, daddr, {});
    case 11: // an address of the other family's length
        return conn_record(family, protocol,
                           address_bytes(family == AF_INET ? AF_INET6 : AF_INET, 1), vport, daddr,
                           {});
    case 12: // a forwarding method out of range
        return conn_record(family, protocol, vaddr, vport, daddr,
                           {attribute_u8(FNAT_SYNC_A_FWD_METHOD,
                                         rng_.percent(30) ? 0
                                                          : static_cast<std::uint8_t>(rng_.range(
                                                                FNAT_FWD_MAX + 1, 255)))});
    case 13: // a TCP state beyond the last, or UDP with a TCP state
        if (protocol == kUdp)
            return conn_record(family, kUdp, vaddr, vport, daddr,
                               {attribute_u8(FNAT_SYNC_A_STATE, kStateEstablished)});
        return conn_record(family, kTcp, vaddr, vport, daddr,
                           {attribute_u8(FNAT_SYNC_A_STATE,
                                         static_cast<std::uint8_t>(rng_.range(kStateMax, 255)))});
    case 14: // flags no version defines
        return conn_record(
            family, protocol, vaddr, vport, daddr,
            {attribute_be32(FNAT_SYNC_A_FLAGS,
                            (rng_.u32() | 0x10U) & ~std::uint32_t{FNAT_SYNC_CONN_F_ALL})});
    case 15: // FULLNAT without its local address
        return conn_record(family, protocol, vaddr, vport, daddr,
                           {attribute_u8(FNAT_SYNC_A_FWD_METHOD, FNAT_FWD_FULLNAT)});
    case 16: // the end of a bulk transfer without its count
        return record(FNAT_SYNC_REC_BULK_END, attribute_u8(FNAT_SYNC_A_FAMILY, family));
    case 17: { // a deletion of no family
        Bytes attrs = attribute_u8(FNAT_SYNC_A_FAMILY, 7);
        for (const Bytes& a :
             {attribute_u8(FNAT_SYNC_A_PROTOCOL, protocol), attribute(FNAT_SYNC_A_CADDR, vaddr),
              attribute_be16(FNAT_SYNC_A_CPORT, 1), attribute(FNAT_SYNC_A_VADDR, vaddr),
              attribute_be16(FNAT_SYNC_A_VPORT, vport)})
            attrs.insert(attrs.end(), a.begin(), a.end());
        return record(FNAT_SYNC_REC_DEL, attrs);
    }
    case 18: // a template without a usable timeout
        return conn_record(
            family, protocol, vaddr, vport, daddr,
            {attribute_be32(FNAT_SYNC_A_FLAGS, FNAT_SYNC_CONN_F_TEMPLATE),
             attribute_be32(FNAT_SYNC_A_TMPL_TIMEOUT,
                            rng_.percent(50) ? 0 : FNAT_PERSIST_MAX + rng_.range(1, 1000))});
    default: // the end of a bulk transfer, as a master sends it: no counter
        counter = "";
        return record(FNAT_SYNC_REC_BULK_END, attribute_be32(FNAT_SYNC_A_COUNT, rng_.u32()));
    }
}

Bytes Forge::template_message(std::uint64_t now_ms, std::uint32_t sender, std::uint64_t seq,
                              const std::optional<Bytes>& key) {
    Header h;
    h.syncid = model_.config().syncid;
    h.sender = sender;
    h.seq = seq;
    h.time_ms = now_ms;
    Bytes body;
    std::uint16_t n = static_cast<std::uint16_t>(rng_.range(1, 3));
    for (std::uint16_t i = 0; i < n; ++i) {
        Bytes r = conn_record(AF_INET, kTcp, address_bytes(AF_INET, rng_.byte()), rng_.u16(),
                              address_bytes(AF_INET, rng_.byte()), {});
        body.insert(body.end(), r.begin(), r.end());
    }
    return seal(h, body, n, key);
}

Bytes Forge::source(std::uint64_t now_ms) {
    if (!captured_.empty() && rng_.percent(60))
        return captured_[rng_.index(captured_.size())];
    return template_message(now_ms, random_sender(), rng_.range(1, 1000000), model_.config().key);
}

Datagram Forge::forged(std::uint64_t now_ms) {
    Datagram d;
    Header h;
    h.syncid = model_.config().syncid;
    h.flags = rng_.percent(20) ? FNAT_SYNC_HDR_F_BULK : 0;
    h.sender = sender_;
    h.seq = ++seq_;
    h.time_ms = now_ms - rng_.below(2000);
    Bytes body;
    std::uint16_t n = 0;
    std::size_t want = rng_.range(1, 8);
    while (n < want) {
        std::string counter;
        Bytes r = refused_record(counter);
        if (kHeaderSize + body.size() + r.size() + kMacSize > kMaxDatagram)
            break;
        body.insert(body.end(), r.begin(), r.end());
        d.record_counters.push_back(counter);
        ++n;
    }
    d.data = seal(h, body, n, model_.config().key);
    return d;
}

std::optional<Datagram> Forge::make(SyncKind kind, std::uint64_t now_ms) {
    const std::optional<Bytes>& key = model_.config().key;
    Datagram d;
    switch (kind) {
    case SyncKind::Random:
        d.data = rng_.bytes(rng_.range(0, kMaxDatagram));
        break;
    case SyncKind::Short:
        d.data = rng_.bytes(rng_.range(1, kHeaderSize - 1));
        d.data[0] = FNAT_SYNC_VERSION;
        break;
    case SyncKind::Truncate:
        if (sweep_at_ >= sweep_.size()) {
            sweep_ = source(now_ms);
            sweep_at_ = 0;
        }
        d.data.assign(sweep_.begin(), sweep_.begin() + static_cast<std::ptrdiff_t>(sweep_at_++));
        break;
    case SyncKind::Extend: {
        d.data = source(now_ms);
        Bytes more = rng_.bytes(rng_.range(1, 64));
        d.data.insert(d.data.end(), more.begin(), more.end());
        break;
    }
    case SyncKind::Version:
        d.data = source(now_ms);
        d.data[0] = static_cast<std::uint8_t>(rng_.range(0, 254));
        if (d.data[0] == FNAT_SYNC_VERSION)
            d.data[0] = 255;
        break;
    case SyncKind::LengthField: {
        d.data = source(now_ms);
        auto length = static_cast<std::uint16_t>(
            rng_.percent(50) ? rng_.u16() : d.data.size() - rng_.range(1, 40));
        if (length == d.data.size())
            ++length;
        d.data[2] = static_cast<std::uint8_t>(length >> 8);
        d.data[3] = static_cast<std::uint8_t>(length);
        break;
    }
    case SyncKind::MacLen:
        d.data = source(now_ms);
        if (rng_.percent(50)) {
            std::uint8_t m = rng_.byte();
            d.data[5] = m == 0 || m == kMacSize ? 1 : m;
        } else if (d.data[5]) {
            d.data[5] = 0; // the MAC's bytes now pretend to be records
        } else {
            Bytes mac = rng_.bytes(kMacSize);
            d.data.insert(d.data.end(), mac.begin(), mac.end());
            d.data[5] = static_cast<std::uint8_t>(kMacSize);
            d.data[2] = static_cast<std::uint8_t>(d.data.size() >> 8);
            d.data[3] = static_cast<std::uint8_t>(d.data.size());
        }
        break;
    case SyncKind::Reserved:
        d.data = source(now_ms);
        d.data[12 + rng_.index(4)] = static_cast<std::uint8_t>(rng_.range(1, 255));
        break;
    case SyncKind::Own: {
        const auto& own = model_.config().own;
        if (own.empty())
            return std::nullopt;
        d.data = template_message(now_ms, own[rng_.index(own.size())], rng_.range(1, 1000000), key);
        break;
    }
    case SyncKind::Syncid: {
        std::uint8_t mine = model_.config().syncid;
        if (mine == 0)
            return std::nullopt; // a backup of syncid 0 takes every syncid
        d.data = template_message(now_ms, random_sender(), rng_.range(1, 1000000), key);
        std::uint8_t other = static_cast<std::uint8_t>(rng_.range(0, 254));
        d.data[4] = other == mine ? 255 : other;
        if (key) // the MAC covers the syncid: make it right again
            d.data =
                seal(read_header(d.data),
                     std::span(d.data).subspan(kHeaderSize, d.data.size() - kHeaderSize - kMacSize),
                     read_header(d.data).count, key);
        break;
    }
    case SyncKind::Auth: {
        std::uint32_t sender = random_sender();
        std::uint64_t seq = rng_.range(1, 1000000);
        if (!key) {
            Bytes other = rng_.bytes(FNAT_SYNC_KEY_MIN);
            d.data = template_message(now_ms, sender, seq, other);
        } else if (rng_.percent(30)) {
            d.data = template_message(now_ms, sender, seq, std::nullopt);
        } else if (rng_.percent(50)) {
            Bytes wrong = *key;
            wrong[rng_.index(wrong.size())] ^= static_cast<std::uint8_t>(1U << rng_.below(8));
            d.data = template_message(now_ms, sender, seq, wrong);
        } else {
            d.data = template_message(now_ms, sender, seq, key);
            Bytes mac = rng_.bytes(kMacSize);
            std::copy(mac.begin(), mac.end(), d.data.end() - kMacSize);
        }
        break;
    }
    case SyncKind::Flip: {
        d.data = source(now_ms);
        unsigned n = rng_.range(1, 4);
        for (unsigned i = 0; i < n; ++i)
            d.data[rng_.index(d.data.size())] ^= static_cast<std::uint8_t>(1U << rng_.below(8));
        break;
    }
    case SyncKind::Stale: {
        if (!key)
            return std::nullopt; // without a key, time stamps are not looked at
        std::uint64_t off = FNAT_SYNC_MAX_AGE_MS + kStaleMarginMs + rng_.below(86400000);
        std::uint64_t stamp = rng_.percent(70) ? now_ms - off : now_ms + off;
        d.data = template_message(stamp, random_sender(), rng_.range(1, 1000000), key);
        break;
    }
    case SyncKind::Replay:
    case SyncKind::ReplaySpoofed: {
        if (captured_.empty())
            return std::nullopt;
        d.data = captured_[rng_.index(captured_.size())];
        d.spoof = kind == SyncKind::ReplaySpoofed;
        break;
    }
    case SyncKind::Forged:
        d = forged(now_ms);
        sent_forged_.push_back(d.data);
        if (sent_forged_.size() > 256)
            sent_forged_.erase(sent_forged_.begin());
        return d;
    case SyncKind::ForgedReplay:
        if (sent_forged_.empty())
            return std::nullopt;
        d.data = sent_forged_[rng_.index(sent_forged_.size())];
        break;
    case SyncKind::Walk: {
        // Passes the gate, but its records do not fill it as they say.
        Datagram f = forged(now_ms);
        Header h = read_header(f.data);
        std::size_t body_len = h.length - kHeaderSize - h.mac_len;
        Bytes body(f.data.begin() + static_cast<std::ptrdiff_t>(kHeaderSize),
                   f.data.begin() + static_cast<std::ptrdiff_t>(kHeaderSize + body_len));
        std::uint16_t count = h.count;
        switch (rng_.below(4)) {
        case 0:
            count = static_cast<std::uint16_t>(count + rng_.range(1, 3));
            break;
        case 1:
            count = static_cast<std::uint16_t>(count - 1);
            break;
        case 2: { // the first record's length not a multiple of 4, or too long
            std::uint16_t length = static_cast<std::uint16_t>(body[2] << 8 | body[3]);
            length = static_cast<std::uint16_t>(rng_.percent(50) ? length + rng_.range(1, 3)
                                                                 : body.size() + 4);
            body[2] = static_cast<std::uint8_t>(length >> 8);
            body[3] = static_cast<std::uint8_t>(length);
            break;
        }
        default: { // bytes after the last record
            Bytes more = rng_.bytes(rng_.range(1, 3));
            body.insert(body.end(), more.begin(), more.end());
            break;
        }
        }
        d.data = seal(h, body, count, key);
        break;
    }
    case SyncKind::OldSeq: {
        if (!model_.knows(sender_) || seq_ <= FNAT_SYNC_REPLAY_WINDOW)
            return std::nullopt;
        Datagram f = forged(now_ms);
        --seq_; // forged() took a new number; this one is old
        Header h = read_header(f.data);
        h.seq = rng_.percent(20) ? 0 : 1 + rng_.next() % (seq_ - FNAT_SYNC_REPLAY_WINDOW);
        std::size_t body_len = h.length - kHeaderSize - h.mac_len;
        d.data = seal(h, std::span(f.data).subspan(kHeaderSize, body_len), h.count, key);
        d.record_counters = f.record_counters;
        break;
    }
    }
    if (d.data.size() > kMaxDatagram)
        d.data.resize(kMaxDatagram);
    // A bulk request, should a master take it, makes it send its table.
    if (first_record_type(d.data) == FNAT_SYNC_REC_BULK_REQ)
        return std::nullopt;
    // Nothing but forged messages may pass with records that add up: what
    // those would do to the table is nothing the fuzzer can know.
    if (model_.gate(d.data, now_ms) == Outcome::Passed) {
        Header h = read_header(d.data);
        std::span<const std::uint8_t> body =
            std::span(d.data).subspan(kHeaderSize, h.length - kHeaderSize - h.mac_len);
        if (records_add_up(body, h.count))
            return std::nullopt;
    }
    if (key && d.data.size() >= kHeaderSize && kind != SyncKind::Stale &&
        near_stale_limit(read_header(d.data).time_ms, now_ms))
        return std::nullopt;
    return d;
}

} // namespace fnat::fuzz::sync

// The packet fuzzer's generators: the same seed makes the same packets,
// sound packets are sound (checksums), and each exact kind makes packets
// that a model of what stands between the wire and fnat (ip_rcv()'s header
// checks, reassembly) lets through and that a model of fnat's parser
// (kmod/fnat_pkt.c) refuses with the kind's reason.
#include <map>
#include <netinet/in.h>
#include <set>

#include <gtest/gtest.h>

#include "fuzz/packet_gen.h"
#include "fuzz/packet_options.h"
#include "fuzz/packet_sender.h"
#include "fuzz/packet_sniffer.h"

namespace fnat::fuzz::packet {
namespace {

Targets client_targets() {
    Targets t;
    t.side = Side::Client;
    t.dsts = {parse_address("10.0.1.100"), parse_address("2001:db8:1::100")};
    t.src4 = parse_address("10.0.1.2");
    t.src6 = parse_address("2001:db8:1::2");
    t.tcp_ports = {80};
    t.udp_ports = {53};
    t.avoid_udp_ports = {80};
    return t;
}

bool sums_to_zero(std::span<const std::uint8_t> bytes, std::uint32_t partial = 0) {
    return checksum(bytes, partial) == 0;
}

// --- a model of the kernel in front of fnat, and of fnat's parser ----------

// Reassembles fragments of one datagram (IPv4 or IPv6 without headers
// before the fragment header) given in order; returns the whole packet.
Bytes reassemble(const std::vector<Bytes>& fragments) {
    Bytes first = fragments.at(0);
    bool v6 = first[0] >> 4 == 6;
    std::size_t header = v6 ? kIpv6Header : std::size_t{first[0] & 0x0fU} * 4;
    Bytes data;
    std::uint8_t proto = 0;
    for (const Bytes& f : fragments) {
        std::size_t offset = 0;
        std::size_t start = header;
        if (v6) {
            EXPECT_EQ(f[6], kProtoFragment);
            proto = f[header];
            offset = get16(f, header + 2) & 0xfff8U;
            start = header + 8;
        } else {
            proto = f[9];
            offset = (get16(f, 6) & 0x1fffU) * 8U;
        }
        if (data.size() < offset + f.size() - start)
            data.resize(offset + f.size() - start);
        std::copy(f.begin() + static_cast<std::ptrdiff_t>(start), f.end(),
                  data.begin() + static_cast<std::ptrdiff_t>(offset));
    }
    Bytes out(first.begin(), first.begin() + static_cast<std::ptrdiff_t>(header));
    append(out, data);
    if (v6) {
        out[6] = proto;
        put16(out, 4, static_cast<std::uint16_t>(data.size()));
    } else {
        put16(out, 2, static_cast<std::uint16_t>(out.size()));
        put16(out, 6, 0);
    }
    return out;
}

// What ip_rcv()/ipv6_rcv() would make of it: "" when it goes on to
// PRE_ROUTING.
std::string stack_verdict(const Bytes& p) {
    if (p.empty())
        return "empty";
    if (p[0] >> 4 == 4) {
        std::size_t ihl = std::size_t{p[0] & 0x0fU} * 4;
        if (p.size() < kIpv4Header || ihl < kIpv4Header || ihl > p.size())
            return "ip header";
        if (!sums_to_zero(std::span(p.data(), ihl)))
            return "ip checksum";
        std::size_t total = get16(p, 2);
        if (total > p.size() || total < ihl)
            return "ip length";
        return "";
    }
    if (p[0] >> 4 == 6) {
        if (p.size() < kIpv6Header)
            return "ipv6 header";
        if (get16(p, 4) + kIpv6Header > p.size())
            return "ipv6 length";
        if (p[6] == kProtoHop)
            return "hop-by-hop (the stack reads it)";
        return "";
    }
    return "version";
}

// fnat_pkt_parse()'s reason for a packet to a VIP, "" for none (the model
// covers what the exact kinds exercise).
std::string parse_l4(std::span<const std::uint8_t> l4, std::uint8_t proto, bool v6);

std::string parse_inner(std::span<const std::uint8_t> quote, bool v6) {
    if (!v6) {
        if (quote.size() < kIpv4Header)
            return "icmp_truncated_inner";
        if (quote[0] >> 4 != 4 || (quote[0] & 0x0f) < 5)
            return "icmp_bad_inner";
        std::size_t hlen = std::size_t{quote[0] & 0x0fU} * 4;
        if (quote.size() < hlen + 8)
            return "icmp_truncated_inner";
        if (quote[9] != kProtoTcp && quote[9] != kProtoUdp && quote[9] != kProtoIcmp)
            return "icmp_unsupported_inner";
        if (get16(quote, 6) & 0x1fff)
            return "icmp_bad_inner";
        return "";
    }
    if (quote.size() < kIpv6Header)
        return "icmp_truncated_inner";
    if (quote[0] >> 4 != 6)
        return "icmp_bad_inner";
    std::uint8_t next = quote[6];
    std::size_t off = kIpv6Header;
    std::uint16_t frag_off = 0;
    if (next == kProtoFragment) {
        if (quote.size() - off < 8)
            return "icmp_truncated_inner";
        frag_off = get16(quote, off + 2) & 0xfff8;
        next = quote[off];
        off += 8;
    }
    if (quote.size() - off < 8)
        return "icmp_truncated_inner";
    if (next != kProtoTcp && next != kProtoUdp && next != kProtoIcmpv6)
        return "icmp_unsupported_inner";
    if (frag_off)
        return "icmp_bad_inner";
    return "";
}

std::string parse_l4(std::span<const std::uint8_t> l4, std::uint8_t proto, bool v6) {
    if (proto == kProtoTcp) {
        if (l4.size() < kTcpHeader)
            return "l4_truncated";
        std::size_t doff = std::size_t{l4[12]} / 16 * 4;
        if (doff < kTcpHeader || doff > l4.size())
            return "bad_tcp_doff";
        return (l4[13] & kTcpSyn) ? "" : "non-syn";
    }
    if (proto == kProtoUdp) {
        if (l4.size() < kUdpHeader)
            return "l4_truncated";
        std::size_t length = get16(l4, 4);
        if (length < kUdpHeader || length > l4.size())
            return "bad_udp_length";
        if (v6 && get16(l4, 6) == 0)
            return "udp_zero_csum";
        return "";
    }
    if (l4.size() < kIcmpHeader)
        return "l4_truncated";
    std::uint8_t type = l4[0];
    bool error =
        v6 ? (type >= 1 && type <= 4) : (type == 3 || type == 4 || type == 11 || type == 12);
    return error ? parse_inner(l4.subspan(kIcmpHeader), v6) : "";
}

std::string fnat_verdict(const Bytes& p) {
    if (p[0] >> 4 == 4) {
        std::size_t ihl = std::size_t{p[0] & 0x0fU} * 4;
        std::size_t total = get16(p, 2);
        if (get16(p, 6) & 0x3fff)
            return "fragment";
        return parse_l4(std::span(p.data() + ihl, total - ihl), p[9], false);
    }
    if (get16(p, 4) == 0)
        return "bad_length"; // not a jumbogram: those come from GRO only
    std::size_t end = kIpv6Header + get16(p, 4);
    std::size_t off = kIpv6Header;
    std::uint8_t next = p[6];
    unsigned n = 0;
    for (;;) {
        if (next != kProtoHop && next != kProtoDest && next != kProtoRouting)
            break;
        if (next == kProtoHop && n)
            return "bad_exthdr";
        if (n == 8)
            return "bad_exthdr";
        ++n;
        if (end - off < 8)
            return "bad_exthdr";
        std::size_t length = (std::size_t{p[off + 1]} + 1) * 8;
        if (length > end - off)
            return "bad_exthdr";
        next = p[off];
        off += length;
    }
    return parse_l4(std::span(p.data() + off, end - off), next, true);
}

class ExactKinds : public ::testing::TestWithParam<Kind> {};

TEST_P(ExactKinds, PassTheStackAndGetTheirReason) {
    Targets targets = client_targets();
    Rng rng(42);
    Gen gen(rng, targets, nullptr);
    Kind kind = GetParam();
    std::string want(kind_info(kind).reason);
    std::set<int> families;
    for (int i = 0; i < 2000; ++i) {
        std::vector<Bytes> packets = generate(kind, gen);
        ASSERT_FALSE(packets.empty());
        for (const Bytes& p : packets) {
            ASSERT_LE(p.size(), kMaxPacket);
            ASSERT_EQ(stack_verdict(p), "") << "draw " << i;
        }
        Bytes whole = packets.size() > 1 ? reassemble(packets) : packets[0];
        families.insert(whole[0] >> 4);
        std::string got = fnat_verdict(whole);
        if (kind == Kind::XTcpNoConn) {
            ASSERT_EQ(got, "non-syn") << "draw " << i;
            std::size_t l4 = whole[0] >> 4 == 4 ? kIpv4Header : kIpv6Header;
            ASSERT_TRUE(targets.no_conn.contains(get16(whole, l4))) << "draw " << i;
            ASSERT_EQ(get16(whole, l4 + 2), 80) << "draw " << i;
            continue;
        }
        ASSERT_EQ(got, want) << "draw " << i;
    }
    if (!kind_info(kind).ipv6_only) {
        EXPECT_EQ(families.size(), 2U) << "both families";
    }
}

std::vector<Kind> exact_kinds() {
    std::vector<Kind> out;
    for (const KindInfo& info : all_kinds())
        if (is_exact(info.kind))
            out.push_back(info.kind);
    return out;
}

INSTANTIATE_TEST_SUITE_P(All, ExactKinds, ::testing::ValuesIn(exact_kinds()),
                         [](const ::testing::TestParamInfo<Kind>& param) {
                             std::string name(kind_info(param.param).name);
                             for (char& c : name)
                                 if (c == '-')
                                     c = '_';
                             return name;
                         });

// --- the mix -----------------------------------------------------------------

TEST(PacketMix, SameSeedSamePackets) {
    Targets targets = client_targets();
    for (const KindInfo& info : all_kinds()) {
        Rng a(7), b(7);
        Gen ga(a, targets, nullptr), gb(b, targets, nullptr);
        for (int i = 0; i < 50; ++i)
            ASSERT_EQ(generate(info.kind, ga), generate(info.kind, gb)) << info.name;
    }
}

TEST(PacketMix, EveryKindMakesFramesThatFit) {
    Targets targets = client_targets();
    Rng rng(3);
    Gen gen(rng, targets, nullptr);
    for (const KindInfo& info : all_kinds()) {
        std::size_t frames = 0;
        for (int i = 0; i < 500; ++i)
            for (const Bytes& p : generate(info.kind, gen)) {
                ASSERT_LE(p.size(), kMaxPacket) << info.name;
                ++frames;
            }
        EXPECT_GE(frames, 500U) << info.name;
    }
}

TEST(PacketMix, ClientPacketsComeFromTheClientsPortsToItsTargets) {
    Targets targets = client_targets();
    Rng rng(5);
    Gen gen(rng, targets, nullptr);
    for (int i = 0; i < 2000; ++i) {
        Flow f = gen.flow(i % 2 ? kProtoTcp : kProtoUdp);
        ASSERT_TRUE(targets.sessions.contains(f.sport));
        ASSERT_EQ(f.src.family, f.dst.family);
        ASSERT_NE(f.dport, 0);
        if (f.proto == kProtoUdp) {
            ASSERT_NE(f.dport, 80) << "an avoided port";
        }
    }
}

TEST(PacketMix, SoundPacketsHaveRightChecksums) {
    Targets targets = client_targets();
    Rng rng(11);
    Gen gen(rng, targets, nullptr);
    for (int i = 0; i < 1000; ++i) {
        Flow f = gen.flow(i % 3 == 0 ? kProtoTcp : i % 3 == 1 ? kProtoUdp : kProtoIcmp);
        Bytes p = gen.sound_packet(f);
        ASSERT_EQ(stack_verdict(p), "");
        bool v6 = p[0] >> 4 == 6;
        std::size_t l4 = v6 ? kIpv6Header : kIpv4Header;
        std::uint8_t proto = v6 ? p[6] : p[9];
        std::span<const std::uint8_t> seg(p.data() + l4, p.size() - l4);
        if (proto == kProtoUdp && get16(seg, 6) == 0) {
            ASSERT_FALSE(v6) << "IPv6 UDP needs its checksum";
            continue;
        }
        std::uint32_t partial = 0;
        if (proto != kProtoIcmp)
            partial = pseudo_sum(f.src, f.dst, proto, seg.size());
        ASSERT_TRUE(sums_to_zero(seg, partial)) << "packet " << i;
    }
}

// The source of a packet: what the stack answers replies to.
Address source_of(const Bytes& p) {
    Address a;
    if (p.size() >= kIpv4Header && p[0] >> 4 == 4) {
        a.family = AF_INET;
        std::copy_n(p.begin() + 12, 4, a.bytes.begin());
    } else if (p.size() >= kIpv6Header && p[0] >> 4 == 6) {
        a.family = AF_INET6;
        std::copy_n(p.begin() + 8, 16, a.bytes.begin());
    }
    return a;
}

TEST(PacketMix, MutationsKeepTheSourceSpoofedChangesIt) {
    Targets targets = client_targets();
    Rng rng(17);
    Gen gen(rng, targets, nullptr);
    for (int i = 0; i < 3000; ++i)
        for (const Bytes& p : generate(Kind::Mutate, gen)) {
            Address a = source_of(p);
            if (a.family != AF_UNSPEC) {
                ASSERT_EQ(a, *targets.src_for(a.family)) << "draw " << i;
            }
        }
    std::set<int> families;
    for (int i = 0; i < 1000; ++i) {
        std::vector<Bytes> packets = generate(Kind::Spoofed, gen);
        ASSERT_EQ(packets.size(), 1U);
        ASSERT_EQ(stack_verdict(packets[0]), "");
        Address a = source_of(packets[0]);
        families.insert(a.family);
        ASSERT_NE(a, *targets.src_for(a.family));
    }
    EXPECT_EQ(families.size(), 2U);
    Options options;
    options.targets = targets;
    for (const char* list : {"mix", "exact"}) {
        select_kinds(list, options);
        for (Kind kind : options.kinds)
            EXPECT_NE(kind, Kind::Spoofed) << list;
    }
}

TEST(PacketBuild, FragmentsReassembleToTheDatagram) {
    Address src = parse_address("10.0.0.1"), dst = parse_address("10.0.0.2");
    Bytes payload(100);
    for (std::size_t i = 0; i < payload.size(); ++i)
        payload[i] = static_cast<std::uint8_t>(i);
    Ip4Spec spec;
    spec.src = src;
    spec.dst = dst;
    spec.proto = kProtoUdp;
    std::vector<Piece> pieces = even_pieces(payload.size(), 24);
    ASSERT_EQ(pieces.size(), 5U);
    EXPECT_FALSE(pieces.back().more);
    std::vector<Bytes> fragments = ipv4_fragments(spec, payload, pieces);
    Bytes whole = reassemble(fragments);
    EXPECT_EQ(Bytes(whole.begin() + 20, whole.end()), payload);
    Ip6Spec spec6;
    spec6.src = parse_address("2001:db8::1");
    spec6.dst = parse_address("2001:db8::2");
    fragments = ipv6_fragments(spec6, {}, kProtoUdp, payload, pieces, 7);
    whole = reassemble(fragments);
    EXPECT_EQ(Bytes(whole.begin() + 40, whole.end()), payload);
    EXPECT_EQ(whole[6], kProtoUdp);
}

// --- the sniffer and the command line -----------------------------------------

TEST(PacketSniffer, TellsOwnConnectionsByTheirToa) {
    Targets t;
    t.side = Side::Server;
    t.dsts = {parse_address("10.0.6.101")};
    t.src4 = parse_address("10.0.6.11");
    t.own_udp_ports = {53};
    for (std::uint16_t client_port : {std::uint16_t{20007}, std::uint16_t{40000}}) {
        TcpSpec syn;
        syn.sport = 31000;
        syn.dport = 80;
        // NOP, NOP, TOA: the client 10.0.1.2 and its port.
        syn.options = {1, 1, 254, 8, 0, 0, 10, 0, 1, 2};
        put16(syn.options, 4, client_port);
        Ip4Spec ip;
        ip.src = t.dsts[0];
        ip.dst = *t.src4;
        Bytes p = ipv4_packet(ip, tcp_segment(syn, ip.src, ip.dst));
        auto s = sniff_packet(p, t);
        ASSERT_TRUE(s);
        EXPECT_EQ(s->lport, 31000);
        EXPECT_EQ(s->server_port, 80);
        EXPECT_EQ(s->own, client_port == 20007);
        // From a client that is not the fuzzer's: not its own.
        t.own_clients = {parse_address("10.0.1.9")};
        auto other = sniff_packet(p, t);
        ASSERT_TRUE(other);
        EXPECT_FALSE(other->own);
        t.own_clients = {parse_address("10.0.1.2")};
        EXPECT_EQ(sniff_packet(p, t)->own, client_port == 20007);
        t.own_clients.clear();
        // Not from a LIP: not a connection of the balancer's.
        ip.src = parse_address("10.0.6.1");
        EXPECT_FALSE(sniff_packet(ipv4_packet(ip, tcp_segment(syn, ip.src, ip.dst)), t));
    }
    // NAT: no TOA, the client's own port.
    for (std::uint16_t client_port : {std::uint16_t{20007}, std::uint16_t{40000}}) {
        TcpSpec syn;
        syn.sport = client_port;
        syn.dport = 80;
        Ip4Spec ip;
        ip.src = t.dsts[0];
        ip.dst = *t.src4;
        auto s = sniff_packet(ipv4_packet(ip, tcp_segment(syn, ip.src, ip.dst)), t);
        ASSERT_TRUE(s);
        EXPECT_EQ(s->own, client_port == 20007);
    }
    UdpSpec udp;
    udp.sport = 31001;
    udp.dport = 53;
    Ip4Spec ip;
    ip.src = t.dsts[0];
    ip.dst = *t.src4;
    ip.proto = kProtoUdp;
    auto s = sniff_packet(ipv4_packet(ip, udp_datagram(udp, ip.src, ip.dst)), t);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->own);
}

TEST(PacketSniffer, ServerFlowsStayOffOthersConnectionsUnlessGentle) {
    Targets t;
    t.side = Side::Server;
    t.dsts = {parse_address("10.0.6.101")};
    t.src4 = parse_address("10.0.6.11");
    t.tcp_ports = {80};
    SniffedTuples tuples;
    Sniffed other{t.dsts[0], *t.src4, 30000, 80, kProtoTcp, false};
    Sniffed own{t.dsts[0], *t.src4, 30001, 80, kProtoTcp, true};
    tuples.add(other);
    tuples.add(own);
    Rng rng(1);
    Gen gen(rng, t, &tuples);
    std::map<std::uint16_t, int> seen;
    for (int i = 0; i < 1000; ++i)
        ++seen[gen.flow(kProtoTcp, false).dport];
    EXPECT_EQ(seen.count(30000), 0U);
    EXPECT_GT(seen[30001], 300);
    seen.clear();
    for (int i = 0; i < 1000; ++i)
        ++seen[gen.flow(kProtoTcp, true).dport];
    EXPECT_GT(seen[30000], 100);
}

TEST(PacketOptions, ParsesAndRefuses) {
    auto parse = [](std::vector<std::string> args) { return parse_arguments(args); };
    Invocation ok =
        parse({"--iface", "eth0", "--dst-mac", "02:00:00:00:00:01", "--dst", "10.0.1.100", "--src",
               "10.0.1.2", "--tcp-port", "80", "--kinds", "exact", "--count", "5"});
    const Options& options = std::get<Options>(ok);
    EXPECT_EQ(options.count, 5U);
    EXPECT_EQ(options.dst_mac[5], 1);
    for (Kind kind : options.kinds) {
        EXPECT_TRUE(is_exact(kind));
        EXPECT_FALSE(kind_info(kind).ipv6_only) << "no IPv6 target";
    }
    EXPECT_THROW(parse({"--iface", "eth0", "--dst-mac", "02:00:00:00:00:01", "--dst", "2001:db8::1",
                        "--src", "10.0.1.2"}),
                 bench::UsageError);
    EXPECT_THROW(
        parse({"--iface", "eth0", "--dst-mac", "zz", "--dst", "10.0.1.1", "--src", "10.0.1.2"}),
        bench::UsageError);
    EXPECT_THROW(parse({"--iface", "eth0", "--dst-mac", "02:00:00:00:00:01", "--dst", "10.0.1.1",
                        "--src", "10.0.1.2", "--kinds", "x-ext-long"}),
                 bench::UsageError);
    EXPECT_THROW(parse({"--iface", "eth0", "--dst-mac", "02:00:00:00:00:01", "--dst", "10.0.1.1",
                        "--src", "10.0.1.2", "--kinds", "nonsense"}),
                 bench::UsageError);
}

} // namespace
} // namespace fnat::fuzz::packet

// The pure parts of fnat-traffic (tools/traffic/): wire headers, payload
// generator, latency statistics, tallies and reports, options, port pool,
// garbage packets, the flow's accounting and udp-garbage's datagrams; socket
// addresses and peers as the server reports them.
#include <cerrno>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tools/traffic/failure.h"
#include "tools/traffic/flow.h"
#include "tools/traffic/garbage.h"
#include "tools/traffic/icmp_error.h"
#include "tools/traffic/latency.h"
#include "tools/traffic/options.h"
#include "tools/traffic/payload.h"
#include "tools/traffic/port_pool.h"
#include "tools/traffic/report.h"
#include "tools/traffic/socket.h"
#include "tools/traffic/tally.h"
#include "tools/traffic/udp_garbage.h"
#include "tools/traffic/wire.h"

namespace fnat::traffic {
namespace {

using Bytes = std::vector<std::uint8_t>;

// --- wire --------------------------------------------------------------------

TEST(TrafficWire, RequestLayout) {
    auto bytes = encode_request(Request{Mode::Echo, 10000, 0x0102030405060708ULL, 7});
    Bytes want = {'F', 'N', 'T', 'Q', 1, 1, 0, 0, 0x00, 0x00, 0x27, 0x10,
                  1,   2,   3,   4,   5, 6, 7, 8, 0,    0,    0,    7};
    EXPECT_EQ(Bytes(bytes.begin(), bytes.end()), want);
}

TEST(TrafficWire, RequestRoundTrip) {
    for (Request request :
         {Request{Mode::Echo, 0, 0, 0}, Request{Mode::Echo, 0xffffffffU, ~0ULL, 0xffffffffU},
          Request{Mode::Stream, 0, 42, 1}}) {
        auto bytes = encode_request(request);
        EXPECT_EQ(decode_request(bytes), request);
    }
}

TEST(TrafficWire, RequestRejects) {
    Bytes good;
    auto encoded = encode_request(Request{Mode::Echo, 5, 1, 2});
    good.assign(encoded.begin(), encoded.end());
    EXPECT_THROW(decode_request(Bytes(good.begin(), good.end() - 1)), WireError);
    for (std::size_t at : {0UL, 3UL}) {
        Bytes bad = good;
        bad[at] ^= 0x20;
        EXPECT_THROW(decode_request(bad), WireError) << "magic byte " << at;
    }
    Bytes version = good;
    version[4] = 2;
    EXPECT_THROW(decode_request(version), WireError);
    for (int mode : {0, 3, 255}) {
        Bytes bad = good;
        bad[5] = static_cast<std::uint8_t>(mode);
        EXPECT_THROW(decode_request(bad), WireError) << "mode " << mode;
    }
    Bytes reserved = good;
    reserved[7] = 1;
    EXPECT_THROW(decode_request(reserved), WireError);
    auto stream = encode_request(Request{Mode::Stream, 5, 1, 2});
    EXPECT_THROW(decode_request(stream), WireError);
}

TEST(TrafficWire, ResponseLayout) {
    Bytes bytes = encode_response(Response{Mode::Echo, 3, 9, 4, "rs1", "10.0.0.1:5"});
    Bytes want = {'F', 'N', 'T', 'A', 1,   1,   3,   10,  0,   0,   0,  3,   0,
                  0,   0,   0,   0,   0,   0,   9,   0,   0,   0,   4,  'r', 's',
                  '1', '1', '0', '.', '0', '.', '0', '.', '1', ':', '5'};
    EXPECT_EQ(bytes, want);
    EXPECT_EQ(response_header_size(bytes), 37U);
}

TEST(TrafficWire, ResponseRoundTripWithPayloadAfter) {
    Response response{Mode::Stream, 0, 77, 12, "rs-2_x", "[2001:db8::1]:40000"};
    Bytes bytes = encode_response(response);
    EXPECT_EQ(bytes.size(), response.header_size());
    bytes.push_back(0xaa);
    EXPECT_EQ(decode_response(bytes), response);
}

TEST(TrafficWire, ResponseRejects) {
    EXPECT_THROW(encode_response(Response{Mode::Echo, 0, 0, 0, "", "1.2.3.4:5"}), WireError);
    EXPECT_THROW(encode_response(Response{Mode::Echo, 0, 0, 0, "a b", "1.2.3.4:5"}), WireError);
    EXPECT_THROW(encode_response(Response{Mode::Echo, 0, 0, 0, std::string(65, 'n'), "p"}),
                 WireError);
    EXPECT_THROW(encode_response(Response{Mode::Echo, 0, 0, 0, "rs1", ""}), WireError);

    Bytes good = encode_response(Response{Mode::Echo, 0, 0, 0, "rs1", "1.2.3.4:5"});
    EXPECT_EQ(response_header_size(Bytes(good.begin(), good.begin() + 23)), 0U);
    EXPECT_THROW(decode_response(Bytes(good.begin(), good.end() - 1)), WireError);
    Bytes magic = good;
    magic[3] = 'Q';
    EXPECT_THROW(response_header_size(magic), WireError);
    Bytes control = good;
    control[24] = '\n';
    EXPECT_THROW(decode_response(control), WireError);
    Bytes empty_name = good;
    empty_name[6] = 0;
    EXPECT_THROW(decode_response(empty_name), WireError);
}

TEST(TrafficWire, ValidLabel) {
    EXPECT_TRUE(valid_label("rs1"));
    EXPECT_TRUE(valid_label(std::string(64, 'x')));
    EXPECT_FALSE(valid_label(std::string(65, 'x')));
    EXPECT_FALSE(valid_label(""));
    EXPECT_FALSE(valid_label("r s"));
    EXPECT_FALSE(valid_label("r\x7f"));
    EXPECT_FALSE(valid_label("caf\xc3\xa9"));
}

TEST(TrafficWire, AssemblerTakesTheHeaderInAnyPieces) {
    Response response{Mode::Echo, 2, 5, 6, "rs2", "10.99.0.1:40001"};
    Bytes stream = encode_response(response);
    std::size_t header = stream.size();
    stream.push_back(0x11);
    stream.push_back(0x22);
    for (std::size_t piece : {1UL, 2UL, 7UL, 24UL, 25UL, 100UL}) {
        ResponseAssembler assembler;
        Bytes rest;
        for (std::size_t at = 0; at < stream.size(); at += piece) {
            std::size_t end = std::min(stream.size(), at + piece);
            std::span<const std::uint8_t> data(stream.data() + at, end - at);
            std::size_t taken = assembler.feed(data);
            rest.insert(rest.end(), data.begin() + static_cast<std::ptrdiff_t>(taken), data.end());
            EXPECT_EQ(assembler.complete(), end >= header) << "piece " << piece << " at " << at;
        }
        ASSERT_TRUE(assembler.complete());
        EXPECT_EQ(assembler.response(), response);
        EXPECT_EQ(rest, (Bytes{0x11, 0x22})) << "piece " << piece;
    }
}

TEST(TrafficWire, AssemblerRejectsGarbage) {
    ResponseAssembler assembler;
    Bytes garbage(30, 'x');
    EXPECT_THROW(assembler.feed(garbage), WireError);
}

// --- payload -----------------------------------------------------------------

TEST(TrafficPayload, Mix64IsSplitMix64) {
    // The reference SplitMix64 seeded with 0 starts e220a8397b1dcdaf,
    // 6e789e6aa1b965f4; Payload(0) is that sequence, little-endian.
    EXPECT_EQ(mix64(0x9e3779b97f4a7c15ULL), 0xe220a8397b1dcdafULL);
    Bytes bytes(16);
    Payload(0).fill(0, bytes);
    EXPECT_EQ(bytes, (Bytes{0xaf, 0xcd, 0x1d, 0x7b, 0x39, 0xa8, 0x20, 0xe2, 0xf4, 0x65, 0xb9, 0xa1,
                            0x6a, 0x9e, 0x78, 0x6e}));
}

TEST(TrafficPayload, KeysDifferBySeedAndIndex) {
    EXPECT_EQ(payload_key(1, 0), payload_key(1, 0));
    EXPECT_NE(payload_key(1, 0), payload_key(1, 1));
    EXPECT_NE(payload_key(1, 0), payload_key(2, 0));
    EXPECT_NE(payload_key(0, 1), payload_key(1, 0));
    Bytes a(64), b(64);
    Payload(payload_key(1, 0)).fill(0, a);
    Payload(payload_key(1, 1)).fill(0, b);
    EXPECT_NE(a, b);
}

TEST(TrafficPayload, AnyRangeMatchesTheWhole) {
    Payload payload(payload_key(7, 3));
    Bytes whole(1000);
    payload.fill(0, whole);
    for (std::uint64_t offset : {0UL, 1UL, 7UL, 8UL, 9UL, 500UL, 992UL}) {
        for (std::size_t length : {0UL, 1UL, 3UL, 8UL, 7UL}) {
            Bytes part(length);
            payload.fill(offset, part);
            EXPECT_EQ(part, Bytes(whole.begin() + static_cast<std::ptrdiff_t>(offset),
                                  whole.begin() + static_cast<std::ptrdiff_t>(offset + length)))
                << offset << "+" << length;
            EXPECT_FALSE(payload.first_mismatch(offset, part)) << offset << "+" << length;
        }
    }
}

TEST(TrafficPayload, FirstMismatchGivesTheStreamOffset) {
    Payload payload(12345);
    Bytes data(100);
    payload.fill(1000, data);
    data[37] ^= 1;
    data[80] ^= 1;
    EXPECT_EQ(payload.first_mismatch(1000, data), 1037U);
    EXPECT_EQ(payload.first_mismatch(1001, std::span(data).subspan(1)), 1037U);
    EXPECT_EQ(payload.first_mismatch(1001, data), 1001U); // bytes at the wrong offset
    EXPECT_EQ(Payload(12346).first_mismatch(0, Bytes(8, 0)).has_value(), true);
}

// --- latency -------------------------------------------------------------------

TEST(TrafficLatency, NearestRankPercentiles) {
    std::vector<std::uint64_t> samples = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    EXPECT_EQ(percentile(samples, 0), 1U);
    EXPECT_EQ(percentile(samples, 10), 1U);
    EXPECT_EQ(percentile(samples, 11), 2U);
    EXPECT_EQ(percentile(samples, 50), 5U);
    EXPECT_EQ(percentile(samples, 90), 9U);
    EXPECT_EQ(percentile(samples, 99), 10U);
    EXPECT_EQ(percentile(samples, 100), 10U);
    EXPECT_EQ(percentile(samples, 200), 10U);
    EXPECT_EQ(percentile({42}, 50), 42U);
    EXPECT_FALSE(percentile({}, 50));
}

TEST(TrafficLatency, Summary) {
    EXPECT_EQ(summarize({300, 100, 200}), (LatencySummary{100, 200, 300}));
    EXPECT_EQ(summarize({4, 1, 3, 2}), (LatencySummary{1, 2, 4})); // the lower middle
    EXPECT_EQ(summarize({5}), (LatencySummary{5, 5, 5}));
    EXPECT_FALSE(summarize({}));
}

TEST(TrafficLatency, Millis) {
    EXPECT_EQ(format_millis(0), "0.000");
    EXPECT_EQ(format_millis(1234), "1.234");
    EXPECT_EQ(format_millis(1000005), "1000.005");
    EXPECT_EQ(format_seconds(1234567), "1.235");
    EXPECT_EQ(format_seconds(499), "0.000");
}

// --- failures --------------------------------------------------------------------

TEST(TrafficFailure, NamesAndErrnos) {
    EXPECT_EQ(failure_name(Failure::ConnectTimeout), "connect-timeout");
    EXPECT_EQ(failure_name(Failure::ShortRead), "short-read");
    EXPECT_EQ(failure_name(Failure::Error), "error");
    EXPECT_EQ(all_failures().size(), kFailureKinds);
    EXPECT_EQ(all_failures()[1], Failure::Refused);

    EXPECT_EQ(classify_connect_error(ECONNREFUSED), Failure::Refused);
    EXPECT_EQ(classify_connect_error(ETIMEDOUT), Failure::ConnectTimeout);
    EXPECT_EQ(classify_connect_error(EHOSTUNREACH), Failure::Unreachable);
    EXPECT_EQ(classify_connect_error(EADDRNOTAVAIL), Failure::AddressInUse);
    EXPECT_EQ(classify_connect_error(EACCES), Failure::Error);
    EXPECT_EQ(classify_io_error(ECONNRESET), Failure::Reset);
    EXPECT_EQ(classify_io_error(EPIPE), Failure::Reset);
    EXPECT_EQ(classify_io_error(ETIMEDOUT), Failure::Timeout);
    EXPECT_EQ(classify_io_error(ECONNREFUSED), Failure::Refused);
    EXPECT_EQ(classify_io_error(ENETUNREACH), Failure::Unreachable);
}

// --- tally and report ------------------------------------------------------------

ExchangeResult ok(std::uint32_t index, std::string server, std::string peer, std::uint64_t us) {
    ExchangeResult result;
    result.index = index;
    result.server = std::move(server);
    result.peer = std::move(peer);
    result.latency_us = us;
    return result;
}

ExchangeResult failed(std::uint32_t index, Failure failure, std::string server = "") {
    ExchangeResult result;
    result.index = index;
    result.failure = failure;
    result.detail = "why " + std::to_string(index);
    result.server = std::move(server);
    if (!result.server.empty())
        result.peer = "10.0.0.9:1";
    return result;
}

TEST(TrafficTally, PerServerAndPerKind) {
    std::vector<ExchangeResult> results = {
        ok(0, "rs2", "10.99.0.10:40000", 3000),
        ok(1, "rs1", "10.99.0.1:40001", 1000),
        failed(5, Failure::Refused),
        ok(2, "rs1", "10.99.0.2:40002", 2000),
        ok(3, "rs1", "10.99.0.1:40003", 4000),
        failed(4, Failure::Mismatch, "rs2"),
        failed(6, Failure::Refused),
    };
    Tally t = tally(results);
    EXPECT_EQ(t.ok, 4U);
    EXPECT_EQ(t.failed, 3U);
    ASSERT_EQ(t.servers.size(), 2U);
    EXPECT_EQ(t.servers[0].name, "rs1");
    EXPECT_EQ(t.servers[0].answered, 3U);
    EXPECT_EQ(t.servers[0].failed, 0U);
    EXPECT_EQ(t.servers[0].latency, (LatencySummary{1000, 2000, 4000}));
    EXPECT_EQ(t.servers[0].peers, (std::vector<std::string>{"10.99.0.1", "10.99.0.2"}));
    EXPECT_EQ(t.servers[0].min_port, 40001);
    EXPECT_EQ(t.servers[0].max_port, 40003);
    EXPECT_EQ(t.servers[0].distinct_ports, 3U);
    EXPECT_EQ(t.servers[1].name, "rs2");
    EXPECT_EQ(t.servers[1].answered, 1U);
    EXPECT_EQ(t.servers[1].failed, 1U);
    EXPECT_EQ(t.servers[1].peers, (std::vector<std::string>{"10.0.0.9", "10.99.0.10"}));
    EXPECT_EQ(t.servers[1].min_port, 1);
    EXPECT_EQ(t.servers[1].max_port, 40000);
    EXPECT_EQ(t.servers[1].distinct_ports, 2U);
    EXPECT_EQ(t.count(Failure::Refused), 2U);
    EXPECT_EQ(t.count(Failure::Mismatch), 1U);
    EXPECT_EQ(t.count(Failure::Reset), 0U);
    EXPECT_EQ(t.errors, (std::vector<std::string>{"exchange 4: mismatch (why 4)",
                                                  "exchange 5: refused (why 5)",
                                                  "exchange 6: refused (why 6)"}));
    EXPECT_EQ(failure_counts(t), "refused 2, mismatch 1");
}

TEST(TrafficTally, KeepsTheFirstErrorDetails) {
    std::vector<ExchangeResult> results;
    for (std::uint32_t i = 30; i > 0; --i)
        results.push_back(failed(i, Failure::Timeout));
    Tally t = tally(results);
    ASSERT_EQ(t.errors.size(), kMaxErrorDetails);
    EXPECT_EQ(t.errors.front(), "exchange 1: timeout (why 1)");
    EXPECT_EQ(t.errors.back(), "exchange 10: timeout (why 10)");
    EXPECT_TRUE(t.servers.empty());
    EXPECT_EQ(failure_counts(tally({})), "none");
}

TEST(TrafficTally, PeerAddress) {
    EXPECT_EQ(peer_address("10.99.0.1:40000"), "10.99.0.1");
    EXPECT_EQ(peer_address("[2001:db8::1]:80"), "2001:db8::1");
    EXPECT_EQ(peer_address("10.99.0.1"), "10.99.0.1");
    EXPECT_EQ(peer_address("junk"), "junk");
    EXPECT_EQ(peer_address("none"), "none");
}

// What an IPv4 real server reports with --peer-from toa after FULLNAT 6->4:
// the IPv6 clients, and "none" for a connection without TOA.
TEST(TrafficTally, Ipv6AndTOAPeers) {
    Tally t =
        tally({ok(0, "rs1", "[2001:db8:ff::5]:40000", 1000), ok(1, "rs1", "10.99.0.1:40001", 1000),
               ok(2, "rs1", "[2001:db8:ff::5]:40002", 1000), ok(3, "rs1", "none", 1000),
               ok(4, "rs1", "[2001:db8:ff::4]:40003", 1000)});
    ASSERT_EQ(t.servers.size(), 1U);
    // Numeric order, IPv4 first; then what is no address.
    EXPECT_EQ(t.servers[0].peers,
              (std::vector<std::string>{"10.99.0.1", "2001:db8:ff::4", "2001:db8:ff::5", "none"}));
    EXPECT_EQ(t.servers[0].min_port, 40000);
    EXPECT_EQ(t.servers[0].max_port, 40003);
    EXPECT_EQ(t.servers[0].distinct_ports, 4U);
    EXPECT_EQ(
        list_exchanges({ok(0, "rs1", "[2001:db8:ff::5]:40000", 1000), ok(3, "rs1", "none", 1000)}),
        "exchange 0: rs1, seen as [2001:db8:ff::5]:40000\n"
        "exchange 3: rs1, seen as none\n");
}

RunInfo info() {
    RunInfo run;
    run.protocol = "tcp";
    run.target = "10.99.0.2:8001";
    run.count = 3;
    run.bytes = 100;
    run.parallel = 2;
    run.elapsed_us = 1234567;
    return run;
}

TEST(TrafficReport, Text) {
    std::vector<ExchangeResult> results = {ok(0, "rs1", "10.99.0.1:1", 1500),
                                           ok(1, "rs1", "10.99.0.1:2", 2500),
                                           failed(2, Failure::Reset, "rs2")};
    EXPECT_EQ(
        render_text(info(), tally(results)),
        "tcp 10.99.0.2:8001: 3 exchanges of 100 bytes, parallel 2\n"
        "server rs1: 2 answered, 0 failed, latency min 1.500 ms, median 1.500 ms, max "
        "2.500 ms, peers 10.99.0.1, ports 1-2 (2 distinct)\n"
        "server rs2: 0 answered, 1 failed, latency -, peers 10.0.0.9, ports 1-1 (1 distinct)\n"
        "failures: reset 1\n"
        "result: 2 ok, 1 failed, 1.235 s\n");
}

TEST(TrafficReport, ListExchanges) {
    std::vector<ExchangeResult> results = {ok(0, "rs1", "10.99.0.1:30000", 1500),
                                           failed(1, Failure::Reset, "rs2"),
                                           ok(2, "rs2", "10.99.0.1:30002", 1500)};
    EXPECT_EQ(list_exchanges(results), "exchange 0: rs1, seen as 10.99.0.1:30000\n"
                                       "exchange 1: failed (reset)\n"
                                       "exchange 2: rs2, seen as 10.99.0.1:30002\n");
    EXPECT_EQ(list_exchanges({}), "");
}

TEST(TrafficReport, Json) {
    std::vector<ExchangeResult> results = {ok(0, "rs1", "10.99.0.1:1", 1500),
                                           failed(1, Failure::Refused)};
    std::string json = render_json(info(), tally(results));
    for (const char* want :
         {"\"protocol\": \"tcp\"", "\"target\": \"10.99.0.2:8001\"", "\"count\": 3",
          "\"elapsed_us\": 1234567", "\"ok\": 1", "\"failed\": 1", "\"name\": \"rs1\"",
          "\"answered\": 1", "\"min\": 1500", "\"median\": 1500", "\"max\": 1500",
          "\"peers\": [\n        \"10.99.0.1\"\n      ]", "\"connect-timeout\": 0",
          "\"refused\": 1", "\"address-in-use\": 0", "\"exchange 1: refused (why 1)\"",
          "\"peer_ports\": {\n        \"min\": 1,\n        \"max\": 1,\n        \"distinct\": 1\n  "
          "    }"})
        EXPECT_NE(json.find(want), std::string::npos) << want << " in\n" << json;
    EXPECT_EQ(json.front(), '{');
    EXPECT_EQ(json.substr(json.size() - 2), "}\n");
}

// --- options ---------------------------------------------------------------------

template <typename Options>
Options parse_as(std::vector<std::string> args) {
    Invocation invocation = parse_arguments(args);
    const Options* options = std::get_if<Options>(&invocation);
    if (!options)
        throw std::runtime_error("parsed as another subcommand");
    return *options;
}

std::string error_of(std::vector<std::string> args) {
    try {
        parse_arguments(args);
    } catch (const UsageError& error) {
        return error.what();
    }
    return "(accepted)";
}

TEST(TrafficOptions, ServeDefaultsAndForms) {
    auto serve = parse_as<ServeOptions>({"serve", "--tcp", "8001"});
    EXPECT_EQ(serve.tcp, (std::vector<Target>{Target{Address::ipv4(0, 0, 0, 0), 8001}}));
    EXPECT_TRUE(serve.udp.empty());
    EXPECT_EQ(serve.name, "");
    EXPECT_EQ(serve.max_seconds, 600U);
    EXPECT_EQ(serve.idle_seconds, 300U);
    EXPECT_EQ(serve.peer_from, PeerSource::Socket);

    serve = parse_as<ServeOptions>({"serve", "--udp", "0", "--tcp", "127.0.0.1:9", "--name", "rs1",
                                    "--max-seconds", "30", "--idle-seconds", "5"});
    EXPECT_EQ(serve.tcp, (std::vector<Target>{Target{Address::ipv4(127, 0, 0, 1), 9}}));
    EXPECT_EQ(serve.udp, (std::vector<Target>{Target{Address::ipv4(0, 0, 0, 0), 0}}));
    EXPECT_EQ(serve.name, "rs1");
    EXPECT_EQ(serve.max_seconds, 30U);
    EXPECT_EQ(serve.idle_seconds, 5U);

    serve = parse_as<ServeOptions>({"serve", "--bind", "10.99.0.2", "--udp", "53"});
    EXPECT_EQ(serve.udp, (std::vector<Target>{Target{Address::ipv4(10, 99, 0, 2), 53}}));
}

TEST(TrafficOptions, ServeIpv6) {
    const Address any6 = parse_address("::");
    auto serve =
        parse_as<ServeOptions>({"serve", "--tcp", "[::]:8001", "--udp", "[2001:db8::2]:53"});
    EXPECT_EQ(serve.tcp, (std::vector<Target>{Target{any6, 8001}}));
    EXPECT_EQ(serve.udp, (std::vector<Target>{Target{parse_address("2001:db8::2"), 53}}));
    serve = parse_as<ServeOptions>({"serve", "--bind", "::", "--tcp", "8001"});
    EXPECT_EQ(serve.tcp, (std::vector<Target>{Target{any6, 8001}}));
    // Both families on one port: a socket per --bind, in their order.
    serve = parse_as<ServeOptions>(
        {"serve", "--tcp", "8001", "--udp", "0", "--bind", "0.0.0.0", "--bind", "::"});
    EXPECT_EQ(serve.tcp,
              (std::vector<Target>{Target{Address::ipv4(0, 0, 0, 0), 8001}, Target{any6, 8001}}));
    EXPECT_EQ(serve.udp,
              (std::vector<Target>{Target{Address::ipv4(0, 0, 0, 0), 0}, Target{any6, 0}}));

    EXPECT_EQ(error_of({"serve", "--tcp", "8001", "--bind", "::", "--bind", "0::0"}),
              "--bind :: is given twice");
    EXPECT_EQ(error_of({"serve", "--tcp", "[2001:db8::2]"}),
              "invalid --tcp '[2001:db8::2]': needs PORT or ADDR:PORT");
    EXPECT_EQ(error_of({"serve", "--tcp", "2001:db8::2"}),
              "invalid --tcp '2001:db8::2': needs PORT or ADDR:PORT");
    EXPECT_EQ(error_of({"serve", "--tcp", "[fe80::2%eth0]:80"}),
              "invalid --tcp '[fe80::2%eth0]:80': IPv6 zone ids ('%eth0') are not supported");
    EXPECT_EQ(error_of({"serve", "--tcp", "80", "--bind", "[::]"}),
              "invalid --bind '[::]': '[::]' is not a valid IPv6 address");
    EXPECT_EQ(error_of({"serve", "--bind", "::", "--tcp", "[::]:80"}),
              "--tcp '[::]:80' gives an address: --bind is for bare ports");
}

TEST(TrafficOptions, ServePeerFrom) {
    auto serve = parse_as<ServeOptions>({"serve", "--tcp", "8001", "--peer-from", "toa"});
    EXPECT_EQ(serve.peer_from, PeerSource::Toa);
    // UDP keeps the datagram's source, TCP takes TOA's.
    serve =
        parse_as<ServeOptions>({"serve", "--tcp", "8001", "--udp", "8001", "--peer-from", "toa"});
    EXPECT_EQ(serve.peer_from, PeerSource::Toa);
    serve = parse_as<ServeOptions>({"serve", "--udp", "53", "--peer-from", "socket"});
    EXPECT_EQ(serve.peer_from, PeerSource::Socket);
    EXPECT_EQ(peer_source_name(PeerSource::Socket), "socket");
    EXPECT_EQ(peer_source_name(PeerSource::Toa), "toa");

    EXPECT_EQ(error_of({"serve", "--tcp", "8001", "--peer-from", "getpeername"}),
              "invalid --peer-from 'getpeername': must be socket or toa");
    EXPECT_EQ(error_of({"serve", "--udp", "53", "--peer-from", "toa"}),
              "--peer-from toa is for TCP (--tcp): a datagram carries no TOA");
}

TEST(TrafficOptions, ServeErrors) {
    EXPECT_EQ(error_of({"serve"}), "serve needs --tcp [ADDR:]PORT, --udp [ADDR:]PORT or both");
    EXPECT_EQ(error_of({"serve", "--tcp", "70000"}),
              "invalid --tcp '70000': must be an integer 0..65535");
    EXPECT_EQ(error_of({"serve", "--tcp", "10.0.0.1"}),
              "invalid --tcp '10.0.0.1': needs PORT or ADDR:PORT");
    EXPECT_EQ(error_of({"serve", "--bind", "10.0.0.1", "--tcp", "10.0.0.2:80"}),
              "--tcp '10.0.0.2:80' gives an address: --bind is for bare ports");
    EXPECT_EQ(error_of({"serve", "--tcp", "80", "--name", "a b"}),
              "invalid --name 'a b': 1..64 printable characters without spaces");
    EXPECT_EQ(error_of({"serve", "--tcp", "80", "--max-seconds", "0"}),
              "invalid --max-seconds '0': must be an integer 1..604800");
    EXPECT_NE(error_of({"serve", "--tcp", "80", "--bind", "host.example"}).find("invalid --bind"),
              std::string::npos);
    EXPECT_NE(error_of({"serve", "--tcp", "80", "--count", "3"}), "(accepted)");
}

TEST(TrafficOptions, ConnectDefaultsAndAll) {
    auto connect = parse_as<ConnectOptions>({"connect", "--tcp", "10.99.0.2:8001"});
    EXPECT_EQ(connect.protocol, Protocol::Tcp);
    EXPECT_EQ(connect.target, (Target{Address::ipv4(10, 99, 0, 2), 8001}));
    EXPECT_EQ(connect.count, 1U);
    EXPECT_EQ(connect.bytes, 1000U);
    EXPECT_EQ(connect.parallel, 1U);
    EXPECT_EQ(connect.seed, 1U);
    EXPECT_EQ(connect.timeout_ms, 5000U);
    EXPECT_EQ(connect.hold_ms, 0U);
    EXPECT_FALSE(connect.source_ports);
    EXPECT_EQ(connect.close, CloseMode::Fin);
    EXPECT_FALSE(connect.json);
    EXPECT_FALSE(connect.allow_failures);

    connect = parse_as<ConnectOptions>({"connect",
                                        "--udp",
                                        "10.99.0.2:53",
                                        "--count",
                                        "50",
                                        "--bytes",
                                        "65000",
                                        "--parallel",
                                        "4",
                                        "--seed",
                                        "18446744073709551615",
                                        "--timeout-ms",
                                        "250",
                                        "--hold-ms",
                                        "100",
                                        "--source-port-range",
                                        "40000-40003",
                                        "--close",
                                        "rst",
                                        "--json",
                                        "--allow-failures"});
    EXPECT_EQ(connect.protocol, Protocol::Udp);
    EXPECT_EQ(connect.count, 50U);
    EXPECT_EQ(connect.bytes, 65000U);
    EXPECT_EQ(connect.parallel, 4U);
    EXPECT_EQ(connect.seed, 18446744073709551615ULL);
    EXPECT_EQ(connect.timeout_ms, 250U);
    EXPECT_EQ(connect.hold_ms, 100U);
    EXPECT_EQ(connect.source_ports, (PortRange{40000, 40003}));
    EXPECT_EQ(connect.close, CloseMode::Reset);
    EXPECT_TRUE(connect.json);
    EXPECT_TRUE(connect.allow_failures);
    EXPECT_FALSE(connect.list_exchanges);
    connect = parse_as<ConnectOptions>({"connect", "--tcp", "10.0.0.1:80", "--list-exchanges"});
    EXPECT_TRUE(connect.list_exchanges);

    // --parallel beyond --count is --count.
    connect = parse_as<ConnectOptions>(
        {"connect", "--tcp", "10.0.0.1:80", "--count", "2", "--parallel", "8"});
    EXPECT_EQ(connect.parallel, 2U);
    connect = parse_as<ConnectOptions>({"connect", "--tcp", "[::1]:80", "--bytes", "0"});
    EXPECT_TRUE(connect.target.address.is_ipv6());
    EXPECT_EQ(connect.bytes, 0U);
    connect = parse_as<ConnectOptions>({"connect", "--udp", "[2001:db8::1]:53"});
    EXPECT_EQ(connect.protocol, Protocol::Udp);
    EXPECT_EQ(connect.target, (Target{parse_address("2001:db8::1"), 53}));
}

TEST(TrafficOptions, Ipv6TargetsNeedBracketsAndAPort) {
    EXPECT_EQ(error_of({"connect", "--tcp", "2001:db8::1"}),
              "invalid --tcp '2001:db8::1': needs ADDR:PORT");
    EXPECT_EQ(error_of({"connect", "--tcp", "[2001:db8::1]"}),
              "invalid --tcp '[2001:db8::1]': needs ADDR:PORT");
    // Without brackets the last group is part of the address.
    EXPECT_EQ(error_of({"connect", "--tcp", "2001:db8::1:80"}),
              "invalid --tcp '2001:db8::1:80': needs ADDR:PORT");
    EXPECT_EQ(error_of({"connect", "--tcp", "[2001:db8::1]:0"}),
              "invalid --tcp '[2001:db8::1]:0': port 0");
    EXPECT_EQ(error_of({"connect", "--tcp", "[fe80::1%eth0]:80"}),
              "invalid --tcp '[fe80::1%eth0]:80': IPv6 zone ids ('%eth0') are not supported");
    EXPECT_EQ(
        parse_as<StreamOptions>({"stream", "--tcp", "[2001:db8::1]:8001", "--seconds", "1"}).target,
        (Target{parse_address("2001:db8::1"), 8001}));
    EXPECT_EQ(parse_as<FlowOptions>({"flow", "--udp", "[2001:db8::1]:53", "--seconds", "1"}).target,
              (Target{parse_address("2001:db8::1"), 53}));
    EXPECT_EQ(parse_as<UdpGarbageOptions>(
                  {"udp-garbage", "--to", "[ff02::83]:8849", "--count", "1", "--kind", "random"})
                  .target,
              (Target{parse_address("ff02::83"), 8849}));
    EXPECT_EQ(
        error_of({"garbage", "--to", "[2001:db8::1]:80", "--count", "1", "--kind", "bad-tcp-doff"}),
        "invalid --to '[2001:db8::1]:80': garbage sends IPv4 only");
}

// --- socket addresses --------------------------------------------------------------

TEST(TrafficSocket, Ipv6SocketAddresses) {
    const Target target{parse_address("2001:db8::1"), 8001};
    SocketAddress address = socket_address(target);
    EXPECT_EQ(address.family(), AF_INET6);
    EXPECT_EQ(address.length, sizeof(sockaddr_in6));
    EXPECT_EQ(port_of(address), 8001);
    EXPECT_EQ(format_address(address), "[2001:db8::1]:8001");
    EXPECT_EQ(format_address(any_address(AF_INET6, 40000)), "[::]:40000");
    EXPECT_EQ(format_address(socket_address(Target{Address::ipv4(10, 99, 0, 1), 40000})),
              "10.99.0.1:40000");
    EXPECT_EQ(format_address(any_address(AF_INET, 0)), "0.0.0.0:0");
    // What a dual-stack socket would report for an IPv4 client.
    EXPECT_EQ(format_address(socket_address(Target{parse_address("::ffff:10.99.0.1"), 1})),
              "[::ffff:10.99.0.1]:1");
    // The wire carries the longest one.
    const std::string longest =
        format_address(socket_address(Target{parse_address("ffff:ffff:ffff:ffff:ffff:ffff:ffff:"
                                                           "ffff"),
                                             65535}));
    EXPECT_EQ(longest, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
    EXPECT_TRUE(valid_label(longest));
}

TEST(TrafficSocket, PeerText) {
    EXPECT_EQ(peer_text(std::nullopt), "none");
    EXPECT_EQ(peer_text(socket_address(Target{parse_address("2001:db8:ff::5"), 40000})),
              "[2001:db8:ff::5]:40000");
    EXPECT_EQ(peer_text(socket_address(Target{Address::ipv4(10, 99, 0, 1), 40000})),
              "10.99.0.1:40000");
    // A failing getsockopt is "none", whatever the reason.
    EXPECT_EQ(toa_peer(-1), std::nullopt);
    EXPECT_EQ(peer_text(toa_peer(-1)), "none");
}

TEST(TrafficOptions, ConnectErrors) {
    EXPECT_EQ(error_of({"connect"}),
              "connect needs exactly one of --tcp ADDR:PORT and --udp ADDR:PORT");
    EXPECT_EQ(error_of({"connect", "--tcp", "10.0.0.1:1", "--udp", "10.0.0.1:1"}),
              "connect needs exactly one of --tcp ADDR:PORT and --udp ADDR:PORT");
    EXPECT_EQ(error_of({"connect", "--tcp", "10.0.0.1"}),
              "invalid --tcp '10.0.0.1': needs ADDR:PORT");
    EXPECT_EQ(error_of({"connect", "--tcp", "10.0.0.1:0"}), "invalid --tcp '10.0.0.1:0': port 0");
    EXPECT_NE(error_of({"connect", "--tcp", "10.0.0.300:1"}).find("invalid --tcp '10.0.0.300:1': "),
              std::string::npos);
    EXPECT_EQ(error_of({"connect", "--tcp", "10.0.0.1:1", "--count", "0"}),
              "invalid --count '0': must be an integer 1..1000000");
    EXPECT_EQ(error_of({"connect", "--tcp", "10.0.0.1:1", "--count", "12x"}),
              "invalid --count '12x': must be an integer 1..1000000");
    EXPECT_EQ(error_of({"connect", "--udp", "10.0.0.1:1", "--bytes", "65001"}),
              "invalid --bytes '65001': must be an integer 0..65000");
    EXPECT_EQ(error_of({"connect", "--tcp", "10.0.0.1:1", "--bytes", "1073741825"}),
              "invalid --bytes '1073741825': must be an integer 0..1073741824");
    EXPECT_EQ(error_of({"connect", "--tcp", "10.0.0.1:1", "--seed", "18446744073709551616"}),
              "invalid --seed '18446744073709551616': must be an integer "
              "0..18446744073709551615");
    EXPECT_EQ(error_of({"connect", "--tcp", "10.0.0.1:1", "--timeout-ms", "0"}),
              "invalid --timeout-ms '0': must be an integer 1..3600000");
    EXPECT_EQ(error_of({"connect", "--tcp", "10.0.0.1:1", "--parallel", "1025"}),
              "invalid --parallel '1025': must be an integer 1..1024");
    EXPECT_EQ(error_of({"connect", "--tcp", "10.0.0.1:1", "--count", "8", "--parallel", "4",
                        "--source-port-range", "40000-40002"}),
              "--source-port-range 40000-40002 has 3 ports, fewer than --parallel 4");
    EXPECT_EQ(error_of({"connect", "--tcp", "10.0.0.1:1", "--close", "abort"}),
              "invalid --close 'abort': must be fin or rst");
    EXPECT_EQ(error_of({"connect", "--tcp", "10.0.0.1:1", "--json", "--list-exchanges"}),
              "--list-exchanges is for the text report, not --json");
    EXPECT_NE(error_of({"connect", "--tcp", "10.0.0.1:1", "extra"}), "(accepted)");
    EXPECT_NE(error_of({"connect", "--tcp", "10.0.0.1:1", "--count"}), "(accepted)");
    EXPECT_NE(error_of({"connect", "--tcp", "10.0.0.1:1", "--count", "1", "--count", "2"}),
              "(accepted)");
}

TEST(TrafficOptions, PortRanges) {
    EXPECT_EQ(parse_port_range("40000-40010"), (PortRange{40000, 40010}));
    EXPECT_EQ(parse_port_range("1-65535").size(), 65535U);
    EXPECT_EQ(parse_port_range("5000"), (PortRange{5000, 5000}));
    EXPECT_EQ(parse_port_range("5000").size(), 1U);
    for (const char* bad :
         {"", "-", "0-10", "10-5", "1-65536", "a-b", "1-2-3", "100000-100001", " 1-2", "1-"})
        EXPECT_THROW(parse_port_range(bad), UsageError) << bad;
}

TEST(TrafficOptions, Stream) {
    auto stream = parse_as<StreamOptions>({"stream", "--tcp", "10.99.0.2:8001", "--seconds", "3"});
    EXPECT_EQ(stream.target, (Target{Address::ipv4(10, 99, 0, 2), 8001}));
    EXPECT_EQ(stream.seconds, 3U);
    EXPECT_EQ(stream.rate_kbps, 8000U);
    EXPECT_EQ(stream.seed, 1U);
    EXPECT_EQ(stream.timeout_ms, 5000U);
    EXPECT_FALSE(stream.json);
    stream = parse_as<StreamOptions>({"stream", "--tcp", "10.99.0.2:8001", "--seconds", "1",
                                      "--rate-kbps", "0", "--seed", "9", "--timeout-ms", "700",
                                      "--json"});
    EXPECT_EQ(stream.rate_kbps, 0U);
    EXPECT_EQ(stream.seed, 9U);
    EXPECT_EQ(stream.timeout_ms, 700U);
    EXPECT_TRUE(stream.json);

    EXPECT_EQ(error_of({"stream", "--seconds", "3"}), "stream needs --tcp ADDR:PORT");
    EXPECT_EQ(error_of({"stream", "--tcp", "10.0.0.1:1"}), "stream needs --seconds S");
    EXPECT_EQ(error_of({"stream", "--tcp", "10.0.0.1:1", "--seconds", "0"}),
              "invalid --seconds '0': must be an integer 1..86400");
    EXPECT_NE(error_of({"stream", "--udp", "10.0.0.1:1", "--seconds", "1"}), "(accepted)");
}

TEST(TrafficOptions, SubcommandsAndHelp) {
    EXPECT_NE(error_of({}), "(accepted)");
    EXPECT_EQ(error_of({"bogus"}),
              "unknown subcommand 'bogus' (serve, connect, stream, flow, garbage, udp-garbage or "
              "icmp-error)");
    EXPECT_NE(error_of({"serve", "--tcp", "1", "connect"}), "(accepted)");
    for (std::vector<std::string> args :
         {std::vector<std::string>{"--help"}, {"-h"}, {"connect", "--help"}}) {
        Invocation invocation = parse_arguments(args);
        const auto* help = std::get_if<HelpRequest>(&invocation);
        ASSERT_NE(help, nullptr);
        EXPECT_NE(help->text.find("connect"), std::string::npos) << help->text;
    }
    Invocation connect_help = parse_arguments({"connect", "--help"});
    EXPECT_NE(std::get<HelpRequest>(connect_help).text.find("--source-port-range"),
              std::string::npos);
    EXPECT_EQ(protocol_name(Protocol::Tcp), "tcp");
    EXPECT_EQ(protocol_name(Protocol::Udp), "udp");
}

// --- port pool ---------------------------------------------------------------------

TEST(TrafficPortPool, LeastRecentlyUsedFirst) {
    PortPool pool(PortRange{100, 102});
    EXPECT_EQ(pool.acquire(), 100);
    EXPECT_EQ(pool.acquire(), 101);
    pool.release(100);
    EXPECT_EQ(pool.acquire(), 102);
    EXPECT_EQ(pool.acquire(), 100);
    EXPECT_FALSE(pool.acquire());
    pool.release(101);
    EXPECT_EQ(pool.acquire(), 101);
}

TEST(TrafficPortPool, OnePortIsReused) {
    PortPool pool(PortRange{65535, 65535});
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(pool.acquire(), 65535);
        EXPECT_FALSE(pool.acquire());
        pool.release(65535);
    }
}

// --- garbage -----------------------------------------------------------------------

constexpr GarbageKind kAllGarbage[] = {GarbageKind::BadTcpDoff, GarbageKind::TcpDoffSmall,
                                       GarbageKind::L4Truncated, GarbageKind::BadUdpLength};

std::uint16_t be16(const Bytes& bytes, std::size_t at) {
    return static_cast<std::uint16_t>(bytes[at] << 8 | bytes[at + 1]);
}

Bytes garbage(GarbageKind kind, std::uint64_t seed = 1) {
    std::mt19937 random = garbage_random(seed);
    return garbage_packet(kind, Address::ipv4(10, 99, 0, 1),
                          Target{Address::ipv4(10, 99, 0, 2), 8001}, random);
}

TEST(TrafficGarbage, InternetChecksum) {
    // The example header of RFC 1071's usual illustration (checksum b861).
    Bytes header = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                    0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    EXPECT_EQ(internet_checksum(header), 0xb861);
    header[10] = 0xb8;
    header[11] = 0x61;
    EXPECT_EQ(internet_checksum(header), 0);
    // An odd length pads with a zero byte; a starting sum is added in.
    EXPECT_EQ(internet_checksum(Bytes{0x12, 0x34, 0x56}), static_cast<std::uint16_t>(~0x6834));
    EXPECT_EQ(internet_checksum(Bytes{}, 0x1234), static_cast<std::uint16_t>(~0x1234));
    EXPECT_EQ(internet_checksum(Bytes{0xff, 0xff, 0x00, 0x01}),
              static_cast<std::uint16_t>(~0x0001));
}

TEST(TrafficGarbage, ValidIpHeaders) {
    for (GarbageKind kind : kAllGarbage) {
        SCOPED_TRACE(std::string(garbage_kind_name(kind)));
        Bytes packet = garbage(kind);
        ASSERT_GE(packet.size(), kIpv4HeaderSize);
        EXPECT_EQ(packet[0], 0x45); // version 4, IHL 5
        EXPECT_EQ(be16(packet, 2), packet.size());
        EXPECT_NE(be16(packet, 4), 0);      // id
        EXPECT_EQ(be16(packet, 6), 0x4000); // DF, no MF, offset 0: not a fragment
        EXPECT_EQ(packet[8], 64);
        EXPECT_EQ(internet_checksum(Bytes(packet.begin(), packet.begin() + 20)), 0);
        EXPECT_EQ(Bytes(packet.begin() + 12, packet.begin() + 16), (Bytes{10, 99, 0, 1}));
        EXPECT_EQ(Bytes(packet.begin() + 16, packet.begin() + 20), (Bytes{10, 99, 0, 2}));
        // Every L4 part holds the ports, the source port drawn from 1024..65535.
        EXPECT_GE(be16(packet, 20), 1024);
        EXPECT_EQ(be16(packet, 22), 8001);
    }
}

TEST(TrafficGarbage, TcpDataOffsets) {
    Bytes big = garbage(GarbageKind::BadTcpDoff);
    ASSERT_EQ(big.size(), 20U + 20U);
    EXPECT_EQ(big[9], 6);              // TCP
    EXPECT_EQ(big[32] >> 4, 15);       // 60 bytes of header...
    EXPECT_GT((big[32] >> 4) * 4, 20); // ...beyond the 20-byte segment
    EXPECT_EQ(big[33], 0x02);          // SYN
    Bytes small = garbage(GarbageKind::TcpDoffSmall);
    ASSERT_EQ(small.size(), 40U);
    EXPECT_EQ(small[9], 6);
    EXPECT_EQ(small[32] >> 4, 4); // below the minimum 5
    EXPECT_EQ(small[33], 0x02);
    // The TCP checksum is right: only the data offset is wrong.
    for (const Bytes& packet : {big, small}) {
        std::uint32_t pseudo = 0x0a63 + 0x0001 + 0x0a63 + 0x0002 + 6 + 20;
        EXPECT_EQ(internet_checksum(Bytes(packet.begin() + 20, packet.end()), pseudo), 0);
    }
}

TEST(TrafficGarbage, L4Truncated) {
    Bytes packet = garbage(GarbageKind::L4Truncated);
    ASSERT_EQ(packet.size(), 20U + 10U);
    EXPECT_EQ(packet[9], 6); // TCP, which needs 20 bytes
    EXPECT_EQ(be16(packet, 2) - 20, 10);
}

TEST(TrafficGarbage, BadUdpLength) {
    Bytes packet = garbage(GarbageKind::BadUdpLength);
    ASSERT_EQ(packet.size(), 20U + 8U + 20U);
    EXPECT_EQ(packet[9], 17);
    EXPECT_EQ(be16(packet, 24), 200);      // UDP length...
    EXPECT_NE(be16(packet, 24), 8U + 20U); // ...not the IP payload's
    EXPECT_GT(be16(packet, 24), be16(packet, 2) - 20);
    EXPECT_EQ(be16(packet, 26), 0); // no checksum
}

TEST(TrafficGarbage, SeededAndVaried) {
    for (GarbageKind kind : kAllGarbage) {
        EXPECT_EQ(garbage(kind, 7), garbage(kind, 7));
        EXPECT_NE(garbage(kind, 7), garbage(kind, 8));
        EXPECT_NE(garbage(kind, 7), garbage(kind, 7ULL | 1ULL << 32)); // all 64 bits count
    }
    std::mt19937 random = garbage_random(1);
    Target target{Address::ipv4(10, 0, 0, 2), 80};
    Bytes first =
        garbage_packet(GarbageKind::BadTcpDoff, Address::ipv4(10, 0, 0, 1), target, random);
    Bytes second =
        garbage_packet(GarbageKind::BadTcpDoff, Address::ipv4(10, 0, 0, 1), target, random);
    EXPECT_NE(first, second);
    for (int i = 0; i < 1000; ++i) {
        Bytes packet =
            garbage_packet(GarbageKind::BadUdpLength, Address::ipv4(10, 0, 0, 1), target, random);
        EXPECT_GE(be16(packet, 20), 1024);
        EXPECT_EQ(be16(packet, 22), 80);
        EXPECT_EQ(internet_checksum(Bytes(packet.begin(), packet.begin() + 20)), 0);
    }
    Target v6{parse_address("2001:db8::1"), 80};
    EXPECT_THROW(garbage_packet(GarbageKind::BadTcpDoff, Address::ipv4(10, 0, 0, 1), v6, random),
                 std::invalid_argument);
}

TEST(TrafficOptions, Garbage) {
    auto options = parse_as<GarbageOptions>(
        {"garbage", "--to", "10.99.0.100:80", "--count", "5", "--kind", "bad-tcp-doff"});
    EXPECT_EQ(options.target, (Target{Address::ipv4(10, 99, 0, 100), 80}));
    EXPECT_EQ(options.count, 5U);
    EXPECT_EQ(options.kind, GarbageKind::BadTcpDoff);
    EXPECT_EQ(options.seed, 1U);
    for (GarbageKind kind : kAllGarbage) {
        options = parse_as<GarbageOptions>({"garbage", "--to", "10.0.0.1:53", "--count", "1000000",
                                            "--kind", std::string(garbage_kind_name(kind)),
                                            "--seed", "42"});
        EXPECT_EQ(options.kind, kind);
        EXPECT_EQ(options.count, 1000000U);
        EXPECT_EQ(options.seed, 42U);
    }

    std::vector<std::string> good = {"--to", "10.0.0.1:80", "--count",
                                     "1",    "--kind",      "l4-truncated"};
    auto with = [&](std::vector<std::string> args) {
        args.insert(args.begin(), "garbage");
        return error_of(args);
    };
    EXPECT_EQ(with({"--count", "1", "--kind", "l4-truncated"}), "garbage needs --to ADDR:PORT");
    EXPECT_EQ(with({"--to", "10.0.0.1:80", "--kind", "l4-truncated"}), "garbage needs --count N");
    EXPECT_EQ(with({"--to", "10.0.0.1:80", "--count", "1"}), "garbage needs --kind KIND");
    EXPECT_EQ(with({"--to", "10.0.0.1", "--count", "1", "--kind", "l4-truncated"}),
              "invalid --to '10.0.0.1': needs ADDR:PORT");
    EXPECT_EQ(with({"--to", "[::1]:80", "--count", "1", "--kind", "l4-truncated"}),
              "invalid --to '[::1]:80': garbage sends IPv4 only");
    EXPECT_EQ(with({"--to", "10.0.0.1:80", "--count", "0", "--kind", "l4-truncated"}),
              "invalid --count '0': must be an integer 1..1000000");
    EXPECT_EQ(with({"--to", "10.0.0.1:80", "--count", "1000001", "--kind", "l4-truncated"}),
              "invalid --count '1000001': must be an integer 1..1000000");
    EXPECT_EQ(with({"--to", "10.0.0.1:80", "--count", "1", "--kind", "bad-ip"}),
              "invalid --kind 'bad-ip': must be bad-tcp-doff, tcp-doff-small, l4-truncated or "
              "bad-udp-length");
    EXPECT_EQ(
        with({"--to", "10.0.0.1:80", "--count", "1", "--kind", "l4-truncated", "--seed", "x"}),
        "invalid --seed 'x': must be an integer 0..18446744073709551615");
    EXPECT_EQ(error_of({"garbage"}), "garbage needs --to ADDR:PORT");
    EXPECT_EQ(with(good), "(accepted)");
    good.push_back("--bytes");
    good.push_back("10");
    EXPECT_NE(with(good), "(accepted)");

    Invocation help = parse_arguments({"garbage", "--help"});
    EXPECT_NE(std::get<HelpRequest>(help).text.find("--kind"), std::string::npos);
    Invocation all_help = parse_arguments({"--help"});
    EXPECT_NE(std::get<HelpRequest>(all_help).text.find("garbage"), std::string::npos);
    EXPECT_NE(std::get<HelpRequest>(all_help).text.find("bad_udp_length"), std::string::npos);
}

// --- flow --------------------------------------------------------------------------

TEST(TrafficOptions, Flow) {
    auto flow = parse_as<FlowOptions>({"flow", "--udp", "10.99.0.2:80", "--seconds", "10"});
    EXPECT_EQ(flow.target, (Target{Address::ipv4(10, 99, 0, 2), 80}));
    EXPECT_EQ(flow.seconds, 10U);
    EXPECT_EQ(flow.interval_ms, 20U);
    EXPECT_EQ(flow.bytes, 100U);
    EXPECT_EQ(flow.seed, 1U);
    EXPECT_EQ(flow.max_lost, 0U);
    EXPECT_EQ(flow.timeout_ms, 5000U);
    EXPECT_FALSE(flow.source_port);
    EXPECT_EQ(flow_datagrams(flow), 500U);

    flow = parse_as<FlowOptions>({"flow", "--udp", "[2001:db8::1]:53", "--seconds", "3",
                                  "--interval-ms", "7", "--bytes", "65000", "--seed", "9",
                                  "--max-lost", "25", "--timeout-ms", "1500", "--source-port",
                                  "40000"});
    EXPECT_TRUE(flow.target.address.is_ipv6());
    EXPECT_EQ(flow.interval_ms, 7U);
    EXPECT_EQ(flow.bytes, 65000U);
    EXPECT_EQ(flow.seed, 9U);
    EXPECT_EQ(flow.max_lost, 25U);
    EXPECT_EQ(flow.timeout_ms, 1500U);
    EXPECT_EQ(flow.source_port, 40000);
    EXPECT_EQ(flow_datagrams(flow), 428U); // 3000 / 7, rounded down

    // An interval longer than the flow still sends one datagram.
    flow = parse_as<FlowOptions>(
        {"flow", "--udp", "10.0.0.1:1", "--seconds", "1", "--interval-ms", "60000"});
    EXPECT_EQ(flow_datagrams(flow), 1U);

    auto with = [&](std::vector<std::string> args) {
        args.insert(args.begin(), "flow");
        return error_of(args);
    };
    EXPECT_EQ(with({"--seconds", "1"}), "flow needs --udp ADDR:PORT");
    EXPECT_EQ(with({"--udp", "10.0.0.1:1"}), "flow needs --seconds S");
    EXPECT_EQ(with({"--udp", "10.0.0.1", "--seconds", "1"}),
              "invalid --udp '10.0.0.1': needs ADDR:PORT");
    EXPECT_EQ(with({"--udp", "10.0.0.1:1", "--seconds", "0"}),
              "invalid --seconds '0': must be an integer 1..86400");
    EXPECT_EQ(with({"--udp", "10.0.0.1:1", "--seconds", "1", "--interval-ms", "0"}),
              "invalid --interval-ms '0': must be an integer 1..60000");
    EXPECT_EQ(with({"--udp", "10.0.0.1:1", "--seconds", "86400", "--interval-ms", "1"}),
              "--seconds 86400 at --interval-ms 1 is more than 10000000 datagrams");
    EXPECT_EQ(with({"--udp", "10.0.0.1:1", "--seconds", "1", "--bytes", "65001"}),
              "invalid --bytes '65001': must be an integer 0..65000");
    EXPECT_EQ(with({"--udp", "10.0.0.1:1", "--seconds", "1", "--max-lost", "-1"}),
              "invalid --max-lost '-1': must be an integer 0..10000000");
    EXPECT_EQ(with({"--udp", "10.0.0.1:1", "--seconds", "1", "--timeout-ms", "0"}),
              "invalid --timeout-ms '0': must be an integer 1..3600000");
    EXPECT_EQ(with({"--udp", "10.0.0.1:1", "--seconds", "1", "--source-port", "0"}),
              "invalid --source-port '0': must be an integer 1..65535");
    EXPECT_NE(with({"--tcp", "10.0.0.1:1", "--seconds", "1"}), "(accepted)");

    Invocation help = parse_arguments({"flow", "--help"});
    EXPECT_NE(std::get<HelpRequest>(help).text.find("--max-lost"), std::string::npos);
    Invocation all_help = parse_arguments({"--help"});
    EXPECT_NE(std::get<HelpRequest>(all_help).text.find("flow ok: "), std::string::npos);
}

TEST(TrafficFlow, EveryDatagramAnswered) {
    FlowLedger ledger;
    EXPECT_TRUE(ledger.all_answered());
    EXPECT_EQ(ledger.longest_gap_us(0), 0U);
    for (std::uint32_t seq = 0; seq < 5; ++seq) {
        ledger.sent(seq * 20000);
        EXPECT_EQ(ledger.answered(seq, seq * 20000 + 1000), FlowLedger::Answer::New);
    }
    EXPECT_EQ(ledger.sent_count(), 5U);
    EXPECT_EQ(ledger.received(), 5U);
    EXPECT_EQ(ledger.lost(), 0U);
    EXPECT_TRUE(ledger.all_answered());
    EXPECT_EQ(ledger.last_answer_us(), 81000U);
    EXPECT_EQ(ledger.longest_gap_us(80000), 20000U);
    EXPECT_EQ(ledger.lost_ranges(), "");
    EXPECT_EQ(ledger.longest_loss_run(), 0U);
}

TEST(TrafficFlow, LossDuringASwitch) {
    FlowLedger ledger;
    // 20 datagrams every 20 ms; 6..9 and 15 go unanswered, the rest are
    // answered 1 ms after they go out.
    for (std::uint32_t seq = 0; seq < 20; ++seq) {
        ledger.sent(seq * 20000);
        bool lost = (seq >= 6 && seq <= 9) || seq == 15;
        if (!lost)
            ledger.answered(seq, seq * 20000 + 1000);
        EXPECT_EQ(ledger.all_answered(), seq < 6) << seq;
    }
    EXPECT_EQ(ledger.received(), 15U);
    EXPECT_EQ(ledger.lost(), 5U);
    EXPECT_EQ(ledger.lost_ranges(), "6-9, 15");
    EXPECT_EQ(ledger.lost_ranges(1), "6-9, ...");
    EXPECT_EQ(ledger.longest_loss_run(), 4U);
    // 5 answered at 101 ms, 10 at 201 ms.
    EXPECT_EQ(ledger.longest_gap_us(380000), 100000U);
    // A late answer still counts; the gaps are by arrival.
    EXPECT_EQ(ledger.answered(15, 450000), FlowLedger::Answer::New);
    EXPECT_EQ(ledger.lost(), 4U);
    EXPECT_EQ(ledger.lost_ranges(), "6-9");
    EXPECT_EQ(ledger.last_answer_us(), 450000U);
    EXPECT_EQ(ledger.longest_gap_us(380000), 100000U);
}

TEST(TrafficFlow, SilenceAtTheStartAndTheEnd) {
    FlowLedger ledger;
    for (std::uint32_t seq = 0; seq < 10; ++seq)
        ledger.sent(seq * 10000);
    EXPECT_EQ(ledger.lost(), 10U);
    EXPECT_EQ(ledger.lost_ranges(), "0-9");
    EXPECT_EQ(ledger.longest_gap_us(90000), 90000U); // no answer at all
    ledger.answered(3, 35000);
    EXPECT_EQ(ledger.longest_gap_us(90000), 55000U); // the tail
    EXPECT_EQ(ledger.longest_gap_us(40000), 35000U); // the start
    EXPECT_EQ(ledger.lost_ranges(), "0-2, 4-9");
    EXPECT_EQ(ledger.longest_loss_run(), 6U);
}

TEST(TrafficFlow, DuplicateAndUnknownAnswers) {
    FlowLedger ledger;
    ledger.sent(0);
    ledger.sent(20000);
    EXPECT_EQ(ledger.answered(1, 21000), FlowLedger::Answer::New);
    EXPECT_EQ(ledger.answered(1, 22000), FlowLedger::Answer::Duplicate);
    EXPECT_EQ(ledger.answered(2, 22000), FlowLedger::Answer::Unknown);
    EXPECT_EQ(ledger.received(), 1U);
    EXPECT_EQ(ledger.lost_ranges(), "0");
    // An answer out of order does not move the last answer back.
    EXPECT_EQ(ledger.answered(0, 20500), FlowLedger::Answer::New);
    EXPECT_EQ(ledger.last_answer_us(), 21000U);
    EXPECT_EQ(ledger.longest_gap_us(20000), 21000U);
}

TEST(TrafficFlow, StaysOnOneServer) {
    FlowServer server;
    EXPECT_EQ(server.check(0, "rs1", "10.0.1.2:40000"), "");
    EXPECT_EQ(server.check(1, "rs1", "10.0.1.2:40000"), "");
    EXPECT_EQ(server.name(), "rs1");
    // Another peer (FULLNAT: another local address or port) is noted, not refused.
    EXPECT_EQ(server.check(2, "rs1", "10.0.6.101:20001"), "");
    EXPECT_EQ(server.peers(), (std::vector<std::string>{"10.0.1.2:40000", "10.0.6.101:20001"}));
    EXPECT_EQ(server.check(3, "rs2", "10.0.1.2:40000"),
              "datagram 3 answered by rs2, the flow's earlier datagrams by rs1");
    EXPECT_EQ(server.name(), "rs1");
}

// --- udp-garbage -------------------------------------------------------------------

constexpr UdpGarbageKind kAllUdpGarbage[] = {
    UdpGarbageKind::Random, UdpGarbageKind::SyncShort, UdpGarbageKind::SyncVersion,
    UdpGarbageKind::SyncLength, UdpGarbageKind::SyncRecord};

std::uint64_t be_n(const Bytes& bytes, std::size_t at, std::size_t n) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < n; ++i)
        value = value << 8 | bytes[at + i];
    return value;
}

// The header fields every sync-* kind with a header carries.
void expect_sync_header(const Bytes& bytes, const SyncHeaderFields& header) {
    ASSERT_GE(bytes.size(), kSyncHeaderSize);
    EXPECT_EQ(bytes[1], 0) << "flags";
    EXPECT_EQ(bytes[4], header.syncid);
    EXPECT_EQ(bytes[5], 0) << "mac_len";
    EXPECT_EQ(be_n(bytes, 8, 4), header.sender);
    EXPECT_EQ(be_n(bytes, 12, 4), 0U) << "reserved";
    EXPECT_EQ(be_n(bytes, 16, 8), header.seq);
    EXPECT_EQ(be_n(bytes, 24, 8), header.time_ms);
}

TEST(TrafficUdpGarbage, SyncKinds) {
    SyncHeaderFields header{7, 0xdeadbeef, 3, 1700000000123ULL};
    std::mt19937 random = garbage_random(1);
    for (int i = 0; i < 200; ++i) {
        Bytes short_one = udp_garbage_datagram(UdpGarbageKind::SyncShort, header, random);
        ASSERT_GE(short_one.size(), 1U);
        ASSERT_LT(short_one.size(), kSyncHeaderSize);
        EXPECT_EQ(short_one[0], kSyncVersion);

        Bytes version = udp_garbage_datagram(UdpGarbageKind::SyncVersion, header, random);
        ASSERT_EQ(version.size(), kSyncHeaderSize);
        EXPECT_NE(version[0], kSyncVersion);
        EXPECT_EQ(be_n(version, 2, 2), kSyncHeaderSize) << "length";
        EXPECT_EQ(be_n(version, 6, 2), 0U) << "count";
        expect_sync_header(version, header);

        Bytes random_one = udp_garbage_datagram(UdpGarbageKind::Random, header, random);
        EXPECT_GE(random_one.size(), 1U);
        EXPECT_LE(random_one.size(), kUdpGarbageMaxRandom);
    }

    Bytes length = udp_garbage_datagram(UdpGarbageKind::SyncLength, header, random);
    ASSERT_EQ(length.size(), kSyncHeaderSize + 8);
    EXPECT_EQ(length[0], kSyncVersion);
    EXPECT_EQ(be_n(length, 2, 2), kSyncHeaderSize + 4);
    EXPECT_EQ(be_n(length, 6, 2), 0U);
    expect_sync_header(length, header);

    Bytes record = udp_garbage_datagram(UdpGarbageKind::SyncRecord, header, random);
    ASSERT_EQ(record.size(), kSyncHeaderSize + 4);
    EXPECT_EQ(record[0], kSyncVersion);
    EXPECT_EQ(be_n(record, 2, 2), record.size());
    EXPECT_EQ(be_n(record, 6, 2), 1U) << "one record";
    expect_sync_header(record, header);
    EXPECT_EQ(record[32], kSyncUnknownRecord);
    EXPECT_EQ(record[33], 0);
    EXPECT_EQ(be_n(record, 34, 2), 4U);
}

TEST(TrafficUdpGarbage, SeededAndVaried) {
    SyncHeaderFields header{0, 1, 1, 0};
    for (UdpGarbageKind kind : kAllUdpGarbage) {
        std::mt19937 a = garbage_random(5);
        std::mt19937 b = garbage_random(5);
        EXPECT_EQ(udp_garbage_datagram(kind, header, a), udp_garbage_datagram(kind, header, b))
            << udp_garbage_kind_name(kind);
    }
    std::mt19937 random = garbage_random(5);
    std::set<std::size_t> sizes;
    std::set<std::uint8_t> versions;
    for (int i = 0; i < 100; ++i) {
        sizes.insert(udp_garbage_datagram(UdpGarbageKind::Random, header, random).size());
        versions.insert(udp_garbage_datagram(UdpGarbageKind::SyncVersion, header, random)[0]);
    }
    EXPECT_GT(sizes.size(), 50U);
    EXPECT_GT(versions.size(), 50U);
}

TEST(TrafficOptions, UdpGarbage) {
    auto options = parse_as<UdpGarbageOptions>(
        {"udp-garbage", "--to", "224.0.0.83:8849", "--count", "300", "--kind", "random"});
    EXPECT_EQ(options.target, (Target{Address::ipv4(224, 0, 0, 83), 8849}));
    EXPECT_EQ(options.count, 300U);
    EXPECT_EQ(options.kind, UdpGarbageKind::Random);
    EXPECT_EQ(options.seed, 1U);
    EXPECT_EQ(options.syncid, 0);
    for (UdpGarbageKind kind : kAllUdpGarbage) {
        options = parse_as<UdpGarbageOptions>({"udp-garbage", "--to", "10.0.0.1:53", "--count", "1",
                                               "--kind", std::string(udp_garbage_kind_name(kind)),
                                               "--seed", "42", "--syncid", "255"});
        EXPECT_EQ(options.kind, kind);
        EXPECT_EQ(options.seed, 42U);
        EXPECT_EQ(options.syncid, 255);
    }
    auto with = [&](std::vector<std::string> args) {
        args.insert(args.begin(), "udp-garbage");
        return error_of(args);
    };
    EXPECT_EQ(with({"--count", "1", "--kind", "random"}), "udp-garbage needs --to ADDR:PORT");
    EXPECT_EQ(with({"--to", "10.0.0.1:1", "--kind", "random"}), "udp-garbage needs --count N");
    EXPECT_EQ(with({"--to", "10.0.0.1:1", "--count", "1"}), "udp-garbage needs --kind KIND");
    EXPECT_EQ(with({"--to", "10.0.0.1:1", "--count", "1", "--kind", "sync"}),
              "invalid --kind 'sync': must be random, sync-short, sync-version, sync-length or "
              "sync-record");
    EXPECT_EQ(with({"--to", "10.0.0.1:1", "--count", "1", "--kind", "random", "--syncid", "256"}),
              "invalid --syncid '256': must be an integer 0..255");
    EXPECT_EQ(with({"--to", "10.0.0.1:1", "--count", "0", "--kind", "random"}),
              "invalid --count '0': must be an integer 1..1000000");
    Invocation help = parse_arguments({"--help"});
    EXPECT_NE(std::get<HelpRequest>(help).text.find("sync-record"), std::string::npos);
}

// --- icmp-error --------------------------------------------------------------------

TEST(TrafficIcmpError, Options) {
    auto options =
        parse_as<IcmpErrorOptions>({"icmp-error", "--quoted-from", "10.0.0.100:80", "--quoted-to",
                                    "10.0.1.2:40000", "--seq", "4294967295", "--mtu", "1200"});
    EXPECT_EQ(options.quoted_from, (Target{Address::ipv4(10, 0, 0, 100), 80}));
    EXPECT_EQ(options.quoted_to, (Target{Address::ipv4(10, 0, 1, 2), 40000}));
    EXPECT_EQ(options.seq, 4294967295U);
    EXPECT_EQ(options.mtu, 1200U);
    auto with = [&](std::vector<std::string> args) {
        args.insert(args.begin(), "icmp-error");
        return error_of(args);
    };
    const std::vector<std::string> v4 = {"--quoted-from", "10.0.0.100:80", "--quoted-to",
                                         "10.0.1.2:40000"};
    auto v4_with = [&](std::vector<std::string> more) {
        std::vector<std::string> args = v4;
        args.insert(args.end(), more.begin(), more.end());
        return with(args);
    };
    EXPECT_EQ(with({"--quoted-to", "10.0.1.2:1", "--seq", "1", "--mtu", "1200"}),
              "icmp-error needs --quoted-from ADDR:PORT");
    EXPECT_EQ(with({"--quoted-from", "10.0.1.2:1", "--seq", "1", "--mtu", "1200"}),
              "icmp-error needs --quoted-to ADDR:PORT");
    EXPECT_EQ(v4_with({"--mtu", "1200"}), "icmp-error needs --seq N");
    EXPECT_EQ(v4_with({"--seq", "1"}), "icmp-error needs --mtu M");
    EXPECT_EQ(v4_with({"--seq", "4294967296", "--mtu", "1200"}),
              "invalid --seq '4294967296': must be an integer 0..4294967295");
    EXPECT_EQ(v4_with({"--seq", "1", "--mtu", "67"}),
              "invalid --mtu '67': must be an integer 68..1499");
    EXPECT_EQ(v4_with({"--seq", "1", "--mtu", "1500"}),
              "invalid --mtu '1500': must be an integer 68..1499");
    EXPECT_EQ(with({"--quoted-from", "[2001:db8::1]:80", "--quoted-to", "[2001:db8:1::2]:1",
                    "--seq", "1", "--mtu", "1279"}),
              "invalid --mtu '1279': must be an integer 1280..1499");
    EXPECT_EQ(with({"--quoted-from", "[2001:db8::1]:80", "--quoted-to", "10.0.1.2:1", "--seq", "1",
                    "--mtu", "1280"}),
              "--quoted-from '[2001:db8::1]:80' and --quoted-to '10.0.1.2:1' are of different "
              "families");
    EXPECT_NE(v4_with({"--seq", "1", "--mtu", "1200", "--count", "2"}), "(accepted)")
        << "an option of another subcommand is refused";
}

TEST(TrafficIcmpError, FragmentationNeeded) {
    IcmpErrorOptions options{Target{Address::ipv4(10, 0, 0, 100), 80},
                             Target{Address::ipv4(10, 0, 1, 2), 40000}, 0x01020304, 1200};
    Bytes message = icmp_error_message(options);
    ASSERT_EQ(message.size(), 8U + 20U + 20U);
    EXPECT_EQ(message[0], 3); // destination unreachable
    EXPECT_EQ(message[1], 4); // fragmentation needed
    EXPECT_EQ(internet_checksum(message), 0);
    EXPECT_EQ(be16(message, 4), 0);    // unused
    EXPECT_EQ(be16(message, 6), 1200); // next-hop MTU
    // The quoted IP header: valid, 1500 bytes long, DF, TCP, the addresses.
    EXPECT_EQ(message[8], 0x45);
    EXPECT_EQ(be16(message, 10), kIcmpQuotedLength);
    EXPECT_EQ(be16(message, 14), 0x4000);
    EXPECT_EQ(message[17], 6);
    EXPECT_EQ(internet_checksum(Bytes(message.begin() + 8, message.begin() + 28)), 0);
    EXPECT_EQ(Bytes(message.begin() + 20, message.begin() + 24), (Bytes{10, 0, 0, 100}));
    EXPECT_EQ(Bytes(message.begin() + 24, message.begin() + 28), (Bytes{10, 0, 1, 2}));
    // The quoted TCP header: ports, sequence number, data offset 5, ACK.
    EXPECT_EQ(be16(message, 28), 80);
    EXPECT_EQ(be16(message, 30), 40000);
    EXPECT_EQ(Bytes(message.begin() + 32, message.begin() + 36), (Bytes{1, 2, 3, 4}));
    EXPECT_EQ(message[40], 0x50);
    EXPECT_NE(message[41] & 0x10, 0);
}

TEST(TrafficIcmpError, PacketTooBig) {
    IcmpErrorOptions options{Target{parse_address("2001:db8::1"), 80},
                             Target{parse_address("2001:db8:1::2"), 40001}, 0xfffffffe, 1400};
    Bytes message = icmp_error_message(options);
    ASSERT_EQ(message.size(), 8U + 40U + 20U);
    EXPECT_EQ(message[0], 2); // packet too big
    EXPECT_EQ(message[1], 0);
    EXPECT_EQ(be16(message, 2), 0); // the kernel's to fill in
    EXPECT_EQ(be16(message, 4), 0);
    EXPECT_EQ(be16(message, 6), 1400); // MTU, 32 bits
    EXPECT_EQ(message[8] >> 4, 6);
    EXPECT_EQ(be16(message, 12), kIcmpQuotedLength - 40);
    EXPECT_EQ(message[14], 6); // next header: TCP
    EXPECT_EQ(
        Bytes(message.begin() + 16, message.begin() + 32),
        Bytes(options.quoted_from.address.bytes.begin(), options.quoted_from.address.bytes.end()));
    EXPECT_EQ(
        Bytes(message.begin() + 32, message.begin() + 48),
        Bytes(options.quoted_to.address.bytes.begin(), options.quoted_to.address.bytes.end()));
    EXPECT_EQ(be16(message, 48), 80);
    EXPECT_EQ(be16(message, 50), 40001);
    EXPECT_EQ(Bytes(message.begin() + 52, message.begin() + 56), (Bytes{0xff, 0xff, 0xff, 0xfe}));
}

} // namespace
} // namespace fnat::traffic

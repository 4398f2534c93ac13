// The command lines of the benchmark tools: what each accepts, its
// defaults, and what it refuses before opening a socket.
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "bench/arguments.h"
#include "bench/endpoint.h"
#include "bench/load_options.h"
#include "bench/server_options.h"
#include "bench/udp_options.h"

namespace fnat::bench {
namespace {

using Args = std::vector<std::string>;

ServerOptions server(const Args& args, std::uint32_t cpus = 2) {
    return std::get<ServerOptions>(parse_server_arguments(args, cpus));
}

LoadOptions load(const Args& args) {
    return std::get<LoadOptions>(parse_load_arguments(args));
}

UdpOptions udp(const Args& args) {
    return std::get<UdpOptions>(parse_udp_arguments(args));
}

// --- values and endpoints ----------------------------------------------------

TEST(BenchArguments, Numbers) {
    EXPECT_EQ(parse_number("--n", "0", 0, 10), 0U);
    EXPECT_EQ(parse_number("--n", "10", 0, 10), 10U);
    EXPECT_EQ(parse_number("--n", "18446744073709551615", 0, UINT64_MAX), UINT64_MAX);
    for (const char* bad : {"", "-1", "+1", "1.5", " 1", "11", "0x5", "18446744073709551616"})
        EXPECT_THROW(parse_number("--n", bad, 0, 10), UsageError) << bad;
}

TEST(BenchArguments, Seconds) {
    EXPECT_DOUBLE_EQ(parse_seconds("--d", "5", 0, 10), 5.0);
    EXPECT_DOUBLE_EQ(parse_seconds("--d", "0.25", 0, 10), 0.25);
    EXPECT_DOUBLE_EQ(parse_seconds("--d", ".5", 0, 10), 0.5);
    EXPECT_DOUBLE_EQ(parse_seconds("--d", "2.", 0, 10), 2.0);
    for (const char* bad : {"", ".", "-1", "1e3", "inf", "nan", "1.2.3", "11", "0x1", "1 "})
        EXPECT_THROW(parse_seconds("--d", bad, 0, 10), UsageError) << bad;
    EXPECT_THROW(parse_seconds("--d", "0", 0.001, 10), UsageError);
}

TEST(BenchEndpoint, Parses) {
    Endpoint v4 = parse_endpoint("10.0.0.1:80");
    EXPECT_EQ(v4.family(), AF_INET);
    EXPECT_EQ(v4.ipv4(), 0x0a000001U);
    EXPECT_EQ(v4.port(), 80);
    EXPECT_EQ(v4.length, sizeof(sockaddr_in));
    EXPECT_EQ(to_string(v4), "10.0.0.1:80");
    Endpoint v6 = parse_endpoint("[2001:db8::1]:65535");
    EXPECT_EQ(v6.family(), AF_INET6);
    EXPECT_EQ(v6.port(), 65535);
    EXPECT_EQ(to_string(v6), "[2001:db8::1]:65535");
}

TEST(BenchEndpoint, Refuses) {
    for (const char* bad :
         {"", "10.0.0.1", "10.0.0.1:", "10.0.0.1:0", "10.0.0.1:65536", "10.0.0.1:http",
          "localhost:80", "10.0.0:80", "10.0.0.256:80", "2001:db8::1:80", "[2001:db8::1]80",
          "[2001:db8::1]", "[10.0.0.1]:80", ":80", "10.0.0.1:-1"})
        EXPECT_THROW(parse_endpoint(bad), EndpointError) << bad;
    EXPECT_EQ(parse_ipv4("127.1.0.0"), 0x7f010000U);
    EXPECT_EQ(parse_ipv4("127.1"), std::nullopt);
}

// --- fnat-bench-server -------------------------------------------------------

TEST(BenchOptions, ServerDefaults) {
    ServerOptions options = server({"--tcp", "9000"}, 3);
    EXPECT_EQ(options.tcp_port, 9000);
    EXPECT_EQ(options.udp_port, std::nullopt);
    EXPECT_EQ(options.threads, 3U);
    EXPECT_EQ(options.request_bytes, 64U);
    EXPECT_EQ(options.response_bytes, 128U);
    EXPECT_EQ(options.max_seconds, 3600U);
}

TEST(BenchOptions, ServerAll) {
    ServerOptions options = server({"--tcp", "1", "--udp", "65535", "--threads", "4", "--response",
                                    "0", "--request", "1000", "--max-seconds", "10"});
    EXPECT_EQ(options.tcp_port, 1);
    EXPECT_EQ(options.udp_port, 65535);
    EXPECT_EQ(options.threads, 4U);
    EXPECT_EQ(options.response_bytes, 0U);
    EXPECT_EQ(options.request_bytes, 1000U);
    EXPECT_EQ(options.max_seconds, 10U);
}

TEST(BenchOptions, ServerRefuses) {
    for (const Args& bad :
         {Args{}, Args{"--tcp", "0"}, Args{"--udp", "65536"}, Args{"--tcp", "80", "--threads", "0"},
          Args{"--tcp", "80", "--bogus"}, Args{"--tcp", "80", "--max-seconds", "0"},
          Args{"--tcp", "80", "--response", "-1"}, Args{"extra"}})
        EXPECT_THROW(parse_server_arguments(bad, 2), UsageError) << ::testing::PrintToString(bad);
}

TEST(BenchOptions, ServerHelp) {
    auto invocation = parse_server_arguments({"--help"}, 2);
    ASSERT_TRUE(std::holds_alternative<HelpRequest>(invocation));
    EXPECT_NE(std::get<HelpRequest>(invocation).text.find("--max-seconds"), std::string::npos);
}

// --- fnat-bench-load ---------------------------------------------------------

TEST(BenchOptions, LoadDefaults) {
    LoadOptions options = load({"--target", "10.0.0.1:80"});
    ASSERT_EQ(options.targets.size(), 1U);
    EXPECT_EQ(to_string(options.targets[0]), "10.0.0.1:80");
    EXPECT_EQ(options.threads, 2U);
    EXPECT_EQ(options.concurrency, 32U);
    EXPECT_DOUBLE_EQ(options.duration, 5.0);
    EXPECT_EQ(options.max_conns, 10000000U);
    EXPECT_EQ(options.request_bytes, 64U);
    EXPECT_EQ(options.response_bytes, 128U);
    EXPECT_EQ(options.timeout_ms, 3000U);
    EXPECT_DOUBLE_EQ(options.warmup, 0.0);
}

TEST(BenchOptions, LoadAll) {
    LoadOptions options =
        load({"--target",     "10.0.0.1:80", "--target",      "[2001:db8::2]:8080",
              "--threads",    "4",           "--concurrency", "100",
              "--duration",   "2.5",         "--max-conns",   "1000",
              "--request",    "0",           "--response",    "4096",
              "--timeout-ms", "500",         "--warmup",      "0.5"});
    ASSERT_EQ(options.targets.size(), 2U);
    EXPECT_EQ(to_string(options.targets[1]), "[2001:db8::2]:8080");
    EXPECT_EQ(options.threads, 4U);
    EXPECT_EQ(options.concurrency, 100U);
    EXPECT_DOUBLE_EQ(options.duration, 2.5);
    EXPECT_EQ(options.max_conns, 1000U);
    EXPECT_EQ(options.request_bytes, 0U);
    EXPECT_EQ(options.response_bytes, 4096U);
    EXPECT_EQ(options.timeout_ms, 500U);
    EXPECT_DOUBLE_EQ(options.warmup, 0.5);
}

TEST(BenchOptions, LoadRefuses) {
    for (const Args& bad : {Args{}, Args{"--target", "10.0.0.1"}, Args{"--target", "host:80"},
                            Args{"--target", "10.0.0.1:80", "--target", "nope"},
                            Args{"--target", "10.0.0.1:80", "--threads", "0"},
                            Args{"--target", "10.0.0.1:80", "--concurrency", "0"},
                            Args{"--target", "10.0.0.1:80", "--duration", "0"},
                            Args{"--target", "10.0.0.1:80", "--duration", "-5"},
                            Args{"--target", "10.0.0.1:80", "--max-conns", "0"},
                            Args{"--target", "10.0.0.1:80", "--timeout-ms", "0"},
                            Args{"--target", "10.0.0.1:80", "--warmup", "5"},
                            Args{"--target", "10.0.0.1:80", "--duration", "1", "--warmup", "2"}})
        EXPECT_THROW(parse_load_arguments(bad), UsageError) << ::testing::PrintToString(bad);
}

// --- fnat-bench-udp ----------------------------------------------------------

TEST(BenchOptions, UdpSocketDefaults) {
    UdpOptions options = udp({"--target", "10.0.0.1:9001"});
    EXPECT_FALSE(options.raw);
    EXPECT_EQ(to_string(options.target), "10.0.0.1:9001");
    EXPECT_EQ(options.flows, 64U);
    EXPECT_EQ(options.size, 64U);
    EXPECT_DOUBLE_EQ(options.duration, 3.0);
    EXPECT_EQ(options.max_packets, std::nullopt);
    EXPECT_EQ(options.threads, 1U);
    EXPECT_EQ(options.pps_limit, std::nullopt);
}

TEST(BenchOptions, UdpSocketAll) {
    UdpOptions options =
        udp({"--target", "10.0.0.1:9001", "--flows", "4096", "--size", "1472", "--duration", "0.5",
             "--max-packets", "100", "--threads", "2", "--pps-limit", "1000"});
    EXPECT_EQ(options.flows, 4096U);
    EXPECT_EQ(options.size, 1472U);
    EXPECT_DOUBLE_EQ(options.duration, 0.5);
    EXPECT_EQ(options.max_packets, 100U);
    EXPECT_EQ(options.threads, 2U);
    EXPECT_EQ(options.pps_limit, 1000U);
}

TEST(BenchOptions, UdpSocketRefuses) {
    for (const Args& bad :
         {Args{}, Args{"--target", "bad"}, Args{"--target", "10.0.0.1:9001", "--flows", "0"},
          Args{"--target", "10.0.0.1:9001", "--flows", "4097"},
          Args{"--target", "10.0.0.1:9001", "--size", "1473"},
          Args{"--target", "10.0.0.1:9001", "--size", "-1"},
          Args{"--target", "10.0.0.1:9001", "--flows", "2", "--threads", "3"},
          Args{"--target", "10.0.0.1:9001", "--max-packets", "0"},
          Args{"--target", "10.0.0.1:9001", "--pps-limit", "0"},
          Args{"--target", "10.0.0.1:9001", "--src-net", "10.99.0.0"},
          Args{"--target", "10.0.0.1:9001", "--per-flow", "2"}})
        EXPECT_THROW(parse_udp_arguments(bad), UsageError) << ::testing::PrintToString(bad);
}

TEST(BenchOptions, UdpRaw) {
    UdpOptions options =
        udp({"--raw", "--target", "10.0.0.100:9001", "--src-net", "10.99.0.0", "--src-count", "64",
             "--flows", "1000000", "--size", "0", "--per-flow", "2", "--pps-limit", "40000"});
    EXPECT_TRUE(options.raw);
    EXPECT_EQ(options.src_net, 0x0a630000U);
    EXPECT_EQ(options.src_count, 64U);
    EXPECT_EQ(options.flows, 1000000U);
    EXPECT_EQ(options.size, 0U);
    EXPECT_EQ(options.per_flow, 2U);
    EXPECT_DOUBLE_EQ(options.duration, kRawDefaultSeconds);
    EXPECT_EQ(options.pps_limit, 40000U);
    EXPECT_EQ(udp({"--raw", "--target", "10.0.0.100:9001", "--src-net", "10.99.0.0"}).flows, 64U);
}

TEST(BenchOptions, UdpRawRefuses) {
    Args base{"--raw", "--target", "10.0.0.100:9001", "--src-net", "10.99.0.0"};
    auto with = [&](Args more) {
        Args args = base;
        args.insert(args.end(), more.begin(), more.end());
        return args;
    };
    for (const Args& bad :
         {Args{"--raw", "--target", "10.0.0.100:9001"},
          Args{"--raw", "--target", "[2001:db8::1]:9001", "--src-net", "10.99.0.0"},
          Args{"--raw", "--target", "10.0.0.100:9001", "--src-net", "10.99.0"},
          with({"--flows", "64513"}), with({"--src-count", "2", "--flows", "129025"}),
          with({"--flows", "0"}), with({"--src-count", "0"}), with({"--size", "1473"}),
          with({"--per-flow", "0"}), with({"--threads", "2"})})
        EXPECT_THROW(parse_udp_arguments(bad), UsageError) << ::testing::PrintToString(bad);
    EXPECT_NO_THROW(parse_udp_arguments(with({"--src-count", "2", "--flows", "129024"})));
    EXPECT_NO_THROW(parse_udp_arguments(with({"--threads", "1"})));
}

TEST(BenchOptions, UdpRawRefusesAddressOverflow) {
    EXPECT_THROW(parse_udp_arguments({"--raw", "--target", "10.0.0.100:9001", "--src-net",
                                      "255.255.255.255", "--src-count", "2"}),
                 UsageError);
}

} // namespace
} // namespace fnat::bench

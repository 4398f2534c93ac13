// The statistics and result lines of the benchmark tools: nearest-rank
// percentiles, the latency reservoir, failure kinds, pacing, and the lines
// bench.sh parses.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bench/failure.h"
#include "bench/pacer.h"
#include "bench/percentiles.h"
#include "bench/reservoir.h"
#include "bench/result_line.h"

namespace fnat::bench {
namespace {

using Samples = std::vector<std::uint64_t>;

Samples one_to(std::uint64_t n) {
    Samples samples(n);
    std::iota(samples.begin(), samples.end(), 1);
    return samples;
}

// --- percentiles -------------------------------------------------------------

TEST(BenchPercentiles, EmptyHasNone) {
    EXPECT_EQ(percentile(Samples{}, 50), std::nullopt);
    EXPECT_EQ(summarize({}), LatencySummary{});
}

TEST(BenchPercentiles, OneSampleIsEveryPercentile) {
    Samples one{42};
    for (unsigned percent : {0U, 1U, 50U, 90U, 99U, 100U})
        EXPECT_EQ(percentile(one, percent), 42U) << percent;
    EXPECT_EQ(summarize(one), (LatencySummary{1, 42, 42, 42, 42}));
}

TEST(BenchPercentiles, KnownSmallArrays) {
    // The textbook example: ranks ceil(p/100 * 5).
    Samples five{15, 20, 35, 40, 50};
    EXPECT_EQ(percentile(five, 5), 15U);
    EXPECT_EQ(percentile(five, 30), 20U);
    EXPECT_EQ(percentile(five, 40), 20U);
    EXPECT_EQ(percentile(five, 50), 35U);
    EXPECT_EQ(percentile(five, 100), 50U);
    Samples four{1, 2, 3, 4};
    EXPECT_EQ(percentile(four, 50), 2U); // the lower middle
    EXPECT_EQ(percentile(four, 51), 3U);
    EXPECT_EQ(percentile(four, 0), 1U);
    EXPECT_EQ(percentile(four, 250), 4U);
}

TEST(BenchPercentiles, OneToHundred) {
    Samples samples = one_to(100);
    EXPECT_EQ(percentile(samples, 50), 50U);
    EXPECT_EQ(percentile(samples, 90), 90U);
    EXPECT_EQ(percentile(samples, 99), 99U);
    EXPECT_EQ(percentile(samples, 100), 100U);
    EXPECT_EQ(percentile(samples, 1), 1U);
}

TEST(BenchPercentiles, OneToThousandAndOne) {
    Samples samples = one_to(1001);
    EXPECT_EQ(percentile(samples, 50), 501U); // ceil(500.5)
    EXPECT_EQ(percentile(samples, 99), 991U); // ceil(990.99)
}

TEST(BenchPercentiles, SummarizeSortsFirst) {
    Samples samples = one_to(100);
    std::reverse(samples.begin(), samples.end());
    EXPECT_EQ(summarize(samples), (LatencySummary{100, 50, 90, 99, 100}));
}

// --- reservoir ---------------------------------------------------------------

TEST(BenchReservoir, KeepsEverythingBelowCapacity) {
    LatencyReservoir reservoir(10, 1);
    for (std::uint64_t sample : Samples{5, 3, 9})
        reservoir.add(sample);
    EXPECT_EQ(reservoir.seen(), 3U);
    EXPECT_EQ(reservoir.max(), 9U);
    EXPECT_EQ(reservoir.samples(), (Samples{5, 3, 9}));
}

TEST(BenchReservoir, CapsAndStaysUniform) {
    LatencyReservoir reservoir(1000, 7);
    for (std::uint64_t sample = 1; sample <= 100000; ++sample)
        reservoir.add(sample);
    EXPECT_EQ(reservoir.seen(), 100000U);
    EXPECT_EQ(reservoir.max(), 100000U);
    ASSERT_EQ(reservoir.samples().size(), 1000U);
    // A uniform subset of 1..100000: its median near 50000 and late samples
    // as likely as early ones (a capped-at-first sample would be 1..1000).
    LatencySummary summary = summarize(reservoir.samples());
    EXPECT_GT(summary.p50_us, 45000U);
    EXPECT_LT(summary.p50_us, 55000U);
    EXPECT_GT(summary.p99_us, 97000U);
}

TEST(BenchReservoir, ZeroCapacityKeepsOnlyTheMax) {
    LatencyReservoir reservoir(0, 1);
    reservoir.add(8);
    reservoir.add(2);
    EXPECT_TRUE(reservoir.samples().empty());
    EXPECT_EQ(reservoir.max(), 8U);
    EXPECT_EQ(reservoir.seen(), 2U);
}

TEST(BenchReservoir, MergeOfCompletePartsIsEverything) {
    std::vector<LatencyReservoir> parts;
    parts.emplace_back(10, 1);
    parts.emplace_back(10, 2);
    parts[0].add(1);
    parts[0].add(2);
    parts[1].add(3);
    Samples merged = merge_samples(parts, 1);
    std::sort(merged.begin(), merged.end());
    EXPECT_EQ(merged, (Samples{1, 2, 3}));
}

TEST(BenchReservoir, MergeKeepsPartsInProportion) {
    // Part 0 saw 4000 samples of value 1 and kept 1000; part 1 saw 1000 of
    // value 2 and kept them all. Merged, part 1 must stay a fifth.
    std::vector<LatencyReservoir> parts;
    parts.emplace_back(1000, 1);
    parts.emplace_back(1000, 2);
    for (int i = 0; i < 4000; ++i)
        parts[0].add(1);
    for (int i = 0; i < 1000; ++i)
        parts[1].add(2);
    Samples merged = merge_samples(parts, 1);
    ASSERT_EQ(merged.size(), 1250U); // ratio 1/4 of each part's 4000 and 1000
    EXPECT_EQ(std::count(merged.begin(), merged.end(), 2U), 250);
}

// --- failure kinds -----------------------------------------------------------

TEST(BenchFailure, ClassifiesErrno) {
    EXPECT_EQ(classify_errno(ECONNREFUSED), Failure::Refused);
    EXPECT_EQ(classify_errno(ECONNRESET), Failure::Reset);
    EXPECT_EQ(classify_errno(EPIPE), Failure::Reset);
    EXPECT_EQ(classify_errno(ETIMEDOUT), Failure::Timeout);
    EXPECT_EQ(classify_errno(EADDRNOTAVAIL), Failure::Other);
    EXPECT_EQ(classify_errno(EHOSTUNREACH), Failure::Other);
    EXPECT_EQ(failure_name(Failure::Short), "short");
}

// --- pacing ------------------------------------------------------------------

TEST(BenchPacer, Allowance) {
    EXPECT_EQ(paced_allowance(0, 1000, 0), 1U);       // the first at once
    EXPECT_EQ(paced_allowance(0, 1000, 1), 0U);       // the second after 1 ms
    EXPECT_EQ(paced_allowance(0.0105, 1000, 1), 10U); // 11 due after 10.5 ms
    EXPECT_EQ(paced_allowance(1, 1000, 1001), 0U);
    EXPECT_EQ(paced_allowance(2, 1000, 1001), 1000U);
}

// --- result lines ------------------------------------------------------------

TEST(BenchResultLine, Server) {
    EXPECT_EQ(server_line(ServerTotals{12, 345, 22080}),
              "bench-server: tcp_served=12 udp_packets=345 udp_bytes=22080");
    EXPECT_EQ(server_line(ServerTotals{}), "bench-server: tcp_served=0 udp_packets=0 udp_bytes=0");
}

TEST(BenchResultLine, Load) {
    LoadTotals totals;
    totals.ok = 12345;
    totals.failures = {0, 1, 2, 0, 4}; // refused reset timeout short other
    totals.seconds = 5.0031;
    totals.rate = 2467.46;
    totals.latency = LatencySummary{12345, 1234, 2345, 5678, 20100};
    EXPECT_EQ(totals.failed(), 7U);
    EXPECT_EQ(load_line(totals),
              "bench-load: ok=12345 failed=7 refused=0 reset=1 timeout=2 short=0 other=4 "
              "seconds=5.003 rate=2467.5 p50_ms=1.234 p90_ms=2.345 p99_ms=5.678 max_ms=20.100");
}

TEST(BenchResultLine, LoadWithoutSuccess) {
    LoadTotals totals;
    totals.failures[static_cast<std::size_t>(Failure::Refused)] = 3;
    EXPECT_EQ(load_line(totals),
              "bench-load: ok=0 failed=3 refused=3 reset=0 timeout=0 short=0 other=0 "
              "seconds=0.000 rate=0.0 p50_ms=0.000 p90_ms=0.000 p99_ms=0.000 max_ms=0.000");
}

TEST(BenchResultLine, Udp) {
    UdpTotals totals{300000, 12, 3.0004, 64};
    EXPECT_EQ(udp_line(totals),
              "bench-udp: sent=300000 send_errors=12 seconds=3.000 pps=99986.7 flows=64");
    EXPECT_EQ(udp_line(UdpTotals{}),
              "bench-udp: sent=0 send_errors=0 seconds=0.000 pps=0.0 flows=0");
}

} // namespace
} // namespace fnat::bench

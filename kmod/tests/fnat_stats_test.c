// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: counters add up and zero, and the rate estimate shows a steady
 * rate exactly and follows a change.
 */
#include <kunit/test.h>
#include "../fnat_stats.h"

#define RATE(x)	((x) >> FNAT_EST_SHIFT)

/* @got (scaled) is @want per second within 0.1 %. */
#define EXPECT_RATE(test, want, got) do {				\
	u64 __g = RATE((got) + (1 << (FNAT_EST_SHIFT - 1)));		\
	u64 __w = (want);						\
	KUNIT_EXPECT_LE(test, __g, __w + __w / 1000);			\
	KUNIT_EXPECT_GE(test, __g, __w - __w / 1000);			\
} while (0)

static void fnat_est_converges_and_follows(struct kunit *test)
{
	struct fnat_estimator e = {};
	struct fnat_counters now = {};
	int i;

	fnat_est_sample(&e, &now, 2);
	KUNIT_EXPECT_TRUE(test, e.primed);
	KUNIT_EXPECT_EQ(test, 0ULL, e.rate.cps);

	/* 100 conns/s, 1000 pkt/s in, 125000 B/s in, for a minute. */
	for (i = 0; i < 30; i++) {
		now.conns += 200;
		now.inpkts += 2000;
		now.inbytes += 250000;
		fnat_est_sample(&e, &now, 2);
	}
	EXPECT_RATE(test, 100ULL, e.rate.cps);
	EXPECT_RATE(test, 1000ULL, e.rate.inpps);
	EXPECT_RATE(test, 125000ULL, e.rate.inbps);
	KUNIT_EXPECT_EQ(test, 0ULL, e.rate.outpps);

	/* One interval after the traffic stops the rate has visibly fallen,
	 * and a minute later it is gone.
	 */
	fnat_est_sample(&e, &now, 2);
	KUNIT_EXPECT_LT(test, RATE(e.rate.cps), 80ULL);
	KUNIT_EXPECT_GT(test, RATE(e.rate.cps), 60ULL);
	for (i = 0; i < 60; i++)
		fnat_est_sample(&e, &now, 2);
	KUNIT_EXPECT_EQ(test, 0ULL, RATE(e.rate.cps));
	KUNIT_EXPECT_EQ(test, 0ULL, RATE(e.rate.inbps));
}

static void fnat_stats_count_and_zero(struct kunit *test)
{
	struct fnat_stats s;
	struct fnat_counters c;
	struct fnat_rates r;
	int i;

	KUNIT_ASSERT_EQ(test, 0, fnat_stats_init(&s));
	for (i = 0; i < 5; i++) {
		fnat_stats_conn(&s);
		fnat_stats_packet(&s, true, 100);
		fnat_stats_packet(&s, false, 1500);
		fnat_stats_packet(&s, false, 1500);
	}
	fnat_stats_read(&s, &c);
	KUNIT_EXPECT_EQ(test, 5ULL, c.conns);
	KUNIT_EXPECT_EQ(test, 5ULL, c.inpkts);
	KUNIT_EXPECT_EQ(test, 10ULL, c.outpkts);
	KUNIT_EXPECT_EQ(test, 500ULL, c.inbytes);
	KUNIT_EXPECT_EQ(test, 15000ULL, c.outbytes);

	fnat_stats_estimate(&s);	/* primes */
	fnat_stats_conn(&s);
	fnat_stats_estimate(&s);
	fnat_stats_rates(&s, &r);
	KUNIT_EXPECT_GT(test, r.cps, 0ULL);

	fnat_stats_zero(&s);
	fnat_stats_read(&s, &c);
	KUNIT_EXPECT_EQ(test, 0ULL, c.conns);
	KUNIT_EXPECT_EQ(test, 0ULL, c.outbytes);
	fnat_stats_rates(&s, &r);
	KUNIT_EXPECT_EQ(test, 0ULL, r.cps);

	fnat_stats_packet(&s, true, 60);
	fnat_stats_read(&s, &c);
	KUNIT_EXPECT_EQ(test, 1ULL, c.inpkts);
	KUNIT_EXPECT_EQ(test, 60ULL, c.inbytes);
	/* Zeroing does not make the next rate sample count old traffic. */
	fnat_stats_estimate(&s);
	fnat_stats_rates(&s, &r);
	KUNIT_EXPECT_EQ(test, 0ULL, r.cps);
	KUNIT_EXPECT_GT(test, r.inpps, 0ULL);
	fnat_stats_free(&s);
}

static struct kunit_case fnat_stats_cases[] = {
	KUNIT_CASE(fnat_est_converges_and_follows),
	KUNIT_CASE(fnat_stats_count_and_zero),
	{}
};

static struct kunit_suite fnat_stats_suite = {
	.name = "fnat_stats",
	.test_cases = fnat_stats_cases,
};

kunit_test_suites(&fnat_stats_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: FULLNAT local port allocation against a naive reference (a list
 * of every port: take from the head, put back at the tail at once, skip a
 * port the same real server still holds), under random sequences of new
 * and ended connections towards a few real servers; uniqueness per real
 * server, FIFO order, exhaustion and recovery, and the cost of a get.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/ktime.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include "../fnat_lport.h"

#define RANGE_MIN	2000
#define RANGE_N		16
#define SERVERS		3

/* Which (server, port) pairs live connections hold. */
struct held {
	bool	busy[SERVERS][RANGE_N];
};

static int server_of(const union nf_inet_addr *a)
{
	return ntohl(a->ip) & 0xff;
}

static bool held_busy(const struct fnat_tuple *tp, void *arg)
{
	struct held *h = arg;

	return h->busy[server_of(&tp->saddr)][ntohs(tp->dport) - RANGE_MIN];
}

/* The reference: every port in a list, head first. */
struct ref {
	u16		fifo[RANGE_N];
	unsigned int	head;
};

static u16 ref_get(struct ref *r, const struct held *h, int server)
{
	unsigned int i;

	for (i = 0; i < min(RANGE_N, FNAT_LPORT_TRIES); i++) {
		u16 port = r->fifo[r->head];

		/* Taken: back to the tail at once, which is where it was. */
		r->head = (r->head + 1) % RANGE_N;
		if (!h->busy[server][port - RANGE_MIN])
			return port;
	}
	return 0;
}

static union nf_inet_addr server_addr(int server)
{
	union nf_inet_addr a = { .ip = htonl(0xc0a80a00 | server) };

	return a;
}

static void fnat_lport_matches_reference(struct kunit *test)
{
	struct fnat_lport_range range = { RANGE_MIN, RANGE_MIN + RANGE_N - 1 };
	struct fnat_laddr *la = kunit_kzalloc(test, sizeof(*la), GFP_KERNEL);
	struct held *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	struct ref *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct rnd_state rnd;
	unsigned int step, i, gets = 0, refusals = 0;

	KUNIT_ASSERT_NOT_NULL(test, la);
	KUNIT_ASSERT_NOT_NULL(test, h);
	KUNIT_ASSERT_NOT_NULL(test, r);
	la->af = AF_INET;
	la->addr.ip = htonl(0x0a020001);
	for (i = 0; i < RANGE_N; i++)
		r->fifo[i] = RANGE_MIN + i;
	prandom_seed_state(&rnd, 42);

	for (step = 0; step < 20000; step++) {
		int server = prandom_u32_state(&rnd) % SERVERS;
		union nf_inet_addr ra = server_addr(server);

		if (prandom_u32_state(&rnd) % 3) {
			u16 want = ref_get(r, h, server);
			__be16 got = fnat_lport_get(la, IPPROTO_TCP, &ra,
						    htons(80), &range,
						    held_busy, h);

			KUNIT_ASSERT_EQ_MSG(test, want, ntohs(got),
					    "step %u server %d", step, server);
			if (!got) {
				refusals++;
				continue;
			}
			/* Unique per real server: nobody holds it yet. */
			KUNIT_ASSERT_FALSE(test,
					   h->busy[server][want - RANGE_MIN]);
			h->busy[server][want - RANGE_MIN] = true;
			gets++;
		} else {
			i = prandom_u32_state(&rnd) % RANGE_N;
			h->busy[server][i] = false;
		}
	}
	kunit_info(test, "%u ports handed out, %u refusals, %lld conflicts",
		   gets, refusals, (long long)atomic64_read(&la->conflicts));
	KUNIT_EXPECT_GT(test, gets, 1000U);
	KUNIT_EXPECT_GT(test, refusals, 0U);
	KUNIT_EXPECT_EQ(test, (s64)refusals, atomic64_read(&la->exhausted));
	/* The other protocol has a rotation of its own. */
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&la->cursor_udp));
}

static bool never_busy(const struct fnat_tuple *tp, void *arg)
{
	return false;
}

/*
 * A range of 8: eight connections to one real server take every port in
 * order; a ninth finds none (8 conflicts, exhausted), while another real
 * server still gets one; a port that frees up is handed out again.
 */
static void fnat_lport_exhaustion(struct kunit *test)
{
	struct fnat_lport_range range = { RANGE_MIN, RANGE_MIN + 7 };
	struct fnat_laddr *la = kunit_kzalloc(test, sizeof(*la), GFP_KERNEL);
	struct held *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	union nf_inet_addr rs0 = server_addr(0), rs1 = server_addr(1);
	unsigned int i;
	__be16 p;

	KUNIT_ASSERT_NOT_NULL(test, la);
	KUNIT_ASSERT_NOT_NULL(test, h);
	la->af = AF_INET;
	for (i = 0; i < 8; i++) {
		p = fnat_lport_get(la, IPPROTO_UDP, &rs0, htons(53), &range,
				   held_busy, h);
		KUNIT_ASSERT_EQ(test, RANGE_MIN + i, ntohs(p));
		h->busy[0][i] = true;
	}
	p = fnat_lport_get(la, IPPROTO_UDP, &rs0, htons(53), &range,
			   held_busy, h);
	KUNIT_EXPECT_EQ(test, 0, ntohs(p));
	KUNIT_EXPECT_EQ(test, 8LL, atomic64_read(&la->conflicts));
	KUNIT_EXPECT_EQ(test, 1LL, atomic64_read(&la->exhausted));
	p = fnat_lport_get(la, IPPROTO_UDP, &rs1, htons(53), &range,
			   held_busy, h);
	KUNIT_EXPECT_EQ(test, RANGE_MIN, ntohs(p));
	h->busy[0][5] = false;
	p = fnat_lport_get(la, IPPROTO_UDP, &rs0, htons(53), &range,
			   held_busy, h);
	KUNIT_EXPECT_EQ(test, RANGE_MIN + 5, ntohs(p));
}

/* The cost of a get on an idle address: the number for the notes. */
static void fnat_lport_cost(struct kunit *test)
{
	struct fnat_lport_range range = { 1025, 65535 };
	struct fnat_laddr *la = kunit_kzalloc(test, sizeof(*la), GFP_KERNEL);
	union nf_inet_addr rs = server_addr(0);
	const unsigned int n = 1000000;
	unsigned int i, sum = 0;
	u64 t0, ns;

	KUNIT_ASSERT_NOT_NULL(test, la);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		sum += fnat_lport_get(la, IPPROTO_TCP, &rs, htons(80), &range,
				      never_busy, NULL);
	ns = ktime_get_ns() - t0;
	kunit_info(test, "fnat_lport_get: %llu ns per port (%u gets, sum %u)",
		   div_u64(ns, n), n, sum);
	KUNIT_EXPECT_EQ(test, 0LL, atomic64_read(&la->conflicts));
}

static void fnat_lport_range_setting(struct kunit *test)
{
	struct fnat_lport_range r, saved;

	fnat_lport_range(&saved);
	KUNIT_EXPECT_EQ(test, -EINVAL, fnat_lport_set_range(0, 100));
	KUNIT_EXPECT_EQ(test, -EINVAL, fnat_lport_set_range(200, 100));
	fnat_lport_range(&r);
	KUNIT_EXPECT_EQ(test, saved.min, r.min);
	KUNIT_EXPECT_EQ(test, saved.max, r.max);
	KUNIT_EXPECT_EQ(test, 0, fnat_lport_set_range(5000, 5000));
	fnat_lport_range(&r);
	KUNIT_EXPECT_EQ(test, 5000, r.min);
	KUNIT_EXPECT_EQ(test, 5000, r.max);
	KUNIT_EXPECT_EQ(test, 0, fnat_lport_set_range(saved.min, saved.max));
}

static struct kunit_case fnat_lport_cases[] = {
	KUNIT_CASE(fnat_lport_matches_reference),
	KUNIT_CASE(fnat_lport_exhaustion),
	KUNIT_CASE(fnat_lport_cost),
	KUNIT_CASE(fnat_lport_range_setting),
	{}
};

static struct kunit_suite fnat_lport_suite = {
	.name = "fnat_lport",
	.test_cases = fnat_lport_cases,
};

kunit_test_suite(fnat_lport_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: schedulers, driven through real services and dests, checked
 * against exact expected sequences and, for wrr, against a naive transcript
 * of LVS's interleaved algorithm under random weights and availability.
 */
#include <kunit/test.h>
#include <linux/gcd.h>
#include <linux/in.h>
#include <linux/netlink.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include "../fnat.h"
#include "../fnat_sched.h"

#define NDEST_MAX 8

struct sched_fixture {
	struct fnat_netns	fn;
	struct fnat_svc_key	sk;
	struct fnat_service	*svc;
	struct fnat_dest	*dest[NDEST_MAX];
	unsigned int		n;
};

static int sched_test_init(struct kunit *test)
{
	struct sched_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	fnat_netns_state_init(&f->fn);
	f->sk.af = AF_INET;
	f->sk.protocol = IPPROTO_TCP;
	f->sk.port = htons(80);
	f->sk.addr.ip = htonl(0x0a000001);
	test->priv = f;
	return 0;
}

static void sched_test_exit(struct kunit *test)
{
	struct sched_fixture *f = test->priv;

	fnat_netns_state_destroy(&f->fn);
	rcu_barrier();
}

/* A service scheduled by @name with one NAT dest per weight. */
static void sched_setup(struct kunit *test, const char *name,
			const u32 *weights, unsigned int n)
{
	struct sched_fixture *f = test->priv;
	struct fnat_svc_conf sc = { .has_sched = true };
	struct netlink_ext_ack ext = {};
	unsigned int i;

	strscpy(sc.sched_name, name, sizeof(sc.sched_name));
	mutex_lock(&f->fn.lock);
	KUNIT_ASSERT_EQ(test, 0, fnat_svc_add(&f->fn, &f->sk, &sc, &ext));
	f->svc = fnat_svc_lookup(&f->fn, &f->sk);
	for (i = 0; i < n; i++) {
		struct fnat_dest_key dk = { .af = AF_INET, .port = htons(80) };
		struct fnat_dest_conf dc = {
			.fwd_method = FNAT_FWD_NAT, .has_fwd_method = true,
			.weight = weights[i], .has_weight = true,
		};

		dk.addr.ip = htonl(0x0a000100 + i);
		KUNIT_ASSERT_EQ(test, 0,
				fnat_dest_add(&f->fn, &f->sk, &dk, &dc, &ext));
		f->dest[i] = fnat_dest_lookup(f->svc, &dk);
	}
	mutex_unlock(&f->fn.lock);
	f->n = n;
}

/* Index of the dest the scheduler picks next, -1 for none. */
static int pick(struct sched_fixture *f)
{
	struct fnat_sched_ctx ctx = {};
	struct fnat_dest *d;
	unsigned int i;
	int r = -1;

	rcu_read_lock();
	d = fnat_sched_pick(f->svc, &ctx);
	for (i = 0; i < f->n; i++)
		if (f->dest[i] == d)
			r = i;
	rcu_read_unlock();
	return r;
}

static void expect_sequence(struct kunit *test, const int *want,
			    unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		KUNIT_EXPECT_EQ_MSG(test, want[i], pick(test->priv),
				    "pick %u", i);
}

static void fnat_sched_lookup_by_name(struct kunit *test)
{
	KUNIT_EXPECT_PTR_EQ(test, &fnat_sched_rr, fnat_sched_find("rr"));
	KUNIT_EXPECT_PTR_EQ(test, &fnat_sched_wrr, fnat_sched_find("wrr"));
	KUNIT_EXPECT_PTR_EQ(test, &fnat_sched_wlc, fnat_sched_find("wlc"));
	KUNIT_EXPECT_NULL(test, fnat_sched_find("RR"));
	KUNIT_EXPECT_NULL(test, fnat_sched_find(""));
	KUNIT_EXPECT_NULL(test, fnat_sched_find("rrx"));
}

static void fnat_rr_cycles_and_skips(struct kunit *test)
{
	static const u32 w[] = { 1, 1, 1 };
	static const int cycle[] = { 0, 1, 2, 0, 1, 2 };
	static const int skip[] = { 0, 2, 0, 2 };
	struct sched_fixture *f = test->priv;

	sched_setup(test, "rr", w, ARRAY_SIZE(w));
	expect_sequence(test, cycle, ARRAY_SIZE(cycle));
	/* A quiesced dest is skipped and its successor gets one turn. */
	atomic_set(&f->dest[1]->weight, 0);
	expect_sequence(test, skip, ARRAY_SIZE(skip));
	atomic_set(&f->dest[0]->weight, 0);
	atomic_set(&f->dest[2]->weight, 0);
	KUNIT_EXPECT_EQ(test, -1, pick(f));
}

static void fnat_wrr_interleaves(struct kunit *test)
{
	static const u32 w[] = { 3, 1 };
	static const int want[] = { 0, 0, 0, 1, 0, 0, 0, 1 };

	sched_setup(test, "wrr", w, ARRAY_SIZE(w));
	expect_sequence(test, want, ARRAY_SIZE(want));
}

static void fnat_wrr_uses_gcd(struct kunit *test)
{
	static const u32 w[] = { 4, 2, 0 };
	static const int want[] = { 0, 0, 1, 0, 0, 1 };

	sched_setup(test, "wrr", w, ARRAY_SIZE(w));
	expect_sequence(test, want, ARRAY_SIZE(want));
}

/*
 * LVS's interleaved wrr written as plainly as possible: step through the
 * dests, lower cw by the gcd at every wrap, pick the first available dest
 * whose weight reaches cw. Terminates because some dest is available.
 */
struct ref_wrr {
	int i, cw, mw, di;
};

static int ref_wrr_pick(struct ref_wrr *s, const u32 *w, const bool *up,
			int n)
{
	int k;

	/* With nothing available the pick fails and nothing moves. */
	for (k = 0; k < n; k++)
		if (up[k] && w[k])
			break;
	if (k == n || !s->mw)
		return -1;
	for (;;) {
		s->i = (s->i + 1) % n;
		if (s->i == 0) {
			s->cw -= s->di;
			if (s->cw <= 0)
				s->cw = s->mw;
		}
		if (up[s->i] && w[s->i] && w[s->i] >= (u32)s->cw)
			return s->i;
	}
}

static void fnat_wrr_matches_reference(struct kunit *test)
{
	struct sched_fixture *f = test->priv;
	u32 w[NDEST_MAX];
	bool up[NDEST_MAX];
	struct ref_wrr ref;
	struct rnd_state rnd;
	int round, k, n, g, got, want;

	prandom_seed_state(&rnd, 0x77727272);
	for (round = 0; round < 40; round++) {
		n = 2 + prandom_u32_state(&rnd) % (NDEST_MAX - 1);
		g = 0;
		ref = (struct ref_wrr){ .i = -1 };
		for (k = 0; k < n; k++) {
			/* Multiples of a common factor exercise the gcd. */
			w[k] = (prandom_u32_state(&rnd) % 6) *
			       (1 + round % 3);
			up[k] = true;
			if (w[k]) {
				g = g ? gcd(g, w[k]) : w[k];
				ref.mw = max_t(int, ref.mw, w[k]);
			}
		}
		ref.di = g ? g : 1;
		if (f->svc) {
			struct netlink_ext_ack ext = {};

			mutex_lock(&f->fn.lock);
			fnat_svc_del(&f->fn, &f->sk, &ext);
			mutex_unlock(&f->fn.lock);
		}
		sched_setup(test, "wrr", w, n);

		for (k = 0; k < 200; k++) {
			/* Overload flips mid-sequence, as thresholds will. */
			if (prandom_u32_state(&rnd) % 16 == 0) {
				int d = prandom_u32_state(&rnd) % n;

				up[d] = !up[d];
				if (up[d])
					clear_bit(FNAT_DEST_F_OVERLOAD,
						  &f->dest[d]->flags);
				else
					set_bit(FNAT_DEST_F_OVERLOAD,
						&f->dest[d]->flags);
			}
			want = ref_wrr_pick(&ref, w, up, n);
			got = pick(f);
			KUNIT_ASSERT_EQ_MSG(test, want, got,
					    "round %d pick %d", round, k);
		}
	}
}

static void fnat_wlc_prefers_least_loaded(struct kunit *test)
{
	static const u32 w[] = { 1, 2, 1 };
	struct sched_fixture *f = test->priv;

	sched_setup(test, "wlc", w, ARRAY_SIZE(w));
	/* All idle: the first dest wins the tie. */
	KUNIT_EXPECT_EQ(test, 0, pick(f));

	/* 1 active / weight 1 against 1 active / weight 2: dest 1. */
	atomic_set(&f->dest[0]->active_conns, 1);
	atomic_set(&f->dest[1]->active_conns, 1);
	atomic_set(&f->dest[2]->active_conns, 1);
	KUNIT_EXPECT_EQ(test, 1, pick(f));

	/* An active conn weighs 256 inactive ones. */
	atomic_set(&f->dest[1]->active_conns, 3);
	atomic_set(&f->dest[2]->active_conns, 0);
	atomic_set(&f->dest[2]->inact_conns, 255);
	KUNIT_EXPECT_EQ(test, 2, pick(f));
	atomic_set(&f->dest[2]->inact_conns, 257);
	KUNIT_EXPECT_EQ(test, 0, pick(f));

	/* Quiesced and overloaded dests are never picked. */
	atomic_set(&f->dest[0]->weight, 0);
	set_bit(FNAT_DEST_F_OVERLOAD, &f->dest[2]->flags);
	KUNIT_EXPECT_EQ(test, 1, pick(f));
	atomic_set(&f->dest[1]->weight, 0);
	KUNIT_EXPECT_EQ(test, -1, pick(f));
}

static void fnat_sched_empty_service(struct kunit *test)
{
	struct sched_fixture *f = test->priv;

	sched_setup(test, "rr", NULL, 0);
	KUNIT_EXPECT_EQ(test, -1, pick(f));
}

static struct kunit_case fnat_sched_cases[] = {
	KUNIT_CASE(fnat_sched_lookup_by_name),
	KUNIT_CASE(fnat_rr_cycles_and_skips),
	KUNIT_CASE(fnat_wrr_interleaves),
	KUNIT_CASE(fnat_wrr_uses_gcd),
	KUNIT_CASE(fnat_wrr_matches_reference),
	KUNIT_CASE(fnat_wlc_prefers_least_loaded),
	KUNIT_CASE(fnat_sched_empty_service),
	{}
};

static struct kunit_suite fnat_sched_suite = {
	.name = "fnat_sched",
	.init = sched_test_init,
	.exit = sched_test_exit,
	.test_cases = fnat_sched_cases,
};

kunit_test_suites(&fnat_sched_suite);

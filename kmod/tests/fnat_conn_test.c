// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the connection table against a naive reference model (a flat
 * array searched linearly) under random create / lookup / unlink / sweep
 * sequences with a simulated clock, plus the specific promises: lookups in
 * both directions, expiry as of the clock, port reuse over an expired
 * entry, the limit, and per-netns separation.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include "../fnat_conn.h"

static struct fnat_tuple tuple4(u32 saddr, u16 sport, u32 daddr, u16 dport)
{
	struct fnat_tuple tp = {
		.af = AF_INET,
		.protocol = IPPROTO_TCP,
		.sport = htons(sport),
		.dport = htons(dport),
	};

	tp.saddr.ip = htonl(saddr);
	tp.daddr.ip = htonl(daddr);
	return tp;
}

#define CIP	0x0a000001	/* 10.0.0.1 */
#define VIP	0x0a000064	/* 10.0.0.100 */
#define RIP	0x0a010001	/* 10.1.0.1 */
#define LIP	0x0a020001	/* 10.2.0.1 */

static void fnat_conn_both_directions(struct kunit *test)
{
	struct fnat_conn_table *t = fnat_conn_table_create(4, 0);
	struct fnat_tuple o = tuple4(CIP, 40000, VIP, 80);
	struct fnat_tuple r = tuple4(RIP, 80, LIP, 5000);
	struct fnat_tuple other = tuple4(CIP, 40001, VIP, 80);
	enum fnat_conn_dir dir = FNAT_DIR_MAX;
	struct fnat_conn *c, *f;

	KUNIT_ASSERT_NOT_NULL(test, t);
	c = fnat_conn_create(t, &init_net, &o, &r, 100, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->count));

	f = fnat_conn_lookup(t, &init_net, &o, 10, &dir);
	KUNIT_EXPECT_PTR_EQ(test, c, f);
	KUNIT_EXPECT_EQ(test, FNAT_DIR_ORIG, dir);
	if (f)
		fnat_conn_put(f);
	f = fnat_conn_lookup(t, &init_net, &r, 10, &dir);
	KUNIT_EXPECT_PTR_EQ(test, c, f);
	KUNIT_EXPECT_EQ(test, FNAT_DIR_REPLY, dir);
	if (f)
		fnat_conn_put(f);
	KUNIT_EXPECT_NULL(test, fnat_conn_lookup(t, &init_net, &other, 10, &dir));

	/* Expired as of the clock: invisible at once, freed by the sweep. */
	KUNIT_EXPECT_NULL(test, fnat_conn_lookup(t, &init_net, &o, 100, &dir));
	KUNIT_EXPECT_EQ(test, 0U, fnat_conn_gc(t, 99, 16));
	KUNIT_EXPECT_EQ(test, 1U, fnat_conn_gc(t, 100, 16));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&t->count));
	/* The caller's reference keeps the memory valid after removal. */
	KUNIT_EXPECT_FALSE(test, READ_ONCE(c->hashed));
	fnat_conn_put(c);
	fnat_conn_table_destroy(t);
}

static void fnat_conn_reuse_and_limit(struct kunit *test)
{
	struct fnat_conn_table *t = fnat_conn_table_create(4, 2);
	struct fnat_tuple o = tuple4(CIP, 40000, VIP, 80);
	struct fnat_tuple r = tuple4(RIP, 80, CIP, 40000);
	struct fnat_tuple o2 = tuple4(CIP, 40002, VIP, 80);
	struct fnat_tuple r2 = tuple4(RIP, 80, CIP, 40002);
	struct fnat_tuple o3 = tuple4(CIP, 40003, VIP, 80);
	struct fnat_tuple r3 = tuple4(RIP, 80, CIP, 40003);
	enum fnat_conn_dir dir;
	struct fnat_conn *a, *b, *c;

	KUNIT_ASSERT_NOT_NULL(test, t);
	a = fnat_conn_create(t, &init_net, &o, &r, 50, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	/* Same client port while the first lives: refused and counted. */
	b = fnat_conn_create(t, &init_net, &o, &r, 80, 10);
	KUNIT_EXPECT_EQ(test, -EEXIST, (int)PTR_ERR(b));
	KUNIT_EXPECT_EQ(test, 1L, atomic_long_read(&t->drop_exists));
	/* A reply tuple already taken is a conflict too. */
	b = fnat_conn_create(t, &init_net, &o2, &r, 80, 10);
	KUNIT_EXPECT_EQ(test, -EEXIST, (int)PTR_ERR(b));

	/* Once expired, the port is reused at once: no wait for the sweep. */
	b = fnat_conn_create(t, &init_net, &o, &r, 200, 60);
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(a->hashed));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->count));
	c = fnat_conn_lookup(t, &init_net, &r, 60, &dir);
	KUNIT_EXPECT_PTR_EQ(test, b, c);
	if (c)
		fnat_conn_put(c);

	/* The limit counts live entries and refuses beyond it. */
	c = fnat_conn_create(t, &init_net, &o2, &r2, 200, 60);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	fnat_conn_put(c);
	c = fnat_conn_create(t, &init_net, &o3, &r3, 200, 60);
	KUNIT_EXPECT_EQ(test, -ENOSPC, (int)PTR_ERR(c));
	KUNIT_EXPECT_EQ(test, 1L, atomic_long_read(&t->drop_full));
	KUNIT_EXPECT_EQ(test, 2, atomic_read(&t->count));

	fnat_conn_unlink(t, b);
	fnat_conn_unlink(t, b);		/* idempotent */
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->count));
	c = fnat_conn_create(t, &init_net, &o3, &r3, 200, 60);
	KUNIT_EXPECT_FALSE(test, IS_ERR(c));
	if (!IS_ERR(c))
		fnat_conn_put(c);
	fnat_conn_put(a);
	fnat_conn_put(b);
	fnat_conn_table_destroy(t);
}

static void fnat_conn_netns_separate(struct kunit *test)
{
	struct fnat_conn_table *t = fnat_conn_table_create(4, 0);
	struct net *other = kunit_kzalloc(test, sizeof(*other), GFP_KERNEL);
	struct fnat_tuple o = tuple4(CIP, 40000, VIP, 80);
	struct fnat_tuple r = tuple4(RIP, 80, CIP, 40000);
	enum fnat_conn_dir dir;
	struct fnat_conn *a, *b;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, other);
	a = fnat_conn_create(t, &init_net, &o, &r, 100, 0);
	b = fnat_conn_create(t, other, &o, &r, 100, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));
	fnat_conn_put(a);
	fnat_conn_put(b);

	fnat_conn_flush_net(t, other);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->count));
	KUNIT_EXPECT_NULL(test, fnat_conn_lookup(t, other, &o, 1, &dir));
	a = fnat_conn_lookup(t, &init_net, &o, 1, &dir);
	KUNIT_EXPECT_NOT_NULL(test, a);
	if (a)
		fnat_conn_put(a);
	/* Destroy frees what is left. */
	fnat_conn_table_destroy(t);
}

/* The reference: every entry the table should hold, hashed or not. */
#define REF_MAX		64
#define REF_CLIENTS	6
#define REF_LPORTS	5

struct ref_conn {
	struct fnat_tuple	o, r;
	unsigned long		expires;
	bool			hashed;
	struct fnat_conn	*c;	/* our reference, to see c->hashed */
};

static bool ref_tuple_eq(const struct fnat_tuple *a, const struct fnat_tuple *b)
{
	return a->saddr.ip == b->saddr.ip && a->daddr.ip == b->daddr.ip &&
	       a->sport == b->sport && a->dport == b->dport;
}

static void fnat_conn_matches_reference(struct kunit *test)
{
	struct fnat_conn_table *t = fnat_conn_table_create(3, 40);
	struct ref_conn *ref = kunit_kcalloc(test, REF_MAX, sizeof(*ref),
					     GFP_KERNEL);
	unsigned long now = 1000;
	struct rnd_state rnd;
	int step, i, n = 0, live;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	prandom_seed_state(&rnd, 0x636f6e6e);
	for (step = 0; step < 20000; step++) {
		u32 r = prandom_u32_state(&rnd);
		u16 client = (r >> 4) % REF_CLIENTS;
		/* FULLNAT-like: few local ports, so reply tuples collide. */
		struct fnat_tuple o = tuple4(CIP, 40000 + client, VIP, 80);
		struct fnat_tuple rt = tuple4(RIP, 80, LIP,
					      5000 + (r >> 8) % REF_LPORTS);
		enum fnat_conn_dir dir, fast_dir = FNAT_DIR_MAX;
		struct fnat_conn *fast;
		struct fnat_conn *c;
		int want = 0, hashed = 0;

		now += (r >> 12) % 3;
		switch (r % 4) {
		case 0: {
			unsigned long exp = now + 1 + (r >> 16) % 6;

			for (i = 0; i < n; i++) {
				if (!ref[i].hashed)
					continue;
				hashed++;
				if (time_after_eq(now, ref[i].expires))
					continue;
				if (ref_tuple_eq(&ref[i].o, &o) ||
				    ref_tuple_eq(&ref[i].r, &rt) ||
				    ref_tuple_eq(&ref[i].o, &rt) ||
				    ref_tuple_eq(&ref[i].r, &o))
					want = -EEXIST;
			}
			if (hashed >= 40)
				want = -ENOSPC;
			c = fnat_conn_create(t, &init_net, &o, &rt, exp, now);
			KUNIT_ASSERT_EQ_MSG(test, want,
					    IS_ERR(c) ? (int)PTR_ERR(c) : 0,
					    "create at step %d", step);
			if (IS_ERR(c))
				break;
			/* Expired holders of either tuple were replaced. */
			for (i = 0; i < n; i++)
				if (ref[i].hashed &&
				    (ref_tuple_eq(&ref[i].o, &o) ||
				     ref_tuple_eq(&ref[i].r, &rt) ||
				     ref_tuple_eq(&ref[i].o, &rt) ||
				     ref_tuple_eq(&ref[i].r, &o)))
					ref[i].hashed = false;
			if (n == REF_MAX) {
				/* Recycle a slot no longer hashed. */
				for (i = 0; i < n && ref[i].hashed; i++)
					;
				KUNIT_ASSERT_LT(test, i, REF_MAX);
				fnat_conn_put(ref[i].c);
			} else {
				i = n++;
			}
			ref[i] = (struct ref_conn){ .o = o, .r = rt,
						    .expires = exp,
						    .hashed = true, .c = c };
			break;
		}
		case 1: {
			const struct fnat_tuple *q = r & 0x10000 ? &rt : &o;
			int hit = -1;

			for (i = 0; i < n; i++) {
				if (!ref[i].hashed ||
				    time_after_eq(now, ref[i].expires))
					continue;
				if (ref_tuple_eq(&ref[i].o, q) ||
				    ref_tuple_eq(&ref[i].r, q))
					hit = i;
			}
			rcu_read_lock();
			/* The data path's lookup finds the same, without a reference. */
			fast = fnat_conn_find_rcu(t, &init_net, q, now,
						  &fast_dir);
			rcu_read_unlock();
			c = fnat_conn_lookup(t, &init_net, q, now, &dir);
			KUNIT_ASSERT_EQ_MSG(test, hit >= 0, !!c,
					    "lookup at step %d", step);
			KUNIT_ASSERT_PTR_EQ(test, fast, c);
			if (!c)
				break;
			KUNIT_EXPECT_EQ(test, fast_dir, dir);
			KUNIT_EXPECT_TRUE(test, ref_tuple_eq(&c->tuple[dir], q));
			KUNIT_EXPECT_EQ(test, ref[hit].expires, c->expires);
			/* Half the hits end their connection. */
			if (r & 0x20000) {
				fnat_conn_unlink(t, c);
				ref[hit].hashed = false;
			}
			fnat_conn_put(c);
			break;
		}
		case 2:
			/*
			 * A partial sweep frees some expired entries, which
			 * ones depends on hashing: take the table's word for
			 * those, and check it freed nothing else.
			 */
			fnat_conn_gc(t, now, 1 + (r >> 16) % 4);
			for (i = 0; i < n; i++) {
				if (!ref[i].hashed)
					continue;
				if (time_after_eq(now, ref[i].expires))
					ref[i].hashed = READ_ONCE(ref[i].c->hashed);
				else
					KUNIT_EXPECT_TRUE(test,
							  READ_ONCE(ref[i].c->hashed));
			}
			break;
		default:
			fnat_conn_gc(t, now, 1U << t->bits);
			for (i = 0; i < n; i++)
				if (time_after_eq(now, ref[i].expires))
					ref[i].hashed = false;
			break;
		}
		live = 0;
		for (i = 0; i < n; i++) {
			live += ref[i].hashed;
			KUNIT_ASSERT_EQ_MSG(test, ref[i].hashed,
					    READ_ONCE(ref[i].c->hashed),
					    "entry %d at step %d", i, step);
		}
		KUNIT_ASSERT_EQ_MSG(test, live, atomic_read(&t->count),
				    "count at step %d", step);
	}
	for (i = 0; i < n; i++)
		fnat_conn_put(ref[i].c);
	fnat_conn_table_destroy(t);
}

/*
 * A connection's dest counts it as active or inactive while it is in the
 * table, and holds a reference on the dest until its last reference goes.
 */
static void fnat_conn_dest_accounting(struct kunit *test)
{
	struct fnat_conn_table *t = fnat_conn_table_create(4, 0);
	struct fnat_tuple o = tuple4(CIP, 40000, VIP, 80);
	struct fnat_tuple r = tuple4(RIP, 80, CIP, 40000);
	struct fnat_tuple o2 = tuple4(CIP, 40001, VIP, 80);
	struct fnat_tuple r2 = tuple4(RIP, 80, CIP, 40001);
	struct fnat_dest *dest;
	struct fnat_conn *c, *dup;
	atomic_t net_count = ATOMIC_INIT(0);

	KUNIT_ASSERT_NOT_NULL(test, t);
	dest = kzalloc(sizeof(*dest), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dest);
	refcount_set(&dest->refcnt, 1);

	c = fnat_conn_alloc(t, &init_net, &o, &r, 100);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_ASSERT_TRUE(test, fnat_dest_hold(dest));
	c->dest = dest;
	c->net_count = &net_count;
	KUNIT_ASSERT_EQ(test, 0, fnat_conn_insert(t, c, 0));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&dest->inact_conns));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&dest->active_conns));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&net_count));

	fnat_conn_set_active(c, true);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&dest->inact_conns));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&dest->active_conns));
	fnat_conn_set_active(c, true);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&dest->active_conns));

	/* A second entry with a live tuple is refused and counts nowhere. */
	dup = fnat_conn_alloc(t, &init_net, &o, &r2, 100);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dup));
	KUNIT_ASSERT_TRUE(test, fnat_dest_hold(dest));
	dup->dest = dest;
	dup->net_count = &net_count;
	KUNIT_EXPECT_EQ(test, -EEXIST, fnat_conn_insert(t, dup, 0));
	fnat_conn_free_unhashed(t, dup);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&net_count));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->count));
	KUNIT_EXPECT_EQ(test, 2, refcount_read(&dest->refcnt));

	/* Out of the table: out of every count, though still referenced. */
	fnat_conn_unlink(t, c);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&dest->active_conns));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&net_count));
	fnat_conn_set_active(c, false);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&dest->inact_conns));
	KUNIT_EXPECT_EQ(test, 2, refcount_read(&dest->refcnt));
	fnat_conn_put(c);
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&dest->refcnt));

	/* An expired entry's tuple goes to a new connection at once. */
	c = fnat_conn_alloc(t, &init_net, &o2, &r2, 10);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_ASSERT_EQ(test, 0, fnat_conn_insert(t, c, 0));
	dup = fnat_conn_alloc(t, &init_net, &o2, &r2, 100);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dup));
	KUNIT_EXPECT_EQ(test, 0, fnat_conn_insert(t, dup, 10));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(c->hashed));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&t->count));
	fnat_conn_put(c);
	fnat_conn_put(dup);

	fnat_conn_table_destroy(t);
	kfree(dest);
}

struct walk_state {
	unsigned int	seen[64];
	unsigned int	extra;		/* expired, or of another netns */
	unsigned int	budget;		/* accepted before refusing one */
};

static int walk_take(struct fnat_conn *c, void *arg)
{
	struct walk_state *w = arg;
	unsigned int i = ntohs(c->tuple[FNAT_DIR_ORIG].sport) - 40000;

	if (!w->budget)
		return -EMSGSIZE;
	w->budget--;
	if (i < ARRAY_SIZE(w->seen))
		w->seen[i]++;
	else
		w->extra++;
	return 0;
}

/*
 * A dump that stops whenever its message is full and resumes at (bucket,
 * position) sees every live connection of its netns exactly once, however
 * small the parts, and nothing expired or of another netns.
 */
static void fnat_conn_walk_resumes(struct kunit *test)
{
	struct fnat_conn_table *t = fnat_conn_table_create(3, 0);
	struct net *other = kunit_kzalloc(test, sizeof(*other), GFP_KERNEL);
	struct fnat_conn *c[64 + 2];
	struct walk_state *w;
	unsigned int i, part, b, pos;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, other);
	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	for (i = 0; i < 64; i++) {
		struct fnat_tuple o = tuple4(CIP, 40000 + i, VIP, 80);
		struct fnat_tuple r = tuple4(RIP, 80, CIP, 40000 + i);

		c[i] = fnat_conn_create(t, &init_net, &o, &r, 100, 0);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c[i]));
	}
	{
		struct fnat_tuple o = tuple4(CIP, 40100, VIP, 80);
		struct fnat_tuple r = tuple4(RIP, 80, CIP, 40100);

		c[64] = fnat_conn_create(t, &init_net, &o, &r, 5, 0);
		c[65] = fnat_conn_create(t, other, &o, &r, 100, 0);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c[64]));
		KUNIT_ASSERT_FALSE(test, IS_ERR(c[65]));
	}

	for (part = 1; part <= 7; part += 3) {
		memset(w, 0, sizeof(*w));
		b = 0;
		pos = 0;
		while (b < (1U << t->bits)) {
			w->budget = part;
			for (; b < (1U << t->bits); b++) {
				if (fnat_conn_walk_bucket(t, b, &init_net, 10,
							  &pos, walk_take, w))
					break;
				pos = 0;
			}
		}
		for (i = 0; i < 64; i++)
			KUNIT_EXPECT_EQ_MSG(test, 1U, w->seen[i],
					    "conn %u, parts of %u", i, part);
		KUNIT_EXPECT_EQ(test, 0U, w->extra);
	}
	for (i = 0; i < ARRAY_SIZE(c); i++)
		fnat_conn_put(c[i]);
	fnat_conn_table_destroy(t);
}

static struct kunit_case fnat_conn_cases[] = {
	KUNIT_CASE(fnat_conn_walk_resumes),
	KUNIT_CASE(fnat_conn_dest_accounting),
	KUNIT_CASE(fnat_conn_both_directions),
	KUNIT_CASE(fnat_conn_reuse_and_limit),
	KUNIT_CASE(fnat_conn_netns_separate),
	KUNIT_CASE(fnat_conn_matches_reference),
	{}
};

static struct kunit_suite fnat_conn_suite = {
	.name = "fnat_conn",
	.test_cases = fnat_conn_cases,
};

kunit_test_suites(&fnat_conn_suite);

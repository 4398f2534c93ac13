// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the service and dest tables, their error contract (the errno and
 * message fnatadm shows) and, under random operation sequences, agreement
 * with a deliberately naive reference model.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/netlink.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include "../fnat.h"
#include "../fnat_sched.h"

static int fnat_test_init(struct kunit *test)
{
	struct fnat_netns *fn = kunit_kzalloc(test, sizeof(*fn), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fn);
	fnat_netns_state_init(fn);
	test->priv = fn;
	return 0;
}

static void fnat_test_exit(struct kunit *test)
{
	fnat_netns_state_destroy(test->priv);
	/* kunit frees fn on return: wait for the kfree_rcu'd objects. */
	rcu_barrier();
}

static struct fnat_svc_key svc_key(u8 proto, u32 addr, u16 port)
{
	struct fnat_svc_key k = {
		.af = AF_INET,
		.protocol = proto,
		.port = htons(port),
	};

	k.addr.ip = htonl(addr);
	return k;
}

static struct fnat_dest_key dest_key(u32 addr, u16 port)
{
	struct fnat_dest_key k = { .af = AF_INET, .port = htons(port) };

	k.addr.ip = htonl(addr);
	return k;
}

static struct fnat_svc_conf sched_conf(const char *name)
{
	struct fnat_svc_conf c = { .has_sched = true };

	strscpy(c.sched_name, name, sizeof(c.sched_name));
	return c;
}

static struct fnat_dest_conf fwd_conf(u8 fwd)
{
	struct fnat_dest_conf c = { .fwd_method = fwd, .has_fwd_method = true };

	return c;
}

#define VIP	0xc0a800f0	/* 192.168.0.240 */
#define RIP1	0xc0a800df	/* 192.168.0.223 */
#define RIP2	0xc0a800e0	/* 192.168.0.224 */

/* Runs one table call under the writer lock and records its extack. */
#define LOCKED(fn, call) ({			\
	int __r;				\
	mutex_lock(&(fn)->lock);		\
	__r = (call);				\
	mutex_unlock(&(fn)->lock);		\
	__r;					\
})

static void fnat_svc_add_find_del(struct kunit *test)
{
	struct fnat_netns *fn = test->priv;
	struct fnat_svc_key k = svc_key(IPPROTO_TCP, VIP, 80);
	struct fnat_svc_conf conf = sched_conf("rr");
	struct netlink_ext_ack ext = {};
	struct fnat_service *svc;

	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_svc_add(fn, &k, &conf, &ext)));
	KUNIT_EXPECT_EQ(test, 1U, fn->num_services);
	rcu_read_lock();
	svc = fnat_svc_lookup(fn, &k);
	KUNIT_EXPECT_NOT_NULL(test, svc);
	if (svc) {
		KUNIT_EXPECT_STREQ(test, "rr", svc->sched->name);
		KUNIT_EXPECT_EQ(test, 0U, svc->flags);
		KUNIT_EXPECT_EQ(test, 32, (int)svc->netmask);
	}
	rcu_read_unlock();

	/* Same address, other protocol or port: other services. */
	k.protocol = IPPROTO_UDP;
	KUNIT_EXPECT_NULL(test, fnat_svc_lookup(fn, &k));
	k = svc_key(IPPROTO_TCP, VIP, 81);
	KUNIT_EXPECT_NULL(test, fnat_svc_lookup(fn, &k));

	k = svc_key(IPPROTO_TCP, VIP, 80);
	KUNIT_EXPECT_EQ(test, -EEXIST, LOCKED(fn, fnat_svc_add(fn, &k, &conf, &ext)));
	KUNIT_EXPECT_STREQ(test, "Service already exists", ext._msg);

	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_svc_del(fn, &k, &ext)));
	KUNIT_EXPECT_NULL(test, fnat_svc_lookup(fn, &k));
	KUNIT_EXPECT_EQ(test, 0U, fn->num_services);
	KUNIT_EXPECT_EQ(test, -ESRCH, LOCKED(fn, fnat_svc_del(fn, &k, &ext)));
	KUNIT_EXPECT_STREQ(test, "No such service", ext._msg);
}

static void fnat_svc_defaults_and_errors(struct kunit *test)
{
	struct fnat_netns *fn = test->priv;
	struct fnat_svc_key k = svc_key(IPPROTO_UDP, VIP, 53);
	struct fnat_svc_conf none = {}, bad = sched_conf("nosuch");
	struct netlink_ext_ack ext = {};
	struct fnat_service *svc;

	KUNIT_EXPECT_EQ(test, -ENOENT, LOCKED(fn, fnat_svc_add(fn, &k, &bad, &ext)));
	KUNIT_EXPECT_STREQ(test, "Scheduler not found", ext._msg);
	KUNIT_EXPECT_EQ(test, 0U, fn->num_services);

	/* No scheduler given: wlc, as ipvsadm. */
	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_svc_add(fn, &k, &none, &ext)));
	svc = fnat_svc_lookup(fn, &k);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	KUNIT_EXPECT_STREQ(test, "wlc", svc->sched->name);
	KUNIT_EXPECT_EQ(test, (u32)FNAT_PERSIST_DEFAULT, svc->timeout);

	k = svc_key(IPPROTO_TCP, VIP, 0);
	KUNIT_EXPECT_EQ(test, -EINVAL, LOCKED(fn, fnat_svc_add(fn, &k, &none, &ext)));
	KUNIT_EXPECT_STREQ(test, "Zero port specified for non-persistent service",
			   ext._msg);
	none.flags = FNAT_SVC_F_PERSISTENT;
	none.has_flags = true;
	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_svc_add(fn, &k, &none, &ext)));

	k = svc_key(IPPROTO_ICMP, VIP, 80);
	KUNIT_EXPECT_EQ(test, -EPROTONOSUPPORT,
			LOCKED(fn, fnat_svc_add(fn, &k, &none, &ext)));

	k = svc_key(IPPROTO_TCP, VIP, 80);
	k.af = AF_PACKET;
	KUNIT_EXPECT_EQ(test, -EAFNOSUPPORT,
			LOCKED(fn, fnat_svc_add(fn, &k, &none, &ext)));
	KUNIT_EXPECT_STREQ(test, "Unsupported address family", ext._msg);

	k = svc_key(IPPROTO_TCP, 0xe0000051, 80);	/* 224.0.0.81 */
	KUNIT_EXPECT_EQ(test, -EINVAL, LOCKED(fn, fnat_svc_add(fn, &k, &none, &ext)));
	KUNIT_EXPECT_EQ(test, 2U, fn->num_services);
}

static struct fnat_svc_key svc6_key(u16 last, u16 port)
{
	struct fnat_svc_key k = {
		.af = AF_INET6,
		.protocol = IPPROTO_TCP,
		.port = htons(port),
	};

	k.addr.in6.s6_addr16[0] = htons(0x2001);
	k.addr.in6.s6_addr16[1] = htons(0xdb8);
	k.addr.in6.s6_addr16[7] = htons(last);
	return k;
}

static struct fnat_dest_key dest6_key(u16 last, u16 port)
{
	struct fnat_svc_key s = svc6_key(last, port);
	struct fnat_dest_key k = { .af = AF_INET6, .port = s.port,
				   .addr = s.addr };

	return k;
}

/*
 * IPv6 services, and which families their dests and local addresses may
 * have: 6->4 only through FULLNAT with an IPv4 local address, never 4->6.
 */
static void fnat_ipv6_families(struct kunit *test)
{
	struct fnat_netns *fn = test->priv;
	struct fnat_svc_key s6 = svc6_key(1, 80), s4 = svc_key(IPPROTO_TCP, VIP, 80);
	struct fnat_dest_key d6 = dest6_key(0x10, 8080), d4 = dest_key(RIP1, 8080);
	struct fnat_dest_conf nat = fwd_conf(FNAT_FWD_NAT);
	struct fnat_dest_conf full = fwd_conf(FNAT_FWD_FULLNAT);
	struct fnat_dest_conf edit = fwd_conf(FNAT_FWD_NAT);
	struct fnat_svc_conf conf = sched_conf("rr");
	struct netlink_ext_ack ext = {};
	union nf_inet_addr l4 = { .ip = htonl(RIP2) };
	union nf_inet_addr l6 = dest6_key(0xfe, 0).addr;
	struct fnat_svc_key bad = s6;
	struct fnat_service *svc;

	KUNIT_ASSERT_EQ(test, 0, LOCKED(fn, fnat_svc_add(fn, &s6, &conf, &ext)));
	KUNIT_ASSERT_EQ(test, 0, LOCKED(fn, fnat_svc_add(fn, &s4, &conf, &ext)));
	svc = fnat_svc_lookup(fn, &s6);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	KUNIT_EXPECT_EQ(test, 128, (int)svc->netmask);
	/* Same bytes, other family: another service. */
	bad.af = AF_INET;
	KUNIT_EXPECT_NULL(test, fnat_svc_lookup(fn, &bad));

	/* Not unicast, or an IPv4 address in IPv6 clothing. */
	bad = s6;
	bad.addr.in6.s6_addr16[0] = htons(0xff02);
	KUNIT_EXPECT_EQ(test, -EINVAL, LOCKED(fn, fnat_svc_add(fn, &bad, &conf, &ext)));
	KUNIT_EXPECT_STREQ(test, "Address must be unicast", ext._msg);
	memset(&bad.addr, 0, sizeof(bad.addr));
	KUNIT_EXPECT_EQ(test, -EINVAL, LOCKED(fn, fnat_svc_add(fn, &bad, &conf, &ext)));
	bad.addr.in6.s6_addr16[5] = htons(0xffff);
	bad.addr.in6.s6_addr32[3] = htonl(VIP);
	KUNIT_EXPECT_EQ(test, -EINVAL, LOCKED(fn, fnat_svc_add(fn, &bad, &conf, &ext)));
	KUNIT_EXPECT_STREQ(test,
			   "IPv4-mapped IPv6 address: give the IPv4 address instead",
			   ext._msg);

	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_dest_add(fn, &s6, &d6, &nat, &ext)));
	KUNIT_EXPECT_EQ(test, -EAFNOSUPPORT,
			LOCKED(fn, fnat_dest_add(fn, &s4, &d6, &nat, &ext)));
	KUNIT_EXPECT_STREQ(test, "An IPv4 service cannot have IPv6 destinations",
			   ext._msg);
	KUNIT_EXPECT_EQ(test, -EAFNOSUPPORT,
			LOCKED(fn, fnat_dest_add(fn, &s6, &d4, &nat, &ext)));
	KUNIT_EXPECT_STREQ(test,
			   "Only FULLNAT (-b) can forward an IPv6 service to an IPv4 destination",
			   ext._msg);

	/* FULLNAT needs a local address of the dest's family. */
	KUNIT_EXPECT_EQ(test, -EAFNOSUPPORT,
			LOCKED(fn, fnat_laddr_add(fn, &s4, AF_INET6, &l6, &ext)));
	KUNIT_EXPECT_STREQ(test, "An IPv4 service cannot have IPv6 local addresses",
			   ext._msg);
	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_laddr_add(fn, &s6, AF_INET6, &l6, &ext)));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			LOCKED(fn, fnat_dest_add(fn, &s6, &d4, &full, &ext)));
	KUNIT_EXPECT_STREQ(test,
			   "FULLNAT to an IPv4 destination needs an IPv4 local address: add one to the service first (-P)",
			   ext._msg);
	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_laddr_add(fn, &s6, AF_INET, &l4, &ext)));
	KUNIT_EXPECT_EQ(test, 2, (int)fnat_laddr_count(svc, AF_INET) +
			(int)fnat_laddr_count(svc, AF_INET6));
	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_dest_add(fn, &s6, &d4, &full, &ext)));
	/* The local addresses are told apart by family too. */
	KUNIT_EXPECT_NOT_NULL(test, fnat_laddr_lookup(svc, AF_INET, &l4));
	KUNIT_EXPECT_NULL(test, fnat_laddr_lookup(svc, AF_INET6, &l4));
	/* Once 6->4, FULLNAT it stays. */
	KUNIT_EXPECT_EQ(test, -EAFNOSUPPORT,
			LOCKED(fn, fnat_dest_edit(fn, &s6, &d4, &edit, &ext)));
	KUNIT_EXPECT_EQ(test, 2U, svc->num_dests);
	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_laddr_del(fn, &s6, AF_INET, &l4, &ext)));
	KUNIT_EXPECT_EQ(test, -ENOENT,
			LOCKED(fn, fnat_laddr_del(fn, &s6, AF_INET, &l4, &ext)));
}

static void fnat_svc_edit_is_all_or_nothing(struct kunit *test)
{
	struct fnat_netns *fn = test->priv;
	struct fnat_svc_key k = svc_key(IPPROTO_TCP, VIP, 80);
	struct fnat_svc_conf conf = sched_conf("rr"), edit = {};
	struct netlink_ext_ack ext = {};
	struct fnat_service *svc;

	KUNIT_ASSERT_EQ(test, 0, LOCKED(fn, fnat_svc_add(fn, &k, &conf, &ext)));
	svc = fnat_svc_lookup(fn, &k);
	KUNIT_ASSERT_NOT_NULL(test, svc);

	/* Only what is present changes. */
	edit.flags = FNAT_SVC_F_PERSISTENT;
	edit.has_flags = true;
	edit.timeout = 20;
	edit.has_timeout = true;
	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_svc_edit(fn, &k, &edit, &ext)));
	KUNIT_EXPECT_STREQ(test, "rr", svc->sched->name);
	KUNIT_EXPECT_EQ(test, 20U, svc->timeout);
	KUNIT_EXPECT_EQ(test, FNAT_SVC_F_PERSISTENT, svc->flags);

	/* A bad part refuses the whole edit. */
	edit = sched_conf("nosuch");
	edit.timeout = 99;
	edit.has_timeout = true;
	KUNIT_EXPECT_EQ(test, -ENOENT, LOCKED(fn, fnat_svc_edit(fn, &k, &edit, &ext)));
	KUNIT_EXPECT_EQ(test, 20U, svc->timeout);
	KUNIT_EXPECT_STREQ(test, "rr", svc->sched->name);

	edit = sched_conf("wrr");
	edit.netmask = 33;
	edit.has_netmask = true;
	KUNIT_EXPECT_EQ(test, -EINVAL, LOCKED(fn, fnat_svc_edit(fn, &k, &edit, &ext)));
	KUNIT_EXPECT_STREQ(test, "rr", svc->sched->name);

	edit.netmask = 24;
	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_svc_edit(fn, &k, &edit, &ext)));
	KUNIT_EXPECT_STREQ(test, "wrr", svc->sched->name);
	KUNIT_EXPECT_EQ(test, 24, (int)svc->netmask);

	k.port = htons(8080);
	KUNIT_EXPECT_EQ(test, -ESRCH, LOCKED(fn, fnat_svc_edit(fn, &k, &edit, &ext)));
	KUNIT_EXPECT_STREQ(test, "No such service", ext._msg);
}

static void fnat_dest_contract(struct kunit *test)
{
	struct fnat_netns *fn = test->priv;
	struct fnat_svc_key sk = svc_key(IPPROTO_TCP, VIP, 80);
	struct fnat_svc_key other = svc_key(IPPROTO_TCP, VIP, 81);
	struct fnat_dest_key dk = dest_key(RIP1, 8080);
	struct fnat_svc_conf sconf = sched_conf("rr");
	struct fnat_dest_conf dr = fwd_conf(FNAT_FWD_DR), nat = fwd_conf(FNAT_FWD_NAT);
	struct fnat_dest_conf edit = {};
	struct netlink_ext_ack ext = {};
	struct fnat_service *svc;
	struct fnat_dest *dest;

	KUNIT_EXPECT_EQ(test, -ESRCH,
			LOCKED(fn, fnat_dest_add(fn, &sk, &dk, &dr, &ext)));
	KUNIT_EXPECT_STREQ(test, "Service not defined", ext._msg);
	KUNIT_ASSERT_EQ(test, 0, LOCKED(fn, fnat_svc_add(fn, &sk, &sconf, &ext)));
	svc = fnat_svc_lookup(fn, &sk);
	KUNIT_ASSERT_NOT_NULL(test, svc);

	/* DR cannot map ports: stored with the service's port, weight 1. */
	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_dest_add(fn, &sk, &dk, &dr, &ext)));
	dest = fnat_dest_lookup(svc, &dk);
	KUNIT_EXPECT_NULL(test, dest);
	dk.port = htons(80);
	dest = fnat_dest_lookup(svc, &dk);
	KUNIT_ASSERT_NOT_NULL(test, dest);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&dest->weight));
	KUNIT_EXPECT_EQ(test, FNAT_FWD_DR, (int)dest->fwd_method);
	KUNIT_EXPECT_EQ(test, -EEXIST,
			LOCKED(fn, fnat_dest_add(fn, &sk, &dk, &dr, &ext)));
	KUNIT_EXPECT_STREQ(test, "Destination already exists", ext._msg);

	/* NAT keeps the port it was given. */
	dk = dest_key(RIP2, 8080);
	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_dest_add(fn, &sk, &dk, &nat, &ext)));
	KUNIT_EXPECT_NOT_NULL(test, fnat_dest_lookup(svc, &dk));
	KUNIT_EXPECT_EQ(test, 2U, svc->num_dests);

	/* Switching it to DR would need another port: refused. */
	edit = fwd_conf(FNAT_FWD_DR);
	dk = dest_key(RIP2, 8080);
	edit.has_fwd_method = true;
	KUNIT_EXPECT_EQ(test, -ENOENT,
			LOCKED(fn, fnat_dest_edit(fn, &sk, &dk, &edit, &ext)));
	edit = (struct fnat_dest_conf){ .u_thresh = 10, .has_u_thresh = true,
					.l_thresh = 11, .has_l_thresh = true };
	KUNIT_EXPECT_EQ(test, -EINVAL,
			LOCKED(fn, fnat_dest_edit(fn, &sk, &dk, &edit, &ext)));
	dest = fnat_dest_lookup(svc, &dk);
	KUNIT_ASSERT_NOT_NULL(test, dest);
	KUNIT_EXPECT_EQ(test, 0U, dest->u_thresh);

	edit = (struct fnat_dest_conf){ .weight = 3, .has_weight = true };
	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_dest_edit(fn, &sk, &dk, &edit, &ext)));
	KUNIT_EXPECT_EQ(test, 3, atomic_read(&dest->weight));
	KUNIT_EXPECT_EQ(test, FNAT_FWD_NAT, (int)dest->fwd_method);

	KUNIT_EXPECT_EQ(test, -ESRCH,
			LOCKED(fn, fnat_dest_del(fn, &other, &dk, &ext)));
	KUNIT_EXPECT_STREQ(test, "Service not defined", ext._msg);
	dk = dest_key(RIP2, 9090);
	KUNIT_EXPECT_EQ(test, -ENOENT,
			LOCKED(fn, fnat_dest_del(fn, &sk, &dk, &ext)));
	KUNIT_EXPECT_STREQ(test, "No such destination", ext._msg);

	dk = dest_key(0, 80);
	KUNIT_EXPECT_EQ(test, -EINVAL,
			LOCKED(fn, fnat_dest_add(fn, &sk, &dk, &nat, &ext)));
	KUNIT_EXPECT_STREQ(test, "Address must be unicast", ext._msg);

	dk = dest_key(RIP2, 8080);
	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_dest_del(fn, &sk, &dk, &ext)));
	KUNIT_EXPECT_EQ(test, 1U, svc->num_dests);
	KUNIT_EXPECT_EQ(test, 1U, rcu_dereference_protected(svc->dset, 1)->n);

	LOCKED(fn, (fnat_svc_flush(fn), 0));
	KUNIT_EXPECT_EQ(test, 0U, fn->num_services);
	KUNIT_EXPECT_TRUE(test, list_empty(&fn->svc_list));
}

static void fnat_svc_zero_counters(struct kunit *test)
{
	struct fnat_netns *fn = test->priv;
	struct fnat_svc_key k1 = svc_key(IPPROTO_TCP, VIP, 80);
	struct fnat_svc_key k2 = svc_key(IPPROTO_TCP, VIP, 81);
	struct fnat_dest_key dk = dest_key(RIP1, 80);
	struct fnat_svc_conf sc = sched_conf("rr");
	struct fnat_dest_conf dc = fwd_conf(FNAT_FWD_NAT);
	struct netlink_ext_ack ext = {};
	struct fnat_service *s1, *s2;
	struct fnat_dest *d;
	struct fnat_counters c;

	KUNIT_ASSERT_EQ(test, 0, LOCKED(fn, fnat_svc_add(fn, &k1, &sc, &ext)));
	KUNIT_ASSERT_EQ(test, 0, LOCKED(fn, fnat_svc_add(fn, &k2, &sc, &ext)));
	KUNIT_ASSERT_EQ(test, 0, LOCKED(fn, fnat_dest_add(fn, &k1, &dk, &dc, &ext)));
	s1 = fnat_svc_lookup(fn, &k1);
	s2 = fnat_svc_lookup(fn, &k2);
	KUNIT_ASSERT_NOT_NULL(test, s1);
	KUNIT_ASSERT_NOT_NULL(test, s2);
	d = fnat_dest_lookup(s1, &dk);
	KUNIT_ASSERT_NOT_NULL(test, d);
	fnat_stats_conn(&s1->stats);
	fnat_stats_conn(&s2->stats);
	fnat_stats_packet(&d->stats, true, 60);

	/* One service: it and its dests, not the others. */
	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_svc_zero(fn, &k1, &ext)));
	fnat_stats_read(&s1->stats, &c);
	KUNIT_EXPECT_EQ(test, 0ULL, c.conns);
	fnat_stats_read(&d->stats, &c);
	KUNIT_EXPECT_EQ(test, 0ULL, c.inbytes);
	fnat_stats_read(&s2->stats, &c);
	KUNIT_EXPECT_EQ(test, 1ULL, c.conns);

	k1.port = htons(82);
	KUNIT_EXPECT_EQ(test, -ESRCH, LOCKED(fn, fnat_svc_zero(fn, &k1, &ext)));
	KUNIT_EXPECT_STREQ(test, "No such service", ext._msg);
	KUNIT_EXPECT_EQ(test, 0, LOCKED(fn, fnat_svc_zero(fn, NULL, &ext)));
	fnat_stats_read(&s2->stats, &c);
	KUNIT_EXPECT_EQ(test, 0ULL, c.conns);
}

/*
 * The reference model: plain arrays searched linearly, holding what the
 * table should hold. Keys come from a small space so that collisions,
 * duplicates and misses are all frequent.
 */
#define REF_SVCS	8
#define REF_DESTS	4

struct ref_svc {
	bool	present;
	bool	dest[REF_DESTS];
	u32	weight[REF_DESTS];
	int	order;		/* creation stamp */
};

static struct fnat_svc_key ref_skey(int i)
{
	return svc_key(i & 1 ? IPPROTO_UDP : IPPROTO_TCP, VIP + (i >> 1), 80);
}

static struct fnat_dest_key ref_dkey(int j)
{
	return dest_key(RIP1 + j, 80);
}

static void fnat_table_matches_reference(struct kunit *test)
{
	struct fnat_netns *fn = test->priv;
	struct ref_svc ref[REF_SVCS] = {};
	struct netlink_ext_ack ext = {};
	struct rnd_state rnd;
	int step, stamp = 0, i, j, err, want;

	prandom_seed_state(&rnd, 0x666e6174);
	for (step = 0; step < 4000; step++) {
		u32 r = prandom_u32_state(&rnd);
		struct fnat_svc_key sk;
		struct fnat_dest_key dk;
		struct fnat_svc_conf sc = sched_conf(r & 0x100 ? "wrr" : "rr");
		struct fnat_dest_conf dc = fwd_conf(FNAT_FWD_NAT);

		i = (r >> 3) % REF_SVCS;
		j = (r >> 6) % REF_DESTS;
		sk = ref_skey(i);
		dk = ref_dkey(j);
		dc.weight = (r >> 12) % 5;
		dc.has_weight = true;

		switch (r % 6) {
		case 0:
			err = LOCKED(fn, fnat_svc_add(fn, &sk, &sc, &ext));
			want = ref[i].present ? -EEXIST : 0;
			if (!want) {
				memset(&ref[i], 0, sizeof(ref[i]));
				ref[i].present = true;
				ref[i].order = stamp++;
			}
			break;
		case 1:
			err = LOCKED(fn, fnat_svc_del(fn, &sk, &ext));
			want = ref[i].present ? 0 : -ESRCH;
			ref[i].present = false;
			break;
		case 2:
		case 3:
			err = LOCKED(fn, fnat_dest_add(fn, &sk, &dk, &dc, &ext));
			want = !ref[i].present ? -ESRCH :
			       ref[i].dest[j] ? -EEXIST : 0;
			if (!want) {
				ref[i].dest[j] = true;
				ref[i].weight[j] = dc.weight;
			}
			break;
		case 4:
			err = LOCKED(fn, fnat_dest_edit(fn, &sk, &dk, &dc, &ext));
			want = !ref[i].present ? -ESRCH :
			       !ref[i].dest[j] ? -ENOENT : 0;
			if (!want)
				ref[i].weight[j] = dc.weight;
			break;
		default:
			err = LOCKED(fn, fnat_dest_del(fn, &sk, &dk, &ext));
			want = !ref[i].present ? -ESRCH :
			       !ref[i].dest[j] ? -ENOENT : 0;
			if (!want)
				ref[i].dest[j] = false;
			break;
		}
		KUNIT_ASSERT_EQ_MSG(test, want, err, "step %d op %u", step, r % 6);
	}

	/* Whole-table comparison: membership, weights, set sizes, order. */
	for (i = 0; i < REF_SVCS; i++) {
		struct fnat_svc_key sk = ref_skey(i);
		struct fnat_service *svc = fnat_svc_lookup(fn, &sk);
		unsigned int n = 0;

		KUNIT_ASSERT_EQ(test, ref[i].present, !!svc);
		if (!svc)
			continue;
		for (j = 0; j < REF_DESTS; j++) {
			struct fnat_dest_key dk = ref_dkey(j);
			struct fnat_dest *d = fnat_dest_lookup(svc, &dk);

			KUNIT_EXPECT_EQ(test, ref[i].dest[j], !!d);
			if (d) {
				n++;
				KUNIT_EXPECT_EQ(test, ref[i].weight[j],
						(u32)atomic_read(&d->weight));
			}
		}
		KUNIT_EXPECT_EQ(test, n, svc->num_dests);
		KUNIT_EXPECT_EQ(test, n,
				rcu_dereference_protected(svc->dset, 1)->n);
	}
	{
		struct fnat_service *svc;
		int last = -1, count = 0;

		list_for_each_entry(svc, &fn->svc_list, list) {
			for (i = 0; i < REF_SVCS; i++) {
				struct fnat_svc_key sk = ref_skey(i);

				if (sk.protocol == svc->key.protocol &&
				    sk.addr.ip == svc->key.addr.ip)
					break;
			}
			KUNIT_ASSERT_LT(test, i, REF_SVCS);
			KUNIT_EXPECT_GT(test, ref[i].order, last);
			last = ref[i].order;
			count++;
		}
		KUNIT_EXPECT_EQ(test, (unsigned int)count, fn->num_services);
	}
}

static struct kunit_case fnat_service_cases[] = {
	KUNIT_CASE(fnat_svc_add_find_del),
	KUNIT_CASE(fnat_svc_defaults_and_errors),
	KUNIT_CASE(fnat_svc_edit_is_all_or_nothing),
	KUNIT_CASE(fnat_dest_contract),
	KUNIT_CASE(fnat_ipv6_families),
	KUNIT_CASE(fnat_svc_zero_counters),
	KUNIT_CASE(fnat_table_matches_reference),
	{}
};

static struct kunit_suite fnat_service_suite = {
	.name = "fnat_service",
	.init = fnat_test_init,
	.exit = fnat_test_exit,
	.test_cases = fnat_service_cases,
};

kunit_test_suites(&fnat_service_suite);

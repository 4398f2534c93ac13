// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: NAT and FULLNAT rewriting as data-path fixtures. Each case builds
 * the packet that arrives and, independently, the packet that should leave
 * (its checksums computed from scratch by the builder); the rewrite, which
 * only adjusts checksums incrementally, must produce exactly those bytes,
 * for every checksum mode and skb layout.
 */
#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/in.h>
#include <linux/prandom.h>
#include <linux/skbuff.h>
#include <net/tcp.h>
#include "../fnat_rewrite.h"
#include "fnat_pkt_builder.h"

#define CIP	0x0a000001	/* 10.0.0.1 client */
#define VIP	0x0a000064	/* 10.0.0.100 */
#define RIP	0xc0a80a02	/* 192.168.10.2 real server */
#define LIP	0xc0a80a01	/* 192.168.10.1 director's local address */

static const struct fnat_pb_layout layouts[] = {
	{ },
	{ .nhoff = 14 },
	{ .nonlinear = true, .linear_len = 24, .frag_len = 16 },
};

static struct fnat_pb_spec spec(u8 proto, enum fnat_pb_csum csum, u32 saddr,
				u16 sport, u32 daddr, u16 dport)
{
	struct fnat_pb_spec s = {
		.saddr = fnat_pb_ip4(saddr),
		.daddr = fnat_pb_ip4(daddr),
		.protocol = proto,
		.id = htons(0x4d2),
		.df = true,
		.sport = htons(sport),
		.dport = htons(dport),
		.csum = csum,
		.tcp_flags = TCPHDR_ACK | TCPHDR_PSH,
		.seq = 0x01020304,
		.ack_seq = 0x0a0b0c0d,
		.payload_len = 100,
	};

	return s;
}

static struct fnat_tuple to_tuple(const struct fnat_pb_spec *s)
{
	struct fnat_tuple t = {
		.saddr = s->saddr,
		.daddr = s->daddr,
		.sport = s->sport,
		.dport = s->dport,
		.af = AF_INET,
		.protocol = s->protocol,
	};

	return t;
}

/* Rewrites a packet built from @in to @out's tuple, in every layout. */
static void expect_rewrite(struct kunit *test, const struct fnat_pb_spec *in,
			   const struct fnat_pb_spec *out)
{
	struct fnat_tuple to = to_tuple(out);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(layouts); i++) {
		struct sk_buff *got = fnat_pb_new(test, in, &layouts[i]);
		struct sk_buff *want = fnat_pb_new(test, out, &layouts[i]);
		struct fnat_pkt p;

		KUNIT_ASSERT_NOT_NULL(test, got);
		KUNIT_ASSERT_NOT_NULL(test, want);
		KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, layouts[i].nhoff, &p));
		KUNIT_ASSERT_EQ_MSG(test, 0, fnat_rewrite_v4(got, &p, &to),
				    "layout %u", i);
		FNAT_PB_EXPECT_SKB_EQ(test, got, want, layouts[i].nhoff);
		KUNIT_EXPECT_EQ_MSG(test, (int)want->ip_summed,
				    (int)got->ip_summed, "layout %u", i);
	}
}

static const struct {
	u8			proto;
	enum fnat_pb_csum	csum;
} kinds[] = {
	{ IPPROTO_TCP, FNAT_PB_CSUM_FULL },
	{ IPPROTO_TCP, FNAT_PB_CSUM_PARTIAL },
	{ IPPROTO_UDP, FNAT_PB_CSUM_FULL },
	{ IPPROTO_UDP, FNAT_PB_CSUM_PARTIAL },
	{ IPPROTO_UDP, FNAT_PB_CSUM_NONE },
};

/* NAT: the request's destination becomes the real server (port mapped). */
static void fnat_rewrite_nat_request(struct kunit *test)
{
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		struct fnat_pb_spec in = spec(kinds[k].proto, kinds[k].csum,
					      CIP, 40000, VIP, 80);
		struct fnat_pb_spec out = spec(kinds[k].proto, kinds[k].csum,
					       CIP, 40000, RIP, 8080);

		expect_rewrite(test, &in, &out);
	}
}

/* NAT: the reply's source becomes the VIP again. */
static void fnat_rewrite_nat_reply(struct kunit *test)
{
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		struct fnat_pb_spec in = spec(kinds[k].proto, kinds[k].csum,
					      RIP, 8080, CIP, 40000);
		struct fnat_pb_spec out = spec(kinds[k].proto, kinds[k].csum,
					       VIP, 80, CIP, 40000);

		expect_rewrite(test, &in, &out);
	}
}

/* FULLNAT: both ends change, each way. */
static void fnat_rewrite_fullnat(struct kunit *test)
{
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		struct fnat_pb_spec req = spec(kinds[k].proto, kinds[k].csum,
					       CIP, 40000, VIP, 80);
		struct fnat_pb_spec fwd = spec(kinds[k].proto, kinds[k].csum,
					       LIP, 5000, RIP, 80);
		struct fnat_pb_spec rep = spec(kinds[k].proto, kinds[k].csum,
					       RIP, 80, LIP, 5000);
		struct fnat_pb_spec back = spec(kinds[k].proto, kinds[k].csum,
						VIP, 80, CIP, 40000);

		expect_rewrite(test, &req, &fwd);
		expect_rewrite(test, &rep, &back);
	}
}

/* Random tuples and lengths, TCP and UDP, full checksums. */
static void fnat_rewrite_random(struct kunit *test)
{
	struct rnd_state rnd;
	int i;

	prandom_seed_state(&rnd, 0x72777274);
	for (i = 0; i < 300; i++) {
		u32 r = prandom_u32_state(&rnd);
		u8 proto = r & 1 ? IPPROTO_UDP : IPPROTO_TCP;
		struct fnat_pb_spec in = spec(proto, FNAT_PB_CSUM_FULL,
					      prandom_u32_state(&rnd), r >> 16,
					      prandom_u32_state(&rnd), r >> 8);
		struct fnat_pb_spec out = spec(proto, FNAT_PB_CSUM_FULL,
					       prandom_u32_state(&rnd), r >> 4,
					       prandom_u32_state(&rnd), r >> 12);
		struct sk_buff *got, *want;
		struct fnat_tuple to;
		struct fnat_pkt p;

		in.payload_len = (r >> 20) % 1400;
		out.payload_len = in.payload_len;
		to = to_tuple(&out);
		got = fnat_pb_new(test, &in, NULL);
		want = fnat_pb_new(test, &out, NULL);
		KUNIT_ASSERT_NOT_NULL(test, got);
		KUNIT_ASSERT_NOT_NULL(test, want);
		KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, 0, &p));
		KUNIT_ASSERT_EQ(test, 0, fnat_rewrite_v4(got, &p, &to));
		FNAT_PB_EXPECT_SKB_EQ(test, got, want, 0);
		fnat_pb_free(test, got);
		fnat_pb_free(test, want);
	}
}

/* Packets without ports are not rewritten, and are left as they were. */
static void fnat_rewrite_refuses_portless(struct kunit *test)
{
	struct fnat_pb_spec echo = {
		.saddr = fnat_pb_ip4(CIP),
		.daddr = fnat_pb_ip4(VIP),
		.protocol = IPPROTO_ICMP,
		.icmp_type = ICMP_ECHO,
	};
	struct fnat_pb_spec frag = spec(IPPROTO_UDP, FNAT_PB_CSUM_FULL,
					CIP, 40000, VIP, 80);
	struct fnat_pb_spec out = spec(IPPROTO_UDP, FNAT_PB_CSUM_FULL,
				       CIP, 40000, RIP, 80);
	struct fnat_tuple to = to_tuple(&out);
	struct sk_buff *skb, *orig;
	struct fnat_pkt p;

	frag.df = false;
	frag.frag_off = 1480;
	skb = fnat_pb_new(test, &echo, NULL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(skb, 0, &p));
	KUNIT_EXPECT_EQ(test, -EINVAL, fnat_rewrite_v4(skb, &p, &to));

	skb = fnat_pb_new(test, &frag, NULL);
	orig = fnat_pb_new(test, &frag, NULL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_NOT_NULL(test, orig);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(skb, 0, &p));
	KUNIT_EXPECT_TRUE(test, p.flags & FNAT_PKT_F_NO_L4);
	KUNIT_EXPECT_EQ(test, -EINVAL, fnat_rewrite_v4(skb, &p, &to));
	FNAT_PB_EXPECT_SKB_EQ(test, skb, orig, 0);
}

static struct kunit_case fnat_rewrite_cases[] = {
	KUNIT_CASE(fnat_rewrite_nat_request),
	KUNIT_CASE(fnat_rewrite_nat_reply),
	KUNIT_CASE(fnat_rewrite_fullnat),
	KUNIT_CASE(fnat_rewrite_random),
	KUNIT_CASE(fnat_rewrite_refuses_portless),
	{}
};

static struct kunit_suite fnat_rewrite_suite = {
	.name = "fnat_rewrite",
	.test_cases = fnat_rewrite_cases,
};

kunit_test_suites(&fnat_rewrite_suite);

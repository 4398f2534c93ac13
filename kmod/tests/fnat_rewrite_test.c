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

struct ends {
	u32	saddr;
	u16	sport;
	u32	daddr;
	u16	dport;
};

/* What each forwarding method makes of a packet, each way. */
static const struct {
	const char	*what;
	struct ends	in, out;
} rewrites[] = {
	{ "NAT request: to the real server, port mapped",
	  { CIP, 40000, VIP, 80 }, { CIP, 40000, RIP, 8080 } },
	{ "NAT reply: from the VIP again",
	  { RIP, 8080, CIP, 40000 }, { VIP, 80, CIP, 40000 } },
	{ "FULLNAT request: both ends change",
	  { CIP, 40000, VIP, 80 }, { LIP, 5000, RIP, 80 } },
	{ "FULLNAT reply: both ends back",
	  { RIP, 80, LIP, 5000 }, { VIP, 80, CIP, 40000 } },
};

static void fnat_rewrite_fixtures(struct kunit *test)
{
	unsigned int r, k;

	for (r = 0; r < ARRAY_SIZE(rewrites); r++) {
		const struct ends *i = &rewrites[r].in, *o = &rewrites[r].out;

		kunit_info(test, "%s", rewrites[r].what);
		for (k = 0; k < ARRAY_SIZE(kinds); k++) {
			struct fnat_pb_spec in = spec(kinds[k].proto, kinds[k].csum,
						      i->saddr, i->sport,
						      i->daddr, i->dport);
			struct fnat_pb_spec out = spec(kinds[k].proto,
						       kinds[k].csum,
						       o->saddr, o->sport,
						       o->daddr, o->dport);

			expect_rewrite(test, &in, &out);
		}
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

#define ROUTER	0xac100001	/* 172.16.0.1, a router on the way */

/* An ICMP error from @from to @to quoting @inner (@quote bytes, 0: 28). */
static struct fnat_pb_spec icmp_err(u8 type, u8 code, u32 from, u32 to,
				    const struct fnat_pb_spec *inner,
				    unsigned int quote)
{
	struct fnat_pb_spec s = {
		.saddr = fnat_pb_ip4(from),
		.daddr = fnat_pb_ip4(to),
		.protocol = IPPROTO_ICMP,
		.icmp_type = type,
		.icmp_code = code,
		.inner = inner,
		.inner_quote = quote,
	};

	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		s.icmp_mtu = 1400;
	return s;
}

static void expect_icmp_rewrite(struct kunit *test,
				const struct fnat_pb_spec *in,
				const struct fnat_pb_spec *out)
{
	struct fnat_tuple inner_to = to_tuple(out->inner);
	/* FULLNAT's sequence offset, when the quote should lose one. */
	u32 seq_sub = in->inner->seq - out->inner->seq;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(layouts); i++) {
		struct sk_buff *got = fnat_pb_new(test, in, &layouts[i]);
		struct sk_buff *want = fnat_pb_new(test, out, &layouts[i]);
		struct fnat_pkt p;

		KUNIT_ASSERT_NOT_NULL(test, got);
		KUNIT_ASSERT_NOT_NULL(test, want);
		KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, layouts[i].nhoff, &p));
		KUNIT_ASSERT_TRUE(test, p.flags & FNAT_PKT_F_ICMP_ERR);
		KUNIT_ASSERT_EQ_MSG(test, 0,
				    fnat_rewrite_icmp_v4(got, &p, out->saddr.ip,
							 out->daddr.ip,
							 &inner_to, seq_sub),
				    "layout %u", i);
		FNAT_PB_EXPECT_SKB_EQ(test, got, want, layouts[i].nhoff);
	}
}

/*
 * NAT, client side: a router cannot deliver our reply VIP:80 -> client
 * and says so to the VIP; the real server must hear of its RIP:8080.
 */
static void fnat_rewrite_icmp_nat_client_side(struct kunit *test)
{
	unsigned int q, k;

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		struct fnat_pb_spec sent = spec(kinds[k].proto, FNAT_PB_CSUM_FULL,
						VIP, 80, CIP, 40000);
		struct fnat_pb_spec orig = spec(kinds[k].proto, FNAT_PB_CSUM_FULL,
						RIP, 8080, CIP, 40000);

		/* Quotes without and with the TCP checksum in them. */
		for (q = 0; q <= 60; q += 60) {
			struct fnat_pb_spec in = icmp_err(ICMP_DEST_UNREACH,
							  ICMP_FRAG_NEEDED,
							  ROUTER, VIP, &sent, q);
			struct fnat_pb_spec out = icmp_err(ICMP_DEST_UNREACH,
							   ICMP_FRAG_NEEDED,
							   ROUTER, RIP, &orig, q);

			expect_icmp_rewrite(test, &in, &out);
		}
	}
}

/*
 * NAT, server side: the real server's port is closed; the client must see
 * the error about its own packet to the VIP, coming from the VIP.
 */
static void fnat_rewrite_icmp_nat_server_side(struct kunit *test)
{
	struct fnat_pb_spec sent = spec(IPPROTO_UDP, FNAT_PB_CSUM_FULL,
					CIP, 40000, RIP, 8080);
	struct fnat_pb_spec orig = spec(IPPROTO_UDP, FNAT_PB_CSUM_FULL,
					CIP, 40000, VIP, 80);
	struct fnat_pb_spec in = icmp_err(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH,
					  RIP, CIP, &sent, 0);
	struct fnat_pb_spec out = icmp_err(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH,
					   VIP, CIP, &orig, 0);

	expect_icmp_rewrite(test, &in, &out);
	/* A datagram sent without a checksum is quoted without one. */
	sent.csum = FNAT_PB_CSUM_NONE;
	orig.csum = FNAT_PB_CSUM_NONE;
	expect_icmp_rewrite(test, &in, &out);
}

/*
 * FULLNAT: frag-needed on the server side reaches the client, its quote
 * back in the client's sequence space (the director added 0x12345678),
 * with and without the quoted TCP checksum.
 */
static void fnat_rewrite_icmp_fullnat(struct kunit *test)
{
	struct fnat_pb_spec sent = spec(IPPROTO_TCP, FNAT_PB_CSUM_FULL,
					LIP, 5000, RIP, 80);
	struct fnat_pb_spec orig = spec(IPPROTO_TCP, FNAT_PB_CSUM_FULL,
					CIP, 40000, VIP, 80);
	struct fnat_pb_spec in = icmp_err(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
					  ROUTER, LIP, &sent, 0);
	struct fnat_pb_spec out = icmp_err(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
					   VIP, CIP, &orig, 0);

	sent.seq = orig.seq + 0x12345678;
	expect_icmp_rewrite(test, &in, &out);
	in.inner_quote = 60;
	out.inner_quote = 60;
	expect_icmp_rewrite(test, &in, &out);
}

static void fnat_rewrite_icmp_refuses_non_errors(struct kunit *test)
{
	struct fnat_pb_spec tcp = spec(IPPROTO_TCP, FNAT_PB_CSUM_FULL,
				       CIP, 40000, VIP, 80);
	struct fnat_tuple to = to_tuple(&tcp);
	struct sk_buff *skb = fnat_pb_new(test, &tcp, NULL);
	struct fnat_pkt p;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(skb, 0, &p));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			fnat_rewrite_icmp_v4(skb, &p, to.saddr.ip, to.daddr.ip,
					     &to, 0));
}

static struct kunit_case fnat_rewrite_cases[] = {
	KUNIT_CASE(fnat_rewrite_icmp_nat_client_side),
	KUNIT_CASE(fnat_rewrite_icmp_nat_server_side),
	KUNIT_CASE(fnat_rewrite_icmp_fullnat),
	KUNIT_CASE(fnat_rewrite_icmp_refuses_non_errors),
	KUNIT_CASE(fnat_rewrite_fixtures),
	KUNIT_CASE(fnat_rewrite_random),
	KUNIT_CASE(fnat_rewrite_refuses_portless),
	{}
};

static struct kunit_suite fnat_rewrite_suite = {
	.name = "fnat_rewrite",
	.test_cases = fnat_rewrite_cases,
};

kunit_test_suites(&fnat_rewrite_suite);

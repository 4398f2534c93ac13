// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: NAT and FULLNAT rewriting as data-path fixtures. Each case builds
 * the packet that arrives and, independently, the packet that should leave
 * (its checksums computed from scratch by the builder); the rewrite, which
 * only adjusts checksums incrementally, must produce exactly those bytes,
 * for every checksum mode and skb layout; for CHECKSUM_COMPLETE skb->csum
 * must still sum the bytes. IPv4, then IPv6.
 */
#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/prandom.h>
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/ipv6.h>
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
	{ .nhoff = 14, .nonlinear = true, .linear_len = 62, .frag_len = 64 },
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
		.af = s->af ?: AF_INET,
		.protocol = s->protocol,
	};

	return t;
}

/*
 * What the rewrite leaves must be the packet built from scratch: the same
 * bytes, the same ip_summed and, for CHECKSUM_COMPLETE, a skb->csum that
 * sums the same (the builder's sums the bytes afresh).
 */
static void expect_same(struct kunit *test, struct sk_buff *got,
			struct sk_buff *want, unsigned int nhoff,
			unsigned int layout)
{
	FNAT_PB_EXPECT_SKB_EQ(test, got, want, nhoff);
	KUNIT_EXPECT_EQ_MSG(test, (int)want->ip_summed, (int)got->ip_summed,
			    "layout %u", layout);
	if (want->ip_summed == CHECKSUM_COMPLETE)
		KUNIT_EXPECT_EQ_MSG(test, (__force u16)csum_fold(want->csum),
				    (__force u16)csum_fold(got->csum),
				    "skb->csum, layout %u", layout);
}

static int rewrite(struct sk_buff *skb, const struct fnat_pkt *p,
		   const struct fnat_tuple *to)
{
	if (to->af == AF_INET6)
		return fnat_rewrite_v6(skb, p, to);
	return fnat_rewrite_v4(skb, p, to);
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
		KUNIT_ASSERT_EQ_MSG(test, 0, rewrite(got, &p, &to),
				    "layout %u", i);
		expect_same(test, got, want, layouts[i].nhoff, i);
		fnat_pb_free(test, got);
		fnat_pb_free(test, want);
	}
}

static const struct {
	u8			proto;
	enum fnat_pb_csum	csum;
} kinds[] = {
	{ IPPROTO_TCP, FNAT_PB_CSUM_FULL },
	{ IPPROTO_TCP, FNAT_PB_CSUM_PARTIAL },
	{ IPPROTO_TCP, FNAT_PB_CSUM_COMPLETE },
	{ IPPROTO_UDP, FNAT_PB_CSUM_FULL },
	{ IPPROTO_UDP, FNAT_PB_CSUM_PARTIAL },
	{ IPPROTO_UDP, FNAT_PB_CSUM_COMPLETE },
	/* IPv4 only: IPv6 refuses UDP without a checksum. */
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

/* IPv6: the same ends. */
#define CIP6	fnat_pb_ip6(0x20010db8, 0, 0, 1)
#define VIP6	fnat_pb_ip6(0x20010db8, 0, 0, 0x100)
#define RIP6	fnat_pb_ip6(0x20010db8, 0xa, 0, 2)
#define LIP6	fnat_pb_ip6(0x20010db8, 0xa, 0, 1)
#define ROUTER6	fnat_pb_ip6(0x20010db8, 0xffff, 0xabcd, 0xef01)

static struct fnat_pb_spec spec6(u8 proto, enum fnat_pb_csum csum,
				 union nf_inet_addr saddr, u16 sport,
				 union nf_inet_addr daddr, u16 dport)
{
	struct fnat_pb_spec s = spec(proto, csum, 0, sport, 0, dport);

	s.af = AF_INET6;
	s.saddr = saddr;
	s.daddr = daddr;
	s.id = 0;
	s.df = false;
	s.flow_label = 0xbeef;
	s.ttl = 57;
	return s;
}

struct ends6 {
	union nf_inet_addr	saddr;
	u16			sport;
	union nf_inet_addr	daddr;
	u16			dport;
};

/* Extension headers the rewrite must look past. */
static const struct fnat_pb_exthdr chain6[] = {
	{ .type = NEXTHDR_HOP },
	{ .type = NEXTHDR_DEST, .len = 16 },
	{ .type = NEXTHDR_ROUTING, .len = 24, .rt_type = 4 },
	{ .type = NEXTHDR_FRAGMENT },
	{ .type = NEXTHDR_DEST },
};

static void fnat_rewrite6_fixtures(struct kunit *test)
{
	/* Addresses are not constant expressions: built at run time. */
	const struct {
		const char	*what;
		struct ends6	in, out;
	} rewrites6[] = {
		{ "NAT request: to the real server, port mapped",
		  { CIP6, 40000, VIP6, 80 }, { CIP6, 40000, RIP6, 8080 } },
		{ "NAT reply: from the VIP again",
		  { RIP6, 8080, CIP6, 40000 }, { VIP6, 80, CIP6, 40000 } },
		{ "FULLNAT request: both ends change",
		  { CIP6, 40000, VIP6, 80 }, { LIP6, 5000, RIP6, 80 } },
		{ "FULLNAT reply: both ends back",
		  { RIP6, 80, LIP6, 5000 }, { VIP6, 80, CIP6, 40000 } },
		{ "Only the last word of an address, only a port",
		  { CIP6, 40000, VIP6, 80 }, { fnat_pb_ip6(0x20010db8, 0, 0, 2),
					       40000, VIP6, 81 } },
	};
	unsigned int r, k, x;

	for (r = 0; r < ARRAY_SIZE(rewrites6); r++) {
		const struct ends6 *i = &rewrites6[r].in;
		const struct ends6 *o = &rewrites6[r].out;

		kunit_info(test, "%s", rewrites6[r].what);
		for (k = 0; k < ARRAY_SIZE(kinds); k++) {
			struct fnat_pb_spec in, out;

			if (kinds[k].csum == FNAT_PB_CSUM_NONE)
				continue;
			in = spec6(kinds[k].proto, kinds[k].csum, i->saddr,
				   i->sport, i->daddr, i->dport);
			out = spec6(kinds[k].proto, kinds[k].csum, o->saddr,
				    o->sport, o->daddr, o->dport);
			/* Plain, behind a chain, and a first fragment. */
			for (x = 0; x < 3; x++) {
				in.exthdrs = x ? chain6 : NULL;
				in.n_exthdrs = x ? ARRAY_SIZE(chain6) : 0;
				in.frag6 = x == 1;
				in.mf = x == 2;
				in.frag_id = 0xfeedf00d;
				out.exthdrs = in.exthdrs;
				out.n_exthdrs = in.n_exthdrs;
				out.frag6 = in.frag6;
				out.mf = in.mf;
				out.frag_id = in.frag_id;
				expect_rewrite(test, &in, &out);
			}
		}
	}
}

/* Random addresses, ports and lengths, TCP and UDP, every checksum mode. */
static void fnat_rewrite6_random(struct kunit *test)
{
	static const enum fnat_pb_csum csums[] = {
		FNAT_PB_CSUM_FULL, FNAT_PB_CSUM_PARTIAL, FNAT_PB_CSUM_COMPLETE,
	};
	struct fnat_pb_spec in, out;
	union nf_inet_addr a[4];
	struct rnd_state rnd;
	struct fnat_tuple to;
	struct fnat_pkt p;
	int i;

	prandom_seed_state(&rnd, 0x72777236);
	for (i = 0; i < 300; i++) {
		u32 r = prandom_u32_state(&rnd);
		u8 proto = r & 1 ? IPPROTO_UDP : IPPROTO_TCP;
		enum fnat_pb_csum csum = csums[(r >> 1) % 3];
		struct sk_buff *got, *want;

		prandom_bytes_state(&rnd, a, sizeof(a));
		/* Sometimes the same prefix, as NAT within a /64 has. */
		if (r & 0x80)
			memcpy(&a[2], &a[0], 8);
		in = spec6(proto, csum, a[0], r >> 16, a[1], r >> 8);
		out = spec6(proto, csum, a[2], r >> 4, a[3], r >> 12);
		in.payload_len = (r >> 20) % 1400;
		out.payload_len = in.payload_len;
		to = to_tuple(&out);
		got = fnat_pb_new(test, &in, NULL);
		want = fnat_pb_new(test, &out, NULL);
		KUNIT_ASSERT_NOT_NULL(test, got);
		KUNIT_ASSERT_NOT_NULL(test, want);
		KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, 0, &p));
		KUNIT_ASSERT_EQ(test, 0, fnat_rewrite_v6(got, &p, &to));
		expect_same(test, got, want, 0, 0);
		fnat_pb_free(test, got);
		fnat_pb_free(test, want);
	}
}

/* Packets without ports, or not IPv6, are refused and left alone. */
static void fnat_rewrite6_refuses(struct kunit *test)
{
	struct fnat_pb_spec echo = spec6(IPPROTO_ICMPV6, FNAT_PB_CSUM_FULL,
					 CIP6, 0, VIP6, 0);
	struct fnat_pb_spec frag = spec6(IPPROTO_UDP, FNAT_PB_CSUM_FULL,
					 CIP6, 40000, VIP6, 80);
	struct fnat_pb_spec out = spec6(IPPROTO_UDP, FNAT_PB_CSUM_FULL,
					CIP6, 40000, RIP6, 80);
	struct fnat_pb_spec v4 = spec(IPPROTO_UDP, FNAT_PB_CSUM_FULL,
				      CIP, 40000, VIP, 80);
	struct fnat_tuple to = to_tuple(&out);
	struct sk_buff *skb, *orig;
	struct fnat_pkt p;

	echo.icmp_type = ICMPV6_ECHO_REQUEST;
	skb = fnat_pb_new(test, &echo, NULL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(skb, 0, &p));
	KUNIT_EXPECT_EQ(test, -EINVAL, fnat_rewrite_v6(skb, &p, &to));

	frag.frag_off = 1448;
	skb = fnat_pb_new(test, &frag, NULL);
	orig = fnat_pb_new(test, &frag, NULL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_NOT_NULL(test, orig);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(skb, 0, &p));
	KUNIT_EXPECT_TRUE(test, p.flags & FNAT_PKT_F_NO_L4);
	KUNIT_EXPECT_EQ(test, -EINVAL, fnat_rewrite_v6(skb, &p, &to));
	FNAT_PB_EXPECT_SKB_EQ(test, skb, orig, 0);

	skb = fnat_pb_new(test, &v4, NULL);
	orig = fnat_pb_new(test, &v4, NULL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_NOT_NULL(test, orig);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(skb, 0, &p));
	KUNIT_EXPECT_EQ(test, -EINVAL, fnat_rewrite_v6(skb, &p, &to));
	FNAT_PB_EXPECT_SKB_EQ(test, skb, orig, 0);
}

/* An ICMPv6 error from @from to @to quoting @inner (@quote bytes, 0: 48). */
static struct fnat_pb_spec icmp6_err(u8 type, u8 code,
				     union nf_inet_addr from,
				     union nf_inet_addr to,
				     const struct fnat_pb_spec *inner,
				     unsigned int quote)
{
	struct fnat_pb_spec s = {
		.af = AF_INET6,
		.saddr = from,
		.daddr = to,
		.protocol = IPPROTO_ICMPV6,
		.icmp_type = type,
		.icmp_code = code,
		.inner = inner,
		.inner_quote = quote,
	};

	if (type == ICMPV6_PKT_TOOBIG)
		s.icmp_mtu = 1280;
	return s;
}

/*
 * Rewrites the ICMPv6 error built from @in to @out's addresses and quote,
 * in every layout; both followed by @trailer zero bytes (a short frame's
 * padding), which must stay as they are.
 */
static void expect_icmp6_rewrite_trailer(struct kunit *test,
					 const struct fnat_pb_spec *in,
					 const struct fnat_pb_spec *out,
					 unsigned int trailer)
{
	struct fnat_tuple inner_to = to_tuple(out->inner);
	u32 seq_sub = in->inner->seq - out->inner->seq;
	struct fnat_pb_pkt *gpkt = fnat_pb_build(test, in);
	struct fnat_pb_pkt *wpkt = fnat_pb_build(test, out);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, gpkt);
	KUNIT_ASSERT_NOT_NULL(test, wpkt);
	gpkt->len += trailer;
	wpkt->len += trailer;
	for (i = 0; i < ARRAY_SIZE(layouts); i++) {
		struct sk_buff *got = fnat_pb_skb(test, gpkt, &layouts[i]);
		struct sk_buff *want = fnat_pb_skb(test, wpkt, &layouts[i]);
		struct fnat_pkt p;

		KUNIT_ASSERT_NOT_NULL(test, got);
		KUNIT_ASSERT_NOT_NULL(test, want);
		KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, layouts[i].nhoff, &p));
		KUNIT_ASSERT_TRUE(test, p.flags & FNAT_PKT_F_ICMP_ERR);
		KUNIT_ASSERT_EQ_MSG(test, 0,
				    fnat_rewrite_icmp_v6(got, &p,
							 &out->saddr.in6,
							 &out->daddr.in6,
							 &inner_to, seq_sub),
				    "layout %u", i);
		/* The ICMPv6 checksum is computed afresh: no offload left. */
		expect_same(test, got, want, layouts[i].nhoff, i);
		fnat_pb_free(test, got);
		fnat_pb_free(test, want);
	}
}

static void expect_icmp6_rewrite(struct kunit *test,
				 const struct fnat_pb_spec *in,
				 const struct fnat_pb_spec *out)
{
	expect_icmp6_rewrite_trailer(test, in, out, 0);
}

/*
 * NAT, client side: a router cannot take our reply VIP6:80 -> client
 * through, too big; the real server must hear of its RIP6:8080.
 */
static void fnat_rewrite6_icmp_nat_client_side(struct kunit *test)
{
	unsigned int q, k;

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		struct fnat_pb_spec sent, orig;

		if (kinds[k].csum != FNAT_PB_CSUM_FULL)
			continue;
		sent = spec6(kinds[k].proto, FNAT_PB_CSUM_FULL, VIP6, 80, CIP6,
			     40000);
		orig = spec6(kinds[k].proto, FNAT_PB_CSUM_FULL, RIP6, 8080,
			     CIP6, 40000);
		/* Quotes without and with the TCP checksum in them. */
		for (q = 0; q <= 100; q += 100) {
			struct fnat_pb_spec in = icmp6_err(ICMPV6_PKT_TOOBIG, 0,
							   ROUTER6, VIP6,
							   &sent, q);
			struct fnat_pb_spec out = icmp6_err(ICMPV6_PKT_TOOBIG,
							    0, ROUTER6, RIP6,
							    &orig, q);

			expect_icmp6_rewrite(test, &in, &out);
			/* Whatever the error's own skb said of its sum. */
			in.csum = FNAT_PB_CSUM_COMPLETE;
			expect_icmp6_rewrite(test, &in, &out);
		}
		/*
		 * A quote ending just before the TCP checksum, then padding:
		 * what is not quoted is not written to.
		 */
		for (q = 40 + 8; q <= 40 + 16; q++) {
			struct fnat_pb_spec in = icmp6_err(ICMPV6_PKT_TOOBIG, 0,
							   ROUTER6, VIP6,
							   &sent, q);
			struct fnat_pb_spec out = icmp6_err(ICMPV6_PKT_TOOBIG,
							    0, ROUTER6, RIP6,
							    &orig, q);

			expect_icmp6_rewrite_trailer(test, &in, &out, 24);
		}
	}
}

/*
 * NAT, server side: the real server's port is closed; the client must see
 * the error about its own datagram to the VIP, coming from the VIP.
 */
static void fnat_rewrite6_icmp_nat_server_side(struct kunit *test)
{
	struct fnat_pb_spec sent = spec6(IPPROTO_UDP, FNAT_PB_CSUM_FULL,
					 CIP6, 40000, RIP6, 8080);
	struct fnat_pb_spec orig = spec6(IPPROTO_UDP, FNAT_PB_CSUM_FULL,
					 CIP6, 40000, VIP6, 80);
	struct fnat_pb_spec in = icmp6_err(ICMPV6_DEST_UNREACH,
					   ICMPV6_PORT_UNREACH, RIP6, CIP6,
					   &sent, 0);
	struct fnat_pb_spec out = icmp6_err(ICMPV6_DEST_UNREACH,
					    ICMPV6_PORT_UNREACH, VIP6, CIP6,
					    &orig, 0);

	expect_icmp6_rewrite(test, &in, &out);
	/* The whole datagram quoted, extension headers and all. */
	sent.exthdrs = chain6;
	sent.n_exthdrs = ARRAY_SIZE(chain6);
	sent.frag6 = true;
	orig.exthdrs = chain6;
	orig.n_exthdrs = ARRAY_SIZE(chain6);
	orig.frag6 = true;
	in.inner_quote = 1000;
	out.inner_quote = 1000;
	expect_icmp6_rewrite(test, &in, &out);
	/* And the error itself behind extension headers. */
	in.exthdrs = chain6;
	in.n_exthdrs = 2;
	out.exthdrs = chain6;
	out.n_exthdrs = 2;
	expect_icmp6_rewrite(test, &in, &out);
}

/*
 * FULLNAT: packet too big on the server side reaches the client, its
 * quote back in the client's sequence space (the director added
 * 0x12345678), with and without the quoted TCP checksum.
 */
static void fnat_rewrite6_icmp_fullnat(struct kunit *test)
{
	struct fnat_pb_spec sent = spec6(IPPROTO_TCP, FNAT_PB_CSUM_FULL,
					 LIP6, 5000, RIP6, 80);
	struct fnat_pb_spec orig = spec6(IPPROTO_TCP, FNAT_PB_CSUM_FULL,
					 CIP6, 40000, VIP6, 80);
	struct fnat_pb_spec in = icmp6_err(ICMPV6_PKT_TOOBIG, 0, ROUTER6, LIP6,
					   &sent, 0);
	struct fnat_pb_spec out = icmp6_err(ICMPV6_PKT_TOOBIG, 0, VIP6, CIP6,
					    &orig, 0);

	sent.seq = orig.seq + 0x12345678;
	expect_icmp6_rewrite(test, &in, &out);
	in.inner_quote = 100;
	out.inner_quote = 100;
	expect_icmp6_rewrite(test, &in, &out);
	/* A sequence number that wraps. */
	orig.seq = 0x10;
	sent.seq = orig.seq + 0xfffffff0;
	expect_icmp6_rewrite(test, &in, &out);
}

/*
 * FULLNAT ping: time exceeded about the director's echo LIP6 -> RIP6 goes
 * back to the client about its echo CIP6 -> VIP6. The quoted ICMPv6
 * checksum covers the quoted addresses, so it moves with them.
 */
static void fnat_rewrite6_icmp_echo(struct kunit *test)
{
	struct fnat_pb_spec sent = spec6(IPPROTO_ICMPV6, FNAT_PB_CSUM_FULL,
					 LIP6, 0, RIP6, 0);
	struct fnat_pb_spec orig = spec6(IPPROTO_ICMPV6, FNAT_PB_CSUM_FULL,
					 CIP6, 0, VIP6, 0);
	struct fnat_pb_spec in = icmp6_err(ICMPV6_TIME_EXCEED,
					   ICMPV6_EXC_HOPLIMIT, ROUTER6, LIP6,
					   &sent, 0);
	struct fnat_pb_spec out = icmp6_err(ICMPV6_TIME_EXCEED,
					    ICMPV6_EXC_HOPLIMIT, ROUTER6, CIP6,
					    &orig, 0);

	sent.icmp_type = ICMPV6_ECHO_REQUEST;
	sent.icmp_id = htons(0x77);
	orig.icmp_type = ICMPV6_ECHO_REQUEST;
	orig.icmp_id = htons(0x77);
	expect_icmp6_rewrite(test, &in, &out);
	in.inner_quote = 1000;
	out.inner_quote = 1000;
	expect_icmp6_rewrite(test, &in, &out);
}

static void fnat_rewrite6_icmp_refuses(struct kunit *test)
{
	struct fnat_pb_spec tcp = spec6(IPPROTO_TCP, FNAT_PB_CSUM_FULL,
					CIP6, 40000, VIP6, 80);
	struct fnat_pb_spec sent = spec(IPPROTO_TCP, FNAT_PB_CSUM_FULL,
					VIP, 80, CIP, 40000);
	struct fnat_pb_spec err4 = icmp_err(ICMP_DEST_UNREACH,
					    ICMP_FRAG_NEEDED, ROUTER, VIP,
					    &sent, 0);
	struct fnat_tuple to = to_tuple(&tcp);
	struct sk_buff *skb, *orig;
	struct fnat_pkt p;

	skb = fnat_pb_new(test, &tcp, NULL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(skb, 0, &p));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			fnat_rewrite_icmp_v6(skb, &p, &to.saddr.in6,
					     &to.daddr.in6, &to, 0));

	skb = fnat_pb_new(test, &err4, NULL);
	orig = fnat_pb_new(test, &err4, NULL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_NOT_NULL(test, orig);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(skb, 0, &p));
	KUNIT_ASSERT_TRUE(test, p.flags & FNAT_PKT_F_ICMP_ERR);
	KUNIT_EXPECT_EQ(test, -EINVAL,
			fnat_rewrite_icmp_v6(skb, &p, &to.saddr.in6,
					     &to.daddr.in6, &to, 0));
	FNAT_PB_EXPECT_SKB_EQ(test, skb, orig, 0);
}

static struct kunit_case fnat_rewrite_cases[] = {
	KUNIT_CASE(fnat_rewrite_icmp_nat_client_side),
	KUNIT_CASE(fnat_rewrite_icmp_nat_server_side),
	KUNIT_CASE(fnat_rewrite_icmp_fullnat),
	KUNIT_CASE(fnat_rewrite_icmp_refuses_non_errors),
	KUNIT_CASE(fnat_rewrite_fixtures),
	KUNIT_CASE(fnat_rewrite_random),
	KUNIT_CASE(fnat_rewrite_refuses_portless),
	KUNIT_CASE(fnat_rewrite6_fixtures),
	KUNIT_CASE(fnat_rewrite6_random),
	KUNIT_CASE(fnat_rewrite6_refuses),
	KUNIT_CASE(fnat_rewrite6_icmp_nat_client_side),
	KUNIT_CASE(fnat_rewrite6_icmp_nat_server_side),
	KUNIT_CASE(fnat_rewrite6_icmp_fullnat),
	KUNIT_CASE(fnat_rewrite6_icmp_echo),
	KUNIT_CASE(fnat_rewrite6_icmp_refuses),
	{}
};

static struct kunit_suite fnat_rewrite_suite = {
	.name = "fnat_rewrite",
	.test_cases = fnat_rewrite_cases,
};

kunit_test_suites(&fnat_rewrite_suite);

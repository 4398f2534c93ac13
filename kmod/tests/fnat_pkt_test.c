// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the packet parser on fixtures for every shape it accepts and every
 * reason it refuses, each parsed from a linear skb and again from skbs whose
 * bytes are split over page fragments at many points; then randomly
 * truncated and bit-flipped packets, whose results are checked against the
 * bytes they claim to describe. The builder the fixtures come from is
 * checked first, against packets whose checksums were computed elsewhere.
 */
#include <kunit/test.h>
#include <linux/ctype.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/prandom.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/tcp.h>
#include "../fnat_pkt.h"
#include "fnat_pkt_builder.h"

#define CIP	0x0a000001	/* 10.0.0.1, client */
#define VIP	0x0a000064	/* 10.0.0.100 */
#define RIP	0x0a010001	/* 10.1.0.1, real server */
#define LIP	0x0a020001	/* 10.2.0.1, director's local address */
#define RTR	0x0a0300fe	/* 10.3.0.254, a router on the way */

static const u8 tcp_syn_opts[] = {
	TCPOPT_MSS, TCPOLEN_MSS, 0x05, 0xb4,
	TCPOPT_SACK_PERM, TCPOLEN_SACK_PERM,
	TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP, 0, 0, 0, 1, 0, 0, 0, 0,
	TCPOPT_NOP, TCPOPT_WINDOW, TCPOLEN_WINDOW, 7,
};

/* Router alert (4 bytes) and a record-route with room for one hop. */
static const u8 ip_opts[] = {
	IPOPT_RA, 4, 0, 0,
	IPOPT_RR, 7, 4, 0, 0, 0, 0,
};

static struct fnat_pb_spec tcp_syn(void)
{
	struct fnat_pb_spec s = {
		.saddr = fnat_pb_ip4(CIP),
		.daddr = fnat_pb_ip4(VIP),
		.protocol = IPPROTO_TCP,
		.id = htons(0x1234),
		.df = true,
		.sport = htons(40000),
		.dport = htons(80),
		.tcp_flags = TCPHDR_SYN,
		.seq = 1000,
	};

	return s;
}

static struct fnat_pb_spec udp_dns(void)
{
	struct fnat_pb_spec s = {
		.saddr = fnat_pb_ip4(CIP),
		.daddr = fnat_pb_ip4(VIP),
		.protocol = IPPROTO_UDP,
		.id = htons(0x1234),
		.sport = htons(5353),
		.dport = htons(53),
		.payload_len = 32,
	};

	return s;
}

static struct fnat_pb_spec icmp_echo(void)
{
	struct fnat_pb_spec s = {
		.saddr = fnat_pb_ip4(CIP),
		.daddr = fnat_pb_ip4(VIP),
		.protocol = IPPROTO_ICMP,
		.icmp_type = ICMP_ECHO,
		.icmp_id = htons(0x4242),
		.icmp_seq = htons(7),
		.payload_len = 56,
	};

	return s;
}

/*
 * What a router between the director and a real server sends back when
 * the director's FULLNAT packet LIP:5000 -> RIP:80 (*in) is too big.
 */
static struct fnat_pb_spec icmp_error(const struct fnat_pb_spec *in, u8 type,
				      u8 code)
{
	struct fnat_pb_spec s = {
		.saddr = fnat_pb_ip4(RTR),
		.daddr = in->saddr,
		.protocol = IPPROTO_ICMP,
		.icmp_type = type,
		.icmp_code = code,
		.inner = in,
	};

	return s;
}

static struct fnat_pb_spec fullnat_tcp(void)
{
	struct fnat_pb_spec s = tcp_syn();

	s.saddr = fnat_pb_ip4(LIP);
	s.daddr = fnat_pb_ip4(RIP);
	s.sport = htons(5000);
	s.tcp_flags = TCPHDR_ACK | TCPHDR_PSH;
	s.seq = 0x11223344;
	s.tcp_opts = tcp_syn_opts + 6;	/* timestamps and window */
	s.tcp_opts_len = sizeof(tcp_syn_opts) - 6;
	s.payload_len = 1400;
	return s;
}

/* IPv6: 2001:db8::1, ::100, 2001:db8:1::1, 2001:db8:2::1, 2001:db8:3::fe. */
#define CIP6	fnat_pb_ip6(0x20010db8, 0, 0, 1)
#define VIP6	fnat_pb_ip6(0x20010db8, 0, 0, 0x100)
#define RIP6	fnat_pb_ip6(0x20010db8, 0x10000, 0, 1)
#define LIP6	fnat_pb_ip6(0x20010db8, 0x20000, 0, 1)
#define RTR6	fnat_pb_ip6(0x20010db8, 0x30000, 0, 0xfe)

/* Router alert (MLD's), padded to 8 bytes by the builder. */
static const u8 ra6_opt[] = { IPV6_TLV_ROUTERALERT, 2, 0, 0 };

#define HOP8	{ .type = NEXTHDR_HOP, .data = ra6_opt, .data_len = sizeof(ra6_opt) }
#define DST8	{ .type = NEXTHDR_DEST }
#define DST24	{ .type = NEXTHDR_DEST, .len = 24 }
/* A segment routing header whose last segment has been reached. */
#define RT24	{ .type = NEXTHDR_ROUTING, .len = 24, .rt_type = 4 }
#define FRAG6	{ .type = NEXTHDR_FRAGMENT }

static const struct fnat_pb_exthdr hop8[] = { HOP8 };
static const struct fnat_pb_exthdr dst8[] = { DST8 };
static const struct fnat_pb_exthdr dst24[] = { DST24 };
static const struct fnat_pb_exthdr rt24[] = { RT24 };

/* Every kind fnat skips, as RFC 8200 orders them: 112 bytes. */
static const struct fnat_pb_exthdr chain6[] = {
	HOP8, DST24, RT24, FRAG6, DST8,
};

static struct fnat_pb_spec tcp6_syn(void)
{
	struct fnat_pb_spec s = {
		.af = AF_INET6,
		.saddr = CIP6,
		.daddr = VIP6,
		.protocol = IPPROTO_TCP,
		.sport = htons(40000),
		.dport = htons(80),
		.tcp_flags = TCPHDR_SYN,
		.seq = 1000,
	};

	return s;
}

static struct fnat_pb_spec udp6_dns(void)
{
	struct fnat_pb_spec s = {
		.af = AF_INET6,
		.saddr = CIP6,
		.daddr = VIP6,
		.protocol = IPPROTO_UDP,
		.sport = htons(5353),
		.dport = htons(53),
		.payload_len = 32,
	};

	return s;
}

static struct fnat_pb_spec icmp6_echo(void)
{
	struct fnat_pb_spec s = {
		.af = AF_INET6,
		.saddr = CIP6,
		.daddr = VIP6,
		.protocol = IPPROTO_ICMPV6,
		.icmp_type = ICMPV6_ECHO_REQUEST,
		.icmp_id = htons(0x4242),
		.icmp_seq = htons(7),
		.payload_len = 56,
	};

	return s;
}

/* The FULLNAT packet LIP6:5000 -> RIP6:80 of fullnat_tcp(), in IPv6. */
static struct fnat_pb_spec fullnat_tcp6(void)
{
	struct fnat_pb_spec s = tcp6_syn();

	s.saddr = LIP6;
	s.daddr = RIP6;
	s.sport = htons(5000);
	s.tcp_flags = TCPHDR_ACK | TCPHDR_PSH;
	s.seq = 0x11223344;
	s.tcp_opts = tcp_syn_opts + 6;	/* timestamps and window */
	s.tcp_opts_len = sizeof(tcp_syn_opts) - 6;
	s.payload_len = 1400;
	return s;
}

/* What a router sends back to the sender of *in. */
static struct fnat_pb_spec icmp6_error(const struct fnat_pb_spec *in, u8 type,
				       u8 code)
{
	struct fnat_pb_spec s = {
		.af = AF_INET6,
		.saddr = RTR6,
		.daddr = in->saddr,
		.protocol = IPPROTO_ICMPV6,
		.icmp_type = type,
		.icmp_code = code,
		.inner = in,
	};

	if (type == ICMPV6_PKT_TOOBIG)
		s.icmp_mtu = 1280;
	return s;
}

/* Fragments small enough to hold any packet up to FNAT_PB_MAX_LEN. */
static unsigned int frag_len_for(unsigned int bytes, unsigned int want)
{
	return max(want, DIV_ROUND_UP(bytes, MAX_SKB_FRAGS));
}

/*
 * Parses pkt behind nhoff bytes from a linear skb, then from non-linear
 * ones split at a few places (inside the IP header, the L4 header, the
 * quoted packet; for IPv6 the fixed header, extension headers, L4...), and
 * expects the same answer from all.
 */
static int parse_pkt(struct kunit *test, const struct fnat_pb_pkt *pkt,
		     unsigned int nhoff, struct fnat_pkt *p)
{
	const unsigned int splits[] = {
		0, 13, 22, 27, 41, 45, 53, 61, 69, 97, 115, UINT_MAX,
	};
	struct fnat_pb_layout lo = { .nhoff = nhoff };
	struct sk_buff *skb;
	struct fnat_pkt q;
	unsigned int i;
	int ret, r;

	skb = fnat_pb_skb(test, pkt, &lo);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	ret = fnat_pkt_parse(skb, nhoff, p);
	fnat_pb_free(test, skb);

	lo.nonlinear = true;
	for (i = 0; i < ARRAY_SIZE(splits); i++) {
		lo.linear_len = nhoff + min(splits[i], pkt->len);
		lo.frag_len = frag_len_for(pkt->len, 5);
		skb = fnat_pb_skb(test, pkt, &lo);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		KUNIT_ASSERT_EQ(test, lo.linear_len, skb_headlen(skb));
		r = fnat_pkt_parse(skb, nhoff, &q);
		KUNIT_EXPECT_EQ_MSG(test, ret, r, "split at %u", lo.linear_len);
		if (!ret && !r)
			KUNIT_EXPECT_EQ_MSG(test, 0, memcmp(p, &q, sizeof(q)),
					    "split at %u", lo.linear_len);
		fnat_pb_free(test, skb);
	}
	return ret;
}

static int parse_spec(struct kunit *test, const struct fnat_pb_spec *spec,
		      struct fnat_pkt *p)
{
	struct fnat_pb_pkt *pkt = fnat_pb_build(test, spec);

	KUNIT_ASSERT_NOT_NULL(test, pkt);
	return parse_pkt(test, pkt, 0, p);
}

static void expect_tuple(struct kunit *test, const struct fnat_tuple *t,
			 u8 protocol, u32 saddr, u16 sport, u32 daddr,
			 u16 dport)
{
	KUNIT_EXPECT_EQ(test, AF_INET, t->af);
	KUNIT_EXPECT_EQ(test, protocol, t->protocol);
	KUNIT_EXPECT_EQ(test, htonl(saddr), t->saddr.ip);
	KUNIT_EXPECT_EQ(test, htonl(daddr), t->daddr.ip);
	KUNIT_EXPECT_EQ(test, htons(sport), t->sport);
	KUNIT_EXPECT_EQ(test, htons(dport), t->dport);
}

static void expect_tuple6(struct kunit *test, const struct fnat_tuple *t,
			  u8 protocol, union nf_inet_addr saddr, u16 sport,
			  union nf_inet_addr daddr, u16 dport)
{
	KUNIT_EXPECT_EQ(test, AF_INET6, t->af);
	KUNIT_EXPECT_EQ(test, protocol, t->protocol);
	KUNIT_EXPECT_TRUE_MSG(test, ipv6_addr_equal(&saddr.in6, &t->saddr.in6),
			      "saddr %pI6c, want %pI6c", &t->saddr.in6,
			      &saddr.in6);
	KUNIT_EXPECT_TRUE_MSG(test, ipv6_addr_equal(&daddr.in6, &t->daddr.in6),
			      "daddr %pI6c, want %pI6c", &t->daddr.in6,
			      &daddr.in6);
	KUNIT_EXPECT_EQ(test, htons(sport), t->sport);
	KUNIT_EXPECT_EQ(test, htons(dport), t->dport);
}

/* Independently computed (RFC 1071 in a script) reference packets. */
static const u8 ref_tcp_syn[] = {
	0x45, 0x00, 0x00, 0x28, 0x12, 0x34, 0x40, 0x00,
	0x40, 0x06, 0x14, 0x38, 0x0a, 0x00, 0x00, 0x01,
	0x0a, 0x00, 0x00, 0x64, 0x9c, 0x40, 0x00, 0x50,
	0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
	0x50, 0x02, 0xff, 0xff, 0xfb, 0x05, 0x00, 0x00,
};

static const u8 ref_udp[] = {
	0x45, 0x00, 0x00, 0x20, 0x12, 0x34, 0x40, 0x00,
	0x40, 0x11, 0x14, 0x35, 0x0a, 0x00, 0x00, 0x01,
	0x0a, 0x00, 0x00, 0x64, 0x14, 0xe9, 0x00, 0x35,
	0x00, 0x0c, 0x0e, 0x71, 0x66, 0x6e, 0x61, 0x74,
};

static const u8 ref_icmp_echo[] = {
	0x45, 0x00, 0x00, 0x24, 0x12, 0x34, 0x40, 0x00,
	0x40, 0x01, 0x14, 0x41, 0x0a, 0x00, 0x00, 0x01,
	0x0a, 0x00, 0x00, 0x64, 0x08, 0x00, 0xa9, 0xa6,
	0x42, 0x42, 0x00, 0x07, 0x00, 0x01, 0x02, 0x03,
	0x04, 0x05, 0x06, 0x07,
};

static void expect_bytes(struct kunit *test, const struct fnat_pb_spec *spec,
			 const u8 *want, unsigned int len)
{
	struct fnat_pb_pkt *pkt = fnat_pb_build(test, spec);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, pkt);
	KUNIT_ASSERT_EQ(test, len, pkt->len);
	for (i = 0; i < len; i++)
		KUNIT_EXPECT_EQ_MSG(test, want[i], pkt->data[i], "byte %u", i);
}

static void fnat_pkt_builder_reference(struct kunit *test)
{
	struct fnat_pb_spec s = tcp_syn();

	expect_bytes(test, &s, ref_tcp_syn, sizeof(ref_tcp_syn));
	s = udp_dns();
	s.df = true;
	s.payload = "fnat";
	s.payload_len = 4;
	expect_bytes(test, &s, ref_udp, sizeof(ref_udp));
	s = icmp_echo();
	s.id = htons(0x1234);
	s.df = true;
	s.payload_len = 8;
	expect_bytes(test, &s, ref_icmp_echo, sizeof(ref_icmp_echo));
}

/* Every checksum the builder writes verifies, whatever the shape. */
static void fnat_pkt_builder_checksums(struct kunit *test)
{
	struct fnat_pb_spec tcp = fullnat_tcp(), udp = udp_dns();
	struct fnat_pb_spec err = icmp_error(&tcp, ICMP_DEST_UNREACH,
					     ICMP_FRAG_NEEDED);
	const struct fnat_pb_spec *specs[] = { &tcp, &udp, &err };
	struct fnat_pb_pkt *pkt;
	unsigned int i, l4len;
	struct iphdr *iph;
	struct sk_buff *skb;

	tcp.ip_opts = ip_opts;
	tcp.ip_opts_len = sizeof(ip_opts);
	err.icmp_mtu = 1400;
	err.inner_quote = 200;
	for (i = 0; i < ARRAY_SIZE(specs); i++) {
		pkt = fnat_pb_build(test, specs[i]);
		KUNIT_ASSERT_NOT_NULL(test, pkt);
		iph = (struct iphdr *)pkt->data;
		l4len = pkt->len - pkt->l4off;
		KUNIT_EXPECT_EQ(test, pkt->len, ntohs(iph->tot_len));
		KUNIT_EXPECT_EQ(test, 0, ip_fast_csum(iph, iph->ihl));
		if (specs[i]->protocol == IPPROTO_ICMP)
			KUNIT_EXPECT_EQ(test, 0,
					ip_compute_csum(pkt->data + pkt->l4off,
							l4len));
		else
			KUNIT_EXPECT_EQ(test, 0,
					csum_tcpudp_magic(iph->saddr,
							  iph->daddr, l4len,
							  iph->protocol,
							  csum_partial(pkt->data + pkt->l4off,
								       l4len, 0)));
	}
	/* The quoted packet is the original, checksums and all. */
	pkt = fnat_pb_build(test, &err);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	iph = (struct iphdr *)(pkt->data + 28);
	KUNIT_EXPECT_EQ(test, 0, ip_fast_csum(iph, iph->ihl));
	KUNIT_EXPECT_EQ(test, htons(1400),
			((struct icmphdr *)(pkt->data + 20))->un.frag.mtu);
	KUNIT_EXPECT_EQ(test, 28U + 200, pkt->len);

	/* Offload: the pseudo-header sum, and where the stack finishes. */
	udp.csum = FNAT_PB_CSUM_PARTIAL;
	pkt = fnat_pb_build(test, &udp);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	skb = fnat_pb_skb(test, pkt, &(struct fnat_pb_layout){ .nhoff = 14 });
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, CHECKSUM_PARTIAL, (int)skb->ip_summed);
	KUNIT_EXPECT_EQ(test, 14 + 20, skb_checksum_start_offset(skb));
	KUNIT_EXPECT_EQ(test, 6, skb->csum_offset);
	iph = (struct iphdr *)pkt->data;
	KUNIT_EXPECT_EQ(test,
			(__force u16)~csum_tcpudp_magic(iph->saddr, iph->daddr,
							pkt->len - 20,
							IPPROTO_UDP, 0),
			(__force u16)((struct udphdr *)(pkt->data + 20))->check);
}

static void fnat_pkt_builder_layout(struct kunit *test)
{
	struct fnat_pb_spec s = fullnat_tcp();
	struct fnat_pb_layout lo = {
		.nhoff = 14, .nonlinear = true, .linear_len = 30, .frag_len = 100,
	};
	struct sk_buff *a, *b;

	a = fnat_pb_new(test, &s, NULL);
	b = fnat_pb_new(test, &s, &lo);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_FALSE(test, skb_is_nonlinear(a));
	KUNIT_EXPECT_EQ(test, 30U, skb_headlen(b));
	KUNIT_EXPECT_EQ(test, a->len + 14, b->len);
	KUNIT_EXPECT_EQ(test, 15, (int)skb_shinfo(b)->nr_frags);
	KUNIT_EXPECT_EQ(test, 14, skb_network_offset(b));
	KUNIT_EXPECT_EQ(test, 14 + 20, skb_transport_offset(b));
	KUNIT_EXPECT_EQ(test, htons(ETH_P_IP), b->protocol);
	KUNIT_EXPECT_EQ(test, CHECKSUM_NONE, (int)b->ip_summed);
	KUNIT_EXPECT_FALSE(test, skb_is_gso(b));

	/* All of it in fragments, the link-layer filler included. */
	lo.linear_len = 0;
	lo.frag_len = 0;
	b = fnat_pb_new(test, &s, &lo);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, 0U, skb_headlen(b));
	KUNIT_EXPECT_EQ(test, 1, (int)skb_shinfo(b)->nr_frags);
	lo = (struct fnat_pb_layout){ .nhoff = 14 };
	FNAT_PB_EXPECT_SKB_EQ(test, b, fnat_pb_new(test, &s, &lo), 14);
}

static bool differ(struct kunit *test, const struct fnat_pb_pkt *got,
		   const struct fnat_pb_pkt *want, unsigned int nhoff,
		   char *msg, size_t size)
{
	struct fnat_pb_layout lo = { .nhoff = nhoff };
	struct sk_buff *g = fnat_pb_skb(test, got, &lo);
	struct sk_buff *w = fnat_pb_skb(test, want, &lo);

	KUNIT_ASSERT_NOT_NULL(test, g);
	KUNIT_ASSERT_NOT_NULL(test, w);
	return !fnat_pb_skb_equal(g, w, nhoff, msg, size);
}

/* Differences are found, placed and named in the failure message. */
static void fnat_pkt_builder_compare(struct kunit *test)
{
	struct fnat_pb_spec s = fullnat_tcp();
	struct fnat_pb_spec e = icmp_error(&s, ICMP_DEST_UNREACH,
					   ICMP_FRAG_NEEDED);
	struct fnat_pb_pkt *want, *got;
	char msg[160];

	want = fnat_pb_build(test, &s);
	KUNIT_ASSERT_NOT_NULL(test, want);
	s.seq++;
	got = fnat_pb_build(test, &s);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_TRUE(test, differ(test, got, want, 14, msg, sizeof(msg)));
	KUNIT_EXPECT_STREQ(test, msg,
			   "first difference at byte 41 (tcp.seq+3): got 0x45, want 0x44; lengths got 1470, want 1470");
	KUNIT_EXPECT_FALSE(test, differ(test, want, want, 14, msg, sizeof(msg)));

	got = fnat_pb_build(test, &s);
	KUNIT_ASSERT_NOT_NULL(test, got);
	got->data[3] = 0x42;
	KUNIT_EXPECT_TRUE(test, differ(test, got, want, 0, msg, sizeof(msg)));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, "byte 3 (ip.tot_len+1)"),
				  "%s", msg);
	*got = *want;
	got->len--;
	KUNIT_EXPECT_TRUE(test, differ(test, got, want, 0, msg, sizeof(msg)));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, "got 1455 bytes, want 1456"),
				  "%s", msg);

	/* Inside an ICMP error's quote. */
	want = fnat_pb_build(test, &e);
	KUNIT_ASSERT_NOT_NULL(test, want);
	*got = *want;
	got->data[28 + 12] ^= 1;
	KUNIT_EXPECT_TRUE(test, differ(test, got, want, 0, msg, sizeof(msg)));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, "(inner ip.saddr+0)"),
				  "%s", msg);
	*got = *want;
	got->data[28 + 20 + 5] ^= 1;
	KUNIT_EXPECT_TRUE(test, differ(test, got, want, 0, msg, sizeof(msg)));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, "(inner tcp.seq+1)"),
				  "%s", msg);
	*got = *want;
	KUNIT_EXPECT_FALSE(test, differ(test, got, want, 0, msg, sizeof(msg)));
}

/* The same, for IPv6 (addresses CIP6 and VIP6). */
static const u8 ref6_tcp_syn[] = {
	0x6b, 0x81, 0x23, 0x45, 0x00, 0x14, 0x06, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe8,
	0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0xff, 0xff,
	0xb2, 0xf7, 0x00, 0x00,
};

static const u8 ref6_udp[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x11, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x14, 0xe9, 0x00, 0x35, 0x00, 0x0c, 0xc6, 0x62,
	0x66, 0x6e, 0x61, 0x74,
};

static const u8 ref6_icmp6_echo[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x3a, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x80, 0x00, 0xd4, 0xe8, 0x42, 0x42, 0x00, 0x07,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
};

static const u8 ref6_tcp_exthdrs[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x3c, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
	0x2c, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
	0x06, 0x00, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef,
	0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe8,
	0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0xff, 0xff,
	0xb2, 0xf7, 0x00, 0x00,
};

static void fnat_pkt6_builder_reference(struct kunit *test)
{
	static const struct fnat_pb_exthdr hdrs[] = {
		{ .type = NEXTHDR_HOP }, DST8, FRAG6,
	};
	struct fnat_pb_spec s = tcp6_syn();

	s.tos = 0xb8;
	s.flow_label = 0x12345;
	expect_bytes(test, &s, ref6_tcp_syn, sizeof(ref6_tcp_syn));
	s = udp6_dns();
	s.payload = "fnat";
	s.payload_len = 4;
	expect_bytes(test, &s, ref6_udp, sizeof(ref6_udp));
	s = icmp6_echo();
	s.payload_len = 8;
	expect_bytes(test, &s, ref6_icmp6_echo, sizeof(ref6_icmp6_echo));
	/* Hop-by-hop, destination options, then a first fragment's header. */
	s = tcp6_syn();
	s.exthdrs = hdrs;
	s.n_exthdrs = ARRAY_SIZE(hdrs);
	s.mf = true;
	s.frag_id = 0xdeadbeef;
	expect_bytes(test, &s, ref6_tcp_exthdrs, sizeof(ref6_tcp_exthdrs));
}

/* An L4 message's checksum over its IPv6 pseudo-header verifies. */
static void expect_csum6(struct kunit *test, const struct fnat_pb_pkt *pkt,
			 unsigned int l3off, unsigned int l4off, u8 proto,
			 const char *what)
{
	const struct ipv6hdr *ip6h = (const void *)(pkt->data + l3off);
	unsigned int len = l3off + sizeof(*ip6h) + ntohs(ip6h->payload_len);

	KUNIT_ASSERT_LE(test, len, pkt->len);
	KUNIT_EXPECT_EQ_MSG(test, 0,
			    (__force u16)csum_ipv6_magic(&ip6h->saddr,
							 &ip6h->daddr,
							 len - l4off, proto,
							 csum_partial(pkt->data + l4off,
								      len - l4off,
								      0)),
			    "%s", what);
}

static void fnat_pkt6_builder_checksums(struct kunit *test)
{
	struct fnat_pb_spec tcp = fullnat_tcp6(), udp = udp6_dns();
	struct fnat_pb_spec err = icmp6_error(&tcp, ICMPV6_PKT_TOOBIG, 0);
	struct fnat_pb_layout lo = { .nhoff = 14 };
	struct fnat_pb_pkt *pkt;
	struct sk_buff *skb;
	u8 filler[14];
	__wsum sum;

	tcp.exthdrs = chain6;
	tcp.n_exthdrs = ARRAY_SIZE(chain6);
	tcp.frag6 = true;
	pkt = fnat_pb_build(test, &tcp);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	KUNIT_EXPECT_EQ(test, 40U + 8 + 24 + 24 + 8 + 8, pkt->l4off);
	KUNIT_EXPECT_EQ(test, pkt->len - 40,
			ntohs(((struct ipv6hdr *)pkt->data)->payload_len));
	/* The chain: 0 (hop) -> 60 -> 43 -> 44 -> 60 -> 6. */
	KUNIT_EXPECT_EQ(test, NEXTHDR_HOP, pkt->data[6]);
	KUNIT_EXPECT_EQ(test, NEXTHDR_DEST, pkt->data[40]);
	KUNIT_EXPECT_EQ(test, NEXTHDR_ROUTING, pkt->data[48]);
	KUNIT_EXPECT_EQ(test, 2, pkt->data[49]);
	KUNIT_EXPECT_EQ(test, NEXTHDR_FRAGMENT, pkt->data[72]);
	KUNIT_EXPECT_EQ(test, 4, pkt->data[74]);
	KUNIT_EXPECT_EQ(test, NEXTHDR_DEST, pkt->data[96]);
	KUNIT_EXPECT_EQ(test, IPPROTO_TCP, pkt->data[104]);
	expect_csum6(test, pkt, 0, pkt->l4off, IPPROTO_TCP, "tcp");

	pkt = fnat_pb_build(test, &udp);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	expect_csum6(test, pkt, 0, 40, IPPROTO_UDP, "udp");

	/* An error and the packet it quotes, checksums and all. */
	err.inner_quote = 300;
	pkt = fnat_pb_build(test, &err);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	KUNIT_EXPECT_EQ(test, 48U + 300, pkt->len);
	KUNIT_EXPECT_EQ(test, htonl(1280),
			((struct icmp6hdr *)(pkt->data + 40))->icmp6_mtu);
	expect_csum6(test, pkt, 0, 40, IPPROTO_ICMPV6, "icmpv6");
	err.inner_quote = 0;
	tcp.exthdrs = NULL;
	tcp.n_exthdrs = 0;
	tcp.frag6 = false;
	tcp.payload_len = 100;
	pkt = fnat_pb_build(test, &err);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	KUNIT_EXPECT_EQ(test, 48U + 40 + 8, pkt->len);
	err.inner_quote = 40 + 36 + 100;
	pkt = fnat_pb_build(test, &err);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	expect_csum6(test, pkt, 48, 88, IPPROTO_TCP, "quoted tcp");

	/* Offload, behind extension headers. */
	udp.csum = FNAT_PB_CSUM_PARTIAL;
	udp.exthdrs = dst24;
	udp.n_exthdrs = 1;
	pkt = fnat_pb_build(test, &udp);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	skb = fnat_pb_skb(test, pkt, &lo);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, htons(ETH_P_IPV6), skb->protocol);
	KUNIT_EXPECT_EQ(test, CHECKSUM_PARTIAL, (int)skb->ip_summed);
	KUNIT_EXPECT_EQ(test, 14 + 64, skb_checksum_start_offset(skb));
	KUNIT_EXPECT_EQ(test, 6, skb->csum_offset);
	KUNIT_EXPECT_EQ(test,
			(__force u16)~csum_ipv6_magic(&udp.saddr.in6,
						      &udp.daddr.in6, 40,
						      IPPROTO_UDP, 0),
			(__force u16)((struct udphdr *)(pkt->data + 64))->check);

	/* What a NIC summing frames would hand up. */
	udp.csum = FNAT_PB_CSUM_COMPLETE;
	pkt = fnat_pb_build(test, &udp);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	expect_csum6(test, pkt, 0, 64, IPPROTO_UDP, "udp, complete");
	skb = fnat_pb_skb(test, pkt, &lo);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, CHECKSUM_COMPLETE, (int)skb->ip_summed);
	memset(filler, 0xa5, sizeof(filler));
	sum = csum_partial(pkt->data, pkt->len,
			   csum_partial(filler, sizeof(filler), 0));
	KUNIT_EXPECT_EQ(test, (__force u16)csum_fold(sum),
			(__force u16)csum_fold(skb->csum));
}

/* Differences in IPv6 headers are named too. */
static void fnat_pkt6_builder_compare(struct kunit *test)
{
	struct fnat_pb_spec s = fullnat_tcp6();
	struct fnat_pb_spec e = icmp6_error(&s, ICMPV6_PKT_TOOBIG, 0);
	struct fnat_pb_pkt *want, *got;
	char msg[160];

	s.exthdrs = chain6;
	s.n_exthdrs = ARRAY_SIZE(chain6);
	s.mf = true;
	want = fnat_pb_build(test, &s);
	KUNIT_ASSERT_NOT_NULL(test, want);
	got = kunit_kzalloc(test, sizeof(*got), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, got);
	*got = *want;
	got->data[39] ^= 1;
	KUNIT_EXPECT_TRUE(test, differ(test, got, want, 14, msg, sizeof(msg)));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, "byte 53 (ip6.daddr+15)"),
				  "%s", msg);
	*got = *want;
	got->data[44] ^= 1;
	KUNIT_EXPECT_TRUE(test, differ(test, got, want, 0, msg, sizeof(msg)));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, "(hopopts.options+2)"),
				  "%s", msg);
	*got = *want;
	got->data[51] ^= 1;
	KUNIT_EXPECT_TRUE(test, differ(test, got, want, 0, msg, sizeof(msg)));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, "(dstopts.options+1)"),
				  "%s", msg);
	*got = *want;
	got->data[75] ^= 1;
	KUNIT_EXPECT_TRUE(test, differ(test, got, want, 0, msg, sizeof(msg)));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, "(rthdr.segments_left+0)"),
				  "%s", msg);
	*got = *want;
	got->data[103] ^= 1;
	KUNIT_EXPECT_TRUE(test, differ(test, got, want, 0, msg, sizeof(msg)));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, "(frag.identification+3)"),
				  "%s", msg);
	*got = *want;
	got->data[112 + 17] ^= 1;
	KUNIT_EXPECT_TRUE(test, differ(test, got, want, 0, msg, sizeof(msg)));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, "(tcp.check+1)"), "%s", msg);

	/* Inside an ICMPv6 error's quote, itself with extension headers. */
	want = fnat_pb_build(test, &e);
	KUNIT_ASSERT_NOT_NULL(test, want);
	*got = *want;
	got->data[48 + 8] ^= 1;
	KUNIT_EXPECT_TRUE(test, differ(test, got, want, 0, msg, sizeof(msg)));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, "(inner ip6.saddr+0)"),
				  "%s", msg);
	*got = *want;
	got->data[48 + 112 + 5] ^= 1;
	KUNIT_EXPECT_TRUE(test, differ(test, got, want, 0, msg, sizeof(msg)));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, "(inner tcp.seq+1)"),
				  "%s", msg);
	*got = *want;
	got->data[42] ^= 1;
	KUNIT_EXPECT_TRUE(test, differ(test, got, want, 0, msg, sizeof(msg)));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, "(icmp6.checksum+0)"),
				  "%s", msg);

	/* A later fragment: data after its fragment header. */
	s.frag_off = 1448;
	want = fnat_pb_build(test, &s);
	KUNIT_ASSERT_NOT_NULL(test, want);
	*got = *want;
	got->data[104 + 3] ^= 1;
	KUNIT_EXPECT_TRUE(test, differ(test, got, want, 0, msg, sizeof(msg)));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, "(payload+3)"), "%s", msg);
}

static void fnat_pkt_tcp(struct kunit *test)
{
	struct fnat_pb_spec s = tcp_syn();
	static const u8 flags[] = {
		TCPHDR_SYN | TCPHDR_ACK, TCPHDR_ACK, TCPHDR_FIN | TCPHDR_ACK,
		TCPHDR_RST, TCPHDR_RST | TCPHDR_ACK, TCPHDR_SYN_ECN, 0, 0xff,
	};
	struct fnat_pkt p;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple(test, &p.tuple, IPPROTO_TCP, CIP, 40000, VIP, 80);
	KUNIT_EXPECT_EQ(test, 0U, p.l3off);
	KUNIT_EXPECT_EQ(test, 20U, p.l4off);
	KUNIT_EXPECT_EQ(test, 20U, p.l4len);
	KUNIT_EXPECT_EQ(test, 20, p.l4hlen);
	KUNIT_EXPECT_EQ(test, TCPHDR_SYN, p.tcp_flags);
	KUNIT_EXPECT_EQ(test, 0, p.flags);
	KUNIT_EXPECT_EQ(test, 0U, p.frag_id);

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		s.tcp_flags = flags[i];
		s.payload_len = i * 100;
		KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
		KUNIT_EXPECT_EQ(test, flags[i], p.tcp_flags);
		KUNIT_EXPECT_EQ(test, 20U + i * 100, p.l4len);
	}
}

static void fnat_pkt_tcp_options(struct kunit *test)
{
	static const u8 full[40] = { [0 ... 38] = TCPOPT_NOP, TCPOPT_EOL };
	struct fnat_pb_spec s = tcp_syn();
	struct fnat_pkt p;

	s.tcp_opts = tcp_syn_opts;
	s.tcp_opts_len = sizeof(tcp_syn_opts);
	s.payload_len = 100;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple(test, &p.tuple, IPPROTO_TCP, CIP, 40000, VIP, 80);
	KUNIT_EXPECT_EQ(test, 40, p.l4hlen);
	KUNIT_EXPECT_EQ(test, 140U, p.l4len);

	/* The most options there can be, and nothing after them. */
	s.tcp_opts = full;
	s.tcp_opts_len = sizeof(full);
	s.payload_len = 0;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	KUNIT_EXPECT_EQ(test, 60, p.l4hlen);
	KUNIT_EXPECT_EQ(test, 60U, p.l4len);
}

static void fnat_pkt_udp(struct kunit *test)
{
	struct fnat_pb_spec s = udp_dns();
	struct fnat_pb_pkt *pkt;
	struct fnat_pkt p;

	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple(test, &p.tuple, IPPROTO_UDP, CIP, 5353, VIP, 53);
	KUNIT_EXPECT_EQ(test, 20U, p.l4off);
	KUNIT_EXPECT_EQ(test, 40U, p.l4len);
	KUNIT_EXPECT_EQ(test, 8, p.l4hlen);
	KUNIT_EXPECT_EQ(test, 0, p.flags);
	KUNIT_EXPECT_EQ(test, 0, p.tcp_flags);

	/* Shorter than the IP payload: the stack trims, so do we accept. */
	s.set = FNAT_PB_SET_UDP_LEN;
	s.set_udp_len = 8;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	KUNIT_EXPECT_EQ(test, 40U, p.l4len);

	/* Empty datagram. */
	s = udp_dns();
	s.payload_len = 0;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	KUNIT_EXPECT_EQ(test, 8U, p.l4len);

	/*
	 * Offloaded: the field is a partial sum, not "no checksum", even in
	 * the (here forced) case it reads zero.
	 */
	s.csum = FNAT_PB_CSUM_PARTIAL;
	pkt = fnat_pb_build(test, &s);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	((struct udphdr *)(pkt->data + pkt->l4off))->check = 0;
	KUNIT_ASSERT_EQ(test, 0, parse_pkt(test, pkt, 0, &p));
	KUNIT_EXPECT_EQ(test, 0, p.flags & FNAT_PKT_F_NO_CSUM);
}

static void fnat_pkt_udp_zero_csum(struct kunit *test)
{
	struct fnat_pb_spec s = udp_dns();
	struct fnat_pkt p;

	s.csum = FNAT_PB_CSUM_NONE;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple(test, &p.tuple, IPPROTO_UDP, CIP, 5353, VIP, 53);
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_NO_CSUM, p.flags);
}

static void fnat_pkt_icmp_echo(struct kunit *test)
{
	struct fnat_pb_spec s = icmp_echo(), in = tcp_syn();
	static const u8 plain[] = {
		ICMP_ECHOREPLY, ICMP_TIMESTAMP, ICMP_INFO_REQUEST, 42,
		ICMP_REDIRECT,
	};
	struct fnat_pkt p;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple(test, &p.tuple, IPPROTO_ICMP, CIP, 0, VIP, 0);
	KUNIT_EXPECT_EQ(test, ICMP_ECHO, p.icmp_type);
	KUNIT_EXPECT_EQ(test, 0, p.icmp_code);
	KUNIT_EXPECT_EQ(test, htons(0x4242), p.icmp_id);
	KUNIT_EXPECT_EQ(test, 8, p.l4hlen);
	KUNIT_EXPECT_EQ(test, 64U, p.l4len);
	KUNIT_EXPECT_EQ(test, 0, p.flags);

	/*
	 * Not errors about a connection; a redirect quotes a packet but is
	 * the director's own business.
	 */
	for (i = 0; i < ARRAY_SIZE(plain); i++) {
		s.icmp_type = plain[i];
		s.icmp_code = 1;
		s.inner = plain[i] == ICMP_REDIRECT ? &in : NULL;
		KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
		KUNIT_EXPECT_EQ(test, plain[i], p.icmp_type);
		KUNIT_EXPECT_EQ(test, 1, p.icmp_code);
		KUNIT_EXPECT_EQ(test, plain[i] == ICMP_ECHOREPLY ?
				htons(0x4242) : 0, p.icmp_id);
		KUNIT_EXPECT_EQ(test, 0, p.flags);
		KUNIT_EXPECT_EQ(test, 0, p.inner.protocol);
	}
}

static void fnat_pkt_icmp_frag_needed(struct kunit *test)
{
	struct fnat_pb_spec in = fullnat_tcp();
	struct fnat_pb_spec s = icmp_error(&in, ICMP_DEST_UNREACH,
					   ICMP_FRAG_NEEDED);
	struct fnat_pb_pkt *pkt;
	struct fnat_pkt p;
	__be32 seq;

	s.icmp_mtu = 1400;
	pkt = fnat_pb_build(test, &s);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	KUNIT_ASSERT_EQ(test, 0, parse_pkt(test, pkt, 0, &p));
	expect_tuple(test, &p.tuple, IPPROTO_ICMP, RTR, 0, LIP, 0);
	KUNIT_EXPECT_EQ(test, ICMP_DEST_UNREACH, p.icmp_type);
	KUNIT_EXPECT_EQ(test, ICMP_FRAG_NEEDED, p.icmp_code);
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_ICMP_ERR, p.flags);
	KUNIT_EXPECT_EQ(test, 8U + 20 + 8, p.l4len);
	/* The director's packet, as it left: LIP:lport -> RIP:rport. */
	expect_tuple(test, &p.inner, IPPROTO_TCP, LIP, 5000, RIP, 80);
	KUNIT_EXPECT_EQ(test, 28U, p.inner_l3off);
	KUNIT_EXPECT_EQ(test, 48U, p.inner_l4off);
	/* Where the data path finds the quoted seq to undo its delta. */
	memcpy(&seq, pkt->data + p.inner_l4off + 4, sizeof(seq));
	KUNIT_EXPECT_EQ(test, 0x11223344U, ntohl(seq));

	/* Linux quotes as much as fits in 576 bytes. */
	s.inner_quote = 576 - 28;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	KUNIT_EXPECT_EQ(test, 576U - 20, p.l4len);
	expect_tuple(test, &p.inner, IPPROTO_TCP, LIP, 5000, RIP, 80);
}

static void fnat_pkt_icmp_errors(struct kunit *test)
{
	struct fnat_pb_spec udp = udp_dns(), echo = icmp_echo(), s;
	struct fnat_pb_spec tcp = fullnat_tcp();
	struct fnat_pkt p;

	/* Port unreachable from the real server, about a UDP datagram. */
	udp.saddr = fnat_pb_ip4(LIP);
	udp.daddr = fnat_pb_ip4(RIP);
	s = icmp_error(&udp, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	s.saddr = fnat_pb_ip4(RIP);
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple(test, &p.tuple, IPPROTO_ICMP, RIP, 0, LIP, 0);
	expect_tuple(test, &p.inner, IPPROTO_UDP, LIP, 5353, RIP, 53);
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_ICMP_ERR, p.flags);

	/* Time exceeded about a ping: no ports, inside or out. */
	s = icmp_error(&echo, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL);
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple(test, &p.inner, IPPROTO_ICMP, CIP, 0, VIP, 0);
	KUNIT_EXPECT_EQ(test, ICMP_TIME_EXCEEDED, p.icmp_type);
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_ICMP_ERR, p.flags);

	s = icmp_error(&tcp, ICMP_SOURCE_QUENCH, 0);
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple(test, &p.inner, IPPROTO_TCP, LIP, 5000, RIP, 80);

	/* Parameter problem about a packet with options: ports after them. */
	tcp.ip_opts = ip_opts;
	tcp.ip_opts_len = sizeof(ip_opts);
	s = icmp_error(&tcp, ICMP_PARAMETERPROB, 0);
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple(test, &p.inner, IPPROTO_TCP, LIP, 5000, RIP, 80);
	KUNIT_EXPECT_EQ(test, 28U, p.inner_l3off);
	KUNIT_EXPECT_EQ(test, 28U + 32, p.inner_l4off);
	KUNIT_EXPECT_EQ(test, 8U + 32 + 8, p.l4len);

	/* About a first fragment: it has the ports. */
	udp.mf = true;
	s = icmp_error(&udp, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME);
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple(test, &p.inner, IPPROTO_UDP, LIP, 5353, RIP, 53);
}

static void fnat_pkt_first_fragment(struct kunit *test)
{
	struct fnat_pb_spec s = fullnat_tcp();
	struct fnat_pkt p;

	s.mf = true;
	s.df = false;
	s.id = htons(0xbeef);
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple(test, &p.tuple, IPPROTO_TCP, LIP, 5000, RIP, 80);
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_FRAG, p.flags);
	KUNIT_EXPECT_EQ(test, 0xbeefU, p.frag_id);
	KUNIT_EXPECT_EQ(test, 0, p.frag_off);
	KUNIT_EXPECT_EQ(test, 36, p.l4hlen);
	KUNIT_EXPECT_EQ(test, 36U + 1400, p.l4len);
	KUNIT_EXPECT_EQ(test, TCPHDR_ACK | TCPHDR_PSH, p.tcp_flags);

	/* A first UDP fragment's length is the whole datagram's. */
	s = udp_dns();
	s.mf = true;
	s.set = FNAT_PB_SET_UDP_LEN;
	s.set_udp_len = 3000;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple(test, &p.tuple, IPPROTO_UDP, CIP, 5353, VIP, 53);
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_FRAG, p.flags);

	/* An L4 header that just fits. */
	s = tcp_syn();
	s.mf = true;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	KUNIT_EXPECT_EQ(test, 20U, p.l4len);
}

static void fnat_pkt_non_first_fragment(struct kunit *test)
{
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP };
	struct fnat_pb_spec s = tcp_syn();
	struct fnat_pkt p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		s.protocol = protos[i];
		s.id = htons(0xbeef);
		s.frag_off = 1480;
		s.mf = i != 1;		/* a middle one, or the last */
		s.df = false;
		s.payload_len = 64;
		KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
		expect_tuple(test, &p.tuple, protos[i], CIP, 0, VIP, 0);
		KUNIT_EXPECT_EQ(test, FNAT_PKT_F_FRAG | FNAT_PKT_F_NO_L4,
				p.flags);
		KUNIT_EXPECT_EQ(test, 1480, p.frag_off);
		KUNIT_EXPECT_EQ(test, 0xbeefU, p.frag_id);
		KUNIT_EXPECT_EQ(test, 20U, p.l4off);
		KUNIT_EXPECT_EQ(test, 64U, p.l4len);
		KUNIT_EXPECT_EQ(test, 0, p.l4hlen);
		KUNIT_EXPECT_EQ(test, 0, p.tcp_flags);
		KUNIT_EXPECT_EQ(test, 0, p.icmp_type);
	}

	/* The last byte a datagram may have; and a fragment with none. */
	s.frag_off = 65528;
	s.payload_len = 7;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	KUNIT_EXPECT_EQ(test, 65528, p.frag_off);
	s.payload_len = 0;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	KUNIT_EXPECT_EQ(test, 0U, p.l4len);
}

static void fnat_pkt_ip_options(struct kunit *test)
{
	static const u8 full[40] = { [0 ... 38] = IPOPT_NOOP, IPOPT_END };
	struct fnat_pb_spec s = tcp_syn();
	struct fnat_pkt p;

	s.ip_opts = ip_opts;
	s.ip_opts_len = sizeof(ip_opts);
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple(test, &p.tuple, IPPROTO_TCP, CIP, 40000, VIP, 80);
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_IP_OPTS, p.flags);
	KUNIT_EXPECT_EQ(test, 32U, p.l4off);
	KUNIT_EXPECT_EQ(test, 20U, p.l4len);
	KUNIT_EXPECT_EQ(test, TCPHDR_SYN, p.tcp_flags);

	s = udp_dns();
	s.ip_opts = full;
	s.ip_opts_len = sizeof(full);
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple(test, &p.tuple, IPPROTO_UDP, CIP, 5353, VIP, 53);
	KUNIT_EXPECT_EQ(test, 60U, p.l4off);
	KUNIT_EXPECT_EQ(test, 40U, p.l4len);
}

/* Offsets count from skb->data, wherever the IP header starts. */
static void fnat_pkt_nhoff(struct kunit *test)
{
	struct fnat_pb_spec in = fullnat_tcp();
	struct fnat_pb_spec s = icmp_error(&in, ICMP_DEST_UNREACH,
					   ICMP_FRAG_NEEDED);
	struct fnat_pb_pkt *pkt = fnat_pb_build(test, &s);
	struct fnat_pkt p;

	KUNIT_ASSERT_NOT_NULL(test, pkt);
	KUNIT_ASSERT_EQ(test, 0, parse_pkt(test, pkt, 14, &p));
	KUNIT_EXPECT_EQ(test, 14U, p.l3off);
	KUNIT_EXPECT_EQ(test, 34U, p.l4off);
	KUNIT_EXPECT_EQ(test, 42U, p.inner_l3off);
	KUNIT_EXPECT_EQ(test, 62U, p.inner_l4off);
	expect_tuple(test, &p.inner, IPPROTO_TCP, LIP, 5000, RIP, 80);

	pkt = fnat_pb_build(test, &in);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	KUNIT_ASSERT_EQ(test, 0, parse_pkt(test, pkt, 1, &p));
	KUNIT_EXPECT_EQ(test, 21U, p.l4off);
	expect_tuple(test, &p.tuple, IPPROTO_TCP, LIP, 5000, RIP, 80);
}

/* Bytes after the IP packet (a short frame's padding) are not L4's. */
static void fnat_pkt_trailing_bytes(struct kunit *test)
{
	struct fnat_pb_spec s = tcp_syn();
	struct fnat_pb_pkt *pkt = fnat_pb_build(test, &s);
	struct fnat_pkt p;

	KUNIT_ASSERT_NOT_NULL(test, pkt);
	pkt->len += 6;
	KUNIT_ASSERT_EQ(test, 0, parse_pkt(test, pkt, 0, &p));
	KUNIT_EXPECT_EQ(test, 20U, p.l4len);
}

static void fnat_pkt_big_tcp(struct kunit *test)
{
	struct fnat_pb_spec s = fullnat_tcp();
	struct fnat_pb_layout gso = { .gso_size = 1448 };
	struct fnat_pb_pkt *pkt;
	struct sk_buff *skb;
	struct fnat_pkt p;

	s.payload_len = 3000;
	s.set = FNAT_PB_SET_TOT_LEN;
	s.set_tot_len = 0;
	pkt = fnat_pb_build(test, &s);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	skb = fnat_pb_skb(test, pkt, &gso);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(skb, 0, &p));
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_BIG_TCP, p.flags);
	KUNIT_EXPECT_EQ(test, 36U + 3000, p.l4len);
	expect_tuple(test, &p.tuple, IPPROTO_TCP, LIP, 5000, RIP, 80);

	/* Only a GSO TCP packet may say 0. */
	KUNIT_EXPECT_EQ(test, -FNAT_DROP_BAD_LENGTH,
			parse_pkt(test, pkt, 0, &p));
	s = udp_dns();
	s.set = FNAT_PB_SET_TOT_LEN;
	s.set_tot_len = 0;
	pkt = fnat_pb_build(test, &s);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	skb = fnat_pb_skb(test, pkt, &gso);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, -FNAT_DROP_BAD_LENGTH,
			fnat_pkt_parse(skb, 0, &p));
}

/* Every split point of every accepted shape gives the same answer. */
static void fnat_pkt_nonlinear(struct kunit *test)
{
	struct fnat_pb_spec tcp = fullnat_tcp(), udp = udp_dns();
	struct fnat_pb_spec err = icmp_error(&tcp, ICMP_DEST_UNREACH,
					     ICMP_FRAG_NEEDED);
	struct fnat_pb_spec tcp6 = fullnat_tcp6(), in6 = fullnat_tcp6();
	struct fnat_pb_spec err6 = icmp6_error(&in6, ICMPV6_PKT_TOOBIG, 0);
	const struct fnat_pb_spec *specs[] = {
		&tcp, &udp, &err, &tcp6, &err6,
	};
	struct fnat_pb_layout lo = { .nonlinear = true };
	struct fnat_pkt want, got;
	struct fnat_pb_pkt *pkt;
	struct sk_buff *skb;
	unsigned int i, split;

	tcp.payload_len = 40;
	tcp.ip_opts = ip_opts;
	tcp.ip_opts_len = sizeof(ip_opts);
	tcp6.payload_len = 40;
	tcp6.exthdrs = chain6;
	tcp6.n_exthdrs = ARRAY_SIZE(chain6);
	tcp6.mf = true;
	in6.exthdrs = chain6;
	in6.n_exthdrs = ARRAY_SIZE(chain6);
	in6.frag6 = true;
	for (i = 0; i < ARRAY_SIZE(specs); i++) {
		pkt = fnat_pb_build(test, specs[i]);
		KUNIT_ASSERT_NOT_NULL(test, pkt);
		skb = fnat_pb_skb(test, pkt, NULL);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(skb, 0, &want));
		for (split = 0; split <= pkt->len; split++) {
			lo.linear_len = split;
			lo.frag_len = frag_len_for(pkt->len - split, 1);
			skb = fnat_pb_skb(test, pkt, &lo);
			KUNIT_ASSERT_NOT_NULL(test, skb);
			KUNIT_ASSERT_EQ_MSG(test, 0,
					    fnat_pkt_parse(skb, 0, &got),
					    "packet %u split at %u", i, split);
			KUNIT_EXPECT_EQ_MSG(test, 0,
					    memcmp(&want, &got, sizeof(got)),
					    "packet %u split at %u", i, split);
			fnat_pb_free(test, skb);
		}
	}
}

static void fnat_pkt6_tcp(struct kunit *test)
{
	struct fnat_pb_spec s = tcp6_syn();
	struct fnat_pkt p;

	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple6(test, &p.tuple, IPPROTO_TCP, CIP6, 40000, VIP6, 80);
	KUNIT_EXPECT_EQ(test, 0U, p.l3off);
	KUNIT_EXPECT_EQ(test, 40U, p.l4off);
	KUNIT_EXPECT_EQ(test, 20U, p.l4len);
	KUNIT_EXPECT_EQ(test, 20, p.l4hlen);
	KUNIT_EXPECT_EQ(test, TCPHDR_SYN, p.tcp_flags);
	KUNIT_EXPECT_EQ(test, 0, p.flags);
	KUNIT_EXPECT_EQ(test, 0U, p.frag_id);

	s = fullnat_tcp6();
	s.tos = 0xff;
	s.flow_label = 0xfffff;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple6(test, &p.tuple, IPPROTO_TCP, LIP6, 5000, RIP6, 80);
	KUNIT_EXPECT_EQ(test, 36, p.l4hlen);
	KUNIT_EXPECT_EQ(test, 36U + 1400, p.l4len);
	KUNIT_EXPECT_EQ(test, TCPHDR_ACK | TCPHDR_PSH, p.tcp_flags);
	KUNIT_EXPECT_EQ(test, 0, p.flags);
}

static void fnat_pkt6_udp(struct kunit *test)
{
	struct fnat_pb_spec s = udp6_dns();
	struct fnat_pb_pkt *pkt;
	struct fnat_pkt p;

	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple6(test, &p.tuple, IPPROTO_UDP, CIP6, 5353, VIP6, 53);
	KUNIT_EXPECT_EQ(test, 40U, p.l4off);
	KUNIT_EXPECT_EQ(test, 40U, p.l4len);
	KUNIT_EXPECT_EQ(test, 8, p.l4hlen);
	KUNIT_EXPECT_EQ(test, 0, p.flags);

	/* Shorter than the payload: trimmed by the stack, accepted. */
	s.set = FNAT_PB_SET_UDP_LEN;
	s.set_udp_len = 8;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	KUNIT_EXPECT_EQ(test, 40U, p.l4len);

	/* Offloaded: a zero field is a partial sum, not "no checksum". */
	s = udp6_dns();
	s.csum = FNAT_PB_CSUM_PARTIAL;
	pkt = fnat_pb_build(test, &s);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	((struct udphdr *)(pkt->data + pkt->l4off))->check = 0;
	KUNIT_ASSERT_EQ(test, 0, parse_pkt(test, pkt, 0, &p));
	KUNIT_EXPECT_EQ(test, 0, p.flags);
}

static void fnat_pkt6_icmp6_echo(struct kunit *test)
{
	struct fnat_pb_spec s = icmp6_echo();
	struct fnat_pkt p;

	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple6(test, &p.tuple, IPPROTO_ICMPV6, CIP6, 0, VIP6, 0);
	KUNIT_EXPECT_EQ(test, ICMPV6_ECHO_REQUEST, p.icmp_type);
	KUNIT_EXPECT_EQ(test, 0, p.icmp_code);
	KUNIT_EXPECT_EQ(test, htons(0x4242), p.icmp_id);
	KUNIT_EXPECT_EQ(test, 8, p.l4hlen);
	KUNIT_EXPECT_EQ(test, 64U, p.l4len);
	KUNIT_EXPECT_EQ(test, 0, p.flags);

	s.icmp_type = ICMPV6_ECHO_REPLY;
	s.icmp_id = htons(0x1234);
	s.saddr = VIP6;
	s.daddr = CIP6;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple6(test, &p.tuple, IPPROTO_ICMPV6, VIP6, 0, CIP6, 0);
	KUNIT_EXPECT_EQ(test, ICMPV6_ECHO_REPLY, p.icmp_type);
	KUNIT_EXPECT_EQ(test, htons(0x1234), p.icmp_id);
}

/*
 * Neighbour discovery, MLD and the rest are the host's own, even sent to
 * a VIP: "unsupported", which the hooks let through, never a drop.
 */
static void fnat_pkt6_icmp6_not_ours(struct kunit *test)
{
	static const u8 types[] = {
		NDISC_NEIGHBOUR_SOLICITATION, NDISC_NEIGHBOUR_ADVERTISEMENT,
		NDISC_ROUTER_SOLICITATION, NDISC_ROUTER_ADVERTISEMENT,
		NDISC_REDIRECT, ICMPV6_MGM_QUERY, ICMPV6_MGM_REPORT,
		ICMPV6_MGM_REDUCTION, ICMPV6_MLD2_REPORT, ICMPV6_NI_QUERY,
		ICMPV6_DHAAD_REQUEST, 0, 5, 100, 127, 200, 255,
	};
	struct fnat_pb_spec s = icmp6_echo(), in = tcp6_syn();
	struct fnat_pkt p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		s = icmp6_echo();
		s.icmp_type = types[i];
		s.ttl = 255;
		s.payload_len = 24;
		KUNIT_EXPECT_EQ_MSG(test, -FNAT_DROP_UNSUPPORTED_PROTO,
				    parse_spec(test, &s, &p), "type %u",
				    types[i]);
		/* MLD comes with a router alert in a hop-by-hop header. */
		s.exthdrs = hop8;
		s.n_exthdrs = 1;
		s.ttl = 1;
		KUNIT_EXPECT_EQ_MSG(test, -FNAT_DROP_UNSUPPORTED_PROTO,
				    parse_spec(test, &s, &p), "type %u, hbh",
				    types[i]);
	}
	/* A redirect quotes a packet; still not fnat's. */
	s = icmp6_echo();
	s.icmp_type = NDISC_REDIRECT;
	s.inner = &in;
	KUNIT_EXPECT_EQ(test, -FNAT_DROP_UNSUPPORTED_PROTO,
			parse_spec(test, &s, &p));
}

/* Each kind of extension header skipped, alone and chained. */
static void fnat_pkt6_exthdrs(struct kunit *test)
{
	static const struct fnat_pb_exthdr hop_big[] = {
		{ .type = NEXTHDR_HOP, .len = 2048, .data = ra6_opt,
		  .data_len = sizeof(ra6_opt) },
	};
	static const struct fnat_pb_exthdr most[FNAT_PKT_MAX_EXTHDRS] = {
		HOP8, DST8, RT24, DST8, DST8, DST8, DST8, DST24,
	};
	static const struct {
		const struct fnat_pb_exthdr	*x;
		unsigned int			n;
		unsigned int			len;
	} cases[] = {
		{ hop8, 1, 8 },
		{ hop_big, 1, 2048 },
		{ dst8, 1, 8 },
		{ dst24, 1, 24 },
		{ rt24, 1, 24 },
		{ chain6, ARRAY_SIZE(chain6), 112 - 40 },
		{ most, ARRAY_SIZE(most), 8 + 8 + 24 + 4 * 8 + 24 },
	};
	struct fnat_pb_spec s;
	struct fnat_pkt p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		s = fullnat_tcp6();
		s.exthdrs = cases[i].x;
		s.n_exthdrs = cases[i].n;
		s.payload_len = 100;
		/* chain6 has a fragment header: atomic, a whole datagram. */
		s.frag6 = cases[i].x == chain6;
		s.frag_id = 0x01020304;
		KUNIT_ASSERT_EQ_MSG(test, 0, parse_spec(test, &s, &p), "case %u",
				    i);
		expect_tuple6(test, &p.tuple, IPPROTO_TCP, LIP6, 5000, RIP6, 80);
		KUNIT_EXPECT_EQ_MSG(test, FNAT_PKT_F_EXTHDR, p.flags, "case %u",
				    i);
		KUNIT_EXPECT_EQ_MSG(test, 40U + cases[i].len, p.l4off,
				    "case %u", i);
		KUNIT_EXPECT_EQ(test, 136U, p.l4len);
		KUNIT_EXPECT_EQ(test, 36, p.l4hlen);
		KUNIT_EXPECT_EQ(test, 0U, p.frag_id);
		KUNIT_EXPECT_EQ(test, TCPHDR_ACK | TCPHDR_PSH, p.tcp_flags);
		if (s.frag6 || cases[i].n == FNAT_PKT_MAX_EXTHDRS)
			continue;

		/* And with an atomic fragment header after them. */
		s.frag6 = true;
		KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
		KUNIT_EXPECT_EQ_MSG(test, 40U + cases[i].len + 8, p.l4off,
				    "case %u", i);
		KUNIT_EXPECT_EQ(test, FNAT_PKT_F_EXTHDR, p.flags);
		KUNIT_EXPECT_EQ(test, 0U, p.frag_id);
	}

	/* Just an atomic fragment header; UDP and ICMPv6 behind a chain. */
	s = udp6_dns();
	s.frag6 = true;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple6(test, &p.tuple, IPPROTO_UDP, CIP6, 5353, VIP6, 53);
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_EXTHDR, p.flags);
	KUNIT_EXPECT_EQ(test, 48U, p.l4off);
	KUNIT_EXPECT_EQ(test, 40U, p.l4len);
	s.exthdrs = chain6;
	s.n_exthdrs = ARRAY_SIZE(chain6);
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	KUNIT_EXPECT_EQ(test, 112U, p.l4off);
	s = icmp6_echo();
	s.exthdrs = chain6;
	s.n_exthdrs = ARRAY_SIZE(chain6);
	s.frag6 = true;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple6(test, &p.tuple, IPPROTO_ICMPV6, CIP6, 0, VIP6, 0);
	KUNIT_EXPECT_EQ(test, 112U, p.l4off);
	KUNIT_EXPECT_EQ(test, htons(0x4242), p.icmp_id);
}

/* Headers fnat does not skip, and what they hide, are not its business. */
static void fnat_pkt6_exthdrs_not_ours(struct kunit *test)
{
	static const struct fnat_pb_exthdr ah[] = {
		{ .type = NEXTHDR_AUTH, .len = 24 },
	};
	static const struct fnat_pb_exthdr rt_left[] = {
		{ .type = NEXTHDR_ROUTING, .len = 24, .rt_type = 4,
		  .segleft = 1 },
	};
	static const struct fnat_pb_exthdr hop_rt_left[] = {
		HOP8, { .type = NEXTHDR_ROUTING, .len = 40, .rt_type = 4,
			.segleft = 2 },
	};
	static const struct fnat_pb_exthdr mobility[] = {
		{ .type = NEXTHDR_MOBILITY, .len = 16 },
	};
	static const u8 protos[] = {
		NEXTHDR_ESP, NEXTHDR_NONE, IPPROTO_GRE, IPPROTO_SCTP,
		IPPROTO_IPIP, IPPROTO_IPV6, IPPROTO_ICMP, 255,
	};
	struct fnat_pb_spec s = tcp6_syn();
	struct fnat_pkt p;
	unsigned int i;

	s.exthdrs = ah;
	s.n_exthdrs = 1;
	KUNIT_EXPECT_EQ(test, -FNAT_DROP_UNSUPPORTED_PROTO,
			parse_spec(test, &s, &p));
	s.exthdrs = rt_left;
	KUNIT_EXPECT_EQ(test, -FNAT_DROP_UNSUPPORTED_PROTO,
			parse_spec(test, &s, &p));
	s.exthdrs = hop_rt_left;
	s.n_exthdrs = 2;
	KUNIT_EXPECT_EQ(test, -FNAT_DROP_UNSUPPORTED_PROTO,
			parse_spec(test, &s, &p));
	s.exthdrs = mobility;
	s.n_exthdrs = 1;
	s.protocol = NEXTHDR_NONE;
	KUNIT_EXPECT_EQ(test, -FNAT_DROP_UNSUPPORTED_PROTO,
			parse_spec(test, &s, &p));
	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		s = tcp6_syn();
		s.protocol = protos[i];
		s.payload_len = 40;
		KUNIT_EXPECT_EQ_MSG(test, -FNAT_DROP_UNSUPPORTED_PROTO,
				    parse_spec(test, &s, &p), "protocol %u",
				    protos[i]);
		s.exthdrs = chain6;
		s.n_exthdrs = ARRAY_SIZE(chain6);
		s.frag6 = true;
		KUNIT_EXPECT_EQ_MSG(test, -FNAT_DROP_UNSUPPORTED_PROTO,
				    parse_spec(test, &s, &p),
				    "protocol %u, chain", protos[i]);
	}
}

static void fnat_pkt6_first_fragment(struct kunit *test)
{
	static const struct fnat_pb_exthdr mid[] = { HOP8, FRAG6, DST24 };
	struct fnat_pb_spec s = fullnat_tcp6();
	struct fnat_pkt p;

	s.mf = true;
	s.frag_id = 0xdeadbeef;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple6(test, &p.tuple, IPPROTO_TCP, LIP6, 5000, RIP6, 80);
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_FRAG | FNAT_PKT_F_EXTHDR, p.flags);
	KUNIT_EXPECT_EQ(test, 0xdeadbeefU, p.frag_id);
	KUNIT_EXPECT_EQ(test, 0, p.frag_off);
	KUNIT_EXPECT_EQ(test, 48U, p.l4off);
	KUNIT_EXPECT_EQ(test, 36U + 1400, p.l4len);
	KUNIT_EXPECT_EQ(test, 36, p.l4hlen);
	KUNIT_EXPECT_EQ(test, TCPHDR_ACK | TCPHDR_PSH, p.tcp_flags);

	/* Headers before and after the fragment header. */
	s.exthdrs = mid;
	s.n_exthdrs = ARRAY_SIZE(mid);
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_FRAG | FNAT_PKT_F_EXTHDR, p.flags);
	KUNIT_EXPECT_EQ(test, 40U + 8 + 8 + 24, p.l4off);
	KUNIT_EXPECT_EQ(test, 36, p.l4hlen);

	/* A first UDP fragment's length is the whole datagram's. */
	s = udp6_dns();
	s.mf = true;
	s.frag_id = 1;
	s.set = FNAT_PB_SET_UDP_LEN;
	s.set_udp_len = 3000;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple6(test, &p.tuple, IPPROTO_UDP, CIP6, 5353, VIP6, 53);
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_FRAG | FNAT_PKT_F_EXTHDR, p.flags);
	KUNIT_EXPECT_EQ(test, 1U, p.frag_id);

	/* An L4 header that just fits. */
	s = tcp6_syn();
	s.mf = true;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	KUNIT_EXPECT_EQ(test, 20U, p.l4len);
}

static void fnat_pkt6_non_first_fragment(struct kunit *test)
{
	static const u8 protos[] = {
		IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMPV6,
	};
	static const struct fnat_pb_exthdr hop_frag_dst[] = {
		HOP8, FRAG6, DST24,
	};
	struct fnat_pb_spec s;
	struct fnat_pkt p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		s = tcp6_syn();
		s.protocol = protos[i];
		s.frag_id = 0x89abcdef;
		s.frag_off = 1448;
		s.mf = i != 1;		/* a middle one, or the last */
		s.payload_len = 64;
		KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
		expect_tuple6(test, &p.tuple, protos[i], CIP6, 0, VIP6, 0);
		KUNIT_EXPECT_EQ(test, FNAT_PKT_F_FRAG | FNAT_PKT_F_NO_L4 |
				FNAT_PKT_F_EXTHDR, p.flags);
		KUNIT_EXPECT_EQ(test, 1448, p.frag_off);
		KUNIT_EXPECT_EQ(test, 0x89abcdefU, p.frag_id);
		KUNIT_EXPECT_EQ(test, 48U, p.l4off);
		KUNIT_EXPECT_EQ(test, 64U, p.l4len);
		KUNIT_EXPECT_EQ(test, 0, p.l4hlen);
		KUNIT_EXPECT_EQ(test, 0, p.tcp_flags);
		KUNIT_EXPECT_EQ(test, 0, p.icmp_type);
	}

	/* The unfragmentable part before it. */
	s.protocol = IPPROTO_UDP;
	s.exthdrs = hop_frag_dst;
	s.n_exthdrs = 2;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple6(test, &p.tuple, IPPROTO_UDP, CIP6, 0, VIP6, 0);
	KUNIT_EXPECT_EQ(test, 56U, p.l4off);
	KUNIT_EXPECT_EQ(test, 64U, p.l4len);
	/*
	 * Headers in the fragmentable part: the fragment header names the
	 * first of them, and the L4 protocol is in the first fragment only.
	 */
	s.n_exthdrs = 3;
	KUNIT_EXPECT_EQ(test, -FNAT_DROP_UNSUPPORTED_PROTO,
			parse_spec(test, &s, &p));

	/* The last byte a datagram may have, with a header before. */
	s.n_exthdrs = 2;
	s.frag_off = 65528;
	s.payload_len = 7;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	KUNIT_EXPECT_EQ(test, 65528, p.frag_off);
	s.payload_len = 0;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	KUNIT_EXPECT_EQ(test, 0U, p.l4len);
}

static void fnat_pkt6_icmp6_errors(struct kunit *test)
{
	struct fnat_pb_spec tcp = fullnat_tcp6(), udp = udp6_dns();
	struct fnat_pb_spec echo = icmp6_echo(), s;
	struct fnat_pb_pkt *pkt;
	struct fnat_pkt p;
	__be32 seq;

	/* Too big, on the way to a real server: the director's packet. */
	s = icmp6_error(&tcp, ICMPV6_PKT_TOOBIG, 0);
	pkt = fnat_pb_build(test, &s);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	KUNIT_ASSERT_EQ(test, 0, parse_pkt(test, pkt, 0, &p));
	expect_tuple6(test, &p.tuple, IPPROTO_ICMPV6, RTR6, 0, LIP6, 0);
	KUNIT_EXPECT_EQ(test, ICMPV6_PKT_TOOBIG, p.icmp_type);
	KUNIT_EXPECT_EQ(test, 0, p.icmp_code);
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_ICMP_ERR, p.flags);
	KUNIT_EXPECT_EQ(test, 8U + 40 + 8, p.l4len);
	expect_tuple6(test, &p.inner, IPPROTO_TCP, LIP6, 5000, RIP6, 80);
	KUNIT_EXPECT_EQ(test, 48U, p.inner_l3off);
	KUNIT_EXPECT_EQ(test, 88U, p.inner_l4off);
	memcpy(&seq, pkt->data + p.inner_l4off + 4, sizeof(seq));
	KUNIT_EXPECT_EQ(test, 0x11223344U, ntohl(seq));

	/* As much as fits in 1280 bytes, as RFC 4443 has it. */
	s.inner_quote = 1280 - 48;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	KUNIT_EXPECT_EQ(test, 1280U - 40, p.l4len);
	expect_tuple6(test, &p.inner, IPPROTO_TCP, LIP6, 5000, RIP6, 80);

	/* Port unreachable from the real server, about a UDP datagram. */
	udp.saddr = LIP6;
	udp.daddr = RIP6;
	s = icmp6_error(&udp, ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH);
	s.saddr = RIP6;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple6(test, &p.tuple, IPPROTO_ICMPV6, RIP6, 0, LIP6, 0);
	expect_tuple6(test, &p.inner, IPPROTO_UDP, LIP6, 5353, RIP6, 53);
	KUNIT_EXPECT_EQ(test, ICMPV6_DEST_UNREACH, p.icmp_type);
	KUNIT_EXPECT_EQ(test, ICMPV6_PORT_UNREACH, p.icmp_code);

	/* Time exceeded about a ping: no ports, inside or out. */
	s = icmp6_error(&echo, ICMPV6_TIME_EXCEED, ICMPV6_EXC_HOPLIMIT);
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple6(test, &p.inner, IPPROTO_ICMPV6, CIP6, 0, VIP6, 0);
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_ICMP_ERR, p.flags);
	echo.icmp_type = ICMPV6_ECHO_REPLY;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple6(test, &p.inner, IPPROTO_ICMPV6, CIP6, 0, VIP6, 0);

	/* Parameter problem about a packet with every extension header. */
	tcp.exthdrs = chain6;
	tcp.n_exthdrs = ARRAY_SIZE(chain6);
	tcp.frag6 = true;
	s = icmp6_error(&tcp, ICMPV6_PARAMPROB, ICMPV6_UNK_OPTION);
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple6(test, &p.inner, IPPROTO_TCP, LIP6, 5000, RIP6, 80);
	KUNIT_EXPECT_EQ(test, 48U, p.inner_l3off);
	KUNIT_EXPECT_EQ(test, 48U + 112, p.inner_l4off);
	KUNIT_EXPECT_EQ(test, 8U + 112 + 8, p.l4len);
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_ICMP_ERR, p.flags);

	/* About a first fragment: it has the ports. */
	tcp.frag6 = false;
	tcp.mf = true;
	s = icmp6_error(&tcp, ICMPV6_TIME_EXCEED, ICMPV6_EXC_FRAGTIME);
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	expect_tuple6(test, &p.inner, IPPROTO_TCP, LIP6, 5000, RIP6, 80);

	/* An error that is itself behind extension headers. */
	tcp = fullnat_tcp6();
	s = icmp6_error(&tcp, ICMPV6_PKT_TOOBIG, 0);
	s.exthdrs = dst24;
	s.n_exthdrs = 1;
	KUNIT_ASSERT_EQ(test, 0, parse_spec(test, &s, &p));
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_ICMP_ERR | FNAT_PKT_F_EXTHDR, p.flags);
	KUNIT_EXPECT_EQ(test, 64U, p.l4off);
	KUNIT_EXPECT_EQ(test, 72U, p.inner_l3off);
	KUNIT_EXPECT_EQ(test, 112U, p.inner_l4off);
	expect_tuple6(test, &p.inner, IPPROTO_TCP, LIP6, 5000, RIP6, 80);
}

/* Offsets count from skb->data; bytes after the payload are not L4's. */
static void fnat_pkt6_nhoff(struct kunit *test)
{
	struct fnat_pb_spec in = fullnat_tcp6();
	struct fnat_pb_spec s = icmp6_error(&in, ICMPV6_PKT_TOOBIG, 0);
	struct fnat_pb_pkt *pkt;
	struct fnat_pkt p;

	in.exthdrs = dst8;
	in.n_exthdrs = 1;
	pkt = fnat_pb_build(test, &s);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	KUNIT_ASSERT_EQ(test, 0, parse_pkt(test, pkt, 14, &p));
	KUNIT_EXPECT_EQ(test, 14U, p.l3off);
	KUNIT_EXPECT_EQ(test, 54U, p.l4off);
	KUNIT_EXPECT_EQ(test, 62U, p.inner_l3off);
	KUNIT_EXPECT_EQ(test, 110U, p.inner_l4off);
	expect_tuple6(test, &p.inner, IPPROTO_TCP, LIP6, 5000, RIP6, 80);

	s = tcp6_syn();
	s.exthdrs = dst8;
	s.n_exthdrs = 1;
	pkt = fnat_pb_build(test, &s);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	pkt->len += 6;
	KUNIT_ASSERT_EQ(test, 0, parse_pkt(test, pkt, 1, &p));
	KUNIT_EXPECT_EQ(test, 49U, p.l4off);
	KUNIT_EXPECT_EQ(test, 20U, p.l4len);
	expect_tuple6(test, &p.tuple, IPPROTO_TCP, CIP6, 40000, VIP6, 80);
}

/* An skb of skb_pkt's bytes, then extra zero bytes in page fragments. */
static struct sk_buff *pad_skb(struct kunit *test, const struct fnat_pb_pkt *pkt,
			       const struct fnat_pb_layout *lo,
			       unsigned int extra)
{
	struct sk_buff *skb = fnat_pb_skb(test, pkt, lo);
	unsigned int chunk;
	struct page *page;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	for (; extra; extra -= chunk) {
		chunk = min_t(unsigned int, extra, PAGE_SIZE);
		KUNIT_ASSERT_LT(test, (int)skb_shinfo(skb)->nr_frags,
				MAX_SKB_FRAGS);
		page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, page);
		skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page, 0, chunk,
				chunk);
	}
	return skb;
}

/*
 * BIG TCP over IPv6: payload length 0 and a jumbo payload option in an
 * 8-byte hop-by-hop header, on a GSO TCP skb over 64 KiB.
 */
static void fnat_pkt6_big_tcp(struct kunit *test)
{
	/* What ipv6_gro_complete() puts in: jumbo option, length to come. */
	static const u8 jumbo[] = { IPV6_TLV_JUMBO, 4, 0, 0, 0, 0 };
	static const struct fnat_pb_exthdr hbh[] = {
		{ .type = NEXTHDR_HOP, .data = jumbo, .data_len = 6 },
	};
	struct fnat_pb_layout gso = { .gso_size = 1428 };
	const unsigned int extra = 66000;
	struct fnat_pb_spec s = fullnat_tcp6();
	struct fnat_pb_pkt *pkt;
	struct sk_buff *skb;
	struct fnat_pkt p;
	unsigned int i;
	__be32 *jopt;
	u32 jlen;

	s.exthdrs = hbh;
	s.n_exthdrs = 1;
	s.set = FNAT_PB_SET_TOT_LEN;
	s.set_tot_len = 0;
	pkt = fnat_pb_build(test, &s);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	jlen = pkt->len - 40 + extra;
	jopt = (__be32 *)(pkt->data + 44);
	*jopt = htonl(jlen);
	skb = pad_skb(test, pkt, &gso, extra);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(skb, 0, &p));
	KUNIT_EXPECT_EQ(test, FNAT_PKT_F_BIG_TCP | FNAT_PKT_F_EXTHDR, p.flags);
	KUNIT_EXPECT_EQ(test, 48U, p.l4off);
	KUNIT_EXPECT_EQ(test, jlen - 8, p.l4len);
	KUNIT_EXPECT_EQ(test, 36, p.l4hlen);
	expect_tuple6(test, &p.tuple, IPPROTO_TCP, LIP6, 5000, RIP6, 80);

	/* Trailing bytes beyond the jumbo length are not L4's either. */
	*jopt = htonl(jlen - 100);
	skb = pad_skb(test, pkt, &gso, extra);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(skb, 0, &p));
	KUNIT_EXPECT_EQ(test, jlen - 108, p.l4len);

	/* Anything else with payload length 0 is a bad length. */
	for (i = 0; i < 8; i++) {
		*jopt = htonl(jlen);
		switch (i) {
		case 0:		/* longer than the skb */
			*jopt = htonl(jlen + 1);
			break;
		case 1:		/* would fit a payload length */
			*jopt = htonl(IPV6_MAXPLEN);
			break;
		case 2:		/* not a jumbo option */
			pkt->data[42] = IPV6_TLV_PADN;
			break;
		case 3:		/* an option of another length */
			pkt->data[42] = IPV6_TLV_JUMBO;
			pkt->data[43] = 5;
			break;
		case 4:		/* a longer hop-by-hop header */
			pkt->data[43] = 4;
			pkt->data[41] = 1;
			break;
		case 5:		/* not TCP behind it */
			pkt->data[41] = 0;
			pkt->data[40] = IPPROTO_UDP;
			break;
		case 6:		/* no hop-by-hop header */
			pkt->data[40] = IPPROTO_TCP;
			pkt->data[6] = NEXTHDR_DEST;
			break;
		case 7:		/* all right, but not GSO */
			pkt->data[6] = NEXTHDR_HOP;
			break;
		}
		skb = pad_skb(test, pkt, i == 7 ? NULL : &gso, extra);
		KUNIT_EXPECT_EQ_MSG(test, -FNAT_DROP_BAD_LENGTH,
				    fnat_pkt_parse(skb, 0, &p), "case %u", i);
	}
	/* And the same bytes on a GSO skb are fine again. */
	skb = pad_skb(test, pkt, &gso, extra);
	KUNIT_EXPECT_EQ(test, 0, fnat_pkt_parse(skb, 0, &p));
}

struct refusal_run {
	struct kunit	*test;
	unsigned long	seen;	/* bit per reason */
};

static void refused_pkt(struct refusal_run *r, const struct fnat_pb_pkt *pkt,
			enum fnat_drop_reason want, const char *what)
{
	const char *expected = fnat_drop_reason_name(want), *got;
	struct fnat_pkt p;
	int ret;

	ret = parse_pkt(r->test, pkt, 0, &p);
	got = ret < 0 ? fnat_drop_reason_name(-ret) : "accepted";
	KUNIT_EXPECT_STREQ_MSG(r->test, expected, got, "%s", what);
	r->seen |= BIT(want);
}

static void refused(struct refusal_run *r, const struct fnat_pb_spec *spec,
		    enum fnat_drop_reason want, const char *what)
{
	struct fnat_pb_pkt *pkt = fnat_pb_build(r->test, spec);

	KUNIT_ASSERT_NOT_NULL(r->test, pkt);
	refused_pkt(r, pkt, want, what);
}

/* A packet whose IP header says it ends l4len bytes after the header. */
static void refused_short(struct refusal_run *r, struct fnat_pb_spec s,
			  unsigned int l4len, enum fnat_drop_reason want,
			  const char *what)
{
	unsigned int hlen = 20 + ALIGN(s.ip_opts_len, 4);

	s.set |= FNAT_PB_SET_TOT_LEN | FNAT_PB_SET_TRUNCATE;
	s.set_tot_len = hlen + l4len;
	s.truncate = hlen + l4len;
	refused(r, &s, want, what);
}

static void fnat_pkt_refuse_ip(struct refusal_run *r)
{
	struct fnat_pb_spec s = tcp_syn();
	struct fnat_pb_pkt *pkt;
	struct sk_buff *skb;
	struct fnat_pkt p;
	unsigned int i;

	s.set = FNAT_PB_SET_TRUNCATE;
	s.truncate = 19;
	refused(r, &s, FNAT_DROP_TRUNCATED, "19 bytes");
	s.truncate = 1;
	refused(r, &s, FNAT_DROP_TRUNCATED, "1 byte");
	s.truncate = 0;
	refused(r, &s, FNAT_DROP_TRUNCATED, "nothing");
	/* nhoff at or beyond the end, however far. */
	s = tcp_syn();
	pkt = fnat_pb_build(r->test, &s);
	KUNIT_ASSERT_NOT_NULL(r->test, pkt);
	skb = fnat_pb_skb(r->test, pkt, NULL);
	KUNIT_ASSERT_NOT_NULL(r->test, skb);
	KUNIT_EXPECT_EQ(r->test, -FNAT_DROP_TRUNCATED,
			fnat_pkt_parse(skb, skb->len, &p));
	KUNIT_EXPECT_EQ(r->test, -FNAT_DROP_TRUNCATED,
			fnat_pkt_parse(skb, skb->len - 19, &p));
	KUNIT_EXPECT_EQ(r->test, -FNAT_DROP_TRUNCATED,
			fnat_pkt_parse(skb, UINT_MAX, &p));
	KUNIT_EXPECT_EQ(r->test, -FNAT_DROP_TRUNCATED,
			fnat_pkt_parse(skb, (unsigned int)INT_MAX + 1, &p));

	s = tcp_syn();
	s.set = FNAT_PB_SET_VERSION;
	s.set_version = 5;
	refused(r, &s, FNAT_DROP_BAD_VERSION, "version 5");
	/* Read as IPv6: its "payload length" (the ID) runs past the skb. */
	s.set_version = 6;
	refused(r, &s, FNAT_DROP_BAD_LENGTH, "version 6 in IPv4");
	s.set_version = 0;
	refused(r, &s, FNAT_DROP_BAD_VERSION, "version 0");
	s.set_version = 15;
	refused(r, &s, FNAT_DROP_BAD_VERSION, "version 15");

	s = tcp_syn();
	s.set = FNAT_PB_SET_IHL;
	for (i = 0; i < 5; i++) {
		s.set_ihl = i;
		refused(r, &s, FNAT_DROP_BAD_IHL, "ihl below 5");
	}

	s = tcp_syn();
	s.set = FNAT_PB_SET_TOT_LEN;
	s.set_tot_len = 19;
	refused(r, &s, FNAT_DROP_BAD_LENGTH, "tot_len shorter than a header");
	s.set_tot_len = 0;
	refused(r, &s, FNAT_DROP_BAD_LENGTH, "tot_len 0, not GSO");
	s.set_tot_len = 41;
	refused(r, &s, FNAT_DROP_BAD_LENGTH, "tot_len one past the skb");
	s.set_tot_len = 0xffff;
	refused(r, &s, FNAT_DROP_BAD_LENGTH, "tot_len 65535");
	s = tcp_syn();
	s.set = FNAT_PB_SET_TRUNCATE;
	s.truncate = 39;
	refused(r, &s, FNAT_DROP_BAD_LENGTH, "cut one byte short");
	s = tcp_syn();
	s.ip_opts = ip_opts;
	s.ip_opts_len = sizeof(ip_opts);
	s.set = FNAT_PB_SET_TOT_LEN;
	s.set_tot_len = 31;
	refused(r, &s, FNAT_DROP_BAD_LENGTH, "tot_len inside the options");
	s = tcp_syn();
	s.set = FNAT_PB_SET_IHL;
	s.set_ihl = 15;
	refused(r, &s, FNAT_DROP_BAD_LENGTH, "ihl past tot_len");

	s = udp_dns();
	s.frag_off = 65528;
	s.payload_len = 8;
	refused(r, &s, FNAT_DROP_BAD_FRAGMENT, "one byte past 65535");
	s.frag_off = 64000;
	s.payload_len = 1600;
	refused(r, &s, FNAT_DROP_BAD_FRAGMENT, "ping of death");
}

static void fnat_pkt_refuse_l4(struct refusal_run *r)
{
	struct fnat_pb_spec s = tcp_syn();
	unsigned int i;

	refused_short(r, s, 19, FNAT_DROP_L4_TRUNCATED, "tcp 19 bytes");
	refused_short(r, s, 0, FNAT_DROP_L4_TRUNCATED, "tcp 0 bytes");
	refused_short(r, udp_dns(), 7, FNAT_DROP_L4_TRUNCATED, "udp 7 bytes");
	refused_short(r, icmp_echo(), 7, FNAT_DROP_L4_TRUNCATED,
		      "icmp 7 bytes");

	s.mf = true;
	refused_short(r, s, 8, FNAT_DROP_FRAGMENT_NO_L4,
		      "first fragment, ports only (RFC 1858)");
	s.tcp_opts = tcp_syn_opts;
	s.tcp_opts_len = sizeof(tcp_syn_opts);
	refused_short(r, s, 24, FNAT_DROP_FRAGMENT_NO_L4,
		      "first fragment, options cut");
	s = udp_dns();
	s.mf = true;
	refused_short(r, s, 4, FNAT_DROP_FRAGMENT_NO_L4, "udp first fragment");
	s = icmp_echo();
	s.mf = true;
	refused_short(r, s, 4, FNAT_DROP_FRAGMENT_NO_L4, "icmp first fragment");

	s = tcp_syn();
	s.payload_len = 40;
	s.set = FNAT_PB_SET_DOFF;
	for (i = 0; i < 5; i++) {
		s.set_doff = i;
		refused(r, &s, FNAT_DROP_BAD_TCP_DOFF, "doff below 5");
	}
	s.mf = true;
	s.set_doff = 4;
	refused(r, &s, FNAT_DROP_BAD_TCP_DOFF, "doff 4, first fragment");
	s = tcp_syn();
	s.set = FNAT_PB_SET_DOFF;
	s.set_doff = 6;
	refused(r, &s, FNAT_DROP_BAD_TCP_DOFF, "doff 6 in 20 bytes");
	s.set_doff = 15;
	s.payload_len = 39;
	refused(r, &s, FNAT_DROP_BAD_TCP_DOFF, "doff 15 in 59 bytes");

	s = udp_dns();
	s.set = FNAT_PB_SET_UDP_LEN;
	for (i = 0; i < 8; i++) {
		s.set_udp_len = i;
		refused(r, &s, FNAT_DROP_BAD_UDP_LENGTH, "udp length below 8");
	}
	s.set_udp_len = 41;
	refused(r, &s, FNAT_DROP_BAD_UDP_LENGTH, "udp length past the end");
	s.set_udp_len = 0xffff;
	refused(r, &s, FNAT_DROP_BAD_UDP_LENGTH, "udp length 65535");
	s.mf = true;
	s.set_udp_len = 39;
	refused(r, &s, FNAT_DROP_BAD_UDP_LENGTH,
		"first fragment longer than its datagram");

	s = tcp_syn();
	s.protocol = IPPROTO_GRE;
	refused(r, &s, FNAT_DROP_UNSUPPORTED_PROTO, "gre");
	s.protocol = IPPROTO_SCTP;
	refused(r, &s, FNAT_DROP_UNSUPPORTED_PROTO, "sctp");
	s.protocol = IPPROTO_IPV6;
	refused(r, &s, FNAT_DROP_UNSUPPORTED_PROTO, "6in4");
	s.protocol = 255;
	refused(r, &s, FNAT_DROP_UNSUPPORTED_PROTO, "255");
	s.protocol = IPPROTO_GRE;
	s.frag_off = 1480;
	refused(r, &s, FNAT_DROP_UNSUPPORTED_PROTO, "gre, later fragment");
}

static void fnat_pkt_refuse_icmp(struct refusal_run *r)
{
	struct fnat_pb_spec in = fullnat_tcp(), in2, s, s2;

	s = icmp_error(&in, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED);
	s.inner_quote = 27;
	refused(r, &s, FNAT_DROP_ICMP_TRUNCATED_INNER, "ports, no seq");
	s.inner_quote = 19;
	refused(r, &s, FNAT_DROP_ICMP_TRUNCATED_INNER, "part of a header");
	s.inner = NULL;
	refused(r, &s, FNAT_DROP_ICMP_TRUNCATED_INNER, "nothing quoted");
	in.ip_opts = ip_opts;
	in.ip_opts_len = sizeof(ip_opts);
	s.inner = &in;
	s.inner_quote = 28;
	refused(r, &s, FNAT_DROP_ICMP_TRUNCATED_INNER, "options cut");
	/* The rest of the quote may be in the next fragment. */
	s.mf = true;
	refused(r, &s, FNAT_DROP_FRAGMENT_NO_L4, "options cut, first fragment");
	s.mf = false;

	in = fullnat_tcp();
	s.inner_quote = 0;
	in.set = FNAT_PB_SET_VERSION;
	in.set_version = 6;
	refused(r, &s, FNAT_DROP_ICMP_BAD_INNER, "inner version 6");
	in.set = FNAT_PB_SET_IHL;
	in.set_ihl = 4;
	refused(r, &s, FNAT_DROP_ICMP_BAD_INNER, "inner ihl 4");
	in = fullnat_tcp();
	in.frag_off = 1480;
	refused(r, &s, FNAT_DROP_ICMP_BAD_INNER, "about a later fragment");
	/* An error about an error (whose own quote is never looked at). */
	in2 = fullnat_tcp();
	s2 = icmp_error(&in2, ICMP_TIME_EXCEEDED, 0);
	s = icmp_error(&s2, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH);
	refused(r, &s, FNAT_DROP_ICMP_BAD_INNER, "about an error");
	s2.icmp_type = ICMP_REDIRECT;
	refused(r, &s, FNAT_DROP_ICMP_BAD_INNER, "about a redirect");

	in = fullnat_tcp();
	in.protocol = IPPROTO_GRE;
	s = icmp_error(&in, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH);
	refused(r, &s, FNAT_DROP_ICMP_UNSUPPORTED_INNER, "about gre");
	in.protocol = IPPROTO_SCTP;
	refused(r, &s, FNAT_DROP_ICMP_UNSUPPORTED_INNER, "about sctp");
}

/*
 * An IPv6 packet built from s whose payload length says it ends l4len
 * bytes after the extension headers as built, and which does.
 */
static void refused_cut6(struct refusal_run *r, const struct fnat_pb_spec *s,
			 unsigned int l4len, enum fnat_drop_reason want,
			 const char *what)
{
	struct fnat_pb_pkt *pkt = fnat_pb_build(r->test, s);

	KUNIT_ASSERT_NOT_NULL(r->test, pkt);
	KUNIT_ASSERT_LE(r->test, pkt->l4off + l4len, pkt->len);
	pkt->len = pkt->l4off + l4len;
	((struct ipv6hdr *)pkt->data)->payload_len = htons(pkt->len - 40);
	refused_pkt(r, pkt, want, what);
}

static void fnat_pkt_refuse_ip6(struct refusal_run *r)
{
	static const struct fnat_pb_exthdr dst_hop[] = { DST8, HOP8 };
	static const struct fnat_pb_exthdr two_frags[] = { FRAG6, DST8, FRAG6 };
	static const struct fnat_pb_exthdr too_many[FNAT_PKT_MAX_EXTHDRS + 1] = {
		HOP8, DST8, DST8, DST8, DST8, DST8, DST8, DST8, DST8,
	};
	static const struct fnat_pb_exthdr long_dst[] = {
		{ .type = NEXTHDR_DEST, .set_hdrlen = true, .hdrlen = 3 },
	};
	static const struct fnat_pb_exthdr frag_dst[] = { FRAG6, DST24 };
	struct fnat_pb_spec s = tcp6_syn();
	struct fnat_pb_pkt *pkt;

	s.set = FNAT_PB_SET_TRUNCATE;
	s.truncate = 39;
	refused(r, &s, FNAT_DROP_TRUNCATED, "ipv6: 39 bytes");
	s.truncate = 1;
	refused(r, &s, FNAT_DROP_TRUNCATED, "ipv6: 1 byte");

	s = tcp6_syn();
	s.set = FNAT_PB_SET_VERSION;
	s.set_version = 7;
	refused(r, &s, FNAT_DROP_BAD_VERSION, "ipv6: version 7");

	s = tcp6_syn();
	s.set = FNAT_PB_SET_TOT_LEN;
	s.set_tot_len = 21;
	refused(r, &s, FNAT_DROP_BAD_LENGTH, "ipv6: payload one past the skb");
	s.set_tot_len = 0xffff;
	refused(r, &s, FNAT_DROP_BAD_LENGTH, "ipv6: payload 65535");
	s.set_tot_len = 0;
	refused(r, &s, FNAT_DROP_BAD_LENGTH, "ipv6: payload 0, not GSO");
	s = tcp6_syn();
	s.set = FNAT_PB_SET_TRUNCATE;
	s.truncate = 59;
	refused(r, &s, FNAT_DROP_BAD_LENGTH, "ipv6: cut one byte short");

	/* Extension headers that cannot be right. */
	s = tcp6_syn();
	s.exthdrs = long_dst;
	s.n_exthdrs = 1;
	refused(r, &s, FNAT_DROP_BAD_EXTHDR, "ipv6: exthdr past the payload");
	pkt = fnat_pb_build(r->test, &s);
	KUNIT_ASSERT_NOT_NULL(r->test, pkt);
	pkt->len += 20;
	refused_pkt(r, pkt, FNAT_DROP_BAD_EXTHDR,
		    "ipv6: exthdr past the payload, not the skb");
	s = tcp6_syn();
	s.exthdrs = dst8;
	s.n_exthdrs = 1;
	refused_cut6(r, &s, 0, FNAT_DROP_L4_TRUNCATED, "ipv6: no tcp at all");
	s.set = FNAT_PB_SET_TOT_LEN | FNAT_PB_SET_TRUNCATE;
	s.set_tot_len = 7;
	s.truncate = 47;
	refused(r, &s, FNAT_DROP_BAD_EXTHDR, "ipv6: payload ends in an exthdr");
	s.set = FNAT_PB_SET_TOT_LEN;
	s.set_tot_len = 4;
	refused(r, &s, FNAT_DROP_BAD_EXTHDR,
		"ipv6: payload ends in an exthdr, skb does not");
	s = tcp6_syn();
	s.frag6 = true;
	s.set = FNAT_PB_SET_TOT_LEN;
	s.set_tot_len = 7;
	refused(r, &s, FNAT_DROP_BAD_EXTHDR, "ipv6: fragment header cut");
	s = tcp6_syn();
	s.exthdrs = dst_hop;
	s.n_exthdrs = ARRAY_SIZE(dst_hop);
	refused(r, &s, FNAT_DROP_BAD_EXTHDR, "ipv6: hop-by-hop second");
	s.exthdrs = two_frags;
	s.n_exthdrs = ARRAY_SIZE(two_frags);
	s.frag6 = true;
	refused(r, &s, FNAT_DROP_BAD_EXTHDR, "ipv6: two fragment headers");
	s.mf = true;
	refused(r, &s, FNAT_DROP_BAD_EXTHDR,
		"ipv6: two fragment headers, first fragment");
	s = tcp6_syn();
	s.exthdrs = too_many;
	s.n_exthdrs = ARRAY_SIZE(too_many);
	refused(r, &s, FNAT_DROP_BAD_EXTHDR, "ipv6: too many exthdrs");

	/* A first fragment must hold the whole chain (RFC 7112). */
	s = tcp6_syn();
	s.exthdrs = frag_dst;
	s.n_exthdrs = ARRAY_SIZE(frag_dst);
	s.mf = true;
	s.set = FNAT_PB_SET_TOT_LEN | FNAT_PB_SET_TRUNCATE;
	s.set_tot_len = 8 + 16;
	s.truncate = 40 + 8 + 16;
	refused(r, &s, FNAT_DROP_FRAGMENT_NO_L4,
		"ipv6: first fragment ends in the chain");
	s.mf = false;
	s.frag6 = true;
	refused(r, &s, FNAT_DROP_BAD_EXTHDR,
		"ipv6: atomic fragment ends in the chain");

	/* Reassembly would overflow (offset + data after the header). */
	s = udp6_dns();
	s.exthdrs = dst24;
	s.n_exthdrs = 1;
	s.frag_off = 65528;
	s.payload_len = 8;
	refused(r, &s, FNAT_DROP_BAD_FRAGMENT, "ipv6: one byte past 65535");
	s.frag_off = 64000;
	s.payload_len = 1600;
	refused(r, &s, FNAT_DROP_BAD_FRAGMENT, "ipv6: far past 65535");
}

static void fnat_pkt_refuse_l4_6(struct refusal_run *r)
{
	static const struct fnat_pb_exthdr ah[] = {
		{ .type = NEXTHDR_AUTH, .len = 16 },
	};
	static const struct fnat_pb_exthdr rt_left[] = {
		{ .type = NEXTHDR_ROUTING, .len = 24, .rt_type = 4,
		  .segleft = 1 },
	};
	static const struct fnat_pb_exthdr frag_dst[] = { FRAG6, DST8 };
	struct fnat_pb_spec s = tcp6_syn();
	unsigned int i;

	refused_cut6(r, &s, 19, FNAT_DROP_L4_TRUNCATED, "ipv6: tcp 19 bytes");
	s = udp6_dns();
	refused_cut6(r, &s, 7, FNAT_DROP_L4_TRUNCATED, "ipv6: udp 7 bytes");
	s = icmp6_echo();
	refused_cut6(r, &s, 7, FNAT_DROP_L4_TRUNCATED, "ipv6: icmpv6 7 bytes");

	s = tcp6_syn();
	s.mf = true;
	refused_cut6(r, &s, 8, FNAT_DROP_FRAGMENT_NO_L4,
		     "ipv6: first fragment, ports only");
	s.tcp_opts = tcp_syn_opts;
	s.tcp_opts_len = sizeof(tcp_syn_opts);
	refused_cut6(r, &s, 24, FNAT_DROP_FRAGMENT_NO_L4,
		     "ipv6: first fragment, options cut");
	s = udp6_dns();
	s.mf = true;
	refused_cut6(r, &s, 4, FNAT_DROP_FRAGMENT_NO_L4,
		     "ipv6: udp first fragment");
	s = icmp6_echo();
	s.mf = true;
	refused_cut6(r, &s, 4, FNAT_DROP_FRAGMENT_NO_L4,
		     "ipv6: icmpv6 first fragment");

	s = tcp6_syn();
	s.payload_len = 40;
	s.set = FNAT_PB_SET_DOFF;
	for (i = 0; i < 5; i++) {
		s.set_doff = i;
		refused(r, &s, FNAT_DROP_BAD_TCP_DOFF, "ipv6: doff below 5");
	}
	s = tcp6_syn();
	s.set = FNAT_PB_SET_DOFF;
	s.set_doff = 6;
	refused(r, &s, FNAT_DROP_BAD_TCP_DOFF, "ipv6: doff 6 in 20 bytes");
	s.exthdrs = chain6;
	s.n_exthdrs = ARRAY_SIZE(chain6);
	s.frag6 = true;
	refused(r, &s, FNAT_DROP_BAD_TCP_DOFF,
		"ipv6: doff 6 in 20 bytes, behind a chain");

	s = udp6_dns();
	s.set = FNAT_PB_SET_UDP_LEN;
	for (i = 0; i < 8; i++) {
		s.set_udp_len = i;
		refused(r, &s, FNAT_DROP_BAD_UDP_LENGTH,
			"ipv6: udp length below 8");
	}
	s.set_udp_len = 41;
	refused(r, &s, FNAT_DROP_BAD_UDP_LENGTH, "ipv6: udp length past the end");
	s.mf = true;
	s.set_udp_len = 39;
	refused(r, &s, FNAT_DROP_BAD_UDP_LENGTH,
		"ipv6: first fragment longer than its datagram");

	/* IPv6 has no UDP without a checksum. */
	s = udp6_dns();
	s.csum = FNAT_PB_CSUM_NONE;
	refused(r, &s, FNAT_DROP_UDP_ZERO_CSUM, "ipv6: udp checksum 0");
	s.mf = true;
	refused(r, &s, FNAT_DROP_UDP_ZERO_CSUM,
		"ipv6: udp checksum 0, first fragment");
	s.mf = false;
	s.exthdrs = chain6;
	s.n_exthdrs = ARRAY_SIZE(chain6);
	s.frag6 = true;
	refused(r, &s, FNAT_DROP_UDP_ZERO_CSUM,
		"ipv6: udp checksum 0, behind a chain");

	/* Not fnat's: let through, never dropped. */
	s = icmp6_echo();
	s.icmp_type = NDISC_NEIGHBOUR_SOLICITATION;
	s.ttl = 255;
	refused(r, &s, FNAT_DROP_UNSUPPORTED_PROTO, "ipv6: neighbour solicitation");
	s.icmp_type = ICMPV6_MGM_REPORT;
	s.exthdrs = hop8;
	s.n_exthdrs = 1;
	refused(r, &s, FNAT_DROP_UNSUPPORTED_PROTO, "ipv6: mld report");
	s = tcp6_syn();
	s.protocol = NEXTHDR_ESP;
	s.payload_len = 40;
	refused(r, &s, FNAT_DROP_UNSUPPORTED_PROTO, "ipv6: esp");
	s.protocol = NEXTHDR_NONE;
	refused(r, &s, FNAT_DROP_UNSUPPORTED_PROTO, "ipv6: no next header");
	s = tcp6_syn();
	s.exthdrs = ah;
	s.n_exthdrs = 1;
	refused(r, &s, FNAT_DROP_UNSUPPORTED_PROTO, "ipv6: ah");
	s.exthdrs = rt_left;
	refused(r, &s, FNAT_DROP_UNSUPPORTED_PROTO, "ipv6: segments left");
	s.exthdrs = frag_dst;
	s.n_exthdrs = ARRAY_SIZE(frag_dst);
	s.frag_off = 1448;
	refused(r, &s, FNAT_DROP_UNSUPPORTED_PROTO,
		"ipv6: later fragment naming an exthdr");
}

static void fnat_pkt_refuse_icmp6(struct refusal_run *r)
{
	static const struct fnat_pb_exthdr dst_hop[] = { DST8, HOP8 };
	static const struct fnat_pb_exthdr rt_left[] = {
		{ .type = NEXTHDR_ROUTING, .len = 24, .rt_type = 4,
		  .segleft = 1 },
	};
	static const struct fnat_pb_exthdr long_dst[] = {
		{ .type = NEXTHDR_DEST, .set_hdrlen = true, .hdrlen = 200 },
	};
	struct fnat_pb_spec in = fullnat_tcp6(), in2, s, s2;

	s = icmp6_error(&in, ICMPV6_PKT_TOOBIG, 0);
	s.inner_quote = 47;
	refused(r, &s, FNAT_DROP_ICMP_TRUNCATED_INNER,
		"ipv6: ports, no seq");
	s.inner_quote = 39;
	refused(r, &s, FNAT_DROP_ICMP_TRUNCATED_INNER,
		"ipv6: part of a header");
	s.inner = NULL;
	refused(r, &s, FNAT_DROP_ICMP_TRUNCATED_INNER, "ipv6: nothing quoted");
	in.exthdrs = chain6;
	in.n_exthdrs = ARRAY_SIZE(chain6);
	in.frag6 = true;
	s.inner = &in;
	s.inner_quote = 100;
	refused(r, &s, FNAT_DROP_ICMP_TRUNCATED_INNER, "ipv6: chain cut");
	s.inner_quote = 115;
	refused(r, &s, FNAT_DROP_ICMP_TRUNCATED_INNER,
		"ipv6: ports after the chain, no seq");
	/* The rest of the quote may be in the next fragment. */
	s.mf = true;
	refused(r, &s, FNAT_DROP_FRAGMENT_NO_L4,
		"ipv6: chain cut, first fragment");
	s.mf = false;
	in = fullnat_tcp6();
	in.exthdrs = long_dst;
	in.n_exthdrs = 1;
	s.inner_quote = 200;
	refused(r, &s, FNAT_DROP_ICMP_TRUNCATED_INNER,
		"ipv6: inner exthdr past the quote");

	in = fullnat_tcp6();
	s.inner_quote = 0;
	in.set = FNAT_PB_SET_VERSION;
	in.set_version = 4;
	refused(r, &s, FNAT_DROP_ICMP_BAD_INNER, "ipv6: inner version 4");
	in = fullnat_tcp6();
	in.frag_off = 1448;
	refused(r, &s, FNAT_DROP_ICMP_BAD_INNER, "ipv6: about a later fragment");
	in = fullnat_tcp6();
	in.exthdrs = dst_hop;
	in.n_exthdrs = ARRAY_SIZE(dst_hop);
	refused(r, &s, FNAT_DROP_ICMP_BAD_INNER, "ipv6: inner hop-by-hop second");
	/* An error about an error. */
	in2 = fullnat_tcp6();
	s2 = icmp6_error(&in2, ICMPV6_TIME_EXCEED, 0);
	s = icmp6_error(&s2, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH);
	refused(r, &s, FNAT_DROP_ICMP_BAD_INNER, "ipv6: about an error");
	s2.icmp_type = 127;
	refused(r, &s, FNAT_DROP_ICMP_BAD_INNER, "ipv6: about error type 127");

	in = fullnat_tcp6();
	in.protocol = IPPROTO_SCTP;
	s = icmp6_error(&in, ICMPV6_PARAMPROB, ICMPV6_UNK_NEXTHDR);
	refused(r, &s, FNAT_DROP_ICMP_UNSUPPORTED_INNER, "ipv6: about sctp");
	in.protocol = NEXTHDR_ESP;
	refused(r, &s, FNAT_DROP_ICMP_UNSUPPORTED_INNER, "ipv6: about esp");
	in = fullnat_tcp6();
	in.exthdrs = rt_left;
	in.n_exthdrs = 1;
	refused(r, &s, FNAT_DROP_ICMP_UNSUPPORTED_INNER,
		"ipv6: about a packet with segments left");
}

/* Each refusal with its own reason, and every reason has a fixture. */
static void fnat_pkt_refusals(struct kunit *test)
{
	struct refusal_run r = { .test = test };
	unsigned int reason;

	BUILD_BUG_ON(FNAT_DROP_REASON_MAX > BITS_PER_LONG);
	fnat_pkt_refuse_ip(&r);
	fnat_pkt_refuse_l4(&r);
	fnat_pkt_refuse_icmp(&r);
	fnat_pkt_refuse_ip6(&r);
	fnat_pkt_refuse_l4_6(&r);
	fnat_pkt_refuse_icmp6(&r);
	for (reason = 1; reason <= FNAT_DROP_PARSE_LAST; reason++)
		KUNIT_EXPECT_TRUE_MSG(test, r.seen & BIT(reason),
				      "no fixture for %s",
				      fnat_drop_reason_name(reason));
}

static void fnat_pkt_reason_names(struct kunit *test)
{
	/* Counter names users script against: pinned. */
	static const char *const pinned[FNAT_DROP_REASON_MAX] = {
		[FNAT_DROP_TRUNCATED]			= "truncated",
		[FNAT_DROP_BAD_VERSION]			= "bad_version",
		[FNAT_DROP_BAD_IHL]			= "bad_ihl",
		[FNAT_DROP_BAD_LENGTH]			= "bad_length",
		[FNAT_DROP_BAD_FRAGMENT]		= "bad_fragment",
		[FNAT_DROP_FRAGMENT_NO_L4]		= "fragment_no_l4",
		[FNAT_DROP_L4_TRUNCATED]		= "l4_truncated",
		[FNAT_DROP_BAD_TCP_DOFF]		= "bad_tcp_doff",
		[FNAT_DROP_BAD_UDP_LENGTH]		= "bad_udp_length",
		[FNAT_DROP_ICMP_TRUNCATED_INNER]	= "icmp_truncated_inner",
		[FNAT_DROP_ICMP_BAD_INNER]		= "icmp_bad_inner",
		[FNAT_DROP_ICMP_UNSUPPORTED_INNER]	= "icmp_unsupported_inner",
		[FNAT_DROP_UNSUPPORTED_PROTO]		= "unsupported_proto",
		[FNAT_DROP_BAD_EXTHDR]			= "bad_exthdr",
		[FNAT_DROP_UDP_ZERO_CSUM]		= "udp_zero_csum",
		[FNAT_DROP_NO_DEST]			= "no_dest",
		[FNAT_DROP_CONN_LIMIT]			= "conn_limit",
		[FNAT_DROP_NO_MEM]			= "no_mem",
		[FNAT_DROP_NO_CONN]			= "no_conn",
		[FNAT_DROP_NO_ROUTE]			= "no_route",
		[FNAT_DROP_FRAG_NEEDED]			= "frag_needed",
		[FNAT_DROP_TTL_EXPIRED]			= "ttl_expired",
		[FNAT_DROP_FWD_UNSUPPORTED]		= "fwd_unsupported",
		[FNAT_DROP_NO_LPORT]			= "no_lport",
		[FNAT_DROP_DEST_DELETED]		= "dest_deleted",
		[FNAT_DROP_ICMP_UNTRANSLATABLE]		= "icmp_untranslatable",
		[FNAT_DROP_DEFENSE_PACKET]		= "defense_drop_packet",
		[FNAT_DROP_DEFENSE_ENTRY]		= "defense_drop_entry",
		[FNAT_DROP_SYNPROXY_BAD_COOKIE]		= "synproxy_bad_cookie",
		[FNAT_DROP_SYNPROXY_HOLD_FULL]		= "synproxy_hold_full",
		[FNAT_DROP_SYNPROXY_BAD_SYNACK]		= "synproxy_bad_synack",
		[FNAT_DROP_SYNPROXY_RS_TIMEOUT]		= "synproxy_rs_timeout",
	};
	unsigned int i, j;
	const char *c;

	for (i = 1; i < FNAT_DROP_REASON_MAX; i++) {
		KUNIT_ASSERT_NOT_NULL_MSG(test, pinned[i], "reason %u", i);
		KUNIT_EXPECT_STREQ(test, pinned[i], fnat_drop_reason_name(i));
		for (c = pinned[i]; *c; c++)
			KUNIT_EXPECT_TRUE_MSG(test, islower(*c) || *c == '_' ||
					      isdigit(*c), "%s", pinned[i]);
		for (j = 1; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, fnat_drop_reason_name(j),
					    fnat_drop_reason_name(i));
	}
	KUNIT_EXPECT_STREQ(test, "unknown", fnat_drop_reason_name(0));
	KUNIT_EXPECT_STREQ(test, "unknown",
			   fnat_drop_reason_name(FNAT_DROP_REASON_MAX));
	KUNIT_EXPECT_STREQ(test, "unknown", fnat_drop_reason_name(-1));
}

/*
 * Walks the IPv6 extension headers from off (of type nh) to end again,
 * independently of the parser, expecting only the kinds it skips. Returns
 * the type of what follows; *frag says whether a fragment header was seen.
 */
static u8 rewalk6(struct kunit *test, const struct sk_buff *skb,
		  unsigned int off, unsigned int end, u8 nh, bool *frag,
		  unsigned int iter)
{
	u8 b[2];

	*frag = false;
	while (off < end) {
		KUNIT_ASSERT_EQ(test, 0, skb_copy_bits(skb, off, b, 2));
		KUNIT_ASSERT_TRUE_MSG(test, nh == NEXTHDR_HOP ||
				      nh == NEXTHDR_DEST ||
				      nh == NEXTHDR_ROUTING ||
				      nh == NEXTHDR_FRAGMENT,
				      "iteration %u: header %u skipped", iter,
				      nh);
		*frag |= nh == NEXTHDR_FRAGMENT;
		off += nh == NEXTHDR_FRAGMENT ? 8 : (b[1] + 1) * 8;
		nh = b[0];
	}
	KUNIT_ASSERT_EQ_MSG(test, end, off, "iteration %u", iter);
	return nh;
}

/* check_accepted() for IPv6. */
static void check_accepted6(struct kunit *test, const struct sk_buff *skb,
			    unsigned int nhoff, const struct fnat_pkt *p,
			    unsigned int iter)
{
	unsigned int len = skb->len;
	struct ipv6hdr h, ih;
	bool frag;
	u8 b[60];

	KUNIT_ASSERT_EQ_MSG(test, nhoff, p->l3off, "iteration %u", iter);
	KUNIT_ASSERT_EQ(test, 0, skb_copy_bits(skb, nhoff, &h, sizeof(h)));
	KUNIT_ASSERT_EQ_MSG(test, 6, (int)h.version, "iteration %u", iter);
	KUNIT_ASSERT_TRUE_MSG(test, ipv6_addr_equal(&h.saddr, &p->tuple.saddr.in6) &&
			      ipv6_addr_equal(&h.daddr, &p->tuple.daddr.in6),
			      "iteration %u", iter);
	KUNIT_ASSERT_TRUE_MSG(test, p->l4off >= nhoff + 40 &&
			      p->l4off <= len && p->l4len <= len - p->l4off &&
			      p->l4hlen <= p->l4len, "iteration %u", iter);
	KUNIT_ASSERT_FALSE_MSG(test, p->flags & FNAT_PKT_F_BIG_TCP,
			       "iteration %u", iter);
	KUNIT_ASSERT_EQ_MSG(test, nhoff + 40 + ntohs(h.payload_len),
			    p->l4off + p->l4len, "iteration %u", iter);
	KUNIT_ASSERT_EQ_MSG(test, p->tuple.protocol,
			    rewalk6(test, skb, nhoff + 40, p->l4off, h.nexthdr,
				    &frag, iter), "iteration %u", iter);
	KUNIT_ASSERT_EQ_MSG(test, p->l4off > nhoff + 40,
			    !!(p->flags & FNAT_PKT_F_EXTHDR), "iteration %u",
			    iter);
	KUNIT_ASSERT_TRUE_MSG(test, frag || !(p->flags & FNAT_PKT_F_FRAG),
			      "iteration %u", iter);
	KUNIT_ASSERT_FALSE_MSG(test, p->flags & (FNAT_PKT_F_IP_OPTS |
						 FNAT_PKT_F_NO_CSUM),
			       "iteration %u", iter);
	if (p->flags & FNAT_PKT_F_NO_L4) {
		KUNIT_ASSERT_TRUE_MSG(test, (p->flags & FNAT_PKT_F_FRAG) &&
				      p->frag_off, "iteration %u", iter);
		KUNIT_ASSERT_EQ(test, 0, p->l4hlen);
		KUNIT_ASSERT_EQ(test, 0, p->tuple.sport | p->tuple.dport);
		return;
	}
	KUNIT_ASSERT_EQ(test, 0, p->frag_off);
	KUNIT_ASSERT_EQ(test, 0,
			skb_copy_bits(skb, p->l4off, b,
				      max_t(unsigned int, p->l4hlen, 8)));
	switch (p->tuple.protocol) {
	case IPPROTO_TCP:
		KUNIT_ASSERT_EQ_MSG(test, (b[12] >> 4) * 4, p->l4hlen,
				    "iteration %u", iter);
		KUNIT_ASSERT_GE(test, p->l4hlen, 20);
		KUNIT_ASSERT_EQ(test, b[13], p->tcp_flags);
		fallthrough;
	case IPPROTO_UDP:
		KUNIT_ASSERT_EQ(test, 0, memcmp(b, &p->tuple.sport, 2));
		KUNIT_ASSERT_EQ(test, 0, memcmp(b + 2, &p->tuple.dport, 2));
		if (p->tuple.protocol == IPPROTO_UDP)
			KUNIT_ASSERT_TRUE_MSG(test, b[6] | b[7],
					      "iteration %u", iter);
		break;
	case IPPROTO_ICMPV6:
		KUNIT_ASSERT_EQ(test, 8, p->l4hlen);
		KUNIT_ASSERT_EQ(test, b[0], p->icmp_type);
		KUNIT_ASSERT_EQ(test, b[1], p->icmp_code);
		if (!(p->flags & FNAT_PKT_F_ICMP_ERR)) {
			KUNIT_ASSERT_TRUE_MSG(test, b[0] == ICMPV6_ECHO_REQUEST ||
					      b[0] == ICMPV6_ECHO_REPLY,
					      "iteration %u: type %u", iter,
					      b[0]);
			KUNIT_ASSERT_EQ(test, 0, memcmp(b + 4, &p->icmp_id, 2));
			break;
		}
		KUNIT_ASSERT_TRUE_MSG(test, icmpv6_is_err(b[0]),
				      "iteration %u: type %u", iter, b[0]);
		KUNIT_ASSERT_EQ(test, p->l4off + 8, p->inner_l3off);
		KUNIT_ASSERT_TRUE_MSG(test, p->inner_l4off >= p->inner_l3off + 40 &&
				      p->inner_l4off + 8 <= p->l4off + p->l4len,
				      "iteration %u", iter);
		KUNIT_ASSERT_EQ(test, 0,
				skb_copy_bits(skb, p->inner_l3off, &ih,
					      sizeof(ih)));
		KUNIT_ASSERT_EQ(test, 6, (int)ih.version);
		KUNIT_ASSERT_TRUE(test, ipv6_addr_equal(&ih.saddr,
							&p->inner.saddr.in6));
		KUNIT_ASSERT_TRUE(test, ipv6_addr_equal(&ih.daddr,
							&p->inner.daddr.in6));
		KUNIT_ASSERT_EQ(test, AF_INET6, p->inner.af);
		KUNIT_ASSERT_EQ_MSG(test, p->inner.protocol,
				    rewalk6(test, skb, p->inner_l3off + 40,
					    p->inner_l4off, ih.nexthdr, &frag,
					    iter), "iteration %u", iter);
		KUNIT_ASSERT_EQ(test, 0,
				skb_copy_bits(skb, p->inner_l4off, b, 4));
		if (p->inner.protocol == IPPROTO_ICMPV6) {
			KUNIT_ASSERT_TRUE(test, b[0] & ICMPV6_INFOMSG_MASK);
			KUNIT_ASSERT_EQ(test, 0,
					p->inner.sport | p->inner.dport);
			break;
		}
		KUNIT_ASSERT_EQ(test, 0, memcmp(b, &p->inner.sport, 2));
		KUNIT_ASSERT_EQ(test, 0, memcmp(b + 2, &p->inner.dport, 2));
		break;
	default:
		KUNIT_FAIL(test, "iteration %u: protocol %u accepted", iter,
			   p->tuple.protocol);
	}
}

/*
 * What an accepted packet's description must say about its own bytes,
 * re-read here independently of the parser.
 */
static void check_accepted(struct kunit *test, const struct sk_buff *skb,
			   unsigned int nhoff, const struct fnat_pkt *p,
			   unsigned int iter)
{
	u8 b[60], ib[28];
	const struct iphdr *iph = (const struct iphdr *)b;
	const struct iphdr *inner = (const struct iphdr *)ib;
	unsigned int len = skb->len;

	if (p->tuple.af == AF_INET6) {
		check_accepted6(test, skb, nhoff, p, iter);
		return;
	}

	KUNIT_ASSERT_EQ_MSG(test, nhoff, p->l3off, "iteration %u", iter);
	KUNIT_ASSERT_TRUE_MSG(test, p->l4off >= nhoff + 20 &&
			      p->l4off <= len && p->l4len <= len - p->l4off &&
			      p->l4hlen <= p->l4len, "iteration %u", iter);
	KUNIT_ASSERT_EQ(test, 0, skb_copy_bits(skb, nhoff, b, 20));
	KUNIT_ASSERT_EQ_MSG(test, iph->ihl * 4, p->l4off - nhoff,
			    "iteration %u", iter);
	KUNIT_ASSERT_EQ_MSG(test, 4, (int)iph->version, "iteration %u", iter);
	KUNIT_ASSERT_EQ_MSG(test, iph->saddr, p->tuple.saddr.ip,
			    "iteration %u", iter);
	KUNIT_ASSERT_EQ_MSG(test, iph->daddr, p->tuple.daddr.ip,
			    "iteration %u", iter);
	KUNIT_ASSERT_EQ_MSG(test, iph->protocol, p->tuple.protocol,
			    "iteration %u", iter);
	if (p->flags & FNAT_PKT_F_BIG_TCP)
		KUNIT_ASSERT_EQ(test, len - nhoff, p->l4off - nhoff + p->l4len);
	else
		KUNIT_ASSERT_EQ_MSG(test, ntohs(iph->tot_len),
				    p->l4off - nhoff + p->l4len,
				    "iteration %u", iter);
	KUNIT_ASSERT_EQ_MSG(test, !!(ntohs(iph->frag_off) & (IP_MF | IP_OFFSET)),
			    !!(p->flags & FNAT_PKT_F_FRAG), "iteration %u", iter);
	if (p->flags & FNAT_PKT_F_NO_L4) {
		KUNIT_ASSERT_TRUE_MSG(test, ntohs(iph->frag_off) & IP_OFFSET,
				      "iteration %u", iter);
		KUNIT_ASSERT_EQ(test, 0, p->l4hlen);
		KUNIT_ASSERT_EQ(test, 0, p->tuple.sport | p->tuple.dport);
		return;
	}
	KUNIT_ASSERT_EQ_MSG(test, !!(p->flags & FNAT_PKT_F_IP_OPTS), iph->ihl > 5,
			    "iteration %u", iter);
	KUNIT_ASSERT_TRUE_MSG(test, !(p->flags & FNAT_PKT_F_ICMP_ERR) ||
			      p->tuple.protocol == IPPROTO_ICMP,
			      "iteration %u", iter);
	KUNIT_ASSERT_EQ(test, 0,
			skb_copy_bits(skb, p->l4off, b,
				      max_t(unsigned int, p->l4hlen, 8)));
	switch (p->tuple.protocol) {
	case IPPROTO_TCP:
		KUNIT_ASSERT_EQ_MSG(test, (b[12] >> 4) * 4, p->l4hlen,
				    "iteration %u", iter);
		KUNIT_ASSERT_GE(test, p->l4hlen, 20);
		KUNIT_ASSERT_EQ(test, b[13], p->tcp_flags);
		fallthrough;
	case IPPROTO_UDP:
		KUNIT_ASSERT_EQ(test, 0, memcmp(b, &p->tuple.sport, 2));
		KUNIT_ASSERT_EQ(test, 0, memcmp(b + 2, &p->tuple.dport, 2));
		if (p->tuple.protocol == IPPROTO_UDP)
			KUNIT_ASSERT_EQ_MSG(test, !(b[6] | b[7]),
					    !!(p->flags & FNAT_PKT_F_NO_CSUM),
					    "iteration %u", iter);
		break;
	case IPPROTO_ICMP:
		KUNIT_ASSERT_EQ(test, 8, p->l4hlen);
		KUNIT_ASSERT_EQ(test, b[0], p->icmp_type);
		KUNIT_ASSERT_EQ(test, b[1], p->icmp_code);
		if (!(p->flags & FNAT_PKT_F_ICMP_ERR))
			break;
		KUNIT_ASSERT_EQ(test, p->l4off + 8, p->inner_l3off);
		KUNIT_ASSERT_TRUE_MSG(test, p->inner_l4off >= p->inner_l3off + 20 &&
				      p->inner_l4off + 8 <= p->l4off + p->l4len,
				      "iteration %u", iter);
		KUNIT_ASSERT_EQ(test, 0,
				skb_copy_bits(skb, p->inner_l3off, ib, 20));
		KUNIT_ASSERT_EQ(test, inner->ihl * 4,
				p->inner_l4off - p->inner_l3off);
		KUNIT_ASSERT_EQ(test, inner->saddr, p->inner.saddr.ip);
		KUNIT_ASSERT_EQ(test, inner->daddr, p->inner.daddr.ip);
		KUNIT_ASSERT_EQ(test, inner->protocol, p->inner.protocol);
		if (inner->protocol == IPPROTO_ICMP)
			break;
		KUNIT_ASSERT_EQ(test, 0,
				skb_copy_bits(skb, p->inner_l4off, ib, 4));
		KUNIT_ASSERT_EQ(test, 0, memcmp(ib, &p->inner.sport, 2));
		KUNIT_ASSERT_EQ(test, 0, memcmp(ib + 2, &p->inner.dport, 2));
		break;
	default:
		KUNIT_FAIL(test, "iteration %u: protocol %u accepted", iter,
			   p->tuple.protocol);
	}
}

#define FUZZ_ROUNDS	20000

/*
 * Valid packets, truncated and bit-flipped at random (mostly in the first
 * window bytes, their headers, where the parser looks), in random skb
 * layouts. A read past the data would crash UML or trip KASAN; anything
 * else must be a known refusal or a description that matches the bytes.
 */
static void fuzz_run(struct kunit *test, struct fnat_pb_pkt *const *base,
		     unsigned int nbase, u32 seed, bool v6, unsigned int window,
		     unsigned int min_reasons)
{
	unsigned int i, n, bit, ok = 0, icmp_err = 0, reasons = 0;
	unsigned long seen = 0;
	struct fnat_pb_layout lo;
	struct fnat_pb_pkt *pkt;
	struct rnd_state rnd;
	struct sk_buff *skb;
	struct fnat_pkt p, q;
	int ret;

	pkt = kunit_kzalloc(test, sizeof(*pkt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pkt);

	prandom_seed_state(&rnd, seed);
	for (i = 0; i < FUZZ_ROUNDS; i++) {
		u32 r = prandom_u32_state(&rnd);

		*pkt = *base[r % nbase];
		r >>= 8;
		/* Flip 0 to 3 bits, in the first window bytes 7 times in 8. */
		for (n = r & 3; n; n--) {
			bit = prandom_u32_state(&rnd);
			bit %= ((bit >> 29) ? min(pkt->len, window) :
					      pkt->len) * 8;
			pkt->data[bit / 8] ^= BIT(bit % 8);
		}
		if (r & 4 || !(r & 3)) {
			pkt->len = prandom_u32_state(&rnd) % (pkt->len + 1);
			/*
			 * Half the time the header agrees, so the cut
			 * reaches the L4 checks instead of the IP ones.
			 */
			if (!v6 && pkt->len >= 4 && r & 32) {
				pkt->data[2] = pkt->len >> 8;
				pkt->data[3] = pkt->len;
			} else if (v6 && pkt->len >= 40 && r & 32) {
				pkt->data[4] = (pkt->len - 40) >> 8;
				pkt->data[5] = pkt->len - 40;
			}
		}

		memset(&lo, 0, sizeof(lo));
		lo.nhoff = r & 8 ? 14 : 0;
		if (r & 16) {
			lo.nonlinear = true;
			lo.linear_len = prandom_u32_state(&rnd) %
					(lo.nhoff + pkt->len + 1);
			lo.frag_len = frag_len_for(lo.nhoff + pkt->len -
						   lo.linear_len,
						   1 + (r >> 6) % 64);
		}
		skb = fnat_pb_skb(test, pkt, &lo);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		ret = fnat_pkt_parse(skb, lo.nhoff, &p);
		if (ret) {
			KUNIT_ASSERT_TRUE_MSG(test, ret < 0 &&
					      -ret < FNAT_DROP_REASON_MAX,
					      "iteration %u: %d", i, ret);
			seen |= BIT(-ret);
		} else {
			check_accepted(test, skb, lo.nhoff, &p, i);
			ok++;
			icmp_err += !!(p.flags & FNAT_PKT_F_ICMP_ERR);
		}
		fnat_pb_free(test, skb);
		if (!lo.nonlinear)
			continue;

		/* Where the bytes lie never changes the answer. */
		lo.nonlinear = false;
		skb = fnat_pb_skb(test, pkt, &lo);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		KUNIT_ASSERT_EQ_MSG(test, ret, fnat_pkt_parse(skb, lo.nhoff, &q),
				    "iteration %u", i);
		if (!ret)
			KUNIT_ASSERT_EQ_MSG(test, 0, memcmp(&p, &q, sizeof(q)),
					    "iteration %u", i);
		fnat_pb_free(test, skb);
	}
	/* A fuzzer that only ever hits one path tests nothing. */
	reasons = hweight_long(seen);
	kunit_info(test, "%u accepted (%u ICMP errors), %u reasons seen (%#lx)",
		   ok, icmp_err, reasons, seen);
	KUNIT_EXPECT_GT(test, ok, FUZZ_ROUNDS / 10);
	KUNIT_EXPECT_GT(test, icmp_err, FUZZ_ROUNDS / 100);
	KUNIT_EXPECT_GE(test, reasons, min_reasons);
}

#define FUZZ_BASES	9

/* The packets fnat_pkt_fuzz() starts from (its own frame stays small). */
static noinline_for_stack void fuzz_bases4(struct kunit *test,
					   struct fnat_pb_pkt **base)
{
	struct fnat_pb_spec tcp = fullnat_tcp(), syn = tcp_syn();
	struct fnat_pb_spec udp = udp_dns(), echo = icmp_echo(), frag, opts;
	struct fnat_pb_spec err = icmp_error(&tcp, ICMP_DEST_UNREACH,
					     ICMP_FRAG_NEEDED);
	struct fnat_pb_spec uerr = icmp_error(&udp, ICMP_DEST_UNREACH,
					      ICMP_PORT_UNREACH);
	struct fnat_pb_spec eerr = icmp_error(&echo, ICMP_TIME_EXCEEDED, 0);
	const struct fnat_pb_spec *specs[FUZZ_BASES] = {
		&syn, &tcp, &udp, &echo, &err, &uerr, &eerr, &frag, &opts,
	};
	unsigned int i;

	tcp.payload_len = 200;
	udp.mf = true;
	frag = udp_dns();
	frag.frag_off = 1480;
	opts = tcp_syn();
	opts.ip_opts = ip_opts;
	opts.ip_opts_len = sizeof(ip_opts);
	opts.tcp_opts = tcp_syn_opts;
	opts.tcp_opts_len = sizeof(tcp_syn_opts);
	err.inner_quote = 100;
	for (i = 0; i < FUZZ_BASES; i++) {
		base[i] = fnat_pb_build(test, specs[i]);
		KUNIT_ASSERT_NOT_NULL(test, base[i]);
	}
}

static void fnat_pkt_fuzz(struct kunit *test)
{
	struct fnat_pb_pkt *base[FUZZ_BASES];

	fuzz_bases4(test, base);
	fuzz_run(test, base, FUZZ_BASES, 0x666e6174, false, 64, 12);
}

static noinline_for_stack void fuzz_bases6(struct kunit *test,
					   struct fnat_pb_pkt **base)
{
	static const struct fnat_pb_exthdr hop_dst[] = { HOP8, DST8 };
	struct fnat_pb_spec tcp = fullnat_tcp6(), syn = tcp6_syn();
	struct fnat_pb_spec udp = udp6_dns(), echo = icmp6_echo(), frag, opts;
	struct fnat_pb_spec err = icmp6_error(&tcp, ICMPV6_PKT_TOOBIG, 0);
	struct fnat_pb_spec uerr = icmp6_error(&udp, ICMPV6_DEST_UNREACH,
					       ICMPV6_PORT_UNREACH);
	struct fnat_pb_spec eerr = icmp6_error(&echo, ICMPV6_TIME_EXCEED, 0);
	const struct fnat_pb_spec *specs[FUZZ_BASES] = {
		&syn, &tcp, &udp, &echo, &err, &uerr, &eerr, &frag, &opts,
	};
	unsigned int i;

	tcp.payload_len = 200;
	tcp.exthdrs = chain6;
	tcp.n_exthdrs = ARRAY_SIZE(chain6);
	tcp.frag6 = true;
	udp.mf = true;
	udp.frag_id = 0x12345678;
	frag = udp6_dns();
	frag.exthdrs = dst8;
	frag.n_exthdrs = 1;
	frag.frag_off = 1448;
	opts = tcp6_syn();
	opts.exthdrs = hop_dst;
	opts.n_exthdrs = ARRAY_SIZE(hop_dst);
	opts.tcp_opts = tcp_syn_opts;
	opts.tcp_opts_len = sizeof(tcp_syn_opts);
	err.inner_quote = 150;
	for (i = 0; i < FUZZ_BASES; i++) {
		base[i] = fnat_pb_build(test, specs[i]);
		KUNIT_ASSERT_NOT_NULL(test, base[i]);
	}
}

static void fnat_pkt6_fuzz(struct kunit *test)
{
	struct fnat_pb_pkt *base[FUZZ_BASES];

	fuzz_bases6(test, base);
	fuzz_run(test, base, FUZZ_BASES, 0x36666e74, true, 128, 12);
}

static struct kunit_case fnat_pkt_cases[] = {
	KUNIT_CASE(fnat_pkt_builder_reference),
	KUNIT_CASE(fnat_pkt_builder_checksums),
	KUNIT_CASE(fnat_pkt_builder_layout),
	KUNIT_CASE(fnat_pkt_builder_compare),
	KUNIT_CASE(fnat_pkt_tcp),
	KUNIT_CASE(fnat_pkt_tcp_options),
	KUNIT_CASE(fnat_pkt_udp),
	KUNIT_CASE(fnat_pkt_udp_zero_csum),
	KUNIT_CASE(fnat_pkt_icmp_echo),
	KUNIT_CASE(fnat_pkt_icmp_frag_needed),
	KUNIT_CASE(fnat_pkt_icmp_errors),
	KUNIT_CASE(fnat_pkt_first_fragment),
	KUNIT_CASE(fnat_pkt_non_first_fragment),
	KUNIT_CASE(fnat_pkt_ip_options),
	KUNIT_CASE(fnat_pkt_nhoff),
	KUNIT_CASE(fnat_pkt_trailing_bytes),
	KUNIT_CASE(fnat_pkt_big_tcp),
	KUNIT_CASE(fnat_pkt_nonlinear),
	KUNIT_CASE(fnat_pkt_refusals),
	KUNIT_CASE(fnat_pkt_reason_names),
	KUNIT_CASE(fnat_pkt_fuzz),
	KUNIT_CASE(fnat_pkt6_builder_reference),
	KUNIT_CASE(fnat_pkt6_builder_checksums),
	KUNIT_CASE(fnat_pkt6_builder_compare),
	KUNIT_CASE(fnat_pkt6_tcp),
	KUNIT_CASE(fnat_pkt6_udp),
	KUNIT_CASE(fnat_pkt6_icmp6_echo),
	KUNIT_CASE(fnat_pkt6_icmp6_not_ours),
	KUNIT_CASE(fnat_pkt6_exthdrs),
	KUNIT_CASE(fnat_pkt6_exthdrs_not_ours),
	KUNIT_CASE(fnat_pkt6_first_fragment),
	KUNIT_CASE(fnat_pkt6_non_first_fragment),
	KUNIT_CASE(fnat_pkt6_icmp6_errors),
	KUNIT_CASE(fnat_pkt6_nhoff),
	KUNIT_CASE(fnat_pkt6_big_tcp),
	KUNIT_CASE(fnat_pkt6_fuzz),
	{}
};

static struct kunit_suite fnat_pkt_suite = {
	.name = "fnat_pkt",
	.test_cases = fnat_pkt_cases,
};

kunit_test_suites(&fnat_pkt_suite);

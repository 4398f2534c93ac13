// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: IPIP and IPv6-in-IPv6 encapsulation for TUN as data-path
 * fixtures. The packet that arrives is built; the packet that should leave
 * is built independently as an IPIP (IPv6-in-IPv6) packet whose payload is
 * the arriving packet's bytes, with the outer TOS, TTL and DF (traffic
 * class, flow label and hop limit) copied from it. The outer IP ID is the
 * kernel's choice, so the expected packet takes the one it chose.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/tcp.h>
#include "../fnat_tunnel.h"
#include "fnat_pkt_builder.h"

#define CIP	0x0a000001	/* 10.0.0.1 client */
#define VIP	0x0a000064	/* 10.0.0.100 */
#define DIP	0xc0a80a01	/* 192.168.10.1 director */
#define RIP	0xc0a80a02	/* 192.168.10.2 real server */
#define CIP6	fnat_pb_ip6(0x20010db8, 0, 0, 1)
#define VIP6	fnat_pb_ip6(0x20010db8, 0, 0, 0x100)
#define DIP6	fnat_pb_ip6(0x20010db8, 1, 0, 1)	/* director */
#define RIP6	fnat_pb_ip6(0x20010db8, 1, 0, 2)	/* real server */

static const struct fnat_pb_layout layouts[] = {
	{ },
	{ .nonlinear = true, .linear_len = 24, .frag_len = 64 },
	{ .gso_size = 100 },
};

static struct fnat_pb_spec inner_spec(u8 proto, enum fnat_pb_csum csum,
				      bool df, u8 tos)
{
	struct fnat_pb_spec s = {
		.saddr = fnat_pb_ip4(CIP),
		.daddr = fnat_pb_ip4(VIP),
		.protocol = proto,
		.tos = tos,
		.ttl = 63,
		.id = htons(0x1234),
		.df = df,
		.sport = htons(40000),
		.dport = htons(80),
		.csum = csum,
		.tcp_flags = TCPHDR_ACK | TCPHDR_PSH,
		.seq = 0x01020304,
		.ack_seq = 0x0a0b0c0d,
		.payload_len = 300,
	};

	return s;
}

static void expect_encap(struct kunit *test, const struct fnat_pb_spec *in,
			 const struct fnat_pb_layout *lo)
{
	struct fnat_pb_pkt *inner = fnat_pb_build(test, in);
	struct fnat_pb_spec out = {
		.saddr = fnat_pb_ip4(DIP),
		.daddr = fnat_pb_ip4(RIP),
		.protocol = IPPROTO_IPIP,
		.tos = in->tos,
		.ttl = in->ttl,
		.df = in->df,
	};
	bool gso = lo->gso_size;
	struct sk_buff *got, *want;

	KUNIT_ASSERT_NOT_NULL(test, inner);
	got = fnat_pb_skb(test, inner, lo);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_EQ(test, 0, fnat_tunnel_ipip_push(&init_net, got,
						       htonl(DIP), htonl(RIP),
						       16));
	out.id = ip_hdr(got)->id;
	out.payload = inner->data;
	out.payload_len = inner->len;
	want = fnat_pb_new(test, &out, NULL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	FNAT_PB_EXPECT_SKB_EQ(test, got, want, 0);
	KUNIT_EXPECT_PTR_EQ(test, (void *)ip_hdr(got), (void *)got->data);
	KUNIT_EXPECT_GE(test, skb_headroom(got), 16U);
	KUNIT_EXPECT_EQ(test, IPPROTO_IPIP, (int)got->inner_ipproto);
	KUNIT_EXPECT_EQ(test, (int)sizeof(struct iphdr),
			skb_inner_network_offset(got));
	KUNIT_EXPECT_TRUE(test, got->ignore_df);
	/* Offloads survive: GSO as IPIP, a partial checksum still partial. */
	KUNIT_EXPECT_EQ(test, gso,
			!!(skb_shinfo(got)->gso_type & SKB_GSO_IPXIP4));
	if (inner->csum_partial) {
		KUNIT_EXPECT_EQ(test, CHECKSUM_PARTIAL, (int)got->ip_summed);
		KUNIT_EXPECT_TRUE(test, got->encapsulation);
	} else if (!gso) {
		KUNIT_EXPECT_FALSE(test, got->encapsulation);
	}
	fnat_pb_free(test, got);
	fnat_pb_free(test, want);
}

static void fnat_tunnel_ipip_fixtures(struct kunit *test)
{
	static const struct {
		u8			proto;
		enum fnat_pb_csum	csum;
		bool			df;
		u8			tos;
	} cases[] = {
		{ IPPROTO_TCP, FNAT_PB_CSUM_FULL, true, 0 },
		{ IPPROTO_TCP, FNAT_PB_CSUM_PARTIAL, true, 0x10 },
		{ IPPROTO_UDP, FNAT_PB_CSUM_FULL, false, 0xb8 },
		{ IPPROTO_UDP, FNAT_PB_CSUM_PARTIAL, true, 0 },
		{ IPPROTO_UDP, FNAT_PB_CSUM_NONE, false, 0 },
	};
	unsigned int c, l;

	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		struct fnat_pb_spec in = inner_spec(cases[c].proto,
						    cases[c].csum, cases[c].df,
						    cases[c].tos);

		for (l = 0; l < ARRAY_SIZE(layouts); l++) {
			/* The builder makes GSO packets of TCP only. */
			if (layouts[l].gso_size &&
			    (cases[c].proto != IPPROTO_TCP ||
			     cases[c].csum != FNAT_PB_CSUM_PARTIAL))
				continue;
			kunit_info(test, "case %u layout %u", c, l);
			expect_encap(test, &in, &layouts[l]);
		}
	}
}

static struct fnat_pb_spec inner6_spec(u8 proto, enum fnat_pb_csum csum,
				       u8 tclass, u32 flow, u8 hops)
{
	struct fnat_pb_spec s = {
		.af = AF_INET6,
		.saddr = CIP6,
		.daddr = VIP6,
		.protocol = proto,
		.tos = tclass,
		.flow_label = flow,
		.ttl = hops,
		.sport = htons(40000),
		.dport = htons(80),
		.csum = csum,
		.tcp_flags = TCPHDR_ACK | TCPHDR_PSH,
		.seq = 0x01020304,
		.ack_seq = 0x0a0b0c0d,
		.payload_len = 301,
	};

	return s;
}

static void expect_encap6(struct kunit *test, const struct fnat_pb_spec *in,
			  const struct fnat_pb_layout *lo)
{
	struct fnat_pb_pkt *inner = fnat_pb_build(test, in);
	struct fnat_pb_spec out = {
		.af = AF_INET6,
		.saddr = DIP6,
		.daddr = RIP6,
		.protocol = IPPROTO_IPV6,
		.tos = in->tos,
		.flow_label = in->flow_label,
		.ttl = in->ttl,
	};
	struct in6_addr dip6 = DIP6.in6, rip6 = RIP6.in6;
	unsigned int gso_size = lo->gso_size;
	struct sk_buff *got, *want;

	KUNIT_ASSERT_NOT_NULL(test, inner);
	got = fnat_pb_skb(test, inner, lo);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_EQ(test, 0,
			fnat_tunnel_ip6ip6_push(got, &dip6, &rip6, 16));
	out.payload = inner->data;
	out.payload_len = inner->len;
	want = fnat_pb_new(test, &out, NULL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	/* Outer header field by field, then the inner packet byte for byte. */
	FNAT_PB_EXPECT_SKB_EQ(test, got, want, 0);
	KUNIT_EXPECT_EQ(test, 6, (int)ipv6_hdr(got)->version);
	KUNIT_EXPECT_EQ(test, (u32)in->tos,
			(u32)ip6_tclass(ip6_flowinfo(ipv6_hdr(got))));
	KUNIT_EXPECT_EQ(test, in->flow_label,
			ntohl(ip6_flowlabel(ipv6_hdr(got))));
	KUNIT_EXPECT_EQ(test, inner->len,
			(unsigned int)ntohs(ipv6_hdr(got)->payload_len));
	KUNIT_EXPECT_EQ(test, IPPROTO_IPV6, (int)ipv6_hdr(got)->nexthdr);
	KUNIT_EXPECT_EQ(test, in->ttl ?: 64, (int)ipv6_hdr(got)->hop_limit);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ipv6_hdr(got)->saddr, &dip6));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ipv6_hdr(got)->daddr, &rip6));
	KUNIT_EXPECT_EQ(test, htons(ETH_P_IPV6), got->protocol);
	KUNIT_EXPECT_PTR_EQ(test, (void *)ipv6_hdr(got), (void *)got->data);
	KUNIT_EXPECT_GE(test, skb_headroom(got), 16U);
	KUNIT_EXPECT_EQ(test, IPPROTO_IPV6, (int)got->inner_ipproto);
	KUNIT_EXPECT_EQ(test, (int)sizeof(struct ipv6hdr),
			skb_inner_network_offset(got));
	KUNIT_EXPECT_EQ(test, (int)sizeof(struct ipv6hdr),
			skb_transport_offset(got));
	KUNIT_EXPECT_TRUE(test, got->ignore_df);
	/* The inner packet's own checksums, offload state included. */
	FNAT_PB_EXPECT_CSUM_OK(test, got, sizeof(struct ipv6hdr));
	KUNIT_EXPECT_EQ(test, !!gso_size,
			!!(skb_shinfo(got)->gso_type & SKB_GSO_IPXIP6));
	if (gso_size) {
		KUNIT_EXPECT_TRUE(test,
				  skb_shinfo(got)->gso_type & SKB_GSO_TCPV6);
		KUNIT_EXPECT_EQ(test, gso_size,
				(unsigned int)skb_shinfo(got)->gso_size);
	}
	if (inner->csum_partial) {
		KUNIT_EXPECT_EQ(test, CHECKSUM_PARTIAL, (int)got->ip_summed);
		KUNIT_EXPECT_TRUE(test, got->encapsulation);
	} else if (!gso_size) {
		KUNIT_EXPECT_FALSE(test, got->encapsulation);
	}
	fnat_pb_free(test, got);
	fnat_pb_free(test, want);
}

static void fnat_tunnel_ip6ip6_fixtures(struct kunit *test)
{
	static const struct fnat_pb_exthdr dst = {
		.type = NEXTHDR_DEST, .len = 16,
	};
	static const struct {
		u8			proto;
		enum fnat_pb_csum	csum;
		u8			tclass;
		u32			flow;
		u8			hops;
		bool			exthdr;
	} cases[] = {
		{ IPPROTO_TCP, FNAT_PB_CSUM_FULL, 0, 0, 64, false },
		{ IPPROTO_TCP, FNAT_PB_CSUM_PARTIAL, 0xb8, 0xabcde, 1, false },
		{ IPPROTO_TCP, FNAT_PB_CSUM_FULL, 0xff, 0xfffff, 255, true },
		{ IPPROTO_UDP, FNAT_PB_CSUM_FULL, 0x2a, 0x00001, 17, false },
		{ IPPROTO_UDP, FNAT_PB_CSUM_PARTIAL, 0x01, 0x80000, 200, true },
	};
	unsigned int c, l;

	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		struct fnat_pb_spec in = inner6_spec(cases[c].proto,
						     cases[c].csum,
						     cases[c].tclass,
						     cases[c].flow,
						     cases[c].hops);

		if (cases[c].exthdr) {
			in.exthdrs = &dst;
			in.n_exthdrs = 1;
		}
		for (l = 0; l < ARRAY_SIZE(layouts); l++) {
			if (layouts[l].gso_size &&
			    (cases[c].proto != IPPROTO_TCP ||
			     cases[c].csum != FNAT_PB_CSUM_PARTIAL))
				continue;
			kunit_info(test, "case %u layout %u", c, l);
			expect_encap6(test, &in, &layouts[l]);
		}
	}
}

/*
 * The outer payload length is the inner packet's length: 65535 bytes fit,
 * one more does not and leaves the packet as it was.
 */
static void fnat_tunnel_ip6ip6_too_big(struct kunit *test)
{
	struct fnat_pb_spec in = inner6_spec(IPPROTO_TCP, FNAT_PB_CSUM_FULL,
					     0, 0, 64);
	struct in6_addr dip6 = DIP6.in6, rip6 = RIP6.in6;
	unsigned int hlen = sizeof(struct ipv6hdr) + sizeof(struct tcphdr);
	u8 before[60], after[60];
	struct sk_buff *skb;

	in.payload_len = 0;
	skb = fnat_pb_new(test, &in, NULL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, 0, fnat_pb_pad(test, skb, 65536 - hlen));
	KUNIT_ASSERT_EQ(test, 0, skb_copy_bits(skb, 0, before,
					       sizeof(before)));
	KUNIT_EXPECT_EQ(test, -EMSGSIZE,
			fnat_tunnel_ip6ip6_push(skb, &dip6, &rip6, 16));
	KUNIT_EXPECT_EQ(test, 65536U, skb->len);
	KUNIT_EXPECT_PTR_EQ(test, (void *)skb_network_header(skb),
			    (void *)skb->data);
	KUNIT_EXPECT_FALSE(test, skb->encapsulation);
	KUNIT_ASSERT_EQ(test, 0, skb_copy_bits(skb, 0, after, sizeof(after)));
	KUNIT_EXPECT_EQ(test, 0, memcmp(before, after, sizeof(before)));
	fnat_pb_free(test, skb);

	skb = fnat_pb_new(test, &in, NULL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, 0, fnat_pb_pad(test, skb, 65535 - hlen));
	KUNIT_EXPECT_EQ(test, 0,
			fnat_tunnel_ip6ip6_push(skb, &dip6, &rip6, 16));
	KUNIT_EXPECT_EQ(test, 65535U + sizeof(struct ipv6hdr), skb->len);
	KUNIT_EXPECT_EQ(test, 0xffff, ntohs(ipv6_hdr(skb)->payload_len));
	fnat_pb_free(test, skb);
}

static struct kunit_case fnat_tunnel_cases[] = {
	KUNIT_CASE(fnat_tunnel_ipip_fixtures),
	KUNIT_CASE(fnat_tunnel_ip6ip6_fixtures),
	KUNIT_CASE(fnat_tunnel_ip6ip6_too_big),
	{}
};

static struct kunit_suite fnat_tunnel_suite = {
	.name = "fnat_tunnel",
	.test_cases = fnat_tunnel_cases,
};

kunit_test_suite(fnat_tunnel_suite);

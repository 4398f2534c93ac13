// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: IPIP encapsulation for TUN as data-path fixtures. The packet that
 * arrives is built; the packet that should leave is built independently as
 * an IPIP packet whose payload is the arriving packet's bytes, with the
 * outer TOS, TTL and DF copied from it. The outer IP ID is the kernel's
 * choice, so the expected packet takes the one it chose.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/skbuff.h>
#include <net/net_namespace.h>
#include <net/tcp.h>
#include "../fnat_tunnel.h"
#include "fnat_pkt_builder.h"

#define CIP	0x0a000001	/* 10.0.0.1 client */
#define VIP	0x0a000064	/* 10.0.0.100 */
#define DIP	0xc0a80a01	/* 192.168.10.1 director */
#define RIP	0xc0a80a02	/* 192.168.10.2 real server */

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

static struct kunit_case fnat_tunnel_cases[] = {
	KUNIT_CASE(fnat_tunnel_ipip_fixtures),
	{}
};

static struct kunit_suite fnat_tunnel_suite = {
	.name = "fnat_tunnel",
	.test_cases = fnat_tunnel_cases,
};

kunit_test_suite(fnat_tunnel_suite);

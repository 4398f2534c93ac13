// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: TOA insertion and the SYN-ACK MSS clamp as fixtures. The segment
 * that should leave is built independently, with the TOA option among its
 * options and its checksums from scratch.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/skbuff.h>
#include <net/tcp.h>
#include "../fnat_toa.h"
#include "fnat_pkt_builder.h"

#define CIP	0x0a000001
#define LIP	0xc0a80a01
#define RIP	0xc0a80a02

static const struct fnat_pb_layout layouts[] = {
	{ },
	{ .nonlinear = true, .linear_len = 20, .frag_len = 256 },
};

static const enum fnat_pb_csum csums[] = {
	FNAT_PB_CSUM_FULL, FNAT_PB_CSUM_PARTIAL,
};

static struct fnat_pb_spec seg(enum fnat_pb_csum csum, u8 flags,
			       const u8 *opts, unsigned int optlen,
			       unsigned int payload)
{
	struct fnat_pb_spec s = {
		.saddr = fnat_pb_ip4(LIP),
		.daddr = fnat_pb_ip4(RIP),
		.protocol = IPPROTO_TCP,
		.id = htons(7),
		.df = true,
		.sport = htons(5000),
		.dport = htons(80),
		.csum = csum,
		.tcp_flags = flags,
		.seq = 100,
		.ack_seq = flags & TCPHDR_ACK ? 200 : 0,
		.tcp_opts = opts,
		.tcp_opts_len = optlen,
		.payload_len = payload,
	};

	return s;
}

/* TOA for 10.0.0.1:40000. */
static const u8 toa[] = {
	FNAT_TOA_KIND, FNAT_TOA_LEN, 0x9c, 0x40, 10, 0, 0, 1,
};

static void expect_toa(struct kunit *test, const struct fnat_pb_spec *in,
		       const struct fnat_pb_spec *out, unsigned int mtu,
		       int want_err)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(layouts); i++) {
		struct sk_buff *got = fnat_pb_new(test, in, &layouts[i]);
		struct sk_buff *want = fnat_pb_new(test, out, &layouts[i]);
		struct fnat_pkt p;

		KUNIT_ASSERT_NOT_NULL(test, got);
		KUNIT_ASSERT_NOT_NULL(test, want);
		KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, 0, &p));
		KUNIT_EXPECT_EQ_MSG(test, want_err,
				    fnat_toa_insert(got, &p, htonl(CIP),
						    htons(40000), mtu),
				    "layout %u", i);
		FNAT_PB_EXPECT_SKB_EQ(test, got, want, 0);
		KUNIT_EXPECT_PTR_EQ(test, (void *)ip_hdr(got),
				    (void *)got->data);
		KUNIT_EXPECT_EQ(test, (int)got->ip_summed,
				(int)want->ip_summed);
		if (got->ip_summed == CHECKSUM_PARTIAL)
			KUNIT_EXPECT_EQ(test, got->csum_start, want->csum_start -
					skb_headroom(want) + skb_headroom(got));
		fnat_pb_free(test, got);
		fnat_pb_free(test, want);
	}
}

/* A Linux SYN, and an ACK with data: TOA goes after the options. */
static void fnat_toa_inserted(struct kunit *test)
{
	static const u8 syn[] = {
		TCPOPT_MSS, 4, 0x05, 0xb4, TCPOPT_SACK_PERM, 2,
		TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP,
		TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP,
		TCPOPT_NOP, TCPOPT_WINDOW, 3, 7,
	};
	static const u8 syn_toa[] = {
		TCPOPT_MSS, 4, 0x05, 0xb4, TCPOPT_SACK_PERM, 2,
		TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP,
		TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP,
		TCPOPT_NOP, TCPOPT_WINDOW, 3, 7,
		FNAT_TOA_KIND, FNAT_TOA_LEN, 0x9c, 0x40, 10, 0, 0, 1,
	};
	unsigned int c;

	for (c = 0; c < ARRAY_SIZE(csums); c++) {
		struct fnat_pb_spec in = seg(csums[c], TCPHDR_SYN, syn,
					     sizeof(syn), 0);
		struct fnat_pb_spec out = seg(csums[c], TCPHDR_SYN, syn_toa,
					      sizeof(syn_toa), 0);

		expect_toa(test, &in, &out, 1500, 0);
		in = seg(csums[c], TCPHDR_ACK, NULL, 0, 100);
		out = seg(csums[c], TCPHDR_ACK, toa, sizeof(toa), 100);
		expect_toa(test, &in, &out, 1500, 0);
	}
}

/*
 * A GSO first ACK carrying the request gets the option too, its segment
 * size kept (the clamped MSS left the room).
 */
static void fnat_toa_gso(struct kunit *test)
{
	static const struct fnat_pb_layout gso = { .gso_size = 1000 };
	struct fnat_pb_spec in = seg(FNAT_PB_CSUM_PARTIAL, TCPHDR_ACK, NULL, 0,
				     3000);
	struct fnat_pb_spec out = seg(FNAT_PB_CSUM_PARTIAL, TCPHDR_ACK, toa,
				      sizeof(toa), 3000);
	struct sk_buff *got = fnat_pb_new(test, &in, &gso);
	struct sk_buff *want = fnat_pb_new(test, &out, &gso);
	struct fnat_pkt p;

	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, 0, &p));
	KUNIT_EXPECT_EQ(test, 0, fnat_toa_insert(got, &p, htonl(CIP),
						 htons(40000), 1500));
	FNAT_PB_EXPECT_SKB_EQ(test, got, want, 0);
	KUNIT_EXPECT_EQ(test, 1000, skb_shinfo(got)->gso_size);
	/* Segments of 1000 + 40 + 8 bytes do not fit an MTU of 1040. */
	fnat_pb_free(test, got);
	got = fnat_pb_new(test, &in, &gso);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, 0, &p));
	KUNIT_EXPECT_EQ(test, -ENOSPC, fnat_toa_insert(got, &p, htonl(CIP),
						       htons(40000), 1040));
	fnat_pb_free(test, got);
	fnat_pb_free(test, want);
}

/* No option space, or no room under the MTU: the segment goes as it is. */
static void fnat_toa_no_room(struct kunit *test)
{
	static const u8 full[36] = {
		TCPOPT_MSS, 4, 0x05, 0xb4,
		[4 ... 35] = TCPOPT_NOP,
	};
	unsigned int c;

	for (c = 0; c < ARRAY_SIZE(csums); c++) {
		struct fnat_pb_spec in = seg(csums[c], TCPHDR_SYN, full,
					     sizeof(full), 0);
		struct fnat_pb_spec out;

		expect_toa(test, &in, &in, 1500, -ENOSPC);
		in = seg(csums[c], TCPHDR_ACK, NULL, 0, 1460);
		expect_toa(test, &in, &in, 1500, -ENOSPC);
		/* Exactly fits: 1460 + 40 + 8 is too much, 1452 is not. */
		in.payload_len = 1452;
		out = seg(csums[c], TCPHDR_ACK, toa, sizeof(toa), 1452);
		expect_toa(test, &in, &out, 1500, 0);
	}
}

/* A SYN-ACK's MSS drops by the room asked; other options stay. */
static void fnat_toa_mss_clamp(struct kunit *test)
{
	static const u8 synack[] = {
		TCPOPT_MSS, 4, 0x05, 0xb4, TCPOPT_NOP, TCPOPT_NOP,
		TCPOPT_SACK_PERM, 2,
	};
	static const u8 clamped[] = {
		TCPOPT_MSS, 4, 0x05, 0xac, TCPOPT_NOP, TCPOPT_NOP,
		TCPOPT_SACK_PERM, 2,
	};
	unsigned int c, i;

	for (c = 0; c < ARRAY_SIZE(csums); c++) {
		struct fnat_pb_spec in = seg(csums[c],
					     TCPHDR_SYN | TCPHDR_ACK, synack,
					     sizeof(synack), 0);
		struct fnat_pb_spec out = seg(csums[c],
					      TCPHDR_SYN | TCPHDR_ACK, clamped,
					      sizeof(clamped), 0);

		for (i = 0; i < ARRAY_SIZE(layouts); i++) {
			struct sk_buff *got = fnat_pb_new(test, &in,
							  &layouts[i]);
			struct sk_buff *want = fnat_pb_new(test, &out,
							   &layouts[i]);
			struct fnat_pkt p;

			KUNIT_ASSERT_NOT_NULL(test, got);
			KUNIT_ASSERT_NOT_NULL(test, want);
			KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, 0, &p));
			KUNIT_EXPECT_EQ(test, 0,
					fnat_tcp_clamp_mss(got, &p,
							   FNAT_TOA_LEN));
			FNAT_PB_EXPECT_SKB_EQ(test, got, want, 0);
			fnat_pb_free(test, got);
			fnat_pb_free(test, want);
		}
	}
}

static struct kunit_case fnat_toa_cases[] = {
	KUNIT_CASE(fnat_toa_inserted),
	KUNIT_CASE(fnat_toa_no_room),
	KUNIT_CASE(fnat_toa_gso),
	KUNIT_CASE(fnat_toa_mss_clamp),
	{}
};

static struct kunit_suite fnat_toa_suite = {
	.name = "fnat_toa",
	.test_cases = fnat_toa_cases,
};

kunit_test_suite(fnat_toa_suite);

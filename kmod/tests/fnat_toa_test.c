// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: TOA insertion and the SYN-ACK MSS clamp as fixtures. The segment
 * that should leave is built independently, with the TOA option among its
 * options and its checksums from scratch; the checksums are summed once
 * more byte by byte, apart from the kernel's helpers.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include "../fnat_toa.h"
#include "fnat_pkt_builder.h"

#define CIP	0x0a000001
#define LIP	0xc0a80a01
#define RIP	0xc0a80a02
/* 2001:db8::1 the client; 2001:db8:1::1 local, 2001:db8:1::2 real server */
#define CIP6	fnat_pb_ip6(0x20010db8, 0, 0, 1)
#define LIP6	fnat_pb_ip6(0x20010db8, 1, 0, 1)
#define RIP6	fnat_pb_ip6(0x20010db8, 1, 0, 2)

static const struct fnat_pb_layout layouts[] = {
	{ },
	{ .nonlinear = true, .linear_len = 20, .frag_len = 256 },
};

static const enum fnat_pb_csum csums[] = {
	FNAT_PB_CSUM_FULL, FNAT_PB_CSUM_PARTIAL, FNAT_PB_CSUM_COMPLETE,
};

/* What an skb summed by its NIC leaves as once its bytes change. */
static enum fnat_pb_csum csum_out(enum fnat_pb_csum csum)
{
	return csum == FNAT_PB_CSUM_COMPLETE ? FNAT_PB_CSUM_FULL : csum;
}

/* A segment from the local address to the real server, in family af. */
static struct fnat_pb_spec seg_af(u16 af, enum fnat_pb_csum csum, u8 flags,
				  const u8 *opts, unsigned int optlen,
				  unsigned int payload)
{
	struct fnat_pb_spec s = {
		.af = af,
		.saddr = af == AF_INET6 ? LIP6 : fnat_pb_ip4(LIP),
		.daddr = af == AF_INET6 ? RIP6 : fnat_pb_ip4(RIP),
		.protocol = IPPROTO_TCP,
		.id = af == AF_INET6 ? 0 : htons(7),
		.df = af != AF_INET6,
		.flow_label = af == AF_INET6 ? 0x12345 : 0,
		.tos = 0x28,
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

static struct fnat_pb_spec seg(enum fnat_pb_csum csum, u8 flags,
			       const u8 *opts, unsigned int optlen,
			       unsigned int payload)
{
	return seg_af(AF_INET, csum, flags, opts, optlen, payload);
}

/* The client, 10.0.0.1:40000 or [2001:db8::1]:40000. */
static struct fnat_tuple client(u16 af)
{
	struct fnat_tuple t = {
		.af = af,
		.protocol = IPPROTO_TCP,
		.saddr = af == AF_INET6 ? CIP6 : fnat_pb_ip4(CIP),
		.daddr = af == AF_INET6 ? fnat_pb_ip6(0x20010db8, 0, 0, 0x100) :
					  fnat_pb_ip4(0x0a000064),
		.sport = htons(40000),
		.dport = htons(80),
	};

	return t;
}

/* TOA for 10.0.0.1:40000. */
static const u8 toa[] = {
	FNAT_TOA_KIND, FNAT_TOA_LEN, 0x9c, 0x40, 10, 0, 0, 1,
};

/* TOA for [2001:db8::1]:40000. */
static const u8 toa6[] = {
	FNAT_TOA6_KIND, FNAT_TOA6_LEN, 0x9c, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
};

/* A Linux SYN's options, timestamps included: 20 bytes. */
static const u8 syn_ts[] = {
	TCPOPT_MSS, 4, 0x05, 0xa0, TCPOPT_SACK_PERM, 2,
	TCPOPT_TIMESTAMP, 10, 0, 0, 0, 1, 0, 0, 0, 0,
	TCPOPT_NOP, TCPOPT_WINDOW, 3, 7,
};

static void expect_toa(struct kunit *test, const struct fnat_pb_spec *in,
		       const struct fnat_pb_spec *out,
		       const struct fnat_tuple *c, unsigned int mtu,
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
				    fnat_toa_insert(got, &p, c, mtu),
				    "layout %u", i);
		FNAT_PB_EXPECT_SKB_EQ(test, got, want, 0);
		KUNIT_EXPECT_PTR_EQ(test, (void *)skb_network_header(got),
				    (void *)got->data);
		KUNIT_EXPECT_EQ(test, skb_transport_offset(got),
				skb_transport_offset(want));
		KUNIT_EXPECT_EQ(test, (int)got->ip_summed,
				(int)want->ip_summed);
		if (got->ip_summed == CHECKSUM_PARTIAL)
			KUNIT_EXPECT_EQ(test, skb_checksum_start_offset(got),
					skb_checksum_start_offset(want));
		/* A refusal leaves the NIC's sum standing. */
		if (got->ip_summed == CHECKSUM_COMPLETE)
			KUNIT_EXPECT_EQ(test, (u32)got->csum, (u32)want->csum);
		if (in->af == AF_INET6)
			KUNIT_EXPECT_EQ(test,
					ntohs(ipv6_hdr(got)->payload_len),
					ntohs(ipv6_hdr(want)->payload_len));
		FNAT_PB_EXPECT_CSUM_OK(test, got, 0);
		fnat_pb_free(test, got);
		fnat_pb_free(test, want);
	}
}

/* Options opts then the option toa, for an expected segment. */
static unsigned int with_toa(u8 *buf, const u8 *opts, unsigned int optlen,
			     const u8 *t, unsigned int tlen)
{
	memcpy(buf, opts, optlen);
	memcpy(buf + optlen, t, tlen);
	return optlen + tlen;
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
	struct fnat_tuple c = client(AF_INET);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(csums); i++) {
		enum fnat_pb_csum o = csum_out(csums[i]);
		struct fnat_pb_spec in = seg(csums[i], TCPHDR_SYN, syn,
					     sizeof(syn), 0);
		struct fnat_pb_spec out = seg(o, TCPHDR_SYN, syn_toa,
					      sizeof(syn_toa), 0);

		kunit_info(test, "csum %d", csums[i]);
		expect_toa(test, &in, &out, &c, 1500, 0);
		in = seg(csums[i], TCPHDR_ACK, NULL, 0, 100);
		out = seg(o, TCPHDR_ACK, toa, sizeof(toa), 100);
		expect_toa(test, &in, &out, &c, 1500, 0);
		/* An odd payload: the option must not shift its words. */
		in = seg(csums[i], TCPHDR_ACK | TCPHDR_PSH, NULL, 0, 333);
		out = seg(o, TCPHDR_ACK | TCPHDR_PSH, toa, sizeof(toa), 333);
		expect_toa(test, &in, &out, &c, 1500, 0);
	}
}

/*
 * An IPv6 client's SYN to an IPv6 real server: kind 253 after a Linux
 * SYN's 20 bytes of options fills the 40 there are, and the payload
 * length grows by 20.
 */
static void fnat_toa6_syn(struct kunit *test)
{
	static const u8 syn_toa6[] = {
		TCPOPT_MSS, 4, 0x05, 0xa0, TCPOPT_SACK_PERM, 2,
		TCPOPT_TIMESTAMP, 10, 0, 0, 0, 1, 0, 0, 0, 0,
		TCPOPT_NOP, TCPOPT_WINDOW, 3, 7,
		253, 20, 0x9c, 0x40, 0x20, 0x01, 0x0d, 0xb8,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	};
	struct fnat_tuple c = client(AF_INET6);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(csums); i++) {
		enum fnat_pb_csum o = csum_out(csums[i]);
		struct fnat_pb_spec in = seg_af(AF_INET6, csums[i], TCPHDR_SYN,
						syn_ts, sizeof(syn_ts), 0);
		struct fnat_pb_spec out = seg_af(AF_INET6, o, TCPHDR_SYN,
						 syn_toa6, sizeof(syn_toa6), 0);

		kunit_info(test, "csum %d", csums[i]);
		expect_toa(test, &in, &out, &c, 1500, 0);
		/* And a first ACK with the request, no options before. */
		in = seg_af(AF_INET6, csums[i], TCPHDR_ACK, NULL, 0, 201);
		out = seg_af(AF_INET6, o, TCPHDR_ACK, toa6, sizeof(toa6), 201);
		expect_toa(test, &in, &out, &c, 1500, 0);
	}
}

/*
 * FULLNAT 6->4: an IPv6 client's segment leaves as IPv4 and carries kind
 * 253, its client's family's, not 254.
 */
static void fnat_toa6_in_ipv4(struct kunit *test)
{
	struct fnat_tuple c = client(AF_INET6);
	u8 opts[40];
	unsigned int i, n;

	for (i = 0; i < ARRAY_SIZE(csums); i++) {
		enum fnat_pb_csum o = csum_out(csums[i]);
		struct fnat_pb_spec in = seg(csums[i], TCPHDR_SYN, syn_ts,
					     sizeof(syn_ts), 0);
		struct fnat_pb_spec out;

		kunit_info(test, "csum %d", csums[i]);
		n = with_toa(opts, syn_ts, sizeof(syn_ts), toa6, sizeof(toa6));
		out = seg(o, TCPHDR_SYN, opts, n, 0);
		expect_toa(test, &in, &out, &c, 1500, 0);
		in = seg(csums[i], TCPHDR_ACK, NULL, 0, 99);
		out = seg(o, TCPHDR_ACK, toa6, sizeof(toa6), 99);
		expect_toa(test, &in, &out, &c, 1500, 0);
	}
}

/*
 * The other way round, an IPv4 client's kind 254 in an IPv6 packet, and
 * an IPv6 packet with extension headers, which move up with the rest.
 */
static void fnat_toa_ipv6_packets(struct kunit *test)
{
	static const struct fnat_pb_exthdr dst[] = {
		{ .type = NEXTHDR_HOP },
		{ .type = NEXTHDR_DEST, .len = 16 },
	};
	struct fnat_tuple c4 = client(AF_INET), c6 = client(AF_INET6);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(csums); i++) {
		enum fnat_pb_csum o = csum_out(csums[i]);
		struct fnat_pb_spec in = seg_af(AF_INET6, csums[i], TCPHDR_ACK,
						NULL, 0, 50);
		struct fnat_pb_spec out = seg_af(AF_INET6, o, TCPHDR_ACK, toa,
						 sizeof(toa), 50);

		kunit_info(test, "csum %d", csums[i]);
		expect_toa(test, &in, &out, &c4, 1500, 0);
		in.exthdrs = dst;
		in.n_exthdrs = ARRAY_SIZE(dst);
		out = seg_af(AF_INET6, o, TCPHDR_ACK, toa6, sizeof(toa6), 50);
		out.exthdrs = dst;
		out.n_exthdrs = ARRAY_SIZE(dst);
		expect_toa(test, &in, &out, &c6, 1500, 0);
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
	struct fnat_tuple c = client(AF_INET);
	struct sk_buff *got = fnat_pb_new(test, &in, &gso);
	struct sk_buff *want = fnat_pb_new(test, &out, &gso);
	struct fnat_pkt p;

	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, 0, &p));
	KUNIT_EXPECT_EQ(test, 0, fnat_toa_insert(got, &p, &c, 1500));
	FNAT_PB_EXPECT_SKB_EQ(test, got, want, 0);
	FNAT_PB_EXPECT_CSUM_OK(test, got, 0);
	KUNIT_EXPECT_EQ(test, 1000, skb_shinfo(got)->gso_size);
	/* Segments of 1000 + 40 + 8 bytes do not fit an MTU of 1047. */
	fnat_pb_free(test, got);
	got = fnat_pb_new(test, &in, &gso);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, 0, &p));
	KUNIT_EXPECT_EQ(test, -ENOSPC, fnat_toa_insert(got, &p, &c, 1047));
	fnat_pb_free(test, got);
	fnat_pb_free(test, want);
}

/* The same with an IPv6 client's 20 bytes, in IPv6: 1080-byte segments. */
static void fnat_toa6_gso(struct kunit *test)
{
	static const struct fnat_pb_layout gso = { .gso_size = 1000 };
	struct fnat_pb_spec in = seg_af(AF_INET6, FNAT_PB_CSUM_PARTIAL,
					TCPHDR_ACK, NULL, 0, 2500);
	struct fnat_pb_spec out = seg_af(AF_INET6, FNAT_PB_CSUM_PARTIAL,
					 TCPHDR_ACK, toa6, sizeof(toa6), 2500);
	struct fnat_tuple c = client(AF_INET6);
	struct sk_buff *got, *want;
	struct fnat_pkt p;

	got = fnat_pb_new(test, &in, &gso);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, 0, &p));
	KUNIT_EXPECT_EQ(test, -ENOSPC, fnat_toa_insert(got, &p, &c, 1079));
	FNAT_PB_EXPECT_SKB_EQ(test, got, fnat_pb_new(test, &in, &gso), 0);
	fnat_pb_free(test, got);

	got = fnat_pb_new(test, &in, &gso);
	want = fnat_pb_new(test, &out, &gso);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, 0, &p));
	KUNIT_EXPECT_EQ(test, 0, fnat_toa_insert(got, &p, &c, 1080));
	FNAT_PB_EXPECT_SKB_EQ(test, got, want, 0);
	FNAT_PB_EXPECT_CSUM_OK(test, got, 0);
	KUNIT_EXPECT_EQ(test, 1000, skb_shinfo(got)->gso_size);
	KUNIT_EXPECT_EQ(test, SKB_GSO_TCPV6, skb_shinfo(got)->gso_type);
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
	static const u8 full40[40] = {
		TCPOPT_MSS, 4, 0x05, 0xb4,
		[4 ... 39] = TCPOPT_NOP,
	};
	struct fnat_tuple c4 = client(AF_INET), c6 = client(AF_INET6);
	static const u16 afs[] = { AF_INET, AF_INET6 };
	unsigned int i, a;
	u8 opts[40];

	for (i = 0; i < ARRAY_SIZE(csums); i++) {
		enum fnat_pb_csum o = csum_out(csums[i]);
		struct fnat_pb_spec in = seg(csums[i], TCPHDR_SYN, full,
					     sizeof(full), 0);
		struct fnat_pb_spec out;

		kunit_info(test, "csum %d", csums[i]);
		expect_toa(test, &in, &in, &c4, 1500, -ENOSPC);
		in = seg(csums[i], TCPHDR_ACK, NULL, 0, 1460);
		expect_toa(test, &in, &in, &c4, 1500, -ENOSPC);
		/* Exactly fits: 1460 + 40 + 8 is too much, 1452 is not. */
		in.payload_len = 1452;
		out = seg(o, TCPHDR_ACK, toa, sizeof(toa), 1452);
		expect_toa(test, &in, &out, &c4, 1500, 0);

		for (a = 0; a < ARRAY_SIZE(afs); a++) {
			/* 40 bytes of options already: neither kind fits. */
			in = seg_af(afs[a], csums[i], TCPHDR_SYN, full40,
				    sizeof(full40), 0);
			expect_toa(test, &in, &in, &c4, 1500, -ENOSPC);
			expect_toa(test, &in, &in, &c6, 1500, -ENOSPC);
			/* 24: room for 8 bytes, not for 20. */
			in = seg_af(afs[a], csums[i], TCPHDR_SYN, full40, 24,
				    0);
			expect_toa(test, &in, &in, &c6, 1500, -ENOSPC);
			out = seg_af(afs[a], o, TCPHDR_SYN, opts,
				     with_toa(opts, full40, 24, toa,
					      sizeof(toa)), 0);
			expect_toa(test, &in, &out, &c4, 1500, 0);
		}

		/* IPv6, 20 more bytes: 1420 of payload fit 1500, 1421 not. */
		in = seg_af(AF_INET6, csums[i], TCPHDR_ACK, NULL, 0, 1421);
		expect_toa(test, &in, &in, &c6, 1500, -ENOSPC);
		in.payload_len = 1420;
		out = seg_af(AF_INET6, o, TCPHDR_ACK, toa6, sizeof(toa6),
			     1420);
		expect_toa(test, &in, &out, &c6, 1500, 0);
		/* And in IPv4 (6->4), 20 bytes of header less. */
		in = seg(csums[i], TCPHDR_ACK, NULL, 0, 1441);
		expect_toa(test, &in, &in, &c6, 1500, -ENOSPC);
		in.payload_len = 1440;
		out = seg(o, TCPHDR_ACK, toa6, sizeof(toa6), 1440);
		expect_toa(test, &in, &out, &c6, 1500, 0);
	}
}

/*
 * BIG TCP over IPv6 (payload length 0, a jumbo option saying how long)
 * goes without: its length lives elsewhere than where TOA adds to it.
 */
static void fnat_toa6_jumbo(struct kunit *test)
{
	static const unsigned int pad = 65536;
	static const struct fnat_pb_layout gso = { .gso_size = 1000 };
	u8 jumbo[6] = { IPV6_TLV_JUMBO, 4 };
	struct fnat_pb_exthdr hop = {
		.type = NEXTHDR_HOP, .data = jumbo, .data_len = sizeof(jumbo),
	};
	struct fnat_pb_spec in = seg_af(AF_INET6, FNAT_PB_CSUM_PARTIAL,
					TCPHDR_ACK, NULL, 0, 0);
	u32 jlen = 8 + sizeof(struct tcphdr) + pad;
	struct fnat_tuple c = client(AF_INET6);
	u8 head[80], after[80];
	struct sk_buff *got;
	struct fnat_pkt p;

	jumbo[2] = jlen >> 24;
	jumbo[3] = jlen >> 16;
	jumbo[4] = jlen >> 8;
	jumbo[5] = jlen;
	in.exthdrs = &hop;
	in.n_exthdrs = 1;
	in.set = FNAT_PB_SET_TOT_LEN;
	in.set_tot_len = 0;
	got = fnat_pb_new(test, &in, &gso);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_EQ(test, 0, fnat_pb_pad(test, got, pad));
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, 0, &p));
	KUNIT_ASSERT_TRUE(test, p.flags & FNAT_PKT_F_BIG_TCP);
	KUNIT_ASSERT_EQ(test, 0, skb_copy_bits(got, 0, head, sizeof(head)));
	KUNIT_EXPECT_EQ(test, -ENOSPC, fnat_toa_insert(got, &p, &c, 65535));
	KUNIT_EXPECT_EQ(test, 48 + 20 + pad, got->len);
	KUNIT_ASSERT_EQ(test, 0, skb_copy_bits(got, 0, after, sizeof(after)));
	KUNIT_EXPECT_EQ(test, 0, memcmp(after, head, sizeof(head)));
}

static void fnat_toa_lengths(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 8U, fnat_toa_len(AF_INET));
	KUNIT_EXPECT_EQ(test, 20U, fnat_toa_len(AF_INET6));
	KUNIT_EXPECT_EQ(test, sizeof(toa), (size_t)FNAT_TOA_LEN);
	KUNIT_EXPECT_EQ(test, sizeof(toa6), (size_t)FNAT_TOA6_LEN);
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
	static const enum fnat_pb_csum clamp_csums[] = {
		FNAT_PB_CSUM_FULL, FNAT_PB_CSUM_PARTIAL,
	};
	unsigned int c, i;

	for (c = 0; c < ARRAY_SIZE(clamp_csums); c++) {
		struct fnat_pb_spec in = seg(clamp_csums[c],
					     TCPHDR_SYN | TCPHDR_ACK, synack,
					     sizeof(synack), 0);
		struct fnat_pb_spec out = seg(clamp_csums[c],
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
	KUNIT_CASE(fnat_toa6_syn),
	KUNIT_CASE(fnat_toa6_in_ipv4),
	KUNIT_CASE(fnat_toa_ipv6_packets),
	KUNIT_CASE(fnat_toa_no_room),
	KUNIT_CASE(fnat_toa_gso),
	KUNIT_CASE(fnat_toa6_gso),
	KUNIT_CASE(fnat_toa6_jumbo),
	KUNIT_CASE(fnat_toa_lengths),
	KUNIT_CASE(fnat_toa_mss_clamp),
	{}
};

static struct kunit_suite fnat_toa_suite = {
	.name = "fnat_toa",
	.test_cases = fnat_toa_cases,
};

kunit_test_suite(fnat_toa_suite);

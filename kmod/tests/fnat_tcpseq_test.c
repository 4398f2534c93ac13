// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: FULLNAT's TCP changes as fixtures. The arriving segment and the
 * one that should leave are built independently (checksums from scratch);
 * the incremental edits must produce exactly the latter, with full and
 * partial checksums and in linear and paged skbs.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/in.h>
#include <linux/skbuff.h>
#include <net/tcp.h>
#include "../fnat_tcpseq.h"
#include "fnat_pkt_builder.h"

#define LIP	0xc0a80a01
#define RIP	0xc0a80a02
#define DELTA	0x9abcdef0u

static const struct fnat_pb_layout layouts[] = {
	{ },
	{ .nonlinear = true, .linear_len = 40, .frag_len = 64 },
};

static struct fnat_pb_spec seg(enum fnat_pb_csum csum, u8 flags, u32 seq,
			       u32 ack, const u8 *opts, unsigned int optlen)
{
	struct fnat_pb_spec s = {
		.saddr = fnat_pb_ip4(LIP),
		.daddr = fnat_pb_ip4(RIP),
		.protocol = IPPROTO_TCP,
		.sport = htons(5000),
		.dport = htons(80),
		.csum = csum,
		.tcp_flags = flags,
		.seq = seq,
		.ack_seq = ack,
		.tcp_opts = opts,
		.tcp_opts_len = optlen,
		.payload_len = flags & TCPHDR_SYN ? 0 : 200,
	};

	return s;
}

enum edit { SEQ_OUT, SEQ_IN, STRIP_TS, ADJUST };

/* What ADJUST applies. */
static struct fnat_tcp_adj adjust;

static void expect_edit(struct kunit *test, const struct fnat_pb_spec *in,
			const struct fnat_pb_spec *out, enum edit edit)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(layouts); i++) {
		struct sk_buff *got = fnat_pb_new(test, in, &layouts[i]);
		struct sk_buff *want = fnat_pb_new(test, out, &layouts[i]);
		struct fnat_pkt p;
		int err;

		KUNIT_ASSERT_NOT_NULL(test, got);
		KUNIT_ASSERT_NOT_NULL(test, want);
		KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, 0, &p));
		if (edit == SEQ_OUT)
			err = fnat_tcp_seq_out(got, &p, DELTA);
		else if (edit == SEQ_IN)
			err = fnat_tcp_seq_in(got, &p, DELTA);
		else if (edit == ADJUST)
			err = fnat_tcp_adjust(got, &p, &adjust);
		else
			err = fnat_tcp_strip_timestamps(got, &p);
		KUNIT_ASSERT_EQ_MSG(test, 0, err, "layout %u", i);
		FNAT_PB_EXPECT_SKB_EQ(test, got, want, 0);
		fnat_pb_free(test, got);
		fnat_pb_free(test, want);
	}
}

static const enum fnat_pb_csum csums[] = {
	FNAT_PB_CSUM_FULL, FNAT_PB_CSUM_PARTIAL,
};

/* Client to server: only the sequence number moves, wrapping included. */
static void fnat_tcpseq_out(struct kunit *test)
{
	unsigned int c;

	for (c = 0; c < ARRAY_SIZE(csums); c++) {
		struct fnat_pb_spec in = seg(csums[c], TCPHDR_ACK, 0x7fffffff,
					     0x1000, NULL, 0);
		struct fnat_pb_spec out = in;

		out.seq = 0x7fffffff + DELTA;
		expect_edit(test, &in, &out, SEQ_OUT);
	}
}

static void put32(u8 *p, u32 v)
{
	__be32 b = htonl(v);

	memcpy(p, &b, 4);
}

/*
 * Server to client: the acknowledgment number and every SACK edge move
 * back, also for a SACK option at an odd offset (senders align it; the
 * checksum arithmetic must not depend on that).
 */
static void fnat_tcpseq_in(struct kunit *test)
{
	u8 opts_in[2 + 2 + 16], opts_out[sizeof(opts_in)];
	u8 odd_in[3 + 10 + 3], odd_out[sizeof(odd_in)];
	unsigned int c;

	/* NOP NOP SACK(18): two blocks. */
	opts_in[0] = TCPOPT_NOP;
	opts_in[1] = TCPOPT_NOP;
	opts_in[2] = TCPOPT_SACK;
	opts_in[3] = 18;
	put32(opts_in + 4, 0x5000 + DELTA);
	put32(opts_in + 8, 0x6000 + DELTA);
	put32(opts_in + 12, 0x1 + DELTA);
	put32(opts_in + 16, 0x10 + DELTA);
	memcpy(opts_out, opts_in, sizeof(opts_in));
	put32(opts_out + 4, 0x5000);
	put32(opts_out + 8, 0x6000);
	put32(opts_out + 12, 0x1);
	put32(opts_out + 16, 0x10);
	/* SACK(10) at the odd offset 3, then 3 NOPs. */
	odd_in[0] = TCPOPT_NOP;
	odd_in[1] = TCPOPT_NOP;
	odd_in[2] = TCPOPT_NOP;
	odd_in[3] = TCPOPT_SACK;
	odd_in[4] = 10;
	put32(odd_in + 5, 0x7000 + DELTA);
	put32(odd_in + 9, 0x8000 + DELTA);
	odd_in[13] = TCPOPT_NOP;
	odd_in[14] = TCPOPT_NOP;
	odd_in[15] = TCPOPT_NOP;
	memcpy(odd_out, odd_in, sizeof(odd_in));
	put32(odd_out + 5, 0x7000);
	put32(odd_out + 9, 0x8000);

	for (c = 0; c < ARRAY_SIZE(csums); c++) {
		struct fnat_pb_spec in = seg(csums[c], TCPHDR_ACK, 0x2000,
					     0x3000 + DELTA, opts_in,
					     sizeof(opts_in));
		struct fnat_pb_spec out = seg(csums[c], TCPHDR_ACK, 0x2000,
					      0x3000, opts_out,
					      sizeof(opts_out));

		expect_edit(test, &in, &out, SEQ_IN);
		in.tcp_opts = odd_in;
		in.tcp_opts_len = sizeof(odd_in);
		out.tcp_opts = odd_out;
		out.tcp_opts_len = sizeof(odd_out);
		expect_edit(test, &in, &out, SEQ_IN);
		/* A RST without ACK keeps its acknowledgment field. */
		in = seg(csums[c], TCPHDR_RST, 0x2000, 0x3000 + DELTA, NULL, 0);
		expect_edit(test, &in, &in, SEQ_IN);
	}
}

/*
 * A SYN's timestamps become NOPs, wherever the option sits (Linux puts it
 * at offset 8 after MSS and SACK-permitted; here also at an odd offset);
 * other options stay; a SYN without timestamps is left alone.
 */
static void fnat_tcpseq_strip_timestamps(struct kunit *test)
{
	static const u8 linux_syn[] = {
		TCPOPT_MSS, 4, 0x05, 0xb4,
		TCPOPT_SACK_PERM, 2,
		TCPOPT_TIMESTAMP, 10, 1, 2, 3, 4, 0, 0, 0, 0,
		TCPOPT_NOP, TCPOPT_WINDOW, 3, 7,
	};
	static const u8 linux_out[] = {
		TCPOPT_MSS, 4, 0x05, 0xb4,
		TCPOPT_SACK_PERM, 2,
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		TCPOPT_NOP, TCPOPT_WINDOW, 3, 7,
	};
	static const u8 odd_syn[] = {
		TCPOPT_WINDOW, 3, 7,
		TCPOPT_TIMESTAMP, 10, 9, 8, 7, 6, 5, 4, 3, 2,
		TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP,
	};
	static const u8 odd_out[] = {
		TCPOPT_WINDOW, 3, 7,
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP,
	};
	static const u8 no_ts[] = {
		TCPOPT_MSS, 4, 0x05, 0xb4,
	};
	unsigned int c;

	for (c = 0; c < ARRAY_SIZE(csums); c++) {
		struct fnat_pb_spec in = seg(csums[c], TCPHDR_SYN, 1, 0,
					     linux_syn, sizeof(linux_syn));
		struct fnat_pb_spec out = seg(csums[c], TCPHDR_SYN, 1, 0,
					      linux_out, sizeof(linux_out));

		expect_edit(test, &in, &out, STRIP_TS);
		in.tcp_opts = odd_syn;
		out.tcp_opts = odd_out;
		in.tcp_opts_len = sizeof(odd_syn);
		out.tcp_opts_len = sizeof(odd_out);
		expect_edit(test, &in, &out, STRIP_TS);
		in = seg(csums[c], TCPHDR_SYN, 1, 0, no_ts, sizeof(no_ts));
		expect_edit(test, &in, &in, STRIP_TS);
	}
}

/*
 * The SYN proxy's two offsets at once: the sequence number one way, the
 * acknowledgment and every SACK edge the other, and the window rescaled;
 * a segment without ACK keeps its acknowledgment field, a SYN its window.
 */
static void fnat_tcpseq_adjust(struct kunit *test)
{
	const u32 seq_d = 0x80000010, ack_d = 0x12345678;
	u8 sack_in[2 + 2 + 32], sack_out[sizeof(sack_in)];
	unsigned int c, i;

	sack_in[0] = TCPOPT_NOP;
	sack_in[1] = TCPOPT_NOP;
	sack_in[2] = TCPOPT_SACK;
	sack_in[3] = 2 + 32;
	for (i = 0; i < 8; i++)
		put32(sack_in + 4 + 4 * i, 0xfffff000 + i * 0x100 + ack_d);
	memcpy(sack_out, sack_in, sizeof(sack_in));
	for (i = 0; i < 8; i++)
		put32(sack_out + 4 + 4 * i, 0xfffff000 + i * 0x100);
	adjust = (struct fnat_tcp_adj){
		.seq = seq_d, .ack = ack_d, .ws_from = 9, .ws_to = 7,
	};
	for (c = 0; c < ARRAY_SIZE(csums); c++) {
		struct fnat_pb_spec in = seg(csums[c], TCPHDR_ACK, 0x7ffffff0,
					     0x10 + ack_d, sack_in,
					     sizeof(sack_in));
		struct fnat_pb_spec out = seg(csums[c], TCPHDR_ACK,
					      0x7ffffff0 + seq_d, 0x10,
					      sack_out, sizeof(sack_out));

		in.window = 1000;
		out.window = 4000;
		expect_edit(test, &in, &out, ADJUST);

		in = seg(csums[c], TCPHDR_RST, 5, 0x3000, NULL, 0);
		in.window = 1000;
		out = seg(csums[c], TCPHDR_RST, 5 + seq_d, 0x3000, NULL, 0);
		out.window = 4000;
		expect_edit(test, &in, &out, ADJUST);

		in = seg(csums[c], TCPHDR_SYN | TCPHDR_ACK, 7, 9 + ack_d,
			 NULL, 0);
		in.window = 1000;
		out = seg(csums[c], TCPHDR_SYN | TCPHDR_ACK, 7 + seq_d, 9,
			  NULL, 0);
		out.window = 1000;
		expect_edit(test, &in, &out, ADJUST);
	}
	/* Nothing to do: the segment stays as it is. */
	adjust = (struct fnat_tcp_adj){ .ws_from = 7, .ws_to = 7 };
	for (c = 0; c < ARRAY_SIZE(csums); c++) {
		struct fnat_pb_spec in = seg(csums[c], TCPHDR_ACK, 1, 2,
					     sack_in, sizeof(sack_in));

		in.window = 1234;
		expect_edit(test, &in, &in, ADJUST);
	}
}

static void fnat_tcpseq_rescale_window(struct kunit *test)
{
	static const struct {
		u16 win;
		u8 from, to;
		u16 want;
	} cases[] = {
		{ 1000, 7, 7, 1000 }, { 1000, 9, 7, 4000 }, { 1000, 7, 9, 250 },
		{ 1, 0, 7, 1 },	/* an open window stays open */
		{ 0, 0, 7, 0 }, { 1000, 7, 0, 65535 }, { 65535, 14, 0, 65535 },
		{ 3, 0, 1, 1 }, { 65535, 0, 14, 3 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    fnat_tcp_rescale_window(cases[i].win,
							    cases[i].from,
							    cases[i].to),
				    cases[i].want, "case %u", i);
}

/* Later connections on a tuple start further on: the server's TIME_WAIT. */
static void fnat_tcpseq_isn_grows(struct kunit *test)
{
	struct fnat_tuple tp = {
		.saddr.ip = htonl(LIP),
		.daddr.ip = htonl(RIP),
		.sport = htons(5000),
		.dport = htons(80),
	};
	u32 a = fnat_tcp_isn(&tp), b;

	usleep_range(100, 200);
	b = fnat_tcp_isn(&tp);
	/* 100 to 200 us: 1562 to 3125 units of 64 ns (and some to spare). */
	KUNIT_EXPECT_GT(test, (s32)(b - a), 1000);
	KUNIT_EXPECT_LT(test, (s32)(b - a), 1000000);
	tp.sport = htons(5001);
	KUNIT_EXPECT_NE(test, fnat_tcp_isn(&tp), b);
}

static struct kunit_case fnat_tcpseq_cases[] = {
	KUNIT_CASE(fnat_tcpseq_out),
	KUNIT_CASE(fnat_tcpseq_in),
	KUNIT_CASE(fnat_tcpseq_strip_timestamps),
	KUNIT_CASE(fnat_tcpseq_adjust),
	KUNIT_CASE(fnat_tcpseq_rescale_window),
	KUNIT_CASE(fnat_tcpseq_isn_grows),
	{}
};

static struct kunit_suite fnat_tcpseq_suite = {
	.name = "fnat_tcpseq",
	.test_cases = fnat_tcpseq_cases,
};

kunit_test_suite(fnat_tcpseq_suite);

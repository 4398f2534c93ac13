// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the SYN proxy's cookies and the SYN options they keep. A cookie
 * comes back with its data for its own tuple, ISN and key within its
 * periods and for nothing else; random cookies pass about as rarely as the
 * arithmetic says; the options round-trip through the data byte and
 * through the bytes the proxy writes.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/prandom.h>
#include <linux/socket.h>
#include <net/tcp.h>
#include "../fnat_synproxy_cookie.h"

static void fill_keys(struct fnat_sp_keys *k, u8 seed)
{
	u8 *b = (u8 *)k->k;
	unsigned int i;

	for (i = 0; i < sizeof(k->k); i++)
		b[i] = seed + i * 7;
}

static struct fnat_tuple v4_tuple(void)
{
	struct fnat_tuple t = {
		.af		= AF_INET,
		.protocol	= IPPROTO_TCP,
		.sport		= htons(40000),
		.dport		= htons(80),
	};

	t.saddr.ip = htonl(0x0a000102);
	t.daddr.ip = htonl(0x0a000164);
	return t;
}

static struct fnat_tuple v6_tuple(void)
{
	struct fnat_tuple t = {
		.af		= AF_INET6,
		.protocol	= IPPROTO_TCP,
		.sport		= htons(40000),
		.dport		= htons(443),
	};

	t.saddr.in6.s6_addr[0] = 0x20;
	t.saddr.in6.s6_addr[1] = 0x01;
	t.saddr.in6.s6_addr[15] = 2;
	t.daddr.in6 = t.saddr.in6;
	t.daddr.in6.s6_addr[15] = 1;
	return t;
}

/* The window scale the tests' SYN-ACKs announce: the default. */
#define TEST_WS 7

static bool check(const struct fnat_sp_keys *k, const struct fnat_tuple *t,
		  u32 isn, u32 cookie, u32 count, u8 *data)
{
	return fnat_sp_cookie_check(k, t, isn, cookie, count, TEST_WS, data);
}

/* Every data value comes back, from this period and its neighbours. */
static void fnat_sp_cookie_round_trip(struct kunit *test)
{
	const struct fnat_tuple tuples[] = { v4_tuple(), v6_tuple() };
	static const u32 counts[] = { 0, 1, 0xff, 0x100, 0x1ff, 0x12345678,
				      U32_MAX };
	struct fnat_sp_keys k;
	unsigned int t, c, d;
	u32 cookie;
	u8 data;

	fill_keys(&k, 1);
	for (t = 0; t < ARRAY_SIZE(tuples); t++) {
		for (c = 0; c < ARRAY_SIZE(counts); c++) {
			for (d = 0; d < 256; d++) {
				u32 isn = 0x9abc0000 + d * 977;

				cookie = fnat_sp_cookie(&k, &tuples[t], isn,
							counts[c], TEST_WS, d);
				data = ~d;
				KUNIT_EXPECT_TRUE(test, check(&k, &tuples[t],
							      isn, cookie,
							      counts[c],
							      &data));
				KUNIT_EXPECT_EQ(test, data, (u8)d);
				KUNIT_EXPECT_TRUE(test, check(&k, &tuples[t],
							      isn, cookie,
							      counts[c] + 1,
							      &data));
				KUNIT_EXPECT_EQ(test, data, (u8)d);
				/* A peer's clock a period ahead. */
				KUNIT_EXPECT_TRUE(test, check(&k, &tuples[t],
							      isn, cookie,
							      counts[c] - 1,
							      &data));
				KUNIT_EXPECT_FALSE(test, check(&k, &tuples[t],
							       isn, cookie,
							       counts[c] + 2,
							       &data));
				KUNIT_EXPECT_FALSE(test, check(&k, &tuples[t],
							       isn, cookie,
							       counts[c] - 2,
							       &data));
			}
		}
	}
}

/* Any other tuple, ISN or key: refused. */
static void fnat_sp_cookie_bound(struct kunit *test)
{
	const struct fnat_tuple base[] = { v4_tuple(), v6_tuple() };
	struct fnat_sp_keys k, other;
	unsigned int i, f;
	u32 cookie;
	u8 data;

	fill_keys(&k, 1);
	fill_keys(&other, 2);
	for (i = 0; i < ARRAY_SIZE(base); i++) {
		cookie = fnat_sp_cookie(&k, &base[i], 1000, 77, TEST_WS,
					0x5a);
		KUNIT_ASSERT_TRUE(test, check(&k, &base[i], 1000, cookie, 77,
					      &data));
		KUNIT_EXPECT_FALSE(test, check(&other, &base[i], 1000, cookie,
					       77, &data));
		/* As the kernel's: the ISN is added, so only far is refused. */
		KUNIT_EXPECT_FALSE(test, check(&k, &base[i], 1000 + 0x10000,
					       cookie, 77, &data));
		/*
		 * Data is added, not hashed: a neighbouring cookie is another
		 * client's data byte for the same tuple (which the holder of
		 * the cookie could send anyway), a data value out of 8 bits
		 * or another period is not.
		 */
		KUNIT_EXPECT_TRUE(test, check(&k, &base[i], 1000, cookie + 1,
					      77, &data));
		KUNIT_EXPECT_EQ(test, data, 0x5b);
		KUNIT_EXPECT_FALSE(test, check(&k, &base[i], 1000,
					       cookie + 0x100, 77, &data));
		KUNIT_EXPECT_FALSE(test, check(&k, &base[i], 1000,
					       cookie + (3U << 24), 77,
					       &data));
		for (f = 0; f < 4; f++) {
			struct fnat_tuple t = base[i];

			if (f == 0)
				t.saddr.all[t.af == AF_INET ? 0 : 3] ^= htonl(1);
			else if (f == 1)
				t.daddr.all[0] ^= htonl(0x100);
			else if (f == 2)
				t.sport = htons(40001);
			else
				t.dport = htons(8080);
			KUNIT_EXPECT_FALSE_MSG(test, check(&k, &t, 1000,
							   cookie, 77,
							   &data),
					       "field %u of tuple %u", f, i);
		}
	}
}

/*
 * The announced window scale is hashed: an ACK is read under the scale its
 * SYN-ACK announced or refused, whatever synproxy_wscale says by then.
 */
static void fnat_sp_cookie_wscale(struct kunit *test)
{
	const struct fnat_tuple tuples[] = { v4_tuple(), v6_tuple() };
	struct fnat_sp_keys k;
	unsigned int t, ws, other, wrong = 0;
	u32 cookie;
	u8 data;

	fill_keys(&k, 4);
	for (t = 0; t < ARRAY_SIZE(tuples); t++) {
		const struct fnat_tuple *tp = &tuples[t];

		for (ws = 0; ws <= FNAT_SP_WS_MAX; ws++) {
			cookie = fnat_sp_cookie(&k, tp, 3000, 500, ws, 0x21);
			KUNIT_EXPECT_TRUE(test,
					  fnat_sp_cookie_check(&k, tp, 3000,
							       cookie, 500, ws,
							       &data));
			KUNIT_EXPECT_EQ(test, data, 0x21);
			for (other = 0; other <= FNAT_SP_WS_MAX; other++) {
				if (other == ws)
					continue;
				wrong += fnat_sp_cookie_check(&k, tp, 3000,
							      cookie, 500,
							      other, &data);
			}
		}
	}
	/* 420 tries at 2^8 / 2^24 each: none. */
	KUNIT_EXPECT_EQ(test, wrong, 0U);
}

/*
 * A forged ACK passes with probability 3 * 2^8 / 2^24: about 0.19 in 2^20
 * tries. More than 3 would mean the data bits leak into the check.
 */
static void fnat_sp_cookie_forgery(struct kunit *test)
{
	struct fnat_tuple t = v4_tuple();
	struct rnd_state rnd;
	struct fnat_sp_keys k;
	unsigned int i, passed = 0;
	u8 data;

	fill_keys(&k, 3);
	prandom_seed_state(&rnd, 42);
	for (i = 0; i < (1U << 20); i++)
		passed += check(&k, &t, 5000, prandom_u32_state(&rnd), 9,
				&data);
	KUNIT_EXPECT_LE(test, passed, 3U);
}

static u16 mss_of(u16 mss, u16 af)
{
	struct fnat_sp_opts in = { .mss = mss, .wscale = FNAT_SP_WS_NONE };
	struct fnat_sp_opts out;

	fnat_sp_data_decode(fnat_sp_data_encode(&in, af), &out);
	return out.mss;
}

/* The client's MSS rounds down to the table; none means RFC 9293's. */
static void fnat_sp_data_mss(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mss_of(0, AF_INET), 536);
	KUNIT_EXPECT_EQ(test, mss_of(0, AF_INET6), 1220);
	KUNIT_EXPECT_EQ(test, mss_of(535, AF_INET), 536);
	KUNIT_EXPECT_EQ(test, mss_of(1219, AF_INET), 536);
	KUNIT_EXPECT_EQ(test, mss_of(1220, AF_INET), 1220);
	KUNIT_EXPECT_EQ(test, mss_of(1359, AF_INET), 1300);
	KUNIT_EXPECT_EQ(test, mss_of(1360, AF_INET), 1360);
	KUNIT_EXPECT_EQ(test, mss_of(1459, AF_INET), 1440);
	KUNIT_EXPECT_EQ(test, mss_of(1460, AF_INET), 1460);
	KUNIT_EXPECT_EQ(test, mss_of(8939, AF_INET), 1460);
	KUNIT_EXPECT_EQ(test, mss_of(65535, AF_INET6), 8940);
}

static void fnat_sp_data_options(struct kunit *test)
{
	static const u8 ws[] = { FNAT_SP_WS_NONE, 0, 7, 14 };
	struct fnat_sp_opts in = { .mss = 1460 }, out;
	unsigned int i, sack, d;

	for (i = 0; i < ARRAY_SIZE(ws); i++) {
		for (sack = 0; sack < 2; sack++) {
			in.wscale = ws[i];
			in.sack = sack;
			fnat_sp_data_decode(fnat_sp_data_encode(&in, AF_INET),
					    &out);
			KUNIT_EXPECT_EQ(test, out.wscale, ws[i]);
			KUNIT_EXPECT_EQ(test, out.sack, (bool)sack);
			KUNIT_EXPECT_EQ(test, out.mss, 1460);
		}
	}
	/* Beyond RFC 7323's 14: what the client will use, 14. */
	in.wscale = 15;
	fnat_sp_data_decode(fnat_sp_data_encode(&in, AF_INET), &out);
	KUNIT_EXPECT_EQ(test, out.wscale, 14);
	/* Every byte decodes to something the proxy can send. */
	for (d = 0; d < 256; d++) {
		fnat_sp_data_decode(d, &out);
		KUNIT_EXPECT_TRUE(test, out.wscale <= FNAT_SP_WS_MAX ||
				  out.wscale == FNAT_SP_WS_NONE);
		KUNIT_EXPECT_GE(test, out.mss, 536);
	}
}

static void parse(const u8 *opt, unsigned int len, struct fnat_sp_opts *o)
{
	fnat_sp_parse_opts(opt, len, o);
}

static void fnat_sp_parse(struct kunit *test)
{
	static const u8 linux_syn[] = {
		2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0,
		1, 3, 3, 7,
	};
	static const u8 odd[] = { 1, 3, 3, 9, 2, 4, 0x02, 0x18, 4, 2 };
	static const u8 eol[] = { 2, 4, 0x05, 0xb4, 0, 3, 3, 7 };
	static const u8 short_len[] = { 3, 3, 7, 2, 1, 0x05, 0xb4, 4, 2 };
	static const u8 past_end[] = { 4, 2, 2, 4, 0x05 };
	static const u8 wrong_len[] = { 2, 3, 5, 3, 4, 7, 0, 4, 3, 1 };
	struct fnat_sp_opts o;

	parse(linux_syn, sizeof(linux_syn), &o);
	KUNIT_EXPECT_EQ(test, o.mss, 1460);
	KUNIT_EXPECT_TRUE(test, o.sack);
	KUNIT_EXPECT_EQ(test, o.wscale, 7);

	parse(odd, sizeof(odd), &o);
	KUNIT_EXPECT_EQ(test, o.wscale, 9);
	KUNIT_EXPECT_EQ(test, o.mss, 536);
	KUNIT_EXPECT_TRUE(test, o.sack);

	/* Nothing after EOL counts. */
	parse(eol, sizeof(eol), &o);
	KUNIT_EXPECT_EQ(test, o.mss, 1460);
	KUNIT_EXPECT_EQ(test, o.wscale, FNAT_SP_WS_NONE);

	/* A length under 2 ends the walk. */
	parse(short_len, sizeof(short_len), &o);
	KUNIT_EXPECT_EQ(test, o.wscale, 7);
	KUNIT_EXPECT_EQ(test, o.mss, 0);
	KUNIT_EXPECT_FALSE(test, o.sack);

	/* An option running past the area ends the walk. */
	parse(past_end, sizeof(past_end), &o);
	KUNIT_EXPECT_TRUE(test, o.sack);
	KUNIT_EXPECT_EQ(test, o.mss, 0);

	/* Options of the wrong length are not taken. */
	parse(wrong_len, sizeof(wrong_len), &o);
	KUNIT_EXPECT_EQ(test, o.mss, 0);
	KUNIT_EXPECT_EQ(test, o.wscale, FNAT_SP_WS_NONE);
	KUNIT_EXPECT_FALSE(test, o.sack);

	parse(NULL, 0, &o);
	KUNIT_EXPECT_EQ(test, o.mss, 0);
	KUNIT_EXPECT_EQ(test, o.wscale, FNAT_SP_WS_NONE);
	KUNIT_EXPECT_FALSE(test, o.sack);
}

static void fnat_sp_write(struct kunit *test)
{
	static const u8 all[] = {
		2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7,
	};
	struct fnat_sp_opts in, out;
	u8 buf[FNAT_SP_OPTS_MAX];
	unsigned int m, s, w, n;

	in = (struct fnat_sp_opts){ .mss = 1460, .wscale = 7, .sack = true };
	n = fnat_sp_write_opts(buf, &in);
	KUNIT_ASSERT_EQ(test, n, sizeof(all));
	KUNIT_EXPECT_EQ(test, memcmp(buf, all, sizeof(all)), 0);
	for (m = 0; m < 2; m++) {
		for (s = 0; s < 2; s++) {
			for (w = 0; w < 2; w++) {
				in.mss = m ? 1440 : 0;
				in.sack = s;
				in.wscale = w ? 14 : FNAT_SP_WS_NONE;
				n = fnat_sp_write_opts(buf, &in);
				KUNIT_EXPECT_EQ(test, n, 4 * (m + s + w));
				parse(buf, n, &out);
				KUNIT_EXPECT_EQ(test, out.mss, in.mss);
				KUNIT_EXPECT_EQ(test, out.sack, in.sack);
				KUNIT_EXPECT_EQ(test, out.wscale, in.wscale);
			}
		}
	}
}

static struct kunit_case fnat_synproxy_cases[] = {
	KUNIT_CASE(fnat_sp_cookie_round_trip),
	KUNIT_CASE(fnat_sp_cookie_bound),
	KUNIT_CASE(fnat_sp_cookie_wscale),
	KUNIT_CASE(fnat_sp_cookie_forgery),
	KUNIT_CASE(fnat_sp_data_mss),
	KUNIT_CASE(fnat_sp_data_options),
	KUNIT_CASE(fnat_sp_parse),
	KUNIT_CASE(fnat_sp_write),
	{}
};

static struct kunit_suite fnat_synproxy_suite = {
	.name = "fnat_synproxy",
	.test_cases = fnat_synproxy_cases,
};

kunit_test_suite(fnat_synproxy_suite);

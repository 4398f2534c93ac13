// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the session sync wire format and its gate. Every record type
 * survives a round trip; malformed messages are refused with the right
 * reason and never read out of bounds, under hand-made cases and random
 * mutations of valid messages; the MAC and the replay window accept
 * exactly what they should.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include "../fnat_compat.h"
#include "../fnat_proto_tcp.h"
#include "../fnat_sync_auth.h"
#include "../fnat_sync_msg.h"

#define MSG_CAP	1472

static struct fnat_sync_conn_rec nat_rec(void)
{
	struct fnat_sync_conn_rec r = {
		.af		= AF_INET,
		.daf		= AF_INET,
		.protocol	= IPPROTO_TCP,
		.fwd_method	= FNAT_FWD_NAT,
		.state		= FNAT_TCP_ESTABLISHED,
		.timeout_ms	= 7440000,
		.cport		= htons(40000),
		.vport		= htons(80),
		.dport		= htons(8080),
	};

	r.caddr.ip = htonl(0x0a000102);
	r.vaddr.ip = htonl(0x0a000164);
	r.daddr.ip = htonl(0x0a000202);
	return r;
}

static struct fnat_sync_conn_rec fullnat_rec(void)
{
	struct fnat_sync_conn_rec r = nat_rec();

	r.fwd_method = FNAT_FWD_FULLNAT;
	r.has_laddr = true;
	r.laddr.ip = htonl(0x0a0002fe);
	r.lport = htons(31000);
	r.has_seq_delta = true;
	r.seq_delta = 0x9abcdef0;
	r.flags = FNAT_SYNC_CONN_F_TOA_DONE | FNAT_SYNC_CONN_F_PERSIST;
	return r;
}

static struct fnat_sync_conn_rec template_rec(void)
{
	struct fnat_sync_conn_rec r = nat_rec();

	r.cport = 0;
	r.state = FNAT_TCP_NONE;
	r.caddr.ip = htonl(0x0a000100);
	r.flags = FNAT_SYNC_CONN_F_TEMPLATE;
	r.tmpl_timeout = 360;
	return r;
}

static struct fnat_sync_conn_rec udp_rec(void)
{
	struct fnat_sync_conn_rec r = nat_rec();

	r.protocol = IPPROTO_UDP;
	r.state = FNAT_TCP_NONE;
	r.fwd_method = FNAT_FWD_DR;
	r.dport = htons(80);
	return r;
}

static void rec_addr6(union nf_inet_addr *a, u16 last)
{
	memset(a, 0, sizeof(*a));
	a->in6.s6_addr16[0] = htons(0x2001);
	a->in6.s6_addr16[1] = htons(0xdb8);
	a->in6.s6_addr16[7] = htons(last);
}

/* IPv6 end to end: NAT to an IPv6 real server. */
static struct fnat_sync_conn_rec nat6_rec(void)
{
	struct fnat_sync_conn_rec r = nat_rec();

	r.af = AF_INET6;
	r.daf = AF_INET6;
	rec_addr6(&r.caddr, 0x102);
	rec_addr6(&r.vaddr, 0x164);
	rec_addr6(&r.daddr, 0x202);
	return r;
}

/* FULLNAT 6->4: IPv6 client and VIP, IPv4 real server and local address. */
static struct fnat_sync_conn_rec fullnat64_rec(void)
{
	struct fnat_sync_conn_rec r = fullnat_rec();

	r.af = AF_INET6;
	rec_addr6(&r.caddr, 0x102);
	rec_addr6(&r.vaddr, 0x164);
	return r;
}

/* What a walk collects, for the tests to look at. */
struct collected {
	struct fnat_sync_rec_view	v[10];
	enum fnat_sync_err		err[10];
	unsigned int			n;
};

static int collect(const void *rec, unsigned int len, void *arg)
{
	struct collected *c = arg;

	if (c->n == ARRAY_SIZE(c->v))
		return 1;
	c->err[c->n] = fnat_sync_rec_decode(rec, len, &c->v[c->n]);
	c->n++;
	return 0;
}

#define EXPECT_ADDR_EQ(test, a, b) \
	KUNIT_EXPECT_EQ(test, 0, memcmp(a, b, sizeof(union nf_inet_addr)))

static void expect_same(struct kunit *test, const struct fnat_sync_conn_rec *a,
			const struct fnat_sync_conn_rec *b, bool full)
{
	KUNIT_EXPECT_EQ(test, a->af, b->af);
	KUNIT_EXPECT_EQ(test, a->protocol, b->protocol);
	EXPECT_ADDR_EQ(test, &a->caddr, &b->caddr);
	KUNIT_EXPECT_EQ(test, a->cport, b->cport);
	EXPECT_ADDR_EQ(test, &a->vaddr, &b->vaddr);
	KUNIT_EXPECT_EQ(test, a->vport, b->vport);
	if (!full)
		return;
	KUNIT_EXPECT_EQ(test, a->daf, b->daf);
	EXPECT_ADDR_EQ(test, &a->daddr, &b->daddr);
	KUNIT_EXPECT_EQ(test, a->dport, b->dport);
	KUNIT_EXPECT_EQ(test, a->fwd_method, b->fwd_method);
	KUNIT_EXPECT_EQ(test, a->state, b->state);
	KUNIT_EXPECT_EQ(test, a->timeout_ms, b->timeout_ms);
	KUNIT_EXPECT_EQ(test, a->flags, b->flags);
	KUNIT_EXPECT_EQ(test, a->has_laddr, b->has_laddr);
	EXPECT_ADDR_EQ(test, &a->laddr, &b->laddr);
	KUNIT_EXPECT_EQ(test, a->lport, b->lport);
	KUNIT_EXPECT_EQ(test, a->has_seq_delta, b->has_seq_delta);
	KUNIT_EXPECT_EQ(test, a->seq_delta, b->seq_delta);
	KUNIT_EXPECT_EQ(test, a->tmpl_timeout, b->tmpl_timeout);
}

/* A message with one record of each kind; returns its length. */
static unsigned int build_all(u8 *data, unsigned int cap)
{
	struct fnat_sync_conn_rec r;
	struct fnat_sync_buf b;

	fnat_sync_buf_init(&b, data, cap);
	r = nat_rec();
	WARN_ON(fnat_sync_put_conn(&b, &r));
	r = fullnat_rec();
	WARN_ON(fnat_sync_put_conn(&b, &r));
	r = template_rec();
	WARN_ON(fnat_sync_put_conn(&b, &r));
	r = udp_rec();
	WARN_ON(fnat_sync_put_conn(&b, &r));
	r = nat6_rec();
	WARN_ON(fnat_sync_put_conn(&b, &r));
	r = fullnat64_rec();
	WARN_ON(fnat_sync_put_conn(&b, &r));
	r = nat_rec();
	WARN_ON(fnat_sync_put_del(&b, &r));
	WARN_ON(fnat_sync_put_bulk_req(&b));
	WARN_ON(fnat_sync_put_bulk_end(&b, 123456));
	fnat_sync_buf_finish(&b, 7, FNAT_SYNC_HDR_F_BULK, 0, 0x11223344, 42,
			     1700000000000ULL);
	return b.len;
}

static void fnat_sync_round_trip(struct kunit *test)
{
	u8 *data = kunit_kzalloc(test, MSG_CAP, GFP_KERNEL);
	struct fnat_sync_conn_rec want[6] = {
		nat_rec(), fullnat_rec(), template_rec(), udp_rec(),
		nat6_rec(), fullnat64_rec(),
	};
	struct collected *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct fnat_sync_conn_rec del = nat_rec();
	struct fnat_sync_msg_info info;
	unsigned int len, i;

	len = build_all(data, MSG_CAP);
	KUNIT_ASSERT_EQ(test, fnat_sync_msg_check(data, len, &info),
			FNAT_SYNC_OK);
	KUNIT_EXPECT_EQ(test, info.syncid, 7);
	KUNIT_EXPECT_EQ(test, info.flags, FNAT_SYNC_HDR_F_BULK);
	KUNIT_EXPECT_EQ(test, info.sender, 0x11223344);
	KUNIT_EXPECT_EQ(test, info.seq, 42);
	KUNIT_EXPECT_EQ(test, info.time_ms, 1700000000000ULL);
	KUNIT_EXPECT_EQ(test, info.count, 9);
	KUNIT_ASSERT_EQ(test, fnat_sync_msg_walk(data, &info, collect, c),
			FNAT_SYNC_OK);
	KUNIT_ASSERT_EQ(test, c->n, 9);
	for (i = 0; i < 9; i++)
		KUNIT_EXPECT_EQ(test, c->err[i], FNAT_SYNC_OK);
	for (i = 0; i < 6; i++) {
		KUNIT_EXPECT_EQ(test, c->v[i].type, FNAT_SYNC_REC_CONN);
		expect_same(test, &want[i], &c->v[i].conn, true);
	}
	KUNIT_EXPECT_EQ(test, c->v[6].type, FNAT_SYNC_REC_DEL);
	expect_same(test, &del, &c->v[6].conn, false);
	KUNIT_EXPECT_EQ(test, c->v[7].type, FNAT_SYNC_REC_BULK_REQ);
	KUNIT_EXPECT_EQ(test, c->v[8].type, FNAT_SYNC_REC_BULK_END);
	KUNIT_EXPECT_EQ(test, c->v[8].count, 123456);
}

/* A record that does not fit leaves the message as it was. */
static void fnat_sync_full_buffer(struct kunit *test)
{
	u8 *data = kunit_kzalloc(test, 256, GFP_KERNEL);
	struct fnat_sync_conn_rec r = fullnat_rec();
	unsigned int len, n = 0;
	struct fnat_sync_buf b;

	fnat_sync_buf_init(&b, data, 256);
	while (!fnat_sync_put_conn(&b, &r))
		n++;
	KUNIT_EXPECT_GT(test, n, 0);
	len = b.len;
	KUNIT_EXPECT_EQ(test, fnat_sync_put_conn(&b, &r), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, b.len, len);
	KUNIT_EXPECT_EQ(test, b.count, n);
	KUNIT_EXPECT_LE(test, b.len, 256);
}

static void fnat_sync_bad_headers(struct kunit *test)
{
	u8 *data = kunit_kzalloc(test, MSG_CAP + 8, GFP_KERNEL);
	struct fnat_sync_msg_info info;
	struct fnat_sync_hdr *h = (void *)data;
	struct collected *c;
	unsigned int len;

	len = build_all(data, MSG_CAP);
	KUNIT_EXPECT_EQ(test, fnat_sync_msg_check(data, 10, &info),
			FNAT_SYNC_E_SHORT);
	KUNIT_EXPECT_EQ(test, fnat_sync_msg_check(data, len - 1, &info),
			FNAT_SYNC_E_SHORT);
	KUNIT_EXPECT_EQ(test, fnat_sync_msg_check(data, len + 4, &info),
			FNAT_SYNC_E_BAD_LENGTH);
	h->version = 2;
	KUNIT_EXPECT_EQ(test, fnat_sync_msg_check(data, len, &info),
			FNAT_SYNC_E_BAD_VERSION);
	h->version = FNAT_SYNC_VERSION;
	h->mac_len = 7;
	KUNIT_EXPECT_EQ(test, fnat_sync_msg_check(data, len, &info),
			FNAT_SYNC_E_BAD_LENGTH);
	h->mac_len = 0;
	h->reserved = htonl(1);
	KUNIT_EXPECT_EQ(test, fnat_sync_msg_check(data, len, &info),
			FNAT_SYNC_E_BAD_LENGTH);
	h->reserved = 0;
	/* The header's count must match the records. */
	h->count = htons(6);
	KUNIT_ASSERT_EQ(test, fnat_sync_msg_check(data, len, &info),
			FNAT_SYNC_OK);
	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, fnat_sync_msg_walk(data, &info, collect, c),
			FNAT_SYNC_E_BAD_LENGTH);
	KUNIT_EXPECT_EQ(test, c->n, 0);
}

/*
 * Builds a record by hand from (type, length) pairs, every value from
 * @val (AF_INET for the family) but the protocol's, TCP.
 */
static unsigned int raw_rec(u8 *p, u8 type, const u16 *attrs,
			    unsigned int nattrs, const u8 *val)
{
	unsigned int off = 4, i;

	for (i = 0; i < nattrs; i++) {
		u16 t = attrs[2 * i], l = attrs[2 * i + 1];

		put_unaligned_be16(t, p + off);
		put_unaligned_be16(4 + l, p + off + 2);
		memset(p + off + 4, 0, ALIGN(l, 4));
		memcpy(p + off + 4, val, l);
		if (t == FNAT_SYNC_A_PROTOCOL)
			p[off + 4] = IPPROTO_TCP;
		off += 4 + ALIGN(l, 4);
	}
	p[0] = type;
	p[1] = 0;
	put_unaligned_be16(off, p + 2);
	return off;
}

static enum fnat_sync_err decode_raw(u8 type, const u16 *attrs,
				     unsigned int n)
{
	static const u8 val[16] = { AF_INET, 1, 2, 3 };
	struct fnat_sync_rec_view v;
	u8 buf[256];
	unsigned int len = raw_rec(buf, type, attrs, n, val);

	return fnat_sync_rec_decode(buf, len, &v);
}

static void fnat_sync_bad_records(struct kunit *test)
{
	u8 *data = kunit_kzalloc(test, MSG_CAP, GFP_KERNEL);
	struct fnat_sync_conn_rec r;
	struct fnat_sync_rec_view v;
	struct fnat_sync_buf b;
	/* DEL with every key attribute: family 2 (AF_INET), protocol 6. */
	static const u16 del_ok[] = {
		FNAT_SYNC_A_FAMILY, 1, FNAT_SYNC_A_PROTOCOL, 1,
		FNAT_SYNC_A_CADDR, 4, FNAT_SYNC_A_CPORT, 2,
		FNAT_SYNC_A_VADDR, 4, FNAT_SYNC_A_VPORT, 2,
	};
	static const u16 del_unknown[] = {
		FNAT_SYNC_A_FAMILY, 1, 999, 7, FNAT_SYNC_A_PROTOCOL, 1,
		FNAT_SYNC_A_CADDR, 4, FNAT_SYNC_A_CPORT, 2,
		FNAT_SYNC_A_VADDR, 4, FNAT_SYNC_A_VPORT, 2,
	};
	static const u16 del_missing[] = {
		FNAT_SYNC_A_FAMILY, 1, FNAT_SYNC_A_PROTOCOL, 1,
		FNAT_SYNC_A_CADDR, 4, FNAT_SYNC_A_CPORT, 2,
		FNAT_SYNC_A_VADDR, 4,
	};
	static const u16 del_twice[] = {
		FNAT_SYNC_A_FAMILY, 1, FNAT_SYNC_A_PROTOCOL, 1,
		FNAT_SYNC_A_CADDR, 4, FNAT_SYNC_A_CPORT, 2,
		FNAT_SYNC_A_VADDR, 4, FNAT_SYNC_A_VPORT, 2,
		FNAT_SYNC_A_VPORT, 2,
	};
	static const u16 del_v6_len[] = {
		FNAT_SYNC_A_FAMILY, 1, FNAT_SYNC_A_PROTOCOL, 1,
		FNAT_SYNC_A_CADDR, 16, FNAT_SYNC_A_CPORT, 2,
		FNAT_SYNC_A_VADDR, 4, FNAT_SYNC_A_VPORT, 2,
	};
	static const u16 del_port_len[] = {
		FNAT_SYNC_A_FAMILY, 1, FNAT_SYNC_A_PROTOCOL, 1,
		FNAT_SYNC_A_CADDR, 4, FNAT_SYNC_A_CPORT, 3,
		FNAT_SYNC_A_VADDR, 4, FNAT_SYNC_A_VPORT, 2,
	};

	KUNIT_EXPECT_EQ(test, decode_raw(FNAT_SYNC_REC_DEL, del_ok, 6),
			FNAT_SYNC_OK);
	KUNIT_EXPECT_EQ(test, decode_raw(FNAT_SYNC_REC_DEL, del_unknown, 7),
			FNAT_SYNC_OK);
	KUNIT_EXPECT_EQ(test, decode_raw(FNAT_SYNC_REC_DEL, del_missing, 5),
			FNAT_SYNC_E_BAD_RECORD);
	KUNIT_EXPECT_EQ(test, decode_raw(FNAT_SYNC_REC_DEL, del_twice, 7),
			FNAT_SYNC_E_BAD_RECORD);
	KUNIT_EXPECT_EQ(test, decode_raw(FNAT_SYNC_REC_DEL, del_v6_len, 6),
			FNAT_SYNC_E_BAD_RECORD);
	KUNIT_EXPECT_EQ(test, decode_raw(FNAT_SYNC_REC_DEL, del_port_len, 6),
			FNAT_SYNC_E_BAD_RECORD);
	KUNIT_EXPECT_EQ(test, decode_raw(77, del_ok, 6),
			FNAT_SYNC_E_BAD_RECORD);
	KUNIT_EXPECT_EQ(test, decode_raw(FNAT_SYNC_REC_BULK_END, del_ok, 6),
			FNAT_SYNC_E_BAD_RECORD);

	/* Records that encode fine but describe nothing a table holds. */
	fnat_sync_buf_init(&b, data, MSG_CAP);
	r = fullnat_rec();
	r.has_laddr = false;
	KUNIT_ASSERT_EQ(test, fnat_sync_put_conn(&b, &r), 0);
	r = udp_rec();
	r.state = FNAT_TCP_ESTABLISHED;
	KUNIT_ASSERT_EQ(test, fnat_sync_put_conn(&b, &r), 0);
	r = nat_rec();
	r.flags = 0x80;
	KUNIT_ASSERT_EQ(test, fnat_sync_put_conn(&b, &r), 0);
	r = nat_rec();
	r.fwd_method = 9;
	KUNIT_ASSERT_EQ(test, fnat_sync_put_conn(&b, &r), 0);
	r = template_rec();
	r.tmpl_timeout = 0;
	KUNIT_ASSERT_EQ(test, fnat_sync_put_conn(&b, &r), 0);
	r = nat_rec();
	r.state = FNAT_TCP_STATE_MAX;
	KUNIT_ASSERT_EQ(test, fnat_sync_put_conn(&b, &r), 0);
	/* Only FULLNAT takes an IPv6 service to an IPv4 dest, never 4->6. */
	r = fullnat64_rec();
	r.fwd_method = FNAT_FWD_NAT;
	r.has_laddr = false;
	r.has_seq_delta = false;
	KUNIT_ASSERT_EQ(test, fnat_sync_put_conn(&b, &r), 0);
	r = fullnat_rec();
	r.daf = AF_INET6;
	rec_addr6(&r.daddr, 0x202);
	rec_addr6(&r.laddr, 0x2fe);
	KUNIT_ASSERT_EQ(test, fnat_sync_put_conn(&b, &r), 0);
	{
		unsigned int off = sizeof(struct fnat_sync_hdr), i;

		for (i = 0; i < b.count; i++) {
			unsigned int len = get_unaligned_be16(data + off + 2);

			KUNIT_EXPECT_EQ(test,
					fnat_sync_rec_decode(data + off, len,
							     &v),
					FNAT_SYNC_E_BAD_RECORD);
			off += len;
		}
	}
}

/* The attribute of @type in the record at @rec, or NULL. */
static u8 *find_attr(u8 *rec, unsigned int type)
{
	unsigned int len = get_unaligned_be16(rec + 2), off, alen;

	for (off = sizeof(struct fnat_sync_rec); off < len;
	     off += ALIGN(alen, 4)) {
		alen = get_unaligned_be16(rec + off + 2);
		if (get_unaligned_be16(rec + off) == type)
			return rec + off;
	}
	return NULL;
}

/* One CONN record of @r alone in @data; returns the record. */
static u8 *one_rec(u8 *data, const struct fnat_sync_conn_rec *r)
{
	struct fnat_sync_buf b;

	fnat_sync_buf_init(&b, data, MSG_CAP);
	WARN_ON(fnat_sync_put_conn(&b, r));
	return data + sizeof(struct fnat_sync_hdr);
}

static enum fnat_sync_err decode_one(u8 *rec, struct fnat_sync_rec_view *v)
{
	return fnat_sync_rec_decode(rec, get_unaligned_be16(rec + 2), v);
}

/*
 * A SYN proxy connection carries its offset and window scales; the flag
 * and the attributes go together, on TCP NAT or FULLNAT only.
 */
static void fnat_sync_synproxy(struct kunit *test)
{
	u8 *data = kunit_kzalloc(test, MSG_CAP, GFP_KERNEL);
	struct fnat_sync_conn_rec want[3] = { fullnat_rec(), nat_rec(),
					      fullnat64_rec() };
	static const u8 ws[3][3] = { { 7, 7, 9 }, { 0xff, 0xff, 0xff },
				     { 14, 0, 0xff } };
	struct fnat_sync_conn_rec r;
	struct fnat_sync_rec_view v;
	unsigned int i;
	u8 *rec, *a;

	KUNIT_ASSERT_NOT_NULL(test, data);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		want[i].flags |= FNAT_SYNC_CONN_F_SYNPROXY;
		want[i].sp_delta = 0x89abcdef + i;
		memcpy(want[i].sp_ws, ws[i], 3);
		rec = one_rec(data, &want[i]);
		KUNIT_ASSERT_EQ(test, decode_one(rec, &v), FNAT_SYNC_OK);
		expect_same(test, &want[i], &v.conn, true);
		KUNIT_EXPECT_EQ(test, v.conn.sp_delta, want[i].sp_delta);
		KUNIT_EXPECT_EQ(test, memcmp(v.conn.sp_ws, ws[i], 3), 0);
	}

	/* Not on UDP, DR or TUN, nor on a template. */
	r = udp_rec();
	r.flags |= FNAT_SYNC_CONN_F_SYNPROXY;
	KUNIT_EXPECT_EQ(test, decode_one(one_rec(data, &r), &v),
			FNAT_SYNC_E_BAD_RECORD);
	r = nat_rec();
	r.fwd_method = FNAT_FWD_DR;
	r.flags |= FNAT_SYNC_CONN_F_SYNPROXY;
	KUNIT_EXPECT_EQ(test, decode_one(one_rec(data, &r), &v),
			FNAT_SYNC_E_BAD_RECORD);
	r = template_rec();
	r.flags |= FNAT_SYNC_CONN_F_SYNPROXY;
	KUNIT_EXPECT_EQ(test, decode_one(one_rec(data, &r), &v),
			FNAT_SYNC_E_BAD_RECORD);
	/* A window scale beyond 14 that is not "none". */
	r = want[0];
	r.sp_ws[2] = 15;
	KUNIT_EXPECT_EQ(test, decode_one(one_rec(data, &r), &v),
			FNAT_SYNC_E_BAD_RECORD);
	/* The fourth byte must be 0. */
	rec = one_rec(data, &want[0]);
	a = find_attr(rec, FNAT_SYNC_A_SP_WSCALE);
	KUNIT_ASSERT_NOT_NULL(test, a);
	a[sizeof(struct fnat_sync_attr) + 3] = 1;
	KUNIT_EXPECT_EQ(test, decode_one(rec, &v), FNAT_SYNC_E_BAD_RECORD);
	/* The flag without one of its attributes (renamed to an unknown). */
	rec = one_rec(data, &want[0]);
	a = find_attr(rec, FNAT_SYNC_A_SP_DELTA);
	KUNIT_ASSERT_NOT_NULL(test, a);
	put_unaligned_be16(999, a);
	KUNIT_EXPECT_EQ(test, decode_one(rec, &v), FNAT_SYNC_E_BAD_RECORD);
	/* The attributes without the flag. */
	rec = one_rec(data, &want[1]);
	a = find_attr(rec, FNAT_SYNC_A_FLAGS);
	KUNIT_ASSERT_NOT_NULL(test, a);
	put_unaligned_be32(0, a + sizeof(struct fnat_sync_attr));
	KUNIT_EXPECT_EQ(test, decode_one(rec, &v), FNAT_SYNC_E_BAD_RECORD);
}

/* Decodes whatever a message holds; the point is not to crash. */
static int decode_any(const void *rec, unsigned int len, void *arg)
{
	struct fnat_sync_rec_view v;
	unsigned int *ok = arg;

	if (fnat_sync_rec_decode(rec, len, &v) == FNAT_SYNC_OK)
		(*ok)++;
	return 0;
}

/*
 * Random bytes, truncations and bit flips of a valid message: every one
 * is taken apart inside its bounds (the buffer is exactly as long as the
 * datagram, so KASAN would see a read past it) and decides cleanly.
 */
static void fnat_sync_fuzz(struct kunit *test)
{
	u8 *good = kunit_kzalloc(test, MSG_CAP, GFP_KERNEL);
	struct fnat_sync_msg_info info;
	unsigned int len, i, ok = 0, refused = 0, accepted = 0;
	struct rnd_state rnd;

	len = build_all(good, MSG_CAP);
	prandom_seed_state(&rnd, 0x73796e63);
	for (i = 0; i < 20000; i++) {
		unsigned int n = len, j, flips;
		u8 *m;

		switch (i % 3) {
		case 0:
			n = prandom_u32_state(&rnd) % (len + 16);
			break;
		case 1:
			n = prandom_u32_state(&rnd) % len + 1;
			break;
		}
		m = kmalloc(max(n, 1U), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, m);
		if (i % 3 == 0) {
			prandom_bytes_state(&rnd, m, n);
			if (n >= 1)
				m[0] = FNAT_SYNC_VERSION;
			if (n >= 4)
				put_unaligned_be16(n, m + 2);
		} else {
			memcpy(m, good, min(n, len));
			if (n > len)
				memset(m + len, 0, n - len);
			if (n >= 4)
				put_unaligned_be16(n, m + 2);
			flips = prandom_u32_state(&rnd) % 4;
			for (j = 0; j < flips && n; j++)
				m[prandom_u32_state(&rnd) % n] ^=
					1 << (prandom_u32_state(&rnd) % 8);
		}
		if (fnat_sync_msg_check(m, n, &info) == FNAT_SYNC_OK &&
		    fnat_sync_msg_walk(m, &info, decode_any, &ok) ==
		    FNAT_SYNC_OK)
			accepted++;
		else
			refused++;
		kfree(m);
	}
	/* Both outcomes happen, or the fuzzing did not reach the decoder. */
	KUNIT_EXPECT_GT(test, accepted, 0);
	KUNIT_EXPECT_GT(test, refused, 0);
	KUNIT_EXPECT_GT(test, ok, 0);
}

static void fnat_sync_mac(struct kunit *test)
{
	static const u8 key[] = "0123456789abcdef0123456789abcdef";
	static const u8 other[] = "0123456789abcdef0123456789abcdeF";
	u8 *data = kunit_kzalloc(test, MSG_CAP, GFP_KERNEL);
	struct fnat_sync_auth a = {}, b = {};
	u8 mac[FNAT_SYNC_MAC_LEN];
	unsigned int len;

	KUNIT_ASSERT_EQ(test, fnat_sync_auth_init(&a, key, 32), 0);
	KUNIT_ASSERT_EQ(test, fnat_sync_auth_init(&b, other, 32), 0);
	len = build_all(data, MSG_CAP);
	KUNIT_ASSERT_EQ(test, fnat_sync_auth_mac(&a, data, len, mac), 0);
	KUNIT_EXPECT_TRUE(test, fnat_sync_auth_verify(&a, data, len, mac));
	KUNIT_EXPECT_FALSE(test, fnat_sync_auth_verify(&b, data, len, mac));
	data[len / 2] ^= 1;
	KUNIT_EXPECT_FALSE(test, fnat_sync_auth_verify(&a, data, len, mac));
	data[len / 2] ^= 1;
	mac[31] ^= 0x80;
	KUNIT_EXPECT_FALSE(test, fnat_sync_auth_verify(&a, data, len, mac));
	mac[31] ^= 0x80;
	KUNIT_EXPECT_FALSE(test, fnat_sync_auth_verify(&a, data, len - 1, mac));
	KUNIT_EXPECT_TRUE(test, fnat_sync_auth_verify(&a, data, len, mac));
	fnat_sync_auth_free(&a);
	fnat_sync_auth_free(&b);
}

/* The window against a naive set of every number seen. */
static void fnat_sync_replay_window(struct kunit *test)
{
	struct fnat_sync_replay w = {};
	static unsigned long seen[BITS_TO_LONGS(4096)];
	struct rnd_state rnd;
	u64 top = 0;
	int i;

	KUNIT_EXPECT_FALSE(test, fnat_sync_replay_check(&w, 0));
	KUNIT_EXPECT_TRUE(test, fnat_sync_replay_check(&w, 1));
	fnat_sync_replay_update(&w, 1);
	KUNIT_EXPECT_FALSE(test, fnat_sync_replay_check(&w, 1));
	fnat_sync_replay_update(&w, 1000);
	KUNIT_EXPECT_FALSE(test, fnat_sync_replay_check(&w, 1));
	KUNIT_EXPECT_TRUE(test, fnat_sync_replay_check(&w, 999));
	KUNIT_EXPECT_TRUE(test, fnat_sync_replay_check(&w, 1000 - 63));
	KUNIT_EXPECT_FALSE(test, fnat_sync_replay_check(&w, 1000 - 64));

	memset(&w, 0, sizeof(w));
	bitmap_zero(seen, 4096);
	prandom_seed_state(&rnd, 0x7265706c);
	for (i = 0; i < 20000; i++) {
		u64 seq = 1 + prandom_u32_state(&rnd) % 4000;
		bool want;

		/* Mostly near the top, as real traffic is. */
		if (i % 4)
			seq = top + 1 - prandom_u32_state(&rnd) % 80 + 8;
		if (!seq || seq >= 4096)
			continue;
		want = !test_bit(seq, seen) &&
		       (seq > top || top - seq < FNAT_SYNC_REPLAY_WINDOW);
		KUNIT_ASSERT_EQ(test, fnat_sync_replay_check(&w, seq), want);
		if (want) {
			fnat_sync_replay_update(&w, seq);
			set_bit(seq, seen);
			top = max(top, seq);
		}
	}
}

static void fnat_sync_freshness(struct kunit *test)
{
	u64 now = 1700000000000ULL;

	KUNIT_EXPECT_TRUE(test, fnat_sync_time_fresh(now, now, 30000));
	KUNIT_EXPECT_TRUE(test, fnat_sync_time_fresh(now - 30000, now, 30000));
	KUNIT_EXPECT_FALSE(test, fnat_sync_time_fresh(now - 30001, now,
						      30000));
	KUNIT_EXPECT_FALSE(test, fnat_sync_time_fresh(now + 30001, now,
						      30000));
}

static struct kunit_case fnat_sync_cases[] = {
	KUNIT_CASE(fnat_sync_round_trip),
	KUNIT_CASE(fnat_sync_full_buffer),
	KUNIT_CASE(fnat_sync_bad_headers),
	KUNIT_CASE(fnat_sync_bad_records),
	KUNIT_CASE(fnat_sync_synproxy),
	KUNIT_CASE(fnat_sync_fuzz),
	KUNIT_CASE(fnat_sync_mac),
	KUNIT_CASE(fnat_sync_replay_window),
	KUNIT_CASE(fnat_sync_freshness),
	{}
};

static struct kunit_suite fnat_sync_suite = {
	.name = "fnat_sync",
	.test_cases = fnat_sync_cases,
};

kunit_test_suite(fnat_sync_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: the session sync wire format (see fnat_sync_msg.h).
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/kernel.h>
#include <linux/socket.h>
#include <linux/string.h>
#include "fnat_compat.h"
#include "fnat_proto_tcp.h"
#include "fnat_sync_msg.h"

#define FNAT_SYNC_ALIGN(len)	ALIGN((len), 4)

void fnat_sync_buf_init(struct fnat_sync_buf *b, void *data, unsigned int cap)
{
	b->data = data;
	b->cap = cap;
	b->len = sizeof(struct fnat_sync_hdr);
	b->count = 0;
}

static unsigned int fnat_sync_addr_len(u16 af)
{
	return af == AF_INET6 ? 16 : 4;
}

/* Appends an attribute; the caller rolls the record back when it fails. */
static int fnat_sync_put(struct fnat_sync_buf *b, u16 type, const void *val,
			 unsigned int len)
{
	unsigned int room = sizeof(struct fnat_sync_attr) +
			    FNAT_SYNC_ALIGN(len);
	struct fnat_sync_attr *a;

	if (b->len + room > b->cap)
		return -EMSGSIZE;
	a = (struct fnat_sync_attr *)(b->data + b->len);
	put_unaligned_be16(type, &a->type);
	put_unaligned_be16(sizeof(*a) + len, &a->length);
	memcpy(a + 1, val, len);
	memset((u8 *)(a + 1) + len, 0, FNAT_SYNC_ALIGN(len) - len);
	b->len += room;
	return 0;
}

static int fnat_sync_put_u8(struct fnat_sync_buf *b, u16 type, u8 v)
{
	return fnat_sync_put(b, type, &v, sizeof(v));
}

static int fnat_sync_put_be32(struct fnat_sync_buf *b, u16 type, u32 v)
{
	__be32 be = cpu_to_be32(v);

	return fnat_sync_put(b, type, &be, sizeof(be));
}

static int fnat_sync_put_addr(struct fnat_sync_buf *b, u16 type, u16 af,
			      const union nf_inet_addr *addr)
{
	return fnat_sync_put(b, type, addr, fnat_sync_addr_len(af));
}

/* Starts a record; returns where it starts, for the end or the rollback. */
static int fnat_sync_rec_start(struct fnat_sync_buf *b, u8 type,
			       unsigned int *start)
{
	struct fnat_sync_rec *rec;

	if (b->len + sizeof(*rec) > b->cap || b->count == U16_MAX)
		return -EMSGSIZE;
	*start = b->len;
	rec = (struct fnat_sync_rec *)(b->data + b->len);
	rec->type = type;
	rec->flags = 0;
	b->len += sizeof(*rec);
	return 0;
}

static int fnat_sync_rec_end(struct fnat_sync_buf *b, unsigned int start,
			     int err)
{
	struct fnat_sync_rec *rec = (struct fnat_sync_rec *)(b->data + start);

	if (err) {
		b->len = start;
		return err;
	}
	put_unaligned_be16(b->len - start, &rec->length);
	b->count++;
	return 0;
}

/* The attributes that name a connection: DEL's, and CONN's first ones. */
static int fnat_sync_put_key(struct fnat_sync_buf *b,
			     const struct fnat_sync_conn_rec *r)
{
	return fnat_sync_put_u8(b, FNAT_SYNC_A_FAMILY, r->af) ?:
	       fnat_sync_put_u8(b, FNAT_SYNC_A_PROTOCOL, r->protocol) ?:
	       fnat_sync_put_addr(b, FNAT_SYNC_A_CADDR, r->af, &r->caddr) ?:
	       fnat_sync_put(b, FNAT_SYNC_A_CPORT, &r->cport, 2) ?:
	       fnat_sync_put_addr(b, FNAT_SYNC_A_VADDR, r->af, &r->vaddr) ?:
	       fnat_sync_put(b, FNAT_SYNC_A_VPORT, &r->vport, 2);
}

int fnat_sync_put_conn(struct fnat_sync_buf *b,
		       const struct fnat_sync_conn_rec *r)
{
	unsigned int start;
	int err;

	err = fnat_sync_rec_start(b, FNAT_SYNC_REC_CONN, &start);
	if (err)
		return err;
	err = fnat_sync_put_key(b, r) ?:
	      fnat_sync_put_addr(b, FNAT_SYNC_A_DADDR, r->daf, &r->daddr) ?:
	      fnat_sync_put(b, FNAT_SYNC_A_DPORT, &r->dport, 2) ?:
	      fnat_sync_put_u8(b, FNAT_SYNC_A_FWD_METHOD, r->fwd_method) ?:
	      fnat_sync_put_u8(b, FNAT_SYNC_A_STATE, r->state) ?:
	      fnat_sync_put_be32(b, FNAT_SYNC_A_TIMEOUT, r->timeout_ms);
	if (!err && r->daf != r->af)
		err = fnat_sync_put_u8(b, FNAT_SYNC_A_DEST_FAMILY, r->daf);
	if (!err && r->flags)
		err = fnat_sync_put_be32(b, FNAT_SYNC_A_FLAGS, r->flags);
	if (!err && r->has_laddr)
		err = fnat_sync_put_addr(b, FNAT_SYNC_A_LADDR, r->daf,
					 &r->laddr) ?:
		      fnat_sync_put(b, FNAT_SYNC_A_LPORT, &r->lport, 2);
	if (!err && r->has_seq_delta)
		err = fnat_sync_put_be32(b, FNAT_SYNC_A_SEQ_DELTA,
					 r->seq_delta);
	if (!err && (r->flags & FNAT_SYNC_CONN_F_TEMPLATE))
		err = fnat_sync_put_be32(b, FNAT_SYNC_A_TMPL_TIMEOUT,
					 r->tmpl_timeout);
	if (!err && (r->flags & FNAT_SYNC_CONN_F_SYNPROXY)) {
		u8 ws[4] = { r->sp_ws[0], r->sp_ws[1], r->sp_ws[2], 0 };

		err = fnat_sync_put_be32(b, FNAT_SYNC_A_SP_DELTA,
					 r->sp_delta) ?:
		      fnat_sync_put(b, FNAT_SYNC_A_SP_WSCALE, ws, sizeof(ws));
	}
	return fnat_sync_rec_end(b, start, err);
}

int fnat_sync_put_del(struct fnat_sync_buf *b,
		      const struct fnat_sync_conn_rec *r)
{
	unsigned int start;
	int err;

	err = fnat_sync_rec_start(b, FNAT_SYNC_REC_DEL, &start);
	if (err)
		return err;
	return fnat_sync_rec_end(b, start, fnat_sync_put_key(b, r));
}

int fnat_sync_put_bulk_req(struct fnat_sync_buf *b)
{
	unsigned int start;
	int err;

	err = fnat_sync_rec_start(b, FNAT_SYNC_REC_BULK_REQ, &start);
	if (err)
		return err;
	return fnat_sync_rec_end(b, start, 0);
}

int fnat_sync_put_bulk_end(struct fnat_sync_buf *b, u32 count)
{
	unsigned int start;
	int err;

	err = fnat_sync_rec_start(b, FNAT_SYNC_REC_BULK_END, &start);
	if (err)
		return err;
	return fnat_sync_rec_end(b, start,
				 fnat_sync_put_be32(b, FNAT_SYNC_A_COUNT,
						    count));
}

/* Writes the header; a MAC, if any, goes after b->len. */
void fnat_sync_buf_finish(struct fnat_sync_buf *b, u8 syncid, u8 flags,
			  u8 mac_len, u32 sender, u64 seq, u64 time_ms)
{
	struct fnat_sync_hdr *h = (struct fnat_sync_hdr *)b->data;

	h->version = FNAT_SYNC_VERSION;
	h->flags = flags;
	put_unaligned_be16(b->len + mac_len, &h->length);
	h->syncid = syncid;
	h->mac_len = mac_len;
	put_unaligned_be16(b->count, &h->count);
	put_unaligned_be32(sender, &h->sender);
	h->reserved = 0;
	put_unaligned_be64(seq, &h->seq);
	put_unaligned_be64(time_ms, &h->time_ms);
}

/*
 * Checks a received message's header against its size. The datagram must
 * be exactly as long as the header says: shorter is a truncated message,
 * longer one with something appended.
 */
enum fnat_sync_err fnat_sync_msg_check(const void *data, unsigned int len,
				       struct fnat_sync_msg_info *info)
{
	const struct fnat_sync_hdr *h = data;
	unsigned int length;

	if (len < sizeof(*h))
		return FNAT_SYNC_E_SHORT;
	if (h->version != FNAT_SYNC_VERSION)
		return FNAT_SYNC_E_BAD_VERSION;
	length = get_unaligned_be16(&h->length);
	if (len < length)
		return FNAT_SYNC_E_SHORT;
	if (len > length || (h->mac_len && h->mac_len != FNAT_SYNC_MAC_LEN) ||
	    length < sizeof(*h) + h->mac_len || h->reserved)
		return FNAT_SYNC_E_BAD_LENGTH;
	info->syncid = h->syncid;
	info->flags = h->flags;
	info->mac_len = h->mac_len;
	info->count = get_unaligned_be16(&h->count);
	info->sender = get_unaligned_be32(&h->sender);
	info->seq = get_unaligned_be64(&h->seq);
	info->time_ms = get_unaligned_be64(&h->time_ms);
	info->body_len = length - sizeof(*h) - h->mac_len;
	return FNAT_SYNC_OK;
}

/*
 * Calls @fn on each record of a checked message, after making sure the
 * records fill the body exactly and number what the header says: a
 * message that fails that is refused before @fn sees any of it.
 */
enum fnat_sync_err fnat_sync_msg_walk(const void *data,
				      const struct fnat_sync_msg_info *info,
				      int (*fn)(const void *rec,
						unsigned int len, void *arg),
				      void *arg)
{
	const u8 *body = (const u8 *)data + sizeof(struct fnat_sync_hdr);
	unsigned int off, len, n = 0;

	for (off = 0; off < info->body_len; off += len, n++) {
		if (info->body_len - off < sizeof(struct fnat_sync_rec))
			return FNAT_SYNC_E_BAD_LENGTH;
		len = get_unaligned_be16(&((const struct fnat_sync_rec *)
					   (body + off))->length);
		if (len < sizeof(struct fnat_sync_rec) || len % 4 ||
		    len > info->body_len - off)
			return FNAT_SYNC_E_BAD_LENGTH;
	}
	if (n != info->count)
		return FNAT_SYNC_E_BAD_LENGTH;
	for (off = 0; off < info->body_len; off += len) {
		len = get_unaligned_be16(&((const struct fnat_sync_rec *)
					   (body + off))->length);
		if (fn(body + off, len, arg))
			break;
	}
	return FNAT_SYNC_OK;
}

/* Length each attribute must have; 0: an address, as long as the family's. */
static const u8 fnat_sync_attr_len[FNAT_SYNC_A_MAX + 1] = {
	[FNAT_SYNC_A_FAMILY]		= 1,
	[FNAT_SYNC_A_PROTOCOL]		= 1,
	[FNAT_SYNC_A_CADDR]		= 0,
	[FNAT_SYNC_A_CPORT]		= 2,
	[FNAT_SYNC_A_VADDR]		= 0,
	[FNAT_SYNC_A_VPORT]		= 2,
	[FNAT_SYNC_A_DADDR]		= 0,
	[FNAT_SYNC_A_DPORT]		= 2,
	[FNAT_SYNC_A_LADDR]		= 0,
	[FNAT_SYNC_A_LPORT]		= 2,
	[FNAT_SYNC_A_FWD_METHOD]	= 1,
	[FNAT_SYNC_A_STATE]		= 1,
	[FNAT_SYNC_A_TIMEOUT]		= 4,
	[FNAT_SYNC_A_FLAGS]		= 4,
	[FNAT_SYNC_A_SEQ_DELTA]		= 4,
	[FNAT_SYNC_A_TMPL_TIMEOUT]	= 4,
	[FNAT_SYNC_A_COUNT]		= 4,
	[FNAT_SYNC_A_DEST_FAMILY]	= 1,
	[FNAT_SYNC_A_SP_DELTA]		= 4,
	[FNAT_SYNC_A_SP_WSCALE]		= 4,
};

#define FNAT_SYNC_KEY_ATTRS	(BIT(FNAT_SYNC_A_FAMILY) | \
				 BIT(FNAT_SYNC_A_PROTOCOL) | \
				 BIT(FNAT_SYNC_A_CADDR) | \
				 BIT(FNAT_SYNC_A_CPORT) | \
				 BIT(FNAT_SYNC_A_VADDR) | \
				 BIT(FNAT_SYNC_A_VPORT))
#define FNAT_SYNC_CONN_ATTRS	(FNAT_SYNC_KEY_ATTRS | \
				 BIT(FNAT_SYNC_A_DADDR) | \
				 BIT(FNAT_SYNC_A_DPORT) | \
				 BIT(FNAT_SYNC_A_FWD_METHOD) | \
				 BIT(FNAT_SYNC_A_STATE) | \
				 BIT(FNAT_SYNC_A_TIMEOUT))

static u32 fnat_sync_get_be32(const void *v)
{
	return get_unaligned_be32(v);
}

static int fnat_sync_get_addr(const void *v, unsigned int len, u16 af,
			      union nf_inet_addr *addr)
{
	if (len != fnat_sync_addr_len(af))
		return -EINVAL;
	memset(addr, 0, sizeof(*addr));
	memcpy(addr, v, len);
	return 0;
}

/*
 * The SYN proxy's offsets: both present exactly with the flag, window
 * scales each 0..14 or 0xff (none), then a zero byte.
 */
static int fnat_sync_get_sp(struct fnat_sync_conn_rec *r, const u8 *delta,
			    const u8 *ws)
{
	unsigned int i;

	if (!(r->flags & FNAT_SYNC_CONN_F_SYNPROXY))
		return delta || ws ? -EINVAL : 0;
	if (!delta || !ws || ws[3])
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(r->sp_ws); i++) {
		if (ws[i] > FNAT_SYNC_SP_WS_MAX && ws[i] != FNAT_SYNC_SP_WS_NONE)
			return -EINVAL;
		r->sp_ws[i] = ws[i];
	}
	r->sp_delta = fnat_sync_get_be32(delta);
	return 0;
}

/* Whether a CONN record describes something a table could hold. */
static bool fnat_sync_conn_sane(const struct fnat_sync_conn_rec *r)
{
	bool tmpl = r->flags & FNAT_SYNC_CONN_F_TEMPLATE;

	if (r->fwd_method < FNAT_FWD_DR || r->fwd_method > FNAT_FWD_MAX ||
	    r->state >= FNAT_TCP_STATE_MAX || (r->flags & ~FNAT_SYNC_CONN_F_ALL))
		return false;
	if (r->protocol == IPPROTO_UDP && r->state != FNAT_TCP_NONE)
		return false;
	/* Only FULLNAT takes an IPv6 service to an IPv4 dest. */
	if (r->daf != r->af &&
	    (r->af != AF_INET6 || r->daf != AF_INET ||
	     r->fwd_method != FNAT_FWD_FULLNAT))
		return false;
	/* The proxy bridges TCP handshakes it sees both halves of. */
	if ((r->flags & FNAT_SYNC_CONN_F_SYNPROXY) &&
	    (r->protocol != IPPROTO_TCP ||
	     (r->fwd_method != FNAT_FWD_NAT &&
	      r->fwd_method != FNAT_FWD_FULLNAT)))
		return false;
	if (tmpl)
		return r->tmpl_timeout && r->tmpl_timeout <= FNAT_PERSIST_MAX &&
		       !r->has_laddr && !r->has_seq_delta &&
		       !(r->flags & ~FNAT_SYNC_CONN_F_TEMPLATE);
	/* FULLNAT needs its local end, and for TCP its sequence offset. */
	if (r->fwd_method == FNAT_FWD_FULLNAT)
		return r->has_laddr &&
		       r->has_seq_delta == (r->protocol == IPPROTO_TCP);
	return !r->has_laddr && !r->has_seq_delta;
}

/*
 * Decodes one record (as fnat_sync_msg_walk() hands it over) into @out.
 * Unknown attributes are skipped; a known one twice, of the wrong length,
 * or missing, or values that make no sense, make the record bad.
 */
enum fnat_sync_err fnat_sync_rec_decode(const void *rec, unsigned int len,
					struct fnat_sync_rec_view *out)
{
	const u8 *attrs[FNAT_SYNC_A_MAX + 1] = {};
	u16 alens[FNAT_SYNC_A_MAX + 1] = {};
	struct fnat_sync_conn_rec *r = &out->conn;
	unsigned int off, alen, type;
	unsigned long seen = 0, need;

	memset(out, 0, sizeof(*out));
	out->type = ((const struct fnat_sync_rec *)rec)->type;
	if (((const struct fnat_sync_rec *)rec)->flags)
		return FNAT_SYNC_E_BAD_RECORD;
	for (off = sizeof(struct fnat_sync_rec); off < len;
	     off += FNAT_SYNC_ALIGN(alen)) {
		const struct fnat_sync_attr *a = rec + off;

		if (len - off < sizeof(*a))
			return FNAT_SYNC_E_BAD_RECORD;
		alen = get_unaligned_be16(&a->length);
		type = get_unaligned_be16(&a->type);
		if (alen < sizeof(*a) || FNAT_SYNC_ALIGN(alen) > len - off)
			return FNAT_SYNC_E_BAD_RECORD;
		if (type == FNAT_SYNC_A_UNSPEC || type > FNAT_SYNC_A_MAX)
			continue;
		if (seen & BIT(type))
			return FNAT_SYNC_E_BAD_RECORD;
		seen |= BIT(type);
		attrs[type] = (const u8 *)(a + 1);
		alens[type] = alen - sizeof(*a);
		if (fnat_sync_attr_len[type] &&
		    alens[type] != fnat_sync_attr_len[type])
			return FNAT_SYNC_E_BAD_RECORD;
	}

	switch (out->type) {
	case FNAT_SYNC_REC_CONN:
		need = FNAT_SYNC_CONN_ATTRS;
		break;
	case FNAT_SYNC_REC_DEL:
		need = FNAT_SYNC_KEY_ATTRS;
		break;
	case FNAT_SYNC_REC_BULK_REQ:
		return FNAT_SYNC_OK;
	case FNAT_SYNC_REC_BULK_END:
		if (!attrs[FNAT_SYNC_A_COUNT])
			return FNAT_SYNC_E_BAD_RECORD;
		out->count = fnat_sync_get_be32(attrs[FNAT_SYNC_A_COUNT]);
		return FNAT_SYNC_OK;
	default:
		return FNAT_SYNC_E_BAD_RECORD;
	}
	if ((seen & need) != need)
		return FNAT_SYNC_E_BAD_RECORD;

	r->af = *attrs[FNAT_SYNC_A_FAMILY];
	r->protocol = *attrs[FNAT_SYNC_A_PROTOCOL];
	if ((r->af != AF_INET && r->af != AF_INET6) ||
	    (r->protocol != IPPROTO_TCP && r->protocol != IPPROTO_UDP))
		return FNAT_SYNC_E_BAD_RECORD;
	if (fnat_sync_get_addr(attrs[FNAT_SYNC_A_CADDR],
			       alens[FNAT_SYNC_A_CADDR], r->af, &r->caddr) ||
	    fnat_sync_get_addr(attrs[FNAT_SYNC_A_VADDR],
			       alens[FNAT_SYNC_A_VADDR], r->af, &r->vaddr))
		return FNAT_SYNC_E_BAD_RECORD;
	memcpy(&r->cport, attrs[FNAT_SYNC_A_CPORT], 2);
	memcpy(&r->vport, attrs[FNAT_SYNC_A_VPORT], 2);
	if (out->type == FNAT_SYNC_REC_DEL)
		return FNAT_SYNC_OK;

	r->daf = r->af;
	if (attrs[FNAT_SYNC_A_DEST_FAMILY])
		r->daf = *attrs[FNAT_SYNC_A_DEST_FAMILY];
	if ((r->daf != AF_INET && r->daf != AF_INET6) ||
	    fnat_sync_get_addr(attrs[FNAT_SYNC_A_DADDR],
			       alens[FNAT_SYNC_A_DADDR], r->daf, &r->daddr))
		return FNAT_SYNC_E_BAD_RECORD;
	memcpy(&r->dport, attrs[FNAT_SYNC_A_DPORT], 2);
	r->fwd_method = *attrs[FNAT_SYNC_A_FWD_METHOD];
	r->state = *attrs[FNAT_SYNC_A_STATE];
	r->timeout_ms = fnat_sync_get_be32(attrs[FNAT_SYNC_A_TIMEOUT]);
	if (attrs[FNAT_SYNC_A_FLAGS])
		r->flags = fnat_sync_get_be32(attrs[FNAT_SYNC_A_FLAGS]);
	if (attrs[FNAT_SYNC_A_LADDR] || attrs[FNAT_SYNC_A_LPORT]) {
		if (!attrs[FNAT_SYNC_A_LADDR] || !attrs[FNAT_SYNC_A_LPORT] ||
		    fnat_sync_get_addr(attrs[FNAT_SYNC_A_LADDR],
				       alens[FNAT_SYNC_A_LADDR], r->daf,
				       &r->laddr))
			return FNAT_SYNC_E_BAD_RECORD;
		memcpy(&r->lport, attrs[FNAT_SYNC_A_LPORT], 2);
		r->has_laddr = true;
	}
	if (attrs[FNAT_SYNC_A_SEQ_DELTA]) {
		r->seq_delta = fnat_sync_get_be32(attrs[FNAT_SYNC_A_SEQ_DELTA]);
		r->has_seq_delta = true;
	}
	if (attrs[FNAT_SYNC_A_TMPL_TIMEOUT])
		r->tmpl_timeout =
			fnat_sync_get_be32(attrs[FNAT_SYNC_A_TMPL_TIMEOUT]);
	if (fnat_sync_get_sp(r, attrs[FNAT_SYNC_A_SP_DELTA],
			     attrs[FNAT_SYNC_A_SP_WSCALE]))
		return FNAT_SYNC_E_BAD_RECORD;
	return fnat_sync_conn_sane(r) ? FNAT_SYNC_OK : FNAT_SYNC_E_BAD_RECORD;
}

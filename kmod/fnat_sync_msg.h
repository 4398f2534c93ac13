/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: the session sync wire format (include/uapi/fnat.h, "Session sync
 * wire format"): building messages and taking them apart.
 *
 * Nothing here touches sockets, the connection table or the clock, so the
 * format is testable on its own: a sender fills a buffer record by record
 * and stamps the header last; a receiver checks the header, walks the
 * records (all of them before applying any, so a message whose lengths do
 * not add up is refused whole) and decodes each one.
 */
#ifndef _FNAT_SYNC_MSG_H
#define _FNAT_SYNC_MSG_H

#include <linux/types.h>
#include <linux/netfilter.h>
#include <uapi/fnat.h>

/* What a CONN or DEL record carries, in host terms. */
/* A_SP_WSCALE's values: RFC 7323's largest shift, and none. */
#define FNAT_SYNC_SP_WS_MAX	14
#define FNAT_SYNC_SP_WS_NONE	0xff

struct fnat_sync_conn_rec {
	u16			af;
	u16			daf;		/* of daddr and laddr */
	u8			protocol;
	u8			fwd_method;
	u8			state;
	bool			has_laddr;	/* LADDR and LPORT */
	bool			has_seq_delta;
	u32			flags;		/* FNAT_SYNC_CONN_F_* */
	u32			timeout_ms;
	u32			seq_delta;
	u32			tmpl_timeout;	/* seconds */
	union nf_inet_addr	caddr;
	union nf_inet_addr	vaddr;
	union nf_inet_addr	daddr;
	union nf_inet_addr	laddr;
	__be16			cport;
	__be16			vport;
	__be16			dport;
	__be16			lport;
	/* FNAT_SYNC_CONN_F_SYNPROXY: A_SP_DELTA and A_SP_WSCALE. */
	u32			sp_delta;
	u8			sp_ws[3];	/* client, announced, server */
};

/* One decoded record. */
struct fnat_sync_rec_view {
	u8				type;	/* FNAT_SYNC_REC_* */
	struct fnat_sync_conn_rec	conn;	/* CONN, DEL */
	u32				count;	/* BULK_END */
};

/* A message being built in @data, @cap bytes (MAC room left out). */
struct fnat_sync_buf {
	u8		*data;
	unsigned int	len;
	unsigned int	cap;
	u16		count;
};

/* What a receiver learns from a message's header. */
struct fnat_sync_msg_info {
	u8		syncid;
	u8		flags;
	u8		mac_len;
	u16		count;
	u32		sender;
	u64		seq;
	u64		time_ms;
	unsigned int	body_len;	/* records, without header and MAC */
};

/* Why a message or record was refused: the daemon's counter for it. */
enum fnat_sync_err {
	FNAT_SYNC_OK,
	FNAT_SYNC_E_SHORT,
	FNAT_SYNC_E_BAD_VERSION,
	FNAT_SYNC_E_BAD_LENGTH,
	FNAT_SYNC_E_BAD_RECORD,
};

void fnat_sync_buf_init(struct fnat_sync_buf *b, void *data, unsigned int cap);
int fnat_sync_put_conn(struct fnat_sync_buf *b,
		       const struct fnat_sync_conn_rec *r);
int fnat_sync_put_del(struct fnat_sync_buf *b,
		      const struct fnat_sync_conn_rec *r);
int fnat_sync_put_bulk_req(struct fnat_sync_buf *b);
int fnat_sync_put_bulk_end(struct fnat_sync_buf *b, u32 count);
void fnat_sync_buf_finish(struct fnat_sync_buf *b, u8 syncid, u8 flags,
			  u8 mac_len, u32 sender, u64 seq, u64 time_ms);

enum fnat_sync_err fnat_sync_msg_check(const void *data, unsigned int len,
				       struct fnat_sync_msg_info *info);
enum fnat_sync_err fnat_sync_msg_walk(const void *data,
				      const struct fnat_sync_msg_info *info,
				      int (*fn)(const void *rec,
						unsigned int len, void *arg),
				      void *arg);
enum fnat_sync_err fnat_sync_rec_decode(const void *rec, unsigned int len,
					struct fnat_sync_rec_view *out);

#endif /* _FNAT_SYNC_MSG_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: the SYN proxy (see fnat_synproxy.c).
 */
#ifndef _FNAT_SYNPROXY_H
#define _FNAT_SYNPROXY_H

#include <linux/list.h>
#include <linux/skbuff.h>
#include "fnat.h"
#include "fnat_synproxy_cookie.h"
#include "fnat_tcpseq.h"

/* A verdict that means "not the proxy's: go on as for any packet". */
#define FNAT_SP_CONTINUE	(NF_MAX_VERDICT + 2)

/* Client segments held while the real server's handshake is under way. */
#define FNAT_SP_HOLD_MAX	8
/* SYNs to the real server: at 0, 1, 3 and 7 s, given up at 15 s. */
#define FNAT_SP_SYN_RETRIES	3
#define FNAT_SP_GIVE_UP		(15 * HZ)

struct fnat_sp_stats {
	u64	cookies;
	u64	acks;
	u64	rs_resets;
};

/* The real server's handshake, while under way; under the conn's lock. */
struct fnat_sp_pend {
	struct sk_buff_head	held;	/* client segments, oldest first */
	struct fnat_sp_opts	copts;	/* the client's, from the cookie */
	u32			c_win;	/* the client's window, unscaled */
	u32			mark;	/* the ACK's mark, for the SYN's route */
	bool			flushing; /* the server answered */
};

/* A connection the proxy opened: c->sp, set before insertion. */
struct fnat_sp_conn {
	/* The cookie's sequence space minus the real server's. */
	u32			delta;
	u32			c_isn;		/* the client's ISN */
	u32			k_isn;		/* the cookie: our ISN */
	u8			ws_client;	/* FNAT_SP_WS_NONE: none */
	u8			ws_ann;		/* what our SYN-ACK announced */
	u8			ws_rs;		/* the real server's */
	/* delta and ws_rs are set: the server has answered. */
	bool			ready;
	/* NULL once the held segments are out; under the conn's lock. */
	struct fnat_sp_pend	*pend;
	/* fn->sp_retry_list, which holds a reference to conn. */
	struct list_head	retry;
	struct fnat_conn	*conn;
	unsigned long		next_try;
	unsigned long		give_up;
	u8			tries;
};

bool fnat_sp_active(const struct fnat_service *svc);
unsigned int fnat_sp_syn(struct fnat_netns *fn, struct fnat_service *svc,
			 struct sk_buff *skb, const struct fnat_pkt *p);
unsigned int fnat_sp_ack(struct fnat_netns *fn, struct fnat_service *svc,
			 struct sk_buff *skb, const struct fnat_pkt *p);
unsigned int fnat_sp_client_pending(struct fnat_netns *fn,
				    struct fnat_conn *c, struct sk_buff *skb,
				    const struct fnat_pkt *p);
unsigned int fnat_sp_rs_reply(struct fnat_netns *fn, struct fnat_conn *c,
			      struct sk_buff *skb, const struct fnat_pkt *p);
void fnat_sp_conn_free(struct fnat_sp_conn *sp);

int fnat_sp_netns_init(struct fnat_netns *fn);
void fnat_sp_netns_pre_exit(struct fnat_netns *fn);
void fnat_sp_netns_exit(struct fnat_netns *fn);
void fnat_sp_stats_read(const struct fnat_netns *fn, struct fnat_sp_stats *s);
void fnat_sp_set_shared_key(struct fnat_netns *fn, const u8 *key,
			    unsigned int len);

/* sysfs synproxy_mss: 0, or FNAT_SP_MSS_MIN..FNAT_SP_MSS_MAX. */
#define FNAT_SP_MSS_MIN		536
#define FNAT_SP_MSS_MAX		9000
u32 fnat_sp_mss(void);
int fnat_sp_set_mss(u32 mss);
/* sysfs synproxy_wscale: 0..FNAT_SP_WS_MAX. */
u32 fnat_sp_wscale(void);
int fnat_sp_set_wscale(u32 ws);

/*
 * How a segment of @c crosses the director in direction @dir: the FULLNAT
 * ISN offset, and for a proxied connection once its server answered, the
 * cookie's offset and the window scales each end reads with.
 */
static inline void fnat_sp_tcp_adj(const struct fnat_conn *c,
				   enum fnat_conn_dir dir,
				   struct fnat_tcp_adj *a)
{
	const struct fnat_sp_conn *sp = c->sp;
	u8 cl, rs;

	memset(a, 0, sizeof(*a));
	if (dir == FNAT_DIR_ORIG)
		a->seq = c->seq_delta;
	else
		a->ack = c->seq_delta;
	/* Pairs with fnat_sp_rs_reply(): delta and ws_rs are set. */
	if (!sp || !smp_load_acquire(&sp->ready))
		return;
	/* A scale is in force only when both ends sent one (RFC 7323). */
	cl = sp->ws_client == FNAT_SP_WS_NONE ? 0 : sp->ws_client;
	rs = sp->ws_rs == FNAT_SP_WS_NONE || sp->ws_client == FNAT_SP_WS_NONE ?
	     0 : sp->ws_rs;
	if (dir == FNAT_DIR_ORIG) {
		a->ack = sp->delta;
		a->ws_from = cl;
		a->ws_to = sp->ws_rs == FNAT_SP_WS_NONE ? 0 : cl;
	} else {
		a->seq = sp->delta;
		a->ws_from = rs;
		a->ws_to = sp->ws_client == FNAT_SP_WS_NONE ? 0 : sp->ws_ann;
	}
}

/* Applies fnat_sp_tcp_adj() to a TCP segment of @c. */
/*
 * What an ICMP error travelling @dir must take off the sequence number of
 * the TCP segment it quotes, so that the segment's sender recognises it
 * (TCP ignores errors about sequence numbers outside its window): a
 * request, seen by the server, carries FULLNAT's offset; a reply, seen by
 * the client, the SYN proxy's once the server has answered.
 */
static inline u32 fnat_icmp_quote_seq_sub(const struct fnat_conn *c,
					  enum fnat_conn_dir dir)
{
	const struct fnat_sp_conn *sp = c->sp;

	if (dir == FNAT_DIR_REPLY)
		return c->seq_delta;
	/* Pairs with fnat_sp_rs_reply(): delta is set. */
	return sp && smp_load_acquire(&sp->ready) ? sp->delta : 0;
}

static inline int fnat_sp_tcp_adjust(const struct fnat_conn *c,
				     enum fnat_conn_dir dir,
				     struct sk_buff *skb,
				     const struct fnat_pkt *p)
{
	struct fnat_tcp_adj a;

	if (p->tuple.protocol != IPPROTO_TCP)
		return 0;
	fnat_sp_tcp_adj(c, dir, &a);
	if (!a.seq && !a.ack && a.ws_from == a.ws_to)
		return 0;
	return fnat_tcp_adjust(skb, p, &a);
}

#endif /* _FNAT_SYNPROXY_H */

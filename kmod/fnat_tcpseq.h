/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: what FULLNAT changes in TCP beyond addresses and ports.
 */
#ifndef _FNAT_TCPSEQ_H
#define _FNAT_TCPSEQ_H

#include "fnat_conn.h"
#include "fnat_pkt.h"

struct sk_buff;

/*
 * What a segment needs to cross from one end's view of a connection to the
 * other's: see fnat_tcp_adjust().
 */
struct fnat_tcp_adj {
	u32	seq;		/* added to the sequence number */
	u32	ack;		/* taken off the ack number and SACK edges */
	u8	ws_from;	/* window scale the sender announced under */
	u8	ws_to;		/* window scale the receiver reads under */
};

u32 fnat_tcp_isn(const struct fnat_tuple *to_server);
int fnat_tcp_adjust(struct sk_buff *skb, const struct fnat_pkt *p,
		    const struct fnat_tcp_adj *adj);
u16 fnat_tcp_rescale_window(u16 win, u8 from, u8 to);
int fnat_tcp_seq_out(struct sk_buff *skb, const struct fnat_pkt *p,
		     u32 delta);
int fnat_tcp_seq_in(struct sk_buff *skb, const struct fnat_pkt *p,
		    u32 delta);
int fnat_tcp_strip_timestamps(struct sk_buff *skb, const struct fnat_pkt *p);
bool fnat_tcp_strip_timestamps_on(void);
void fnat_tcp_set_strip_timestamps(bool on);

#endif /* _FNAT_TCPSEQ_H */

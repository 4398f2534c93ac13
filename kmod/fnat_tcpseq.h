/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: what FULLNAT changes in TCP beyond addresses and ports.
 */
#ifndef _FNAT_TCPSEQ_H
#define _FNAT_TCPSEQ_H

#include "fnat_conn.h"
#include "fnat_pkt.h"

struct sk_buff;

u32 fnat_tcp_isn(const struct fnat_tuple *to_server);
int fnat_tcp_seq_out(struct sk_buff *skb, const struct fnat_pkt *p,
		     u32 delta);
int fnat_tcp_seq_in(struct sk_buff *skb, const struct fnat_pkt *p,
		    u32 delta);
int fnat_tcp_strip_timestamps(struct sk_buff *skb, const struct fnat_pkt *p);
bool fnat_tcp_strip_timestamps_on(void);
void fnat_tcp_set_strip_timestamps(bool on);

#endif /* _FNAT_TCPSEQ_H */

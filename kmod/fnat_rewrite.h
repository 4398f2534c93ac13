/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: rewriting a packet's addresses and ports for NAT and FULLNAT.
 */
#ifndef _FNAT_REWRITE_H
#define _FNAT_REWRITE_H

#include "fnat_conn.h"
#include "fnat_pkt.h"

struct in6_addr;

int fnat_rewrite_v4(struct sk_buff *skb, const struct fnat_pkt *p,
		    const struct fnat_tuple *to);
int fnat_rewrite_icmp_v4(struct sk_buff *skb, const struct fnat_pkt *p,
			 __be32 outer_saddr, __be32 outer_daddr,
			 const struct fnat_tuple *inner_to, u32 inner_seq_sub);
int fnat_rewrite_v6(struct sk_buff *skb, const struct fnat_pkt *p,
		    const struct fnat_tuple *to);
int fnat_rewrite_icmp_v6(struct sk_buff *skb, const struct fnat_pkt *p,
			 const struct in6_addr *outer_saddr,
			 const struct in6_addr *outer_daddr,
			 const struct fnat_tuple *inner_to, u32 inner_seq_sub);

#endif /* _FNAT_REWRITE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: FULLNAT 6->4 transmit (fnat_xmit64.c); fnat_xmit.c's entry points
 * hand over the packets of connections whose two tuples differ in family.
 */
#ifndef _FNAT_XMIT64_H
#define _FNAT_XMIT64_H

#include "fnat_conn.h"
#include "fnat_pkt.h"

unsigned int fnat_xmit64_fullnat(struct fnat_netns *fn, struct fnat_conn *c,
				 struct sk_buff *skb, const struct fnat_pkt *p);
unsigned int fnat_xmit64_reply(struct fnat_netns *fn, struct fnat_conn *c,
			       struct sk_buff *skb, const struct fnat_pkt *p);
unsigned int fnat_xmit64_icmp(struct fnat_netns *fn, struct fnat_conn *c,
			      struct sk_buff *skb, const struct fnat_pkt *p,
			      enum fnat_conn_dir dir);

#endif /* _FNAT_XMIT64_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: the forwarding methods for IPv6; fnat_xmit.c's entry points hand
 * IPv6 packets over to these.
 */
#ifndef _FNAT_XMIT6_H
#define _FNAT_XMIT6_H

#include "fnat_conn.h"
#include "fnat_pkt.h"

unsigned int fnat_xmit6_nat(struct fnat_netns *fn, struct fnat_conn *c,
			    struct sk_buff *skb, const struct fnat_pkt *p);
unsigned int fnat_xmit6_dr(struct fnat_netns *fn, struct fnat_conn *c,
			   struct sk_buff *skb, const struct fnat_pkt *p);
unsigned int fnat_xmit6_tun(struct fnat_netns *fn, struct fnat_conn *c,
			    struct sk_buff *skb, const struct fnat_pkt *p);
unsigned int fnat_xmit6_fullnat(struct fnat_netns *fn, struct fnat_conn *c,
				struct sk_buff *skb, const struct fnat_pkt *p);
unsigned int fnat_xmit6_icmp_nat(struct fnat_netns *fn, struct fnat_conn *c,
				 struct sk_buff *skb, const struct fnat_pkt *p);
unsigned int fnat_xmit6_icmp_fullnat(struct fnat_netns *fn,
				     struct fnat_conn *c, struct sk_buff *skb,
				     const struct fnat_pkt *p,
				     enum fnat_conn_dir dir);
unsigned int fnat_xmit6_to_client_reply(struct fnat_netns *fn,
					struct fnat_conn *c,
					struct sk_buff *skb,
					const struct fnat_pkt *p, bool fullnat);

#endif /* _FNAT_XMIT6_H */

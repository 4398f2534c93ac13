/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: sending a request on to its real server, one function per
 * forwarding method.
 *
 * Each takes a packet that arrived for the director (LOCAL_IN): a request
 * or, for FULLNAT, a reply to a local address. Each checks it
 * fits the path and may live another hop, changes it as its method says
 * and sends it through LOCAL_OUT and POST_ROUTING, so the host's output
 * rules and fragmentation apply as to any packet the host sends. The
 * verdict is NF_STOLEN once sent, NF_DROP after counting why not, or, for
 * a packet marked FNAT_PKT_F_FAST that needs an ICMP answer (too big, TTL
 * out), FNAT_XMIT_SLOW_PATH with nothing changed.
 */
#ifndef _FNAT_XMIT_H
#define _FNAT_XMIT_H

#include "fnat_conn.h"
#include "fnat_pkt.h"

struct sk_buff;

/* Never a hook's verdict: the fast path turns it into NF_ACCEPT. */
#define FNAT_XMIT_SLOW_PATH	(NF_MAX_VERDICT + 1)

/*
 * NAT, server to client, from PRE_ROUTING: what the FORWARD hook and the
 * kernel's forwarding do otherwise.
 */
unsigned int fnat_xmit_nat_reply(struct fnat_netns *fn, struct fnat_conn *c,
				 struct sk_buff *skb, const struct fnat_pkt *p);

unsigned int fnat_xmit_nat(struct fnat_netns *fn, struct fnat_conn *c,
			   struct sk_buff *skb, const struct fnat_pkt *p);
unsigned int fnat_xmit_dr(struct fnat_netns *fn, struct fnat_conn *c,
			  struct sk_buff *skb, const struct fnat_pkt *p);
unsigned int fnat_xmit_tun(struct fnat_netns *fn, struct fnat_conn *c,
			   struct sk_buff *skb, const struct fnat_pkt *p);
unsigned int fnat_xmit_icmp_nat(struct fnat_netns *fn, struct fnat_conn *c,
				struct sk_buff *skb, const struct fnat_pkt *p);
unsigned int fnat_xmit_fullnat(struct fnat_netns *fn, struct fnat_conn *c,
			       struct sk_buff *skb, const struct fnat_pkt *p);
unsigned int fnat_xmit_fullnat_reply(struct fnat_netns *fn,
				     struct fnat_conn *c, struct sk_buff *skb,
				     const struct fnat_pkt *p);
unsigned int fnat_xmit_icmp_fullnat(struct fnat_netns *fn,
				    struct fnat_conn *c, struct sk_buff *skb,
				    const struct fnat_pkt *p,
				    enum fnat_conn_dir dir);

#endif /* _FNAT_XMIT_H */

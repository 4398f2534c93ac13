/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: IPv6 <-> IPv4 header translation for FULLNAT 6->4 (fnat_nat64.c).
 *
 * Both take a TCP or UDP packet at skb->data (its network header), as
 * fnat_pkt_parse() described it in @p, and leave it in the other family
 * with @to's addresses and ports, its network and transport headers set
 * and skb->protocol changed; @p no longer describes it. They return 0,
 * -ENOMEM, -EMSGSIZE (it would not fit the other family's length field),
 * -EPROTONOSUPPORT (a GSO kind fnat does not translate), or -EINVAL (not
 * a packet they translate: fragments, ICMP, IPv4 with p->l3off != 0).
 * On error the packet is unchanged.
 */
#ifndef _FNAT_NAT64_H
#define _FNAT_NAT64_H

#include <linux/ipv6.h>
#include "fnat_conn.h"
#include "fnat_pkt.h"

struct net;
struct sk_buff;

/* IPv4 packets up to this size leave without DF (RFC 7915, 5.1). */
#define FNAT_NAT64_DF_MIN	(IPV6_MIN_MTU - 20)

unsigned int fnat_nat64_v4_len(const struct sk_buff *skb,
			       const struct fnat_pkt *p);
/* @net: the netns the packet leaves from (its IP IDs). */
int fnat_nat64_to_v4(struct net *net, struct sk_buff *skb,
		     const struct fnat_pkt *p, const struct fnat_tuple *to);
/* @headroom: what to keep free in front for the link layer. */
int fnat_nat64_to_v6(struct sk_buff *skb, const struct fnat_pkt *p,
		     const struct fnat_tuple *to, unsigned int headroom);

#endif /* _FNAT_NAT64_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: IPIP and IPv6-in-IPv6 encapsulation for the TUN forwarding method.
 */
#ifndef _FNAT_TUNNEL_H
#define _FNAT_TUNNEL_H

#include <linux/types.h>

struct in6_addr;
struct net;
struct sk_buff;

int fnat_tunnel_ipip_push(struct net *net, struct sk_buff *skb, __be32 saddr,
			  __be32 daddr, unsigned int headroom);
int fnat_tunnel_ip6ip6_push(struct sk_buff *skb, const struct in6_addr *saddr,
			    const struct in6_addr *daddr,
			    unsigned int headroom);

#endif /* _FNAT_TUNNEL_H */

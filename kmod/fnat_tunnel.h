/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: IPIP encapsulation for the TUN forwarding method.
 */
#ifndef _FNAT_TUNNEL_H
#define _FNAT_TUNNEL_H

#include <linux/types.h>

struct net;
struct sk_buff;

int fnat_tunnel_ipip_push(struct net *net, struct sk_buff *skb, __be32 saddr,
			  __be32 daddr, unsigned int headroom);

#endif /* _FNAT_TUNNEL_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: what the transmit files share (fnat_xmit.c for IPv4,
 * fnat_xmit6.c for IPv6, fnat_xmit64.c for FULLNAT 6->4): routes with
 * their per-dest caches, handing a packet to the output path, and TOA.
 */
#ifndef _FNAT_XMIT_INTERNAL_H
#define _FNAT_XMIT_INTERNAL_H

#include <linux/in6.h>
#include <linux/netfilter.h>
#include <net/tcp.h>
#include "fnat_conn.h"
#include "fnat_drops.h"
#include "fnat_pkt.h"

struct dst_cache;
struct dst_entry;
struct rtable;

static inline unsigned int fnat_xmit_drop(struct fnat_netns *fn,
					  enum fnat_drop_reason reason)
{
	fnat_drop_count(fn, reason);
	return NF_DROP;
}

/* The connection's dest's route cache @slot, if it has a dest. */
static inline struct dst_cache *fnat_xmit_dst(const struct fnat_conn *c,
					      unsigned int slot)
{
	return c->dest ? &c->dest->dst_cache[slot] : NULL;
}

/* Reverses tuple @t: what the far end of its direction sees. */
static inline void fnat_xmit_reverse(const struct fnat_tuple *t,
				     struct fnat_tuple *to)
{
	*to = *t;
	to->saddr = t->daddr;
	to->daddr = t->saddr;
	to->sport = t->dport;
	to->dport = t->sport;
}

static inline bool fnat_xmit_is_syn(const struct fnat_pkt *p)
{
	return p->tuple.protocol == IPPROTO_TCP &&
	       (p->tcp_flags & (TCPHDR_SYN | TCPHDR_ACK)) == TCPHDR_SYN;
}

static inline bool fnat_xmit_is_synack(const struct fnat_pkt *p)
{
	return (p->tcp_flags & (TCPHDR_SYN | TCPHDR_ACK)) ==
	       (TCPHDR_SYN | TCPHDR_ACK);
}

struct rtable *fnat_xmit_cached_route(struct net *net, struct dst_cache *dc,
				      __be32 daddr, bool known_nh,
				      __be32 *saddr);
unsigned int fnat_xmit_send(struct net *net, struct sk_buff *skb,
			    struct rtable *rt);
struct dst_entry *fnat_xmit6_cached_route(struct net *net,
					  struct dst_cache *dc,
					  const struct in6_addr *daddr,
					  bool known_nh, struct in6_addr *saddr);
unsigned int fnat_xmit6_send(struct net *net, struct sk_buff *skb,
			     struct dst_entry *dst);
struct sk_buff *fnat_xmit_rebuild_quote(struct net *net,
					const struct fnat_tuple *t,
					const void *l4, unsigned int l4len);
int fnat_xmit_toa(struct fnat_netns *fn, struct fnat_conn *c,
		  struct sk_buff *skb, const struct fnat_pkt *p,
		  unsigned int mtu);

#endif /* _FNAT_XMIT_INTERNAL_H */

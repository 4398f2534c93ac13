// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: the forwarding methods for IPv6 (fnat_xmit.c's counterpart).
 *
 * IPv6 routers never fragment: a packet too big for the path is answered
 * with packet-too-big whatever its flags, before anything in it changes,
 * so the sender finds its own packet in the quote. The hop limit is
 * checked and decremented as a router would.
 */
#include <linux/icmpv6.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/addrconf.h>
#include <net/dst.h>
#include <net/dst_cache.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include "fnat_compat.h"
#include "fnat_drops.h"
#include "fnat_rewrite.h"
#include "fnat_tcpseq.h"
#include "fnat_xmit.h"
#include "fnat_xmit6.h"

static unsigned int fnat_xmit6_drop(struct fnat_netns *fn,
				    enum fnat_drop_reason reason)
{
	fnat_drop_count(fn, reason);
	return NF_DROP;
}

/*
 * The route to @daddr from *@saddr (any when unspecified, which it is then
 * set to). @known_nh makes @daddr the next hop whatever address the packet
 * keeps (DR): the kernel then clones a route with it as gateway. A route
 * ending on the director itself would loop, so it counts as none.
 */
static struct dst_entry *fnat_xmit6_route(struct net *net,
					  const struct in6_addr *daddr,
					  bool known_nh, struct in6_addr *saddr)
{
	struct flowi6 fl6 = {
		.daddr		= *daddr,
		.saddr		= *saddr,
		.flowi6_flags	= known_nh ? FLOWI_FLAG_KNOWN_NH : 0,
	};
	struct dst_entry *dst;

	dst = ip6_route_output(net, NULL, &fl6);
	if (dst->error)
		goto none;
	if (dst->dev->flags & IFF_LOOPBACK)
		goto none;
	if (ipv6_addr_any(saddr) &&
	    ipv6_dev_get_saddr(net, ip6_dst_idev(dst)->dev, daddr, 0, saddr))
		goto none;
	return dst;
none:
	dst_release(dst);
	return NULL;
}

/* As fnat_xmit_cached_route(), for IPv6. */
static struct dst_entry *fnat_xmit6_cached_route(struct net *net,
						 struct dst_cache *dc,
						 const struct in6_addr *daddr,
						 bool known_nh,
						 struct in6_addr *saddr)
{
	struct in6_addr cached;
	struct dst_entry *dst;

	if (dc) {
		dst = dst_cache_get_ip6(dc, &cached);
		if (dst && (ipv6_addr_any(saddr) ||
			    ipv6_addr_equal(saddr, &cached))) {
			*saddr = cached;
			return dst;
		}
		dst_release(dst);
	}
	dst = fnat_xmit6_route(net, daddr, known_nh, saddr);
	if (dst && dc)
		dst_cache_set_ip6(dc, dst, saddr);
	return dst;
}

static bool fnat_xmit6_fits(const struct sk_buff *skb, unsigned int mtu)
{
	if (skb->len <= mtu)
		return true;
	return skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu);
}

static bool fnat_xmit6_needs_icmp(const struct sk_buff *skb,
				  unsigned int mtu)
{
	return ipv6_hdr(skb)->hop_limit <= 1 ||
	       (!fnat_xmit6_fits(skb, mtu) && !skb->ignore_df);
}

static enum fnat_drop_reason fnat_xmit6_check(struct sk_buff *skb,
					      unsigned int mtu)
{
	if (!fnat_xmit6_fits(skb, mtu) && !skb->ignore_df) {
		icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
		return FNAT_DROP_FRAG_NEEDED;
	}
	if (ipv6_hdr(skb)->hop_limit <= 1) {
		icmpv6_send(skb, ICMPV6_TIME_EXCEED, ICMPV6_EXC_HOPLIMIT, 0);
		return FNAT_DROP_TTL_EXPIRED;
	}
	return 0;
}

static unsigned int fnat_xmit6_send(struct net *net, struct sk_buff *skb,
				    struct dst_entry *dst)
{
	skb_dst_drop(skb);
	skb_dst_set(skb, dst);
	skb_forward_csum(skb);
	ip6_local_out(net, NULL, skb);
	return NF_STOLEN;
}

/* As fnat_xmit_prepare(), for IPv6. */
static unsigned int fnat_xmit6_prepare(struct fnat_netns *fn,
				       struct sk_buff *skb,
				       const struct fnat_pkt *p,
				       const struct in6_addr *daddr,
				       bool known_nh, unsigned int overhead,
				       struct dst_cache *dc,
				       struct dst_entry **dstp,
				       struct in6_addr *saddr)
{
	enum fnat_drop_reason reason;
	struct dst_entry *dst;

	dst = fnat_xmit6_cached_route(fn->net, dc, daddr, known_nh, saddr);
	if (!dst)
		return fnat_xmit6_drop(fn, FNAT_DROP_NO_ROUTE);
	if ((p->flags & FNAT_PKT_F_FAST) &&
	    fnat_xmit6_needs_icmp(skb, dst_mtu(dst) - overhead)) {
		dst_release(dst);
		return FNAT_XMIT_SLOW_PATH;
	}
	reason = fnat_xmit6_check(skb, dst_mtu(dst) - overhead);
	if (reason) {
		dst_release(dst);
		return fnat_xmit6_drop(fn, reason);
	}
	if (skb_ensure_writable(skb, p->l3off + sizeof(struct ipv6hdr))) {
		dst_release(dst);
		return fnat_xmit6_drop(fn, FNAT_DROP_NO_MEM);
	}
	ipv6_hdr(skb)->hop_limit--;
	*dstp = dst;
	return NF_ACCEPT;
}

static struct dst_cache *fnat_xmit6_dst(const struct fnat_conn *c,
					unsigned int slot)
{
	return c->dest ? &c->dest->dst_cache[slot] : NULL;
}

/* The tuple the real server must see: the reply tuple, reversed. */
static void fnat_xmit6_to_server(const struct fnat_conn *c,
				 struct fnat_tuple *to)
{
	const struct fnat_tuple *r = &c->tuple[FNAT_DIR_REPLY];

	*to = *r;
	to->saddr = r->daddr;
	to->daddr = r->saddr;
	to->sport = r->dport;
	to->dport = r->sport;
}

/* The tuple the client must see: the original tuple, reversed. */
static void fnat_xmit6_to_client(const struct fnat_conn *c,
				 struct fnat_tuple *to)
{
	const struct fnat_tuple *o = &c->tuple[FNAT_DIR_ORIG];

	*to = *o;
	to->saddr = o->daddr;
	to->daddr = o->saddr;
	to->sport = o->dport;
	to->dport = o->sport;
}

unsigned int fnat_xmit6_nat(struct fnat_netns *fn, struct fnat_conn *c,
			    struct sk_buff *skb, const struct fnat_pkt *p)
{
	struct in6_addr src = {};
	struct dst_entry *dst;
	struct fnat_tuple to;
	unsigned int v;

	fnat_xmit6_to_server(c, &to);
	v = fnat_xmit6_prepare(fn, skb, p, &to.daddr.in6, false, 0,
			       fnat_xmit6_dst(c, FNAT_DEST_DST_PLAIN), &dst,
			       &src);
	if (v != NF_ACCEPT)
		return v;
	if (fnat_rewrite_v6(skb, p, &to)) {
		dst_release(dst);
		return fnat_xmit6_drop(fn, FNAT_DROP_NO_MEM);
	}
	return fnat_xmit6_send(fn->net, skb, dst);
}

/* The real server holds the VIP: the packet goes to it unchanged. */
unsigned int fnat_xmit6_dr(struct fnat_netns *fn, struct fnat_conn *c,
			   struct sk_buff *skb, const struct fnat_pkt *p)
{
	struct in6_addr src = {};
	struct dst_entry *dst;
	unsigned int v;

	v = fnat_xmit6_prepare(fn, skb, p, &c->tuple[FNAT_DIR_REPLY].saddr.in6,
			       true, 0,
			       fnat_xmit6_dst(c, FNAT_DEST_DST_KNOWN_NH), &dst,
			       &src);
	if (v != NF_ACCEPT)
		return v;
	return fnat_xmit6_send(fn->net, skb, dst);
}

/* NAT and FULLNAT replies, server to client, from the VIP. */
unsigned int fnat_xmit6_to_client_reply(struct fnat_netns *fn,
					struct fnat_conn *c,
					struct sk_buff *skb,
					const struct fnat_pkt *p, bool fullnat)
{
	struct dst_entry *dst;
	struct fnat_tuple to;
	struct in6_addr src;
	unsigned int v;

	fnat_xmit6_to_client(c, &to);
	src = to.saddr.in6;
	v = fnat_xmit6_prepare(fn, skb, p, &to.daddr.in6, false, 0, NULL, &dst,
			       &src);
	if (v != NF_ACCEPT)
		return v;
	if (fnat_rewrite_v6(skb, p, &to) ||
	    (fullnat && p->tuple.protocol == IPPROTO_TCP &&
	     fnat_tcp_seq_in(skb, p, c->seq_delta))) {
		dst_release(dst);
		return fnat_xmit6_drop(fn, FNAT_DROP_NO_MEM);
	}
	return fnat_xmit6_send(fn->net, skb, dst);
}

/*
 * WIP (next): TUN as ip6ip6; FULLNAT 6->6 (TOA kind 253 and the MSS
 * clamp need the IPv6 payload length kept right); ICMPv6 errors for NAT
 * and FULLNAT with fnat_rewrite_icmp_v6(); FULLNAT 6->4, which rebuilds
 * the IP header.
 */

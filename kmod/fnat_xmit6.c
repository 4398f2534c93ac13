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
#include "fnat_log.h"
#include "fnat_rewrite.h"
#include "fnat_tcpseq.h"
#include "fnat_xmit.h"
#include "fnat_toa.h"
#include "fnat_tun_icmp.h"
#include "fnat_tunnel.h"
#include "fnat_xmit6.h"
#include "fnat_synproxy.h"
#include "fnat_xmit_internal.h"

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
struct dst_entry *fnat_xmit6_cached_route(struct net *net,
					  struct dst_cache *dc,
					  const struct in6_addr *daddr,
					  bool known_nh, struct in6_addr *saddr)
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
	if (!dst) {
		fnat_warn_ratelimited("no route to %pI6c from %pI6c\n", daddr,
				      saddr);
		return NULL;
	}
	if (dc)
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

unsigned int fnat_xmit6_send(struct net *net, struct sk_buff *skb,
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
				       u32 cap, struct dst_cache *dc,
				       struct dst_entry **dstp,
				       struct in6_addr *saddr)
{
	enum fnat_drop_reason reason;
	struct dst_entry *dst;
	unsigned int mtu;

	dst = fnat_xmit6_cached_route(fn->net, dc, daddr, known_nh, saddr);
	if (!dst)
		return fnat_xmit_drop(fn, FNAT_DROP_NO_ROUTE);
	mtu = dst_mtu(dst);
	if (cap && cap < mtu)
		mtu = cap;
	if ((p->flags & FNAT_PKT_F_FAST) &&
	    fnat_xmit6_needs_icmp(skb, mtu - overhead)) {
		dst_release(dst);
		return FNAT_XMIT_SLOW_PATH;
	}
	reason = fnat_xmit6_check(skb, mtu - overhead);
	if (reason) {
		dst_release(dst);
		return fnat_xmit_drop(fn, reason);
	}
	if (skb_ensure_writable(skb, p->l3off + sizeof(struct ipv6hdr))) {
		dst_release(dst);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	ipv6_hdr(skb)->hop_limit--;
	*dstp = dst;
	return NF_ACCEPT;
}

unsigned int fnat_xmit6_nat(struct fnat_netns *fn, struct fnat_conn *c,
			    struct sk_buff *skb, const struct fnat_pkt *p)
{
	struct in6_addr src = {};
	struct dst_entry *dst;
	struct fnat_tuple to;
	unsigned int v;

	fnat_xmit_reverse(&c->tuple[FNAT_DIR_REPLY], &to);
	v = fnat_xmit6_prepare(fn, skb, p, &to.daddr.in6, false, 0, 0,
			       fnat_xmit_dst(c, FNAT_DEST_DST_PLAIN), &dst,
			       &src);
	if (v != NF_ACCEPT)
		return v;
	if (fnat_rewrite_v6(skb, p, &to) ||
	    (c->sp && fnat_sp_tcp_adjust(c, FNAT_DIR_ORIG, skb, p))) {
		dst_release(dst);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	return fnat_xmit6_send(fn->net, skb, dst);
}

/*
 * The real server holds the VIP: the packet goes to it unchanged. The
 * route is not cached: for a known next hop the kernel makes a clone that
 * pins the route it came from, and with it its device, which could then
 * never be unregistered; a packet's own reference goes with the packet.
 */
unsigned int fnat_xmit6_dr(struct fnat_netns *fn, struct fnat_conn *c,
			   struct sk_buff *skb, const struct fnat_pkt *p)
{
	struct in6_addr src = {};
	struct dst_entry *dst;
	unsigned int v;

	v = fnat_xmit6_prepare(fn, skb, p, &c->tuple[FNAT_DIR_REPLY].saddr.in6,
			       true, 0, 0, NULL, &dst, &src);
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

	fnat_xmit_reverse(&c->tuple[FNAT_DIR_ORIG], &to);
	src = to.saddr.in6;
	v = fnat_xmit6_prepare(fn, skb, p, &to.daddr.in6, false, 0, 0, NULL,
			       &dst, &src);
	if (v != NF_ACCEPT)
		return v;
	if (fnat_rewrite_v6(skb, p, &to) ||
	    fnat_sp_tcp_adjust(c, FNAT_DIR_REPLY, skb, p) ||
	    (fullnat && fnat_xmit_is_synack(p) && fnat_toa_enabled() &&
	     fnat_tcp_clamp_mss(skb, p, FNAT_TOA6_LEN))) {
		dst_release(dst);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	return fnat_xmit6_send(fn->net, skb, dst);
}

/* ip6ip6 to the real server, which decapsulates and answers from the VIP. */
unsigned int fnat_xmit6_tun(struct fnat_netns *fn, struct fnat_conn *c,
			    struct sk_buff *skb, const struct fnat_pkt *p)
{
	const struct in6_addr *rs = &c->tuple[FNAT_DIR_REPLY].saddr.in6;
	struct in6_addr src = {};
	struct dst_entry *dst;
	unsigned int v;

	v = fnat_xmit6_prepare(fn, skb, p, rs, false, sizeof(struct ipv6hdr),
			       fnat_tun_mtu(c->dest),
			       fnat_xmit_dst(c, FNAT_DEST_DST_PLAIN), &dst,
			       &src);
	if (v != NF_ACCEPT)
		return v;
	if (fnat_tunnel_ip6ip6_push(skb, &src, rs,
				    LL_RESERVED_SPACE(dst->dev) +
				    dst->header_len)) {
		dst_release(dst);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	return fnat_xmit6_send(fn->net, skb, dst);
}

/* FULLNAT 6->6, client to server (fnat_xmit_fullnat()'s counterpart). */
unsigned int fnat_xmit6_fullnat(struct fnat_netns *fn, struct fnat_conn *c,
				struct sk_buff *skb, const struct fnat_pkt *p)
{
	struct dst_entry *dst;
	struct fnat_tuple to;
	struct in6_addr src;
	unsigned int v;

	fnat_xmit_reverse(&c->tuple[FNAT_DIR_REPLY], &to);
	src = to.saddr.in6;
	v = fnat_xmit6_prepare(fn, skb, p, &to.daddr.in6, false, 0, 0,
			       fnat_xmit_dst(c, FNAT_DEST_DST_FULLNAT +
					     (c->laddr ? c->laddr->dst_slot : 0)),
			       &dst, &src);
	if (v != NF_ACCEPT)
		return v;
	if (fnat_rewrite_v6(skb, p, &to) ||
	    (fnat_xmit_is_syn(p) && fnat_tcp_strip_timestamps_on() &&
	     fnat_tcp_strip_timestamps(skb, p)) ||
	    fnat_sp_tcp_adjust(c, FNAT_DIR_ORIG, skb, p) ||
	    fnat_xmit_toa(fn, c, skb, p, dst_mtu(dst))) {
		dst_release(dst);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	return fnat_xmit6_send(fn->net, skb, dst);
}

/*
 * An ICMPv6 error from the client's side about a NAT reply: to the real
 * server, about the packet it sent.
 */
unsigned int fnat_xmit6_icmp_nat(struct fnat_netns *fn, struct fnat_conn *c,
				 struct sk_buff *skb, const struct fnat_pkt *p)
{
	const struct fnat_tuple *r = &c->tuple[FNAT_DIR_REPLY];
	struct in6_addr src = {}, outer_src;
	struct dst_entry *dst;
	unsigned int v;

	v = fnat_xmit6_prepare(fn, skb, p, &r->saddr.in6, false, 0, 0,
			       fnat_xmit_dst(c, FNAT_DEST_DST_PLAIN), &dst,
			       &src);
	if (v != NF_ACCEPT)
		return v;
	outer_src = ipv6_hdr(skb)->saddr;
	if (fnat_rewrite_icmp_v6(skb, p, &outer_src, &r->saddr.in6, r,
				 fnat_icmp_quote_seq_sub(c, FNAT_DIR_ORIG))) {
		dst_release(dst);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	return fnat_xmit6_send(fn->net, skb, dst);
}

/* FULLNAT 6->6 ICMPv6 errors, as fnat_xmit_icmp_fullnat() for IPv4. */
unsigned int fnat_xmit6_icmp_fullnat(struct fnat_netns *fn,
				     struct fnat_conn *c, struct sk_buff *skb,
				     const struct fnat_pkt *p,
				     enum fnat_conn_dir dir)
{
	const struct fnat_tuple *quote = &c->tuple[dir == FNAT_DIR_ORIG ?
						  FNAT_DIR_REPLY :
						  FNAT_DIR_ORIG];
	struct in6_addr dst_addr = quote->saddr.in6, src = quote->daddr.in6;
	u32 seq_sub = fnat_icmp_quote_seq_sub(c, dir);
	struct dst_entry *dst;
	unsigned int v;

	v = fnat_xmit6_prepare(fn, skb, p, &dst_addr, false, 0, 0, NULL, &dst,
			       &src);
	if (v != NF_ACCEPT)
		return v;
	if (fnat_rewrite_icmp_v6(skb, p, &src, &dst_addr, quote, seq_sub)) {
		dst_release(dst);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	return fnat_xmit6_send(fn->net, skb, dst);
}

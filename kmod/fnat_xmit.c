// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: the forwarding methods (see fnat_xmit.h).
 *
 * A packet too big for the path with DF set is answered with
 * frag-needed before anything in it changes, so the sender recognises
 * its own packet in the quote and learns the path MTU (for TUN, the MTU
 * less the outer header). Packets without DF are left to the output path
 * to fragment.
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/skbuff.h>
#include <net/dst.h>
#include <net/dst_cache.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/tcp.h>
#include "fnat_compat.h"
#include "fnat_drops.h"
#include "fnat_log.h"
#include "fnat_rewrite.h"
#include "fnat_tcpseq.h"
#include "fnat_toa.h"
#include "fnat_tun_icmp.h"
#include "fnat_tunnel.h"
#include "fnat_xmit.h"
#include "fnat_xmit6.h"
#include "fnat_xmit64.h"
#include "fnat_synproxy.h"
#include "fnat_xmit_internal.h"

/*
 * The route to @daddr. @known_nh makes the real server the next hop even
 * when the packet keeps another destination address (DR). A route that
 * ends on the director itself would loop, so it counts as none.
 */
static struct rtable *fnat_xmit_route(struct net *net, __be32 daddr,
				      bool known_nh, __be32 *saddr)
{
	struct flowi4 fl4 = {
		.daddr		= daddr,
		.saddr		= *saddr,
		.flowi4_flags	= known_nh ? FLOWI_FLAG_KNOWN_NH : 0,
	};
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	if (rt->rt_flags & (RTCF_LOCAL | RTCF_BROADCAST | RTCF_MULTICAST)) {
		ip_rt_put(rt);
		return NULL;
	}
	*saddr = fl4.saddr;
	return rt;
}

/*
 * The route to a dest, from the dest's per-CPU cache @dc when it holds
 * one for the source address wanted (*@saddr, or any when 0), else looked
 * up and cached. The kernel invalidates a cached route when routing
 * changes, so the cache only saves the lookup. @dc may be NULL: no cache.
 */
struct rtable *fnat_xmit_cached_route(struct net *net, struct dst_cache *dc,
				      __be32 daddr, bool known_nh,
				      __be32 *saddr)
{
	struct rtable *rt;
	__be32 cached;

	if (dc) {
		rt = dst_cache_get_ip4(dc, &cached);
		if (rt && (!*saddr || *saddr == cached)) {
			*saddr = cached;
			return rt;
		}
		if (rt)
			ip_rt_put(rt);
	}
	rt = fnat_xmit_route(net, daddr, known_nh, saddr);
	if (!rt) {
		fnat_warn_ratelimited("no route to %pI4 from %pI4\n", &daddr,
				      saddr);
		return NULL;
	}
	if (dc)
		dst_cache_set_ip4(dc, &rt->dst, *saddr);
	return rt;
}

static bool fnat_xmit_fits(const struct sk_buff *skb, unsigned int mtu)
{
	if (skb->len <= mtu)
		return true;
	return skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu);
}

/* Would fnat_xmit_check() answer the sender? */
static bool fnat_xmit_needs_icmp(const struct sk_buff *skb, unsigned int mtu)
{
	const struct iphdr *iph = ip_hdr(skb);

	return iph->ttl <= 1 ||
	       (!fnat_xmit_fits(skb, mtu) && (iph->frag_off & htons(IP_DF)) &&
		!skb->ignore_df);
}

/*
 * Checks the packet against the path MTU and its TTL, answering the
 * sender as a router would. Returns 0 or the drop reason.
 */
static enum fnat_drop_reason fnat_xmit_check(struct sk_buff *skb,
					     unsigned int mtu)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (!fnat_xmit_fits(skb, mtu) && (iph->frag_off & htons(IP_DF)) &&
	    !skb->ignore_df) {
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			  htonl(mtu));
		return FNAT_DROP_FRAG_NEEDED;
	}
	if (iph->ttl <= 1) {
		icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
		return FNAT_DROP_TTL_EXPIRED;
	}
	return 0;
}

/* Hands the packet to the output path on route @rt. */
unsigned int fnat_xmit_send(struct net *net, struct sk_buff *skb,
			    struct rtable *rt)
{
	skb_dst_drop(skb);
	skb_dst_set(skb, &rt->dst);
	skb_forward_csum(skb);
	/*
	 * The packet stays marked untracked from PRE_ROUTING, so conntrack
	 * in LOCAL_OUT and NAT in POST_ROUTING leave it alone.
	 */
	ip_local_out(net, NULL, skb);
	return NF_STOLEN;
}

/*
 * Routes the packet to @daddr (from *@saddr, or from the address the route
 * picks when it is 0, which it is then set to), checks it against the path
 * and its TTL, makes its IP header writable and decrements the TTL.
 */
static unsigned int fnat_xmit_prepare(struct fnat_netns *fn,
				      struct sk_buff *skb,
				      const struct fnat_pkt *p, __be32 daddr,
				      bool known_nh, unsigned int overhead,
				      u32 cap, struct dst_cache *dc,
				      struct rtable **rtp, __be32 *saddr)
{
	enum fnat_drop_reason reason;
	struct rtable *rt;
	unsigned int mtu;

	rt = fnat_xmit_cached_route(fn->net, dc, daddr, known_nh, saddr);
	if (!rt)
		return fnat_xmit_drop(fn, FNAT_DROP_NO_ROUTE);
	mtu = dst_mtu(&rt->dst);
	if (cap && cap < mtu)
		mtu = cap;
	if ((p->flags & FNAT_PKT_F_FAST) &&
	    fnat_xmit_needs_icmp(skb, mtu - overhead)) {
		ip_rt_put(rt);
		return FNAT_XMIT_SLOW_PATH;
	}
	reason = fnat_xmit_check(skb, mtu - overhead);
	if (reason) {
		ip_rt_put(rt);
		return fnat_xmit_drop(fn, reason);
	}
	if (skb_ensure_writable(skb, p->l3off + sizeof(struct iphdr))) {
		ip_rt_put(rt);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	ip_decrease_ttl(ip_hdr(skb));
	*rtp = rt;
	return NF_ACCEPT;
}

/* The tuple the real server must see: the reply tuple, reversed. */
static void fnat_xmit_to_server(const struct fnat_conn *c,
				struct fnat_tuple *to)
{
	fnat_xmit_reverse(&c->tuple[FNAT_DIR_REPLY], to);
}

unsigned int fnat_xmit_nat(struct fnat_netns *fn, struct fnat_conn *c,
			   struct sk_buff *skb, const struct fnat_pkt *p)
{
	struct fnat_tuple to;
	struct rtable *rt;
	unsigned int v;

	__be32 src = 0;

	if (p->tuple.af == AF_INET6)
		return fnat_xmit6_nat(fn, c, skb, p);
	fnat_xmit_to_server(c, &to);
	v = fnat_xmit_prepare(fn, skb, p, to.daddr.ip, false, 0, 0,
			      fnat_xmit_dst(c, FNAT_DEST_DST_PLAIN), &rt, &src);
	if (v != NF_ACCEPT)
		return v;
	if (fnat_rewrite_v4(skb, p, &to) ||
	    (c->sp && fnat_sp_tcp_adjust(c, FNAT_DIR_ORIG, skb, p))) {
		ip_rt_put(rt);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	return fnat_xmit_send(fn->net, skb, rt);
}

/*
 * The real server holds the VIP itself (on lo, not answering ARP for it),
 * so the packet goes to its MAC address unchanged.
 */
unsigned int fnat_xmit_dr(struct fnat_netns *fn, struct fnat_conn *c,
			  struct sk_buff *skb, const struct fnat_pkt *p)
{
	__be32 rs = c->tuple[FNAT_DIR_REPLY].saddr.ip, src = 0;
	struct rtable *rt;
	unsigned int v;

	if (p->tuple.af == AF_INET6)
		return fnat_xmit6_dr(fn, c, skb, p);
	v = fnat_xmit_prepare(fn, skb, p, rs, true, 0, 0,
			      fnat_xmit_dst(c, FNAT_DEST_DST_KNOWN_NH), &rt, &src);
	if (v != NF_ACCEPT)
		return v;
	return fnat_xmit_send(fn->net, skb, rt);
}

/*
 * IPIP to the real server (fnat_tunnel.c), which decapsulates and answers
 * the client from the VIP.
 */
unsigned int fnat_xmit_tun(struct fnat_netns *fn, struct fnat_conn *c,
			   struct sk_buff *skb, const struct fnat_pkt *p)
{
	__be32 rs = c->tuple[FNAT_DIR_REPLY].saddr.ip, saddr = 0;
	struct rtable *rt;
	unsigned int v;

	if (p->tuple.af == AF_INET6)
		return fnat_xmit6_tun(fn, c, skb, p);
	v = fnat_xmit_prepare(fn, skb, p, rs, false, sizeof(struct iphdr),
			      fnat_tun_mtu(c->dest),
			      fnat_xmit_dst(c, FNAT_DEST_DST_PLAIN), &rt,
			      &saddr);
	if (v != NF_ACCEPT)
		return v;
	if (fnat_tunnel_ipip_push(fn->net, skb, saddr, rs,
				  LL_RESERVED_SPACE(rt->dst.dev) +
				  rt->dst.header_len)) {
		ip_rt_put(rt);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	return fnat_xmit_send(fn->net, skb, rt);
}

/*
 * An ICMP error from the client's side about a NAT connection's reply
 * (frag-needed from a router on the way to the client, say): the real
 * server must see it about the packet it sent, so the quote gets its
 * address and port back and the error goes to it.
 */
unsigned int fnat_xmit_icmp_nat(struct fnat_netns *fn, struct fnat_conn *c,
				struct sk_buff *skb, const struct fnat_pkt *p)
{
	const struct fnat_tuple *r = &c->tuple[FNAT_DIR_REPLY];
	struct rtable *rt;
	__be32 src = 0;
	unsigned int v;

	if (p->tuple.af == AF_INET6)
		return fnat_xmit6_icmp_nat(fn, c, skb, p);
	v = fnat_xmit_prepare(fn, skb, p, r->saddr.ip, false, 0, 0,
			      fnat_xmit_dst(c, FNAT_DEST_DST_PLAIN), &rt, &src);
	if (v != NF_ACCEPT)
		return v;
	if (fnat_rewrite_icmp_v4(skb, p, ip_hdr(skb)->saddr, r->saddr.ip, r,
				 fnat_icmp_quote_seq_sub(c, FNAT_DIR_ORIG))) {
		ip_rt_put(rt);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	return fnat_xmit_send(fn->net, skb, rt);
}

/*
 * TOA on the client's SYN and on its ACKs until the server has answered
 * after its SYN-ACK (fnat_xmit_fullnat_reply() sets toa_done): the
 * handshake's ACK and the first data segment can pass the director on two
 * CPUs in either order, and whichever reaches the server first completes
 * its handshake, so both carry TOA. Returns -ENOMEM only; a segment without
 * room goes without, counted.
 */
int fnat_xmit_toa(struct fnat_netns *fn, struct fnat_conn *c,
		  struct sk_buff *skb, const struct fnat_pkt *p,
		  unsigned int mtu)
{
	const struct fnat_tuple *o = &c->tuple[FNAT_DIR_ORIG];
	int err;

	if (p->tuple.protocol != IPPROTO_TCP || !fnat_toa_enabled() ||
	    (p->tcp_flags & TCPHDR_RST))
		return 0;
	if (!fnat_xmit_is_syn(p) &&
	    (!(p->tcp_flags & TCPHDR_ACK) || READ_ONCE(c->toa_done)))
		return 0;
	err = fnat_toa_insert(skb, p, o, mtu);
	if (err == -ENOMEM)
		return err;
	atomic64_inc(err ? &fn->toa_skipped : &fn->toa_added);
	return 0;
}

/*
 * FULLNAT, client to server: from the local address and port, to the real
 * server, in the server's sequence space (fnat_tcpseq.c).
 */
unsigned int fnat_xmit_fullnat(struct fnat_netns *fn, struct fnat_conn *c,
			       struct sk_buff *skb, const struct fnat_pkt *p)
{
	struct fnat_tuple to;
	struct rtable *rt;
	unsigned int v;
	__be32 src;

	if (p->tuple.af == AF_INET6)
		return c->tuple[FNAT_DIR_REPLY].af == AF_INET ?
		       fnat_xmit64_fullnat(fn, c, skb, p) :
		       fnat_xmit6_fullnat(fn, c, skb, p);
	fnat_xmit_to_server(c, &to);
	src = to.saddr.ip;
	v = fnat_xmit_prepare(fn, skb, p, to.daddr.ip, false, 0, 0,
			      fnat_xmit_dst(c, FNAT_DEST_DST_FULLNAT +
					    (c->laddr ? c->laddr->dst_slot : 0)),
			      &rt, &src);
	if (v != NF_ACCEPT)
		return v;
	if (fnat_rewrite_v4(skb, p, &to) ||
	    (fnat_xmit_is_syn(p) && fnat_tcp_strip_timestamps_on() &&
	     fnat_tcp_strip_timestamps(skb, p)) ||
	    fnat_sp_tcp_adjust(c, FNAT_DIR_ORIG, skb, p) ||
	    fnat_xmit_toa(fn, c, skb, p, dst_mtu(&rt->dst))) {
		ip_rt_put(rt);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	return fnat_xmit_send(fn->net, skb, rt);
}

/* The tuple the client must see: the original tuple, reversed. */
static void fnat_xmit_to_client(const struct fnat_conn *c,
				struct fnat_tuple *to)
{
	fnat_xmit_reverse(&c->tuple[FNAT_DIR_ORIG], to);
}

/*
 * Server to client, from the VIP: a FULLNAT reply (which reached the local
 * address) also back in the client's sequence space, with the MSS clamped
 * for TOA on a SYN-ACK; a NAT reply as is.
 */
static unsigned int fnat_xmit_to_client_reply(struct fnat_netns *fn,
					      struct fnat_conn *c,
					      struct sk_buff *skb,
					      const struct fnat_pkt *p,
					      bool fullnat)
{
	bool tcp = p->tuple.protocol == IPPROTO_TCP;
	struct fnat_tuple to;
	struct rtable *rt;
	unsigned int v;
	__be32 src;

	if (p->tuple.af == AF_INET6)
		return fnat_xmit6_to_client_reply(fn, c, skb, p, fullnat);
	if (c->tuple[FNAT_DIR_ORIG].af == AF_INET6)
		return fnat_xmit64_reply(fn, c, skb, p);
	fnat_xmit_to_client(c, &to);
	src = to.saddr.ip;
	/* One route per client: not worth a cache. */
	v = fnat_xmit_prepare(fn, skb, p, to.daddr.ip, false, 0, 0, NULL,
			      &rt, &src);
	if (v != NF_ACCEPT)
		return v;
	if (fnat_rewrite_v4(skb, p, &to) ||
	    fnat_sp_tcp_adjust(c, FNAT_DIR_REPLY, skb, p) ||
	    (fullnat && tcp && fnat_xmit_is_synack(p) && fnat_toa_enabled() &&
	     fnat_tcp_clamp_mss(skb, p, FNAT_TOA_LEN))) {
		ip_rt_put(rt);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	return fnat_xmit_send(fn->net, skb, rt);
}

unsigned int fnat_xmit_fullnat_reply(struct fnat_netns *fn,
				     struct fnat_conn *c, struct sk_buff *skb,
				     const struct fnat_pkt *p)
{
	/* A segment after the SYN-ACK: the server's handshake is done. */
	if (p->tuple.protocol == IPPROTO_TCP && !(p->tcp_flags & TCPHDR_SYN) &&
	    !READ_ONCE(c->toa_done))
		WRITE_ONCE(c->toa_done, true);
	return fnat_xmit_to_client_reply(fn, c, skb, p, true);
}

unsigned int fnat_xmit_nat_reply(struct fnat_netns *fn, struct fnat_conn *c,
				 struct sk_buff *skb, const struct fnat_pkt *p)
{
	return fnat_xmit_to_client_reply(fn, c, skb, p, false);
}

/*
 * FULLNAT ICMP errors. From the client's side, about a reply: the real
 * server must see it about what it sent (to the local address), from the
 * local address. From the server's side, about a request: the client must
 * see it about what it sent (to the VIP, in its sequence space), from the
 * VIP.
 */
unsigned int fnat_xmit_icmp_fullnat(struct fnat_netns *fn,
				    struct fnat_conn *c, struct sk_buff *skb,
				    const struct fnat_pkt *p,
				    enum fnat_conn_dir dir)
{
	const struct fnat_tuple *quote = &c->tuple[dir == FNAT_DIR_ORIG ?
						  FNAT_DIR_REPLY :
						  FNAT_DIR_ORIG];
	__be32 dst = quote->saddr.ip, src = quote->daddr.ip;
	u32 seq_sub = fnat_icmp_quote_seq_sub(c, dir);
	struct rtable *rt;
	unsigned int v;

	if (c->tuple[FNAT_DIR_ORIG].af != c->tuple[FNAT_DIR_REPLY].af)
		return fnat_xmit64_icmp(fn, c, skb, p, dir);
	if (p->tuple.af == AF_INET6)
		return fnat_xmit6_icmp_fullnat(fn, c, skb, p, dir);
	v = fnat_xmit_prepare(fn, skb, p, dst, false, 0, 0, NULL, &rt, &src);
	if (v != NF_ACCEPT)
		return v;
	if (fnat_rewrite_icmp_v4(skb, p, src, dst, quote, seq_sub)) {
		ip_rt_put(rt);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	return fnat_xmit_send(fn->net, skb, rt);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: FULLNAT 6->4, an IPv6 service whose real server speaks IPv4.
 *
 * Requests arrive as IPv6 and leave as IPv4 from an IPv4 local address;
 * replies arrive at that address and leave as IPv6 from the VIP
 * (fnat_nat64.c translates). The IPv6 header is 20 bytes longer than the
 * IPv4 one, so each direction checks its packet, as it will be, against
 * the path it takes, and answers the sender in its own family with the
 * MTU as the sender counts it: packet-too-big with the IPv4 path's MTU
 * plus 20 to the client, frag-needed with the IPv6 path's minus 20 to the
 * server. TCP needs nothing more: a client's MSS is its MTU less 60 and
 * a server's its MTU less 40, and each side's segments fit the other's
 * link once the headers are swapped; the SYN-ACK's MSS is lowered by the
 * 20 bytes of the IPv6 TOA the first ACK will carry.
 *
 * ICMP errors about a 6->4 connection cannot be rewritten in place, as
 * their quotes would have to change family too: the director rebuilds
 * the packet the error is about, as its sender sent it, and answers that
 * sender itself with the matching error of its own family (RFC 7915's
 * type and code mapping).
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/dst.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include "fnat_compat.h"
#include "fnat_nat64.h"
#include "fnat_tcpseq.h"
#include "fnat_toa.h"
#include "fnat_xmit.h"
#include "fnat_xmit64.h"
#include "fnat_synproxy.h"
#include "fnat_xmit_internal.h"

/* What the IPv6 header costs over the IPv4 one. */
#define FNAT_XMIT64_GROW	(sizeof(struct ipv6hdr) - sizeof(struct iphdr))

/* Whether the packet, or each GSO segment, fits @mtu once @grow longer. */
static bool fnat_xmit64_fits(const struct sk_buff *skb, unsigned int grow,
			     unsigned int mtu)
{
	if (skb->len + grow <= mtu)
		return true;
	return skb_is_gso(skb) && mtu > grow &&
	       skb_gso_validate_network_len(skb, mtu - grow);
}

/*
 * Client to server: the IPv6 packet leaves as IPv4, @p->l4off - 20 bytes
 * shorter, with DF set when over 1260 bytes. Too big or out of hops: answered by
 * ICMPv6 before anything changes.
 */
unsigned int fnat_xmit64_fullnat(struct fnat_netns *fn, struct fnat_conn *c,
				 struct sk_buff *skb, const struct fnat_pkt *p)
{
	unsigned int shrink = p->l4off - sizeof(struct iphdr), mtu, len4;
	struct fnat_tuple to;
	struct fnat_pkt p4;
	struct rtable *rt;
	__be32 src;

	fnat_xmit_reverse(&c->tuple[FNAT_DIR_REPLY], &to);
	src = to.saddr.ip;
	rt = fnat_xmit_cached_route(fn->net,
				    fnat_xmit_dst(c, FNAT_DEST_DST_FULLNAT +
						  (c->laddr ?
						   c->laddr->dst_slot : 0)),
				    to.daddr.ip, false, &src);
	if (!rt)
		return fnat_xmit_drop(fn, FNAT_DROP_NO_ROUTE);
	mtu = dst_mtu(&rt->dst);
	/* Small enough, it leaves without DF for IPv4 to fragment. */
	len4 = fnat_nat64_v4_len(skb, p);
	if ((len4 > mtu && len4 > FNAT_NAT64_DF_MIN && !skb->ignore_df) ||
	    ipv6_hdr(skb)->hop_limit <= 1) {
		ip_rt_put(rt);
		if (p->flags & FNAT_PKT_F_FAST)
			return FNAT_XMIT_SLOW_PATH;
		if (ipv6_hdr(skb)->hop_limit <= 1) {
			icmpv6_send(skb, ICMPV6_TIME_EXCEED,
				    ICMPV6_EXC_HOPLIMIT, 0);
			return fnat_xmit_drop(fn, FNAT_DROP_TTL_EXPIRED);
		}
		icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0,
			    max_t(u32, mtu + shrink, IPV6_MIN_MTU));
		return fnat_xmit_drop(fn, FNAT_DROP_FRAG_NEEDED);
	}
	ipv6_hdr(skb)->hop_limit--;
	if (fnat_nat64_to_v4(fn->net, skb, p, &to) ||
	    fnat_pkt_parse(skb, 0, &p4) ||
	    (fnat_xmit_is_syn(&p4) && fnat_tcp_strip_timestamps_on() &&
	     fnat_tcp_strip_timestamps(skb, &p4)) ||
	    fnat_sp_tcp_adjust(c, FNAT_DIR_ORIG, skb, &p4) ||
	    fnat_xmit_toa(fn, c, skb, &p4, mtu)) {
		ip_rt_put(rt);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	return fnat_xmit_send(fn->net, skb, rt);
}

/*
 * Server to client: the IPv4 reply at the local address leaves as IPv6
 * from the VIP, 20 bytes longer; too big with DF, or out of TTL, is
 * answered by ICMP first.
 */
unsigned int fnat_xmit64_reply(struct fnat_netns *fn, struct fnat_conn *c,
			       struct sk_buff *skb, const struct fnat_pkt *p)
{
	const struct iphdr *iph = ip_hdr(skb);
	/* IPv4 options go: with 20 bytes of them, the length stays. */
	unsigned int grow = p->l4off < sizeof(struct ipv6hdr) ?
			    sizeof(struct ipv6hdr) - p->l4off : 0;
	struct dst_entry *dst;
	struct fnat_tuple to;
	struct in6_addr src;
	struct fnat_pkt p6;
	unsigned int mtu;

	fnat_xmit_reverse(&c->tuple[FNAT_DIR_ORIG], &to);
	src = to.saddr.in6;
	/* One route per client: not worth a cache. */
	dst = fnat_xmit6_cached_route(fn->net, NULL, &to.daddr.in6, false,
				      &src);
	if (!dst)
		return fnat_xmit_drop(fn, FNAT_DROP_NO_ROUTE);
	mtu = dst_mtu(dst);
	if ((!fnat_xmit64_fits(skb, grow, mtu) &&
	     (iph->frag_off & htons(IP_DF))) || iph->ttl <= 1) {
		dst_release(dst);
		if (p->flags & FNAT_PKT_F_FAST)
			return FNAT_XMIT_SLOW_PATH;
		if (iph->ttl <= 1) {
			icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
			return fnat_xmit_drop(fn, FNAT_DROP_TTL_EXPIRED);
		}
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			  htonl(mtu - FNAT_XMIT64_GROW));
		return fnat_xmit_drop(fn, FNAT_DROP_FRAG_NEEDED);
	}
	/*
	 * Without DF (a datagram the server fragmented, reassembled here)
	 * the translator fragments the IPv6 packet it sends (RFC 7915,
	 * 4.1), as the source of that packet.
	 */
	if (!fnat_xmit64_fits(skb, grow, mtu))
		skb->ignore_df = 1;
	if (skb_ensure_writable(skb, p->l4off + p->l4hlen)) {
		dst_release(dst);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	ip_decrease_ttl(ip_hdr(skb));
	if (fnat_nat64_to_v6(skb, p, &to, LL_RESERVED_SPACE(dst->dev) +
			     dst->header_len) ||
	    fnat_pkt_parse(skb, 0, &p6) ||
	    fnat_sp_tcp_adjust(c, FNAT_DIR_REPLY, skb, &p6) ||
	    (fnat_xmit_is_synack(&p6) && p6.tuple.protocol == IPPROTO_TCP &&
	     fnat_toa_enabled() &&
	     fnat_tcp_clamp_mss(skb, &p6, FNAT_TOA6_LEN))) {
		dst_release(dst);
		return fnat_xmit_drop(fn, FNAT_DROP_NO_MEM);
	}
	return fnat_xmit6_send(fn->net, skb, dst);
}

/* RFC 7915 4.2: an ICMPv4 error as the IPv6 client must see it. */
static bool fnat_xmit64_map_to_v6(u8 type, u8 code, u32 info, u8 *t6,
				  u8 *c6, u32 *i6)
{
	*i6 = 0;
	if (type == ICMP_TIME_EXCEEDED) {
		*t6 = ICMPV6_TIME_EXCEED;
		*c6 = code;
		return true;
	}
	if (type != ICMP_DEST_UNREACH)
		return false;
	*t6 = ICMPV6_DEST_UNREACH;
	switch (code) {
	case ICMP_NET_UNREACH:
	case ICMP_HOST_UNREACH:
	case ICMP_SR_FAILED:
	case ICMP_NET_UNKNOWN:
	case ICMP_HOST_UNKNOWN:
	case ICMP_HOST_ISOLATED:
	case ICMP_NET_UNR_TOS:
	case ICMP_HOST_UNR_TOS:
		*c6 = ICMPV6_NOROUTE;
		return true;
	case ICMP_PORT_UNREACH:
		*c6 = ICMPV6_PORT_UNREACH;
		return true;
	case ICMP_NET_ANO:
	case ICMP_HOST_ANO:
	case ICMP_PKT_FILTERED:
	case ICMP_PREC_CUTOFF:
		*c6 = ICMPV6_ADM_PROHIBITED;
		return true;
	case ICMP_FRAG_NEEDED:
		*t6 = ICMPV6_PKT_TOOBIG;
		*c6 = 0;
		*i6 = max_t(u32, (info & 0xffff) + FNAT_XMIT64_GROW,
			    IPV6_MIN_MTU);
		return true;
	default:
		return false;
	}
}

/* RFC 7915 5.2: an ICMPv6 error as the IPv4 server must see it. */
static bool fnat_xmit64_map_to_v4(u8 type, u8 code, u32 info, u8 *t4,
				  u8 *c4, u32 *i4)
{
	*i4 = 0;
	switch (type) {
	case ICMPV6_TIME_EXCEED:
		*t4 = ICMP_TIME_EXCEEDED;
		*c4 = code;
		return true;
	case ICMPV6_PKT_TOOBIG:
		*t4 = ICMP_DEST_UNREACH;
		*c4 = ICMP_FRAG_NEEDED;
		*i4 = info > FNAT_XMIT64_GROW + 68 ?
		      info - FNAT_XMIT64_GROW : 68;
		return true;
	case ICMPV6_DEST_UNREACH:
		*t4 = ICMP_DEST_UNREACH;
		switch (code) {
		case ICMPV6_PORT_UNREACH:
			*c4 = ICMP_PORT_UNREACH;
			return true;
		case ICMPV6_ADM_PROHIBITED:
			*c4 = ICMP_HOST_ANO;
			return true;
		default:
			*c4 = ICMP_HOST_UNREACH;
			return true;
		}
	default:
		return false;
	}
}

/*
 * An ICMP error about a 6->4 connection. @dir FNAT_DIR_REPLY: an ICMPv4
 * error from the server's side about a request; the client gets an
 * ICMPv6 one about what it sent. FNAT_DIR_ORIG: an ICMPv6 error from the
 * client's side about a reply; the server gets an ICMPv4 one. Either way
 * the error itself goes no further.
 */
unsigned int fnat_xmit64_icmp(struct fnat_netns *fn, struct fnat_conn *c,
			      struct sk_buff *skb, const struct fnat_pkt *p,
			      enum fnat_conn_dir dir)
{
	/* Who sent the quoted packet, and what it looked like then. */
	const struct fnat_tuple *sender = &c->tuple[dir == FNAT_DIR_REPLY ?
						   FNAT_DIR_ORIG :
						   FNAT_DIR_REPLY];
	struct sk_buff *quote;
	u8 l4[8], ntype, ncode;
	u32 ninfo;
	__be32 info;
	bool known;

	if (skb_copy_bits(skb, p->inner_l4off, l4, sizeof(l4)) ||
	    skb_copy_bits(skb, p->l4off + 4, &info, sizeof(info)))
		return fnat_xmit_drop(fn, FNAT_DROP_ICMP_BAD_INNER);
	known = p->tuple.af == AF_INET ?
		fnat_xmit64_map_to_v6(p->icmp_type, p->icmp_code, ntohl(info),
				      &ntype, &ncode, &ninfo) :
		fnat_xmit64_map_to_v4(p->icmp_type, p->icmp_code, ntohl(info),
				      &ntype, &ncode, &ninfo);
	if (!known)
		return fnat_xmit_drop(fn, FNAT_DROP_ICMP_UNTRANSLATABLE);
	/* The quoted sequence number back into its sender's space. */
	if (sender->protocol == IPPROTO_TCP)
		put_unaligned_be32(get_unaligned_be32(l4 + 4) -
				   fnat_icmp_quote_seq_sub(c, dir), l4 + 4);
	quote = fnat_xmit_rebuild_quote(fn->net, sender, l4, sizeof(l4));
	if (!quote)
		return fnat_xmit_drop(fn, FNAT_DROP_NO_ROUTE);
	if (sender->af == AF_INET6)
		icmpv6_send(quote, ntype, ncode, ninfo);
	else
		icmp_send(quote, ntype, ncode, htonl(ninfo));
	consume_skb(quote);
	/* Answered: the error itself is done with. */
	return NF_DROP;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: path MTU beyond the director for the TUN forwarding method.
 *
 * A router between the director and a real server that cannot pass an
 * encapsulated packet answers the director, the tunnel's source, with
 * frag-needed (IPv4) or packet-too-big (IPv6) quoting the outer header.
 * The host's own tunnel code ignores it (no tunnel device of its own
 * matches), so fnat takes it: the quote's inner packet names a TUN
 * connection, whose dest remembers the MTU for FNAT_TUN_MTU_TTL (the
 * transmit path checks packets against it, answering the client as for
 * the first hop), and the client is told at once, about its own packet,
 * with the MTU less the outer header, rather than after a retransmission
 * timeout. Anything else is left to the host.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jiffies.h>
#include <linux/skbuff.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include "fnat_conn.h"
#include "fnat_tun_icmp.h"
#include "fnat_xmit_internal.h"

/* As long as the kernel keeps a learned path MTU (ip6_rt_mtu_expires). */
#define FNAT_TUN_MTU_TTL	(600 * HZ)

u32 fnat_tun_mtu(const struct fnat_dest *dest)
{
	u32 mtu = READ_ONCE(dest->tun_mtu);

	if (!mtu || time_after(jiffies, READ_ONCE(dest->tun_mtu_expires)))
		return 0;
	return mtu;
}

/* The client's packet inside the quote, and the MTU the error reports. */
struct fnat_tun_quote {
	struct fnat_tuple	client;		/* as the client sent it */
	union nf_inet_addr	rs;		/* the tunnel's far end */
	u32			mtu;
	u8			l4[8];
};

static bool fnat_tun_quote_v4(const struct sk_buff *skb,
			      struct fnat_tun_quote *q)
{
	unsigned int off = skb_network_offset(skb);
	struct iphdr _iph, _outer, _inner;
	const struct iphdr *iph, *outer, *inner;
	struct icmphdr _ih;
	const struct icmphdr *ih;

	iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
	if (!iph || iph->protocol != IPPROTO_ICMP || iph->ihl < 5)
		return false;
	off += iph->ihl * 4;
	ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
	if (!ih || ih->type != ICMP_DEST_UNREACH || ih->code != ICMP_FRAG_NEEDED)
		return false;
	q->mtu = ntohs(ih->un.frag.mtu);
	off += sizeof(_ih);
	outer = skb_header_pointer(skb, off, sizeof(_outer), &_outer);
	if (!outer || outer->version != 4 || outer->ihl < 5 ||
	    outer->protocol != IPPROTO_IPIP)
		return false;
	q->rs.ip = outer->daddr;
	off += outer->ihl * 4;
	inner = skb_header_pointer(skb, off, sizeof(_inner), &_inner);
	if (!inner || inner->version != 4 || inner->ihl < 5 ||
	    (inner->protocol != IPPROTO_TCP && inner->protocol != IPPROTO_UDP))
		return false;
	off += inner->ihl * 4;
	if (skb_copy_bits(skb, off, q->l4, sizeof(q->l4)))
		return false;
	memset(&q->client, 0, sizeof(q->client));
	q->client.af = AF_INET;
	q->client.protocol = inner->protocol;
	q->client.saddr.ip = inner->saddr;
	q->client.daddr.ip = inner->daddr;
	return true;
}

static bool fnat_tun_quote_v6(const struct sk_buff *skb,
			      struct fnat_tun_quote *q)
{
	unsigned int off = skb_network_offset(skb);
	struct ipv6hdr _ip6h, _outer, _inner;
	const struct ipv6hdr *ip6h, *outer, *inner;
	struct icmp6hdr _ih;
	const struct icmp6hdr *ih;

	/* Errors come without extension headers; others are not ours. */
	ip6h = skb_header_pointer(skb, off, sizeof(_ip6h), &_ip6h);
	if (!ip6h || ip6h->nexthdr != IPPROTO_ICMPV6)
		return false;
	off += sizeof(_ip6h);
	ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
	if (!ih || ih->icmp6_type != ICMPV6_PKT_TOOBIG)
		return false;
	q->mtu = ntohl(ih->icmp6_mtu);
	off += sizeof(_ih);
	outer = skb_header_pointer(skb, off, sizeof(_outer), &_outer);
	if (!outer || outer->version != 6 || outer->nexthdr != IPPROTO_IPV6)
		return false;
	q->rs.in6 = outer->daddr;
	off += sizeof(_outer);
	inner = skb_header_pointer(skb, off, sizeof(_inner), &_inner);
	if (!inner || inner->version != 6 ||
	    (inner->nexthdr != IPPROTO_TCP && inner->nexthdr != IPPROTO_UDP))
		return false;
	off += sizeof(_inner);
	if (skb_copy_bits(skb, off, q->l4, sizeof(q->l4)))
		return false;
	memset(&q->client, 0, sizeof(q->client));
	q->client.af = AF_INET6;
	q->client.protocol = inner->nexthdr;
	q->client.saddr.in6 = inner->saddr;
	q->client.daddr.in6 = inner->daddr;
	return true;
}

unsigned int fnat_tun_icmp(struct fnat_netns *fn, struct sk_buff *skb, u8 pf)
{
	unsigned int overhead = pf == NFPROTO_IPV6 ? sizeof(struct ipv6hdr) :
				sizeof(struct iphdr);
	u32 floor = pf == NFPROTO_IPV6 ? IPV6_MIN_MTU : 68;
	struct fnat_tun_quote q;
	enum fnat_conn_dir dir;
	struct sk_buff *quote;
	struct fnat_conn *c;
	u32 mtu;

	if (!(pf == NFPROTO_IPV6 ? fnat_tun_quote_v6(skb, &q) :
	      fnat_tun_quote_v4(skb, &q)))
		return NF_ACCEPT;
	memcpy(&q.client.sport, q.l4, 2);
	memcpy(&q.client.dport, q.l4 + 2, 2);
	c = fnat_conn_find_rcu(fnat_conns(), fn->net, &q.client, jiffies, &dir);
	if (!c || dir != FNAT_DIR_ORIG || c->fwd_method != FNAT_FWD_TUN ||
	    !c->dest ||
	    !fnat_addr_equal(q.client.af, &c->tuple[FNAT_DIR_REPLY].saddr,
			     &q.rs))
		return NF_ACCEPT;
	/* An MTU too small to carry anything is a lie. */
	if (q.mtu < floor + overhead)
		return NF_ACCEPT;
	mtu = q.mtu;
	WRITE_ONCE(c->dest->tun_mtu_expires, jiffies + FNAT_TUN_MTU_TTL);
	WRITE_ONCE(c->dest->tun_mtu, mtu);
	quote = fnat_xmit_rebuild_quote(fn->net, &q.client, q.l4, sizeof(q.l4));
	if (!quote)
		return NF_ACCEPT;
	if (pf == NFPROTO_IPV6)
		icmpv6_send(quote, ICMPV6_PKT_TOOBIG, 0, mtu - overhead);
	else
		icmp_send(quote, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			  htonl(mtu - overhead));
	consume_skb(quote);
	return NF_ACCEPT;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: IPv6 <-> IPv4 header translation for FULLNAT 6->4.
 *
 * An IPv6 client's packet to an IPv4 real server leaves with an IPv4
 * header in place of its IPv6 one (and of any extension headers the
 * parser skipped), and the server's reply the other way round, as
 * RFC 7915 translates: traffic class and TOS carried over, hop limit and
 * TTL carried over, the flow label dropped, DF set on IPv4 packets over
 * 1260 bytes (1280 as IPv6) so path MTU discovery still works end to end
 * (the director answers a packet too big for the other side itself,
 * before translating: see fnat_xmit64.c). Addresses and ports are the tuple's, so the server sees
 * a local address and port, and the client the VIP.
 *
 * The L4 checksum is adjusted, not recomputed: an IPv6 and an IPv4
 * pseudo-header differ only in their addresses (the length and protocol
 * add up alike below 64 KiB), so removing the old addresses' sum and
 * adding the new ones' is enough, for every ip_summed. The one exception
 * is a UDP datagram an IPv4 server sent without a checksum, which IPv6
 * does not allow: it gets one computed.
 *
 * GSO packets stay GSO: TCP's type follows the family; UDP's does not
 * depend on it. Other GSO kinds are refused (the caller drops them).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include "fnat_nat64.h"

/* The GSO types a translation keeps; the family's TCP bit is swapped. */
#define FNAT_NAT64_GSO_OK	(SKB_GSO_TCPV4 | SKB_GSO_TCPV6 | \
				 SKB_GSO_UDP_L4 | SKB_GSO_DODGY | \
				 SKB_GSO_TCP_ECN | SKB_GSO_TCP_FIXEDID)

static int fnat_nat64_gso(struct sk_buff *skb, bool to_v6)
{
	struct skb_shared_info *shinfo = skb_shinfo(skb);

	if (!skb_is_gso(skb))
		return 0;
	if (shinfo->gso_type & ~FNAT_NAT64_GSO_OK)
		return -EPROTONOSUPPORT;
	if (to_v6 && (shinfo->gso_type & SKB_GSO_TCPV4)) {
		shinfo->gso_type &= ~(SKB_GSO_TCPV4 | SKB_GSO_TCP_FIXEDID);
		shinfo->gso_type |= SKB_GSO_TCPV6;
	} else if (!to_v6 && (shinfo->gso_type & SKB_GSO_TCPV6)) {
		shinfo->gso_type &= ~SKB_GSO_TCPV6;
		shinfo->gso_type |= SKB_GSO_TCPV4;
	}
	return 0;
}

/* The L4 checksum field, or NULL for a UDP datagram without one. */
static __sum16 *fnat_nat64_csum(struct sk_buff *skb, u8 protocol)
{
	u8 *l4 = skb_transport_header(skb);

	if (protocol == IPPROTO_TCP)
		return &((struct tcphdr *)l4)->check;
	if (!((struct udphdr *)l4)->check)
		return NULL;
	return &((struct udphdr *)l4)->check;
}

/*
 * Moves the L4 checksum @check from the pseudo-header addresses @from to
 * @to (@len bytes each: 8 for IPv4, 32 for IPv6) and the ports to @tp's.
 */
static void fnat_nat64_fix_l4(struct sk_buff *skb, __sum16 *check, bool udp,
			      const void *from, unsigned int from_len,
			      const void *to, unsigned int to_len,
			      const struct fnat_tuple *tp)
{
	__be16 *ports = (__be16 *)skb_transport_header(skb);
	__wsum diff;

	if (check) {
		diff = csum_sub(csum_partial(to, to_len, 0),
				csum_partial(from, from_len, 0));
		inet_proto_csum_replace_by_diff(check, skb, diff, true, false);
		inet_proto_csum_replace2(check, skb, ports[0], tp->sport,
					 false);
		inet_proto_csum_replace2(check, skb, ports[1], tp->dport,
					 false);
	}
	ports[0] = tp->sport;
	ports[1] = tp->dport;
	/* In UDP a computed zero is sent as all ones: zero means none. */
	if (check && udp && !*check &&
	    skb->ip_summed != CHECKSUM_PARTIAL)
		*check = CSUM_MANGLED_0;
}

static bool fnat_nat64_ok(const struct fnat_pkt *p)
{
	return (p->tuple.protocol == IPPROTO_TCP ||
		p->tuple.protocol == IPPROTO_UDP) &&
	       !(p->flags & (FNAT_PKT_F_NO_L4 | FNAT_PKT_F_FRAG |
			     FNAT_PKT_F_ICMP_ERR)) && !p->l3off;
}

/* The IPv4 length a packet, or each segment of a GSO one, will have. */
unsigned int fnat_nat64_v4_len(const struct sk_buff *skb,
			       const struct fnat_pkt *p)
{
	unsigned int shrink = p->l4off - sizeof(struct iphdr);

	if (skb_is_gso(skb))
		return p->l4off + p->l4hlen + skb_shinfo(skb)->gso_size - shrink;
	return skb->len - shrink;
}

int fnat_nat64_to_v4(struct net *net, struct sk_buff *skb,
		     const struct fnat_pkt *p, const struct fnat_tuple *to)
{
	unsigned int shrink = p->l4off - sizeof(struct iphdr);
	unsigned int len4 = fnat_nat64_v4_len(skb, p);
	struct in6_addr old[2];
	__be32 new[2] = { to->saddr.ip, to->daddr.ip };
	struct ipv6hdr *ip6h;
	struct iphdr *iph;
	u8 tclass, hops;
	__sum16 *check;
	int err;

	if (!fnat_nat64_ok(p) || p->tuple.af != AF_INET6 || to->af != AF_INET)
		return -EINVAL;
	if (skb->len - shrink > IP_MAX_MTU)
		return -EMSGSIZE;
	if (skb_ensure_writable(skb, p->l4off + p->l4hlen))
		return -ENOMEM;
	err = fnat_nat64_gso(skb, false);
	if (err)
		return err;
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;

	ip6h = ipv6_hdr(skb);
	old[0] = ip6h->saddr;
	old[1] = ip6h->daddr;
	tclass = ip6_tclass(ip6_flowinfo(ip6h));
	hops = ip6h->hop_limit;

	skb_set_transport_header(skb, p->l4off);
	check = fnat_nat64_csum(skb, p->tuple.protocol);
	fnat_nat64_fix_l4(skb, check, p->tuple.protocol == IPPROTO_UDP, old,
			  sizeof(old), new, sizeof(new), to);

	/* The extension headers go with the IPv6 header. */
	skb_pull(skb, shrink);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, sizeof(struct iphdr));
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = sizeof(struct iphdr) / 4;
	iph->tos = tclass;
	iph->tot_len = htons(skb->len);
	iph->id = 0;
	/*
	 * A client told packet-too-big never goes below 1280 bytes (RFC
	 * 8200): packets up to that size must pass an IPv4 path with a
	 * smaller MTU, fragmented (RFC 7915, 5.1). So must a datagram
	 * reassembled here from fragments (ignore_df), which the client
	 * sent small enough.
	 */
	iph->frag_off = len4 > FNAT_NAT64_DF_MIN && !skb->ignore_df ?
			htons(IP_DF) : 0;
	iph->ttl = hops;
	iph->protocol = p->tuple.protocol;
	iph->saddr = to->saddr.ip;
	iph->daddr = to->daddr.ip;
	/* Fragmentable datagrams need IDs that do not repeat (RFC 6864). */
	ip_select_ident(net, skb, NULL);
	ip_send_check(iph);
	skb->protocol = htons(ETH_P_IP);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	skb_clear_hash(skb);
	return 0;
}

/* IPv6 has no checksum-less UDP: compute the one an IPv4 sender left out. */
static void fnat_nat64_udp_csum(struct sk_buff *skb)
{
	struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned int len = skb->len - sizeof(*ip6h);
	struct udphdr *uh = udp_hdr(skb);
	__wsum csum;

	uh->check = 0;
	csum = skb_checksum(skb, skb_transport_offset(skb), len, 0);
	uh->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len,
				    IPPROTO_UDP, csum);
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
	skb->ip_summed = CHECKSUM_NONE;
}

int fnat_nat64_to_v6(struct sk_buff *skb, const struct fnat_pkt *p,
		     const struct fnat_tuple *to, unsigned int headroom)
{
	/* IPv4 options are not translated: they go (RFC 7915, 4.1). */
	int grow = (int)sizeof(struct ipv6hdr) - (int)p->l4off;
	struct in6_addr new[2] = { to->saddr.in6, to->daddr.in6 };
	struct ipv6hdr *ip6h;
	__be32 old[2];
	struct iphdr *iph;
	__sum16 *check;
	u8 tos, ttl;
	int err;

	if (!fnat_nat64_ok(p) || p->tuple.af != AF_INET || to->af != AF_INET6)
		return -EINVAL;
	if (skb->len + grow - sizeof(struct ipv6hdr) > IPV6_MAXPLEN)
		return -EMSGSIZE;
	if (skb_ensure_writable(skb, p->l4off + p->l4hlen) ||
	    skb_cow_head(skb, headroom + max(grow, 0)))
		return -ENOMEM;
	skb_set_transport_header(skb, p->l4off);
	check = fnat_nat64_csum(skb, p->tuple.protocol);
	if (!check && skb_is_gso(skb))
		return -EPROTONOSUPPORT;
	err = fnat_nat64_gso(skb, true);
	if (err)
		return err;
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;

	iph = ip_hdr(skb);
	old[0] = iph->saddr;
	old[1] = iph->daddr;
	tos = iph->tos;
	ttl = iph->ttl;

	fnat_nat64_fix_l4(skb, check, p->tuple.protocol == IPPROTO_UDP, old,
			  sizeof(old), new, sizeof(new), to);

	if (grow > 0)
		skb_push(skb, grow);
	else
		skb_pull(skb, -grow);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, sizeof(struct ipv6hdr));
	ip6h = ipv6_hdr(skb);
	ip6_flow_hdr(ip6h, tos, 0);
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ip6h->nexthdr = p->tuple.protocol;
	ip6h->hop_limit = ttl;
	ip6h->saddr = to->saddr.in6;
	ip6h->daddr = to->daddr.in6;
	skb->protocol = htons(ETH_P_IPV6);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	skb_clear_hash(skb);
	if (!check)
		fnat_nat64_udp_csum(skb);
	return 0;
}

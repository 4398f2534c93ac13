// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: rebuilding the packet an ICMP error is about, for errors the
 * director answers itself rather than rewrites: those about FULLNAT 6->4
 * connections (the quote would have to change family) and those a router
 * beyond the director sends about TUN's encapsulated packets (the quote
 * is the director's, not the client's). icmp_send() and icmpv6_send()
 * then quote the rebuilt packet to its sender.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>
#include "fnat_xmit_internal.h"

/*
 * The packet an ICMP error quotes, rebuilt as its sender @t sent it: the
 * first @l4len bytes of its L4 header @l4 (with @t's ports) behind an IP
 * header of @t's family. It carries the route back to the sender, which
 * icmp_send() and icmpv6_send() answer along, from the address the
 * sender sent to where the director holds it on that route's device.
 */
struct sk_buff *fnat_xmit_rebuild_quote(struct net *net,
					const struct fnat_tuple *t,
					const void *l4, unsigned int l4len)
{
	struct dst_entry *dst;
	unsigned int nhlen = t->af == AF_INET6 ? sizeof(struct ipv6hdr) :
			     sizeof(struct iphdr);
	struct sk_buff *skb;
	__be16 *ports;

	if (t->af == AF_INET6) {
		struct in6_addr src = t->daddr.in6;

		dst = fnat_xmit6_cached_route(net, NULL, &t->saddr.in6, false,
					      &src);
	} else {
		__be32 src = 0;
		struct rtable *rt;

		rt = fnat_xmit_cached_route(net, NULL, t->saddr.ip, false,
					    &src);
		dst = rt ? &rt->dst : NULL;
	}
	if (!dst)
		return NULL;
	skb = alloc_skb(LL_MAX_HEADER + nhlen + l4len, GFP_ATOMIC);
	if (!skb) {
		dst_release(dst);
		return NULL;
	}
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	skb_put(skb, nhlen);
	skb_set_transport_header(skb, nhlen);
	skb_put_data(skb, l4, l4len);
	ports = (__be16 *)skb_transport_header(skb);
	ports[0] = t->sport;
	ports[1] = t->dport;
	if (t->af == AF_INET6) {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6_flow_hdr(ip6h, 0, 0);
		ip6h->payload_len = htons(l4len);
		ip6h->nexthdr = t->protocol;
		ip6h->hop_limit = 64;
		ip6h->saddr = t->saddr.in6;
		ip6h->daddr = t->daddr.in6;
		skb->protocol = htons(ETH_P_IPV6);
	} else {
		struct iphdr *iph = ip_hdr(skb);

		memset(iph, 0, sizeof(*iph));
		iph->version = 4;
		iph->ihl = sizeof(*iph) / 4;
		iph->tot_len = htons(nhlen + l4len);
		iph->frag_off = htons(IP_DF);
		iph->ttl = 64;
		iph->protocol = t->protocol;
		iph->saddr = t->saddr.ip;
		iph->daddr = t->daddr.ip;
		ip_send_check(iph);
		skb->protocol = htons(ETH_P_IP);
	}
	skb->dev = dst->dev;
	skb_dst_set(skb, dst);
	return skb;
}

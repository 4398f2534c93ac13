// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: IPIP and IPv6-in-IPv6 encapsulation for the TUN forwarding method.
 *
 * The outer header copies the inner packet's TOS, TTL and DF, as a
 * router's tunnel would, so the path MTU discovery the client started
 * keeps working through the tunnel. A GSO packet stays GSO, marked as
 * IPIP-encapsulated, and is segmented (inner and outer headers alike)
 * by the stack or the NIC; a CHECKSUM_PARTIAL one keeps its offload.
 */
#include <linux/ip.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ip6_tunnel.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include "fnat_tunnel.h"

/*
 * Prepends an IPIP header from @saddr to @daddr to the IPv4 packet at
 * skb->data (its network header), with @headroom more bytes kept free in
 * front for the link layer. On return skb->data and the network header
 * are the outer header's, complete with length and checksum. Returns 0,
 * or -ENOMEM with the packet unchanged.
 */
int fnat_tunnel_ipip_push(struct net *net, struct sk_buff *skb, __be32 saddr,
			  __be32 daddr, unsigned int headroom)
{
	const struct iphdr *inner;
	struct iphdr *iph;
	__be16 df;
	u8 tos, ttl;

	if (skb_cow_head(skb, headroom + sizeof(struct iphdr)) ||
	    iptunnel_handle_offloads(skb, SKB_GSO_IPXIP4))
		return -ENOMEM;
	inner = ip_hdr(skb);
	df = inner->frag_off & htons(IP_DF);
	tos = inner->tos;
	ttl = inner->ttl;
	skb_set_inner_ipproto(skb, IPPROTO_IPIP);
	skb->transport_header = skb->network_header;
	skb_push(skb, sizeof(struct iphdr));
	skb_reset_network_header(skb);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));

	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = sizeof(struct iphdr) >> 2;
	iph->tos = tos;
	iph->tot_len = htons(skb->len);
	iph->frag_off = df;
	iph->ttl = ttl;
	iph->protocol = IPPROTO_IPIP;
	iph->saddr = saddr;
	iph->daddr = daddr;
	ip_select_ident(net, skb, NULL);
	ip_send_check(iph);
	/* The caller checked the MTU against the inner packet. */
	skb->ignore_df = 1;
	return 0;
}

/*
 * The same for an IPv6 packet, in IPv6 (RFC 2473): the outer header takes
 * the inner one's traffic class, flow label and hop limit. An IPv6
 * router does not fragment, so there is no DF to copy: the caller sends
 * packet-too-big for the MTU less this header.
 */
int fnat_tunnel_ip6ip6_push(struct sk_buff *skb, const struct in6_addr *saddr,
			    const struct in6_addr *daddr,
			    unsigned int headroom)
{
	const struct ipv6hdr *inner;
	struct ipv6hdr *ip6h;
	__be32 flow;
	u8 hops;

	if (skb->len > IPV6_MAXPLEN)
		return -EMSGSIZE;
	if (skb_cow_head(skb, headroom + sizeof(struct ipv6hdr)) ||
	    iptunnel_handle_offloads(skb, SKB_GSO_IPXIP6))
		return -ENOMEM;
	inner = ipv6_hdr(skb);
	flow = ip6_flowinfo(inner);
	hops = inner->hop_limit;
	skb_set_inner_ipproto(skb, IPPROTO_IPV6);
	skb->transport_header = skb->network_header;
	skb_push(skb, sizeof(struct ipv6hdr));
	skb_reset_network_header(skb);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));

	ip6h = ipv6_hdr(skb);
	ip6_flow_hdr(ip6h, ip6_tclass(flow), flow & IPV6_FLOWLABEL_MASK);
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ip6h->nexthdr = IPPROTO_IPV6;
	ip6h->hop_limit = hops;
	ip6h->saddr = *saddr;
	ip6h->daddr = *daddr;
	skb->protocol = htons(ETH_P_IPV6);
	skb->ignore_df = 1;
	return 0;
}

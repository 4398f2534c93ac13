// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: IPIP encapsulation for the TUN forwarding method.
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
#include <net/ip_tunnels.h>
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

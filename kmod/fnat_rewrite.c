// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: address and port rewriting with incremental checksum updates.
 *
 * Checksums are never recomputed over the payload: the kernel's
 * inet_proto_csum_replace helpers adjust the L4 checksum for what changed
 * and do the right thing for every skb->ip_summed (for CHECKSUM_PARTIAL
 * the field holds only the pseudo-header sum, which moves with the
 * addresses but not with the ports, and the NIC or the stack finishes it;
 * for CHECKSUM_COMPLETE skb->csum follows). A UDP datagram sent without a
 * checksum (zero field) keeps none.
 */
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include "fnat_rewrite.h"

/* The L4 checksum field of a packet, or NULL when it has none to keep. */
static __sum16 *fnat_l4_csum(struct sk_buff *skb, const struct fnat_pkt *p)
{
	u8 *l4 = skb->data + p->l4off;

	switch (p->tuple.protocol) {
	case IPPROTO_TCP:
		return &((struct tcphdr *)l4)->check;
	case IPPROTO_UDP:
		if (p->flags & FNAT_PKT_F_NO_CSUM)
			return NULL;
		return &((struct udphdr *)l4)->check;
	default:
		return NULL;
	}
}

/*
 * Rewrites the IPv4 TCP or UDP packet @skb, described by @p (from
 * fnat_pkt_parse), to carry the addresses and ports of @to. Returns 0, or
 * -ENOMEM when the headers could not be made writable, -EINVAL for a
 * packet without ports (non-first fragment, ICMP, other protocols).
 */
int fnat_rewrite_v4(struct sk_buff *skb, const struct fnat_pkt *p,
		    const struct fnat_tuple *to)
{
	__be16 *ports;
	__sum16 *check;
	struct iphdr *iph;

	if ((p->tuple.protocol != IPPROTO_TCP &&
	     p->tuple.protocol != IPPROTO_UDP) ||
	    (p->flags & FNAT_PKT_F_NO_L4))
		return -EINVAL;
	/* Offsets from skb->data survive this; pointers do not. */
	if (skb_ensure_writable(skb, p->l4off + p->l4hlen))
		return -ENOMEM;

	iph = (struct iphdr *)(skb->data + p->l3off);
	ports = (__be16 *)(skb->data + p->l4off);
	check = fnat_l4_csum(skb, p);

	if (iph->saddr != to->saddr.ip) {
		if (check)
			inet_proto_csum_replace4(check, skb, iph->saddr,
						 to->saddr.ip, true);
		csum_replace4(&iph->check, iph->saddr, to->saddr.ip);
		iph->saddr = to->saddr.ip;
	}
	if (iph->daddr != to->daddr.ip) {
		if (check)
			inet_proto_csum_replace4(check, skb, iph->daddr,
						 to->daddr.ip, true);
		csum_replace4(&iph->check, iph->daddr, to->daddr.ip);
		iph->daddr = to->daddr.ip;
	}
	if (ports[0] != to->sport) {
		if (check)
			inet_proto_csum_replace2(check, skb, ports[0],
						 to->sport, false);
		ports[0] = to->sport;
	}
	if (ports[1] != to->dport) {
		if (check)
			inet_proto_csum_replace2(check, skb, ports[1],
						 to->dport, false);
		ports[1] = to->dport;
	}
	/* In UDP a computed zero is sent as all ones: zero means none. */
	if (check && p->tuple.protocol == IPPROTO_UDP && !*check &&
	    skb->ip_summed != CHECKSUM_PARTIAL)
		*check = CSUM_MANGLED_0;
	return 0;
}

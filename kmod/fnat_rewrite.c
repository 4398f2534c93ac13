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
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
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

/* Whether @p has ports to rewrite: TCP or UDP, and not a later fragment. */
static bool fnat_has_ports(const struct fnat_pkt *p)
{
	return (p->tuple.protocol == IPPROTO_TCP ||
		p->tuple.protocol == IPPROTO_UDP) &&
	       !(p->flags & FNAT_PKT_F_NO_L4);
}

/* The ports, which only the L4 checksum covers, and UDP's zero rule. */
static void fnat_rewrite_ports(struct sk_buff *skb, const struct fnat_pkt *p,
			       __be16 *ports, __sum16 *check,
			       const struct fnat_tuple *to)
{
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

	if (!fnat_has_ports(p))
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
	fnat_rewrite_ports(skb, p, ports, check, to);
	return 0;
}

/*
 * An IPv6 address, in the pseudo-header of the L4 checksum @check (NULL:
 * none). IPv6 has no header checksum, so for CHECKSUM_COMPLETE the change
 * to the address and the one to @check cancel out in skb->csum, which
 * inet_proto_csum_replace16() therefore leaves alone.
 */
static void fnat_rewrite_addr6(struct sk_buff *skb, struct in6_addr *addr,
			       const struct in6_addr *to, __sum16 *check)
{
	if (ipv6_addr_equal(addr, to))
		return;
	if (check)
		inet_proto_csum_replace16(check, skb, addr->s6_addr32,
					  to->s6_addr32, true);
	*addr = *to;
}

/*
 * fnat_rewrite_v4() for IPv6: rewrites the TCP or UDP packet @skb,
 * described by @p (from fnat_pkt_parse, extension headers and all), to
 * carry the addresses and ports of @to. The hop limit is not touched.
 * Returns 0, -ENOMEM when the headers could not be made writable, -EINVAL
 * for a packet without ports or not IPv6.
 */
int fnat_rewrite_v6(struct sk_buff *skb, const struct fnat_pkt *p,
		    const struct fnat_tuple *to)
{
	struct ipv6hdr *ip6h;
	__sum16 *check;
	__be16 *ports;

	if (p->tuple.af != AF_INET6 || !fnat_has_ports(p))
		return -EINVAL;
	if (skb_ensure_writable(skb, p->l4off + p->l4hlen))
		return -ENOMEM;

	ip6h = (struct ipv6hdr *)(skb->data + p->l3off);
	ports = (__be16 *)(skb->data + p->l4off);
	check = fnat_l4_csum(skb, p);

	fnat_rewrite_addr6(skb, &ip6h->saddr, &to->saddr.in6, check);
	fnat_rewrite_addr6(skb, &ip6h->daddr, &to->daddr.in6, check);
	fnat_rewrite_ports(skb, p, ports, check, to);
	return 0;
}

/*
 * Replaces a 32-bit field covered by up to two full checksums (the quoted
 * IP header's and the quoted L4 one's, for an address); NULL skips one.
 */
static void fnat_set4(__be32 *field, __be32 to, __sum16 *check,
		      __sum16 *check2)
{
	if (*field == to)
		return;
	if (check)
		csum_replace4(check, *field, to);
	if (check2)
		csum_replace4(check2, *field, to);
	*field = to;
}

static void fnat_set2(__be16 *field, __be16 to, __sum16 *check)
{
	if (*field == to)
		return;
	if (check)
		csum_replace2(check, *field, to);
	*field = to;
}

/*
 * Rewrites an IPv4 ICMP error about a connection: the outer addresses to
 * @outer_saddr/@outer_daddr and the quoted packet to @inner_to, so the
 * host it reaches recognises the packet it sent. The quoted IP header
 * checksum and, where the quote holds it, the quoted TCP or UDP checksum
 * are adjusted as the real ones would be, and @inner_seq_sub is taken off a
 * quoted TCP sequence number (fnat_icmp_quote_seq_sub(); 0 for none); the ICMP
 * checksum, which covers
 * the whole message and is rarely needed, is computed afresh.
 */
int fnat_rewrite_icmp_v4(struct sk_buff *skb, const struct fnat_pkt *p,
			 __be32 outer_saddr, __be32 outer_daddr,
			 const struct fnat_tuple *inner_to, u32 inner_seq_sub)
{
	unsigned int quote_end = skb->len, ilen;
	struct iphdr *iph, *ih;
	__sum16 *icheck = NULL;
	struct icmphdr *icmph;
	__be16 *iports;

	if (!(p->flags & FNAT_PKT_F_ICMP_ERR))
		return -EINVAL;
	if (skb_ensure_writable(skb, quote_end))
		return -ENOMEM;

	iph = (struct iphdr *)(skb->data + p->l3off);
	icmph = (struct icmphdr *)(skb->data + p->l4off);
	ih = (struct iphdr *)(skb->data + p->inner_l3off);
	iports = (__be16 *)(skb->data + p->inner_l4off);
	/* What of the quoted L4 header is in the packet. */
	ilen = min(quote_end, p->l3off + ntohs(iph->tot_len)) - p->inner_l4off;

	if (p->inner.protocol == IPPROTO_TCP &&
	    ilen >= offsetof(struct tcphdr, check) + sizeof(__sum16))
		icheck = &((struct tcphdr *)iports)->check;
	else if (p->inner.protocol == IPPROTO_UDP &&
		 ((struct udphdr *)iports)->check)
		icheck = &((struct udphdr *)iports)->check;

	fnat_set4(&ih->saddr, inner_to->saddr.ip, &ih->check, icheck);
	fnat_set4(&ih->daddr, inner_to->daddr.ip, &ih->check, icheck);
	if (p->inner.protocol == IPPROTO_TCP ||
	    p->inner.protocol == IPPROTO_UDP) {
		fnat_set2(&iports[0], inner_to->sport, icheck);
		fnat_set2(&iports[1], inner_to->dport, icheck);
	}
	/* The quoted sequence number back into its sender's space. */
	if (p->inner.protocol == IPPROTO_TCP && inner_seq_sub) {
		__be32 *seq = &((struct tcphdr *)iports)->seq;

		fnat_set4(seq, htonl(ntohl(*seq) - inner_seq_sub), icheck, NULL);
	}
	if (p->inner.protocol == IPPROTO_UDP && icheck && !*icheck)
		*icheck = CSUM_MANGLED_0;
	fnat_set4(&iph->saddr, outer_saddr, &iph->check, NULL);
	fnat_set4(&iph->daddr, outer_daddr, &iph->check, NULL);

	icmph->checksum = 0;
	icmph->checksum = csum_fold(skb_checksum(skb, p->l4off, p->l4len, 0));
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

/* An IPv6 address covered by a full checksum (NULL: none), word by word. */
static void fnat_set16(struct in6_addr *addr, const struct in6_addr *to,
		       __sum16 *check)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		fnat_set4(&addr->s6_addr32[i], to->s6_addr32[i], check, NULL);
}

/*
 * fnat_rewrite_icmp_v4() for ICMPv6: rewrites an ICMPv6 error about a
 * connection, the outer addresses to @outer_saddr/@outer_daddr and the
 * quoted packet to @inner_to. The quoted packet has no IP header checksum,
 * but its L4 checksum covers its addresses: a quoted TCP or UDP checksum
 * (where the quote holds it) follows the addresses and ports, a quoted
 * ICMPv6 one the addresses; @inner_seq_sub is taken off a quoted TCP
 * sequence number (0 for none). The ICMPv6 checksum, which covers the
 * outer addresses too, is computed afresh. The hop limit is not touched.
 */
int fnat_rewrite_icmp_v6(struct sk_buff *skb, const struct fnat_pkt *p,
			 const struct in6_addr *outer_saddr,
			 const struct in6_addr *outer_daddr,
			 const struct fnat_tuple *inner_to, u32 inner_seq_sub)
{
	struct ipv6hdr *ip6h, *ih;
	struct icmp6hdr *icmp6h;
	__sum16 *icheck = NULL;
	unsigned int ilen;
	__be16 *iports;
	__wsum csum;

	if (!(p->flags & FNAT_PKT_F_ICMP_ERR) || p->tuple.af != AF_INET6 ||
	    p->inner.af != AF_INET6)
		return -EINVAL;
	if (skb_ensure_writable(skb, skb->len))
		return -ENOMEM;

	ip6h = (struct ipv6hdr *)(skb->data + p->l3off);
	icmp6h = (struct icmp6hdr *)(skb->data + p->l4off);
	ih = (struct ipv6hdr *)(skb->data + p->inner_l3off);
	iports = (__be16 *)(skb->data + p->inner_l4off);
	/* What of the quoted L4 header is in the packet (8 bytes at least). */
	ilen = p->l4off + p->l4len - p->inner_l4off;

	if (p->inner.protocol == IPPROTO_TCP &&
	    ilen >= offsetof(struct tcphdr, check) + sizeof(__sum16))
		icheck = &((struct tcphdr *)iports)->check;
	else if (p->inner.protocol == IPPROTO_UDP &&
		 ((struct udphdr *)iports)->check)
		icheck = &((struct udphdr *)iports)->check;
	else if (p->inner.protocol == IPPROTO_ICMPV6)
		icheck = &((struct icmp6hdr *)iports)->icmp6_cksum;

	fnat_set16(&ih->saddr, &inner_to->saddr.in6, icheck);
	fnat_set16(&ih->daddr, &inner_to->daddr.in6, icheck);
	if (p->inner.protocol == IPPROTO_TCP ||
	    p->inner.protocol == IPPROTO_UDP) {
		fnat_set2(&iports[0], inner_to->sport, icheck);
		fnat_set2(&iports[1], inner_to->dport, icheck);
	}
	/* The quoted sequence number back into its sender's space. */
	if (p->inner.protocol == IPPROTO_TCP && inner_seq_sub) {
		__be32 *seq = &((struct tcphdr *)iports)->seq;

		fnat_set4(seq, htonl(ntohl(*seq) - inner_seq_sub), icheck, NULL);
	}
	if (p->inner.protocol == IPPROTO_UDP && icheck && !*icheck)
		*icheck = CSUM_MANGLED_0;
	ip6h->saddr = *outer_saddr;
	ip6h->daddr = *outer_daddr;

	icmp6h->icmp6_cksum = 0;
	csum = skb_checksum(skb, p->l4off, p->l4len, 0);
	icmp6h->icmp6_cksum = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr,
					      p->l4len, IPPROTO_ICMPV6, csum);
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

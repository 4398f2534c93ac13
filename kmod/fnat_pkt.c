// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: the data path's packet parser (see fnat_pkt.h).
 *
 * Lengths are checked before the bytes they cover are read, and every read
 * is a skb_header_pointer() of a fixed size at an offset already known to
 * lie inside the packet, so a lying header can make a refusal, never a read
 * beyond skb->len.
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/tcp.h>
#include "fnat_pkt.h"

/* Users see these; never rename one once released. */
static const char *const fnat_drop_names[FNAT_DROP_REASON_MAX] = {
	[FNAT_DROP_TRUNCATED]			= "truncated",
	[FNAT_DROP_BAD_VERSION]			= "bad_version",
	[FNAT_DROP_BAD_IHL]			= "bad_ihl",
	[FNAT_DROP_BAD_LENGTH]			= "bad_length",
	[FNAT_DROP_BAD_FRAGMENT]		= "bad_fragment",
	[FNAT_DROP_FRAGMENT_NO_L4]		= "fragment_no_l4",
	[FNAT_DROP_L4_TRUNCATED]		= "l4_truncated",
	[FNAT_DROP_BAD_TCP_DOFF]		= "bad_tcp_doff",
	[FNAT_DROP_BAD_UDP_LENGTH]		= "bad_udp_length",
	[FNAT_DROP_ICMP_TRUNCATED_INNER]	= "icmp_truncated_inner",
	[FNAT_DROP_ICMP_BAD_INNER]		= "icmp_bad_inner",
	[FNAT_DROP_ICMP_UNSUPPORTED_INNER]	= "icmp_unsupported_inner",
	[FNAT_DROP_UNSUPPORTED_PROTO]		= "unsupported_proto",
	[FNAT_DROP_NO_DEST]			= "no_dest",
	[FNAT_DROP_CONN_LIMIT]			= "conn_limit",
	[FNAT_DROP_NO_MEM]			= "no_mem",
	[FNAT_DROP_NO_CONN]			= "no_conn",
	[FNAT_DROP_NO_ROUTE]			= "no_route",
	[FNAT_DROP_FRAG_NEEDED]			= "frag_needed",
	[FNAT_DROP_TTL_EXPIRED]			= "ttl_expired",
	[FNAT_DROP_FWD_UNSUPPORTED]		= "fwd_unsupported",
	[FNAT_DROP_NO_LPORT]			= "no_lport",
	[FNAT_DROP_DEST_DELETED]		= "dest_deleted",
};

const char *fnat_drop_reason_name(enum fnat_drop_reason reason)
{
	if ((unsigned int)reason >= FNAT_DROP_REASON_MAX ||
	    !fnat_drop_names[reason])
		return "unknown";
	return fnat_drop_names[reason];
}

/*
 * An L4 header, or an ICMP error's quote, that does not fit: in a first
 * fragment it may continue in the next one, which only reassembly could
 * tell, so that case has a reason of its own.
 */
static int fnat_pkt_short(const struct fnat_pkt *p,
			  enum fnat_drop_reason unfragmented)
{
	if (p->flags & FNAT_PKT_F_FRAG)
		return -FNAT_DROP_FRAGMENT_NO_L4;
	return -unfragmented;
}

static int fnat_pkt_tcp(const struct sk_buff *skb, struct fnat_pkt *p)
{
	const struct tcphdr *th;
	struct tcphdr _th;
	unsigned int doff;

	if (p->l4len < sizeof(_th))
		return fnat_pkt_short(p, FNAT_DROP_L4_TRUNCATED);
	th = skb_header_pointer(skb, p->l4off, sizeof(_th), &_th);
	if (!th)
		return -FNAT_DROP_L4_TRUNCATED;
	doff = th->doff * 4;
	if (doff < sizeof(_th))
		return -FNAT_DROP_BAD_TCP_DOFF;
	if (doff > p->l4len)
		return fnat_pkt_short(p, FNAT_DROP_BAD_TCP_DOFF);

	p->tuple.sport = th->source;
	p->tuple.dport = th->dest;
	p->tcp_flags = tcp_flag_byte(th);
	p->l4hlen = doff;
	return 0;
}

static int fnat_pkt_udp(const struct sk_buff *skb, struct fnat_pkt *p)
{
	const struct udphdr *uh;
	struct udphdr _uh;
	unsigned int ulen;

	if (p->l4len < sizeof(_uh))
		return fnat_pkt_short(p, FNAT_DROP_L4_TRUNCATED);
	uh = skb_header_pointer(skb, p->l4off, sizeof(_uh), &_uh);
	if (!uh)
		return -FNAT_DROP_L4_TRUNCATED;
	ulen = ntohs(uh->len);
	if (ulen < sizeof(_uh))
		return -FNAT_DROP_BAD_UDP_LENGTH;
	/*
	 * A first fragment's UDP length is the whole datagram's, at least
	 * what this fragment carries. Otherwise it may be shorter than the
	 * IP payload (the stack trims the rest, as udp_rcv() does) but never
	 * longer.
	 */
	if (p->flags & FNAT_PKT_F_FRAG) {
		if (ulen < p->l4len)
			return -FNAT_DROP_BAD_UDP_LENGTH;
	} else if (ulen > p->l4len) {
		return -FNAT_DROP_BAD_UDP_LENGTH;
	}

	p->tuple.sport = uh->source;
	p->tuple.dport = uh->dest;
	p->l4hlen = sizeof(_uh);
	/* With CHECKSUM_PARTIAL the field holds a partial sum still to fold. */
	if (!uh->check && skb->ip_summed != CHECKSUM_PARTIAL)
		p->flags |= FNAT_PKT_F_NO_CSUM;
	return 0;
}

/*
 * ICMP errors that belong to the connection of the packet they quote.
 * Redirects are left out: they tell the host that sent the quoted packet
 * (the director itself) to change its route, which is no business of the
 * connection or its ends.
 */
static bool fnat_icmp_conn_error(u8 type)
{
	switch (type) {
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		return true;
	}
	return false;
}

/*
 * The quoted packet: its IP header and the first 8 bytes after it, all an
 * error must carry (RFC 792) and all that is needed (ports; TCP's seq).
 * Its total length is not checked: it is the original packet's, which the
 * quote is allowed to cut, and nothing beyond those 8 bytes is read.
 */
static int fnat_pkt_icmp_inner(const struct sk_buff *skb, struct fnat_pkt *p)
{
	unsigned int off = p->l4off + sizeof(struct icmphdr);
	unsigned int avail = p->l4len - sizeof(struct icmphdr);
	const struct iphdr *iph;
	struct iphdr _iph;
	unsigned int hlen;
	const __be16 *ports;
	__be16 _ports[2];
	const u8 *type;
	u8 _type;

	if (avail < sizeof(_iph))
		return fnat_pkt_short(p, FNAT_DROP_ICMP_TRUNCATED_INNER);
	iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
	if (!iph)
		return -FNAT_DROP_ICMP_TRUNCATED_INNER;
	if (iph->version != 4 || iph->ihl < 5)
		return -FNAT_DROP_ICMP_BAD_INNER;
	hlen = iph->ihl * 4;
	if (avail < hlen + 8)
		return fnat_pkt_short(p, FNAT_DROP_ICMP_TRUNCATED_INNER);

	switch (iph->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
		break;
	default:
		return -FNAT_DROP_ICMP_UNSUPPORTED_INNER;
	}
	/* Errors are only sent about first fragments, which hold the ports. */
	if (ntohs(iph->frag_off) & IP_OFFSET)
		return -FNAT_DROP_ICMP_BAD_INNER;

	p->inner.af = AF_INET;
	p->inner.protocol = iph->protocol;
	p->inner.saddr.ip = iph->saddr;
	p->inner.daddr.ip = iph->daddr;
	p->inner_l3off = off;
	p->inner_l4off = off + hlen;

	if (iph->protocol == IPPROTO_ICMP) {
		/* And no error is ever sent about an error (RFC 1122 3.2.2). */
		type = skb_header_pointer(skb, p->inner_l4off, sizeof(_type),
					  &_type);
		if (!type)
			return -FNAT_DROP_ICMP_TRUNCATED_INNER;
		if (icmp_is_err(*type))
			return -FNAT_DROP_ICMP_BAD_INNER;
	} else {
		ports = skb_header_pointer(skb, p->inner_l4off, sizeof(_ports),
					   _ports);
		if (!ports)
			return -FNAT_DROP_ICMP_TRUNCATED_INNER;
		p->inner.sport = ports[0];
		p->inner.dport = ports[1];
	}
	p->flags |= FNAT_PKT_F_ICMP_ERR;
	return 0;
}

static int fnat_pkt_icmp(const struct sk_buff *skb, struct fnat_pkt *p)
{
	const struct icmphdr *ih;
	struct icmphdr _ih;

	if (p->l4len < sizeof(_ih))
		return fnat_pkt_short(p, FNAT_DROP_L4_TRUNCATED);
	ih = skb_header_pointer(skb, p->l4off, sizeof(_ih), &_ih);
	if (!ih)
		return -FNAT_DROP_L4_TRUNCATED;

	p->icmp_type = ih->type;
	p->icmp_code = ih->code;
	p->l4hlen = sizeof(_ih);
	if (ih->type == ICMP_ECHO || ih->type == ICMP_ECHOREPLY)
		p->icmp_id = ih->un.echo.id;
	if (!fnat_icmp_conn_error(ih->type))
		return 0;
	return fnat_pkt_icmp_inner(skb, p);
}

/*
 * BIG TCP (6.3 on) hands GRO packets over 64 KiB up with total length 0:
 * the length is the skb's, exactly as iph_totlen() decides, but counted
 * from nhoff rather than the skb's network header.
 */
static bool fnat_pkt_big_tcp(const struct sk_buff *skb,
			     const struct iphdr *iph)
{
	return iph->protocol == IPPROTO_TCP && skb_is_gso(skb) &&
	       skb_is_gso_tcp(skb);
}

static int fnat_pkt_parse4(const struct sk_buff *skb, unsigned int nhoff,
			   struct fnat_pkt *p)
{
	unsigned int avail = skb->len - nhoff;
	const struct iphdr *iph;
	struct iphdr _iph;
	unsigned int hlen, len;
	u16 frag;

	iph = skb_header_pointer(skb, nhoff, sizeof(_iph), &_iph);
	if (!iph)
		return -FNAT_DROP_TRUNCATED;
	if (iph->ihl < 5)
		return -FNAT_DROP_BAD_IHL;
	hlen = iph->ihl * 4;
	len = ntohs(iph->tot_len);
	if (!len && fnat_pkt_big_tcp(skb, iph)) {
		len = avail;
		p->flags |= FNAT_PKT_F_BIG_TCP;
	}
	/* Options lie inside the checked length, hence inside the skb. */
	if (len < hlen || len > avail)
		return -FNAT_DROP_BAD_LENGTH;

	p->l3off = nhoff;
	p->l4off = nhoff + hlen;
	p->l4len = len - hlen;
	p->tuple.af = AF_INET;
	p->tuple.protocol = iph->protocol;
	p->tuple.saddr.ip = iph->saddr;
	p->tuple.daddr.ip = iph->daddr;
	if (hlen > sizeof(_iph))
		p->flags |= FNAT_PKT_F_IP_OPTS;

	switch (iph->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
		break;
	default:
		return -FNAT_DROP_UNSUPPORTED_PROTO;
	}

	frag = ntohs(iph->frag_off);
	if (frag & (IP_MF | IP_OFFSET)) {
		p->flags |= FNAT_PKT_F_FRAG;
		p->frag_id = ntohs(iph->id);
		p->frag_off = (frag & IP_OFFSET) << 3;
		/* Reassembly would overflow an IPv4 datagram. */
		if (p->frag_off + p->l4len > IP_MAX_MTU)
			return -FNAT_DROP_BAD_FRAGMENT;
		if (p->frag_off) {
			p->flags |= FNAT_PKT_F_NO_L4;
			return 0;
		}
	}

	switch (iph->protocol) {
	case IPPROTO_TCP:
		return fnat_pkt_tcp(skb, p);
	case IPPROTO_UDP:
		return fnat_pkt_udp(skb, p);
	default:
		return fnat_pkt_icmp(skb, p);
	}
}

int fnat_pkt_parse(const struct sk_buff *skb, unsigned int nhoff,
		   struct fnat_pkt *p)
{
	const u8 *ver;
	u8 _ver;

	memset(p, 0, sizeof(*p));
	/*
	 * skb_header_pointer() takes int offsets: a huge nhoff would turn
	 * negative there and slip past its bounds check.
	 */
	if (nhoff >= skb->len)
		return -FNAT_DROP_TRUNCATED;
	ver = skb_header_pointer(skb, nhoff, sizeof(_ver), &_ver);
	if (!ver)
		return -FNAT_DROP_TRUNCATED;
	switch (*ver >> 4) {
	case 4:
		return fnat_pkt_parse4(skb, nhoff, p);
	}
	return -FNAT_DROP_BAD_VERSION;
}

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
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
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
	[FNAT_DROP_BAD_EXTHDR]			= "bad_exthdr",
	[FNAT_DROP_UDP_ZERO_CSUM]		= "udp_zero_csum",
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
	[FNAT_DROP_ICMP_UNTRANSLATABLE]		= "icmp_untranslatable",
	[FNAT_DROP_DEFENSE_PACKET]		= "defense_drop_packet",
	[FNAT_DROP_DEFENSE_ENTRY]		= "defense_drop_entry",
	[FNAT_DROP_SYNPROXY_BAD_COOKIE]		= "synproxy_bad_cookie",
	[FNAT_DROP_SYNPROXY_HOLD_FULL]		= "synproxy_hold_full",
	[FNAT_DROP_SYNPROXY_BAD_SYNACK]		= "synproxy_bad_synack",
	[FNAT_DROP_SYNPROXY_RS_TIMEOUT]		= "synproxy_rs_timeout",
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
	if (!uh->check && skb->ip_summed != CHECKSUM_PARTIAL) {
		/* Optional in IPv4 only (RFC 8200 8.1). */
		if (p->tuple.af == AF_INET6)
			return -FNAT_DROP_UDP_ZERO_CSUM;
		p->flags |= FNAT_PKT_F_NO_CSUM;
	}
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

/*
 * A walk over an IPv6 extension header chain, from off (the first header
 * after the fixed one, of type nexthdr) to the L4 header, inside [off, end)
 * where end is the end of the payload or of an ICMPv6 error's quote.
 */
struct fnat_ext6 {
	unsigned int	off;	/* then the L4 header, or a later fragment's data */
	unsigned int	end;
	unsigned int	n;	/* headers skipped */
	u8		nexthdr;	/* then the L4 protocol */
	/* A fragment header was skipped; its fields, and where it ends. */
	bool		frag;
	bool		mf;
	u16		frag_off;	/* in bytes */
	u32		frag_id;
	unsigned int	frag_end;
};

/* How a walk ended, to be turned into the caller's drop reason. */
enum fnat_ext6_end {
	FNAT_EXT6_OK,
	FNAT_EXT6_SHORT,	/* a header running past end */
	FNAT_EXT6_BAD,		/* a chain the stack would refuse */
	FNAT_EXT6_NOT_OURS,	/* a routing header with segments left */
};

/*
 * Skips the extension headers fnat knows, stopping at anything else (L4,
 * AH, ESP, no next header...) with e->nexthdr naming it, or right after the
 * fragment header of a later fragment, whose next header is the first of
 * the fragmentable part of the datagram and whose data continues it.
 */
static enum fnat_ext6_end fnat_pkt_ext6(const struct sk_buff *skb,
					struct fnat_ext6 *e)
{
	const struct ipv6_rt_hdr *h;
	const struct frag_hdr *fh;
	struct ipv6_rt_hdr _h;
	struct frag_hdr _fh;
	unsigned int len;
	u16 fo;

	for (;;) {
		switch (e->nexthdr) {
		case NEXTHDR_HOP:
			/* Only right after the fixed header (RFC 8200 4.1). */
			if (e->n)
				return FNAT_EXT6_BAD;
			break;
		case NEXTHDR_DEST:
		case NEXTHDR_ROUTING:
		case NEXTHDR_FRAGMENT:
			break;
		default:
			return FNAT_EXT6_OK;
		}
		if (e->n == FNAT_PKT_MAX_EXTHDRS)
			return FNAT_EXT6_BAD;
		e->n++;
		/* Each of the four is 8 bytes at least. */
		if (e->end - e->off < 8)
			return FNAT_EXT6_SHORT;

		if (e->nexthdr == NEXTHDR_FRAGMENT) {
			if (e->frag)
				return FNAT_EXT6_BAD;
			fh = skb_header_pointer(skb, e->off, sizeof(_fh), &_fh);
			if (!fh)
				return FNAT_EXT6_SHORT;
			fo = ntohs(fh->frag_off);
			e->frag = true;
			e->mf = fo & IP6_MF;
			e->frag_off = fo & IP6_OFFSET;
			e->frag_id = ntohl(fh->identification);
			e->nexthdr = fh->nexthdr;
			e->off += sizeof(_fh);
			e->frag_end = e->off;
			if (e->frag_off)
				return FNAT_EXT6_OK;
			continue;
		}

		/* Routing shares its first 4 bytes with the options headers. */
		h = skb_header_pointer(skb, e->off, sizeof(_h), &_h);
		if (!h)
			return FNAT_EXT6_SHORT;
		len = ipv6_optlen(h);
		if (len > e->end - e->off)
			return FNAT_EXT6_SHORT;
		if (e->nexthdr == NEXTHDR_ROUTING && h->segments_left)
			return FNAT_EXT6_NOT_OURS;
		e->nexthdr = h->nexthdr;
		e->off += len;
	}
}

static bool fnat_pkt_proto6(u8 nexthdr)
{
	return nexthdr == IPPROTO_TCP || nexthdr == IPPROTO_UDP ||
	       nexthdr == IPPROTO_ICMPV6;
}

/*
 * The packet an ICMPv6 error quotes, as fnat_pkt_icmp_inner() does for
 * IPv4: its fixed header, its extension headers and 8 bytes after them
 * (RFC 4443 quotes as much as fits in 1280 bytes, so they are there unless
 * the chain is absurd). Its payload length is not checked.
 */
static int fnat_pkt_icmp6_inner(const struct sk_buff *skb, struct fnat_pkt *p)
{
	unsigned int off = p->l4off + sizeof(struct icmp6hdr);
	struct fnat_ext6 e = { .end = p->l4off + p->l4len };
	const struct ipv6hdr *ip6h;
	struct ipv6hdr _ip6h;
	const __be16 *ports;
	__be16 _ports[2];
	const u8 *type;
	u8 _type;

	if (e.end - off < sizeof(_ip6h))
		return fnat_pkt_short(p, FNAT_DROP_ICMP_TRUNCATED_INNER);
	ip6h = skb_header_pointer(skb, off, sizeof(_ip6h), &_ip6h);
	if (!ip6h)
		return -FNAT_DROP_ICMP_TRUNCATED_INNER;
	if (ip6h->version != 6)
		return -FNAT_DROP_ICMP_BAD_INNER;

	e.off = off + sizeof(_ip6h);
	e.nexthdr = ip6h->nexthdr;
	switch (fnat_pkt_ext6(skb, &e)) {
	case FNAT_EXT6_OK:
		break;
	case FNAT_EXT6_SHORT:
		return fnat_pkt_short(p, FNAT_DROP_ICMP_TRUNCATED_INNER);
	case FNAT_EXT6_BAD:
		return -FNAT_DROP_ICMP_BAD_INNER;
	case FNAT_EXT6_NOT_OURS:
		return -FNAT_DROP_ICMP_UNSUPPORTED_INNER;
	}
	if (e.end - e.off < 8)
		return fnat_pkt_short(p, FNAT_DROP_ICMP_TRUNCATED_INNER);
	if (!fnat_pkt_proto6(e.nexthdr))
		return -FNAT_DROP_ICMP_UNSUPPORTED_INNER;
	/* No error about a later fragment has the ports. */
	if (e.frag_off)
		return -FNAT_DROP_ICMP_BAD_INNER;

	p->inner.af = AF_INET6;
	p->inner.protocol = e.nexthdr;
	p->inner.saddr.in6 = ip6h->saddr;
	p->inner.daddr.in6 = ip6h->daddr;
	p->inner_l3off = off;
	p->inner_l4off = e.off;

	if (e.nexthdr == IPPROTO_ICMPV6) {
		/* No error about an error (RFC 4443 2.4 e.1): types 0-127. */
		type = skb_header_pointer(skb, e.off, sizeof(_type), &_type);
		if (!type)
			return -FNAT_DROP_ICMP_TRUNCATED_INNER;
		if (!(*type & ICMPV6_INFOMSG_MASK))
			return -FNAT_DROP_ICMP_BAD_INNER;
	} else {
		ports = skb_header_pointer(skb, e.off, sizeof(_ports), _ports);
		if (!ports)
			return -FNAT_DROP_ICMP_TRUNCATED_INNER;
		p->inner.sport = ports[0];
		p->inner.dport = ports[1];
	}
	p->flags |= FNAT_PKT_F_ICMP_ERR;
	return 0;
}

static int fnat_pkt_icmp6(const struct sk_buff *skb, struct fnat_pkt *p)
{
	const struct icmp6hdr *ih;
	struct icmp6hdr _ih;

	if (p->l4len < sizeof(_ih))
		return fnat_pkt_short(p, FNAT_DROP_L4_TRUNCATED);
	ih = skb_header_pointer(skb, p->l4off, sizeof(_ih), &_ih);
	if (!ih)
		return -FNAT_DROP_L4_TRUNCATED;

	p->icmp_type = ih->icmp6_type;
	p->icmp_code = ih->icmp6_code;
	p->l4hlen = sizeof(_ih);
	switch (ih->icmp6_type) {
	case ICMPV6_ECHO_REQUEST:
	case ICMPV6_ECHO_REPLY:
		p->icmp_id = ih->icmp6_identifier;
		return 0;
	case ICMPV6_DEST_UNREACH:
	case ICMPV6_PKT_TOOBIG:
	case ICMPV6_TIME_EXCEED:
	case ICMPV6_PARAMPROB:
		return fnat_pkt_icmp6_inner(skb, p);
	}
	/*
	 * Neighbour discovery, MLD, router renumbering...: the host's own
	 * (even when sent to a VIP, which is a local address), never to be
	 * dropped as malformed.
	 */
	return -FNAT_DROP_UNSUPPORTED_PROTO;
}

/*
 * BIG TCP over IPv6, in the only form the stack builds and hands up (GRO,
 * ipv6_gro_complete() from 5.19 on; ipv6_hop_jumbo() has checked it and
 * trimmed the skb to it before PRE_ROUTING): payload length 0, then an
 * 8-byte hop-by-hop header holding nothing but a jumbo payload option
 * whose length covers that header and the TCP segment. Sets *len to it.
 */
static int fnat_pkt_jumbo(const struct sk_buff *skb, unsigned int off,
			  u8 nexthdr, struct fnat_pkt *p, unsigned int *len)
{
	const struct hop_jumbo_hdr *jh;
	struct hop_jumbo_hdr _jh;
	u32 jlen;

	if (nexthdr != NEXTHDR_HOP || !skb_is_gso(skb) || !skb_is_gso_tcp(skb))
		return -FNAT_DROP_BAD_LENGTH;
	jh = skb_header_pointer(skb, off, sizeof(_jh), &_jh);
	if (!jh || jh->nexthdr != IPPROTO_TCP || jh->hdrlen ||
	    jh->tlv_type != IPV6_TLV_JUMBO || jh->tlv_len != 4)
		return -FNAT_DROP_BAD_LENGTH;
	/* RFC 2675: anything that fits a payload length must use it. */
	jlen = ntohl(jh->jumbo_payload_len);
	if (jlen <= IPV6_MAXPLEN)
		return -FNAT_DROP_BAD_LENGTH;
	*len = jlen;
	p->flags |= FNAT_PKT_F_BIG_TCP;
	return 0;
}

static int fnat_pkt_parse6(const struct sk_buff *skb, unsigned int nhoff,
			   struct fnat_pkt *p)
{
	unsigned int avail = skb->len - nhoff;
	const struct ipv6hdr *ip6h;
	struct ipv6hdr _ip6h;
	struct fnat_ext6 e = { };
	enum fnat_ext6_end end;
	unsigned int len;
	int err;

	ip6h = skb_header_pointer(skb, nhoff, sizeof(_ip6h), &_ip6h);
	if (!ip6h)
		return -FNAT_DROP_TRUNCATED;

	p->l3off = nhoff;
	p->tuple.af = AF_INET6;
	p->tuple.saddr.in6 = ip6h->saddr;
	p->tuple.daddr.in6 = ip6h->daddr;
	e.off = nhoff + sizeof(_ip6h);
	e.nexthdr = ip6h->nexthdr;
	len = ntohs(ip6h->payload_len);
	if (!len) {
		err = fnat_pkt_jumbo(skb, e.off, e.nexthdr, p, &len);
		if (err)
			return err;
	}
	if (len > avail - sizeof(_ip6h))
		return -FNAT_DROP_BAD_LENGTH;
	e.end = e.off + len;

	end = fnat_pkt_ext6(skb, &e);
	if (e.n)
		p->flags |= FNAT_PKT_F_EXTHDR;
	if (e.frag && (e.mf || e.frag_off)) {
		p->flags |= FNAT_PKT_F_FRAG;
		p->frag_id = e.frag_id;
		p->frag_off = e.frag_off;
	}
	switch (end) {
	case FNAT_EXT6_OK:
		break;
	case FNAT_EXT6_SHORT:
		/* Past the fragment header, the chain may go on in the next. */
		return fnat_pkt_short(p, FNAT_DROP_BAD_EXTHDR);
	case FNAT_EXT6_BAD:
		return -FNAT_DROP_BAD_EXTHDR;
	case FNAT_EXT6_NOT_OURS:
		return -FNAT_DROP_UNSUPPORTED_PROTO;
	}

	p->l4off = e.off;
	p->l4len = e.end - e.off;
	p->tuple.protocol = e.nexthdr;
	if (!fnat_pkt_proto6(e.nexthdr))
		return -FNAT_DROP_UNSUPPORTED_PROTO;

	if (p->flags & FNAT_PKT_F_FRAG) {
		/* As reassembly counts: the offset and what follows the header. */
		if (p->frag_off + (e.end - e.frag_end) > IPV6_MAXPLEN)
			return -FNAT_DROP_BAD_FRAGMENT;
		if (p->frag_off) {
			p->flags |= FNAT_PKT_F_NO_L4;
			return 0;
		}
	}

	switch (e.nexthdr) {
	case IPPROTO_TCP:
		return fnat_pkt_tcp(skb, p);
	case IPPROTO_UDP:
		return fnat_pkt_udp(skb, p);
	default:
		return fnat_pkt_icmp6(skb, p);
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
	case 6:
		return fnat_pkt_parse6(skb, nhoff, p);
	}
	return -FNAT_DROP_BAD_VERSION;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fnat KUnit: a packet builder for data-path fixtures (see
 * fnat_pkt_builder.h).
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include <net/udp.h>
#include "fnat_pkt_builder.h"

/* Room before the packet, as a driver leaves for headers pushed later. */
#define FNAT_PB_HEADROOM	64
#define FNAT_PB_FILLER		0xa5

/* Copies n option bytes to dst and pads them to 4n with pad. */
static unsigned int fnat_pb_opts(u8 *dst, const u8 *src, unsigned int n,
				 u8 pad)
{
	unsigned int len = ALIGN(n, 4);

	if (n)
		memcpy(dst, src, n);
	memset(dst + n, pad, len - n);
	return len;
}

static void fnat_pb_payload(u8 *dst, const struct fnat_pb_spec *spec)
{
	unsigned int i;

	if (spec->payload) {
		memcpy(dst, spec->payload, spec->payload_len);
		return;
	}
	for (i = 0; i < spec->payload_len; i++)
		dst[i] = i;
}

/* Writes the quoted packet of an ICMP error at dst; returns its length. */
static int fnat_pb_quote(struct kunit *test, const struct fnat_pb_spec *spec,
			 u8 *dst, unsigned int room)
{
	struct fnat_pb_pkt *in = fnat_pb_build(test, spec->inner);
	unsigned int n;

	if (!in)
		return -EINVAL;
	n = spec->inner_quote ?: in->l4off + 8;
	n = min(n, in->len);
	if (n > room) {
		KUNIT_FAIL(test, "builder: quoting %u bytes leaves no room", n);
		kunit_kfree(test, in);
		return -EMSGSIZE;
	}
	memcpy(dst, in->data, n);
	kunit_kfree(test, in);
	return n;
}

/* The checksum of an L4 message over the spec's pseudo-header. */
static __sum16 fnat_pb_magic(const struct fnat_pb_spec *spec,
			     unsigned int len, u8 proto, __wsum sum)
{
	if (spec->af == AF_INET6)
		return csum_ipv6_magic(&spec->saddr.in6, &spec->daddr.in6, len,
				       proto, sum);
	return csum_tcpudp_magic(spec->saddr.ip, spec->daddr.ip, len, proto,
				 sum);
}

static void fnat_pb_l4_csum(const struct fnat_pb_spec *spec,
			    struct fnat_pb_pkt *pkt, __sum16 *check)
{
	unsigned int len = pkt->len - pkt->l4off;
	const u8 *l4 = pkt->data + pkt->l4off;

	*check = 0;
	switch (spec->csum) {
	case FNAT_PB_CSUM_NONE:
		return;
	case FNAT_PB_CSUM_PARTIAL:
		*check = ~fnat_pb_magic(spec, len, spec->protocol, 0);
		pkt->csum_partial = true;
		return;
	case FNAT_PB_CSUM_FULL:
	case FNAT_PB_CSUM_COMPLETE:
		break;
	}
	*check = fnat_pb_magic(spec, len, spec->protocol,
			       csum_partial(l4, len, 0));
	/* Zero would say "no checksum": RFC 768 sends all ones instead. */
	if (spec->protocol == IPPROTO_UDP && !*check)
		*check = CSUM_MANGLED_0;
}

/* The ICMP of the spec's family. */
static u8 fnat_pb_icmp_proto(const struct fnat_pb_spec *spec)
{
	return spec->af == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

/*
 * Which L4 header the spec gets: IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP
 * (ICMPv6 too, whose header has the same layout) or 0 for payload only.
 */
static u8 fnat_pb_l4_kind(const struct fnat_pb_spec *spec)
{
	switch (spec->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		return spec->protocol;
	}
	return spec->protocol == fnat_pb_icmp_proto(spec) ? IPPROTO_ICMP : 0;
}

static int fnat_pb_spec_check(struct kunit *test,
			      const struct fnat_pb_spec *spec)
{
	bool ports = spec->protocol == IPPROTO_TCP ||
		     spec->protocol == IPPROTO_UDP;
	bool v6 = spec->af == AF_INET6;

	if (spec->af && spec->af != AF_INET && !v6) {
		KUNIT_FAIL(test, "builder: af %u", spec->af);
		return -EINVAL;
	}
	if (v6 && (spec->ip_opts_len || spec->df || spec->id ||
		   spec->set & FNAT_PB_SET_IHL)) {
		KUNIT_FAIL(test, "builder: IPv4 fields in an IPv6 spec");
		return -EINVAL;
	}
	if (!v6 && (spec->n_exthdrs || spec->frag6 || spec->frag_id ||
		    spec->flow_label)) {
		KUNIT_FAIL(test, "builder: IPv6 fields in an IPv4 spec");
		return -EINVAL;
	}
	if (spec->n_exthdrs > FNAT_PB_MAX_EXTHDRS) {
		KUNIT_FAIL(test, "builder: over %d extension headers",
			   FNAT_PB_MAX_EXTHDRS);
		return -EINVAL;
	}
	if (spec->ip_opts_len > 40 || spec->tcp_opts_len > 40) {
		KUNIT_FAIL(test, "builder: options over 40 bytes");
		return -EINVAL;
	}
	if (spec->frag_off & 7 || spec->frag_off > 0xfff8) {
		KUNIT_FAIL(test, "builder: frag_off %u", spec->frag_off);
		return -EINVAL;
	}
	if ((spec->csum == FNAT_PB_CSUM_PARTIAL && !ports) ||
	    (spec->csum == FNAT_PB_CSUM_NONE &&
	     spec->protocol != IPPROTO_UDP)) {
		KUNIT_FAIL(test, "builder: csum %d for protocol %u",
			   spec->csum, spec->protocol);
		return -EINVAL;
	}
	if (spec->inner && spec->protocol != fnat_pb_icmp_proto(spec)) {
		KUNIT_FAIL(test, "builder: only ICMP quotes a packet");
		return -EINVAL;
	}
	return 0;
}

/* Writes the L4 header and payload at pkt->l4off; sets pkt->len. */
static int fnat_pb_l4(struct kunit *test, const struct fnat_pb_spec *spec,
		      struct fnat_pb_pkt *pkt)
{
	u8 *l4 = pkt->data + pkt->l4off;
	unsigned int room = FNAT_PB_MAX_LEN - pkt->l4off, hlen = 0;
	u8 proto = fnat_pb_l4_kind(spec);
	struct icmphdr *ih;
	struct tcphdr *th;
	struct udphdr *uh;
	int quoted = 0;

	/* A non-first fragment carries data only. */
	if (spec->frag_off)
		goto payload;

	switch (proto) {
	case IPPROTO_TCP:
		th = (struct tcphdr *)l4;
		memset(th, 0, sizeof(*th));
		hlen = sizeof(*th);
		hlen += fnat_pb_opts(l4 + hlen, spec->tcp_opts,
				     spec->tcp_opts_len, TCPOPT_EOL);
		th->source = spec->sport;
		th->dest = spec->dport;
		th->seq = htonl(spec->seq);
		th->ack_seq = htonl(spec->ack_seq);
		th->doff = hlen / 4;
		tcp_flag_byte(th) = spec->tcp_flags;
		th->window = htons(spec->window ?: 65535);
		break;
	case IPPROTO_UDP:
		uh = (struct udphdr *)l4;
		hlen = sizeof(*uh);
		uh->source = spec->sport;
		uh->dest = spec->dport;
		break;
	case IPPROTO_ICMP:
		ih = (struct icmphdr *)l4;
		memset(ih, 0, sizeof(*ih));
		hlen = sizeof(*ih);
		ih->type = spec->icmp_type;
		ih->code = spec->icmp_code;
		ih->un.echo.id = spec->icmp_id;
		ih->un.echo.sequence = spec->icmp_seq;
		if (spec->icmp_mtu && spec->af == AF_INET6)
			((struct icmp6hdr *)ih)->icmp6_mtu =
				htonl(spec->icmp_mtu);
		else if (spec->icmp_mtu)
			ih->un.frag.mtu = htons(spec->icmp_mtu);
		if (spec->inner) {
			quoted = fnat_pb_quote(test, spec, l4 + hlen,
					       room - hlen);
			if (quoted < 0)
				return quoted;
		}
		break;
	}

payload:
	if (hlen + quoted + spec->payload_len > room) {
		KUNIT_FAIL(test, "builder: packet over %u bytes",
			   FNAT_PB_MAX_LEN);
		return -EMSGSIZE;
	}
	fnat_pb_payload(l4 + hlen + quoted, spec);
	pkt->len = pkt->l4off + hlen + quoted + spec->payload_len;
	if (spec->frag_off)
		return 0;

	switch (proto) {
	case IPPROTO_TCP:
		th = (struct tcphdr *)l4;
		fnat_pb_l4_csum(spec, pkt, &th->check);
		break;
	case IPPROTO_UDP:
		uh = (struct udphdr *)l4;
		uh->len = htons(pkt->len - pkt->l4off);
		fnat_pb_l4_csum(spec, pkt, &uh->check);
		break;
	case IPPROTO_ICMP:
		ih = (struct icmphdr *)l4;
		if (spec->af == AF_INET6)
			ih->checksum = fnat_pb_magic(spec, pkt->len - pkt->l4off,
						     IPPROTO_ICMPV6,
						     csum_partial(ih, pkt->len - pkt->l4off,
								  0));
		else
			ih->checksum = ip_compute_csum(ih,
						       pkt->len - pkt->l4off);
		break;
	}
	return 0;
}

/* Deliberate damage, in an order that keeps each knob independent. */
static void fnat_pb_break(const struct fnat_pb_spec *spec,
			  struct fnat_pb_pkt *pkt)
{
	struct ipv6hdr *ip6h = (struct ipv6hdr *)pkt->data;
	struct iphdr *iph = (struct iphdr *)pkt->data;
	unsigned int real_hlen = pkt->l4off;
	u8 *l4h = pkt->data + pkt->l4off;
	/* A non-first fragment has no L4 header to break. */
	bool l4 = !spec->frag_off;

	if (l4 && spec->protocol == IPPROTO_TCP && spec->set & FNAT_PB_SET_DOFF)
		((struct tcphdr *)l4h)->doff = spec->set_doff;
	if (l4 && spec->protocol == IPPROTO_UDP &&
	    spec->set & FNAT_PB_SET_UDP_LEN)
		((struct udphdr *)l4h)->len = htons(spec->set_udp_len);
	if (spec->set & FNAT_PB_SET_VERSION)
		pkt->data[0] = (spec->set_version << 4) | (pkt->data[0] & 0xf);
	if (spec->af == AF_INET6) {
		/* No header checksum to keep. */
		if (spec->set & FNAT_PB_SET_TOT_LEN)
			ip6h->payload_len = htons(spec->set_tot_len);
	} else {
		if (spec->set & FNAT_PB_SET_IHL)
			iph->ihl = spec->set_ihl;
		if (spec->set & FNAT_PB_SET_TOT_LEN)
			iph->tot_len = htons(spec->set_tot_len);
		/* Over the bytes written, whatever IHL now claims. */
		iph->check = 0;
		iph->check = csum_fold(csum_partial(iph, real_hlen, 0));
	}
	if (spec->set & FNAT_PB_SET_TRUNCATE)
		pkt->len = min(pkt->len, spec->truncate);
}

/* Writes an IPv6 extension header other than a fragment header at dst. */
static int fnat_pb_exthdr(struct kunit *test, const struct fnat_pb_exthdr *x,
			  u8 *dst, unsigned int room)
{
	unsigned int len = x->len ?: 8, unit = 8, fixed = 2, pad, chunk;
	u8 *p;

	if (x->type == NEXTHDR_AUTH)
		unit = 4;
	if (x->type == NEXTHDR_ROUTING)
		fixed = 4;
	if (len % unit || len > unit * 256 || fixed + x->data_len > len) {
		KUNIT_FAIL(test, "builder: extension header %u of %u bytes",
			   x->type, len);
		return -EINVAL;
	}
	if (len > room) {
		KUNIT_FAIL(test, "builder: packet over %u bytes",
			   FNAT_PB_MAX_LEN);
		return -EMSGSIZE;
	}
	memset(dst, 0, len);
	dst[1] = x->type == NEXTHDR_AUTH ? len / 4 - 2 : len / 8 - 1;
	if (x->type == NEXTHDR_ROUTING) {
		dst[2] = x->rt_type;
		dst[3] = x->segleft;
	}
	if (x->data_len)
		memcpy(dst + fixed, x->data, x->data_len);
	/* Options headers are TLVs to the end: pad them as RFC 8200 does. */
	if (x->type == NEXTHDR_HOP || x->type == NEXTHDR_DEST) {
		p = dst + fixed + x->data_len;
		for (pad = len - fixed - x->data_len; pad; pad -= chunk) {
			chunk = pad > 257 ? 256 : pad;
			p[0] = chunk == 1 ? IPV6_TLV_PAD1 : IPV6_TLV_PADN;
			if (chunk > 1)
				p[1] = chunk - 2;
			p += chunk;
		}
	}
	if (x->set_hdrlen)
		dst[1] = x->hdrlen;
	return len;
}

/*
 * Writes the extension headers after the IPv6 fixed header, chaining each
 * one's next header byte; sets pkt->l4off.
 */
static int fnat_pb_exthdrs(struct kunit *test, const struct fnat_pb_spec *spec,
			   struct fnat_pb_pkt *pkt)
{
	bool frag = spec->frag6 || spec->frag_off || spec->mf, placed = false;
	unsigned int off = sizeof(struct ipv6hdr), i;
	const struct fnat_pb_exthdr *x;
	struct frag_hdr *fh;
	u8 *nh = &((struct ipv6hdr *)pkt->data)->nexthdr;
	int n;

	for (i = 0; i <= spec->n_exthdrs; i++) {
		x = i < spec->n_exthdrs ? &spec->exthdrs[i] : NULL;
		if (x ? x->type == NEXTHDR_FRAGMENT : frag && !placed) {
			if (!frag) {
				KUNIT_FAIL(test, "builder: a fragment header, not a fragment");
				return -EINVAL;
			}
			if (off + sizeof(*fh) > FNAT_PB_MAX_LEN) {
				KUNIT_FAIL(test, "builder: packet over %u bytes",
					   FNAT_PB_MAX_LEN);
				return -EMSGSIZE;
			}
			*nh = NEXTHDR_FRAGMENT;
			fh = (struct frag_hdr *)(pkt->data + off);
			fh->reserved = 0;
			fh->frag_off = htons(spec->frag_off | (spec->mf ? IP6_MF : 0));
			fh->identification = htonl(spec->frag_id);
			nh = &fh->nexthdr;
			off += sizeof(*fh);
			placed = true;
			continue;
		}
		if (!x)
			break;
		/* The rest went in the first fragment. */
		if (placed && spec->frag_off) {
			*nh = x->type;
			pkt->l4off = off;
			return 0;
		}
		n = fnat_pb_exthdr(test, x, pkt->data + off,
				   FNAT_PB_MAX_LEN - off);
		if (n < 0)
			return n;
		*nh = x->type;
		nh = pkt->data + off;
		off += n;
	}
	if (off > FNAT_PB_MAX_LEN - 8) {
		KUNIT_FAIL(test, "builder: packet over %u bytes",
			   FNAT_PB_MAX_LEN);
		return -EMSGSIZE;
	}
	*nh = spec->protocol;
	pkt->l4off = off;
	return 0;
}

static void fnat_pb_hdr4(const struct fnat_pb_spec *spec,
			 struct fnat_pb_pkt *pkt)
{
	struct iphdr *iph = (struct iphdr *)pkt->data;
	u16 frag;

	frag = spec->frag_off >> 3;
	if (spec->mf)
		frag |= IP_MF;
	if (spec->df)
		frag |= IP_DF;
	iph->version = 4;
	iph->ihl = pkt->l4off / 4;
	iph->tos = spec->tos;
	iph->tot_len = htons(pkt->len);
	iph->id = spec->id;
	iph->frag_off = htons(frag);
	iph->ttl = spec->ttl ?: 64;
	iph->protocol = spec->protocol;
	iph->saddr = spec->saddr.ip;
	iph->daddr = spec->daddr.ip;
}

/* The fixed header; its next header byte is fnat_pb_exthdrs()'. */
static void fnat_pb_hdr6(const struct fnat_pb_spec *spec,
			 struct fnat_pb_pkt *pkt)
{
	struct ipv6hdr *ip6h = (struct ipv6hdr *)pkt->data;

	*(__be32 *)ip6h = htonl(6 << 28 | spec->tos << 20 |
				(spec->flow_label & 0xfffff));
	ip6h->payload_len = htons(pkt->len - sizeof(*ip6h));
	ip6h->hop_limit = spec->ttl ?: 64;
	ip6h->saddr = spec->saddr.in6;
	ip6h->daddr = spec->daddr.in6;
}

struct fnat_pb_pkt *fnat_pb_build(struct kunit *test,
				  const struct fnat_pb_spec *spec)
{
	struct fnat_pb_pkt *pkt;

	if (fnat_pb_spec_check(test, spec))
		return NULL;
	pkt = kunit_kzalloc(test, sizeof(*pkt), GFP_KERNEL);
	if (!pkt) {
		KUNIT_FAIL(test, "builder: out of memory");
		return NULL;
	}
	pkt->af = spec->af == AF_INET6 ? AF_INET6 : AF_INET;
	pkt->protocol = spec->protocol;
	pkt->csum_complete = spec->csum == FNAT_PB_CSUM_COMPLETE;
	if (pkt->af == AF_INET6) {
		if (fnat_pb_exthdrs(test, spec, pkt))
			goto fail;
	} else {
		pkt->l4off = sizeof(struct iphdr) +
			     fnat_pb_opts(pkt->data + sizeof(struct iphdr),
					  spec->ip_opts, spec->ip_opts_len,
					  IPOPT_END);
	}
	if (fnat_pb_l4(test, spec, pkt))
		goto fail;

	if (pkt->af == AF_INET6)
		fnat_pb_hdr6(spec, pkt);
	else
		fnat_pb_hdr4(spec, pkt);
	fnat_pb_break(spec, pkt);
	return pkt;

fail:
	kunit_kfree(test, pkt);
	return NULL;
}

static int fnat_pb_skb_init(struct kunit_resource *res, void *skb)
{
	res->data = skb;
	return 0;
}

static void fnat_pb_skb_release(struct kunit_resource *res)
{
	kfree_skb(res->data);
}

static bool fnat_pb_skb_match(struct kunit *test, struct kunit_resource *res,
			      void *skb)
{
	return res->free == fnat_pb_skb_release && res->data == skb;
}

void fnat_pb_free(struct kunit *test, struct sk_buff *skb)
{
	KUNIT_EXPECT_EQ(test, 0,
			kunit_destroy_resource(test, fnat_pb_skb_match, skb));
}

/* Moves bytes [off, len) of buf into page fragments of the skb. */
static int fnat_pb_frags(struct kunit *test, struct sk_buff *skb,
			 const u8 *buf, unsigned int off, unsigned int len,
			 unsigned int frag_len)
{
	struct page *page = NULL;
	unsigned int pg_off = 0, chunk;
	int i = 0;

	frag_len = frag_len ? min_t(unsigned int, frag_len, PAGE_SIZE) :
			      PAGE_SIZE;
	while (off < len) {
		chunk = min(frag_len, len - off);
		if (i == MAX_SKB_FRAGS) {
			KUNIT_FAIL(test, "builder: over %d fragments",
				   MAX_SKB_FRAGS);
			return -EMSGSIZE;
		}
		/* Fragments share a page while it has room, as GRO's do. */
		if (page && pg_off + chunk <= PAGE_SIZE) {
			get_page(page);
		} else {
			page = alloc_page(GFP_KERNEL);
			if (!page) {
				KUNIT_FAIL(test, "builder: out of memory");
				return -ENOMEM;
			}
			pg_off = 0;
		}
		memcpy(page_address(page) + pg_off, buf + off, chunk);
		skb_add_rx_frag(skb, i++, page, pg_off, chunk, chunk);
		pg_off += chunk;
		off += chunk;
	}
	return 0;
}

struct sk_buff *fnat_pb_skb(struct kunit *test, const struct fnat_pb_pkt *pkt,
			    const struct fnat_pb_layout *layout)
{
	static const struct fnat_pb_layout linear;
	const struct fnat_pb_layout *lo = layout ?: &linear;
	unsigned int total, head;
	struct sk_buff *skb;
	u8 *buf;

	if (!pkt)
		return NULL;
	total = lo->nhoff + pkt->len;
	head = total;
	if (lo->nonlinear)
		head = min(lo->linear_len, total);
	buf = kmalloc(total, GFP_KERNEL);
	skb = alloc_skb(FNAT_PB_HEADROOM + head, GFP_KERNEL);
	if (!buf || !skb) {
		KUNIT_FAIL(test, "builder: out of memory");
		goto fail;
	}
	memset(buf, FNAT_PB_FILLER, lo->nhoff);
	memcpy(buf + lo->nhoff, pkt->data, pkt->len);
	skb_reserve(skb, FNAT_PB_HEADROOM);
	skb_put_data(skb, buf, head);
	if (fnat_pb_frags(test, skb, buf, head, total, lo->frag_len))
		goto fail;

	skb->protocol = htons(pkt->af == AF_INET6 ? ETH_P_IPV6 : ETH_P_IP);
	skb_set_network_header(skb, lo->nhoff);
	skb_set_transport_header(skb, lo->nhoff + pkt->l4off);
	if (pkt->csum_partial) {
		/* What __tcp_v4_send_check() and udp4_hwcsum() leave. */
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = pkt->protocol == IPPROTO_TCP ?
				   offsetof(struct tcphdr, check) :
				   offsetof(struct udphdr, check);
	} else if (pkt->csum_complete) {
		skb->ip_summed = CHECKSUM_COMPLETE;
		skb->csum = skb_checksum(skb, 0, skb->len, 0);
	}
	if (lo->gso_size) {
		skb_shinfo(skb)->gso_size = lo->gso_size;
		skb_shinfo(skb)->gso_type = pkt->af == AF_INET6 ?
					    SKB_GSO_TCPV6 : SKB_GSO_TCPV4;
		skb_shinfo(skb)->gso_segs =
			DIV_ROUND_UP(pkt->len - pkt->l4off, lo->gso_size);
	}
	kfree(buf);

	if (!kunit_alloc_resource(test, fnat_pb_skb_init, fnat_pb_skb_release,
				  GFP_KERNEL, skb)) {
		KUNIT_FAIL(test, "builder: out of memory");
		kfree_skb(skb);
		return NULL;
	}
	return skb;

fail:
	kfree(buf);
	kfree_skb(skb);
	return NULL;
}

struct sk_buff *fnat_pb_new(struct kunit *test, const struct fnat_pb_spec *spec,
			    const struct fnat_pb_layout *layout)
{
	struct fnat_pb_pkt *pkt = fnat_pb_build(test, spec);
	struct sk_buff *skb;

	if (!pkt)
		return NULL;
	skb = fnat_pb_skb(test, pkt, layout);
	kunit_kfree(test, pkt);
	return skb;
}

/* A field of a header: first byte's offset from the header and its name. */
struct fnat_pb_field {
	u8		off;
	const char	*name;
};

static const struct fnat_pb_field fnat_pb_ip_fields[] = {
	{ 0, "version/ihl" }, { 1, "tos" }, { 2, "tot_len" }, { 4, "id" },
	{ 6, "frag_off" }, { 8, "ttl" }, { 9, "protocol" }, { 10, "check" },
	{ 12, "saddr" }, { 16, "daddr" }, { 20, "options" },
};

static const struct fnat_pb_field fnat_pb_tcp_fields[] = {
	{ 0, "source" }, { 2, "dest" }, { 4, "seq" }, { 8, "ack_seq" },
	{ 12, "doff" }, { 13, "flags" }, { 14, "window" }, { 16, "check" },
	{ 18, "urg_ptr" }, { 20, "options" },
};

static const struct fnat_pb_field fnat_pb_udp_fields[] = {
	{ 0, "source" }, { 2, "dest" }, { 4, "len" }, { 6, "check" },
};

static const struct fnat_pb_field fnat_pb_icmp_fields[] = {
	{ 0, "type" }, { 1, "code" }, { 2, "checksum" }, { 4, "un" },
};

static const struct fnat_pb_field fnat_pb_ip6_fields[] = {
	{ 0, "version/tclass" }, { 1, "tclass/flow_lbl" }, { 4, "payload_len" },
	{ 6, "nexthdr" }, { 7, "hop_limit" }, { 8, "saddr" }, { 24, "daddr" },
};

static const struct fnat_pb_field fnat_pb_opt6_fields[] = {
	{ 0, "nexthdr" }, { 1, "hdrlen" }, { 2, "options" },
};

static const struct fnat_pb_field fnat_pb_rt6_fields[] = {
	{ 0, "nexthdr" }, { 1, "hdrlen" }, { 2, "type" },
	{ 3, "segments_left" }, { 4, "data" },
};

static const struct fnat_pb_field fnat_pb_frag6_fields[] = {
	{ 0, "nexthdr" }, { 1, "reserved" }, { 2, "frag_off" },
	{ 4, "identification" },
};

static const struct fnat_pb_field fnat_pb_ah_fields[] = {
	{ 0, "nexthdr" }, { 1, "hdrlen" }, { 2, "reserved" }, { 4, "spi" },
	{ 8, "seq" }, { 12, "icv" },
};

static const struct fnat_pb_field fnat_pb_icmp6_fields[] = {
	{ 0, "type" }, { 1, "code" }, { 2, "checksum" }, { 4, "data" },
};

static void fnat_pb_name(char *buf, size_t size, const char *prefix,
			 const char *hdr, const struct fnat_pb_field *f,
			 unsigned int n, unsigned int rel)
{
	unsigned int i = n - 1;

	while (i && f[i].off > rel)
		i--;
	snprintf(buf, size, "%s%s.%s+%u", prefix, hdr, f[i].name,
		 rel - f[i].off);
}

/* Names byte rel of an IPv6 extension header of the given type. */
static void fnat_pb_name6(char *buf, size_t size, const char *prefix, u8 type,
			  unsigned int rel)
{
	switch (type) {
	case NEXTHDR_FRAGMENT:
		fnat_pb_name(buf, size, prefix, "frag", fnat_pb_frag6_fields,
			     ARRAY_SIZE(fnat_pb_frag6_fields), rel);
		break;
	case NEXTHDR_AUTH:
		fnat_pb_name(buf, size, prefix, "ah", fnat_pb_ah_fields,
			     ARRAY_SIZE(fnat_pb_ah_fields), rel);
		break;
	case NEXTHDR_ROUTING:
		fnat_pb_name(buf, size, prefix, "rthdr", fnat_pb_rt6_fields,
			     ARRAY_SIZE(fnat_pb_rt6_fields), rel);
		break;
	default:
		fnat_pb_name(buf, size, prefix,
			     type == NEXTHDR_HOP ? "hopopts" : "dstopts",
			     fnat_pb_opt6_fields,
			     ARRAY_SIZE(fnat_pb_opt6_fields), rel);
	}
}

/*
 * The IPv6 headers of pkt[0, len): names the field holding byte off and
 * returns false if it lies in them, else sets *hlen to where they end and
 * *proto to what follows (NEXTHDR_NONE for a later fragment's data).
 */
static bool fnat_pb_describe6(const u8 *pkt, unsigned int len,
			      unsigned int off, char *buf, size_t size,
			      const char *prefix, unsigned int *hlen, u8 *proto)
{
	unsigned int h = sizeof(struct ipv6hdr), xlen, i;
	u8 type;

	if (len < h || off < h) {
		fnat_pb_name(buf, size, prefix, "ip6", fnat_pb_ip6_fields,
			     ARRAY_SIZE(fnat_pb_ip6_fields), off);
		return false;
	}
	type = pkt[6];
	for (i = 0; i < FNAT_PB_MAX_EXTHDRS + 2 && h + 8 <= len; i++) {
		switch (type) {
		case NEXTHDR_FRAGMENT:
			xlen = 8;
			break;
		case NEXTHDR_AUTH:
			xlen = (pkt[h + 1] + 2) * 4;
			break;
		case NEXTHDR_HOP:
		case NEXTHDR_DEST:
		case NEXTHDR_ROUTING:
			xlen = (pkt[h + 1] + 1) * 8;
			break;
		default:
			goto out;
		}
		if (off < h + xlen) {
			fnat_pb_name6(buf, size, prefix, type, off - h);
			return false;
		}
		/* A later fragment: the rest is data. */
		if (type == NEXTHDR_FRAGMENT &&
		    (pkt[h + 2] << 8 | pkt[h + 3]) & IP6_OFFSET) {
			h += xlen;
			type = NEXTHDR_NONE;
			break;
		}
		type = pkt[h];
		h += xlen;
	}
out:
	*hlen = h;
	*proto = type;
	return true;
}

/*
 * Names the field holding byte off of the IP packet in pkt[0, len), reading
 * IHL, protocol, extension headers and doff from pkt itself; recurses once
 * into an ICMP error's quoted packet.
 */
static void fnat_pb_describe(const u8 *pkt, unsigned int len, unsigned int off,
			     char *buf, size_t size, bool inner)
{
	const char *prefix = inner ? "inner " : "";
	const struct fnat_pb_field *f;
	unsigned int hlen, l4hlen, n;
	const char *hdr;
	bool icmp_err;
	u8 proto;

	if (len && pkt[0] >> 4 == 6) {
		if (!fnat_pb_describe6(pkt, len, off, buf, size, prefix, &hlen,
				       &proto))
			return;
	} else {
		hlen = len ? (pkt[0] & 0xf) * 4 : 0;
		if (len < sizeof(struct iphdr) ||
		    hlen < sizeof(struct iphdr) || off < hlen || len < hlen) {
			fnat_pb_name(buf, size, prefix, "ip", fnat_pb_ip_fields,
				     ARRAY_SIZE(fnat_pb_ip_fields), off);
			return;
		}
		proto = pkt[9];
		/* ICMPv6 in IPv4 is only payload. */
		if (proto == IPPROTO_ICMPV6)
			proto = NEXTHDR_NONE;
	}
	switch (proto) {
	case IPPROTO_TCP:
		hdr = "tcp";
		f = fnat_pb_tcp_fields;
		n = ARRAY_SIZE(fnat_pb_tcp_fields);
		l4hlen = len > hlen + 12 ? (pkt[hlen + 12] >> 4) * 4 : 0;
		l4hlen = max_t(unsigned int, l4hlen, sizeof(struct tcphdr));
		break;
	case IPPROTO_UDP:
		hdr = "udp";
		f = fnat_pb_udp_fields;
		n = ARRAY_SIZE(fnat_pb_udp_fields);
		l4hlen = sizeof(struct udphdr);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		l4hlen = sizeof(struct icmphdr);
		if (proto == IPPROTO_ICMP)
			icmp_err = len > hlen && icmp_is_err(pkt[hlen]);
		else
			icmp_err = len > hlen && icmpv6_is_err(pkt[hlen]);
		if (!inner && off >= hlen + l4hlen && len >= hlen + l4hlen &&
		    icmp_err) {
			fnat_pb_describe(pkt + hlen + l4hlen,
					 len - hlen - l4hlen,
					 off - hlen - l4hlen, buf, size, true);
			return;
		}
		if (proto == IPPROTO_ICMP) {
			hdr = "icmp";
			f = fnat_pb_icmp_fields;
			n = ARRAY_SIZE(fnat_pb_icmp_fields);
		} else {
			hdr = "icmp6";
			f = fnat_pb_icmp6_fields;
			n = ARRAY_SIZE(fnat_pb_icmp6_fields);
		}
		break;
	default:
		snprintf(buf, size, "%spayload+%u", prefix, off - hlen);
		return;
	}
	off -= hlen;
	if (off >= l4hlen)
		snprintf(buf, size, "%spayload+%u", prefix, off - l4hlen);
	else
		fnat_pb_name(buf, size, prefix, hdr, f, n, off);
}

bool fnat_pb_skb_equal(const struct sk_buff *got, const struct sk_buff *want,
		       unsigned int nhoff, char *msg, size_t size)
{
	unsigned int n = min(got->len, want->len), i;
	u8 *g = kmalloc(got->len + 1, GFP_KERNEL);
	u8 *w = kmalloc(want->len + 1, GFP_KERNEL);
	char where[48] = "link-layer";
	bool same = false;

	snprintf(msg, size, "equal");
	if (!g || !w || skb_copy_bits(got, 0, g, got->len) ||
	    skb_copy_bits(want, 0, w, want->len)) {
		snprintf(msg, size, "cannot copy the skbs");
		goto out;
	}
	for (i = 0; i < n && g[i] == w[i]; i++)
		;
	if (i == n && got->len == want->len) {
		same = true;
		goto out;
	}
	if (i >= nhoff && nhoff <= want->len)
		fnat_pb_describe(w + nhoff, want->len - nhoff, i - nhoff,
				 where, sizeof(where), false);
	if (i < n)
		snprintf(msg, size,
			 "first difference at byte %u (%s): got 0x%02x, want 0x%02x; lengths got %u, want %u",
			 i, where, g[i], w[i], got->len, want->len);
	else
		snprintf(msg, size,
			 "lengths differ: got %u bytes, want %u (same up to byte %u, %s)",
			 got->len, want->len, n, where);
out:
	kfree(g);
	kfree(w);
	return same;
}

int fnat_pb_pad(struct kunit *test, struct sk_buff *skb, unsigned int len)
{
	unsigned int chunk;
	struct page *page;
	int i;

	while (len) {
		i = skb_shinfo(skb)->nr_frags;
		if (i == MAX_SKB_FRAGS) {
			KUNIT_FAIL(test, "builder: over %d fragments",
				   MAX_SKB_FRAGS);
			return -EMSGSIZE;
		}
		page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!page) {
			KUNIT_FAIL(test, "builder: out of memory");
			return -ENOMEM;
		}
		chunk = min_t(unsigned int, len, PAGE_SIZE);
		skb_add_rx_frag(skb, i, page, 0, chunk, PAGE_SIZE);
		len -= chunk;
	}
	return 0;
}

/*
 * Ones' complement sums of big-endian 16-bit words, an odd last byte
 * padded with zero (RFC 1071), written out so that a checksum is checked
 * by other code than the csum helpers the data path uses.
 */
static u64 fnat_pb_sum(u64 sum, const u8 *p, unsigned int len)
{
	unsigned int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

static u16 fnat_pb_fold(u64 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/*
 * The IP header of b[0, len): sets *hlen to where the L4 header starts,
 * *l4len, *proto and *pseudo, the pseudo-header's sum. Returns false with
 * msg set if the headers do not hold together.
 */
static bool fnat_pb_csum_hdrs(const u8 *b, unsigned int len,
			      unsigned int *hlen, unsigned int *l4len,
			      u8 *proto, u64 *pseudo, char *msg, size_t size)
{
	unsigned int tot, xlen, i;
	u16 sum;

	if (len >= sizeof(struct iphdr) && b[0] >> 4 == 4) {
		*hlen = (b[0] & 0xf) * 4;
		tot = b[2] << 8 | b[3];
		if (*hlen < sizeof(struct iphdr) || tot < *hlen || tot > len) {
			snprintf(msg, size,
				 "IPv4 IHL %u, total length %u, %u bytes",
				 *hlen / 4, tot, len);
			return false;
		}
		sum = fnat_pb_fold(fnat_pb_sum(0, b, *hlen));
		if (sum != 0xffff) {
			snprintf(msg, size,
				 "IPv4 header checksum 0x%02x%02x: the header sums to 0x%04x, not 0xffff",
				 b[10], b[11], sum);
			return false;
		}
		*proto = b[9];
		*l4len = tot - *hlen;
		*pseudo = fnat_pb_sum(0, b + 12, 8) + *proto + *l4len;
		return true;
	}
	if (len < sizeof(struct ipv6hdr) || b[0] >> 4 != 6) {
		snprintf(msg, size, "neither IPv4 nor IPv6");
		return false;
	}
	*hlen = sizeof(struct ipv6hdr);
	tot = *hlen + (b[4] << 8 | b[5]);
	*proto = b[6];
	if (tot > len) {
		snprintf(msg, size, "IPv6 payload length %u, %u bytes",
			 tot - *hlen, len);
		return false;
	}
	for (i = 0; i < FNAT_PB_MAX_EXTHDRS; i++) {
		if (*proto != NEXTHDR_HOP && *proto != NEXTHDR_DEST &&
		    *proto != NEXTHDR_ROUTING && *proto != NEXTHDR_FRAGMENT)
			break;
		if (*hlen + 8 > tot)
			break;
		xlen = *proto == NEXTHDR_FRAGMENT ? 8 : (b[*hlen + 1] + 1) * 8;
		*proto = b[*hlen];
		*hlen += xlen;
	}
	if (*hlen > tot) {
		snprintf(msg, size, "IPv6 extension headers past the payload");
		return false;
	}
	*l4len = tot - *hlen;
	/* The length is 32 bits here, the protocol a 32-bit word's low byte. */
	*pseudo = fnat_pb_sum(0, b + 8, 32) + (*l4len >> 16) +
		  (*l4len & 0xffff) + *proto;
	return true;
}

bool fnat_pb_csum_ok(const struct sk_buff *skb, unsigned int nhoff, char *msg,
		     size_t size)
{
	unsigned int len, hlen, l4len, csum_off, start;
	const char *name;
	bool ok = false;
	u16 field, sum;
	u64 pseudo;
	u8 *b, proto;

	if (nhoff >= skb->len) {
		snprintf(msg, size, "no IP header");
		return false;
	}
	len = skb->len - nhoff;
	b = kmalloc(len, GFP_KERNEL);
	if (!b || skb_copy_bits(skb, nhoff, b, len)) {
		snprintf(msg, size, "cannot copy the skb");
		goto out;
	}
	if (!fnat_pb_csum_hdrs(b, len, &hlen, &l4len, &proto, &pseudo, msg,
			       size))
		goto out;
	if (proto == IPPROTO_TCP) {
		name = "TCP";
		csum_off = offsetof(struct tcphdr, check);
		if (l4len < sizeof(struct tcphdr) ||
		    (b[hlen + 12] >> 4) * 4 > l4len) {
			snprintf(msg, size, "TCP header past the segment");
			goto out;
		}
	} else if (proto == IPPROTO_UDP) {
		name = "UDP";
		csum_off = offsetof(struct udphdr, check);
		if (l4len < sizeof(struct udphdr) ||
		    (b[hlen + 4] << 8 | b[hlen + 5]) != l4len) {
			snprintf(msg, size, "UDP length disagrees with IP's %u",
				 l4len);
			goto out;
		}
	} else {
		snprintf(msg, size, "protocol %u, neither TCP nor UDP", proto);
		goto out;
	}
	field = b[hlen + csum_off] << 8 | b[hlen + csum_off + 1];

	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		start = skb_checksum_start_offset(skb);
		if (start != nhoff + hlen || skb->csum_offset != csum_off) {
			snprintf(msg, size,
				 "csum_start %u, csum_offset %u: the %s header is at %u, its checksum at %u",
				 start, skb->csum_offset, name, nhoff + hlen,
				 csum_off);
			goto out;
		}
		/* The device adds the field in: 0 and 0xffff are the same. */
		sum = fnat_pb_fold(pseudo);
		if (field % 0xffff != sum % 0xffff) {
			snprintf(msg, size,
				 "%s partial checksum 0x%04x, the pseudo-header sums to 0x%04x",
				 name, field, sum);
			goto out;
		}
		ok = true;
		goto out;
	}
	if (proto == IPPROTO_UDP && !field) {
		ok = b[0] >> 4 == 4;
		if (!ok)
			snprintf(msg, size, "IPv6 UDP without a checksum");
		goto out;
	}
	sum = fnat_pb_fold(fnat_pb_sum(pseudo, b + hlen, l4len));
	if (sum != 0xffff) {
		snprintf(msg, size,
			 "%s checksum 0x%04x: the segment sums to 0x%04x, not 0xffff",
			 name, field, sum);
		goto out;
	}
	ok = true;
out:
	kfree(b);
	return ok;
}

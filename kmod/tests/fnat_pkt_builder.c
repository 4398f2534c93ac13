// SPDX-License-Identifier: GPL-2.0
/*
 * fnat KUnit: a packet builder for data-path fixtures (see
 * fnat_pkt_builder.h).
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
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

static void fnat_pb_l4_csum(const struct fnat_pb_spec *spec,
			    struct fnat_pb_pkt *pkt, __sum16 *check)
{
	unsigned int len = pkt->len - pkt->l4off;
	const u8 *l4 = pkt->data + pkt->l4off;
	__be32 s = spec->saddr.ip, d = spec->daddr.ip;

	*check = 0;
	switch (spec->csum) {
	case FNAT_PB_CSUM_NONE:
		return;
	case FNAT_PB_CSUM_PARTIAL:
		*check = ~csum_tcpudp_magic(s, d, len, spec->protocol, 0);
		pkt->csum_partial = true;
		return;
	case FNAT_PB_CSUM_FULL:
		break;
	}
	*check = csum_tcpudp_magic(s, d, len, spec->protocol,
				   csum_partial(l4, len, 0));
	/* Zero would say "no checksum": RFC 768 sends all ones instead. */
	if (spec->protocol == IPPROTO_UDP && !*check)
		*check = CSUM_MANGLED_0;
}

static int fnat_pb_spec_check(struct kunit *test,
			      const struct fnat_pb_spec *spec)
{
	bool ports = spec->protocol == IPPROTO_TCP ||
		     spec->protocol == IPPROTO_UDP;

	if (spec->af && spec->af != AF_INET) {
		KUNIT_FAIL(test, "builder: af %u: only AF_INET so far", spec->af);
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
	if (spec->inner && spec->protocol != IPPROTO_ICMP) {
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
	struct icmphdr *ih;
	struct tcphdr *th;
	struct udphdr *uh;
	int quoted = 0;

	/* A non-first fragment carries data only. */
	if (spec->frag_off)
		goto payload;

	switch (spec->protocol) {
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
		if (spec->icmp_mtu)
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

	switch (spec->protocol) {
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
		ih->checksum = ip_compute_csum(ih, pkt->len - pkt->l4off);
		break;
	}
	return 0;
}

/* Deliberate damage, in an order that keeps each knob independent. */
static void fnat_pb_break(const struct fnat_pb_spec *spec,
			  struct fnat_pb_pkt *pkt)
{
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
		iph->version = spec->set_version;
	if (spec->set & FNAT_PB_SET_IHL)
		iph->ihl = spec->set_ihl;
	if (spec->set & FNAT_PB_SET_TOT_LEN)
		iph->tot_len = htons(spec->set_tot_len);
	/* Over the bytes written, whatever IHL now claims. */
	iph->check = 0;
	iph->check = csum_fold(csum_partial(iph, real_hlen, 0));
	if (spec->set & FNAT_PB_SET_TRUNCATE)
		pkt->len = min(pkt->len, spec->truncate);
}

struct fnat_pb_pkt *fnat_pb_build(struct kunit *test,
				  const struct fnat_pb_spec *spec)
{
	struct fnat_pb_pkt *pkt;
	struct iphdr *iph;
	unsigned int hlen;
	u16 frag;

	if (fnat_pb_spec_check(test, spec))
		return NULL;
	pkt = kunit_kzalloc(test, sizeof(*pkt), GFP_KERNEL);
	if (!pkt) {
		KUNIT_FAIL(test, "builder: out of memory");
		return NULL;
	}
	iph = (struct iphdr *)pkt->data;
	hlen = sizeof(*iph) + fnat_pb_opts(pkt->data + sizeof(*iph),
					   spec->ip_opts, spec->ip_opts_len,
					   IPOPT_END);
	pkt->l4off = hlen;
	pkt->protocol = spec->protocol;
	if (fnat_pb_l4(test, spec, pkt)) {
		kunit_kfree(test, pkt);
		return NULL;
	}

	frag = spec->frag_off >> 3;
	if (spec->mf)
		frag |= IP_MF;
	if (spec->df)
		frag |= IP_DF;
	iph->version = 4;
	iph->ihl = hlen / 4;
	iph->tos = spec->tos;
	iph->tot_len = htons(pkt->len);
	iph->id = spec->id;
	iph->frag_off = htons(frag);
	iph->ttl = spec->ttl ?: 64;
	iph->protocol = spec->protocol;
	iph->saddr = spec->saddr.ip;
	iph->daddr = spec->daddr.ip;
	fnat_pb_break(spec, pkt);
	return pkt;
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

	skb->protocol = htons(ETH_P_IP);
	skb_set_network_header(skb, lo->nhoff);
	skb_set_transport_header(skb, lo->nhoff + pkt->l4off);
	if (pkt->csum_partial) {
		/* What __tcp_v4_send_check() and udp4_hwcsum() leave. */
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = pkt->protocol == IPPROTO_TCP ?
				   offsetof(struct tcphdr, check) :
				   offsetof(struct udphdr, check);
	}
	if (lo->gso_size) {
		skb_shinfo(skb)->gso_size = lo->gso_size;
		skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
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

/*
 * Names the field holding byte off of the IP packet in pkt[0, len), reading
 * IHL, protocol and doff from pkt itself; recurses once into an ICMP
 * error's quoted packet.
 */
static void fnat_pb_describe(const u8 *pkt, unsigned int len, unsigned int off,
			     char *buf, size_t size, bool inner)
{
	const char *prefix = inner ? "inner " : "";
	const struct fnat_pb_field *f;
	unsigned int hlen, l4hlen, n;
	const char *hdr;

	hlen = len ? (pkt[0] & 0xf) * 4 : 0;
	if (len < sizeof(struct iphdr) || hlen < sizeof(struct iphdr) ||
	    off < hlen || len < hlen) {
		fnat_pb_name(buf, size, prefix, "ip", fnat_pb_ip_fields,
			     ARRAY_SIZE(fnat_pb_ip_fields), off);
		return;
	}
	switch (pkt[9]) {
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
		l4hlen = sizeof(struct icmphdr);
		if (!inner && off >= hlen + l4hlen && len >= hlen + l4hlen &&
		    icmp_is_err(pkt[hlen])) {
			fnat_pb_describe(pkt + hlen + l4hlen,
					 len - hlen - l4hlen,
					 off - hlen - l4hlen, buf, size, true);
			return;
		}
		hdr = "icmp";
		f = fnat_pb_icmp_fields;
		n = ARRAY_SIZE(fnat_pb_icmp_fields);
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

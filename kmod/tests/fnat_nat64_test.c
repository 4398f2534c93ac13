// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: IPv6 <-> IPv4 translation for FULLNAT 6->4 as data-path fixtures.
 * The packet that arrives is built in one family; the packet that should
 * leave is built independently in the other, from the same fields with
 * the translating tuple's addresses and ports, its checksums from scratch.
 * Checksums are summed once more byte by byte, apart from the kernel's
 * csum helpers, which the translation itself uses.
 */
#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/prandom.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include "../fnat_nat64.h"
#include "fnat_pkt_builder.h"

/* 2001:db8::1 the client, 2001:db8::100 the VIP */
#define CIP6		fnat_pb_ip6(0x20010db8, 0, 0, 1)
#define VIP6		fnat_pb_ip6(0x20010db8, 0, 0, 0x100)
#define LIP		0xc0a80a01	/* 192.168.10.1 local address */
#define RIP		0xc0a80a02	/* 192.168.10.2 real server */
#define CPORT		40000
#define VPORT		80
#define LPORT		5000
#define RPORT		8080
#define HEADROOM	16U

static const struct fnat_pb_layout layouts[] = {
	{ },
	{ .nonlinear = true, .linear_len = 24, .frag_len = 64 },
	/* Nothing linear, odd-sized fragments: headers straddle them. */
	{ .nonlinear = true, .linear_len = 0, .frag_len = 37 },
};

static const enum fnat_pb_csum csums[] = {
	FNAT_PB_CSUM_FULL, FNAT_PB_CSUM_PARTIAL, FNAT_PB_CSUM_COMPLETE,
};

static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP };

/* NOP, NOP, timestamps: what most segments of a connection carry. */
static const u8 tcp_ts[] = {
	TCPOPT_NOP, TCPOPT_NOP, TCPOPT_TIMESTAMP, 10,
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
};

/* 6->4: the client's packet to the VIP, from the local address on. */
static struct fnat_tuple to4(u8 proto)
{
	struct fnat_tuple t = {
		.af = AF_INET,
		.protocol = proto,
		.saddr = fnat_pb_ip4(LIP),
		.daddr = fnat_pb_ip4(RIP),
		.sport = htons(LPORT),
		.dport = htons(RPORT),
	};

	return t;
}

/* 4->6: the real server's reply to the local address, from the VIP on. */
static struct fnat_tuple to6(u8 proto)
{
	struct fnat_tuple t = {
		.af = AF_INET6,
		.protocol = proto,
		.saddr = VIP6,
		.daddr = CIP6,
		.sport = htons(VPORT),
		.dport = htons(CPORT),
	};

	return t;
}

/* The client's tuple as it reached the VIP, for a translation back. */
static struct fnat_tuple from_client(u8 proto)
{
	struct fnat_tuple t = to6(proto);

	swap(t.saddr, t.daddr);
	swap(t.sport, t.dport);
	return t;
}

static struct fnat_pb_spec client6(u8 proto, enum fnat_pb_csum csum)
{
	struct fnat_pb_spec s = {
		.af = AF_INET6,
		.saddr = CIP6,
		.daddr = VIP6,
		.protocol = proto,
		.tos = 0xb9,
		.ttl = 57,
		.flow_label = 0x9abcd,
		.sport = htons(CPORT),
		.dport = htons(VPORT),
		.csum = csum,
		.tcp_flags = TCPHDR_ACK | TCPHDR_PSH,
		.seq = 0x01020304,
		.ack_seq = 0x0a0b0c0d,
		.window = 501,
		.tcp_opts = tcp_ts,
		.tcp_opts_len = sizeof(tcp_ts),
		.payload_len = 301,
	};

	return s;
}

static struct fnat_pb_spec server4(u8 proto, enum fnat_pb_csum csum)
{
	struct fnat_pb_spec s = {
		.saddr = fnat_pb_ip4(RIP),
		.daddr = fnat_pb_ip4(LIP),
		.protocol = proto,
		.tos = 0x2d,
		.ttl = 63,
		.id = htons(0x4242),
		.df = true,
		.sport = htons(RPORT),
		.dport = htons(LPORT),
		.csum = csum,
		.tcp_flags = TCPHDR_ACK,
		.seq = 0xfffffff0,
		.ack_seq = 0x12345678,
		.tcp_opts = tcp_ts,
		.tcp_opts_len = sizeof(tcp_ts),
		.payload_len = 300,
	};

	return s;
}

/* The length of the packet spec describes. */
static unsigned int spec_len(struct kunit *test,
			     const struct fnat_pb_spec *spec)
{
	struct fnat_pb_pkt *pkt = fnat_pb_build(test, spec);
	unsigned int len;

	KUNIT_ASSERT_NOT_NULL(test, pkt);
	len = pkt->len;
	kunit_kfree(test, pkt);
	return len;
}

/*
 * DF towards IPv4 on what the client sent over 1280 bytes only: a client
 * is never told to go below that (RFC 8200 5), so smaller packets must
 * stay free to be fragmented on an IPv4 path with a smaller MTU.
 */
/* RFC 7915 5.1: IPv4 packets that were 1280 bytes of plain IPv6 or less. */
static bool want_df(unsigned int len4)
{
	return len4 > IPV6_MIN_MTU - 20;
}

/*
 * What in should leave as, translated with to: the other family's header
 * from the same TOS (traffic class) and TTL (hop limit), DF as above
 * towards IPv4, and nothing of what only the arriving family has
 * (options, ID, flow label, extension headers). A checksum the NIC summed
 * no longer holds, and a checksum-less UDP datagram gets one.
 */
static struct fnat_pb_spec xlate_spec(struct kunit *test,
				      const struct fnat_pb_spec *in,
				      const struct fnat_tuple *to)
{
	struct fnat_pb_spec s = *in;

	s.af = to->af;
	s.saddr = to->saddr;
	s.daddr = to->daddr;
	s.sport = to->sport;
	s.dport = to->dport;
	s.ip_opts = NULL;
	s.ip_opts_len = 0;
	s.id = 0;
	s.df = false;
	s.flow_label = 0;
	s.exthdrs = NULL;
	s.n_exthdrs = 0;
	s.frag6 = false;
	s.frag_id = 0;
	s.df = to->af == AF_INET && want_df(spec_len(test, &s));
	if (s.csum == FNAT_PB_CSUM_COMPLETE || s.csum == FNAT_PB_CSUM_NONE)
		s.csum = FNAT_PB_CSUM_FULL;
	return s;
}

static int xlate_p(struct sk_buff *skb, const struct fnat_pkt *p,
		   const struct fnat_tuple *to)
{
	if (to->af == AF_INET)
		return fnat_nat64_to_v4(&init_net, skb, p, to);
	return fnat_nat64_to_v6(skb, p, to, HEADROOM);
}

/* Parses skb and translates it into to's family. */
static int xlate(struct kunit *test, struct sk_buff *skb,
		 const struct fnat_tuple *to)
{
	struct fnat_pkt p;

	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(skb, 0, &p));
	return xlate_p(skb, &p, to);
}

/*
 * A check that, failing, says where (ctx) and what, and clears ok so the
 * caller stops: one broken translation would otherwise repeat itself over
 * every case after it.
 */
#define CHECK(cond, fmt, ...)						\
	do {								\
		if (!(cond)) {						\
			KUNIT_FAIL(test, "%s: " fmt, ctx, ##__VA_ARGS__); \
			ok = false;					\
		}							\
	} while (0)

static const char *const csum_names[] = {
	[FNAT_PB_CSUM_FULL]	= "full",
	[FNAT_PB_CSUM_PARTIAL]	= "partial",
	[FNAT_PB_CSUM_NONE]	= "none",
	[FNAT_PB_CSUM_COMPLETE]	= "complete",
};

/* "IPv6 protocol 6 csum partial layout 2", of the arriving packet */
static const char *describe(char *buf, size_t size,
			    const struct fnat_pb_spec *in, unsigned int layout)
{
	snprintf(buf, size, "IPv%c protocol %u csum %s layout %u",
		 in->af == AF_INET6 ? '6' : '4', in->protocol,
		 csum_names[in->csum], layout);
	return buf;
}

/*
 * got, translated, against out, what was asked for, and the packet built
 * from it (laid out as want_lo): header fields one by one, for a readable
 * failure, then every byte, the checksums summed afresh and the skb's
 * checksum state. An IPv4 packet that may be fragmented needs an ID of
 * the translator's choosing (RFC 6864), which is taken as it comes.
 */
static bool check_xlated(struct kunit *test, const char *ctx,
			 struct sk_buff *got, const struct fnat_pb_spec *out,
			 const struct fnat_pb_layout *want_lo)
{
	__be16 df = out->df ? htons(IP_DF) : 0;
	struct fnat_pb_spec o = *out;
	u8 ttl = out->ttl ?: 64;
	struct sk_buff *want;
	bool ok = true;
	char msg[160];
	__be16 *ports;

	if (out->af == AF_INET && !out->df)
		o.id = ip_hdr(got)->id;
	want = fnat_pb_new(test, &o, want_lo);
	KUNIT_ASSERT_NOT_NULL(test, want);

	if (out->af == AF_INET6) {
		struct ipv6hdr *ip6h = ipv6_hdr(got);

		CHECK(ip6h->version == 6, "version %u", ip6h->version);
		CHECK(ip6_tclass(ip6_flowinfo(ip6h)) == out->tos,
		      "traffic class 0x%02x, want 0x%02x",
		      ip6_tclass(ip6_flowinfo(ip6h)), out->tos);
		CHECK(!ip6_flowlabel(ip6h), "flow label 0x%05x",
		      ntohl(ip6_flowlabel(ip6h)));
		CHECK(ntohs(ip6h->payload_len) == got->len - sizeof(*ip6h),
		      "payload length %u, %u bytes", ntohs(ip6h->payload_len),
		      got->len);
		CHECK(ip6h->nexthdr == out->protocol, "next header %u",
		      ip6h->nexthdr);
		CHECK(ip6h->hop_limit == ttl, "hop limit %u, want %u",
		      ip6h->hop_limit, ttl);
		CHECK(ipv6_addr_equal(&ip6h->saddr, &out->saddr.in6),
		      "source %pI6c, want %pI6c", &ip6h->saddr,
		      &out->saddr.in6);
		CHECK(ipv6_addr_equal(&ip6h->daddr, &out->daddr.in6),
		      "destination %pI6c, want %pI6c", &ip6h->daddr,
		      &out->daddr.in6);
		CHECK(got->protocol == htons(ETH_P_IPV6),
		      "skb->protocol 0x%04x", ntohs(got->protocol));
		CHECK(skb_transport_offset(got) == sizeof(*ip6h),
		      "transport header at %d", skb_transport_offset(got));
		CHECK(skb_headroom(got) >= HEADROOM, "headroom %u",
		      skb_headroom(got));
	} else {
		struct iphdr *iph = ip_hdr(got);

		CHECK(iph->version == 4 && iph->ihl == 5,
		      "version %u, IHL %u", iph->version, iph->ihl);
		CHECK(iph->tos == out->tos, "TOS 0x%02x, want 0x%02x",
		      iph->tos, out->tos);
		CHECK(ntohs(iph->tot_len) == got->len,
		      "total length %u, %u bytes", ntohs(iph->tot_len),
		      got->len);
		CHECK(iph->frag_off == df, "frag_off 0x%04x, want 0x%04x",
		      ntohs(iph->frag_off), ntohs(df));
		CHECK(iph->ttl == ttl, "TTL %u, want %u", iph->ttl, ttl);
		CHECK(iph->protocol == out->protocol, "protocol %u",
		      iph->protocol);
		CHECK(iph->saddr == out->saddr.ip, "source %pI4, want %pI4",
		      &iph->saddr, &out->saddr.ip);
		CHECK(iph->daddr == out->daddr.ip,
		      "destination %pI4, want %pI4", &iph->daddr,
		      &out->daddr.ip);
		CHECK(got->protocol == htons(ETH_P_IP), "skb->protocol 0x%04x",
		      ntohs(got->protocol));
		CHECK(skb_transport_offset(got) == sizeof(*iph),
		      "transport header at %d", skb_transport_offset(got));
	}
	CHECK(skb_network_header(got) == got->data,
	      "network header %d bytes from skb->data",
	      skb_network_offset(got));
	ports = (__be16 *)skb_transport_header(got);
	CHECK(ports[0] == out->sport && ports[1] == out->dport,
	      "ports %u -> %u, want %u -> %u", ntohs(ports[0]),
	      ntohs(ports[1]), ntohs(out->sport), ntohs(out->dport));
	CHECK(fnat_pb_skb_equal(got, want, 0, msg, sizeof(msg)), "%s", msg);
	CHECK(fnat_pb_csum_ok(got, 0, msg, sizeof(msg)), "%s", msg);
	CHECK(got->ip_summed == want->ip_summed, "ip_summed %u, want %u",
	      got->ip_summed, want->ip_summed);
	if (want->ip_summed == CHECKSUM_PARTIAL &&
	    got->ip_summed == CHECKSUM_PARTIAL)
		CHECK(skb_checksum_start_offset(got) ==
		      skb_checksum_start_offset(want) &&
		      got->csum_offset == want->csum_offset,
		      "csum_start %d, csum_offset %u; want %d, %u",
		      skb_checksum_start_offset(got), got->csum_offset,
		      skb_checksum_start_offset(want), want->csum_offset);
	if (want_lo && want_lo->gso_size)
		CHECK(skb_shinfo(got)->gso_type == skb_shinfo(want)->gso_type &&
		      skb_shinfo(got)->gso_size == skb_shinfo(want)->gso_size,
		      "gso_type 0x%x, gso_size %u; want 0x%x, %u",
		      skb_shinfo(got)->gso_type, skb_shinfo(got)->gso_size,
		      skb_shinfo(want)->gso_type, skb_shinfo(want)->gso_size);
	fnat_pb_free(test, want);
	return ok;
}

/* Translates in, laid out as lo, with the usual tuple; false if wrong. */
static bool expect_xlate(struct kunit *test, const struct fnat_pb_spec *in,
			 const struct fnat_pb_layout *lo, const char *ctx)
{
	struct fnat_tuple to = in->af == AF_INET6 ? to4(in->protocol) :
						    to6(in->protocol);
	struct fnat_pb_spec out = xlate_spec(test, in, &to);
	struct sk_buff *got = fnat_pb_new(test, in, lo);
	bool ok = true;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, got);
	err = xlate(test, got, &to);
	CHECK(!err, "error %d", err);
	if (ok)
		ok = check_xlated(test, ctx, got, &out, NULL);
	fnat_pb_free(test, got);
	return ok;
}

/* Every protocol, checksum state and layout of one kind of packet. */
static void expect_xlate_all(struct kunit *test, const char *what,
			     struct fnat_pb_spec (*make)(u8, enum fnat_pb_csum),
			     const struct fnat_pb_exthdr *x, unsigned int n,
			     const u8 *opts, unsigned int optlen)
{
	char ctx[96], where[64];
	unsigned int i, c, l;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		for (c = 0; c < ARRAY_SIZE(csums); c++) {
			struct fnat_pb_spec in = make(protos[i], csums[c]);

			in.exthdrs = x;
			in.n_exthdrs = n;
			in.ip_opts = opts;
			in.ip_opts_len = optlen;
			for (l = 0; l < ARRAY_SIZE(layouts); l++) {
				snprintf(ctx, sizeof(ctx), "%s, %s", what,
					 describe(where, sizeof(where), &in,
						  l));
				if (!expect_xlate(test, &in, &layouts[l], ctx))
					return;
			}
		}
	}
}

static void fnat_nat64_6to4(struct kunit *test)
{
	expect_xlate_all(test, "plain", client6, NULL, 0, NULL, 0);
}

static void fnat_nat64_4to6(struct kunit *test)
{
	expect_xlate_all(test, "plain", server4, NULL, 0, NULL, 0);
}

/* Lengths odd and even, and none at all, summed in both families. */
static void fnat_nat64_payloads(struct kunit *test)
{
	static const unsigned int lens[] = { 0, 1, 2, 3, 1199 };
	static const struct fnat_pb_layout los[] = {
		{ },
		{ .nonlinear = true, .linear_len = 33, .frag_len = 255 },
	};
	unsigned int i, l, n;
	char ctx[64];

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		for (n = 0; n < ARRAY_SIZE(lens); n++) {
			struct fnat_pb_spec in6 = client6(protos[i],
							  FNAT_PB_CSUM_FULL);
			struct fnat_pb_spec in4 = server4(protos[i],
							  FNAT_PB_CSUM_FULL);

			in6.payload_len = lens[n];
			in4.payload_len = lens[n];
			in6.tcp_opts_len = 0;
			for (l = 0; l < ARRAY_SIZE(los); l++) {
				snprintf(ctx, sizeof(ctx), "%s payload %u",
					 describe(ctx, sizeof(ctx), &in6, l),
					 lens[n]);
				if (!expect_xlate(test, &in6, &los[l], ctx))
					return;
				describe(ctx, sizeof(ctx), &in4, l);
				if (!expect_xlate(test, &in4, &los[l], ctx))
					return;
			}
		}
	}
}

/*
 * IPv4 UDP may go without a checksum; IPv6 UDP may not (RFC 8200 8.1):
 * the IPv6 datagram gets one computed over its new pseudo-header.
 */
static void fnat_nat64_udp_no_csum(struct kunit *test)
{
	static const unsigned int lens[] = { 0, 1, 300, 501 };
	unsigned int n, l;
	char ctx[64];

	for (n = 0; n < ARRAY_SIZE(lens); n++) {
		struct fnat_pb_spec in = server4(IPPROTO_UDP,
						 FNAT_PB_CSUM_NONE);

		in.payload_len = lens[n];
		for (l = 0; l < ARRAY_SIZE(layouts); l++) {
			struct fnat_tuple to = to6(IPPROTO_UDP);
			struct sk_buff *got = fnat_pb_new(test, &in,
							  &layouts[l]);

			snprintf(ctx, sizeof(ctx), "%s payload %u",
				 describe(ctx, sizeof(ctx), &in, l), lens[n]);
			if (!expect_xlate(test, &in, &layouts[l], ctx))
				return;
			/* Checked without the builder: a sum is there. */
			KUNIT_ASSERT_NOT_NULL(test, got);
			KUNIT_ASSERT_EQ(test, 0, xlate(test, got, &to));
			KUNIT_EXPECT_NE(test, 0, (int)udp_hdr(got)->check);
			KUNIT_EXPECT_EQ(test, CHECKSUM_NONE,
					(int)got->ip_summed);
			fnat_pb_free(test, got);
		}
	}
}

/* Hop-by-hop, routing (done with) and destination options go with IPv6. */
static void fnat_nat64_exthdrs_dropped(struct kunit *test)
{
	static const u8 rt_data[] = { 0, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8 };
	static const struct fnat_pb_exthdr hop[] = {
		{ .type = NEXTHDR_HOP },
	};
	static const struct fnat_pb_exthdr dst[] = {
		{ .type = NEXTHDR_DEST, .len = 16 },
	};
	static const struct fnat_pb_exthdr chain[] = {
		{ .type = NEXTHDR_HOP, .len = 24 },
		{ .type = NEXTHDR_DEST },
		{ .type = NEXTHDR_ROUTING, .len = 24, .rt_type = 4,
		  .data = rt_data, .data_len = sizeof(rt_data) },
		{ .type = NEXTHDR_DEST, .len = 40 },
	};

	expect_xlate_all(test, "hop", client6, hop, ARRAY_SIZE(hop), NULL,
			 0);
	expect_xlate_all(test, "dst", client6, dst, ARRAY_SIZE(dst), NULL,
			 0);
	expect_xlate_all(test, "chain", client6, chain, ARRAY_SIZE(chain),
			 NULL, 0);
}

/*
 * An atomic fragment (a fragment header, offset 0, no MF) is a whole
 * datagram: it is translated and its fragment header goes too.
 */
static void fnat_nat64_atomic_fragment(struct kunit *test)
{
	unsigned int i, l;
	char ctx[64];

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		struct fnat_pb_spec in = client6(protos[i], FNAT_PB_CSUM_FULL);

		in.frag6 = true;
		in.frag_id = 0xdeadbeef;
		for (l = 0; l < ARRAY_SIZE(layouts); l++)
			if (!expect_xlate(test, &in, &layouts[l],
					  describe(ctx, sizeof(ctx), &in, l)))
				return;
	}
}

/* IPv4 options are not translated (RFC 7915 4.1): they go. */
static void fnat_nat64_ip_opts_dropped(struct kunit *test)
{
	static const u8 nops[] = { IPOPT_NOOP, IPOPT_NOOP, IPOPT_NOOP };
	/* Record route with room for one address, then the longest one. */
	static const u8 rr[] = { IPOPT_RR, 7, 4, 0, 0, 0, 0 };
	static const u8 rr40[40] = { IPOPT_RR, 39, 4 };
	unsigned int l;
	char ctx[64];

	expect_xlate_all(test, "nops", server4, NULL, 0, nops, sizeof(nops));
	expect_xlate_all(test, "rr", server4, NULL, 0, rr, sizeof(rr));
	expect_xlate_all(test, "rr40", server4, NULL, 0, rr40, sizeof(rr40));
	/* A checksum-less datagram behind options gets one as well. */
	for (l = 0; l < ARRAY_SIZE(layouts); l++) {
		struct fnat_pb_spec in = server4(IPPROTO_UDP,
						 FNAT_PB_CSUM_NONE);

		in.ip_opts = rr40;
		in.ip_opts_len = sizeof(rr40);
		if (!expect_xlate(test, &in, &layouts[l],
				  describe(ctx, sizeof(ctx), &in, l)))
			return;
	}
}

/*
 * A translated L4 checksum that comes out as zero: UDP sends it as all
 * ones, zero meaning none; TCP keeps zero. The payload's first word is
 * chosen so that the checksum the other family's packet needs is zero.
 */
static void fnat_nat64_csum_zero(struct kunit *test)
{
	static const enum fnat_pb_csum in_csums[] = {
		FNAT_PB_CSUM_FULL, FNAT_PB_CSUM_COMPLETE, FNAT_PB_CSUM_NONE,
	};
	unsigned int i, d, c, l, off, sum;
	char ctx[64], where[48];
	u8 payload[64];

	for (d = 0; d < 2; d++) {
		for (i = 0; i < ARRAY_SIZE(protos); i++) {
			struct fnat_pb_spec in = d ? server4(protos[i], 0) :
						     client6(protos[i], 0);
			struct fnat_tuple to = d ? to6(protos[i]) :
						   to4(protos[i]);
			struct fnat_pb_spec out;
			struct fnat_pb_pkt *pkt;
			u16 check;

			memset(payload, 0x5a, sizeof(payload));
			in.payload = payload;
			in.payload_len = sizeof(payload);
			out = xlate_spec(test, &in, &to);
			pkt = fnat_pb_build(test, &out);
			KUNIT_ASSERT_NOT_NULL(test, pkt);
			off = pkt->l4off + (protos[i] == IPPROTO_TCP ?
					    offsetof(struct tcphdr, check) :
					    offsetof(struct udphdr, check));
			check = pkt->data[off] << 8 | pkt->data[off + 1];
			/* Adding the checksum to the data makes it zero. */
			sum = (payload[0] << 8 | payload[1]) + check;
			sum = (sum & 0xffff) + (sum >> 16);
			payload[0] = sum >> 8;
			payload[1] = sum;
			kunit_kfree(test, pkt);
			pkt = fnat_pb_build(test, &out);
			KUNIT_ASSERT_NOT_NULL(test, pkt);
			check = pkt->data[off] << 8 | pkt->data[off + 1];
			KUNIT_ASSERT_EQ(test, protos[i] == IPPROTO_UDP ?
					0xffff : 0, (int)check);
			kunit_kfree(test, pkt);

			for (c = 0; c < ARRAY_SIZE(in_csums); c++) {
				in.csum = in_csums[c];
				if (in.csum == FNAT_PB_CSUM_NONE &&
				    (!d || protos[i] != IPPROTO_UDP))
					continue;
				for (l = 0; l < ARRAY_SIZE(layouts); l++) {
					snprintf(ctx, sizeof(ctx), "zero, %s",
						 describe(where, sizeof(where),
							  &in, l));
					if (!expect_xlate(test, &in,
							  &layouts[l], ctx))
						return;
				}
			}
		}
	}
}

/*
 * DF around 1280 bytes of IPv6, extension headers counted: the client
 * could be asked to go down to 1280 bytes, not below.
 */
static void fnat_nat64_df(struct kunit *test)
{
	static const struct fnat_pb_exthdr hop = { .type = NEXTHDR_HOP };
	static const struct {
		u8		proto;
		unsigned int	payload;
		bool		hop;
		bool		df;
	} cases[] = {
		{ IPPROTO_TCP, 1220, false, false },	/* 1280 bytes */
		{ IPPROTO_TCP, 1221, false, true },
		{ IPPROTO_UDP, 1232, false, false },	/* 1280 */
		{ IPPROTO_UDP, 1233, false, true },
		/* Decided on the IPv4 length: 1260 whatever the IPv6 had. */
		{ IPPROTO_TCP, 1220, true, false },
		{ IPPROTO_TCP, 1221, true, true },
		{ IPPROTO_UDP, 0, false, false },
	};
	char ctx[64], where[48];
	unsigned int c, i;

	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		for (i = 0; i < ARRAY_SIZE(csums); i++) {
			struct fnat_pb_spec in = client6(cases[c].proto,
							 csums[i]);
			struct fnat_tuple to = to4(cases[c].proto);
			struct fnat_pb_spec out;
			struct sk_buff *got;

			in.tcp_opts_len = 0;
			in.payload_len = cases[c].payload;
			if (cases[c].hop) {
				in.exthdrs = &hop;
				in.n_exthdrs = 1;
			}
			snprintf(ctx, sizeof(ctx), "DF case %u, %s", c,
				 describe(where, sizeof(where), &in, 0));
			out = xlate_spec(test, &in, &to);
			KUNIT_ASSERT_EQ_MSG(test, cases[c].df, out.df, "%s", ctx);
			if (!expect_xlate(test, &in, NULL, ctx))
				return;
			got = fnat_pb_new(test, &in, NULL);
			KUNIT_ASSERT_NOT_NULL(test, got);
			KUNIT_ASSERT_EQ(test, 0, xlate(test, got, &to));
			KUNIT_EXPECT_EQ_MSG(test, cases[c].df,
					    !!(ip_hdr(got)->frag_off &
					       htons(IP_DF)), "%s", ctx);
			fnat_pb_free(test, got);
		}
	}
}

/* A GSO skb of gso_size segments, gso_type as given. */
static struct sk_buff *gso_skb(struct kunit *test,
			       const struct fnat_pb_spec *in,
			       unsigned int gso_type)
{
	static const struct fnat_pb_layout lo = { .gso_size = 100 };
	struct sk_buff *skb = fnat_pb_new(test, in, &lo);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_shinfo(skb)->gso_type = gso_type;
	return skb;
}

/*
 * A GSO packet stays one: TCP's type follows the family (FIXEDID, about
 * IPv4 IDs, does not go to IPv6), ECN and DODGY stay, UDP's is the same
 * in both. The segment size is kept.
 */
static void fnat_nat64_gso(struct kunit *test)
{
	static const struct {
		bool		v6;
		u8		proto;
		unsigned int	in;
		unsigned int	out;
	} kinds[] = {
		{ true, IPPROTO_TCP, SKB_GSO_TCPV6, SKB_GSO_TCPV4 },
		{ true, IPPROTO_TCP, SKB_GSO_TCPV6 | SKB_GSO_TCP_ECN |
		  SKB_GSO_DODGY, SKB_GSO_TCPV4 | SKB_GSO_TCP_ECN |
		  SKB_GSO_DODGY },
		{ false, IPPROTO_TCP, SKB_GSO_TCPV4, SKB_GSO_TCPV6 },
		{ false, IPPROTO_TCP, SKB_GSO_TCPV4 | SKB_GSO_TCP_FIXEDID |
		  SKB_GSO_TCP_ECN | SKB_GSO_DODGY, SKB_GSO_TCPV6 |
		  SKB_GSO_TCP_ECN | SKB_GSO_DODGY },
		{ true, IPPROTO_UDP, SKB_GSO_UDP_L4, SKB_GSO_UDP_L4 },
		{ false, IPPROTO_UDP, SKB_GSO_UDP_L4 | SKB_GSO_DODGY,
		  SKB_GSO_UDP_L4 | SKB_GSO_DODGY },
	};
	unsigned int c;
	char ctx[32];

	for (c = 0; c < ARRAY_SIZE(kinds); c++) {
		struct fnat_pb_spec in = client6(kinds[c].proto,
						 FNAT_PB_CSUM_PARTIAL);
		struct fnat_tuple to = kinds[c].v6 ? to4(kinds[c].proto) :
						     to6(kinds[c].proto);
		struct fnat_pb_spec out;
		struct sk_buff *got;

		if (!kinds[c].v6)
			in = server4(kinds[c].proto, FNAT_PB_CSUM_PARTIAL);
		out = xlate_spec(test, &in, &to);
		got = gso_skb(test, &in, kinds[c].in);
		snprintf(ctx, sizeof(ctx), "GSO case %u", c);
		KUNIT_ASSERT_EQ(test, 0, xlate(test, got, &to));
		KUNIT_EXPECT_TRUE(test, check_xlated(test, ctx, got, &out,
						     NULL));
		KUNIT_EXPECT_EQ_MSG(test, kinds[c].out,
				    (unsigned int)skb_shinfo(got)->gso_type,
				    "%s", ctx);
		KUNIT_EXPECT_EQ_MSG(test, 100,
				    (int)skb_shinfo(got)->gso_size, "%s", ctx);
		fnat_pb_free(test, got);
	}
}

/*
 * A refusal: err, and the skb as it was (an identical one built alongside
 * says how it was). gso_type, when non-zero, goes on both.
 */
static bool expect_refused(struct kunit *test, const char *what,
			   const struct fnat_pb_spec *in,
			   const struct fnat_pb_layout *lo,
			   unsigned int gso_type, bool to_v4,
			   const struct fnat_tuple *to, int err)
{
	unsigned int nhoff = lo ? lo->nhoff : 0;
	struct sk_buff *got = fnat_pb_new(test, in, lo);
	struct sk_buff *orig = fnat_pb_new(test, in, lo);
	struct skb_shared_info *gs, *os;
	char ctx[96], where[48], msg[160];
	struct fnat_pkt p;
	bool ok = true;
	int ret;

	snprintf(ctx, sizeof(ctx), "%s, %s to IPv%c", what,
		 describe(where, sizeof(where), in, 0), to_v4 ? '4' : '6');
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_NOT_NULL(test, orig);
	gs = skb_shinfo(got);
	os = skb_shinfo(orig);
	if (gso_type) {
		gs->gso_size = 100;
		gs->gso_type = gso_type;
		os->gso_size = 100;
		os->gso_type = gso_type;
	}
	KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, nhoff, &p));
	if (to_v4)
		ret = fnat_nat64_to_v4(&init_net, got, &p, to);
	else
		ret = fnat_nat64_to_v6(got, &p, to, HEADROOM);
	CHECK(ret == err, "returned %d, want %d", ret, err);
	CHECK(fnat_pb_skb_equal(got, orig, nhoff, msg, sizeof(msg)), "%s",
	      msg);
	CHECK(got->protocol == orig->protocol, "skb->protocol 0x%04x",
	      ntohs(got->protocol));
	CHECK(skb_network_offset(got) == skb_network_offset(orig),
	      "network header at %d", skb_network_offset(got));
	CHECK(got->ip_summed == orig->ip_summed &&
	      (got->ip_summed != CHECKSUM_COMPLETE || got->csum == orig->csum),
	      "checksum state changed");
	CHECK(gs->gso_type == os->gso_type && gs->gso_size == os->gso_size,
	      "gso_type 0x%x, gso_size %u", gs->gso_type, gs->gso_size);
	fnat_pb_free(test, got);
	fnat_pb_free(test, orig);
	return ok;
}

/* GSO kinds fnat does not translate: tunnels, partial GSO, UFO... */
static void fnat_nat64_gso_refused(struct kunit *test)
{
	static const unsigned int extra[] = {
		SKB_GSO_GRE, SKB_GSO_UDP_TUNNEL, SKB_GSO_UDP_TUNNEL_CSUM,
		SKB_GSO_IPXIP4, SKB_GSO_IPXIP6, SKB_GSO_PARTIAL,
		SKB_GSO_FRAGLIST, SKB_GSO_ESP, SKB_GSO_SCTP, SKB_GSO_UDP,
	};
	struct fnat_tuple t4 = to4(IPPROTO_TCP), t6 = to6(IPPROTO_TCP);
	struct fnat_tuple u6 = to6(IPPROTO_UDP);
	struct fnat_pb_spec in6, in4;
	unsigned int i;
	bool ok = true;
	char what[32];

	in6 = client6(IPPROTO_TCP, FNAT_PB_CSUM_PARTIAL);
	in4 = server4(IPPROTO_TCP, FNAT_PB_CSUM_PARTIAL);
	for (i = 0; i < ARRAY_SIZE(extra) && ok; i++) {
		snprintf(what, sizeof(what), "gso_type +0x%x", extra[i]);
		ok = expect_refused(test, what, &in6, NULL,
				    SKB_GSO_TCPV6 | extra[i], true, &t4,
				    -EPROTONOSUPPORT) &&
		     expect_refused(test, what, &in4, NULL,
				    SKB_GSO_TCPV4 | extra[i], false, &t6,
				    -EPROTONOSUPPORT);
	}
	/* Segments of a checksum-less datagram could not get one each. */
	in4 = server4(IPPROTO_UDP, FNAT_PB_CSUM_NONE);
	expect_refused(test, "UDP GSO without a checksum", &in4, NULL,
		       SKB_GSO_UDP_L4, false, &u6, -EPROTONOSUPPORT);
}

/* ICMP has no ports and another checksum: not translated. */
static bool expect_icmp_refused(struct kunit *test, enum fnat_pb_csum csum)
{
	struct fnat_tuple t4 = to4(IPPROTO_TCP), t6 = to6(IPPROTO_TCP);
	struct fnat_pb_spec in6 = client6(IPPROTO_ICMPV6, csum);
	struct fnat_pb_spec in4 = server4(IPPROTO_ICMP, csum);

	in6.icmp_type = ICMPV6_ECHO_REQUEST;
	in6.icmp_id = htons(77);
	in4.icmp_type = ICMP_ECHOREPLY;
	return expect_refused(test, "echo", &in6, NULL, 0, true, &t4,
			      -EINVAL) &&
	       expect_refused(test, "echo", &in4, NULL, 0, false, &t6,
			      -EINVAL);
}

/* Fragments, first or later: their ports, or checksum, are not all here. */
static bool expect_frags_refused(struct kunit *test, u8 proto,
				 enum fnat_pb_csum csum)
{
	struct fnat_tuple v4 = to4(proto), v6 = to6(proto);
	struct fnat_pb_spec first6 = client6(proto, csum);
	struct fnat_pb_spec later6 = client6(proto, FNAT_PB_CSUM_FULL);
	struct fnat_pb_spec first4 = server4(proto, csum);
	struct fnat_pb_spec later4 = server4(proto, FNAT_PB_CSUM_FULL);

	first6.mf = true;
	first6.frag_id = 9;
	later6.frag_off = 1448;
	first4.mf = true;
	first4.df = false;
	later4.frag_off = 1480;
	later4.df = false;
	return expect_refused(test, "first fragment", &first6, NULL, 0, true,
			      &v4, -EINVAL) &&
	       expect_refused(test, "later fragment", &later6, NULL, 0, true,
			      &v4, -EINVAL) &&
	       expect_refused(test, "first fragment", &first4, NULL, 0, false,
			      &v6, -EINVAL) &&
	       expect_refused(test, "later fragment", &later4, NULL, 0, false,
			      &v6, -EINVAL);
}

/*
 * The packet's family or the tuple's wrong, or the packet not at
 * skb->data (a link-layer header before it).
 */
static bool expect_misfits_refused(struct kunit *test, u8 proto,
				   enum fnat_pb_csum csum)
{
	static const struct fnat_pb_layout eth = { .nhoff = 14 };
	struct fnat_tuple v4 = to4(proto), v6 = to6(proto);
	struct fnat_pb_spec in6 = client6(proto, csum);
	struct fnat_pb_spec in4 = server4(proto, csum);

	return expect_refused(test, "same family", &in4, NULL, 0, true, &v4,
			      -EINVAL) &&
	       expect_refused(test, "same family", &in6, NULL, 0, false, &v6,
			      -EINVAL) &&
	       expect_refused(test, "IPv6 tuple", &in6, NULL, 0, true, &v6,
			      -EINVAL) &&
	       expect_refused(test, "IPv4 tuple", &in4, NULL, 0, false, &v4,
			      -EINVAL) &&
	       expect_refused(test, "nhoff 14", &in6, &eth, 0, true, &v4,
			      -EINVAL) &&
	       expect_refused(test, "nhoff 14", &in4, &eth, 0, false, &v6,
			      -EINVAL);
}

static void fnat_nat64_refused(struct kunit *test)
{
	unsigned int i, c;
	bool ok = true;

	for (c = 0; c < ARRAY_SIZE(csums) && ok; c++) {
		/* The builder sums ICMP in full, or as a NIC would. */
		ok = expect_icmp_refused(test,
					 csums[c] == FNAT_PB_CSUM_COMPLETE ?
					 csums[c] : FNAT_PB_CSUM_FULL);
		for (i = 0; i < ARRAY_SIZE(protos) && ok; i++)
			ok = expect_frags_refused(test, protos[i], csums[c]) &&
			     expect_misfits_refused(test, protos[i], csums[c]);
	}
}

/*
 * An IPv6 packet whose IPv4 translation would be over 65535 bytes long:
 * refused, unchanged; one byte less is translated.
 */
static void fnat_nat64_too_big(struct kunit *test)
{
	struct fnat_pb_spec in = client6(IPPROTO_TCP, FNAT_PB_CSUM_FULL);
	struct fnat_tuple to = to4(IPPROTO_TCP);
	unsigned int v4len, l4len, hlen;
	u8 before[60], after[60];
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;
	struct tcphdr *th;
	struct fnat_pkt p;

	in.payload_len = 0;
	in.tcp_opts_len = 0;
	hlen = sizeof(*ip6h) + sizeof(*th);
	for (v4len = 65535; v4len <= 65536; v4len++) {
		l4len = v4len - sizeof(struct iphdr);
		skb = fnat_pb_new(test, &in, NULL);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		KUNIT_ASSERT_EQ(test, 0, fnat_pb_pad(test, skb,
						     sizeof(*ip6h) + l4len -
						     hlen));
		ip6h = ipv6_hdr(skb);
		th = tcp_hdr(skb);
		ip6h->payload_len = htons(l4len);
		th->check = 0;
		th->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, l4len,
					    IPPROTO_TCP,
					    skb_checksum(skb, sizeof(*ip6h),
							 l4len, 0));
		KUNIT_ASSERT_EQ(test, 0, skb_copy_bits(skb, 0, before,
						       sizeof(before)));
		KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(skb, 0, &p));
		if (v4len > IP_MAX_MTU) {
			KUNIT_EXPECT_EQ(test, -EMSGSIZE,
					fnat_nat64_to_v4(&init_net, skb, &p, &to));
			KUNIT_EXPECT_EQ(test, sizeof(*ip6h) + l4len,
					(size_t)skb->len);
			KUNIT_ASSERT_EQ(test, 0, skb_copy_bits(skb, 0, after,
							       sizeof(after)));
			KUNIT_EXPECT_EQ(test, 0, memcmp(before, after,
							sizeof(before)));
		} else {
			KUNIT_EXPECT_EQ(test, 0,
					fnat_nat64_to_v4(&init_net, skb, &p, &to));
			KUNIT_EXPECT_EQ(test, v4len, skb->len);
			KUNIT_EXPECT_EQ(test, v4len,
					(unsigned int)ntohs(ip_hdr(skb)->tot_len));
			FNAT_PB_EXPECT_CSUM_OK(test, skb, 0);
		}
		fnat_pb_free(test, skb);
	}
}

/*
 * 6->4, then the IPv4 packet back to the client's tuple: the client's
 * packet again, without what IPv4 has no room for (flow label, extension
 * headers). GSO packets come back as TCPv6.
 */
static void fnat_nat64_round_trip6(struct kunit *test)
{
	static const struct fnat_pb_exthdr chain[] = {
		{ .type = NEXTHDR_HOP },
		{ .type = NEXTHDR_DEST, .len = 16 },
	};
	static const struct fnat_pb_layout gso = { .gso_size = 200 };
	char ctx[64], where[48];
	unsigned int i, c, l;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		struct fnat_tuple v4 = to4(protos[i]);
		struct fnat_tuple back = from_client(protos[i]);

		for (c = 0; c < ARRAY_SIZE(csums); c++) {
			struct fnat_pb_spec in = client6(protos[i], csums[c]);
			struct fnat_pb_spec out = xlate_spec(test, &in, &back);

			in.exthdrs = chain;
			in.n_exthdrs = ARRAY_SIZE(chain);
			/* Nothing but what translation drops differs. */
			KUNIT_ASSERT_EQ(test, 0, memcmp(&out.saddr, &in.saddr,
							sizeof(out.saddr)));
			KUNIT_ASSERT_EQ(test, 0, memcmp(&out.daddr, &in.daddr,
							sizeof(out.daddr)));
			KUNIT_ASSERT_EQ(test, out.sport, in.sport);
			KUNIT_ASSERT_EQ(test, out.dport, in.dport);
			for (l = 0; l <= ARRAY_SIZE(layouts); l++) {
				const struct fnat_pb_layout *lo =
					l < ARRAY_SIZE(layouts) ?
					&layouts[l] : &gso;
				struct sk_buff *got;

				if (lo == &gso &&
				    (protos[i] != IPPROTO_TCP ||
				     csums[c] != FNAT_PB_CSUM_PARTIAL))
					continue;
				snprintf(ctx, sizeof(ctx), "6->4->6, %s",
					 describe(where, sizeof(where), &in,
						  l));
				got = fnat_pb_new(test, &in, lo);
				KUNIT_ASSERT_NOT_NULL(test, got);
				KUNIT_ASSERT_EQ(test, 0, xlate(test, got, &v4));
				FNAT_PB_EXPECT_CSUM_OK(test, got, 0);
				KUNIT_ASSERT_EQ(test, 0,
						xlate(test, got, &back));
				/* GSO comes back as TCPv6, its size kept. */
				if (!check_xlated(test, ctx, got, &out, lo))
					return;
				fnat_pb_free(test, got);
			}
		}
	}
}

/* And 4->6->4: options and the ID go. */
static void fnat_nat64_round_trip4(struct kunit *test)
{
	static const u8 rr[] = { IPOPT_RR, 7, 4, 0, 0, 0, 0 };
	char ctx[64], where[48];
	unsigned int i, c, l;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		struct fnat_tuple v6 = to6(protos[i]);
		struct fnat_tuple back = {
			.af = AF_INET, .protocol = protos[i],
			.saddr = fnat_pb_ip4(RIP), .daddr = fnat_pb_ip4(LIP),
			.sport = htons(RPORT), .dport = htons(LPORT),
		};

		for (c = 0; c < ARRAY_SIZE(csums); c++) {
			struct fnat_pb_spec in = server4(protos[i], csums[c]);
			struct fnat_pb_spec mid, out;

			in.ip_opts = rr;
			in.ip_opts_len = sizeof(rr);
			in.df = false;
			mid = xlate_spec(test, &in, &v6);
			out = xlate_spec(test, &mid, &back);
			for (l = 0; l < ARRAY_SIZE(layouts); l++) {
				struct sk_buff *got = fnat_pb_new(test, &in,
								  &layouts[l]);

				KUNIT_ASSERT_NOT_NULL(test, got);
				KUNIT_ASSERT_EQ(test, 0, xlate(test, got, &v6));
				KUNIT_ASSERT_EQ(test, 0,
						xlate(test, got, &back));
				snprintf(ctx, sizeof(ctx), "4->6->4, %s",
					 describe(where, sizeof(where), &in,
						  l));
				if (!check_xlated(test, ctx, got, &out, NULL))
					return;
				fnat_pb_free(test, got);
			}
		}
	}
}

static union nf_inet_addr rand_addr(struct rnd_state *rnd, u16 af)
{
	union nf_inet_addr a = { };

	if (af == AF_INET6)
		prandom_bytes_state(rnd, &a.in6, sizeof(a.in6));
	else
		a.ip = (__force __be32)prandom_u32_state(rnd);
	return a;
}

/*
 * Random addresses, ports, TOS, TTL, payloads, checksum states and
 * layouts, both ways: the translation must match the packet built in the
 * other family and sum right. A fixed seed makes a failure repeatable.
 */
static void fnat_nat64_random(struct kunit *test)
{
	static const u8 nops[40] = { [0 ... 39] = IPOPT_NOOP };
	static const struct fnat_pb_exthdr hop = {
		.type = NEXTHDR_HOP, .len = 16,
	};
	char ctx[96], where[48];
	unsigned int round, len;
	struct rnd_state rnd;
	bool failed = false;
	u8 *payload;

	payload = kunit_kmalloc(test, 1300, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, payload);
	prandom_seed_state(&rnd, 0x464e4154364eULL);
	for (round = 0; round < 2000 && !failed; round++) {
		u32 r = prandom_u32_state(&rnd);
		bool v6 = r & 1;
		u8 proto = r & 2 ? IPPROTO_UDP : IPPROTO_TCP;
		u16 to_af = v6 ? AF_INET : AF_INET6;
		const struct fnat_pb_layout *lo =
			&layouts[(r >> 4) % ARRAY_SIZE(layouts)];
		struct fnat_pb_spec in = {
			.af = v6 ? AF_INET6 : AF_INET,
			.protocol = proto,
			.csum = (r >> 2) & 3,
			.tos = r >> 8,
			.ttl = r >> 16,
			.df = !v6 && (r & BIT(24)),
			.tcp_flags = TCPHDR_ACK,
			.payload = payload,
		};
		struct fnat_tuple to = {
			.af = to_af, .protocol = proto,
		};
		struct sk_buff *got;
		struct fnat_pb_spec out;
		struct fnat_pkt p;
		int err;

		/* FULL, PARTIAL, COMPLETE, or NONE where it exists. */
		if (in.csum == FNAT_PB_CSUM_NONE &&
		    (v6 || proto != IPPROTO_UDP))
			in.csum = FNAT_PB_CSUM_FULL;
		in.saddr = rand_addr(&rnd, in.af);
		in.daddr = rand_addr(&rnd, in.af);
		to.saddr = rand_addr(&rnd, to_af);
		to.daddr = rand_addr(&rnd, to_af);
		r = prandom_u32_state(&rnd);
		in.sport = (__force __be16)r;
		in.dport = (__force __be16)(r >> 16);
		r = prandom_u32_state(&rnd);
		to.sport = (__force __be16)r;
		to.dport = (__force __be16)(r >> 16);
		r = prandom_u32_state(&rnd);
		in.seq = prandom_u32_state(&rnd);
		in.ack_seq = prandom_u32_state(&rnd);
		/* Up to past 1280 bytes; the long ones in a linear skb. */
		len = r % 1301;
		if (len > 480)
			lo = layouts;
		in.payload_len = len;
		prandom_bytes_state(&rnd, payload, len);
		if (v6) {
			in.flow_label = (r >> 9) & 0xfffff;
			if (!(r & (3 << 29))) {
				in.exthdrs = &hop;
				in.n_exthdrs = 1;
			}
		} else if (!(r & (3 << 29))) {
			in.ip_opts = nops;
			in.ip_opts_len = 4 * (1 + (r >> 9) % 10);
			in.id = (__force __be16)(r >> 13);
		}
		out = xlate_spec(test, &in, &to);

		got = fnat_pb_new(test, &in, lo);
		KUNIT_ASSERT_NOT_NULL(test, got);
		KUNIT_ASSERT_EQ(test, 0, fnat_pkt_parse(got, 0, &p));
		snprintf(ctx, sizeof(ctx), "round %u, %s payload %u", round,
			 describe(where, sizeof(where), &in,
				  lo - layouts), len);
		err = xlate_p(got, &p, &to);
		if (err)
			KUNIT_FAIL(test, "%s: error %d", ctx, err);
		if (err || !check_xlated(test, ctx, got, &out, NULL))
			failed = true;
		fnat_pb_free(test, got);
	}
	KUNIT_EXPECT_EQ(test, 2000U, round);
}

static struct kunit_case fnat_nat64_cases[] = {
	KUNIT_CASE(fnat_nat64_6to4),
	KUNIT_CASE(fnat_nat64_4to6),
	KUNIT_CASE(fnat_nat64_payloads),
	KUNIT_CASE(fnat_nat64_udp_no_csum),
	KUNIT_CASE(fnat_nat64_exthdrs_dropped),
	KUNIT_CASE(fnat_nat64_atomic_fragment),
	KUNIT_CASE(fnat_nat64_ip_opts_dropped),
	KUNIT_CASE(fnat_nat64_csum_zero),
	KUNIT_CASE(fnat_nat64_df),
	KUNIT_CASE(fnat_nat64_gso),
	KUNIT_CASE(fnat_nat64_gso_refused),
	KUNIT_CASE(fnat_nat64_refused),
	KUNIT_CASE(fnat_nat64_too_big),
	KUNIT_CASE(fnat_nat64_round_trip6),
	KUNIT_CASE(fnat_nat64_round_trip4),
	KUNIT_CASE(fnat_nat64_random),
	{}
};

static struct kunit_suite fnat_nat64_suite = {
	.name = "fnat_nat64",
	.test_cases = fnat_nat64_cases,
};

kunit_test_suite(fnat_nat64_suite);

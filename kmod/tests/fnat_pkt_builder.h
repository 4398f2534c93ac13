/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat KUnit: a packet builder for data-path fixtures.
 *
 * A data-path fixture is an input packet, the packet expected out and the
 * verdict expected. The builder makes both ends of it:
 *
 *	struct fnat_pb_spec in = { .protocol = IPPROTO_TCP, ... };
 *	struct fnat_pb_pkt *pkt = fnat_pb_build(test, &in);
 *	struct sk_buff *skb = fnat_pb_skb(test, pkt, NULL);
 *	... run the code under test on skb ...
 *	FNAT_PB_EXPECT_SKB_EQ(test, skb, fnat_pb_new(test, &out, NULL), 0);
 *
 * 1. A struct fnat_pb_spec describes an IPv4 or IPv6 packet field by
 *    field; zero fields take the defaults their comments give.
 * 2. fnat_pb_build() writes it into a struct fnat_pb_pkt: correct lengths
 *    and checksums (the kernel's csum helpers), then the breakage the spec
 *    asks for. The bytes are plain memory, free to be mutated further.
 * 3. fnat_pb_skb() puts those bytes into an skb laid out as a struct
 *    fnat_pb_layout says: after nhoff bytes of link-layer filler, linear,
 *    or split over page fragments so that headers straddle them.
 *
 * Everything returned is test-managed (freed when the test case ends);
 * fnat_pb_free() gives an skb back earlier, for loops that make many. On a
 * bad spec or layout the builder fails the test and returns NULL, so
 * callers KUNIT_ASSERT_NOT_NULL() what they get.
 */
#ifndef _FNAT_PKT_BUILDER_H
#define _FNAT_PKT_BUILDER_H

#include <linux/bits.h>
#include <linux/netfilter.h>
#include <linux/types.h>

struct kunit;
struct sk_buff;

/* Largest IP packet the builder makes, options and quoted packets included. */
#define FNAT_PB_MAX_LEN		4096

/* The most IPv6 extension headers a spec may list. */
#define FNAT_PB_MAX_EXTHDRS	16

/* struct fnat_pb_spec.set: which deliberate breakages to apply. */
enum {
	FNAT_PB_SET_VERSION	= BIT(0),
	FNAT_PB_SET_IHL		= BIT(1),	/* IPv4 only */
	FNAT_PB_SET_TOT_LEN	= BIT(2),	/* IPv6: payload length */
	FNAT_PB_SET_DOFF	= BIT(3),
	FNAT_PB_SET_UDP_LEN	= BIT(4),
	FNAT_PB_SET_TRUNCATE	= BIT(5),
};

/* How the L4 checksum is filled. */
enum fnat_pb_csum {
	FNAT_PB_CSUM_FULL,	/* a correct checksum */
	/*
	 * As a local sender leaves it for offload (veth between namespaces
	 * does): the pseudo-header sum only, and CHECKSUM_PARTIAL on the skb
	 * with csum_start/csum_offset set. TCP and UDP only.
	 */
	FNAT_PB_CSUM_PARTIAL,
	FNAT_PB_CSUM_NONE,	/* UDP only: a zero field, no checksum */
	/*
	 * A correct checksum, and CHECKSUM_COMPLETE on the skb with
	 * skb->csum the sum of every byte from skb->data on, as a NIC that
	 * sums frames hands them up. Any protocol.
	 */
	FNAT_PB_CSUM_COMPLETE,
};

/*
 * An IPv6 extension header, for struct fnat_pb_spec.exthdrs. Its next
 * header and length bytes are filled in.
 */
struct fnat_pb_exthdr {
	/*
	 * NEXTHDR_HOP, _DEST, _ROUTING, _AUTH or any other value, written
	 * the same way; NEXTHDR_FRAGMENT places the fragment header there.
	 */
	u8			type;
	/* Bytes in all, 8n from 8 (AH: 4n); 0: 8. Not for FRAGMENT. */
	unsigned int		len;
	u8			rt_type;	/* ROUTING: routing type */
	u8			segleft;	/* ROUTING: segments left */
	/*
	 * Bytes after the next header and length bytes (ROUTING: after
	 * segments left), then zeros; HOP and DEST pad with Pad1 or PadN.
	 */
	const u8		*data;
	unsigned int		data_len;
	/* Breakage: the length byte says hdrlen, whatever len is. */
	bool			set_hdrlen;
	u8			hdrlen;
};

struct fnat_pb_spec {
	/* IPv4 header, or what of it IPv6 has. */
	u16			af;		/* 0 or AF_INET, or AF_INET6 */
	union nf_inet_addr	saddr;
	union nf_inet_addr	daddr;
	/*
	 * The L4 header's (IPv6: after the extension headers): TCP, UDP,
	 * ICMP for IPv4 and ICMPV6 for IPv6 get a header, others payload
	 * only.
	 */
	u8			protocol;
	u8			tos;		/* IPv6: traffic class */
	u8			ttl;		/* IPv6: hop limit; 0: 64 */
	__be16			id;		/* IPv4 only */
	u16			frag_off;	/* bytes, a multiple of 8 */
	bool			mf;
	bool			df;		/* IPv4 only */
	const u8		*ip_opts;	/* padded with IPOPT_END to 4n */
	unsigned int		ip_opts_len;	/* up to 40 */

	/* IPv6 only. */
	u32			flow_label;
	/*
	 * Extension headers, in this order after the fixed header. With
	 * frag_off, mf or frag6 there is a fragment header too: where a
	 * NEXTHDR_FRAGMENT entry is, else after the others. A non-first
	 * fragment has none of the headers listed after it (they went in
	 * the first one), and its fragment header names the first of them.
	 */
	const struct fnat_pb_exthdr *exthdrs;
	unsigned int		n_exthdrs;
	bool			frag6;		/* one even if atomic */
	u32			frag_id;	/* its identification */

	/*
	 * TCP and UDP. A non-first fragment (frag_off != 0) gets no L4
	 * header at all: only the payload. A first fragment's lengths and
	 * checksum are those of a datagram ending with it.
	 */
	__be16			sport;
	__be16			dport;
	enum fnat_pb_csum	csum;
	u8			tcp_flags;	/* TCPHDR_* */
	u32			seq;
	u32			ack_seq;
	u16			window;		/* 0: 65535 */
	const u8		*tcp_opts;	/* padded with TCPOPT_EOL to 4n */
	unsigned int		tcp_opts_len;	/* up to 40 */

	/* ICMP or ICMPv6. */
	u8			icmp_type;
	u8			icmp_code;
	__be16			icmp_id;	/* the header's second word... */
	__be16			icmp_seq;
	/* ...or, if non-zero, next-hop MTU (ICMPv6: all 32 bits) */
	u16			icmp_mtu;
	/*
	 * The packet an ICMP error quotes, built on its own (its own
	 * breakage included), then cut to inner_quote bytes; 0 quotes its
	 * IP header (IPv6: and extension headers) and 8 bytes, as RFC 792
	 * asks.
	 */
	const struct fnat_pb_spec *inner;
	unsigned int		inner_quote;

	/* After the L4 header (the whole IP payload for other protocols). */
	const void		*payload;	/* NULL: bytes 0, 1, 2... */
	unsigned int		payload_len;

	/*
	 * Breakage, for refusal fixtures: each field applies when its
	 * FNAT_PB_SET_* bit is in set (set_doff to TCP, set_udp_len to UDP,
	 * neither to a non-first fragment, which has no L4 header).
	 * Lengths and L4 checksums are computed on the sane packet first;
	 * the IP header checksum is computed last, over the broken header,
	 * because the stack drops a packet whose IP checksum is wrong before
	 * any hook could see it.
	 */
	unsigned int		set;
	u8			set_version;
	u8			set_ihl;
	u8			set_doff;
	u16			set_tot_len;
	u16			set_udp_len;
	unsigned int		truncate;	/* bytes kept from the IP header on */
};

/* Built bytes, starting at the IP header. */
struct fnat_pb_pkt {
	u8			data[FNAT_PB_MAX_LEN];
	unsigned int		len;
	unsigned int		l4off;		/* as built, before breakage */
	u16			af;		/* AF_INET or AF_INET6 */
	u8			protocol;
	bool			csum_partial;	/* the skb gets CHECKSUM_PARTIAL */
	bool			csum_complete;	/* or CHECKSUM_COMPLETE */
};

/* Where the bytes go in the skb. A NULL layout is all zeros. */
struct fnat_pb_layout {
	/* Filler bytes (0xa5) before the IP header: the parser's nhoff. */
	unsigned int		nhoff;
	/*
	 * Only linear_len bytes in the head, the rest in page fragments of
	 * frag_len bytes each (0: up to a page), at most MAX_SKB_FRAGS.
	 */
	bool			nonlinear;
	unsigned int		linear_len;
	unsigned int		frag_len;
	/* Non-zero: a GSO TCPv4 (TCPv6) packet of gso_size-byte segments. */
	unsigned int		gso_size;
};

struct fnat_pb_pkt *fnat_pb_build(struct kunit *test,
				  const struct fnat_pb_spec *spec);
struct sk_buff *fnat_pb_skb(struct kunit *test, const struct fnat_pb_pkt *pkt,
			    const struct fnat_pb_layout *layout);
/* fnat_pb_build() then fnat_pb_skb(). */
struct sk_buff *fnat_pb_new(struct kunit *test, const struct fnat_pb_spec *spec,
			    const struct fnat_pb_layout *layout);
void fnat_pb_free(struct kunit *test, struct sk_buff *skb);

/* An IPv4 address for a spec from a host-order constant. */
static inline union nf_inet_addr fnat_pb_ip4(u32 addr)
{
	union nf_inet_addr a = { .ip = htonl(addr) };

	return a;
}

/* An IPv6 address for a spec from four host-order 32-bit words. */
static inline union nf_inet_addr fnat_pb_ip6(u32 w0, u32 w1, u32 w2, u32 w3)
{
	union nf_inet_addr a = {
		.ip6 = { htonl(w0), htonl(w1), htonl(w2), htonl(w3) },
	};

	return a;
}

/*
 * Whether got and want hold the same bytes. If not, msg says where they
 * first differ, naming the header field from want's headers (the IP
 * header starting nhoff bytes in, IPv6 extension headers, and one quoted
 * packet), and both bytes.
 */
bool fnat_pb_skb_equal(const struct sk_buff *got, const struct sk_buff *want,
		       unsigned int nhoff, char *msg, size_t size);

#define FNAT_PB_EXPECT_SKB_EQ(test, got, want, nhoff)			\
	do {								\
		char __msg[160];					\
									\
		KUNIT_EXPECT_TRUE_MSG(test,				\
				      fnat_pb_skb_equal(got, want, nhoff, \
							__msg, sizeof(__msg)), \
				      "%s", __msg);			\
	} while (0)

/*
 * Appends len zero bytes to skb in page fragments after those it has, for
 * packets bigger than the builder makes (up to 64 KiB and more). The
 * caller fixes the headers' lengths. Returns 0, or fails the test.
 */
int fnat_pb_pad(struct kunit *test, struct sk_buff *skb, unsigned int len);

/*
 * Whether the IPv4 header checksum and the TCP or UDP checksum of the IP
 * packet nhoff bytes into skb are right, summed byte by byte here rather
 * than with the kernel's csum helpers, over the lengths the headers give.
 * With CHECKSUM_PARTIAL the L4 field must hold the pseudo-header sum a
 * device completes, and csum_start and csum_offset must point at the L4
 * header and that field. IPv4 UDP with a zero field has no checksum and
 * passes; IPv6 UDP with one does not. If not, msg says why.
 */
bool fnat_pb_csum_ok(const struct sk_buff *skb, unsigned int nhoff, char *msg,
		     size_t size);

#define FNAT_PB_EXPECT_CSUM_OK(test, skb, nhoff)			\
	do {								\
		char __msg[160];					\
									\
		KUNIT_EXPECT_TRUE_MSG(test,				\
				      fnat_pb_csum_ok(skb, nhoff, __msg,	\
						      sizeof(__msg)),	\
				      "%s", __msg);			\
	} while (0)

#endif /* _FNAT_PKT_BUILDER_H */

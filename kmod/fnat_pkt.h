/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: the data path's packet parser.
 *
 * fnat_pkt_parse() turns a packet into a struct fnat_pkt: the tuple the
 * connection table is searched with, where each header starts, and what the
 * rest of the data path needs to know before touching a byte (TCP flags,
 * fragment state, the connection an ICMP error is about). It trusts nothing
 * in the packet: every length is checked against the skb and every read
 * goes through skb_header_pointer(), so it works on non-linear skbs and
 * never reads past skb->len. It neither writes to the skb nor linearises
 * it: a caller that rewrites headers makes them writable first.
 *
 * What it does not check, because the stack already has by the time a
 * netfilter hook sees the packet, or because it would cost a pass over the
 * payload on every packet: the IP header checksum and L4 checksums.
 *
 * IPv4 and IPv6 fill the same struct. For IPv6, l4off lands after the
 * extension headers fnat skips (hop-by-hop, destination options, routing
 * with no segments left, fragment), frag_id is the 32-bit identification
 * and the tuples hold 16-byte addresses. The options inside hop-by-hop and
 * destination options headers are not looked at: the stack has validated
 * hop-by-hop ones before PRE_ROUTING, and destination options concern the
 * host the packet is finally for, which behind a VIP is a real server.
 */
#ifndef _FNAT_PKT_H
#define _FNAT_PKT_H

#include <linux/bits.h>
#include <linux/types.h>
#include "fnat_conn.h"

struct sk_buff;

/*
 * Why a packet was refused. fnat_pkt_parse() returns the negated value.
 * Values are internal and may be renumbered; the names from
 * fnat_drop_reason_name() are what users see (one drop counter each) and
 * must not change once released.
 *
 * Most mean "malformed", but FNAT_DROP_UNSUPPORTED_PROTO and
 * FNAT_DROP_ICMP_UNSUPPORTED_INNER mean "not something fnat balances": a
 * hook that sees traffic for the host itself (OSPF, ESP, GRE...) lets
 * those through rather than drop them.
 */
enum fnat_drop_reason {
	/* Fewer bytes after nhoff than a minimal IPv4 or IPv6 header. */
	FNAT_DROP_TRUNCATED = 1,
	/* The version nibble is not one fnat parses. */
	FNAT_DROP_BAD_VERSION,
	/* IHL below 5. */
	FNAT_DROP_BAD_IHL,
	/*
	 * Total length shorter than the header, or longer than the skb;
	 * IPv6: payload length past the skb, or 0 other than for BIG TCP.
	 */
	FNAT_DROP_BAD_LENGTH,
	/*
	 * Fragment ending beyond 65535 bytes (ping of death); IPv6: its
	 * offset plus what follows its fragment header, as reassembly counts.
	 */
	FNAT_DROP_BAD_FRAGMENT,
	/*
	 * First fragment too short for its whole L4 header (RFC 1858), for
	 * an ICMP error's quote, or (IPv6) for its extension header chain
	 * (RFC 7112).
	 */
	FNAT_DROP_FRAGMENT_NO_L4,
	/* Unfragmented, but shorter than a minimal L4 header. */
	FNAT_DROP_L4_TRUNCATED,
	/* TCP data offset below 5 or beyond the end of the segment. */
	FNAT_DROP_BAD_TCP_DOFF,
	/* UDP length below 8, or disagreeing with the IP payload. */
	FNAT_DROP_BAD_UDP_LENGTH,
	/*
	 * ICMP or ICMPv6 error quoting less than an IP header (with its
	 * extension headers) and 8 bytes of L4.
	 */
	FNAT_DROP_ICMP_TRUNCATED_INNER,
	/* ICMP or ICMPv6 error quoting something that cannot have been sent. */
	FNAT_DROP_ICMP_BAD_INNER,
	/*
	 * ICMP or ICMPv6 error about a protocol fnat does not balance, or
	 * about a packet carrying a header fnat does not skip (see below).
	 */
	FNAT_DROP_ICMP_UNSUPPORTED_INNER,
	/*
	 * L4 protocol other than TCP, UDP, ICMP (IPv6: ICMPv6). For IPv6
	 * also: ICMPv6 other than echo and the four error types (neighbour
	 * discovery, MLD...: the host's own business); an extension header
	 * fnat does not skip (AH, ESP, mobility...); a routing header with
	 * segments left, whose destination address is a waypoint and whose
	 * L4 checksum covers another; a later fragment whose fragment header
	 * names an extension header, not the L4 protocol.
	 */
	FNAT_DROP_UNSUPPORTED_PROTO,
	/*
	 * IPv6 extension headers that cannot be right: running past the
	 * payload (in a first fragment: FNAT_DROP_FRAGMENT_NO_L4), a
	 * hop-by-hop header other than first, two fragment headers, or more
	 * than FNAT_PKT_MAX_EXTHDRS headers.
	 */
	FNAT_DROP_BAD_EXTHDR,
	/* UDP over IPv6 with a zero checksum, which IPv6 forbids. */
	FNAT_DROP_UDP_ZERO_CSUM,
	/* The last reason fnat_pkt_parse() returns. */
	FNAT_DROP_PARSE_LAST = FNAT_DROP_UDP_ZERO_CSUM,
	/*
	 * The data path's refusals of well-formed packets.
	 */
	/* A new connection, but no dest is available (none, weight 0). */
	FNAT_DROP_NO_DEST,
	/* A new connection, but the table holds conn_max entries. */
	FNAT_DROP_CONN_LIMIT,
	/* Memory for a connection or for writable headers ran out. */
	FNAT_DROP_NO_MEM,
	/* A TCP segment other than a SYN for a connection fnat never saw. */
	FNAT_DROP_NO_CONN,
	/* No route to the real server, or one that leads back to us. */
	FNAT_DROP_NO_ROUTE,
	/* Too big for the path with DF set; the sender got frag-needed. */
	FNAT_DROP_FRAG_NEEDED,
	/* TTL ran out here; the sender got time-exceeded. */
	FNAT_DROP_TTL_EXPIRED,
	/* A forwarding method this build does not implement yet. */
	FNAT_DROP_FWD_UNSUPPORTED,
	/* FULLNAT: no local address has a port free for the real server. */
	FNAT_DROP_NO_LPORT,
	/* For a connection whose dest is gone (expire_nodest_conn on). */
	FNAT_DROP_DEST_DELETED,
	/*
	 * FULLNAT 6->4: an ICMP error about a connection, of a type or code
	 * with no counterpart in the other family (RFC 7915), so it cannot
	 * be passed on.
	 */
	FNAT_DROP_ICMP_UNTRANSLATABLE,
	/* A new connection the drop_packet defence dropped (fnat_defense.h). */
	FNAT_DROP_DEFENSE_PACKET,
	/* Not a packet: a half-open entry drop_entry evicted. */
	FNAT_DROP_DEFENSE_ENTRY,
	/*
	 * SYN proxy (fnat_synproxy.c): an ACK with no connection whose
	 * cookie is wrong or expired (an ACK flood, or a straggler of a
	 * connection that expired).
	 */
	FNAT_DROP_SYNPROXY_BAD_COOKIE,
	/* A client segment beyond those held until the server answers. */
	FNAT_DROP_SYNPROXY_HOLD_FULL,
	/* From the real server before its handshake: not our SYN's answer. */
	FNAT_DROP_SYNPROXY_BAD_SYNACK,
	/* Not a packet: a real server never answered; the client was reset. */
	FNAT_DROP_SYNPROXY_RS_TIMEOUT,
	FNAT_DROP_REASON_MAX,
};

/* fnat_pkt.flags */
enum {
	/*
	 * One fragment of a datagram (MF set or a non-zero offset). An IPv6
	 * atomic fragment (a fragment header with neither) is a whole
	 * datagram (RFC 6946): FNAT_PKT_F_EXTHDR only.
	 */
	FNAT_PKT_F_FRAG		= BIT(0),
	/*
	 * A non-first fragment: there is no L4 header, so the tuple's ports
	 * are zero, l4hlen is 0 and l4off/l4len describe the fragment's data.
	 */
	FNAT_PKT_F_NO_L4	= BIT(1),
	/*
	 * An ICMP error about a connection: inner and inner_*off are set.
	 * ICMPv6: destination unreachable, packet too big, time exceeded
	 * and parameter problem.
	 */
	FNAT_PKT_F_ICMP_ERR	= BIT(2),
	/* The IPv4 header carries options (IHL > 5). */
	FNAT_PKT_F_IP_OPTS	= BIT(3),
	/*
	 * UDP without a checksum (field 0, and not CHECKSUM_PARTIAL): NAT
	 * must leave it 0 rather than update it incrementally. IPv4 only:
	 * IPv6 refuses those (FNAT_DROP_UDP_ZERO_CSUM).
	 */
	FNAT_PKT_F_NO_CSUM	= BIT(4),
	/*
	 * A GRO super-packet over 64 KiB (BIG TCP, IPv4 from 6.3): total
	 * length is 0 in the header and taken from the skb, as the stack does.
	 * IPv6 (from 5.19): payload length 0 and, as GRO builds it, an 8-byte
	 * hop-by-hop header right after the fixed one holding just a jumbo
	 * payload option (RFC 2675) over 65535, then TCP; the length is the
	 * option's. l4off is past that header (FNAT_PKT_F_EXTHDR is set).
	 */
	FNAT_PKT_F_BIG_TCP	= BIT(5),
	/*
	 * Set by the caller, not the parser: the packet is being forwarded
	 * from PRE_ROUTING (fnat_core.c's fast path), where ICMP errors
	 * cannot be sent yet; one that needs an answer goes the slow way.
	 */
	FNAT_PKT_F_FAST		= BIT(6),
	/*
	 * IPv6 with extension headers (a fragment header included) between
	 * the fixed header and l4off.
	 */
	FNAT_PKT_F_EXTHDR	= BIT(7),
};

/*
 * The most IPv6 extension headers fnat_pkt_parse() skips in one packet or
 * one quoted packet; RFC 8200's order has at most six before the L4 header
 * (destination options twice), so more is bogus or an attempt at making
 * the parser walk a long chain.
 */
#define FNAT_PKT_MAX_EXTHDRS	8

/*
 * A parsed packet. Offsets count from skb->data, like nhoff, so they stay
 * right after skb_ensure_writable() or pskb_expand_head().
 */
struct fnat_pkt {
	/*
	 * As the packet travels. Ports are zero for ICMP, ICMPv6 and for
	 * non-first fragments; for ICMP errors this is the error's own
	 * tuple. IPv6: af AF_INET6, protocol the L4 one after the extension
	 * headers (IPPROTO_ICMPV6 for ICMPv6).
	 */
	struct fnat_tuple	tuple;
	/*
	 * FNAT_PKT_F_ICMP_ERR only: the quoted packet's tuple, in the
	 * direction that packet travelled, i.e. one sent by the host the
	 * error comes back to. A lookup for the connection it belongs to
	 * finds it in the opposite direction to the error, and swapping
	 * saddr/daddr and sport/dport gives the tuple the error travels as.
	 * For a quoted ICMP echo the ports are zero, like the outer ones.
	 */
	struct fnat_tuple	inner;
	unsigned int		l3off;		/* IP header (= nhoff) */
	/* After IPv4 options, or after IPv6 extension headers. */
	unsigned int		l4off;
	/*
	 * Bytes from l4off to the end of the IP packet as its header says.
	 * The skb may be longer (trailing padding). For a fragment this is
	 * what the fragment carries, not the whole datagram's L4 length.
	 */
	unsigned int		l4len;
	unsigned int		inner_l3off;	/* FNAT_PKT_F_ICMP_ERR only */
	/*
	 * After the quoted packet's options or extension headers; 8 bytes
	 * at least are in the skb here: ports, TCP seq, echo id.
	 */
	unsigned int		inner_l4off;
	/* FNAT_PKT_F_FRAG only: IP ID (32 bits in IPv6), offset in bytes. */
	u32			frag_id;
	u16			frag_off;
	/* TCP: doff * 4; UDP, ICMP, ICMPv6: 8 */
	u16			l4hlen;
	u16			flags;		/* FNAT_PKT_F_* */
	u8			tcp_flags;	/* TCP flags byte: TCPHDR_* */
	u8			icmp_type;
	u8			icmp_code;
	__be16			icmp_id;	/* echo request and reply (v4, v6) */
};

/*
 * Describes the IP packet starting nhoff bytes into skb->data. Returns 0
 * with *p filled, or -enum fnat_drop_reason with *p undefined.
 */
int fnat_pkt_parse(const struct sk_buff *skb, unsigned int nhoff,
		   struct fnat_pkt *p);

/*
 * A stable lowercase name for a drop reason ("bad_ihl"), for counters and
 * logs; "unknown" for values outside the enum.
 */
const char *fnat_drop_reason_name(enum fnat_drop_reason reason);

#endif /* _FNAT_PKT_H */

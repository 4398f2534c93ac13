// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: what FULLNAT changes in TCP beyond addresses and ports.
 *
 * Sequence numbers. A local port is reused for a real server soon after an
 * earlier connection on it closed, while the server may still hold that
 * connection in TIME_WAIT. Linux accepts a SYN on a TIME_WAIT tuple when
 * its sequence number is beyond the old connection's, so the director
 * gives every connection its own initial sequence number towards the real
 * server, the one the kernel would choose for the tuple (a clock in 64 ns
 * units plus a keyed hash), instead of passing on the client's: the server sees
 * sequence numbers that grow from one connection on a tuple to the next.
 * Requests get the difference added to their sequence numbers; replies
 * get it subtracted from their acknowledgment numbers and SACK blocks.
 *
 * Timestamps. In TIME_WAIT the server would also reject (PAWS) a SYN whose
 * timestamp is older than the old connection's last one, and timestamps
 * come from different clients' clocks on a reused tuple. The director
 * removes the timestamp option from the client's SYN (overwriting it with
 * NOPs, so no length changes): the server then uses none for the whole
 * connection, and neither does the client, whose SYN-ACK carries none.
 * What is lost is RTT sampling from timestamps and PAWS on the connection
 * itself; both matter little on the short paths behind a director. An
 * operator whose servers need timestamps (long fat paths, or tuples
 * that are not reused soon: many local addresses, a wide port range) turns
 * this off in /sys/kernel/fnat/strip_tcp_timestamps.
 *
 * All changes adjust the TCP checksum incrementally, for every ip_summed.
 */
#include <linux/tcp.h>
#include <linux/timekeeping.h>
#include <net/checksum.h>
#include <net/secure_seq.h>
#include <net/tcp.h>
#include "fnat_tcpseq.h"

/* The longest TCP header: data offset 15. */
#define FNAT_TCP_HDR_MAX	60

/*
 * The kernel's own ISN for the tuple: its key lives as long as the boot,
 * not as long as the module, so sequence numbers on a tuple keep growing
 * across a reload of fnat too, while the real server still holds TIME_WAIT
 * entries from before it (a key of our own would start afresh, and half
 * the reused tuples would look older than their TIME_WAIT entry).
 */
u32 fnat_tcp_isn(const struct fnat_tuple *to_server)
{
	if (to_server->af == AF_INET6)
		return secure_tcpv6_seq(to_server->saddr.ip6,
					to_server->daddr.ip6,
					to_server->sport, to_server->dport);
	return secure_tcp_seq_and_ts_off(&init_net, to_server->saddr.ip,
					 to_server->daddr.ip,
					 to_server->sport,
					 to_server->dport).seq;
}

static struct tcphdr *fnat_tcp_writable(struct sk_buff *skb,
					const struct fnat_pkt *p)
{
	if (p->tuple.protocol != IPPROTO_TCP || (p->flags & FNAT_PKT_F_NO_L4))
		return NULL;
	if (skb_ensure_writable(skb, p->l4off + p->l4hlen))
		return NULL;
	return (struct tcphdr *)(skb->data + p->l4off);
}

static void fnat_tcp_set32(struct sk_buff *skb, struct tcphdr *th,
			   __be32 *field, __be32 to)
{
	inet_proto_csum_replace4(&th->check, skb, *field, to, false);
	*field = to;
}

/*
 * Calls @fn on each option of @th's option area (kind, offset from @th,
 * length), stopping at the end or at a malformed length; options are left
 * alone past a malformed one, as the endpoints would ignore them too.
 */
typedef void (*fnat_tcp_opt_fn)(struct tcphdr *th, u8 kind, unsigned int off,
				unsigned int len, void *arg);

static void fnat_tcp_walk_options(struct tcphdr *th, unsigned int hlen,
				  fnat_tcp_opt_fn fn, void *arg)
{
	u8 *opt = (u8 *)th;
	unsigned int i = sizeof(*th), len;

	while (i < hlen) {
		if (opt[i] == TCPOPT_EOL)
			return;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= hlen)
			return;
		len = opt[i + 1];
		if (len < 2 || i + len > hlen)
			return;
		fn(th, opt[i], i, len, arg);
		i += len;
	}
}

struct fnat_tcp_edit {
	struct sk_buff	*skb;
	u32		delta;
};

/*
 * Replaces @len bytes at offset @off of the TCP header with @to, adjusting
 * the checksum over the whole 16-bit words the bytes fall in, since an
 * option may start at an odd offset.
 */
static void fnat_tcp_patch(struct sk_buff *skb, struct tcphdr *th,
			   unsigned int off, const u8 *to, unsigned int len)
{
	unsigned int a = off & ~1U, b = round_up(off + len, 2);
	u8 old[FNAT_TCP_HDR_MAX + 2];
	__wsum diff;

	memcpy(old, (u8 *)th + a, b - a);
	memcpy((u8 *)th + off, to, len);
	diff = csum_sub(csum_partial((u8 *)th + a, b - a, 0),
			csum_partial(old, b - a, 0));
	inet_proto_csum_replace_by_diff(&th->check, skb, diff, false, false);
}

static void fnat_tcp_sack_in(struct tcphdr *th, u8 kind, unsigned int off,
			     unsigned int len, void *arg)
{
	struct fnat_tcp_edit *e = arg;
	unsigned int i;
	__be32 edge;

	if (kind != TCPOPT_SACK || (len - 2) % 4)
		return;
	for (i = off + 2; i + 4 <= off + len; i += 4) {
		memcpy(&edge, (u8 *)th + i, 4);
		edge = htonl(ntohl(edge) - e->delta);
		fnat_tcp_patch(e->skb, th, i, (u8 *)&edge, 4);
	}
}

/*
 * A window field announced under scale @from, as the receiver of the
 * segment reads it under scale @to: rounded down, but never closed to 0
 * when it was open, and capped at what 16 bits hold.
 */
u16 fnat_tcp_rescale_window(u16 win, u8 from, u8 to)
{
	u32 v;

	if (from == to)
		return win;
	v = ((u32)win << from) >> to;
	if (v > 0xffff)
		v = 0xffff;
	if (win && !v)
		v = 1;
	return v;
}

/*
 * Moves a segment from one end's sequence space into the other's: @adj->seq
 * added to the sequence number, @adj->ack taken off the acknowledgment
 * number and the SACK blocks (which acknowledge the same bytes), and the
 * window rescaled unless the segment is a SYN, whose window is never
 * scaled.
 */
int fnat_tcp_adjust(struct sk_buff *skb, const struct fnat_pkt *p,
		    const struct fnat_tcp_adj *adj)
{
	struct fnat_tcp_edit e = { .skb = skb, .delta = adj->ack };
	struct tcphdr *th = fnat_tcp_writable(skb, p);

	if (!th)
		return -ENOMEM;
	if (adj->seq)
		fnat_tcp_set32(skb, th, &th->seq,
			       htonl(ntohl(th->seq) + adj->seq));
	if (adj->ack) {
		if (th->ack)
			fnat_tcp_set32(skb, th, &th->ack_seq,
				       htonl(ntohl(th->ack_seq) - adj->ack));
		fnat_tcp_walk_options(th, p->l4hlen, fnat_tcp_sack_in, &e);
	}
	if (adj->ws_from != adj->ws_to && !th->syn) {
		__be16 win = htons(fnat_tcp_rescale_window(ntohs(th->window),
							   adj->ws_from,
							   adj->ws_to));

		inet_proto_csum_replace2(&th->check, skb, th->window, win,
					 false);
		th->window = win;
	}
	return 0;
}

/* Client to server: sequence numbers into the server's space. */
int fnat_tcp_seq_out(struct sk_buff *skb, const struct fnat_pkt *p, u32 delta)
{
	struct fnat_tcp_adj adj = { .seq = delta };

	return fnat_tcp_adjust(skb, p, &adj);
}

/*
 * Server to client: the acknowledgment number and SACK blocks back into
 * the client's sequence space.
 */
int fnat_tcp_seq_in(struct sk_buff *skb, const struct fnat_pkt *p, u32 delta)
{
	struct fnat_tcp_adj adj = { .ack = delta };

	return fnat_tcp_adjust(skb, p, &adj);
}

static void fnat_tcp_nop_ts(struct tcphdr *th, u8 kind, unsigned int off,
			    unsigned int len, void *arg)
{
	static const u8 nops[TCPOLEN_TIMESTAMP] = {
		TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP,
		TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP,
	};
	struct fnat_tcp_edit *e = arg;

	if (kind == TCPOPT_TIMESTAMP && len == TCPOLEN_TIMESTAMP)
		fnat_tcp_patch(e->skb, th, off, nops, len);
}

static bool fnat_tcp_strip_ts __read_mostly = true;

bool fnat_tcp_strip_timestamps_on(void)
{
	return READ_ONCE(fnat_tcp_strip_ts);
}

void fnat_tcp_set_strip_timestamps(bool on)
{
	WRITE_ONCE(fnat_tcp_strip_ts, on);
}

/* A SYN's timestamp option becomes NOPs (see above for why). */
int fnat_tcp_strip_timestamps(struct sk_buff *skb, const struct fnat_pkt *p)
{
	struct fnat_tcp_edit e = { .skb = skb };
	struct tcphdr *th = fnat_tcp_writable(skb, p);

	if (!th)
		return -ENOMEM;
	fnat_tcp_walk_options(th, p->l4hlen, fnat_tcp_nop_ts, &e);
	return 0;
}

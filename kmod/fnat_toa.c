// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: TOA, the client's address for FULLNAT real servers.
 *
 * The option goes on the client's SYN and on its first ACK towards the
 * real server (the handshake's last segment, which may carry the request
 * too): a server side that reads options from either learns the client's
 * address (fnat-toa and kernel TOA modules read the ACK). The option grows
 * the TCP header by 8 bytes; a segment with no option space left, or that
 * would no longer fit the path MTU, goes without (counted by the caller),
 * and the next ACK tries again. Replies' SYN-ACKs carry an MSS 8 bytes
 * smaller, so a client's segments leave room for it.
 */
#include <linux/ip.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/tcp.h>
#include "fnat_compat.h"
#include "fnat_toa.h"

static bool fnat_toa_on __read_mostly = true;

bool fnat_toa_enabled(void)
{
	return READ_ONCE(fnat_toa_on);
}

void fnat_toa_set_enabled(bool on)
{
	WRITE_ONCE(fnat_toa_on, on);
}

/*
 * Inserts TOA for @caddr:@cport at the end of the TCP options of @skb
 * (described by @p, its headers at skb->data). Returns 0, -ENOSPC when
 * the option space or @mtu leaves no room (the packet is unchanged), or
 * -ENOMEM.
 */
int fnat_toa_insert(struct sk_buff *skb, const struct fnat_pkt *p,
		    __be32 caddr, __be16 cport, unsigned int mtu)
{
	unsigned int hdrs = p->l4off + p->l4hlen;
	u8 opt[FNAT_TOA_LEN];
	__be16 old_word, old_len;
	struct iphdr *iph;
	struct tcphdr *th;
	__wsum diff;

	if (p->tuple.protocol != IPPROTO_TCP || p->l3off ||
	    p->l4hlen + FNAT_TOA_LEN > 15 * 4)
		return -ENOSPC;
	/*
	 * A GSO packet (a client's first ACK may carry its request) keeps
	 * its segment size: each segment gets the option, and fits while
	 * the client keeps to the MSS the SYN-ACK clamp gave it.
	 */
	if (skb_is_gso(skb) ?
	    !skb_gso_validate_network_len(skb, mtu - FNAT_TOA_LEN) :
	    skb->len + FNAT_TOA_LEN > mtu)
		return -ENOSPC;
	if (skb_cow(skb, FNAT_TOA_LEN) || skb_ensure_writable(skb, hdrs))
		return -ENOMEM;
	/* Its checksum would have to cover the new bytes: start afresh. */
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;

	/* The headers move 8 bytes up; the option fills the gap they leave. */
	skb_push(skb, FNAT_TOA_LEN);
	memmove(skb->data, skb->data + FNAT_TOA_LEN, hdrs);
	skb->network_header -= FNAT_TOA_LEN;
	skb->transport_header -= FNAT_TOA_LEN;
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		skb->csum_start -= FNAT_TOA_LEN;

	opt[0] = FNAT_TOA_KIND;
	opt[1] = FNAT_TOA_LEN;
	memcpy(opt + 2, &cport, 2);
	memcpy(opt + 4, &caddr, 4);
	memcpy(skb->data + hdrs, opt, FNAT_TOA_LEN);

	iph = (struct iphdr *)skb->data;
	th = (struct tcphdr *)(skb->data + p->l4off);
	old_len = htons(ntohs(iph->tot_len) - p->l4off);
	csum_replace2(&iph->check, iph->tot_len,
		      htons(ntohs(iph->tot_len) + FNAT_TOA_LEN));
	iph->tot_len = htons(ntohs(iph->tot_len) + FNAT_TOA_LEN);

	/* The word holding the data offset, the option, the length. */
	old_word = ((__be16 *)th)[6];
	th->doff += FNAT_TOA_LEN / 4;
	diff = csum_add(csum_sub(csum_unfold((__force __sum16)
					     ((__be16 *)th)[6]),
				 csum_unfold((__force __sum16)old_word)),
			csum_partial(opt, FNAT_TOA_LEN, 0));
	inet_proto_csum_replace_by_diff(&th->check, skb, diff, false, false);
	inet_proto_csum_replace2(&th->check, skb, old_len,
				 htons(ntohs(old_len) + FNAT_TOA_LEN), true);
	return 0;
}

/*
 * Lowers a SYN-ACK's MSS option by @room bytes, so the peer's segments
 * leave that much room for an option the director adds.
 */
int fnat_tcp_clamp_mss(struct sk_buff *skb, const struct fnat_pkt *p,
		       u16 room)
{
	unsigned int i = sizeof(struct tcphdr), len;
	struct tcphdr *th;
	__be16 *mss, to;
	u8 *opt;

	if (skb_ensure_writable(skb, p->l4off + p->l4hlen))
		return -ENOMEM;
	th = (struct tcphdr *)(skb->data + p->l4off);
	opt = (u8 *)th;
	while (i < p->l4hlen) {
		if (opt[i] == TCPOPT_EOL)
			break;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= p->l4hlen)
			break;
		len = opt[i + 1];
		if (len < 2 || i + len > p->l4hlen)
			break;
		if (opt[i] == TCPOPT_MSS && len == TCPOLEN_MSS && !(i & 1)) {
			mss = (__be16 *)(opt + i + 2);
			if (ntohs(*mss) <= TCP_MIN_MSS + room)
				return 0;
			to = htons(ntohs(*mss) - room);
			inet_proto_csum_replace2(&th->check, skb, *mss, to,
						 false);
			*mss = to;
			return 0;
		}
		i += len;
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: TOA, the client's address for FULLNAT real servers.
 *
 * The option goes on the client's SYN and on its first ACK towards the
 * real server (the handshake's last segment, which may carry the request
 * too): a server side that reads options from either learns the client's
 * address (fnat-toa and kernel TOA modules read the ACK). The option grows
 * the TCP header by 8 bytes (20 for an IPv6 client); a segment with no
 * option space left, or that would no longer fit the path MTU, goes
 * without (counted by the caller), and the next ACK tries again. Replies'
 * SYN-ACKs carry an MSS that much smaller, so a client's segments leave
 * room for it. The format is in include/uapi/fnat.h.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
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

unsigned int fnat_toa_len(u16 client_af)
{
	return client_af == AF_INET6 ? FNAT_TOA6_LEN : FNAT_TOA_LEN;
}

/* The option for @client's address and port: kind 254 or, IPv6, 253. */
static unsigned int fnat_toa_build(const struct fnat_tuple *client, u8 *opt)
{
	if (client->af == AF_INET6) {
		opt[0] = FNAT_TOA6_KIND;
		opt[1] = FNAT_TOA6_LEN;
		memcpy(opt + 2, &client->sport, 2);
		memcpy(opt + 4, &client->saddr.in6, 16);
		return FNAT_TOA6_LEN;
	}
	opt[0] = FNAT_TOA_KIND;
	opt[1] = FNAT_TOA_LEN;
	memcpy(opt + 2, &client->sport, 2);
	memcpy(opt + 4, &client->saddr.ip, 4);
	return FNAT_TOA_LEN;
}

/*
 * Inserts TOA for @client's source address and port at the end of the TCP
 * options of @skb (described by @p, its headers at skb->data). The
 * option's kind follows the client's family, which with FULLNAT 6->4 is
 * not the packet's. Returns 0, -ENOSPC when the option space or @mtu
 * leaves no room (the packet is unchanged), or -ENOMEM.
 */
int fnat_toa_insert(struct sk_buff *skb, const struct fnat_pkt *p,
		    const struct fnat_tuple *client, unsigned int mtu)
{
	unsigned int hdrs = p->l4off + p->l4hlen, len;
	u8 opt[FNAT_TOA6_LEN];
	__be16 old_word, old_len;
	struct tcphdr *th;
	__wsum diff;

	len = fnat_toa_build(client, opt);
	if (p->tuple.protocol != IPPROTO_TCP || p->l3off ||
	    p->l4hlen + len > 15 * 4)
		return -ENOSPC;
	/* BIG TCP's jumbo payload length is not worth a special case. */
	if (p->tuple.af == AF_INET6 && !ipv6_hdr(skb)->payload_len)
		return -ENOSPC;
	/*
	 * A GSO packet (a client's first ACK may carry its request) keeps
	 * its segment size: each segment gets the option, and fits while
	 * the client keeps to the MSS the SYN-ACK clamp gave it.
	 */
	if (skb_is_gso(skb) ?
	    !skb_gso_validate_network_len(skb, mtu - len) :
	    skb->len + len > mtu)
		return -ENOSPC;
	if (skb_cow(skb, len) || skb_ensure_writable(skb, hdrs))
		return -ENOMEM;
	/* Its checksum would have to cover the new bytes: start afresh. */
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;

	/* The headers move up; the option fills the gap they leave. */
	skb_push(skb, len);
	memmove(skb->data, skb->data + len, hdrs);
	skb->network_header -= len;
	skb->transport_header -= len;
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		skb->csum_start -= len;
	memcpy(skb->data + hdrs, opt, len);

	th = (struct tcphdr *)(skb->data + p->l4off);
	if (p->tuple.af == AF_INET6) {
		struct ipv6hdr *ip6h = (struct ipv6hdr *)skb->data;
		unsigned int plen = ntohs(ip6h->payload_len);

		/* The pseudo-header's length counts from the L4 header. */
		old_len = htons(plen + sizeof(*ip6h) - p->l4off);
		ip6h->payload_len = htons(plen + len);
	} else {
		struct iphdr *iph = (struct iphdr *)skb->data;

		old_len = htons(ntohs(iph->tot_len) - p->l4off);
		csum_replace2(&iph->check, iph->tot_len,
			      htons(ntohs(iph->tot_len) + len));
		iph->tot_len = htons(ntohs(iph->tot_len) + len);
	}

	/* The word holding the data offset, the option, the length. */
	old_word = ((__be16 *)th)[6];
	th->doff += len / 4;
	diff = csum_add(csum_sub(csum_unfold((__force __sum16)
					     ((__be16 *)th)[6]),
				 csum_unfold((__force __sum16)old_word)),
			csum_partial(opt, len, 0));
	inet_proto_csum_replace_by_diff(&th->check, skb, diff, false, false);
	inet_proto_csum_replace2(&th->check, skb, old_len,
				 htons(ntohs(old_len) + len), true);
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

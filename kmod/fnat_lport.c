// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: local ports for FULLNAT connections.
 *
 * A connection is known on the real server's side by its reply tuple
 * (real server address and port, local address and port, protocol), so a
 * local port only has to be unique per real server: one port serves as
 * many connections as there are real servers.
 *
 * Each local address hands its ports out in rotation, per protocol: a
 * cursor walks the range, and a port comes round again only after every
 * other port of the range has been handed out once. That is a FIFO of all
 * the ports in which a port goes back to the tail as soon as it is taken,
 * kept as one atomic counter: taking a port is O(1) and lock-free, giving
 * one back costs nothing, and a port waits as long as it can before reuse,
 * which keeps it away from the real server's TIME_WAIT for the old
 * connection. A port a live connection still holds towards the same real
 * server is passed over (a conflict, counted); after FNAT_LPORT_TRIES
 * conflicts in a row the address counts as exhausted for this connection
 * and the caller tries the next one.
 */
#include <linux/atomic.h>
#include "fnat_lport.h"

/* Both ends in one word, so readers never see half a change. */
static u32 fnat_lport_range_word = (FNAT_LPORT_MIN_DEFAULT << 16) |
				   FNAT_LPORT_MAX_DEFAULT;

void fnat_lport_range(struct fnat_lport_range *r)
{
	u32 w = READ_ONCE(fnat_lport_range_word);

	r->min = w >> 16;
	r->max = w & 0xffff;
}

int fnat_lport_set_range(u16 min, u16 max)
{
	if (!min || min > max)
		return -EINVAL;
	WRITE_ONCE(fnat_lport_range_word, ((u32)min << 16) | max);
	return 0;
}

__be16 fnat_lport_get(struct fnat_laddr *la, u8 protocol,
		      const union nf_inet_addr *raddr, __be16 rport,
		      const struct fnat_lport_range *range,
		      fnat_lport_busy_fn busy, void *arg)
{
	atomic_t *cursor = protocol == IPPROTO_UDP ? &la->cursor_udp :
			   &la->cursor_tcp;
	u32 n = (u32)range->max - range->min + 1;
	struct fnat_tuple tp = {
		.saddr		= *raddr,
		.daddr		= la->addr,
		.sport		= rport,
		.af		= la->af,
		.protocol	= protocol,
	};
	u32 i, tries = min_t(u32, n, FNAT_LPORT_TRIES);

	for (i = 0; i < tries; i++) {
		u32 c = (u32)atomic_inc_return(cursor) - 1;

		tp.dport = htons(range->min + c % n);
		if (!busy(&tp, arg))
			return tp.dport;
		atomic64_inc(&la->conflicts);
	}
	atomic64_inc(&la->exhausted);
	return 0;
}

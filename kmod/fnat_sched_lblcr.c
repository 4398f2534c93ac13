// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: locality-based least-connection with replication scheduler.
 *
 * Like lblc, but a destination address maps to a set of dests, and a
 * connection goes to the least loaded (wlc's measure) available dest of
 * the set. When there is none, or it has more active connections than its
 * weight while some dest has fewer than half its own, wlc's choice over
 * all dests gets the connection and joins the set, so a busy address is
 * replicated. A set of more than one dest that has not changed for a day
 * sheds its most loaded dest on the next pick, as with LVS's default
 * lblcr_expiration. The cache is lblc's; a set holds at most 16 dests
 * (LVS does not bound it), beyond which wlc's choice serves without
 * joining.
 */
#include <linux/jiffies.h>
#include "fnat_sched.h"

/* Weighted least-connection over an entry's available dests, newest first. */
static struct fnat_dest *fnat_lblcr_min(const struct fnat_lc_entry *en)
{
	struct fnat_dest *dest, *least = NULL;
	u64 loh = 0, doh;
	u32 lw = 0, dw;
	unsigned int i;

	for (i = 0; i < en->n; i++) {
		dest = en->dest[i];
		if (!fnat_dest_available(dest))
			continue;
		dw = atomic_read(&dest->weight);
		doh = fnat_dest_overhead(dest);
		if (!least || loh * dw > doh * lw) {
			least = dest;
			loh = doh;
			lw = dw;
		}
	}
	return least;
}

/* The most loaded per weight of an entry's dests with a weight. */
static struct fnat_dest *fnat_lblcr_max(const struct fnat_lc_entry *en)
{
	struct fnat_dest *dest, *most = NULL;
	u64 moh = 0, doh;
	u32 mw = 0, dw;
	unsigned int i;

	for (i = 0; i < en->n; i++) {
		dest = en->dest[i];
		if (atomic_read(&dest->weight) <= 0)
			continue;
		dw = atomic_read(&dest->weight);
		doh = fnat_dest_overhead(dest);
		if (!most || moh * dw < doh * mw) {
			most = dest;
			moh = doh;
			mw = dw;
		}
	}
	return most;
}

static struct fnat_dest *fnat_lblcr_pick(struct fnat_dest_set *set,
					 const struct fnat_sched_ctx *ctx)
{
	struct fnat_dest *dest = NULL, *most;
	struct fnat_lc_entry *en;
	unsigned long now = jiffies;

	en = fnat_lc_find(set, ctx->af, &ctx->daddr);
	if (en && !fnat_lc_expired(en, now)) {
		if (READ_ONCE(en->lastuse) != now)
			WRITE_ONCE(en->lastuse, now);
		dest = fnat_lblcr_min(en);
		if (en->n > 1 &&
		    time_after(now, en->lastmod + FNAT_LC_EXPIRE)) {
			most = fnat_lblcr_max(en);
			if (most)
				fnat_lc_update(set, ctx, FNAT_LC_DEL, most);
		}
		if (dest && !fnat_sched_lblc_overloaded(set, dest))
			return dest;
	}
	dest = fnat_sched_wlc_least(set);
	if (dest)
		fnat_lc_update(set, ctx, FNAT_LC_ADD, dest);
	return dest;
}

const struct fnat_scheduler fnat_sched_lblcr = {
	.name		= "lblcr",
	.state_size	= sizeof(struct fnat_lc_state),
	.state_init	= fnat_lc_state_init,
	.state_free	= fnat_lc_state_free,
	.pick		= fnat_lblcr_pick,
};

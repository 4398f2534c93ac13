// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: least-connection scheduler.
 *
 * Picks the available dest with the smallest overhead (active connections
 * count 256 times an inactive one, as in LVS), whatever the weights; ties
 * go to the first dest.
 */
#include "fnat_sched.h"

static struct fnat_dest *fnat_lc_pick(struct fnat_dest_set *set,
				      const struct fnat_sched_ctx *ctx)
{
	struct fnat_dest *dest, *least = NULL;
	u64 loh = 0, doh;
	unsigned int k;

	for (k = 0; k < set->n; k++) {
		dest = set->dest[k];
		if (!fnat_dest_available(dest))
			continue;
		doh = fnat_dest_overhead(dest);
		if (!least || doh < loh) {
			least = dest;
			loh = doh;
		}
	}
	return least;
}

const struct fnat_scheduler fnat_sched_lc = {
	.name		= "lc",
	.pick		= fnat_lc_pick,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: weighted failover scheduler.
 *
 * Everything goes to the available dest with the highest weight (the first
 * of equals), so quiescing, lowering the weight of or overloading that
 * dest fails over to the next heaviest.
 */
#include "fnat_sched.h"

static struct fnat_dest *fnat_fo_pick(struct fnat_dest_set *set,
				      const struct fnat_sched_ctx *ctx)
{
	struct fnat_dest *dest, *best = NULL;
	unsigned int k;
	int bw = 0, w;

	for (k = 0; k < set->n; k++) {
		dest = set->dest[k];
		if (!fnat_dest_available(dest))
			continue;
		w = atomic_read(&dest->weight);
		if (w > bw) {
			best = dest;
			bw = w;
		}
	}
	return best;
}

const struct fnat_scheduler fnat_sched_fo = {
	.name		= "fo",
	.pick		= fnat_fo_pick,
};

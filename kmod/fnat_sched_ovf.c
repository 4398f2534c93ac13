// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: overflow-connection scheduler.
 *
 * Like fo, the available dest with the highest weight (the first of
 * equals), but a dest whose active connections exceed its weight is passed
 * over, so connections spill onto the next heaviest; the weight works as a
 * connection limit.
 */
#include "fnat_sched.h"

static struct fnat_dest *fnat_ovf_pick(struct fnat_dest_set *set,
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
		if (atomic_read(&dest->active_conns) > w)
			continue;
		if (w > bw) {
			best = dest;
			bw = w;
		}
	}
	return best;
}

const struct fnat_scheduler fnat_sched_ovf = {
	.name		= "ovf",
	.pick		= fnat_ovf_pick,
};

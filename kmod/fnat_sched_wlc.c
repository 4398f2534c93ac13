// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: weighted least-connection scheduler.
 *
 * Picks the available dest with the smallest overhead/weight, where an
 * active connection weighs 256 inactive ones (LVS's conn overhead), by
 * cross-multiplying so no division is needed; ties go to the first dest.
 * lblc and lblcr fall back to the same choice.
 */
#include "fnat_sched.h"

struct fnat_dest *fnat_sched_wlc_least(const struct fnat_dest_set *set)
{
	struct fnat_dest *dest, *least = NULL;
	u64 loh = 0, doh;
	u32 lw = 0, dw;
	unsigned int k;

	for (k = 0; k < set->n; k++) {
		dest = set->dest[k];
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

static struct fnat_dest *fnat_wlc_pick(struct fnat_dest_set *set,
				       const struct fnat_sched_ctx *ctx)
{
	return fnat_sched_wlc_least(set);
}

const struct fnat_scheduler fnat_sched_wlc = {
	.name		= "wlc",
	.pick		= fnat_wlc_pick,
};

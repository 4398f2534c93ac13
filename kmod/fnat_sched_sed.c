// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: shortest expected delay scheduler.
 *
 * Picks the available dest with the smallest (active + 1) / weight, the
 * delay a new connection expects there; inactive connections do not
 * count. The ratios are compared by cross-multiplying, so no division is
 * needed; ties go to the first dest.
 */
#include "fnat_sched.h"

static struct fnat_dest *fnat_sed_pick(struct fnat_dest_set *set,
				       const struct fnat_sched_ctx *ctx)
{
	struct fnat_dest *dest, *least = NULL;
	u64 loh = 0, doh;
	u32 lw = 0, dw;
	unsigned int k;

	for (k = 0; k < set->n; k++) {
		dest = set->dest[k];
		if (!fnat_dest_available(dest))
			continue;
		doh = (u64)(u32)atomic_read(&dest->active_conns) + 1;
		dw = atomic_read(&dest->weight);
		if (!least || loh * dw > doh * lw) {
			least = dest;
			loh = doh;
			lw = dw;
		}
	}
	return least;
}

const struct fnat_scheduler fnat_sched_sed = {
	.name		= "sed",
	.pick		= fnat_sed_pick,
};

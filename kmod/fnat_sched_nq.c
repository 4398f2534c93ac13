// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: never-queue scheduler.
 *
 * The first available dest with no active connection gets the new one, so
 * an idle dest never waits behind a faster busy one; when every dest is
 * busy the choice is sed's, the smallest (active + 1) / weight, compared
 * by cross-multiplying, ties to the first dest.
 */
#include "fnat_sched.h"

static struct fnat_dest *fnat_nq_pick(struct fnat_dest_set *set,
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
		if (doh == 1)
			return dest;
		dw = atomic_read(&dest->weight);
		if (!least || loh * dw > doh * lw) {
			least = dest;
			loh = doh;
			lw = dw;
		}
	}
	return least;
}

const struct fnat_scheduler fnat_sched_nq = {
	.name		= "nq",
	.pick		= fnat_nq_pick,
};

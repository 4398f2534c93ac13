// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: round-robin scheduler.
 *
 * The next position is advanced with cmpxchg to just past the dest picked,
 * so skipping an unavailable dest does not give its successor two turns.
 */
#include "fnat_sched.h"

struct fnat_rr_state {
	atomic_t	next;
};

static struct fnat_dest *fnat_rr_pick(struct fnat_dest_set *set,
				      const struct fnat_sched_ctx *ctx)
{
	struct fnat_rr_state *st = set->state;
	unsigned int n = set->n, k, idx;
	int cur;

	for (;;) {
		cur = atomic_read(&st->next);
		for (k = 0; k < n; k++) {
			idx = ((unsigned int)cur + k) % n;
			if (fnat_dest_available(set->dest[idx]))
				break;
		}
		if (k == n)
			return NULL;
		if (atomic_cmpxchg(&st->next, cur, (idx + 1) % n) == cur)
			return set->dest[idx];
	}
}

const struct fnat_scheduler fnat_sched_rr = {
	.name		= "rr",
	.state_size	= sizeof(struct fnat_rr_state),
	.pick		= fnat_rr_pick,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: power of two choices scheduler.
 *
 * Two dests are drawn at random, each with probability proportional to its
 * weight among the available dests, and the one with the smaller overhead
 * per weight (active * 256 + inactive) / weight gets the connection (the
 * first draw on a tie). Both draws are uniform in [0, total weight);
 * LVS's draws in [0, total] give the first dest one extra chance.
 */
#include <linux/math64.h>
#include <linux/random.h>
#include "fnat_sched.h"

/* The dest whose weight covers @r when available weights are laid end on end. */
static struct fnat_dest *fnat_twos_nth(const struct fnat_dest_set *set,
				       u64 r)
{
	struct fnat_dest *dest;
	unsigned int k;
	int w;

	for (k = 0; k < set->n; k++) {
		dest = set->dest[k];
		if (!fnat_dest_available(dest))
			continue;
		w = atomic_read(&dest->weight);
		if (r < (u64)w)
			return dest;
		r -= w;
	}
	return NULL;
}

/*
 * The choice between the dests the draws @r1 and @r2 land on; split from
 * the pick so tests can feed it chosen draws.
 */
struct fnat_dest *fnat_sched_twos_select(const struct fnat_dest_set *set,
					 u64 r1, u64 r2)
{
	struct fnat_dest *d1 = fnat_twos_nth(set, r1);
	struct fnat_dest *d2 = fnat_twos_nth(set, r2);
	u64 w1, w2;

	if (!d1 || !d2 || d1 == d2)
		return d1 ? d1 : d2;
	w1 = (u32)atomic_read(&d1->weight);
	w2 = (u32)atomic_read(&d2->weight);
	/* oh1 / w1 > oh2 / w2, without dividing */
	if (fnat_dest_overhead(d1) * w2 > fnat_dest_overhead(d2) * w1)
		return d2;
	return d1;
}

static u64 fnat_twos_draw(u64 total)
{
	u64 r;

	if (total <= U32_MAX)
		return get_random_u32_below(total);
	div64_u64_rem(get_random_u64(), total, &r);
	return r;
}

static struct fnat_dest *fnat_twos_pick(struct fnat_dest_set *set,
					const struct fnat_sched_ctx *ctx)
{
	struct fnat_dest *dest, *last = NULL, *found;
	u64 total = 0;
	unsigned int k;

	for (k = 0; k < set->n; k++) {
		dest = set->dest[k];
		if (!fnat_dest_available(dest))
			continue;
		total += (u32)atomic_read(&dest->weight);
		last = dest;
	}
	if (!last)
		return NULL;
	found = fnat_sched_twos_select(set, fnat_twos_draw(total),
				       fnat_twos_draw(total));
	/* Weights changed under us so both draws fell off the end. */
	return found ? found : last;
}

const struct fnat_scheduler fnat_sched_twos = {
	.name		= "twos",
	.pick		= fnat_twos_pick,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: weighted round-robin scheduler (LVS's interleaved variant).
 *
 * Dests are visited in order with a current weight cw that starts at the
 * maximum weight and drops by the weights' gcd after every full pass; a
 * dest is picked when its weight is at least cw. Weights 3:1 give A A A B.
 *
 * A whole pass in which no available dest reaches cw picks nothing, and so
 * would every following pass until cw falls to the largest available
 * weight. Weights and cw are multiples of the gcd, so jumping cw straight
 * to that weight gives the same sequence while bounding a pick to three
 * passes (the rest of the current one, an empty one, the picking one) even
 * when the heavy dests are overloaded. When no dest is available the pick
 * fails and leaves the position untouched.
 */
#include <linux/gcd.h>
#include "fnat_sched.h"

struct fnat_wrr_state {
	spinlock_t	lock;	/* guards i and cw between CPUs */
	int		i;	/* last visited index, -1 before the first */
	int		cw;	/* current weight */
	int		mw;	/* maximum weight at build time */
	int		di;	/* gcd of the non-zero weights */
};

static int fnat_wrr_state_init(struct fnat_dest_set *set,
			       const struct fnat_dest_set *old)
{
	struct fnat_wrr_state *st = set->state;
	unsigned int k;
	int w, g = 0, m = 0;

	for (k = 0; k < set->n; k++) {
		w = atomic_read(&set->dest[k]->weight);
		if (w <= 0)
			continue;
		g = g ? gcd(g, w) : w;
		m = max(m, w);
	}
	spin_lock_init(&st->lock);
	st->i = -1;
	st->cw = 0;
	st->mw = m;
	st->di = g ? g : 1;
	return 0;
}

static struct fnat_dest *fnat_wrr_pick(struct fnat_dest_set *set,
				       const struct fnat_sched_ctx *ctx)
{
	struct fnat_wrr_state *st = set->state;
	struct fnat_dest *dest, *found = NULL;
	int n = set->n, steps, w, below = 0, i0, cw0;
	bool full_pass = false;

	spin_lock_bh(&st->lock);
	if (!st->mw)
		goto out;
	i0 = st->i;
	cw0 = st->cw;
	for (steps = 0; steps <= 3 * n; steps++) {
		st->i = (st->i + 1) % n;
		if (st->i == 0) {
			if (full_pass) {
				if (!below)
					break;
				st->cw = below;
			} else {
				st->cw -= st->di;
				if (st->cw <= 0)
					st->cw = st->mw;
			}
			full_pass = true;
			below = 0;
		}
		dest = set->dest[st->i];
		if (!fnat_dest_available(dest))
			continue;
		w = atomic_read(&dest->weight);
		if (w >= st->cw) {
			found = dest;
			break;
		}
		below = max(below, w);
	}
	/* Nothing available: leave the position as if never asked. */
	if (!found) {
		st->i = i0;
		st->cw = cw0;
	}
out:
	spin_unlock_bh(&st->lock);
	return found;
}

const struct fnat_scheduler fnat_sched_wrr = {
	.name		= "wrr",
	.state_size	= sizeof(struct fnat_wrr_state),
	.state_init	= fnat_wrr_state_init,
	.pick		= fnat_wrr_pick,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: destination hashing scheduler.
 *
 * sh's 256-bucket table keyed by the destination address (never the port),
 * so every connection to one address goes to one dest, as for a cache
 * cluster. LVS's dh gives each dest one bucket per pass whatever its
 * weight; here the weights shape the table as for sh, which is the same
 * table when all weights are 1. Fallback to the next available bucket
 * follows the service's fallback flag, as for sh (LVS's dh has none).
 */
#include "fnat_sched.h"

static struct fnat_dest *fnat_dh_pick(struct fnat_dest_set *set,
				      const struct fnat_sched_ctx *ctx)
{
	return fnat_sched_hash_lookup(set,
				      fnat_sched_hash_key(ctx->af, &ctx->daddr,
							  0),
				      fnat_sched_flag(ctx,
						      FNAT_SCHED_F_FALLBACK));
}

const struct fnat_scheduler fnat_sched_dh = {
	.name		= "dh",
	.state_size	= sizeof(struct fnat_sched_hash_state),
	.state_init	= fnat_sched_hash_init,
	.pick		= fnat_dh_pick,
};

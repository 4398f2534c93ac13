// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: source hashing scheduler, and the bucket table dh shares.
 *
 * The table has 256 buckets filled by walking the dests in order, each
 * taking as many consecutive buckets as its weight (one for a quiesced
 * dest, which keeps its place so that quiescing moves no other key) and
 * starting again from the first dest until every bucket is taken; a
 * weight total above 256 leaves the last dests without buckets. This is
 * LVS's layout, and the key hash is LVS's too (hash_32 of the address,
 * IPv6 folded to 32 bits, plus the port), so a key lands on the same dest
 * as under ipvs for the same dests in the same order.
 *
 * A key whose dest is unavailable gets nothing, unless the service asks
 * for fallback: then the buckets after it are tried in turn (LVS starts
 * elsewhere, any fixed order will do) and the first available dest wins.
 * sh hashes the source address, and the source port when asked to.
 */
#include <linux/hash.h>
#include "fnat_sched.h"

int fnat_sched_hash_init(struct fnat_dest_set *set,
			 const struct fnat_dest_set *old)
{
	struct fnat_sched_hash_state *st = set->state;
	unsigned int i, k = 0;
	int w, taken = 0;

	if (!set->n)
		return 0;
	for (i = 0; i < FNAT_SCHED_HASH_SIZE; i++) {
		st->bucket[i] = set->dest[k];
		w = atomic_read(&set->dest[k]->weight);
		if (++taken >= w) {
			taken = 0;
			k = (k + 1) % set->n;
		}
	}
	return 0;
}

u32 fnat_sched_hash_key(u16 af, const union nf_inet_addr *addr, __be16 port)
{
	__be32 fold = addr->ip;

	if (af == AF_INET6)
		fold = addr->ip6[0] ^ addr->ip6[1] ^ addr->ip6[2] ^
		       addr->ip6[3];
	return hash_32(ntohs(port) + ntohl(fold), FNAT_SCHED_HASH_BITS);
}

struct fnat_dest *fnat_sched_hash_lookup(const struct fnat_dest_set *set,
					 u32 key, bool fallback)
{
	const struct fnat_sched_hash_state *st = set->state;
	struct fnat_dest *dest;
	unsigned int off;

	for (off = 0; off < FNAT_SCHED_HASH_SIZE; off++) {
		dest = st->bucket[(key + off) % FNAT_SCHED_HASH_SIZE];
		if (!dest)
			return NULL;
		if (fnat_dest_available(dest))
			return dest;
		if (!fallback)
			return NULL;
	}
	return NULL;
}

static struct fnat_dest *fnat_sh_pick(struct fnat_dest_set *set,
				      const struct fnat_sched_ctx *ctx)
{
	__be16 port = 0;

	if (fnat_sched_flag(ctx, FNAT_SCHED_F_PORT))
		port = ctx->sport;
	return fnat_sched_hash_lookup(set,
				      fnat_sched_hash_key(ctx->af, &ctx->saddr,
							  port),
				      fnat_sched_flag(ctx,
						      FNAT_SCHED_F_FALLBACK));
}

const struct fnat_scheduler fnat_sched_sh = {
	.name		= "sh",
	.state_size	= sizeof(struct fnat_sched_hash_state),
	.state_init	= fnat_sched_hash_init,
	.pick		= fnat_sh_pick,
};

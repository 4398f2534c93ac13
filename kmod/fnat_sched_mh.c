// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: Maglev hashing scheduler (Eisenbud et al., NSDI 2016, 3.4).
 *
 * A lookup table of a prime number of slots is filled by letting the dests
 * claim slots in turns, each following its own permutation of the table
 * (start and step from two hashes of its address and port) and taking the
 * next slot of it nobody holds yet. A dest claims as many slots per turn
 * as its weight divided by the weights' gcd, scaled down so the heaviest
 * claims at most 63 (as LVS does); a quiesced dest claims none. A key (the
 * source address, and port when the service asks) hashes to a slot.
 *
 * Everything is hashed with fixed keys and the dests take their turns in
 * the order of their address and port, not of their creation, so every
 * director given the same dests and weights builds the same table.
 * Removing a dest hands only its slots, and few others, to the rest.
 *
 * A key whose dest is unavailable gets nothing unless the service asks
 * for fallback; then the following slots are tried in turn.
 */
#include <linux/gcd.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include "fnat_sched.h"

#define FNAT_MH_NONE		U16_MAX
#define FNAT_MH_TURN_BITS	6

/* Fixed, so that every director hashes alike; the values are arbitrary. */
static const siphash_key_t fnat_mh_key_slot = {
	{ 0x6d61676c65763031ULL, 0x666e61742d6b6579ULL }
};

static const siphash_key_t fnat_mh_key_offset = {
	{ 0x6d61676c65763032ULL, 0x6f66667365742d6bULL }
};

static const siphash_key_t fnat_mh_key_skip = {
	{ 0x6d61676c65763033ULL, 0x736b69702d6b6579ULL }
};

struct fnat_mh_state {
	u16	*slot;	/* FNAT_MH_TAB_SIZE indices into set->dest */
};

/* Byte order independent, so directors of any architecture agree. */
static u64 fnat_mh_hash(const siphash_key_t *key, u16 af,
			const union nf_inet_addr *a, __be16 port)
{
	if (af == AF_INET6)
		return siphash_3u64(((u64)ntohl(a->ip6[0]) << 32) |
				    ntohl(a->ip6[1]),
				    ((u64)ntohl(a->ip6[2]) << 32) |
				    ntohl(a->ip6[3]),
				    ntohs(port), key);
	return siphash_2u32(ntohl(a->ip), ntohs(port), key);
}

u32 fnat_sched_mh_slot(u16 af, const union nf_inet_addr *addr, __be16 port)
{
	return fnat_mh_hash(&fnat_mh_key_slot, af, addr, port) %
	       FNAT_MH_TAB_SIZE;
}

/* Where @dest's permutation of the table starts, and its step. */
void fnat_sched_mh_perm(const struct fnat_dest *dest, u32 *offset, u32 *skip)
{
	*offset = fnat_mh_hash(&fnat_mh_key_offset, dest->key.af,
			       &dest->key.addr, dest->key.port) %
		  FNAT_MH_TAB_SIZE;
	*skip = fnat_mh_hash(&fnat_mh_key_skip, dest->key.af, &dest->key.addr,
			     dest->key.port) % (FNAT_MH_TAB_SIZE - 1) + 1;
}

struct fnat_mh_setup {
	const struct fnat_dest	*dest;
	u32			pos;	/* current slot of its permutation */
	u32			skip;
	u32			turns;
	u16			idx;	/* in set->dest */
};

static int fnat_mh_key_cmp(const struct fnat_dest_key *a,
			   const struct fnat_dest_key *b)
{
	int r;

	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	r = memcmp(&a->addr, &b->addr, sizeof(a->addr));
	if (r)
		return r;
	return memcmp(&a->port, &b->port, sizeof(a->port));
}

static int fnat_mh_setup_cmp(const void *a, const void *b)
{
	const struct fnat_mh_setup *x = a, *y = b;

	return fnat_mh_key_cmp(&x->dest->key, &y->dest->key);
}

static void fnat_mh_populate(struct fnat_mh_setup *ds, unsigned int n,
			     u16 *slot)
{
	unsigned int filled = 0, k, t;
	u32 c;

	for (c = 0; c < FNAT_MH_TAB_SIZE; c++)
		slot[c] = FNAT_MH_NONE;
	for (;;) {
		for (k = 0; k < n; k++) {
			for (t = 0; t < ds[k].turns; t++) {
				c = ds[k].pos;
				while (slot[c] != FNAT_MH_NONE) {
					c += ds[k].skip;
					if (c >= FNAT_MH_TAB_SIZE)
						c -= FNAT_MH_TAB_SIZE;
				}
				slot[c] = ds[k].idx;
				ds[k].pos = c;
				if (++filled == FNAT_MH_TAB_SIZE)
					return;
			}
		}
	}
}

static int fnat_mh_state_init(struct fnat_dest_set *set,
			      const struct fnat_dest_set *old)
{
	struct fnat_mh_state *st = set->state;
	struct fnat_mh_setup *ds;
	unsigned int k, m = 0, shift = 0;
	int g = 0, top = 0, w;

	if (set->n >= FNAT_MH_NONE)
		return -E2BIG;
	st->slot = kvmalloc_array(FNAT_MH_TAB_SIZE, sizeof(*st->slot),
				  GFP_KERNEL);
	if (!st->slot)
		return -ENOMEM;
	ds = kvmalloc_array(max(set->n, 1U), sizeof(*ds), GFP_KERNEL);
	if (!ds) {
		kvfree(st->slot);
		return -ENOMEM;
	}

	for (k = 0; k < set->n; k++) {
		w = atomic_read(&set->dest[k]->weight);
		if (w <= 0)
			continue;
		g = g ? gcd(g, w) : w;
		top = max(top, w);
	}
	if (g && fls(top / g) > FNAT_MH_TURN_BITS)
		shift = fls(top / g) - FNAT_MH_TURN_BITS;
	for (k = 0; k < set->n; k++) {
		const struct fnat_dest *d = set->dest[k];

		w = atomic_read(&d->weight);
		if (w <= 0)
			continue;
		ds[m].dest = d;
		ds[m].idx = k;
		ds[m].turns = max((w / g) >> shift, 1);
		fnat_sched_mh_perm(d, &ds[m].pos, &ds[m].skip);
		m++;
	}
	sort(ds, m, sizeof(*ds), fnat_mh_setup_cmp, NULL);
	if (m)
		fnat_mh_populate(ds, m, st->slot);
	else
		memset(st->slot, 0xff, FNAT_MH_TAB_SIZE * sizeof(*st->slot));
	kvfree(ds);
	return 0;
}

static void fnat_mh_state_free(struct fnat_dest_set *set)
{
	struct fnat_mh_state *st = set->state;

	kvfree(st->slot);
}

static bool fnat_mh_any_available(const struct fnat_dest_set *set)
{
	unsigned int k;

	for (k = 0; k < set->n; k++)
		if (fnat_dest_available(set->dest[k]))
			return true;
	return false;
}

static struct fnat_dest *fnat_mh_pick(struct fnat_dest_set *set,
				      const struct fnat_sched_ctx *ctx)
{
	const struct fnat_mh_state *st = set->state;
	struct fnat_dest *dest;
	__be16 port = 0;
	u32 c, i;
	u16 idx;

	if (fnat_sched_flag(ctx, FNAT_SCHED_F_PORT))
		port = ctx->sport;
	c = fnat_sched_mh_slot(ctx->af, &ctx->saddr, port);
	idx = st->slot[c];
	if (idx == FNAT_MH_NONE)
		return NULL;
	dest = set->dest[idx];
	if (fnat_dest_available(dest))
		return dest;
	/* Probing a table of unavailable dests would take 64k steps. */
	if (!fnat_sched_flag(ctx, FNAT_SCHED_F_FALLBACK) ||
	    !fnat_mh_any_available(set))
		return NULL;
	for (i = 1; i < FNAT_MH_TAB_SIZE; i++) {
		if (++c == FNAT_MH_TAB_SIZE)
			c = 0;
		dest = set->dest[st->slot[c]];
		if (fnat_dest_available(dest))
			return dest;
	}
	return NULL;
}

/* For tests: the dest index a slot holds, FNAT_MH_NONE for none. */
u16 fnat_sched_mh_slot_dest(const struct fnat_dest_set *set, u32 slot)
{
	const struct fnat_mh_state *st = set->state;

	return st->slot[slot];
}

const struct fnat_scheduler fnat_sched_mh = {
	.name		= "mh",
	.state_size	= sizeof(struct fnat_mh_state),
	.state_init	= fnat_mh_state_init,
	.state_free	= fnat_mh_state_free,
	.pick		= fnat_mh_pick,
};

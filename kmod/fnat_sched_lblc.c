// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: locality-based least-connection scheduler, and the per-service
 * address cache lblcr shares.
 *
 * lblc sends every connection to one destination address to the dest it
 * sent the last one to, so a cache cluster keeps each object in one
 * cache. An address seen for the first time, or whose dest is unavailable,
 * or whose dest has more active connections than its weight while some
 * dest has fewer than half its weight, gets wlc's choice, which the cache
 * then remembers.
 *
 * The cache outlives dest sets: a set built for the same scheduler takes
 * it over from the set it replaces, and on the way forgets every dest the
 * new set lacks, so the cache never names a dest that may be freed. From
 * then on only picks on the new set may store into it (picks on the old
 * set still running would otherwise put a removed dest back). Entries are
 * immutable, replaced whole under the cache lock, so a pick reads them
 * locklessly under RCU. An entry not used for a day is gone, as with LVS's
 * default lblc_expiration; the cache holds at most 16 entries per bucket
 * on average, and a full cache first evicts entries idle for six minutes
 * and otherwise stores nothing (the pick still gets its dest).
 */
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include "fnat_sched.h"

struct fnat_lc_cache {
	refcount_t			refcnt;	/* one per set using it */
	spinlock_t			lock;	/* serialises writers */
	/* The set whose picks may store; compared, never followed. */
	const struct fnat_dest_set	*owner;
	unsigned int			entries;
	unsigned int			rover;	/* next bucket to evict from */
	struct hlist_head		bucket[FNAT_LC_TAB_SIZE];
};

static u32 fnat_lc_hash(u16 af, const union nf_inet_addr *addr)
{
	__be32 fold = addr->ip;

	if (af == AF_INET6)
		fold = addr->ip6[0] ^ addr->ip6[1] ^ addr->ip6[2] ^
		       addr->ip6[3];
	return hash_32(ntohl(fold), FNAT_LC_TAB_BITS);
}

static struct fnat_lc_cache *fnat_lc_cache(const struct fnat_dest_set *set)
{
	const struct fnat_lc_state *st = set->state;

	return st->cache;
}

/* RCU read side, or the cache lock held. */
struct fnat_lc_entry *fnat_lc_find(const struct fnat_dest_set *set, u16 af,
				   const union nf_inet_addr *addr)
{
	struct fnat_lc_cache *c = fnat_lc_cache(set);
	struct fnat_lc_entry *en;

	hlist_for_each_entry_rcu(en, &c->bucket[fnat_lc_hash(af, addr)], node,
				 lockdep_is_held(&c->lock))
		if (en->af == af && fnat_addr_equal(af, &en->addr, addr))
			return en;
	return NULL;
}

bool fnat_lc_expired(const struct fnat_lc_entry *en, unsigned long now)
{
	return !time_before(now, READ_ONCE(en->lastuse) + FNAT_LC_EXPIRE);
}

static void fnat_lc_del(struct fnat_lc_cache *c, struct fnat_lc_entry *en)
{
	hlist_del_rcu(&en->node);
	kfree_rcu(en, rcu);
	c->entries--;
}

static struct fnat_lc_entry *fnat_lc_alloc(unsigned int n, gfp_t gfp)
{
	return kmalloc(struct_size_t(struct fnat_lc_entry, dest, n), gfp);
}

/* Make room for one more entry; cache lock held. */
static bool fnat_lc_room(struct fnat_lc_cache *c, unsigned long now)
{
	struct fnat_lc_entry *en;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < 32 && c->entries >= FNAT_LC_MAX_ENTRIES; i++) {
		c->rover = (c->rover + 1) % FNAT_LC_TAB_SIZE;
		hlist_for_each_entry_safe(en, tmp, &c->bucket[c->rover], node)
			if (!time_before(now, READ_ONCE(en->lastuse) +
					 FNAT_LC_IDLE))
				fnat_lc_del(c, en);
	}
	return c->entries < FNAT_LC_MAX_ENTRIES;
}

static bool fnat_lc_has(const struct fnat_lc_entry *en,
			const struct fnat_dest *dest)
{
	unsigned int i;

	for (i = 0; i < en->n; i++)
		if (en->dest[i] == dest)
			return true;
	return false;
}

/*
 * Record @dest for the address @ctx->daddr: as its only dest (SET, lblc),
 * added in front of its dests (ADD, lblcr) or dropped from them (DEL,
 * lblcr). Only a pick on the cache's owner set changes anything.
 */
void fnat_lc_update(const struct fnat_dest_set *set,
		    const struct fnat_sched_ctx *ctx, enum fnat_lc_op op,
		    struct fnat_dest *dest)
{
	struct fnat_lc_cache *c = fnat_lc_cache(set);
	struct fnat_lc_entry *old, *en;
	unsigned long now = jiffies;
	unsigned int i, n = 0;

	spin_lock_bh(&c->lock);
	if (c->owner != set)
		goto out;
	old = fnat_lc_find(set, ctx->af, &ctx->daddr);
	/* An expired entry is as good as none: start it afresh. */
	if (old && fnat_lc_expired(old, now)) {
		if (op == FNAT_LC_DEL)
			goto out;
		op = FNAT_LC_SET;
	}
	switch (op) {
	case FNAT_LC_SET:
		if (old && old->n == 1 && old->dest[0] == dest) {
			WRITE_ONCE(old->lastuse, now);
			goto out;
		}
		n = 1;
		break;
	case FNAT_LC_ADD:
		if (old && (fnat_lc_has(old, dest) ||
			    old->n >= FNAT_LBLCR_SET_MAX))
			goto out;
		n = old ? old->n + 1 : 1;
		break;
	case FNAT_LC_DEL:
		if (!old || old->n < 2 || !fnat_lc_has(old, dest))
			goto out;
		n = old->n - 1;
		break;
	}
	if (!old && !fnat_lc_room(c, now))
		goto out;
	en = fnat_lc_alloc(n, GFP_ATOMIC);
	if (!en)
		goto out;
	en->af = ctx->af;
	en->addr = ctx->daddr;
	en->lastuse = now;
	en->lastmod = now;
	en->n = 0;
	if (op != FNAT_LC_DEL)
		en->dest[en->n++] = dest;
	if (op != FNAT_LC_SET && old)
		for (i = 0; i < old->n; i++)
			if (old->dest[i] != dest)
				en->dest[en->n++] = old->dest[i];
	if (old) {
		hlist_replace_rcu(&old->node, &en->node);
		kfree_rcu(old, rcu);
	} else {
		hlist_add_head_rcu(&en->node,
				   &c->bucket[fnat_lc_hash(en->af, &en->addr)]);
		c->entries++;
	}
out:
	spin_unlock_bh(&c->lock);
}

/* Dests of @old that @set lacks; both are in creation order. */
static unsigned int fnat_lc_gone(const struct fnat_dest_set *set,
				 const struct fnat_dest_set *old,
				 struct fnat_dest **gone)
{
	unsigned int i, j = 0, k, r = 0;

	for (i = 0; i < old->n; i++) {
		if (j < set->n && set->dest[j] == old->dest[i]) {
			j++;
			continue;
		}
		for (k = 0; k < set->n && set->dest[k] != old->dest[i]; k++)
			;
		if (k == set->n)
			gone[r++] = old->dest[i];
		else
			j = k + 1;
	}
	return r;
}

static bool fnat_lc_in(const struct fnat_dest *dest,
		       struct fnat_dest *const *gone, unsigned int r)
{
	unsigned int i;

	for (i = 0; i < r; i++)
		if (gone[i] == dest)
			return true;
	return false;
}

static bool fnat_lc_names(const struct fnat_lc_entry *en,
			  struct fnat_dest *const *gone, unsigned int r)
{
	unsigned int i;

	for (i = 0; i < en->n; i++)
		if (fnat_lc_in(en->dest[i], gone, r))
			return true;
	return false;
}

/*
 * Forget the dests in @gone and the expired entries; cache lock held. An
 * entry that keeps some of its dests is replaced by one without the gone
 * ones, or dropped when memory is short: it is only a hint.
 */
static void fnat_lc_purge(struct fnat_lc_cache *c,
			  struct fnat_dest *const *gone, unsigned int r)
{
	struct fnat_lc_entry *en, *nen;
	unsigned long now = jiffies;
	struct hlist_node *tmp;
	unsigned int b, i;

	for (b = 0; b < FNAT_LC_TAB_SIZE; b++) {
		hlist_for_each_entry_safe(en, tmp, &c->bucket[b], node) {
			if (fnat_lc_expired(en, now)) {
				fnat_lc_del(c, en);
				continue;
			}
			if (!r || !fnat_lc_names(en, gone, r))
				continue;
			nen = fnat_lc_alloc(en->n, GFP_ATOMIC);
			if (!nen) {
				fnat_lc_del(c, en);
				continue;
			}
			*nen = *en;
			nen->n = 0;
			for (i = 0; i < en->n; i++)
				if (!fnat_lc_in(en->dest[i], gone, r))
					nen->dest[nen->n++] = en->dest[i];
			if (!nen->n) {
				kfree(nen);
				fnat_lc_del(c, en);
				continue;
			}
			nen->lastmod = now;
			hlist_replace_rcu(&en->node, &nen->node);
			kfree_rcu(en, rcu);
		}
	}
}

int fnat_lc_state_init(struct fnat_dest_set *set,
		       const struct fnat_dest_set *old)
{
	struct fnat_lc_state *st = set->state;
	struct fnat_dest **gone = NULL;
	struct fnat_lc_cache *c;
	unsigned int b, r = 0;

	if (old && old->sched == set->sched) {
		c = fnat_lc_cache(old);
		if (old->n) {
			gone = kmalloc_array(old->n, sizeof(*gone), GFP_KERNEL);
			if (!gone)
				return -ENOMEM;
			r = fnat_lc_gone(set, old, gone);
		}
		/* Nothing fails from here on. */
		refcount_inc(&c->refcnt);
		spin_lock_bh(&c->lock);
		fnat_lc_purge(c, gone, r);
		c->owner = set;
		spin_unlock_bh(&c->lock);
		kfree(gone);
	} else {
		c = kzalloc(sizeof(*c), GFP_KERNEL);
		if (!c)
			return -ENOMEM;
		refcount_set(&c->refcnt, 1);
		spin_lock_init(&c->lock);
		for (b = 0; b < FNAT_LC_TAB_SIZE; b++)
			INIT_HLIST_HEAD(&c->bucket[b]);
		c->owner = set;
	}
	st->cache = c;
	return 0;
}

/* The last set using the cache is past its grace period: no readers. */
void fnat_lc_state_free(struct fnat_dest_set *set)
{
	struct fnat_lc_cache *c = fnat_lc_cache(set);
	struct fnat_lc_entry *en;
	struct hlist_node *tmp;
	unsigned int b;

	if (!refcount_dec_and_test(&c->refcnt))
		return;
	for (b = 0; b < FNAT_LC_TAB_SIZE; b++)
		hlist_for_each_entry_safe(en, tmp, &c->bucket[b], node)
			kfree(en);
	kfree(c);
}

/* For tests: entries, and making every entry @ticks older. */
unsigned int fnat_lc_entries(const struct fnat_dest_set *set)
{
	return READ_ONCE(fnat_lc_cache(set)->entries);
}

void fnat_lc_age(const struct fnat_dest_set *set, unsigned long ticks)
{
	struct fnat_lc_cache *c = fnat_lc_cache(set);
	struct fnat_lc_entry *en;
	unsigned int b;

	spin_lock_bh(&c->lock);
	for (b = 0; b < FNAT_LC_TAB_SIZE; b++)
		hlist_for_each_entry(en, &c->bucket[b], node) {
			WRITE_ONCE(en->lastuse, en->lastuse - ticks);
			en->lastmod -= ticks;
		}
	spin_unlock_bh(&c->lock);
}

/*
 * dest has more active connections than its weight while another dest of
 * the set has fewer than half its own: worth moving away from.
 */
bool fnat_sched_lblc_overloaded(const struct fnat_dest_set *set,
				const struct fnat_dest *dest)
{
	unsigned int k;

	if (atomic_read(&dest->active_conns) <= atomic_read(&dest->weight))
		return false;
	for (k = 0; k < set->n; k++)
		if ((s64)atomic_read(&set->dest[k]->active_conns) * 2 <
		    atomic_read(&set->dest[k]->weight))
			return true;
	return false;
}

static struct fnat_dest *fnat_lblc_pick(struct fnat_dest_set *set,
					const struct fnat_sched_ctx *ctx)
{
	struct fnat_lc_entry *en;
	struct fnat_dest *dest;
	unsigned long now = jiffies;

	en = fnat_lc_find(set, ctx->af, &ctx->daddr);
	if (en && !fnat_lc_expired(en, now)) {
		if (READ_ONCE(en->lastuse) != now)
			WRITE_ONCE(en->lastuse, now);
		dest = en->dest[0];
		if (fnat_dest_available(dest) &&
		    !fnat_sched_lblc_overloaded(set, dest))
			return dest;
	}
	dest = fnat_sched_wlc_least(set);
	if (dest)
		fnat_lc_update(set, ctx, FNAT_LC_SET, dest);
	return dest;
}

const struct fnat_scheduler fnat_sched_lblc = {
	.name		= "lblc",
	.state_size	= sizeof(struct fnat_lc_state),
	.state_init	= fnat_lc_state_init,
	.state_free	= fnat_lc_state_free,
	.pick		= fnat_lblc_pick,
};

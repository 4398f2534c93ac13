// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: the connection table (see fnat_conn.h for the model).
 *
 * An entry sits in two buckets, one per direction, so inserting and
 * removing it takes two bucket locks; the stripes are always taken in index
 * order. The table keeps one reference on each hashed entry; lookups take
 * their own, and the memory goes back after the last reference and an RCU
 * grace period.
 */
#include <linux/jhash.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/netns/hash.h>
#include "fnat_conn.h"
#include "fnat_proto_tcp.h"
#include "fnat_synproxy.h"

/* Enough stripes that two CPUs rarely meet, few enough to stay cached. */
#define FNAT_CONN_LOCK_BITS	10
/* Expired entries a sweep frees per pass over one bucket. */
#define FNAT_CONN_GC_BATCH	16

/*
 * Entries come from their own cache: packed without kmalloc's rounding up
 * to a power of two, and visible as "fnat_conn" in /proc/slabinfo. Every
 * table shares it; the first creates it and the last destroys it.
 */
static struct kmem_cache *fnat_conn_cache;
static unsigned int fnat_conn_cache_users;
static DEFINE_MUTEX(fnat_conn_cache_mutex);

static int fnat_conn_cache_get(void)
{
	int err = 0;

	mutex_lock(&fnat_conn_cache_mutex);
	if (!fnat_conn_cache_users) {
		fnat_conn_cache = kmem_cache_create("fnat_conn",
						    sizeof(struct fnat_conn),
						    0, 0, NULL);
		if (!fnat_conn_cache)
			err = -ENOMEM;
	}
	if (!err)
		fnat_conn_cache_users++;
	mutex_unlock(&fnat_conn_cache_mutex);
	return err;
}

static void fnat_conn_cache_put(void)
{
	mutex_lock(&fnat_conn_cache_mutex);
	if (!--fnat_conn_cache_users) {
		/* Entries freed after a grace period must be back first. */
		rcu_barrier();
		kmem_cache_destroy(fnat_conn_cache);
		fnat_conn_cache = NULL;
	}
	mutex_unlock(&fnat_conn_cache_mutex);
}

static void fnat_conn_free_rcu(struct rcu_head *head)
{
	struct fnat_conn *c = container_of(head, struct fnat_conn, rcu);

	if (c->sp)
		fnat_sp_conn_free(c->sp);
	kmem_cache_free(fnat_conn_cache, c);
}

static u32 fnat_tuple_hash(const struct fnat_conn_table *t,
			   const struct net *net,
			   const struct fnat_tuple *tp)
{
	u32 h;

	h = jhash2(tp->saddr.all, 4, t->seed ^ net_hash_mix(net));
	h = jhash2(tp->daddr.all, 4, h);
	h = jhash_3words((__force u32)tp->sport, (__force u32)tp->dport,
			 ((u32)tp->af << 8) | tp->protocol, h);
	return hash_32(h, t->bits);
}

static struct fnat_conn *fnat_hnode_conn(struct fnat_conn_hnode *hn)
{
	return container_of(hn - hn->dir, struct fnat_conn, hnode[0]);
}

struct fnat_conn_table *fnat_conn_table_create(unsigned int bits,
					       unsigned int max_conns)
{
	unsigned int i, nlocks = 1U << min(bits, FNAT_CONN_LOCK_BITS);
	struct fnat_conn_table *t;

	if (fnat_conn_cache_get())
		return NULL;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t) {
		fnat_conn_cache_put();
		return NULL;
	}
	t->bits = bits;
	t->buckets = kvcalloc(1U << bits, sizeof(*t->buckets), GFP_KERNEL);
	t->locks = kvcalloc(nlocks, sizeof(*t->locks), GFP_KERNEL);
	if (!t->buckets || !t->locks) {
		kvfree(t->buckets);
		kvfree(t->locks);
		kfree(t);
		fnat_conn_cache_put();
		return NULL;
	}
	for (i = 0; i < (1U << bits); i++)
		INIT_HLIST_HEAD(&t->buckets[i]);
	for (i = 0; i < nlocks; i++)
		spin_lock_init(&t->locks[i]);
	t->lock_mask = nlocks - 1;
	t->seed = get_random_u32();
	t->max_conns = max_conns;
	mutex_init(&t->sweep_lock);
	return t;
}

static void fnat_conn_lock2(struct fnat_conn_table *t, u32 h0, u32 h1)
{
	unsigned int a = h0 & t->lock_mask, b = h1 & t->lock_mask;

	if (a > b)
		swap(a, b);
	spin_lock_bh(&t->locks[a]);
	if (a != b)
		spin_lock_nested(&t->locks[b], SINGLE_DEPTH_NESTING);
}

static void fnat_conn_unlock2(struct fnat_conn_table *t, u32 h0, u32 h1)
{
	unsigned int a = h0 & t->lock_mask, b = h1 & t->lock_mask;

	if (a != b)
		spin_unlock(&t->locks[max(a, b)]);
	spin_unlock_bh(&t->locks[min(a, b)]);
}

/* Removes @c from both buckets; caller holds both stripes. */
static bool fnat_conn_unhash_locked(struct fnat_conn_table *t,
				    struct fnat_conn *c)
{
	if (!c->hashed)
		return false;
	hlist_del_rcu(&c->hnode[FNAT_DIR_ORIG].node);
	hlist_del_rcu(&c->hnode[FNAT_DIR_REPLY].node);
	c->hashed = false;
	atomic_dec(&t->count);
	return true;
}

/*
 * Finds a hashed entry with tuple @tp in bucket @h; caller holds the
 * bucket's stripe.
 */
static struct fnat_conn *fnat_conn_find_locked(struct fnat_conn_table *t,
					       u32 h, const struct net *net,
					       const struct fnat_tuple *tp)
{
	struct fnat_conn_hnode *hn;
	struct fnat_conn *c;

	hlist_for_each_entry(hn, &t->buckets[h], node) {
		c = fnat_hnode_conn(hn);
		if (net_eq(read_pnet(&c->net), net) &&
		    fnat_tuple_equal(&c->tuple[hn->dir], tp))
			return c;
	}
	return NULL;
}

/*
 * Allocates a connection for fnat_conn_insert(), counting it against the
 * table's limit. Returns it with a reference for the caller, or
 * ERR_PTR(-ENOSPC) when the table is full, -ENOMEM. The caller fills in
 * dest, net_count, fwd_method and state before inserting it.
 */
struct fnat_conn *fnat_conn_alloc(struct fnat_conn_table *t, struct net *net,
				  const struct fnat_tuple *orig,
				  const struct fnat_tuple *reply,
				  unsigned long expires)
{
	unsigned int max_conns = READ_ONCE(t->max_conns);
	struct fnat_conn *c;

	if (max_conns && atomic_inc_return(&t->count) > (int)max_conns) {
		atomic_dec(&t->count);
		atomic_long_inc(&t->drop_full);
		return ERR_PTR(-ENOSPC);
	}
	if (!max_conns)
		atomic_inc(&t->count);

	c = kmem_cache_zalloc(fnat_conn_cache, GFP_ATOMIC);
	if (!c) {
		atomic_dec(&t->count);
		return ERR_PTR(-ENOMEM);
	}
	c->tuple[FNAT_DIR_ORIG] = *orig;
	c->tuple[FNAT_DIR_REPLY] = *reply;
	c->hnode[FNAT_DIR_ORIG].dir = FNAT_DIR_ORIG;
	c->hnode[FNAT_DIR_REPLY].dir = FNAT_DIR_REPLY;
	write_pnet(&c->net, net);
	spin_lock_init(&c->lock);
	/* The caller's; fnat_conn_insert adds the table's. */
	refcount_set(&c->refcnt, 1);
	c->expires = expires;
	return c;
}

/*
 * A new limit applies to the next connection: lowering it below the count
 * now refuses new ones until enough have ended, and evicts none.
 */
int fnat_conn_set_max(struct fnat_conn_table *t, unsigned int max_conns)
{
	if (max_conns > INT_MAX)
		return -EINVAL;
	WRITE_ONCE(t->max_conns, max_conns);
	return 0;
}

unsigned int fnat_conn_max(const struct fnat_conn_table *t)
{
	return READ_ONCE(t->max_conns);
}

/* Would a new connection be refused for the limit now? */
bool fnat_conn_table_full(const struct fnat_conn_table *t)
{
	unsigned int max_conns = READ_ONCE(t->max_conns);

	return max_conns && atomic_read(&t->count) >= (int)max_conns;
}

/*
 * Gives back a connection that never made it into the table (insertion
 * failed): its slot under the limit and the caller's reference.
 */
void fnat_conn_free_unhashed(struct fnat_conn_table *t, struct fnat_conn *c)
{
	atomic_dec(&t->count);
	fnat_conn_put(c);
}

static atomic_t *fnat_conn_dest_counter(struct fnat_conn *c)
{
	if (c->is_template)
		return &c->dest->persist_conns;
	return c->active ? &c->dest->active_conns : &c->dest->inact_conns;
}

/*
 * Moves @c between its dest's active and inactive counts, as a state
 * change makes it one or the other; an entry out of the table is in
 * neither any more.
 */
void fnat_conn_set_active(struct fnat_conn *c, bool active)
{
	/* Most packets change nothing: no lock for them. */
	if (READ_ONCE(c->active) == active)
		return;
	spin_lock_bh(&c->lock);
	if (c->active != active && !c->dead && c->dest && !c->is_template) {
		atomic_dec(fnat_conn_dest_counter(c));
		WRITE_ONCE(c->active, active);
		atomic_inc(fnat_conn_dest_counter(c));
	} else {
		WRITE_ONCE(c->active, active);
	}
	spin_unlock_bh(&c->lock);
}

/* @c has left the table: it no longer counts anywhere. */
static void fnat_conn_retire(struct fnat_conn *c)
{
	spin_lock_bh(&c->lock);
	c->dead = true;
	if (c->dest)
		atomic_dec(fnat_conn_dest_counter(c));
	spin_unlock_bh(&c->lock);
	if (c->dest && !c->is_template)
		fnat_dest_conn_removed(c->dest);
	if (c->net_count)
		atomic_dec(c->net_count);
	if (c->laddr)
		atomic_dec(&c->laddr->conns);
}

/*
 * An entry a new connection may take the place of: expired, or a TCP
 * connection both ends have closed (TIME_WAIT and the like), whose
 * tuple a client reusing its port, or FULLNAT reusing a local port,
 * may have at once.
 */
bool fnat_conn_replaceable(const struct fnat_conn *c, unsigned long now)
{
	return fnat_conn_expired(c, now) ||
	       (c->tuple[FNAT_DIR_ORIG].protocol == IPPROTO_TCP &&
		fnat_tcp_state_reusable(READ_ONCE(c->state)));
}

/*
 * Hashes @c (from fnat_conn_alloc) under both tuples. Returns 0, or
 * -EEXIST when a live entry already has one of them; either way the
 * caller keeps its reference. A replaceable entry holding a tuple is
 * replaced: that is how a client reusing a port gets a new connection at
 * once.
 */
int fnat_conn_insert(struct fnat_conn_table *t, struct fnat_conn *c,
		     unsigned long now)
{
	const struct fnat_tuple *orig = &c->tuple[FNAT_DIR_ORIG];
	const struct fnat_tuple *reply = &c->tuple[FNAT_DIR_REPLY];
	struct net *net = read_pnet(&c->net);
	struct fnat_conn *old[FNAT_DIR_MAX];
	u32 h0, h1;
	int d;

	h0 = fnat_tuple_hash(t, net, orig);
	h1 = fnat_tuple_hash(t, net, reply);
	fnat_conn_lock2(t, h0, h1);
	old[FNAT_DIR_ORIG] = fnat_conn_find_locked(t, h0, net, orig);
	old[FNAT_DIR_REPLY] = fnat_conn_find_locked(t, h1, net, reply);
	for (d = 0; d < FNAT_DIR_MAX; d++) {
		if (old[d] && !fnat_conn_replaceable(old[d], now)) {
			fnat_conn_unlock2(t, h0, h1);
			atomic_long_inc(&t->drop_exists);
			return -EEXIST;
		}
	}
	/* Counted before it is visible, so no state change races this. */
	if (c->dest)
		atomic_inc(fnat_conn_dest_counter(c));
	if (c->net_count)
		atomic_inc(c->net_count);
	if (c->laddr)
		atomic_inc(&c->laddr->conns);
	refcount_inc(&c->refcnt);
	/*
	 * Expired holders go; their other buckets' stripes may not be held,
	 * so defer the unhash of those to fnat_conn_unlink below.
	 */
	hlist_add_head_rcu(&c->hnode[FNAT_DIR_ORIG].node, &t->buckets[h0]);
	hlist_add_head_rcu(&c->hnode[FNAT_DIR_REPLY].node, &t->buckets[h1]);
	c->hashed = true;
	for (d = 0; d < FNAT_DIR_MAX; d++)
		if (old[d] && (d == 0 || old[1] != old[0]))
			refcount_inc(&old[d]->refcnt);
	fnat_conn_unlock2(t, h0, h1);

	for (d = 0; d < FNAT_DIR_MAX; d++) {
		if (old[d] && (d == 0 || old[1] != old[0])) {
			fnat_conn_unlink(t, old[d]);
			fnat_conn_put(old[d]);
		}
	}
	if (c->dest && !c->is_template)
		fnat_dest_conn_added(c->dest);
	return 0;
}

/*
 * Allocates and inserts a bare connection. Returns it with a reference for
 * the caller, or ERR_PTR(-ENOSPC) when the table is full, -EEXIST when a
 * live entry already has one of the tuples, -ENOMEM.
 */
struct fnat_conn *fnat_conn_create(struct fnat_conn_table *t,
				   struct net *net,
				   const struct fnat_tuple *orig,
				   const struct fnat_tuple *reply,
				   unsigned long expires, unsigned long now)
{
	struct fnat_conn *c;
	int err;

	c = fnat_conn_alloc(t, net, orig, reply, expires);
	if (IS_ERR(c))
		return c;
	err = fnat_conn_insert(t, c, now);
	if (err) {
		fnat_conn_free_unhashed(t, c);
		return ERR_PTR(err);
	}
	return c;
}

/*
 * The data path's lookup: like fnat_conn_lookup() but without taking a
 * reference, for callers inside an RCU read-side section (netfilter hooks
 * run in one) that are done with the entry before it ends. An entry and
 * what it points to (dest, local address, template) are freed only after
 * a grace period, so they stay valid that long even if the entry leaves
 * the table meanwhile; one already on its way out is not returned.
 */
struct fnat_conn *fnat_conn_find_rcu(struct fnat_conn_table *t,
				     const struct net *net,
				     const struct fnat_tuple *tp,
				     unsigned long now,
				     enum fnat_conn_dir *dir)
{
	struct fnat_conn_hnode *hn;
	struct fnat_conn *c;
	u32 h = fnat_tuple_hash(t, net, tp);

	hlist_for_each_entry_rcu(hn, &t->buckets[h], node) {
		c = fnat_hnode_conn(hn);
		if (!net_eq(read_pnet(&c->net), net) ||
		    !fnat_tuple_equal(&c->tuple[hn->dir], tp) ||
		    fnat_conn_expired(c, now) || !refcount_read(&c->refcnt))
			continue;
		*dir = hn->dir;
		return c;
	}
	return NULL;
}

/*
 * Finds the live connection a packet with tuple @tp belongs to, and in
 * which direction it travels. Returns it with a reference, or NULL.
 */
struct fnat_conn *fnat_conn_lookup(struct fnat_conn_table *t,
				   const struct net *net,
				   const struct fnat_tuple *tp,
				   unsigned long now,
				   enum fnat_conn_dir *dir)
{
	struct fnat_conn *c;

	rcu_read_lock();
	/*
	 * An entry whose last reference goes between finding and taking it
	 * is passed over by the next search, which skips dying entries.
	 */
	do {
		c = fnat_conn_find_rcu(t, net, tp, now, dir);
	} while (c && !refcount_inc_not_zero(&c->refcnt));
	rcu_read_unlock();
	return c;
}

void fnat_conn_put(struct fnat_conn *c)
{
	if (!refcount_dec_and_test(&c->refcnt))
		return;
	if (c->dest)
		fnat_dest_put(c->dest);
	if (c->laddr)
		fnat_laddr_put(c->laddr);
	if (c->tmpl)
		fnat_conn_put(c->tmpl);
	call_rcu(&c->rcu, fnat_conn_free_rcu);
}

/* Takes @c out of the table (idempotent); the caller's reference stays. */
bool fnat_conn_unlink(struct fnat_conn_table *t, struct fnat_conn *c)
{
	const struct net *net = read_pnet(&c->net);
	u32 h0 = fnat_tuple_hash(t, net, &c->tuple[FNAT_DIR_ORIG]);
	u32 h1 = fnat_tuple_hash(t, net, &c->tuple[FNAT_DIR_REPLY]);
	bool was_hashed;

	fnat_conn_lock2(t, h0, h1);
	was_hashed = fnat_conn_unhash_locked(t, c);
	fnat_conn_unlock2(t, h0, h1);
	if (was_hashed) {
		fnat_conn_retire(c);
		fnat_conn_put(c);	/* the table's reference */
	}
	return was_hashed;
}

/*
 * Calls @fn on each live connection of @net in bucket @b, under RCU, once
 * per connection (where its original tuple hashes), skipping the first
 * *@pos of them: a dump resumes within a bucket that way. Stops when @fn
 * returns non-zero and returns that, with *@pos at the connection it
 * refused; otherwise returns 0 with *@pos past the last one.
 */
int fnat_conn_walk_bucket(struct fnat_conn_table *t, unsigned int b,
			  const struct net *net, unsigned long now,
			  unsigned int *pos,
			  int (*fn)(struct fnat_conn *c, void *arg), void *arg)
{
	struct fnat_conn_hnode *hn;
	unsigned int i = 0;
	struct fnat_conn *c;
	int ret = 0;

	rcu_read_lock();
	hlist_for_each_entry_rcu(hn, &t->buckets[b], node) {
		if (hn->dir != FNAT_DIR_ORIG)
			continue;
		c = fnat_hnode_conn(hn);
		if (!net_eq(read_pnet(&c->net), net) ||
		    fnat_conn_expired(c, now))
			continue;
		if (i++ < *pos)
			continue;
		ret = fn(c, arg);
		if (ret) {
			i--;
			break;
		}
	}
	rcu_read_unlock();
	*pos = i;
	return ret;
}

/* What a sweep frees. */
enum fnat_sweep {
	FNAT_SWEEP_EXPIRED,
	FNAT_SWEEP_NET,
	FNAT_SWEEP_ALL,
	FNAT_SWEEP_CHOSEN,	/* what fnat_conn_evict()'s caller chooses */
};

struct fnat_sweep_sel {
	enum fnat_sweep		what;
	unsigned long		now;
	const struct net	*net;
	bool (*want)(const struct fnat_conn *c, void *arg);
	void (*gone)(struct fnat_conn *c, void *arg);
	void			*arg;
};

static bool fnat_sweep_wants(const struct fnat_conn *c,
			     const struct fnat_sweep_sel *sel)
{
	switch (sel->what) {
	case FNAT_SWEEP_EXPIRED:
		return fnat_conn_expired(c, sel->now);
	case FNAT_SWEEP_NET:
		return net_eq(read_pnet(&c->net), sel->net);
	case FNAT_SWEEP_CHOSEN:
		return !fnat_conn_expired(c, sel->now) &&
		       sel->want(c, sel->arg);
	default:
		return true;
	}
}

/*
 * Sweeps up to @budget buckets from *@posp (left where it stopped) and frees
 * the entries found there that @what selects. Entries are collected under
 * RCU with a reference and unlinked afterwards, because unlinking takes
 * the stripes of both of an entry's buckets. Returns how many were freed.
 * Sweeps exclude each other (sweep_lock): a netns flush passes over the
 * entries another sweep has already unhashed, and returns only once that
 * sweep has given back their counts.
 */
static unsigned int fnat_conn_sweep(struct fnat_conn_table *t,
				    const struct fnat_sweep_sel *sel,
				    unsigned int *posp, unsigned int budget)
{
	struct fnat_conn *batch[FNAT_CONN_GC_BATCH];
	unsigned int freed = 0, n, i, size = 1U << t->bits;
	struct fnat_conn_hnode *hn;
	struct fnat_conn *c;
	bool more;

	budget = min(budget, size);
	mutex_lock(&t->sweep_lock);
	while (budget--) {
		unsigned int b = *posp;

		/* Most buckets of a roomy table are empty: no more for them. */
		if (!READ_ONCE(t->buckets[b].first)) {
			*posp = (b + 1) & (size - 1);
			continue;
		}
		do {
			n = 0;
			more = false;
			rcu_read_lock();
			hlist_for_each_entry_rcu(hn, &t->buckets[b], node) {
				c = fnat_hnode_conn(hn);
				if (!fnat_sweep_wants(c, sel) ||
				    !READ_ONCE(c->hashed) ||
				    !refcount_inc_not_zero(&c->refcnt))
					continue;
				batch[n++] = c;
				if (n == ARRAY_SIZE(batch)) {
					more = true;
					break;
				}
			}
			rcu_read_unlock();
			for (i = 0; i < n; i++) {
				if (fnat_conn_unlink(t, batch[i])) {
					freed++;
					if (sel->gone)
						sel->gone(batch[i], sel->arg);
				}
				fnat_conn_put(batch[i]);
			}
		} while (more);
		*posp = (b + 1) & (size - 1);
	}
	mutex_unlock(&t->sweep_lock);
	return freed;
}

unsigned int fnat_conn_gc(struct fnat_conn_table *t, unsigned long now,
			  unsigned int budget)
{
	struct fnat_sweep_sel sel = { .what = FNAT_SWEEP_EXPIRED, .now = now };

	/* One sweeper at a time owns gc_pos: the table's GC worker. */
	return fnat_conn_sweep(t, &sel, &t->gc_pos, budget);
}

/* Frees every entry of @net, e.g. when the netns goes away. */
void fnat_conn_flush_net(struct fnat_conn_table *t, const struct net *net)
{
	struct fnat_sweep_sel sel = { .what = FNAT_SWEEP_NET, .net = net };
	unsigned int pos = 0;

	fnat_conn_sweep(t, &sel, &pos, 1U << t->bits);
}

unsigned int fnat_conn_evict(struct fnat_conn_table *t, unsigned int *posp,
			     unsigned int budget, unsigned long now,
			     bool (*want)(const struct fnat_conn *c, void *arg),
			     void (*gone)(struct fnat_conn *c, void *arg),
			     void *arg)
{
	struct fnat_sweep_sel sel = {
		.what	= FNAT_SWEEP_CHOSEN,
		.now	= now,
		.want	= want,
		.gone	= gone,
		.arg	= arg,
	};

	*posp &= (1U << t->bits) - 1;
	return fnat_conn_sweep(t, &sel, posp, budget);
}

/* No reader may remain: callers stop the data path first. */
void fnat_conn_table_destroy(struct fnat_conn_table *t)
{
	struct fnat_sweep_sel sel = { .what = FNAT_SWEEP_ALL };
	unsigned int pos = 0;

	fnat_conn_sweep(t, &sel, &pos, 1U << t->bits);
	WARN_ON_ONCE(atomic_read(&t->count));
	synchronize_rcu();
	kvfree(t->buckets);
	kvfree(t->locks);
	kfree(t);
	fnat_conn_cache_put();
}

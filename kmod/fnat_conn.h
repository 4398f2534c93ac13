/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: the connection table.
 *
 * One entry per connection, hashed under both directions' tuples: the
 * original one (client -> VIP) and the reply one (real server -> whatever
 * the forwarding method makes the server answer to: the client for NAT,
 * a local address and port for FULLNAT). One lookup therefore finds the
 * connection and the direction of the packet.
 *
 * Readers use RCU and take a reference; writers lock striped bucket locks.
 * Expiry is a time stamp, not a timer: a lookup treats an expired entry as
 * gone at once (so a client reusing a port gets a new connection without
 * waiting), and an incremental sweep frees expired entries later. Time is
 * passed in by the caller (jiffies on the data path) so the table is
 * testable with a simulated clock.
 */
#ifndef _FNAT_CONN_H
#define _FNAT_CONN_H

#include <linux/mutex.h>
#include <linux/refcount.h>
#include <net/net_namespace.h>
#include "fnat.h"

enum fnat_conn_dir {
	FNAT_DIR_ORIG,		/* client -> director */
	FNAT_DIR_REPLY,		/* real server -> director or client */
	FNAT_DIR_MAX,
};

/* One direction of a connection, as a packet in that direction carries it. */
struct fnat_tuple {
	union nf_inet_addr	saddr;
	union nf_inet_addr	daddr;
	__be16			sport;
	__be16			dport;
	u16			af;
	u8			protocol;
};

struct fnat_conn_hnode {
	struct hlist_node	node;
	u8			dir;
};

struct fnat_sp_conn;

struct fnat_conn {
	struct fnat_conn_hnode	hnode[FNAT_DIR_MAX];
	struct fnat_tuple	tuple[FNAT_DIR_MAX];
	possible_net_t		net;
	refcount_t		refcnt;		/* the table holds one */
	/* Session sync: jiffies of the last record sent, 0: none yet. */
	u32			sync_stamp;
	unsigned long		expires;	/* jiffies */
	/*
	 * Set before insertion, constant after: the real server (a
	 * reference, NULL for bare table users) and the netns' connection
	 * count, which the entry is part of while hashed.
	 */
	struct fnat_dest	*dest;
	atomic_t		*net_count;
	/* FULLNAT: the local address (a reference). */
	struct fnat_laddr	*laddr;
	union {
		u32		seq_delta;	/* FULLNAT: the ISN offset */
		u32		tmpl_timeout;	/* templates: seconds */
	};
	spinlock_t		lock;		/* state, active, dead */
	u8			fwd_method;
	u8			state;
	/* Counted in dest->active_conns rather than inact_conns. */
	bool			active;
	/* Out of the table: the counters no longer include it. */
	bool			dead;
	/* FULLNAT: the server answered after its SYN-ACK; no more TOA. */
	bool			toa_done;
	/* A persistence template (fnat_persist.c), not a connection. */
	bool			is_template;
	/* Session sync (fnat_sync_master.c): packets seen since the last. */
	u16			sync_pkts;
	/* The template that chose this connection's dest (a reference). */
	struct fnat_conn	*tmpl;
	/* Opened by the SYN proxy: set before insertion, freed with it. */
	struct fnat_sp_conn	*sp;
	bool			hashed;		/* under the bucket locks */
	struct rcu_head		rcu;
};

struct fnat_conn_table {
	struct hlist_head	*buckets;
	unsigned int		bits;
	spinlock_t		*locks;		/* striped over the buckets */
	unsigned int		lock_mask;
	u32			seed;
	atomic_t		count;
	unsigned int		max_conns;	/* 0 = no limit */
	unsigned int		gc_pos;		/* next bucket the sweep visits */
	/*
	 * One sweep at a time (GC, netns flush, eviction, destroy): an entry
	 * a sweep has unhashed is not yet retired (its netns count not given
	 * back) until that sweep is done with it, and a netns flush must not
	 * finish while another sweep still holds one of its entries.
	 */
	struct mutex		sweep_lock;
	/* Counted refusals: the table was full, an entry already existed. */
	atomic_long_t		drop_full;
	atomic_long_t		drop_exists;
};

struct fnat_conn_table *fnat_conn_table_create(unsigned int bits,
					       unsigned int max_conns);
void fnat_conn_table_destroy(struct fnat_conn_table *t);

struct fnat_conn *fnat_conn_alloc(struct fnat_conn_table *t, struct net *net,
				  const struct fnat_tuple *orig,
				  const struct fnat_tuple *reply,
				  unsigned long expires);
int fnat_conn_insert(struct fnat_conn_table *t, struct fnat_conn *c,
		     unsigned long now);
void fnat_conn_free_unhashed(struct fnat_conn_table *t, struct fnat_conn *c);
int fnat_conn_set_max(struct fnat_conn_table *t, unsigned int max_conns);
bool fnat_conn_table_full(const struct fnat_conn_table *t);
unsigned int fnat_conn_max(const struct fnat_conn_table *t);
bool fnat_conn_replaceable(const struct fnat_conn *c, unsigned long now);
void fnat_conn_set_active(struct fnat_conn *c, bool active);
struct fnat_conn *fnat_conn_create(struct fnat_conn_table *t,
				   struct net *net,
				   const struct fnat_tuple *orig,
				   const struct fnat_tuple *reply,
				   unsigned long expires, unsigned long now);
struct fnat_conn *fnat_conn_find_rcu(struct fnat_conn_table *t,
				     const struct net *net,
				     const struct fnat_tuple *tp,
				     unsigned long now,
				     enum fnat_conn_dir *dir);
struct fnat_conn *fnat_conn_lookup(struct fnat_conn_table *t,
				   const struct net *net,
				   const struct fnat_tuple *tuple,
				   unsigned long now,
				   enum fnat_conn_dir *dir);
void fnat_conn_put(struct fnat_conn *c);
/* Takes @c out of the table; false if it was out already. */
bool fnat_conn_unlink(struct fnat_conn_table *t, struct fnat_conn *c);
unsigned int fnat_conn_gc(struct fnat_conn_table *t, unsigned long now,
			  unsigned int budget);
int fnat_conn_walk_bucket(struct fnat_conn_table *t, unsigned int b,
			  const struct net *net, unsigned long now,
			  unsigned int *pos,
			  int (*fn)(struct fnat_conn *c, void *arg), void *arg);
void fnat_conn_flush_net(struct fnat_conn_table *t, const struct net *net);
/*
 * Frees the live entries @want() chooses in @budget buckets from *@posp
 * (left where it stopped), calling @gone() on each after it left the
 * table. @want() runs under RCU and must not sleep. Returns how many went.
 */
unsigned int fnat_conn_evict(struct fnat_conn_table *t, unsigned int *posp,
			     unsigned int budget, unsigned long now,
			     bool (*want)(const struct fnat_conn *c, void *arg),
			     void (*gone)(struct fnat_conn *c, void *arg),
			     void *arg);

static inline bool fnat_tuple_equal(const struct fnat_tuple *a,
				    const struct fnat_tuple *b)
{
	return a->sport == b->sport && a->dport == b->dport &&
	       a->protocol == b->protocol && a->af == b->af &&
	       fnat_addr_equal(a->af, &a->saddr, &b->saddr) &&
	       fnat_addr_equal(a->af, &a->daddr, &b->daddr);
}

static inline bool fnat_conn_expired(const struct fnat_conn *c,
				     unsigned long now)
{
	return time_after_eq(now, READ_ONCE(c->expires));
}

static inline void fnat_conn_set_expires(struct fnat_conn *c,
					 unsigned long expires)
{
	WRITE_ONCE(c->expires, expires);
}

#endif /* _FNAT_CONN_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: scheduler interface.
 *
 * A scheduler never walks the service's dest list. Every change to a
 * service's dests or scheduler publishes a new immutable dest set (an array
 * of the dests in creation order plus the scheduler's state), so picking is
 * an RCU read of one pointer and needs no config lock; each scheduler keeps
 * whatever positional state it needs in the set's state area.
 *
 * The set holds the dests: a dest leaves the set before it is freed, so a
 * scheduler may keep pointers to dests of its own set, and nothing else.
 * State that must outlive one set (lblc's cache) is taken over from the set
 * being replaced in state_init, with every reference to a dest the new set
 * lacks dropped there.
 */
#ifndef _FNAT_SCHED_H
#define _FNAT_SCHED_H

#include <linux/jiffies.h>
#include "fnat.h"

/*
 * Service flags the schedulers read: FNAT_SVC_F_SCHED1..3 of the uapi
 * header, as IPVS's IP_VS_SVC_F_SCHED1..3 (ipvsadm's sh-fallback/sh-port,
 * mh-fallback/mh-port).
 */
/* What a scheduler reads them as. */
enum fnat_sched_flag {
	FNAT_SCHED_F_FALLBACK,	/* sh, dh, mh: another dest if unavailable */
	FNAT_SCHED_F_PORT,	/* sh, mh: hash the source port too */
};

/* What a scheduler may look at when picking; filled by the data path. */
struct fnat_sched_ctx {
	u16			af;
	union nf_inet_addr	saddr;
	union nf_inet_addr	daddr;
	__be16			sport;
	__be16			dport;
	/* The service's flags; fnat_sched_pick() fills it in. */
	u32			svc_flags;
};

static inline bool fnat_sched_flag(const struct fnat_sched_ctx *ctx,
				   enum fnat_sched_flag flag)
{
	switch (flag) {
	case FNAT_SCHED_F_FALLBACK:
		return ctx->svc_flags & FNAT_SVC_F_SCHED1;
	case FNAT_SCHED_F_PORT:
		return ctx->svc_flags & FNAT_SVC_F_SCHED2;
	}
	return false;
}

struct fnat_scheduler {
	const char	*name;
	/* Bytes of per-set state, zeroed before state_init. */
	size_t		state_size;
	/*
	 * Prepare state for a freshly built set. @old is the set it is about
	 * to replace (NULL for none; possibly another scheduler's). Called
	 * from process context with the config mutex held, so it may sleep.
	 * On error the new set is freed (state_free is not called) and the
	 * old one stays published, so anything shared with @old must be
	 * changed only once nothing can fail.
	 */
	int		(*state_init)(struct fnat_dest_set *set,
				      const struct fnat_dest_set *old);
	/* Free what state_init allocated; may run in softirq (RCU). */
	void		(*state_free)(struct fnat_dest_set *set);
	/* Pick a dest, or NULL when none is available (RCU read side). */
	struct fnat_dest *(*pick)(struct fnat_dest_set *set,
				  const struct fnat_sched_ctx *ctx);
};

struct fnat_dest_set {
	struct rcu_head			rcu;
	const struct fnat_scheduler	*sched;
	void				*state;
	unsigned int			n;
	struct fnat_dest		*dest[];
};

const struct fnat_scheduler *fnat_sched_find(const char *name);
int fnat_sched_rebuild(struct fnat_service *svc,
		       const struct fnat_scheduler *sched,
		       const struct fnat_dest *skip);
void fnat_sched_release(struct fnat_service *svc);
struct fnat_dest *fnat_sched_pick(struct fnat_service *svc,
				  const struct fnat_sched_ctx *ctx);

/* LVS's connection overhead: an active connection weighs 256 inactive. */
static inline u64 fnat_dest_overhead(const struct fnat_dest *dest)
{
	return ((u64)(u32)atomic_read(&dest->active_conns) << 8) +
	       (u32)atomic_read(&dest->inact_conns);
}

/* Weighted least-connection over a whole set (wlc, lblc, lblcr). */
struct fnat_dest *fnat_sched_wlc_least(const struct fnat_dest_set *set);

/* lblc/lblcr: dest is over its weight and another dest is under half. */
bool fnat_sched_lblc_overloaded(const struct fnat_dest_set *set,
				const struct fnat_dest *dest);

/*
 * lblc and lblcr: the per-service cache of destination address to dests,
 * kept across set rebuilds (see fnat_sched_lblc.c). LVS's table size,
 * entry limit and expiry.
 */
#define FNAT_LC_TAB_BITS	10
#define FNAT_LC_TAB_SIZE	BIT(FNAT_LC_TAB_BITS)
#define FNAT_LC_MAX_ENTRIES	(FNAT_LC_TAB_SIZE * 16)
#define FNAT_LC_EXPIRE		(24 * 60 * 60 * HZ)
#define FNAT_LC_IDLE		(6 * 60 * HZ)
/* Most dests one address may be replicated on under lblcr. */
#define FNAT_LBLCR_SET_MAX	16

struct fnat_lc_entry {
	struct hlist_node	node;
	struct rcu_head		rcu;
	union nf_inet_addr	addr;
	u16			af;
	u16			n;
	unsigned long		lastuse;	/* jiffies, written by picks */
	unsigned long		lastmod;	/* when dest[] last changed */
	struct fnat_dest	*dest[];	/* newest first; immutable */
};

struct fnat_lc_cache;
struct fnat_lc_state {
	struct fnat_lc_cache	*cache;
};

enum fnat_lc_op {
	FNAT_LC_SET,	/* the address's only dest */
	FNAT_LC_ADD,	/* one more dest for the address */
	FNAT_LC_DEL,	/* one dest fewer, never the last */
};

int fnat_lc_state_init(struct fnat_dest_set *set,
		       const struct fnat_dest_set *old);
void fnat_lc_state_free(struct fnat_dest_set *set);
struct fnat_lc_entry *fnat_lc_find(const struct fnat_dest_set *set, u16 af,
				   const union nf_inet_addr *addr);
bool fnat_lc_expired(const struct fnat_lc_entry *en, unsigned long now);
void fnat_lc_update(const struct fnat_dest_set *set,
		    const struct fnat_sched_ctx *ctx, enum fnat_lc_op op,
		    struct fnat_dest *dest);
unsigned int fnat_lc_entries(const struct fnat_dest_set *set);
void fnat_lc_age(const struct fnat_dest_set *set, unsigned long ticks);

/* sh and dh: LVS's 256-bucket table, weights as consecutive buckets. */
#define FNAT_SCHED_HASH_BITS	8
#define FNAT_SCHED_HASH_SIZE	BIT(FNAT_SCHED_HASH_BITS)

struct fnat_sched_hash_state {
	struct fnat_dest	*bucket[FNAT_SCHED_HASH_SIZE];
};

int fnat_sched_hash_init(struct fnat_dest_set *set,
			 const struct fnat_dest_set *old);
u32 fnat_sched_hash_key(u16 af, const union nf_inet_addr *addr, __be16 port);
struct fnat_dest *fnat_sched_hash_lookup(const struct fnat_dest_set *set,
					 u32 key, bool fallback);

/* mh: a prime; 256 dests get some 256 slots each. */
#define FNAT_MH_TAB_SIZE	65521

u32 fnat_sched_mh_slot(u16 af, const union nf_inet_addr *addr, __be16 port);
u16 fnat_sched_mh_slot_dest(const struct fnat_dest_set *set, u32 slot);
void fnat_sched_mh_perm(const struct fnat_dest *dest, u32 *offset, u32 *skip);

/* twos: the choice between the dests draws r1, r2 < total weight hit. */
struct fnat_dest *fnat_sched_twos_select(const struct fnat_dest_set *set,
					 u64 r1, u64 r2);

extern const struct fnat_scheduler fnat_sched_rr;
extern const struct fnat_scheduler fnat_sched_wrr;
extern const struct fnat_scheduler fnat_sched_lc;
extern const struct fnat_scheduler fnat_sched_wlc;
extern const struct fnat_scheduler fnat_sched_sed;
extern const struct fnat_scheduler fnat_sched_nq;
extern const struct fnat_scheduler fnat_sched_dh;
extern const struct fnat_scheduler fnat_sched_sh;
extern const struct fnat_scheduler fnat_sched_lblc;
extern const struct fnat_scheduler fnat_sched_lblcr;
extern const struct fnat_scheduler fnat_sched_mh;
extern const struct fnat_scheduler fnat_sched_fo;
extern const struct fnat_scheduler fnat_sched_ovf;
extern const struct fnat_scheduler fnat_sched_twos;

#endif /* _FNAT_SCHED_H */

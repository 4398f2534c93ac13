/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: scheduler interface.
 *
 * A scheduler never walks the service's dest list. Every change to a
 * service's dests or scheduler publishes a new immutable dest set (an array
 * of the dests in creation order plus the scheduler's state), so picking is
 * an RCU read of one pointer and needs no config lock; each scheduler keeps
 * whatever positional state it needs in the set's state area.
 */
#ifndef _FNAT_SCHED_H
#define _FNAT_SCHED_H

#include "fnat.h"

/* What a scheduler may look at when picking; filled by the data path. */
struct fnat_sched_ctx {
	u16			af;
	union nf_inet_addr	saddr;
	union nf_inet_addr	daddr;
	__be16			sport;
	__be16			dport;
};

struct fnat_scheduler {
	const char	*name;
	/* Bytes of per-set state, zeroed before state_init. */
	size_t		state_size;
	/* Prepare state for a freshly built set (config lock held). */
	void		(*state_init)(struct fnat_dest_set *set);
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

extern const struct fnat_scheduler fnat_sched_rr;
extern const struct fnat_scheduler fnat_sched_wrr;
extern const struct fnat_scheduler fnat_sched_wlc;

#endif /* _FNAT_SCHED_H */

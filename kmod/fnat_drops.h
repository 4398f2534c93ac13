/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: per-netns counters of dropped packets, one per reason.
 *
 * Per-CPU, because a flood of garbage is exactly when every CPU counts at
 * once; readers add the CPUs up.
 */
#ifndef _FNAT_DROPS_H
#define _FNAT_DROPS_H

#include <linux/percpu.h>
#include "fnat.h"
#include "fnat_pkt.h"

struct fnat_drop_counters {
	u64	n[FNAT_DROP_REASON_MAX];
};

/*
 * Reasons that mean "not fnat's" rather than "malformed": such packets go
 * to the host untouched, so they have no counter to show.
 */
static inline bool fnat_drop_reason_counted(enum fnat_drop_reason reason)
{
	return reason != FNAT_DROP_UNSUPPORTED_PROTO &&
	       reason != FNAT_DROP_ICMP_UNSUPPORTED_INNER;
}

static inline void fnat_drop_count(struct fnat_netns *fn,
				   enum fnat_drop_reason reason)
{
	if ((unsigned int)reason < FNAT_DROP_REASON_MAX)
		this_cpu_inc(fn->drops->n[reason]);
}

static inline u64 fnat_drops_read(const struct fnat_netns *fn,
				  enum fnat_drop_reason reason)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(fn->drops, cpu)->n[reason];
	return sum;
}

#endif /* _FNAT_DROPS_H */

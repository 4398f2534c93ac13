/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: traffic counters and rate estimates, per service, per dest and per
 * netns.
 *
 * Counters are per-CPU so the data path never shares a cache line between
 * CPUs to count a packet; readers add the CPUs up. Rates are estimated from
 * the totals sampled at a fixed interval, smoothed so one burst does not
 * swing them (the -L --rate columns).
 */
#ifndef _FNAT_STATS_H
#define _FNAT_STATS_H

#include <linux/percpu.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>

/* Seconds between rate samples. */
#define FNAT_EST_INTERVAL	2
/* Rates keep this many fractional bits. */
#define FNAT_EST_SHIFT		10

struct fnat_counters {
	u64	conns;
	u64	inpkts;
	u64	outpkts;
	u64	inbytes;
	u64	outbytes;
};

struct fnat_cpu_stats {
	struct fnat_counters	c;
	struct u64_stats_sync	syncp;
};

/* Per second, scaled by 2^FNAT_EST_SHIFT. */
struct fnat_rates {
	u64	cps;
	u64	inpps;
	u64	outpps;
	u64	inbps;
	u64	outbps;
};

struct fnat_estimator {
	struct fnat_counters	last;	/* totals at the previous sample */
	struct fnat_rates	rate;
	bool			primed;	/* a previous sample exists */
};

struct fnat_stats {
	struct fnat_cpu_stats __percpu	*cpu;
	/* Totals when last zeroed (-Z): counters stay monotonic per CPU. */
	struct fnat_counters		zero_base;
	struct fnat_estimator		est;
	spinlock_t			lock;	/* zero_base and est */
};

int fnat_stats_init(struct fnat_stats *s);
void fnat_stats_free(struct fnat_stats *s);
void fnat_stats_read(struct fnat_stats *s, struct fnat_counters *out);
void fnat_stats_zero(struct fnat_stats *s);
void fnat_stats_estimate(struct fnat_stats *s);
void fnat_stats_rates(struct fnat_stats *s, struct fnat_rates *out);
void fnat_est_sample(struct fnat_estimator *e, const struct fnat_counters *now,
		     unsigned int interval);

static inline void fnat_stats_packet(struct fnat_stats *s, bool in,
				     unsigned int len)
{
	struct fnat_cpu_stats *c = this_cpu_ptr(s->cpu);

	u64_stats_update_begin(&c->syncp);
	if (in) {
		c->c.inpkts++;
		c->c.inbytes += len;
	} else {
		c->c.outpkts++;
		c->c.outbytes += len;
	}
	u64_stats_update_end(&c->syncp);
}

static inline void fnat_stats_conn(struct fnat_stats *s)
{
	struct fnat_cpu_stats *c = this_cpu_ptr(s->cpu);

	u64_stats_update_begin(&c->syncp);
	c->c.conns++;
	u64_stats_update_end(&c->syncp);
}

#endif /* _FNAT_STATS_H */

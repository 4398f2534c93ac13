// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: counters and rate estimates (see fnat_stats.h).
 *
 * The estimate is an exponentially weighted moving average of the rate
 * seen over each interval, weight 1/4: a change shows within seconds, and
 * a steady rate is shown within 0.1 % after a minute. Zeroing keeps
 * the per-CPU counters untouched (they are written locklessly) and moves a
 * base line instead.
 */
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "fnat_stats.h"

int fnat_stats_init(struct fnat_stats *s)
{
	int cpu;

	memset(s, 0, sizeof(*s));
	s->cpu = alloc_percpu(struct fnat_cpu_stats);
	if (!s->cpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(s->cpu, cpu)->syncp);
	spin_lock_init(&s->lock);
	return 0;
}

void fnat_stats_free(struct fnat_stats *s)
{
	free_percpu(s->cpu);
	s->cpu = NULL;
}

/* The all-CPU totals since the counters were made. */
static void fnat_stats_sum(struct fnat_stats *s, struct fnat_counters *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		struct fnat_cpu_stats *c = per_cpu_ptr(s->cpu, cpu);
		struct fnat_counters v;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			v = c->c;
		} while (u64_stats_fetch_retry(&c->syncp, start));
		sum->conns += v.conns;
		sum->inpkts += v.inpkts;
		sum->outpkts += v.outpkts;
		sum->inbytes += v.inbytes;
		sum->outbytes += v.outbytes;
	}
}

static void fnat_counters_sub(struct fnat_counters *a,
			      const struct fnat_counters *b)
{
	a->conns -= b->conns;
	a->inpkts -= b->inpkts;
	a->outpkts -= b->outpkts;
	a->inbytes -= b->inbytes;
	a->outbytes -= b->outbytes;
}

/* Totals since the last -Z. */
void fnat_stats_read(struct fnat_stats *s, struct fnat_counters *out)
{
	fnat_stats_sum(s, out);
	spin_lock_bh(&s->lock);
	fnat_counters_sub(out, &s->zero_base);
	spin_unlock_bh(&s->lock);
}

void fnat_stats_zero(struct fnat_stats *s)
{
	struct fnat_counters now;

	fnat_stats_sum(s, &now);
	spin_lock_bh(&s->lock);
	s->zero_base = now;
	memset(&s->est.rate, 0, sizeof(s->est.rate));
	s->est.last = now;
	s->est.primed = true;
	spin_unlock_bh(&s->lock);
}

static u64 fnat_ewma(u64 avg, u64 delta, unsigned int interval)
{
	s64 sample = div_u64(delta << FNAT_EST_SHIFT, interval);

	return (u64)((s64)avg + ((sample - (s64)avg) >> 2));
}

/*
 * Folds the totals @now, taken @interval seconds after the previous
 * sample, into the estimate. The first sample only sets the base line.
 */
void fnat_est_sample(struct fnat_estimator *e, const struct fnat_counters *now,
		     unsigned int interval)
{
	struct fnat_counters d = *now;

	if (!e->primed || !interval) {
		e->last = *now;
		e->primed = true;
		return;
	}
	fnat_counters_sub(&d, &e->last);
	e->rate.cps = fnat_ewma(e->rate.cps, d.conns, interval);
	e->rate.inpps = fnat_ewma(e->rate.inpps, d.inpkts, interval);
	e->rate.outpps = fnat_ewma(e->rate.outpps, d.outpkts, interval);
	/* Bytes per second, as ipvsadm's InBPS/OutBPS. */
	e->rate.inbps = fnat_ewma(e->rate.inbps, d.inbytes, interval);
	e->rate.outbps = fnat_ewma(e->rate.outbps, d.outbytes, interval);
	e->last = *now;
}

/* Called every FNAT_EST_INTERVAL seconds for every stats object. */
void fnat_stats_estimate(struct fnat_stats *s)
{
	struct fnat_counters now;

	fnat_stats_sum(s, &now);
	spin_lock_bh(&s->lock);
	fnat_est_sample(&s->est, &now, FNAT_EST_INTERVAL);
	spin_unlock_bh(&s->lock);
}

void fnat_stats_rates(struct fnat_stats *s, struct fnat_rates *out)
{
	spin_lock_bh(&s->lock);
	*out = s->est.rate;
	spin_unlock_bh(&s->lock);
}

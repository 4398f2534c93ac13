// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: the rate limit of the data path's kernel log messages.
 *
 * The default, 10 messages every 5 s, is the kernel's own for network
 * messages. An interval of 0 lets every message through (for debugging a
 * quiet director); a burst of 0 silences them (the drop counters still
 * count every packet they would have told of).
 */
#include <linux/jiffies.h>
#include <linux/spinlock.h>
#include "fnat_log.h"

#define FNAT_LOG_INTERVAL_MAX_MS	3600000U
#define FNAT_LOG_BURST_MAX		10000U

DEFINE_RATELIMIT_STATE(fnat_log_rs, DEFAULT_RATELIMIT_INTERVAL,
		       DEFAULT_RATELIMIT_BURST);
/* As written: jiffies would round it to the tick. */
static u32 fnat_log_interval_ms = DEFAULT_RATELIMIT_INTERVAL * 1000 / HZ;

void fnat_log_ratelimit(u32 *interval_ms, u32 *burst)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&fnat_log_rs.lock, flags);
	*interval_ms = fnat_log_interval_ms;
	*burst = fnat_log_rs.burst;
	raw_spin_unlock_irqrestore(&fnat_log_rs.lock, flags);
}

int fnat_log_set_ratelimit(u32 interval_ms, u32 burst)
{
	unsigned long flags;

	if (interval_ms > FNAT_LOG_INTERVAL_MAX_MS ||
	    burst > FNAT_LOG_BURST_MAX)
		return -EINVAL;
	/*
	 * Under the state's lock, so a message being let through sees either
	 * the old pair or the new one; the window starts afresh.
	 */
	raw_spin_lock_irqsave(&fnat_log_rs.lock, flags);
	fnat_log_interval_ms = interval_ms;
	fnat_log_rs.interval = msecs_to_jiffies(interval_ms);
	fnat_log_rs.burst = burst;
	fnat_log_rs.begin = 0;
	fnat_log_rs.printed = 0;
	raw_spin_unlock_irqrestore(&fnat_log_rs.lock, flags);
	return 0;
}

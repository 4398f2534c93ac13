/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: the kernel log messages the data path writes, under one rate limit
 * an operator sets in /sys/kernel/fnat/log_ratelimit.
 */
#ifndef _FNAT_LOG_H
#define _FNAT_LOG_H

#include <linux/printk.h>
#include <linux/ratelimit.h>

extern struct ratelimit_state fnat_log_rs;

/*
 * A warning about traffic: a flood of packets must not become a flood of
 * log lines, so every one of them shares fnat_log_rs (and, unlike
 * net_ratelimit(), it is fnat's alone: another subsystem's messages do not
 * use up its burst).
 */
#define fnat_warn_ratelimited(fmt, ...)					\
do {									\
	if (__ratelimit(&fnat_log_rs))					\
		pr_warn("fnat: " fmt, ##__VA_ARGS__);			\
} while (0)

void fnat_log_ratelimit(u32 *interval_ms, u32 *burst);
int fnat_log_set_ratelimit(u32 interval_ms, u32 burst);

#endif /* _FNAT_LOG_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: every difference between the kernels fnat builds for (Debian's
 * 6.1 and 6.12) lives here, so the rest of the code is written once.
 */
#ifndef _FNAT_COMPAT_H
#define _FNAT_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>

/* GSO helpers (skb_gso_validate_network_len) moved to net/gso.h in 6.5. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#include <net/gso.h>
#else
#include <linux/skbuff.h>
#endif

/* The unaligned access helpers moved to linux/ in 6.12. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* Dumps carry a full struct genl_info since 6.2. */
static inline struct nlattr **fnat_genl_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _FNAT_COMPAT_H */

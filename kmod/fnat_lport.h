/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: local ports for FULLNAT connections.
 */
#ifndef _FNAT_LPORT_H
#define _FNAT_LPORT_H

#include "fnat_conn.h"

/* The range ports come from, host order, both ends included. */
#define FNAT_LPORT_MIN_DEFAULT	1025
#define FNAT_LPORT_MAX_DEFAULT	65535
/* Ports tried on one local address before it counts as exhausted. */
#define FNAT_LPORT_TRIES	64

struct fnat_lport_range {
	u16	min;
	u16	max;
};

void fnat_lport_range(struct fnat_lport_range *r);
int fnat_lport_set_range(u16 min, u16 max);

/* Whether a live connection holds @tuple (as its reply tuple, say). */
typedef bool (*fnat_lport_busy_fn)(const struct fnat_tuple *tuple, void *arg);

__be16 fnat_lport_get(struct fnat_laddr *la, u8 protocol,
		      const union nf_inet_addr *raddr, __be16 rport,
		      const struct fnat_lport_range *range,
		      fnat_lport_busy_fn busy, void *arg);

#endif /* _FNAT_LPORT_H */

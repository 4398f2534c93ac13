/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: what the netfilter hooks do with a packet (see fnat_hooks.c for
 * where they sit and why).
 */
#ifndef _FNAT_CORE_H
#define _FNAT_CORE_H

#include "fnat.h"
#include "fnat_pkt.h"

struct sk_buff;

/*
 * expire_nodest_conn (sysfs): a packet for a connection whose dest was
 * deleted is dropped and the connection expired, so the client's next
 * attempt is scheduled to a dest that exists (IPVS's meaning). Off, such
 * connections keep their dest until they end.
 */
bool fnat_core_expire_nodest_conn(void);
void fnat_core_set_expire_nodest_conn(bool on);

/*
 * reject_no_dest (sysfs): a new connection for a service with no dest
 * available is refused (TCP reset, ICMP port unreachable for UDP) instead
 * of dropped, so clients fail at once rather than after retries. Counted
 * as no_dest either way.
 */
/*
 * Whether packets of admitted connections are forwarded from PRE_ROUTING
 * (sysfs fast_path, default on; see fnat_core.c).
 */
bool fnat_core_fast_path(void);
void fnat_core_set_fast_path(bool on);
bool fnat_core_reject_no_dest(void);
void fnat_core_set_reject_no_dest(bool on);

/* PRE_ROUTING: marks fnat's packets untracked; drops malformed ones. */
unsigned int fnat_core_pre(struct fnat_netns *fn, struct sk_buff *skb, u8 pf);
/* LOCAL_IN: requests to a VIP, and ICMP errors about replies. */
unsigned int fnat_core_in(struct fnat_netns *fn, struct sk_buff *skb, u8 pf);
/* FORWARD: NAT replies, and ICMP errors about requests. */
unsigned int fnat_core_fwd(struct fnat_netns *fn, struct sk_buff *skb);

/* For the SYN proxy (fnat_synproxy.c). */
struct fnat_sp_conn;
struct fnat_conn *fnat_core_new_conn(struct fnat_netns *fn,
				     struct fnat_service *svc,
				     struct sk_buff *skb,
				     const struct fnat_pkt *p,
				     struct fnat_sp_conn *sp, u32 client_isn,
				     bool *created);
unsigned int fnat_core_xmit(struct fnat_netns *fn, struct fnat_conn *c,
			    struct sk_buff *skb, const struct fnat_pkt *p);
void fnat_core_replay(struct fnat_netns *fn, struct fnat_conn *c,
		      struct sk_buff *skb);

#endif /* _FNAT_CORE_H */

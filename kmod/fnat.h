/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: core types shared by every part of the module.
 *
 * Configuration (services and their destinations) is per network
 * namespace, written under fnat_netns.lock and read under RCU: the data
 * path never takes the mutex.
 */
#ifndef _FNAT_H
#define _FNAT_H

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/atomic.h>
#include <linux/refcount.h>
#include <linux/netfilter.h>
#include <net/dst_cache.h>
#include <uapi/fnat.h>
#include "fnat_stats.h"

struct net;
struct netlink_ext_ack;
struct fnat_scheduler;
struct fnat_dest_set;
struct fnat_drop_counters;
struct fnat_sync_daemon;

/* Buckets of the per-netns service hash; services are few, lookups hot. */
#define FNAT_SVC_TAB_BITS	8
#define FNAT_SVC_TAB_SIZE	BIT(FNAT_SVC_TAB_BITS)

/* What identifies a service: family, protocol, address, port. */
struct fnat_svc_key {
	u16			af;
	u8			protocol;
	__be16			port;
	union nf_inet_addr	addr;
};

/* What identifies a destination within its service. */
struct fnat_dest_key {
	u16			af;
	__be16			port;
	union nf_inet_addr	addr;
};

/*
 * Settings of a service a writer may change. On SET only the fields whose
 * has_* bit is set are applied; on NEW the unset ones take defaults.
 */
struct fnat_svc_conf {
	char		sched_name[FNAT_SCHED_NAME_MAX];
	u32		flags;
	u32		timeout;
	u8		netmask;
	bool		has_sched;
	bool		has_flags;
	bool		has_timeout;
	bool		has_netmask;
};

struct fnat_dest_conf {
	u8		fwd_method;
	u32		weight;
	u32		u_thresh;
	u32		l_thresh;
	bool		has_fwd_method;
	bool		has_weight;
	bool		has_u_thresh;
	bool		has_l_thresh;
};

/* Dest flags (fnat_dest.flags bits). */
enum {
	FNAT_DEST_F_OVERLOAD,	/* over its upper threshold: skip when scheduling */
	FNAT_DEST_F_DELETED,	/* out of its service; conns may still use it */
};

/*
 * A dest lives as long as its service lists it or a connection uses it:
 * the list holds one reference and each connection one. It holds one on
 * its service, whose counters its connections' packets feed.
 */
/* A dest's route caches: see fnat_dest.dst_cache. */
enum {
	FNAT_DEST_DST_PLAIN,
	FNAT_DEST_DST_KNOWN_NH,
	FNAT_DEST_DST_FULLNAT,
	FNAT_DEST_DST_FULLNAT_SLOTS = 4,
	FNAT_DEST_DST_SLOTS = FNAT_DEST_DST_FULLNAT + FNAT_DEST_DST_FULLNAT_SLOTS,
};

struct fnat_dest {
	struct list_head	list;		/* in svc->dests, RCU */
	refcount_t		refcnt;
	struct fnat_service	*svc;
	struct fnat_dest_key	key;
	u8			fwd_method;
	atomic_t		weight;
	u32			u_thresh;
	u32			l_thresh;
	unsigned long		flags;
	atomic_t		active_conns;
	atomic_t		inact_conns;
	atomic_t		persist_conns;
	struct fnat_stats	stats;
	/*
	 * Routes to the dest, per CPU (fnat_xmit.c): one for NAT and TUN,
	 * one for DR (the dest as next hop), and FULLNAT's by local address
	 * slot, since the source address is part of the route.
	 */
	struct dst_cache	dst_cache[FNAT_DEST_DST_SLOTS];
	/*
	 * TUN: the path MTU a router beyond the director reported, until
	 * tun_mtu_expires (fnat_tun_icmp.c); 0: none.
	 */
	u32			tun_mtu;
	unsigned long		tun_mtu_expires;
	struct rcu_head		rcu;
};

/* Local-address flags (fnat_laddr.flags bits). */
enum {
	FNAT_LADDR_F_DELETED,	/* out of its service: draining */
};

/*
 * A local address (LIP) of a service: FULLNAT connections reach the real
 * servers from it. Lives as long as its service lists it or a connection
 * uses it; holds its service, like a dest.
 */
struct fnat_laddr {
	struct list_head	list;		/* in svc->laddrs, RCU */
	refcount_t		refcnt;
	struct fnat_service	*svc;
	u16			af;
	union nf_inet_addr	addr;
	unsigned long		flags;
	/* Where each protocol's next port search starts (fnat_lport.c). */
	atomic_t		cursor_tcp;
	atomic_t		cursor_udp;
	atomic_t		conns;
	atomic64_t		conflicts;
	atomic64_t		exhausted;
	/* Which of a dest's FULLNAT route caches this address uses. */
	u8			dst_slot;
	struct rcu_head		rcu;
};

/*
 * NAT and FULLNAT replies come back through the director, which rewrites
 * them; DR and TUN servers answer clients directly.
 */
static inline bool fnat_fwd_rewrites_reply(u8 fwd_method)
{
	return fwd_method == FNAT_FWD_NAT || fwd_method == FNAT_FWD_FULLNAT;
}

/* Referenced by the service table and by each of its dests. */
struct fnat_service {
	struct hlist_node	hnode;		/* in fn->svc_table, RCU */
	struct list_head	list;		/* in fn->svc_list, RCU */
	refcount_t		refcnt;
	struct fnat_svc_key	key;
	u32			flags;
	u32			timeout;	/* persistence, seconds */
	u8			netmask;	/* persistence prefix length */
	const struct fnat_scheduler *sched;	/* under fn->lock */
	struct list_head	dests;		/* creation order, RCU */
	unsigned int		num_dests;
	struct list_head	laddrs;		/* FULLNAT sources, RCU */
	unsigned int		num_laddrs;
	/* What the data path schedules from; rebuilt on every change. */
	struct fnat_dest_set __rcu *dset;
	/* jiffies (odd, never 0) when the SYN proxy was last turned off. */
	unsigned long		sp_off_at;
	struct fnat_stats	stats;
	struct rcu_head		rcu;
};

/* Per network namespace state. */
struct fnat_netns {
	struct net		*net;
	struct mutex		lock;		/* serialises writers */
	struct hlist_head	svc_table[FNAT_SVC_TAB_SIZE];
	struct list_head	svc_list;	/* creation order, RCU */
	unsigned int		num_services;
	/* Bumped on every change so dumps can flag an inconsistent view. */
	unsigned int		gen;
	/* Samples every service's and dest's rates. */
	struct delayed_work	est_work;
	/* Connection timeouts, seconds; read locklessly by the data path. */
	u32			timeout_tcp;
	u32			timeout_tcp_fin;
	u32			timeout_udp;
	/* Connections of this netns in the shared table. */
	atomic_t		num_conns;
	/* Everything the netns balanced, and what it refused, per reason. */
	struct fnat_stats	stats;
	struct fnat_drop_counters __percpu *drops;
	atomic64_t		toa_added;
	atomic64_t		toa_skipped;
	bool			hooks_registered;
	/* SYN proxy (fnat_synproxy.c): cookie keys, counters, retries. */
	struct fnat_sp_keys __rcu *sp_keys;
	struct fnat_sp_stats __percpu *sp_stats;
	spinlock_t		sp_retry_lock;	/* the list, sp_closing */
	struct list_head	sp_retry_list;
	struct delayed_work	sp_retry_work;
	bool			sp_closing;
	/* Sync daemons (fnat_sync.c): written under lock, read under RCU. */
	struct fnat_sync_daemon __rcu *sync_master;
	struct fnat_sync_daemon __rcu *sync_backup;
};

/* A timeout change: only the has_* ones apply. */
struct fnat_timeout_conf {
	u32	tcp;
	u32	tcp_fin;
	u32	udp;
	bool	has_tcp;
	bool	has_tcp_fin;
	bool	has_udp;
};

/* fnat_netns.c */
struct fnat_netns *fnat_netns(const struct net *net);
void fnat_netns_state_init(struct fnat_netns *fn);
void fnat_netns_state_destroy(struct fnat_netns *fn);
int fnat_netns_set_timeouts(struct fnat_netns *fn,
			    const struct fnat_timeout_conf *conf,
			    struct netlink_ext_ack *extack);
int fnat_netns_register(void);
void fnat_netns_unregister(void);

/* fnat_service.c: callers hold fn->lock for writes, RCU for lookups. */
int fnat_addr_check(u16 af, const union nf_inet_addr *addr,
		    struct netlink_ext_ack *extack);
int fnat_svc_key_check(const struct fnat_svc_key *key,
		       struct netlink_ext_ack *extack);
struct fnat_service *fnat_svc_lookup(struct fnat_netns *fn,
				     const struct fnat_svc_key *key);
struct fnat_service *fnat_svc_find(struct fnat_netns *fn,
				   const struct fnat_svc_key *key,
				   bool for_dest,
				   struct netlink_ext_ack *extack);
int fnat_svc_add(struct fnat_netns *fn, const struct fnat_svc_key *key,
		 const struct fnat_svc_conf *conf,
		 struct netlink_ext_ack *extack);
int fnat_svc_edit(struct fnat_netns *fn, const struct fnat_svc_key *key,
		  const struct fnat_svc_conf *conf,
		  struct netlink_ext_ack *extack);
int fnat_svc_del(struct fnat_netns *fn, const struct fnat_svc_key *key,
		 struct netlink_ext_ack *extack);
void fnat_svc_flush(struct fnat_netns *fn);
int fnat_svc_zero(struct fnat_netns *fn, const struct fnat_svc_key *key,
		  struct netlink_ext_ack *extack);
void fnat_svc_estimate_all(struct fnat_netns *fn);

/* fnat_dest.c: callers hold fn->lock for writes, RCU for lookups. */
struct fnat_dest *fnat_dest_lookup(const struct fnat_service *svc,
				   const struct fnat_dest_key *key);
int fnat_dest_add(struct fnat_netns *fn, const struct fnat_svc_key *skey,
		  const struct fnat_dest_key *dkey,
		  const struct fnat_dest_conf *conf,
		  struct netlink_ext_ack *extack);
int fnat_dest_edit(struct fnat_netns *fn, const struct fnat_svc_key *skey,
		   const struct fnat_dest_key *dkey,
		   const struct fnat_dest_conf *conf,
		   struct netlink_ext_ack *extack);
int fnat_dest_del(struct fnat_netns *fn, const struct fnat_svc_key *skey,
		  const struct fnat_dest_key *dkey,
		  struct netlink_ext_ack *extack);
void fnat_dest_free_all(struct fnat_service *svc);
void fnat_dest_release(struct fnat_dest *dest);
bool fnat_dest_hold(struct fnat_dest *dest);
void fnat_dest_conn_added(struct fnat_dest *dest);
void fnat_dest_conn_removed(struct fnat_dest *dest);
void fnat_dest_put(struct fnat_dest *dest);
void fnat_svc_put(struct fnat_service *svc);

/* fnat_laddr.c: callers hold fn->lock for writes, RCU for lookups. */
int fnat_laddr_add(struct fnat_netns *fn, const struct fnat_svc_key *skey,
		   u16 af, const union nf_inet_addr *addr,
		   struct netlink_ext_ack *extack);
int fnat_laddr_del(struct fnat_netns *fn, const struct fnat_svc_key *skey,
		   u16 af, const union nf_inet_addr *addr,
		   struct netlink_ext_ack *extack);
void fnat_laddr_free_all(struct fnat_service *svc);
struct fnat_laddr *fnat_laddr_lookup(const struct fnat_service *svc, u16 af,
				     const union nf_inet_addr *addr);
unsigned int fnat_laddr_count(const struct fnat_service *svc, u16 af);
bool fnat_laddr_hold(struct fnat_laddr *la);
bool fnat_laddr_usable(struct net *net, const struct fnat_laddr *la);
void fnat_laddr_put(struct fnat_laddr *la);

/* fnat_genl.c */
int fnat_genl_register(void);
void fnat_genl_unregister(void);

/* fnat_main.c */
struct fnat_conn_table;
unsigned int fnat_conn_tab_size(void);
struct fnat_conn_table *fnat_conns(void);

/* Schedulers pick only these: weight above 0, not overloaded. */
static inline bool fnat_dest_available(const struct fnat_dest *dest)
{
	return atomic_read(&dest->weight) > 0 &&
	       !test_bit(FNAT_DEST_F_OVERLOAD, &dest->flags);
}

static inline bool fnat_addr_equal(u16 af, const union nf_inet_addr *a,
				   const union nf_inet_addr *b)
{
	if (af == AF_INET)
		return a->ip == b->ip;
	return !memcmp(a, b, sizeof(*a));
}

#endif /* _FNAT_H */

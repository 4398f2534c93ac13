// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: the per-netns service table.
 *
 * Services are hashed by their key for the data path and kept on a list in
 * creation order so listings come out as the operator typed them. Writers
 * hold fn->lock; readers use RCU. Every write either applies whole or
 * leaves the table as it was.
 */
#include <linux/err.h>
#include <linux/in.h>
#include <linux/jhash.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <net/ipv6.h>
#include "fnat.h"
#include "fnat_sched.h"

#define FNAT_DEFAULT_SCHED	"wlc"

static u32 fnat_svc_hash(const struct fnat_svc_key *key)
{
	u32 h = jhash2((const u32 *)&key->addr, sizeof(key->addr) / 4,
		       ((u32)key->af << 16) ^ key->protocol);

	return hash_32(h ^ (__force u32)key->port, FNAT_SVC_TAB_BITS);
}

static bool fnat_svc_key_equal(const struct fnat_svc_key *a,
			       const struct fnat_svc_key *b)
{
	return a->af == b->af && a->protocol == b->protocol &&
	       a->port == b->port && fnat_addr_equal(a->af, &a->addr, &b->addr);
}

/* Checks what every service and dest address must satisfy. */
int fnat_addr_check(u16 af, const union nf_inet_addr *addr,
		    struct netlink_ext_ack *extack)
{
	if (af == AF_INET6) {
		int type = ipv6_addr_type(&addr->in6);

		if (type == IPV6_ADDR_ANY || (type & IPV6_ADDR_MULTICAST)) {
			NL_SET_ERR_MSG(extack, "Address must be unicast");
			return -EINVAL;
		}
		/* One address, one family: the IPv4 form names it. */
		if (type & IPV6_ADDR_MAPPED) {
			NL_SET_ERR_MSG(extack,
				       "IPv4-mapped IPv6 address: give the IPv4 address instead");
			return -EINVAL;
		}
		return 0;
	}
	if (af != AF_INET) {
		NL_SET_ERR_MSG(extack, "Unsupported address family");
		return -EAFNOSUPPORT;
	}
	if (addr->all[1] || addr->all[2] || addr->all[3]) {
		NL_SET_ERR_MSG(extack,
			       "IPv4 address must have its last 12 bytes zero");
		return -EINVAL;
	}
	if (ipv4_is_multicast(addr->ip) || ipv4_is_lbcast(addr->ip)) {
		NL_SET_ERR_MSG(extack, "Address must be unicast");
		return -EINVAL;
	}
	return 0;
}

int fnat_svc_key_check(const struct fnat_svc_key *key,
		       struct netlink_ext_ack *extack)
{
	int err = fnat_addr_check(key->af, &key->addr, extack);

	if (err)
		return err;
	if (key->protocol != IPPROTO_TCP && key->protocol != IPPROTO_UDP) {
		NL_SET_ERR_MSG(extack, "Protocol must be TCP or UDP");
		return -EPROTONOSUPPORT;
	}
	return 0;
}

struct fnat_service *fnat_svc_lookup(struct fnat_netns *fn,
				     const struct fnat_svc_key *key)
{
	struct fnat_service *svc;

	hlist_for_each_entry_rcu(svc, &fn->svc_table[fnat_svc_hash(key)],
				 hnode, lockdep_is_held(&fn->lock))
		if (fnat_svc_key_equal(&svc->key, key))
			return svc;
	return NULL;
}

/*
 * Checks @key and finds its service, or says which is missing in the words
 * ipvsadm users know: dest commands name the service "not defined".
 */
struct fnat_service *fnat_svc_find(struct fnat_netns *fn,
				   const struct fnat_svc_key *key,
				   bool for_dest,
				   struct netlink_ext_ack *extack)
{
	struct fnat_service *svc;
	int err;

	err = fnat_svc_key_check(key, extack);
	if (err)
		return ERR_PTR(err);
	svc = fnat_svc_lookup(fn, key);
	if (svc)
		return svc;
	if (for_dest)
		NL_SET_ERR_MSG(extack, "Service not defined");
	else
		NL_SET_ERR_MSG(extack, "No such service");
	return ERR_PTR(-ESRCH);
}

/* The settings a service would have after @conf is applied to @cur. */
struct fnat_svc_settings {
	const struct fnat_scheduler	*sched;
	u32				flags;
	u32				timeout;
	u8				netmask;
};

/* Direct routing and tunnelled servers answer clients past the director. */
static bool fnat_svc_has_direct_dests(const struct fnat_service *svc)
{
	const struct fnat_dest *dest;

	list_for_each_entry(dest, &svc->dests, list)
		if (!fnat_fwd_rewrites_reply(dest->fwd_method))
			return true;
	return false;
}

/* @cur is the service being changed, NULL for a new one. */
static int fnat_svc_settings_apply(const struct fnat_svc_key *key,
				   const struct fnat_service *cur,
				   const struct fnat_svc_conf *conf,
				   struct fnat_svc_settings *s,
				   struct netlink_ext_ack *extack)
{
	u8 max_prefix = key->af == AF_INET ? 32 : 128;

	if (conf->has_sched) {
		s->sched = fnat_sched_find(conf->sched_name);
		if (!s->sched) {
			NL_SET_ERR_MSG(extack, "Scheduler not found");
			return -ENOENT;
		}
	}
	if (conf->has_flags)
		s->flags = conf->flags;
	if (conf->has_timeout)
		s->timeout = conf->timeout;
	if (conf->has_netmask) {
		if (conf->netmask > max_prefix) {
			NL_SET_ERR_MSG(extack,
				       "Netmask prefix length too long for the address family");
			return -EINVAL;
		}
		s->netmask = conf->netmask;
	}
	if (!key->port && !(s->flags & FNAT_SVC_F_PERSISTENT)) {
		NL_SET_ERR_MSG(extack,
			       "Zero port specified for non-persistent service");
		return -EINVAL;
	}
	if (s->flags & FNAT_SVC_F_SYNPROXY) {
		if (key->protocol != IPPROTO_TCP) {
			NL_SET_ERR_MSG(extack, "SYN proxy is for TCP services");
			return -EINVAL;
		}
		/* The proxy must see the server's SYN-ACK to bridge sequences. */
		if (cur && fnat_svc_has_direct_dests(cur)) {
			NL_SET_ERR_MSG(extack,
				       "SYN proxy needs NAT or FULLNAT destinations: direct routing and tunnelled servers answer clients past the director");
			return -EINVAL;
		}
	}
	return 0;
}

static void fnat_svc_settings_commit(struct fnat_service *svc,
				     const struct fnat_svc_settings *s)
{
	/*
	 * Clients answering cookies sent before the proxy was turned off
	 * still complete their handshake: see fnat_sp_active().
	 */
	if ((svc->flags & FNAT_SVC_F_SYNPROXY) &&
	    !(s->flags & FNAT_SVC_F_SYNPROXY))
		WRITE_ONCE(svc->sp_off_at, jiffies | 1);
	WRITE_ONCE(svc->flags, s->flags);
	WRITE_ONCE(svc->timeout, s->timeout);
	WRITE_ONCE(svc->netmask, s->netmask);
}

int fnat_svc_add(struct fnat_netns *fn, const struct fnat_svc_key *key,
		 const struct fnat_svc_conf *conf,
		 struct netlink_ext_ack *extack)
{
	struct fnat_svc_settings s = {
		.sched		= fnat_sched_find(FNAT_DEFAULT_SCHED),
		.timeout	= FNAT_PERSIST_DEFAULT,
		.netmask	= key->af == AF_INET ? 32 : 128,
	};
	struct fnat_service *svc;
	int err;

	lockdep_assert_held(&fn->lock);
	err = fnat_svc_key_check(key, extack);
	if (err)
		return err;
	if (fnat_svc_lookup(fn, key)) {
		NL_SET_ERR_MSG(extack, "Service already exists");
		return -EEXIST;
	}
	err = fnat_svc_settings_apply(key, NULL, conf, &s, extack);
	if (err)
		return err;

	svc = kzalloc(sizeof(*svc), GFP_KERNEL);
	if (!svc)
		return -ENOMEM;
	if (fnat_stats_init(&svc->stats)) {
		kfree(svc);
		return -ENOMEM;
	}
	refcount_set(&svc->refcnt, 1);
	svc->key = *key;
	INIT_LIST_HEAD(&svc->dests);
	INIT_LIST_HEAD(&svc->laddrs);
	fnat_svc_settings_commit(svc, &s);
	err = fnat_sched_rebuild(svc, s.sched, NULL);
	if (err) {
		fnat_stats_free(&svc->stats);
		kfree(svc);
		return err;
	}
	hlist_add_head_rcu(&svc->hnode, &fn->svc_table[fnat_svc_hash(key)]);
	list_add_tail_rcu(&svc->list, &fn->svc_list);
	fn->num_services++;
	fn->gen++;
	return 0;
}

int fnat_svc_edit(struct fnat_netns *fn, const struct fnat_svc_key *key,
		  const struct fnat_svc_conf *conf,
		  struct netlink_ext_ack *extack)
{
	struct fnat_svc_settings s;
	struct fnat_service *svc;
	int err;

	lockdep_assert_held(&fn->lock);
	svc = fnat_svc_find(fn, key, false, extack);
	if (IS_ERR(svc))
		return PTR_ERR(svc);
	s.sched = svc->sched;
	s.flags = svc->flags;
	s.timeout = svc->timeout;
	s.netmask = svc->netmask;
	err = fnat_svc_settings_apply(key, svc, conf, &s, extack);
	if (err)
		return err;
	if (s.sched != svc->sched) {
		err = fnat_sched_rebuild(svc, s.sched, NULL);
		if (err)
			return err;
	}
	fnat_svc_settings_commit(svc, &s);
	fn->gen++;
	return 0;
}

static void fnat_svc_free_rcu(struct rcu_head *head)
{
	struct fnat_service *svc = container_of(head, struct fnat_service, rcu);

	fnat_stats_free(&svc->stats);
	kfree(svc);
}

/* The table's reference, or a dest's: the last one frees the service. */
void fnat_svc_put(struct fnat_service *svc)
{
	if (refcount_dec_and_test(&svc->refcnt))
		call_rcu(&svc->rcu, fnat_svc_free_rcu);
}

static void fnat_svc_unlink_free(struct fnat_netns *fn,
				 struct fnat_service *svc)
{
	hlist_del_rcu(&svc->hnode);
	list_del_rcu(&svc->list);
	fn->num_services--;
	fn->gen++;
	fnat_sched_release(svc);
	fnat_dest_free_all(svc);
	fnat_laddr_free_all(svc);
	fnat_svc_put(svc);
}

int fnat_svc_del(struct fnat_netns *fn, const struct fnat_svc_key *key,
		 struct netlink_ext_ack *extack)
{
	struct fnat_service *svc;

	lockdep_assert_held(&fn->lock);
	svc = fnat_svc_find(fn, key, false, extack);
	if (IS_ERR(svc))
		return PTR_ERR(svc);
	fnat_svc_unlink_free(fn, svc);
	return 0;
}

void fnat_svc_flush(struct fnat_netns *fn)
{
	struct fnat_service *svc, *tmp;

	lockdep_assert_held(&fn->lock);
	list_for_each_entry_safe(svc, tmp, &fn->svc_list, list)
		fnat_svc_unlink_free(fn, svc);
}

static void fnat_svc_zero_one(struct fnat_service *svc)
{
	struct fnat_dest *dest;

	fnat_stats_zero(&svc->stats);
	list_for_each_entry(dest, &svc->dests, list)
		fnat_stats_zero(&dest->stats);
}

/* Zeroes one service and its dests (@key), or every one (@key NULL). */
int fnat_svc_zero(struct fnat_netns *fn, const struct fnat_svc_key *key,
		  struct netlink_ext_ack *extack)
{
	struct fnat_service *svc;

	lockdep_assert_held(&fn->lock);
	if (key) {
		svc = fnat_svc_find(fn, key, false, extack);
		if (IS_ERR(svc))
			return PTR_ERR(svc);
		fnat_svc_zero_one(svc);
		return 0;
	}
	list_for_each_entry(svc, &fn->svc_list, list)
		fnat_svc_zero_one(svc);
	return 0;
}

/* One rate sample for every service and dest of the netns. */
void fnat_svc_estimate_all(struct fnat_netns *fn)
{
	struct fnat_service *svc;
	struct fnat_dest *dest;

	rcu_read_lock();
	list_for_each_entry_rcu(svc, &fn->svc_list, list) {
		fnat_stats_estimate(&svc->stats);
		list_for_each_entry_rcu(dest, &svc->dests, list)
			fnat_stats_estimate(&dest->stats);
	}
	rcu_read_unlock();
}

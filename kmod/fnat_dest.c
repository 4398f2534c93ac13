// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: destinations (real servers) of a service.
 *
 * Dests hang off their service in creation order. Every change publishes
 * a new dest set for the scheduler before anything can be freed, so the
 * data path never sees a dest that is gone.
 */
#include <linux/netlink.h>
#include <linux/slab.h>
#include "fnat.h"
#include "fnat_sched.h"

static void fnat_dest_free_rcu(struct rcu_head *head)
{
	struct fnat_dest *dest = container_of(head, struct fnat_dest, rcu);

	unsigned int i;

	for (i = 0; i < FNAT_DEST_DST_SLOTS; i++)
		dst_cache_destroy(&dest->dst_cache[i]);
	fnat_stats_free(&dest->stats);
	if (dest->svc)
		fnat_svc_put(dest->svc);
	kfree(dest);
}

static unsigned int fnat_dest_conns(const struct fnat_dest *dest)
{
	return atomic_read(&dest->active_conns) +
	       atomic_read(&dest->inact_conns);
}

/*
 * Thresholds, as IPVS applies them: a dest with an upper threshold is
 * overloaded (schedulers pass it over) once its connections reach it,
 * and is available again when they fall below the lower threshold, or
 * below 3/4 of the upper one when there is no lower one.
 */
void fnat_dest_conn_added(struct fnat_dest *dest)
{
	u32 upper = READ_ONCE(dest->u_thresh);

	if (upper && fnat_dest_conns(dest) >= upper &&
	    !test_bit(FNAT_DEST_F_OVERLOAD, &dest->flags))
		set_bit(FNAT_DEST_F_OVERLOAD, &dest->flags);
}

void fnat_dest_conn_removed(struct fnat_dest *dest)
{
	u32 upper = READ_ONCE(dest->u_thresh);
	u32 lower = READ_ONCE(dest->l_thresh);
	unsigned int n;

	if (!test_bit(FNAT_DEST_F_OVERLOAD, &dest->flags))
		return;
	n = fnat_dest_conns(dest);
	if (lower ? n < lower : (upper ? n * 4 < upper * 3 : true))
		clear_bit(FNAT_DEST_F_OVERLOAD, &dest->flags);
}

/*
 * A reference for a new connection, taken under RCU from a dest set: the
 * dest may have been deleted since the set was read, and then it has no
 * connections to give.
 */
bool fnat_dest_hold(struct fnat_dest *dest)
{
	return refcount_inc_not_zero(&dest->refcnt);
}

/* Frees @dest after its last reference, once no reader can see it. */
void fnat_dest_put(struct fnat_dest *dest)
{
	if (refcount_dec_and_test(&dest->refcnt))
		call_rcu(&dest->rcu, fnat_dest_free_rcu);
}

/*
 * Drops the service list's reference. Connections that still use the dest
 * keep forwarding to it (as IPVS does with expire_nodest_conn off) and
 * free it with their last packet or their expiry.
 */
void fnat_dest_release(struct fnat_dest *dest)
{
	set_bit(FNAT_DEST_F_DELETED, &dest->flags);
	fnat_dest_put(dest);
}

static bool fnat_dest_key_equal(const struct fnat_dest_key *a,
				const struct fnat_dest_key *b)
{
	return a->af == b->af && a->port == b->port &&
	       fnat_addr_equal(a->af, &a->addr, &b->addr);
}

struct fnat_dest *fnat_dest_lookup(const struct fnat_service *svc,
				   const struct fnat_dest_key *key)
{
	struct fnat_dest *dest;

	list_for_each_entry_rcu(dest, &svc->dests, list, true)
		if (fnat_dest_key_equal(&dest->key, key))
			return dest;
	return NULL;
}

/* DR and TUN deliver the packet unchanged, so they cannot map the port. */
static bool fnat_fwd_keeps_port(u8 fwd_method)
{
	return fwd_method == FNAT_FWD_DR || fwd_method == FNAT_FWD_TUN;
}

static int fnat_dest_key_check(const struct fnat_service *svc,
			       const struct fnat_dest_key *key,
			       struct netlink_ext_ack *extack)
{
	int err;

	/* 6->4 is FULLNAT's alone: fnat_dest_conf_check() sees the method. */
	if (key->af != svc->key.af &&
	    !(svc->key.af == AF_INET6 && key->af == AF_INET)) {
		NL_SET_ERR_MSG(extack,
			       "An IPv4 service cannot have IPv6 destinations");
		return -EAFNOSUPPORT;
	}
	err = fnat_addr_check(key->af, &key->addr, extack);
	if (err)
		return err;
	if (key->af == AF_INET && ipv4_is_zeronet(key->addr.ip)) {
		NL_SET_ERR_MSG(extack, "Address must be unicast");
		return -EINVAL;
	}
	return 0;
}

/*
 * The settings a dest would have after @conf: validated as a whole before
 * anything is changed.
 */
static int fnat_dest_conf_check(const struct fnat_service *svc, u16 af,
				u8 fwd_method, u32 u_thresh, u32 l_thresh,
				struct netlink_ext_ack *extack)
{
	if (fwd_method < FNAT_FWD_DR || fwd_method > FNAT_FWD_MAX) {
		NL_SET_ERR_MSG(extack, "Unknown forwarding method");
		return -EINVAL;
	}
	if ((READ_ONCE(svc->flags) & FNAT_SVC_F_SYNPROXY) &&
	    !fnat_fwd_rewrites_reply(fwd_method)) {
		NL_SET_ERR_MSG(extack,
			       "A SYN proxy service forwards by NAT or FULLNAT only");
		return -EINVAL;
	}
	/*
	 * Only FULLNAT rewrites both ends, so only it can translate the
	 * headers; DR and TUN deliver the client's packet as it is, and NAT
	 * replies would reach an IPv6 client from an IPv4 address.
	 */
	if (af != svc->key.af && fwd_method != FNAT_FWD_FULLNAT) {
		NL_SET_ERR_MSG(extack,
			       "Only FULLNAT (-b) can forward an IPv6 service to an IPv4 destination");
		return -EAFNOSUPPORT;
	}
	if (fwd_method == FNAT_FWD_FULLNAT && !svc->num_laddrs) {
		NL_SET_ERR_MSG(extack,
			       "FULLNAT needs a local address: add one to the service first (-P)");
		return -EINVAL;
	}
	if (fwd_method == FNAT_FWD_FULLNAT && !fnat_laddr_count(svc, af)) {
		if (af == AF_INET6)
			NL_SET_ERR_MSG(extack,
				       "FULLNAT to an IPv6 destination needs an IPv6 local address: add one to the service first (-P)");
		else
			NL_SET_ERR_MSG(extack,
				       "FULLNAT to an IPv4 destination needs an IPv4 local address: add one to the service first (-P)");
		return -EINVAL;
	}
	/* No upper threshold (0) leaves nothing for a lower one to mean. */
	if (l_thresh > u_thresh) {
		NL_SET_ERR_MSG(extack,
			       "Lower threshold must not exceed the upper threshold");
		return -EINVAL;
	}
	return 0;
}

int fnat_dest_add(struct fnat_netns *fn, const struct fnat_svc_key *skey,
		  const struct fnat_dest_key *dkey,
		  const struct fnat_dest_conf *conf,
		  struct netlink_ext_ack *extack)
{
	u8 fwd = conf->has_fwd_method ? conf->fwd_method : FNAT_FWD_DR;
	u32 u_thresh = conf->has_u_thresh ? conf->u_thresh : 0;
	u32 l_thresh = conf->has_l_thresh ? conf->l_thresh : 0;
	struct fnat_dest_key key = *dkey;
	struct fnat_service *svc;
	struct fnat_dest *dest;
	unsigned int i;
	int err;

	lockdep_assert_held(&fn->lock);
	svc = fnat_svc_find(fn, skey, true, extack);
	if (IS_ERR(svc))
		return PTR_ERR(svc);
	err = fnat_dest_key_check(svc, &key, extack);
	if (err)
		return err;
	err = fnat_dest_conf_check(svc, key.af, fwd, u_thresh, l_thresh, extack);
	if (err)
		return err;
	if (fnat_fwd_keeps_port(fwd))
		key.port = svc->key.port;
	if (fnat_dest_lookup(svc, &key)) {
		NL_SET_ERR_MSG(extack, "Destination already exists");
		return -EEXIST;
	}

	dest = kzalloc(sizeof(*dest), GFP_KERNEL);
	if (!dest)
		return -ENOMEM;
	if (fnat_stats_init(&dest->stats)) {
		kfree(dest);
		return -ENOMEM;
	}
	for (i = 0; i < FNAT_DEST_DST_SLOTS; i++) {
		if (dst_cache_init(&dest->dst_cache[i], GFP_KERNEL)) {
			while (i--)
				dst_cache_destroy(&dest->dst_cache[i]);
			fnat_stats_free(&dest->stats);
			kfree(dest);
			return -ENOMEM;
		}
	}
	refcount_set(&dest->refcnt, 1);
	refcount_inc(&svc->refcnt);
	dest->svc = svc;
	dest->key = key;
	dest->fwd_method = fwd;
	atomic_set(&dest->weight, conf->has_weight ? conf->weight : 1);
	dest->u_thresh = u_thresh;
	dest->l_thresh = l_thresh;

	list_add_tail_rcu(&dest->list, &svc->dests);
	err = fnat_sched_rebuild(svc, svc->sched, NULL);
	if (err) {
		list_del_rcu(&dest->list);
		fnat_dest_release(dest);
		return err;
	}
	svc->num_dests++;
	fn->gen++;
	return 0;
}

/*
 * Finds the service and the dest a command names. For DR and TUN the port
 * is the service's whatever was asked, as on add.
 */
static struct fnat_dest *fnat_dest_find(struct fnat_netns *fn,
					const struct fnat_svc_key *skey,
					const struct fnat_dest_key *dkey,
					const struct fnat_dest_conf *conf,
					struct fnat_service **svcp,
					struct netlink_ext_ack *extack)
{
	struct fnat_dest_key key = *dkey;
	struct fnat_service *svc;
	struct fnat_dest *dest;
	int err;

	svc = fnat_svc_find(fn, skey, true, extack);
	if (IS_ERR(svc))
		return ERR_CAST(svc);
	err = fnat_dest_key_check(svc, &key, extack);
	if (err)
		return ERR_PTR(err);
	if (conf && conf->has_fwd_method && fnat_fwd_keeps_port(conf->fwd_method))
		key.port = svc->key.port;
	dest = fnat_dest_lookup(svc, &key);
	if (!dest) {
		NL_SET_ERR_MSG(extack, "No such destination");
		return ERR_PTR(-ENOENT);
	}
	*svcp = svc;
	return dest;
}

int fnat_dest_edit(struct fnat_netns *fn, const struct fnat_svc_key *skey,
		   const struct fnat_dest_key *dkey,
		   const struct fnat_dest_conf *conf,
		   struct netlink_ext_ack *extack)
{
	struct fnat_service *svc;
	struct fnat_dest *dest;
	u32 u_thresh, l_thresh;
	u8 fwd;
	int err;

	lockdep_assert_held(&fn->lock);
	dest = fnat_dest_find(fn, skey, dkey, conf, &svc, extack);
	if (IS_ERR(dest))
		return PTR_ERR(dest);

	fwd = conf->has_fwd_method ? conf->fwd_method : dest->fwd_method;
	u_thresh = conf->has_u_thresh ? conf->u_thresh : dest->u_thresh;
	l_thresh = conf->has_l_thresh ? conf->l_thresh : dest->l_thresh;
	err = fnat_dest_conf_check(svc, dest->key.af, fwd, u_thresh, l_thresh,
				   extack);
	if (err)
		return err;
	if (fnat_fwd_keeps_port(fwd) && dest->key.port != svc->key.port) {
		NL_SET_ERR_MSG(extack,
			       "Direct routing and tunnelling need the destination port to equal the service port");
		return -EINVAL;
	}

	if (conf->has_weight &&
	    conf->weight != (u32)atomic_read(&dest->weight)) {
		int old = atomic_read(&dest->weight);

		/* wrr precomputes from weights: publish a fresh set. */
		atomic_set(&dest->weight, conf->weight);
		err = fnat_sched_rebuild(svc, svc->sched, NULL);
		if (err) {
			atomic_set(&dest->weight, old);
			return err;
		}
	}
	WRITE_ONCE(dest->fwd_method, fwd);
	if (u_thresh != dest->u_thresh || l_thresh != dest->l_thresh) {
		WRITE_ONCE(dest->u_thresh, u_thresh);
		WRITE_ONCE(dest->l_thresh, l_thresh);
		/* New thresholds apply to the connections the dest has now. */
		if (!u_thresh)
			clear_bit(FNAT_DEST_F_OVERLOAD, &dest->flags);
		fnat_dest_conn_added(dest);
		fnat_dest_conn_removed(dest);
	}
	fn->gen++;
	return 0;
}

int fnat_dest_del(struct fnat_netns *fn, const struct fnat_svc_key *skey,
		  const struct fnat_dest_key *dkey,
		  struct netlink_ext_ack *extack)
{
	struct fnat_service *svc;
	struct fnat_dest *dest;
	int err;

	lockdep_assert_held(&fn->lock);
	dest = fnat_dest_find(fn, skey, dkey, NULL, &svc, extack);
	if (IS_ERR(dest))
		return PTR_ERR(dest);
	err = fnat_sched_rebuild(svc, svc->sched, dest);
	if (err)
		return err;
	list_del_rcu(&dest->list);
	fnat_dest_release(dest);
	svc->num_dests--;
	fn->gen++;
	return 0;
}

/* For a service being deleted, after its dest set was released. */
void fnat_dest_free_all(struct fnat_service *svc)
{
	struct fnat_dest *dest, *tmp;

	list_for_each_entry_safe(dest, tmp, &svc->dests, list) {
		list_del_rcu(&dest->list);
		fnat_dest_release(dest);
	}
	svc->num_dests = 0;
}

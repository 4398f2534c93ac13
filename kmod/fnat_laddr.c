// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: local addresses (LIPs) of a service, for FULLNAT.
 *
 * A LIP must be an address of the director in the service's netns: real
 * servers answer it, and the answers must come back here. Deleting one
 * drains it: it leaves the list new connections pick from, and the
 * connections using it keep it (and its counters) until they end.
 */
#include <linux/inetdevice.h>
#include <linux/netlink.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/addrconf.h>
#include <net/ipv6.h>
#include <net/route.h>
#include "fnat.h"

static void fnat_laddr_free_rcu(struct rcu_head *head)
{
	struct fnat_laddr *la = container_of(head, struct fnat_laddr, rcu);

	fnat_svc_put(la->svc);
	kfree(la);
}

bool fnat_laddr_hold(struct fnat_laddr *la)
{
	return refcount_inc_not_zero(&la->refcnt);
}

void fnat_laddr_put(struct fnat_laddr *la)
{
	if (refcount_dec_and_test(&la->refcnt))
		call_rcu(&la->rcu, fnat_laddr_free_rcu);
}

struct fnat_laddr *fnat_laddr_lookup(const struct fnat_service *svc, u16 af,
				     const union nf_inet_addr *addr)
{
	struct fnat_laddr *la;

	list_for_each_entry_rcu(la, &svc->laddrs, list, true)
		if (la->af == af && fnat_addr_equal(af, &la->addr, addr))
			return la;
	return NULL;
}

unsigned int fnat_laddr_count(const struct fnat_service *svc, u16 af)
{
	const struct fnat_laddr *la;
	unsigned int n = 0;

	list_for_each_entry_rcu(la, &svc->laddrs, list, true)
		n += la->af == af;
	return n;
}

/*
 * Whether new connections may leave from @la: it is in its service and
 * the netns holds the address now (a standby one, added for a failover,
 * is not used before it arrives). Under RCU.
 */
bool fnat_laddr_usable(struct net *net, const struct fnat_laddr *la)
{
	if (test_bit(FNAT_LADDR_F_DELETED, &la->flags))
		return false;
	if (la->af == AF_INET6)
		return ipv6_chk_addr(net, &la->addr.in6, NULL, 0);
	return __ip_dev_find(net, la->addr.ip, false);
}

/* Whether @addr is one this netns holds or may reach as a unicast peer. */
static bool fnat_laddr_unicast(struct net *net, u16 af,
			       const union nf_inet_addr *addr)
{
	unsigned int type;

	if (af == AF_INET6)
		return ipv6_addr_type(&addr->in6) & IPV6_ADDR_UNICAST;
	type = inet_addr_type(net, addr->ip);
	return type == RTN_LOCAL || type == RTN_UNICAST;
}

int fnat_laddr_add(struct fnat_netns *fn, const struct fnat_svc_key *skey,
		   u16 af, const union nf_inet_addr *addr,
		   struct netlink_ext_ack *extack)
{
	struct fnat_service *svc;
	struct fnat_laddr *la;
	int err;

	lockdep_assert_held(&fn->lock);
	svc = fnat_svc_find(fn, skey, true, extack);
	if (IS_ERR(svc))
		return PTR_ERR(svc);
	/* IPv4 local addresses of an IPv6 service serve its 6->4 dests. */
	if (af != svc->key.af && !(svc->key.af == AF_INET6 && af == AF_INET)) {
		NL_SET_ERR_MSG(extack,
			       "An IPv4 service cannot have IPv6 local addresses");
		return -EAFNOSUPPORT;
	}
	err = fnat_addr_check(af, addr, extack);
	if (err)
		return err;
	if (fnat_laddr_lookup(svc, af, addr)) {
		NL_SET_ERR_MSG(extack, "Local address already exists");
		return -EEXIST;
	}
	/*
	 * An address the director holds, or may come to hold: a backup
	 * director carries its master's local addresses in its configuration
	 * before they move to it in a failover. The data path uses only
	 * those it holds at the time (fnat_laddr_usable()).
	 */
	if (fn->net && !fnat_laddr_unicast(fn->net, af, addr)) {
		NL_SET_ERR_MSG(extack, "Not a unicast address");
		return -EADDRNOTAVAIL;
	}
	la = kzalloc(sizeof(*la), GFP_KERNEL);
	if (!la)
		return -ENOMEM;
	refcount_set(&la->refcnt, 1);
	refcount_inc(&svc->refcnt);
	la->svc = svc;
	la->af = af;
	la->addr = *addr;
	/*
	 * Anywhere in the range: after a reload the rotation does not start
	 * over on the ports the last run has just left in TIME_WAIT.
	 */
	atomic_set(&la->cursor_tcp, (int)get_random_u32());
	atomic_set(&la->cursor_udp, (int)get_random_u32());
	la->dst_slot = svc->num_laddrs % FNAT_DEST_DST_FULLNAT_SLOTS;
	list_add_tail_rcu(&la->list, &svc->laddrs);
	svc->num_laddrs++;
	fn->gen++;
	return 0;
}

static void fnat_laddr_unlink(struct fnat_service *svc, struct fnat_laddr *la)
{
	list_del_rcu(&la->list);
	set_bit(FNAT_LADDR_F_DELETED, &la->flags);
	svc->num_laddrs--;
	fnat_laddr_put(la);
}

int fnat_laddr_del(struct fnat_netns *fn, const struct fnat_svc_key *skey,
		   u16 af, const union nf_inet_addr *addr,
		   struct netlink_ext_ack *extack)
{
	struct fnat_service *svc;
	struct fnat_laddr *la;
	int err;

	lockdep_assert_held(&fn->lock);
	svc = fnat_svc_find(fn, skey, true, extack);
	if (IS_ERR(svc))
		return PTR_ERR(svc);
	/* As on add: an IPv4 address with trailing bytes names nothing. */
	err = fnat_addr_check(af, addr, extack);
	if (err)
		return err;
	la = fnat_laddr_lookup(svc, af, addr);
	if (!la) {
		NL_SET_ERR_MSG(extack, "No such local address");
		return -ENOENT;
	}
	fnat_laddr_unlink(svc, la);
	fn->gen++;
	return 0;
}

/* For a service being deleted. */
void fnat_laddr_free_all(struct fnat_service *svc)
{
	struct fnat_laddr *la, *tmp;

	list_for_each_entry_safe(la, tmp, &svc->laddrs, list)
		fnat_laddr_unlink(svc, la);
}

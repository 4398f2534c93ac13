// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: per network namespace state.
 *
 * Every service, dest and (later) connection belongs to one netns; a netns
 * going away takes its configuration with it, as does module unload.
 */
#include <linux/netlink.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "fnat.h"
#include "fnat_conn.h"
#include "fnat_defense.h"
#include "fnat_drops.h"
#include "fnat_hooks.h"
#include "fnat_sync.h"
#include "fnat_synproxy.h"

static unsigned int fnat_net_id __read_mostly;

struct fnat_netns *fnat_netns(const struct net *net)
{
	return net_generic(net, fnat_net_id);
}

void fnat_netns_state_init(struct fnat_netns *fn)
{
	unsigned int i;

	mutex_init(&fn->lock);
	for (i = 0; i < FNAT_SVC_TAB_SIZE; i++)
		INIT_HLIST_HEAD(&fn->svc_table[i]);
	INIT_LIST_HEAD(&fn->svc_list);
	fn->num_services = 0;
	/* Dumps ignore a generation of 0 (the core's "no sequence yet"). */
	fn->gen = 1;
	fn->timeout_tcp = FNAT_TIMEOUT_TCP_DEFAULT;
	fn->timeout_tcp_fin = FNAT_TIMEOUT_TCP_FIN_DEFAULT;
	fn->timeout_udp = FNAT_TIMEOUT_UDP_DEFAULT;
}

/* Caller holds fn->lock. The netlink policy bounds each value. */
int fnat_netns_set_timeouts(struct fnat_netns *fn,
			    const struct fnat_timeout_conf *conf,
			    struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&fn->lock);
	if (!conf->has_tcp && !conf->has_tcp_fin && !conf->has_udp) {
		NL_SET_ERR_MSG(extack, "No timeout given");
		return -EINVAL;
	}
	if (conf->has_tcp)
		WRITE_ONCE(fn->timeout_tcp, conf->tcp);
	if (conf->has_tcp_fin)
		WRITE_ONCE(fn->timeout_tcp_fin, conf->tcp_fin);
	if (conf->has_udp)
		WRITE_ONCE(fn->timeout_udp, conf->udp);
	return 0;
}

void fnat_netns_state_destroy(struct fnat_netns *fn)
{
	mutex_lock(&fn->lock);
	fnat_svc_flush(fn);
	mutex_unlock(&fn->lock);
	mutex_destroy(&fn->lock);
}

static void fnat_est_work(struct work_struct *work)
{
	struct fnat_netns *fn = container_of(to_delayed_work(work),
					     struct fnat_netns, est_work);

	fnat_svc_estimate_all(fn);
	fnat_stats_estimate(&fn->stats);
	queue_delayed_work(system_power_efficient_wq, &fn->est_work,
			   FNAT_EST_INTERVAL * HZ);
}

static int __net_init fnat_net_init(struct net *net)
{
	struct fnat_netns *fn = fnat_netns(net);

	fn->net = net;
	fn->drops = alloc_percpu(struct fnat_drop_counters);
	if (!fn->drops)
		return -ENOMEM;
	if (fnat_stats_init(&fn->stats)) {
		free_percpu(fn->drops);
		return -ENOMEM;
	}
	if (fnat_sp_netns_init(fn)) {
		fnat_stats_free(&fn->stats);
		free_percpu(fn->drops);
		return -ENOMEM;
	}
	fnat_netns_state_init(fn);
	INIT_DELAYED_WORK(&fn->est_work, fnat_est_work);
	queue_delayed_work(system_power_efficient_wq, &fn->est_work,
			   FNAT_EST_INTERVAL * HZ);
	return 0;
}

static void __net_exit fnat_net_exit(struct net *net)
{
	struct fnat_netns *fn = fnat_netns(net);

	/* No packet in a hook, then no connection, then no service. */
	fnat_hooks_disable(fn);
	cancel_delayed_work_sync(&fn->est_work);
	fnat_sp_netns_exit(fn);
	fnat_conn_flush_net(fnat_conns(), net);
	/* An eviction under way may still count on this netns' drops. */
	fnat_defense_barrier();
	WARN_ON_ONCE(atomic_read(&fn->num_conns));
	fnat_netns_state_destroy(fn);
	fnat_stats_free(&fn->stats);
	free_percpu(fn->drops);
}

/*
 * Sync daemons go before the netns' devices do: their sockets hold routes
 * and multicast memberships on them, which would keep the devices from
 * being unregistered.
 */
static void __net_exit fnat_net_pre_exit(struct net *net)
{
	fnat_sync_stop_all(fnat_netns(net));
	fnat_sp_netns_pre_exit(fnat_netns(net));
}

static struct pernet_operations fnat_net_ops = {
	.init	= fnat_net_init,
	.pre_exit = fnat_net_pre_exit,
	.exit	= fnat_net_exit,
	.id	= &fnat_net_id,
	.size	= sizeof(struct fnat_netns),
};

int fnat_netns_register(void)
{
	return register_pernet_subsys(&fnat_net_ops);
}

void fnat_netns_unregister(void)
{
	unregister_pernet_subsys(&fnat_net_ops);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: per network namespace state.
 *
 * Every service, dest and (later) connection belongs to one netns; a netns
 * going away takes its configuration with it, as does module unload.
 */
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "fnat.h"

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
	fn->gen = 0;
}

void fnat_netns_state_destroy(struct fnat_netns *fn)
{
	mutex_lock(&fn->lock);
	fnat_svc_flush(fn);
	mutex_unlock(&fn->lock);
	mutex_destroy(&fn->lock);
}

static int __net_init fnat_net_init(struct net *net)
{
	fnat_netns_state_init(fnat_netns(net));
	return 0;
}

static void __net_exit fnat_net_exit(struct net *net)
{
	fnat_netns_state_destroy(fnat_netns(net));
}

static struct pernet_operations fnat_net_ops = {
	.init	= fnat_net_init,
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

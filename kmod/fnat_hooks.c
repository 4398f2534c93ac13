// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: where fnat meets the IPv4 stack.
 *
 * PRE_ROUTING, after defragmentation and the raw table, before conntrack
 *	Recognises fnat's packets and marks them untracked, so they create
 *	no conntrack entries (IPVS pays for one per connection) and stateful
 *	rules do not call them INVALID; drops malformed packets to a VIP.
 *	Fragments arrive reassembled, so every packet has its ports.
 * LOCAL_IN, after the filter and security tables
 *	Schedules requests to a VIP:port, creates connections and sends the
 *	packets on to the real servers: the operator's INPUT rules decide
 *	first which clients may reach a service, as with IPVS.
 * FORWARD, after the filter and security tables
 *	Rewrites NAT replies back to the VIP on their way to the client:
 *	FORWARD rules see them as the real server sent them.
 *
 * The hooks of a netns, and defragmentation, come with its first service
 * and stay until the netns goes: a host that never configures fnat pays
 * nothing, and no packet of a live connection can miss its hook.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include "fnat_core.h"
#include "fnat_hooks.h"

static unsigned int fnat_hook_pre(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	return fnat_core_pre(fnat_netns(state->net), skb, state->pf);
}

static unsigned int fnat_hook_in(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	return fnat_core_in(fnat_netns(state->net), skb, state->pf);
}

static unsigned int fnat_hook_fwd(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	return fnat_core_fwd(fnat_netns(state->net), skb);
}

static const struct nf_hook_ops fnat_hook_ops[] = {
	{
		.hook		= fnat_hook_pre,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_RAW + 1,
	},
	{
		.hook		= fnat_hook_in,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_SECURITY + 1,
	},
	{
		.hook		= fnat_hook_fwd,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_FORWARD,
		.priority	= NF_IP_PRI_SECURITY + 1,
	},
	/* The same places for IPv6: after defragmentation, before conntrack. */
	{
		.hook		= fnat_hook_pre,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP6_PRI_RAW + 1,
	},
	{
		.hook		= fnat_hook_in,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_SECURITY + 1,
	},
	{
		.hook		= fnat_hook_fwd,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_FORWARD,
		.priority	= NF_IP6_PRI_SECURITY + 1,
	},
};

/* Caller holds fn->lock. */
int fnat_hooks_enable(struct fnat_netns *fn)
{
	int err;

	lockdep_assert_held(&fn->lock);
	if (fn->hooks_registered)
		return 0;
	err = nf_defrag_ipv4_enable(fn->net);
	if (err)
		return err;
	err = nf_defrag_ipv6_enable(fn->net);
	if (err) {
		nf_defrag_ipv4_disable(fn->net);
		return err;
	}
	err = nf_register_net_hooks(fn->net, fnat_hook_ops,
				    ARRAY_SIZE(fnat_hook_ops));
	if (err) {
		nf_defrag_ipv6_disable(fn->net);
		nf_defrag_ipv4_disable(fn->net);
		return err;
	}
	fn->hooks_registered = true;
	return 0;
}

/* When the netns goes; no packet is in a hook once this returns. */
void fnat_hooks_disable(struct fnat_netns *fn)
{
	if (!fn->hooks_registered)
		return;
	nf_unregister_net_hooks(fn->net, fnat_hook_ops,
				ARRAY_SIZE(fnat_hook_ops));
	nf_defrag_ipv6_disable(fn->net);
	nf_defrag_ipv4_disable(fn->net);
	fn->hooks_registered = false;
}

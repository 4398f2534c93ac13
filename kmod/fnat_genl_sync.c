// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: the sync daemon commands of the FNAT family (NEW_DAEMON,
 * DEL_DAEMON, GET_DAEMON; include/uapi/fnat.h documents them).
 */
#include <linux/in.h>
#include <linux/jiffies.h>
#include <linux/socket.h>
#include <net/sock.h>
#include "fnat.h"
#include "fnat_genl.h"
#include "fnat_sync.h"

/*
 * Ranges past S16_MAX need a range struct: nla_policy's min and max are
 * s16, and a negative one makes the core WARN and drop the bound.
 */
static struct netlink_range_validation fnat_sync_maxlen_range = {
	.min = FNAT_SYNC_MAXLEN_MIN,
	.max = FNAT_SYNC_MAXLEN_MAX,
};

static const struct nla_policy fnat_daemon_policy[FNAT_DAEMON_A_MAX + 1] = {
	[FNAT_DAEMON_A_STATE]	     = NLA_POLICY_RANGE(NLA_U32,
						FNAT_SYNC_STATE_MASTER,
						FNAT_SYNC_STATE_BACKUP),
	[FNAT_DAEMON_A_MCAST_IFN]    = { .type = NLA_NUL_STRING,
					 .len = IFNAMSIZ - 1 },
	[FNAT_DAEMON_A_SYNC_ID]	     = { .type = NLA_U8 },
	[FNAT_DAEMON_A_SYNC_MAXLEN]  = NLA_POLICY_FULL_RANGE(NLA_U16,
						&fnat_sync_maxlen_range),
	[FNAT_DAEMON_A_MCAST_FAMILY] = { .type = NLA_U16 },
	[FNAT_DAEMON_A_MCAST_GROUP]  = NLA_POLICY_EXACT_LEN(FNAT_ADDR_LEN),
	[FNAT_DAEMON_A_MCAST_PORT]   = { .type = NLA_BE16 },
	[FNAT_DAEMON_A_MCAST_TTL]    = NLA_POLICY_MIN(NLA_U8, 1),
	[FNAT_DAEMON_A_KEY]	     = NLA_POLICY_RANGE(NLA_BINARY,
						FNAT_SYNC_KEY_MIN,
						FNAT_SYNC_KEY_MAX),
};

const struct nla_policy fnat_daemon_cmd_policy[FNAT_A_DAEMON + 1] = {
	[FNAT_A_DAEMON]	= NLA_POLICY_NESTED(fnat_daemon_policy),
};

static int fnat_genl_daemon_parse(struct genl_info *info,
				  struct nlattr **tb)
{
	int err;

	if (!info->attrs[FNAT_A_DAEMON]) {
		NL_SET_ERR_MSG(info->extack, "Missing sync daemon attribute");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, FNAT_DAEMON_A_MAX,
			       info->attrs[FNAT_A_DAEMON], fnat_daemon_policy,
			       info->extack);
	if (err)
		return err;
	if (!tb[FNAT_DAEMON_A_STATE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[FNAT_A_DAEMON],
				    "Missing sync daemon state");
		return -EINVAL;
	}
	return 0;
}

/* The group: AF_INET only so far, and a multicast address. */
static int fnat_genl_daemon_group(struct nlattr **tb, __be32 *group,
				  struct netlink_ext_ack *extack)
{
	const u8 *addr;
	u16 af;

	if (!tb[FNAT_DAEMON_A_MCAST_GROUP] && !tb[FNAT_DAEMON_A_MCAST_FAMILY])
		return 0;
	if (!tb[FNAT_DAEMON_A_MCAST_GROUP] || !tb[FNAT_DAEMON_A_MCAST_FAMILY]) {
		NL_SET_ERR_MSG(extack,
			       "Multicast group and family go together");
		return -EINVAL;
	}
	af = nla_get_u16(tb[FNAT_DAEMON_A_MCAST_FAMILY]);
	if (af == AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FNAT_DAEMON_A_MCAST_FAMILY],
				    "IPv6 sync groups are not supported yet");
		return -EAFNOSUPPORT;
	}
	if (af != AF_INET) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FNAT_DAEMON_A_MCAST_FAMILY],
				    "Unknown address family");
		return -EAFNOSUPPORT;
	}
	addr = nla_data(tb[FNAT_DAEMON_A_MCAST_GROUP]);
	if (memchr_inv(addr + 4, 0, FNAT_ADDR_LEN - 4)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FNAT_DAEMON_A_MCAST_GROUP],
				    "IPv4 address with trailing bytes");
		return -EINVAL;
	}
	memcpy(group, addr, 4);
	if (!ipv4_is_multicast(*group)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FNAT_DAEMON_A_MCAST_GROUP],
				    "Not a multicast group");
		return -EINVAL;
	}
	return 0;
}

int fnat_genl_daemon_new(struct sk_buff *skb, struct genl_info *info)
{
	struct fnat_netns *fn = fnat_netns(genl_info_net(info));
	struct nlattr *tb[FNAT_DAEMON_A_MAX + 1];
	struct fnat_sync_conf *conf;
	int err;

	err = fnat_genl_daemon_parse(info, tb);
	if (err)
		return err;
	if (!tb[FNAT_DAEMON_A_MCAST_IFN]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[FNAT_A_DAEMON],
				    "Missing multicast interface");
		return -EINVAL;
	}
	/* The key is secret: a heap copy, wiped when done. */
	conf = kzalloc(sizeof(*conf), GFP_KERNEL);
	if (!conf)
		return -ENOMEM;
	conf->state = nla_get_u32(tb[FNAT_DAEMON_A_STATE]);
	nla_strscpy(conf->ifname, tb[FNAT_DAEMON_A_MCAST_IFN],
		    sizeof(conf->ifname));
	if (tb[FNAT_DAEMON_A_SYNC_ID])
		conf->syncid = nla_get_u8(tb[FNAT_DAEMON_A_SYNC_ID]);
	if (tb[FNAT_DAEMON_A_SYNC_MAXLEN])
		conf->maxlen = nla_get_u16(tb[FNAT_DAEMON_A_SYNC_MAXLEN]);
	if (tb[FNAT_DAEMON_A_MCAST_PORT]) {
		conf->port = nla_get_be16(tb[FNAT_DAEMON_A_MCAST_PORT]);
		if (!conf->port) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[FNAT_DAEMON_A_MCAST_PORT],
					    "Multicast port 0");
			err = -ERANGE;
			goto out;
		}
	}
	if (tb[FNAT_DAEMON_A_MCAST_TTL])
		conf->ttl = nla_get_u8(tb[FNAT_DAEMON_A_MCAST_TTL]);
	if (tb[FNAT_DAEMON_A_KEY]) {
		conf->key_len = nla_len(tb[FNAT_DAEMON_A_KEY]);
		memcpy(conf->key, nla_data(tb[FNAT_DAEMON_A_KEY]),
		       conf->key_len);
	}
	err = fnat_genl_daemon_group(tb, &conf->group, info->extack);
	if (err)
		goto out;
	mutex_lock(&fn->lock);
	err = fnat_sync_start(fn, conf, info->extack);
	mutex_unlock(&fn->lock);
out:
	kfree_sensitive(conf);
	return err;
}

int fnat_genl_daemon_del(struct sk_buff *skb, struct genl_info *info)
{
	struct fnat_netns *fn = fnat_netns(genl_info_net(info));
	struct nlattr *tb[FNAT_DAEMON_A_MAX + 1];
	int err;

	err = fnat_genl_daemon_parse(info, tb);
	if (err)
		return err;
	if (tb[FNAT_DAEMON_A_MCAST_IFN] || tb[FNAT_DAEMON_A_KEY]) {
		NL_SET_ERR_MSG(info->extack,
			       "Stopping a sync daemon takes only its state");
		return -EINVAL;
	}
	mutex_lock(&fn->lock);
	err = fnat_sync_stop(fn, nla_get_u32(tb[FNAT_DAEMON_A_STATE]),
			     info->extack);
	mutex_unlock(&fn->lock);
	return err;
}

static int fnat_genl_put_counters(struct sk_buff *skb,
				  struct fnat_sync_daemon *d)
{
	struct nlattr *nest, *entry;
	unsigned int c;

	nest = nla_nest_start(skb, FNAT_DAEMON_A_COUNTERS);
	if (!nest)
		return -EMSGSIZE;
	for (c = 0; c < FNAT_SYNC_C_MAX; c++) {
		entry = nla_nest_start(skb, FNAT_DROPS_A_ENTRY);
		if (!entry ||
		    nla_put_string(skb, FNAT_DROP_A_NAME,
				   fnat_sync_counter_name(c)) ||
		    nla_put_u64_64bit(skb, FNAT_DROP_A_COUNT,
				      atomic64_read(&d->counters[c]),
				      FNAT_DROP_A_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, entry);
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int fnat_genl_put_peer(struct sk_buff *skb,
			      const struct fnat_sync_peer *p)
{
	u8 addr[FNAT_ADDR_LEN] = {};
	struct nlattr *nest;

	memcpy(addr, &p->addr, sizeof(p->addr));
	nest = nla_nest_start(skb, FNAT_DAEMON_A_PEER);
	if (!nest ||
	    nla_put_u16(skb, FNAT_PEER_A_FAMILY, AF_INET) ||
	    nla_put(skb, FNAT_PEER_A_ADDR, sizeof(addr), addr) ||
	    nla_put_u32(skb, FNAT_PEER_A_SENDER, p->sender) ||
	    nla_put_u8(skb, FNAT_PEER_A_SYNC_ID, p->syncid) ||
	    nla_put_u64_64bit(skb, FNAT_PEER_A_MESSAGES, p->messages,
			      FNAT_PEER_A_PAD) ||
	    nla_put_u64_64bit(skb, FNAT_PEER_A_LAST_MS,
			      jiffies_to_msecs(jiffies - p->last),
			      FNAT_PEER_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fnat_genl_put_peers(struct sk_buff *skb,
			       struct fnat_sync_daemon *d)
{
	struct fnat_sync_peer peers[FNAT_SYNC_PEERS_MAX];
	unsigned int i, n;
	struct nlattr *nest;

	spin_lock_bh(&d->peers_lock);
	n = d->num_peers;
	memcpy(peers, d->peers, n * sizeof(peers[0]));
	spin_unlock_bh(&d->peers_lock);
	nest = nla_nest_start(skb, FNAT_DAEMON_A_PEERS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++)
		if (fnat_genl_put_peer(skb, &peers[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fnat_genl_fill_daemon(struct sk_buff *skb,
				 struct fnat_sync_daemon *d,
				 struct netlink_callback *cb)
{
	const struct fnat_sync_conf *conf = &d->conf;
	u8 group[FNAT_ADDR_LEN] = {};
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &fnat_genl_family, NLM_F_MULTI, FNAT_CMD_GET_DAEMON);
	if (!hdr)
		return -EMSGSIZE;
	memcpy(group, &conf->group, sizeof(conf->group));
	nest = nla_nest_start(skb, FNAT_A_DAEMON);
	if (!nest ||
	    nla_put_u32(skb, FNAT_DAEMON_A_STATE, conf->state) ||
	    nla_put_string(skb, FNAT_DAEMON_A_MCAST_IFN, conf->ifname) ||
	    nla_put_u8(skb, FNAT_DAEMON_A_SYNC_ID, conf->syncid) ||
	    nla_put_u16(skb, FNAT_DAEMON_A_SYNC_MAXLEN, conf->maxlen) ||
	    nla_put_u16(skb, FNAT_DAEMON_A_MCAST_FAMILY, AF_INET) ||
	    nla_put(skb, FNAT_DAEMON_A_MCAST_GROUP, sizeof(group), group) ||
	    nla_put_be16(skb, FNAT_DAEMON_A_MCAST_PORT, conf->port) ||
	    nla_put_u8(skb, FNAT_DAEMON_A_MCAST_TTL, conf->ttl) ||
	    nla_put_u8(skb, FNAT_DAEMON_A_AUTH, !!d->auth.tfm) ||
	    nla_put_u32(skb, FNAT_DAEMON_A_SENDER, d->sender) ||
	    nla_put_u64_64bit(skb, FNAT_DAEMON_A_UP_MS,
			      jiffies_to_msecs(jiffies - d->started),
			      FNAT_DAEMON_A_PAD) ||
	    fnat_genl_put_counters(skb, d) ||
	    fnat_genl_put_peers(skb, d)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * The running daemons, master first; cb->args[0] counts those sent. The
 * netns lock keeps a daemon from being stopped while it is described.
 */
int fnat_genl_daemon_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct fnat_netns *fn = fnat_netns(sock_net(skb->sk));
	struct fnat_sync_daemon *d[2];
	long i;

	mutex_lock(&fn->lock);
	d[0] = rcu_dereference_protected(fn->sync_master,
					 lockdep_is_held(&fn->lock));
	d[1] = rcu_dereference_protected(fn->sync_backup,
					 lockdep_is_held(&fn->lock));
	for (i = cb->args[0]; i < 2; i++) {
		if (d[i] && fnat_genl_fill_daemon(skb, d[i], cb))
			break;
	}
	mutex_unlock(&fn->lock);
	cb->args[0] = i;
	return skb->len;
}

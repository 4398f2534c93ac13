// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: the FNAT generic-netlink family (see include/uapi/fnat.h).
 *
 * Validation is strict by construction: resv_start_op stays 0 so the core
 * validates every command strictly, each command has a policy that admits
 * only the attributes it uses (reply-only attributes have no policy entry
 * and are refused), and commands without attributes have no policy at all,
 * which makes the core refuse any attribute sent to them.
 */
#include <linux/in.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include "fnat.h"
#include "fnat_compat.h"
#include "fnat_conn.h"
#include "fnat_drops.h"
#include "fnat_genl.h"
#include "fnat_hooks.h"
#include "fnat_persist.h"
#include "fnat_proto_tcp.h"
#include "fnat_sched.h"
#include "fnat_synproxy.h"

static struct netlink_range_validation fnat_timeout_range = {
	.min = 1,
	.max = FNAT_PERSIST_MAX,
};

static struct netlink_range_validation fnat_weight_range = {
	.min = 0,
	.max = FNAT_WEIGHT_MAX,
};

static struct netlink_range_validation fnat_conn_timeout_range = {
	.min = 1,
	.max = FNAT_TIMEOUT_MAX,
};

static const struct nla_policy fnat_timeout_policy[FNAT_TIMEOUT_A_MAX + 1] = {
	[FNAT_TIMEOUT_A_TCP]	 = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &fnat_conn_timeout_range),
	[FNAT_TIMEOUT_A_TCP_FIN] = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &fnat_conn_timeout_range),
	[FNAT_TIMEOUT_A_UDP]	 = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &fnat_conn_timeout_range),
};

/* FNAT_CMD_SET_TIMEOUT takes only FNAT_A_TIMEOUT. */
static const struct nla_policy fnat_timeout_cmd_policy[FNAT_A_TIMEOUT + 1] = {
	[FNAT_A_TIMEOUT]	= NLA_POLICY_NESTED(fnat_timeout_policy),
};

static const struct nla_policy fnat_svc_policy[FNAT_SVC_A_MAX + 1] = {
	[FNAT_SVC_A_FAMILY]	= { .type = NLA_U16 },
	[FNAT_SVC_A_PROTOCOL]	= { .type = NLA_U8 },
	[FNAT_SVC_A_ADDR]	= NLA_POLICY_EXACT_LEN(FNAT_ADDR_LEN),
	[FNAT_SVC_A_PORT]	= { .type = NLA_BE16 },
	[FNAT_SVC_A_SCHED_NAME]	= { .type = NLA_NUL_STRING,
				    .len = FNAT_SCHED_NAME_MAX - 1 },
	[FNAT_SVC_A_FLAGS]	= NLA_POLICY_MASK(NLA_U32, FNAT_SVC_F_ALL),
	[FNAT_SVC_A_TIMEOUT]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&fnat_timeout_range),
	[FNAT_SVC_A_NETMASK]	= NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy fnat_dest_policy[FNAT_DEST_A_MAX + 1] = {
	[FNAT_DEST_A_FAMILY]	 = { .type = NLA_U16 },
	[FNAT_DEST_A_ADDR]	 = NLA_POLICY_EXACT_LEN(FNAT_ADDR_LEN),
	[FNAT_DEST_A_PORT]	 = { .type = NLA_BE16 },
	[FNAT_DEST_A_FWD_METHOD] = NLA_POLICY_RANGE(NLA_U8, FNAT_FWD_DR,
						    FNAT_FWD_MAX),
	[FNAT_DEST_A_WEIGHT]	 = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &fnat_weight_range),
	[FNAT_DEST_A_U_THRESH]	 = { .type = NLA_U32 },
	[FNAT_DEST_A_L_THRESH]	 = { .type = NLA_U32 },
};

static const struct nla_policy fnat_laddr_policy[FNAT_LADDR_A_MAX + 1] = {
	[FNAT_LADDR_A_FAMILY]	= { .type = NLA_U16 },
	[FNAT_LADDR_A_ADDR]	= NLA_POLICY_EXACT_LEN(FNAT_ADDR_LEN),
};

/* Commands on a local address take its service and the address. */
static const struct nla_policy fnat_laddr_cmd_policy[FNAT_A_LADDR + 1] = {
	[FNAT_A_SERVICE]	= NLA_POLICY_NESTED(fnat_svc_policy),
	[FNAT_A_LADDR]		= NLA_POLICY_NESTED(fnat_laddr_policy),
};

/* Commands on a service take only FNAT_A_SERVICE. */
static const struct nla_policy fnat_svc_cmd_policy[FNAT_A_SERVICE + 1] = {
	[FNAT_A_SERVICE]	= NLA_POLICY_NESTED(fnat_svc_policy),
};

/* Commands on a dest take its service and the dest. */
static const struct nla_policy fnat_dest_cmd_policy[FNAT_A_DEST + 1] = {
	[FNAT_A_SERVICE]	= NLA_POLICY_NESTED(fnat_svc_policy),
	[FNAT_A_DEST]		= NLA_POLICY_NESTED(fnat_dest_policy),
};

static int fnat_genl_parse_nest(struct nlattr **top, int type, int maxtype,
				const struct nla_policy *policy,
				struct nlattr **tb,
				struct netlink_ext_ack *extack)
{
	if (!top[type]) {
		if (type == FNAT_A_SERVICE)
			NL_SET_ERR_MSG(extack, "Missing service attribute");
		else if (type == FNAT_A_LADDR)
			NL_SET_ERR_MSG(extack,
				       "Missing local address attribute");
		else
			NL_SET_ERR_MSG(extack, "Missing destination attribute");
		return -EINVAL;
	}
	return nla_parse_nested(tb, maxtype, top[type], policy, extack);
}

static int fnat_genl_require(struct nlattr *nest, struct nlattr **tb,
			     const int *types, unsigned int n,
			     struct netlink_ext_ack *extack)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!tb[types[i]]) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "Missing address family, address or port");
			return -EINVAL;
		}
	}
	return 0;
}

static int fnat_genl_svc_key(struct nlattr **top, struct fnat_svc_key *key,
			     struct nlattr **tb, struct netlink_ext_ack *extack)
{
	static const int keys[] = { FNAT_SVC_A_FAMILY, FNAT_SVC_A_PROTOCOL,
				    FNAT_SVC_A_ADDR, FNAT_SVC_A_PORT };
	int err;

	err = fnat_genl_parse_nest(top, FNAT_A_SERVICE, FNAT_SVC_A_MAX,
				   fnat_svc_policy, tb, extack);
	if (err)
		return err;
	if (!tb[FNAT_SVC_A_PROTOCOL]) {
		NL_SET_ERR_MSG_ATTR(extack, top[FNAT_A_SERVICE],
				    "Missing protocol");
		return -EINVAL;
	}
	err = fnat_genl_require(top[FNAT_A_SERVICE], tb, keys,
				ARRAY_SIZE(keys), extack);
	if (err)
		return err;
	memset(key, 0, sizeof(*key));
	key->af = nla_get_u16(tb[FNAT_SVC_A_FAMILY]);
	key->protocol = nla_get_u8(tb[FNAT_SVC_A_PROTOCOL]);
	nla_memcpy(&key->addr, tb[FNAT_SVC_A_ADDR], sizeof(key->addr));
	key->port = nla_get_be16(tb[FNAT_SVC_A_PORT]);
	return fnat_svc_key_check(key, extack);
}

static void fnat_genl_svc_conf(struct nlattr **tb, struct fnat_svc_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	if (tb[FNAT_SVC_A_SCHED_NAME]) {
		nla_strscpy(conf->sched_name, tb[FNAT_SVC_A_SCHED_NAME],
			    sizeof(conf->sched_name));
		conf->has_sched = true;
	}
	if (tb[FNAT_SVC_A_FLAGS]) {
		conf->flags = nla_get_u32(tb[FNAT_SVC_A_FLAGS]);
		conf->has_flags = true;
	}
	if (tb[FNAT_SVC_A_TIMEOUT]) {
		conf->timeout = nla_get_u32(tb[FNAT_SVC_A_TIMEOUT]);
		conf->has_timeout = true;
	}
	if (tb[FNAT_SVC_A_NETMASK]) {
		conf->netmask = nla_get_u8(tb[FNAT_SVC_A_NETMASK]);
		conf->has_netmask = true;
	}
}

static int fnat_genl_dest_key(struct nlattr **top, struct fnat_dest_key *key,
			      struct nlattr **tb,
			      struct netlink_ext_ack *extack)
{
	static const int keys[] = { FNAT_DEST_A_FAMILY, FNAT_DEST_A_ADDR,
				    FNAT_DEST_A_PORT };
	int err;

	err = fnat_genl_parse_nest(top, FNAT_A_DEST, FNAT_DEST_A_MAX,
				   fnat_dest_policy, tb, extack);
	if (err)
		return err;
	err = fnat_genl_require(top[FNAT_A_DEST], tb, keys, ARRAY_SIZE(keys),
				extack);
	if (err)
		return err;
	memset(key, 0, sizeof(*key));
	key->af = nla_get_u16(tb[FNAT_DEST_A_FAMILY]);
	nla_memcpy(&key->addr, tb[FNAT_DEST_A_ADDR], sizeof(key->addr));
	key->port = nla_get_be16(tb[FNAT_DEST_A_PORT]);
	return 0;
}

static void fnat_genl_dest_conf(struct nlattr **tb,
				struct fnat_dest_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	if (tb[FNAT_DEST_A_FWD_METHOD]) {
		conf->fwd_method = nla_get_u8(tb[FNAT_DEST_A_FWD_METHOD]);
		conf->has_fwd_method = true;
	}
	if (tb[FNAT_DEST_A_WEIGHT]) {
		conf->weight = nla_get_u32(tb[FNAT_DEST_A_WEIGHT]);
		conf->has_weight = true;
	}
	if (tb[FNAT_DEST_A_U_THRESH]) {
		conf->u_thresh = nla_get_u32(tb[FNAT_DEST_A_U_THRESH]);
		conf->has_u_thresh = true;
	}
	if (tb[FNAT_DEST_A_L_THRESH]) {
		conf->l_thresh = nla_get_u32(tb[FNAT_DEST_A_L_THRESH]);
		conf->has_l_thresh = true;
	}
}

static struct fnat_netns *fnat_genl_netns(struct genl_info *info)
{
	return fnat_netns(genl_info_net(info));
}

static int fnat_genl_svc_write(struct sk_buff *skb, struct genl_info *info)
{
	struct fnat_netns *fn = fnat_genl_netns(info);
	struct nlattr *tb[FNAT_SVC_A_MAX + 1];
	struct fnat_svc_conf conf;
	struct fnat_svc_key key;
	u8 cmd = info->genlhdr->cmd;
	int err;

	err = fnat_genl_svc_key(info->attrs, &key, tb, info->extack);
	if (err)
		return err;
	fnat_genl_svc_conf(tb, &conf);

	mutex_lock(&fn->lock);
	if (cmd == FNAT_CMD_NEW_SERVICE) {
		/* The first service of a netns brings the hooks. */
		err = fnat_hooks_enable(fn);
		if (err)
			NL_SET_ERR_MSG(info->extack,
				       "Cannot register the netfilter hooks");
		else
			err = fnat_svc_add(fn, &key, &conf, info->extack);
	} else if (cmd == FNAT_CMD_SET_SERVICE) {
		err = fnat_svc_edit(fn, &key, &conf, info->extack);
	} else {
		err = fnat_svc_del(fn, &key, info->extack);
	}
	mutex_unlock(&fn->lock);
	return err;
}

static int fnat_genl_dest_write(struct sk_buff *skb, struct genl_info *info)
{
	struct fnat_netns *fn = fnat_genl_netns(info);
	struct nlattr *stb[FNAT_SVC_A_MAX + 1];
	struct nlattr *dtb[FNAT_DEST_A_MAX + 1];
	struct fnat_dest_conf conf;
	struct fnat_svc_key skey;
	struct fnat_dest_key dkey;
	u8 cmd = info->genlhdr->cmd;
	int err;

	err = fnat_genl_svc_key(info->attrs, &skey, stb, info->extack);
	if (err)
		return err;
	err = fnat_genl_dest_key(info->attrs, &dkey, dtb, info->extack);
	if (err)
		return err;
	fnat_genl_dest_conf(dtb, &conf);

	mutex_lock(&fn->lock);
	if (cmd == FNAT_CMD_NEW_DEST)
		err = fnat_dest_add(fn, &skey, &dkey, &conf, info->extack);
	else if (cmd == FNAT_CMD_SET_DEST)
		err = fnat_dest_edit(fn, &skey, &dkey, &conf, info->extack);
	else
		err = fnat_dest_del(fn, &skey, &dkey, info->extack);
	mutex_unlock(&fn->lock);
	return err;
}

static int fnat_genl_laddr_write(struct sk_buff *skb, struct genl_info *info)
{
	static const int keys[] = { FNAT_LADDR_A_FAMILY, FNAT_LADDR_A_ADDR };
	struct fnat_netns *fn = fnat_genl_netns(info);
	struct nlattr *stb[FNAT_SVC_A_MAX + 1];
	struct nlattr *ltb[FNAT_LADDR_A_MAX + 1];
	union nf_inet_addr addr = {};
	struct fnat_svc_key skey;
	int err;
	u16 af;

	err = fnat_genl_svc_key(info->attrs, &skey, stb, info->extack);
	if (err)
		return err;
	err = fnat_genl_parse_nest(info->attrs, FNAT_A_LADDR,
				   FNAT_LADDR_A_MAX, fnat_laddr_policy, ltb,
				   info->extack);
	if (err)
		return err;
	err = fnat_genl_require(info->attrs[FNAT_A_LADDR], ltb, keys,
				ARRAY_SIZE(keys), info->extack);
	if (err)
		return err;
	af = nla_get_u16(ltb[FNAT_LADDR_A_FAMILY]);
	nla_memcpy(&addr, ltb[FNAT_LADDR_A_ADDR], sizeof(addr));

	mutex_lock(&fn->lock);
	if (info->genlhdr->cmd == FNAT_CMD_NEW_LADDR)
		err = fnat_laddr_add(fn, &skey, af, &addr, info->extack);
	else
		err = fnat_laddr_del(fn, &skey, af, &addr, info->extack);
	mutex_unlock(&fn->lock);
	return err;
}

static int fnat_genl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct fnat_netns *fn = fnat_genl_netns(info);

	mutex_lock(&fn->lock);
	fnat_svc_flush(fn);
	mutex_unlock(&fn->lock);
	return 0;
}

static int fnat_genl_put_addr(struct sk_buff *skb, int type,
			      const union nf_inet_addr *addr)
{
	return nla_put(skb, type, FNAT_ADDR_LEN, addr);
}

/* A stats nest: totals since the last zeroing and the estimated rates. */
static int fnat_genl_put_stats(struct sk_buff *skb, int type,
			       struct fnat_stats *stats)
{
	struct fnat_counters c;
	struct fnat_rates r;
	struct nlattr *nest;

	fnat_stats_read(stats, &c);
	fnat_stats_rates(stats, &r);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
#define FNAT_PUT64(attr, v) \
	nla_put_u64_64bit(skb, attr, v, FNAT_STATS_A_PAD)
#define FNAT_PUT_RATE(attr, v) \
	FNAT_PUT64(attr, ((v) + (1 << (FNAT_EST_SHIFT - 1))) >> FNAT_EST_SHIFT)
	if (FNAT_PUT64(FNAT_STATS_A_CONNS, c.conns) ||
	    FNAT_PUT64(FNAT_STATS_A_INPKTS, c.inpkts) ||
	    FNAT_PUT64(FNAT_STATS_A_OUTPKTS, c.outpkts) ||
	    FNAT_PUT64(FNAT_STATS_A_INBYTES, c.inbytes) ||
	    FNAT_PUT64(FNAT_STATS_A_OUTBYTES, c.outbytes) ||
	    FNAT_PUT_RATE(FNAT_STATS_A_CPS, r.cps) ||
	    FNAT_PUT_RATE(FNAT_STATS_A_INPPS, r.inpps) ||
	    FNAT_PUT_RATE(FNAT_STATS_A_OUTPPS, r.outpps) ||
	    FNAT_PUT_RATE(FNAT_STATS_A_INBPS, r.inbps) ||
	    FNAT_PUT_RATE(FNAT_STATS_A_OUTBPS, r.outbps)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
#undef FNAT_PUT_RATE
#undef FNAT_PUT64
	nla_nest_end(skb, nest);
	return 0;
}

/* Fills one FNAT_A_SERVICE reply; caller is in an RCU read section. */
static int fnat_genl_fill_svc(struct sk_buff *skb,
			      struct fnat_service *svc,
			      u32 portid, u32 seq, int flags,
			      struct netlink_callback *cb)
{
	const struct fnat_scheduler *sched = READ_ONCE(svc->sched);
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &fnat_genl_family, flags,
			  FNAT_CMD_GET_SERVICE);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	nest = nla_nest_start(skb, FNAT_A_SERVICE);
	if (!nest)
		goto cancel;
	if (nla_put_u16(skb, FNAT_SVC_A_FAMILY, svc->key.af) ||
	    nla_put_u8(skb, FNAT_SVC_A_PROTOCOL, svc->key.protocol) ||
	    fnat_genl_put_addr(skb, FNAT_SVC_A_ADDR, &svc->key.addr) ||
	    nla_put_be16(skb, FNAT_SVC_A_PORT, svc->key.port) ||
	    nla_put_string(skb, FNAT_SVC_A_SCHED_NAME, sched->name) ||
	    nla_put_u32(skb, FNAT_SVC_A_FLAGS, READ_ONCE(svc->flags)) ||
	    nla_put_u32(skb, FNAT_SVC_A_TIMEOUT, READ_ONCE(svc->timeout)) ||
	    nla_put_u8(skb, FNAT_SVC_A_NETMASK, READ_ONCE(svc->netmask)) ||
	    nla_put_u32(skb, FNAT_SVC_A_NUM_DESTS, READ_ONCE(svc->num_dests)) ||
	    fnat_genl_put_stats(skb, FNAT_SVC_A_STATS, &svc->stats))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int fnat_genl_fill_dest(struct sk_buff *skb,
			       struct fnat_dest *dest,
			       u32 portid, u32 seq, int flags,
			       struct netlink_callback *cb)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &fnat_genl_family, flags,
			  FNAT_CMD_GET_DEST);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	nest = nla_nest_start(skb, FNAT_A_DEST);
	if (!nest)
		goto cancel;
	if (nla_put_u16(skb, FNAT_DEST_A_FAMILY, dest->key.af) ||
	    fnat_genl_put_addr(skb, FNAT_DEST_A_ADDR, &dest->key.addr) ||
	    nla_put_be16(skb, FNAT_DEST_A_PORT, dest->key.port) ||
	    nla_put_u8(skb, FNAT_DEST_A_FWD_METHOD, READ_ONCE(dest->fwd_method)) ||
	    nla_put_u32(skb, FNAT_DEST_A_WEIGHT, atomic_read(&dest->weight)) ||
	    nla_put_u32(skb, FNAT_DEST_A_U_THRESH, READ_ONCE(dest->u_thresh)) ||
	    nla_put_u32(skb, FNAT_DEST_A_L_THRESH, READ_ONCE(dest->l_thresh)) ||
	    nla_put_u32(skb, FNAT_DEST_A_ACTIVE_CONNS,
			atomic_read(&dest->active_conns)) ||
	    nla_put_u32(skb, FNAT_DEST_A_INACT_CONNS,
			atomic_read(&dest->inact_conns)) ||
	    nla_put_u32(skb, FNAT_DEST_A_PERSIST_CONNS,
			atomic_read(&dest->persist_conns)) ||
	    fnat_genl_put_stats(skb, FNAT_DEST_A_STATS, &dest->stats))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int fnat_genl_get_svc(struct sk_buff *skb, struct genl_info *info)
{
	struct fnat_netns *fn = fnat_genl_netns(info);
	struct nlattr *tb[FNAT_SVC_A_MAX + 1];
	struct fnat_service *svc;
	struct fnat_svc_key key;
	struct sk_buff *msg;
	int err;

	err = fnat_genl_svc_key(info->attrs, &key, tb, info->extack);
	if (err)
		return err;
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rcu_read_lock();
	svc = fnat_svc_lookup(fn, &key);
	if (!svc) {
		rcu_read_unlock();
		nlmsg_free(msg);
		NL_SET_ERR_MSG(info->extack, "No such service");
		return -ESRCH;
	}
	err = fnat_genl_fill_svc(msg, svc, info->snd_portid, info->snd_seq,
				 0, NULL);
	rcu_read_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Dumps resume by position (cb->args[0] entries already sent) and flag
 * NLM_F_DUMP_INTR when the table changed between parts, so a reader can
 * tell a torn listing from a true one.
 */
static int fnat_genl_dump_svc(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct fnat_netns *fn = fnat_netns(sock_net(skb->sk));
	long skip = cb->args[0], idx = 0;
	struct fnat_service *svc;

	rcu_read_lock();
	cb->seq = READ_ONCE(fn->gen);
	list_for_each_entry_rcu(svc, &fn->svc_list, list) {
		if (idx++ < skip)
			continue;
		if (fnat_genl_fill_svc(skb, svc, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI, cb)) {
			idx--;
			break;
		}
	}
	rcu_read_unlock();
	cb->args[0] = idx;
	return skb->len;
}

static int fnat_genl_dump_dest_key(struct netlink_callback *cb,
				   struct fnat_svc_key *key)
{
	struct nlattr *tb[FNAT_SVC_A_MAX + 1];

	return fnat_genl_svc_key(fnat_genl_dump_attrs(cb), key, tb,
				 cb->extack);
}

/*
 * A dump of a service that does not exist fails in its first part, where
 * the error and its extack message reach the reader (the core gives dump
 * start callbacks no extack on 6.1). A service deleted between parts just
 * ends the dump; the generation moved, so the end carries NLM_F_DUMP_INTR.
 */
static int fnat_genl_dump_dest(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	struct fnat_netns *fn = fnat_netns(sock_net(skb->sk));
	long skip = cb->args[0], idx = 0;
	struct fnat_service *svc;
	struct fnat_dest *dest;
	struct fnat_svc_key key;
	int err;

	err = fnat_genl_dump_dest_key(cb, &key);
	if (err)
		return err;
	rcu_read_lock();
	cb->seq = READ_ONCE(fn->gen);
	svc = fnat_svc_lookup(fn, &key);
	if (!svc) {
		rcu_read_unlock();
		if (cb->args[1])
			return 0;
		NL_SET_ERR_MSG(cb->extack, "No such service");
		return -ESRCH;
	}
	cb->args[1] = 1;
	list_for_each_entry_rcu(dest, &svc->dests, list) {
		if (idx++ < skip)
			continue;
		if (fnat_genl_fill_dest(skb, dest, NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq, NLM_F_MULTI, cb)) {
			idx--;
			break;
		}
	}
	rcu_read_unlock();
	cb->args[0] = idx;
	return skb->len;
}

struct fnat_genl_conn_ctx {
	struct sk_buff			*skb;
	struct netlink_callback		*cb;
	const struct fnat_svc_key	*filter;
	unsigned long			now;
};

static const char *fnat_genl_conn_state(const struct fnat_conn *c)
{
	if (c->is_template)
		return "NONE";
	if (c->tuple[FNAT_DIR_ORIG].protocol == IPPROTO_UDP)
		return "UDP";
	return fnat_tcp_state_name(READ_ONCE(c->state));
}

/* One FNAT_A_CONN message; -EMSGSIZE ends this part of the dump. */
static int fnat_genl_fill_conn(struct fnat_conn *c, void *arg)
{
	const struct fnat_tuple *o = &c->tuple[FNAT_DIR_ORIG];
	struct fnat_genl_conn_ctx *ctx = arg;
	const struct fnat_svc_key *k = ctx->filter;
	struct sk_buff *skb = ctx->skb;
	struct fnat_tuple r = c->tuple[FNAT_DIR_REPLY];
	u8 protocol = o->protocol;
	__be16 cport = o->sport;
	unsigned long left;
	struct nlattr *nest;
	void *hdr;

	/*
	 * A template shows as IPVS shows one: the client network with port
	 * 0, the service, the dest it pins clients to.
	 */
	if (c->is_template) {
		protocol = fnat_persist_protocol(c);
		cport = 0;
		r.saddr = c->dest->key.addr;
		r.sport = c->dest->key.port;
		r.daddr = o->saddr;
		r.dport = 0;
	}
	if (k && (protocol != k->protocol || o->dport != k->port ||
		  !fnat_addr_equal(o->af, &o->daddr, &k->addr)))
		return 0;
	left = READ_ONCE(c->expires) - ctx->now;
	hdr = genlmsg_put(skb, NETLINK_CB(ctx->cb->skb).portid,
			  ctx->cb->nlh->nlmsg_seq, &fnat_genl_family,
			  NLM_F_MULTI, FNAT_CMD_GET_CONN);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, FNAT_A_CONN);
	if (!nest ||
	    nla_put_u16(skb, FNAT_CONN_A_FAMILY, o->af) ||
	    nla_put_u16(skb, FNAT_CONN_A_LOCAL_FAMILY,
			c->is_template ? o->af : c->tuple[FNAT_DIR_REPLY].af) ||
	    nla_put_u16(skb, FNAT_CONN_A_DEST_FAMILY,
			c->dest ? c->dest->key.af : o->af) ||
	    nla_put_u8(skb, FNAT_CONN_A_PROTOCOL, protocol) ||
	    fnat_genl_put_addr(skb, FNAT_CONN_A_CADDR, &o->saddr) ||
	    nla_put_be16(skb, FNAT_CONN_A_CPORT, cport) ||
	    fnat_genl_put_addr(skb, FNAT_CONN_A_VADDR, &o->daddr) ||
	    nla_put_be16(skb, FNAT_CONN_A_VPORT, o->dport) ||
	    fnat_genl_put_addr(skb, FNAT_CONN_A_LADDR, &r.daddr) ||
	    nla_put_be16(skb, FNAT_CONN_A_LPORT, r.dport) ||
	    fnat_genl_put_addr(skb, FNAT_CONN_A_DADDR, &r.saddr) ||
	    nla_put_be16(skb, FNAT_CONN_A_DPORT, r.sport) ||
	    nla_put_u8(skb, FNAT_CONN_A_FWD_METHOD, c->fwd_method) ||
	    nla_put_string(skb, FNAT_CONN_A_STATE, fnat_genl_conn_state(c)) ||
	    nla_put_u32(skb, FNAT_CONN_A_EXPIRES,
			min_t(unsigned long, jiffies_to_msecs(left), U32_MAX))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * The connection dump walks the shared table a bucket at a time under RCU
 * and resumes at (bucket, position in bucket): no lock is held across
 * buckets, however big the table. As with services' dest dumps, a
 * service filter naming no service fails in the first part.
 */
static int fnat_genl_dump_conn(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct fnat_netns *fn = fnat_netns(net);
	struct fnat_conn_table *t = fnat_conns();
	struct nlattr **attrs = fnat_genl_dump_attrs(cb);
	struct fnat_genl_conn_ctx ctx = {
		.skb	= skb,
		.cb	= cb,
		.now	= jiffies,
	};
	unsigned int b, pos = cb->args[1], size = fnat_conn_tab_size();
	struct nlattr *tb[FNAT_SVC_A_MAX + 1];
	struct fnat_svc_key key;
	int err;

	if (attrs[FNAT_A_SERVICE]) {
		err = fnat_genl_svc_key(attrs, &key, tb, cb->extack);
		if (err)
			return err;
		if (!cb->args[2]) {
			rcu_read_lock();
			err = fnat_svc_lookup(fn, &key) ? 0 : -ESRCH;
			rcu_read_unlock();
			if (err) {
				NL_SET_ERR_MSG(cb->extack, "No such service");
				return err;
			}
		}
		ctx.filter = &key;
	}
	cb->args[2] = 1;
	for (b = cb->args[0]; b < size; b++) {
		if (fnat_conn_walk_bucket(t, b, net, ctx.now, &pos,
					  fnat_genl_fill_conn, &ctx))
			break;
		pos = 0;
	}
	cb->args[0] = b;
	cb->args[1] = pos;
	return skb->len;
}

static int fnat_genl_fill_laddr(struct sk_buff *skb, struct fnat_service *svc,
				struct fnat_laddr *la,
				struct netlink_callback *cb)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &fnat_genl_family, NLM_F_MULTI, FNAT_CMD_GET_LADDR);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	nest = nla_nest_start(skb, FNAT_A_SERVICE);
	if (!nest ||
	    nla_put_u16(skb, FNAT_SVC_A_FAMILY, svc->key.af) ||
	    nla_put_u8(skb, FNAT_SVC_A_PROTOCOL, svc->key.protocol) ||
	    fnat_genl_put_addr(skb, FNAT_SVC_A_ADDR, &svc->key.addr) ||
	    nla_put_be16(skb, FNAT_SVC_A_PORT, svc->key.port))
		goto nospace;
	nla_nest_end(skb, nest);
	nest = nla_nest_start(skb, FNAT_A_LADDR);
	if (!nest ||
	    nla_put_u16(skb, FNAT_LADDR_A_FAMILY, la->af) ||
	    fnat_genl_put_addr(skb, FNAT_LADDR_A_ADDR, &la->addr) ||
	    nla_put_u32(skb, FNAT_LADDR_A_CONNS, atomic_read(&la->conns)) ||
	    nla_put_u64_64bit(skb, FNAT_LADDR_A_CONFLICTS,
			      atomic64_read(&la->conflicts),
			      FNAT_LADDR_A_PAD) ||
	    nla_put_u64_64bit(skb, FNAT_LADDR_A_EXHAUSTED,
			      atomic64_read(&la->exhausted), FNAT_LADDR_A_PAD))
		goto nospace;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
nospace:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * Local addresses of every service or of one, resuming by position
 * (cb->args[0] addresses sent) like the other configuration dumps.
 */
static int fnat_genl_dump_laddr(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct fnat_netns *fn = fnat_netns(sock_net(skb->sk));
	struct nlattr **attrs = fnat_genl_dump_attrs(cb);
	struct nlattr *tb[FNAT_SVC_A_MAX + 1];
	long skip = cb->args[0], idx = 0;
	struct fnat_service *svc, *only = NULL;
	struct fnat_svc_key key;
	struct fnat_laddr *la;
	int err;

	if (attrs[FNAT_A_SERVICE]) {
		err = fnat_genl_svc_key(attrs, &key, tb, cb->extack);
		if (err)
			return err;
	}
	rcu_read_lock();
	cb->seq = READ_ONCE(fn->gen);
	if (attrs[FNAT_A_SERVICE]) {
		only = fnat_svc_lookup(fn, &key);
		if (!only) {
			rcu_read_unlock();
			if (cb->args[1])
				return 0;
			NL_SET_ERR_MSG(cb->extack, "No such service");
			return -ESRCH;
		}
	}
	cb->args[1] = 1;
	list_for_each_entry_rcu(svc, &fn->svc_list, list) {
		if (only && svc != only)
			continue;
		list_for_each_entry_rcu(la, &svc->laddrs, list) {
			if (idx++ < skip)
				continue;
			if (fnat_genl_fill_laddr(skb, svc, la, cb)) {
				idx--;
				goto out;
			}
		}
	}
out:
	rcu_read_unlock();
	cb->args[0] = idx;
	return skb->len;
}

static int fnat_genl_zero(struct sk_buff *skb, struct genl_info *info)
{
	struct fnat_netns *fn = fnat_genl_netns(info);
	struct nlattr *tb[FNAT_SVC_A_MAX + 1];
	struct fnat_svc_key key;
	int err;

	if (info->attrs[FNAT_A_SERVICE]) {
		err = fnat_genl_svc_key(info->attrs, &key, tb, info->extack);
		if (err)
			return err;
	}
	mutex_lock(&fn->lock);
	err = fnat_svc_zero(fn, info->attrs[FNAT_A_SERVICE] ? &key : NULL,
			    info->extack);
	mutex_unlock(&fn->lock);
	return err;
}

/* Answers a GET with one nest of @attr filled by @fill. */
static int fnat_genl_reply_nest(struct genl_info *info, u8 cmd, int attr,
				int (*fill)(struct sk_buff *msg,
					    struct fnat_netns *fn))
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &fnat_genl_family, 0, cmd);
	if (!hdr)
		goto nospace;
	nest = nla_nest_start(msg, attr);
	if (!nest || fill(msg, fnat_genl_netns(info)))
		goto nospace;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* One entry per counted drop reason, in the enum's order. */
static int fnat_genl_put_drops(struct sk_buff *msg, struct fnat_netns *fn)
{
	struct nlattr *nest, *entry;
	unsigned int r;

	nest = nla_nest_start(msg, FNAT_INFO_A_DROPS);
	if (!nest)
		return -EMSGSIZE;
	for (r = 1; r < FNAT_DROP_REASON_MAX; r++) {
		if (!fnat_drop_reason_counted(r))
			continue;
		entry = nla_nest_start(msg, FNAT_DROPS_A_ENTRY);
		if (!entry ||
		    nla_put_string(msg, FNAT_DROP_A_NAME,
				   fnat_drop_reason_name(r)) ||
		    nla_put_u64_64bit(msg, FNAT_DROP_A_COUNT,
				      fnat_drops_read(fn, r), FNAT_DROP_A_PAD))
			return -EMSGSIZE;
		nla_nest_end(msg, entry);
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int fnat_genl_fill_info(struct sk_buff *msg, struct fnat_netns *fn)
{
	struct fnat_sp_stats sp;

	fnat_sp_stats_read(fn, &sp);
	return nla_put_u32(msg, FNAT_INFO_A_VERSION, FNAT_VERSION_CODE) ?:
	       nla_put_u32(msg, FNAT_INFO_A_CONN_TAB_SIZE,
			   fnat_conn_tab_size()) ?:
	       nla_put_u32(msg, FNAT_INFO_A_NUM_SERVICES,
			   READ_ONCE(fn->num_services)) ?:
	       nla_put_u32(msg, FNAT_INFO_A_NUM_CONNS,
			   atomic_read(&fn->num_conns)) ?:
	       fnat_genl_put_stats(msg, FNAT_INFO_A_STATS, &fn->stats) ?:
	       nla_put_u64_64bit(msg, FNAT_INFO_A_TOA_ADDED,
				 atomic64_read(&fn->toa_added),
				 FNAT_INFO_A_PAD) ?:
	       nla_put_u64_64bit(msg, FNAT_INFO_A_TOA_SKIPPED,
				 atomic64_read(&fn->toa_skipped),
				 FNAT_INFO_A_PAD) ?:
	       nla_put_u64_64bit(msg, FNAT_INFO_A_SYNPROXY_COOKIES, sp.cookies,
				 FNAT_INFO_A_PAD) ?:
	       nla_put_u64_64bit(msg, FNAT_INFO_A_SYNPROXY_ACKS, sp.acks,
				 FNAT_INFO_A_PAD) ?:
	       nla_put_u64_64bit(msg, FNAT_INFO_A_SYNPROXY_RS_RESETS,
				 sp.rs_resets, FNAT_INFO_A_PAD) ?:
	       fnat_genl_put_drops(msg, fn);
}

static int fnat_genl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	return fnat_genl_reply_nest(info, FNAT_CMD_GET_INFO, FNAT_A_INFO,
				    fnat_genl_fill_info);
}

static int fnat_genl_fill_timeout(struct sk_buff *msg, struct fnat_netns *fn)
{
	return nla_put_u32(msg, FNAT_TIMEOUT_A_TCP,
			   READ_ONCE(fn->timeout_tcp)) ?:
	       nla_put_u32(msg, FNAT_TIMEOUT_A_TCP_FIN,
			   READ_ONCE(fn->timeout_tcp_fin)) ?:
	       nla_put_u32(msg, FNAT_TIMEOUT_A_UDP,
			   READ_ONCE(fn->timeout_udp));
}

static int fnat_genl_get_timeout(struct sk_buff *skb, struct genl_info *info)
{
	return fnat_genl_reply_nest(info, FNAT_CMD_GET_TIMEOUT, FNAT_A_TIMEOUT,
				    fnat_genl_fill_timeout);
}

static int fnat_genl_set_timeout(struct sk_buff *skb, struct genl_info *info)
{
	struct fnat_netns *fn = fnat_genl_netns(info);
	struct nlattr *tb[FNAT_TIMEOUT_A_MAX + 1];
	struct fnat_timeout_conf conf = {};
	int err;

	if (!info->attrs[FNAT_A_TIMEOUT]) {
		NL_SET_ERR_MSG(info->extack, "Missing timeout attribute");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, FNAT_TIMEOUT_A_MAX, info->attrs[FNAT_A_TIMEOUT],
			       fnat_timeout_policy, info->extack);
	if (err)
		return err;
	if (tb[FNAT_TIMEOUT_A_TCP]) {
		conf.tcp = nla_get_u32(tb[FNAT_TIMEOUT_A_TCP]);
		conf.has_tcp = true;
	}
	if (tb[FNAT_TIMEOUT_A_TCP_FIN]) {
		conf.tcp_fin = nla_get_u32(tb[FNAT_TIMEOUT_A_TCP_FIN]);
		conf.has_tcp_fin = true;
	}
	if (tb[FNAT_TIMEOUT_A_UDP]) {
		conf.udp = nla_get_u32(tb[FNAT_TIMEOUT_A_UDP]);
		conf.has_udp = true;
	}
	mutex_lock(&fn->lock);
	err = fnat_netns_set_timeouts(fn, &conf, info->extack);
	mutex_unlock(&fn->lock);
	return err;
}

#define FNAT_OP(_cmd, _flags, _doit, _policy) {		\
	.cmd		= (_cmd),					\
	.flags		= (_flags),					\
	.doit		= (_doit),					\
	.policy		= (_policy),					\
	.maxattr	= ARRAY_SIZE(_policy) - 1,			\
}

/* Writes need CAP_NET_ADMIN in the user namespace owning the netns. */
#define FNAT_WRITE	GENL_UNS_ADMIN_PERM

static const struct genl_ops fnat_genl_ops[] = {
	FNAT_OP(FNAT_CMD_NEW_SERVICE, FNAT_WRITE, fnat_genl_svc_write,
		fnat_svc_cmd_policy),
	FNAT_OP(FNAT_CMD_SET_SERVICE, FNAT_WRITE, fnat_genl_svc_write,
		fnat_svc_cmd_policy),
	FNAT_OP(FNAT_CMD_DEL_SERVICE, FNAT_WRITE, fnat_genl_svc_write,
		fnat_svc_cmd_policy),
	{
		.cmd	= FNAT_CMD_GET_SERVICE,
		.doit	= fnat_genl_get_svc,
		.dumpit	= fnat_genl_dump_svc,
		.policy	= fnat_svc_cmd_policy,
		.maxattr = ARRAY_SIZE(fnat_svc_cmd_policy) - 1,
	},
	FNAT_OP(FNAT_CMD_NEW_DEST, FNAT_WRITE, fnat_genl_dest_write,
		fnat_dest_cmd_policy),
	FNAT_OP(FNAT_CMD_SET_DEST, FNAT_WRITE, fnat_genl_dest_write,
		fnat_dest_cmd_policy),
	FNAT_OP(FNAT_CMD_DEL_DEST, FNAT_WRITE, fnat_genl_dest_write,
		fnat_dest_cmd_policy),
	{
		.cmd	= FNAT_CMD_GET_DEST,
		.dumpit	= fnat_genl_dump_dest,
		.policy	= fnat_svc_cmd_policy,
		.maxattr = ARRAY_SIZE(fnat_svc_cmd_policy) - 1,
	},
	/* No policy: the core then refuses any attribute. */
	{
		.cmd	= FNAT_CMD_FLUSH,
		.flags	= FNAT_WRITE,
		.doit	= fnat_genl_flush,
	},
	{
		.cmd	= FNAT_CMD_GET_INFO,
		.doit	= fnat_genl_get_info,
	},
	FNAT_OP(FNAT_CMD_SET_TIMEOUT, FNAT_WRITE, fnat_genl_set_timeout,
		fnat_timeout_cmd_policy),
	{
		.cmd	= FNAT_CMD_GET_TIMEOUT,
		.doit	= fnat_genl_get_timeout,
	},
	FNAT_OP(FNAT_CMD_ZERO, FNAT_WRITE, fnat_genl_zero, fnat_svc_cmd_policy),
	{
		.cmd	= FNAT_CMD_GET_CONN,
		.dumpit	= fnat_genl_dump_conn,
		.policy	= fnat_svc_cmd_policy,
		.maxattr = ARRAY_SIZE(fnat_svc_cmd_policy) - 1,
	},
	FNAT_OP(FNAT_CMD_NEW_LADDR, FNAT_WRITE, fnat_genl_laddr_write,
		fnat_laddr_cmd_policy),
	FNAT_OP(FNAT_CMD_DEL_LADDR, FNAT_WRITE, fnat_genl_laddr_write,
		fnat_laddr_cmd_policy),
	{
		.cmd	= FNAT_CMD_GET_LADDR,
		.dumpit	= fnat_genl_dump_laddr,
		.policy	= fnat_svc_cmd_policy,
		.maxattr = ARRAY_SIZE(fnat_svc_cmd_policy) - 1,
	},
	FNAT_OP(FNAT_CMD_NEW_DAEMON, FNAT_WRITE, fnat_genl_daemon_new,
		fnat_daemon_cmd_policy),
	FNAT_OP(FNAT_CMD_DEL_DAEMON, FNAT_WRITE, fnat_genl_daemon_del,
		fnat_daemon_cmd_policy),
	/* No policy: the core then refuses any attribute. */
	{
		.cmd	= FNAT_CMD_GET_DAEMON,
		.dumpit	= fnat_genl_daemon_dump,
	},
};

struct genl_family fnat_genl_family __ro_after_init = {
	.name		= FNAT_GENL_NAME,
	.version	= FNAT_GENL_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= fnat_genl_ops,
	.n_ops		= ARRAY_SIZE(fnat_genl_ops),
	.resv_start_op	= 0,
};

int fnat_genl_register(void)
{
	return genl_register_family(&fnat_genl_family);
}

void fnat_genl_unregister(void)
{
	genl_unregister_family(&fnat_genl_family);
}

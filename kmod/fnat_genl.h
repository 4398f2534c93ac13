/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: what the generic-netlink family's files share. fnat_genl.c holds
 * the family and the configuration commands; fnat_genl_sync.c the sync
 * daemon commands.
 */
#ifndef _FNAT_GENL_H
#define _FNAT_GENL_H

#include <net/genetlink.h>
#include <uapi/fnat.h>

extern struct genl_family fnat_genl_family;

extern const struct nla_policy fnat_daemon_cmd_policy[FNAT_A_DAEMON + 1];
int fnat_genl_daemon_new(struct sk_buff *skb, struct genl_info *info);
int fnat_genl_daemon_del(struct sk_buff *skb, struct genl_info *info);
int fnat_genl_daemon_dump(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _FNAT_GENL_H */

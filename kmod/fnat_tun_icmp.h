/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: path MTU beyond the director for TUN (fnat_tun_icmp.c).
 */
#ifndef _FNAT_TUN_ICMP_H
#define _FNAT_TUN_ICMP_H

#include <linux/types.h>
#include "fnat.h"

struct sk_buff;

/* The MTU a router beyond the director reported for @dest, or 0. */
u32 fnat_tun_mtu(const struct fnat_dest *dest);
/* LOCAL_IN: an ICMP error to the director that fnat_pkt_parse() refused. */
unsigned int fnat_tun_icmp(struct fnat_netns *fn, struct sk_buff *skb, u8 pf);

#endif /* _FNAT_TUN_ICMP_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: TOA, the TCP option that tells a FULLNAT real server the client's
 * address: kind 254, length 8 (client port, IPv4 address) as LVS FULLNAT
 * and its real-server modules define it, or kind 253, length 20 (port,
 * IPv6 address) for IPv6 clients. The uapi header specifies both.
 */
#ifndef _FNAT_TOA_H
#define _FNAT_TOA_H

#include <linux/types.h>
#include <uapi/fnat.h>
#include "fnat_pkt.h"

struct sk_buff;

bool fnat_toa_enabled(void);
void fnat_toa_set_enabled(bool on);
unsigned int fnat_toa_len(u16 client_af);
int fnat_toa_insert(struct sk_buff *skb, const struct fnat_pkt *p,
		    const struct fnat_tuple *client, unsigned int mtu);
int fnat_tcp_clamp_mss(struct sk_buff *skb, const struct fnat_pkt *p,
		       u16 room);

#endif /* _FNAT_TOA_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: TOA, the TCP option that tells a FULLNAT real server the client's
 * address (kind 254, length 8: client port, client IPv4 address, both in
 * network order, as LVS FULLNAT and its real-server modules define it).
 */
#ifndef _FNAT_TOA_H
#define _FNAT_TOA_H

#include <linux/types.h>
#include "fnat_pkt.h"

#define FNAT_TOA_KIND	254
#define FNAT_TOA_LEN	8

struct sk_buff;

bool fnat_toa_enabled(void);
void fnat_toa_set_enabled(bool on);
int fnat_toa_insert(struct sk_buff *skb, const struct fnat_pkt *p,
		    __be32 caddr, __be16 cport, unsigned int mtu);
int fnat_tcp_clamp_mss(struct sk_buff *skb, const struct fnat_pkt *p,
		       u16 room);

#endif /* _FNAT_TOA_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: SYN cookies for the SYN proxy (fnat_synproxy.c).
 */
#ifndef _FNAT_SYNPROXY_COOKIE_H
#define _FNAT_SYNPROXY_COOKIE_H

#include <linux/siphash.h>
#include <linux/types.h>
#include "fnat_conn.h"

/* No window scale option. */
#define FNAT_SP_WS_NONE		0xff
/* RFC 7323's largest shift. */
#define FNAT_SP_WS_MAX		14

/* The TCP options of a SYN the cookie remembers. */
struct fnat_sp_opts {
	u16	mss;		/* 0: none */
	u8	wscale;		/* FNAT_SP_WS_NONE or 0..FNAT_SP_WS_MAX */
	bool	sack;
};

struct fnat_sp_keys {
	siphash_key_t	k[2];
	struct rcu_head	rcu;
};

u32 fnat_sp_cookie_count(void);
u32 fnat_sp_cookie(const struct fnat_sp_keys *keys,
		   const struct fnat_tuple *t, u32 isn, u32 count, u8 ws,
		   u8 data);
bool fnat_sp_cookie_check(const struct fnat_sp_keys *keys,
			  const struct fnat_tuple *t, u32 isn, u32 cookie,
			  u32 count, u8 ws, u8 *data);
/* The options the proxy's SYN-ACK and SYN carry: at most 12 bytes. */
#define FNAT_SP_OPTS_MAX	12

void fnat_sp_parse_opts(const u8 *opt, unsigned int len,
			struct fnat_sp_opts *o);
unsigned int fnat_sp_write_opts(u8 *b, const struct fnat_sp_opts *o);
u8 fnat_sp_data_encode(const struct fnat_sp_opts *o, u16 af);
void fnat_sp_data_decode(u8 data, struct fnat_sp_opts *o);

#endif /* _FNAT_SYNPROXY_COOKIE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: persistence, so a client keeps its real server across connections.
 */
#ifndef _FNAT_PERSIST_H
#define _FNAT_PERSIST_H

#include "fnat_conn.h"
#include "fnat_pkt.h"
#include "fnat_sched.h"

struct fnat_dest *fnat_persist_dest(struct fnat_netns *fn,
				    struct fnat_service *svc,
				    const struct fnat_pkt *p,
				    const struct fnat_sched_ctx *ctx,
				    struct fnat_conn **tmplp);
void fnat_persist_touch(struct fnat_conn *tmpl);
void fnat_persist_tuples(const struct fnat_service *svc,
			 const union nf_inet_addr *client, u8 protocol,
			 struct fnat_tuple *orig, struct fnat_tuple *reply);
struct fnat_conn *fnat_persist_find(struct fnat_netns *fn,
				    const struct fnat_service *svc,
				    const union nf_inet_addr *client,
				    u8 protocol);
u8 fnat_persist_protocol(const struct fnat_conn *tmpl);

bool fnat_persist_expire_quiescent(void);
void fnat_persist_set_expire_quiescent(bool on);

#endif /* _FNAT_PERSIST_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: persistence templates.
 *
 * A persistent service (-p TIMEOUT, -M NETMASK) remembers which real
 * server each client network (the client address under the netmask) was
 * given, in a template: an entry of the connection table that no packet
 * matches (its tuples carry protocol numbers no packet is looked up
 * with), naming the dest and expiring TIMEOUT seconds after the client
 * last started a connection or sent a packet. While it lives, the
 * client's new connections go to that dest, whatever the scheduler would
 * say; a template for a port-0 service covers every port of the VIP,
 * so a client keeps one server across the services it uses there.
 *
 * As in IPVS, a template keeps pinning clients to a dest at weight 0 (so
 * a drained server still sees its sessions through) unless
 * expire_quiescent_template is set, and never to a deleted dest. Templates
 * are listed by -Lnc with state NONE and client port 0, and counted in the
 * dest's PersistConn.
 */
#include <linux/inetdevice.h>
#include <linux/jiffies.h>
#include <net/ipv6.h>
#include "fnat_persist.h"

/* The protocols of a template's two tuples. */
#define FNAT_PROTO_TEMPLATE		IPPROTO_RAW
#define FNAT_PROTO_TEMPLATE_REPLY	(IPPROTO_RAW - 1)

static bool fnat_expire_quiescent __read_mostly;

bool fnat_persist_expire_quiescent(void)
{
	return READ_ONCE(fnat_expire_quiescent);
}

void fnat_persist_set_expire_quiescent(bool on)
{
	WRITE_ONCE(fnat_expire_quiescent, on);
}

/* The protocol of the connections a template stands for. */
u8 fnat_persist_protocol(const struct fnat_conn *tmpl)
{
	return ntohs(tmpl->tuple[FNAT_DIR_ORIG].sport);
}

/*
 * A template's tuples: the client network, the service's address and port
 * (0 for a port-0 service), the connections' protocol in the source port;
 * the reply tuple is the same under another protocol, so it is as unique.
 */
void fnat_persist_tuples(const struct fnat_service *svc,
			 const union nf_inet_addr *client, u8 protocol,
			 struct fnat_tuple *orig, struct fnat_tuple *reply)
{
	u8 mask = READ_ONCE(svc->netmask);

	memset(orig, 0, sizeof(*orig));
	orig->af = svc->key.af;
	orig->protocol = FNAT_PROTO_TEMPLATE;
	if (orig->af == AF_INET6)
		ipv6_addr_prefix(&orig->saddr.in6, &client->in6,
				 min_t(u8, mask, 128));
	else
		orig->saddr.ip = client->ip & inet_make_mask(min_t(u8, mask, 32));
	orig->daddr = svc->key.addr;
	orig->sport = htons(protocol);
	orig->dport = svc->key.port;
	*reply = *orig;
	reply->protocol = FNAT_PROTO_TEMPLATE_REPLY;
}

/* The live template of @client's network, with a reference, or NULL. */
struct fnat_conn *fnat_persist_find(struct fnat_netns *fn,
				    const struct fnat_service *svc,
				    const union nf_inet_addr *client,
				    u8 protocol)
{
	struct fnat_tuple orig, reply;
	enum fnat_conn_dir dir;

	fnat_persist_tuples(svc, client, protocol, &orig, &reply);
	return fnat_conn_lookup(fnat_conns(), fn->net, &orig, jiffies, &dir);
}

static unsigned long fnat_persist_timeout(const struct fnat_conn *tmpl)
{
	return (unsigned long)tmpl->tmpl_timeout * HZ;
}

/*
 * Keeps a template alive for its timeout from now. Written only when
 * less than half of it is left, so a busy client's packets do not all
 * write to the one template its connections share.
 */
void fnat_persist_touch(struct fnat_conn *tmpl)
{
	unsigned long timeout = fnat_persist_timeout(tmpl);

	if (time_before(READ_ONCE(tmpl->expires), jiffies + timeout / 2))
		fnat_conn_set_expires(tmpl, jiffies + timeout);
}

/* Whether a template may still pin its clients to its dest. */
static bool fnat_persist_valid(const struct fnat_conn *tmpl)
{
	const struct fnat_dest *dest = tmpl->dest;

	if (test_bit(FNAT_DEST_F_DELETED, &dest->flags))
		return false;
	return !fnat_persist_expire_quiescent() ||
	       atomic_read(&dest->weight) > 0;
}

/*
 * The dest a persistent service gives the client of @p: its template's,
 * or a new one from the scheduler with a new template. Returns the dest
 * with a reference for the connection, and in *@tmplp the template with
 * one; NULL when no dest is available.
 */
struct fnat_dest *fnat_persist_dest(struct fnat_netns *fn,
				    struct fnat_service *svc,
				    const struct fnat_pkt *p,
				    const struct fnat_sched_ctx *ctx,
				    struct fnat_conn **tmplp)
{
	struct fnat_conn_table *t = fnat_conns();
	u32 timeout = READ_ONCE(svc->timeout);
	struct fnat_tuple orig, reply;
	enum fnat_conn_dir dir;
	struct fnat_conn *tmpl;
	struct fnat_dest *dest;
	int tries;

	fnat_persist_tuples(svc, &p->tuple.saddr, p->tuple.protocol, &orig,
			    &reply);
	for (tries = 0; tries < 2; tries++) {
		tmpl = fnat_conn_lookup(t, fn->net, &orig, jiffies, &dir);
		if (tmpl && !fnat_persist_valid(tmpl)) {
			fnat_conn_unlink(t, tmpl);
			fnat_conn_put(tmpl);
			tmpl = NULL;
		}
		if (tmpl) {
			if (fnat_dest_hold(tmpl->dest)) {
				fnat_conn_set_expires(tmpl, jiffies +
						      fnat_persist_timeout(tmpl));
				*tmplp = tmpl;
				return tmpl->dest;
			}
			fnat_conn_put(tmpl);
			return NULL;
		}

		dest = fnat_sched_pick(svc, ctx);
		if (!dest || !fnat_dest_hold(dest))
			return NULL;
		tmpl = fnat_conn_alloc(t, fn->net, &orig, &reply,
				       jiffies + (unsigned long)timeout * HZ);
		if (IS_ERR(tmpl)) {
			fnat_dest_put(dest);
			return NULL;
		}
		tmpl->dest = dest;
		tmpl->net_count = &fn->num_conns;
		tmpl->is_template = true;
		tmpl->fwd_method = READ_ONCE(dest->fwd_method);
		tmpl->tmpl_timeout = timeout;
		if (!fnat_conn_insert(t, tmpl, jiffies)) {
			if (fnat_dest_hold(dest)) {
				*tmplp = tmpl;
				return dest;
			}
			fnat_conn_put(tmpl);
			return NULL;
		}
		/* Another CPU made the client's template first: use it. */
		fnat_conn_free_unhashed(t, tmpl);
	}
	return NULL;
}

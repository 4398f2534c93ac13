// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: connections as sync records, and records back into connections.
 *
 * A record names a connection by what both directors' configurations
 * share: the client, the service (VIP and port), the real server as the
 * service lists it and, for FULLNAT, the local address and port. The
 * backup finds its own service, dest and local address objects by those
 * keys, so the two directors must carry the same configuration; a record
 * for something the backup does not have is counted (no_service, no_dest,
 * no_laddr) and skipped. The connection the backup makes is the master's:
 * same tuples, state, remaining time and, for FULLNAT, sequence offset, so
 * packets arriving after a failover continue it as if nothing happened.
 */
#include <linux/jiffies.h>
#include "fnat_conn.h"
#include "fnat_persist.h"
#include "fnat_proto_tcp.h"
#include "fnat_sync.h"
#include "fnat_synproxy.h"

void fnat_sync_conn_to_rec(const struct fnat_conn *c, unsigned long now,
			   struct fnat_sync_conn_rec *r)
{
	const struct fnat_tuple *o = &c->tuple[FNAT_DIR_ORIG];
	const struct fnat_tuple *rp = &c->tuple[FNAT_DIR_REPLY];
	unsigned long expires = READ_ONCE(c->expires);

	memset(r, 0, sizeof(*r));
	r->af = o->af;
	r->daf = c->dest->key.af;
	r->caddr = o->saddr;
	r->vaddr = o->daddr;
	r->vport = o->dport;
	r->daddr = c->dest->key.addr;
	r->dport = c->dest->key.port;
	r->fwd_method = c->fwd_method;
	r->timeout_ms = time_after(expires, now) ?
			jiffies_to_msecs(expires - now) : 0;
	if (c->is_template) {
		r->protocol = fnat_persist_protocol(c);
		r->state = FNAT_TCP_NONE;
		r->flags = FNAT_SYNC_CONN_F_TEMPLATE;
		r->tmpl_timeout = c->tmpl_timeout;
		return;
	}
	r->protocol = o->protocol;
	r->cport = o->sport;
	r->state = READ_ONCE(c->state);
	if (READ_ONCE(c->toa_done))
		r->flags |= FNAT_SYNC_CONN_F_TOA_DONE;
	if (c->tmpl)
		r->flags |= FNAT_SYNC_CONN_F_PERSIST;
	/* Pairs with fnat_sp_rs_reply(): delta and ws_rs are set. */
	if (c->sp && smp_load_acquire(&c->sp->ready)) {
		r->flags |= FNAT_SYNC_CONN_F_SYNPROXY;
		r->sp_delta = c->sp->delta;
		r->sp_ws[0] = c->sp->ws_client;
		r->sp_ws[1] = c->sp->ws_ann;
		r->sp_ws[2] = c->sp->ws_rs;
	}
	if (c->fwd_method == FNAT_FWD_FULLNAT) {
		r->has_laddr = true;
		r->laddr = rp->daddr;
		r->lport = rp->dport;
		if (o->protocol == IPPROTO_TCP) {
			r->has_seq_delta = true;
			r->seq_delta = c->seq_delta;
		}
	}
}

static struct fnat_service *fnat_sync_svc(struct fnat_netns *fn,
					  const struct fnat_sync_conn_rec *r)
{
	struct fnat_svc_key key = {
		.af		= r->af,
		.protocol	= r->protocol,
		.port		= r->vport,
		.addr		= r->vaddr,
	};
	struct fnat_service *svc;

	svc = fnat_svc_lookup(fn, &key);
	if (svc || !key.port || (r->flags & FNAT_SYNC_CONN_F_TEMPLATE))
		return svc;
	/* As the data path does: a port-0 service takes the other ports. */
	key.port = 0;
	return fnat_svc_lookup(fn, &key);
}

/* The backup's copy of a connection or template the record describes. */
struct fnat_sync_target {
	struct fnat_tuple	orig;
	struct fnat_tuple	reply;
	struct fnat_dest	*dest;		/* a reference */
	struct fnat_laddr	*laddr;		/* a reference, FULLNAT */
	struct fnat_service	*svc;
};

static enum fnat_sync_counter
fnat_sync_target_get(struct fnat_netns *fn, const struct fnat_sync_conn_rec *r,
		     struct fnat_sync_target *t)
{
	struct fnat_dest_key dkey = {
		.af	= r->daf,
		.port	= r->dport,
		.addr	= r->daddr,
	};

	memset(t, 0, sizeof(*t));
	t->svc = fnat_sync_svc(fn, r);
	if (!t->svc)
		return FNAT_SYNC_C_NO_SERVICE;
	t->dest = fnat_dest_lookup(t->svc, &dkey);
	if (!t->dest || !fnat_dest_hold(t->dest)) {
		t->dest = NULL;
		return FNAT_SYNC_C_NO_DEST;
	}
	if (r->flags & FNAT_SYNC_CONN_F_TEMPLATE) {
		fnat_persist_tuples(t->svc, &r->caddr, r->protocol, &t->orig,
				    &t->reply);
		return FNAT_SYNC_C_RECORDS_APPLIED;
	}
	t->orig.af = r->af;
	t->orig.protocol = r->protocol;
	t->orig.saddr = r->caddr;
	t->orig.sport = r->cport;
	t->orig.daddr = r->vaddr;
	t->orig.dport = r->vport;
	/* What the data path would make of it (fnat_core_reply_tuple). */
	t->reply = t->orig;
	t->reply.af = r->daf;
	t->reply.saddr = t->dest->key.addr;
	t->reply.sport = t->dest->key.port ?: r->vport;
	t->reply.daddr = r->caddr;
	t->reply.dport = r->cport;
	if (r->fwd_method == FNAT_FWD_FULLNAT) {
		t->laddr = fnat_laddr_lookup(t->svc, r->daf, &r->laddr);
		if (!t->laddr ||
		    test_bit(FNAT_LADDR_F_DELETED, &t->laddr->flags) ||
		    !fnat_laddr_hold(t->laddr)) {
			t->laddr = NULL;
			return FNAT_SYNC_C_NO_LADDR;
		}
		t->reply.daddr = r->laddr;
		t->reply.dport = r->lport;
	}
	return FNAT_SYNC_C_RECORDS_APPLIED;
}

static void fnat_sync_target_put(struct fnat_sync_target *t)
{
	if (t->dest)
		fnat_dest_put(t->dest);
	if (t->laddr)
		fnat_laddr_put(t->laddr);
}

static bool fnat_sync_rec_active(const struct fnat_sync_conn_rec *r)
{
	return r->protocol == IPPROTO_TCP && fnat_tcp_state_active(r->state);
}

/* Brings a copy the backup has already up to date. */
static void fnat_sync_update(struct fnat_conn *c,
			     const struct fnat_sync_conn_rec *r,
			     unsigned long expires)
{
	if (!c->is_template) {
		spin_lock_bh(&c->lock);
		WRITE_ONCE(c->state, r->state);
		spin_unlock_bh(&c->lock);
		fnat_conn_set_active(c, fnat_sync_rec_active(r));
		if (r->flags & FNAT_SYNC_CONN_F_TOA_DONE)
			WRITE_ONCE(c->toa_done, true);
	} else {
		WRITE_ONCE(c->tmpl_timeout, r->tmpl_timeout);
	}
	fnat_conn_set_expires(c, expires);
}

/*
 * A proxied connection's translation, as the master has it: the backup
 * carries it on byte for byte. Its handshake is over (the master sends
 * none before), so nothing is pending.
 */
static struct fnat_sp_conn *fnat_sync_sp(struct fnat_conn *c,
					 const struct fnat_sync_conn_rec *r)
{
	struct fnat_sp_conn *sp = kzalloc(sizeof(*sp), GFP_ATOMIC);

	if (!sp)
		return NULL;
	sp->delta = r->sp_delta;
	sp->ws_client = r->sp_ws[0];
	sp->ws_ann = r->sp_ws[1];
	sp->ws_rs = r->sp_ws[2];
	sp->ready = true;
	INIT_LIST_HEAD(&sp->retry);
	sp->conn = c;
	return sp;
}

/* Whether @c is the very connection @t describes. */
static bool fnat_sync_same(const struct fnat_conn *c,
			   const struct fnat_sync_target *t,
			   const struct fnat_sync_conn_rec *r)
{
	return c->dest == t->dest && c->laddr == t->laddr &&
	       c->fwd_method == r->fwd_method &&
	       c->is_template == !!(r->flags & FNAT_SYNC_CONN_F_TEMPLATE) &&
	       fnat_tuple_equal(&c->tuple[FNAT_DIR_REPLY], &t->reply) &&
	       !!c->sp == !!(r->flags & FNAT_SYNC_CONN_F_SYNPROXY) &&
	       (!c->sp || c->sp->delta == r->sp_delta) &&
	       (c->fwd_method != FNAT_FWD_FULLNAT ||
		c->tuple[FNAT_DIR_ORIG].protocol != IPPROTO_TCP ||
		c->seq_delta == r->seq_delta);
}

static enum fnat_sync_counter
fnat_sync_apply_conn(struct fnat_netns *fn, const struct fnat_sync_conn_rec *r)
{
	struct fnat_conn_table *tab = fnat_conns();
	unsigned long now = jiffies;
	unsigned long expires = now + msecs_to_jiffies(r->timeout_ms);
	struct fnat_sync_target t;
	enum fnat_sync_counter ret;
	enum fnat_conn_dir dir;
	struct fnat_conn *c;

	ret = fnat_sync_target_get(fn, r, &t);
	if (ret != FNAT_SYNC_C_RECORDS_APPLIED)
		goto out;
	c = fnat_conn_lookup(tab, fn->net, &t.orig, now, &dir);
	if (c) {
		if (dir == FNAT_DIR_ORIG && fnat_sync_same(c, &t, r)) {
			fnat_sync_update(c, r, expires);
			fnat_conn_put(c);
			goto out;
		}
		if (dir != FNAT_DIR_ORIG) {
			fnat_conn_put(c);
			ret = FNAT_SYNC_C_CONFLICT;
			goto out;
		}
		/* The master's word replaces an older, different copy. */
		fnat_conn_unlink(tab, c);
		fnat_conn_put(c);
	}
	c = fnat_conn_alloc(tab, fn->net, &t.orig, &t.reply, expires);
	if (IS_ERR(c)) {
		ret = FNAT_SYNC_C_NO_MEM;
		goto out;
	}
	if (r->flags & FNAT_SYNC_CONN_F_SYNPROXY) {
		c->sp = fnat_sync_sp(c, r);
		if (!c->sp) {
			fnat_conn_free_unhashed(tab, c);
			ret = FNAT_SYNC_C_NO_MEM;
			goto out;
		}
	}
	/* The new entry takes the references. */
	c->dest = t.dest;
	c->laddr = t.laddr;
	t.dest = NULL;
	t.laddr = NULL;
	c->net_count = &fn->num_conns;
	c->fwd_method = r->fwd_method;
	c->state = r->state;
	c->active = fnat_sync_rec_active(r);
	c->toa_done = r->flags & FNAT_SYNC_CONN_F_TOA_DONE;
	if (r->flags & FNAT_SYNC_CONN_F_TEMPLATE) {
		c->is_template = true;
		c->tmpl_timeout = r->tmpl_timeout;
	} else if (r->has_seq_delta) {
		c->seq_delta = r->seq_delta;
	}
	if (r->flags & FNAT_SYNC_CONN_F_PERSIST)
		c->tmpl = fnat_persist_find(fn, t.svc, &r->caddr, r->protocol);
	/* Synced by us already: the master need not tell it back. */
	c->sync_stamp = (u32)now ?: 1;
	if (fnat_conn_insert(tab, c, now)) {
		fnat_conn_free_unhashed(tab, c);
		ret = FNAT_SYNC_C_CONFLICT;
		goto out;
	}
	fnat_conn_put(c);
out:
	fnat_sync_target_put(&t);
	return ret;
}

static enum fnat_sync_counter
fnat_sync_apply_del(struct fnat_netns *fn, const struct fnat_sync_conn_rec *r)
{
	struct fnat_tuple orig = {
		.af		= r->af,
		.protocol	= r->protocol,
		.saddr		= r->caddr,
		.daddr		= r->vaddr,
		.sport		= r->cport,
		.dport		= r->vport,
	};
	enum fnat_conn_dir dir;
	struct fnat_conn *c;

	c = fnat_conn_lookup(fnat_conns(), fn->net, &orig, jiffies, &dir);
	if (!c)
		return FNAT_SYNC_C_RECORDS_APPLIED;
	if (dir == FNAT_DIR_ORIG)
		fnat_conn_unlink(fnat_conns(), c);
	fnat_conn_put(c);
	return FNAT_SYNC_C_RECORDS_APPLIED;
}

/*
 * Applies a decoded CONN or DEL record to the table. Returns the counter
 * it belongs under: records_applied, or why it was not.
 */
enum fnat_sync_counter fnat_sync_apply(struct fnat_netns *fn,
				       const struct fnat_sync_rec_view *v)
{
	enum fnat_sync_counter ret;

	rcu_read_lock();
	if (v->type == FNAT_SYNC_REC_DEL)
		ret = fnat_sync_apply_del(fn, &v->conn);
	else
		ret = fnat_sync_apply_conn(fn, &v->conn);
	rcu_read_unlock();
	return ret;
}

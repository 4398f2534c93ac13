// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: the master side of session sync.
 *
 * The data path decides which packets make a connection worth telling
 * (a TCP state change the backup must know, and now and then a packet
 * of a long connection, so the backup's copy does not expire) and appends
 * a record to the message being filled. The master's thread sends full
 * messages at once and a partly filled one after sync_flush_ms, so a
 * connection reaches the backup within about that time at a low rate and
 * in MTU-sized batches at a high one. It also answers bulk requests:
 * backups that start ask for the whole table, which the thread walks at
 * sync_bulk_rate records a second.
 */
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/sock.h>
#include "fnat_conn.h"
#include "fnat_proto_tcp.h"
#include "fnat_sync.h"
#include "fnat_synproxy.h"

/* Messages waiting to be sent before records are refused (queue_full). */
#define FNAT_SYNC_QUEUE_MAX	1024
/* A backup may ask for the table again this long after a transfer. */
#define FNAT_SYNC_BULK_INTERVAL	(5 * HZ)
/* A connection told less than this long ago is not renewed by count. */
#define FNAT_SYNC_RENEW_MIN	HZ
/* How often an idle master looks for bulk requests. */
#define FNAT_SYNC_IDLE_POLL	(HZ / 5)

static struct fnat_sync_out *fnat_sync_out_alloc(struct fnat_sync_daemon *d,
						 gfp_t gfp, u8 flags)
{
	struct fnat_sync_out *out;

	out = kmalloc(struct_size(out, data, d->conf.maxlen), gfp);
	if (!out)
		return NULL;
	fnat_sync_buf_init(&out->buf, out->data, fnat_sync_payload_max(d));
	out->started = jiffies;
	out->flags = flags;
	return out;
}

/*
 * Appends a CONN or DEL record to the message being filled, queueing that
 * one when it is full. Runs on the data path, in any context.
 */
static void fnat_sync_queue_rec(struct fnat_sync_daemon *d, u8 type,
				const struct fnat_sync_conn_rec *r)
{
	bool wake = false;
	int tries, err = -EMSGSIZE;

	spin_lock_bh(&d->lock);
	for (tries = 0; tries < 2 && err; tries++) {
		if (!d->cur) {
			if (d->queued >= FNAT_SYNC_QUEUE_MAX)
				break;
			d->cur = fnat_sync_out_alloc(d, GFP_ATOMIC, 0);
			if (!d->cur)
				break;
			/* The thread's flush clock starts now. */
			WRITE_ONCE(d->kick, true);
			wake = true;
		}
		err = type == FNAT_SYNC_REC_DEL ?
		      fnat_sync_put_del(&d->cur->buf, r) :
		      fnat_sync_put_conn(&d->cur->buf, r);
		if (err) {
			list_add_tail(&d->cur->list, &d->queue);
			d->queued++;
			d->cur = NULL;
			wake = true;
		}
	}
	spin_unlock_bh(&d->lock);
	if (err)
		fnat_sync_count(d, FNAT_SYNC_C_QUEUE_FULL);
	if (wake)
		wake_up(&d->wq);
}

static bool fnat_sync_state_worth(u8 state)
{
	switch (state) {
	case FNAT_TCP_ESTABLISHED:
	case FNAT_TCP_FIN_WAIT:
	case FNAT_TCP_CLOSE_WAIT:
	case FNAT_TCP_TIME_WAIT:
	case FNAT_TCP_CLOSE:
		return true;
	default:
		return false;
	}
}

/*
 * Whether this packet of @c should tell the backup. A handshake is not
 * worth it (a client whose SYN is lost in a failover sends another); the
 * states that change what the backup must keep are: established, the
 * first FIN (short timeouts from there on) and the end, so the backup
 * neither loses a connection nor keeps it long after it closed. Between state changes, the packet
 * count (sync_threshold) or the time since the last sync
 * (sync_refresh_period) renews the backup's copy.
 */
static bool fnat_sync_wanted(struct fnat_conn *c, bool state_changed)
{
	u32 refresh = READ_ONCE(fnat_sync_refresh_period_s);
	u32 period, pkts, stamp;

	if (c->tuple[FNAT_DIR_ORIG].protocol == IPPROTO_TCP) {
		u8 state = READ_ONCE(c->state);

		if (state_changed)
			return fnat_sync_state_worth(state);
		if (state != FNAT_TCP_ESTABLISHED)
			return false;
	}
	if (refresh) {
		stamp = READ_ONCE(c->sync_stamp);
		return !stamp || (u32)jiffies - stamp >= refresh * HZ;
	}
	period = READ_ONCE(fnat_sync_period);
	if (!period)
		return false;
	pkts = READ_ONCE(c->sync_pkts) + 1;
	if (pkts >= period + READ_ONCE(fnat_sync_threshold))
		pkts = READ_ONCE(fnat_sync_threshold);
	WRITE_ONCE(c->sync_pkts, pkts);
	if (pkts != READ_ONCE(fnat_sync_threshold))
		return false;
	/*
	 * A renewal just after a state change tells the backup nothing new:
	 * in a short connection the threshold packet follows ESTABLISHED.
	 */
	stamp = READ_ONCE(c->sync_stamp);
	return !stamp || (u32)jiffies - stamp >= FNAT_SYNC_RENEW_MIN;
}

/* The data path's hook: a packet of @c moved it on (in a netfilter hook). */
void fnat_sync_conn_event(struct fnat_netns *fn, struct fnat_conn *c,
			  bool state_changed)
{
	struct fnat_sync_daemon *d = rcu_dereference(fn->sync_master);
	struct fnat_sync_conn_rec r;
	unsigned long now = jiffies;

	if (!d || c->is_template || !fnat_sync_wanted(c, state_changed))
		return;
	/* The template first, so the backup can link the connection to it. */
	if (c->tmpl) {
		fnat_sync_conn_to_rec(c->tmpl, now, &r);
		fnat_sync_queue_rec(d, FNAT_SYNC_REC_CONN, &r);
	}
	fnat_sync_conn_to_rec(c, now, &r);
	fnat_sync_queue_rec(d, FNAT_SYNC_REC_CONN, &r);
	WRITE_ONCE(c->sync_stamp, (u32)now ?: 1);
}

/* @c ended before its time: the backup should drop its copy too. */
void fnat_sync_conn_gone(struct fnat_netns *fn, struct fnat_conn *c)
{
	struct fnat_sync_daemon *d;
	struct fnat_sync_conn_rec r;

	rcu_read_lock();
	d = rcu_dereference(fn->sync_master);
	if (d && !c->is_template && READ_ONCE(c->sync_stamp)) {
		fnat_sync_conn_to_rec(c, jiffies, &r);
		fnat_sync_queue_rec(d, FNAT_SYNC_REC_DEL, &r);
	}
	rcu_read_unlock();
}

static void fnat_sync_out_free_list(struct list_head *list)
{
	struct fnat_sync_out *out, *tmp;

	list_for_each_entry_safe(out, tmp, list, list) {
		list_del(&out->list);
		kfree(out);
	}
}

/*
 * Sends the queued messages, and the one being filled once it is
 * sync_flush_ms old or @all. A message the socket cannot take now (its
 * buffer is full) goes back to the head of the queue for the next round.
 */
static void fnat_sync_master_flush(struct fnat_sync_daemon *d, bool all)
{
	unsigned long age = msecs_to_jiffies(READ_ONCE(fnat_sync_flush_ms));
	struct fnat_sync_out *out, *tmp;
	unsigned int left;
	LIST_HEAD(batch);

	spin_lock_bh(&d->lock);
	if (d->cur && d->cur->buf.count &&
	    (all || time_after_eq(jiffies, d->cur->started + age))) {
		list_add_tail(&d->cur->list, &d->queue);
		d->queued++;
		d->cur = NULL;
	}
	list_splice_init(&d->queue, &batch);
	left = d->queued;
	d->queued = 0;
	spin_unlock_bh(&d->lock);

	list_for_each_entry_safe(out, tmp, &batch, list) {
		if (fnat_sync_send(d, &out->buf, out->flags) == -EAGAIN)
			break;
		list_del(&out->list);
		kfree(out);
		left--;
	}
	if (list_empty(&batch))
		return;
	spin_lock_bh(&d->lock);
	list_splice(&batch, &d->queue);
	d->queued += left;
	spin_unlock_bh(&d->lock);
}

static bool fnat_sync_master_busy(struct fnat_sync_daemon *d)
{
	return !list_empty_careful(&d->queue) || READ_ONCE(d->cur);
}

/*
 * A message from the group: the master acts only on a valid, authentic
 * bulk request of its syncid. Everything else on the group (other
 * masters' records, in active/active pairs) is for backups.
 */
static void fnat_sync_master_rx(struct fnat_sync_daemon *d, u8 *buf,
				unsigned int len, __be32 from)
{
	const struct fnat_sync_rec *rec = (const void *)(buf +
						sizeof(struct fnat_sync_hdr));
	struct fnat_sync_msg_info info;

	/* Bulk requests travel alone: look before checking the MAC. */
	if (len < sizeof(struct fnat_sync_hdr) + sizeof(*rec) ||
	    rec->type != FNAT_SYNC_REC_BULK_REQ ||
	    fnat_sync_gate(d, buf, len, from, &info, true) !=
	    FNAT_SYNC_C_MESSAGES_RECEIVED || info.count != 1)
		return;
	fnat_sync_peer_seen(d, &info, from);
	fnat_sync_count(d, FNAT_SYNC_C_BULK_REQUESTS);
	d->bulk_wanted = true;
}

/* What one bulk step's table walk fills. */
struct fnat_sync_bulk_ctx {
	struct fnat_sync_daemon	*d;
	struct fnat_sync_out	*out;
	unsigned long		now;
	u64			credit;
	bool			full;
};

static int fnat_sync_bulk_one(struct fnat_conn *c, void *arg)
{
	struct fnat_sync_bulk_ctx *ctx = arg;
	struct fnat_sync_conn_rec r;

	if (!ctx->credit)
		return 1;
	/* A SYN proxy handshake still under way is not a connection yet. */
	if (!c->dest || (c->sp && READ_ONCE(c->sp->pend)))
		return 0;
	fnat_sync_conn_to_rec(c, ctx->now, &r);
	if (fnat_sync_put_conn(&ctx->out->buf, &r)) {
		ctx->full = true;
		return 1;
	}
	ctx->credit--;
	ctx->d->bulk_records++;
	return 0;
}

static int fnat_sync_bulk_send(struct fnat_sync_daemon *d,
			       struct fnat_sync_out *out)
{
	int err, tries;

	/* A bulk transfer paces itself; a full socket only delays it. */
	for (tries = 0; tries < 100; tries++) {
		err = fnat_sync_send(d, &out->buf, FNAT_SYNC_HDR_F_BULK);
		if (err != -EAGAIN)
			break;
		schedule_timeout_interruptible(1);
	}
	if (!err)
		fnat_sync_count_n(d, FNAT_SYNC_C_BULK_RECORDS_SENT,
				  out->buf.count);
	fnat_sync_buf_init(&out->buf, out->data, fnat_sync_payload_max(d));
	return err;
}

/*
 * Walks on through the table as far as the rate allows: every live entry
 * of the netns, templates included, then a BULK_END.
 */
static void fnat_sync_bulk_step(struct fnat_sync_daemon *d)
{
	struct fnat_conn_table *t = fnat_conns();
	unsigned int size = 1U << t->bits, n = 0;
	u32 rate = READ_ONCE(fnat_sync_bulk_rate);
	struct fnat_sync_bulk_ctx ctx = { .d = d };

	if (!d->bulk_running) {
		if (!d->bulk_wanted || time_before(jiffies, d->bulk_next))
			return;
		d->bulk_wanted = false;
		d->bulk_running = true;
		d->bulk_bucket = 0;
		d->bulk_pos = 0;
		d->bulk_records = 0;
		d->bulk_tick = jiffies;
		d->bulk_credit = rate / 10;
	}
	d->bulk_credit += div_u64((u64)rate * (jiffies - d->bulk_tick), HZ);
	d->bulk_credit = min_t(u64, d->bulk_credit, rate);
	d->bulk_tick = jiffies;
	ctx.out = fnat_sync_out_alloc(d, GFP_KERNEL, FNAT_SYNC_HDR_F_BULK);
	if (!ctx.out)
		return;
	ctx.credit = d->bulk_credit;
	ctx.now = jiffies;
	while (d->bulk_bucket < size && ctx.credit) {
		ctx.full = false;
		if (fnat_conn_walk_bucket(t, d->bulk_bucket, d->fn->net,
					  ctx.now, &d->bulk_pos,
					  fnat_sync_bulk_one, &ctx)) {
			if (ctx.full)
				fnat_sync_bulk_send(d, ctx.out);
			continue;
		}
		d->bulk_bucket++;
		d->bulk_pos = 0;
		if (!(++n % 1024))
			cond_resched();
	}
	d->bulk_credit = ctx.credit;
	if (d->bulk_bucket >= size) {
		if (fnat_sync_put_bulk_end(&ctx.out->buf, d->bulk_records)) {
			fnat_sync_bulk_send(d, ctx.out);
			fnat_sync_put_bulk_end(&ctx.out->buf, d->bulk_records);
		}
		d->bulk_running = false;
		d->bulk_next = jiffies + FNAT_SYNC_BULK_INTERVAL;
	}
	/* The BULK_END's count covers records of earlier messages too. */
	if (ctx.out->buf.count)
		fnat_sync_bulk_send(d, ctx.out);
	kfree(ctx.out);
}

static long fnat_sync_master_timeout(struct fnat_sync_daemon *d)
{
	unsigned long age = msecs_to_jiffies(READ_ONCE(fnat_sync_flush_ms));
	struct fnat_sync_out *cur;
	long left = FNAT_SYNC_IDLE_POLL;

	if (d->bulk_running || !list_empty_careful(&d->queue))
		return 1;
	spin_lock_bh(&d->lock);
	cur = d->cur;
	if (cur && cur->buf.count)
		left = max_t(long, (long)(cur->started + age - jiffies), 1);
	spin_unlock_bh(&d->lock);
	return left;
}

/*
 * A full message to send, or a first record in a new one, whose flush
 * deadline the sleep must be cut to.
 */
static bool fnat_sync_master_woken(struct fnat_sync_daemon *d)
{
	return kthread_should_stop() || !list_empty_careful(&d->queue) ||
	       READ_ONCE(d->kick);
}

int fnat_sync_master_thread(void *arg)
{
	struct fnat_sync_daemon *d = arg;
	unsigned int n;
	__be32 from;
	u8 *buf;
	int len;

	buf = kmalloc(FNAT_SYNC_RX_MAX, GFP_KERNEL);
	while (!kthread_should_stop()) {
		WRITE_ONCE(d->kick, false);
		for (n = 0; buf && n < FNAT_SYNC_RX_BATCH; n++) {
			len = fnat_sync_recv(d, buf, FNAT_SYNC_RX_MAX, &from);
			if (len >= 0)
				fnat_sync_master_rx(d, buf, len, from);
			else if (len != -EMSGSIZE)
				break;
		}
		fnat_sync_master_flush(d, false);
		fnat_sync_bulk_step(d);
		wait_event_interruptible_timeout(d->wq,
						 fnat_sync_master_woken(d),
						 fnat_sync_master_timeout(d));
	}
	/* Stopping: what the data path queued still goes out. */
	for (len = 0; len < 100 && fnat_sync_master_busy(d); len++) {
		fnat_sync_master_flush(d, true);
		if (fnat_sync_master_busy(d))
			schedule_timeout_uninterruptible(1);
	}
	kfree(buf);
	return 0;
}

/* After the thread stopped: whatever could not be sent. */
void fnat_sync_master_free(struct fnat_sync_daemon *d)
{
	fnat_sync_out_free_list(&d->queue);
	kfree(d->cur);
	d->cur = NULL;
	d->queued = 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: the backup side of session sync.
 *
 * Every datagram on the group goes through the same gate before any of it
 * touches the table: the header must add up, the syncid match, the MAC
 * verify (with a key), the sequence number be new for its sender, the
 * time stamp be recent (with a key), and the records fill the message
 * exactly. A message failing any of it is counted under the first reason
 * and ignored whole; a bad record inside a good message is counted and
 * skipped. When it starts, the backup asks the masters for their tables
 * (a few times, a second apart, until one answers).
 */
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <net/sock.h>
#include "fnat_sync.h"

/* Bulk requests a starting backup sends before giving up on an answer. */
#define FNAT_SYNC_BULK_REQ_TRIES	5
#define FNAT_SYNC_BULK_REQ_GAP		HZ

static int fnat_sync_backup_rec(const void *rec, unsigned int len, void *arg)
{
	struct fnat_sync_daemon *d = arg;
	struct fnat_sync_rec_view v;
	enum fnat_sync_err err;

	fnat_sync_count(d, FNAT_SYNC_C_RECORDS_RECEIVED);
	err = fnat_sync_rec_decode(rec, len, &v);
	if (err) {
		fnat_sync_count(d, fnat_sync_err_counter(err));
		return 0;
	}
	switch (v.type) {
	case FNAT_SYNC_REC_CONN:
	case FNAT_SYNC_REC_DEL:
		fnat_sync_count(d, fnat_sync_apply(d->fn, &v));
		break;
	case FNAT_SYNC_REC_BULK_END:
		/* A master answered: no more requests needed. */
		d->bulk_req_left = 0;
		break;
	default:
		/* Another backup's request: for masters. */
		break;
	}
	return 0;
}

static void fnat_sync_backup_rx(struct fnat_sync_daemon *d, const u8 *buf,
				unsigned int len, __be32 from)
{
	struct fnat_sync_msg_info info;
	enum fnat_sync_counter verdict;
	enum fnat_sync_err err;

	fnat_sync_count(d, FNAT_SYNC_C_MESSAGES_RECEIVED);
	verdict = fnat_sync_gate(d, buf, len, from, &info, false);
	if (verdict != FNAT_SYNC_C_MESSAGES_RECEIVED) {
		fnat_sync_count(d, verdict);
		return;
	}
	err = fnat_sync_msg_walk(buf, &info, fnat_sync_backup_rec, d);
	if (err) {
		fnat_sync_count(d, fnat_sync_err_counter(err));
		return;
	}
	fnat_sync_peer_seen(d, &info, from);
}

static void fnat_sync_backup_request(struct fnat_sync_daemon *d, u8 *buf)
{
	struct fnat_sync_buf b;

	if (!d->bulk_req_left || time_before(jiffies, d->bulk_req_next))
		return;
	fnat_sync_buf_init(&b, buf, fnat_sync_payload_max(d));
	if (fnat_sync_put_bulk_req(&b))
		return;
	fnat_sync_send(d, &b, 0);
	d->bulk_req_left--;
	d->bulk_req_next = jiffies + FNAT_SYNC_BULK_REQ_GAP;
}

static bool fnat_sync_backup_woken(struct fnat_sync_daemon *d)
{
	return kthread_should_stop() ||
	       !skb_queue_empty_lockless(&d->sock->sk->sk_receive_queue);
}

int fnat_sync_backup_thread(void *arg)
{
	struct fnat_sync_daemon *d = arg;
	struct sock *sk = d->sock->sk;
	unsigned int n;
	__be32 from;
	u8 *buf;
	int len;

	/* Room for the largest datagram and the MAC a request carries. */
	buf = kmalloc(FNAT_SYNC_RX_MAX + FNAT_SYNC_MAC_LEN, GFP_KERNEL);
	d->bulk_req_left = FNAT_SYNC_BULK_REQ_TRIES;
	d->bulk_req_next = jiffies;
	while (!kthread_should_stop()) {
		if (buf)
			fnat_sync_backup_request(d, buf);
		for (n = 0; buf && n < FNAT_SYNC_RX_BATCH; n++) {
			len = fnat_sync_recv(d, buf, FNAT_SYNC_RX_MAX, &from);
			if (len >= 0)
				fnat_sync_backup_rx(d, buf, len, from);
			else if (len != -EMSGSIZE)
				break;
		}
		if (n == FNAT_SYNC_RX_BATCH) {
			cond_resched();
			continue;
		}
		wait_event_interruptible_timeout(*sk_sleep(sk),
						 fnat_sync_backup_woken(d),
						 d->bulk_req_left ?
						 FNAT_SYNC_BULK_REQ_GAP : HZ);
	}
	kfree(buf);
	return 0;
}

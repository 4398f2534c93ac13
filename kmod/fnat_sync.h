/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: session sync between directors.
 *
 * A netns runs at most one master and one backup daemon (both at once for
 * active/active pairs), each a kernel thread with a UDP socket on the
 * sync group. The master's thread sends what the data path queues (a
 * record per connection worth telling, batched into messages of up to
 * maxlen bytes and flushed after sync_flush_ms) and answers backups' bulk
 * requests with its whole table; the backup's thread receives, checks and
 * applies. The data path only appends records to a buffer under a
 * spinlock; it never touches the socket.
 */
#ifndef _FNAT_SYNC_H
#define _FNAT_SYNC_H

#include <linux/if.h>
#include <linux/in.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include "fnat.h"
#include "fnat_sync_auth.h"
#include "fnat_sync_msg.h"

struct fnat_conn;
struct socket;
struct task_struct;

/* What a daemon counts: the order and names are the uapi's. */
enum fnat_sync_counter {
	FNAT_SYNC_C_MESSAGES_SENT,
	FNAT_SYNC_C_RECORDS_SENT,
	FNAT_SYNC_C_BYTES_SENT,
	FNAT_SYNC_C_SEND_ERRORS,
	FNAT_SYNC_C_QUEUE_FULL,
	FNAT_SYNC_C_BULK_REQUESTS,
	FNAT_SYNC_C_BULK_RECORDS_SENT,
	FNAT_SYNC_C_MESSAGES_RECEIVED,
	FNAT_SYNC_C_RECORDS_RECEIVED,
	FNAT_SYNC_C_RECORDS_APPLIED,
	FNAT_SYNC_C_SHORT,
	FNAT_SYNC_C_BAD_VERSION,
	FNAT_SYNC_C_BAD_LENGTH,
	FNAT_SYNC_C_SYNCID,
	FNAT_SYNC_C_AUTH,
	FNAT_SYNC_C_REPLAY,
	FNAT_SYNC_C_STALE,
	FNAT_SYNC_C_OWN,
	FNAT_SYNC_C_BAD_RECORD,
	FNAT_SYNC_C_NO_SERVICE,
	FNAT_SYNC_C_NO_DEST,
	FNAT_SYNC_C_NO_LADDR,
	FNAT_SYNC_C_CONFLICT,
	FNAT_SYNC_C_NO_MEM,
	FNAT_SYNC_C_MAX,
};

const char *fnat_sync_counter_name(enum fnat_sync_counter c);

/* How a daemon was asked to run; unset fields take defaults at start. */
struct fnat_sync_conf {
	int		state;		/* FNAT_SYNC_STATE_* */
	char		ifname[IFNAMSIZ];
	int		ifindex;
	u8		syncid;
	u16		maxlen;		/* 0: from the interface's MTU */
	__be32		group;
	__be16		port;
	u8		ttl;
	u8		key[FNAT_SYNC_KEY_MAX];
	unsigned int	key_len;	/* 0: no key */
};

/* A sender seen by a daemon, and its replay window. */
struct fnat_sync_peer {
	__be32			addr;
	u32			sender;
	u8			syncid;
	u64			messages;
	unsigned long		last;		/* jiffies */
	struct fnat_sync_replay	window;
};

/* A message waiting in the master's queue. */
struct fnat_sync_out {
	struct list_head	list;
	struct fnat_sync_buf	buf;
	unsigned long		started;	/* jiffies of the first record */
	u8			flags;		/* FNAT_SYNC_HDR_F_* */
	u8			data[];
};

struct fnat_sync_daemon {
	struct fnat_netns	*fn;
	struct fnat_sync_conf	conf;
	struct fnat_sync_auth	auth;		/* tfm NULL: no key */
	struct socket		*sock;
	struct task_struct	*task;
	u32			sender;
	u64			seq;
	unsigned long		started;	/* jiffies */
	atomic64_t		counters[FNAT_SYNC_C_MAX];

	/* Senders seen; peers_lock because dumps read them. */
	spinlock_t		peers_lock;
	struct fnat_sync_peer	peers[FNAT_SYNC_PEERS_MAX];
	unsigned int		num_peers;

	/* Master: the message being filled and the ones to send. */
	spinlock_t		lock;
	struct fnat_sync_out	*cur;
	struct list_head	queue;
	unsigned int		queued;
	wait_queue_head_t	wq;
	bool			kick;		/* a new message was started */

	/* Master: a bulk transfer asked for, and where it is. */
	bool			bulk_wanted;
	bool			bulk_running;
	unsigned long		bulk_next;	/* earliest start of the next */
	unsigned int		bulk_bucket;
	unsigned int		bulk_pos;
	u32			bulk_records;
	unsigned long		bulk_tick;
	u64			bulk_credit;

	/* Backup: bulk requests still to send, and when. */
	unsigned int		bulk_req_left;
	unsigned long		bulk_req_next;
};

static inline void fnat_sync_count(struct fnat_sync_daemon *d,
				   enum fnat_sync_counter c)
{
	atomic64_inc(&d->counters[c]);
}

static inline void fnat_sync_count_n(struct fnat_sync_daemon *d,
				     enum fnat_sync_counter c, u64 n)
{
	atomic64_add(n, &d->counters[c]);
}

/* fnat_sync.c: starting, stopping and showing daemons; fn->lock held. */
int fnat_sync_start(struct fnat_netns *fn, struct fnat_sync_conf *conf,
		    struct netlink_ext_ack *extack);
int fnat_sync_stop(struct fnat_netns *fn, int state,
		   struct netlink_ext_ack *extack);
void fnat_sync_stop_all(struct fnat_netns *fn);
u64 fnat_sync_now_ms(void);
int fnat_sync_send(struct fnat_sync_daemon *d, struct fnat_sync_buf *b,
		   u8 flags);
int fnat_sync_recv(struct fnat_sync_daemon *d, void *buf, unsigned int size,
		   __be32 *from);
struct fnat_sync_peer *fnat_sync_peer_find(struct fnat_sync_daemon *d,
					   u32 sender, __be32 addr,
					   bool create);
unsigned int fnat_sync_payload_max(const struct fnat_sync_daemon *d);
enum fnat_sync_counter fnat_sync_gate(struct fnat_sync_daemon *d,
				      const u8 *buf, unsigned int len,
				      __be32 from,
				      struct fnat_sync_msg_info *info,
				      bool any_syncid);
void fnat_sync_peer_seen(struct fnat_sync_daemon *d,
			 const struct fnat_sync_msg_info *info, __be32 from);
enum fnat_sync_counter fnat_sync_err_counter(enum fnat_sync_err err);

/* fnat_sync_master.c */
int fnat_sync_master_thread(void *arg);
void fnat_sync_master_free(struct fnat_sync_daemon *d);
void fnat_sync_conn_event(struct fnat_netns *fn, struct fnat_conn *c,
			  bool state_changed);
void fnat_sync_conn_gone(struct fnat_netns *fn, struct fnat_conn *c);

/* fnat_sync_backup.c */
int fnat_sync_backup_thread(void *arg);

/* fnat_sync_conn.c: connections to records and back. */
void fnat_sync_conn_to_rec(const struct fnat_conn *c, unsigned long now,
			   struct fnat_sync_conn_rec *r);
enum fnat_sync_counter fnat_sync_apply(struct fnat_netns *fn,
				       const struct fnat_sync_rec_view *v);

/* Largest datagram a daemon reads, and how many it reads per round. */
#define FNAT_SYNC_RX_MAX	65536
#define FNAT_SYNC_RX_BATCH	256

/*
 * Tunables (sysfs), read locklessly: sync a connection on its
 * fnat_sync_threshold-th packet and every fnat_sync_period after (0:
 * never), or, when fnat_sync_refresh_period_s is set, when its last sync
 * is that old; a bulk transfer sends fnat_sync_bulk_rate records a
 * second; a record waits at most fnat_sync_flush_ms for company.
 */
extern u32 fnat_sync_threshold;
extern u32 fnat_sync_period;
extern u32 fnat_sync_refresh_period_s;
extern u32 fnat_sync_bulk_rate;
extern u32 fnat_sync_flush_ms;

int fnat_sync_set_threshold(u32 threshold, u32 period);
int fnat_sync_set_refresh_period(u32 seconds);
int fnat_sync_set_bulk_rate(u32 rate);
int fnat_sync_set_flush_ms(u32 ms);

#endif /* _FNAT_SYNC_H */

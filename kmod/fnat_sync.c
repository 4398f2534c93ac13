// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: sync daemons: starting and stopping them, their sockets, the
 * peers they see, and the tunables they share (see fnat_sync.h).
 */
#include <linux/igmp.h>
#include <linux/inetdevice.h>
#include <linux/kthread.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/sock.h>
#include "fnat_sync.h"
#include "fnat_synproxy.h"

/* Sync messages travel in UDP over IPv4: 28 bytes of headers. */
#define FNAT_SYNC_HDRS_LEN	28
/* A backup must absorb a master's burst while its thread catches up. */
#define FNAT_SYNC_RCVBUF	(4 << 20)

static const char * const fnat_sync_counter_names[FNAT_SYNC_C_MAX] = {
	[FNAT_SYNC_C_MESSAGES_SENT]	= "messages_sent",
	[FNAT_SYNC_C_RECORDS_SENT]	= "records_sent",
	[FNAT_SYNC_C_BYTES_SENT]	= "bytes_sent",
	[FNAT_SYNC_C_SEND_ERRORS]	= "send_errors",
	[FNAT_SYNC_C_QUEUE_FULL]	= "queue_full",
	[FNAT_SYNC_C_BULK_REQUESTS]	= "bulk_requests",
	[FNAT_SYNC_C_BULK_RECORDS_SENT]	= "bulk_records_sent",
	[FNAT_SYNC_C_MESSAGES_RECEIVED]	= "messages_received",
	[FNAT_SYNC_C_RECORDS_RECEIVED]	= "records_received",
	[FNAT_SYNC_C_RECORDS_APPLIED]	= "records_applied",
	[FNAT_SYNC_C_SHORT]		= "short",
	[FNAT_SYNC_C_BAD_VERSION]	= "bad_version",
	[FNAT_SYNC_C_BAD_LENGTH]	= "bad_length",
	[FNAT_SYNC_C_SYNCID]		= "syncid",
	[FNAT_SYNC_C_AUTH]		= "auth",
	[FNAT_SYNC_C_REPLAY]		= "replay",
	[FNAT_SYNC_C_STALE]		= "stale",
	[FNAT_SYNC_C_OWN]		= "own",
	[FNAT_SYNC_C_BAD_RECORD]	= "bad_record",
	[FNAT_SYNC_C_NO_SERVICE]	= "no_service",
	[FNAT_SYNC_C_NO_DEST]		= "no_dest",
	[FNAT_SYNC_C_NO_LADDR]		= "no_laddr",
	[FNAT_SYNC_C_CONFLICT]		= "conflict",
	[FNAT_SYNC_C_NO_MEM]		= "no_mem",
};

const char *fnat_sync_counter_name(enum fnat_sync_counter c)
{
	return c < FNAT_SYNC_C_MAX ? fnat_sync_counter_names[c] : "unknown";
}

u32 fnat_sync_threshold __read_mostly = 3;
u32 fnat_sync_period __read_mostly = 50;
u32 fnat_sync_refresh_period_s __read_mostly;
u32 fnat_sync_bulk_rate __read_mostly = 20000;
u32 fnat_sync_flush_ms __read_mostly = 20;

/*
 * As IPVS's sync_threshold: the threshold comes before the period. The
 * bound keeps a connection's packet count within 16 bits.
 */
int fnat_sync_set_threshold(u32 threshold, u32 period)
{
	if ((period && threshold >= period) || period > 32767)
		return -EINVAL;
	WRITE_ONCE(fnat_sync_threshold, threshold);
	WRITE_ONCE(fnat_sync_period, period);
	return 0;
}

int fnat_sync_set_refresh_period(u32 seconds)
{
	if (seconds > 86400)
		return -EINVAL;
	WRITE_ONCE(fnat_sync_refresh_period_s, seconds);
	return 0;
}

int fnat_sync_set_bulk_rate(u32 rate)
{
	if (rate < 100 || rate > 10000000)
		return -EINVAL;
	WRITE_ONCE(fnat_sync_bulk_rate, rate);
	return 0;
}

int fnat_sync_set_flush_ms(u32 ms)
{
	if (ms < 1 || ms > 10000)
		return -EINVAL;
	WRITE_ONCE(fnat_sync_flush_ms, ms);
	return 0;
}

u64 fnat_sync_now_ms(void)
{
	return ktime_to_ms(ktime_get_real());
}

static int fnat_sync_sockopt(struct socket *sock, int opt, void *val,
			     unsigned int len)
{
	return sock->ops->setsockopt(sock, SOL_IP, opt, KERNEL_SOCKPTR(val),
				     len);
}

/*
 * One socket per daemon, bound to the group and port on the interface:
 * a master receives the backups' bulk requests on it, a backup sends
 * them. Neither hears itself (no multicast loop).
 */
static int fnat_sync_sock_open(struct fnat_sync_daemon *d, struct net *net)
{
	const struct fnat_sync_conf *conf = &d->conf;
	struct sockaddr_in sin = {
		.sin_family	 = AF_INET,
		.sin_addr.s_addr = conf->group,
		.sin_port	 = conf->port,
	};
	struct ip_mreqn mreq = {
		.imr_multiaddr.s_addr	= conf->group,
		.imr_ifindex		= conf->ifindex,
	};
	int ttl = conf->ttl, loop = 0;
	struct socket *sock;
	int err;

	err = sock_create_kern(net, PF_INET, SOCK_DGRAM, IPPROTO_UDP, &sock);
	if (err)
		return err;
	sock_set_reuseaddr(sock->sk);
	sock_set_rcvbuf(sock->sk, FNAT_SYNC_RCVBUF);
	err = sock_bindtoindex(sock->sk, conf->ifindex, true) ?:
	      fnat_sync_sockopt(sock, IP_MULTICAST_IF, &mreq, sizeof(mreq)) ?:
	      fnat_sync_sockopt(sock, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) ?:
	      fnat_sync_sockopt(sock, IP_MULTICAST_LOOP, &loop, sizeof(loop)) ?:
	      kernel_bind(sock, (struct sockaddr *)&sin, sizeof(sin)) ?:
	      fnat_sync_sockopt(sock, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq));
	if (err) {
		sock_release(sock);
		return err;
	}
	d->sock = sock;
	return 0;
}

/* The most a message may carry besides its MAC. */
unsigned int fnat_sync_payload_max(const struct fnat_sync_daemon *d)
{
	return d->conf.maxlen - (d->auth.tfm ? FNAT_SYNC_MAC_LEN : 0);
}

/*
 * Stamps, authenticates and sends @b to the group. Only the daemon's own
 * thread sends, so the sequence number needs no lock.
 */
int fnat_sync_send(struct fnat_sync_daemon *d, struct fnat_sync_buf *b,
		   u8 flags)
{
	u8 mac_len = d->auth.tfm ? FNAT_SYNC_MAC_LEN : 0;
	struct sockaddr_in sin = {
		.sin_family	 = AF_INET,
		.sin_addr.s_addr = d->conf.group,
		.sin_port	 = d->conf.port,
	};
	struct msghdr msg = {
		.msg_name	= &sin,
		.msg_namelen	= sizeof(sin),
		.msg_flags	= MSG_DONTWAIT,
	};
	struct kvec iov;
	int err;

	fnat_sync_buf_finish(b, d->conf.syncid, flags, mac_len, d->sender,
			     ++d->seq, fnat_sync_now_ms());
	if (mac_len && fnat_sync_auth_mac(&d->auth, b->data, b->len,
					  b->data + b->len)) {
		fnat_sync_count(d, FNAT_SYNC_C_SEND_ERRORS);
		return -EINVAL;
	}
	iov.iov_base = b->data;
	iov.iov_len = b->len + mac_len;
	err = kernel_sendmsg(d->sock, &msg, &iov, 1, iov.iov_len);
	if (err < 0) {
		/* A full send buffer: the caller keeps it for later. */
		if (err != -EAGAIN)
			fnat_sync_count(d, FNAT_SYNC_C_SEND_ERRORS);
		return err;
	}
	fnat_sync_count(d, FNAT_SYNC_C_MESSAGES_SENT);
	fnat_sync_count_n(d, FNAT_SYNC_C_RECORDS_SENT, b->count);
	fnat_sync_count_n(d, FNAT_SYNC_C_BYTES_SENT, iov.iov_len);
	return 0;
}

/*
 * Receives one datagram without waiting. Returns its length, -EAGAIN when
 * there is none, or -EMSGSIZE for one larger than @size (counted).
 */
int fnat_sync_recv(struct fnat_sync_daemon *d, void *buf, unsigned int size,
		   __be32 *from)
{
	struct sockaddr_in sin = {};
	struct msghdr msg = {
		.msg_name	= &sin,
		.msg_namelen	= sizeof(sin),
	};
	struct kvec iov = { .iov_base = buf, .iov_len = size };
	int len;

	len = kernel_recvmsg(d->sock, &msg, &iov, 1, size, MSG_DONTWAIT);
	if (len < 0)
		return len;
	*from = sin.sin_addr.s_addr;
	if (msg.msg_flags & MSG_TRUNC) {
		fnat_sync_count(d, FNAT_SYNC_C_BAD_LENGTH);
		return -EMSGSIZE;
	}
	return len;
}

/*
 * The peer with sender id @sender; with @create, a new entry (from @addr)
 * in place of the one seen longest ago when the table is full. The id
 * alone names a peer, not the id and the address: the MAC covers the id
 * but not the address a datagram comes from, so a replay window per
 * address would take a recorded message again from any other address.
 * Only the daemon's thread writes the table; peers_lock keeps dumps
 * consistent.
 */
struct fnat_sync_peer *fnat_sync_peer_find(struct fnat_sync_daemon *d,
					   u32 sender, __be32 addr,
					   bool create)
{
	struct fnat_sync_peer *p, *oldest = NULL;
	unsigned int i;

	for (i = 0; i < d->num_peers; i++) {
		p = &d->peers[i];
		if (p->sender == sender)
			return p;
		if (!oldest || time_before(p->last, oldest->last))
			oldest = p;
	}
	if (!create)
		return NULL;
	if (d->num_peers < FNAT_SYNC_PEERS_MAX)
		oldest = &d->peers[d->num_peers++];
	spin_lock_bh(&d->peers_lock);
	memset(oldest, 0, sizeof(*oldest));
	oldest->sender = sender;
	oldest->addr = addr;
	oldest->last = jiffies;
	spin_unlock_bh(&d->peers_lock);
	return oldest;
}

/* Whether a message comes from this netns' own master. */
static bool fnat_sync_from_own(struct fnat_sync_daemon *d, u32 sender)
{
	struct fnat_sync_daemon *m;
	bool own;

	rcu_read_lock();
	m = rcu_dereference(d->fn->sync_master);
	own = m && m->sender == sender;
	rcu_read_unlock();
	return own;
}

/*
 * The checks a received message passes before anything in it is used, in
 * order; returns the counter of the first it fails, or
 * FNAT_SYNC_C_MESSAGES_RECEIVED when it passes them all. A master takes
 * a request of syncid 0 (from a backup of any syncid) as its own.
 */
enum fnat_sync_counter fnat_sync_gate(struct fnat_sync_daemon *d,
				      const u8 *buf, unsigned int len,
				      __be32 from,
				      struct fnat_sync_msg_info *info,
				      bool any_syncid)
{
	struct fnat_sync_peer *peer;
	enum fnat_sync_err err;

	err = fnat_sync_msg_check(buf, len, info);
	if (err)
		return fnat_sync_err_counter(err);
	if (info->sender == d->sender || fnat_sync_from_own(d, info->sender))
		return FNAT_SYNC_C_OWN;
	if (d->conf.syncid && info->syncid != d->conf.syncid &&
	    !(any_syncid && !info->syncid))
		return FNAT_SYNC_C_SYNCID;
	if (!!d->auth.tfm != !!info->mac_len)
		return FNAT_SYNC_C_AUTH;
	if (d->auth.tfm) {
		if (!fnat_sync_auth_verify(&d->auth, buf, len - info->mac_len,
					   buf + len - info->mac_len))
			return FNAT_SYNC_C_AUTH;
		if (!fnat_sync_time_fresh(info->time_ms, fnat_sync_now_ms(),
					  FNAT_SYNC_MAX_AGE_MS))
			return FNAT_SYNC_C_STALE;
	}
	peer = fnat_sync_peer_find(d, info->sender, from, false);
	if (peer && !fnat_sync_replay_check(&peer->window, info->seq))
		return FNAT_SYNC_C_REPLAY;
	return FNAT_SYNC_C_MESSAGES_RECEIVED;
}

/* A message of @info passed the gate: its sender is a peer, and seen. */
void fnat_sync_peer_seen(struct fnat_sync_daemon *d,
			 const struct fnat_sync_msg_info *info, __be32 from)
{
	struct fnat_sync_peer *peer;

	peer = fnat_sync_peer_find(d, info->sender, from, true);
	spin_lock_bh(&d->peers_lock);
	/* Where its last valid message came from, for -L --daemon. */
	peer->addr = from;
	fnat_sync_replay_update(&peer->window, info->seq);
	peer->syncid = info->syncid;
	peer->messages++;
	peer->last = jiffies;
	spin_unlock_bh(&d->peers_lock);
}

enum fnat_sync_counter fnat_sync_err_counter(enum fnat_sync_err err)
{
	static const enum fnat_sync_counter map[] = {
		[FNAT_SYNC_E_SHORT]		= FNAT_SYNC_C_SHORT,
		[FNAT_SYNC_E_BAD_VERSION]	= FNAT_SYNC_C_BAD_VERSION,
		[FNAT_SYNC_E_BAD_LENGTH]	= FNAT_SYNC_C_BAD_LENGTH,
		[FNAT_SYNC_E_BAD_RECORD]	= FNAT_SYNC_C_BAD_RECORD,
	};

	return err < ARRAY_SIZE(map) && err ? map[err] :
	       FNAT_SYNC_C_BAD_RECORD;
}

static struct fnat_sync_daemon __rcu **fnat_sync_slot(struct fnat_netns *fn,
						      int state)
{
	return state == FNAT_SYNC_STATE_MASTER ? &fn->sync_master :
	       &fn->sync_backup;
}

/* Fills in defaults and checks the interface; RTNL-free lookups. */
static int fnat_sync_conf_check(struct fnat_netns *fn,
				struct fnat_sync_conf *conf,
				struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	unsigned int mtu_max;

	dev = dev_get_by_name(fn->net, conf->ifname);
	if (!dev) {
		NL_SET_ERR_MSG(extack, "No such interface");
		return -ENODEV;
	}
	conf->ifindex = dev->ifindex;
	mtu_max = READ_ONCE(dev->mtu) > FNAT_SYNC_HDRS_LEN ?
		  READ_ONCE(dev->mtu) - FNAT_SYNC_HDRS_LEN : 0;
	dev_put(dev);
	mtu_max = min_t(unsigned int, mtu_max, FNAT_SYNC_MAXLEN_MAX);
	if (!conf->maxlen)
		conf->maxlen = mtu_max;
	if (conf->maxlen > mtu_max) {
		NL_SET_ERR_MSG(extack, "Sync maxlen exceeds the interface MTU");
		return -EINVAL;
	}
	if (conf->maxlen < FNAT_SYNC_MAXLEN_MIN) {
		NL_SET_ERR_MSG(extack, "Interface MTU too small for sync");
		return -EINVAL;
	}
	if (!conf->group)
		conf->group = htonl(FNAT_SYNC_GROUP_DEFAULT_U32);
	if (!ipv4_is_multicast(conf->group)) {
		NL_SET_ERR_MSG(extack, "Not a multicast group");
		return -EINVAL;
	}
	if (!conf->port)
		conf->port = htons(FNAT_SYNC_PORT_DEFAULT);
	if (!conf->ttl)
		conf->ttl = FNAT_SYNC_TTL_DEFAULT;
	return 0;
}

static void fnat_sync_daemon_free(struct fnat_sync_daemon *d)
{
	if (d->sock)
		sock_release(d->sock);
	fnat_sync_master_free(d);
	fnat_sync_auth_free(&d->auth);
	memzero_explicit(d->conf.key, sizeof(d->conf.key));
	kfree(d);
}

int fnat_sync_start(struct fnat_netns *fn, struct fnat_sync_conf *conf,
		    struct netlink_ext_ack *extack)
{
	struct fnat_sync_daemon __rcu **slot;
	struct fnat_sync_daemon *d;
	bool master = conf->state == FNAT_SYNC_STATE_MASTER;
	int err;

	lockdep_assert_held(&fn->lock);
	slot = fnat_sync_slot(fn, conf->state);
	if (rcu_access_pointer(*slot)) {
		NL_SET_ERR_MSG(extack, "Sync daemon already running");
		return -EEXIST;
	}
	err = fnat_sync_conf_check(fn, conf, extack);
	if (err)
		return err;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->fn = fn;
	d->conf = *conf;
	spin_lock_init(&d->lock);
	spin_lock_init(&d->peers_lock);
	INIT_LIST_HEAD(&d->queue);
	init_waitqueue_head(&d->wq);
	d->started = jiffies;
	d->sender = get_random_u32();
	if (conf->key_len) {
		err = fnat_sync_auth_init(&d->auth, conf->key, conf->key_len);
		if (err) {
			NL_SET_ERR_MSG(extack, "HMAC-SHA256 is not available");
			goto free;
		}
	}
	err = fnat_sync_sock_open(d, fn->net);
	if (err) {
		NL_SET_ERR_MSG(extack, "Cannot open the sync socket");
		goto free;
	}
	d->task = kthread_run(master ? fnat_sync_master_thread :
			      fnat_sync_backup_thread, d,
			      master ? "fnat-sync-m" : "fnat-sync-b");
	if (IS_ERR(d->task)) {
		err = PTR_ERR(d->task);
		d->task = NULL;
		goto free;
	}
	rcu_assign_pointer(*slot, d);
	if (conf->key_len)
		fnat_sp_set_shared_key(fn, conf->key, conf->key_len);
	pr_info("fnat: %s sync daemon started (mcast=%s, syncid=%u, maxlen=%u, group=%pI4, port=%u, ttl=%u%s)\n",
		master ? "master" : "backup", conf->ifname, d->conf.syncid,
		d->conf.maxlen, &d->conf.group, ntohs(d->conf.port),
		d->conf.ttl, conf->key_len ? ", authenticated" : "");
	return 0;
free:
	fnat_sync_daemon_free(d);
	return err;
}

static void fnat_sync_daemon_stop(struct fnat_netns *fn,
				  struct fnat_sync_daemon *d)
{
	bool master = d->conf.state == FNAT_SYNC_STATE_MASTER;

	RCU_INIT_POINTER(*fnat_sync_slot(fn, d->conf.state), NULL);
	/* No packet may be adding a record when the thread sends the last. */
	synchronize_rcu();
	kthread_stop(d->task);
	pr_info("fnat: %s sync daemon stopped\n", master ? "master" : "backup");
	fnat_sync_daemon_free(d);
}

int fnat_sync_stop(struct fnat_netns *fn, int state,
		   struct netlink_ext_ack *extack)
{
	struct fnat_sync_daemon *d;

	lockdep_assert_held(&fn->lock);
	d = rcu_dereference_protected(*fnat_sync_slot(fn, state),
				      lockdep_is_held(&fn->lock));
	if (!d) {
		NL_SET_ERR_MSG(extack, "No sync daemon running");
		return -ESRCH;
	}
	fnat_sync_daemon_stop(fn, d);
	return 0;
}

void fnat_sync_stop_all(struct fnat_netns *fn)
{
	mutex_lock(&fn->lock);
	if (rcu_access_pointer(fn->sync_master))
		fnat_sync_stop(fn, FNAT_SYNC_STATE_MASTER, NULL);
	if (rcu_access_pointer(fn->sync_backup))
		fnat_sync_stop(fn, FNAT_SYNC_STATE_BACKUP, NULL);
	mutex_unlock(&fn->lock);
}

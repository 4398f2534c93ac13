// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: global tunables under /sys/kernel/fnat/.
 *
 * Each attribute holds one setting, read and written as text; a value that
 * does not parse or is out of range is refused with -EINVAL and the old
 * value stays. Per-netns settings (timeouts, services) live in the netlink
 * family instead, since sysfs has no notion of the writer's netns.
 *
 *	lport_range	"MIN MAX": the local ports FULLNAT connections use,
 *			1..65535, MIN <= MAX (default 1025 65535)
 *	toa		1 or 0: FULLNAT tells real servers the client's
 *			address in a TCP option (default 1)
 *	expire_nodest_conn
 *			1 or 0: packets of a connection whose real server
 *			was deleted are dropped and the connection expired,
 *			so the client reconnects to another (default 0:
 *			such connections continue until they end)
 *	reject_no_dest	1 or 0: a new connection to a service with no dest
 *			available gets a TCP reset or an ICMP port
 *			unreachable (default 0: it is dropped, and the
 *			client retries)
 *	expire_quiescent_template
 *			1 or 0: persistence templates stop pinning clients
 *			to a dest whose weight is 0 (default 0: they keep
 *			pinning, so a drained server sees its sessions
 *			through)
 *	fast_path	1 or 0: packets of a connection already admitted
 *			are forwarded from PRE_ROUTING, so INPUT and
 *			FORWARD rules see only each connection's first
 *			packet (default 1; 0: every packet goes through
 *			them, as with IPVS, at a higher cost per packet)
 *	sync_threshold	"T P": a sync master tells the backups about an
 *			established connection on its T-th packet and
 *			every P packets after, P 0..32767, T < P unless P
 *			is 0, which stops packet-count syncing (default
 *			3 50, as IPVS). State changes are always told.
 *	sync_refresh_period
 *			seconds, 0..86400: when non-zero, a connection is
 *			told again once its last sync is that old, instead
 *			of by packet count (default 0)
 *	sync_bulk_rate	records per second a master sends a backup that
 *			asked for the whole table, 100..10000000 (default
 *			20000)
 *	sync_flush_ms	longest a record waits for others to fill a
 *			message, 1..10000 ms (default 20): the sync lag at
 *			low connection rates
 *	conn_max	most connections (and templates) in the table,
 *			0..2147483647, 0 for no limit (default: the
 *			conn_max module parameter, 0); beyond it new
 *			connections are dropped and counted as conn_limit.
 *			Lowering it evicts nothing.
 *	strip_tcp_timestamps
 *			1 or 0: FULLNAT removes the timestamp option from
 *			clients' SYNs, so a real server's TIME_WAIT entry
 *			cannot refuse a reused local port by PAWS (default
 *			1; see fnat_tcpseq.c)
 *	log_ratelimit	"INTERVAL_MS BURST": at most BURST of fnat's traffic
 *			warnings (no local port free, table full, no route)
 *			every INTERVAL_MS, 0..3600000 and 0..10000 (default
 *			5000 10); 0 INTERVAL_MS lets all through, 0 BURST
 *			none
 *	drop_entry, drop_packet, secure_tcp
 *			0..3: the defence strategies of fnat_defense.h, 0
 *			off, 1 automatic (reads 2 while memory is short), 3
 *			always (default 0, as IPVS)
 *	amemthresh	pages, 1..2147483647: automatic strategies are on
 *			while less memory than this is available (default
 *			1024)
 *	am_droprate	1..2147483647: drop_packet at 3 drops one of this
 *			many new connections (default 10)
 *	synproxy_mss	0, or 536..9000: the most MSS the SYN proxy's
 *			SYN-ACKs announce (default 0: what the route to the
 *			client takes), less TOA's room on FULLNAT services
 *	synproxy_wscale	0..14: the window scale the SYN proxy's SYN-ACKs
 *			announce to clients that offer one (default 7);
 *			windows are rescaled when a real server picks
 *			another. A change applies to cookies sent after it.
 */
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "fnat_conn.h"
#include "fnat_core.h"
#include "fnat_defense.h"
#include "fnat_log.h"
#include "fnat_lport.h"
#include "fnat_persist.h"
#include "fnat_sync.h"
#include "fnat_synproxy.h"
#include "fnat_tcpseq.h"
#include "fnat_sysfs.h"
#include "fnat_toa.h"

static struct kobject *fnat_kobj;

static ssize_t lport_range_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct fnat_lport_range r;

	fnat_lport_range(&r);
	return sysfs_emit(buf, "%u %u\n", r.min, r.max);
}

/* "A B": two unsigned numbers separated by blanks. */
static int fnat_sysfs_pair(const char *buf, size_t count, u32 *a, u32 *b)
{
	char tmp[32], *p, *first;

	if (count >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, count);
	tmp[count] = '\0';
	p = strim(tmp);
	first = strsep(&p, " \t");
	if (!p || kstrtou32(first, 10, a) || kstrtou32(strim(p), 10, b))
		return -EINVAL;
	return 0;
}

static ssize_t lport_range_store(struct kobject *kobj,
				 struct kobj_attribute *attr, const char *buf,
				 size_t count)
{
	u32 min, max;

	if (fnat_sysfs_pair(buf, count, &min, &max) || min > U16_MAX ||
	    max > U16_MAX || fnat_lport_set_range(min, max))
		return -EINVAL;
	return count;
}

static struct kobj_attribute fnat_attr_lport_range = __ATTR_RW(lport_range);

/* A 0/1 setting; anything else is refused and the value stays. */
static int fnat_sysfs_bool(const char *buf, bool *on)
{
	unsigned int v;

	if (kstrtouint(buf, 10, &v) || v > 1)
		return -EINVAL;
	*on = v;
	return 0;
}

/*
 * A 0/1 attribute @name read with @get() and written with @set(), each a
 * function of the module: fnat_attr_@name.
 */
#define FNAT_SYSFS_BOOL(name, get, set)					\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%d\n", get());				\
}									\
static ssize_t name##_store(struct kobject *kobj,			\
			    struct kobj_attribute *attr,		\
			    const char *buf, size_t count)		\
{									\
	bool on;							\
									\
	if (fnat_sysfs_bool(buf, &on))					\
		return -EINVAL;						\
	set(on);							\
	return count;							\
}									\
static struct kobj_attribute fnat_attr_##name = __ATTR_RW(name)

FNAT_SYSFS_BOOL(toa, fnat_toa_enabled, fnat_toa_set_enabled);
FNAT_SYSFS_BOOL(expire_nodest_conn, fnat_core_expire_nodest_conn,
		fnat_core_set_expire_nodest_conn);
FNAT_SYSFS_BOOL(expire_quiescent_template, fnat_persist_expire_quiescent,
		fnat_persist_set_expire_quiescent);
FNAT_SYSFS_BOOL(reject_no_dest, fnat_core_reject_no_dest,
		fnat_core_set_reject_no_dest);
FNAT_SYSFS_BOOL(fast_path, fnat_core_fast_path, fnat_core_set_fast_path);
FNAT_SYSFS_BOOL(strip_tcp_timestamps, fnat_tcp_strip_timestamps_on,
		fnat_tcp_set_strip_timestamps);

/*
 * A "A B" attribute @name read with @get(&a, &b) and written with
 * @set(a, b), which refuses what is out of range: fnat_attr_@name.
 */
#define FNAT_SYSFS_PAIR(name, get, set)					\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	u32 a, b;							\
									\
	get(&a, &b);							\
	return sysfs_emit(buf, "%u %u\n", a, b);			\
}									\
static ssize_t name##_store(struct kobject *kobj,			\
			    struct kobj_attribute *attr,		\
			    const char *buf, size_t count)		\
{									\
	u32 a, b;							\
									\
	if (fnat_sysfs_pair(buf, count, &a, &b) || (set)(a, b))	\
		return -EINVAL;						\
	return count;							\
}									\
static struct kobj_attribute fnat_attr_##name = __ATTR_RW(name)

static void fnat_sysfs_sync_threshold(u32 *threshold, u32 *period)
{
	*threshold = READ_ONCE(fnat_sync_threshold);
	*period = READ_ONCE(fnat_sync_period);
}

FNAT_SYSFS_PAIR(sync_threshold, fnat_sysfs_sync_threshold,
		fnat_sync_set_threshold);
FNAT_SYSFS_PAIR(log_ratelimit, fnat_log_ratelimit, fnat_log_set_ratelimit);

/*
 * A number attribute @name showing the value of @get and written with
 * @set(), which refuses what is out of range: fnat_attr_@name.
 */
#define FNAT_SYSFS_U32(name, get, set)					\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%u\n", (get));				\
}									\
static ssize_t name##_store(struct kobject *kobj,			\
			    struct kobj_attribute *attr,		\
			    const char *buf, size_t count)		\
{									\
	u32 v;								\
									\
	if (kstrtou32(buf, 10, &v) || (set)(v))				\
		return -EINVAL;						\
	return count;							\
}									\
static struct kobj_attribute fnat_attr_##name = __ATTR_RW(name)

FNAT_SYSFS_U32(sync_refresh_period, READ_ONCE(fnat_sync_refresh_period_s),
	       fnat_sync_set_refresh_period);
FNAT_SYSFS_U32(sync_bulk_rate, READ_ONCE(fnat_sync_bulk_rate),
	       fnat_sync_set_bulk_rate);
FNAT_SYSFS_U32(sync_flush_ms, READ_ONCE(fnat_sync_flush_ms),
	       fnat_sync_set_flush_ms);

static int fnat_sysfs_set_conn_max(u32 v)
{
	return fnat_conn_set_max(fnat_conns(), v);
}

FNAT_SYSFS_U32(conn_max, fnat_conn_max(fnat_conns()), fnat_sysfs_set_conn_max);

/*
 * The defence strategies' modes: 0..3 (fnat_defense.h); automatic ones
 * read 1 or 2 as memory goes.
 */
static int fnat_sysfs_set_drop_entry(u32 v)
{
	return fnat_defense_set_mode(FNAT_DEFENSE_DROP_ENTRY, v);
}

static int fnat_sysfs_set_drop_packet(u32 v)
{
	return fnat_defense_set_mode(FNAT_DEFENSE_DROP_PACKET, v);
}

static int fnat_sysfs_set_secure_tcp(u32 v)
{
	return fnat_defense_set_mode(FNAT_DEFENSE_SECURE_TCP, v);
}

FNAT_SYSFS_U32(drop_entry, fnat_defense_mode(FNAT_DEFENSE_DROP_ENTRY),
	       fnat_sysfs_set_drop_entry);
FNAT_SYSFS_U32(drop_packet, fnat_defense_mode(FNAT_DEFENSE_DROP_PACKET),
	       fnat_sysfs_set_drop_packet);
FNAT_SYSFS_U32(secure_tcp, fnat_defense_mode(FNAT_DEFENSE_SECURE_TCP),
	       fnat_sysfs_set_secure_tcp);
FNAT_SYSFS_U32(amemthresh, fnat_defense_amemthresh(),
	       fnat_defense_set_amemthresh);
FNAT_SYSFS_U32(am_droprate, fnat_defense_am_droprate(),
	       fnat_defense_set_am_droprate);
FNAT_SYSFS_U32(synproxy_mss, fnat_sp_mss(), fnat_sp_set_mss);
FNAT_SYSFS_U32(synproxy_wscale, fnat_sp_wscale(), fnat_sp_set_wscale);

static struct attribute *fnat_attrs[] = {
	&fnat_attr_lport_range.attr,
	&fnat_attr_toa.attr,
	&fnat_attr_expire_nodest_conn.attr,
	&fnat_attr_expire_quiescent_template.attr,
	&fnat_attr_reject_no_dest.attr,
	&fnat_attr_fast_path.attr,
	&fnat_attr_sync_threshold.attr,
	&fnat_attr_sync_refresh_period.attr,
	&fnat_attr_sync_bulk_rate.attr,
	&fnat_attr_sync_flush_ms.attr,
	&fnat_attr_conn_max.attr,
	&fnat_attr_strip_tcp_timestamps.attr,
	&fnat_attr_log_ratelimit.attr,
	&fnat_attr_drop_entry.attr,
	&fnat_attr_drop_packet.attr,
	&fnat_attr_secure_tcp.attr,
	&fnat_attr_amemthresh.attr,
	&fnat_attr_am_droprate.attr,
	&fnat_attr_synproxy_mss.attr,
	&fnat_attr_synproxy_wscale.attr,
	NULL,
};

static const struct attribute_group fnat_attr_group = {
	.attrs = fnat_attrs,
};

/* The attribute called @name, or NULL; the KUnit suite drives them. */
struct kobj_attribute *fnat_sysfs_attr(const char *name)
{
	struct attribute **a;

	for (a = fnat_attrs; *a; a++)
		if (!strcmp((*a)->name, name))
			return container_of(*a, struct kobj_attribute, attr);
	return NULL;
}

int fnat_sysfs_register(void)
{
	int err;

	fnat_kobj = kobject_create_and_add("fnat", kernel_kobj);
	if (!fnat_kobj)
		return -ENOMEM;
	err = sysfs_create_group(fnat_kobj, &fnat_attr_group);
	if (err)
		kobject_put(fnat_kobj);
	return err;
}

void fnat_sysfs_unregister(void)
{
	sysfs_remove_group(fnat_kobj, &fnat_attr_group);
	kobject_put(fnat_kobj);
}

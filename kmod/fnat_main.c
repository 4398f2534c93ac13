// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: module entry points and load-time parameters.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include "fnat.h"
#include "fnat_conn.h"
#include "fnat_defense.h"
#include "fnat_sysfs.h"

#define FNAT_CONN_TAB_BITS_MIN	8
#define FNAT_CONN_TAB_BITS_MAX	24
/* The automatic size stops at 8 MB of buckets. */
#define FNAT_CONN_TAB_BITS_AUTO_MAX	20

static unsigned int conn_tab_bits;
module_param(conn_tab_bits, uint, 0444);
MODULE_PARM_DESC(conn_tab_bits,
		 "log2 of the connection hash table size, 8..24; 0 (default) sizes it from memory: one bucket per page, at most 2^20");

static unsigned int conn_max;
module_param(conn_max, uint, 0444);
MODULE_PARM_DESC(conn_max,
		 "most connections in the table at load, 0..2147483647, 0 for no limit (default 0); /sys/kernel/fnat/conn_max changes it later");

static struct fnat_conn_table *fnat_conn_tab;

/*
 * Expired connections are already invisible to lookups; the sweep gives
 * back their memory and their dests' counts. Sweeping an eighth of the
 * table eight times a second visits every bucket about once a second, so
 * counters and -Lnc lag an expiry by a second at most (in tables of up to
 * FNAT_GC_ENTRIES_PER_SEC entries), at a cost that grows with the table,
 * not with the traffic.
 */
#define FNAT_GC_PARTS	8
/*
 * Beyond this many entries a full pass takes longer than a second (up to
 * FNAT_GC_SLOWEST seconds), so sweeping keeps costing about what this many
 * entries a second cost: a million connections are then visited every 8 s
 * rather than every second. Expired entries are invisible to lookups at
 * once either way; only their memory and dest counts wait longer.
 */
#define FNAT_GC_ENTRIES_PER_SEC	131072U
#define FNAT_GC_SLOWEST		16
static struct delayed_work fnat_gc_work;

static unsigned int fnat_gc_budget(void)
{
	unsigned int budget = fnat_conn_tab_size() / FNAT_GC_PARTS;
	unsigned int n = max(atomic_read(&fnat_conn_tab->count), 0);

	if (n > FNAT_GC_ENTRIES_PER_SEC)
		budget = max_t(unsigned int,
			       div_u64((u64)budget * FNAT_GC_ENTRIES_PER_SEC, n),
			       budget / FNAT_GC_SLOWEST);
	return max(budget, 1U);
}

static void fnat_gc(struct work_struct *work)
{
	fnat_conn_gc(fnat_conn_tab, jiffies, fnat_gc_budget());
	queue_delayed_work(system_power_efficient_wq, &fnat_gc_work,
			   HZ / FNAT_GC_PARTS);
}

unsigned int fnat_conn_tab_size(void)
{
	return 1U << conn_tab_bits;
}

/* The connection table every netns shares; entries carry their netns. */
struct fnat_conn_table *fnat_conns(void)
{
	return fnat_conn_tab;
}

/*
 * One bucket (8 bytes) per page of memory, 0.2 % of it: a director that
 * fills its memory with connections (a few hundred bytes each) still finds
 * each in a bucket holding a handful, where a fixed small table would make
 * every lookup walk long chains.
 */
static unsigned int fnat_conn_tab_bits_auto(void)
{
	unsigned int bits = ilog2(max_t(unsigned long, totalram_pages(), 1));

	return clamp_t(unsigned int, bits, FNAT_CONN_TAB_BITS_MIN,
		       FNAT_CONN_TAB_BITS_AUTO_MAX);
}

static int __init fnat_init(void)
{
	int err;

	if (!conn_tab_bits)
		conn_tab_bits = fnat_conn_tab_bits_auto();
	if (conn_tab_bits < FNAT_CONN_TAB_BITS_MIN ||
	    conn_tab_bits > FNAT_CONN_TAB_BITS_MAX) {
		pr_err("fnat: conn_tab_bits=%u is out of range %u..%u\n",
		       conn_tab_bits, FNAT_CONN_TAB_BITS_MIN,
		       FNAT_CONN_TAB_BITS_MAX);
		return -EINVAL;
	}
	if (conn_max > INT_MAX) {
		pr_err("fnat: conn_max=%u is out of range 0..%d\n", conn_max,
		       INT_MAX);
		return -EINVAL;
	}
	fnat_conn_tab = fnat_conn_table_create(conn_tab_bits, conn_max);
	if (!fnat_conn_tab)
		return -ENOMEM;
	INIT_DELAYED_WORK(&fnat_gc_work, fnat_gc);
	queue_delayed_work(system_power_efficient_wq, &fnat_gc_work,
			   HZ / FNAT_GC_PARTS);
	fnat_defense_start(fnat_conn_tab);
	err = fnat_netns_register();
	if (err)
		goto destroy_conns;
	err = fnat_sysfs_register();
	if (err)
		goto unregister_netns;
	err = fnat_genl_register();
	if (err)
		goto unregister_sysfs;
	pr_info("fnat: version %u.%u.%u loaded (conn table size %u)\n",
		FNAT_VERSION_MAJOR, FNAT_VERSION_MINOR, FNAT_VERSION_PATCH,
		fnat_conn_tab_size());
	return 0;

unregister_sysfs:
	fnat_sysfs_unregister();
unregister_netns:
	fnat_netns_unregister();
destroy_conns:
	fnat_defense_stop();
	cancel_delayed_work_sync(&fnat_gc_work);
	fnat_conn_table_destroy(fnat_conn_tab);
	return err;
}

static void __exit fnat_exit(void)
{
	/* No new requests first, then tear down every netns' tables. */
	fnat_genl_unregister();
	fnat_sysfs_unregister();
	fnat_netns_unregister();
	fnat_defense_stop();
	cancel_delayed_work_sync(&fnat_gc_work);
	fnat_conn_table_destroy(fnat_conn_tab);
	/* Objects freed after a grace period must be gone before the module is. */
	rcu_barrier();
}

module_init(fnat_init);
module_exit(fnat_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("fnat: L4 load balancer with FULLNAT");
MODULE_VERSION("0.1.0");
MODULE_ALIAS_GENL_FAMILY(FNAT_GENL_NAME);

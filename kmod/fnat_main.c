// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: module entry points and load-time parameters.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include "fnat.h"
#include "fnat_conn.h"

#define FNAT_CONN_TAB_BITS_MIN	8
#define FNAT_CONN_TAB_BITS_MAX	20

static unsigned int conn_tab_bits = 12;
module_param(conn_tab_bits, uint, 0444);
MODULE_PARM_DESC(conn_tab_bits,
		 "log2 of the connection hash table size, 8..20 (default 12)");

static unsigned int conn_max;
module_param(conn_max, uint, 0444);
MODULE_PARM_DESC(conn_max,
		 "most connections in the table, 0 for no limit (default 0)");

static struct fnat_conn_table *fnat_conn_tab;

unsigned int fnat_conn_tab_size(void)
{
	return 1U << conn_tab_bits;
}

/* The connection table every netns shares; entries carry their netns. */
struct fnat_conn_table *fnat_conns(void)
{
	return fnat_conn_tab;
}

static int __init fnat_init(void)
{
	int err;

	if (conn_tab_bits < FNAT_CONN_TAB_BITS_MIN ||
	    conn_tab_bits > FNAT_CONN_TAB_BITS_MAX) {
		pr_err("fnat: conn_tab_bits=%u is out of range %u..%u\n",
		       conn_tab_bits, FNAT_CONN_TAB_BITS_MIN,
		       FNAT_CONN_TAB_BITS_MAX);
		return -EINVAL;
	}
	fnat_conn_tab = fnat_conn_table_create(conn_tab_bits, conn_max);
	if (!fnat_conn_tab)
		return -ENOMEM;
	err = fnat_netns_register();
	if (err)
		goto destroy_conns;
	err = fnat_genl_register();
	if (err)
		goto unregister_netns;
	pr_info("fnat: version %u.%u.%u loaded (conn table size %u)\n",
		FNAT_VERSION_MAJOR, FNAT_VERSION_MINOR, FNAT_VERSION_PATCH,
		fnat_conn_tab_size());
	return 0;

unregister_netns:
	fnat_netns_unregister();
destroy_conns:
	fnat_conn_table_destroy(fnat_conn_tab);
	return err;
}

static void __exit fnat_exit(void)
{
	/* No new requests first, then tear down every netns' tables. */
	fnat_genl_unregister();
	fnat_netns_unregister();
	fnat_conn_table_destroy(fnat_conn_tab);
	/* Objects freed with kfree_rcu must be gone before the module is. */
	rcu_barrier();
}

module_init(fnat_init);
module_exit(fnat_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("fnat: L4 load balancer with FULLNAT");
MODULE_VERSION("0.1.0");
MODULE_ALIAS_GENL_FAMILY(FNAT_GENL_NAME);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: every attribute under /sys/kernel/fnat/ takes its good values,
 * shows them back as they were written, and refuses bad ones (out of
 * range, not a number, wrong form, the wrong count of numbers) with
 * -EINVAL, keeping the old value. The suites run before fnat's module
 * init, so the attributes are driven through their show and store
 * functions rather than through a mounted sysfs, and conn_max, whose
 * table does not exist yet, is checked on a table of the test's own.
 */
#include <kunit/test.h>
#include <linux/kobject.h>
#include <linux/string.h>
#include "../fnat_conn.h"
#include "../fnat_core.h"
#include "../fnat_log.h"
#include "../fnat_lport.h"
#include "../fnat_persist.h"
#include "../fnat_sync.h"
#include "../fnat_sysfs.h"
#include "../fnat_tcpseq.h"
#include "../fnat_toa.h"

struct fnat_sysfs_good {
	const char *in;
	const char *shown;
};

struct fnat_sysfs_case {
	const char *name;
	const struct fnat_sysfs_good *good;	/* ends with a NULL in */
	const char * const *bad;		/* ends with NULL */
};

static const char * const fnat_bool_bad[] = {
	"2", "-1", "yes", "on", "", "\n", "0x1", "1 1", "1.0", "4294967297",
	NULL,
};

static const struct fnat_sysfs_good fnat_bool_good[] = {
	{ "0\n", "0\n" }, { "1\n", "1\n" }, { "0", "0\n" }, { "1", "1\n" },
	{}
};

static const struct fnat_sysfs_good fnat_lport_good[] = {
	{ "2000 3000\n", "2000 3000\n" },
	{ " 1\t65535\n", "1 65535\n" },
	{ "4242 4242", "4242 4242\n" },
	{}
};

static const char * const fnat_lport_bad[] = {
	"3000 2000", "0 100", "1 65536", "65536 65537", "abc", "", "1",
	"1 2 3", "-1 5", "99999999999 1", "1,2", "1 2x", "0x10 0x20",
	"12345678901234567890123456789012 1",
	NULL,
};

static const struct fnat_sysfs_good fnat_threshold_good[] = {
	{ "3 50\n", "3 50\n" }, { "0 1", "0 1\n" }, { "7 0", "7 0\n" },
	{ "32766 32767", "32766 32767\n" },
	{}
};

static const char * const fnat_threshold_bad[] = {
	"50 50", "51 50", "3 32768", "a b", "3", "", "3 50 1", "-3 50",
	NULL,
};

static const struct fnat_sysfs_good fnat_refresh_good[] = {
	{ "0", "0\n" }, { "86400\n", "86400\n" }, { "60", "60\n" }, {}
};

static const char * const fnat_refresh_bad[] = {
	"86401", "-1", "x", "", "1 2", "4294967296", NULL,
};

static const struct fnat_sysfs_good fnat_bulk_good[] = {
	{ "100", "100\n" }, { "10000000\n", "10000000\n" },
	{ "20000", "20000\n" }, {}
};

static const char * const fnat_bulk_bad[] = {
	"99", "0", "10000001", "-100", "fast", "", NULL,
};

static const struct fnat_sysfs_good fnat_flush_good[] = {
	{ "1", "1\n" }, { "10000", "10000\n" }, { "20\n", "20\n" }, {}
};

static const char * const fnat_flush_bad[] = {
	"0", "10001", "-20", "20ms", "", NULL,
};

static const struct fnat_sysfs_good fnat_log_good[] = {
	{ "0 0", "0 0\n" }, { "3600000 10000\n", "3600000 10000\n" },
	{ "1 1", "1 1\n" }, { "5000 10", "5000 10\n" }, {}
};

static const char * const fnat_log_bad[] = {
	"3600001 1", "1 10001", "5000", "x y", "", "5000 10 1", "-1 10",
	NULL,
};

/* Automatic modes read 1 while memory is plentiful, as here. */
static const struct fnat_sysfs_good fnat_defense_good[] = {
	{ "0", "0\n" }, { "3\n", "3\n" }, { "1", "1\n" }, { "2", "1\n" },
	{}
};

static const char * const fnat_defense_bad[] = {
	"4", "-1", "on", "", "1 1", "4294967296", "0x3", NULL,
};

static const struct fnat_sysfs_good fnat_amemthresh_good[] = {
	{ "1024", "1024\n" }, { "1", "1\n" }, { "65536\n", "65536\n" }, {}
};

static const struct fnat_sysfs_good fnat_droprate_good[] = {
	{ "10", "10\n" }, { "1", "1\n" }, { "2147483647", "2147483647\n" },
	{}
};

static const char * const fnat_positive_int_bad[] = {
	"0", "2147483648", "-1", "ten", "", "1 2", NULL,
};

static const struct fnat_sysfs_good fnat_sp_mss_good[] = {
	{ "0", "0\n" }, { "536", "536\n" }, { "9000\n", "9000\n" },
	{ "1200", "1200\n" }, {}
};

static const char * const fnat_sp_mss_bad[] = {
	"1", "535", "9001", "-1", "mss", "", "1200 1", NULL,
};

static const struct fnat_sysfs_good fnat_sp_wscale_good[] = {
	{ "7", "7\n" }, { "0", "0\n" }, { "14\n", "14\n" }, {}
};

static const char * const fnat_sp_wscale_bad[] = {
	"15", "-1", "seven", "", "4294967296", NULL,
};

static const struct fnat_sysfs_case fnat_sysfs_cases[] = {
	{ "lport_range", fnat_lport_good, fnat_lport_bad },
	{ "toa", fnat_bool_good, fnat_bool_bad },
	{ "expire_nodest_conn", fnat_bool_good, fnat_bool_bad },
	{ "expire_quiescent_template", fnat_bool_good, fnat_bool_bad },
	{ "reject_no_dest", fnat_bool_good, fnat_bool_bad },
	{ "fast_path", fnat_bool_good, fnat_bool_bad },
	{ "strip_tcp_timestamps", fnat_bool_good, fnat_bool_bad },
	{ "sync_threshold", fnat_threshold_good, fnat_threshold_bad },
	{ "sync_refresh_period", fnat_refresh_good, fnat_refresh_bad },
	{ "sync_bulk_rate", fnat_bulk_good, fnat_bulk_bad },
	{ "sync_flush_ms", fnat_flush_good, fnat_flush_bad },
	{ "log_ratelimit", fnat_log_good, fnat_log_bad },
	{ "drop_entry", fnat_defense_good, fnat_defense_bad },
	{ "drop_packet", fnat_defense_good, fnat_defense_bad },
	{ "secure_tcp", fnat_defense_good, fnat_defense_bad },
	{ "amemthresh", fnat_amemthresh_good, fnat_positive_int_bad },
	{ "am_droprate", fnat_droprate_good, fnat_positive_int_bad },
	{ "synproxy_mss", fnat_sp_mss_good, fnat_sp_mss_bad },
	{ "synproxy_wscale", fnat_sp_wscale_good, fnat_sp_wscale_bad },
};

static void fnat_sysfs_show(struct kunit *test, struct kobj_attribute *a,
			    char *buf)
{
	ssize_t n;

	memset(buf, 0, PAGE_SIZE);
	n = a->show(NULL, a, buf);
	KUNIT_ASSERT_GT(test, n, (ssize_t)0);
	KUNIT_ASSERT_EQ(test, (size_t)n, strlen(buf));
}

static ssize_t fnat_sysfs_store(struct kobj_attribute *a, const char *in)
{
	return a->store(NULL, a, in, strlen(in));
}

static void fnat_sysfs_values(struct kunit *test)
{
	char *orig = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	char *before = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	char *now = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	const struct fnat_sysfs_case *c;
	const struct fnat_sysfs_good *g;
	const char * const *bad;
	struct kobj_attribute *a;

	KUNIT_ASSERT_NOT_NULL(test, orig);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, now);
	for (c = fnat_sysfs_cases;
	     c < fnat_sysfs_cases + ARRAY_SIZE(fnat_sysfs_cases); c++) {
		a = fnat_sysfs_attr(c->name);
		KUNIT_ASSERT_NOT_NULL_MSG(test, a, "%s", c->name);
		fnat_sysfs_show(test, a, orig);
		for (g = c->good; g->in; g++) {
			KUNIT_EXPECT_EQ_MSG(test, fnat_sysfs_store(a, g->in),
					    (ssize_t)strlen(g->in),
					    "%s <- '%s'", c->name, g->in);
			fnat_sysfs_show(test, a, now);
			KUNIT_EXPECT_STREQ_MSG(test, now, g->shown, "%s",
					       c->name);
		}
		/* From a value no good input above ends on, when possible. */
		fnat_sysfs_store(a, c->good[0].in);
		fnat_sysfs_show(test, a, before);
		for (bad = c->bad; *bad; bad++) {
			KUNIT_EXPECT_EQ_MSG(test, fnat_sysfs_store(a, *bad),
					    (ssize_t)-EINVAL,
					    "%s <- '%s'", c->name, *bad);
			fnat_sysfs_show(test, a, now);
			KUNIT_EXPECT_STREQ_MSG(test, now, before,
					       "%s changed by '%s'", c->name,
					       *bad);
		}
		KUNIT_EXPECT_EQ(test, fnat_sysfs_store(a, orig),
				(ssize_t)strlen(orig));
	}
}

/* The list above covers every attribute there is but conn_max. */
static void fnat_sysfs_all_listed(struct kunit *test)
{
	static const char * const names[] = {
		"lport_range", "toa", "expire_nodest_conn",
		"expire_quiescent_template", "reject_no_dest", "fast_path",
		"strip_tcp_timestamps", "sync_threshold",
		"sync_refresh_period", "sync_bulk_rate", "sync_flush_ms",
		"log_ratelimit", "conn_max", "drop_entry", "drop_packet",
		"secure_tcp", "amemthresh", "am_droprate", "synproxy_mss",
		"synproxy_wscale",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		KUNIT_EXPECT_NOT_NULL_MSG(test, fnat_sysfs_attr(names[i]),
					  "%s", names[i]);
	KUNIT_EXPECT_NULL(test, fnat_sysfs_attr("no_such_tunable"));
	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(fnat_sysfs_cases) + 1,
			ARRAY_SIZE(names));
}

/* What a store changes is what the data path reads. */
static void fnat_sysfs_reach_the_data_path(struct kunit *test)
{
	struct kobj_attribute *ts = fnat_sysfs_attr("strip_tcp_timestamps");
	struct kobj_attribute *lr = fnat_sysfs_attr("lport_range");
	struct kobj_attribute *log = fnat_sysfs_attr("log_ratelimit");
	struct kobj_attribute *toa = fnat_sysfs_attr("toa");
	struct fnat_lport_range r, old_r;
	bool old_ts = fnat_tcp_strip_timestamps_on();
	bool old_toa = fnat_toa_enabled();
	u32 interval, burst, old_interval, old_burst;

	fnat_lport_range(&old_r);
	fnat_log_ratelimit(&old_interval, &old_burst);

	KUNIT_EXPECT_GT(test, fnat_sysfs_store(ts, "0"), (ssize_t)0);
	KUNIT_EXPECT_FALSE(test, fnat_tcp_strip_timestamps_on());
	KUNIT_EXPECT_GT(test, fnat_sysfs_store(ts, "1"), (ssize_t)0);
	KUNIT_EXPECT_TRUE(test, fnat_tcp_strip_timestamps_on());

	KUNIT_EXPECT_GT(test, fnat_sysfs_store(toa, "0"), (ssize_t)0);
	KUNIT_EXPECT_FALSE(test, fnat_toa_enabled());

	KUNIT_EXPECT_GT(test, fnat_sysfs_store(lr, "1025 1030"), (ssize_t)0);
	fnat_lport_range(&r);
	KUNIT_EXPECT_EQ(test, r.min, 1025);
	KUNIT_EXPECT_EQ(test, r.max, 1030);

	/* Two messages a minute: the third in a row is held back. */
	KUNIT_EXPECT_GT(test, fnat_sysfs_store(log, "60000 2"), (ssize_t)0);
	fnat_log_ratelimit(&interval, &burst);
	KUNIT_EXPECT_EQ(test, interval, 60000U);
	KUNIT_EXPECT_EQ(test, burst, 2U);
	KUNIT_EXPECT_TRUE(test, __ratelimit(&fnat_log_rs));
	KUNIT_EXPECT_TRUE(test, __ratelimit(&fnat_log_rs));
	KUNIT_EXPECT_FALSE(test, __ratelimit(&fnat_log_rs));
	/* A burst of 0 holds back everything; an interval of 0 nothing. */
	KUNIT_EXPECT_GT(test, fnat_sysfs_store(log, "60000 0"), (ssize_t)0);
	KUNIT_EXPECT_FALSE(test, __ratelimit(&fnat_log_rs));
	KUNIT_EXPECT_GT(test, fnat_sysfs_store(log, "0 1"), (ssize_t)0);
	KUNIT_EXPECT_TRUE(test, __ratelimit(&fnat_log_rs));
	KUNIT_EXPECT_TRUE(test, __ratelimit(&fnat_log_rs));

	fnat_tcp_set_strip_timestamps(old_ts);
	fnat_toa_set_enabled(old_toa);
	KUNIT_EXPECT_EQ(test, fnat_lport_set_range(old_r.min, old_r.max), 0);
	KUNIT_EXPECT_EQ(test, fnat_log_set_ratelimit(old_interval, old_burst),
			0);
}

/* conn_max's range, and its effect on a table of the test's own. */
static void fnat_sysfs_conn_max(struct kunit *test)
{
	struct fnat_conn_table *t = fnat_conn_table_create(8, 0);
	struct fnat_tuple orig = {
		.af = AF_INET, .protocol = IPPROTO_TCP,
		.saddr.ip = htonl(0x0a000001), .daddr.ip = htonl(0x0a000002),
		.dport = htons(80),
	};
	struct fnat_conn *c[3];
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_EQ(test, fnat_conn_max(t), 0U);
	KUNIT_EXPECT_EQ(test, fnat_conn_set_max(t, INT_MAX), 0);
	KUNIT_EXPECT_EQ(test, fnat_conn_set_max(t, (unsigned int)INT_MAX + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, fnat_conn_max(t), (unsigned int)INT_MAX);

	KUNIT_EXPECT_EQ(test, fnat_conn_set_max(t, 2), 0);
	for (i = 0; i < 3; i++) {
		orig.sport = htons(1000 + i);
		c[i] = fnat_conn_alloc(t, &init_net, &orig, &orig, jiffies);
	}
	KUNIT_EXPECT_FALSE(test, IS_ERR(c[0]));
	KUNIT_EXPECT_FALSE(test, IS_ERR(c[1]));
	KUNIT_EXPECT_EQ(test, PTR_ERR(c[2]), -ENOSPC);
	/* Raised, or lifted, the next one fits. */
	KUNIT_EXPECT_EQ(test, fnat_conn_set_max(t, 0), 0);
	c[2] = fnat_conn_alloc(t, &init_net, &orig, &orig, jiffies);
	KUNIT_EXPECT_FALSE(test, IS_ERR(c[2]));
	/* Lowered below the count: nothing goes, nothing new comes. */
	KUNIT_EXPECT_EQ(test, fnat_conn_set_max(t, 1), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), 3);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR(fnat_conn_alloc(t, &init_net, &orig, &orig,
						jiffies)),
			-ENOSPC);
	for (i = 0; i < 3; i++)
		if (!IS_ERR(c[i]))
			fnat_conn_free_unhashed(t, c[i]);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), 0);
	fnat_conn_table_destroy(t);
}

static struct kunit_case fnat_sysfs_test_cases[] = {
	KUNIT_CASE(fnat_sysfs_values),
	KUNIT_CASE(fnat_sysfs_all_listed),
	KUNIT_CASE(fnat_sysfs_reach_the_data_path),
	KUNIT_CASE(fnat_sysfs_conn_max),
	{}
};

static struct kunit_suite fnat_sysfs_suite = {
	.name = "fnat_sysfs",
	.test_cases = fnat_sysfs_test_cases,
};

kunit_test_suites(&fnat_sysfs_suite);

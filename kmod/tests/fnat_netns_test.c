// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: per-netns settings (connection timeouts): documented defaults,
 * partial changes, refusal of an empty change.
 */
#include <kunit/test.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include "../fnat.h"

static void fnat_timeouts(struct kunit *test)
{
	struct fnat_netns *fn = kunit_kzalloc(test, sizeof(*fn), GFP_KERNEL);
	struct fnat_timeout_conf conf = {};
	struct netlink_ext_ack ext = {};
	int err;

	KUNIT_ASSERT_NOT_NULL(test, fn);
	fnat_netns_state_init(fn);
	KUNIT_EXPECT_EQ(test, 7440U, fn->timeout_tcp);
	KUNIT_EXPECT_EQ(test, 120U, fn->timeout_tcp_fin);
	KUNIT_EXPECT_EQ(test, 300U, fn->timeout_udp);
	/* Longer than the default TCP keepalive idle time. */
	KUNIT_EXPECT_GT(test, fn->timeout_tcp, 7200U);

	mutex_lock(&fn->lock);
	err = fnat_netns_set_timeouts(fn, &conf, &ext);
	mutex_unlock(&fn->lock);
	KUNIT_EXPECT_EQ(test, -EINVAL, err);
	KUNIT_EXPECT_STREQ(test, "No timeout given", ext._msg);

	/* ipvsadm --set 30 0 60: the middle one stays. */
	conf = (struct fnat_timeout_conf){ .tcp = 30, .has_tcp = true,
					   .udp = 60, .has_udp = true };
	mutex_lock(&fn->lock);
	err = fnat_netns_set_timeouts(fn, &conf, &ext);
	mutex_unlock(&fn->lock);
	KUNIT_EXPECT_EQ(test, 0, err);
	KUNIT_EXPECT_EQ(test, 30U, fn->timeout_tcp);
	KUNIT_EXPECT_EQ(test, 120U, fn->timeout_tcp_fin);
	KUNIT_EXPECT_EQ(test, 60U, fn->timeout_udp);
	fnat_netns_state_destroy(fn);
}

static struct kunit_case fnat_netns_cases[] = {
	KUNIT_CASE(fnat_timeouts),
	{}
};

static struct kunit_suite fnat_netns_suite = {
	.name = "fnat_netns",
	.test_cases = fnat_netns_cases,
};

kunit_test_suites(&fnat_netns_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the TCP state machine on whole conversations, seen with replies
 * (NAT, FULLNAT) and without (DR, TUN), plus the rules every transition
 * must keep.
 */
#include <kunit/test.h>
#include "../fnat_proto_tcp.h"

struct seg {
	enum fnat_tcp_path	path;
	enum fnat_tcp_event	ev;
	enum fnat_tcp_state	want;
};

#define O	FNAT_TCP_PATH_ORIG
#define R	FNAT_TCP_PATH_REPLY
#define OO	FNAT_TCP_PATH_ORIG_ONLY

static void run(struct kunit *test, const struct seg *s, unsigned int n)
{
	enum fnat_tcp_state st = FNAT_TCP_NONE;
	unsigned int i;

	for (i = 0; i < n; i++) {
		st = fnat_tcp_next(st, s[i].path, s[i].ev);
		KUNIT_EXPECT_STREQ_MSG(test, fnat_tcp_state_name(s[i].want),
				       fnat_tcp_state_name(st), "segment %u", i);
	}
}

static void fnat_tcp_event_precedence(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, FNAT_TCP_EV_RST, fnat_tcp_event(true, true, true, true));
	KUNIT_EXPECT_EQ(test, FNAT_TCP_EV_SYNACK, fnat_tcp_event(true, true, false, false));
	KUNIT_EXPECT_EQ(test, FNAT_TCP_EV_SYN, fnat_tcp_event(true, false, true, false));
	KUNIT_EXPECT_EQ(test, FNAT_TCP_EV_FIN, fnat_tcp_event(false, true, true, false));
	KUNIT_EXPECT_EQ(test, FNAT_TCP_EV_ACK, fnat_tcp_event(false, true, false, false));
}

static void fnat_tcp_nat_client_closes(struct kunit *test)
{
	static const struct seg s[] = {
		{ O, FNAT_TCP_EV_SYN, FNAT_TCP_SYN_RECV },
		{ O, FNAT_TCP_EV_SYN, FNAT_TCP_SYN_RECV },	/* retransmit */
		{ R, FNAT_TCP_EV_SYNACK, FNAT_TCP_SYNACK },
		{ O, FNAT_TCP_EV_ACK, FNAT_TCP_ESTABLISHED },
		{ R, FNAT_TCP_EV_ACK, FNAT_TCP_ESTABLISHED },
		{ O, FNAT_TCP_EV_SYN, FNAT_TCP_ESTABLISHED },	/* stray */
		{ O, FNAT_TCP_EV_FIN, FNAT_TCP_FIN_WAIT },
		{ R, FNAT_TCP_EV_ACK, FNAT_TCP_FIN_WAIT },
		{ R, FNAT_TCP_EV_FIN, FNAT_TCP_LAST_ACK },
		{ O, FNAT_TCP_EV_ACK, FNAT_TCP_TIME_WAIT },
		{ O, FNAT_TCP_EV_SYN, FNAT_TCP_SYN_RECV },	/* port reuse */
	};

	run(test, s, ARRAY_SIZE(s));
}

static void fnat_tcp_nat_server_closes(struct kunit *test)
{
	static const struct seg s[] = {
		{ O, FNAT_TCP_EV_SYN, FNAT_TCP_SYN_RECV },
		{ R, FNAT_TCP_EV_SYNACK, FNAT_TCP_SYNACK },
		{ O, FNAT_TCP_EV_ACK, FNAT_TCP_ESTABLISHED },
		{ R, FNAT_TCP_EV_FIN, FNAT_TCP_CLOSE_WAIT },
		{ O, FNAT_TCP_EV_ACK, FNAT_TCP_CLOSE_WAIT },
		{ O, FNAT_TCP_EV_FIN, FNAT_TCP_LAST_ACK },
		{ R, FNAT_TCP_EV_ACK, FNAT_TCP_TIME_WAIT },
	};

	run(test, s, ARRAY_SIZE(s));
}

static void fnat_tcp_dr_sees_client_only(struct kunit *test)
{
	static const struct seg s[] = {
		{ OO, FNAT_TCP_EV_SYN, FNAT_TCP_SYN_RECV },
		{ OO, FNAT_TCP_EV_ACK, FNAT_TCP_ESTABLISHED },
		{ OO, FNAT_TCP_EV_ACK, FNAT_TCP_ESTABLISHED },
		{ OO, FNAT_TCP_EV_FIN, FNAT_TCP_FIN_WAIT },
		{ OO, FNAT_TCP_EV_ACK, FNAT_TCP_FIN_WAIT },
		{ OO, FNAT_TCP_EV_RST, FNAT_TCP_CLOSE },
		{ OO, FNAT_TCP_EV_SYN, FNAT_TCP_SYN_RECV },
	};

	run(test, s, ARRAY_SIZE(s));
}

static void fnat_tcp_rst_closes_everything(struct kunit *test)
{
	int st, p;

	for (st = 0; st < FNAT_TCP_STATE_MAX; st++)
		for (p = 0; p < FNAT_TCP_PATH_MAX; p++)
			KUNIT_EXPECT_EQ(test, FNAT_TCP_CLOSE,
					fnat_tcp_next(st, p, FNAT_TCP_EV_RST));
}

/* Rules over the whole table: no transition leaves the known states, the
 * server can never open a connection, and only a client SYN starts one.
 */
static void fnat_tcp_table_rules(struct kunit *test)
{
	int st, p, ev, next;

	for (st = 0; st < FNAT_TCP_STATE_MAX; st++) {
		KUNIT_EXPECT_STRNEQ(test, "ERR!", fnat_tcp_state_name(st));
		for (p = 0; p < FNAT_TCP_PATH_MAX; p++) {
			for (ev = 0; ev < FNAT_TCP_EV_MAX; ev++) {
				next = fnat_tcp_next(st, p, ev);
				KUNIT_EXPECT_LT(test, next, FNAT_TCP_STATE_MAX);
				if (next == FNAT_TCP_SYN_RECV && st != next)
					KUNIT_EXPECT_TRUE(test, p != R &&
							  ev == FNAT_TCP_EV_SYN);
				if (next == FNAT_TCP_ESTABLISHED && st != next)
					KUNIT_EXPECT_NE(test, p, R);
			}
		}
	}
	/* Out-of-range input is closed, not indexed. */
	KUNIT_EXPECT_EQ(test, FNAT_TCP_CLOSE,
			fnat_tcp_next(FNAT_TCP_STATE_MAX, O, FNAT_TCP_EV_ACK));
	KUNIT_EXPECT_STREQ(test, "ERR!", fnat_tcp_state_name(FNAT_TCP_STATE_MAX));
}

static void fnat_tcp_timeouts_and_classes(struct kunit *test)
{
	const struct fnat_tcp_timeouts set = { .established = 7440,
					       .fin_wait = 120 };

	KUNIT_EXPECT_EQ(test, 7440U, fnat_tcp_timeout(FNAT_TCP_ESTABLISHED, &set));
	KUNIT_EXPECT_EQ(test, 120U, fnat_tcp_timeout(FNAT_TCP_FIN_WAIT, &set));
	KUNIT_EXPECT_EQ(test, 120U, fnat_tcp_timeout(FNAT_TCP_TIME_WAIT, &set));
	KUNIT_EXPECT_EQ(test, 60U, fnat_tcp_timeout(FNAT_TCP_SYN_RECV, &set));
	KUNIT_EXPECT_EQ(test, 10U, fnat_tcp_timeout(FNAT_TCP_CLOSE, &set));
	KUNIT_EXPECT_TRUE(test, fnat_tcp_state_active(FNAT_TCP_ESTABLISHED));
	KUNIT_EXPECT_FALSE(test, fnat_tcp_state_active(FNAT_TCP_SYN_RECV));
	KUNIT_EXPECT_TRUE(test, fnat_tcp_state_reusable(FNAT_TCP_TIME_WAIT));
	KUNIT_EXPECT_TRUE(test, fnat_tcp_state_reusable(FNAT_TCP_CLOSE));
	KUNIT_EXPECT_FALSE(test, fnat_tcp_state_reusable(FNAT_TCP_SYN_RECV));
	KUNIT_EXPECT_FALSE(test, fnat_tcp_state_reusable(FNAT_TCP_ESTABLISHED));
}

static struct kunit_case fnat_proto_tcp_cases[] = {
	KUNIT_CASE(fnat_tcp_event_precedence),
	KUNIT_CASE(fnat_tcp_nat_client_closes),
	KUNIT_CASE(fnat_tcp_nat_server_closes),
	KUNIT_CASE(fnat_tcp_dr_sees_client_only),
	KUNIT_CASE(fnat_tcp_rst_closes_everything),
	KUNIT_CASE(fnat_tcp_table_rules),
	KUNIT_CASE(fnat_tcp_timeouts_and_classes),
	{}
};

static struct kunit_suite fnat_proto_tcp_suite = {
	.name = "fnat_proto_tcp",
	.test_cases = fnat_proto_tcp_cases,
};

kunit_test_suites(&fnat_proto_tcp_suite);

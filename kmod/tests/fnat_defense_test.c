// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the defence strategies follow IPVS's values: automatic ones turn
 * on and off with the memory available and read 2 while on, drop_packet
 * drops exactly one of every RATE new connections at the rate memory or
 * am_droprate gives, secure_tcp holds a handshake until the server's
 * SYN-ACK, and drop_entry evicts half-open TCP entries and nothing else.
 */
#include <kunit/test.h>
#include <linux/jiffies.h>
#include "../fnat_conn.h"
#include "../fnat_defense.h"
#include "../fnat_proto_tcp.h"

struct fnat_defense_saved {
	unsigned int modes[FNAT_DEFENSE_MAX];
	u32 amemthresh;
	u32 am_droprate;
};

static void fnat_defense_save(struct fnat_defense_saved *s)
{
	unsigned int i;

	for (i = 0; i < FNAT_DEFENSE_MAX; i++)
		s->modes[i] = fnat_defense_mode(i);
	s->amemthresh = fnat_defense_amemthresh();
	s->am_droprate = fnat_defense_am_droprate();
}

static void fnat_defense_restore(struct kunit *test,
				 const struct fnat_defense_saved *s)
{
	unsigned int i;

	for (i = 0; i < FNAT_DEFENSE_MAX; i++)
		KUNIT_EXPECT_EQ(test, fnat_defense_set_mode(i, s->modes[i]), 0);
	KUNIT_EXPECT_EQ(test, fnat_defense_set_amemthresh(s->amemthresh), 0);
	KUNIT_EXPECT_EQ(test, fnat_defense_set_am_droprate(s->am_droprate), 0);
}

static void fnat_defense_modes_follow_memory(struct kunit *test)
{
	struct fnat_defense_saved saved;
	unsigned int s;

	fnat_defense_save(&saved);
	KUNIT_EXPECT_EQ(test, fnat_defense_set_amemthresh(1000), 0);
	for (s = 0; s < FNAT_DEFENSE_MAX; s++) {
		KUNIT_EXPECT_EQ(test, fnat_defense_set_mode(s, 4), -EINVAL);
		KUNIT_EXPECT_EQ(test, fnat_defense_set_mode(s, 1), 0);
		fnat_defense_update(2000);
		KUNIT_EXPECT_EQ(test, fnat_defense_mode(s), 1U);
		fnat_defense_update(999);
		KUNIT_EXPECT_EQ(test, fnat_defense_mode(s), 2U);
		fnat_defense_update(1000);	/* not below: back off */
		KUNIT_EXPECT_EQ(test, fnat_defense_mode(s), 1U);
		/* 2 written is automatic too, and shows what memory says. */
		KUNIT_EXPECT_EQ(test, fnat_defense_set_mode(s, 2), 0);
		fnat_defense_update(5000);
		KUNIT_EXPECT_EQ(test, fnat_defense_mode(s), 1U);
		KUNIT_EXPECT_EQ(test, fnat_defense_set_mode(s, 3), 0);
		fnat_defense_update(5000);
		KUNIT_EXPECT_EQ(test, fnat_defense_mode(s), 3U);
		KUNIT_EXPECT_EQ(test, fnat_defense_set_mode(s, 0), 0);
		fnat_defense_update(0);
		KUNIT_EXPECT_EQ(test, fnat_defense_mode(s), 0U);
	}

	/* Each strategy's switch is its own. */
	KUNIT_EXPECT_EQ(test, fnat_defense_set_mode(FNAT_DEFENSE_SECURE_TCP, 1),
			0);
	fnat_defense_update(10);
	KUNIT_EXPECT_TRUE(test, fnat_defense_secure_tcp());
	KUNIT_EXPECT_FALSE(test, fnat_defense_drop_entry_active());
	KUNIT_EXPECT_EQ(test, fnat_defense_drop_rate(), 0U);
	fnat_defense_update(10000);
	KUNIT_EXPECT_FALSE(test, fnat_defense_secure_tcp());
	KUNIT_EXPECT_EQ(test, fnat_defense_set_mode(FNAT_DEFENSE_SECURE_TCP, 0),
			0);
	KUNIT_EXPECT_EQ(test, fnat_defense_set_mode(FNAT_DEFENSE_DROP_ENTRY, 3),
			0);
	KUNIT_EXPECT_TRUE(test, fnat_defense_drop_entry_active());
	KUNIT_EXPECT_FALSE(test, fnat_defense_secure_tcp());

	KUNIT_EXPECT_EQ(test, fnat_defense_set_amemthresh(0), -EINVAL);
	KUNIT_EXPECT_EQ(test, fnat_defense_set_am_droprate(0), -EINVAL);
	KUNIT_EXPECT_EQ(test, fnat_defense_amemthresh(), 1000U);
	fnat_defense_restore(test, &saved);
}

/* How many of @n new connections drop_packet drops. */
static unsigned int fnat_defense_drops_of(unsigned int n)
{
	unsigned int dropped = 0;

	while (n--)
		dropped += fnat_defense_drop_new();
	return dropped;
}

static void fnat_defense_drop_packet_rates(struct kunit *test)
{
	struct fnat_defense_saved saved;

	fnat_defense_save(&saved);
	KUNIT_EXPECT_EQ(test, fnat_defense_set_amemthresh(1000), 0);
	KUNIT_EXPECT_EQ(test, fnat_defense_set_mode(FNAT_DEFENSE_DROP_PACKET,
						    0), 0);
	fnat_defense_update(0);
	KUNIT_EXPECT_EQ(test, fnat_defense_drop_rate(), 0U);
	KUNIT_EXPECT_EQ(test, fnat_defense_drops_of(1000), 0U);

	/* Always: one of am_droprate, whatever memory says. */
	KUNIT_EXPECT_EQ(test, fnat_defense_set_am_droprate(4), 0);
	KUNIT_EXPECT_EQ(test, fnat_defense_set_mode(FNAT_DEFENSE_DROP_PACKET,
						    3), 0);
	fnat_defense_update(100000);
	KUNIT_EXPECT_EQ(test, fnat_defense_drop_rate(), 4U);
	KUNIT_EXPECT_EQ(test, fnat_defense_drops_of(400), 100U);
	KUNIT_EXPECT_EQ(test, fnat_defense_set_am_droprate(1), 0);
	KUNIT_EXPECT_EQ(test, fnat_defense_drops_of(50), 50U);

	/* Automatic: the less memory is left, the more is dropped. */
	KUNIT_EXPECT_EQ(test, fnat_defense_set_mode(FNAT_DEFENSE_DROP_PACKET,
						    1), 0);
	fnat_defense_update(1000);
	KUNIT_EXPECT_EQ(test, fnat_defense_drop_rate(), 0U);
	KUNIT_EXPECT_EQ(test, fnat_defense_drops_of(100), 0U);
	fnat_defense_update(999);
	KUNIT_EXPECT_EQ(test, fnat_defense_drop_rate(), 1000U);
	KUNIT_EXPECT_EQ(test, fnat_defense_mode(FNAT_DEFENSE_DROP_PACKET), 2U);
	fnat_defense_update(500);
	KUNIT_EXPECT_EQ(test, fnat_defense_drop_rate(), 2U);
	KUNIT_EXPECT_EQ(test, fnat_defense_drops_of(100), 50U);
	fnat_defense_update(0);
	KUNIT_EXPECT_EQ(test, fnat_defense_drop_rate(), 1U);
	KUNIT_EXPECT_EQ(test, fnat_defense_drops_of(10), 10U);
	fnat_defense_update(2000);
	KUNIT_EXPECT_EQ(test, fnat_defense_drop_rate(), 0U);
	KUNIT_EXPECT_EQ(test, fnat_defense_mode(FNAT_DEFENSE_DROP_PACKET), 1U);
	fnat_defense_restore(test, &saved);
}

static void fnat_defense_secure_handshake(struct kunit *test)
{
	enum fnat_tcp_state st;

	/* A client's SYN, then its blind ACK: still half-open. */
	st = fnat_tcp_next_secure(FNAT_TCP_NONE, FNAT_TCP_PATH_ORIG,
				  FNAT_TCP_EV_SYN);
	KUNIT_EXPECT_EQ(test, st, FNAT_TCP_SYN_RECV);
	KUNIT_EXPECT_EQ(test, fnat_tcp_next_secure(st, FNAT_TCP_PATH_ORIG,
						   FNAT_TCP_EV_ACK),
			FNAT_TCP_SYN_RECV);
	/* The same without secure_tcp: established. */
	KUNIT_EXPECT_EQ(test, fnat_tcp_next(st, FNAT_TCP_PATH_ORIG,
					    FNAT_TCP_EV_ACK),
			FNAT_TCP_ESTABLISHED);
	/* The server's SYN-ACK, then the client's ACK: established. */
	st = fnat_tcp_next_secure(st, FNAT_TCP_PATH_REPLY, FNAT_TCP_EV_SYNACK);
	KUNIT_EXPECT_EQ(test, st, FNAT_TCP_SYNACK);
	KUNIT_EXPECT_EQ(test, fnat_tcp_next_secure(st, FNAT_TCP_PATH_ORIG,
						   FNAT_TCP_EV_ACK),
			FNAT_TCP_ESTABLISHED);
	/* DR and TUN see no SYN-ACK: the usual machine. */
	KUNIT_EXPECT_EQ(test, fnat_tcp_next_secure(FNAT_TCP_SYN_RECV,
						   FNAT_TCP_PATH_ORIG_ONLY,
						   FNAT_TCP_EV_ACK),
			FNAT_TCP_ESTABLISHED);
	/* Everything else as usual: a reset closes, a FIN ends. */
	KUNIT_EXPECT_EQ(test, fnat_tcp_next_secure(FNAT_TCP_SYN_RECV,
						   FNAT_TCP_PATH_ORIG,
						   FNAT_TCP_EV_RST),
			FNAT_TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, fnat_tcp_next_secure(FNAT_TCP_ESTABLISHED,
						   FNAT_TCP_PATH_ORIG,
						   FNAT_TCP_EV_FIN),
			FNAT_TCP_FIN_WAIT);
}

static void fnat_defense_count_gone(struct fnat_conn *c, void *arg)
{
	unsigned int *n = arg;

	(*n)++;
}

/* An entry of protocol @proto in @state, from client port @port. */
static struct fnat_conn *fnat_defense_conn(struct kunit *test,
					   struct fnat_conn_table *t,
					   u8 proto, u16 port, u8 state,
					   bool tmpl, unsigned long expires)
{
	struct fnat_tuple o = {
		.af = AF_INET, .protocol = proto,
		.saddr.ip = htonl(0xc0000201), .daddr.ip = htonl(0xc6336401),
		.sport = htons(port), .dport = htons(80),
	};
	struct fnat_tuple r = o;
	struct fnat_conn *c;

	r.saddr.ip = htonl(0x0a000002);
	r.daddr = o.saddr;
	r.sport = o.dport;
	r.dport = o.sport;
	c = fnat_conn_create(t, &init_net, &o, &r, expires, jiffies);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	c->state = state;
	c->is_template = tmpl;
	return c;
}

static void fnat_defense_drop_entry_half_open(struct kunit *test)
{
	struct fnat_conn_table *t = fnat_conn_table_create(4, 0);
	unsigned long later = jiffies + 100 * HZ;
	struct fnat_conn *c[8];
	unsigned int gone = 0, pos = 5, i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	c[0] = fnat_defense_conn(test, t, IPPROTO_TCP, 1000, FNAT_TCP_SYN_RECV,
				 false, later);
	c[1] = fnat_defense_conn(test, t, IPPROTO_TCP, 1001, FNAT_TCP_SYNACK,
				 false, later);
	c[2] = fnat_defense_conn(test, t, IPPROTO_TCP, 1002,
				 FNAT_TCP_ESTABLISHED, false, later);
	c[3] = fnat_defense_conn(test, t, IPPROTO_TCP, 1003, FNAT_TCP_FIN_WAIT,
				 false, later);
	c[4] = fnat_defense_conn(test, t, IPPROTO_UDP, 1004, FNAT_TCP_NONE,
				 false, later);
	c[5] = fnat_defense_conn(test, t, IPPROTO_TCP, 1005, FNAT_TCP_SYN_RECV,
				 true, later);
	/* Expired already: the sweep's, not drop_entry's. */
	c[6] = fnat_defense_conn(test, t, IPPROTO_TCP, 1006, FNAT_TCP_SYN_RECV,
				 false, jiffies - 1);
	c[7] = fnat_defense_conn(test, t, IPPROTO_TCP, 1007, FNAT_TCP_SYN_RECV,
				 false, later);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), 8);

	/* Half the buckets from 5 on, then the other half: each once. */
	i = fnat_defense_evict_half_open(t, &pos, 8, fnat_defense_count_gone,
					 &gone);
	KUNIT_EXPECT_EQ(test, pos, 13U);
	i += fnat_defense_evict_half_open(t, &pos, 8, fnat_defense_count_gone,
					  &gone);
	KUNIT_EXPECT_EQ(test, pos, 5U);
	KUNIT_EXPECT_EQ(test, i, 3U);
	KUNIT_EXPECT_EQ(test, gone, 3U);
	KUNIT_EXPECT_FALSE(test, c[0]->hashed);
	KUNIT_EXPECT_FALSE(test, c[1]->hashed);
	KUNIT_EXPECT_FALSE(test, c[7]->hashed);
	for (i = 2; i <= 6; i++)
		KUNIT_EXPECT_TRUE_MSG(test, c[i]->hashed, "entry %u", i);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), 5);
	/* Nothing half-open is left to find. */
	KUNIT_EXPECT_EQ(test, fnat_defense_evict_half_open(t, &pos, 16, NULL,
							   NULL), 0U);

	for (i = 0; i < ARRAY_SIZE(c); i++)
		fnat_conn_put(c[i]);
	fnat_conn_table_destroy(t);
}

static struct kunit_case fnat_defense_cases[] = {
	KUNIT_CASE(fnat_defense_modes_follow_memory),
	KUNIT_CASE(fnat_defense_drop_packet_rates),
	KUNIT_CASE(fnat_defense_secure_handshake),
	KUNIT_CASE(fnat_defense_drop_entry_half_open),
	{}
};

static struct kunit_suite fnat_defense_suite = {
	.name = "fnat_defense",
	.test_cases = fnat_defense_cases,
};

kunit_test_suites(&fnat_defense_suite);

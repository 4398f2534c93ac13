// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: defence strategies (see fnat_defense.h).
 *
 * The data path only reads two words (the drop rate and whether secure_tcp
 * is on); a worker re-evaluates them once a second from the memory
 * available, as IPVS's defense work does, and does drop_entry's pass.
 */
#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/workqueue.h>
#include "fnat.h"
#include "fnat_conn.h"
#include "fnat_defense.h"
#include "fnat_drops.h"
#include "fnat_proto_tcp.h"

static DEFINE_MUTEX(fnat_defense_lock);
/* Held by a drop_entry pass, which counts on the netns of what it evicts. */
static DEFINE_MUTEX(fnat_defense_evict_lock);
static unsigned int fnat_defense_modes[FNAT_DEFENSE_MAX];
static u32 fnat_amemthresh = FNAT_DEFENSE_AMEMTHRESH_DEFAULT;
static u32 fnat_am_droprate = FNAT_DEFENSE_AM_DROPRATE_DEFAULT;

/* What the data path reads. */
static u32 fnat_drop_rate __read_mostly;
static bool fnat_secure_tcp_on __read_mostly;
static bool fnat_drop_entry_on __read_mostly;
/* Counts new connections down to the next one drop_packet drops. */
static atomic_t fnat_drop_countdown = ATOMIC_INIT(0);

static struct fnat_conn_table *fnat_defense_table;
static struct delayed_work fnat_defense_work;
static bool fnat_defense_running;

unsigned int fnat_defense_mode(enum fnat_defense_strategy s)
{
	return s < FNAT_DEFENSE_MAX ? READ_ONCE(fnat_defense_modes[s]) : 0;
}

u32 fnat_defense_amemthresh(void)
{
	return READ_ONCE(fnat_amemthresh);
}

u32 fnat_defense_am_droprate(void)
{
	return READ_ONCE(fnat_am_droprate);
}

u32 fnat_defense_drop_rate(void)
{
	return READ_ONCE(fnat_drop_rate);
}

bool fnat_defense_secure_tcp(void)
{
	return READ_ONCE(fnat_secure_tcp_on);
}

bool fnat_defense_drop_entry_active(void)
{
	return READ_ONCE(fnat_drop_entry_on);
}

/*
 * An automatic strategy follows memory (1 idle, 2 active); 3 is always
 * on. Returns whether @s is in force now, and writes back its mode.
 */
static bool fnat_defense_decide(enum fnat_defense_strategy s, bool short_mem)
{
	unsigned int mode = fnat_defense_modes[s];

	switch (mode) {
	case FNAT_DEFENSE_AUTO:
	case FNAT_DEFENSE_AUTO_ACTIVE:
		WRITE_ONCE(fnat_defense_modes[s],
			   short_mem ? FNAT_DEFENSE_AUTO_ACTIVE :
			   FNAT_DEFENSE_AUTO);
		return short_mem;
	case FNAT_DEFENSE_ALWAYS:
		return true;
	default:
		return false;
	}
}

static void fnat_defense_update_locked(unsigned long avail)
{
	u32 thresh = fnat_amemthresh;
	bool short_mem = avail < thresh;
	u32 rate = 0;

	WRITE_ONCE(fnat_drop_entry_on,
		   fnat_defense_decide(FNAT_DEFENSE_DROP_ENTRY, short_mem));
	WRITE_ONCE(fnat_secure_tcp_on,
		   fnat_defense_decide(FNAT_DEFENSE_SECURE_TCP, short_mem));
	if (fnat_defense_decide(FNAT_DEFENSE_DROP_PACKET, short_mem)) {
		if (fnat_defense_modes[FNAT_DEFENSE_DROP_PACKET] ==
		    FNAT_DEFENSE_ALWAYS)
			rate = fnat_am_droprate;
		else
			/* 1 (drop all) as memory runs out; more kept before. */
			rate = thresh / (thresh - avail);
	}
	if (rate != fnat_drop_rate) {
		atomic_set(&fnat_drop_countdown, rate);
		WRITE_ONCE(fnat_drop_rate, rate);
	}
}

void fnat_defense_update(unsigned long avail_pages)
{
	mutex_lock(&fnat_defense_lock);
	fnat_defense_update_locked(avail_pages);
	mutex_unlock(&fnat_defense_lock);
}

/* A change takes effect at once rather than at the next tick. */
static void fnat_defense_reevaluate_locked(void)
{
	fnat_defense_update_locked(si_mem_available());
}

int fnat_defense_set_mode(enum fnat_defense_strategy s, unsigned int mode)
{
	if (s >= FNAT_DEFENSE_MAX || mode > FNAT_DEFENSE_ALWAYS)
		return -EINVAL;
	mutex_lock(&fnat_defense_lock);
	WRITE_ONCE(fnat_defense_modes[s], mode);
	fnat_defense_reevaluate_locked();
	mutex_unlock(&fnat_defense_lock);
	return 0;
}

int fnat_defense_set_amemthresh(u32 pages)
{
	/* IPVS refuses 0 too: "below 0 pages" could never be true. */
	if (!pages || pages > INT_MAX)
		return -EINVAL;
	mutex_lock(&fnat_defense_lock);
	WRITE_ONCE(fnat_amemthresh, pages);
	fnat_defense_reevaluate_locked();
	mutex_unlock(&fnat_defense_lock);
	return 0;
}

int fnat_defense_set_am_droprate(u32 rate)
{
	/* 1 drops every new connection; 0 would mean no rate at all. */
	if (!rate || rate > INT_MAX)
		return -EINVAL;
	mutex_lock(&fnat_defense_lock);
	WRITE_ONCE(fnat_am_droprate, rate);
	fnat_defense_reevaluate_locked();
	mutex_unlock(&fnat_defense_lock);
	return 0;
}

bool fnat_defense_drop_new(void)
{
	u32 rate = READ_ONCE(fnat_drop_rate);

	if (likely(!rate))
		return false;
	if (atomic_dec_return(&fnat_drop_countdown) > 0)
		return false;
	atomic_set(&fnat_drop_countdown, rate);
	return true;
}

/* A SYN flood's entries: the handshake never completed. */
static bool fnat_defense_half_open(const struct fnat_conn *c, void *arg)
{
	u8 state = READ_ONCE(c->state);

	return !c->is_template && c->tuple[FNAT_DIR_ORIG].protocol ==
	       IPPROTO_TCP && (state == FNAT_TCP_SYN_RECV ||
			       state == FNAT_TCP_SYNACK);
}

static void fnat_defense_dropped(struct fnat_conn *c, void *arg)
{
	struct fnat_netns *fn = fnat_netns(read_pnet(&c->net));

	if (fn)
		fnat_drop_count(fn, FNAT_DROP_DEFENSE_ENTRY);
}

unsigned int fnat_defense_evict_half_open(struct fnat_conn_table *t,
					  unsigned int *pos,
					  unsigned int buckets,
					  void (*gone)(struct fnat_conn *c,
						       void *arg),
					  void *arg)
{
	unsigned int n;

	mutex_lock(&fnat_defense_evict_lock);
	n = fnat_conn_evict(t, pos, buckets, jiffies, fnat_defense_half_open,
			    gone, arg);
	mutex_unlock(&fnat_defense_evict_lock);
	return n;
}

unsigned int fnat_defense_drop_entries(struct fnat_conn_table *t,
				       unsigned int buckets)
{
	/* A random start, so a flood cannot learn which buckets are safe. */
	unsigned int pos = get_random_u32();

	return fnat_defense_evict_half_open(t, &pos, buckets,
					    fnat_defense_dropped, NULL);
}

void fnat_defense_barrier(void)
{
	mutex_lock(&fnat_defense_evict_lock);
	mutex_unlock(&fnat_defense_evict_lock);
}

static void fnat_defense_tick(struct work_struct *work)
{
	struct fnat_conn_table *t = fnat_defense_table;

	fnat_defense_update(si_mem_available());
	if (fnat_defense_drop_entry_active())
		fnat_defense_drop_entries(t, max(1U << t->bits >>
						 FNAT_DEFENSE_DROP_ENTRY_SHIFT,
						 1U));
	queue_delayed_work(system_power_efficient_wq, &fnat_defense_work, HZ);
}

void fnat_defense_start(struct fnat_conn_table *t)
{
	fnat_defense_table = t;
	INIT_DELAYED_WORK(&fnat_defense_work, fnat_defense_tick);
	fnat_defense_running = true;
	queue_delayed_work(system_power_efficient_wq, &fnat_defense_work, HZ);
}

void fnat_defense_stop(void)
{
	if (!fnat_defense_running)
		return;
	cancel_delayed_work_sync(&fnat_defense_work);
	fnat_defense_running = false;
	fnat_defense_table = NULL;
}

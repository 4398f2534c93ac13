/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: defence strategies against floods and memory exhaustion, with
 * IPVS's names, values and meaning, so a director's tuning carries over
 * (sysfs: drop_entry, drop_packet, secure_tcp, amemthresh, am_droprate):
 *
 *	drop_entry	each second, half-open TCP entries (SYN_RECV,
 *			SYNACK) found in 1/32 of the table are evicted,
 *			counted as defense_drop_entry
 *	drop_packet	one of every RATE new connections is dropped,
 *			counted as defense_drop_packet
 *	secure_tcp	where the director sees both directions (NAT,
 *			FULLNAT), a client's ACK completes the handshake
 *			only after the real server's SYN-ACK went by, so
 *			blind ACKs cannot buy a half-open entry the long
 *			ESTABLISHED timeout
 *
 * Each is 0 (off), 1 (automatic, idle), 2 (automatic, active) or 3
 * (always). Automatic strategies are active while the memory available
 * (si_mem_available()) is below amemthresh pages; the attribute then reads
 * 2, and 1 again once memory is back, as IPVS's sysctls do. drop_packet's
 * RATE is am_droprate when always on; when automatic it is amemthresh /
 * (amemthresh - available), so more is dropped the less memory is left.
 */
#ifndef _FNAT_DEFENSE_H
#define _FNAT_DEFENSE_H

#include <linux/types.h>

struct fnat_conn;
struct fnat_conn_table;

enum fnat_defense_strategy {
	FNAT_DEFENSE_DROP_ENTRY,
	FNAT_DEFENSE_DROP_PACKET,
	FNAT_DEFENSE_SECURE_TCP,
	FNAT_DEFENSE_MAX,
};

enum fnat_defense_mode {
	FNAT_DEFENSE_OFF,
	FNAT_DEFENSE_AUTO,
	FNAT_DEFENSE_AUTO_ACTIVE,
	FNAT_DEFENSE_ALWAYS,
};

#define FNAT_DEFENSE_AMEMTHRESH_DEFAULT	1024	/* pages, as IPVS */
#define FNAT_DEFENSE_AM_DROPRATE_DEFAULT	10
/* Each second drop_entry visits this fraction of the buckets. */
#define FNAT_DEFENSE_DROP_ENTRY_SHIFT	5

unsigned int fnat_defense_mode(enum fnat_defense_strategy s);
int fnat_defense_set_mode(enum fnat_defense_strategy s, unsigned int mode);
u32 fnat_defense_amemthresh(void);
int fnat_defense_set_amemthresh(u32 pages);
u32 fnat_defense_am_droprate(void);
int fnat_defense_set_am_droprate(u32 rate);

/* Re-evaluates every strategy for @avail_pages of available memory. */
void fnat_defense_update(unsigned long avail_pages);
/* The current RATE of drop_packet, 0 when it drops nothing. */
u32 fnat_defense_drop_rate(void);
/* Data path: whether to drop this new connection (drop_packet). */
bool fnat_defense_drop_new(void);
/* Data path: whether secure_tcp is in force. */
bool fnat_defense_secure_tcp(void);
bool fnat_defense_drop_entry_active(void);
/*
 * Evicts the half-open TCP entries of @buckets buckets of @t from a random
 * one on, counting each on its netns. Returns how many went.
 */
unsigned int fnat_defense_drop_entries(struct fnat_conn_table *t,
				       unsigned int buckets);
/* The same from bucket *@pos on, calling @gone() on each entry evicted. */
unsigned int fnat_defense_evict_half_open(struct fnat_conn_table *t,
					  unsigned int *pos,
					  unsigned int buckets,
					  void (*gone)(struct fnat_conn *c,
						       void *arg),
					  void *arg);

/*
 * Waits for a drop_entry pass under way: after a netns' entries are gone,
 * none is counted on it any more.
 */
void fnat_defense_barrier(void);

/* The once-a-second re-evaluation and drop_entry pass over @t. */
void fnat_defense_start(struct fnat_conn_table *t);
void fnat_defense_stop(void);

#endif /* _FNAT_DEFENSE_H */

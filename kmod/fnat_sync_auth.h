/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: authenticating sync messages, and refusing replayed ones.
 *
 * With a shared key, every message carries an HMAC-SHA256 of itself, so
 * only a holder of the key can make a backup create or change a
 * connection. A recorded message sent again is refused by a window of
 * sequence numbers per sender id (as IPsec does; from any address), and,
 * so that a backup that restarted (and forgot its windows) does not take
 * old recordings, by the sender's time stamp.
 */
#ifndef _FNAT_SYNC_AUTH_H
#define _FNAT_SYNC_AUTH_H

#include <linux/types.h>
#include <uapi/fnat.h>

struct crypto_shash;

struct fnat_sync_auth {
	struct crypto_shash	*tfm;
};

/* Sequence numbers a sender has used recently. */
struct fnat_sync_replay {
	u64	top;		/* highest seen, 0: none yet */
	u64	bitmap;		/* bit n: top - n seen */
};

int fnat_sync_auth_init(struct fnat_sync_auth *auth, const u8 *key,
			unsigned int key_len);
void fnat_sync_auth_free(struct fnat_sync_auth *auth);
int fnat_sync_auth_mac(struct fnat_sync_auth *auth, const void *data,
		       unsigned int len, u8 mac[FNAT_SYNC_MAC_LEN]);
bool fnat_sync_auth_verify(struct fnat_sync_auth *auth, const void *data,
			   unsigned int len, const u8 *mac);

bool fnat_sync_replay_check(const struct fnat_sync_replay *w, u64 seq);
void fnat_sync_replay_update(struct fnat_sync_replay *w, u64 seq);
bool fnat_sync_time_fresh(u64 stamp_ms, u64 now_ms, u64 max_age_ms);

#endif /* _FNAT_SYNC_AUTH_H */

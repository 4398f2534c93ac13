// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: sync message authentication and replay protection (see
 * fnat_sync_auth.h).
 */
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/err.h>
#include "fnat_sync_auth.h"

int fnat_sync_auth_init(struct fnat_sync_auth *auth, const u8 *key,
			unsigned int key_len)
{
	struct crypto_shash *tfm;
	int err;

	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	if (crypto_shash_digestsize(tfm) != FNAT_SYNC_MAC_LEN) {
		crypto_free_shash(tfm);
		return -EINVAL;
	}
	err = crypto_shash_setkey(tfm, key, key_len);
	if (err) {
		crypto_free_shash(tfm);
		return err;
	}
	auth->tfm = tfm;
	return 0;
}

void fnat_sync_auth_free(struct fnat_sync_auth *auth)
{
	if (auth->tfm)
		crypto_free_shash(auth->tfm);
	auth->tfm = NULL;
}

/* Callers are the daemon's one thread: a descriptor on its stack will do. */
int fnat_sync_auth_mac(struct fnat_sync_auth *auth, const void *data,
		       unsigned int len, u8 mac[FNAT_SYNC_MAC_LEN])
{
	SHASH_DESC_ON_STACK(desc, auth->tfm);
	int err;

	desc->tfm = auth->tfm;
	err = crypto_shash_digest(desc, data, len, mac);
	shash_desc_zero(desc);
	return err;
}

/* In constant time, so a forger learns nothing from how long it took. */
bool fnat_sync_auth_verify(struct fnat_sync_auth *auth, const void *data,
			   unsigned int len, const u8 *mac)
{
	u8 want[FNAT_SYNC_MAC_LEN];
	bool ok;

	if (fnat_sync_auth_mac(auth, data, len, want))
		return false;
	ok = !crypto_memneq(want, mac, FNAT_SYNC_MAC_LEN);
	memzero_explicit(want, sizeof(want));
	return ok;
}

/*
 * Whether @seq is new to window @w: above everything seen, or within the
 * last FNAT_SYNC_REPLAY_WINDOW numbers and not seen yet (datagrams may
 * arrive out of order). 0 is never a valid number.
 */
bool fnat_sync_replay_check(const struct fnat_sync_replay *w, u64 seq)
{
	u64 behind;

	if (!seq)
		return false;
	if (seq > w->top)
		return true;
	behind = w->top - seq;
	if (behind >= FNAT_SYNC_REPLAY_WINDOW)
		return false;
	return !(w->bitmap & BIT_ULL(behind));
}

/* Records @seq as seen; only after the message proved authentic. */
void fnat_sync_replay_update(struct fnat_sync_replay *w, u64 seq)
{
	u64 ahead;

	if (seq > w->top) {
		ahead = seq - w->top;
		w->bitmap = ahead >= FNAT_SYNC_REPLAY_WINDOW ? 0 :
			    w->bitmap << ahead;
		w->bitmap |= 1;
		w->top = seq;
		return;
	}
	w->bitmap |= BIT_ULL(w->top - seq);
}

bool fnat_sync_time_fresh(u64 stamp_ms, u64 now_ms, u64 max_age_ms)
{
	u64 diff = stamp_ms > now_ms ? stamp_ms - now_ms : now_ms - stamp_ms;

	return diff <= max_age_ms;
}

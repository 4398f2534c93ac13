// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: SYN cookies for the SYN proxy, and the SYN options they keep.
 *
 * The SYN-ACK's sequence number carries, keyed and hashed, what the
 * director must know when the client's ACK comes back, so that nothing is
 * stored for a SYN:
 *
 *	cookie = H0(tuple) + isn + (count << 24) +
 *		 ((H1(tuple, count, ws) + data) mod 2^24)
 *
 * H0 and H1 are SipHash under two keys of the netns, isn the client's
 * initial sequence number, count a 64-second period of the wall clock
 * (its low 8 bits travel), ws the window scale our SYN-ACK announces (the
 * ACK must be read under the same one, even if synproxy_wscale changed
 * meanwhile: it is hashed, not carried, and the checker tries the values
 * it may have been) and data 8 bits of the client's SYN options: the MSS
 * as an index into fnat_sp_msstab (3 bits), the window scale (4 bits) and
 * SACK (1 bit). The kernel's own cookies have 2 bits of MSS
 * and leave window scale and SACK to the timestamp option, which clients
 * without timestamps do not send; their key and clock are also the host's,
 * where directors sharing a sync key share ours.
 *
 * A cookie from the current period, the one before or (clock skew between
 * directors) the one after is accepted, so it lives 64 to 128 seconds. A
 * forged ACK passes when the 24 hashed bits land on one of the 256 data
 * values in one of the 3 periods: once in about 2^22 tries, each of which
 * costs a connection attempt to a real server and no more.
 */
#include <linux/in6.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/socket.h>
#include <linux/timekeeping.h>
#include <net/tcp.h>
#include "fnat_compat.h"
#include "fnat_synproxy_cookie.h"

#define FNAT_SP_COUNT_SHIFT	6
#define FNAT_SP_DATA_MASK	0xffffffU

/*
 * What clients announce: IPv4's minimum and common Ethernet values, IPv6's
 * minimum (1280 - 60) and jumbo frames, and 1360 for 1400-byte tunnels. A
 * client's MSS is rounded down to one of them.
 */
static const u16 fnat_sp_msstab[8] = {
	536, 1220, 1300, 1360, 1420, 1440, 1460, 8940,
};

u32 fnat_sp_cookie_count(void)
{
	return (u32)(ktime_get_real_seconds() >> FNAT_SP_COUNT_SHIFT);
}

static u32 fnat_sp_hash(const siphash_key_t *key, const struct fnat_tuple *t,
			u32 count)
{
	struct {
		struct in6_addr	saddr;
		struct in6_addr	daddr;
		__be16		sport;
		__be16		dport;
		u32		count;
	} __aligned(SIPHASH_ALIGNMENT) in;

	if (t->af == AF_INET)
		return siphash_4u32((__force u32)t->saddr.ip,
				    (__force u32)t->daddr.ip,
				    (__force u32)t->sport << 16 |
				    (__force u32)t->dport, count, key);
	memset(&in, 0, sizeof(in));
	in.saddr = t->saddr.in6;
	in.daddr = t->daddr.in6;
	in.sport = t->sport;
	in.dport = t->dport;
	in.count = count;
	return siphash(&in, sizeof(in), key);
}

/*
 * H1's last input: the period and the announced window scale. Periods
 * since 1970 fit in 28 bits for another five centuries.
 */
static u32 fnat_sp_h1_in(u32 count, u8 ws)
{
	return (count & 0x0fffffffU) | (u32)(ws & 0xf) << 28;
}

u32 fnat_sp_cookie(const struct fnat_sp_keys *keys,
		   const struct fnat_tuple *t, u32 isn, u32 count, u8 ws,
		   u8 data)
{
	return fnat_sp_hash(&keys->k[0], t, 0) + isn + (count << 24) +
	       ((fnat_sp_hash(&keys->k[1], t, fnat_sp_h1_in(count, ws)) +
		 data) & FNAT_SP_DATA_MASK);
}

/*
 * Is @cookie ours for @t and @isn, made in period @count or next to it
 * with window scale @ws?
 */
bool fnat_sp_cookie_check(const struct fnat_sp_keys *keys,
			  const struct fnat_tuple *t, u32 isn, u32 cookie,
			  u32 count, u8 ws, u8 *data)
{
	u32 x = cookie - fnat_sp_hash(&keys->k[0], t, 0) - isn;
	s8 age = (s8)(u8)(count - (x >> 24));
	u32 d;

	if (age < -1 || age > 1)
		return false;
	d = (x - fnat_sp_hash(&keys->k[1], t,
			      fnat_sp_h1_in(count - age, ws))) &
	    FNAT_SP_DATA_MASK;
	if (d > U8_MAX)
		return false;
	*data = d;
	return true;
}

/*
 * The cookie's 8 bits of data for a client's SYN options: bits 0-2 the MSS
 * index (a SYN without MSS means RFC 9293's default, 536 or IPv6's 1220),
 * bits 3-6 the window scale plus one (0: none), bit 7 SACK.
 */
u8 fnat_sp_data_encode(const struct fnat_sp_opts *o, u16 af)
{
	u16 mss = o->mss ?: (af == AF_INET6 ? 1220 : 536);
	unsigned int i = ARRAY_SIZE(fnat_sp_msstab) - 1;
	u8 ws = 0;

	while (i && fnat_sp_msstab[i] > mss)
		i--;
	if (o->wscale != FNAT_SP_WS_NONE)
		ws = min_t(u8, o->wscale, FNAT_SP_WS_MAX) + 1;
	return i | ws << 3 | (o->sack ? 0x80 : 0);
}

void fnat_sp_data_decode(u8 data, struct fnat_sp_opts *o)
{
	u8 ws = (data >> 3) & 0xf;

	o->mss = fnat_sp_msstab[data & 7];
	/* 16 is not a value encode makes; a forged one clamps. */
	o->wscale = ws ? min_t(u8, ws - 1, FNAT_SP_WS_MAX) : FNAT_SP_WS_NONE;
	o->sack = data & 0x80;
}

/*
 * The options of a SYN the cookie keeps; malformed lengths end the walk,
 * as they would for the client's own stack.
 */
void fnat_sp_parse_opts(const u8 *opt, unsigned int len,
			struct fnat_sp_opts *o)
{
	unsigned int i = 0, l;

	o->mss = 0;
	o->wscale = FNAT_SP_WS_NONE;
	o->sack = false;
	while (i < len) {
		if (opt[i] == TCPOPT_EOL)
			return;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return;
		l = opt[i + 1];
		if (l < 2 || i + l > len)
			return;
		if (opt[i] == TCPOPT_MSS && l == TCPOLEN_MSS)
			o->mss = get_unaligned_be16(opt + i + 2);
		else if (opt[i] == TCPOPT_WINDOW && l == TCPOLEN_WINDOW)
			o->wscale = min_t(u8, opt[i + 2], FNAT_SP_WS_MAX);
		else if (opt[i] == TCPOPT_SACK_PERM && l == TCPOLEN_SACK_PERM)
			o->sack = true;
		i += l;
	}
}

/* Linux's layout, so the SYN-ACK looks like any host's: 4-byte aligned. */
unsigned int fnat_sp_write_opts(u8 *b, const struct fnat_sp_opts *o)
{
	unsigned int n = 0;

	if (o->mss) {
		b[n++] = TCPOPT_MSS;
		b[n++] = TCPOLEN_MSS;
		put_unaligned_be16(o->mss, b + n);
		n += 2;
	}
	if (o->sack) {
		b[n++] = TCPOPT_NOP;
		b[n++] = TCPOPT_NOP;
		b[n++] = TCPOPT_SACK_PERM;
		b[n++] = TCPOLEN_SACK_PERM;
	}
	if (o->wscale != FNAT_SP_WS_NONE) {
		b[n++] = TCPOPT_NOP;
		b[n++] = TCPOPT_WINDOW;
		b[n++] = TCPOLEN_WINDOW;
		b[n++] = o->wscale;
	}
	return n;
}

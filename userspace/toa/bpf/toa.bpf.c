// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fnat-toa: the real-server side of fnat's TOA option (docs/toa.md).
 *
 * fnat's FULLNAT director replaces the client's address with one of its own
 * and puts the client's address and port into a TOA TCP option (kind 254,
 * length 8) of the SYN and of the first ACK / first data segment. Two
 * programs, attached to a cgroup v2, make the client visible again:
 *
 *  - fnat_toa_sockops (sockops): for passively opened TCP connections, looks
 *    for TOA in the ACK that completes the handshake and, if it is not there,
 *    in the following segments up to and including the first one with data.
 *    A valid TOA is stored in the socket's BPF sk_storage.
 *  - fnat_toa_getpeername4/6 (cgroup/getpeername4, cgroup/getpeername6):
 *    answer getpeername() -- and accept()'s address, which the kernel takes
 *    from the same inet_getname() path -- with the stored client address.
 *    IPv4-mapped IPv6 sockets (a dual-stack listener) get ::ffff:a.b.c.d.
 *
 * Sockets without a stored TOA are not touched. Only UAPI context fields are
 * used (struct bpf_sock_ops, struct bpf_sock_addr): the verifier rewrites
 * those accesses for the running kernel, so no CO-RE relocations and no
 * kernel-internal structure layouts are involved.
 */
#include <linux/bpf.h>
#include <linux/tcp.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "toa_shared.h"

#define AF_INET 2
#define AF_INET6 10

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
/* At most 40 bytes of options: at most 40 option-parsing steps. */
#define TCP_MAX_OPTION_BYTES 40

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct fnat_toa_peer);
} fnat_toa_peers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FNAT_TOA_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} fnat_toa_stats SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *n = bpf_map_lookup_elem(&fnat_toa_stats, &which);

	if (n)
		*n += 1;
}

enum toa_result {
	TOA_NONE,    /* no TOA option in this segment */
	TOA_FOUND,   /* *peer filled in */
	TOA_INVALID, /* kind 254, length 8, but a zero address or port */
};

/* The option bytes are copied here; the rest stays 0 (TCPOPT_EOL). */
#define OPT_BUF (TCP_MAX_OPTION_BYTES + FNAT_TOA_LEN_V4)

/*
 * Looks for an IPv4 TOA option in the TCP header the sockops context points
 * at (skb_data .. skb_data_end is exactly the TCP header with its options).
 * bpf_load_hdr_opt() cannot be used: for kind 254 the kernel insists on an
 * RFC 6994 "magic", which TOA does not have, so the options are walked here.
 * Kind 254 options of another length (other RFC 6994 experiments) are
 * skipped like any unknown option.
 *
 * Written for the verifier: the options are first copied to the stack, then
 * walked byte by byte with the loop counter as the index (a constant in each
 * iteration the verifier follows), skipping the bytes of the options that
 * are not TOA. A walk with a pointer or offset that jumps by each option's
 * length makes the verifier follow every combination of option lengths and
 * exceeds its budget. valid[] marks the bytes that are in the header, so an
 * option cut short by the header's end is not read from the zeros after it.
 */
static __always_inline enum toa_result toa_parse(struct bpf_sock_ops *skops,
						 struct fnat_toa_peer *peer)
{
	__u8 *data = (__u8 *)(long)skops->skb_data;
	__u8 *end = (__u8 *)(long)skops->skb_data_end;
	__u8 *opts = data + sizeof(struct tcphdr);
	__u8 buf[OPT_BUF] = {};
	__u8 valid[OPT_BUF] = {};
	__u32 skip = 0;
	__u8 kind, len;
	int i;

#pragma unroll
	for (i = 0; i < TCP_MAX_OPTION_BYTES; i++) {
		if (opts + i + 1 > end)
			break;
		buf[i] = opts[i];
		valid[i] = 1;
	}

#pragma clang loop unroll(disable)
	for (i = 0; i < TCP_MAX_OPTION_BYTES; i++) {
		if (skip) {
			skip--;
			continue;
		}
		kind = buf[i];
		if (kind == TCPOPT_EOL)
			return TOA_NONE;
		if (kind == TCPOPT_NOP)
			continue;
		len = buf[i + 1];
		if (len < 2)
			return TOA_NONE; /* malformed: the stack stops here too */
		if (kind == FNAT_TOA_KIND_V4 && len == FNAT_TOA_LEN_V4) {
			if (!valid[i + FNAT_TOA_LEN_V4 - 1])
				return TOA_NONE; /* cut short by the header's end */
			peer->port = bpf_htons((__u16)(buf[i + 2] << 8 | buf[i + 3]));
			peer->addr4 = bpf_htonl((__u32)buf[i + 4] << 24 | (__u32)buf[i + 5] << 16 |
						(__u32)buf[i + 6] << 8 | (__u32)buf[i + 7]);
			if (peer->port == 0 || peer->addr4 == 0)
				return TOA_INVALID;
			peer->family = AF_INET;
			return TOA_FOUND;
		}
		/* IPv6 TOA (kind 253, length 20) goes here once fnat sends it. */
		skip = len - 1u;
	}
	return TOA_NONE;
}

/* Returns 1 when the socket has its TOA (stored now) and needs no more parsing. */
static __always_inline int toa_store(struct bpf_sock_ops *skops, __u32 stat)
{
	struct fnat_toa_peer found = {};
	struct fnat_toa_peer *stored;
	struct bpf_sock *sk = skops->sk;

	switch (toa_parse(skops, &found)) {
	case TOA_NONE:
		return 0;
	case TOA_INVALID:
		count(FNAT_TOA_STAT_INVALID);
		return 0;
	case TOA_FOUND:
		break;
	}
	if (!sk)
		return 0;
	stored = bpf_sk_storage_get(&fnat_toa_peers, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!stored) {
		count(FNAT_TOA_STAT_NO_STORAGE);
		return 1;
	}
	*stored = found;
	count(stat);
	return 1;
}

/*
 * PARSE_ALL rather than PARSE_UNKNOWN: the kernel does not count kind 254 as
 * unknown when its first two bytes are the Fast Open magic 0xF989, which a
 * TOA with client port 63881 has. Segments the stack takes through its fast
 * path (no new options) are not shown either way; those with TOA never are.
 */
static __always_inline void watch_segments(struct bpf_sock_ops *skops, int on)
{
	__u32 flags = skops->bpf_sock_ops_cb_flags;

	if (on)
		flags |= BPF_SOCK_OPS_PARSE_ALL_HDR_OPT_CB_FLAG;
	else
		flags &= ~BPF_SOCK_OPS_PARSE_ALL_HDR_OPT_CB_FLAG;
	if (flags != skops->bpf_sock_ops_cb_flags)
		bpf_sock_ops_cb_flags_set(skops, flags);
}

SEC("sockops")
int fnat_toa_sockops(struct bpf_sock_ops *skops)
{
	if (skops->family != AF_INET && skops->family != AF_INET6)
		return 1;

	switch (skops->op) {
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		/*
		 * The segment here is the ACK that completed the handshake (the
		 * first ACK, possibly with data). Without TOA in it, the next
		 * segments are shown to us up to the first one with data.
		 */
		if (!toa_store(skops, FNAT_TOA_STAT_FROM_ACK))
			watch_segments(skops, 1);
		break;
	case BPF_SOCK_OPS_PARSE_HDR_OPT_CB:
		/*
		 * Only while nothing has been received: TOA is accepted from
		 * the handshake and the first data segment, never later, so
		 * the peer address cannot change under an application.
		 */
		if (skops->bytes_received > 0 || toa_store(skops, FNAT_TOA_STAT_FROM_DATA))
			watch_segments(skops, 0);
		break;
	}
	return 1;
}

SEC("cgroup/getpeername4")
int fnat_toa_getpeername4(struct bpf_sock_addr *ctx)
{
	struct fnat_toa_peer *peer;

	peer = bpf_sk_storage_get(&fnat_toa_peers, ctx->sk, 0, 0);
	if (!peer || peer->family != AF_INET)
		return 1;
	ctx->user_ip4 = peer->addr4;
	ctx->user_port = peer->port;
	count(FNAT_TOA_STAT_REWRITES);
	return 1;
}

SEC("cgroup/getpeername6")
int fnat_toa_getpeername6(struct bpf_sock_addr *ctx)
{
	struct fnat_toa_peer *peer;

	peer = bpf_sk_storage_get(&fnat_toa_peers, ctx->sk, 0, 0);
	if (!peer)
		return 1;
	if (peer->family == AF_INET) {
		/* An IPv4 client on an AF_INET6 socket: ::ffff:a.b.c.d */
		ctx->user_ip6[0] = 0;
		ctx->user_ip6[1] = 0;
		ctx->user_ip6[2] = bpf_htonl(0x0000ffff);
		ctx->user_ip6[3] = peer->addr4;
		ctx->user_port = peer->port;
		count(FNAT_TOA_STAT_REWRITES);
	}
	/* AF_INET6 clients (TOA kind 253) go here. */
	return 1;
}

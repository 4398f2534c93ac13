// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fnat-toa: the real-server side of fnat's TOA option (docs/toa.md).
 *
 * fnat's FULLNAT director replaces the client's address with one of its own
 * and puts the client's address and port into a TOA TCP option of the SYN
 * and of the first ACK / first data segment: kind 254, length 8 for an IPv4
 * client, kind 253, length 20 for an IPv6 one (include/uapi/fnat.h).
 * Programs attached to a cgroup v2 make the client visible again:
 *
 *  - fnat_toa_sockops (sockops): for passively opened TCP connections, looks
 *    for TOA in the ACK that completes the handshake and, if it is not there,
 *    in the following segments up to and including the first one with data.
 *    A valid TOA is stored in the socket's BPF sk_storage.
 *  - fnat_toa_getpeername4/6 (cgroup/getpeername4, cgroup/getpeername6):
 *    answer getpeername() -- and accept()'s address, which the kernel takes
 *    from the same inet_getname() path -- with the stored client address.
 *    AF_INET6 sockets get an IPv4 client as ::ffff:a.b.c.d; AF_INET sockets
 *    get an IPv6 client only if it is IPv4-mapped (there is no room for any
 *    other IPv6 address in a sockaddr_in).
 *  - fnat_toa_getsockopt (cgroup/getsockopt): answers
 *    getsockopt(IPPROTO_TCP, FNAT_TOA_SO_PEER) with the client as a
 *    sockaddr_in or sockaddr_in6, whatever the socket's family: the way an
 *    IPv4 socket learns an IPv6 client.
 *
 * Sockets without a stored TOA are not touched. Only UAPI context fields are
 * used (struct bpf_sock_ops, struct bpf_sock_addr, struct bpf_sockopt): the
 * verifier rewrites those accesses for the running kernel, so no CO-RE
 * relocations and no kernel-internal structure layouts are involved.
 */
#include <linux/bpf.h>
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/in6.h>
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
	TOA_INVALID, /* a TOA kind and length, but a zero address or port */
};

/*
 * The option bytes are copied here; the rest stays 0 (TCPOPT_EOL). Room for
 * the longest TOA starting at the last option byte keeps every read of a
 * TOA's fields inside the buffer.
 */
#define OPT_BUF (TCP_MAX_OPTION_BYTES + FNAT_TOA6_LEN)

/*
 * Looks for a TOA option (IPv4 or IPv6) in the TCP header the sockops
 * context points at (skb_data .. skb_data_end is exactly the TCP header with
 * its options). bpf_load_hdr_opt() cannot be used: for kinds 253 and 254 the
 * kernel insists on an RFC 6994 "magic", which TOA does not have, so the
 * options are walked here. Kind 254 and 253 options of other lengths (other
 * RFC 6994 experiments) are skipped like any unknown option.
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
		if (kind == FNAT_TOA_KIND && len == FNAT_TOA_LEN) {
			if (!valid[i + FNAT_TOA_LEN - 1])
				return TOA_NONE; /* cut short by the header's end */
			peer->port = bpf_htons((__u16)(buf[i + 2] << 8 | buf[i + 3]));
			peer->addr4 = bpf_htonl((__u32)buf[i + 4] << 24 | (__u32)buf[i + 5] << 16 |
						(__u32)buf[i + 6] << 8 | (__u32)buf[i + 7]);
			if (peer->port == 0 || peer->addr4 == 0)
				return TOA_INVALID;
			peer->family = AF_INET;
			return TOA_FOUND;
		}
		if (kind == FNAT_TOA6_KIND && len == FNAT_TOA6_LEN) {
			if (!valid[i + FNAT_TOA6_LEN - 1])
				return TOA_NONE;
			peer->port = bpf_htons((__u16)(buf[i + 2] << 8 | buf[i + 3]));
			/* Byte for byte: the bytes are already in network order. */
			__builtin_memcpy(peer->addr6, &buf[i + 4], sizeof(peer->addr6));
			if (peer->port == 0 ||
			    (peer->addr6[0] | peer->addr6[1] | peer->addr6[2] | peer->addr6[3]) == 0)
				return TOA_INVALID;
			peer->family = AF_INET6;
			return TOA_FOUND;
		}
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
	if (found.family == AF_INET6)
		count(FNAT_TOA_STAT_IPV6);
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

/* ::ffff:a.b.c.d, the only IPv6 addresses an AF_INET socket can show. */
static __always_inline int v4_mapped(const struct fnat_toa_peer *peer)
{
	return peer->addr6[0] == 0 && peer->addr6[1] == 0 &&
	       peer->addr6[2] == bpf_htonl(0x0000ffff);
}

SEC("cgroup/getpeername4")
int fnat_toa_getpeername4(struct bpf_sock_addr *ctx)
{
	struct fnat_toa_peer *peer;

	peer = bpf_sk_storage_get(&fnat_toa_peers, ctx->sk, 0, 0);
	if (!peer)
		return 1;
	if (peer->family == AF_INET) {
		ctx->user_ip4 = peer->addr4;
	} else if (v4_mapped(peer)) {
		ctx->user_ip4 = peer->addr6[3];
	} else {
		/*
		 * Leaving the director's address is the lesser evil: an
		 * invented IPv4 address would be taken for a real client.
		 * FNAT_TOA_SO_PEER gives the IPv6 client.
		 */
		count(FNAT_TOA_STAT_UNREPRESENTABLE);
		return 1;
	}
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
	} else {
		ctx->user_ip6[0] = peer->addr6[0];
		ctx->user_ip6[1] = peer->addr6[1];
		ctx->user_ip6[2] = peer->addr6[2];
		ctx->user_ip6[3] = peer->addr6[3];
	}
	ctx->user_port = peer->port;
	count(FNAT_TOA_STAT_REWRITES);
	return 1;
}

/*
 * At least the largest page size: the program never sees more of a
 * getsockopt() buffer. A constant bound lets the verifier accept the
 * comparison below.
 */
#define SOCKOPT_SEEN_MAX 65536

/*
 * Hands a getsockopt() back as the kernel answered it. The program sees the
 * buffer cut to a page, and the kernel may report a length beyond the
 * buffer (NETLINK_LIST_MEMBERSHIPS says how much it needs); leaving such an
 * optlen would fail the call with EFAULT, while 0 means "keep the kernel's
 * answer" (Documentation/bpf/prog_cgroup_sockopt.rst, "Large optval").
 */
static __always_inline int pass_through(struct bpf_sockopt *ctx)
{
	__s32 len = ctx->optlen;

	if (len > SOCKOPT_SEEN_MAX ||
	    (len > 0 && (__u8 *)ctx->optval + len > (__u8 *)ctx->optval_end))
		ctx->optlen = 0;
	return 1;
}

/*
 * getsockopt(fd, IPPROTO_TCP, FNAT_TOA_SO_PEER, buf, &len). It runs after
 * the kernel's own getsockopt, which has failed with ENOPROTOOPT for this
 * option name; that failure stays for sockets without TOA. With TOA, the
 * client goes into the buffer and the call succeeds; a buffer too small for
 * the address fails with EINVAL, as getsockopt(SO_PEERNAME) does, rather
 * than with a truncated address.
 *
 * Every other call is passed through as the kernel answered it.
 */
SEC("cgroup/getsockopt")
int fnat_toa_getsockopt(struct bpf_sockopt *ctx)
{
	struct fnat_toa_peer *peer = NULL;

	if (ctx->level == IPPROTO_TCP && ctx->optname == FNAT_TOA_SO_PEER)
		peer = bpf_sk_storage_get(&fnat_toa_peers, ctx->sk, 0, 0);
	if (!peer)
		return pass_through(ctx);

	if (peer->family == AF_INET6) {
		struct sockaddr_in6 *sin6 = ctx->optval;

		if ((void *)(sin6 + 1) > ctx->optval_end) {
			ctx->retval = -EINVAL;
			return 1;
		}
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = peer->port;
		sin6->sin6_flowinfo = 0;
		sin6->sin6_addr.in6_u.u6_addr32[0] = peer->addr6[0];
		sin6->sin6_addr.in6_u.u6_addr32[1] = peer->addr6[1];
		sin6->sin6_addr.in6_u.u6_addr32[2] = peer->addr6[2];
		sin6->sin6_addr.in6_u.u6_addr32[3] = peer->addr6[3];
		sin6->sin6_scope_id = 0;
		ctx->optlen = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = ctx->optval;

		if ((void *)(sin + 1) > ctx->optval_end) {
			ctx->retval = -EINVAL;
			return 1;
		}
		sin->sin_family = AF_INET;
		sin->sin_port = peer->port;
		sin->sin_addr.s_addr = peer->addr4;
		__builtin_memset(sin->__pad, 0, sizeof(sin->__pad));
		ctx->optlen = sizeof(*sin);
	}
	ctx->retval = 0;
	count(FNAT_TOA_STAT_SOCKOPT);
	return 1;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * TEST ONLY (fnat-toa-test inject, not installed): plays the director's part
 * for the e2e scenario toa_realserver.sh, independently of fnat.ko. Attached
 * to the client's cgroup, it writes a TOA option (the configured client port
 * and address: kind 254, length 8 for IPv4, kind 253, length 20 for IPv6)
 * into the outgoing segments of actively opened connections:
 *   mode FNAT_INJECT_ACK:  the SYN and every segment without data (so the
 *                          ACK that completes the handshake)
 *   mode FNAT_INJECT_DATA: only segments that carry data
 */
#include <linux/bpf.h>

#include <bpf/bpf_helpers.h>

#include "toa_shared.h"

#define TCPHDR_SYN 0x02

enum { FNAT_INJECT_ACK = 0, FNAT_INJECT_DATA = 1 };

/* Set by the loader before the object is loaded. */
const volatile __u32 inject_mode = FNAT_INJECT_ACK;
const volatile __u32 inject_ipv6 = 0;     /* 1: kind 253 with inject_addr6 */
const volatile __u32 inject_addr4 = 0;    /* network byte order */
const volatile __u32 inject_addr6[4] = {}; /* network byte order */
const volatile __u16 inject_port = 0;     /* network byte order */

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __always_inline int wanted(struct bpf_sock_ops *skops)
{
	int syn = skops->skb_tcp_flags & TCPHDR_SYN;
	/* HDR_OPT_LEN_CB: skb_len is the payload (0 when the kernel only sizes the MSS). */
	int data = skops->skb_len > 0;

	if (inject_mode == FNAT_INJECT_DATA)
		return data && !syn;
	return syn || !data;
}

/* Called only for segments whose space was reserved. */
static __always_inline void write_toa(struct bpf_sock_ops *skops)
{
	__u16 port = inject_port;

	if (inject_ipv6) {
		__u8 opt[FNAT_TOA6_LEN];
		__u32 addr[4] = {inject_addr6[0], inject_addr6[1], inject_addr6[2],
				 inject_addr6[3]};

		opt[0] = FNAT_TOA6_KIND;
		opt[1] = FNAT_TOA6_LEN;
		__builtin_memcpy(&opt[2], &port, sizeof(port));
		__builtin_memcpy(&opt[4], addr, sizeof(addr));
		bpf_store_hdr_opt(skops, opt, sizeof(opt), 0);
	} else {
		__u8 opt[FNAT_TOA_LEN];
		__u32 addr = inject_addr4;

		opt[0] = FNAT_TOA_KIND;
		opt[1] = FNAT_TOA_LEN;
		__builtin_memcpy(&opt[2], &port, sizeof(port));
		__builtin_memcpy(&opt[4], &addr, sizeof(addr));
		bpf_store_hdr_opt(skops, opt, sizeof(opt), 0);
	}
}

SEC("sockops")
int fnat_toa_inject(struct bpf_sock_ops *skops)
{
	switch (skops->op) {
	case BPF_SOCK_OPS_TCP_CONNECT_CB:
		bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags |
							 BPF_SOCK_OPS_WRITE_HDR_OPT_CB_FLAG);
		break;
	case BPF_SOCK_OPS_HDR_OPT_LEN_CB:
		if (wanted(skops))
			bpf_reserve_hdr_opt(skops, inject_ipv6 ? FNAT_TOA6_LEN : FNAT_TOA_LEN, 0);
		break;
	case BPF_SOCK_OPS_WRITE_HDR_OPT_CB:
		write_toa(skops);
		break;
	}
	return 1;
}

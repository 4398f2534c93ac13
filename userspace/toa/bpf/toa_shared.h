/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Shared between the BPF programs (toa.bpf.c, toa_inject.bpf.c) and the C++
 * loader: the TOA option layout, the per-socket value and the counters.
 * Plain C with fixed-width UAPI types so that both sides see one layout.
 */
#ifndef FNAT_TOA_SHARED_H
#define FNAT_TOA_SHARED_H

#include <linux/types.h>

/*
 * The TOA option of the Alibaba/LVS FULLNAT director, IPv4 client:
 *   kind 254, length 8, client port (2 bytes), client IPv4 address (4 bytes),
 *   both in network byte order.
 * IPv6 clients (not handled yet): kind 253, length 20, port, 16-byte address.
 */
#define FNAT_TOA_KIND_V4 254
#define FNAT_TOA_LEN_V4 8
#define FNAT_TOA_KIND_V6 253 /* reserved for the IPv6 variant */
#define FNAT_TOA_LEN_V6 20

/* The value kept in the BPF sk_storage of a connection that carried TOA. */
struct fnat_toa_peer {
    __u16 family;    /* AF_INET; AF_INET6 once kind 253 is parsed */
    __be16 port;     /* client port, network byte order */
    __be32 addr4;    /* AF_INET client address, network byte order */
    __be32 addr6[4]; /* AF_INET6 client address (unused for now) */
};

/* Counters (a per-CPU array, summed by `fnat-toa status`). */
enum fnat_toa_stat {
    FNAT_TOA_STAT_FROM_ACK = 0,   /* TOA found in the handshake's last ACK */
    FNAT_TOA_STAT_FROM_DATA = 1,  /* TOA found in a later segment (first data) */
    FNAT_TOA_STAT_INVALID = 2,    /* kind 254 present but unusable */
    FNAT_TOA_STAT_NO_STORAGE = 3, /* sk_storage allocation failed */
    FNAT_TOA_STAT_REWRITES = 4,   /* getpeername()/accept() answers rewritten */
    FNAT_TOA_STAT_MAX = 5,
};

#endif /* FNAT_TOA_SHARED_H */

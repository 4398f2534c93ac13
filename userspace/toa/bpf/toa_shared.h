/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Shared between the BPF programs (toa.bpf.c, toa_inject.bpf.c) and the C++
 * loader: the per-socket value and the counters. Plain C with fixed-width
 * UAPI types so that both sides see one layout.
 *
 * The TOA option itself is fnat's API (include/uapi/fnat.h), every field in
 * network byte order:
 *   FNAT_TOA_KIND 254, FNAT_TOA_LEN 8:   client port (2), IPv4 address (4)
 *   FNAT_TOA6_KIND 253, FNAT_TOA6_LEN 20: client port (2), IPv6 address (16)
 * and so is FNAT_TOA_SO_PEER, the getsockopt() that returns the client.
 */
#ifndef FNAT_TOA_SHARED_H
#define FNAT_TOA_SHARED_H

#include <linux/types.h>
#include <uapi/fnat.h>

/* The value kept in the BPF sk_storage of a connection that carried TOA. */
struct fnat_toa_peer {
    __u16 family;    /* AF_INET (kind 254) or AF_INET6 (kind 253) */
    __be16 port;     /* client port, network byte order */
    __be32 addr4;    /* AF_INET client address, network byte order */
    __be32 addr6[4]; /* AF_INET6 client address, network byte order */
};

/* Counters (a per-CPU array, summed by `fnat-toa status`). */
enum fnat_toa_stat {
    FNAT_TOA_STAT_FROM_ACK = 0,   /* TOA found in the handshake's last ACK */
    FNAT_TOA_STAT_FROM_DATA = 1,  /* TOA found in a later segment (first data) */
    FNAT_TOA_STAT_INVALID = 2,    /* kind 254 or 253 of the TOA length, but unusable */
    FNAT_TOA_STAT_NO_STORAGE = 3, /* sk_storage allocation failed */
    FNAT_TOA_STAT_REWRITES = 4,   /* getpeername()/accept() answers rewritten */
    /* getpeername()/accept() on an AF_INET socket, IPv6 client not IPv4-mapped */
    FNAT_TOA_STAT_UNREPRESENTABLE = 5,
    FNAT_TOA_STAT_SOCKOPT = 6, /* getsockopt(FNAT_TOA_SO_PEER) answered */
    FNAT_TOA_STAT_IPV6 = 7,    /* connections with TOA whose client is IPv6 (kind 253) */
    FNAT_TOA_STAT_MAX = 8,
};

#endif /* FNAT_TOA_SHARED_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnat: TCP connection states as the director sees them.
 *
 * The names are ipvsadm's (they appear in -Lnc). The director sees both
 * directions for NAT and FULLNAT, and only the client's for DR and TUN,
 * where the real server answers the client directly; the machine takes
 * that into account instead of waiting for replies that never come.
 */
#ifndef _FNAT_PROTO_TCP_H
#define _FNAT_PROTO_TCP_H

#include <linux/types.h>

enum fnat_tcp_state {
	FNAT_TCP_NONE,
	FNAT_TCP_ESTABLISHED,
	FNAT_TCP_SYN_SENT,
	FNAT_TCP_SYN_RECV,
	FNAT_TCP_FIN_WAIT,
	FNAT_TCP_TIME_WAIT,
	FNAT_TCP_CLOSE,
	FNAT_TCP_CLOSE_WAIT,
	FNAT_TCP_LAST_ACK,
	FNAT_TCP_LISTEN,
	FNAT_TCP_SYNACK,
	FNAT_TCP_STATE_MAX,
};

/* What a segment says, most significant flag first. */
enum fnat_tcp_event {
	FNAT_TCP_EV_SYN,
	FNAT_TCP_EV_SYNACK,
	FNAT_TCP_EV_FIN,
	FNAT_TCP_EV_ACK,
	FNAT_TCP_EV_RST,
	FNAT_TCP_EV_MAX,
};

/* Where a segment travels. */
enum fnat_tcp_path {
	FNAT_TCP_PATH_ORIG,		/* client -> server, replies seen */
	FNAT_TCP_PATH_REPLY,		/* server -> client through us */
	FNAT_TCP_PATH_ORIG_ONLY,	/* client -> server, replies bypass us */
	FNAT_TCP_PATH_MAX,
};

/* Timeouts (seconds) that the netns' --set values do not cover. */
struct fnat_tcp_timeouts {
	u32	established;	/* --set tcp */
	u32	fin_wait;	/* --set tcpfin, also TIME_WAIT */
};

enum fnat_tcp_event fnat_tcp_event(bool syn, bool ack, bool fin, bool rst);
enum fnat_tcp_state fnat_tcp_next(enum fnat_tcp_state cur,
				  enum fnat_tcp_path path,
				  enum fnat_tcp_event ev);
/* As fnat_tcp_next() with the secure_tcp defence in force. */
enum fnat_tcp_state fnat_tcp_next_secure(enum fnat_tcp_state cur,
					 enum fnat_tcp_path path,
					 enum fnat_tcp_event ev);
u32 fnat_tcp_timeout(enum fnat_tcp_state state,
		     const struct fnat_tcp_timeouts *set);
const char *fnat_tcp_state_name(enum fnat_tcp_state state);
bool fnat_tcp_state_active(enum fnat_tcp_state state);
bool fnat_tcp_state_reusable(enum fnat_tcp_state state);

#endif /* _FNAT_PROTO_TCP_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: the TCP state machine (see fnat_proto_tcp.h).
 *
 * Only what changes a state is written down; every other (state, path,
 * event) keeps the state, so a stray or retransmitted segment never tears
 * a connection down. Timeouts of the states --set does not cover follow
 * IPVS, which operators already tune around.
 */
#include "fnat_proto_tcp.h"

static const char *const fnat_tcp_names[FNAT_TCP_STATE_MAX] = {
	[FNAT_TCP_NONE]		= "NONE",
	[FNAT_TCP_ESTABLISHED]	= "ESTABLISHED",
	[FNAT_TCP_SYN_SENT]	= "SYN_SENT",
	[FNAT_TCP_SYN_RECV]	= "SYN_RECV",
	[FNAT_TCP_FIN_WAIT]	= "FIN_WAIT",
	[FNAT_TCP_TIME_WAIT]	= "TIME_WAIT",
	[FNAT_TCP_CLOSE]	= "CLOSE",
	[FNAT_TCP_CLOSE_WAIT]	= "CLOSE_WAIT",
	[FNAT_TCP_LAST_ACK]	= "LAST_ACK",
	[FNAT_TCP_LISTEN]	= "LISTEN",
	[FNAT_TCP_SYNACK]	= "SYNACK",
};

enum fnat_tcp_event fnat_tcp_event(bool syn, bool ack, bool fin, bool rst)
{
	if (rst)
		return FNAT_TCP_EV_RST;
	if (syn)
		return ack ? FNAT_TCP_EV_SYNACK : FNAT_TCP_EV_SYN;
	if (fin)
		return FNAT_TCP_EV_FIN;
	return FNAT_TCP_EV_ACK;
}

static bool fnat_tcp_closing(enum fnat_tcp_state s)
{
	return s == FNAT_TCP_FIN_WAIT || s == FNAT_TCP_TIME_WAIT ||
	       s == FNAT_TCP_CLOSE || s == FNAT_TCP_CLOSE_WAIT ||
	       s == FNAT_TCP_LAST_ACK;
}

/* A SYN from the client: a new attempt unless one is under way. */
static enum fnat_tcp_state fnat_tcp_on_syn(enum fnat_tcp_state s)
{
	if (s == FNAT_TCP_NONE || s == FNAT_TCP_LISTEN || fnat_tcp_closing(s))
		return FNAT_TCP_SYN_RECV;
	return s;
}

static enum fnat_tcp_state fnat_tcp_on_fin(enum fnat_tcp_state s,
					   enum fnat_tcp_path path)
{
	bool from_server = path == FNAT_TCP_PATH_REPLY;

	switch (s) {
	case FNAT_TCP_ESTABLISHED:
	case FNAT_TCP_SYN_RECV:
	case FNAT_TCP_SYNACK:
		return from_server ? FNAT_TCP_CLOSE_WAIT : FNAT_TCP_FIN_WAIT;
	case FNAT_TCP_FIN_WAIT:
		/* The other side's FIN: only the final ACK is left. */
		return from_server ? FNAT_TCP_LAST_ACK : s;
	case FNAT_TCP_CLOSE_WAIT:
		return from_server ? s : FNAT_TCP_LAST_ACK;
	default:
		return s;
	}
}

static enum fnat_tcp_state fnat_tcp_on_ack(enum fnat_tcp_state s,
					   enum fnat_tcp_path path)
{
	if (s == FNAT_TCP_LAST_ACK)
		return FNAT_TCP_TIME_WAIT;
	if (path == FNAT_TCP_PATH_REPLY)
		return s;
	/*
	 * The client's ACK completes the handshake; without the replies (DR,
	 * TUN) it is the only sign of it, with them a lost SYN-ACK capture
	 * must not leave the connection half-open forever.
	 */
	if (s == FNAT_TCP_SYNACK || s == FNAT_TCP_SYN_RECV)
		return FNAT_TCP_ESTABLISHED;
	return s;
}

/*
 * secure_tcp (fnat_defense.h): where replies pass the director, only the
 * real server's SYN-ACK makes a client's ACK complete the handshake; a
 * blind ACK after a spoofed SYN leaves the entry half-open, on the short
 * SYN_RECV timeout. Without the replies (DR, TUN) there is nothing to wait
 * for, and the machine is the usual one.
 */
enum fnat_tcp_state fnat_tcp_next_secure(enum fnat_tcp_state cur,
					 enum fnat_tcp_path path,
					 enum fnat_tcp_event ev)
{
	if (path == FNAT_TCP_PATH_ORIG && ev == FNAT_TCP_EV_ACK &&
	    cur == FNAT_TCP_SYN_RECV)
		return cur;
	return fnat_tcp_next(cur, path, ev);
}

enum fnat_tcp_state fnat_tcp_next(enum fnat_tcp_state cur,
				  enum fnat_tcp_path path,
				  enum fnat_tcp_event ev)
{
	if (cur >= FNAT_TCP_STATE_MAX || path >= FNAT_TCP_PATH_MAX)
		return FNAT_TCP_CLOSE;
	switch (ev) {
	case FNAT_TCP_EV_RST:
		return FNAT_TCP_CLOSE;
	case FNAT_TCP_EV_SYN:
		return path == FNAT_TCP_PATH_REPLY ? cur : fnat_tcp_on_syn(cur);
	case FNAT_TCP_EV_SYNACK:
		if (path == FNAT_TCP_PATH_REPLY && cur == FNAT_TCP_SYN_RECV)
			return FNAT_TCP_SYNACK;
		return cur;
	case FNAT_TCP_EV_FIN:
		return fnat_tcp_on_fin(cur, path);
	case FNAT_TCP_EV_ACK:
		return fnat_tcp_on_ack(cur, path);
	default:
		return cur;
	}
}

u32 fnat_tcp_timeout(enum fnat_tcp_state state,
		     const struct fnat_tcp_timeouts *set)
{
	switch (state) {
	case FNAT_TCP_ESTABLISHED:
		return set->established;
	case FNAT_TCP_FIN_WAIT:
	case FNAT_TCP_TIME_WAIT:
		return set->fin_wait;
	case FNAT_TCP_SYN_RECV:
	case FNAT_TCP_CLOSE_WAIT:
		return 60;
	case FNAT_TCP_LAST_ACK:
		return 30;
	case FNAT_TCP_CLOSE:
		return 10;
	default:
		return 120;
	}
}

const char *fnat_tcp_state_name(enum fnat_tcp_state state)
{
	return state < FNAT_TCP_STATE_MAX ? fnat_tcp_names[state] : "ERR!";
}

/* ipvsadm's ActiveConn counts established connections only. */
bool fnat_tcp_state_active(enum fnat_tcp_state state)
{
	return state == FNAT_TCP_ESTABLISHED;
}

/*
 * A client SYN for a connection in one of these states starts a new
 * connection at once (the client has closed its side, so the port is free
 * to it), instead of being dropped until the old entry expires.
 */
bool fnat_tcp_state_reusable(enum fnat_tcp_state state)
{
	return fnat_tcp_closing(state);
}

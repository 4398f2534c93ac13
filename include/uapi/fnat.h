/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * fnat: the FNAT generic-netlink family.
 *
 * This header is the API specification shared by fnat.ko and fnatadm.
 *
 * Transport
 * ---------
 * Generic netlink family FNAT_GENL_NAME, version FNAT_GENL_VERSION.
 * Every command validates strictly: unknown attributes, attributes of the
 * wrong type or length, reply-only attributes, nests without NLA_F_NESTED,
 * attributes on commands that take none, a non-zero genlmsghdr.reserved and
 * trailing garbage are rejected with -EINVAL, values outside an attribute's
 * range with -ERANGE, each with an extended-ACK message naming the problem.
 * Nothing is changed by a request that fails.
 * Commands that change state (NEW_*, SET_*, DEL_*, FLUSH) need
 * CAP_NET_ADMIN in the user namespace owning the network namespace of the
 * socket; reads (GET_*) are open to everyone. All state is per network
 * namespace.
 *
 * Addresses
 * ---------
 * An address is always a family (u16, AF_INET or AF_INET6) plus 16 bytes
 * of address in network byte order. IPv4 addresses use the first 4 bytes;
 * the remaining 12 must be zero. Ports are u16 in network byte order
 * (NLA_BE16). IPv6 addresses use all 16 bytes; IPv6 service addresses
 * are written [2001:db8::1]:80 by fnatadm, as by ipvsadm.
 *
 * Families of a service, its dests and its local addresses: a dest has
 * the service's family, except that an IPv6 service may have IPv4 dests
 * forwarded by FULLNAT (6->4, the headers translated as NAT64 does),
 * which need an IPv4 local address. An IPv6 service may hold local
 * addresses of both families; an IPv4 service only IPv4 ones. Every
 * other mix is refused with -EAFNOSUPPORT and a message saying why.
 *
 * Attribute tree
 * --------------
 * FNAT_A_SERVICE (nested, FNAT_SVC_A_*)
 *	FAMILY	u16	AF_INET | AF_INET6		key
 *	PROTOCOL u8	IPPROTO_TCP | IPPROTO_UDP	key
 *	ADDR	16 bytes				key
 *	PORT	be16					key
 *	SCHED_NAME string, NUL-terminated, at most FNAT_SCHED_NAME_MAX
 *		bytes with the NUL; default "wlc" on NEW
 *	FLAGS	u32	FNAT_SVC_F_* (only the bits in FNAT_SVC_F_ALL)
 *	TIMEOUT	u32	persistence timeout in seconds, 1..FNAT_PERSIST_MAX;
 *			used when FNAT_SVC_F_PERSISTENT is set
 *	NETMASK	u8	persistence granularity as a prefix length
 *			(0..32 for IPv4, 0..128 for IPv6); default 32/128
 *	NUM_DESTS u32	(replies only) number of destinations
 *	STATS	nested FNAT_STATS_A_* (replies only)
 *
 * FNAT_A_DEST (nested, FNAT_DEST_A_*)
 *	FAMILY	u16	the service's family, or AF_INET under an AF_INET6
 *			service when FWD_METHOD is FULLNAT (see Addresses)
 *	ADDR	16 bytes				key
 *	PORT	be16					key; DR and TUN
 *			cannot change the port, so the kernel stores the
 *			service's port for them
 *	FWD_METHOD u8	enum fnat_fwd_method; default FNAT_FWD_DR on NEW
 *	WEIGHT	u32	0..FNAT_WEIGHT_MAX; 0 quiesces; default 1 on NEW
 *	U_THRESH u32	upper connection threshold, 0 = none
 *	L_THRESH u32	lower connection threshold, 0 = none; must not exceed
 *			U_THRESH (so it needs an upper threshold)
 *	ACTIVE_CONNS, INACT_CONNS, PERSIST_CONNS u32 (replies only)
 *	STATS	nested FNAT_STATS_A_* (replies only)
 *
 * FNAT_STATS_A_* (nested in a service or dest reply): u64 each, PAD for
 * alignment. Totals since creation or the last FNAT_CMD_ZERO:
 *	CONNS, INPKTS, OUTPKTS, INBYTES, OUTBYTES
 * Rates per second, estimated every 2 s and smoothed (weight 1/4):
 *	CPS, INPPS, OUTPPS, INBPS, OUTBPS (bytes per second)
 *
 * FNAT_A_TIMEOUT (nested, FNAT_TIMEOUT_A_*): connection timeouts of the
 * netns, in seconds, 1..FNAT_TIMEOUT_MAX each
 *	TCP	u32	established TCP connections (default
 *			FNAT_TIMEOUT_TCP_DEFAULT)
 *	TCP_FIN	u32	TCP connections after a FIN (default
 *			FNAT_TIMEOUT_TCP_FIN_DEFAULT)
 *	UDP	u32	UDP flows (default FNAT_TIMEOUT_UDP_DEFAULT)
 *
 * FNAT_A_INFO (nested, FNAT_INFO_A_*, replies only)
 *	VERSION		u32	(major << 16) | (minor << 8) | patch
 *	CONN_TAB_SIZE	u32	buckets in the connection hash table
 *	NUM_SERVICES	u32	services in this network namespace
 *	NUM_CONNS	u32	connections of this network namespace
 *	STATS		nested FNAT_STATS_A_*: everything the netns balanced
 *	TOA_ADDED	u64	FULLNAT segments that got the client's address
 *				(TOA option) towards the real server
 *	TOA_SKIPPED	u64	segments that should have and had no room
 *				(option space or path MTU)
 *	SYNPROXY_COOKIES u64	SYN-ACKs with a cookie sent for SYN proxy
 *				services (FNAT_SVC_F_SYNPROXY)
 *	SYNPROXY_ACKS	u64	clients' ACKs whose cookie was valid: the
 *				connections the proxy opened to real servers
 *	SYNPROXY_RS_RESETS u64	of those, the ones a real server refused
 *				(RST or ICMP error to the director's SYN); the
 *				client got a RST
 *	DROPS		nested: one FNAT_DROPS_A_ENTRY per drop reason, in a
 *			fixed order, each nested FNAT_DROP_A_*:
 *		NAME	string	stable lowercase name ("no_dest"); names
 *				are never renamed or reused once released
 *		COUNT	u64	packets dropped for it in this netns
 *		(PAD for the u64's alignment)
 *
 * FNAT_A_LADDR (nested, FNAT_LADDR_A_*): a local address (LIP) of a
 * service, the source address FULLNAT connections reach real servers from.
 * A unicast address; new connections leave only from those the netns
 * holds at the time, so a backup can list the ones it takes over.
 *	FAMILY		u16	the service's, or AF_INET under an AF_INET6
 *			service (for its FULLNAT 6->4 dests)		key
 *	ADDR		16 bytes				key
 *	CONNS		u32	(replies only) connections using it
 *	CONFLICTS	u64	(replies only) ports passed over because a
 *				connection to the same real server held them
 *	EXHAUSTED	u64	(replies only) new connections for which no
 *				port was free on it
 *	(PAD for the u64s' alignment)
 *
 * FNAT_A_CONN (nested, FNAT_CONN_A_*, replies only): one connection.
 * "Client" is the request's source, "virtual" the service address it was
 * sent to, "local" the source the real server sees (the client itself
 * except for FULLNAT), "dest" the real server.
 *	FAMILY		u16	of CADDR and VADDR
 *	LOCAL_FAMILY	u16	of LADDR
 *	DEST_FAMILY	u16	of DADDR; LOCAL_FAMILY and DEST_FAMILY are
 *				AF_INET under an AF_INET6 FAMILY for FULLNAT
 *				6->4, FAMILY otherwise (a persistence
 *				template's LADDR is its client network, of
 *				FAMILY)
 *	PROTOCOL	u8	IPPROTO_TCP | IPPROTO_UDP
 *	CADDR, CPORT	client address (16 bytes), port (be16)
 *	VADDR, VPORT	virtual address and port
 *	LADDR, LPORT	local address and port (FULLNAT: the LIP and lport)
 *	DADDR, DPORT	real server address and port
 *	FWD_METHOD	u8	enum fnat_fwd_method
 *	STATE		string	ipvsadm's state name: "ESTABLISHED",
 *				"SYN_RECV", ... for TCP, "UDP" for UDP
 *	EXPIRES		u32	milliseconds until the connection expires
 *				unless more packets arrive
 *
 * FNAT_A_DAEMON (nested, FNAT_DAEMON_A_*): a connection sync daemon of the
 * netns (see "Session sync" below). A netns runs at most one master and one
 * backup, at the same time if it likes (active/active pairs).
 *	STATE		u32	FNAT_SYNC_STATE_MASTER | FNAT_SYNC_STATE_BACKUP
 *				key
 *	MCAST_IFN	string, NUL-terminated, at most IFNAMSIZ bytes with
 *			the NUL: the interface sync messages go out of and
 *			come in on; it must exist in the netns
 *	SYNC_ID		u8	0..255 (default 0). A master stamps its
 *			messages with it; a backup with syncid 0 takes
 *			messages of every syncid, otherwise only its own
 *	SYNC_MAXLEN	u16	largest message, bytes of UDP payload,
 *			FNAT_SYNC_MAXLEN_MIN..FNAT_SYNC_MAXLEN_MAX, at most
 *			the interface MTU less 28 bytes of IPv4 and UDP
 *			headers when the daemon starts, which is also the
 *			default
 *	MCAST_FAMILY	u16	AF_INET (the only family so far)
 *	MCAST_GROUP	16 bytes: a multicast group (default
 *			FNAT_SYNC_GROUP_DEFAULT)
 *	MCAST_PORT	be16	1..65535 (default FNAT_SYNC_PORT_DEFAULT)
 *	MCAST_TTL	u8	1..255 (default 1)
 *	KEY		binary, FNAT_SYNC_KEY_MIN..FNAT_SYNC_KEY_MAX bytes
 *			(requests only): every message is authenticated
 *			with HMAC-SHA256 under it; without one, syncid
 *			filtering only. Replies never carry the key.
 *	(replies only)
 *	AUTH		u8	1 when the daemon has a key
 *	SENDER		u32	the random id this daemon's messages carry
 *	UP_MS		u64	milliseconds since it started
 *	COUNTERS	nested: one FNAT_DROPS_A_ENTRY per counter (FNAT_DROP_A_NAME
 *			and FNAT_DROP_A_COUNT, as in FNAT_INFO_A_DROPS), in a
 *			fixed order; the names are stable: messages_sent,
 *			records_sent, bytes_sent, send_errors, queue_full,
 *			bulk_requests, bulk_records_sent, messages_received,
 *			records_received, records_applied, and the drops by
 *			reason: short, bad_version, bad_length, syncid,
 *			auth, replay, stale, own, bad_record, no_service,
 *			no_dest, no_laddr, conflict, no_mem
 *	PEERS		nested: one FNAT_DAEMON_A_PEER per peer seen (at most
 *			FNAT_SYNC_PEERS_MAX, least recently seen replaced),
 *			each nested FNAT_PEER_A_*:
 *		FAMILY	u16
 *		ADDR	16 bytes	the peer's source address
 *		SENDER	u32		its sender id
 *		SYNC_ID	u8
 *		MESSAGES u64		valid messages taken from it
 *		LAST_MS	u64		milliseconds since the last one
 *		(PAD for the u64s' alignment)
 *
 * Commands
 * --------
 * FNAT_CMD_NEW_SERVICE	SERVICE{keys, [SCHED_NAME, FLAGS, TIMEOUT, NETMASK]}
 *	-EEXIST "Service already exists"; -ENOENT "Scheduler not found";
 *	-EINVAL "SYN proxy is for TCP services"
 * FNAT_CMD_SET_SERVICE	SERVICE{keys, [SCHED_NAME, FLAGS, TIMEOUT, NETMASK]}
 *	changes only the attributes present;
 *	-ESRCH "No such service"; -ENOENT "Scheduler not found";
 *	-EINVAL "SYN proxy is for TCP services", "SYN proxy needs NAT or
 *	FULLNAT destinations: direct routing and tunnelled servers answer
 *	clients past the director". Clearing FNAT_SVC_F_SYNPROXY stops new
 *	cookies; clients' ACKs to cookies already sent are still honoured
 *	for FNAT_SYNPROXY_COOKIE_LIFE seconds.
 * FNAT_CMD_DEL_SERVICE	SERVICE{keys}		-ESRCH "No such service"
 * FNAT_CMD_GET_SERVICE	doit: SERVICE{keys} -> one service;
 *			dump: every service, in creation order
 * FNAT_CMD_NEW_DEST	SERVICE{keys} DEST{keys, [FWD_METHOD, WEIGHT,
 *			U_THRESH, L_THRESH]}
 *	-ESRCH "Service not defined"; -EEXIST "Destination already exists";
 *	-EINVAL "A SYN proxy service forwards by NAT or FULLNAT only"
 * FNAT_CMD_SET_DEST	as NEW_DEST, changes only the attributes present;
 *	-ESRCH "Service not defined"; -ENOENT "No such destination";
 *	-EINVAL "A SYN proxy service forwards by NAT or FULLNAT only"
 * FNAT_CMD_DEL_DEST	SERVICE{keys} DEST{keys}
 *	-ESRCH "Service not defined"; -ENOENT "No such destination"
 * FNAT_CMD_GET_DEST	dump only: SERVICE{keys} -> the service's dests,
 *			in creation order; -ESRCH "No such service"
 * FNAT_CMD_FLUSH	no attributes: deletes every service and dest
 * FNAT_CMD_GET_INFO	no attributes -> INFO{...}
 * FNAT_CMD_SET_TIMEOUT	TIMEOUT{[TCP, TCP_FIN, UDP]}: changes the timeouts
 *			present (ipvsadm --set's 0 = unchanged is fnatadm's
 *			job: it leaves the attribute out); an empty nest is
 *			refused. New values apply to each connection from its
 *			next packet on.
 * FNAT_CMD_GET_TIMEOUT	no attributes -> TIMEOUT{TCP, TCP_FIN, UDP}
 * FNAT_CMD_ZERO	[SERVICE{keys}]: zeroes the counters and rates of that
 *			service and its dests, or of every service and dest;
 *			-ESRCH "No such service"
 * FNAT_CMD_NEW_LADDR	SERVICE{keys} LADDR{keys}: adds a local address
 *	-ESRCH "Service not defined"; -EEXIST "Local address already exists";
 *	-EAFNOSUPPORT "An IPv4 service cannot have IPv6 local addresses";
 *	the address checks every address passes (-EINVAL "Address must be
 *	unicast", "IPv4-mapped IPv6 address: give the IPv4 address instead",
 *	"IPv4 address must have its last 12 bytes zero"; -EAFNOSUPPORT
 *	"Unsupported address family");
 *	-EADDRNOTAVAIL "Not a unicast address". The address need not be the
 *	netns' yet (a backup director lists the addresses it takes over in a
 *	failover): new connections use only the ones the netns holds
 * FNAT_CMD_DEL_LADDR	SERVICE{keys} LADDR{keys}: removes it from new
 *	connections; connections using it continue until they end
 *	-ESRCH "Service not defined"; the address checks of NEW_LADDR
 *	(-EINVAL, -EAFNOSUPPORT); -ENOENT "No such local address"
 * FNAT_CMD_GET_LADDR	dump: [SERVICE{keys}] -> one message per local
 *	address, each with SERVICE{keys} and LADDR{...}, services in creation
 *	order, addresses in the order they were added; -ESRCH "No such service"
 * FNAT_CMD_GET_CONN	dump only: [SERVICE{keys}] -> one FNAT_A_CONN per
 *			connection of the netns (of that service only, when
 *			given; -ESRCH "No such service"). The dump walks
 *			the table a bucket at a time and resumes where it
 *			stopped, so it never holds a lock for long; entries
 *			created or moved while it runs may be missed or
 *			shown twice, as with /proc/net/ip_vs_conn.
 * FNAT_CMD_NEW_DAEMON	DAEMON{STATE, MCAST_IFN, [SYNC_ID, SYNC_MAXLEN,
 *			MCAST_FAMILY + MCAST_GROUP, MCAST_PORT, MCAST_TTL,
 *			KEY]}: starts a sync daemon;
 *	-EEXIST "Sync daemon already running"; -ENODEV "No such interface";
 *	-EINVAL "Not a multicast group", "Sync maxlen exceeds the interface
 *	MTU"; a backup asks the masters for their tables at once (bulk resync)
 * FNAT_CMD_DEL_DAEMON	DAEMON{STATE}: stops it, after the master has sent
 *			what it had queued; -ESRCH "No sync daemon running"
 * FNAT_CMD_GET_DAEMON	no attributes -> one message per running daemon,
 *			master first, each with DAEMON{...} (dump)
 *
 * Replies to GET_SERVICE carry FNAT_A_SERVICE with every attribute
 * (SCHED_NAME, FLAGS, TIMEOUT and NETMASK included); replies to GET_DEST
 * carry FNAT_A_DEST with every attribute.
 */
#ifndef _UAPI_FNAT_H
#define _UAPI_FNAT_H

#include <linux/types.h>

#define FNAT_GENL_NAME		"FNAT"
#define FNAT_GENL_VERSION	1

#define FNAT_VERSION_MAJOR	0
#define FNAT_VERSION_MINOR	1
#define FNAT_VERSION_PATCH	0
#define FNAT_VERSION_CODE	((FNAT_VERSION_MAJOR << 16) | \
				 (FNAT_VERSION_MINOR << 8) | \
				 FNAT_VERSION_PATCH)

#define FNAT_ADDR_LEN		16
#define FNAT_SCHED_NAME_MAX	16	/* including the terminating NUL */
#define FNAT_WEIGHT_MAX		65535
#define FNAT_PERSIST_MAX	(31 * 24 * 3600)	/* seconds */
#define FNAT_PERSIST_DEFAULT	360	/* seconds, what ipvsadm's bare -p sends */

enum fnat_cmd {
	FNAT_CMD_UNSPEC,
	FNAT_CMD_NEW_SERVICE,
	FNAT_CMD_SET_SERVICE,
	FNAT_CMD_DEL_SERVICE,
	FNAT_CMD_GET_SERVICE,
	FNAT_CMD_NEW_DEST,
	FNAT_CMD_SET_DEST,
	FNAT_CMD_DEL_DEST,
	FNAT_CMD_GET_DEST,
	FNAT_CMD_FLUSH,
	FNAT_CMD_GET_INFO,
	FNAT_CMD_SET_TIMEOUT,
	FNAT_CMD_GET_TIMEOUT,
	FNAT_CMD_ZERO,
	FNAT_CMD_GET_CONN,
	FNAT_CMD_NEW_LADDR,
	FNAT_CMD_DEL_LADDR,
	FNAT_CMD_GET_LADDR,
	FNAT_CMD_NEW_DAEMON,
	FNAT_CMD_DEL_DAEMON,
	FNAT_CMD_GET_DAEMON,
	__FNAT_CMD_MAX,
};
#define FNAT_CMD_MAX (__FNAT_CMD_MAX - 1)

enum fnat_attr {
	FNAT_A_UNSPEC,
	FNAT_A_SERVICE,		/* nested FNAT_SVC_A_* */
	FNAT_A_DEST,		/* nested FNAT_DEST_A_* */
	FNAT_A_INFO,		/* nested FNAT_INFO_A_*, replies only */
	FNAT_A_TIMEOUT,		/* nested FNAT_TIMEOUT_A_* */
	FNAT_A_CONN,		/* nested FNAT_CONN_A_*, replies only */
	FNAT_A_LADDR,		/* nested FNAT_LADDR_A_* */
	FNAT_A_DAEMON,		/* nested FNAT_DAEMON_A_* */
	__FNAT_A_MAX,
};
#define FNAT_A_MAX (__FNAT_A_MAX - 1)

enum fnat_svc_attr {
	FNAT_SVC_A_UNSPEC,
	FNAT_SVC_A_FAMILY,
	FNAT_SVC_A_PROTOCOL,
	FNAT_SVC_A_ADDR,
	FNAT_SVC_A_PORT,
	FNAT_SVC_A_SCHED_NAME,
	FNAT_SVC_A_FLAGS,
	FNAT_SVC_A_TIMEOUT,
	FNAT_SVC_A_NETMASK,
	FNAT_SVC_A_NUM_DESTS,
	FNAT_SVC_A_STATS,
	__FNAT_SVC_A_MAX,
};
#define FNAT_SVC_A_MAX (__FNAT_SVC_A_MAX - 1)

/* Service flags (FNAT_SVC_A_FLAGS). */
#define FNAT_SVC_F_PERSISTENT	(1U << 0)
/*
 * Scheduler flags, as IPVS's IP_VS_SVC_F_SCHED1..3 (ipvsadm's
 * --sched-flags): what each means is up to the scheduler.
 */
#define FNAT_SVC_F_SCHED1	(1U << 1)
#define FNAT_SVC_F_SCHED2	(1U << 2)
#define FNAT_SVC_F_SCHED3	(1U << 3)
/* sh, mh: another dest when the chosen one is unavailable. */
#define FNAT_SVC_F_SCHED_SH_FALLBACK	FNAT_SVC_F_SCHED1
#define FNAT_SVC_F_SCHED_MH_FALLBACK	FNAT_SVC_F_SCHED1
/* sh, mh: the client's port in the hash as well as its address. */
#define FNAT_SVC_F_SCHED_SH_PORT	FNAT_SVC_F_SCHED2
#define FNAT_SVC_F_SCHED_MH_PORT	FNAT_SVC_F_SCHED2
/*
 * SYN proxy: the director answers clients' SYNs itself with SYN cookies
 * and opens a connection to a real server only for a client whose ACK
 * carries a valid cookie, so a SYN flood reaches no real server and makes
 * no connection entry. TCP services whose dests are NAT or FULLNAT only:
 * direct routing and tunnelled servers answer clients themselves, past the
 * director, so it would never see their SYN-ACK. Proxied connections use
 * no TCP timestamps; window scaling and SACK are kept.
 */
#define FNAT_SVC_F_SYNPROXY	(1U << 4)
/* Seconds a cookie stays valid (the longest, with clock skew). */
#define FNAT_SYNPROXY_COOKIE_LIFE	192
#define FNAT_SVC_F_ALL		(FNAT_SVC_F_PERSISTENT | FNAT_SVC_F_SCHED1 | \
				 FNAT_SVC_F_SCHED2 | FNAT_SVC_F_SCHED3 | \
				 FNAT_SVC_F_SYNPROXY)

enum fnat_dest_attr {
	FNAT_DEST_A_UNSPEC,
	FNAT_DEST_A_FAMILY,
	FNAT_DEST_A_ADDR,
	FNAT_DEST_A_PORT,
	FNAT_DEST_A_FWD_METHOD,
	FNAT_DEST_A_WEIGHT,
	FNAT_DEST_A_U_THRESH,
	FNAT_DEST_A_L_THRESH,
	FNAT_DEST_A_ACTIVE_CONNS,
	FNAT_DEST_A_INACT_CONNS,
	FNAT_DEST_A_PERSIST_CONNS,
	FNAT_DEST_A_STATS,
	__FNAT_DEST_A_MAX,
};
#define FNAT_DEST_A_MAX (__FNAT_DEST_A_MAX - 1)

/* Forwarding methods (FNAT_DEST_A_FWD_METHOD). */
enum fnat_fwd_method {
	FNAT_FWD_UNSPEC,
	FNAT_FWD_DR,		/* direct routing: rewrite L2 only ("Route") */
	FNAT_FWD_TUN,		/* IPIP tunnel ("Tunnel") */
	FNAT_FWD_NAT,		/* masquerading ("Masq") */
	FNAT_FWD_FULLNAT,	/* source and destination NAT ("FullNat") */
	__FNAT_FWD_MAX,
};
#define FNAT_FWD_MAX (__FNAT_FWD_MAX - 1)

enum fnat_info_attr {
	FNAT_INFO_A_UNSPEC,
	FNAT_INFO_A_VERSION,
	FNAT_INFO_A_CONN_TAB_SIZE,
	FNAT_INFO_A_NUM_SERVICES,
	FNAT_INFO_A_NUM_CONNS,
	FNAT_INFO_A_DROPS,	/* nested FNAT_DROPS_A_ENTRY */
	FNAT_INFO_A_STATS,	/* nested FNAT_STATS_A_* */
	FNAT_INFO_A_TOA_ADDED,
	FNAT_INFO_A_TOA_SKIPPED,
	FNAT_INFO_A_PAD,
	FNAT_INFO_A_SYNPROXY_COOKIES,
	FNAT_INFO_A_SYNPROXY_ACKS,
	FNAT_INFO_A_SYNPROXY_RS_RESETS,
	__FNAT_INFO_A_MAX,
};
#define FNAT_INFO_A_MAX (__FNAT_INFO_A_MAX - 1)

enum fnat_drops_attr {
	FNAT_DROPS_A_UNSPEC,
	FNAT_DROPS_A_ENTRY,	/* nested FNAT_DROP_A_* */
	__FNAT_DROPS_A_MAX,
};
#define FNAT_DROPS_A_MAX (__FNAT_DROPS_A_MAX - 1)

enum fnat_drop_attr {
	FNAT_DROP_A_UNSPEC,
	FNAT_DROP_A_PAD,
	FNAT_DROP_A_NAME,
	FNAT_DROP_A_COUNT,
	__FNAT_DROP_A_MAX,
};
#define FNAT_DROP_A_MAX (__FNAT_DROP_A_MAX - 1)

enum fnat_laddr_attr {
	FNAT_LADDR_A_UNSPEC,
	FNAT_LADDR_A_PAD,
	FNAT_LADDR_A_FAMILY,
	FNAT_LADDR_A_ADDR,
	FNAT_LADDR_A_CONNS,
	FNAT_LADDR_A_CONFLICTS,
	FNAT_LADDR_A_EXHAUSTED,
	__FNAT_LADDR_A_MAX,
};
#define FNAT_LADDR_A_MAX (__FNAT_LADDR_A_MAX - 1)

enum fnat_conn_attr {
	FNAT_CONN_A_UNSPEC,
	FNAT_CONN_A_FAMILY,
	FNAT_CONN_A_PROTOCOL,
	FNAT_CONN_A_CADDR,
	FNAT_CONN_A_CPORT,
	FNAT_CONN_A_VADDR,
	FNAT_CONN_A_VPORT,
	FNAT_CONN_A_LADDR,
	FNAT_CONN_A_LPORT,
	FNAT_CONN_A_DADDR,
	FNAT_CONN_A_DPORT,
	FNAT_CONN_A_FWD_METHOD,
	FNAT_CONN_A_STATE,
	FNAT_CONN_A_EXPIRES,
	FNAT_CONN_A_LOCAL_FAMILY,
	FNAT_CONN_A_DEST_FAMILY,
	__FNAT_CONN_A_MAX,
};
#define FNAT_CONN_A_MAX (__FNAT_CONN_A_MAX - 1)

enum fnat_stats_attr {
	FNAT_STATS_A_UNSPEC,
	FNAT_STATS_A_PAD,
	FNAT_STATS_A_CONNS,
	FNAT_STATS_A_INPKTS,
	FNAT_STATS_A_OUTPKTS,
	FNAT_STATS_A_INBYTES,
	FNAT_STATS_A_OUTBYTES,
	FNAT_STATS_A_CPS,
	FNAT_STATS_A_INPPS,
	FNAT_STATS_A_OUTPPS,
	FNAT_STATS_A_INBPS,
	FNAT_STATS_A_OUTBPS,
	__FNAT_STATS_A_MAX,
};
#define FNAT_STATS_A_MAX (__FNAT_STATS_A_MAX - 1)

enum fnat_timeout_attr {
	FNAT_TIMEOUT_A_UNSPEC,
	FNAT_TIMEOUT_A_TCP,
	FNAT_TIMEOUT_A_TCP_FIN,
	FNAT_TIMEOUT_A_UDP,
	__FNAT_TIMEOUT_A_MAX,
};
#define FNAT_TIMEOUT_A_MAX (__FNAT_TIMEOUT_A_MAX - 1)

/*
 * Default timeouts, seconds. Established TCP outlives the Linux default
 * keepalive idle time (7200 s) with room for a lost first probe, so an idle
 * connection kept alive by its endpoints is never forgotten by the director
 * (IPVS's 900 s default breaks such connections). FIN and UDP follow IPVS.
 */
#define FNAT_TIMEOUT_TCP_DEFAULT	7440
#define FNAT_TIMEOUT_TCP_FIN_DEFAULT	120
#define FNAT_TIMEOUT_UDP_DEFAULT	300
#define FNAT_TIMEOUT_MAX		(31 * 24 * 3600)

enum fnat_daemon_attr {
	FNAT_DAEMON_A_UNSPEC,
	FNAT_DAEMON_A_PAD,
	FNAT_DAEMON_A_STATE,
	FNAT_DAEMON_A_MCAST_IFN,
	FNAT_DAEMON_A_SYNC_ID,
	FNAT_DAEMON_A_SYNC_MAXLEN,
	FNAT_DAEMON_A_MCAST_FAMILY,
	FNAT_DAEMON_A_MCAST_GROUP,
	FNAT_DAEMON_A_MCAST_PORT,
	FNAT_DAEMON_A_MCAST_TTL,
	FNAT_DAEMON_A_KEY,
	FNAT_DAEMON_A_AUTH,
	FNAT_DAEMON_A_SENDER,
	FNAT_DAEMON_A_UP_MS,
	FNAT_DAEMON_A_COUNTERS,	/* nested FNAT_DROPS_A_ENTRY */
	FNAT_DAEMON_A_PEERS,	/* nested FNAT_DAEMON_A_PEER */
	FNAT_DAEMON_A_PEER,	/* nested FNAT_PEER_A_* */
	__FNAT_DAEMON_A_MAX,
};
#define FNAT_DAEMON_A_MAX (__FNAT_DAEMON_A_MAX - 1)

enum fnat_peer_attr {
	FNAT_PEER_A_UNSPEC,
	FNAT_PEER_A_PAD,
	FNAT_PEER_A_FAMILY,
	FNAT_PEER_A_ADDR,
	FNAT_PEER_A_SENDER,
	FNAT_PEER_A_SYNC_ID,
	FNAT_PEER_A_MESSAGES,
	FNAT_PEER_A_LAST_MS,
	__FNAT_PEER_A_MAX,
};
#define FNAT_PEER_A_MAX (__FNAT_PEER_A_MAX - 1)

/* Sync daemon roles (FNAT_DAEMON_A_STATE). */
#define FNAT_SYNC_STATE_MASTER	1
#define FNAT_SYNC_STATE_BACKUP	2

/*
 * Defaults stay clear of IPVS's 224.0.0.81:8848 so both can sync on one
 * host. The group is link-local, which switches flood even when IGMP
 * snooping has no querier and routers never forward.
 */
#define FNAT_SYNC_GROUP_DEFAULT	"224.0.0.83"
#define FNAT_SYNC_GROUP_DEFAULT_U32	0xe0000053U	/* in host order */
#define FNAT_SYNC_PORT_DEFAULT	8849
#define FNAT_SYNC_TTL_DEFAULT	1
#define FNAT_SYNC_MAXLEN_MIN	256
#define FNAT_SYNC_MAXLEN_MAX	65507
#define FNAT_SYNC_KEY_MIN	16
#define FNAT_SYNC_KEY_MAX	64
#define FNAT_SYNC_PEERS_MAX	16

/*
 * Session sync wire format, version 1
 * -----------------------------------
 * One UDP datagram per message, to the daemon's group and port. Every
 * integer is in network byte order. A message is a header, records, and,
 * when the daemons share a key, a MAC:
 *
 *	struct fnat_sync_hdr	32 bytes
 *	records			count of them, back to back
 *	MAC			mac_len bytes: HMAC-SHA256 under the shared
 *				key of everything before it (header included)
 *
 * A receiver drops, and counts by reason, a message that is shorter than
 * the header or than its length field says (short), of another version
 * (bad_version), whose length, count or records do not add up
 * (bad_length, bad_record), of another syncid (syncid), without a valid
 * MAC when it has a key or with one when it has none (auth), seen before
 * (replay: a window of FNAT_SYNC_REPLAY_WINDOW sequence numbers per
 * sender id, whatever address the datagram comes from), or stamped more
 * than FNAT_SYNC_MAX_AGE_MS away from its own clock when keyed (stale:
 * keep directors' clocks in step, e.g. with NTP), or its own (own).
 * Nothing of a dropped message is applied.
 *
 * Replays: with a key, a recorded message is taken again only by a daemon
 * that has no window for its sender, i.e. one started after the message
 * was sent (or that has since seen more than FNAT_SYNC_PEERS_MAX other
 * senders), and only within FNAT_SYNC_MAX_AGE_MS of the sender's stamp;
 * each such message at most once, as the window then holds it. What it
 * can do is what the sender said then: a connection it described comes
 * back with the state and remaining time it had at most
 * FNAT_SYNC_MAX_AGE_MS ago, until the master's next record about it.
 *
 * Each record is a record header, then attributes:
 *
 *	struct fnat_sync_rec	4 bytes: type, flags (0), length in bytes
 *				of the record with its header, a multiple of 4
 *	struct fnat_sync_attr	4 bytes: type, length of the attribute with
 *				its header; its value follows, padded with
 *				zeroes to a multiple of 4
 *
 * Unknown attributes are skipped (later versions may add some); unknown
 * record types are skipped and counted as bad_record. An attribute of the
 * wrong length, a missing required attribute or an inconsistent record is
 * bad_record, and the rest of the message still applies.
 *
 * Records (A_ = FNAT_SYNC_A_):
 *	CONN	a connection, or with A_FLAGS TEMPLATE a persistence template,
 *		to create or bring up to date on the backup:
 *		A_FAMILY, A_PROTOCOL, A_CADDR, A_CPORT, A_VADDR, A_VPORT,
 *		A_DADDR, A_DPORT (the real server as the service lists it),
 *		A_FWD_METHOD, A_STATE, A_TIMEOUT (remaining), [A_FLAGS],
 *		FULLNAT: A_LADDR, A_LPORT, and for TCP A_SEQ_DELTA;
 *		SYN proxy (A_FLAGS SYNPROXY): A_SP_DELTA, A_SP_WSCALE;
 *		templates: A_TMPL_TIMEOUT, the client network in A_CADDR
 *		and 0 in A_CPORT, as -Lnc lists them, state NONE
 *	DEL	a connection that ended early (its client reused the port,
 *		its real server was deleted): A_FAMILY, A_PROTOCOL, A_CADDR,
 *		A_CPORT, A_VADDR, A_VPORT
 *	BULK_REQ a backup asks every master of its syncid (0: any) for its
 *		whole table: no attributes
 *	BULK_END the last message of a master's bulk transfer:
 *		A_COUNT, the records the transfer carried
 */
#define FNAT_SYNC_VERSION		1
#define FNAT_SYNC_MAC_LEN		32
#define FNAT_SYNC_REPLAY_WINDOW		64
#define FNAT_SYNC_MAX_AGE_MS		30000

struct fnat_sync_hdr {
	__u8	version;	/* FNAT_SYNC_VERSION */
	__u8	flags;		/* FNAT_SYNC_HDR_F_* */
	__be16	length;		/* of the whole message, MAC included */
	__u8	syncid;
	__u8	mac_len;	/* 0 or FNAT_SYNC_MAC_LEN */
	__be16	count;		/* records */
	__be32	sender;		/* random, chosen when the daemon starts */
	__be32	reserved;	/* 0 */
	__be64	seq;		/* per sender: 1, 2, 3, ... */
	__be64	time_ms;	/* sender's wall clock, ms since the epoch */
};

/* The message is part of a bulk transfer (answering a BULK_REQ). */
#define FNAT_SYNC_HDR_F_BULK	0x01

struct fnat_sync_rec {
	__u8	type;		/* FNAT_SYNC_REC_* */
	__u8	flags;		/* 0 */
	__be16	length;
};

enum fnat_sync_rec_type {
	FNAT_SYNC_REC_UNSPEC,
	FNAT_SYNC_REC_CONN,
	FNAT_SYNC_REC_DEL,
	FNAT_SYNC_REC_BULK_REQ,
	FNAT_SYNC_REC_BULK_END,
	__FNAT_SYNC_REC_MAX,
};

struct fnat_sync_attr {
	__be16	type;		/* FNAT_SYNC_A_* */
	__be16	length;		/* header and value, without the padding */
};

enum fnat_sync_attr_type {
	FNAT_SYNC_A_UNSPEC,
	FNAT_SYNC_A_FAMILY,		/* u8: AF_INET or AF_INET6 */
	FNAT_SYNC_A_PROTOCOL,		/* u8 */
	FNAT_SYNC_A_CADDR,		/* 4 bytes (AF_INET) or 16 (AF_INET6) */
	FNAT_SYNC_A_CPORT,		/* be16 */
	FNAT_SYNC_A_VADDR,
	FNAT_SYNC_A_VPORT,
	FNAT_SYNC_A_DADDR,
	FNAT_SYNC_A_DPORT,
	FNAT_SYNC_A_LADDR,
	FNAT_SYNC_A_LPORT,
	FNAT_SYNC_A_FWD_METHOD,		/* u8: enum fnat_fwd_method */
	FNAT_SYNC_A_STATE,		/* u8: TCP state, in -Lnc's order */
	FNAT_SYNC_A_TIMEOUT,		/* be32: milliseconds left */
	FNAT_SYNC_A_FLAGS,		/* be32: FNAT_SYNC_CONN_F_* */
	FNAT_SYNC_A_SEQ_DELTA,		/* be32: FULLNAT sequence offset */
	FNAT_SYNC_A_TMPL_TIMEOUT,	/* be32: a template's timeout, s */
	FNAT_SYNC_A_COUNT,		/* be32 */
	/*
	 * u8: the family of DADDR and LADDR when it is not FAMILY's (an
	 * IPv6 service's IPv4 dest, FULLNAT 6->4); absent otherwise.
	 */
	FNAT_SYNC_A_DEST_FAMILY,
	/*
	 * be32, required with FNAT_SYNC_CONN_F_SYNPROXY: the offset between
	 * the director's cookie sequence numbers, which the client sees,
	 * and the real server's.
	 */
	FNAT_SYNC_A_SP_DELTA,
	/*
	 * 4 bytes, required with FNAT_SYNC_CONN_F_SYNPROXY: window scales
	 * of the client, of the director's SYN-ACK and of the real server
	 * (0..14, or 0xff for none), then a zero byte.
	 */
	FNAT_SYNC_A_SP_WSCALE,
	__FNAT_SYNC_A_MAX,
};
#define FNAT_SYNC_A_MAX (__FNAT_SYNC_A_MAX - 1)

/* FNAT_SYNC_A_FLAGS */
#define FNAT_SYNC_CONN_F_TEMPLATE	(1U << 0)	/* a persistence template */
#define FNAT_SYNC_CONN_F_TOA_DONE	(1U << 1)	/* FULLNAT: no more TOA */
#define FNAT_SYNC_CONN_F_PERSIST	(1U << 2)	/* chosen by a template */
/*
 * Opened by the SYN proxy: A_SP_DELTA and A_SP_WSCALE follow. A backup
 * that predates the flag refuses such records as bad_record rather than
 * forwarding them untranslated; upgrade backups first.
 */
#define FNAT_SYNC_CONN_F_SYNPROXY	(1U << 3)
#define FNAT_SYNC_CONN_F_ALL		0xfU

/*
 * TOA: the TCP option in which a FULLNAT director hands the client's
 * address to the real server, on the SYN and on the ACK and data segments
 * it sends there until the server answers after its SYN-ACK. Every field
 * in network byte order.
 *
 *	kind FNAT_TOA_KIND (254), length 8:  port (2), IPv4 address (4)
 *	kind FNAT_TOA6_KIND (253), length 20: port (2), IPv6 address (16)
 *
 * Kind 254 is the Alibaba/LVS FULLNAT format; kind 253 its IPv6 variant
 * (as DPVS sends it). The kind depends on the client's family, not the
 * real server's: with FULLNAT 6->4 an IPv4 real server receives kind 253.
 */
#define FNAT_TOA_KIND		254
#define FNAT_TOA_LEN		8
#define FNAT_TOA6_KIND		253
#define FNAT_TOA6_LEN		20

/*
 * On a real server running fnat-toa: getsockopt(fd, IPPROTO_TCP,
 * FNAT_TOA_SO_PEER, &ss, &len) on an accepted TCP socket whose connection
 * carried TOA fills a struct sockaddr_in (IPv4 client) or struct
 * sockaddr_in6 (IPv6 client) with the client's address and port. It is
 * how an IPv4 socket learns an IPv6 client's address, which getpeername()
 * cannot return there (an IPv4-mapped client, ::ffff:a.b.c.d, comes back
 * as a sockaddr_in6; getpeername() on an IPv4 socket gives a.b.c.d). A
 * len smaller than the address (16 or 28 bytes) fails with EINVAL (EFAULT
 * before Linux 5.18) and nothing is written. Without TOA, without
 * fnat-toa, or in a 32-bit process (the kernel runs no getsockopt
 * programs for compat calls), the call fails with ENOPROTOOPT. An option
 * with address 0 or ::, or port 0, is invalid and ignored.
 */
#define FNAT_TOA_SO_PEER	0x464e

#endif /* _UAPI_FNAT_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: the data path.
 *
 * A packet is fnat's when it belongs to a connection in the table (either
 * direction, or an ICMP error quoting one) or is addressed to a service's
 * VIP:port. Everything else passes untouched. The hooks run under RCU,
 * which is what service and dest lookups need.
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/tcp.h>
#include "fnat_core.h"
#include "fnat_defense.h"
#include "fnat_drops.h"
#include "fnat_log.h"
#include "fnat_lport.h"
#include "fnat_persist.h"
#include "fnat_proto_tcp.h"
#include "fnat_rewrite.h"
#include "fnat_sched.h"
#include "fnat_sync.h"
#include "fnat_synproxy.h"
#include "fnat_tcpseq.h"
#include "fnat_tun_icmp.h"
#include "fnat_xmit.h"

/* Spreads clients over local addresses; random so clients cannot aim. */
static u32 fnat_laddr_seed __read_mostly;

static bool fnat_expire_nodest __read_mostly;
static bool fnat_reject_no_dest __read_mostly;
static bool fnat_fast_path __read_mostly = true;

bool fnat_core_fast_path(void)
{
	return READ_ONCE(fnat_fast_path);
}

void fnat_core_set_fast_path(bool on)
{
	WRITE_ONCE(fnat_fast_path, on);
}

bool fnat_core_reject_no_dest(void)
{
	return READ_ONCE(fnat_reject_no_dest);
}

void fnat_core_set_reject_no_dest(bool on)
{
	WRITE_ONCE(fnat_reject_no_dest, on);
}

/* No dest for a new connection: counted, and refused if so configured. */
static void fnat_core_no_dest(struct fnat_netns *fn, struct sk_buff *skb,
			      const struct fnat_pkt *p)
{
	fnat_drop_count(fn, FNAT_DROP_NO_DEST);
	if (!fnat_core_reject_no_dest())
		return;
	if (p->tuple.af == AF_INET6) {
		if (p->tuple.protocol == IPPROTO_TCP)
			nf_send_reset6(fn->net, NULL, skb, NF_INET_LOCAL_IN);
		else
			nf_send_unreach6(fn->net, skb, ICMPV6_PORT_UNREACH,
					 NF_INET_LOCAL_IN);
		return;
	}
	if (p->tuple.protocol == IPPROTO_TCP)
		nf_send_reset(fn->net, NULL, skb, NF_INET_LOCAL_IN);
	else
		nf_send_unreach(skb, ICMP_PORT_UNREACH, NF_INET_LOCAL_IN);
}

bool fnat_core_expire_nodest_conn(void)
{
	return READ_ONCE(fnat_expire_nodest);
}

void fnat_core_set_expire_nodest_conn(bool on)
{
	WRITE_ONCE(fnat_expire_nodest, on);
}

/* Before the first packet says otherwise: as long as a SYN may wait. */
#define FNAT_CONN_INITIAL_TIMEOUT	(60 * HZ)

static unsigned int fnat_drop(struct fnat_netns *fn,
			      enum fnat_drop_reason reason)
{
	fnat_drop_count(fn, reason);
	return NF_DROP;
}

static bool fnat_is_icmp_err(const struct fnat_pkt *p)
{
	return p->flags & FNAT_PKT_F_ICMP_ERR;
}

/* The tuple of the packet an ICMP error quotes, as it would travel back. */
static void fnat_icmp_lookup_tuple(const struct fnat_pkt *p,
				   struct fnat_tuple *tp)
{
	*tp = p->inner;
	tp->saddr = p->inner.daddr;
	tp->daddr = p->inner.saddr;
	tp->sport = p->inner.dport;
	tp->dport = p->inner.sport;
}

/*
 * The connection @p belongs to and its direction; no reference is taken,
 * so the caller uses it only within the hook (see fnat_conn_find_rcu()).
 */
static struct fnat_conn *fnat_core_lookup(struct fnat_netns *fn,
					  const struct fnat_pkt *p,
					  enum fnat_conn_dir *dir)
{
	struct fnat_tuple tp;

	if (fnat_is_icmp_err(p)) {
		fnat_icmp_lookup_tuple(p, &tp);
		return fnat_conn_find_rcu(fnat_conns(), fn->net, &tp, jiffies,
					  dir);
	}
	if (p->flags & FNAT_PKT_F_NO_L4 || p->tuple.protocol == IPPROTO_ICMP ||
	    p->tuple.protocol == IPPROTO_ICMPV6)
		return NULL;
	return fnat_conn_find_rcu(fnat_conns(), fn->net, &p->tuple, jiffies,
				  dir);
}

static struct fnat_service *fnat_core_svc(struct fnat_netns *fn,
					  const struct fnat_pkt *p)
{
	struct fnat_svc_key key = {
		.af		= p->tuple.af,
		.protocol	= p->tuple.protocol,
		.port		= p->tuple.dport,
		.addr		= p->tuple.daddr,
	};

	struct fnat_service *svc;

	if (p->tuple.protocol != IPPROTO_TCP &&
	    p->tuple.protocol != IPPROTO_UDP)
		return NULL;
	svc = fnat_svc_lookup(fn, &key);
	if (svc)
		return svc;
	/* A port-0 service takes every port of its VIP no service names. */
	key.port = 0;
	return fnat_svc_lookup(fn, &key);
}

/*
 * Is the packet's destination address any service's VIP? The hook's
 * family says which header it has; the packet itself may lie.
 */
static bool fnat_core_to_vip(struct fnat_netns *fn, const struct sk_buff *skb,
			     u8 pf)
{
	union nf_inet_addr daddr = {};
	struct fnat_service *svc;
	u16 af;

	if (pf == NFPROTO_IPV6) {
		struct ipv6hdr _ip6h;
		const struct ipv6hdr *ip6h;

		ip6h = skb_header_pointer(skb, skb_network_offset(skb),
					  sizeof(_ip6h), &_ip6h);
		if (!ip6h)
			return false;
		daddr.in6 = ip6h->daddr;
		af = AF_INET6;
	} else {
		struct iphdr _iph;
		const struct iphdr *iph;

		iph = skb_header_pointer(skb, skb_network_offset(skb),
					 sizeof(_iph), &_iph);
		if (!iph)
			return false;
		daddr.ip = iph->daddr;
		af = AF_INET;
	}
	list_for_each_entry_rcu(svc, &fn->svc_list, list)
		if (svc->key.af == af &&
		    fnat_addr_equal(af, &svc->key.addr, &daddr))
			return true;
	return false;
}

/*
 * Untracked packets create no conntrack entry, and rules matching
 * --ctstate INVALID do not see them as invalid (IPVS's NAT replies are,
 * to a conntrack that never saw the request go out). Operators' INPUT
 * and FORWARD rules still filter them; rules on ctstate see UNTRACKED.
 */
static void fnat_untrack(struct sk_buff *skb)
{
	if (!skb_nfct(skb))
		nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
}

static unsigned int fnat_core_fast(struct fnat_netns *fn,
				   struct fnat_conn *c, enum fnat_conn_dir dir,
				   struct sk_buff *skb, struct fnat_pkt *p);

unsigned int fnat_core_pre(struct fnat_netns *fn, struct sk_buff *skb, u8 pf)
{
	enum fnat_conn_dir dir;
	struct fnat_conn *c;
	struct fnat_pkt p;
	int err;

	err = fnat_pkt_parse(skb, skb_network_offset(skb), &p);
	if (err) {
		if (-err == FNAT_DROP_UNSUPPORTED_PROTO ||
		    -err == FNAT_DROP_ICMP_UNSUPPORTED_INNER ||
		    !fnat_core_to_vip(fn, skb, pf))
			return NF_ACCEPT;
		return fnat_drop(fn, -err);
	}
	c = fnat_core_lookup(fn, &p, &dir);
	if (c) {
		fnat_untrack(skb);
		if (fnat_core_fast_path())
			return fnat_core_fast(fn, c, dir, skb, &p);
	} else if (!fnat_is_icmp_err(&p) && !(p.flags & FNAT_PKT_F_NO_L4) &&
		   fnat_core_svc(fn, &p)) {
		fnat_untrack(skb);
	}
	return NF_ACCEPT;
}

/* Counts a packet on its connection's dest, service and netns. */
static void fnat_core_count(struct fnat_netns *fn, struct fnat_conn *c,
			    bool in, unsigned int len)
{
	fnat_stats_packet(&c->dest->stats, in, len);
	fnat_stats_packet(&c->dest->svc->stats, in, len);
	fnat_stats_packet(&fn->stats, in, len);
}

/*
 * Moves the connection's state on for a packet travelling @path and
 * restarts its expiry clock with the new state's timeout.
 */
static void fnat_core_track(struct fnat_netns *fn, struct fnat_conn *c,
			    enum fnat_tcp_path path, const struct fnat_pkt *p)
{
	bool changed = false;
	u32 timeout;

	if (p->tuple.protocol == IPPROTO_TCP) {
		struct fnat_tcp_timeouts set = {
			.established	= READ_ONCE(fn->timeout_tcp),
			.fin_wait	= READ_ONCE(fn->timeout_tcp_fin),
		};
		enum fnat_tcp_state (*next)(enum fnat_tcp_state cur,
					    enum fnat_tcp_path path,
					    enum fnat_tcp_event ev);
		enum fnat_tcp_event ev;
		enum fnat_tcp_state st;
		u8 f = p->tcp_flags;

		next = fnat_defense_secure_tcp() ? fnat_tcp_next_secure :
		       fnat_tcp_next;
		ev = fnat_tcp_event(f & TCPHDR_SYN, f & TCPHDR_ACK,
				    f & TCPHDR_FIN, f & TCPHDR_RST);
		st = READ_ONCE(c->state);
		/* Most segments keep the state: no lock for them. */
		if (next(st, path, ev) != st) {
			spin_lock_bh(&c->lock);
			st = next(c->state, path, ev);
			changed = st != c->state;
			WRITE_ONCE(c->state, st);
			spin_unlock_bh(&c->lock);
		}
		fnat_conn_set_active(c, fnat_tcp_state_active(st));
		timeout = fnat_tcp_timeout(st, &set);
	} else {
		timeout = READ_ONCE(fn->timeout_udp);
	}
	fnat_conn_set_expires(c, jiffies + (unsigned long)timeout * HZ);
	if (c->tmpl)
		fnat_persist_touch(c->tmpl);
	fnat_sync_conn_event(fn, c, changed);
}

/* The reply tuple: what the real server sends back. */
static void fnat_core_reply_tuple(const struct fnat_pkt *p,
				  const struct fnat_dest *dest,
				  struct fnat_tuple *r)
{
	*r = p->tuple;
	/* FULLNAT 6->4: the server's side is IPv4 (its addresses follow). */
	r->af = dest->key.af;
	r->saddr = dest->key.addr;
	/* A dest without a port (port-0 services) takes the client's. */
	r->sport = dest->key.port ?: p->tuple.dport;
	r->daddr = p->tuple.saddr;
	r->dport = p->tuple.sport;
}

/*
 * Whether a connection holds @tp and keeps it: one in TIME_WAIT or
 * another closed state gives its local port up to a new connection.
 */
static bool fnat_core_tuple_busy(const struct fnat_tuple *tp, void *arg)
{
	struct fnat_netns *fn = arg;
	enum fnat_conn_dir dir;
	struct fnat_conn *c;
	bool busy;

	c = fnat_conn_find_rcu(fnat_conns(), fn->net, tp, jiffies, &dir);
	if (!c)
		return false;
	busy = !fnat_conn_replaceable(c, jiffies);
	return busy;
}

/* For %pISpc in messages: an address and port of family @af. */
static void fnat_core_sockaddr(const union nf_inet_addr *addr, __be16 port,
			       u16 af, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (af == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = addr->in6;
		sin6->sin6_port = port;
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = addr->ip;
		sin->sin_port = port;
	}
}

/*
 * FULLNAT: a local address and port for a connection to @dest, trying the
 * service's local addresses in turn. The first one tried comes from a hash
 * of the client's address and port rather than a round robin, which would
 * move in step with an rr scheduler and pair each real server with one
 * local address. Returns the address with a reference, or NULL when none
 * has a port free.
 */
static struct fnat_laddr *fnat_core_laddr(struct fnat_netns *fn,
					  struct fnat_service *svc,
					  const struct fnat_dest *dest,
					  const struct fnat_tuple *client,
					  __be16 *lport)
{
	unsigned int n = READ_ONCE(svc->num_laddrs), start, i, pass;
	struct sockaddr_storage dest_sa, svc_sa;
	struct fnat_lport_range range;
	struct fnat_laddr *la;
	__be16 port;

	if (!n)
		return NULL;
	fnat_core_sockaddr(&dest->key.addr, dest->key.port, dest->key.af,
			   &dest_sa);
	fnat_core_sockaddr(&svc->key.addr, svc->key.port, svc->key.af, &svc_sa);
	net_get_random_once(&fnat_laddr_seed, sizeof(fnat_laddr_seed));
	fnat_lport_range(&range);
	start = jhash2(client->saddr.all, 4,
		       fnat_laddr_seed ^ (__force u32)client->sport) % n;
	for (pass = 0; pass < 2; pass++) {
		i = 0;
		list_for_each_entry_rcu(la, &svc->laddrs, list) {
			bool turn = pass ? i < start : i >= start;

			i++;
			if (!turn || la->af != dest->key.af ||
			    !fnat_laddr_usable(fn->net, la))
				continue;
			port = fnat_lport_get(la, client->protocol,
					      &dest->key.addr,
					      dest->key.port, &range,
					      fnat_core_tuple_busy, fn);
			if (port && fnat_laddr_hold(la)) {
				*lport = port;
				return la;
			}
		}
	}
	fnat_warn_ratelimited("no local port free towards %pISpc on any local address of %pISpc\n",
			      &dest_sa, &svc_sa);
	return NULL;
}

/* FULLNAT: the offset from the client's ISN to the one the server sees. */
static u32 fnat_core_seq_delta(u32 client_isn, const struct fnat_tuple *reply)
{
	struct fnat_tuple to_server = {
		.af = reply->af,
		.saddr = reply->daddr,
		.daddr = reply->saddr,
		.sport = reply->dport,
		.dport = reply->sport,
	};

	return fnat_tcp_isn(&to_server) - client_isn;
}

static u32 fnat_core_client_isn(const struct sk_buff *skb,
				const struct fnat_pkt *p)
{
	struct tcphdr _th;
	const struct tcphdr *th;

	th = skb_header_pointer(skb, p->l4off, sizeof(_th), &_th);
	return th ? ntohl(th->seq) : 0;
}

/*
 * A new connection to a dest the service's scheduler picks. Returns it
 * with a reference, or NULL after counting why not. With @sp, the SYN
 * proxy opens it for a client's ACK (the client's ISN is @client_isn):
 * it starts in SYN_SENT, waiting for the real server, and no refusal is
 * sent here (the proxy resets the client). *@created is false when another
 * CPU made the same connection first; that one is returned.
 */
struct fnat_conn *fnat_core_new_conn(struct fnat_netns *fn,
				     struct fnat_service *svc,
				     struct sk_buff *skb,
				     const struct fnat_pkt *p,
				     struct fnat_sp_conn *sp, u32 client_isn,
				     bool *created)
{
	struct fnat_sched_ctx ctx = {
		.af	= p->tuple.af,
		.saddr	= p->tuple.saddr,
		.daddr	= p->tuple.daddr,
		.sport	= p->tuple.sport,
		.dport	= p->tuple.dport,
	};
	struct fnat_conn_table *t = fnat_conns();
	struct fnat_conn *tmpl = NULL;
	struct fnat_laddr *la = NULL;
	enum fnat_conn_dir dir;
	struct fnat_tuple reply;
	struct fnat_dest *dest;
	struct fnat_conn *c;
	__be16 lport;
	u8 fwd;
	int err;

	if (READ_ONCE(svc->flags) & FNAT_SVC_F_PERSISTENT) {
		dest = fnat_persist_dest(fn, svc, p, &ctx, &tmpl);
	} else {
		dest = fnat_sched_pick(svc, &ctx);
		if (dest && !fnat_dest_hold(dest))
			dest = NULL;
	}
	*created = false;
	if (!dest) {
		if (sp)
			fnat_drop_count(fn, FNAT_DROP_NO_DEST);
		else
			fnat_core_no_dest(fn, skb, p);
		return NULL;
	}
	fnat_core_reply_tuple(p, dest, &reply);
	fwd = READ_ONCE(dest->fwd_method);
	if (fwd == FNAT_FWD_FULLNAT) {
		la = fnat_core_laddr(fn, svc, dest, &p->tuple, &lport);
		if (!la) {
			fnat_dest_put(dest);
			if (tmpl)
				fnat_conn_put(tmpl);
			fnat_drop_count(fn, FNAT_DROP_NO_LPORT);
			return NULL;
		}
		reply.daddr = la->addr;
		reply.dport = lport;
	}
	c = fnat_conn_alloc(t, fn->net, &p->tuple, &reply,
			    jiffies + FNAT_CONN_INITIAL_TIMEOUT);
	if (IS_ERR(c)) {
		fnat_dest_put(dest);
		if (la)
			fnat_laddr_put(la);
		if (tmpl)
			fnat_conn_put(tmpl);
		if (PTR_ERR(c) == -ENOSPC) {
			fnat_warn_ratelimited("connection table full (conn_max %u): new connections are dropped\n",
					      fnat_conn_max(t));
			fnat_drop_count(fn, FNAT_DROP_CONN_LIMIT);
		} else {
			fnat_drop_count(fn, FNAT_DROP_NO_MEM);
		}
		return NULL;
	}
	c->dest = dest;
	c->laddr = la;
	c->tmpl = tmpl;
	c->net_count = &fn->num_conns;
	c->fwd_method = fwd;
	c->state = FNAT_TCP_NONE;
	if (!sp)
		client_isn = fnat_core_client_isn(skb, p);
	if (la && p->tuple.protocol == IPPROTO_TCP)
		c->seq_delta = fnat_core_seq_delta(client_isn, &reply);
	if (sp) {
		c->sp = sp;
		sp->conn = c;
		c->state = FNAT_TCP_SYN_SENT;
	}
	err = fnat_conn_insert(t, c, jiffies);
	if (err) {
		/* Another CPU created it from a copy of this packet. */
		c->sp = NULL;	/* the caller's still */
		fnat_conn_free_unhashed(t, c);
		c = fnat_conn_lookup(t, fn->net, &p->tuple, jiffies, &dir);
		if (!c || dir != FNAT_DIR_ORIG) {
			if (c)
				fnat_conn_put(c);
			fnat_drop_count(fn, FNAT_DROP_NO_DEST);
			return NULL;
		}
		return c;
	}
	fnat_stats_conn(&dest->stats);
	fnat_stats_conn(&svc->stats);
	fnat_stats_conn(&fn->stats);
	*created = true;
	return c;
}

static bool fnat_core_is_syn(const struct fnat_pkt *p)
{
	return p->tuple.protocol == IPPROTO_TCP &&
	       (p->tcp_flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) ==
	       TCPHDR_SYN;
}

static enum fnat_tcp_path fnat_core_orig_path(const struct fnat_conn *c)
{
	return c->fwd_method == FNAT_FWD_NAT ||
	       c->fwd_method == FNAT_FWD_FULLNAT ? FNAT_TCP_PATH_ORIG :
	       FNAT_TCP_PATH_ORIG_ONLY;
}

unsigned int fnat_core_xmit(struct fnat_netns *fn, struct fnat_conn *c,
			    struct sk_buff *skb, const struct fnat_pkt *p)
{
	switch (c->fwd_method) {
	case FNAT_FWD_NAT:
		if (fnat_is_icmp_err(p))
			return fnat_xmit_icmp_nat(fn, c, skb, p);
		return fnat_xmit_nat(fn, c, skb, p);
	case FNAT_FWD_DR:
		return fnat_xmit_dr(fn, c, skb, p);
	case FNAT_FWD_TUN:
		return fnat_xmit_tun(fn, c, skb, p);
	case FNAT_FWD_FULLNAT:
		if (fnat_is_icmp_err(p))
			return fnat_xmit_icmp_fullnat(fn, c, skb, p,
						      FNAT_DIR_ORIG);
		return fnat_xmit_fullnat(fn, c, skb, p);
	default:
		return fnat_drop(fn, FNAT_DROP_FWD_UNSUPPORTED);
	}
}

/*
 * A client segment the SYN proxy held while the real server's handshake
 * was under way, on its way now as if it had just come.
 */
void fnat_core_replay(struct fnat_netns *fn, struct fnat_conn *c,
		      struct sk_buff *skb)
{
	struct fnat_pkt p;

	if (fnat_pkt_parse(skb, skb_network_offset(skb), &p)) {
		kfree_skb(skb);
		return;
	}
	fnat_core_track(fn, c, fnat_core_orig_path(c), &p);
	fnat_core_count(fn, c, true, skb->len);
	if (fnat_core_xmit(fn, c, skb, &p) != NF_STOLEN)
		kfree_skb(skb);
}

/* FULLNAT: a reply, or an ICMP error about a request, at a local address. */
static unsigned int fnat_core_fullnat_reply(struct fnat_netns *fn,
					    struct fnat_conn *c,
					    struct sk_buff *skb,
					    const struct fnat_pkt *p)
{
	unsigned int v;

	fnat_core_count(fn, c, false, skb->len);
	if (fnat_is_icmp_err(p))
		return fnat_xmit_icmp_fullnat(fn, c, skb, p, FNAT_DIR_REPLY);
	if (unlikely(c->sp)) {
		v = fnat_sp_rs_reply(fn, c, skb, p);
		if (v != FNAT_SP_CONTINUE)
			return v;
	}
	fnat_core_track(fn, c, FNAT_TCP_PATH_REPLY, p);
	return fnat_xmit_fullnat_reply(fn, c, skb, p);
}

/*
 * The fast path: a packet of a connection the slow path has admitted is
 * forwarded from PRE_ROUTING, without the input route lookup, local
 * delivery and a second parse and lookup in LOCAL_IN (or FORWARD for NAT
 * replies). What it leaves to the slow path: a SYN (a new connection, or
 * a closed one's port reused), ICMP errors, a connection whose dest is
 * gone when expire_nodest_conn is on, DR and TUN replies (not ours), and
 * any packet that needs an ICMP answer, which needs the input route. So
 * INPUT and FORWARD rules see every connection's first packet, as an
 * "ESTABLISHED -j ACCEPT" rule would let the rest by; with fast_path off
 * (sysfs) they see every packet, as with IPVS.
 */
static unsigned int fnat_core_fast(struct fnat_netns *fn,
				   struct fnat_conn *c, enum fnat_conn_dir dir,
				   struct sk_buff *skb, struct fnat_pkt *p)
{
	unsigned int len = skb->len, v;
	enum fnat_tcp_path path;

	if (fnat_is_icmp_err(p) || (p->flags & FNAT_PKT_F_FRAG))
		return NF_ACCEPT;
	/* The SYN proxy's handshakes, both ways, are the slow path's. */
	if (unlikely(c->sp) && (READ_ONCE(c->sp->pend) ||
				(p->tcp_flags & TCPHDR_SYN)))
		return NF_ACCEPT;
	p->flags |= FNAT_PKT_F_FAST;
	if (dir == FNAT_DIR_ORIG) {
		if (fnat_core_is_syn(p) ||
		    (fnat_core_expire_nodest_conn() &&
		     test_bit(FNAT_DEST_F_DELETED, &c->dest->flags)))
			return NF_ACCEPT;
		path = fnat_core_orig_path(c);
		v = fnat_core_xmit(fn, c, skb, p);
	} else if (c->fwd_method == FNAT_FWD_FULLNAT) {
		path = FNAT_TCP_PATH_REPLY;
		v = fnat_xmit_fullnat_reply(fn, c, skb, p);
	} else if (c->fwd_method == FNAT_FWD_NAT) {
		path = FNAT_TCP_PATH_REPLY;
		v = fnat_xmit_nat_reply(fn, c, skb, p);
	} else {
		return NF_ACCEPT;
	}
	if (v == FNAT_XMIT_SLOW_PATH)
		return NF_ACCEPT;
	/* Dropped or sent, the packet was the connection's. */
	fnat_core_track(fn, c, path, p);
	fnat_core_count(fn, c, dir == FNAT_DIR_ORIG, len);
	return v;
}

/*
 * A segment with no connection to a SYN proxy service: a SYN gets a
 * cookie, an ACK may prove one. The SYN is refused here, before any
 * cookie, when the connection could not be made anyway, so the client
 * retries as it would without the proxy rather than being reset later.
 */
static unsigned int fnat_core_sp_new(struct fnat_netns *fn,
				     struct fnat_service *svc,
				     struct sk_buff *skb,
				     const struct fnat_pkt *p)
{
	const struct fnat_dest_set *ds;

	if ((p->tcp_flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) ==
	    TCPHDR_ACK)
		return fnat_sp_ack(fn, svc, skb, p);
	if (!fnat_core_is_syn(p))
		return fnat_drop(fn, FNAT_DROP_NO_CONN);
	if (fnat_conn_table_full(fnat_conns()))
		return fnat_drop(fn, FNAT_DROP_CONN_LIMIT);
	ds = rcu_dereference(svc->dset);
	if (!ds || !ds->n) {
		fnat_core_no_dest(fn, skb, p);
		return NF_DROP;
	}
	return fnat_sp_syn(fn, svc, skb, p);
}

unsigned int fnat_core_in(struct fnat_netns *fn, struct sk_buff *skb, u8 pf)
{
	struct fnat_service *svc = NULL;
	enum fnat_conn_dir dir;
	bool created;
	struct fnat_conn *c;
	struct fnat_pkt p;
	unsigned int v;
	int err;

	err = fnat_pkt_parse(skb, skb_network_offset(skb), &p);
	/* An error about a TUN packet quotes the tunnel, not a connection. */
	if (err == -FNAT_DROP_ICMP_UNSUPPORTED_INNER)
		return fnat_tun_icmp(fn, skb, pf);
	if (err)
		return NF_ACCEPT;	/* PRE_ROUTING counted what was ours */
	if (p.flags & FNAT_PKT_F_FRAG) {
		/* Defragmentation precedes fnat; a fragment here is not ours. */
		return NF_ACCEPT;
	}
	c = fnat_core_lookup(fn, &p, &dir);
	if (c && dir != FNAT_DIR_ORIG) {
		/*
		 * FULLNAT replies come to a local address; NAT ones travel
		 * FORWARD, so one to the director is not ours.
		 */
		if (c->fwd_method == FNAT_FWD_FULLNAT)
			return fnat_core_fullnat_reply(fn, c, skb, &p);
		return NF_ACCEPT;
	}
	if (fnat_is_icmp_err(&p)) {
		if (!c)
			return NF_ACCEPT;
		fnat_core_count(fn, c, true, skb->len);
		return fnat_core_xmit(fn, c, skb, &p);
	}
	if (c && fnat_core_expire_nodest_conn() &&
	    test_bit(FNAT_DEST_F_DELETED, &c->dest->flags)) {
		fnat_sync_conn_gone(fn, c);
		fnat_conn_unlink(fnat_conns(), c);
		return fnat_drop(fn, FNAT_DROP_DEST_DELETED);
	}
	if (c && fnat_core_is_syn(&p) &&
	    fnat_tcp_state_reusable(READ_ONCE(c->state))) {
		/*
		 * The client reuses its port after closing: a new
		 * connection, scheduled afresh, at once.
		 */
		fnat_sync_conn_gone(fn, c);
		fnat_conn_unlink(fnat_conns(), c);
		c = NULL;
	}
	if (c && unlikely(c->sp) && READ_ONCE(c->sp->pend)) {
		v = fnat_sp_client_pending(fn, c, skb, &p);
		if (v != FNAT_SP_CONTINUE)
			return v;
	}
	if (c) {
		fnat_core_track(fn, c, fnat_core_orig_path(c), &p);
		fnat_core_count(fn, c, true, skb->len);
		return fnat_core_xmit(fn, c, skb, &p);
	}
	if (p.tuple.protocol == IPPROTO_ICMP)
		return NF_ACCEPT;
	svc = fnat_core_svc(fn, &p);
	if (!svc)
		return NF_ACCEPT;
	if (p.tuple.protocol == IPPROTO_TCP && fnat_sp_active(svc))
		return fnat_core_sp_new(fn, svc, skb, &p);
	if (p.tuple.protocol == IPPROTO_TCP && !fnat_core_is_syn(&p))
		return fnat_drop(fn, FNAT_DROP_NO_CONN);
	if (fnat_defense_drop_new())
		return fnat_drop(fn, FNAT_DROP_DEFENSE_PACKET);
	/* A new connection comes with a reference, which this drops. */
	c = fnat_core_new_conn(fn, svc, skb, &p, NULL, 0, &created);
	if (!c)
		return NF_DROP;
	fnat_core_track(fn, c, fnat_core_orig_path(c), &p);
	fnat_core_count(fn, c, true, skb->len);
	v = fnat_core_xmit(fn, c, skb, &p);
	fnat_conn_put(c);
	return v;
}

/*
 * An ICMP error from the real server's side about a NAT request (from a
 * router between director and real server, or the server itself): the
 * client must see it about the packet it sent, to the VIP, from the VIP.
 */
static unsigned int fnat_core_fwd_icmp(struct fnat_netns *fn,
				       struct fnat_conn *c,
				       struct sk_buff *skb,
				       const struct fnat_pkt *p)
{
	const struct fnat_tuple *o = &c->tuple[FNAT_DIR_ORIG];
	u32 seq_sub = fnat_icmp_quote_seq_sub(c, FNAT_DIR_REPLY);
	int err;

	if (p->tuple.af == AF_INET6) {
		struct in6_addr daddr = ipv6_hdr(skb)->daddr;

		err = fnat_rewrite_icmp_v6(skb, p, &o->daddr.in6, &daddr, o,
					   seq_sub);
	} else {
		err = fnat_rewrite_icmp_v4(skb, p, o->daddr.ip,
					   ip_hdr(skb)->daddr, o, seq_sub);
	}
	if (err)
		return fnat_drop(fn, FNAT_DROP_NO_MEM);
	return NF_ACCEPT;
}

unsigned int fnat_core_fwd(struct fnat_netns *fn, struct sk_buff *skb)
{
	const struct fnat_tuple *o;
	enum fnat_conn_dir dir;
	struct fnat_tuple to;
	struct fnat_conn *c;
	struct fnat_pkt p;
	unsigned int v = NF_ACCEPT;

	if (fnat_pkt_parse(skb, skb_network_offset(skb), &p) ||
	    (p.flags & FNAT_PKT_F_FRAG))
		return NF_ACCEPT;
	c = fnat_core_lookup(fn, &p, &dir);
	if (!c || dir != FNAT_DIR_REPLY || c->fwd_method != FNAT_FWD_NAT)
		return NF_ACCEPT;
	fnat_core_count(fn, c, false, skb->len);
	if (fnat_is_icmp_err(&p))
		return fnat_core_fwd_icmp(fn, c, skb, &p);
	if (unlikely(c->sp)) {
		v = fnat_sp_rs_reply(fn, c, skb, &p);
		if (v != FNAT_SP_CONTINUE)
			return v;
		v = NF_ACCEPT;
	}
	fnat_core_track(fn, c, FNAT_TCP_PATH_REPLY, &p);
	o = &c->tuple[FNAT_DIR_ORIG];
	to = *o;
	to.saddr = o->daddr;
	to.daddr = o->saddr;
	to.sport = o->dport;
	to.dport = o->sport;
	if ((to.af == AF_INET6 ? fnat_rewrite_v6(skb, &p, &to) :
	     fnat_rewrite_v4(skb, &p, &to)) ||
	    fnat_sp_tcp_adjust(c, FNAT_DIR_REPLY, skb, &p))
		v = fnat_drop(fn, FNAT_DROP_NO_MEM);
	return v;
}

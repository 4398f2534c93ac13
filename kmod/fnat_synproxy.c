// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: the SYN proxy.
 *
 * For a service with FNAT_SVC_F_SYNPROXY the director answers a client's
 * SYN itself, with a SYN-ACK whose sequence number is a cookie
 * (fnat_synproxy_cookie.c), and keeps nothing: a SYN flood, spoofed or
 * not, makes no connection entry and reaches no real server. A client
 * whose ACK carries a valid cookie has proved its address; only then is a
 * real server scheduled, as for any new connection, and the director
 * sends it the client's SYN (rebuilt from the cookie: the client's ISN,
 * MSS, window scale and SACK) through the usual transmit path, so NAT,
 * FULLNAT, 6->4, TOA and the FULLNAT ISN offset apply unchanged.
 *
 * Until the server's SYN-ACK comes, the connection is in SYN_SENT and the
 * client's segments (its ACK first) are held, a few at most. The SYN-ACK
 * gives the offset between the cookie, which the client acknowledges, and
 * the server's ISN; it is consumed, the held segments go out, and from
 * then on every segment is moved between the two sequence spaces (and
 * windows between the two window scales) by fnat_sp_tcp_adjust(). The SYN
 * to the server is sent again at 1, 3 and 7 s; after 15 s without an
 * answer, or on the server's RST, the client gets a RST: it believes it
 * is connected, and a silent drop would leave a protocol where the server
 * speaks first hanging.
 *
 * Proxied connections use no TCP timestamps: the SYN-ACK offers none, so
 * the client sends none and its clock never has to be translated.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/route.h>
#include <net/tcp.h>
#include "fnat_compat.h"
#include "fnat_conn.h"
#include "fnat_core.h"
#include "fnat_defense.h"
#include "fnat_drops.h"
#include "fnat_proto_tcp.h"
#include "fnat_sync.h"
#include "fnat_sync_auth.h"
#include "fnat_synproxy.h"
#include "fnat_toa.h"

#define FNAT_SP_RETRY_TICK	(HZ / 4)

static u32 fnat_sp_mss_cap __read_mostly;
static u32 fnat_sp_ws __read_mostly = 7;

u32 fnat_sp_mss(void)
{
	return READ_ONCE(fnat_sp_mss_cap);
}

int fnat_sp_set_mss(u32 mss)
{
	if (mss && (mss < FNAT_SP_MSS_MIN || mss > FNAT_SP_MSS_MAX))
		return -EINVAL;
	WRITE_ONCE(fnat_sp_mss_cap, mss);
	return 0;
}

u32 fnat_sp_wscale(void)
{
	return READ_ONCE(fnat_sp_ws);
}

/*
 * The value synproxy_wscale had before its last change, and when that was:
 * cookies sent before it come back for a cookie's lifetime, and their ACKs
 * must be read under the scale those SYN-ACKs announced.
 */
static u32 fnat_sp_ws_prev __read_mostly = 7;
static unsigned long fnat_sp_ws_changed __read_mostly;
static DEFINE_SPINLOCK(fnat_sp_ws_lock);

int fnat_sp_set_wscale(u32 ws)
{
	if (ws > FNAT_SP_WS_MAX)
		return -EINVAL;
	spin_lock(&fnat_sp_ws_lock);
	if (ws != fnat_sp_ws) {
		WRITE_ONCE(fnat_sp_ws_prev, fnat_sp_ws);
		WRITE_ONCE(fnat_sp_ws_changed, jiffies);
		WRITE_ONCE(fnat_sp_ws, ws);
	}
	spin_unlock(&fnat_sp_ws_lock);
	return 0;
}

/*
 * Is the ACK's @cookie ours for @t and the client's @isn? On success
 * @data holds the cookie's data and @ws the window scale its SYN-ACK
 * announced: the current synproxy_wscale or, within a cookie's lifetime of
 * a change, the one before (only the last change is remembered; an ACK to
 * a cookie from before two changes in 192 s is refused as a bad cookie,
 * never read under the wrong scale).
 */
static bool fnat_sp_check(struct fnat_netns *fn, const struct fnat_tuple *t,
			  u32 isn, u32 cookie, u8 *data, u8 *ws)
{
	const struct fnat_sp_keys *keys = rcu_dereference(fn->sp_keys);
	u32 count = fnat_sp_cookie_count();
	u8 cur = fnat_sp_wscale(), prev;

	if (fnat_sp_cookie_check(keys, t, isn, cookie, count, cur, data)) {
		*ws = cur;
		return true;
	}
	prev = READ_ONCE(fnat_sp_ws_prev);
	if (prev == cur ||
	    time_after(jiffies, READ_ONCE(fnat_sp_ws_changed) +
				FNAT_SYNPROXY_COOKIE_LIFE * HZ) ||
	    !fnat_sp_cookie_check(keys, t, isn, cookie, count, prev, data))
		return false;
	*ws = prev;
	return true;
}

/*
 * Also for a while after the flag was cleared: clients answering cookies
 * sent before still complete their handshake.
 */
bool fnat_sp_active(const struct fnat_service *svc)
{
	unsigned long off;

	if (READ_ONCE(svc->flags) & FNAT_SVC_F_SYNPROXY)
		return true;
	off = READ_ONCE(svc->sp_off_at);
	return off && time_before(jiffies,
				  off + FNAT_SYNPROXY_COOKIE_LIFE * HZ);
}

static unsigned int fnat_sp_drop(struct fnat_netns *fn,
				 enum fnat_drop_reason reason)
{
	fnat_drop_count(fn, reason);
	return NF_DROP;
}

static int fnat_sp_read_opts(const struct sk_buff *skb,
			     const struct fnat_pkt *p, struct fnat_sp_opts *o)
{
	unsigned int len = p->l4hlen - sizeof(struct tcphdr);
	u8 buf[MAX_TCP_OPTION_SPACE];
	const u8 *opt;

	opt = skb_header_pointer(skb, p->l4off + sizeof(struct tcphdr), len,
				 buf);
	if (!opt)
		return -EINVAL;
	fnat_sp_parse_opts(opt, len, o);
	return 0;
}

/* A segment the proxy sends in its own name. */
struct fnat_sp_seg {
	u16				af;
	const union nf_inet_addr	*saddr;
	const union nf_inet_addr	*daddr;
	__be16				sport;
	__be16				dport;
	u32				seq;
	u32				ack;
	u8				flags;
	u16				win;
	const struct fnat_sp_opts	*opts;	/* NULL: none */
	u8				ttl;
	u32				mark;
};

/*
 * A TCP segment with its IP header and full checksums, untracked, for
 * either the output path or fnat's own transmit path.
 */
static struct sk_buff *fnat_sp_build(const struct fnat_sp_seg *s)
{
	unsigned int iplen = s->af == AF_INET6 ? sizeof(struct ipv6hdr) :
			     sizeof(struct iphdr);
	u8 opts[FNAT_SP_OPTS_MAX];
	unsigned int optlen = s->opts ? fnat_sp_write_opts(opts, s->opts) : 0;
	unsigned int tcplen = sizeof(struct tcphdr) + optlen;
	struct sk_buff *skb;
	struct tcphdr *th;

	skb = alloc_skb(LL_MAX_HEADER + iplen + tcplen, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	if (s->af == AF_INET6) {
		struct ipv6hdr *ip6h = skb_put_zero(skb, iplen);

		ip6_flow_hdr(ip6h, 0, 0);
		ip6h->payload_len = htons(tcplen);
		ip6h->nexthdr = IPPROTO_TCP;
		ip6h->hop_limit = s->ttl;
		ip6h->saddr = s->saddr->in6;
		ip6h->daddr = s->daddr->in6;
		skb->protocol = htons(ETH_P_IPV6);
	} else {
		struct iphdr *iph = skb_put_zero(skb, iplen);

		iph->version = 4;
		iph->ihl = iplen / 4;
		iph->tot_len = htons(iplen + tcplen);
		iph->frag_off = htons(IP_DF);
		iph->ttl = s->ttl;
		iph->protocol = IPPROTO_TCP;
		iph->saddr = s->saddr->ip;
		iph->daddr = s->daddr->ip;
		ip_send_check(iph);
		skb->protocol = htons(ETH_P_IP);
	}
	skb_set_transport_header(skb, iplen);
	th = skb_put_zero(skb, tcplen);
	th->source = s->sport;
	th->dest = s->dport;
	th->seq = htonl(s->seq);
	th->ack_seq = htonl(s->ack);
	th->doff = tcplen / 4;
	tcp_flag_byte(th) = s->flags;
	th->window = htons(s->win);
	memcpy(th + 1, opts, optlen);
	if (s->af == AF_INET6)
		th->check = csum_ipv6_magic(&s->saddr->in6, &s->daddr->in6,
					    tcplen, IPPROTO_TCP,
					    csum_partial(th, tcplen, 0));
	else
		th->check = tcp_v4_check(tcplen, s->saddr->ip, s->daddr->ip,
					 csum_partial(th, tcplen, 0));
	skb->ip_summed = CHECKSUM_NONE;
	skb->mark = s->mark;
	nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
	return skb;
}

static struct dst_entry *fnat_sp_route6(struct net *net,
					const struct in6_addr *saddr,
					const struct in6_addr *daddr, u32 mark)
{
	struct flowi6 fl6 = {
		.daddr		= *daddr,
		.saddr		= *saddr,
		.flowi6_proto	= IPPROTO_TCP,
		.flowi6_mark	= mark,
	};
	struct dst_entry *dst = ip6_route_output(net, NULL, &fl6);

	if (dst->error) {
		dst_release(dst);
		return NULL;
	}
	return dst;
}

/* The route for a segment from @saddr, which need not be the director's. */
static struct dst_entry *fnat_sp_route(struct net *net, u16 af,
				       const union nf_inet_addr *saddr,
				       const union nf_inet_addr *daddr,
				       u32 mark)
{
	struct flowi4 fl4 = {
		.daddr		= daddr->ip,
		.saddr		= saddr->ip,
		.flowi4_proto	= IPPROTO_TCP,
		.flowi4_mark	= mark,
		.flowi4_flags	= FLOWI_FLAG_ANYSRC,
	};
	struct rtable *rt;

	if (af == AF_INET6)
		return fnat_sp_route6(net, &saddr->in6, &daddr->in6, mark);
	rt = ip_route_output_key(net, &fl4);
	return IS_ERR(rt) ? NULL : &rt->dst;
}

/* Hands a segment from fnat_sp_build() with @ttl 0 to the output path. */
static void fnat_sp_send(struct net *net, struct sk_buff *skb,
			 struct dst_entry *dst)
{
	if (skb->protocol == htons(ETH_P_IPV6)) {
		ipv6_hdr(skb)->hop_limit = ip6_dst_hoplimit(dst);
		skb_dst_set(skb, dst);
		ip6_local_out(net, NULL, skb);
	} else {
		ip_hdr(skb)->ttl = ip4_dst_hoplimit(dst);
		ip_send_check(ip_hdr(skb));
		skb_dst_set(skb, dst);
		ip_local_out(net, NULL, skb);
	}
}

/* Routes and sends @s; false when there is no route or no memory. */
static bool fnat_sp_emit(struct net *net, const struct fnat_sp_seg *s)
{
	struct dst_entry *dst;
	struct sk_buff *skb;

	dst = fnat_sp_route(net, s->af, s->saddr, s->daddr, s->mark);
	if (!dst)
		return false;
	skb = fnat_sp_build(s);
	if (!skb) {
		dst_release(dst);
		return false;
	}
	fnat_sp_send(net, skb, dst);
	return true;
}

/*
 * A client's SYN: answered with a cookie, and nothing is kept. The SYN is
 * consumed, not counted as a drop.
 */
unsigned int fnat_sp_syn(struct fnat_netns *fn, struct fnat_service *svc,
			 struct sk_buff *skb, const struct fnat_pkt *p)
{
	const union nf_inet_addr *vip = &p->tuple.daddr;
	struct fnat_sp_opts copts, ours;
	struct fnat_sp_keys *keys;
	struct dst_entry *dst;
	const struct tcphdr *th;
	struct fnat_sp_seg seg;
	struct sk_buff *nskb;
	struct tcphdr _th;
	u32 isn, mss, cap;
	u8 data, ws;

	th = skb_header_pointer(skb, p->l4off, sizeof(_th), &_th);
	if (!th || fnat_sp_read_opts(skb, p, &copts))
		return fnat_sp_drop(fn, FNAT_DROP_L4_TRUNCATED);
	isn = ntohl(th->seq);
	data = fnat_sp_data_encode(&copts, p->tuple.af);

	dst = fnat_sp_route(fn->net, p->tuple.af, vip, &p->tuple.saddr,
			    skb->mark);
	if (!dst)
		return fnat_sp_drop(fn, FNAT_DROP_NO_ROUTE);
	/*
	 * The real server's SYN-ACK, which would have carried its MSS, never
	 * reaches the client: ours says what the path to the client takes,
	 * less the room TOA needs on the server's side.
	 */
	mss = dst_metric_advmss(dst);
	cap = fnat_sp_mss();
	if (cap && cap < mss)
		mss = cap;
	if (fnat_toa_enabled() && READ_ONCE(svc->num_laddrs))
		mss -= p->tuple.af == AF_INET6 ? FNAT_TOA6_LEN : FNAT_TOA_LEN;
	ours.mss = mss;
	ours.sack = copts.sack;
	ws = fnat_sp_wscale();
	ours.wscale = copts.wscale == FNAT_SP_WS_NONE ? FNAT_SP_WS_NONE : ws;

	keys = rcu_dereference(fn->sp_keys);
	seg = (struct fnat_sp_seg) {
		.af	= p->tuple.af,
		.saddr	= vip,
		.daddr	= &p->tuple.saddr,
		.sport	= p->tuple.dport,
		.dport	= p->tuple.sport,
		.seq	= fnat_sp_cookie(keys, &p->tuple, isn,
					 fnat_sp_cookie_count(), ws, data),
		.ack	= isn + 1,
		.flags	= TCPHDR_SYN | TCPHDR_ACK,
		/* Room for the segments held until the server answers. */
		.win	= min_t(u32, FNAT_SP_HOLD_MAX * mss, U16_MAX),
		.opts	= &ours,
		.mark	= skb->mark,
	};
	nskb = fnat_sp_build(&seg);
	if (!nskb) {
		dst_release(dst);
		return fnat_sp_drop(fn, FNAT_DROP_NO_MEM);
	}
	fnat_sp_send(fn->net, nskb, dst);
	this_cpu_inc(fn->sp_stats->cookies);
	consume_skb(skb);
	return NF_STOLEN;
}

/* A RST answering the client's segment @skb, before any connection. */
static void fnat_sp_reset_from(struct fnat_netns *fn, struct sk_buff *skb,
			       const struct fnat_pkt *p)
{
	if (p->tuple.af == AF_INET6)
		nf_send_reset6(fn->net, NULL, skb, NF_INET_LOCAL_IN);
	else
		nf_send_reset(fn->net, NULL, skb, NF_INET_LOCAL_IN);
}

/* What the SYN to the real server is rebuilt from. */
struct fnat_sp_syn_spec {
	struct fnat_sp_opts	copts;
	u32			c_isn;
	u32			win;
	u32			mark;
};

static void fnat_sp_syn_spec(const struct fnat_sp_conn *sp,
			     const struct fnat_sp_pend *pend,
			     struct fnat_sp_syn_spec *s)
{
	s->copts = pend->copts;
	s->c_isn = sp->c_isn;
	s->win = pend->c_win;
	s->mark = pend->mark;
}

/*
 * @seg's addresses and ports: the client's side of @c, from the client
 * (@from_client) or to it.
 */
static void fnat_sp_client_side(const struct fnat_conn *c, bool from_client,
				struct fnat_sp_seg *seg)
{
	const struct fnat_tuple *o = &c->tuple[FNAT_DIR_ORIG];

	seg->af = o->af;
	seg->saddr = from_client ? &o->saddr : &o->daddr;
	seg->daddr = from_client ? &o->daddr : &o->saddr;
	seg->sport = from_client ? o->sport : o->dport;
	seg->dport = from_client ? o->dport : o->sport;
}

/*
 * A segment in the client's name, to the real server through the transmit
 * path of the connection's method, as if the client had sent it.
 */
static void fnat_sp_xmit_as_client(struct fnat_netns *fn, struct fnat_conn *c,
				   struct fnat_sp_seg *seg)
{
	struct sk_buff *skb;
	struct fnat_pkt p;

	fnat_sp_client_side(c, true, seg);
	seg->ttl = IPDEFTTL;
	skb = fnat_sp_build(seg);
	if (!skb) {
		fnat_drop_count(fn, FNAT_DROP_NO_MEM);
		return;
	}
	if (fnat_pkt_parse(skb, 0, &p)) {
		kfree_skb(skb);
		return;
	}
	/* Built here: nobody to send an ICMP error to. */
	p.flags |= FNAT_PKT_F_FAST;
	if (fnat_core_xmit(fn, c, skb, &p) != NF_STOLEN)
		kfree_skb(skb);
}

/* The client's SYN as it would have come, rebuilt from the cookie. */
static void fnat_sp_send_rs_syn(struct fnat_netns *fn, struct fnat_conn *c,
				const struct fnat_sp_syn_spec *s)
{
	u8 ws = s->copts.wscale == FNAT_SP_WS_NONE ? 0 : s->copts.wscale;
	struct fnat_sp_seg seg = {
		.seq	= s->c_isn,
		.flags	= TCPHDR_SYN,
		/* A SYN's window is never scaled. */
		.win	= min_t(u64, (u64)s->win << ws, U16_MAX),
		.opts	= &s->copts,
		.mark	= s->mark,
	};

	fnat_sp_xmit_as_client(fn, c, &seg);
}

static void fnat_sp_retry_start(struct fnat_netns *fn)
{
	queue_delayed_work(system_power_efficient_wq, &fn->sp_retry_work,
			   FNAT_SP_RETRY_TICK);
}

/* Puts @sp on the retry list, with a reference to its connection. */
static bool fnat_sp_retry_add(struct fnat_netns *fn, struct fnat_sp_conn *sp)
{
	bool added = false;

	refcount_inc(&sp->conn->refcnt);
	spin_lock_bh(&fn->sp_retry_lock);
	if (!fn->sp_closing) {
		list_add_tail(&sp->retry, &fn->sp_retry_list);
		added = true;
	}
	spin_unlock_bh(&fn->sp_retry_lock);
	if (added)
		fnat_sp_retry_start(fn);
	else
		fnat_conn_put(sp->conn);
	return added;
}

/*
 * The handshake failed after the client's ACK: the client gets a RST
 * (at our ISN + 1, the only sequence number it acknowledged) and the
 * connection goes.
 */
static void fnat_sp_fail(struct fnat_netns *fn, struct fnat_conn *c)
{
	struct fnat_sp_conn *sp = c->sp;
	struct fnat_sp_seg seg = { .flags = TCPHDR_RST };
	bool reset = false;

	fnat_sp_client_side(c, false, &seg);

	spin_lock_bh(&c->lock);
	if (sp->pend && !sp->pend->flushing) {
		__skb_queue_purge(&sp->pend->held);
		seg.seq = sp->k_isn + 1;
		seg.mark = sp->pend->mark;
		WRITE_ONCE(c->state, FNAT_TCP_CLOSE);
		reset = true;
	}
	spin_unlock_bh(&c->lock);
	if (reset)
		fnat_sp_emit(fn->net, &seg);
	fnat_conn_unlink(fnat_conns(), c);
}

/*
 * A client's ACK with no connection. A valid cookie makes one: scheduled
 * as any new connection, its ACK held, the SYN to the real server sent.
 */
unsigned int fnat_sp_ack(struct fnat_netns *fn, struct fnat_service *svc,
			 struct sk_buff *skb, const struct fnat_pkt *p)
{
	struct fnat_sp_syn_spec spec;
	struct fnat_sp_pend *pend;
	struct fnat_sp_conn *sp;
	const struct tcphdr *th;
	struct fnat_conn *c;
	struct tcphdr _th;
	bool created, held;
	unsigned int v;
	u32 seq, ack;
	u8 data, ws;

	th = skb_header_pointer(skb, p->l4off, sizeof(_th), &_th);
	if (!th)
		return fnat_sp_drop(fn, FNAT_DROP_L4_TRUNCATED);
	seq = ntohl(th->seq);
	ack = ntohl(th->ack_seq);
	if (!fnat_sp_check(fn, &p->tuple, seq - 1, ack - 1, &data, &ws))
		return fnat_sp_drop(fn, FNAT_DROP_SYNPROXY_BAD_COOKIE);
	if (fnat_defense_drop_new()) {
		fnat_sp_reset_from(fn, skb, p);
		return fnat_sp_drop(fn, FNAT_DROP_DEFENSE_PACKET);
	}

	sp = kzalloc(sizeof(*sp), GFP_ATOMIC);
	pend = kzalloc(sizeof(*pend), GFP_ATOMIC);
	if (!sp || !pend) {
		kfree(sp);
		kfree(pend);
		fnat_sp_reset_from(fn, skb, p);
		return fnat_sp_drop(fn, FNAT_DROP_NO_MEM);
	}
	skb_queue_head_init(&pend->held);
	sp->c_isn = seq - 1;
	sp->k_isn = ack - 1;
	fnat_sp_data_decode(data, &pend->copts);
	pend->c_win = ntohs(th->window);
	pend->mark = skb->mark;
	sp->ws_client = pend->copts.wscale;
	sp->ws_ann = sp->ws_client == FNAT_SP_WS_NONE ? FNAT_SP_WS_NONE : ws;
	sp->ws_rs = FNAT_SP_WS_NONE;
	sp->pend = pend;
	INIT_LIST_HEAD(&sp->retry);
	sp->next_try = jiffies + HZ;
	sp->give_up = jiffies + FNAT_SP_GIVE_UP;

	c = fnat_core_new_conn(fn, svc, skb, p, sp, sp->c_isn, &created);
	if (!c) {
		/* Why is counted; the client thinks it is connected. */
		fnat_sp_conn_free(sp);
		fnat_sp_reset_from(fn, skb, p);
		return NF_DROP;
	}
	if (!created) {
		/* The same ACK twice, on two CPUs: the other one opened it. */
		fnat_sp_conn_free(sp);
		v = fnat_sp_client_pending(fn, c, skb, p);
		fnat_conn_put(c);
		return v == FNAT_SP_CONTINUE ? NF_DROP : v;
	}
	if (!fnat_fwd_rewrites_reply(c->fwd_method)) {
		/* -j was cleared and a DR or TUN dest added since the cookie. */
		fnat_conn_unlink(fnat_conns(), c);
		fnat_conn_put(c);
		fnat_sp_reset_from(fn, skb, p);
		return fnat_sp_drop(fn, FNAT_DROP_FWD_UNSUPPORTED);
	}

	spin_lock_bh(&c->lock);
	held = !READ_ONCE(fn->sp_closing);
	if (held) {
		skb_dst_force(skb);
		__skb_queue_tail(&pend->held, skb);
	}
	fnat_sp_syn_spec(sp, pend, &spec);
	spin_unlock_bh(&c->lock);
	if (!held || !fnat_sp_retry_add(fn, sp)) {
		/* The netns is going away. */
		fnat_sp_fail(fn, c);
		fnat_conn_put(c);
		return held ? NF_STOLEN : NF_DROP;
	}
	this_cpu_inc(fn->sp_stats->acks);
	fnat_sp_send_rs_syn(fn, c, &spec);
	fnat_conn_put(c);
	return NF_STOLEN;
}

/*
 * The client's ACK for a new cookie while an earlier handshake on its
 * port is still pending: it gave up on that one and started over.
 */
static unsigned int fnat_sp_restart(struct fnat_netns *fn,
				    struct fnat_conn *c, struct sk_buff *skb,
				    const struct fnat_pkt *p)
{
	struct fnat_service *svc = c->dest->svc;
	const struct tcphdr *th;
	struct tcphdr _th;
	u8 data, ws;

	th = skb_header_pointer(skb, p->l4off, sizeof(_th), &_th);
	if (!th)
		return fnat_sp_drop(fn, FNAT_DROP_L4_TRUNCATED);
	if (!fnat_sp_check(fn, &p->tuple, ntohl(th->seq) - 1,
			   ntohl(th->ack_seq) - 1, &data, &ws))
		return fnat_sp_drop(fn, FNAT_DROP_SYNPROXY_BAD_COOKIE);
	fnat_conn_unlink(fnat_conns(), c);
	return fnat_sp_ack(fn, svc, skb, p);
}

/*
 * A client segment while the real server's handshake is under way: held
 * (a few), in order, until the server answers.
 */
unsigned int fnat_sp_client_pending(struct fnat_netns *fn,
				    struct fnat_conn *c, struct sk_buff *skb,
				    const struct fnat_pkt *p)
{
	struct fnat_sp_conn *sp = c->sp;
	u8 f = p->tcp_flags;
	struct fnat_sp_pend *pend;
	const struct tcphdr *th;
	struct tcphdr _th;

	th = skb_header_pointer(skb, p->l4off, sizeof(_th), &_th);
	if (!th)
		return fnat_sp_drop(fn, FNAT_DROP_L4_TRUNCATED);
	spin_lock_bh(&c->lock);
	pend = sp->pend;
	if (!pend) {
		spin_unlock_bh(&c->lock);
		return FNAT_SP_CONTINUE;
	}
	if (!pend->flushing) {
		if ((f & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) == TCPHDR_SYN) {
			spin_unlock_bh(&c->lock);
			return fnat_sp_syn(fn, c->dest->svc, skb, p);
		}
		if (f & TCPHDR_RST) {
			/* The client gave up; the server's SYN-ACK finds none. */
			__skb_queue_purge(&pend->held);
			WRITE_ONCE(c->state, FNAT_TCP_CLOSE);
			spin_unlock_bh(&c->lock);
			fnat_conn_unlink(fnat_conns(), c);
			consume_skb(skb);
			return NF_STOLEN;
		}
		if ((f & TCPHDR_ACK) && ntohl(th->ack_seq) != sp->k_isn + 1) {
			spin_unlock_bh(&c->lock);
			return fnat_sp_restart(fn, c, skb, p);
		}
	}
	if (skb_queue_len(&pend->held) >= FNAT_SP_HOLD_MAX ||
	    READ_ONCE(fn->sp_closing)) {
		spin_unlock_bh(&c->lock);
		return fnat_sp_drop(fn, FNAT_DROP_SYNPROXY_HOLD_FULL);
	}
	skb_dst_force(skb);
	__skb_queue_tail(&pend->held, skb);
	spin_unlock_bh(&c->lock);
	return NF_STOLEN;
}

/* Sends what was held, in order, then forgets the handshake. */
static void fnat_sp_flush(struct fnat_netns *fn, struct fnat_conn *c)
{
	struct fnat_sp_conn *sp = c->sp;
	struct fnat_sp_pend *pend;
	struct sk_buff_head q;
	struct sk_buff *skb;

	__skb_queue_head_init(&q);
	for (;;) {
		spin_lock_bh(&c->lock);
		pend = sp->pend;
		skb_queue_splice_tail_init(&pend->held, &q);
		if (skb_queue_empty(&q)) {
			WRITE_ONCE(sp->pend, NULL);
			spin_unlock_bh(&c->lock);
			kfree(pend);
			return;
		}
		spin_unlock_bh(&c->lock);
		/* Segments arriving meanwhile queue behind these. */
		while ((skb = __skb_dequeue(&q)))
			fnat_core_replay(fn, c, skb);
	}
}

static u8 fnat_sp_synack_wscale(const struct sk_buff *skb,
				const struct fnat_pkt *p)
{
	struct fnat_sp_opts o;

	if (fnat_sp_read_opts(skb, p, &o))
		return FNAT_SP_WS_NONE;
	return o.wscale;
}

/*
 * The real server's SYN-ACK got lost on its way back, or our ACK on the
 * way there: the client's ACK again, rebuilt, through the transmit path
 * (with TOA, which the server's handshake has not seen yet).
 */
static void fnat_sp_ack_again(struct fnat_netns *fn, struct fnat_conn *c)
{
	struct fnat_sp_conn *sp = c->sp;
	struct fnat_sp_seg seg = {
		.seq	= sp->c_isn + 1,
		.ack	= sp->k_isn + 1,
		.flags	= TCPHDR_ACK,
		.win	= U16_MAX >> (sp->ws_client == FNAT_SP_WS_NONE ?
				      0 : sp->ws_client),
	};

	fnat_sp_xmit_as_client(fn, c, &seg);
}

/*
 * A segment from the real server of a proxied connection. Its SYN-ACK
 * completes the handshake; nothing else may come before it.
 */
unsigned int fnat_sp_rs_reply(struct fnat_netns *fn, struct fnat_conn *c,
			      struct sk_buff *skb, const struct fnat_pkt *p)
{
	struct fnat_sp_conn *sp = c->sp;
	u8 f = p->tcp_flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST);
	struct fnat_sp_pend *pend;
	const struct tcphdr *th;
	struct tcphdr _th;
	u32 acked;

	if (p->tuple.protocol != IPPROTO_TCP)
		return FNAT_SP_CONTINUE;
	if (!READ_ONCE(sp->pend) && f != (TCPHDR_SYN | TCPHDR_ACK))
		return FNAT_SP_CONTINUE;
	th = skb_header_pointer(skb, p->l4off, sizeof(_th), &_th);
	if (!th)
		return fnat_sp_drop(fn, FNAT_DROP_L4_TRUNCATED);
	acked = ntohl(th->ack_seq) - c->seq_delta;

	spin_lock_bh(&c->lock);
	pend = sp->pend;
	if (!pend || pend->flushing) {
		spin_unlock_bh(&c->lock);
		if (f != (TCPHDR_SYN | TCPHDR_ACK))
			return FNAT_SP_CONTINUE;
		/* Established: the server missed our ACK. */
		if (acked == sp->c_isn + 1 && !pend)
			fnat_sp_ack_again(fn, c);
		consume_skb(skb);
		return NF_STOLEN;
	}
	if (!(f & TCPHDR_ACK) || acked != sp->c_isn + 1) {
		spin_unlock_bh(&c->lock);
		return fnat_sp_drop(fn, FNAT_DROP_SYNPROXY_BAD_SYNACK);
	}
	if (f & TCPHDR_RST) {
		spin_unlock_bh(&c->lock);
		this_cpu_inc(fn->sp_stats->rs_resets);
		fnat_sp_fail(fn, c);
		consume_skb(skb);
		return NF_STOLEN;
	}
	if (f != (TCPHDR_SYN | TCPHDR_ACK)) {
		spin_unlock_bh(&c->lock);
		return fnat_sp_drop(fn, FNAT_DROP_SYNPROXY_BAD_SYNACK);
	}
	sp->ws_rs = fnat_sp_synack_wscale(skb, p);
	sp->delta = sp->k_isn - ntohl(th->seq);
	/* fnat_sp_tcp_adj() reads delta and ws_rs once it sees ready. */
	smp_store_release(&sp->ready, true);
	WRITE_ONCE(c->state, FNAT_TCP_ESTABLISHED);
	pend->flushing = true;
	spin_unlock_bh(&c->lock);

	fnat_conn_set_active(c, true);
	fnat_conn_set_expires(c, jiffies +
			      (unsigned long)READ_ONCE(fn->timeout_tcp) * HZ);
	fnat_sp_flush(fn, c);
	fnat_sync_conn_event(fn, c, true);
	consume_skb(skb);
	return NF_STOLEN;
}

static void fnat_sp_retry_work(struct work_struct *work)
{
	struct fnat_netns *fn = container_of(to_delayed_work(work),
					     struct fnat_netns,
					     sp_retry_work);
	struct fnat_sp_conn *sp, *tmp;
	struct fnat_sp_syn_spec spec;
	unsigned long now = jiffies;
	LIST_HEAD(failed);
	LIST_HEAD(done);
	struct fnat_conn *c;
	bool more;

	rcu_read_lock();
	local_bh_disable();
	spin_lock(&fn->sp_retry_lock);
	list_for_each_entry_safe(sp, tmp, &fn->sp_retry_list, retry) {
		bool resend = false;

		c = sp->conn;
		spin_lock(&c->lock);
		if (!sp->pend || c->dead) {
			list_move(&sp->retry, &done);
		} else if (sp->pend->flushing) {
			/* Done as soon as the flush is. */
		} else if (time_after_eq(now, sp->give_up)) {
			list_move(&sp->retry, &failed);
		} else if (time_after_eq(now, sp->next_try) &&
			   sp->tries < FNAT_SP_SYN_RETRIES) {
			fnat_sp_syn_spec(sp, sp->pend, &spec);
			sp->tries++;
			sp->next_try = now + (HZ << sp->tries);
			resend = true;
		}
		spin_unlock(&c->lock);
		if (resend)
			fnat_sp_send_rs_syn(fn, c, &spec);
	}
	more = !list_empty(&fn->sp_retry_list);
	spin_unlock(&fn->sp_retry_lock);

	list_for_each_entry_safe(sp, tmp, &failed, retry) {
		list_del_init(&sp->retry);
		fnat_drop_count(fn, FNAT_DROP_SYNPROXY_RS_TIMEOUT);
		fnat_sp_fail(fn, sp->conn);
		fnat_conn_put(sp->conn);
	}
	list_for_each_entry_safe(sp, tmp, &done, retry) {
		list_del_init(&sp->retry);
		fnat_conn_put(sp->conn);
	}
	local_bh_enable();
	rcu_read_unlock();
	if (more)
		fnat_sp_retry_start(fn);
}

/* From the connection's RCU callback: nothing can reach @sp any more. */
void fnat_sp_conn_free(struct fnat_sp_conn *sp)
{
	if (sp->pend) {
		__skb_queue_purge(&sp->pend->held);
		kfree(sp->pend);
	}
	kfree(sp);
}

void fnat_sp_stats_read(const struct fnat_netns *fn, struct fnat_sp_stats *s)
{
	int cpu;

	memset(s, 0, sizeof(*s));
	for_each_possible_cpu(cpu) {
		const struct fnat_sp_stats *pc = per_cpu_ptr(fn->sp_stats, cpu);

		s->cookies += READ_ONCE(pc->cookies);
		s->acks += READ_ONCE(pc->acks);
		s->rs_resets += READ_ONCE(pc->rs_resets);
	}
}

/*
 * Directors that share a sync key accept each other's cookies: a backup
 * taking over, or an ECMP peer receiving the ACK to a SYN another one
 * answered. The cookie keys are derived from the sync key (so the sync
 * key itself never keys SipHash).
 */
void fnat_sp_set_shared_key(struct fnat_netns *fn, const u8 *key,
			    unsigned int len)
{
	static const char label[] = "fnat synproxy cookie v1";
	struct fnat_sync_auth auth;
	u8 mac[FNAT_SYNC_MAC_LEN];
	struct fnat_sp_keys *keys, *old;

	BUILD_BUG_ON(sizeof(mac) < sizeof(keys->k));
	keys = kzalloc(sizeof(*keys), GFP_KERNEL);
	if (!keys)
		return;
	if (fnat_sync_auth_init(&auth, key, len)) {
		kfree(keys);
		return;
	}
	if (fnat_sync_auth_mac(&auth, label, sizeof(label) - 1, mac)) {
		fnat_sync_auth_free(&auth);
		kfree(keys);
		return;
	}
	fnat_sync_auth_free(&auth);
	memcpy(keys->k, mac, sizeof(keys->k));
	memzero_explicit(mac, sizeof(mac));
	old = rcu_replace_pointer(fn->sp_keys, keys,
				  lockdep_is_held(&fn->lock));
	synchronize_rcu();
	kfree_sensitive(old);
}

int fnat_sp_netns_init(struct fnat_netns *fn)
{
	struct fnat_sp_keys *keys;

	keys = kzalloc(sizeof(*keys), GFP_KERNEL);
	if (!keys)
		return -ENOMEM;
	get_random_bytes(keys->k, sizeof(keys->k));
	fn->sp_stats = alloc_percpu(struct fnat_sp_stats);
	if (!fn->sp_stats) {
		kfree(keys);
		return -ENOMEM;
	}
	RCU_INIT_POINTER(fn->sp_keys, keys);
	spin_lock_init(&fn->sp_retry_lock);
	INIT_LIST_HEAD(&fn->sp_retry_list);
	INIT_DELAYED_WORK(&fn->sp_retry_work, fnat_sp_retry_work);
	fn->sp_closing = false;
	return 0;
}

/*
 * Before the netns' devices go: held segments keep their input routes,
 * which would hold the devices.
 */
void fnat_sp_netns_pre_exit(struct fnat_netns *fn)
{
	struct fnat_sp_conn *sp;

	spin_lock_bh(&fn->sp_retry_lock);
	WRITE_ONCE(fn->sp_closing, true);
	list_for_each_entry(sp, &fn->sp_retry_list, retry) {
		spin_lock(&sp->conn->lock);
		if (sp->pend)
			__skb_queue_purge(&sp->pend->held);
		spin_unlock(&sp->conn->lock);
	}
	spin_unlock_bh(&fn->sp_retry_lock);
}

/* After the hooks are off, before the connections are flushed. */
void fnat_sp_netns_exit(struct fnat_netns *fn)
{
	struct fnat_sp_conn *sp, *tmp;
	LIST_HEAD(all);

	cancel_delayed_work_sync(&fn->sp_retry_work);
	spin_lock_bh(&fn->sp_retry_lock);
	list_splice_init(&fn->sp_retry_list, &all);
	spin_unlock_bh(&fn->sp_retry_lock);
	list_for_each_entry_safe(sp, tmp, &all, retry) {
		list_del_init(&sp->retry);
		fnat_conn_put(sp->conn);
	}
	kfree_sensitive(rcu_dereference_protected(fn->sp_keys, true));
	RCU_INIT_POINTER(fn->sp_keys, NULL);
	free_percpu(fn->sp_stats);
}

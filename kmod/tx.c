// SPDX-License-Identifier: GPL-2.0
/*
 * nf_ovpn: transmit.  A POST_ROUTING hook takes packets routed to an
 * instance's tun device (local and forwarded, after SNAT), encrypts them
 * for their peer and sends them as UDP from the instance's port, so they
 * never reach tun and userspace.  No peer or no key: the packet goes on
 * to tun and userspace OpenVPN handles it (the slow path).
 *
 * Peer: the inner flow's conntrack tag when it points the packet's way
 * (ct.h), else the VPN address / iroute table, which also tags new flows.
 *
 * Packet-ids are allocated in the RCU section that read the key from its
 * slot.  Control-plane code that takes a key back therefore unpublishes
 * it, waits a grace period and only then reads nf_ovpn_key_export(): no
 * id the kernel uses can be handed to userspace again.
 *
 * The outer packet is sent without a socket (the OpenVPN socket is in
 * userspace), from the instance's local port.  A locally generated inner
 * packet keeps its socket (skb->sk) so TCP small queues still see the
 * bytes in flight.  The outer IPv4 header has DF clear: like OpenVPN's
 * own socket by default, a too-big outer packet is fragmented rather than
 * dropped.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv6.h>
#include <linux/udp.h>
#include <net/dst_cache.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/netfilter/nf_conntrack.h>

#include "compat.h"
#include "crypto.h"
#include "ct.h"
#include "datapath.h"
#include "instance.h"
#include "peer.h"
#include "proto.h"

/* headroom asked for before the header is pushed: OpenVPN header, outer
 * IPv6 (the larger), UDP and an Ethernet-sized link header; a deeper
 * link layer gets its room from ip_finish_output2()
 */
#define NF_OVPN_TX_HEADROOM	(NF_OVPN_MAX_HLEN + sizeof(struct ipv6hdr) + \
				 sizeof(struct udphdr) + 16)

/* what one hook invocation sends with */
struct tx_ctx {
	struct nf_ovpn_inst *inst;
	struct nf_ovpn_peer *peer;
	struct nf_ovpn_key *key;
	struct net *net;
	struct sock *sk;
	u8 pf;
};

/* ip_do_fragment()'s output callback has no context argument: the hook's
 * context is parked here for the duration of the call (BH disabled, so
 * nothing else runs on this CPU; nested tunnels save and restore it)
 */
static DEFINE_PER_CPU(struct tx_ctx *, tx_frag_ctx);

/*
 * Nesting bound.  Sending is synchronous (udp_tunnel_xmit_skb() ->
 * ip_local_out() -> POST_ROUTING) and never passes __dev_queue_xmit(),
 * so the core's dev_xmit_recursion() limit does not apply: an outer packet
 * routed into a tun device with an instance is encrypted again on the same
 * stack.  Tunnel-in-tunnel is legitimate a level or two deep; a loop (two
 * instances whose peers' endpoints route into each other's tun, which an
 * authenticated client can arrange by floating into the other pool) would
 * recurse until the stack overflows.  tx_nest counts the sends in progress
 * on this CPU (BH is disabled across each, so the count stays on one CPU
 * and one stack); beyond the bound the packet is dropped and counted.
 * Each level costs more stack than one pass of the core's xmit path, hence
 * a bound below XMIT_RECURSION_LIMIT.
 */
#define NF_OVPN_TX_NEST_MAX	4
static DEFINE_PER_CPU(unsigned int, tx_nest);

/* ------------------------------------------------------------------ */
/* after encryption: route and send */

static void tx_flow4(struct flowi4 *fl4, const struct nf_ovpn_inst *inst,
		     const struct nf_ovpn_endpoint *remote, __be32 saddr)
{
	*fl4 = (struct flowi4) {
		.daddr = remote->addr.ip4,
		.saddr = saddr,
		.flowi4_oif = inst->bind_ifindex,
		.flowi4_mark = inst->mark,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = inst->local_port,
		.fl4_dport = remote->port,
	};
}

static int tx_send4(struct nf_ovpn_inst *inst, struct nf_ovpn_peer *peer,
		    struct sk_buff *skb, const struct nf_ovpn_endpoint *remote,
		    const struct nf_ovpn_endpoint *local)
{
	struct flowi4 fl4;
	struct rtable *rt;

	tx_flow4(&fl4, inst, remote, local->family == AF_INET ?
		 local->addr.ip4 : inst->local_ip4);
	rt = dst_cache_get_ip4(&peer->dst_cache, &fl4.saddr);
	if (!rt) {
		rt = ip_route_output_key(inst->net, &fl4);
		if (IS_ERR(rt) && local->family == AF_INET &&
		    local->addr.ip4 != inst->local_ip4) {
			/* the address the peer sent to is gone: what the
			 * instance is bound to (or routing) picks until the
			 * peer's next packet shows where it sends now
			 */
			nf_ovpn_peer_forget_local(peer);
			tx_flow4(&fl4, inst, remote, inst->local_ip4);
			rt = ip_route_output_key(inst->net, &fl4);
		}
		if (IS_ERR(rt))
			return -EHOSTUNREACH;
		/* the outer packet must not go into the tunnel it carries */
		if (rt->dst.dev == inst->dev) {
			ip_rt_put(rt);
			return -ELOOP;
		}
		dst_cache_set_ip4(&peer->dst_cache, &rt->dst, fl4.saddr);
	}
	/* udp_tunnel_xmit_skb() pushes the UDP header unchecked */
	if (skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
			 rt->dst.header_len + sizeof(struct iphdr) +
			 sizeof(struct udphdr))) {
		ip_rt_put(rt);
		return -ENOMEM;
	}
	nf_ovpn_udp4_xmit(rt, skb, fl4.saddr, fl4.daddr,
			  ip4_dst_hoplimit(&rt->dst), inst->local_port,
			  remote->port);
	return 0;
}

static int tx_send6(struct nf_ovpn_inst *inst, struct nf_ovpn_peer *peer,
		    struct sk_buff *skb, const struct nf_ovpn_endpoint *remote,
		    const struct nf_ovpn_endpoint *local)
{
#if IS_ENABLED(CONFIG_IPV6)
	struct flowi6 fl6 = {
		.daddr = remote->addr.ip6,
		.saddr = local->family == AF_INET6 ? local->addr.ip6 :
						     inst->local_ip6,
		.flowi6_proto = IPPROTO_UDP,
		/* a link-local remote names its link; else the bound device */
		.flowi6_oif = remote->scope_id ?: inst->bind_ifindex,
		.flowi6_mark = inst->mark,
		.fl6_sport = inst->local_port,
		.fl6_dport = remote->port,
	};
	struct dst_entry *dst;

	dst = dst_cache_get_ip6(&peer->dst_cache, &fl6.saddr);
	if (!dst) {
		/* IPv6 routing takes any source: check it is still ours (as
		 * for IPv4 above, the address the peer sent to may be gone)
		 */
		if (local->family == AF_INET6 &&
		    !ipv6_addr_equal(&fl6.saddr, &inst->local_ip6) &&
		    !ipv6_chk_addr(inst->net, &fl6.saddr, NULL, 0)) {
			nf_ovpn_peer_forget_local(peer);
			fl6.saddr = inst->local_ip6;
		}
		dst = nf_ovpn_ip6_route(inst->net, &fl6);
		if (IS_ERR(dst))
			return -EHOSTUNREACH;
		if (dst->dev == inst->dev) {
			dst_release(dst);
			return -ELOOP;
		}
		dst_cache_set_ip6(&peer->dst_cache, dst, &fl6.saddr);
	}
	if (skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + dst->header_len +
			 sizeof(struct ipv6hdr) + sizeof(struct udphdr))) {
		dst_release(dst);
		return -ENOMEM;
	}
	nf_ovpn_udp6_xmit(dst, skb, &fl6.saddr, &fl6.daddr,
			  ip6_dst_hoplimit(dst), inst->local_port,
			  remote->port);
	return 0;
#else
	return -EAFNOSUPPORT;
#endif
}

/* returns 0 once @skb is sent, else the drop counter (caller frees) */
static unsigned int tx_send(struct sk_buff *skb)
{
	struct nf_ovpn_skb_cb *cb = nf_ovpn_skb_cb(skb);
	struct nf_ovpn_peer *peer = cb->peer;
	struct nf_ovpn_inst *inst = peer->inst;
	struct nf_ovpn_endpoint remote, local;
	bool keepalive = cb->flags & NF_OVPN_CB_KEEPALIVE;
	unsigned int inner_len = cb->inner_len;
	unsigned int outer_len;
	int err;

	if (READ_ONCE(inst->dead))
		return NF_OVPN_A_STATS_DROP_NO_ROUTE;

	nf_ovpn_peer_endpoints(peer, &remote, &local);

	/* a fresh outer packet: nothing of the inner one's routing, conntrack
	 * or marks may steer it
	 */
	skb_scrub_packet(skb, false);
	/* what OpenVPN's socket would put on it (SO_MARK), nothing else */
	skb->mark = inst->mark;
	skb->dev = NULL;	/* no tunnel device stats in iptunnel_xmit() */
	skb->ip_summed = CHECKSUM_NONE;
	/* as OpenVPN's socket by default: fragment a too-big outer packet
	 * (IPv4 goes out with DF clear; IPv6 needs this to fragment locally)
	 */
	skb->ignore_df = 1;
	skb_reset_inner_headers(skb);
	skb->encapsulation = 0;

	if (__this_cpu_read(tx_nest) >= NF_OVPN_TX_NEST_MAX) {
		net_dbg_ratelimited("ifindex %d peer %u: tunnel nested too deep\n",
				    inst->ifindex, peer->id);
		return NF_OVPN_A_STATS_DROP_LOOP;
	}

	outer_len = skb->len + sizeof(struct udphdr);
	__this_cpu_inc(tx_nest);
	if (remote.family == AF_INET) {
		outer_len += sizeof(struct iphdr);
		err = tx_send4(inst, peer, skb, &remote, &local);
	} else if (remote.family == AF_INET6) {
		outer_len += sizeof(struct ipv6hdr);
		err = tx_send6(inst, peer, skb, &remote, &local);
	} else {
		err = -EDESTADDRREQ;
	}
	__this_cpu_dec(tx_nest);
	if (err == -ENOMEM)
		return NF_OVPN_A_STATS_DROP_NOMEM;
	if (err) {
		net_dbg_ratelimited("ifindex %d peer %u: no route (%d)\n",
				    inst->ifindex, peer->id, err);
		return NF_OVPN_A_STATS_DROP_NO_ROUTE;
	}

	WRITE_ONCE(peer->last_tx, jiffies);
	if (keepalive) {
		nf_ovpn_dp_count(inst, peer, NF_OVPN_A_STATS_KEEPALIVE_TX, 1);
	} else {
		nf_ovpn_dp_count(inst, peer, NF_OVPN_A_STATS_TX_PACKETS, 1);
		nf_ovpn_dp_count(inst, peer, NF_OVPN_A_STATS_TX_BYTES,
				 inner_len);
		nf_ovpn_dev_tx_add(inst->dev, inner_len);
	}
	nf_ovpn_dp_count(inst, peer, NF_OVPN_A_STATS_TX_OUTER_BYTES,
			 outer_len);
	return 0;
}

/*
 * The AEAD completion for TX; owns @skb and the references in its cb.
 * Synchronous: inside the hook or keepalive, BH already off.  Async: a
 * cryptd worker; BH is turned off here too, for tx_nest and the per-CPU
 * dst cache.
 */
static void tx_done(struct sk_buff *skb, int err)
{
	struct nf_ovpn_skb_cb *cb = nf_ovpn_skb_cb(skb);
	struct nf_ovpn_peer *peer = cb->peer;
	struct nf_ovpn_key *key = cb->key;
	unsigned int drop;

	local_bh_disable();
	rcu_read_lock();
	if (err)
		drop = err == -EINVAL || err == -E2BIG ?
		       NF_OVPN_A_STATS_DROP_MALFORMED :
		       NF_OVPN_A_STATS_DROP_NOMEM;
	else
		drop = tx_send(skb);
	if (drop) {
		nf_ovpn_dp_count(peer->inst, peer, drop, 1);
		kfree_skb(skb);
	}
	nf_ovpn_key_put(key);
	nf_ovpn_peer_put(peer);
	rcu_read_unlock();
	local_bh_enable();
}

/* ------------------------------------------------------------------ */
/* encryption */

/*
 * Encrypt @skb (plaintext at skb->data) for @peer with @key and send it.
 * Caller: inside the RCU section that read @key from the peer's slot, BH
 * disabled.  Always consumes @skb.  Returns 0 once handed to crypto.
 */
static int tx_encrypt(struct nf_ovpn_peer *peer, struct nf_ovpn_key *key,
		      struct sk_buff *skb, u8 flags)
{
	struct nf_ovpn_inst *inst = peer->inst;
	struct nf_ovpn_skb_cb *cb;
	struct nf_ovpn_hdr hdr;
	unsigned int inner_len = skb->len, idx;
	bool v2;
	u32 pktid;
	int err;

	if (!nf_ovpn_peer_hold(peer)) {
		kfree_skb(skb);
		return -ENOENT;
	}
	if (!nf_ovpn_key_hold(key)) {
		idx = NF_OVPN_A_STATS_DROP_NO_KEY;
		err = -ENOKEY;
		goto err_put_peer;
	}

	/* never reuse a nonce: an exhausted key sends nothing more */
	if (nf_ovpn_pktid_tx_next(&key->tx, &pktid)) {
		idx = NF_OVPN_A_STATS_DROP_NO_KEY;
		err = -ENOKEY;
		goto err_put_key;
	}
	if (unlikely(nf_ovpn_pktid_tx_near_wrap(&key->tx)) &&
	    !READ_ONCE(key->wrap_notified)) {
		WRITE_ONCE(key->wrap_notified, true);
		nf_ovpn_peer_schedule(peer, NF_OVPN_PEER_WORK_KEY_WRAP);
	}

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)) {
		idx = NF_OVPN_A_STATS_DROP_NOMEM;
		err = -ENOMEM;
		goto err_put_key;
	}
	if (skb_cow_head(skb, NF_OVPN_TX_HEADROOM)) {
		idx = NF_OVPN_A_STATS_DROP_NOMEM;
		err = -ENOMEM;
		goto err_put_key;
	}

	/* server mode always has peer-ids; p2p only once one is assigned */
	v2 = inst->mode == NF_OVPN_MODE_SERVER ||
	     peer->id < NF_OVPN_PEER_ID_UNDEF;
	skb_push(skb, v2 ? NF_OVPN_V2_HLEN : NF_OVPN_V1_HLEN);
	if (v2)
		err = nf_ovpn_build_hdr_v2(skb->data, skb->len, key->key_id,
					   peer->id, pktid, &hdr);
	else
		err = nf_ovpn_build_hdr_v1(skb->data, skb->len, key->key_id,
					   pktid, &hdr);
	if (err < 0) {
		idx = NF_OVPN_A_STATS_DROP_MALFORMED;
		goto err_put_key;
	}

	cb = nf_ovpn_skb_cb(skb);
	memset(cb, 0, sizeof(*cb));
	cb->peer = peer;
	cb->key = key;
	cb->pktid = pktid;
	cb->inner_len = inner_len;
	cb->off = 0;
	cb->hlen = hdr.ct_off;
	cb->flags = flags;
	nf_ovpn_aead_encrypt(skb, &hdr, tx_done);
	return 0;

err_put_key:
	nf_ovpn_key_put(key);
err_put_peer:
	nf_ovpn_dp_count(inst, peer, idx, 1);
	nf_ovpn_peer_put(peer);
	kfree_skb(skb);
	return err;
}

/* ------------------------------------------------------------------ */
/* the hook */

static int tx_frag_output(struct net *net, struct sock *sk,
			  struct sk_buff *skb)
{
	struct tx_ctx *c = this_cpu_read(tx_frag_ctx);

	if (WARN_ON_ONCE(!c)) {
		kfree_skb(skb);
		return -EINVAL;
	}
	return tx_encrypt(c->peer, c->key, skb, 0);
}

static void tx_fragment(struct tx_ctx *c, struct sk_buff *skb,
			unsigned int mtu)
{
	struct tx_ctx *prev = this_cpu_read(tx_frag_ctx);

	this_cpu_write(tx_frag_ctx, c);
	if (c->pf == NFPROTO_IPV4) {
		ip_do_fragment(c->net, c->sk, skb, tx_frag_output);
	} else if (nf_ovpn_ip6_fragment(c->net, c->sk, skb,
					tx_frag_output) == -EAFNOSUPPORT) {
		nf_ovpn_dp_count(c->inst, c->peer, NF_OVPN_A_STATS_DROP_MTU, 1);
		kfree_skb(skb);
	}
	this_cpu_write(tx_frag_ctx, prev);
}

/* larger than the tunnel MTU: fragment if allowed, else tell the sender */
static void tx_too_big(struct tx_ctx *c, struct sk_buff *skb,
		       unsigned int mtu)
{
	bool may_frag;

	if (c->pf == NFPROTO_IPV4) {
		/* as ip_fragment(): DF clear always fragments (also a packet
		 * defrag reassembled from fragments larger than @mtu); DF set
		 * only if the stack allows it and no original fragment was
		 * larger than @mtu
		 */
		may_frag = !(ip_hdr(skb)->frag_off & htons(IP_DF)) ||
			   (skb->ignore_df &&
			    (!IPCB(skb)->frag_max_size ||
			     IPCB(skb)->frag_max_size <= mtu));
	} else {
		/* as ip6_fragment(): only the source fragments IPv6.  Local
		 * sockets that allow it set ignore_df, and so does conntrack
		 * for a forwarded packet it reassembled, which goes out again
		 * in fragments no larger than the original ones
		 */
		may_frag = skb->ignore_df;
		if (IP6CB(skb)->frag_max_size &&
		    IP6CB(skb)->frag_max_size > mtu)
			may_frag = false;
	}
	if (may_frag) {
		tx_fragment(c, skb, mtu);
		return;
	}

	if (c->pf == NFPROTO_IPV4)
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      htonl(mtu));
	else
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
	nf_ovpn_dp_count(c->inst, c->peer, NF_OVPN_A_STATS_DROP_MTU, 1);
	kfree_skb(skb);
}

/*
 * The largest inner packet whose outer datagram still fits IP's 16-bit
 * length (IPv4 counts its own header in it: the bound for both families).
 * Only a tun MTU raised towards 64 KiB gets near it; bigger packets are
 * fragmented or refused with "fragmentation needed" like any other.
 */
#define NF_OVPN_TX_MAX_INNER	(IP_MAX_MTU - sizeof(struct iphdr) - \
				 sizeof(struct udphdr) - NF_OVPN_MAX_HLEN)

static unsigned int tx_mtu(const struct tx_ctx *c, const struct sk_buff *skb)
{
	const struct dst_entry *dst = skb_dst(skb);
	unsigned int mtu = dst ? dst_mtu(dst) : READ_ONCE(c->inst->dev->mtu);

	return min_t(unsigned int, mtu, NF_OVPN_TX_MAX_INNER);
}

/* one packet, not GSO: IP headers at skb->data */
static void tx_one(struct tx_ctx *c, struct sk_buff *skb)
{
	unsigned int mtu = tx_mtu(c, skb);

	if (skb->len > mtu) {
		tx_too_big(c, skb, mtu);
		return;
	}
	tx_encrypt(c->peer, c->key, skb, 0);
}

/* the packet is ours now; BH disabled */
static void tx_steal(struct tx_ctx *c, struct sk_buff *skb)
{
	struct sk_buff *segs, *next;

	if (!skb_is_gso(skb)) {
		tx_one(c, skb);
		return;
	}

	/* TCP hands GSO skbs even to tun: cut them into packets here */
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		nf_ovpn_dp_count(c->inst, c->peer,
				 NF_OVPN_A_STATS_DROP_MALFORMED, 1);
		kfree_skb(skb);
		return;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		tx_one(c, skb);
	}
}

/*
 * The peer this packet goes to.  A tag is only followed in the direction
 * it was set for (ct.h, peer_dir); a stale one is re-pointed, a new flow
 * tagged.
 */
static struct nf_ovpn_peer *tx_peer_rcu(struct nf_ovpn_inst *inst,
					struct sk_buff *skb, u8 pf)
{
	enum ip_conntrack_info ctinfo;
	struct nf_ovpn_ct_tag tag;
	struct nf_ovpn_peer *peer;
	bool stale = false;
	struct nf_conn *ct;
	const void *daddr;
	u32 route_gen;
	u8 dir;

	/* before the lookup: a route change after this read leaves the tag
	 * we write with the old generation, so the next packet looks again
	 */
	route_gen = smp_load_acquire(&inst->route_gen);
	ct = nf_ct_get(skb, &ctinfo);
	dir = ct ? CTINFO2DIR(ctinfo) : IP_CT_DIR_ORIGINAL;
	if (ct && nf_ovpn_ct_tag_get(ct, &tag) &&
	    tag.role == NF_OVPN_CT_INNER && tag.inst_id == inst->id &&
	    tag.peer_dir == dir) {
		peer = nf_ovpn_peer_by_id_rcu(inst, tag.peer_id);
		if (peer && peer->gen == tag.peer_gen &&
		    tag.route_gen == route_gen)
			return peer;
		stale = true;
	}

	if (pf == NFPROTO_IPV4)
		daddr = &ip_hdr(skb)->daddr;
	else
		daddr = &ipv6_hdr(skb)->daddr;
	peer = nf_ovpn_dp_peer_by_addr_rcu(inst, pf == NFPROTO_IPV4 ?
					   AF_INET : AF_INET6, daddr);
	if (!peer || !ct)
		return peer;

	if (stale) {
		nf_ovpn_ct_tag_update(ct, peer->id, peer->gen, route_gen);
	} else if (!nf_ct_is_confirmed(ct)) {
		nf_ovpn_ct_tag_new(ct, NF_OVPN_CT_INNER, inst->id, peer->id,
				   peer->gen, route_gen, dir);
	}
	return peer;
}

/*
 * Multicast and broadcast stay on the slow path: the stack passes its
 * local loopback copy through POST_ROUTING as well (ip_mc_output(),
 * ip6_finish_output2()), which must reach this host and not the peer, and
 * OpenVPN itself decides which clients get such a packet.
 */
static bool tx_is_group(const struct sk_buff *skb, u8 pf)
{
	const struct rtable *rt;

	if (pf == NFPROTO_IPV6)
		return ipv6_addr_is_multicast(&ipv6_hdr(skb)->daddr);
	if (ipv4_is_multicast(ip_hdr(skb)->daddr) ||
	    ipv4_is_lbcast(ip_hdr(skb)->daddr))
		return true;
	rt = skb_rtable(skb);
	return rt && (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST));
}

unsigned int nf_ovpn_tx_hook(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct tx_ctx c = {
		.net = state->net,
		.sk = state->sk,
		.pf = state->pf,
	};
	unsigned int verdict;

	c.inst = nf_ovpn_inst_by_dev_rcu(state->out);
	if (!c.inst)
		return NF_ACCEPT;
	if (tx_is_group(skb, state->pf)) {
		nf_ovpn_dp_count(c.inst, NULL, NF_OVPN_A_STATS_TX_SLOW, 1);
		return NF_ACCEPT;
	}

	c.peer = tx_peer_rcu(c.inst, skb, state->pf);
	if (c.peer)
		c.key = rcu_dereference(c.peer->keys[NF_OVPN_KEY_SLOT_PRIMARY]);
	if (!c.key) {
		nf_ovpn_dp_count(c.inst, c.peer, NF_OVPN_A_STATS_TX_SLOW, 1);
		return NF_ACCEPT;
	}

	/* a stolen packet never reaches the CONFIRM hook */
	verdict = nf_ovpn_ct_confirm(skb, state);
	if (verdict != NF_ACCEPT)
		return verdict;

	/* local traffic arrives in process context: per-CPU state (dst
	 * cache, stats, the fragment context) needs BH off
	 */
	local_bh_disable();
	/* taps on the tun device (tcpdump -i tun0) see what goes into the
	 * tunnel, as they do when the packet really is sent to tun; they
	 * get a clone, so the skb's data is shared from here on
	 */
	if (dev_nit_active(state->out))
		dev_queue_xmit_nit(skb, state->out);
	tx_steal(&c, skb);
	local_bh_enable();
	return NF_STOLEN;
}

/**
 * nf_ovpn_tx_keepalive - send one keepalive ping to @peer
 * @peer: the peer (caller holds a reference or RCU)
 *
 * The ping is the 16-byte magic as payload, encrypted with the primary
 * key like any packet; counted as KEEPALIVE_TX once sent.  Drops are
 * counted here.  Softirq or process context.
 *
 * Return: 0 once handed to crypto, -ENOMEM, -ENOKEY (no primary key or
 * its packet-ids are used up), -ENOENT (peer going away).
 */
int nf_ovpn_tx_keepalive(struct nf_ovpn_peer *peer)
{
	struct nf_ovpn_key *key;
	struct sk_buff *skb;
	int err;

	skb = alloc_skb(NF_OVPN_TX_HEADROOM + NF_OVPN_KEEPALIVE_LEN,
			GFP_ATOMIC);
	if (!skb) {
		nf_ovpn_dp_count(peer->inst, peer, NF_OVPN_A_STATS_DROP_NOMEM,
				 1);
		return -ENOMEM;
	}
	skb_reserve(skb, NF_OVPN_TX_HEADROOM);
	skb_put_data(skb, nf_ovpn_keepalive_msg, NF_OVPN_KEEPALIVE_LEN);

	local_bh_disable();
	rcu_read_lock();
	key = rcu_dereference(peer->keys[NF_OVPN_KEY_SLOT_PRIMARY]);
	if (key) {
		err = tx_encrypt(peer, key, skb, NF_OVPN_CB_KEEPALIVE);
	} else {
		kfree_skb(skb);
		err = -ENOKEY;
	}
	rcu_read_unlock();
	local_bh_enable();
	return err;
}

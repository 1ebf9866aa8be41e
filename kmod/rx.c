// SPDX-License-Identifier: GPL-2.0
/*
 * nf_ovpn: receive.  A LOCAL_IN hook takes OpenVPN data packets addressed
 * to an instance's UDP socket, decrypts them in place and injects the
 * inner packet into the instance's tun device as if tun had received it.
 * Everything it does not handle goes on to the socket (userspace OpenVPN)
 * untouched: control packets, unknown peers, key-ids the kernel does not
 * hold.  A data packet of a key the kernel holds never does, whatever its
 * shape (IP padding, a GRO train): userspace's replay window for that key
 * is stale, so such a packet could be a replay.
 *
 * Order of checks (proto.h has the wire format):
 *   hook:  outer UDP to an instance -> GRO train split into datagrams
 *          (each takes this path) -> UDP length, padding trimmed ->
 *          UDP checksum -> header parse ->
 *          peer -> key -> pieces bound -> replay hint (no lock, may
 *          drop early) ->
 *          references -> confirm conntrack -> steal -> decrypt
 *   done:  tag verified -> authoritative replay check under rx_lock ->
 *          last_rx, float -> keepalive? -> inner IP sane -> anti-spoof
 *          -> strip outer, scrub -> GRO cell of tun
 * The replay window is only written for packets whose tag verified, so a
 * forged packet can never move it.
 *
 * Checksum of the injected packet: CHECKSUM_NONE.  The AEAD tag proves
 * the bytes are what the peer sent, not that the inner packet was intact
 * when the peer (or a host behind its iroute) put it into the tunnel;
 * stock OpenVPN's tun leaves the inner checksums to the stack, and so do
 * we.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>

#include "compat.h"
#include "crypto.h"
#include "ct.h"
#include "datapath.h"
#include "instance.h"
#include "peer.h"
#include "proto.h"

/* where the outer UDP header starts (from skb->data), or -1: not UDP */
static int outer_udp_offset(struct sk_buff *skb, u8 pf)
{
	int nhoff = skb_network_offset(skb);

	const struct iphdr *iph = ip_hdr(skb);
	__be16 frag_off;
	u8 nexthdr;
	int off;

	if (pf == NFPROTO_IPV4) {
		if (iph->protocol != IPPROTO_UDP || ip_is_fragment(iph))
			return -1;
		return nhoff + ip_hdrlen(skb);
	}

	nexthdr = ipv6_hdr(skb)->nexthdr;
	off = ipv6_skip_exthdr(skb, nhoff + sizeof(struct ipv6hdr), &nexthdr,
			       &frag_off);
	if (off < 0 || nexthdr != IPPROTO_UDP || frag_off)
		return -1;
	return off;
}

/* the outer source as an endpoint; @uh_off is the UDP header offset */
static void outer_source(struct sk_buff *skb, unsigned int uh_off,
			 struct nf_ovpn_endpoint *from)
{
	const struct udphdr *uh = (const struct udphdr *)(skb->data + uh_off);

	memset(from, 0, sizeof(*from));
	from->port = uh->source;
	if (ip_hdr(skb)->version == 4) {
		from->family = AF_INET;
		from->addr.ip4 = ip_hdr(skb)->saddr;
	} else {
		from->family = AF_INET6;
		from->addr.ip6 = ipv6_hdr(skb)->saddr;
		from->scope_id = ipv6_iface_scope_id(&from->addr.ip6,
						     skb->skb_iif);
	}
}

/* the local address the peer sent to (port left 0: the instance's) */
static void outer_dest(struct sk_buff *skb, struct nf_ovpn_endpoint *to)
{
	memset(to, 0, sizeof(*to));
	if (ip_hdr(skb)->version == 4) {
		to->family = AF_INET;
		to->addr.ip4 = ip_hdr(skb)->daddr;
	} else {
		to->family = AF_INET6;
		to->addr.ip6 = ipv6_hdr(skb)->daddr;
		to->scope_id = ipv6_iface_scope_id(&to->addr.ip6,
						   skb->skb_iif);
	}
}

/*
 * P_DATA_V1 in server mode carries no peer-id: the outer flow's conntrack
 * tag names the peer once it is known; until then, look the sender up in
 * the instance's table of remote endpoints (one hashed bucket, whatever
 * the number of peers) and remember it in the tag.
 */
static struct nf_ovpn_peer *v1_peer_rcu(struct nf_ovpn_inst *inst,
					struct nf_conn *ct,
					const struct nf_ovpn_endpoint *from)
{
	struct nf_ovpn_ct_tag tag;
	struct nf_ovpn_peer *peer;

	if (ct && nf_ovpn_ct_tag_get(ct, &tag) &&
	    tag.role == NF_OVPN_CT_OUTER && tag.inst_id == inst->id &&
	    tag.peer_id < NF_OVPN_PEER_ID_UNDEF) {
		peer = nf_ovpn_peer_by_id_rcu(inst, tag.peer_id);
		if (peer && peer->gen == tag.peer_gen)
			return peer;
	}

	peer = nf_ovpn_peer_by_remote_rcu(inst, from);
	if (peer && ct)
		nf_ovpn_ct_tag_update(ct, peer->id, peer->gen, 0);
	return peer;
}

static struct nf_ovpn_peer *rx_peer_rcu(struct nf_ovpn_inst *inst,
					struct sk_buff *skb,
					const struct nf_ovpn_hdr *hdr,
					unsigned int uh_off)
{
	struct nf_ovpn_endpoint from;
	enum ip_conntrack_info ctinfo;

	if (inst->mode == NF_OVPN_MODE_P2P)
		return nf_ovpn_peer_p2p_rcu(inst);
	if (hdr->opcode == NF_OVPN_OP_DATA_V2)
		return nf_ovpn_peer_by_id_rcu(inst, hdr->peer_id);

	outer_source(skb, uh_off, &from);
	return v1_peer_rcu(inst, nf_ct_get(skb, &ctinfo), &from);
}

static struct nf_ovpn_key *rx_key_rcu(struct nf_ovpn_peer *peer, u8 key_id)
{
	struct nf_ovpn_key *key;
	int i;

	for (i = 0; i < ARRAY_SIZE(peer->keys); i++) {
		key = rcu_dereference(peer->keys[i]);
		if (key && key->key_id == key_id)
			return key;
	}
	return NULL;
}

/* a new outer flow to the instance's port: remember it is ours */
static void tag_outer(struct sk_buff *skb, struct nf_ovpn_inst *inst,
		      struct nf_ovpn_peer *peer)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || nf_ct_is_confirmed(ct))
		return;
	nf_ovpn_ct_tag_new(ct, NF_OVPN_CT_OUTER, inst->id,
			   peer ? peer->id : NF_OVPN_PEER_ID_UNDEF,
			   peer ? peer->gen : 0, 0, 0);
}

/* p2p: the one peer may send from anywhere (it routes the internet to
 * us with redirect-gateway); server: only its VPN addresses and iroutes
 */
static bool rx_owns(struct nf_ovpn_peer *peer, u8 family, const void *saddr)
{
	return peer->inst->mode == NF_OVPN_MODE_P2P ||
	       nf_ovpn_peer_owns_addr_rcu(peer, family, saddr);
}

/* the inner packet after the OpenVPN header: sane IP, source the peer's */
static int rx_check_inner(struct sk_buff *skb, struct nf_ovpn_peer *peer,
			  __be16 *proto)
{
	unsigned int len = skb->len;

	if (!pskb_may_pull(skb, 1))
		return NF_OVPN_A_STATS_DROP_MALFORMED;

	switch (skb->data[0] >> 4) {
	case 4: {
		const struct iphdr *iph;

		if (!pskb_may_pull(skb, sizeof(*iph)))
			return NF_OVPN_A_STATS_DROP_MALFORMED;
		iph = (const struct iphdr *)skb->data;
		if (iph->ihl < 5 || ntohs(iph->tot_len) < iph->ihl * 4 ||
		    ntohs(iph->tot_len) > len)
			return NF_OVPN_A_STATS_DROP_MALFORMED;
		if (!rx_owns(peer, AF_INET, &iph->saddr))
			return NF_OVPN_A_STATS_DROP_SPOOF;
		*proto = htons(ETH_P_IP);
		return 0;
	}
	case 6: {
		const struct ipv6hdr *ip6h;

		if (!pskb_may_pull(skb, sizeof(*ip6h)))
			return NF_OVPN_A_STATS_DROP_MALFORMED;
		ip6h = (const struct ipv6hdr *)skb->data;
		if (sizeof(*ip6h) + ntohs(ip6h->payload_len) > len)
			return NF_OVPN_A_STATS_DROP_MALFORMED;
		if (!rx_owns(peer, AF_INET6, &ip6h->saddr))
			return NF_OVPN_A_STATS_DROP_SPOOF;
		*proto = htons(ETH_P_IPV6);
		return 0;
	}
	default:
		return NF_OVPN_A_STATS_DROP_MALFORMED;
	}
}

/*
 * The decrypted packet: returns 0 once @skb was consumed (delivered or a
 * keepalive), else the drop counter; the caller frees @skb then.
 */
static unsigned int rx_deliver(struct sk_buff *skb, int err)
{
	struct nf_ovpn_skb_cb *cb = nf_ovpn_skb_cb(skb);
	struct nf_ovpn_peer *peer = cb->peer;
	struct nf_ovpn_inst *inst = peer->inst;
	struct nf_ovpn_key *key = cb->key;
	struct nf_ovpn_endpoint from, to;
	unsigned int outer_len, len;
	struct net_device *dev;
	__be16 proto;
	int ret;

	if (err == -EBADMSG)
		return NF_OVPN_A_STATS_DROP_AUTH;
	if (err == -EINVAL)
		return NF_OVPN_A_STATS_DROP_MALFORMED;
	if (err == -E2BIG)
		return NF_OVPN_A_STATS_DROP_FRAGMENTS;
	if (err)
		return NF_OVPN_A_STATS_DROP_NOMEM;

	spin_lock_bh(&key->rx_lock);
	if (unlikely(key->rx_closed))
		err = -ENOKEY;
	else
		err = nf_ovpn_replay_check_and_update(&key->rx, cb->pktid);
	spin_unlock_bh(&key->rx_lock);
	if (err == -ENOKEY)
		return NF_OVPN_A_STATS_DROP_NO_KEY;
	if (err)
		return NF_OVPN_A_STATS_DROP_REPLAY;

	/* authenticated and fresh: the peer is alive and may have moved,
	 * but not onto another peer's address (OpenVPN refuses that too)
	 */
	outer_source(skb, cb->off - sizeof(struct udphdr), &from);
	outer_dest(skb, &to);
	if (!nf_ovpn_peer_rx_from(peer, &from, &to))
		return NF_OVPN_A_STATS_DROP_FLOAT;

	outer_len = skb->len - skb_network_offset(skb);
	if (!pskb_pull(skb, cb->off + cb->hlen))
		return NF_OVPN_A_STATS_DROP_MALFORMED;
	len = skb->len;

	if (len == NF_OVPN_KEEPALIVE_LEN && pskb_may_pull(skb, len) &&
	    nf_ovpn_is_keepalive(skb->data, len)) {
		nf_ovpn_dp_count(inst, peer, NF_OVPN_A_STATS_KEEPALIVE_RX, 1);
		consume_skb(skb);
		return 0;
	}

	ret = rx_check_inner(skb, peer, &proto);
	if (ret)
		return ret;

	dev = inst->dev;
	if (READ_ONCE(inst->dead) || !dev)
		return NF_OVPN_A_STATS_DROP_NO_ROUTE;

	/* now it is a packet tun received: nothing of the outer one stays
	 * (early demux may have attached the OpenVPN socket: orphan it)
	 */
	skb_orphan(skb);
	skb_scrub_packet(skb, true);
	/* the outer flow's hash and RX queue would make every flow of the
	 * client one flow to RPS, fq and the like: let them hash the inner
	 * packet
	 */
	skb_clear_hash(skb);
	skb_set_queue_mapping(skb, 0);
	skb->dev = dev;
	skb->protocol = proto;
	skb->pkt_type = PACKET_HOST;
	skb->ip_summed = CHECKSUM_NONE;
	skb_reset_mac_header(skb);
	skb_reset_network_header(skb);
	skb_reset_transport_header(skb);
	skb->mac_len = 0;

	/* GRO merges a flow's packets before the stack sees them.  In an
	 * RCU section, which the instance's removal waits for before it
	 * destroys the cells; BH off: an async completion may come from a
	 * worker, and the cells are per CPU
	 */
	local_bh_disable();
	ret = gro_cells_receive(&inst->gro_cells, skb);
	local_bh_enable();
	if (ret == NET_RX_SUCCESS) {
		nf_ovpn_dp_count(inst, peer, NF_OVPN_A_STATS_RX_PACKETS, 1);
		nf_ovpn_dp_count(inst, peer, NF_OVPN_A_STATS_RX_BYTES, len);
		nf_ovpn_dp_count(inst, peer, NF_OVPN_A_STATS_RX_OUTER_BYTES,
				 outer_len);
		nf_ovpn_dev_rx_add(dev, len);
	}
	/* else: the cells freed it and counted it on the device */
	return 0;
}

/* the AEAD completion for RX; owns @skb and the references in its cb */
static void rx_done(struct sk_buff *skb, int err)
{
	struct nf_ovpn_skb_cb *cb = nf_ovpn_skb_cb(skb);
	struct nf_ovpn_peer *peer = cb->peer;
	struct nf_ovpn_key *key = cb->key;
	unsigned int drop;

	rcu_read_lock();
	drop = rx_deliver(skb, err);
	if (drop) {
		nf_ovpn_dp_count(peer->inst, peer, drop, 1);
		net_dbg_ratelimited("ifindex %d peer %u: RX drop (counter %u, err %d)\n",
				    peer->inst->ifindex, peer->id,
				    drop, err);
		kfree_skb(skb);
	}
	nf_ovpn_key_put(key);
	nf_ovpn_peer_put(peer);
	rcu_read_unlock();
}

static unsigned int rx_inst(struct nf_ovpn_inst *inst, struct sk_buff *skb,
			    const struct nf_hook_state *state,
			    unsigned int uh_off);

/*
 * A UDP GRO train (the device has rx-gro-list or rx-udp-gro-forwarding on
 * and the socket did not ask for UDP_GRO): split it as the UDP stack would
 * and give each datagram the path it takes alone, so that no data packet
 * of a key the kernel holds reaches userspace.  A datagram for the slow
 * path goes on past this hook by itself, confirmed first as the conntrack
 * hook after ours would have done; the train is consumed.
 */
static unsigned int rx_gso(struct nf_ovpn_inst *inst, struct sk_buff *skb,
			   const struct nf_hook_state *state,
			   unsigned int uh_off)
{
	netdev_features_t features = NETIF_F_SG | NETIF_F_IP_CSUM |
				     NETIF_F_IPV6_CSUM;
	struct sk_buff *segs, *seg, *next;
	unsigned int verdict;

	/* UFO is not a receive format: the UDP stack drops it too */
	if (skb_shinfo(skb)->gso_type & SKB_GSO_UDP)
		return NF_ACCEPT;
	/* segmentation starts at the link-layer header, as in UDP's own */
	__skb_push(skb, -skb_mac_offset(skb));
	segs = __skb_gso_segment(skb, features, false);
	if (IS_ERR_OR_NULL(segs)) {
		__skb_pull(skb, skb_network_offset(skb));
		nf_ovpn_dp_count(inst, NULL, NF_OVPN_A_STATS_DROP_NOMEM, 1);
		return NF_DROP;
	}
	consume_skb(skb);

	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		__skb_pull(seg, skb_network_offset(seg));
		verdict = rx_inst(inst, seg, state, uh_off);
		if (verdict == NF_ACCEPT)
			verdict = nf_ovpn_ct_confirm(seg, state);
		if (verdict == NF_ACCEPT)
			state->okfn(state->net, state->sk, seg);
		else if (verdict != NF_STOLEN)
			kfree_skb(seg);
	}
	return NF_STOLEN;
}

/* a packet to @inst's socket; skb->data is at the outer network header */
static unsigned int rx_inst(struct nf_ovpn_inst *inst, struct sk_buff *skb,
			    const struct nf_hook_state *state,
			    unsigned int uh_off)
{
	unsigned int off = uh_off + sizeof(struct udphdr);
	struct nf_ovpn_peer *peer = NULL;
	struct nf_ovpn_skb_cb *cb;
	struct nf_ovpn_key *key;
	struct nf_ovpn_hdr hdr;
	unsigned int plen, ulen, verdict;
	const struct udphdr *uh;
	int err;

	if (skb_is_gso(skb))
		return rx_gso(inst, skb, state, uh_off);
	uh = (const struct udphdr *)(skb->data + uh_off);
	ulen = ntohs(uh->len);
	/* shorter than its header or longer than the packet: the UDP stack
	 * drops and counts it
	 */
	if (ulen < sizeof(*uh) || ulen > skb->len - uh_off)
		return NF_ACCEPT;
	/*
	 * Bytes after the datagram (IP padding) are not part of it: the UDP
	 * stack trims them, and so do we, or a captured data packet padded
	 * and resent would pass to userspace, whose replay window does not
	 * follow the kernel's.  Trimmed here, the datagram is what the UDP
	 * stack would deliver; the IP header's length is left alone, as the
	 * stack leaves it.
	 */
	if (ulen != skb->len - uh_off) {
		if (pskb_trim_rcsum(skb, uh_off + ulen)) {
			nf_ovpn_dp_count(inst, NULL,
					 NF_OVPN_A_STATS_DROP_NOMEM, 1);
			return NF_DROP;
		}
		uh = (const struct udphdr *)(skb->data + uh_off);
	}
	/* a corrupt datagram is the UDP stack's to drop and count */
	if ((state->pf == NFPROTO_IPV6 || uh->check) &&
	    nf_checksum(skb, state->hook, uh_off, IPPROTO_UDP, state->pf))
		return NF_ACCEPT;

	plen = skb->len - off;
	if (!pskb_may_pull(skb, off + min_t(unsigned int, plen,
					    NF_OVPN_MAX_HLEN)))
		goto slow;
	err = nf_ovpn_parse_hdr(skb->data + off, plen, &hdr);
	if (err == -EINVAL) {
		/* control channel: userspace's */
		tag_outer(skb, inst, NULL);
		return NF_ACCEPT;
	}
	if (err) {
		nf_ovpn_dp_count(inst, NULL, NF_OVPN_A_STATS_DROP_MALFORMED, 1);
		return NF_DROP;
	}

	peer = rx_peer_rcu(inst, skb, &hdr, uh_off);
	tag_outer(skb, inst, peer);
	if (!peer)
		goto slow;
	key = rx_key_rcu(peer, hdr.key_id);
	if (!key)
		goto slow;
	/*
	 * AEAD keeps the length: a payload shorter than an IPv4 header that is
	 * not a keepalive ping is one of OpenVPN's own data-channel messages
	 * (OCC request/exit, e.g. --explicit-exit-notify).  Userspace still
	 * holds the decrypt key: let it have the packet as it came.
	 */
	if (hdr.ct_len < sizeof(struct iphdr) &&
	    hdr.ct_len != NF_OVPN_KEEPALIVE_LEN)
		goto slow;

	/* before any allocation for the crypto: a bounded scatterlist */
	if (!nf_ovpn_aead_pieces_ok(skb)) {
		nf_ovpn_dp_count(inst, peer, NF_OVPN_A_STATS_DROP_FRAGMENTS, 1);
		return NF_DROP;
	}

	/* early, lock-free replay hint: spare the crypto for old packets */
	if (nf_ovpn_replay_check(&key->rx, hdr.pktid)) {
		nf_ovpn_dp_count(inst, peer, NF_OVPN_A_STATS_DROP_REPLAY, 1);
		return NF_DROP;
	}

	/* leaving RCU for (possibly async) crypto: own references */
	if (!nf_ovpn_peer_hold(peer))
		goto slow;
	if (!nf_ovpn_key_hold(key)) {
		nf_ovpn_peer_put(peer);
		goto slow;
	}

	/* a stolen packet never reaches the CONFIRM hook */
	verdict = nf_ovpn_ct_confirm(skb, state);
	if (verdict != NF_ACCEPT) {
		nf_ovpn_key_put(key);
		nf_ovpn_peer_put(peer);
		return verdict;
	}

	cb = nf_ovpn_skb_cb(skb);
	memset(cb, 0, sizeof(*cb));
	cb->peer = peer;
	cb->key = key;
	cb->pktid = hdr.pktid;
	cb->off = off;
	cb->hlen = hdr.ct_off;
	nf_ovpn_aead_decrypt(skb, &hdr, rx_done);
	return NF_STOLEN;

slow:
	nf_ovpn_dp_count(inst, peer, NF_OVPN_A_STATS_RX_SLOW, 1);
	return NF_ACCEPT;
}

unsigned int nf_ovpn_rx_hook(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct nf_ovpn_inst *inst;
	const struct udphdr *uh;
	const void *daddr;
	int uh_off;
	u8 family;

	if (skb->pkt_type != PACKET_HOST)
		return NF_ACCEPT;
	uh_off = outer_udp_offset(skb, state->pf);
	if (uh_off < 0 || !pskb_may_pull(skb, uh_off + sizeof(*uh)))
		return NF_ACCEPT;
	uh = (const struct udphdr *)(skb->data + uh_off);

	if (state->pf == NFPROTO_IPV4) {
		family = AF_INET;
		daddr = &ip_hdr(skb)->daddr;
	} else {
		family = AF_INET6;
		daddr = &ipv6_hdr(skb)->daddr;
	}
	inst = nf_ovpn_inst_by_sock_rcu(state->net, state->in, family, daddr,
					uh->dest);
	if (!inst)
		return NF_ACCEPT;
	return rx_inst(inst, skb, state, uh_off);
}

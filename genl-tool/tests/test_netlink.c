// SPDX-License-Identifier: GPL-2.0
/*
 * Request building, reply parsing, extack decoding and error messages,
 * without the module: messages are built in memory.  One live test talks
 * to the kernel's nlctrl family to exercise the socket path.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "attrnames.h"
#include "cmds.h"
#include "harness.h"
#include "msg.h"
#include "nl.h"
#include "parse.h"

#define FAKE_FAMILY 0x42

static struct nl_msg *new_msg(uint8_t cmd)
{
	struct nl_msg *m = nlmsg_alloc_size(NFO_MSG_SIZE);

	genlmsg_put(m, 0, 0, FAKE_FAMILY, 0, 0, cmd, 1);
	return m;
}

static struct nfo_cmd cmdline(const char *line)
{
	static char buf[1024];
	char *argv[64], *tok, *save;
	struct nfo_cmd cmd;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	argv[argc++] = "nfovpn";
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	if (nfo_args_parse(argc, argv, &cmd) != NFO_RUN)
		printf("# bad test command line '%s': %s\n", line, cmd.err);
	return cmd;
}

/* find top-level attribute type in a genetlink message */
static struct nlattr *top_attr(struct nl_msg *m, int type)
{
	return nla_find(genlmsg_attrdata(nlmsg_data(nlmsg_hdr(m)), 0),
			genlmsg_attrlen(nlmsg_data(nlmsg_hdr(m)), 0), type);
}

static void msg_inst_new_roundtrip(void)
{
	struct nfo_cmd cmd = cmdline("instance add tun0 port 1194 local 192.0.2.1 local 2001:db8::1 mode p2p");
	struct nl_msg *m = new_msg(NF_OVPN_CMD_INST_NEW);
	struct nfo_inst in;
	struct nlattr *nest;

	CHECK(nfo_msg_inst_new(m, 5, &cmd.inst, 0) == 0);
	nest = top_attr(m, NF_OVPN_A_INST);
	CHECK(nest && (nest->nla_type & NLA_F_NESTED));
	CHECK(nfo_parse_inst_msg(nlmsg_hdr(m), &in) == 0);
	CHECK(in.ifindex == 5);
	CHECK(in.has_mode && in.mode == NF_OVPN_MODE_P2P);
	CHECK(in.has_port && in.port == 1194);
	CHECK(in.local4.family == AF_INET && in.local6.family == AF_INET6);
	/* LOCAL_PORT is big endian on the wire */
	CHECK(((uint8_t *)nla_data(nla_find(nla_data(nest), nla_len(nest),
					    NF_OVPN_A_INST_LOCAL_PORT)))[0] ==
	      1194 >> 8);
	CHECK(!in.mark && !in.bind_ifindex);
	nlmsg_free(m);

	cmd = cmdline("instance add tun0 port 1194 mark 0x10 bind-dev eth0");
	CHECK(cmd.inst.mark == 16 && !strcmp(cmd.inst.bind_dev, "eth0"));
	m = new_msg(NF_OVPN_CMD_INST_NEW);
	CHECK(nfo_msg_inst_new(m, 5, &cmd.inst, 3) == 0);
	CHECK(nfo_parse_inst_msg(nlmsg_hdr(m), &in) == 0);
	CHECK(in.mark == 16 && in.bind_ifindex == 3);
	nlmsg_free(m);
}

static void msg_peer_roundtrip(void)
{
	struct nfo_cmd cmd = cmdline("peer add tun0 77 remote fe80::1%7 1194 local fe80::2 vpn-ip 10.8.0.6 vpn-ip fd00::6 iroute 10.1.0.0/24 iroute fd00:1::/64 keepalive 10 60");
	struct nl_msg *m = new_msg(NF_OVPN_CMD_PEER_NEW);
	struct nfo_peer p;

	CHECK(nfo_msg_peer(m, 5, cmd.peer_id, &cmd.peer, 7) == 0);
	CHECK(nfo_parse_peer_msg(nlmsg_hdr(m), &p) == 0);
	CHECK(p.ifindex == 5 && p.has_id && p.id == 77);
	CHECK(p.remote.family == AF_INET6 && p.remote_scope_id == 7);
	CHECK(p.has_remote_port && p.remote_port == 1194);
	CHECK(p.local6.family == AF_INET6 && !p.local4.family);
	CHECK(p.vpn4.family == AF_INET && p.vpn6.family == AF_INET6);
	CHECK(p.n_iroutes == 2);
	CHECK(p.n_iroutes == 2 && p.iroutes[0].prefixlen == 24 &&
	      p.iroutes[1].addr.family == AF_INET6 &&
	      p.iroutes[1].prefixlen == 64);
	CHECK(p.has_ka_interval && p.ka_interval == 10 && p.ka_timeout == 60);
	nfo_peer_free(&p);
	nlmsg_free(m);

	/* peer del carries only the id */
	m = new_msg(NF_OVPN_CMD_PEER_DEL);
	CHECK(nfo_msg_peer(m, 5, 77, NULL, 0) == 0);
	CHECK(nfo_parse_peer_msg(nlmsg_hdr(m), &p) == 0);
	CHECK(p.id == 77 && !p.remote.family && !p.has_ka_interval);
	nlmsg_free(m);
}

static void msg_max_iroutes_fit(void)
{
	struct nfo_peer_opts o = { 0 };
	struct nl_msg *m = new_msg(NF_OVPN_CMD_PEER_SET);
	struct nfo_peer p;
	size_t i;

	for (i = 0; i < NF_OVPN_MAX_IROUTES; i++) {
		o.iroutes[i].addr.family = AF_INET6;
		o.iroutes[i].addr.a[0] = 0xfd;
		o.iroutes[i].addr.a[1] = (uint8_t)i;
		o.iroutes[i].prefixlen = 16;
	}
	o.n_iroutes = NF_OVPN_MAX_IROUTES;
	CHECK(nfo_msg_peer(m, 1, 1, &o, 0) == 0);
	CHECK(nfo_parse_peer_msg(nlmsg_hdr(m), &p) == 0);
	CHECK(p.n_iroutes == NF_OVPN_MAX_IROUTES);
	nfo_peer_free(&p);
	nlmsg_free(m);
}

static struct nfo_keyfile sample_kf(void)
{
	struct nfo_keyfile kf = { .cipher = NF_OVPN_CIPHER_AES_GCM };

	kf.encrypt.key_len = kf.decrypt.key_len = 32;
	memset(kf.encrypt.key, 0xaa, 32);
	memset(kf.decrypt.key, 0xbb, 32);
	memset(kf.encrypt.nonce_tail, 1, 8);
	memset(kf.decrypt.nonce_tail, 2, 8);
	return kf;
}

static void msg_key_new(void)
{
	struct nfo_cmd cmd = cmdline("key add tun0 5 slot secondary key-id 3 tx-pktid 100 key-file -");
	struct nfo_keyfile kf = sample_kf();
	struct nl_msg *m = new_msg(NF_OVPN_CMD_KEY_NEW);
	struct nlattr *kc, *dir, *key;
	struct nfo_key k;
	uint32_t ifindex;

	CHECK(nfo_msg_key_new(m, 5, cmd.peer_id, &cmd.key, &kf) == 0);
	CHECK(nfo_parse_key_msg(nlmsg_hdr(m), &ifindex, &k) == 0);
	CHECK(ifindex == 5 && k.peer_id == 5);
	CHECK(k.has_slot && k.slot == NF_OVPN_KEY_SLOT_SECONDARY);
	CHECK(k.key_id == 3 && k.cipher == NF_OVPN_CIPHER_AES_GCM);
	CHECK(k.has_tx_pktid && k.tx_pktid == 100 && !k.has_rx_pktid);
	kc = top_attr(m, NF_OVPN_A_KEYCONF);
	dir = kc ? nla_find(nla_data(kc), nla_len(kc),
			    NF_OVPN_A_KEYCONF_DECRYPT_DIR) : NULL;
	CHECK(dir && (dir->nla_type & NLA_F_NESTED));
	key = dir ? nla_find(nla_data(dir), nla_len(dir),
			     NF_OVPN_A_KEYDIR_CIPHER_KEY) : NULL;
	CHECK(key && nla_len(key) == 32 &&
	      ((uint8_t *)nla_data(key))[0] == 0xbb);
	nlmsg_free(m);

	m = new_msg(NF_OVPN_CMD_KEY_DEL);
	CHECK(nfo_msg_keyconf(m, 5, 9, true, NF_OVPN_KEY_SLOT_PRIMARY) == 0);
	CHECK(nfo_parse_key_msg(nlmsg_hdr(m), &ifindex, &k) == 0);
	CHECK(k.peer_id == 9 && k.has_slot && k.slot == 0 && !k.has_key_id);
	nlmsg_free(m);
}

/* offset of attribute a inside message m */
static uint32_t off_of(struct nl_msg *m, const struct nlattr *a)
{
	return (uint32_t)((const uint8_t *)a - (const uint8_t *)nlmsg_hdr(m));
}

static void attr_names_from_offsets(void)
{
	struct nfo_cmd cmd = cmdline("key add tun0 5 slot primary key-id 0 key-file -");
	struct nfo_keyfile kf = sample_kf();
	struct nl_msg *m = new_msg(NF_OVPN_CMD_KEY_NEW);
	struct nlattr *kc, *dir, *key;
	char buf[96];

	nfo_msg_key_new(m, 5, 5, &cmd.key, &kf);
	kc = top_attr(m, NF_OVPN_A_KEYCONF);
	dir = nla_find(nla_data(kc), nla_len(kc), NF_OVPN_A_KEYCONF_ENCRYPT_DIR);
	key = nla_find(nla_data(dir), nla_len(dir), NF_OVPN_A_KEYDIR_CIPHER_KEY);

	CHECK(nfo_attr_at(nlmsg_hdr(m), off_of(m, key), buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "KEYCONF.ENCRYPT_DIR.CIPHER_KEY");
	CHECK(nfo_attr_at(nlmsg_hdr(m), off_of(m, kc), buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "KEYCONF");
	CHECK(nfo_attr_at(nlmsg_hdr(m), off_of(m, top_attr(m, NF_OVPN_A_IFINDEX)),
			  buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "IFINDEX");
	CHECK(nfo_attr_at(nlmsg_hdr(m), off_of(m, key) + 1, buf, sizeof(buf)) ==
	      -1);
	CHECK(nfo_attr_missing(nlmsg_hdr(m), off_of(m, dir),
			       NF_OVPN_A_KEYDIR_NONCE_TAIL, buf,
			       sizeof(buf)) == 0);
	CHECK_STR(buf, "KEYCONF.ENCRYPT_DIR.NONCE_TAIL");
	CHECK(nfo_attr_missing(nlmsg_hdr(m), 0, NF_OVPN_A_IFINDEX, buf,
			       sizeof(buf)) == 0);
	CHECK_STR(buf, "IFINDEX");
	CHECK(nfo_attr_missing(nlmsg_hdr(m), off_of(m, kc), 77, buf,
			       sizeof(buf)) == 0);
	CHECK_STR(buf, "KEYCONF.#77");
	nlmsg_free(m);

	m = new_msg(NF_OVPN_CMD_PEER_NEW);
	cmd = cmdline("peer add tun0 1 remote 1.2.3.4 5 iroute 10.0.0.0/8 iroute 10.1.0.0/16");
	nfo_msg_peer(m, 1, 1, &cmd.peer, 0);
	{
		struct nlattr *peer = top_attr(m, NF_OVPN_A_PEER), *a, *ir = NULL;
		int rem;

		nla_for_each_nested(a, peer, rem)
			if (nla_type(a) == NF_OVPN_A_PEER_IROUTE)
				ir = a;	/* the second one */
		a = nla_find(nla_data(ir), nla_len(ir),
			     NF_OVPN_A_IROUTE_PREFIXLEN);
		CHECK(nfo_attr_at(nlmsg_hdr(m), off_of(m, a), buf,
				  sizeof(buf)) == 0);
		CHECK_STR(buf, "PEER.IROUTE.PREFIXLEN");
	}
	nlmsg_free(m);
}

/* build an NLMSG_ERROR as the kernel would, echoing req unless capped */
static size_t make_ack(uint8_t *buf, const struct nlmsghdr *req, int error,
		       bool capped, const char *text, uint32_t bad_off)
{
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = (struct nlmsgerr *)(buf + NLMSG_HDRLEN);
	size_t len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*e));
	struct nlattr *a;

	memset(buf, 0, 8192);
	h->nlmsg_type = NLMSG_ERROR;
	h->nlmsg_flags = NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0);
	e->error = error;
	e->msg = *req;
	if (!capped) {
		memcpy(buf + len, (const uint8_t *)req + NLMSG_HDRLEN,
		       req->nlmsg_len - NLMSG_HDRLEN);
		len += NLMSG_ALIGN(req->nlmsg_len - NLMSG_HDRLEN);
	}
	a = (struct nlattr *)(buf + len);
	a->nla_type = NLMSGERR_ATTR_MSG;
	a->nla_len = (uint16_t)(NLA_HDRLEN + strlen(text) + 1);
	strcpy((char *)a + NLA_HDRLEN, text);
	len += NLA_ALIGN(a->nla_len);
	a = (struct nlattr *)(buf + len);
	a->nla_type = NLMSGERR_ATTR_OFFS;
	a->nla_len = NLA_HDRLEN + 4;
	memcpy((char *)a + NLA_HDRLEN, &bad_off, 4);
	len += NLA_HDRLEN + 4;
	h->nlmsg_len = (uint32_t)len;
	return len;
}

static void extack_decoding(void)
{
	struct nfo_cmd cmd = cmdline("peer add tun0 3 remote 1.2.3.4 1194 keepalive 1 2");
	struct nl_msg *m = new_msg(NF_OVPN_CMD_PEER_NEW);
	struct nfo_nl_err err;
	struct nlattr *peer, *port;
	uint8_t buf[8192];
	int capped;

	nfo_msg_peer(m, 4, 3, &cmd.peer, 0);
	peer = top_attr(m, NF_OVPN_A_PEER);
	port = nla_find(nla_data(peer), nla_len(peer),
			NF_OVPN_A_PEER_REMOTE_PORT);
	for (capped = 0; capped <= 1; capped++) {
		memset(&err, 0, sizeof(err));
		make_ack(buf, nlmsg_hdr(m), -EINVAL, capped,
			 "port 1194 is not ours", off_of(m, port));
		nfo_nl_parse_extack((struct nlmsghdr *)buf, nlmsg_hdr(m), &err);
		CHECK_STR(err.msg, "port 1194 is not ours");
		CHECK_STR(err.attr, "PEER.REMOTE_PORT");
	}
	/* without NLM_F_ACK_TLVS nothing is read */
	((struct nlmsghdr *)buf)->nlmsg_flags = 0;
	memset(&err, 0, sizeof(err));
	nfo_nl_parse_extack((struct nlmsghdr *)buf, nlmsg_hdr(m), &err);
	CHECK(!err.msg[0] && !err.attr[0]);
	nlmsg_free(m);
}

static void error_messages(void)
{
	struct nfo_nl_err err = { .code = ENOENT };
	char buf[512];
	struct nfo_cmd cmd;

	cmd = cmdline("peer del tun0 5");
	nfo_describe_error(&cmd, &err, buf, sizeof(buf));
	CHECK_STR(buf, "no such peer 5 on tun0");

	cmd = cmdline("key get tun0 5 slot secondary");
	strcpy(err.attr, "KEYCONF.SLOT");
	nfo_describe_error(&cmd, &err, buf, sizeof(buf));
	CHECK_STR(buf, "no key in slot secondary of peer 5 on tun0");

	strcpy(err.attr, "IFINDEX");
	nfo_describe_error(&cmd, &err, buf, sizeof(buf));
	CHECK_STR(buf, "no nf_ovpn instance on tun0");

	err.attr[0] = '\0';
	cmd = cmdline("instance del tun0");
	nfo_describe_error(&cmd, &err, buf, sizeof(buf));
	CHECK_STR(buf, "no nf_ovpn instance on tun0");

	err.code = EPERM;
	cmd = cmdline("peer add tun0 1 remote 1.2.3.4 1");
	nfo_describe_error(&cmd, &err, buf, sizeof(buf));
	CHECK(strstr(buf, "CAP_NET_ADMIN") != NULL);

	err.code = EEXIST;
	nfo_describe_error(&cmd, &err, buf, sizeof(buf));
	CHECK_STR(buf, "peer 1 already exists on tun0");

	err.code = EINVAL;
	nfo_describe_error(&cmd, &err, buf, sizeof(buf));
	CHECK_STR(buf, "Invalid argument");
}

static void parse_event_and_reply(void)
{
	struct nl_msg *m = new_msg(NF_OVPN_CMD_PEER_DEL_NTF);
	struct nlattr *peer, *kc, *st;
	struct nfo_event ev;
	struct nfo_status status;

	nla_put_u32(m, NF_OVPN_A_IFINDEX, 5);
	peer = nla_nest_start(m, NF_OVPN_A_PEER | NLA_F_NESTED);
	nla_put_u32(m, NF_OVPN_A_PEER_ID, 7);
	nla_put_u32(m, NF_OVPN_A_PEER_DEL_REASON, NF_OVPN_DEL_EXPIRED);
	nla_put_u32(m, 200, 1);		/* unknown: ignored */
	kc = nla_nest_start(m, NF_OVPN_A_PEER_KEYCONF | NLA_F_NESTED);
	nla_put_u32(m, NF_OVPN_A_KEYCONF_SLOT, 0);
	nla_put_u32(m, NF_OVPN_A_KEYCONF_KEY_ID, 2);
	nla_put_u32(m, NF_OVPN_A_KEYCONF_TX_PKTID, 1000);
	nla_put_u32(m, NF_OVPN_A_KEYCONF_RX_PKTID, 999);
	nla_nest_end(m, kc);
	st = nla_nest_start(m, NF_OVPN_A_PEER_STATS | NLA_F_NESTED);
	nla_put_u64(m, NF_OVPN_A_STATS_TX_BYTES, 1ULL << 40);
	nla_put_u64(m, 100, 5);		/* unknown counter: ignored */
	nla_nest_end(m, st);
	nla_nest_end(m, peer);

	CHECK(nfo_parse_event_msg(nlmsg_hdr(m), &ev) == 0);
	CHECK(ev.cmd == NF_OVPN_CMD_PEER_DEL_NTF && ev.ifindex == 5);
	CHECK(ev.has_peer && ev.peer.id == 7);
	CHECK(ev.peer.has_del_reason &&
	      ev.peer.del_reason == NF_OVPN_DEL_EXPIRED);
	CHECK(ev.peer.n_keys == 1 && ev.peer.keys[0].tx_pktid == 1000 &&
	      ev.peer.keys[0].rx_pktid == 999);
	CHECK(ev.peer.stats.present &&
	      ev.peer.stats.v[NF_OVPN_A_STATS_TX_BYTES] == 1ULL << 40);
	nfo_peer_free(&ev.peer);
	nlmsg_free(m);

	/* wrong attribute size: malformed */
	m = new_msg(NF_OVPN_CMD_PEER_GET);
	nla_put_u32(m, NF_OVPN_A_IFINDEX, 5);
	peer = nla_nest_start(m, NF_OVPN_A_PEER | NLA_F_NESTED);
	nla_put_u16(m, NF_OVPN_A_PEER_ID, 7);
	nla_nest_end(m, peer);
	CHECK(nfo_parse_event_msg(nlmsg_hdr(m), &ev) == -1);
	nlmsg_free(m);

	m = new_msg(NF_OVPN_CMD_STATUS_GET);
	st = nla_nest_start(m, NF_OVPN_A_STATUS | NLA_F_NESTED);
	nla_put_u32(m, NF_OVPN_A_STATUS_INSTANCES, 0);
	nla_put_u32(m, NF_OVPN_A_STATUS_PEERS, 1);
	nla_put_u32(m, NF_OVPN_A_STATUS_KEYS, 2);
	nla_put_string(m, NF_OVPN_A_STATUS_VERSION, "0.1");
	nla_nest_end(m, st);
	CHECK(nfo_parse_status_msg(nlmsg_hdr(m), &status) == 0);
	CHECK(status.has_instances && status.instances == 0);
	CHECK(status.peers == 1 && status.keys == 2);
	CHECK_STR(status.version, "0.1");
	CHECK(!status.has_scope);
	nlmsg_free(m);

	m = new_msg(NF_OVPN_CMD_STATUS_GET);
	st = nla_nest_start(m, NF_OVPN_A_STATUS | NLA_F_NESTED);
	nla_put_u32(m, NF_OVPN_A_STATUS_KEYS, 4);
	nla_put_u32(m, NF_OVPN_A_STATUS_SCOPE, NF_OVPN_STATUS_SCOPE_NETNS);
	nla_nest_end(m, st);
	CHECK(nfo_parse_status_msg(nlmsg_hdr(m), &status) == 0);
	CHECK(status.has_scope && status.scope == NF_OVPN_STATUS_SCOPE_NETNS);
	CHECK(status.keys == 4);
	nlmsg_free(m);
}

/* the real socket path, against the always-present nlctrl family */
static int count_reply(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(*(int *)arg)++;
	return 0;
}

static void live_nlctrl(void)
{
	struct nfo_nl nl = { 0 };
	struct nfo_nl_err err;
	struct nl_msg *m;
	int n = 0;

	if (nfo_nl_connect(&nl)) {
		t_skip("no generic netlink socket here");
		return;
	}
	nl.family = GENL_ID_CTRL;
	nl_socket_disable_auto_ack(nl.sk);

	m = nfo_nl_msg(&nl, CTRL_CMD_GETFAMILY, true);
	CHECK(nfo_nl_request(&nl, m, count_reply, &n, &err) == 0);
	CHECK(n >= 1);		/* at least nlctrl itself */
	nlmsg_free(m);

	/* doit for a family that does not exist: ENOENT, then stays usable */
	m = nfo_nl_msg(&nl, CTRL_CMD_GETFAMILY, false);
	nla_put_string(m, CTRL_ATTR_FAMILY_NAME, "nfovpn-nosuch");
	CHECK(nfo_nl_request(&nl, m, count_reply, &n, &err) == -ENOENT);
	CHECK(err.code == ENOENT);
	nlmsg_free(m);

	/* a name longer than GENL_NAMSIZ fails policy: a real extended ACK */
	m = nfo_nl_msg(&nl, CTRL_CMD_GETFAMILY, false);
	nla_put_string(m, CTRL_ATTR_FAMILY_NAME, "nfovpn-name-longer-than-16");
	CHECK(nfo_nl_request(&nl, m, count_reply, &n, &err) == -EINVAL);
	CHECK(err.msg[0] != '\0');	/* "Attribute failed policy validation" */
	CHECK(err.attr[0] != '\0');	/* offset mapped (to our names) */
	nlmsg_free(m);

	/* doit with reply + ACK */
	n = 0;
	m = nfo_nl_msg(&nl, CTRL_CMD_GETFAMILY, false);
	nla_put_string(m, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	CHECK(nfo_nl_request(&nl, m, count_reply, &n, &err) == 0);
	CHECK(n == 1);
	nlmsg_free(m);
	nfo_nl_close(&nl);
}

void test_netlink(void)
{
	RUN(msg_inst_new_roundtrip);
	RUN(msg_peer_roundtrip);
	RUN(msg_max_iroutes_fit);
	RUN(msg_key_new);
	RUN(attr_names_from_offsets);
	RUN(extack_decoding);
	RUN(error_messages);
	RUN(parse_event_and_reply);
	RUN(live_nlctrl);
}

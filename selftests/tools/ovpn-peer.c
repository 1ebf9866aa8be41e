// SPDX-License-Identifier: GPL-2.0
/*
 * ovpn-peer: a userspace OpenVPN 2.6 AEAD data channel peer for the
 * nf_ovpn selftests.  It speaks the data channel only (no TLS): keys come
 * from a key file, the same one the test hands to the kernel.
 *
 * The packet header, replay window and TX packet-id logic are the module's
 * own kmod/proto.c and kmod/pktid.c, built in userspace; the wire layout
 * and where it was checked against OpenVPN's source is in kmod/proto.h.
 * Encryption uses OpenSSL's EVP AEAD interface, as OpenVPN itself does.
 *
 * Run "ovpn-peer --help" for the subcommands.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "pktid.h"
#include "proto.h"

#define MAX_PKT		65536
#define NKEYS		(NF_OVPN_KEY_ID_MAX + 1)

/* ------------------------------------------------------------------ */
/* small helpers */

static const char *prog = "ovpn-peer";

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned long parse_ulong(const char *s, const char *what,
				 unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end || *s == '-' || v > max)
		die("bad %s '%s' (0..%lu)", what, s, max);
	return v;
}

/* hex to bytes; whitespace and ':' between bytes are ignored */
static int hex_decode(const char *hex, u8 *out, size_t max, size_t *len)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int c = *hex, v;

		if (c == ' ' || c == '\t' || c == ':' || c == '\n')
			continue;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == max)
			return -1;
		out[n++] = hi << 4 | v;
		hi = -1;
	}
	if (hi >= 0)
		return -1;
	*len = n;
	return 0;
}

static void hex_print(FILE *f, const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
}

/* ------------------------------------------------------------------ */
/* ciphers and key files */

struct cipher_info {
	const char *name;
	size_t key_len;
	const EVP_CIPHER *(*evp)(void);
};

static const struct cipher_info ciphers[] = {
	{ "AES-128-GCM", 16, EVP_aes_128_gcm },
	{ "AES-192-GCM", 24, EVP_aes_192_gcm },
	{ "AES-256-GCM", 32, EVP_aes_256_gcm },
	{ "CHACHA20-POLY1305", 32, EVP_chacha20_poly1305 },
};

#define NCIPHERS (sizeof(ciphers) / sizeof(ciphers[0]))

static const struct cipher_info *cipher_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NCIPHERS; i++)
		if (!strcasecmp(name, ciphers[i].name))
			return &ciphers[i];
	return NULL;
}

struct dir_key {
	u8 key[NF_OVPN_KEY_MAX_LEN];
	u8 tail[NF_OVPN_NONCE_TAIL_LEN];
};

/* the key file, written from the kernel's point of view */
struct key_file {
	const struct cipher_info *ci;
	struct dir_key enc, dec;
};

static void key_file_load(const char *path, struct key_file *kf)
{
	enum { F_CIPHER = 1, F_EK = 2, F_ET = 4, F_DK = 8, F_DT = 16 };
	char line[512];
	unsigned int seen = 0, lineno = 0;
	size_t klen[2] = { 0, 0 };
	FILE *f = fopen(path, "r");

	if (!f)
		die("%s: %s", path, strerror(errno));
	memset(kf, 0, sizeof(*kf));
	while (fgets(line, sizeof(line), f)) {
		char *name, *val, *hash = strchr(line, '#');
		size_t len;
		u8 *dst;
		int bit, dir;

		lineno++;
		if (hash)
			*hash = '\0';
		name = strtok(line, " \t\r\n");
		if (!name)
			continue;
		val = strtok(NULL, " \t\r\n");
		if (!val || strtok(NULL, " \t\r\n"))
			die("%s:%u: expected 'name value'", path, lineno);
		if (!strcmp(name, "cipher")) {
			kf->ci = cipher_by_name(val);
			if (!kf->ci)
				die("%s:%u: unknown cipher '%s'", path, lineno,
				    val);
			seen |= F_CIPHER;
			continue;
		}
		if (!strcmp(name, "encrypt-key")) {
			bit = F_EK, dir = 0, dst = kf->enc.key;
		} else if (!strcmp(name, "decrypt-key")) {
			bit = F_DK, dir = 1, dst = kf->dec.key;
		} else if (!strcmp(name, "encrypt-nonce-tail")) {
			bit = F_ET, dir = -1, dst = kf->enc.tail;
		} else if (!strcmp(name, "decrypt-nonce-tail")) {
			bit = F_DT, dir = -1, dst = kf->dec.tail;
		} else {
			die("%s:%u: unknown field '%s'", path, lineno, name);
		}
		if (hex_decode(val, dst, dir < 0 ? NF_OVPN_NONCE_TAIL_LEN :
			       NF_OVPN_KEY_MAX_LEN, &len))
			die("%s:%u: bad hex in '%s'", path, lineno, name);
		if (dir < 0 && len != NF_OVPN_NONCE_TAIL_LEN)
			die("%s:%u: %s must be 8 bytes", path, lineno, name);
		if (dir >= 0)
			klen[dir] = len;
		seen |= bit;
	}
	fclose(f);
	if (seen != (F_CIPHER | F_EK | F_ET | F_DK | F_DT))
		die("%s: needs cipher, encrypt-key, encrypt-nonce-tail, decrypt-key and decrypt-nonce-tail",
		    path);
	if (klen[0] != kf->ci->key_len || klen[1] != kf->ci->key_len)
		die("%s: %s needs %zu-byte keys", path, kf->ci->name,
		    kf->ci->key_len);
}

static void key_file_print(FILE *f, const struct key_file *kf)
{
	fprintf(f, "# nf_ovpn key file, kernel's point of view\n");
	fprintf(f, "cipher %s\n", kf->ci->name);
	fprintf(f, "encrypt-key ");
	hex_print(f, kf->enc.key, kf->ci->key_len);
	fprintf(f, "\nencrypt-nonce-tail ");
	hex_print(f, kf->enc.tail, NF_OVPN_NONCE_TAIL_LEN);
	fprintf(f, "\ndecrypt-key ");
	hex_print(f, kf->dec.key, kf->ci->key_len);
	fprintf(f, "\ndecrypt-nonce-tail ");
	hex_print(f, kf->dec.tail, NF_OVPN_NONCE_TAIL_LEN);
	fprintf(f, "\n");
}

static void key_file_random(struct key_file *kf, const struct cipher_info *ci)
{
	memset(kf, 0, sizeof(*kf));
	kf->ci = ci;
	if (RAND_bytes(kf->enc.key, ci->key_len) != 1 ||
	    RAND_bytes(kf->enc.tail, NF_OVPN_NONCE_TAIL_LEN) != 1 ||
	    RAND_bytes(kf->dec.key, ci->key_len) != 1 ||
	    RAND_bytes(kf->dec.tail, NF_OVPN_NONCE_TAIL_LEN) != 1)
		die("RAND_bytes failed");
}

/* ------------------------------------------------------------------ */
/* one key slot as the tool uses it */

struct peer_key {
	bool used;
	u8 key_id;
	const struct cipher_info *ci;
	struct dir_key tx, rx;
	EVP_CIPHER_CTX *ectx, *dctx;
	struct nf_ovpn_pktid_tx txid;
	struct nf_ovpn_replay win;
};

/* @swap: the tool is the kernel's remote end: it encrypts with decrypt-* */
static void peer_key_setup(struct peer_key *k, const struct key_file *kf,
			   bool swap, u8 key_id, u32 pktid_start)
{
	memset(k, 0, sizeof(*k));
	k->used = true;
	k->key_id = key_id;
	k->ci = kf->ci;
	k->tx = swap ? kf->dec : kf->enc;
	k->rx = swap ? kf->enc : kf->dec;
	k->ectx = EVP_CIPHER_CTX_new();
	k->dctx = EVP_CIPHER_CTX_new();
	if (!k->ectx || !k->dctx ||
	    EVP_EncryptInit_ex(k->ectx, k->ci->evp(), NULL, k->tx.key,
			       NULL) != 1 ||
	    EVP_DecryptInit_ex(k->dctx, k->ci->evp(), NULL, k->rx.key,
			       NULL) != 1)
		die("EVP init for %s failed", k->ci->name);
	if (nf_ovpn_pktid_tx_init(&k->txid, pktid_start))
		die("packet-id start must not be 0");
	nf_ovpn_replay_init(&k->win);
}

static void peer_key_free(struct peer_key *k)
{
	if (!k->used)
		return;
	EVP_CIPHER_CTX_free(k->ectx);
	EVP_CIPHER_CTX_free(k->dctx);
	memset(k, 0, sizeof(*k));
}

struct seal_opts {
	bool v1;
	u32 peer_id;
	u32 pktid;		/* may be 0 here: bad-input tests need it */
	bool corrupt_tag;
};

/* encrypt @pt into a complete data packet at @out; returns its length */
static ssize_t seal(struct peer_key *k, const struct seal_opts *o,
		    const u8 *pt, size_t len, u8 *out, size_t outsz)
{
	u8 nonce[NF_OVPN_NONCE_LEN];
	struct nf_ovpn_hdr h;
	int hlen, n, n2;

	/* the builder refuses id 0; build with 1, patch the id in after */
	if (o->v1)
		hlen = nf_ovpn_build_hdr_v1(out, outsz, k->key_id,
					    o->pktid ? o->pktid : 1, &h);
	else
		hlen = nf_ovpn_build_hdr_v2(out, outsz, k->key_id, o->peer_id,
					    o->pktid ? o->pktid : 1, &h);
	if (hlen < 0 || outsz - hlen < len)
		return -1;
	if (!o->pktid)
		memset(out + h.tag_off - NF_OVPN_PKTID_LEN, 0,
		       NF_OVPN_PKTID_LEN);

	nf_ovpn_build_nonce(nonce, o->pktid, k->tx.tail);
	if (EVP_EncryptInit_ex(k->ectx, NULL, NULL, NULL, nonce) != 1 ||
	    EVP_EncryptUpdate(k->ectx, NULL, &n, out + h.aad_off,
			      h.aad_len) != 1 ||
	    EVP_EncryptUpdate(k->ectx, out + hlen, &n, pt, len) != 1 ||
	    EVP_EncryptFinal_ex(k->ectx, out + hlen + n, &n2) != 1 ||
	    EVP_CIPHER_CTX_ctrl(k->ectx, EVP_CTRL_AEAD_GET_TAG,
				NF_OVPN_TAG_LEN, out + h.tag_off) != 1)
		return -1;
	if (o->corrupt_tag)
		out[h.tag_off] ^= 0x01;
	return hlen + n + n2;
}

enum rx_result {
	RX_OK,
	RX_KEEPALIVE,
	RX_NOT_DATA,	/* control channel opcode: userspace OpenVPN's */
	RX_MALFORMED,
	RX_NO_KEY,
	RX_AUTH_FAIL,
	RX_REPLAY,
	RX_NRESULTS
};

static const char *const rx_result_name[RX_NRESULTS] = {
	"ok", "keepalive", "not-data", "malformed", "no-key", "auth-fail",
	"replay",
};

/*
 * Parse, decrypt and replay-check one received datagram, the order the
 * module uses: the replay window is updated only after the tag verified.
 */
static enum rx_result open_pkt(struct peer_key keys[NKEYS], const u8 *pkt,
			       size_t len, struct nf_ovpn_hdr *h, u8 *pt,
			       size_t *ptlen)
{
	u8 nonce[NF_OVPN_NONCE_LEN];
	struct peer_key *k;
	int n, n2, ret;

	ret = nf_ovpn_parse_hdr(pkt, len, h);
	if (ret == -EINVAL)
		return RX_NOT_DATA;
	if (ret)
		return RX_MALFORMED;
	k = &keys[h->key_id];
	if (!k->used)
		return RX_NO_KEY;
	if (nf_ovpn_replay_check(&k->win, h->pktid))
		return RX_REPLAY;	/* early drop, as the module does */

	nf_ovpn_build_nonce(nonce, h->pktid, k->rx.tail);
	if (EVP_DecryptInit_ex(k->dctx, NULL, NULL, NULL, nonce) != 1 ||
	    EVP_CIPHER_CTX_ctrl(k->dctx, EVP_CTRL_AEAD_SET_TAG,
				NF_OVPN_TAG_LEN,
				(void *)(pkt + h->tag_off)) != 1 ||
	    EVP_DecryptUpdate(k->dctx, NULL, &n, pkt + h->aad_off,
			      h->aad_len) != 1 ||
	    EVP_DecryptUpdate(k->dctx, pt, &n, pkt + h->ct_off,
			      h->ct_len) != 1 ||
	    EVP_DecryptFinal_ex(k->dctx, pt + n, &n2) != 1)
		return RX_AUTH_FAIL;
	if (nf_ovpn_replay_check_and_update(&k->win, h->pktid))
		return RX_REPLAY;
	*ptlen = n + n2;
	return nf_ovpn_is_keepalive(pt, *ptlen) ? RX_KEEPALIVE : RX_OK;
}

/* ------------------------------------------------------------------ */
/* sockets, tun */

static void parse_sockaddr(const char *arg, struct sockaddr_storage *ss,
			   socklen_t *sl)
{
	char host[256];
	const char *colon, *port;
	struct addrinfo hints = {
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
	}, *res;
	size_t hl;
	int err;

	if (arg[0] == '[') {
		colon = strstr(arg, "]:");
		if (!colon)
			die("bad address '%s' (want [ADDR6]:PORT)", arg);
		hl = colon - arg - 1;
		port = colon + 2;
		arg++;
	} else {
		colon = strrchr(arg, ':');
		if (!colon)
			die("bad address '%s' (want ADDR:PORT)", arg);
		hl = colon - arg;
		port = colon + 1;
	}
	if (hl >= sizeof(host))
		die("address too long");
	memcpy(host, arg, hl);
	host[hl] = '\0';
	err = getaddrinfo(host, port, &hints, &res);
	if (err)
		die("bad address '%s': %s", host, gai_strerror(err));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sl = res->ai_addrlen;
	freeaddrinfo(res);
}

static const char *fmt_sockaddr(const struct sockaddr_storage *ss, char *buf,
				size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	}
	return buf;
}

static int udp_open(const char *local, int family)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;

	if (local) {
		parse_sockaddr(local, &ss, &sl);
		family = ss.ss_family;
	}
	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (local && bind(fd, (struct sockaddr *)&ss, sl))
		die("bind %s: %s", local, strerror(errno));
	return fd;
}

static int tun_open(const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("/dev/net/tun: %s", strerror(errno));
	if (strlen(name) >= IFNAMSIZ)
		die("tun name too long");
	strcpy(ifr.ifr_name, name);
	if (ioctl(fd, TUNSETIFF, &ifr))
		die("TUNSETIFF %s: %s", name, strerror(errno));
	return fd;
}

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* ------------------------------------------------------------------ */
/* inner packets */

static u16 csum_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static u32 csum_add(u32 sum, const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (u32)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (u32)p[len - 1] << 8;
	return sum;
}

#define PING_DATA 32

/* an ICMP(v6) echo request SRC -> DST with valid checksums; returns length */
static size_t build_ping(const char *src, const char *dst, u8 *out)
{
	u8 s[16], d[16], *icmp;
	size_t ilen = 8 + PING_DATA, i;
	u32 sum;
	u16 c;

	if (inet_pton(AF_INET, src, s) == 1) {
		if (inet_pton(AF_INET, dst, d) != 1)
			die("--inner-ping: %s and %s differ in family", src,
			    dst);
		memset(out, 0, 20);
		out[0] = 0x45;
		out[2] = (20 + ilen) >> 8;
		out[3] = (20 + ilen) & 0xff;
		out[4] = 0x12;
		out[5] = 0x34;
		out[8] = 64;
		out[9] = IPPROTO_ICMP;
		memcpy(out + 12, s, 4);
		memcpy(out + 16, d, 4);
		c = csum_fold(csum_add(0, out, 20));
		out[10] = c >> 8;
		out[11] = c & 0xff;
		icmp = out + 20;
		icmp[0] = 8;		/* echo request */
	} else if (inet_pton(AF_INET6, src, s) == 1) {
		if (inet_pton(AF_INET6, dst, d) != 1)
			die("--inner-ping: %s and %s differ in family", src,
			    dst);
		memset(out, 0, 40);
		out[0] = 0x60;
		out[4] = ilen >> 8;
		out[5] = ilen & 0xff;
		out[6] = IPPROTO_ICMPV6;
		out[7] = 64;
		memcpy(out + 8, s, 16);
		memcpy(out + 24, d, 16);
		icmp = out + 40;
		icmp[0] = 128;		/* echo request */
	} else {
		die("--inner-ping: bad address '%s'", src);
	}
	icmp[1] = 0;
	icmp[2] = icmp[3] = 0;
	icmp[4] = 0x4f;			/* id "OV" */
	icmp[5] = 0x56;
	icmp[6] = 0;
	icmp[7] = 1;			/* seq */
	for (i = 0; i < PING_DATA; i++)
		icmp[8 + i] = 0xa0 + i;
	if (out[0] == 0x45) {
		sum = 0;
	} else {
		/* ICMPv6 pseudo-header: src, dst, length, next header */
		u8 ph[8] = { 0, 0, ilen >> 8, ilen & 0xff, 0, 0, 0,
			     IPPROTO_ICMPV6 };

		sum = csum_add(csum_add(0, out + 8, 32), ph, sizeof(ph));
	}
	c = csum_fold(csum_add(sum, icmp, ilen));
	icmp[2] = c >> 8;
	icmp[3] = c & 0xff;
	return (out[0] == 0x45 ? 20 : 40) + ilen;
}

/* "proto src dst" of a decrypted inner packet, for recv's output */
static void describe_inner(const u8 *p, size_t len, bool keepalive, char *buf,
			   size_t blen)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	const char *proto;
	int pn;

	if (keepalive) {
		snprintf(buf, blen, "keepalive - -");
		return;
	}
	if (len >= 20 && p[0] >> 4 == 4) {
		pn = p[9];
		inet_ntop(AF_INET, p + 12, s, sizeof(s));
		inet_ntop(AF_INET, p + 16, d, sizeof(d));
	} else if (len >= 40 && p[0] >> 4 == 6) {
		pn = p[6];
		inet_ntop(AF_INET6, p + 8, s, sizeof(s));
		inet_ntop(AF_INET6, p + 24, d, sizeof(d));
	} else {
		snprintf(buf, blen, "non-ip - -");
		return;
	}
	switch (pn) {
	case IPPROTO_ICMP:
		proto = "icmp";
		break;
	case IPPROTO_ICMPV6:
		proto = "icmp6";
		break;
	case IPPROTO_TCP:
		proto = "tcp";
		break;
	case IPPROTO_UDP:
		proto = "udp";
		break;
	default:
		proto = "ip";
		break;
	}
	snprintf(buf, blen, "%s %s %s", proto, s, d);
}

/* ------------------------------------------------------------------ */
/* command line */

struct opts {
	const char *tun, *local, *remote, *key, *key2, *count_file;
	const char *payload_hex, *payload_file, *raw_hex;
	const char *ping_src, *ping_dst;
	bool swap, v1, corrupt_tag, ping_payload, show_payload, connect;
	u32 peer_id, pktid, pktid_start;
	bool have_pktid;
	u8 key_id, key_id2;
	unsigned int keepalive, timeout, count;
	long truncate;
};

enum {
	O_TUN = 256, O_LOCAL, O_REMOTE, O_KEY, O_KEY2, O_KEY_ID, O_KEY_ID2,
	O_SWAP, O_V1, O_V2, O_PEER_ID, O_PKTID, O_PKTID_START, O_KEEPALIVE,
	O_COUNT_FILE, O_PAYLOAD_HEX, O_PAYLOAD_FILE, O_INNER_PING,
	O_CORRUPT_TAG, O_TRUNCATE, O_RAW_HEX, O_COUNT, O_TIMEOUT, O_PING,
	O_SHOW_PAYLOAD, O_CONNECT, O_HELP,
};

static const struct option long_opts[] = {
	{ "tun", required_argument, NULL, O_TUN },
	{ "local", required_argument, NULL, O_LOCAL },
	{ "remote", required_argument, NULL, O_REMOTE },
	{ "key", required_argument, NULL, O_KEY },
	{ "key2", required_argument, NULL, O_KEY2 },
	{ "key-id", required_argument, NULL, O_KEY_ID },
	{ "key-id2", required_argument, NULL, O_KEY_ID2 },
	{ "swap", no_argument, NULL, O_SWAP },
	{ "v1", no_argument, NULL, O_V1 },
	{ "v2", no_argument, NULL, O_V2 },
	{ "peer-id", required_argument, NULL, O_PEER_ID },
	{ "pktid", required_argument, NULL, O_PKTID },
	{ "pktid-start", required_argument, NULL, O_PKTID_START },
	{ "keepalive", required_argument, NULL, O_KEEPALIVE },
	{ "count-file", required_argument, NULL, O_COUNT_FILE },
	{ "payload-hex", required_argument, NULL, O_PAYLOAD_HEX },
	{ "payload-file", required_argument, NULL, O_PAYLOAD_FILE },
	{ "inner-ping", required_argument, NULL, O_INNER_PING },
	{ "ping", no_argument, NULL, O_PING },
	{ "corrupt-tag", no_argument, NULL, O_CORRUPT_TAG },
	{ "truncate", required_argument, NULL, O_TRUNCATE },
	{ "raw-hex", required_argument, NULL, O_RAW_HEX },
	{ "count", required_argument, NULL, O_COUNT },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "show-payload", no_argument, NULL, O_SHOW_PAYLOAD },
	{ "connect", no_argument, NULL, O_CONNECT },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
"usage: ovpn-peer COMMAND [OPTIONS]\n"
"\n"
"A userspace OpenVPN 2.6 AEAD data-channel peer for the nf_ovpn selftests.\n"
"\n"
"Key file (shared with nfovpn; written from the KERNEL's point of view):\n"
"  cipher AES-128-GCM | AES-192-GCM | AES-256-GCM | CHACHA20-POLY1305\n"
"  encrypt-key HEX            (16/24/32 bytes, as the cipher needs)\n"
"  encrypt-nonce-tail HEX     (8 bytes)\n"
"  decrypt-key HEX\n"
"  decrypt-nonce-tail HEX\n"
"  '#' starts a comment.  Without --swap the tool encrypts with encrypt-*\n"
"  (acts as the kernel would); with --swap it is the kernel's remote end:\n"
"  it encrypts with decrypt-* and decrypts with encrypt-*.\n"
"\n"
"Commands:\n"
"  genkey CIPHER\n"
"      Print a random key file for CIPHER.\n"
"\n"
"  tunnel --tun NAME --local ADDR:PORT --remote ADDR:PORT --key FILE\n"
"         [--swap] [--v1|--v2] [--peer-id N] [--key-id K] [--pktid-start N]\n"
"         [--key2 FILE --key-id2 K] [--keepalive SEC] [--count-file PATH]\n"
"         [--connect]\n"
"      Bridge tun NAME (IFF_TUN|IFF_NO_PI, created if missing; addresses\n"
"      are the caller's job) and UDP: tun -> encrypt -> REMOTE; UDP ->\n"
"      decrypt, replay check -> tun.  Keepalive pings are consumed and\n"
"      counted; --keepalive SEC sends one whenever nothing was sent for SEC\n"
"      seconds.  --connect hears only REMOTE (as a client without\n"
"      --float).  RX picks the key by key-id (key and key2); TX uses key\n"
"      until SIGUSR1 switches it to key2 (each key has its own packet-ids,\n"
"      key2 starts at 1).  Counters are written to --count-file at start,\n"
"      on SIGUSR2 and on exit (SIGTERM/SIGINT) as 'name value' lines:\n"
"      rx_ok rx_keepalive rx_auth_fail rx_replay rx_malformed rx_no_key\n"
"      rx_not_data tx (every packet sent, keepalives included) tx_keepalive\n"
"      tx_fail tx_key (key-id used for TX).\n"
"\n"
"  send [--local ADDR:PORT] --remote ADDR:PORT --key FILE [--swap]\n"
"       [--v1|--v2] [--peer-id N] [--key-id K] --pktid N\n"
"       [--payload-hex HEX | --payload-file F | --inner-ping SRC DST | --ping]\n"
"       [--corrupt-tag] [--truncate N]\n"
"  send [--local ADDR:PORT] --remote ADDR:PORT --raw-hex HEX\n"
"      Send exactly one crafted datagram.  --pktid may be 0 (invalid on\n"
"      purpose).  --inner-ping builds an ICMP/ICMPv6 echo request with\n"
"      valid checksums (family from SRC); --ping sends the keepalive magic;\n"
"      the default payload is empty.  --corrupt-tag flips a tag bit;\n"
"      --truncate N cuts the datagram to N bytes; --raw-hex sends HEX as\n"
"      is (no key needed).  Prints 'sent LEN bytes: HEX-of-header'.\n"
"\n"
"  recv --local ADDR:PORT --key FILE [--swap] [--key-id K]\n"
"       [--key2 FILE --key-id2 K] --count N --timeout SEC [--show-payload]\n"
"      Receive N datagrams (or until SEC seconds pass), decrypt and\n"
"      replay-check each, print one line each:\n"
"        opcode key-id peer-id pktid len proto src dst result [payload-hex]\n"
"      peer-id is '-' for P_DATA_V1; len is the decrypted length (the\n"
"      ciphertext length if not decrypted, the datagram length for\n"
"      not-data/malformed, where peer-id and pktid are '-'); proto is\n"
"      icmp|icmp6|tcp|udp|ip|non-ip|keepalive (src/dst '-' when not IP);\n"
"      result is ok|keepalive|not-data|malformed|no-key|auth-fail|replay\n"
"      (a repeated packet-id, i.e. a reused nonce, shows as replay).\n"
"      Ends with '# received N ok N bad N'.  Exit 0 iff N datagrams came\n"
"      and all were ok or keepalive.\n"
"\n"
"  sink --local ADDR:PORT --timeout SEC [--count N]\n"
"      A plain UDP socket: one line per datagram, 'LEN 0xFIRST OPCODE\n"
"      KEY-ID FROM', until SEC seconds pass (or N datagrams came), then\n"
"      '# total N'.  Exit 0.\n"
"\n"
"  selftest\n"
"      Built-in checks of the encrypt/decrypt path (every cipher, V1/V2).\n"
"\n"
"Defaults: --v2, --peer-id 0, --key-id 0, --pktid-start 1, --key-id2 1.\n"
"IPv6 addresses: [ADDR]:PORT.  Exit status 2 on usage/setup errors.\n";

static void __attribute__((noreturn)) usage(int status)
{
	fputs(usage_text, status ? stderr : stdout);
	exit(status);
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->pktid_start = 1;
	o->key_id2 = 1;
	o->truncate = -1;
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (c) {
		case O_TUN:
			o->tun = optarg;
			break;
		case O_LOCAL:
			o->local = optarg;
			break;
		case O_REMOTE:
			o->remote = optarg;
			break;
		case O_KEY:
			o->key = optarg;
			break;
		case O_KEY2:
			o->key2 = optarg;
			break;
		case O_KEY_ID:
			o->key_id = parse_ulong(optarg, "key-id",
						NF_OVPN_KEY_ID_MAX);
			break;
		case O_KEY_ID2:
			o->key_id2 = parse_ulong(optarg, "key-id",
						 NF_OVPN_KEY_ID_MAX);
			break;
		case O_SWAP:
			o->swap = true;
			break;
		case O_V1:
			o->v1 = true;
			break;
		case O_V2:
			o->v1 = false;
			break;
		case O_PEER_ID:
			o->peer_id = parse_ulong(optarg, "peer-id",
						 NF_OVPN_PEER_ID_MAX);
			break;
		case O_PKTID:
			o->pktid = parse_ulong(optarg, "pktid", UINT32_MAX);
			o->have_pktid = true;
			break;
		case O_PKTID_START:
			o->pktid_start = parse_ulong(optarg, "pktid-start",
						     UINT32_MAX);
			if (!o->pktid_start)
				die("--pktid-start must be >= 1");
			break;
		case O_KEEPALIVE:
			o->keepalive = parse_ulong(optarg, "keepalive", 86400);
			break;
		case O_COUNT_FILE:
			o->count_file = optarg;
			break;
		case O_CONNECT:
			o->connect = true;
			break;
		case O_PAYLOAD_HEX:
			o->payload_hex = optarg;
			break;
		case O_PAYLOAD_FILE:
			o->payload_file = optarg;
			break;
		case O_INNER_PING:
			if (optind >= argc)
				die("--inner-ping needs SRC DST");
			o->ping_src = optarg;
			o->ping_dst = argv[optind++];
			break;
		case O_PING:
			o->ping_payload = true;
			break;
		case O_CORRUPT_TAG:
			o->corrupt_tag = true;
			break;
		case O_TRUNCATE:
			o->truncate = parse_ulong(optarg, "truncate", MAX_PKT);
			break;
		case O_RAW_HEX:
			o->raw_hex = optarg;
			break;
		case O_COUNT:
			o->count = parse_ulong(optarg, "count", UINT_MAX);
			break;
		case O_TIMEOUT:
			o->timeout = parse_ulong(optarg, "timeout", 86400);
			break;
		case O_SHOW_PAYLOAD:
			o->show_payload = true;
			break;
		case 'h':
		case O_HELP:
			usage(0);
		default:
			usage(2);
		}
	}
	if (optind != argc)
		die("unexpected argument '%s'", argv[optind]);
}

/* load --key (and --key2) into the key-id indexed slots */
static void load_keys(const struct opts *o, struct peer_key keys[NKEYS])
{
	struct key_file kf;

	memset(keys, 0, sizeof(struct peer_key) * NKEYS);
	if (!o->key)
		die("--key FILE is required");
	key_file_load(o->key, &kf);
	peer_key_setup(&keys[o->key_id], &kf, o->swap, o->key_id,
		       o->pktid_start);
	if (o->key2) {
		if (o->key_id2 == o->key_id)
			die("--key-id2 must differ from --key-id");
		key_file_load(o->key2, &kf);
		peer_key_setup(&keys[o->key_id2], &kf, o->swap, o->key_id2, 1);
	}
	memset(&kf, 0, sizeof(kf));
}

static void free_keys(struct peer_key keys[NKEYS])
{
	int i;

	for (i = 0; i < NKEYS; i++)
		peer_key_free(&keys[i]);
}

/* ------------------------------------------------------------------ */
/* genkey */

static int cmd_genkey(int argc, char **argv)
{
	const struct cipher_info *ci;
	struct key_file kf;

	if (argc != 2)
		die("usage: genkey CIPHER");
	ci = cipher_by_name(argv[1]);
	if (!ci)
		die("unknown cipher '%s'", argv[1]);
	key_file_random(&kf, ci);
	key_file_print(stdout, &kf);
	memset(&kf, 0, sizeof(kf));
	return 0;
}

/* ------------------------------------------------------------------ */
/* send */

static size_t read_file(const char *path, u8 *buf, size_t max)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		die("%s: %s", path, strerror(errno));
	n = fread(buf, 1, max, f);
	if (ferror(f) || !feof(f))
		die("%s: read error or larger than %zu bytes", path, max);
	fclose(f);
	return n;
}

static int cmd_send(int argc, char **argv)
{
	static u8 pt[MAX_PKT], pkt[MAX_PKT + 64];
	struct peer_key keys[NKEYS];
	struct sockaddr_storage rs;
	struct seal_opts so;
	struct opts o;
	socklen_t rl;
	size_t ptlen = 0, len;
	ssize_t n;
	int fd, sources;

	parse_opts(argc, argv, &o);
	if (!o.remote)
		die("--remote ADDR:PORT is required");
	parse_sockaddr(o.remote, &rs, &rl);

	if (o.raw_hex) {
		if (hex_decode(o.raw_hex, pkt, sizeof(pkt), &len))
			die("bad --raw-hex");
	} else {
		if (!o.have_pktid)
			die("--pktid N is required (0 allowed)");
		sources = !!o.payload_hex + !!o.payload_file + !!o.ping_src +
			  o.ping_payload;
		if (sources > 1)
			die("give at most one payload option");
		if (o.payload_hex && hex_decode(o.payload_hex, pt, sizeof(pt),
						&ptlen))
			die("bad --payload-hex");
		if (o.payload_file)
			ptlen = read_file(o.payload_file, pt, sizeof(pt));
		if (o.ping_src)
			ptlen = build_ping(o.ping_src, o.ping_dst, pt);
		if (o.ping_payload) {
			memcpy(pt, nf_ovpn_keepalive_msg,
			       NF_OVPN_KEEPALIVE_LEN);
			ptlen = NF_OVPN_KEEPALIVE_LEN;
		}
		load_keys(&o, keys);
		so = (struct seal_opts){ .v1 = o.v1, .peer_id = o.peer_id,
					 .pktid = o.pktid,
					 .corrupt_tag = o.corrupt_tag };
		n = seal(&keys[o.key_id], &so, pt, ptlen, pkt, sizeof(pkt));
		free_keys(keys);
		if (n < 0)
			die("encryption failed");
		len = n;
	}
	if (o.truncate >= 0 && (size_t)o.truncate < len)
		len = o.truncate;

	fd = udp_open(o.local, rs.ss_family);
	if (sendto(fd, pkt, len, 0, (struct sockaddr *)&rs, rl) != (ssize_t)len)
		die("sendto %s: %s", o.remote, strerror(errno));
	close(fd);
	printf("sent %zu bytes: ", len);
	hex_print(stdout, pkt, len < NF_OVPN_MAX_HLEN ? len : NF_OVPN_MAX_HLEN);
	printf("\n");
	return 0;
}

/* ------------------------------------------------------------------ */
/* recv */

static void print_rx(const struct nf_ovpn_hdr *h, enum rx_result r,
		     const u8 *pkt, size_t len, const u8 *pt, size_t ptlen,
		     bool show_payload)
{
	char inner[128], peer[16];
	bool decrypted = r == RX_OK || r == RX_KEEPALIVE;

	if (r == RX_NOT_DATA || r == RX_MALFORMED) {
		printf("%u %u - - %zu - - - %s\n",
		       len ? nf_ovpn_opcode(pkt[0]) : 0,
		       len ? nf_ovpn_key_id(pkt[0]) : 0, len,
		       rx_result_name[r]);
		return;
	}
	if (h->opcode == NF_OVPN_OP_DATA_V2)
		snprintf(peer, sizeof(peer), "%u", h->peer_id);
	else
		snprintf(peer, sizeof(peer), "-");
	if (decrypted)
		describe_inner(pt, ptlen, r == RX_KEEPALIVE, inner,
			       sizeof(inner));
	else
		snprintf(inner, sizeof(inner), "- - -");
	printf("%u %u %s %u %zu %s %s", h->opcode, h->key_id, peer, h->pktid,
	       decrypted ? ptlen : h->ct_len, inner, rx_result_name[r]);
	if (show_payload && decrypted) {
		putchar(' ');
		hex_print(stdout, pt, ptlen);
	}
	putchar('\n');
}

static int wait_readable(int fd, u64 deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	u64 now = now_ms();

	if (now >= deadline)
		return 0;
	return poll(&pfd, 1, deadline - now);
}

static int cmd_recv(int argc, char **argv)
{
	static u8 pkt[MAX_PKT], pt[MAX_PKT];
	struct peer_key keys[NKEYS];
	unsigned int got = 0, ok = 0;
	struct nf_ovpn_hdr h;
	struct opts o;
	u64 deadline;
	int fd;

	parse_opts(argc, argv, &o);
	if (!o.local || !o.count || !o.timeout)
		die("recv needs --local, --count and --timeout");
	load_keys(&o, keys);
	fd = udp_open(o.local, AF_INET);
	deadline = now_ms() + o.timeout * 1000ULL;
	printf("# opcode key-id peer-id pktid len proto src dst result\n");
	fflush(stdout);
	while (got < o.count && wait_readable(fd, deadline) > 0) {
		ssize_t n = recv(fd, pkt, sizeof(pkt), 0);
		enum rx_result r;
		size_t ptlen = 0;

		if (n < 0)
			continue;
		got++;
		r = open_pkt(keys, pkt, n, &h, pt, &ptlen);
		ok += r == RX_OK || r == RX_KEEPALIVE;
		print_rx(&h, r, pkt, n, pt, ptlen, o.show_payload);
		fflush(stdout);
	}
	printf("# received %u ok %u bad %u\n", got, ok, got - ok);
	close(fd);
	free_keys(keys);
	return got == o.count && ok == got ? 0 : 1;
}

/* ------------------------------------------------------------------ */
/* sink */

static int cmd_sink(int argc, char **argv)
{
	static u8 pkt[MAX_PKT];
	struct sockaddr_storage from;
	unsigned int total = 0;
	char fs[80];
	struct opts o;
	u64 deadline;
	int fd;

	parse_opts(argc, argv, &o);
	if (!o.local || !o.timeout)
		die("sink needs --local and --timeout");
	fd = udp_open(o.local, AF_INET);
	deadline = now_ms() + o.timeout * 1000ULL;
	printf("# len first opcode key-id from\n");
	fflush(stdout);
	while ((!o.count || total < o.count) &&
	       wait_readable(fd, deadline) > 0) {
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, pkt, sizeof(pkt), 0,
				     (struct sockaddr *)&from, &fl);

		if (n < 0)
			continue;
		total++;
		if (n)
			printf("%zd 0x%02x %u %u %s\n", n, pkt[0],
			       nf_ovpn_opcode(pkt[0]), nf_ovpn_key_id(pkt[0]),
			       fmt_sockaddr(&from, fs, sizeof(fs)));
		else
			printf("0 - - - %s\n",
			       fmt_sockaddr(&from, fs, sizeof(fs)));
		fflush(stdout);
	}
	printf("# total %u\n", total);
	close(fd);
	return 0;
}

/* ------------------------------------------------------------------ */
/* tunnel */

struct counters {
	u64 rx[RX_NRESULTS];
	u64 tx, tx_keepalive, tx_fail;
};

static void write_counts(const char *path, const struct counters *c,
			 u8 tx_key)
{
	char tmp[PATH_MAX];
	FILE *f;
	int i;

	if (!path)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", prog, tmp, strerror(errno));
		return;
	}
	for (i = 0; i < RX_NRESULTS; i++) {
		char name[32];
		char *p;

		snprintf(name, sizeof(name), "rx_%s", rx_result_name[i]);
		for (p = name; *p; p++)
			if (*p == '-')
				*p = '_';
		fprintf(f, "%s %llu\n", name, (unsigned long long)c->rx[i]);
	}
	fprintf(f, "tx %llu\ntx_keepalive %llu\ntx_fail %llu\ntx_key %u\n",
		(unsigned long long)c->tx, (unsigned long long)c->tx_keepalive,
		(unsigned long long)c->tx_fail, tx_key);
	fclose(f);
	rename(tmp, path);
}

struct tunnel {
	struct opts o;
	struct peer_key keys[NKEYS];
	struct peer_key *txk;
	struct counters cnt;
	struct sockaddr_storage remote;
	socklen_t rlen;
	int tun, udp;
	u64 last_tx;
};

static void tunnel_send(struct tunnel *t, const u8 *pt, size_t len)
{
	static u8 pkt[MAX_PKT + 64];
	struct seal_opts so = { .v1 = t->o.v1, .peer_id = t->o.peer_id };
	ssize_t n;

	if (nf_ovpn_pktid_tx_next(&t->txk->txid, &so.pktid)) {
		t->cnt.tx_fail++;	/* packet-ids used up: never wrap */
		return;
	}
	n = seal(t->txk, &so, pt, len, pkt, sizeof(pkt));
	if (n < 0 || sendto(t->udp, pkt, n, 0, (struct sockaddr *)&t->remote,
			    t->rlen) != n) {
		t->cnt.tx_fail++;
		return;
	}
	t->cnt.tx++;
	t->last_tx = now_ms();
}

static void tunnel_from_tun(struct tunnel *t)
{
	static u8 buf[MAX_PKT];
	int i;

	for (i = 0; i < 64; i++) {
		ssize_t n = read(t->tun, buf, sizeof(buf));

		if (n <= 0)
			return;
		tunnel_send(t, buf, n);
	}
}

static void tunnel_from_udp(struct tunnel *t)
{
	static u8 pkt[MAX_PKT], pt[MAX_PKT];
	struct nf_ovpn_hdr h;
	int i;

	for (i = 0; i < 64; i++) {
		ssize_t n = recv(t->udp, pkt, sizeof(pkt), 0);
		enum rx_result r;
		size_t ptlen;

		if (n < 0)
			return;
		r = open_pkt(t->keys, pkt, n, &h, pt, &ptlen);
		t->cnt.rx[r]++;
		if (r == RX_OK && write(t->tun, pt, ptlen) < 0)
			fprintf(stderr, "%s: tun write: %s\n", prog,
				strerror(errno));
	}
}

static int cmd_tunnel(int argc, char **argv)
{
	struct tunnel t;
	struct pollfd pfd[3];
	sigset_t mask;
	bool run = true;
	int sfd;

	memset(&t, 0, sizeof(t));
	parse_opts(argc, argv, &t.o);
	if (!t.o.tun || !t.o.local || !t.o.remote)
		die("tunnel needs --tun, --local, --remote and --key");
	load_keys(&t.o, t.keys);
	t.txk = &t.keys[t.o.key_id];
	parse_sockaddr(t.o.remote, &t.remote, &t.rlen);
	t.udp = udp_open(t.o.local, AF_INET);
	/* as a stock OpenVPN client without --float: only REMOTE's address
	 * and port are heard
	 */
	if (t.o.connect &&
	    connect(t.udp, (struct sockaddr *)&t.remote, t.rlen) < 0)
		die("connect %s: %s", t.o.remote, strerror(errno));
	t.tun = tun_open(t.o.tun);
	set_nonblock(t.udp);
	set_nonblock(t.tun);

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0)
		die("signalfd: %s", strerror(errno));

	t.last_tx = now_ms();
	write_counts(t.o.count_file, &t.cnt, t.txk->key_id);
	pfd[0] = (struct pollfd){ .fd = t.tun, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = t.udp, .events = POLLIN };
	pfd[2] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	while (run) {
		int timeout = -1;

		if (t.o.keepalive) {
			u64 due = t.last_tx + t.o.keepalive * 1000ULL;
			u64 now = now_ms();

			if (now >= due) {
				tunnel_send(&t, nf_ovpn_keepalive_msg,
					    NF_OVPN_KEEPALIVE_LEN);
				t.cnt.tx_keepalive++;
				t.last_tx = now;
				due = now + t.o.keepalive * 1000ULL;
			}
			timeout = due - now;
		}
		if (poll(pfd, 3, timeout) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (pfd[0].revents & POLLIN)
			tunnel_from_tun(&t);
		if (pfd[1].revents & POLLIN)
			tunnel_from_udp(&t);
		if (pfd[2].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			switch (si.ssi_signo) {
			case SIGUSR1:
				if (t.o.key2)
					t.txk = &t.keys[t.o.key_id2];
				break;
			case SIGUSR2:
				break;
			default:
				run = false;
			}
			write_counts(t.o.count_file, &t.cnt, t.txk->key_id);
		}
	}
	write_counts(t.o.count_file, &t.cnt, t.txk->key_id);
	close(sfd);
	close(t.tun);
	close(t.udp);
	free_keys(t.keys);
	return 0;
}

/* ------------------------------------------------------------------ */
/* selftest */

static int st_n, st_failed;

static void st_report(bool ok, const char *fmt, ...)
{
	va_list ap;

	st_n++;
	st_failed += !ok;
	printf("%sok %d - ", ok ? "" : "not ", st_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* one cipher, one header version: kernel side -> remote side and back */
static bool st_roundtrip(const struct cipher_info *ci, bool v1)
{
	static u8 pt[1500], out[1600], back[1600];
	struct peer_key kern[NKEYS] = { 0 }, remote[NKEYS] = { 0 };
	struct seal_opts so = { .v1 = v1, .peer_id = 0xABCDE };
	struct nf_ovpn_hdr h;
	struct key_file kf;
	size_t blen, i, sizes[] = { 1, 16, 20, 84, 1400 };
	bool ok = true;
	ssize_t n;

	key_file_random(&kf, ci);
	peer_key_setup(&kern[5], &kf, false, 5, 1);
	peer_key_setup(&remote[5], &kf, true, 5, 1);
	for (i = 0; i < sizeof(pt); i++)
		pt[i] = i * 7;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		/* kernel -> remote and remote -> kernel */
		if (nf_ovpn_pktid_tx_next(&kern[5].txid, &so.pktid))
			ok = false;
		n = seal(&kern[5], &so, pt, sizes[i], out, sizeof(out));
		ok &= n == (ssize_t)(sizes[i] + (v1 ? 21 : 24));
		ok &= open_pkt(remote, out, n, &h, back, &blen) == RX_OK &&
		      blen == sizes[i] && !memcmp(back, pt, blen) &&
		      h.pktid == so.pktid && h.key_id == 5 &&
		      h.opcode == (v1 ? 6 : 9) &&
		      (v1 || h.peer_id == 0xABCDE);
		/* the same packet again is a replay */
		ok &= open_pkt(remote, out, n, &h, back, &blen) == RX_REPLAY;
		/* and our own direction does not decrypt it */
		ok &= open_pkt(kern, out, n, &h, back, &blen) == RX_AUTH_FAIL;
		n = seal(&remote[5], &so, pt, sizes[i], out, sizeof(out));
		ok &= open_pkt(kern, out, n, &h, back, &blen) == RX_OK &&
		      blen == sizes[i] && !memcmp(back, pt, blen);
	}

	/* every single bit flip in AAD, tag or ciphertext fails */
	so.pktid = 1000;
	n = seal(&kern[5], &so, pt, 40, out, sizeof(out));
	for (i = v1 ? 8 : 0; i < (size_t)n * 8; i++) {
		struct peer_key *k = &remote[5];

		nf_ovpn_replay_init(&k->win);
		out[i / 8] ^= 1 << (i % 8);
		if (i >= 8 || !v1) {
			enum rx_result r = open_pkt(remote, out, n, &h, back,
						    &blen);
			/* flips in byte 0 may change the opcode/key-id */
			if (i < 8 ? r == RX_OK : r != RX_AUTH_FAIL)
				ok = false;
		}
		out[i / 8] ^= 1 << (i % 8);
	}
	nf_ovpn_replay_init(&remote[5].win);
	ok &= open_pkt(remote, out, n, &h, back, &blen) == RX_OK;

	/* V1: the opcode byte is not authenticated (OpenVPN 2.6) */
	if (v1) {
		nf_ovpn_replay_init(&remote[5].win);
		peer_key_setup(&remote[3], &kf, true, 3, 1);
		out[0] = (NF_OVPN_OP_DATA_V1 << 3) | 3;
		ok &= open_pkt(remote, out, n, &h, back, &blen) == RX_OK &&
		      h.key_id == 3;
	}
	/* keepalive and corrupt tag */
	so.pktid = 2000;
	n = seal(&kern[5], &so, nf_ovpn_keepalive_msg, 16, out, sizeof(out));
	ok &= open_pkt(remote, out, n, &h, back, &blen) == RX_KEEPALIVE;
	so.pktid = 2001;
	so.corrupt_tag = true;
	n = seal(&kern[5], &so, pt, 100, out, sizeof(out));
	ok &= open_pkt(remote, out, n, &h, back, &blen) == RX_AUTH_FAIL;
	/* a forged packet must not burn its packet-id */
	so.corrupt_tag = false;
	n = seal(&kern[5], &so, pt, 100, out, sizeof(out));
	ok &= open_pkt(remote, out, n, &h, back, &blen) == RX_OK;
	/* pktid 0 is rejected even with a valid tag */
	so.pktid = 0;
	n = seal(&kern[5], &so, pt, 100, out, sizeof(out));
	ok &= open_pkt(remote, out, n, &h, back, &blen) == RX_REPLAY;
	/* truncations and unknown key-ids */
	so.pktid = 3000;
	n = seal(&kern[5], &so, pt, 100, out, sizeof(out));
	ok &= open_pkt(remote, out, v1 ? 21 : 24, &h, back, &blen) ==
	      RX_MALFORMED;
	ok &= open_pkt(remote, out, n - 1, &h, back, &blen) == RX_AUTH_FAIL;
	out[0] = (out[0] & ~7) | 6;
	ok &= open_pkt(remote, out, n, &h, back, &blen) == RX_NO_KEY;
	out[0] = 0x38;		/* P_CONTROL_HARD_RESET_SERVER_V2 */
	ok &= open_pkt(remote, out, n, &h, back, &blen) == RX_NOT_DATA;

	free_keys(kern);
	free_keys(remote);
	return ok;
}

/*
 * Interop vectors captured from real OpenVPN 2.6.14 (Debian 12), two
 * instances in p2p TLS mode with --dev null --ping 1 --verb 9: the
 * "Outgoing Data Channel: CIPHER KEY", "ENCRYPT IV" (pktid || implicit IV)
 * and "ENCRYPT TO" lines of the first keepalive ping.  OpenVPN's log cuts
 * the packet after 31 bytes: header (8), the whole tag (16), which
 * authenticates everything, and the first 7 ciphertext bytes.
 */
struct interop_vector {
	const char *cipher, *key, *tail, *packet;
	u32 peer_id;
};

static const struct interop_vector interop_vectors[] = {
	{ "AES-256-GCM",
	  "68aa80f488879e67f657555700d403dfe675971879017a2f937497fc79615791",
	  "a2334a3befcd5472",
	  "487907a70000000113b937a47933273755b6823bcda5b28a0242d5405634e7",
	  0x7907a7 },
	{ "AES-128-GCM",
	  "ccd667ff88f9c06ceca45fd48cc6a66d",
	  "95ba9a413f63b4e7",
	  "48ac374100000001b35bb216b717a68f3e61a76e471d8beb335758ea51db5d",
	  0xac3741 },
	{ "CHACHA20-POLY1305",
	  "814b6c06bec626237e49a13b3b9627c0b84fa35e32a32df3b56f7ffbcd21752d",
	  "a3f49b8794556418",
	  "4875a62000000001e04b39fa6d8ce7a40393abe23d3c5e58be48474cf09ea2",
	  0x75a620 },
};

static bool st_interop(const struct interop_vector *v)
{
	struct peer_key kern[NKEYS] = { 0 };
	struct seal_opts so = { .peer_id = v->peer_id, .pktid = 1 };
	struct key_file kf = { .ci = cipher_by_name(v->cipher) };
	u8 want[64], out[64];
	size_t len, wlen;
	ssize_t n;
	bool ok;

	if (!kf.ci || hex_decode(v->key, kf.enc.key, sizeof(kf.enc.key),
				 &len) || len != kf.ci->key_len ||
	    hex_decode(v->tail, kf.enc.tail, sizeof(kf.enc.tail), &len) ||
	    hex_decode(v->packet, want, sizeof(want), &wlen))
		return false;
	peer_key_setup(&kern[0], &kf, false, 0, 1);
	n = seal(&kern[0], &so, nf_ovpn_keepalive_msg, NF_OVPN_KEEPALIVE_LEN,
		 out, sizeof(out));
	ok = n == NF_OVPN_V2_HLEN + NF_OVPN_KEEPALIVE_LEN &&
	     !memcmp(out, want, wlen);
	free_keys(kern);
	return ok;
}

static int cmd_selftest(int argc, char **argv)
{
	size_t c;
	int v;

	(void)argc;
	(void)argv;
	for (c = 0; c < NCIPHERS; c++)
		for (v = 0; v < 2; v++)
			st_report(st_roundtrip(&ciphers[c], v),
				  "%s P_DATA_V%d round trip, tamper, replay",
				  ciphers[c].name, v ? 1 : 2);
	for (c = 0; c < sizeof(interop_vectors) / sizeof(interop_vectors[0]);
	     c++)
		st_report(st_interop(&interop_vectors[c]),
			  "%s P_DATA_V2 matches a packet of OpenVPN 2.6.14",
			  interop_vectors[c].cipher);
	printf("1..%d\n%d passed, %d failed\n", st_n, st_n - st_failed,
	       st_failed);
	return st_failed ? 1 : 0;
}

/* ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "genkey", cmd_genkey },
		{ "tunnel", cmd_tunnel },
		{ "send", cmd_send },
		{ "recv", cmd_recv },
		{ "sink", cmd_sink },
		{ "selftest", cmd_selftest },
	};
	size_t i;

	if (argc < 2)
		usage(2);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help"))
		usage(0);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
	usage(2);
}

// SPDX-License-Identifier: GPL-2.0
/* Key file parser; see keyfile.h for the format. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "keyfile.h"

static const struct {
	const char *name;
	uint32_t cipher;
	size_t key_len;
} ciphers[] = {
	{ "AES-128-GCM", NF_OVPN_CIPHER_AES_GCM, 16 },
	{ "AES-192-GCM", NF_OVPN_CIPHER_AES_GCM, 24 },
	{ "AES-256-GCM", NF_OVPN_CIPHER_AES_GCM, 32 },
	{ "CHACHA20-POLY1305", NF_OVPN_CIPHER_CHACHA20_POLY1305, 32 },
};

int nfo_cipher_lookup(const char *name, uint32_t *cipher, size_t *key_len,
		      const char **canonical)
{
	size_t i;

	for (i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++) {
		if (strcasecmp(name, ciphers[i].name))
			continue;
		*cipher = ciphers[i].cipher;
		*key_len = ciphers[i].key_len;
		*canonical = ciphers[i].name;
		return 0;
	}
	return -1;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* decode exactly want bytes of hex; returns the decoded length or -1 */
static long unhex(const char *s, size_t slen, uint8_t *out, size_t max)
{
	size_t i;

	if (slen % 2 || slen / 2 > max)
		return -1;
	for (i = 0; i < slen; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(slen / 2);
}

enum field { F_CIPHER, F_EKEY, F_ENONCE, F_DKEY, F_DNONCE, F_COUNT };

static const char *const field_names[F_COUNT] = {
	"cipher", "encrypt-key", "encrypt-nonce-tail", "decrypt-key",
	"decrypt-nonce-tail",
};

struct pstate {
	struct nfo_keyfile *kf;
	bool seen[F_COUNT];
	size_t key_len;		/* required by the cipher */
	unsigned int line;
	char *err;
	size_t errlen;
};

static int set_hex(struct pstate *ps, enum field f, const char *v, size_t vlen)
{
	struct nfo_keydir *d = f == F_EKEY || f == F_ENONCE ?
			       &ps->kf->encrypt : &ps->kf->decrypt;
	bool nonce = f == F_ENONCE || f == F_DNONCE;
	uint8_t tmp[NF_OVPN_KEY_MAX_LEN + 1];
	long n;

	n = unhex(v, vlen, tmp, sizeof(tmp));
	if (n < 0) {
		explicit_bzero(tmp, sizeof(tmp));
		if (vlen % 2 == 0 && vlen / 2 > NF_OVPN_KEY_MAX_LEN)
			return fail(ps->err, ps->errlen,
				    "line %u: %s is too long", ps->line,
				    field_names[f]);
		return fail(ps->err, ps->errlen,
			    "line %u: %s is not valid hex", ps->line,
			    field_names[f]);
	}
	if (nonce) {
		if (n != NF_OVPN_NONCE_TAIL_LEN)
			goto bad_len;
		memcpy(d->nonce_tail, tmp, NF_OVPN_NONCE_TAIL_LEN);
	} else {
		if (n != 16 && n != 24 && n != 32)
			goto bad_len;
		memcpy(d->key, tmp, (size_t)n);
		d->key_len = (size_t)n;
	}
	explicit_bzero(tmp, sizeof(tmp));
	return 0;

bad_len:
	explicit_bzero(tmp, sizeof(tmp));
	return fail(ps->err, ps->errlen,
		    "line %u: %s has %ld bytes, expected %s", ps->line,
		    field_names[f], n, nonce ? "8" : "16, 24 or 32");
}

static int parse_line(struct pstate *ps, const char *p, const char *end)
{
	const char *name, *v;
	size_t nlen, vlen;
	int f;

	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p == end)
		return 0;
	name = p;
	while (p < end && !isspace((unsigned char)*p))
		p++;
	nlen = (size_t)(p - name);
	while (p < end && isspace((unsigned char)*p))
		p++;
	v = p;
	while (p < end && !isspace((unsigned char)*p))
		p++;
	vlen = (size_t)(p - v);
	while (p < end && isspace((unsigned char)*p))
		p++;

	for (f = 0; f < F_COUNT; f++)
		if (strlen(field_names[f]) == nlen &&
		    !strncmp(field_names[f], name, nlen))
			break;
	if (f == F_COUNT)
		return fail(ps->err, ps->errlen, "line %u: unknown keyword '%.*s'",
			    ps->line, (int)(nlen > 40 ? 40 : nlen), name);
	if (!vlen)
		return fail(ps->err, ps->errlen, "line %u: %s needs a value",
			    ps->line, field_names[f]);
	if (p != end)
		return fail(ps->err, ps->errlen,
			    "line %u: trailing text after %s value", ps->line,
			    field_names[f]);
	if (ps->seen[f])
		return fail(ps->err, ps->errlen, "line %u: %s given twice",
			    ps->line, field_names[f]);
	ps->seen[f] = true;

	if (f == F_CIPHER) {
		char cname[32];

		if (vlen >= sizeof(cname))
			goto bad_cipher;
		memcpy(cname, v, vlen);
		cname[vlen] = '\0';
		if (nfo_cipher_lookup(cname, &ps->kf->cipher, &ps->key_len,
				      &ps->kf->cipher_name))
			goto bad_cipher;
		return 0;
	}
	return set_hex(ps, (enum field)f, v, vlen);

bad_cipher:
	return fail(ps->err, ps->errlen,
		    "line %u: unknown cipher '%.*s' (AES-128-GCM, AES-192-GCM, AES-256-GCM, CHACHA20-POLY1305)",
		    ps->line, (int)(vlen > 40 ? 40 : vlen), v);
}

int nfo_keyfile_parse(const char *buf, size_t len, struct nfo_keyfile *kf,
		      char *err, size_t errlen)
{
	struct pstate ps = { .kf = kf, .err = err, .errlen = errlen };
	const char *p = buf, *end = buf + len;
	int f;

	memset(kf, 0, sizeof(*kf));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *hash, *stop = eol ? eol : end;

		ps.line++;
		if (memchr(p, '\0', (size_t)(stop - p))) {
			fail(err, errlen, "line %u: NUL byte", ps.line);
			goto err;
		}
		hash = memchr(p, '#', (size_t)(stop - p));
		if (parse_line(&ps, p, hash ? hash : stop))
			goto err;
		p = eol ? eol + 1 : end;
	}
	for (f = 0; f < F_COUNT; f++) {
		if (!ps.seen[f]) {
			fail(err, errlen, "missing '%s' line", field_names[f]);
			goto err;
		}
	}
	if (kf->encrypt.key_len != ps.key_len ||
	    kf->decrypt.key_len != ps.key_len) {
		fail(err, errlen, "%s needs %zu-byte keys, got %zu (encrypt) and %zu (decrypt)",
		     kf->cipher_name, ps.key_len, kf->encrypt.key_len,
		     kf->decrypt.key_len);
		goto err;
	}
	return 0;

err:
	nfo_keyfile_wipe(kf);
	return -1;
}

int nfo_keyfile_read(const char *path, struct nfo_keyfile *kf,
		     char *err, size_t errlen)
{
	char buf[NFO_KEYFILE_MAX_SIZE + 1];
	bool is_stdin = !strcmp(path, "-");
	size_t len = 0;
	ssize_t n;
	int fd, ret = -1;

	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	do {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fail(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		len += (size_t)n;
	} while (n > 0 && len < sizeof(buf));
	if (len > NFO_KEYFILE_MAX_SIZE) {
		fail(err, errlen, "%s: larger than %d bytes, not a key file",
		     path, NFO_KEYFILE_MAX_SIZE);
		goto out;
	}
	if (nfo_keyfile_parse(buf, len, kf, err, errlen) == 0) {
		ret = 0;
	} else {
		/* prefix the file name to the parser's message */
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errlen, "%s: %s", is_stdin ? "<stdin>" : path,
			 msg);
	}
out:
	explicit_bzero(buf, sizeof(buf));
	if (!is_stdin)
		close(fd);
	return ret;
}

void nfo_keyfile_wipe(struct nfo_keyfile *kf)
{
	explicit_bzero(kf, sizeof(*kf));
}

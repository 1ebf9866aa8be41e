// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "keyfile.h"

#define K16 "00112233445566778899aabbccddeeff"
#define K24 K16 "0011223344556677"
#define K32 K16 "ffeeddccbbaa99887766554433221100"
#define NT "0102030405060708"

static char err[256];

static int kparse(const char *text, struct nfo_keyfile *kf)
{
	err[0] = '\0';
	return nfo_keyfile_parse(text, strlen(text), kf, err, sizeof(err));
}

static const char good256[] =
	"# test key\n"
	"cipher AES-256-GCM            # comment after value\n"
	"\n"
	"encrypt-key " K32 "\n"
	"encrypt-nonce-tail " NT "\n"
	"decrypt-key " K32 "\n"
	"   decrypt-nonce-tail\t" NT "   \n";

static void keyfile_good_aes256(void)
{
	struct nfo_keyfile kf;

	CHECK(kparse(good256, &kf) == 0);
	CHECK(kf.cipher == NF_OVPN_CIPHER_AES_GCM);
	CHECK_STR(kf.cipher_name, "AES-256-GCM");
	CHECK(kf.encrypt.key_len == 32 && kf.decrypt.key_len == 32);
	CHECK(kf.encrypt.key[0] == 0x00 && kf.encrypt.key[1] == 0x11 &&
	      kf.encrypt.key[31] == 0x00 && kf.encrypt.key[16] == 0xff);
	CHECK(kf.encrypt.nonce_tail[0] == 1 && kf.decrypt.nonce_tail[7] == 8);
	nfo_keyfile_wipe(&kf);
}

static void keyfile_good_other_ciphers(void)
{
	struct nfo_keyfile kf;

	CHECK(kparse("cipher AES-128-GCM\nencrypt-key " K16
		     "\nencrypt-nonce-tail " NT "\ndecrypt-key " K16
		     "\ndecrypt-nonce-tail " NT "\n", &kf) == 0);
	CHECK(kf.cipher == NF_OVPN_CIPHER_AES_GCM && kf.encrypt.key_len == 16);
	CHECK(kparse("cipher aes-192-gcm\r\nencrypt-key " K24
		     "\r\nencrypt-nonce-tail " NT "\r\ndecrypt-key " K24
		     "\r\ndecrypt-nonce-tail " NT, &kf) == 0);
	CHECK(kf.encrypt.key_len == 24);
	CHECK_STR(kf.cipher_name, "AES-192-GCM");
	/* upper-case hex, no trailing newline */
	CHECK(kparse("cipher CHACHA20-POLY1305\nencrypt-key "
		     "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"
		     "\nencrypt-nonce-tail " NT "\ndecrypt-key " K32
		     "\ndecrypt-nonce-tail " NT, &kf) == 0);
	CHECK(kf.cipher == NF_OVPN_CIPHER_CHACHA20_POLY1305);
	CHECK(kf.encrypt.key[10] == 0xAA);
}

static const struct {
	const char *text;
	const char *want;	/* substring of the error */
} bad[] = {
	{ "", "missing 'cipher'" },
	{ "cipher AES-256-GCM\n", "missing 'encrypt-key'" },
	{ "cipher AES-256-GCM\nencrypt-key " K32 "\nencrypt-nonce-tail " NT
	  "\ndecrypt-key " K32 "\n", "missing 'decrypt-nonce-tail'" },
	{ "cipher BF-CBC\n", "unknown cipher" },
	{ "cipher\n", "needs a value" },
	{ "cipher AES-256-GCM AES-128-GCM\n", "trailing text" },
	{ "cipher AES-256-GCM\ncipher AES-256-GCM\n", "given twice" },
	{ "frobnicate 1\n", "unknown keyword" },
	{ "encrypt-key 0g112233445566778899aabbccddeeff\n", "not valid hex" },
	{ "encrypt-key 0011223\n", "not valid hex" },
	{ "encrypt-key 00112233445566778899aabbccddee\n", "15 bytes" },
	{ "encrypt-key " K32 "00\n", "33 bytes" },
	{ "encrypt-key " K32 K32 "\n", "too long" },
	{ "encrypt-key 0x" K16 "\n", "not valid hex" },
	{ "encrypt-nonce-tail 01020304050607\n", "7 bytes" },
	{ "encrypt-nonce-tail " NT "09\n", "9 bytes" },
	{ "cipher AES-256-GCM\nencrypt-key " K16 "\nencrypt-nonce-tail " NT
	  "\ndecrypt-key " K16 "\ndecrypt-nonce-tail " NT "\n",
	  "needs 32-byte keys" },
	{ "cipher AES-128-GCM\nencrypt-key " K16 "\nencrypt-nonce-tail " NT
	  "\ndecrypt-key " K32 "\ndecrypt-nonce-tail " NT "\n",
	  "needs 16-byte keys" },
	{ "cipher CHACHA20-POLY1305\nencrypt-key " K16 "\nencrypt-nonce-tail "
	  NT "\ndecrypt-key " K16 "\ndecrypt-nonce-tail " NT "\n",
	  "needs 32-byte keys" },
	{ "\n\n# c\nbogus\n", "line 4" },
};

static void keyfile_bad(void)
{
	struct nfo_keyfile kf;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = kparse(bad[i].text, &kf);

		if (r == 0 || !strstr(err, bad[i].want))
			printf("# case %zu: r=%d err='%s' want '%s'\n", i, r,
			       err, bad[i].want);
		CHECK(r == -1);
		CHECK(strstr(err, bad[i].want) != NULL);
	}
}

static void keyfile_nul_byte(void)
{
	static const char text[] = "cipher AES-256-GCM\0\n";
	struct nfo_keyfile kf;

	CHECK(nfo_keyfile_parse(text, sizeof(text) - 1, &kf, err,
				sizeof(err)) == -1);
	CHECK(strstr(err, "NUL") != NULL);
}

static void keyfile_wiped_on_error(void)
{
	static const uint8_t zero[sizeof(struct nfo_keyfile)];
	struct nfo_keyfile kf;

	/* the keys parse, then the length check fails: nothing may remain */
	CHECK(kparse("cipher AES-128-GCM\nencrypt-key " K32
		     "\nencrypt-nonce-tail " NT "\ndecrypt-key " K32
		     "\ndecrypt-nonce-tail " NT "\n", &kf) == -1);
	CHECK(!memcmp(&kf, zero, sizeof(kf)));
	CHECK(kparse(good256, &kf) == 0);
	nfo_keyfile_wipe(&kf);
	CHECK(!memcmp(&kf, zero, sizeof(kf)));
}

static void keyfile_read_files(void)
{
	char path[] = "/tmp/nfovpn-test-keyXXXXXX";
	struct nfo_keyfile kf;
	char *big;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	fputs(good256, f);
	fclose(f);
	CHECK(nfo_keyfile_read(path, &kf, err, sizeof(err)) == 0);
	CHECK(kf.encrypt.key_len == 32);
	nfo_keyfile_wipe(&kf);

	/* errors name the file */
	f = fopen(path, "w");
	fputs("cipher NOPE\n", f);
	fclose(f);
	CHECK(nfo_keyfile_read(path, &kf, err, sizeof(err)) == -1);
	CHECK(strstr(err, path) != NULL && strstr(err, "unknown cipher"));

	/* too large to be a key file */
	big = malloc(NFO_KEYFILE_MAX_SIZE + 10);
	memset(big, '#', NFO_KEYFILE_MAX_SIZE + 10);
	f = fopen(path, "w");
	fwrite(big, 1, NFO_KEYFILE_MAX_SIZE + 10, f);
	fclose(f);
	free(big);
	CHECK(nfo_keyfile_read(path, &kf, err, sizeof(err)) == -1);
	CHECK(strstr(err, "larger") != NULL);

	unlink(path);
	CHECK(nfo_keyfile_read(path, &kf, err, sizeof(err)) == -1);
	CHECK(strstr(err, "No such file") != NULL);
}

void test_keyfile(void)
{
	RUN(keyfile_good_aes256);
	RUN(keyfile_good_other_ciphers);
	RUN(keyfile_bad);
	RUN(keyfile_nul_byte);
	RUN(keyfile_wiped_on_error);
	RUN(keyfile_read_files);
}

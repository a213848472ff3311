/**
 * @file credentials.c  HA1 and argon2id.
 */
#include <re.h>
#include <sodium.h>
#include <string.h>
#include "core/strutil.h"
#include "provision/credentials.h"

int cred_sip_ha1(char md5_hex[33], char sha256_hex[65], const char *user,
		 const char *realm, const char *password)
{
	uint8_t md[MD5_SIZE], sh[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state s;
	char *a1 = NULL;
	int err;

	if (!user || !realm || !password)
		return EINVAL;

	err = re_sdprintf(&a1, "%s:%s:%s", user, realm, password);
	if (err)
		return err;

	md5((const uint8_t *)a1, strlen(a1), md);
	crypto_hash_sha256_init(&s);
	crypto_hash_sha256_update(&s, (const uint8_t *)a1, strlen(a1));
	crypto_hash_sha256_final(&s, sh);
	sodium_memzero(a1, strlen(a1));
	mem_deref(a1);

	hex_encode(md5_hex, 33, md, sizeof(md));
	hex_encode(sha256_hex, 65, sh, sizeof(sh));
	return 0;
}

int cred_password_hash(char *out, size_t size, const char *password)
{
	if (size < crypto_pwhash_STRBYTES || !password)
		return EINVAL;
	if (crypto_pwhash_str(out, password, strlen(password),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE))
		return ENOMEM;
	return 0;
}

bool cred_password_verify(const char *hash, const char *password)
{
	if (!hash || !password || !hash[0])
		return false;
	return 0 == crypto_pwhash_str_verify(hash, password, strlen(password));
}

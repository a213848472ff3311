/**
 * @file vmpin.c  Voicemail PINs (vmpin.h says why a fast keyed hash).
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include "core/strutil.h"
#include "features/vmpin.h"

enum {
	SALT_BYTES = 16,
	HASH_BYTES = 24,
	PREFIX_LEN = 3,                           /* "v1$" */
	SALT_HEX = 2 * SALT_BYTES,
	HASH_HEX = 2 * HASH_BYTES,
};

/* the hash names what it is for, so that the same salt and digits used
   for anything else would not give the same bytes */
static const char context[] = "centrex voicemail pin v1";

_Static_assert(PREFIX_LEN + SALT_HEX + 1 + HASH_HEX == VM_PIN_HASH_LEN,
	       "VM_PIN_HASH_LEN is the length of v1$<salt>$<hash>");

bool vm_pin_valid(const char *pin)
{
	size_t n;

	if (!pin)
		return false;
	n = strlen(pin);
	if (n < VM_PIN_MIN_DIGITS || n > VM_PIN_MAX_DIGITS)
		return false;
	return strspn(pin, "0123456789") == n;
}

static int digest(const uint8_t salt[SALT_BYTES], const char *pin,
		  uint8_t out[HASH_BYTES])
{
	crypto_generichash_state s;

	if (crypto_generichash_init(&s, salt, SALT_BYTES, HASH_BYTES) ||
	    crypto_generichash_update(&s, (const uint8_t *)context,
				      sizeof(context)) ||
	    crypto_generichash_update(&s, (const uint8_t *)pin,
				      strlen(pin)) ||
	    crypto_generichash_final(&s, out, HASH_BYTES))
		return EIO;
	return 0;
}

int vm_pin_hash(const char *pin, char *out, size_t size)
{
	uint8_t salt[SALT_BYTES], h[HASH_BYTES];
	char salt_hex[SALT_HEX + 1], h_hex[HASH_HEX + 1];
	int err;

	if (!vm_pin_valid(pin) || !out)
		return EINVAL;
	if (size <= VM_PIN_HASH_LEN)
		return ENOSPC;
	randombytes_buf(salt, sizeof(salt));
	err = digest(salt, pin, h);
	if (err)
		return err;
	hex_encode(salt_hex, sizeof(salt_hex), salt, sizeof(salt));
	hex_encode(h_hex, sizeof(h_hex), h, sizeof(h));
	snprintf(out, size, "v1$%s$%s", salt_hex, h_hex);
	sodium_memzero(h, sizeof(h));
	return 0;
}

bool vm_pin_check(const char *pin_hash, const char *pin)
{
	uint8_t salt[SALT_BYTES], want[HASH_BYTES], got[HASH_BYTES];
	bool ok;

	if (!pin_hash || strlen(pin_hash) != VM_PIN_HASH_LEN ||
	    strncmp(pin_hash, "v1$", PREFIX_LEN) ||
	    pin_hash[PREFIX_LEN + SALT_HEX] != '$' || !vm_pin_valid(pin))
		return false;
	if (hex_decode(salt, sizeof(salt), pin_hash + PREFIX_LEN, SALT_HEX) ||
	    hex_decode(want, sizeof(want),
		       pin_hash + PREFIX_LEN + SALT_HEX + 1, HASH_HEX) ||
	    digest(salt, pin, got))
		return false;
	ok = sodium_memcmp(want, got, sizeof(got)) == 0;
	sodium_memzero(got, sizeof(got));
	return ok;
}

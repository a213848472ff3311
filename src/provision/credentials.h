/**
 * @file credentials.h  Turning clear passwords into what the store keeps.
 *
 * SIP devices: HA1 digests for MD5 and SHA-256 (RFC 8760), which depend
 * on the realm, i.e. the tenant's SIP domain.  Portal/API accounts:
 * argon2id strings (libsodium).  Clear passwords are never stored.
 */
#ifndef CENTREX_PROVISION_CREDENTIALS_H
#define CENTREX_PROVISION_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>

int cred_sip_ha1(char md5_hex[33], char sha256_hex[65], const char *user,
		 const char *realm, const char *password);
int cred_password_hash(char *out, size_t size, const char *password);
bool cred_password_verify(const char *hash, const char *password);

#endif

/**
 * @file vmpin.h  Voicemail PINs: how they are kept and checked.
 *
 * A PIN is 4 to 8 digits, typed on a keypad.  It is kept as
 * "v1$<salt hex>$<hash hex>": BLAKE2b keyed with a random 16-byte salt,
 * so that two users with the same PIN have different strings and the
 * clear PIN is never stored.  This is deliberately fast (the phone menu
 * checks PINs on the signalling thread, where argon2 would stall every
 * call); with at most 10^8 PINs no hash could stop a search by someone
 * who holds the database anyway, so the store itself must stay private.
 * What guards a box against guessing by phone is the menu's own limit
 * on attempts.
 */
#ifndef CENTREX_FEATURES_VMPIN_H
#define CENTREX_FEATURES_VMPIN_H

#include <stdbool.h>
#include <stddef.h>

enum {
	VM_PIN_MIN_DIGITS = 4,
	VM_PIN_MAX_DIGITS = 8,
	VM_PIN_HASH_LEN = 84,     /**< characters of a hash, without NUL */
};

/* true: 4 to 8 digits, nothing else */
bool vm_pin_valid(const char *pin);
/* the stored form of pin into out (size > VM_PIN_HASH_LEN); EINVAL: not
   a valid PIN; ENOSPC: out too small */
int  vm_pin_hash(const char *pin, char *out, size_t size);
/* pin matches the stored form (compared in constant time); false for
   an empty or damaged pin_hash: no PIN set opens nothing */
bool vm_pin_check(const char *pin_hash, const char *pin);

#endif

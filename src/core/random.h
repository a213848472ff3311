/**
 * @file random.h  Fast random numbers for libre.
 *
 * libre draws a random To-tag for every message it decodes, and in the
 * Debian build each draw goes through OpenSSL 3's RAND_bytes, which costs
 * about a tenth of the signalling thread at 16k REGISTER/s.  libre calls
 * its rand_*() functions through the PLT, so centrexd defines them
 * (random.c) and the dynamic linker binds libre to ours: a ChaCha20
 * keystream (libsodium), keyed from the system's entropy, buffered per
 * thread.  random_init() must be called once; it also makes sure the
 * linker keeps these definitions in the executable.
 */
#ifndef CENTREX_CORE_RANDOM_H
#define CENTREX_CORE_RANDOM_H

void random_init(void);
/* A random (version 4) UUID in its 36-character text form, any thread. */
void random_uuid(char out[37]);

#endif

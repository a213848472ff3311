/**
 * @file fuzz_sip_request.c  libFuzzer target: peer bytes -> validation ->
 * registrar.
 *
 * Feeds arbitrary bytes through the same path a UDP datagram takes:
 * libre's decoder, our validation pass, then REGISTER handling (digest
 * parsing, nonce checks, contact parsing, location updates).  The SIP
 * instance has no transports, so replies are built but go nowhere.
 * Saved inputs live in tests/fuzz/corpus/sip_request and are replayed by
 * `make test`.
 */
#include <re.h>
#include <sodium.h>
#include <string.h>
#include "core/conf.h"
#include "core/log.h"
#include "core/theap.h"
#include "dir/directory.h"
#include "sip/auth.h"
#include "sip/ban.h"
#include "sip/location.h"
#include "sip/registrar.h"
#include "sip/validate.h"

static struct {
	struct conf conf;
	struct sip *sip;
	struct directory *dir;
	struct theap *th;
	struct location *loc;
	struct ban_table *bans;
	struct sipauth *auth;
	struct registrar *reg;
} fz;

static void init(void)
{
	struct dir_tenant *t = NULL;

	log_set_level(LOGL_ERROR);
	if (sodium_init() < 0 || libre_init())
		abort();
	conf_defaults(&fz.conf);
	if (sip_alloc(&fz.sip, NULL, 16, 16, 16, NULL, NULL, NULL) ||
	    dir_alloc(&fz.dir) ||
	    dir_tenant_add(fz.dir, 1, "acme", "acme.example", "SHA-256,MD5",
			   &t) ||
	    dir_device_add(fz.dir, t, 1, 1, "1001",
			   "00112233445566778899aabbccddeeff",
			   "00112233445566778899aabbccddeeff"
			   "00112233445566778899aabbccddeeff") ||
	    theap_alloc(&fz.th) || location_alloc(&fz.loc, fz.th, NULL) ||
	    ban_alloc(&fz.bans, fz.th) ||
	    sipauth_alloc(&fz.auth, fz.sip, &fz.conf, fz.dir, fz.bans) ||
	    registrar_alloc(&fz.reg, fz.sip, &fz.conf, fz.loc, fz.auth))
		abort();
	ban_configure(fz.bans, 1000000, 60, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct sip_msg *msg = NULL;
	struct mbuf *mb;
	const char *reason;
	uint16_t scode;

	if (!ready) {
		init();
		ready = true;
	}
	mb = mbuf_alloc(size + 1);
	if (!mb)
		return 0;
	(void)mbuf_write_mem(mb, data, size);
	mb->pos = 0;

	if (!sip_msg_decode(&msg, mb)) {
		sa_set_str(&msg->src, "127.0.0.1", 5060);
		msg->tp = SIP_TRANSP_UDP;
		if (sip_validate(msg, 8192, &scode, &reason) == SIPV_OK &&
		    msg->req && !pl_strcmp(&msg->met, "REGISTER"))
			registrar_handle(fz.reg, msg);
		mem_deref(msg);
	}
	mem_deref(mb);
	return 0;
}

/**
 * @file pbx.h  The call layer: where a SIP INVITE becomes a call.
 *
 * Takes the INVITEs the SIP front door lets through, finds who calls
 * (one of our devices by digest, or a carrier by its trunk) and where the
 * call goes (dialplan.h), and runs the call as a back-to-back user agent
 * (call.h) with its media anchored on our relay (media/media.h).  Every
 * call ends in one CDR (cdr/cdr.h).
 */
#ifndef CENTREX_PBX_PBX_H
#define CENTREX_PBX_PBX_H

#include <stdbool.h>
#include <stdint.h>

struct conf;
struct sip;
struct sip_msg;
struct directory;
struct location;
struct store;
struct store_writer;
struct sipauth;
struct media_engine;
struct theap;
struct pbx;
struct recwriter;
struct store_vm_message;

/* Where a user stands in one call, for their colleagues' BLF keys. */
enum pbx_party {
	PBX_PARTY_IDLE = 0,           /**< out of this call */
	PBX_PARTY_RINGING,            /**< their phones ring, or they call */
	PBX_PARTY_TALKING,
};

/*
 * Events flowing up from the call layer, each may be NULL; they run on
 * the signalling thread, and also during pbx_hangup_all() at shutdown.
 */
struct pbx_events {
	/* user's state in call call_uuid changed; caller: they placed it;
	   remote: who is at the other end (extension or number) */
	void (*party)(void *arg, int64_t tenant_id, int64_t user_id,
		      const char *call_uuid, enum pbx_party st, bool caller,
		      const char *remote);
	/* a user's voicemail changed (a message left, heard, deleted):
	   their message-waiting lamp follows */
	void (*vm_changed)(void *arg, int64_t tenant_id, int64_t user_id);
	/* a user's features changed by phone (*78 DND ...) */
	void (*features_changed)(void *arg, int64_t tenant_id,
				 int64_t user_id);
	/* a caller left message m (stored) in a user's voicemail box:
	   webhooks follow; vm_changed comes right after */
	void (*vm_message)(void *arg, const struct store_vm_message *m);
	void *arg;
};

struct pbx_deps {
	const struct conf *conf;
	struct sip *sip;
	struct directory *dir;
	struct location *loc;
	struct store *st;             /**< signalling thread's connection */
	struct store_writer *writer;  /**< CDRs */
	struct sipauth *auth;
	struct media_engine *media;
	struct theap *theap;
	struct prompt_lib *prompts;   /**< may be NULL: no prompts */
	struct recwriter *recorder;   /**< may be NULL: no recordings */
	struct pbx_events ev;         /**< what others follow (presence) */
};

int  pbx_alloc(struct pbx **pp, const struct pbx_deps *deps);
/* in-dialog requests libre's session layer does not take (UPDATE,
   PRACK); true when handled */
bool pbx_request(struct pbx *p, const struct sip_msg *msg);
/* the API changed a tenant's trunks (0 = all) */
void pbx_trunks_changed(void *arg, int64_t tenant_id);
/* end every call (shutdown) */
void pbx_hangup_all(struct pbx *p);
unsigned pbx_call_count(const struct pbx *p);

#endif

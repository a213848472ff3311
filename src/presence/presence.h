/**
 * @file presence.h  Presence, BLF and message waiting over SUBSCRIBE/NOTIFY.
 *
 * Three event packages, each about one user of a tenant:
 *
 *   dialog           RFC 4235: the user's calls (BLF keys): idle when
 *                    none, early (ringing) or confirmed (busy) per call
 *   presence         RFC 3856/3863 PIDF: open while a device of the user
 *                    is registered, closed otherwise; "on the phone"
 *                    during a call; busy under DND (user features)
 *   message-summary  RFC 3842: new/old voice messages of the user's own
 *                    mailbox; phones that do not subscribe get the same
 *                    NOTIFY unsolicited
 *
 * A watcher is one of our devices, authenticated like a call (407);
 * the resource is an extension (or device username) of the SAME tenant:
 * anything else answers 404, so nothing of another tenant shows.  Each
 * device holds at most PRESENCE_MAX_SUBS_PER_DEVICE subscriptions.
 *
 * State comes in through three plain calls, all on the signalling
 * thread: presence_call_state() from the call layer, presence_mwi_set()
 * from voicemail, presence_device_seen() after a REGISTER (and a sweep
 * notices bindings that expired).
 */
#ifndef CENTREX_PRESENCE_PRESENCE_H
#define CENTREX_PRESENCE_PRESENCE_H

#include <stdbool.h>
#include <stdint.h>

struct conf;
struct sip;
struct sip_msg;
struct directory;
struct location;
struct store;
struct sipauth;
struct ctl;
struct presence;

enum {
	PRESENCE_MAX_SUBS_PER_DEVICE = 64,
	PRESENCE_MIN_EXPIRES_S = 60,      /**< shorter: 423 */
	PRESENCE_MAX_EXPIRES_S = 3600,    /**< longer: cut to this */
	PRESENCE_DFL_EXPIRES_S = 3600,    /**< no Expires header */
};

/* What a call is to one of its users (RFC 4235 dialog states, folded:
   trying and proceeding count as early). */
enum presence_dialog_state {
	PRESENCE_DIALOG_TERMINATED = 0,   /**< the call is over: forget it */
	PRESENCE_DIALOG_EARLY,            /**< ringing (or calling out) */
	PRESENCE_DIALOG_CONFIRMED,        /**< answered: busy */
};

struct presence_deps {
	const struct conf *conf;          /**< borrowed */
	struct sip *sip;                  /**< borrowed */
	struct directory *dir;            /**< borrowed */
	struct location *loc;             /**< borrowed */
	struct store *st;                 /**< borrowed: signalling thread's */
	struct sipauth *auth;             /**< borrowed */
};

int  presence_alloc(struct presence **psp, const struct presence_deps *d);
/* the `mwi` control command (set a user's lamp by hand) */
int  presence_register_ctl(struct presence *ps, struct ctl *ctl);

/*
 * SIP requests from the front door: a new SUBSCRIBE or a PUBLISH is
 * taken (true); an in-dialog SUBSCRIBE (refresh, Expires: 0) or a
 * NOTIFY is left to libre's event layer, listening after the front
 * door (false).
 */
bool presence_request(struct presence *ps, const struct sip_msg *msg);

/*
 * The call layer reports each call of each of our users: call it for
 * every leg that reaches or leaves a user's device, on every change.
 *
 *   tenant_id, user_id  whose BLF key this is
 *   dialog_id           stable for the call and this user (the call's
 *                       uuid, or the leg's Call-ID), at most 63 bytes
 *   st                  EARLY when the user's phones ring (or the user
 *                       calls out and the far end rings), CONFIRMED
 *                       when answered, TERMINATED when over (the
 *                       dialog is then forgotten)
 *   initiator           true when the user placed the call
 *   remote_identity     the other party as a SIP URI or number, may be
 *                       NULL
 *
 * Watchers of "dialog" and "presence" are notified at once.  Cheap when
 * nobody watches the user (a hash lookup); a user holds at most 16
 * calls at once, further ones are not shown.
 */
void presence_call_state(struct presence *ps, int64_t tenant_id,
			 int64_t user_id, const char *dialog_id,
			 enum presence_dialog_state st, bool initiator,
			 const char *remote_identity);

/*
 * Voicemail reports a user's mailbox: new and old (heard) messages.
 * Subscribers to message-summary get a NOTIFY; every registered device
 * of the user without such a subscription gets it unsolicited (and
 * again when it registers later, while messages wait).
 */
int  presence_mwi_set(struct presence *ps, int64_t tenant_id,
		      int64_t user_id, unsigned new_msgs, unsigned old_msgs);

/* A REGISTER for this device was handled (its bindings may have come or
   gone): presence watchers of its user learn open/closed, and a waiting
   lamp is lit on it. */
void presence_device_seen(struct presence *ps, int64_t tenant_id,
			  int64_t device_id);

/* DND or other user features changed (the API) */
void presence_user_changed(struct presence *ps, int64_t tenant_id,
			   int64_t user_id);

/* subscriptions in force (status, tests) */
uint32_t presence_subscription_count(const struct presence *ps);

#endif

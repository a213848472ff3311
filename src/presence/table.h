/**
 * @file table.h  Presence state: watched users, their calls, watchers.
 *
 * No SIP here, so it can be tested alone.  A user record exists while
 * anything is known or wanted about the user (a watcher, a call, a
 * waiting lamp) and is dropped when the last of these goes; a device
 * record counts the device's subscriptions (the flood cap) and
 * remembers what lamp it was last shown.
 *
 *   subscription added ──► user (created) ◄── call state, MWI
 *   last subscription, last call, no MWI ──► user freed
 *
 * Subscriptions are embedded in their owners' objects (presence.c); the
 * table only links them.  Signalling thread only.
 */
#ifndef CENTREX_PRESENCE_TABLE_H
#define CENTREX_PRESENCE_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>
#include "presence/presence.h"

enum { PRES_MAX_DIALOGS = 16 };

enum pres_event {
	PRES_EV_DIALOG = 0,
	PRES_EV_PRESENCE,
	PRES_EV_MWI,
	PRES_EV_COUNT
};

struct pres_dialog {
	char id[64];
	enum presence_dialog_state st;
	bool initiator;
	char remote[128];
};

struct pres_table;

struct pres_user {
	struct le he;                    /**< in the table's users */
	int64_t tenant_id;
	int64_t user_id;
	struct list subs;                /**< struct pres_sub, links only */
	uint32_t nwatch[PRES_EV_COUNT];  /**< subscriptions per package */
	struct pres_dialog dialogs[PRES_MAX_DIALOGS];
	size_t ndialogs;
	bool mwi_known;                  /**< voicemail said something */
	unsigned mwi_new, mwi_old;
	uint32_t mwi_seq;                /**< bumped on each change */
	bool open_known, open;           /**< what watchers were told */
	int64_t away_until_ms;           /**< PUBLISHed "away" until (tmr_jiffies
					      ms), 0 = none */
};

struct pres_dev {
	struct le he;                    /**< in the table's devices */
	int64_t device_id;
	uint32_t nsubs;                  /**< every package */
	uint32_t nmwi;                   /**< message-summary ones */
	uint32_t mwi_seq_shown;          /**< lamp last sent unsolicited */
	uint64_t binding_seq;            /**< newest binding seen */
};

struct pres_sub {
	struct le le;                    /**< in pres_user.subs */
	struct pres_user *user;          /**< borrowed: the table's */
	struct pres_dev *dev;            /**< borrowed: the table's */
	enum pres_event ev;
	void *owner;                     /**< the object embedding this */
};

enum pres_blf {
	PRES_BLF_IDLE = 0,
	PRES_BLF_RINGING,                /**< a call rings the user */
	PRES_BLF_BUSY,                   /**< in a call, or calling out */
};

int  pres_table_alloc(struct pres_table **tp);
struct pres_user *pres_table_user(struct pres_table *t, int64_t tenant_id,
				  int64_t user_id, bool create);
struct pres_dev *pres_table_dev(struct pres_table *t, int64_t device_id,
				bool create);
/* drop records nothing needs any more */
void pres_table_tidy_user(struct pres_table *t, struct pres_user *u);
void pres_table_tidy_dev(struct pres_table *t, struct pres_dev *d);

/* EMLINK: the device holds max_per_dev already */
int  pres_table_sub_add(struct pres_table *t, struct pres_sub *s,
			struct pres_user *u, struct pres_dev *d,
			enum pres_event ev, uint32_t max_per_dev,
			void *owner);
/* unlinks s; the user and device are tidied */
void pres_table_sub_remove(struct pres_table *t, struct pres_sub *s);
uint32_t pres_table_sub_count(const struct pres_table *t);

/* true when what watchers see changed */
bool pres_user_dialog_set(struct pres_user *u, const char *id,
			  enum presence_dialog_state st, bool initiator,
			  const char *remote);
enum pres_blf pres_user_blf(const struct pres_user *u);
const char *pres_blf_name(enum pres_blf b);

typedef void (pres_user_h)(struct pres_user *u, void *arg);
/* h may not free users other than the one it is given */
void pres_table_foreach_user(struct pres_table *t, pres_user_h *h,
			     void *arg);

#endif

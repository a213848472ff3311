/**
 * @file voicemail.h  Voicemail by phone: leaving a message, and the
 * mailbox menu (*97).
 *
 * Both run on side A of an answered call's relay, like the other
 * services (app.h): they play prompts, collect digits, record, and end
 * the call themselves through the hangup callback.  A message is saved
 * when its recording ends, whether the caller pressed '#', fell silent,
 * reached the mailbox's maximum length or simply hung up; the mailbox
 * owner's lamp (message waiting) is then told through pbx_deps.vm_changed.
 */
#ifndef CENTREX_PBX_VOICEMAIL_H
#define CENTREX_PBX_VOICEMAIL_H

#include <stdint.h>
#include "media/media.h"
#include "pbx/app.h"
#include "pbx/call.h"

struct pbx;
struct vm;

enum vm_reason {
	VM_UNAVAILABLE = 0,   /**< no answer, unreachable, do not disturb */
	VM_BUSY,
};

/* The caller leaves a message in user box_user_id's mailbox (of the
   caller's tenant).  call_uuid links the message to the call's CDR. */
int  vm_deposit_start(struct vm **vp, struct pbx *p, struct media_relay *r,
		      const struct call_origin *o, int64_t box_user_id,
		      enum vm_reason why, const char *call_uuid,
		      void (*hangup)(void *arg), void *arg);
/* The caller's own mailbox: PIN, messages, greetings, PIN change; '3'
   after a message calls its caller back through redirect(arg, number),
   which ends the menu. */
int  vm_menu_start(struct vm **vp, struct pbx *p, struct media_relay *r,
		   const struct call_origin *o, void (*hangup)(void *arg),
		   void (*redirect)(void *arg, const char *dest), void *arg);
enum app_next vm_media_event(struct vm *v, const struct media_event *ev);
/* a digit that came by SIP INFO */
enum app_next vm_digit(struct vm *v, char digit);
/* The call ended (a recording under way still becomes a message). */
void vm_stop(struct vm *v);

#endif

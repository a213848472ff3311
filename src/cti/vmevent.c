/**
 * @file vmevent.c  The voicemail.message event: what a receiver needs
 * to show or fetch a new message without asking the API first.
 *
 * Built with jansson (texts from SIP peers, such as the caller's name,
 * need escaping), so this file stays apart from the libre one.
 */
#include <jansson.h>
#include <stdlib.h>
#include "core/log.h"
#include "cti/priv.h"
#include "cti/webhook.h"
#include "store/store.h"

void webhooks_voicemail_message(struct webhooks *wh,
				const struct store_vm_message *m)
{
	struct store *st = webhooks_store(wh);
	struct store_vm_message row;
	struct store_user u;
	int n_new = 0, n_old = 0;
	char when[40];
	json_t *data;
	char *text;

	/* the row as stored: the caller's texts made valid UTF-8 there */
	if (!st || !m ||
	    store_vm_message_get(st, m->tenant_id, m->id, &row) ||
	    store_user_get(st, m->tenant_id, row.user_id, &u))
		return;
	m = &row;
	(void)store_vm_counts(st, m->tenant_id, m->user_id, &n_new, &n_old);
	cti_iso_ms(when, sizeof(when), m->created_ms);
	data = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:I, "
			 "s:I, s:s, s:i, s:i}",
			 "user_id", (json_int_t)m->user_id,
			 "extension", u.extension, "user_name", u.name,
			 "message_id", (json_int_t)m->id,
			 "message_uuid", m->uuid, "caller", m->caller,
			 "caller_name", m->caller_name,
			 "call_uuid", m->call_uuid,
			 "duration_s", (json_int_t)((m->duration_ms + 500) /
						    1000),
			 "duration_ms", (json_int_t)m->duration_ms,
			 "received_at", when, "new_messages", n_new,
			 "old_messages", n_old);
	text = data ? json_dumps(data, JSON_COMPACT) : NULL;
	json_decref(data);
	if (!text) {
		/* the texts are UTF-8 (the store keeps no other): this is
		   running out of memory */
		log_warn("cti/webhook", "tenant %lld: voicemail event for "
			 "message %lld cannot be built",
			 (long long)m->tenant_id, (long long)m->id);
		return;
	}
	(void)webhooks_emit(wh, m->tenant_id, WEBHOOK_EV_VOICEMAIL_MESSAGE,
			    text, NULL);
	free(text);
}

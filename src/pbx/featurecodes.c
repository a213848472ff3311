/**
 * @file featurecodes.c  Feature codes dialled from a phone (see
 * featurecodes.h).
 */
#include <re.h>
#include <string.h>
#include "core/log.h"
#include "features/features.h"
#include "pbx/dialplan.h"
#include "pbx/featurecodes.h"
#include "pbx/priv.h"
#include "store/store.h"

enum fc_kind { FC_FORWARD, FC_DND, FC_WAITING, FC_GROUP };

static const struct fc {
	const char *code;
	enum fc_kind kind;
	bool arg;                     /**< a number follows the code */
	bool on;                      /**< set (true) or clear (false) */
	enum features_forward fwd;
	const char *what;             /**< the prompt naming the feature */
} fcs[] = {
	{"*72", FC_FORWARD, true,  true,  FEATURES_FWD_ALWAYS,
	 "call-fwd-unconditional"},
	{"*73", FC_FORWARD, false, false, FEATURES_FWD_ALWAYS,
	 "call-fwd-unconditional"},
	{"*90", FC_FORWARD, true,  true,  FEATURES_FWD_BUSY, "call-fwd-on-busy"},
	{"*91", FC_FORWARD, false, false, FEATURES_FWD_BUSY, "call-fwd-on-busy"},
	{"*92", FC_FORWARD, true,  true,  FEATURES_FWD_NOANSWER,
	 "call-fwd-no-ans"},
	{"*93", FC_FORWARD, false, false, FEATURES_FWD_NOANSWER,
	 "call-fwd-no-ans"},
	{"*78", FC_DND,     false, true,  0, "do-not-disturb"},
	{"*79", FC_DND,     false, false, 0, "do-not-disturb"},
	{"*70", FC_WAITING, false, true,  0, "call-waiting"},
	{"*21", FC_GROUP,   true,  true,  0, "agent-loginok"},
	{"*22", FC_GROUP,   true,  false, 0, "agent-loggedoff"},
};

enum { ARG_MAX = 20 };

static const struct fc *find(const char *dialled, const char **arg)
{
	for (size_t i = 0; i < sizeof(fcs) / sizeof(fcs[0]); i++) {
		const struct fc *f = &fcs[i];
		size_t l = strlen(f->code), rest;

		if (strncmp(dialled, f->code, l))
			continue;
		rest = strlen(dialled + l);
		if (f->arg ? rest > ARG_MAX ||
			     strspn(dialled + l, "0123456789+") != rest
			   : rest)
			continue;
		*arg = dialled + l;
		return f;
	}
	return NULL;
}

bool featurecode_match(const char *dialled)
{
	const char *arg;

	return find(dialled, &arg) != NULL;
}

/* what a forward code's digits mean: an extension as is, else a number
   as the user dials it, in E.164 */
static void destination(struct pbx *p, const struct call_origin *o,
			const char *arg, char *out, size_t size)
{
	int64_t uid = 0, gid = 0;

	if (!store_extension_owner(p->d.st, o->tenant_id, arg, &uid, &gid) ||
	    dialplan_normalise(p, o, arg, out, size))
		str_ncpy(out, arg, size);
}

static enum features_status group_login(struct pbx *p,
					const struct call_origin *o,
					const char *ext, bool in)
{
	struct store_group g;

	if (store_group_find_extension(p->d.st, o->tenant_id, ext, &g) ||
	    store_group_member_login(p->d.st, o->tenant_id, g.id, o->user_id,
				     in))
		return FEATURES_UNKNOWN;
	return FEATURES_OK;
}

bool featurecode_run(struct pbx *p, const struct call_origin *o,
		     const char *dialled,
		     const char *names[FEATURECODE_PROMPTS], size_t *n)
{
	struct features_problem pr = {.status = FEATURES_OK};
	struct store_user_features uf;
	enum features_status st = FEATURES_BAD;
	const char *arg = "";
	const struct fc *f = find(dialled, &arg);
	char dest[32];
	bool on = f ? f->on : false;

	*n = 0;
	if (f && o->user_id && (!f->arg || *arg)) {
		switch (f->kind) {
		case FC_FORWARD:
			destination(p, o, arg, dest, sizeof(dest));
			st = features_forward_set(p->d.st, o->tenant_id,
						  o->user_id, f->fwd,
						  f->on ? dest : "", &pr);
			break;
		case FC_DND:
			st = features_dnd_set(p->d.st, o->tenant_id,
					      o->user_id, f->on, &pr);
			break;
		case FC_WAITING:
			if (store_user_features_get(p->d.st, o->tenant_id,
						    o->user_id, &uf)) {
				st = FEATURES_STORE;
				break;
			}
			on = !uf.call_waiting;
			st = features_call_waiting_set(p->d.st, o->tenant_id,
						       o->user_id, on, &pr);
			break;
		case FC_GROUP:
			st = group_login(p, o, arg, f->on);
			break;
		}
	}
	if (st != FEATURES_OK) {
		tlog_info("pbx/featurecode", o->tenant_slug, "%s dialled %s: "
			  "refused%s%s", o->caller, dialled,
			  pr.detail[0] ? ": " : "", pr.detail);
		names[(*n)++] = "invalid";
		return false;
	}
	tlog_info("pbx/featurecode", o->tenant_slug, "%s dialled %s: done",
		  o->caller, dialled);
	if (f->kind != FC_GROUP && p->d.ev.features_changed)
		p->d.ev.features_changed(p->d.ev.arg, o->tenant_id,
					 o->user_id);
	names[(*n)++] = f->what;
	if (f->kind != FC_GROUP)
		names[(*n)++] = on ? "activated" : "de-activated";
	return true;
}

/**
 * @file recording.c  The recording policy of a call's party and of the
 * call (recording.h says why always wins).
 */
#include <errno.h>
#include <string.h>
#include "features/recording.h"

static const char *const names[] = {
	[REC_NEVER] = "never",
	[REC_ON_DEMAND] = "on_demand",
	[REC_ALWAYS] = "always",
};

#define N_NAMES (sizeof(names) / sizeof(names[0]))

const char *features_rec_policy_name(enum rec_policy p)
{
	return (unsigned)p < N_NAMES ? names[p] : "on_demand";
}

bool features_rec_policy_parse(const char *word, enum rec_policy *out)
{
	for (size_t i = 0; word && i < N_NAMES; i++) {
		if (!strcmp(word, names[i])) {
			*out = (enum rec_policy)i;
			return true;
		}
	}
	return false;
}

bool features_user_recording_ok(const char *word)
{
	enum rec_policy p;

	return word && (!strcmp(word, "inherit") ||
			features_rec_policy_parse(word, &p));
}

int features_recording_policy(struct store *st, int64_t tenant_id,
			      int64_t user_id, enum rec_policy *out,
			      bool *announce)
{
	struct store_tenant_features t;
	struct store_user_features u;
	int err;

	if (!out)
		return EINVAL;
	err = store_tenant_features_get(st, tenant_id, &t);
	if (err)
		return err;
	if (user_id) {
		err = store_user_features_get(st, tenant_id, user_id, &u);
		if (err)
			return err;
	}
	/* a word the store should not hold falls back to the default
	   rather than failing a call over it */
	if (!user_id || !features_rec_policy_parse(u.recording, out)) {
		if (!features_rec_policy_parse(t.recording_policy, out))
			*out = REC_ON_DEMAND;
	}
	if (announce)
		*announce = t.recording_announce;
	return 0;
}

enum rec_policy features_call_recording(enum rec_policy a, enum rec_policy b)
{
	if (a == REC_ALWAYS || b == REC_ALWAYS)
		return REC_ALWAYS;
	if (a == REC_NEVER || b == REC_NEVER)
		return REC_NEVER;
	return REC_ON_DEMAND;
}

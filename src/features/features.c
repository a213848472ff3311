/**
 * @file features.c  Checking and saving a user's call features.
 *
 * Loops: a forward of user A to user B is refused when B's always-
 * forwards lead back to A (directly or through others), since a call
 * would then go round until the call layer's hop limit cuts it; the
 * chain is followed FEATURES_CHAIN_MAX steps, and a longer one is
 * refused as well.  Only always-forwards are followed: busy, no-answer
 * and unreachable depend on the moment of the call, and the call layer
 * bounds those with its hop count (Diversion entries).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "features/features.h"
#include "features/policy.h"
#include "features/recording.h"

static const char *const forward_names[] = {
	[FEATURES_FWD_ALWAYS] = "forward_always",
	[FEATURES_FWD_BUSY] = "forward_busy",
	[FEATURES_FWD_NOANSWER] = "forward_noanswer",
	[FEATURES_FWD_UNREACHABLE] = "forward_unreachable",
};

#define N_FORWARDS (sizeof(forward_names) / sizeof(forward_names[0]))

const char *features_forward_name(enum features_forward which)
{
	return (unsigned)which < N_FORWARDS ? forward_names[which] : "?";
}

static char *forward_field(struct store_user_features *f,
			   enum features_forward which)
{
	switch (which) {
	case FEATURES_FWD_BUSY:        return f->forward_busy;
	case FEATURES_FWD_NOANSWER:    return f->forward_noanswer;
	case FEATURES_FWD_UNREACHABLE: return f->forward_unreachable;
	default:                       return f->forward_always;
	}
}

static enum features_status problem(struct features_problem *pr,
				    enum features_status status,
				    const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum features_status problem(struct features_problem *pr,
				    enum features_status status,
				    const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!pr)
		return status;
	pr->status = status;
	snprintf(pr->field, sizeof(pr->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(pr->detail, sizeof(pr->detail), fmt, ap);
	va_end(ap);
	return status;
}

static bool extension_syntax(const char *s)
{
	size_t n = strlen(s);
	return n >= 2 && n <= 8 && strspn(s, "0123456789") == n;
}

bool features_dest_syntax_ok(const char *dest)
{
	return dest && (!dest[0] || extension_syntax(dest) ||
			features_e164_ok(dest));
}

enum features_status features_dest_check(struct store *st, int64_t tenant_id,
					 const char *field, const char *dest,
					 const char *own_extension,
					 struct features_problem *pr)
{
	struct store_tenant_features tf;
	int64_t uid, gid;
	char why[160];
	int err;

	if (!features_dest_syntax_ok(dest))
		return problem(pr, FEATURES_BAD, field, "%s must be \"\", an "
			       "extension (2 to 8 digits) or an E.164 number "
			       "(+ then 7 to 15 digits)", field);
	if (!dest[0])
		return FEATURES_OK;
	if (dest[0] == '+') {
		err = store_tenant_features_get(st, tenant_id, &tf);
		if (err)
			return problem(pr, err == ENOENT ? FEATURES_UNKNOWN
				       : FEATURES_STORE, NULL,
				       "cannot read the tenant's policy");
		if (features_destination_check(&tf, dest, why, sizeof(why)))
			return problem(pr, FEATURES_REFUSED, field,
				       "%s: %s", field, why);
		return FEATURES_OK;
	}
	if (own_extension && !strcmp(dest, own_extension))
		return problem(pr, FEATURES_LOOP, field, "%s: %s is the "
			       "extension itself", field, dest);
	err = store_extension_owner(st, tenant_id, dest, &uid, &gid);
	if (err == ENOENT)
		return problem(pr, FEATURES_UNKNOWN, field, "%s: no user or "
			       "group of this tenant has extension %s", field,
			       dest);
	if (err)
		return problem(pr, FEATURES_STORE, NULL, "store unavailable");
	return FEATURES_OK;
}

/*
 * dest (an extension, already known to exist) leads back to the user
 * through always-forwards?  Each step reads the next user's features;
 * a group or an outside number ends the chain.
 */
static enum features_status follow_chain(struct store *st, int64_t tenant_id,
					 const struct store_user *owner,
					 const char *field, const char *dest,
					 struct features_problem *pr)
{
	struct store_user_features next;
	char ext[32];
	int64_t uid, gid;

	snprintf(ext, sizeof(ext), "%s", dest);
	for (int hop = 0; hop < FEATURES_CHAIN_MAX; hop++) {
		int err = store_extension_owner(st, tenant_id, ext, &uid,
						&gid);
		if (err == ENOENT || (!err && !uid))
			return FEATURES_OK;     /* a group, or gone */
		if (err)
			return problem(pr, FEATURES_STORE, NULL,
				       "store unavailable");
		if (uid == owner->id)
			return problem(pr, FEATURES_LOOP, field, "%s: %s "
				       "forwards back to extension %s (a "
				       "loop)", field, dest, owner->extension);
		err = store_user_features_get(st, tenant_id, uid, &next);
		if (err)
			return err == ENOENT ? FEATURES_OK : problem(pr,
				FEATURES_STORE, NULL, "store unavailable");
		if (!next.forward_always[0] || next.forward_always[0] == '+')
			return FEATURES_OK;
		snprintf(ext, sizeof(ext), "%s", next.forward_always);
	}
	return problem(pr, FEATURES_LOOP, field, "%s: %s starts a chain of "
		       "more than %d always-forwards", field, dest,
		       FEATURES_CHAIN_MAX);
}

static bool one_of(const char *w, const char *const *words)
{
	for (; *words; words++) {
		if (!strcmp(w, *words))
			return true;
	}
	return false;
}

static const char *const twinning_words[] = {"off", "simultaneous",
					     "sequential", NULL};

static bool pickup_name_ok(const char *s)
{
	size_t n = strlen(s);
	return n < 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-")
		== n;
}

static enum features_status check_ranges(const struct store_user_features *f,
					 struct features_problem *pr)
{
	if (f->forward_noanswer_s < FEATURES_NOANSWER_MIN_S ||
	    f->forward_noanswer_s > FEATURES_NOANSWER_MAX_S)
		return problem(pr, FEATURES_BAD, "forward_noanswer_s",
			       "forward_noanswer_s must be %d to %d seconds",
			       FEATURES_NOANSWER_MIN_S,
			       FEATURES_NOANSWER_MAX_S);
	if (!one_of(f->twinning, twinning_words))
		return problem(pr, FEATURES_BAD, "twinning", "twinning must "
			       "be off, simultaneous or sequential");
	if (f->twinning_delay_s < 0 ||
	    f->twinning_delay_s > FEATURES_TWIN_DELAY_MAX_S)
		return problem(pr, FEATURES_BAD, "twinning_delay_s",
			       "twinning_delay_s must be 0 to %d seconds",
			       FEATURES_TWIN_DELAY_MAX_S);
	if (!pickup_name_ok(f->pickup_group))
		return problem(pr, FEATURES_BAD, "pickup_group", "pickup_group "
			       "is up to 31 of a-z, 0-9, _ and -");
	if (!features_user_recording_ok(f->recording))
		return problem(pr, FEATURES_BAD, "recording", "recording must "
			       "be inherit, never, on_demand or always");
	return FEATURES_OK;
}

/* twinning rings the user's mobile: it must exist and be allowed */
static enum features_status check_twinning(struct store *st,
					   int64_t tenant_id,
					   const struct store_user *u,
					   const char *twinning,
					   struct features_problem *pr)
{
	struct store_tenant_features tf;
	char why[160];

	if (!strcmp(twinning, "off"))
		return FEATURES_OK;
	if (!u->mobile_number[0])
		return problem(pr, FEATURES_REFUSED, "twinning", "twinning "
			       "rings the user's mobile_number, and this user "
			       "has none");
	if (store_tenant_features_get(st, tenant_id, &tf))
		return problem(pr, FEATURES_STORE, NULL, "store unavailable");
	if (features_destination_check(&tf, u->mobile_number, why,
				       sizeof(why)))
		return problem(pr, FEATURES_REFUSED, "twinning", "twinning: "
			       "the mobile number %s", why);
	return FEATURES_OK;
}

enum features_status features_user_check(struct store *st, int64_t tenant_id,
					 const struct store_user_features *before,
					 const struct store_user_features *f,
					 struct features_problem *pr)
{
	struct store_user_features copy, old;
	struct store_user u;
	enum features_status s;
	int err;

	if (!st || !f)
		return problem(pr, FEATURES_BAD, NULL, "nothing to check");
	s = check_ranges(f, pr);
	if (s)
		return s;
	err = store_user_get(st, tenant_id, f->user_id, &u);
	if (err)
		return problem(pr, err == ENOENT ? FEATURES_UNKNOWN
			       : FEATURES_STORE, NULL, "no such user");
	copy = *f;
	memset(&old, 0, sizeof(old));
	if (before)
		old = *before;
	for (unsigned i = 0; i < N_FORWARDS; i++) {
		const char *dest = forward_field(&copy, i);

		if (before && !strcmp(dest, forward_field(&old, i)))
			continue;
		s = features_dest_check(st, tenant_id, forward_names[i], dest,
					u.extension, pr);
		if (!s && dest[0] && dest[0] != '+')
			s = follow_chain(st, tenant_id, &u, forward_names[i],
					 dest, pr);
		if (s)
			return s;
	}
	if (before && !strcmp(f->twinning, before->twinning))
		return FEATURES_OK;
	return check_twinning(st, tenant_id, &u, f->twinning, pr);
}

enum features_status features_user_save(struct store *st, int64_t tenant_id,
					const struct store_user_features *before,
					const struct store_user_features *f,
					struct features_problem *pr)
{
	enum features_status s = features_user_check(st, tenant_id, before, f,
						     pr);
	int err;

	if (s)
		return s;
	err = store_user_features_put(st, tenant_id, f);
	if (err)
		return problem(pr, err == ENOENT ? FEATURES_UNKNOWN
			       : FEATURES_STORE, NULL,
			       "cannot save the features");
	return FEATURES_OK;
}

/* read, change one thing through fn, save with the checks of what
   changed (a forward left as it was is not checked again) */
static enum features_status change(struct store *st, int64_t tenant_id,
				   int64_t user_id,
				   void (*fn)(struct store_user_features *,
					      const void *),
				   const void *arg,
				   struct features_problem *pr)
{
	struct store_user_features before, f;
	int err = store_user_features_get(st, tenant_id, user_id, &f);

	if (err)
		return problem(pr, err == ENOENT ? FEATURES_UNKNOWN
			       : FEATURES_STORE, NULL, "no such user");
	before = f;
	fn(&f, arg);
	return features_user_save(st, tenant_id, &before, &f, pr);
}

struct forward_arg {
	enum features_forward which;
	const char *dest;
};

static void set_forward(struct store_user_features *f, const void *arg)
{
	const struct forward_arg *a = arg;
	char *field = forward_field(f, a->which);

	snprintf(field, sizeof(f->forward_always), "%.19s", a->dest);
}

static void set_dnd(struct store_user_features *f, const void *arg)
{
	f->dnd = *(const bool *)arg;
}

static void set_call_waiting(struct store_user_features *f, const void *arg)
{
	f->call_waiting = *(const bool *)arg;
}

enum features_status features_forward_set(struct store *st,
					  int64_t tenant_id, int64_t user_id,
					  enum features_forward which,
					  const char *dest,
					  struct features_problem *pr)
{
	struct forward_arg a = {which, dest};

	if ((unsigned)which >= N_FORWARDS || !dest ||
	    strlen(dest) >= sizeof(((struct store_user_features *)0)
				   ->forward_always))
		return problem(pr, FEATURES_BAD, features_forward_name(which),
			       "not a destination");
	return change(st, tenant_id, user_id, set_forward, &a, pr);
}

enum features_status features_dnd_set(struct store *st, int64_t tenant_id,
				      int64_t user_id, bool on,
				      struct features_problem *pr)
{
	return change(st, tenant_id, user_id, set_dnd, &on, pr);
}

enum features_status features_call_waiting_set(struct store *st,
					       int64_t tenant_id,
					       int64_t user_id, bool on,
					       struct features_problem *pr)
{
	return change(st, tenant_id, user_id, set_call_waiting, &on, pr);
}

/**
 * @file roles.c  The permission table.
 */
#include <string.h>
#include "api/roles.h"

static const struct {
	enum api_role min_role;   /**< lowest rank granted in its tenant */
	bool self;                /**< also the user named by the path */
	bool own;                 /**< below min_role: granted, narrowed to
				       the caller's own records */
	const char *text;         /**< for the OpenAPI document */
} rules[PERM_COUNT] = {
	[PERM_PUBLIC]       = {ROLE_NONE, false, false, "public"},
	[PERM_LOGGED_IN]    = {ROLE_USER, false, false,
			       "any logged-in account"},
	[PERM_OPERATOR]     = {ROLE_OPERATOR, false, false, "operator"},
	[PERM_TENANT_READ]  = {ROLE_SUPERVISOR, false, false,
			       "supervisor or tenant admin of the tenant"},
	[PERM_TENANT_ADMIN] = {ROLE_TENANT_ADMIN, false, false,
			       "tenant admin of the tenant"},
	[PERM_USER_READ]    = {ROLE_SUPERVISOR, true, false,
			       "the user themself, a supervisor or admin"},
	[PERM_USER_WRITE]   = {ROLE_TENANT_ADMIN, true, false,
			       "the user themself or a tenant admin"},
	[PERM_AUDIT_READ]   = {ROLE_TENANT_ADMIN, false, false,
			       "tenant admin of the tenant"},
	[PERM_CDR_READ]     = {ROLE_TENANT_ADMIN, false, true,
			       "tenant admin of the tenant; any other user of "
			       "the tenant: their own calls only"},
	[PERM_MESSAGE_READ] = {ROLE_TENANT_ADMIN, true, false,
			       "the user themself or a tenant admin"},
};

unsigned roles_check(const struct api_req *r, enum api_perm perm,
		     int64_t path_tenant, int64_t path_user)
{
	const struct api_principal *w = &r->who;

	if (perm == PERM_PUBLIC)
		return 0;
	if (!r->authenticated)
		return 401;
	if (w->role == ROLE_OPERATOR)
		return 0;      /* the operator sees every tenant */
	if (perm == PERM_LOGGED_IN)
		return 0;
	/* first what exists for this caller, then what they may do with it */
	if (path_tenant && path_tenant != w->tenant_id)
		return 404;    /* another tenant's: it does not exist */
	if (perm == PERM_OPERATOR)
		return 403;
	if (w->role >= rules[perm].min_role || rules[perm].own)
		return 0;
	if (path_user && path_user != w->user_id)
		return 404;    /* another user's, for a user: not there */
	return rules[perm].self && path_user ? 0 : 403;
}

static const char *names[] = {
	[ROLE_NONE] = "none",
	[ROLE_USER] = "user",
	[ROLE_AGENT] = "agent",
	[ROLE_SUPERVISOR] = "supervisor",
	[ROLE_TENANT_ADMIN] = "tenant_admin",
	[ROLE_OPERATOR] = "operator",
};

const char *roles_name(enum api_role role)
{
	return (unsigned)role < sizeof(names) / sizeof(names[0])
		? names[role] : "none";
}

enum api_role roles_parse(const char *name)
{
	for (size_t i = ROLE_USER; i < ROLE_OPERATOR; i++) {
		if (name && !strcmp(name, names[i]))
			return (enum api_role)i;
	}
	return ROLE_NONE;
}

const char *roles_perm_text(enum api_perm perm)
{
	return perm < PERM_COUNT ? rules[perm].text : "?";
}

bool roles_own_only(const struct api_req *r, enum api_perm perm)
{
	return perm < PERM_COUNT && rules[perm].own &&
	       r->who.role != ROLE_OPERATOR &&
	       r->who.role < rules[perm].min_role;
}

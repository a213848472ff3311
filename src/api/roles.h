/**
 * @file roles.h  Who may do what: one table, not scattered checks.
 *
 * Each route names one permission.  A permission is granted to roles of
 * at least some rank within the tenant in the path, and, for the
 * self-service ones, to the user the path is about.  Anything of another
 * tenant answers 404, never 403, so ids of other tenants reveal nothing;
 * another user's settings answer 404 as well.
 */
#ifndef CENTREX_API_ROLES_H
#define CENTREX_API_ROLES_H

#include <stdbool.h>
#include <stdint.h>
#include "api/api.h"

enum api_perm {
	PERM_PUBLIC = 0,      /**< no login needed */
	PERM_LOGGED_IN,       /**< any principal */
	PERM_OPERATOR,        /**< the operator only */
	PERM_TENANT_READ,     /**< see a tenant's configuration */
	PERM_TENANT_ADMIN,    /**< change a tenant's configuration */
	PERM_USER_READ,       /**< a user's own record, or TENANT_READ */
	PERM_USER_WRITE,      /**< a user's own settings, or TENANT_ADMIN */
	PERM_AUDIT_READ,      /**< a tenant's audit log */
	PERM_CDR_READ,        /**< a tenant's call records; below the
				   rank, only the caller's own calls */
	PERM_MESSAGE_READ,    /**< a user's chat messages: the user
				   themself or a tenant admin */
	PERM_COUNT
};

/* 0, or the HTTP status to answer (401, 403, 404) */
unsigned roles_check(const struct api_req *r, enum api_perm perm,
		     int64_t path_tenant, int64_t path_user);
const char *roles_name(enum api_role role);
enum api_role roles_parse(const char *name);
const char *roles_perm_text(enum api_perm perm);
/* granted (roles_check() said 0) but only for the caller's own records:
   the handler must narrow what it shows to them */
bool roles_own_only(const struct api_req *r, enum api_perm perm);

#endif

/**
 * @file audit.h  Recording every change: who, when, from where, what,
 * before and after.
 *
 * Representations passed in never hold secrets (no password, no HA1);
 * a password change shows as "password": "(changed)".  The log can be
 * read through the API but has no route that edits it.
 */
#ifndef CENTREX_API_AUDIT_H
#define CENTREX_API_AUDIT_H

#include <jansson.h>
#include <stdint.h>
#include "api/api.h"

struct api_ctx;

void audit_record(struct api_ctx *ctx, const struct api_req *req,
		  int64_t tenant_id, const char *action, const char *resource,
		  json_t *before, json_t *after);

#endif

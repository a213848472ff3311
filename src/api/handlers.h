/**
 * @file handlers.h  Every route handler, one group per resource file.
 */
#ifndef CENTREX_API_HANDLERS_H
#define CENTREX_API_HANDLERS_H

#include "api/router.h"

/* auth.c */
api_handler_h auth_login, auth_logout, auth_me;
/* res_tenants.c */
api_handler_h tenants_list, tenants_create, tenants_get, tenants_update,
	tenants_delete;
/* res_sites.c */
api_handler_h sites_list, sites_create, sites_get, sites_update,
	sites_delete;
/* res_users.c */
api_handler_h users_list, users_create, users_get, users_update,
	users_delete;
/* res_devices.c */
api_handler_h devices_list, devices_create, devices_get, devices_update,
	devices_delete;
/* res_audit.c */
api_handler_h audit_list_tenant, audit_list_all;
/* res_numbers.c */
api_handler_h numbers_list, numbers_create, numbers_get, numbers_update,
	numbers_delete, numbers_range_create;
/* res_trunks.c */
api_handler_h trunks_list, trunks_create, trunks_get, trunks_update,
	trunks_delete;
/* res_routes.c */
api_handler_h routes_list, routes_create, routes_get, routes_update,
	routes_delete;
/* res_cdrs.c */
api_handler_h cdrs_list;
/* res_calls.c */
api_handler_h calls_list, calls_record;
/* res_prompts.c */
api_handler_h prompts_list, prompts_upload, prompts_get, prompts_audio,
	prompts_delete;
/* res_recordings.c */
api_handler_h recordings_list, recordings_get, recordings_audio,
	recordings_delete;
/* res_tokens.c */
api_handler_h tokens_list_tenant, tokens_create_tenant, tokens_revoke_tenant,
	tokens_list_op, tokens_create_op, tokens_revoke_op;
/* res_features.c; features_problem_answer: features.h's verdict as a
   problem+json answer (400, 404, 409, 422, 503) */
api_handler_h features_get, features_update, forward_policy_get,
	forward_policy_update, park_get, park_update, recording_policy_get,
	recording_policy_update;
struct features_problem;
void features_problem_answer(struct api_resp *resp,
			     const struct features_problem *pr);
/* res_groups.c */
api_handler_h groups_list, groups_create, groups_get, groups_update,
	groups_delete, members_list, members_create, members_put, members_get,
	members_update, members_delete;
/* res_voicemail.c */
api_handler_h voicemail_get, voicemail_update, greetings_put, greetings_get,
	greetings_delete, vm_messages_list, vm_messages_get, vm_messages_audio,
	vm_messages_update, vm_messages_delete;
/* res_messages.c */
api_handler_h messages_list_user, messages_list_tenant;
/* openapi.c */
api_handler_h openapi_get, health_get;

#endif

/**
 * @file routes.c  The API, one row per route.
 *
 * Dispatch (router.c) and the OpenAPI document (openapi.c) both read
 * this table.  Columns: method, path, permission, index of the
 * {tenant_id} and {user_id} path parameters (-1: none), handler,
 * summary, tag, request schema, response schema.  api_body_caps: the
 * routes with a body cap of their own.
 */
#include "api/handlers.h"
#include "api/router.h"

/* res_webhooks.c */
api_handler_h webhooks_list, webhooks_create, webhooks_get, webhooks_update,
	webhooks_delete;

#define V1 "/api/v1"
#define T  V1 "/tenants/{tenant_id}"
#define U  T "/users/{user_id}"

const struct api_route api_routes[] = {
	{"GET", V1 "/health", PERM_PUBLIC, -1, -1, health_get,
	 "Liveness of the daemon", "meta", NULL, "Health"},
	{"GET", V1 "/openapi.json", PERM_PUBLIC, -1, -1, openapi_get,
	 "This document", "meta", NULL, NULL},

	{"POST", V1 "/auth/login", PERM_PUBLIC, -1, -1, auth_login,
	 "Log in with email and password; sets the session cookie and "
	 "returns the CSRF token", "auth", "Login", "Principal"},
	{"POST", V1 "/auth/logout", PERM_LOGGED_IN, -1, -1, auth_logout,
	 "End the session", "auth", NULL, NULL},
	{"GET", V1 "/auth/me", PERM_LOGGED_IN, -1, -1, auth_me,
	 "Who the session belongs to", "auth", NULL, "Principal"},

	{"GET", V1 "/tenants", PERM_OPERATOR, -1, -1, tenants_list,
	 "List tenants", "tenants", NULL, "TenantList"},
	{"POST", V1 "/tenants", PERM_OPERATOR, -1, -1, tenants_create,
	 "Create a tenant", "tenants", "Tenant", "Tenant"},
	{"GET", T, PERM_TENANT_READ, 0, -1, tenants_get,
	 "Get a tenant", "tenants", NULL, "Tenant"},
	{"PATCH", T, PERM_OPERATOR, 0, -1, tenants_update,
	 "Change a tenant", "tenants", "Tenant", "Tenant"},
	{"DELETE", T, PERM_OPERATOR, 0, -1, tenants_delete,
	 "Delete a tenant and everything it owns", "tenants", NULL, NULL},

	{"GET", T "/sites", PERM_TENANT_READ, 0, -1, sites_list,
	 "List sites", "sites", NULL, "SiteList"},
	{"POST", T "/sites", PERM_TENANT_ADMIN, 0, -1, sites_create,
	 "Create a site", "sites", "Site", "Site"},
	{"GET", T "/sites/{site_id}", PERM_TENANT_READ, 0, -1, sites_get,
	 "Get a site", "sites", NULL, "Site"},
	{"PATCH", T "/sites/{site_id}", PERM_TENANT_ADMIN, 0, -1, sites_update,
	 "Change a site", "sites", "Site", "Site"},
	{"DELETE", T "/sites/{site_id}", PERM_TENANT_ADMIN, 0, -1,
	 sites_delete, "Delete a site", "sites", NULL, NULL},

	{"GET", T "/users", PERM_TENANT_READ, 0, -1, users_list,
	 "List users; filter with role, site_id, extension, q (in name or "
	 "email); order with sort=id|name|extension (- for descending)",
	 "users", NULL, "UserList"},
	{"POST", T "/users", PERM_TENANT_ADMIN, 0, -1, users_create,
	 "Create a user", "users", "User", "User"},
	{"GET", U, PERM_USER_READ, 0, 1, users_get,
	 "Get a user (users may read their own)", "users", NULL, "User"},
	{"PATCH", U, PERM_USER_WRITE, 0, 1, users_update,
	 "Change a user (users may change their own name, language and "
	 "password)", "users", "User", "User"},
	{"DELETE", U, PERM_TENANT_ADMIN, 0, 1, users_delete,
	 "Delete a user, their devices and registrations", "users", NULL,
	 NULL},

	{"GET", U "/devices", PERM_USER_READ, 0, 1, devices_list,
	 "List a user's SIP devices", "devices", NULL, "DeviceList"},
	{"POST", U "/devices", PERM_TENANT_ADMIN, 0, 1, devices_create,
	 "Create a SIP device (credentials)", "devices", "Device", "Device"},
	{"GET", U "/devices/{device_id}", PERM_USER_READ, 0, 1, devices_get,
	 "Get a device", "devices", NULL, "Device"},
	{"PATCH", U "/devices/{device_id}", PERM_USER_WRITE, 0, 1,
	 devices_update, "Change a device's username or password", "devices",
	 "Device", "Device"},
	{"DELETE", U "/devices/{device_id}", PERM_TENANT_ADMIN, 0, 1,
	 devices_delete, "Delete a device and its registrations", "devices",
	 NULL, NULL},

	{"GET", U "/features", PERM_USER_READ, 0, 1, features_get,
	 "A user's forwards, DND, call waiting, twinning and pickup group "
	 "(users may read their own)", "features", NULL, "UserFeatures"},
	{"PATCH", U "/features", PERM_USER_WRITE, 0, 1, features_update,
	 "Change a user's features (users may change their own, but for "
	 "the pickup group and recording); forwards are checked: 422 for an unknown "
	 "extension or a number the tenant's policy refuses, 409 for a "
	 "loop", "features", "UserFeatures", "UserFeatures"},
	{"GET", U "/voicemail", PERM_USER_WRITE, 0, 1, voicemail_get,
	 "A user's voicemail box: limits, which greetings are recorded, "
	 "how many messages are new and old, whether a PIN is set",
	 "voicemail", NULL, "VoicemailBox"},
	{"PATCH", U "/voicemail", PERM_USER_WRITE, 0, 1, voicemail_update,
	 "Set the PIN (4 to 8 digits; 422 otherwise; null clears it) or "
	 "the limits", "voicemail", "VoicemailBox", "VoicemailBox"},
	{"PUT", U "/voicemail/greetings/{kind}", PERM_USER_WRITE, 0, 1,
	 greetings_put, "Upload a greeting (kind: unavailable, busy or "
	 "name): the WAV file as the body (audio/wav, at most 10 MB and "
	 "60 s); stored as 16 kHz mono; replaces the one before",
	 "voicemail", "GreetingWav", "Greeting"},
	{"GET", U "/voicemail/greetings/{kind}", PERM_USER_WRITE, 0, 1,
	 greetings_get, "A greeting's audio (16 kHz mono WAV); 404 when "
	 "the default is played", "voicemail", NULL, "AudioWav"},
	{"DELETE", U "/voicemail/greetings/{kind}", PERM_USER_WRITE, 0, 1,
	 greetings_delete, "Delete a greeting: callers hear the default "
	 "again", "voicemail", NULL, NULL},
	{"GET", U "/voicemail/messages", PERM_USER_WRITE, 0, 1,
	 vm_messages_list, "The messages callers left, oldest first; "
	 "folder=new (not heard) or old (heard)", "voicemail", NULL,
	 "VoicemailMessageList"},
	{"GET", U "/voicemail/messages/{message_id}", PERM_USER_WRITE, 0, 1,
	 vm_messages_get, "Get a message's details", "voicemail", NULL,
	 "VoicemailMessage"},
	{"GET", U "/voicemail/messages/{message_id}/audio", PERM_USER_WRITE,
	 0, 1, vm_messages_audio, "The message (16 kHz mono WAV)",
	 "voicemail", NULL, "AudioWav"},
	{"PATCH", U "/voicemail/messages/{message_id}", PERM_USER_WRITE, 0, 1,
	 vm_messages_update, "Mark a message heard or not (the phones' "
	 "message-waiting lamp follows)", "voicemail", "VoicemailMessage",
	 "VoicemailMessage"},
	{"DELETE", U "/voicemail/messages/{message_id}", PERM_USER_WRITE, 0,
	 1, vm_messages_delete, "Delete a message and its file", "voicemail",
	 NULL, NULL},

	{"GET", T "/forward_policy", PERM_TENANT_READ, 0, -1,
	 forward_policy_get, "Which outside numbers forwards may reach",
	 "features", NULL, "ForwardPolicy"},
	{"PATCH", T "/forward_policy", PERM_TENANT_ADMIN, 0, -1,
	 forward_policy_update, "Change the allowed and blocked prefixes",
	 "features", "ForwardPolicy", "ForwardPolicy"},
	{"GET", T "/park", PERM_TENANT_READ, 0, -1, park_get,
	 "Call park slots and timeout", "features", NULL, "Park"},
	{"PATCH", T "/park", PERM_TENANT_ADMIN, 0, -1, park_update,
	 "Change the park slots (none may be an extension) or timeout",
	 "features", "Park", "Park"},
	{"GET", T "/recording_policy", PERM_TENANT_READ, 0, -1,
	 recording_policy_get, "Whether calls are never, on demand or "
	 "always recorded, and announced", "features", NULL,
	 "RecordingPolicy"},
	{"PATCH", T "/recording_policy", PERM_TENANT_ADMIN, 0, -1,
	 recording_policy_update, "Change the recording policy (users may "
	 "have their own: UserFeatures.recording)", "features",
	 "RecordingPolicy", "RecordingPolicy"},

	{"GET", T "/groups", PERM_TENANT_READ, 0, -1, groups_list,
	 "List ring groups", "groups", NULL, "GroupList"},
	{"POST", T "/groups", PERM_TENANT_ADMIN, 0, -1, groups_create,
	 "Create a ring group", "groups", "Group", "Group"},
	{"GET", T "/groups/{group_id}", PERM_TENANT_READ, 0, -1, groups_get,
	 "Get a ring group", "groups", NULL, "Group"},
	{"PATCH", T "/groups/{group_id}", PERM_TENANT_ADMIN, 0, -1,
	 groups_update, "Change a ring group", "groups", "Group", "Group"},
	{"DELETE", T "/groups/{group_id}", PERM_TENANT_ADMIN, 0, -1,
	 groups_delete, "Delete a ring group and its memberships", "groups",
	 NULL, NULL},
	{"GET", T "/groups/{group_id}/members", PERM_TENANT_READ, 0, -1,
	 members_list, "A group's members in hunting order (one page)",
	 "groups", NULL, "GroupMemberList"},
	{"POST", T "/groups/{group_id}/members", PERM_TENANT_ADMIN, 0, -1,
	 members_create, "Add a user to the group (409 if a member)",
	 "groups", "GroupMemberNew", "GroupMember"},
	{"PUT", T "/groups/{group_id}/members/{user_id}", PERM_TENANT_ADMIN,
	 0, 2, members_put, "Add the user to the group, or change their "
	 "place", "groups", "GroupMember", "GroupMember"},
	{"GET", T "/groups/{group_id}/members/{user_id}", PERM_USER_READ, 0, 2,
	 members_get, "Get a membership (users may read their own)",
	 "groups", NULL, "GroupMember"},
	{"PATCH", T "/groups/{group_id}/members/{user_id}", PERM_USER_WRITE,
	 0, 2, members_update, "Log a member in or out (users: their own), "
	 "or move them", "groups", "GroupMember", "GroupMember"},
	{"DELETE", T "/groups/{group_id}/members/{user_id}",
	 PERM_TENANT_ADMIN, 0, 2, members_delete,
	 "Take a user out of the group", "groups", NULL, NULL},

	{"GET", T "/numbers", PERM_TENANT_READ, 0, -1, numbers_list,
	 "List the tenant's numbers (DIDs)", "numbers", NULL, "NumberList"},
	{"POST", T "/numbers", PERM_OPERATOR, 0, -1, numbers_create,
	 "Assign a number to the tenant", "numbers", "Number", "Number"},
	{"POST", T "/number_ranges", PERM_OPERATOR, 0, -1,
	 numbers_range_create, "Assign a block of consecutive numbers to "
	 "the tenant, all or none", "numbers", "NumberRange", "NumberRange"},
	{"GET", T "/numbers/{number_id}", PERM_TENANT_READ, 0, -1, numbers_get,
	 "Get a number", "numbers", NULL, "Number"},
	{"PATCH", T "/numbers/{number_id}", PERM_TENANT_ADMIN, 0, -1,
	 numbers_update, "Change where a number's calls go, or its label",
	 "numbers", "Number", "Number"},
	{"DELETE", T "/numbers/{number_id}", PERM_OPERATOR, 0, -1,
	 numbers_delete, "Take a number back from the tenant", "numbers", NULL,
	 NULL},

	{"GET", T "/trunks", PERM_TENANT_ADMIN, 0, -1, trunks_list,
	 "List the tenant's trunks (carrier links)", "trunks", NULL,
	 "TrunkList"},
	{"POST", T "/trunks", PERM_TENANT_ADMIN, 0, -1, trunks_create,
	 "Create a trunk", "trunks", "Trunk", "Trunk"},
	{"GET", T "/trunks/{trunk_id}", PERM_TENANT_ADMIN, 0, -1, trunks_get,
	 "Get a trunk (its password is never shown)", "trunks", NULL,
	 "Trunk"},
	{"PATCH", T "/trunks/{trunk_id}", PERM_TENANT_ADMIN, 0, -1,
	 trunks_update, "Change a trunk", "trunks", "Trunk", "Trunk"},
	{"DELETE", T "/trunks/{trunk_id}", PERM_TENANT_ADMIN, 0, -1,
	 trunks_delete, "Delete a trunk (409 while a route uses it)", "trunks",
	 NULL, NULL},

	{"GET", T "/routes", PERM_TENANT_READ, 0, -1, routes_list,
	 "List the tenant's outbound routes", "routes", NULL, "RouteList"},
	{"POST", T "/routes", PERM_TENANT_ADMIN, 0, -1, routes_create,
	 "Create an outbound route", "routes", "Route", "Route"},
	{"GET", T "/routes/{route_id}", PERM_TENANT_READ, 0, -1, routes_get,
	 "Get an outbound route", "routes", NULL, "Route"},
	{"PATCH", T "/routes/{route_id}", PERM_TENANT_ADMIN, 0, -1,
	 routes_update, "Change an outbound route", "routes", "Route",
	 "Route"},
	{"DELETE", T "/routes/{route_id}", PERM_TENANT_ADMIN, 0, -1,
	 routes_delete, "Delete an outbound route", "routes", NULL, NULL},

	{"GET", T "/calls", PERM_TENANT_READ, 0, -1, calls_list,
	 "The calls in progress (tenant admins and supervisors)", "calls",
	 NULL, "CallList"},
	{"POST", T "/calls/{call_uuid}/recording", PERM_TENANT_READ, 0, -1,
	 calls_record, "Start, pause, resume or stop recording a call "
	 "(tenant admins and supervisors)", "calls", "RecordingAction",
	 "RecordingActionResult"},
	{"GET", T "/cdrs", PERM_CDR_READ, 0, -1, cdrs_list,
	 "Call detail records of calls that started in [from, to), oldest "
	 "first; format=csv for all of them at once in Asterisk's cdr-csv "
	 "columns", "cdrs", NULL, "CdrList"},

	{"GET", U "/messages", PERM_MESSAGE_READ, 0, 1, messages_list_user,
	 "Chat messages the user sent or received (SIP MESSAGE), oldest "
	 "first, in [from, to)", "messages", NULL, "MessageList"},
	{"GET", T "/messages", PERM_TENANT_ADMIN, 0, -1, messages_list_tenant,
	 "Every chat message of the tenant, oldest first, in [from, to)",
	 "messages", NULL, "MessageList"},

	{"GET", T "/prompts", PERM_TENANT_READ, 0, -1, prompts_list,
	 "List the tenant's prompts (name, language, duration)", "prompts",
	 NULL, "PromptList"},
	{"POST", T "/prompts", PERM_TENANT_ADMIN, 0, -1, prompts_upload,
	 "Upload a prompt: ?name=welcome&language=fr, the WAV file as the "
	 "body (audio/wav, at most 10 MB and 300 s); stored as 16 kHz mono; "
	 "the same name and language again replaces it", "prompts",
	 "AudioWav", "Prompt"},
	{"GET", T "/prompts/{prompt_id}", PERM_TENANT_READ, 0, -1,
	 prompts_get, "Get a prompt", "prompts", NULL, "Prompt"},
	{"GET", T "/prompts/{prompt_id}/audio", PERM_TENANT_READ, 0, -1,
	 prompts_audio, "The prompt's audio (16 kHz mono WAV)", "prompts",
	 NULL, "AudioWav"},
	{"DELETE", T "/prompts/{prompt_id}", PERM_TENANT_ADMIN, 0, -1,
	 prompts_delete, "Delete a prompt and its file", "prompts", NULL,
	 NULL},

	{"GET", T "/recordings", PERM_CDR_READ, 0, -1, recordings_list,
	 "Call recordings that started in [from, to), oldest first; "
	 "call_uuid= for one call's", "recordings", NULL, "RecordingList"},
	{"GET", T "/recordings/{recording_id}", PERM_CDR_READ, 0, -1,
	 recordings_get, "Get a recording's details", "recordings", NULL,
	 "Recording"},
	{"GET", T "/recordings/{recording_id}/audio", PERM_CDR_READ, 0, -1,
	 recordings_audio, "The recording (16 kHz WAV, 1 or 2 channels)",
	 "recordings", NULL, "AudioWav"},
	{"DELETE", T "/recordings/{recording_id}", PERM_TENANT_ADMIN, 0, -1,
	 recordings_delete, "Delete a recording and its file", "recordings",
	 NULL, NULL},

	{"GET", T "/tokens", PERM_TENANT_ADMIN, 0, -1, tokens_list_tenant,
	 "List a tenant's API tokens", "tokens", NULL, "TokenList"},
	{"POST", T "/tokens", PERM_TENANT_ADMIN, 0, -1, tokens_create_tenant,
	 "Create an API token (the secret is shown once)", "tokens",
	 "TokenRequest", "Token"},
	{"DELETE", T "/tokens/{token_id}", PERM_TENANT_ADMIN, 0, -1,
	 tokens_revoke_tenant, "Revoke an API token", "tokens", NULL, NULL},
	{"GET", V1 "/tokens", PERM_OPERATOR, -1, -1, tokens_list_op,
	 "List the operator's API tokens", "tokens", NULL, "TokenList"},
	{"POST", V1 "/tokens", PERM_OPERATOR, -1, -1, tokens_create_op,
	 "Create an operator API token", "tokens", "TokenRequest", "Token"},
	{"DELETE", V1 "/tokens/{token_id}", PERM_OPERATOR, -1, -1,
	 tokens_revoke_op, "Revoke an operator API token", "tokens", NULL,
	 NULL},

	{"GET", T "/webhooks", PERM_TENANT_ADMIN, 0, -1, webhooks_list,
	 "List the tenant's webhooks (never their secrets)", "webhooks",
	 NULL, "WebhookList"},
	{"POST", T "/webhooks", PERM_TENANT_ADMIN, 0, -1, webhooks_create,
	 "Subscribe a URL to the tenant's events; the signing secret is "
	 "shown once, in this answer (422 naming url or events)",
	 "webhooks", "Webhook", "Webhook"},
	{"GET", T "/webhooks/{webhook_id}", PERM_TENANT_ADMIN, 0, -1,
	 webhooks_get, "Get a webhook", "webhooks", NULL, "Webhook"},
	{"PATCH", T "/webhooks/{webhook_id}", PERM_TENANT_ADMIN, 0, -1,
	 webhooks_update, "Change a webhook's URL, events or enabled; "
	 "rotate_secret: true makes a new secret, shown in the answer",
	 "webhooks", "Webhook", "Webhook"},
	{"DELETE", T "/webhooks/{webhook_id}", PERM_TENANT_ADMIN, 0, -1,
	 webhooks_delete, "Delete a webhook: deliveries still waiting are "
	 "dropped", "webhooks", NULL, NULL},

	{"GET", T "/audit", PERM_AUDIT_READ, 0, -1, audit_list_tenant,
	 "A tenant's audit log", "audit", NULL, "AuditList"},
	{"GET", V1 "/audit", PERM_OPERATOR, -1, -1, audit_list_all,
	 "The whole platform's audit log", "audit", NULL, "AuditList"},
};

const size_t api_routes_len = sizeof(api_routes) / sizeof(api_routes[0]);

const struct api_body_cap api_body_caps[] = {
	{"POST", T "/prompts", API_PROMPT_MAX_BYTES},
	{"PUT", U "/voicemail/greetings/{kind}", API_PROMPT_MAX_BYTES},
};

const size_t api_body_caps_len =
	sizeof(api_body_caps) / sizeof(api_body_caps[0]);

/**
 * @file openapi.c  The OpenAPI 3 document, built from the route table.
 *
 * Paths, methods, parameters, permissions and summaries come from
 * routes.c; the schemas of the bodies are written here.  Built once and
 * kept.
 */
#include <stdlib.h>
#include <string.h>
#include "api/handlers.h"
#include "api/json.h"
#include "api/roles.h"

static const char schemas_json[] =
"{"
"\"Problem\":{\"type\":\"object\",\"properties\":{"
"  \"type\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},"
"  \"status\":{\"type\":\"integer\"},\"detail\":{\"type\":\"string\"},"
"  \"field\":{\"type\":\"string\",\"description\":\"the field at fault\"}}},"
"\"Health\":{\"type\":\"object\",\"properties\":{"
"  \"status\":{\"type\":\"string\"},\"version\":{\"type\":\"string\"}}},"
"\"Login\":{\"type\":\"object\",\"required\":[\"email\",\"password\"],"
"  \"additionalProperties\":false,\"properties\":{"
"  \"email\":{\"type\":\"string\"},\"password\":{\"type\":\"string\"}}},"
"\"Principal\":{\"type\":\"object\",\"properties\":{"
"  \"role\":{\"type\":\"string\",\"enum\":[\"operator\",\"tenant_admin\","
"  \"supervisor\",\"agent\",\"user\"]},\"name\":{\"type\":\"string\"},"
"  \"tenant_id\":{\"type\":[\"integer\",\"null\"]},"
"  \"user_id\":{\"type\":[\"integer\",\"null\"]},"
"  \"csrf_token\":{\"type\":\"string\",\"description\":\"send as "
"X-CSRF-Token with every change\"}}},"
"\"Tenant\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"required\":[\"slug\",\"name\",\"sip_domain\"],\"properties\":{"
"  \"id\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"slug\":{\"type\":\"string\",\"pattern\":\"^[a-z0-9-]{1,63}$\"},"
"  \"name\":{\"type\":\"string\",\"maxLength\":127},"
"  \"sip_domain\":{\"type\":\"string\",\"maxLength\":253},"
"  \"digest_algorithms\":{\"type\":\"string\",\"example\":\"SHA-256,MD5\"},"
"  \"max_users\":{\"type\":\"integer\",\"minimum\":0},"
"  \"max_calls\":{\"type\":\"integer\",\"minimum\":0},"
"  \"language\":{\"type\":\"string\",\"pattern\":\"^[a-z]{2}$\","
"  \"default\":\"en\",\"description\":\"ISO 639-1: prompts and "
"announcements\"},"
"  \"recording_retention_days\":{\"type\":\"integer\",\"minimum\":0,"
"  \"maximum\":36500,\"description\":\"0: the platform's "
"record.retention_days\"}}},"
"\"Site\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"required\":[\"name\",\"country\",\"time_zone\"],\"properties\":{"
"  \"id\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"name\":{\"type\":\"string\",\"maxLength\":127},"
"  \"country\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{2}$\"},"
"  \"time_zone\":{\"type\":\"string\",\"example\":\"Europe/Paris\"},"
"  \"language\":{\"type\":[\"string\",\"null\"],\"pattern\":"
"  \"^[a-z]{2}$\",\"description\":\"null: the tenant's\"},"
"  \"extension_length\":{\"type\":\"integer\",\"minimum\":2,\"maximum\":8},"
"  \"outside_prefix\":{\"type\":\"string\",\"pattern\":\"^[0-9]{0,3}$\"}}},"
"\"User\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"required\":[\"name\"],\"properties\":{"
"  \"id\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"name\":{\"type\":\"string\",\"maxLength\":127},"
"  \"email\":{\"type\":[\"string\",\"null\"]},"
"  \"role\":{\"type\":\"string\",\"enum\":[\"user\",\"agent\","
"  \"supervisor\",\"tenant_admin\"]},"
"  \"site_id\":{\"type\":[\"integer\",\"null\"]},"
"  \"extension\":{\"type\":[\"string\",\"null\"],\"pattern\":\"^[0-9]{2,8}$\"},"
"  \"language\":{\"type\":\"string\"},"
"  \"fixed_number\":{\"type\":[\"string\",\"null\"],\"description\":\"E.164\"},"
"  \"mobile_number\":{\"type\":[\"string\",\"null\"],\"description\":\"E.164\"},"
"  \"password\":{\"type\":\"string\",\"writeOnly\":true,\"minLength\":8},"
"  \"can_log_in\":{\"type\":\"boolean\",\"readOnly\":true}}},"
"\"Device\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"required\":[\"sip_username\",\"password\"],\"properties\":{"
"  \"id\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"user_id\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"sip_username\":{\"type\":\"string\",\"maxLength\":63},"
"  \"password\":{\"type\":\"string\",\"writeOnly\":true,\"minLength\":8},"
"  \"dtmf_mode\":{\"type\":\"string\",\"enum\":[\"rfc4733\",\"inband\","
"  \"info\"],\"default\":\"rfc4733\",\"description\":\"how the phone "
"takes DTMF: RFC 4733 events, tones in the audio, or SIP INFO\"}}},"
"\"Number\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"required\":[\"e164\"],\"properties\":{"
"  \"id\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"e164\":{\"type\":\"string\",\"pattern\":\"^\\\\+[1-9][0-9]{6,14}$\"},"
"  \"label\":{\"type\":\"string\",\"maxLength\":127},"
"  \"target\":{\"type\":\"object\",\"properties\":{"
"    \"type\":{\"type\":\"string\",\"enum\":[\"none\",\"user\",\"group\"]},"
"    \"id\":{\"type\":\"integer\"}}}}},"
"\"NumberRange\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"required\":[\"first\",\"count\"],\"properties\":{"
"  \"first\":{\"type\":\"string\",\"pattern\":\"^\\\\+[1-9][0-9]{6,14}$\"},"
"  \"last\":{\"type\":\"string\",\"readOnly\":true},"
"  \"count\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10000},"
"  \"label\":{\"type\":\"string\",\"maxLength\":127},"
"  \"target\":{\"type\":\"object\",\"properties\":{"
"    \"type\":{\"type\":\"string\",\"enum\":[\"none\",\"user\",\"group\"]},"
"    \"id\":{\"type\":\"integer\"}}}}},"
"\"Trunk\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"required\":[\"name\",\"kind\",\"proxy\"],\"description\":\"register: "
"we register to the carrier (username and password required); ip: the "
"carrier is trusted by address (inbound_addrs required)\",\"properties\":{"
"  \"id\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"name\":{\"type\":\"string\",\"maxLength\":63},"
"  \"kind\":{\"type\":\"string\",\"enum\":[\"register\",\"ip\"]},"
"  \"proxy\":{\"type\":\"string\",\"maxLength\":255,"
"  \"example\":\"sip.carrier.example:5060\"},"
"  \"transport\":{\"type\":\"string\",\"enum\":[\"udp\",\"tcp\"]},"
"  \"username\":{\"type\":\"string\",\"maxLength\":63},"
"  \"password\":{\"type\":\"string\",\"writeOnly\":true,\"maxLength\":127},"
"  \"from_domain\":{\"type\":\"string\",\"description\":\"domain in "
"From; empty: the proxy's host\"},"
"  \"inbound_addrs\":{\"type\":\"array\",\"maxItems\":16,\"items\":{"
"    \"type\":\"string\",\"example\":\"192.0.2.0/24\"}},"
"  \"max_channels\":{\"type\":\"integer\",\"minimum\":0,"
"  \"description\":\"concurrent calls; 0: no limit\"},"
"  \"register_expires\":{\"type\":\"integer\",\"minimum\":60,"
"  \"maximum\":86400,\"default\":600},"
"  \"enabled\":{\"type\":\"boolean\",\"default\":true}}},"
"\"Route\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"required\":[\"name\",\"prefix\",\"trunks\"],\"properties\":{"
"  \"id\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"name\":{\"type\":\"string\",\"maxLength\":63},"
"  \"prefix\":{\"type\":\"string\",\"pattern\":\"^\\\\+[0-9]{0,15}$\","
"  \"description\":\"E.164 numbers starting with it; the longest "
"prefix wins\"},"
"  \"trunks\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":4,"
"  \"items\":{\"type\":\"integer\"},\"description\":\"trunk ids of the "
"tenant, tried in order\"}}},"
"\"UserFeatures\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"description\":\"A destination is \\\"\\\" (none), an extension of "
"the tenant (a user or a group) or an E.164 number the tenant's "
"forward_policy allows\",\"properties\":{"
"  \"user_id\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"forward_always\":{\"type\":\"string\",\"maxLength\":16},"
"  \"forward_busy\":{\"type\":\"string\",\"maxLength\":16},"
"  \"forward_noanswer\":{\"type\":\"string\",\"maxLength\":16},"
"  \"forward_unreachable\":{\"type\":\"string\",\"maxLength\":16,"
"  \"description\":\"when no device is registered\"},"
"  \"forward_noanswer_s\":{\"type\":\"integer\",\"minimum\":5,"
"  \"maximum\":120,\"default\":20},"
"  \"dnd\":{\"type\":\"boolean\",\"default\":false},"
"  \"call_waiting\":{\"type\":\"boolean\",\"default\":true},"
"  \"twinning\":{\"type\":\"string\",\"enum\":[\"off\",\"simultaneous\","
"  \"sequential\"],\"description\":\"also ring the user's "
"mobile_number\"},"
"  \"twinning_delay_s\":{\"type\":\"integer\",\"minimum\":0,"
"  \"maximum\":60,\"default\":10},"
"  \"pickup_group\":{\"type\":\"string\",\"pattern\":"
"  \"^[a-z0-9_-]{0,31}$\",\"description\":\"set by the admin\"},"
"  \"recording\":{\"type\":\"string\",\"enum\":[\"inherit\",\"never\","
"  \"on_demand\",\"always\"],\"default\":\"inherit\",\"description\":"
"  \"set by the admin; inherit follows the tenant's recording_policy\"}}},"
"\"ForwardPolicy\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"description\":\"the longest matching prefix decides; none "
"matching: allowed unless allowed_prefixes is not empty\","
"  \"properties\":{"
"  \"forward_external\":{\"type\":\"boolean\",\"default\":true},"
"  \"allowed_prefixes\":{\"type\":\"array\",\"maxItems\":64,\"items\":{"
"    \"type\":\"string\",\"pattern\":\"^\\\\+[0-9]{1,15}$\"}},"
"  \"blocked_prefixes\":{\"type\":\"array\",\"maxItems\":64,\"items\":{"
"    \"type\":\"string\",\"pattern\":\"^\\\\+[0-9]{1,15}$\"}}}},"
"\"Park\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"properties\":{"
"  \"first_slot\":{\"type\":\"integer\",\"minimum\":10,\"default\":700},"
"  \"slots\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,"
"  \"default\":10},"
"  \"timeout_s\":{\"type\":\"integer\",\"minimum\":10,\"maximum\":600,"
"  \"default\":60}}},"
"\"RecordingPolicy\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"description\":\"a call is recorded from its answer when either "
"party's policy is always; it may not be recorded when either is never "
"(and neither is always); else a party may start and stop it\","
"  \"properties\":{"
"  \"policy\":{\"type\":\"string\",\"enum\":[\"never\",\"on_demand\","
"  \"always\"],\"default\":\"on_demand\"},"
"  \"announce\":{\"type\":\"boolean\",\"default\":false,"
"  \"description\":\"both parties hear that the call is recorded when "
"recording starts\"}}},"
"\"Group\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"required\":[\"name\"],\"properties\":{"
"  \"id\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"name\":{\"type\":\"string\",\"maxLength\":63},"
"  \"extension\":{\"type\":[\"string\",\"null\"],\"pattern\":"
"  \"^[0-9]{2,8}$\"},"
"  \"strategy\":{\"type\":\"string\",\"enum\":[\"ring_all\","
"  \"sequential\",\"round_robin\",\"longest_idle\"],"
"  \"default\":\"ring_all\"},"
"  \"member_timeout_s\":{\"type\":\"integer\",\"minimum\":5,"
"  \"maximum\":300,\"default\":20},"
"  \"group_timeout_s\":{\"type\":\"integer\",\"minimum\":5,"
"  \"maximum\":3600,\"default\":60},"
"  \"fallback\":{\"type\":\"string\",\"description\":\"where calls go "
"after group_timeout_s: extension or E.164; empty: busy\"}}},"
"\"GroupMember\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"properties\":{"
"  \"user_id\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"name\":{\"type\":\"string\",\"readOnly\":true},"
"  \"extension\":{\"type\":[\"string\",\"null\"],\"readOnly\":true},"
"  \"position\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":999,"
"  \"description\":\"hunting order, lowest first; default: last\"},"
"  \"logged_in\":{\"type\":\"boolean\",\"default\":true},"
"  \"last_answered_ms\":{\"type\":[\"integer\",\"null\"],"
"  \"readOnly\":true}}},"
"\"GroupMemberNew\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"required\":[\"user_id\"],\"properties\":{"
"  \"user_id\":{\"type\":\"integer\"},"
"  \"position\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":999},"
"  \"logged_in\":{\"type\":\"boolean\",\"default\":true}}},"
"\"CdrLeg\":{\"type\":\"object\",\"properties\":{"
"  \"dir\":{\"type\":\"string\",\"enum\":[\"in\",\"out\"]},"
"  \"peer\":{\"type\":\"string\"},"
"  \"device_id\":{\"type\":[\"integer\",\"null\"]},"
"  \"trunk_id\":{\"type\":[\"integer\",\"null\"]},"
"  \"sip_call_id\":{\"type\":\"string\"},"
"  \"start\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},"
"  \"start_ms\":{\"type\":[\"integer\",\"null\"]},"
"  \"answer\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},"
"  \"answer_ms\":{\"type\":[\"integer\",\"null\"]},"
"  \"end\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},"
"  \"end_ms\":{\"type\":[\"integer\",\"null\"]},"
"  \"status\":{\"type\":\"integer\"},\"codec\":{\"type\":\"string\"},"
"  \"rtp\":{\"type\":\"object\",\"properties\":{"
"    \"rx_packets\":{\"type\":\"integer\"},"
"    \"tx_packets\":{\"type\":\"integer\"},"
"    \"rx_bytes\":{\"type\":\"integer\"},"
"    \"tx_bytes\":{\"type\":\"integer\"},"
"    \"lost\":{\"type\":\"integer\"},\"jitter_ms\":{\"type\":\"number\"}}},"
"  \"quality\":{\"type\":\"object\",\"description\":\"null where "
"nothing was measured\",\"properties\":{"
"    \"mos\":{\"type\":[\"number\",\"null\"],\"description\":\"E-model "
"(G.107) estimate of the audio received from this leg's peer\"},"
"    \"rtt_ms\":{\"type\":[\"number\",\"null\"],\"description\":\"round "
"trip to the peer, from RTCP\"},"
"    \"peer_loss_pct\":{\"type\":[\"number\",\"null\"],\"description\":"
"\"loss the peer reported (RTCP) of the audio we sent it\"}}}}},"
"\"Cdr\":{\"type\":\"object\",\"properties\":{"
"  \"id\":{\"type\":\"integer\"},\"uuid\":{\"type\":\"string\"},"
"  \"context\":{\"type\":\"string\",\"enum\":[\"internal\",\"inbound\","
"  \"outbound\"]},"
"  \"forwarded_by\":{\"type\":[\"string\",\"null\"],\"description\":"
"\"extension of the first user who forwarded the call\"},"
"  \"feature\":{\"type\":[\"string\",\"null\"],\"enum\":["
"\"transfer\",\"pickup\",\"park\",\"three_way\",\"mobile_to_desk\","
"null],\"description\":\"what a party did to the call\"},"
"  \"feature_by\":{\"type\":[\"string\",\"null\"],\"description\":"
"\"extension of the party who did it\"},"
"  \"forward_reason\":{\"type\":[\"string\",\"null\"],\"enum\":["
"\"unconditional\",\"user-busy\",\"do-not-disturb\",\"no-answer\","
"\"unavailable\",null]},"
"  \"caller\":{\"type\":\"string\"},\"caller_name\":{\"type\":\"string\"},"
"  \"dialled\":{\"type\":\"string\"},\"callee\":{\"type\":\"string\"},"
"  \"caller_user_id\":{\"type\":[\"integer\",\"null\"]},"
"  \"callee_user_id\":{\"type\":[\"integer\",\"null\"]},"
"  \"site_id\":{\"type\":[\"integer\",\"null\"]},"
"  \"trunk_id\":{\"type\":[\"integer\",\"null\"]},"
"  \"start\":{\"type\":\"string\",\"format\":\"date-time\"},"
"  \"start_ms\":{\"type\":\"integer\"},"
"  \"answer\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},"
"  \"answer_ms\":{\"type\":[\"integer\",\"null\"]},"
"  \"end\":{\"type\":\"string\",\"format\":\"date-time\"},"
"  \"end_ms\":{\"type\":\"integer\"},"
"  \"duration_s\":{\"type\":\"integer\"},\"billsec\":{\"type\":\"integer\"},"
"  \"disposition\":{\"type\":\"string\",\"enum\":[\"answered\",\"busy\","
"  \"no_answer\",\"failed\",\"cancelled\"]},"
"  \"sip_status\":{\"type\":\"integer\"},\"q850_cause\":{\"type\":\"integer\"},"
"  \"hangup_by\":{\"type\":\"string\",\"enum\":[\"none\",\"caller\","
"  \"callee\",\"system\"]},"
"  \"codec\":{\"type\":\"string\"},"
"  \"legs\":{\"type\":\"array\",\"items\":{\"$ref\":"
"  \"#/components/schemas/CdrLeg\"}},"
"  \"recordings\":{\"type\":\"array\",\"items\":{\"type\":"
"  \"integer\"},\"description\":\"ids of the call's recordings\"}}},"
"\"Prompt\":{\"type\":\"object\",\"properties\":{"
"  \"id\":{\"type\":\"integer\"},"
"  \"name\":{\"type\":\"string\",\"example\":\"queue/position\"},"
"  \"language\":{\"type\":\"string\",\"pattern\":\"^[a-z]{2}$\"},"
"  \"duration_ms\":{\"type\":\"integer\"},"
"  \"bytes\":{\"type\":\"integer\",\"description\":\"of the stored "
"16 kHz mono WAV\"},"
"  \"created_at\":{\"type\":\"integer\"}}},"
"\"Recording\":{\"type\":\"object\",\"properties\":{"
"  \"id\":{\"type\":\"integer\"},\"uuid\":{\"type\":\"string\"},"
"  \"call_uuid\":{\"type\":\"string\",\"description\":\"uuid of the "
"call's record (cdrs)\"},"
"  \"channels\":{\"type\":\"integer\",\"enum\":[1,2]},"
"  \"mode\":{\"type\":\"string\",\"enum\":[\"mixed\",\"split\"]},"
"  \"legs\":{\"type\":\"string\",\"enum\":[\"both\",\"caller\","
"  \"callee\"]},"
"  \"start\":{\"type\":\"string\",\"format\":\"date-time\"},"
"  \"start_ms\":{\"type\":\"integer\"},"
"  \"duration_ms\":{\"type\":\"integer\"},"
"  \"bytes\":{\"type\":\"integer\"},"
"  \"state\":{\"type\":\"string\",\"enum\":[\"recording\",\"done\","
"  \"failed\"]},"
"  \"created_at\":{\"type\":\"integer\"}}},"
"\"Call\":{\"type\":\"object\",\"properties\":{"
"  \"uuid\":{\"type\":\"string\",\"description\":\"the uuid its CDR "
"will carry\"},"
"  \"caller\":{\"type\":\"string\"},\"callee\":{\"type\":\"string\"},"
"  \"context\":{\"type\":\"string\"},"
"  \"state\":{\"type\":\"string\",\"enum\":[\"ringing\",\"talking\"]},"
"  \"start\":{\"type\":\"string\",\"format\":\"date-time\"},"
"  \"answer\":{\"type\":\"string\"},"
"  \"recording\":{\"type\":[\"object\",\"null\"],\"properties\":{"
"    \"id\":{\"type\":\"integer\"},\"paused\":{\"type\":\"boolean\"}}}}},"
"\"RecordingAction\":{\"type\":\"object\",\"additionalProperties\":"
"  false,\"required\":[\"action\"],\"properties\":{"
"  \"action\":{\"type\":\"string\",\"enum\":[\"start\",\"pause\","
"  \"resume\",\"stop\"]},"
"  \"mode\":{\"type\":\"string\",\"enum\":[\"mixed\",\"split\"],"
"  \"default\":\"mixed\"}}},"
"\"RecordingActionResult\":{\"type\":\"object\",\"properties\":{"
"  \"call_uuid\":{\"type\":\"string\"},\"action\":{\"type\":\"string\"},"
"  \"recording_id\":{\"type\":\"integer\"}}},"
"\"Message\":{\"type\":\"object\",\"properties\":{"
"  \"id\":{\"type\":\"integer\"},"
"  \"from_user_id\":{\"type\":\"integer\"},"
"  \"to_user_id\":{\"type\":\"integer\"},"
"  \"direction\":{\"type\":\"string\",\"enum\":[\"in\",\"out\"],"
"  \"description\":\"in a user's list only\"},"
"  \"content_type\":{\"type\":\"string\",\"enum\":[\"text/plain\","
"  \"application/json\"]},\"body\":{\"type\":\"string\"},"
"  \"created\":{\"type\":\"string\",\"format\":\"date-time\"},"
"  \"created_ms\":{\"type\":\"integer\"},"
"  \"delivered\":{\"type\":[\"string\",\"null\"],\"format\":"
"  \"date-time\",\"description\":\"null: not yet delivered to a "
"device\"},\"delivered_ms\":{\"type\":[\"integer\",\"null\"]}}},"
"\"AudioWav\":{\"type\":\"string\",\"format\":\"binary\","
"  \"description\":\"a RIFF/WAVE file\"},"
"\"GreetingWav\":{\"type\":\"string\",\"format\":\"binary\","
"  \"description\":\"a RIFF/WAVE file: PCM 8 or 16 bit, A-law or "
"mu-law, mono or stereo, 8 to 48 kHz, at most 60 s\"},"
"\"Greeting\":{\"type\":\"object\",\"properties\":{"
"  \"kind\":{\"type\":\"string\",\"enum\":[\"unavailable\","
"  \"busy\",\"name\"]},"
"  \"duration_ms\":{\"type\":\"integer\"},"
"  \"bytes\":{\"type\":\"integer\",\"description\":\"of the "
"stored 16 kHz mono WAV\"}}},"
"\"VoicemailBox\":{\"type\":\"object\",\"additionalProperties\":"
"  false,\"properties\":{"
"  \"user_id\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"enabled\":{\"type\":\"boolean\",\"default\":false,\"description\":"
"\"takes the user's calls that are not answered, busy, refused or go "
"nowhere, when no forward does\"},"
"  \"pin\":{\"type\":[\"string\",\"null\"],\"pattern\":"
"  \"^[0-9]{4,8}$\",\"writeOnly\":true,\"description\":\"asked by "
"the phone menu; null clears it (the menu then asks for a new one)\"},"
"  \"pin_set\":{\"type\":\"boolean\",\"readOnly\":true},"
"  \"max_message_s\":{\"type\":\"integer\",\"minimum\":10,"
"  \"maximum\":600,\"default\":120,\"description\":\"longest "
"message a caller may leave\"},"
"  \"max_messages\":{\"type\":\"integer\",\"minimum\":1,"
"  \"maximum\":1000,\"default\":100,\"description\":\"a full "
"box takes no more\"},"
"  \"has_greeting_unavailable\":{\"type\":\"boolean\","
"  \"readOnly\":true},"
"  \"has_greeting_busy\":{\"type\":\"boolean\",\"readOnly\":true},"
"  \"has_greeting_name\":{\"type\":\"boolean\",\"readOnly\":true},"
"  \"new_messages\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"old_messages\":{\"type\":\"integer\",\"readOnly\":true}}},"
"\"VoicemailMessage\":{\"type\":\"object\",\"additionalProperties\":"
"  false,\"properties\":{"
"  \"id\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"user_id\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"uuid\":{\"type\":\"string\",\"readOnly\":true},"
"  \"caller\":{\"type\":\"string\",\"readOnly\":true},"
"  \"caller_name\":{\"type\":\"string\",\"readOnly\":true},"
"  \"call_uuid\":{\"type\":\"string\",\"readOnly\":true,"
"  \"description\":\"uuid of the call's record (cdrs); empty when "
"none\"},"
"  \"created\":{\"type\":\"string\",\"format\":\"date-time\","
"  \"readOnly\":true},"
"  \"created_ms\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"duration_ms\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"bytes\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"heard\":{\"type\":\"boolean\",\"description\":\"the only "
"field a PATCH changes\"}}},"
"\"TokenRequest\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"required\":[\"name\"],\"properties\":{"
"  \"name\":{\"type\":\"string\",\"maxLength\":127},"
"  \"role\":{\"type\":\"string\"},"
"  \"expires_in_s\":{\"type\":\"integer\",\"minimum\":60}}},"
"\"Token\":{\"type\":\"object\",\"properties\":{"
"  \"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},"
"  \"role\":{\"type\":\"string\"},\"tenant_id\":{\"type\":[\"integer\",\"null\"]},"
"  \"created_by\":{\"type\":\"string\"},\"created_at\":{\"type\":\"integer\"},"
"  \"expires_at\":{\"type\":[\"integer\",\"null\"]},\"revoked\":{\"type\":\"boolean\"},"
"  \"token\":{\"type\":\"string\",\"description\":\"cx_<id>_<secret>, "
"only in the answer to POST; send as Authorization: Bearer\"}}},"
"\"Webhook\":{\"type\":\"object\",\"additionalProperties\":false,"
"  \"description\":\"where the tenant's events are POSTed, signed "
"(see docs/webhooks.md)\",\"properties\":{"
"  \"id\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"tenant_id\":{\"type\":\"integer\",\"readOnly\":true},"
"  \"url\":{\"type\":\"string\",\"maxLength\":511,\"description\":"
"\"http:// or https://, a host name or IPv4 address, optional port; "
"required to create; 422 otherwise\"},"
"  \"events\":{\"type\":\"array\",\"minItems\":1,\"items\":"
"  {\"type\":\"string\",\"enum\":[\"voicemail.message\"]},"
"  \"default\":[\"voicemail.message\"]},"
"  \"enabled\":{\"type\":\"boolean\",\"default\":true},"
"  \"created_at\":{\"type\":\"string\",\"format\":\"date-time\","
"  \"readOnly\":true},"
"  \"rotate_secret\":{\"type\":\"boolean\",\"writeOnly\":true,"
"  \"description\":\"PATCH: make a new secret (shown in the "
"answer, once)\"},"
"  \"secret\":{\"type\":\"string\",\"readOnly\":true,"
"  \"description\":\"the HMAC-SHA256 key of the signatures; only in "
"the answer to the POST and to a PATCH with rotate_secret\"}}},"
"\"AuditEntry\":{\"type\":\"object\",\"properties\":{"
"  \"id\":{\"type\":\"integer\"},\"at_ms\":{\"type\":\"integer\"},"
"  \"tenant_id\":{\"type\":[\"integer\",\"null\"]},"
"  \"actor\":{\"type\":\"string\"},\"remote\":{\"type\":\"string\"},"
"  \"action\":{\"type\":\"string\"},\"resource\":{\"type\":\"string\"},"
"  \"before\":{},\"after\":{}}}"
"}";

static json_t *list_schema(const char *item)
{
	char ref[96];
	snprintf(ref, sizeof(ref), "#/components/schemas/%s", item);
	return json_pack("{s:s, s:{s:{s:s, s:{s:s}}, s:{s:[s,s]}}}",
			 "type", "object", "properties", "items", "type",
			 "array", "items", "$ref", ref, "next_cursor", "type",
			 "string", "null");
}

static json_t *ref(const char *schema)
{
	char r[96];
	const char *list = strstr(schema, "List");

	if (list) {
		char item[48];
		snprintf(item, sizeof(item), "%.*s", (int)(list - schema),
			 schema);
		if (!strcmp(item, "Audit"))
			snprintf(item, sizeof(item), "AuditEntry");
		return list_schema(item);
	}
	snprintf(r, sizeof(r), "#/components/schemas/%s", schema);
	return json_pack("{s:s}", "$ref", r);
}

static const char *media_type(const char *schema)
{
	size_t n = strlen(schema);

	/* AudioWav, GreetingWav: the file itself */
	return n >= 3 && !strcmp(schema + n - 3, "Wav") ? "audio/wav"
						       : "application/json";
}

static json_t *operation(const struct api_route *rt)
{
	json_t *op = json_object(), *params = json_array(), *responses;
	const char *p = rt->pattern;
	char lower[8];
	size_t i;

	json_object_set_new(op, "summary", json_string(rt->summary));
	json_object_set_new(op, "tags", json_pack("[s]", rt->tag));
	json_object_set_new(op, "x-permission",
			    json_string(roles_perm_text(rt->perm)));
	for (i = 0; rt->method[i] && i < sizeof(lower) - 1; i++)
		lower[i] = (char)(rt->method[i] + 32);
	lower[i] = '\0';
	json_object_set_new(op, "operationId", json_sprintf("%s %s", lower,
							    rt->pattern));

	while ((p = strchr(p, '{'))) {
		const char *e = strchr(p, '}');
		if (!e)
			break;
		/* ids are numbers; a call is named by its uuid, a greeting
		   by its kind */
		if (e - p == 5 && !strncmp(p, "{kind", 5))
			json_array_append_new(params, json_pack(
				"{s:s, s:s, s:b, s:{s:s, s:[s,s,s]}}", "name",
				"kind", "in", "path", "required", 1, "schema",
				"type", "string", "enum", "unavailable",
				"busy", "name"));
		else if (e - p > 5 && !strncmp(e - 5, "_uuid", 5))
			json_array_append_new(params, json_pack(
				"{s:s%, s:s, s:b, s:{s:s, s:s}}", "name",
				p + 1, (size_t)(e - p - 1), "in", "path",
				"required", 1, "schema", "type", "string",
				"format", "uuid"));
		else
			json_array_append_new(params, json_pack(
				"{s:s%, s:s, s:b, s:{s:s, s:i}}", "name",
				p + 1, (size_t)(e - p - 1), "in", "path",
				"required", 1, "schema", "type", "integer",
				"minimum", 1));
		p = e + 1;
	}
	if (!strcmp(rt->method, "GET") && strstr(rt->result ? rt->result : "",
						  "List")) {
		json_array_append_new(params, json_pack(
			"{s:s, s:s, s:{s:s, s:i, s:i}}", "name", "limit", "in",
			"query", "schema", "type", "integer", "minimum", 1,
			"maximum", 200));
		json_array_append_new(params, json_pack(
			"{s:s, s:s, s:{s:s}}", "name", "cursor", "in", "query",
			"schema", "type", "string"));
		if (!strcmp(rt->result, "CdrList") ||
		    !strcmp(rt->result, "MessageList")) {
			static const char *const f[] = {"from", "to"};
			for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
				json_array_append_new(params, json_pack(
					"{s:s, s:s, s:s, s:{s:s}}", "name",
					f[k], "in", "query", "description",
					"UTC: 2026-11-22T10:00:00Z, or unix "
					"milliseconds", "schema", "type",
					"string"));
		}
		if (!strcmp(rt->result, "CdrList"))
			json_array_append_new(params, json_pack(
				"{s:s, s:s, s:{s:s, s:[s,s], s:s}}", "name",
				"format", "in", "query", "schema", "type",
				"string", "enum", "json", "csv", "default",
				"json"));
		if (!strcmp(rt->result, "RecordingList")) {
			static const char *const f[] = {"call_uuid", "from",
							 "to"};
			for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
				json_array_append_new(params, json_pack(
					"{s:s, s:s, s:{s:s}}", "name", f[k],
					"in", "query", "schema", "type",
					"string"));
		}
		if (!strcmp(rt->result, "VoicemailMessageList"))
			json_array_append_new(params, json_pack(
				"{s:s, s:s, s:{s:s, s:[s,s]}}", "name",
				"folder", "in", "query", "schema", "type",
				"string", "enum", "new", "old"));
		if (!strcmp(rt->result, "UserList")) {
			static const char *const f[] = {"role", "site_id",
				"extension", "q", "sort"};
			for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
				json_array_append_new(params, json_pack(
					"{s:s, s:s, s:{s:s}}", "name", f[k],
					"in", "query", "schema", "type",
					"string"));
		}
	}
	json_object_set_new(op, "parameters", params);

	if (rt->body && !strcmp(rt->body, "AudioWav")) {
		/* an upload: the file as the body, named in the query */
		static const char *const f[] = {"name", "language"};
		for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
			json_array_append_new(params, json_pack(
				"{s:s, s:s, s:b, s:{s:s}}", "name", f[k],
				"in", "query", "required", k == 0,
				"schema", "type", "string"));
	}
	if (rt->body)
		json_object_set_new(op, "requestBody", json_pack(
			"{s:b, s:{s:{s:o}}}", "required", 1, "content",
			media_type(rt->body), "schema", ref(rt->body)));

	responses = json_object();
	if (rt->result) {
		const char *code = !strcmp(rt->method, "POST") &&
			strcmp(rt->tag, "auth") ? "201" : "200";
		json_object_set_new(responses, code, json_pack(
			"{s:s, s:{s:{s:o}}}", "description", "success",
			"content", media_type(rt->result), "schema",
			ref(rt->result)));
		/* the call records also come as one CSV document */
		if (!strcmp(rt->result, "CdrList"))
			json_object_set_new(json_object_get(json_object_get(
				responses, code), "content"), "text/csv",
				json_pack("{s:{s:s}}", "schema", "type",
					  "string"));
	}
	else if (!strcmp(rt->method, "DELETE")) {
		json_object_set_new(responses, "204",
				    json_pack("{s:s}", "description", "gone"));
	}
	else {
		json_object_set_new(responses, "200",
				    json_pack("{s:s}", "description", "done"));
	}
	json_object_set_new(responses, "default", json_pack(
		"{s:s, s:{s:{s:o}}}", "description", "an error, naming the "
		"field at fault", "content", "application/problem+json",
		"schema", ref("Problem")));
	json_object_set_new(op, "responses", responses);
	if (rt->perm == PERM_PUBLIC)
		json_object_set_new(op, "security", json_array());
	return op;
}

static json_t *build(void)
{
	json_t *doc, *paths = json_object();

	for (size_t i = 0; i < api_routes_len; i++) {
		const struct api_route *rt = &api_routes[i];
		json_t *item = json_object_get(paths, rt->pattern);
		char m[8];
		size_t k;

		if (!item) {
			item = json_object();
			json_object_set_new(paths, rt->pattern, item);
		}
		for (k = 0; rt->method[k] && k < sizeof(m) - 1; k++)
			m[k] = (char)(rt->method[k] | 0x20);
		m[k] = '\0';
		json_object_set_new(item, m, operation(rt));
	}
	doc = json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:o, s:{s:{s:s, "
			"s:s, s:s}}}, s:[{s:[]}]}",
			"openapi", "3.1.0",
			"info", "title", "Centrex API", "version",
			CENTREX_VERSION, "description", "Provisioning of the "
			"Centrex platform: tenants, sites, users, devices, "
			"numbers, trunks, routes, call records, audit.  "
			"Errors are application/problem+json naming the "
			"field at fault.",
			"paths", paths,
			"components", "schemas",
			json_loads(schemas_json, 0, NULL), "securitySchemes",
			"session", "type", "apiKey", "in", "cookie", "name",
			"centrex_session",
			"security", "session");
	json_object_set_new(json_object_get(json_object_get(doc, "components"),
					    "securitySchemes"), "token",
			    json_pack("{s:s, s:s}", "type", "http", "scheme",
				      "bearer"));
	json_array_append_new(json_object_get(doc, "security"),
			      json_pack("{s:[]}", "token"));
	return doc;
}

void openapi_get(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp)
{
	static char *cached;
	(void)ctx;
	(void)req;

	if (!cached) {
		json_t *doc = build();
		cached = doc ? json_dumps(doc, JSON_INDENT(1)) : NULL;
		json_decref(doc);
	}
	if (!cached) {
		api_problem(resp, 500, NULL, "cannot build the document");
		return;
	}
	api_resp_text(resp, 200, "application/json", cached);
}

void health_get(struct api_ctx *ctx, struct api_req *req,
		struct api_resp *resp)
{
	(void)ctx;
	(void)req;
	api_json(resp, 200, json_pack("{s:s, s:s}", "status", "ok",
				      "version", CENTREX_VERSION));
}

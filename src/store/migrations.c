/**
 * @file migrations.c  Numbered schema migrations, shared by all backends.
 *
 * Append only: a released migration is never edited, a change is a new
 * number.  store_migrate() applies, in one transaction each, every
 * migration above the version recorded in schema_version.  "%ID%" stands
 * for the backend's auto-increment primary key.
 *
 * Credentials: devices keep HA1 digests for MD5 and SHA-256, never the
 * clear password; HA1 depends on the realm (the tenant's SIP domain), so
 * changing a tenant's domain means setting new device passwords.
 */
#include "store/backend.h"

const struct store_migration store_migrations[] = {
	{1, "operators, tenants, sites, users, devices, registrations",
	 "CREATE TABLE operators ("
	 " id %ID%,"
	 " email TEXT NOT NULL UNIQUE,"
	 " name TEXT NOT NULL,"
	 " password_hash TEXT NOT NULL,"
	 " created_at BIGINT NOT NULL);"

	 "CREATE TABLE tenants ("
	 " id %ID%,"
	 " slug TEXT NOT NULL UNIQUE,"
	 " name TEXT NOT NULL,"
	 " sip_domain TEXT NOT NULL UNIQUE,"
	 " digest_algorithms TEXT NOT NULL DEFAULT '',"
	 " max_users INTEGER NOT NULL DEFAULT 0,"
	 " max_calls INTEGER NOT NULL DEFAULT 0,"
	 " created_at BIGINT NOT NULL);"

	 "CREATE TABLE sites ("
	 " id %ID%,"
	 " tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
	 " name TEXT NOT NULL,"
	 " country TEXT NOT NULL,"
	 " time_zone TEXT NOT NULL,"
	 " UNIQUE (tenant_id, name));"

	 "CREATE TABLE users ("
	 " id %ID%,"
	 " tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
	 " site_id BIGINT REFERENCES sites(id) ON DELETE SET NULL,"
	 " name TEXT NOT NULL,"
	 " email TEXT,"
	 " role TEXT NOT NULL DEFAULT 'user',"
	 " extension TEXT,"
	 " password_hash TEXT,"
	 " UNIQUE (tenant_id, extension),"
	 " UNIQUE (tenant_id, email));"

	 "CREATE TABLE devices ("
	 " id %ID%,"
	 " tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
	 " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	 " sip_username TEXT NOT NULL,"
	 " ha1_md5 TEXT NOT NULL,"
	 " ha1_sha256 TEXT NOT NULL,"
	 " UNIQUE (tenant_id, sip_username));"

	 "CREATE TABLE registrations ("
	 " tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
	 " device_id BIGINT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,"
	 " contact TEXT NOT NULL,"
	 " expires_at BIGINT NOT NULL,"
	 " q_milli INTEGER NOT NULL,"
	 " call_id TEXT NOT NULL,"
	 " cseq BIGINT NOT NULL,"
	 " transport TEXT NOT NULL,"
	 " source TEXT NOT NULL,"
	 " user_agent TEXT NOT NULL,"
	 " PRIMARY KEY (tenant_id, device_id, contact));"
	 "CREATE INDEX registrations_expiry ON registrations (expires_at);"},

	{2, "site numbering plan and language, user numbers, audit log",
	 "ALTER TABLE sites ADD COLUMN language TEXT NOT NULL DEFAULT 'en';"
	 "ALTER TABLE sites ADD COLUMN ext_length INTEGER NOT NULL DEFAULT 4;"
	 "ALTER TABLE sites ADD COLUMN outside_prefix TEXT NOT NULL DEFAULT '0';"
	 "ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';"
	 "ALTER TABLE users ADD COLUMN fixed_number TEXT;"
	 "ALTER TABLE users ADD COLUMN mobile_number TEXT;"
	 "CREATE TABLE audit_log ("
	 " id %ID%,"
	 " tenant_id BIGINT,"
	 " at_ms BIGINT NOT NULL,"
	 " actor TEXT NOT NULL,"
	 " remote TEXT NOT NULL,"
	 " action TEXT NOT NULL,"
	 " resource TEXT NOT NULL,"
	 " before_json TEXT,"
	 " after_json TEXT);"
	 "CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id);"},

	{3, "API tokens",
	 "CREATE TABLE api_tokens ("
	 " id %ID%,"
	 " tenant_id BIGINT REFERENCES tenants(id) ON DELETE CASCADE,"
	 " name TEXT NOT NULL,"
	 " role TEXT NOT NULL,"
	 " secret_sha256 TEXT NOT NULL,"
	 " created_by TEXT NOT NULL,"
	 " created_at BIGINT NOT NULL,"
	 " expires_at BIGINT NOT NULL DEFAULT 0,"
	 " revoked_at BIGINT NOT NULL DEFAULT 0);"
	 "CREATE INDEX api_tokens_tenant ON api_tokens (tenant_id, id);"},

	{4, "numbers (DIDs) and their targets",
	 "CREATE TABLE numbers ("
	 " id %ID%,"
	 " tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
	 " e164 TEXT NOT NULL UNIQUE,"
	 " target_type TEXT NOT NULL DEFAULT 'none',"
	 " target_id BIGINT NOT NULL DEFAULT 0,"
	 " label TEXT NOT NULL DEFAULT '',"
	 " created_at BIGINT NOT NULL);"
	 "CREATE INDEX numbers_tenant ON numbers (tenant_id, id);"},

	/* route_trunks carries the tenant in both of its foreign keys, so a
	   route can only ever name trunks of its own tenant, whatever the
	   code above the store does.  The key to trunks is deferred: checked
	   at commit, after a tenant's deletion has cascaded through routes
	   (checked at once, PostgreSQL would refuse the tenant's deletion
	   when it reaches the trunks before the routes); deleting a trunk a
	   route still names fails at commit.  CDRs go with their tenant like
	   everything else a tenant owns; they name users, sites and trunks
	   by id without a foreign key, since they outlive them. */
	{5, "trunks, outbound routes, call detail records",
	 "CREATE TABLE trunks ("
	 " id %ID%,"
	 " tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
	 " name TEXT NOT NULL,"
	 " kind TEXT NOT NULL,"
	 " proxy TEXT NOT NULL,"
	 " transport TEXT NOT NULL DEFAULT 'udp',"
	 " username TEXT NOT NULL DEFAULT '',"
	 " password TEXT NOT NULL DEFAULT '',"
	 " from_domain TEXT NOT NULL DEFAULT '',"
	 " inbound_addrs TEXT NOT NULL DEFAULT '',"
	 " max_channels INTEGER NOT NULL DEFAULT 0,"
	 " register_expires INTEGER NOT NULL DEFAULT 600,"
	 " enabled INTEGER NOT NULL DEFAULT 1,"
	 " created_at BIGINT NOT NULL,"
	 " UNIQUE (tenant_id, name),"
	 " UNIQUE (tenant_id, id));"

	 "CREATE TABLE routes ("
	 " id %ID%,"
	 " tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
	 " name TEXT NOT NULL,"
	 " prefix TEXT NOT NULL,"
	 " created_at BIGINT NOT NULL,"
	 " UNIQUE (tenant_id, name),"
	 " UNIQUE (tenant_id, prefix),"
	 " UNIQUE (tenant_id, id));"

	 "CREATE TABLE route_trunks ("
	 " tenant_id BIGINT NOT NULL,"
	 " route_id BIGINT NOT NULL,"
	 " position INTEGER NOT NULL,"
	 " trunk_id BIGINT NOT NULL,"
	 " PRIMARY KEY (route_id, position),"
	 " FOREIGN KEY (tenant_id, route_id) REFERENCES routes (tenant_id, id)"
	 "  ON DELETE CASCADE,"
	 " FOREIGN KEY (tenant_id, trunk_id) REFERENCES trunks (tenant_id, id)"
	 "  DEFERRABLE INITIALLY DEFERRED);"
	 "CREATE INDEX route_trunks_trunk ON route_trunks"
	 " (tenant_id, trunk_id);"

	 "CREATE TABLE cdrs ("
	 " id %ID%,"
	 " tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
	 " uuid TEXT NOT NULL,"
	 " site_id BIGINT NOT NULL DEFAULT 0,"
	 " trunk_id BIGINT NOT NULL DEFAULT 0,"
	 " caller_user_id BIGINT NOT NULL DEFAULT 0,"
	 " callee_user_id BIGINT NOT NULL DEFAULT 0,"
	 " caller TEXT NOT NULL,"
	 " caller_name TEXT NOT NULL,"
	 " dialled TEXT NOT NULL,"
	 " callee TEXT NOT NULL,"
	 " context TEXT NOT NULL,"
	 " start_ms BIGINT NOT NULL,"
	 " answer_ms BIGINT NOT NULL,"
	 " end_ms BIGINT NOT NULL,"
	 " duration_s BIGINT NOT NULL,"
	 " billsec BIGINT NOT NULL,"
	 " disposition TEXT NOT NULL,"
	 " sip_status INTEGER NOT NULL,"
	 " q850_cause INTEGER NOT NULL,"
	 " hangup_by TEXT NOT NULL,"
	 " codec TEXT NOT NULL,"
	 " UNIQUE (tenant_id, uuid));"
	 "CREATE INDEX cdrs_tenant_start ON cdrs (tenant_id, start_ms, id);"

	 "CREATE TABLE cdr_legs ("
	 " cdr_id BIGINT NOT NULL REFERENCES cdrs(id) ON DELETE CASCADE,"
	 " position INTEGER NOT NULL,"
	 " dir TEXT NOT NULL,"
	 " peer TEXT NOT NULL,"
	 " device_id BIGINT NOT NULL,"
	 " trunk_id BIGINT NOT NULL,"
	 " sip_call_id TEXT NOT NULL,"
	 " start_ms BIGINT NOT NULL,"
	 " answer_ms BIGINT NOT NULL,"
	 " end_ms BIGINT NOT NULL,"
	 " status INTEGER NOT NULL,"
	 " codec TEXT NOT NULL,"
	 " rtp_rx_packets BIGINT NOT NULL,"
	 " rtp_tx_packets BIGINT NOT NULL,"
	 " rtp_rx_bytes BIGINT NOT NULL,"
	 " rtp_tx_bytes BIGINT NOT NULL,"
	 " rtp_lost BIGINT NOT NULL,"
	 " jitter_us BIGINT NOT NULL,"
	 " PRIMARY KEY (cdr_id, position));"},

	/* Prompt and recording files live under media.data_dir; the rows
	   say what is there.  A recording names its call by the CDR's uuid
	   (no foreign key: the recording starts before the CDR is written).
	   A site's language "" means the tenant's.  moh_tracks carries the
	   tenant in its key to the class, like route_trunks. */
	{6, "languages, prompts, recordings, music on hold classes",
	 "ALTER TABLE tenants ADD COLUMN language TEXT NOT NULL DEFAULT 'en';"
	 "ALTER TABLE tenants ADD COLUMN recording_retention_days INTEGER"
	 " NOT NULL DEFAULT 0;"

	 "CREATE TABLE prompts ("
	 " id %ID%,"
	 " tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
	 " name TEXT NOT NULL,"
	 " language TEXT NOT NULL,"
	 " duration_ms BIGINT NOT NULL,"
	 " bytes BIGINT NOT NULL,"
	 " created_at BIGINT NOT NULL,"
	 " UNIQUE (tenant_id, name, language));"

	 "CREATE TABLE recordings ("
	 " id %ID%,"
	 " tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
	 " uuid TEXT NOT NULL,"
	 " call_uuid TEXT NOT NULL DEFAULT '',"
	 " file TEXT NOT NULL,"
	 " channels INTEGER NOT NULL,"
	 " mode TEXT NOT NULL,"
	 " legs TEXT NOT NULL,"
	 " start_ms BIGINT NOT NULL,"
	 " duration_ms BIGINT NOT NULL DEFAULT 0,"
	 " bytes BIGINT NOT NULL DEFAULT 0,"
	 " state TEXT NOT NULL DEFAULT 'recording',"
	 " created_at BIGINT NOT NULL,"
	 " UNIQUE (tenant_id, uuid));"
	 "CREATE INDEX recordings_tenant_start ON recordings"
	 " (tenant_id, start_ms, id);"
	 "CREATE INDEX recordings_call ON recordings (tenant_id, call_uuid);"

	 "CREATE TABLE moh_classes ("
	 " id %ID%,"
	 " tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
	 " name TEXT NOT NULL,"
	 " created_at BIGINT NOT NULL,"
	 " UNIQUE (tenant_id, name),"
	 " UNIQUE (tenant_id, id));"
	 "CREATE TABLE moh_tracks ("
	 " tenant_id BIGINT NOT NULL,"
	 " class_id BIGINT NOT NULL,"
	 " position INTEGER NOT NULL,"
	 " prompt TEXT NOT NULL,"
	 " PRIMARY KEY (class_id, position),"
	 " FOREIGN KEY (tenant_id, class_id) REFERENCES moh_classes"
	 " (tenant_id, id) ON DELETE CASCADE);"},

	/* Every row here carries its tenant in the key to its parent, as
	   route_trunks does, so a user's features or a group's member can
	   only ever belong to the tenant of that user; the unique index on
	   users (tenant_id, id) is what those keys point at.  No row in
	   user_features or tenant_features means the defaults (store.h).
	   Forward targets and a group's fallback are text ("" = none, an
	   extension, or E.164) checked by features/, not keys: a target
	   may be outside. */
	{7, "user features, forward policy and park, ring groups",
	 "CREATE UNIQUE INDEX users_tenant_id ON users (tenant_id, id);"

	 "CREATE TABLE user_features ("
	 " tenant_id BIGINT NOT NULL,"
	 " user_id BIGINT NOT NULL,"
	 " forward_always TEXT NOT NULL DEFAULT '',"
	 " forward_busy TEXT NOT NULL DEFAULT '',"
	 " forward_noanswer TEXT NOT NULL DEFAULT '',"
	 " forward_unreachable TEXT NOT NULL DEFAULT '',"
	 " forward_noanswer_s INTEGER NOT NULL DEFAULT 20,"
	 " dnd INTEGER NOT NULL DEFAULT 0,"
	 " call_waiting INTEGER NOT NULL DEFAULT 1,"
	 " twinning TEXT NOT NULL DEFAULT 'off',"
	 " twinning_delay_s INTEGER NOT NULL DEFAULT 10,"
	 " pickup_group TEXT NOT NULL DEFAULT '',"
	 " PRIMARY KEY (user_id),"
	 " FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)"
	 "  ON DELETE CASCADE);"
	 "CREATE INDEX user_features_pickup ON user_features"
	 " (tenant_id, pickup_group);"

	 "CREATE TABLE tenant_features ("
	 " tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id)"
	 "  ON DELETE CASCADE,"
	 " forward_external INTEGER NOT NULL,"
	 " allowed_prefixes TEXT NOT NULL,"
	 " blocked_prefixes TEXT NOT NULL,"
	 " park_first INTEGER NOT NULL,"
	 " park_count INTEGER NOT NULL,"
	 " park_timeout_s INTEGER NOT NULL);"

	 "CREATE TABLE ring_groups ("
	 " id %ID%,"
	 " tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
	 " name TEXT NOT NULL,"
	 " extension TEXT,"
	 " strategy TEXT NOT NULL,"
	 " member_timeout_s INTEGER NOT NULL,"
	 " group_timeout_s INTEGER NOT NULL,"
	 " fallback TEXT NOT NULL DEFAULT '',"
	 " rr_cursor INTEGER NOT NULL DEFAULT 0,"
	 " created_at BIGINT NOT NULL,"
	 " UNIQUE (tenant_id, name),"
	 " UNIQUE (tenant_id, extension),"
	 " UNIQUE (tenant_id, id));"

	 "CREATE TABLE ring_group_members ("
	 " tenant_id BIGINT NOT NULL,"
	 " group_id BIGINT NOT NULL,"
	 " user_id BIGINT NOT NULL,"
	 " position INTEGER NOT NULL,"
	 " logged_in INTEGER NOT NULL DEFAULT 1,"
	 " last_answer_ms BIGINT NOT NULL DEFAULT 0,"
	 " PRIMARY KEY (group_id, user_id),"
	 " FOREIGN KEY (tenant_id, group_id) REFERENCES ring_groups"
	 "  (tenant_id, id) ON DELETE CASCADE,"
	 " FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)"
	 "  ON DELETE CASCADE);"
	 "CREATE INDEX ring_group_members_user ON ring_group_members"
	 " (tenant_id, user_id);"},

	/* Call quality per leg: the round trip to the peer from RTCP, the
	   loss the peer reported of what we sent it, and an E-model MOS
	   estimate; -1 (0 for the MOS) where nothing was measured. */
	{8, "call quality in the legs of call records",
	 "ALTER TABLE cdr_legs ADD COLUMN rtt_us BIGINT NOT NULL DEFAULT -1;"
	 "ALTER TABLE cdr_legs ADD COLUMN peer_loss_ppm BIGINT NOT NULL "
	 "DEFAULT -1;"
	 "ALTER TABLE cdr_legs ADD COLUMN mos_x100 INTEGER NOT NULL "
	 "DEFAULT 0;"},

	/* How a device takes DTMF: RFC 4733 events (telephone-event), tones
	   in the audio, or SIP INFO; the call layer converts between them. */
	{9, "device DTMF mode",
	 "ALTER TABLE devices ADD COLUMN dtmf_mode TEXT NOT NULL "
	 "DEFAULT 'rfc4733';"},

	/* SIP MESSAGE chat between users of one tenant: every message is
	   kept (the history the API reads); delivered_ms 0 means not yet
	   delivered to any device of the recipient, which is what a
	   registration of the recipient looks for.  Both users carry the
	   tenant in their keys, so a message can only join two users of
	   its own tenant. */
	{10, "chat messages",
	 "CREATE TABLE chat_messages ("
	 " id %ID%,"
	 " tenant_id BIGINT NOT NULL,"
	 " from_user_id BIGINT NOT NULL,"
	 " to_user_id BIGINT NOT NULL,"
	 " content_type TEXT NOT NULL,"
	 " body TEXT NOT NULL,"
	 " created_ms BIGINT NOT NULL,"
	 " delivered_ms BIGINT NOT NULL DEFAULT 0,"
	 " FOREIGN KEY (tenant_id, from_user_id) REFERENCES users"
	 "  (tenant_id, id) ON DELETE CASCADE,"
	 " FOREIGN KEY (tenant_id, to_user_id) REFERENCES users"
	 "  (tenant_id, id) ON DELETE CASCADE);"
	 "CREATE INDEX chat_messages_to ON chat_messages"
	 " (tenant_id, to_user_id, delivered_ms, id);"
	 "CREATE INDEX chat_messages_from ON chat_messages"
	 " (tenant_id, from_user_id, id);"
	 "CREATE INDEX chat_messages_pending ON chat_messages"
	 " (delivered_ms, tenant_id, to_user_id);"},

	/* Voicemail: a box per user that set anything (others read as the
	   defaults) and the messages left in it.  The audio files live
	   under media.data_dir; a message's file is relative to it.  Both
	   tables carry the tenant in their user key, like user_features.
	   The index serves the lamp (counts by heard) and the lists. */
	{11, "voicemail boxes and messages",
	 "CREATE TABLE voicemail_boxes ("
	 " tenant_id BIGINT NOT NULL,"
	 " user_id BIGINT NOT NULL,"
	 " pin_hash TEXT NOT NULL DEFAULT '',"
	 " max_message_s INTEGER NOT NULL DEFAULT 120,"
	 " max_messages INTEGER NOT NULL DEFAULT 100,"
	 " greeting_unavailable INTEGER NOT NULL DEFAULT 0,"
	 " greeting_busy INTEGER NOT NULL DEFAULT 0,"
	 " greeting_name INTEGER NOT NULL DEFAULT 0,"
	 " email_notify INTEGER NOT NULL DEFAULT 0,"
	 " PRIMARY KEY (user_id),"
	 " FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)"
	 "  ON DELETE CASCADE);"

	 "CREATE TABLE voicemail_messages ("
	 " id %ID%,"
	 " tenant_id BIGINT NOT NULL,"
	 " user_id BIGINT NOT NULL,"
	 " uuid TEXT NOT NULL,"
	 " caller TEXT NOT NULL DEFAULT '',"
	 " caller_name TEXT NOT NULL DEFAULT '',"
	 " call_uuid TEXT NOT NULL DEFAULT '',"
	 " file TEXT NOT NULL,"
	 " created_ms BIGINT NOT NULL,"
	 " duration_ms BIGINT NOT NULL DEFAULT 0,"
	 " bytes BIGINT NOT NULL DEFAULT 0,"
	 " heard INTEGER NOT NULL DEFAULT 0,"
	 " UNIQUE (tenant_id, uuid),"
	 " FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)"
	 "  ON DELETE CASCADE);"
	 "CREATE INDEX voicemail_messages_box ON voicemail_messages"
	 " (tenant_id, user_id, heard, created_ms, id);"},

	/* Voicemail answers a user's unanswered calls only once it is
	   switched on; a call record names who forwarded it and why. */
	{12, "voicemail on or off, forwards in call records",
	 "ALTER TABLE voicemail_boxes ADD COLUMN enabled INTEGER NOT NULL "
	 "DEFAULT 0;"
	 "ALTER TABLE cdrs ADD COLUMN forwarded_by TEXT NOT NULL DEFAULT '';"
	 "ALTER TABLE cdrs ADD COLUMN forward_reason TEXT NOT NULL "
	 "DEFAULT '';"},

	/* Recording policy: the tenant's (never, on_demand, always) and
	   whether both parties hear that the call is recorded; a user's
	   own, or inherit to follow the tenant.  Rows written before read
	   as the defaults, the same as no row at all. */
	{13, "recording policy of tenants and users",
	 "ALTER TABLE tenant_features ADD COLUMN recording_policy TEXT "
	 "NOT NULL DEFAULT 'on_demand';"
	 "ALTER TABLE tenant_features ADD COLUMN recording_announce "
	 "INTEGER NOT NULL DEFAULT 0;"
	 "ALTER TABLE user_features ADD COLUMN recording TEXT NOT NULL "
	 "DEFAULT 'inherit';"},

	/* A call record says what a party did to the call (a transfer, a
	   pickup, a park) and who did it. */
	{14, "transfers, pickups and parks in call records",
	 "ALTER TABLE cdrs ADD COLUMN feature TEXT NOT NULL DEFAULT '';"
	 "ALTER TABLE cdrs ADD COLUMN feature_by TEXT NOT NULL DEFAULT '';"},

	/* Webhook subscriptions of a tenant: where its events are POSTed
	   and the key that signs them (kept readable: the daemon signs
	   with it).  events is a comma-separated list of event types. */
	{15, "webhook subscriptions",
	 "CREATE TABLE webhooks ("
	 " id %ID%,"
	 " tenant_id BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
	 " url TEXT NOT NULL,"
	 " secret TEXT NOT NULL,"
	 " events TEXT NOT NULL DEFAULT '',"
	 " enabled INTEGER NOT NULL DEFAULT 1,"
	 " created_ms BIGINT NOT NULL);"
	 "CREATE INDEX webhooks_tenant ON webhooks (tenant_id, id);"},
};

const size_t store_migrations_len =
	sizeof(store_migrations) / sizeof(store_migrations[0]);

/**
 * @file sessions.c  Browser sessions.
 */
#include <re.h>
#include <sodium.h>
#include <string.h>
#include "core/strutil.h"
#include "api/sessions.h"

struct session {
	struct le le;
	char token[SESSION_TOKEN_LEN + 1];
	struct api_principal p;
	uint64_t last_used;     /**< tmr_jiffies() */
};

struct sessions {
	struct hash *ht;
	uint32_t idle_ms;
	struct tmr tmr;         /**< purge of idle sessions */
};

static void session_destructor(void *arg)
{
	struct session *se = arg;
	hash_unlink(&se->le);
	sodium_memzero(se->token, sizeof(se->token));
}

static bool idle(struct le *le, void *arg)
{
	struct session *se = le->data;
	const struct sessions *s = arg;
	return tmr_jiffies() - se->last_used > s->idle_ms;
}

static void purge(void *arg)
{
	struct sessions *s = arg;
	struct le *le;

	while ((le = hash_apply(s->ht, idle, s)))
		mem_deref(le->data);
	tmr_start(&s->tmr, 60 * 1000, purge, s);
}

int sessions_alloc(struct sessions **sp, uint32_t idle_s)
{
	struct sessions *s = mem_zalloc(sizeof(*s), NULL);
	int err;

	if (!s)
		return ENOMEM;
	err = hash_alloc(&s->ht, 1024);
	if (err) {
		mem_deref(s);
		return err;
	}
	s->idle_ms = idle_s * 1000;
	tmr_init(&s->tmr);
	tmr_start(&s->tmr, 60 * 1000, purge, s);
	*sp = s;
	return 0;
}

void sessions_free(struct sessions *s)
{
	if (!s)
		return;
	tmr_cancel(&s->tmr);
	hash_flush(s->ht);
	mem_deref(s->ht);
	mem_deref(s);
}

int sessions_create(struct sessions *s, struct api_principal *p,
		    char token[SESSION_TOKEN_LEN + 1])
{
	struct session *se;
	uint8_t raw[32], csrf[16];

	se = mem_zalloc(sizeof(*se), session_destructor);
	if (!se)
		return ENOMEM;
	randombytes_buf(raw, sizeof(raw));
	randombytes_buf(csrf, sizeof(csrf));
	hex_encode(se->token, sizeof(se->token), raw, sizeof(raw));
	hex_encode(p->csrf, sizeof(p->csrf), csrf, sizeof(csrf));
	p->via_cookie = true;
	se->p = *p;
	se->last_used = tmr_jiffies();
	hash_append(s->ht, hash_joaat_str(se->token), &se->le, se);
	memcpy(token, se->token, sizeof(se->token));
	return 0;
}

static bool token_cmp(struct le *le, void *arg)
{
	const struct session *se = le->data;
	return 0 == sodium_memcmp(se->token, arg, SESSION_TOKEN_LEN);
}

static struct session *lookup(struct sessions *s, const char *token)
{
	struct le *le;

	if (!s || !token || strlen(token) != SESSION_TOKEN_LEN)
		return NULL;
	le = hash_lookup(s->ht, hash_joaat_str(token), token_cmp,
			 (void *)token);
	return le ? le->data : NULL;
}

const struct api_principal *sessions_find(struct sessions *s,
					  const char *token)
{
	struct session *se = lookup(s, token);

	if (!se)
		return NULL;
	if (tmr_jiffies() - se->last_used > s->idle_ms) {
		mem_deref(se);
		return NULL;
	}
	se->last_used = tmr_jiffies();
	return &se->p;
}

void sessions_remove(struct sessions *s, const char *token)
{
	mem_deref(lookup(s, token));
}

struct match {
	int64_t tenant_id, user_id;
};

static bool account_match(struct le *le, void *arg)
{
	const struct session *se = le->data;
	const struct match *m = arg;
	return se->p.tenant_id == m->tenant_id &&
	       (!m->user_id || se->p.user_id == m->user_id);
}

void sessions_remove_account(struct sessions *s, int64_t tenant_id,
			     int64_t user_id)
{
	struct match m = {tenant_id, user_id};
	struct le *le;

	if (!user_id)
		return;
	while ((le = hash_apply(s->ht, account_match, &m)))
		mem_deref(le->data);
}

void sessions_remove_tenant(struct sessions *s, int64_t tenant_id)
{
	struct match m = {tenant_id, 0};
	struct le *le;

	if (!tenant_id)
		return;
	while ((le = hash_apply(s->ht, account_match, &m)))
		mem_deref(le->data);
}

/**
 * @file incall.c  Codes typed during a call, and calls joined together.
 *
 * In an answered call with two parties, either may type (RFC 4733 or
 * SIP INFO):
 *
 *   *2<number>#  blind transfer: the other party is sent to number
 *                (transfer.c), for phones without a transfer key
 *   *6           park the other party (park.h)
 *   *3           three-way: this call and the typist's other call (the
 *                one its phone holds) are joined in one conference
 *
 * A code starts with '*' and must be typed with no more than
 * CODE_GAP_MS between digits; anything else is passed on as usual.
 *
 * Joined calls (three-way, attended transfer) keep their own relays and
 * records; their parties meet in a media conference owned by the join.
 * When one of the calls ends, the other leaves the conference: it goes
 * on as a plain call if it still has two parties, else it ends too.
 */
#include <re.h>
#include <string.h>
#include <time.h>
#include "cdr/cdr.h"
#include "core/log.h"
#include "media/media.h"
#include "pbx/callpriv.h"
#include "pbx/park.h"
#include "pbx/priv.h"
#include "pbx/recpolicy.h"
#include "pbx/transfer.h"

enum { CODE_GAP_MS = 5000 };

struct calljoin {
	struct media_conf *conf;      /**< owned */
	struct call *c[2];            /**< borrowed: each holds a reference */
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void join_destructor(void *arg)
{
	struct calljoin *j = arg;

	media_conf_free(j->conf);
}

/* the typist's other answered call (its phone holds it), not c */
static struct call *other_call(struct call *c, struct leg *from,
			       struct leg **legp)
{
	for (struct le *le = list_head(&c->p->all); le; le = le->next) {
		struct call *c2 = le->data;
		struct leg *l[2];

		if (c2 == c || c2->ended || c2->join || !c2->winner ||
		    c2->o.tenant_id != c->o.tenant_id)
			continue;
		l[0] = c2->a;
		l[1] = c2->winner;
		for (size_t i = 0; i < 2; i++) {
			if (from->t.user_id &&
			    l[i]->t.user_id == from->t.user_id) {
				*legp = l[i];
				return c2;
			}
		}
	}
	return NULL;
}

static int conf_add(struct calljoin *j, struct call *c, struct leg *leg)
{
	return leg ? media_conf_join(j->conf, c->relay, leg->side) : 0;
}

int incall_join(struct call *c1, struct call *c2, struct leg *out1,
		struct leg *out2)
{
	struct calljoin *j;
	int err;

	if (c1->join || c2->join)
		return EALREADY;
	j = mem_zalloc(sizeof(*j), join_destructor);
	if (!j)
		return ENOMEM;
	err = media_conf_alloc(c1->p->d.media, &j->conf);
	/* everybody but the legs going out (out2, held by the typist's
	   phone in a three-way call, hears nothing of it either) */
	if (!err)
		err = conf_add(j, c1, out1 == c1->a ? c1->winner : c1->a);
	if (!err && !out1)
		err = conf_add(j, c1, c1->winner);
	if (!err)
		err = conf_add(j, c2, out2 == c2->a ? c2->winner : c2->a);
	if (err) {
		mem_deref(j);
		return err;
	}
	c1->held_by = c2->held_by = NULL;
	j->c[0] = c1;
	j->c[1] = c2;
	c1->join = j;
	c2->join = mem_ref(j);
	return 0;
}

static void conf_out(struct calljoin *j, struct call *c)
{
	(void)media_conf_leave(j->conf, c->relay, MEDIA_A);
	(void)media_conf_leave(j->conf, c->relay, MEDIA_B);
}

void incall_call_ended(struct call *c)
{
	struct calljoin *j = c->join;
	struct call *o;

	park_release(c);
	if (!j)
		return;
	c->join = NULL;
	o = j->c[0] == c ? j->c[1] : j->c[0];
	conf_out(j, c);
	if (o && o->join == j) {
		o->join = NULL;
		conf_out(j, o);
		mem_deref(j);
		if (o->winner) {
			/* still two parties: a plain call again */
			(void)media_relay_hear(o->relay, MEDIA_A,
					       MEDIA_HEAR_PEER);
			(void)media_relay_hear(o->relay, MEDIA_B,
					       MEDIA_HEAR_PEER);
		}
		else {
			call_end(o, CDR_PARTY_CALLEE, 0, NULL, 16,
				 CDR_ANSWERED);
		}
	}
	mem_deref(j);
}

/* *3: this call and the typist's held one become one conference */
static void three_way(struct call *c, struct leg *from)
{
	struct leg *held = NULL;
	struct call *c2 = other_call(c, from, &held);

	if (!c2 || incall_join(c, c2, NULL, held)) {
		tlog_info("pbx/incall", c->slug, "call %s: *3 with no other "
			  "call to join", c->cdr->uuid);
		return;
	}
	tlog_info("pbx/incall", c->slug, "call %s: three-way with call %s",
		  c->cdr->uuid, c2->cdr->uuid);
	str_ncpy(c->cdr->feature, "three_way", sizeof(c->cdr->feature));
	str_ncpy(c2->cdr->feature, "three_way", sizeof(c2->cdr->feature));
}

static void run(struct call *c, struct leg *from, const char *code)
{
	char dest[INCALL_CODE_MAX];
	size_t n = strlen(code);

	if (!strcmp(code, "*6")) {
		int err = park_call(c, from);

		if (err)
			tlog_info("pbx/incall", c->slug, "call %s: cannot "
				  "park: %m", c->cdr->uuid, err);
		return;
	}
	if (!strcmp(code, "*3")) {
		three_way(c, from);
		return;
	}
	if (!strcmp(code, "*1")) {
		/* on demand: start recording, or stop it; under "always" or
		   "never" the phone has no say (the log tells) */
		int err = recpolicy_of(c->p, c->o.tenant_id, c->o.user_id,
				       c->r.callee_user_id, NULL) !=
			  REC_ON_DEMAND ? EPERM
			  : call_record(c->p, c->o.tenant_id, c->cdr->uuid,
					c->rec_id ? CALL_REC_STOP
						  : CALL_REC_START,
					MEDIA_REC_MIXED, NULL);

		if (err)
			tlog_info("pbx/incall", c->slug, "call %s: *1: %m",
				  c->cdr->uuid, err);
		return;
	}
	/* *2<number># */
	if (n > 3 && code[n - 1] == '#') {
		str_ncpy(dest, code + 2, n - 2);
		(void)transfer_blind(c, from, dest, false);
	}
}

/* could code still become one of ours? complete: it is one now */
static bool prefix_of_code(const char *code, bool *complete)
{
	size_t n = strlen(code);

	*complete = false;
	if (n == 1)
		return code[0] == '*';
	if (code[1] == '6' || code[1] == '3' || code[1] == '1') {
		*complete = n == 2;
		return n == 2;
	}
	if (code[1] != '2')
		return false;
	if (n == 2)
		return true;
	if (code[n - 1] == '#') {
		*complete = n > 3;
		return n > 3;
	}
	return strchr("0123456789+", code[n - 1]) != NULL &&
	       n < INCALL_CODE_MAX - 1;
}

bool incall_digit(struct call *c, struct leg *from, char digit)
{
	uint64_t now = mono_ms();
	size_t n = strlen(from->code);
	bool complete;

	if (!c->winner || c->join || c->parker ||
	    (from != c->a && from != c->winner))
		return false;
	if (n && now - from->code_ms > CODE_GAP_MS)
		n = 0;
	if (!n && digit != '*')
		return false;
	from->code[n] = digit;
	from->code[n + 1] = '\0';
	from->code_ms = now;
	if (!prefix_of_code(from->code, &complete)) {
		from->code[0] = '\0';
		return false;
	}
	if (complete) {
		char code[INCALL_CODE_MAX];

		str_ncpy(code, from->code, sizeof(code));
		from->code[0] = '\0';
		tlog_info("pbx/incall", c->slug, "call %s: %s typed %s",
			  c->cdr->uuid, from->t.peer, code);
		run(c, from, code);
	}
	return true;
}

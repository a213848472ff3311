/**
 * @file groups.c  Ring (hunt) groups at call time (see groups.h).
 */
#include <re.h>
#include <string.h>
#include <time.h>
#include "core/log.h"
#include "pbx/dialplan.h"
#include "pbx/forward.h"
#include "pbx/groups.h"
#include "pbx/priv.h"
#include "store/store.h"

struct ready {
	struct call_member v[CALL_MAX_MEMBERS];
	int64_t last[CALL_MAX_MEMBERS];   /**< last_answer_ms */
	size_t n;
};

static int add_ready(const struct store_group_member *m, void *arg)
{
	struct ready *rd = arg;

	if (rd->n == CALL_MAX_MEMBERS)
		return 0;
	rd->v[rd->n] = (struct call_member){m->user_id, m->position};
	rd->last[rd->n] = m->last_answer_ms;
	rd->n++;
	return 0;
}

/* longest_idle: oldest last answer first; stable, so hunting order
   decides between equals (members who never answered come first) */
static void by_idle(struct ready *rd)
{
	for (size_t i = 1; i < rd->n; i++) {
		struct call_member m = rd->v[i];
		int64_t l = rd->last[i];
		size_t j = i;

		for (; j > 0 && rd->last[j - 1] > l; j--) {
			rd->v[j] = rd->v[j - 1];
			rd->last[j] = rd->last[j - 1];
		}
		rd->v[j] = m;
		rd->last[j] = l;
	}
}

/* round_robin: start after the position offered last, wrap around */
static void after_cursor(struct ready *rd, int cursor)
{
	struct call_member tmp[CALL_MAX_MEMBERS];
	size_t first = 0, k = 0;

	while (first < rd->n && rd->v[first].position <= cursor)
		first++;
	if (first == rd->n)
		return;
	for (size_t i = 0; i < rd->n; i++)
		tmp[k++] = rd->v[(first + i) % rd->n];
	memcpy(rd->v, tmp, rd->n * sizeof(tmp[0]));
}

/* may the member ring: not on DND, not in a call with call waiting off;
   *busy tells why not */
static bool member_free(struct pbx *p, const struct call_origin *o,
			int64_t user_id, bool *busy)
{
	struct store_user_features f;

	if (store_user_features_get(p->d.st, o->tenant_id, user_id, &f))
		store_user_features_default(&f);
	if (f.dnd || (!f.call_waiting &&
		      call_user_busy(p, o->tenant_id, user_id))) {
		*busy = true;
		return false;
	}
	return true;
}

/* nobody to ring at all: the fallback, else busy or unavailable */
static void nobody(struct pbx *p, const struct call_origin *o,
		   struct call_route *r, bool busy)
{
	enum divert_reason why = busy ? DIVERT_BUSY : DIVERT_UNREACHABLE;

	r->targetc = 0;
	if (!forward_next(p, o, why, r))
		forward_refusal(r, why);
}

bool groups_next(struct pbx *p, const struct call_origin *o,
		 struct call_route *r)
{
	bool busy = false;

	while (r->member_next < r->memberc) {
		const struct call_member *m = &r->members[r->member_next++];

		r->targetc = 0;
		if (!member_free(p, o, m->user_id, &busy) ||
		    !dialplan_user_targets(p, o->tenant_id, m->user_id, r))
			continue;
		if (r->round_robin)
			(void)store_group_set_cursor(p->d.st, o->tenant_id,
						     r->group_id, m->position);
		return true;
	}
	r->targetc = 0;
	return false;
}

void groups_route(struct pbx *p, const struct call_origin *o,
		  const struct store_group *g, struct call_route *r)
{
	struct ready rd = {.n = 0};
	bool busy = false;

	forward_route_reset(r);
	r->group_id = g->id;
	r->ring_ms = g->group_timeout_s * 1000;
	if (store_group_member_ready(p->d.st, o->tenant_id, g->id, add_ready,
				     &rd)) {
		dialplan_reject(r, 503, "Service Unavailable", 41, CDR_FAILED);
		return;
	}

	if (!strcmp(g->strategy, "ring_all")) {
		for (size_t i = 0; i < rd.n; i++) {
			if (member_free(p, o, rd.v[i].user_id, &busy))
				(void)dialplan_user_targets(p, o->tenant_id,
							    rd.v[i].user_id,
							    r);
		}
		if (!r->targetc) {
			nobody(p, o, r, busy);
			return;
		}
		r->kind = ROUTE_TARGETS;
		return;
	}

	if (!strcmp(g->strategy, "longest_idle"))
		by_idle(&rd);
	else if (!strcmp(g->strategy, "round_robin"))
		after_cursor(&rd, g->rr_cursor);
	memcpy(r->members, rd.v, rd.n * sizeof(rd.v[0]));
	r->memberc = rd.n;
	r->member_next = 0;
	r->hunting = true;
	r->round_robin = !strcmp(g->strategy, "round_robin");
	r->member_ms = g->member_timeout_s * 1000;
	if (!groups_next(p, o, r)) {
		for (size_t i = 0; i < rd.n && !busy; i++)
			(void)member_free(p, o, rd.v[i].user_id, &busy);
		nobody(p, o, r, busy);
		return;
	}
	r->kind = ROUTE_TARGETS;
}

void groups_route_id(struct pbx *p, const struct call_origin *o,
		     int64_t group_id, struct call_route *r)
{
	struct store_group g;

	if (store_group_get(p->d.st, o->tenant_id, group_id, &g)) {
		forward_route_reset(r);
		dialplan_reject(r, 480, "Temporarily Unavailable", 1,
				CDR_FAILED);
		return;
	}
	groups_route(p, o, &g, r);
}

void groups_answered(struct pbx *p, const struct call_origin *o,
		     const struct call_route *r, int64_t user_id)
{
	struct timespec ts;

	if (!r->group_id || !user_id)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (store_group_member_answered(p->d.st, o->tenant_id, r->group_id,
					user_id, (int64_t)ts.tv_sec * 1000 +
					ts.tv_nsec / 1000000))
		tlog_warn("pbx/groups", o->tenant_slug, "group %lld: the "
			  "answer of user %lld not kept",
			  (long long)r->group_id, (long long)user_id);
}

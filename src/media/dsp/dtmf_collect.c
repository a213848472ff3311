/**
 * @file dtmf_collect.c  Collecting the digits of an IVR answer.
 *
 *   RUNNING --digit--> RUNNING (timer: inter_ms from this digit)
 *   RUNNING --terminator--> TERM          (the terminator is not kept)
 *   RUNNING --max_digits reached--> MAXED
 *   RUNNING --first_ms, no digit--> NOINPUT
 *   RUNNING --inter_ms after a digit--> TIMEOUT
 *
 * Time is given by the caller (the media tick's monotonic milliseconds),
 * so the collector is plain arithmetic and tests need no clock.
 */
#include <errno.h>
#include <string.h>
#include "media/dsp/dtmf.h"

int dtmf_collect_start(struct dtmf_collect *c,
		       const struct dtmf_collect_cfg *cfg, uint64_t now_ms)
{
	if (!cfg->max_digits || cfg->max_digits > DTMF_COLLECT_MAX ||
	    !memchr(cfg->term, 0, sizeof(cfg->term)))
		return EINVAL;
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	c->last_ms = now_ms;
	c->reason = DTMF_COLLECT_RUNNING;
	return 0;
}

enum dtmf_collect_reason dtmf_collect_digit(struct dtmf_collect *c,
					    char digit, uint64_t now_ms)
{
	if (c->reason != DTMF_COLLECT_RUNNING)
		return c->reason;
	/* a digit that arrives after its deadline does not count */
	if (dtmf_collect_tick(c, now_ms) != DTMF_COLLECT_RUNNING)
		return c->reason;
	if (dtmf_event_of(digit) < 0)
		return c->reason;

	if (strchr(c->cfg.term, digit)) {
		c->term = digit;
		return c->reason = DTMF_COLLECT_TERM;
	}
	c->digits[c->n++] = digit;
	c->digits[c->n] = 0;
	c->last_ms = now_ms;
	if (c->n >= c->cfg.max_digits)
		c->reason = DTMF_COLLECT_MAXED;
	return c->reason;
}

enum dtmf_collect_reason dtmf_collect_tick(struct dtmf_collect *c,
					   uint64_t now_ms)
{
	uint32_t wait = c->n ? c->cfg.inter_ms : c->cfg.first_ms;

	if (c->reason == DTMF_COLLECT_RUNNING && now_ms >= c->last_ms &&
	    now_ms - c->last_ms >= wait)
		c->reason = c->n ? DTMF_COLLECT_TIMEOUT : DTMF_COLLECT_NOINPUT;
	return c->reason;
}

const char *dtmf_collect_reason_name(enum dtmf_collect_reason r)
{
	switch (r) {
	case DTMF_COLLECT_RUNNING: return "running";
	case DTMF_COLLECT_MAXED:   return "max-digits";
	case DTMF_COLLECT_TERM:    return "terminator";
	case DTMF_COLLECT_TIMEOUT: return "timeout";
	case DTMF_COLLECT_NOINPUT: return "no-input";
	}
	return "?";
}

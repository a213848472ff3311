/**
 * @file featurecodes.h  Feature codes a phone dials to change its user's
 * features (docs/features.md):
 *
 *   *72<number>  always-forward to number     *73  clear it
 *   *90<number>  busy forward                 *91  clear it
 *   *92<number>  no-answer forward            *93  clear it
 *   *78 / *79    DND on / off
 *   *70          call waiting on if off, off if on
 *   *21<ext> / *22<ext>  log in to / out of the ring group at ext
 *
 * The number is an extension of the tenant, or an outside number as the
 * user dials it, normalised by their site's numbering plan.  Forwards
 * go through features_forward_set(), so a phone is refused what the API
 * would refuse.  The call layer answers these as an app (app.h), which
 * plays what featurecode_run() names, then hangs up.
 */
#ifndef CENTREX_PBX_FEATURECODES_H
#define CENTREX_PBX_FEATURECODES_H

#include <stdbool.h>
#include <stddef.h>
#include "pbx/call.h"

struct pbx;

enum { FEATURECODE_PROMPTS = 3 };

/* dialled is one of the codes above (with or without its number) */
bool featurecode_match(const char *dialled);

/* Do what dialled asks for o's user; names gets the prompts that say
   it was done (or refused), *n how many.  False when refused. */
bool featurecode_run(struct pbx *p, const struct call_origin *o,
		     const char *dialled,
		     const char *names[FEATURECODE_PROMPTS], size_t *n);

#endif

/**
 * @file sdnotify.h  systemd readiness notification (Type=notify).
 */
#ifndef CENTREX_CORE_SDNOTIFY_H
#define CENTREX_CORE_SDNOTIFY_H

int sdnotify(const char *state);

#endif

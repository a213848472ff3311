/**
 * @file ctl.h  Local control socket: status and operations for the operator.
 *
 * A unix stream socket (mode 0600) taking one command line per
 * connection and answering in plain text, then closing.  Commands are
 * registered by whoever owns the data; `centrexd --status` and
 * `centrexd --ctl CMD` are the client.
 */
#ifndef CENTREX_CTL_CTL_H
#define CENTREX_CTL_CTL_H

#include <stdio.h>
#include <re.h>

struct ctl;
typedef int (ctl_cmd_h)(struct re_printf *pf, const struct pl *args,
			void *arg);

int ctl_alloc(struct ctl **ctlp, const char *path, char *errbuf,
	      size_t errsz);
int ctl_register(struct ctl *ctl, const char *name, const char *help,
		 ctl_cmd_h *h, void *arg);
int ctl_client(const char *path, const char *cmd, FILE *out);

#endif

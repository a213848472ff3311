/**
 * @file status.h  Status commands on the control socket.
 */
#ifndef CENTREX_CTL_STATUS_H
#define CENTREX_CTL_STATUS_H

struct ctl;
struct directory;
struct location;
struct ban_table;
struct pbx;
struct media_engine;

struct status_src {
	struct directory *dir;
	struct location *loc;
	struct ban_table *bans;
	struct pbx *pbx;                 /**< may be NULL */
	struct media_engine *media;      /**< may be NULL */
};

int status_register(struct ctl *ctl, struct status_src *src);

#endif

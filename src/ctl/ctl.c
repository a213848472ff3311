/**
 * @file ctl.c  Local control socket.
 */
#include <re.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "core/log.h"
#include "ctl/ctl.h"

enum { MAX_LINE = 512, MAX_CMDS = 32 };

struct ctl_cmd {
	const char *name;
	const char *help;
	ctl_cmd_h *h;
	void *arg;
};

struct ctl {
	int fd;
	char *path;
	struct ctl_cmd cmds[MAX_CMDS];
	size_t ncmds;
	struct list conns;
};

struct ctl_conn {
	struct le le;
	struct ctl *ctl;
	int fd;
	char buf[MAX_LINE];
	size_t len;
};

static void conn_destructor(void *arg)
{
	struct ctl_conn *c = arg;

	list_unlink(&c->le);
	if (c->fd >= 0) {
		fd_close(c->fd);
		close(c->fd);
	}
}

static void ctl_destructor(void *arg)
{
	struct ctl *ctl = arg;

	list_flush(&ctl->conns);
	if (ctl->fd >= 0) {
		fd_close(ctl->fd);
		close(ctl->fd);
		if (ctl->path)
			unlink(ctl->path);
	}
	mem_deref(ctl->path);
}

static int help_cmd(struct re_printf *pf, const struct pl *args, void *arg)
{
	struct ctl *ctl = arg;
	int err = 0;
	(void)args;

	for (size_t i = 0; i < ctl->ncmds; i++)
		err |= re_hprintf(pf, "%-16s %s\n", ctl->cmds[i].name,
				  ctl->cmds[i].help);
	return err;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd pfd = {fd, POLLOUT, 0};
				if (poll(&pfd, 1, 1000) <= 0)
					return ETIMEDOUT;
				continue;
			}
			return errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int print_to_mbuf(const char *p, size_t size, void *arg)
{
	return mbuf_write_mem(arg, (const uint8_t *)p, size);
}

static void run_line(struct ctl_conn *c)
{
	struct ctl *ctl = c->ctl;
	struct pl name, args = PL_INIT;
	struct mbuf *mb = mbuf_alloc(4096);
	struct re_printf pf = {print_to_mbuf, mb};
	bool found = false;

	if (!mb)
		return;
	if (re_regex(c->buf, c->len, "[^ \r\n]+[ ]*[^\r\n]*", &name, NULL,
		     &args)) {
		(void)mbuf_printf(mb, "error: empty command\n");
	}
	else {
		for (size_t i = 0; i < ctl->ncmds; i++) {
			if (pl_strcmp(&name, ctl->cmds[i].name))
				continue;
			found = true;
			if (ctl->cmds[i].h(&pf, &args, ctl->cmds[i].arg))
				(void)mbuf_printf(mb, "error: command failed\n");
			break;
		}
		if (!found)
			(void)mbuf_printf(mb, "error: unknown command '%r' "
					  "(try help)\n", &name);
	}
	(void)write_all(c->fd, mb->buf, mb->end);
	mem_deref(mb);
}

static void conn_readable(int flags, void *arg)
{
	struct ctl_conn *c = arg;
	ssize_t n;
	(void)flags;

	n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (n <= 0) {
		if (n < 0 && errno == EAGAIN)
			return;
		mem_deref(c);
		return;
	}
	c->len += (size_t)n;
	if (memchr(c->buf, '\n', c->len) || c->len == sizeof(c->buf) - 1) {
		c->buf[c->len] = '\0';
		run_line(c);
		mem_deref(c);
	}
}

static void accept_handler(int flags, void *arg)
{
	struct ctl *ctl = arg;
	struct ctl_conn *c;
	int fd;
	(void)flags;

	fd = accept4(ctl->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	c = mem_zalloc(sizeof(*c), conn_destructor);
	if (!c) {
		close(fd);
		return;
	}
	c->ctl = ctl;
	c->fd = fd;
	list_append(&ctl->conns, &c->le, c);
	if (fd_listen(fd, FD_READ, conn_readable, c))
		mem_deref(c);
}

static int fill_addr(struct sockaddr_un *un, const char *path)
{
	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(un->sun_path))
		return ENAMETOOLONG;
	strcpy(un->sun_path, path);
	return 0;
}

int ctl_alloc(struct ctl **ctlp, const char *path, char *errbuf,
	      size_t errsz)
{
	struct sockaddr_un un;
	struct ctl *ctl;
	int err, probe;

	if (!ctlp || !path)
		return EINVAL;
	err = fill_addr(&un, path);
	if (err) {
		snprintf(errbuf, errsz, "ctl.socket: path too long");
		return err;
	}
	ctl = mem_zalloc(sizeof(*ctl), ctl_destructor);
	if (!ctl)
		return ENOMEM;
	ctl->fd = -1;

	/* a live daemon on this socket? then refuse; else remove the leftover */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0) {
		if (0 == connect(probe, (struct sockaddr *)&un, sizeof(un))) {
			close(probe);
			snprintf(errbuf, errsz, "ctl.socket: %s is in use by a "
				 "running daemon", path);
			mem_deref(ctl);
			return EADDRINUSE;
		}
		close(probe);
	}
	(void)unlink(path);

	ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			 0);
	if (ctl->fd < 0 ||
	    bind(ctl->fd, (struct sockaddr *)&un, sizeof(un)) < 0 ||
	    chmod(path, 0600) < 0 || listen(ctl->fd, 16) < 0) {
		err = errno;
		snprintf(errbuf, errsz, "ctl.socket: %s: %s", path,
			 strerror(err));
		mem_deref(ctl);
		return err;
	}
	err = str_dup(&ctl->path, path);
	if (!err)
		err = fd_listen(ctl->fd, FD_READ, accept_handler, ctl);
	if (!err)
		err = ctl_register(ctl, "help", "list commands", help_cmd, ctl);
	if (err) {
		mem_deref(ctl);
		return err;
	}
	*ctlp = ctl;
	return 0;
}

int ctl_register(struct ctl *ctl, const char *name, const char *help,
		 ctl_cmd_h *h, void *arg)
{
	if (!ctl || !name || !h)
		return EINVAL;
	if (ctl->ncmds >= MAX_CMDS)
		return ENOSPC;
	ctl->cmds[ctl->ncmds++] = (struct ctl_cmd){name, help, h, arg};
	return 0;
}

/*
 * Client side: send one command, copy the answer to out.  An answer that
 * starts with "error:" gives EPROTO, so scripts can tell.
 */
int ctl_client(const char *path, const char *cmd, FILE *out)
{
	struct sockaddr_un un;
	char buf[4096];
	bool first = true, failed = false;
	ssize_t n;
	int fd, err;

	err = fill_addr(&un, path);
	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (connect(fd, (struct sockaddr *)&un, sizeof(un)) < 0) {
		err = errno;
		close(fd);
		return err;
	}
	err = write_all(fd, (const uint8_t *)cmd, strlen(cmd));
	if (!err)
		err = write_all(fd, (const uint8_t *)"\n", 1);
	while (!err && (n = read(fd, buf, sizeof(buf))) > 0) {
		if (first)
			failed = n >= 6 && !memcmp(buf, "error:", 6);
		first = false;
		fwrite(buf, 1, (size_t)n, out);
	}
	close(fd);
	return err ? err : failed ? EPROTO : 0;
}

/**
 * @file sdnotify.c  systemd readiness notification.
 *
 * The protocol is one datagram to the unix socket named in $NOTIFY_SOCKET
 * ('@' prefix = abstract namespace); small enough not to pull in
 * libsystemd.  Without the variable it does nothing.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "core/sdnotify.h"

int sdnotify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	size_t len;
	int fd, err = 0;

	if (!path || !path[0])
		return 0;
	len = strlen(path);
	if (len >= sizeof(un.sun_path))
		return ENAMETOOLONG;
	memcpy(un.sun_path, path, len);
	if (un.sun_path[0] == '@')
		un.sun_path[0] = '\0';

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (sendto(fd, state, strlen(state), 0, (struct sockaddr *)&un,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* acl.h: POSIX ACLs kept with the mode, as cp keeps them. */
#ifndef ZCP_ACL_H
#define ZCP_ACL_H

#include <stdbool.h>
#include <sys/types.h>

/* The file an ACL is set on: by its descriptor, or by via, a path to it,
 * when the descriptor is O_PATH (sys_fdpath). path names it in messages. */
struct acl_dst {
	int fd;
	const char *via;
	const char *path;
};

/*
 * Give dst the access ACL of src_fd (and a directory its default ACL),
 * or none when the source has none. The mode is set already. Where the
 * destination cannot hold ACLs, a source ACL that says no more than the
 * mode is no loss. dst_bare: the file was just made with no ACL, so
 * none is there to drop. 0, or -errno after a message naming dst->path.
 */
int acl_copy(int src_fd, const char *src_path, const struct acl_dst *dst, bool dir,
	     bool dst_bare);

/* Set mode on a new file and drop any ACL it inherited (--no-preserve=mode).
 * 0, or -errno after a message. */
int acl_set_mode(const struct acl_dst *dst, mode_t mode);

#endif

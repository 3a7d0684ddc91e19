/* meta.h: permissions, ownership, timestamps and xattrs of a copy. */
#ifndef ZCP_META_H
#define ZCP_META_H

#include "cp.h"

/* Where to read or write attributes: an open fd, or (dirfd, name) for a
 * symlink, which is never followed. */
struct meta_node {
	int fd;
	int dirfd;
	const char *name;
	const char *path;
	bool symlink;	/* no mode to set */
};

/*
 * Give dst the attributes of src that the options preserve. mode_default
 * is the mode to set when mode is not preserved (or (mode_t)-1 to leave
 * it). 0, or -errno after a message.
 */
int meta_apply(const struct cp_opts *o, const struct stat *st, const struct meta_node *src,
	       const struct meta_node *dst, mode_t mode_default);

#endif

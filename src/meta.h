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
	bool opath;	/* fd is O_PATH (a directory we may not read): sys_fdpath */
	bool created;	/* made by this copy, not one that was there */
	/* Made just now where its owner, group and mode are known without
	 * looking, and with no ACL (a plain directory, tree.h): what already
	 * matches is not set again, as cp does not. NULL: not known. */
	const struct stat *made;
};

/*
 * Give dst the attributes of src that the options preserve. mode_default
 * is the mode to set when mode is not preserved (or (mode_t)-1 to leave
 * it). 0, or -errno after a message.
 */
int meta_apply(const struct cp_opts *o, const struct stat *st, const struct meta_node *src,
	       const struct meta_node *dst, mode_t mode_default);

/*
 * A new file or directory is made as cp makes it, so that the umask or the
 * default ACL of where it lands decide its mode as they do for cp: asked
 * of open or mkdir without the bits not safe to give yet (a directory's
 * group and other write; all of group and other when the owner is to
 * change), which are put back, less the umask, once it is made (made: its
 * mode then). (mode_t)-1: nothing to put back, or the options set the
 * mode anyway.
 */
mode_t meta_new_mode(const struct cp_opts *o, const struct stat *st);
mode_t meta_final_mode(const struct cp_opts *o, const struct stat *st, mode_t made);

#endif

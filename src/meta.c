/* meta.c: preserve what cp preserves, in cp's order: times, then owner
 * (chown clears set-user-ID bits), then xattrs, then the mode and its ACLs. */
#include "meta.h"
#include "acl.h"
#include "sys.h"
#include "util.h"

#include <stdlib.h>
#include <sys/auxv.h>
#include <string.h>

static bool meta_is_link(const struct meta_node *n)
{
	return n->fd < 0;
}

/* via: the path to dst when its descriptor is O_PATH, else NULL. */
static int meta_times(const struct stat *st, const struct meta_node *dst, const char *via)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	int r;

	if (meta_is_link(dst))
		return sys_utimensat(dst->dirfd, dst->name, ts, AT_SYMLINK_NOFOLLOW);
	if (via)
		return sys_utimensat(AT_FDCWD, via, ts, 0);
	r = futimens(dst->fd, ts);
	return (int)sys_ret(SC_utimensat, r);
}

/* May this process give files away? cp asks the same: only then is a
 * failed chown an error. (From the auxiliary vector: no system call.) */
static bool meta_privileged(void)
{
	return getauxval(AT_EUID) == 0;
}

/* 0, 1 when the owner could not be kept but that is no error (the
 * special mode bits must then go), or -errno after a message. */
static int meta_owner(const struct stat *st, const struct meta_node *dst)
{
	int err;

	if (dst->made && dst->made->st_uid == st->st_uid && dst->made->st_gid == st->st_gid)
		return 0;
	/* (fchownat takes an O_PATH descriptor with an empty name.) */
	if (meta_is_link(dst))
		err = sys_fchownat(dst->dirfd, dst->name, st->st_uid, st->st_gid,
				   AT_SYMLINK_NOFOLLOW);
	else if (dst->opath)
		err = sys_fchownat(dst->fd, "", st->st_uid, st->st_gid, AT_EMPTY_PATH);
	else
		err = sys_fchown(dst->fd, st->st_uid, st->st_gid);

	if (err == 0)
		return 0;
	/* As cp: keep at least the group if the user cannot be given away. */
	if (dst->opath)
		sys_fchownat(dst->fd, "", (uid_t)-1, st->st_gid, AT_EMPTY_PATH);
	else if (!meta_is_link(dst))
		sys_fchown(dst->fd, (uid_t)-1, st->st_gid);
	if ((err == -EPERM || err == -EINVAL) && !meta_privileged())
		return 1;
	util_error(err, "failed to preserve ownership for %s", util_quote(dst->path));
	return err;
}

/* *acl: whether the source has an access ACL, as its list says (left -1,
 * unknown, when there is no list). */
static int meta_xattr(const struct cp_opts *o, const struct meta_node *src,
		      const struct meta_node *dst, const char *via, int *acl)
{
	/* Both at the kernel's limits (XATTR_LIST_MAX, XATTR_SIZE_MAX), on the
	 * stack: a worker mallocs nothing (see engine.c). */
	char names[65536], value[65536];
	ssize_t n;
	int err = 0;

	/* Symlinks carry no user xattrs; cp leaves theirs alone too. */
	if (meta_is_link(src) || meta_is_link(dst))
		return 0;
	n = flistxattr(src->fd, names, sizeof(names));
	n = sys_ret(SC_flistxattr, n);
	if (n < 0) {
		if (n == -ENOTSUP || !o->preserve.xattr_must)
			return 0;
		util_error((int)n, "listing attributes of %s", util_quote(src->path));
		return (int)n;
	}
	*acl = 0;
	for (char *name = names; name < names + n; name += strlen(name) + 1) {
		/* ACLs are permissions: they go with the mode, as in cp. */
		if (strncmp(name, "system.posix_acl_", 17) == 0) {
			if (strcmp(name, "system.posix_acl_access") == 0)
				*acl = 1;
			continue;
		}
		ssize_t len = sys_ret(SC_fgetxattr, fgetxattr(src->fd, name, value, sizeof(value)));
		if (len < 0)
			continue;
		int r = via ? sys_setxattr(via, name, value, (size_t)len, 0)
			    : sys_fsetxattr(dst->fd, name, value, (size_t)len, 0);
		if (r && o->preserve.xattr_must) {
			util_error(r, "setting attribute %s for %s", util_quote(name),
				   util_quote(dst->path));
			err = r;
		}
	}
	return err;
}

static mode_t meta_omitted(const struct cp_opts *o, const struct stat *st)
{
	if (o->preserve.owner)
		return S_IRWXG | S_IRWXO;
	return S_ISDIR(st->st_mode) ? S_IWGRP | S_IWOTH : 0;
}

mode_t meta_new_mode(const struct cp_opts *o, const struct stat *st)
{
	return st->st_mode & 07777 & ~meta_omitted(o, st);
}

mode_t meta_final_mode(const struct cp_opts *o, const struct stat *st, mode_t made)
{
	mode_t back = st->st_mode & meta_omitted(o, st) & ~o->umask;

	if (o->preserve.mode || o->preserve.mode_off || !back)
		return (mode_t)-1;
	return (made & 07777) | back;
}

/* The ACLs that go with the mode: the source's with -p, none on a new
 * file with --no-preserve=mode (not even the directory's default one). */
static int meta_acl(const struct cp_opts *o, const struct stat *st,
		    const struct meta_node *src, const struct meta_node *dst, const char *via,
		    int src_acl)
{
	struct acl_dst to = { .fd = dst->fd, .via = via, .path = dst->path };

	if (meta_is_link(dst))
		return 0;	/* no descriptor: a special file (cp's are rarely ACL'd) */
	/* None to copy and none to remove: the mode says it all. */
	if (o->preserve.mode && dst->made && src_acl == 0)
		return 0;
	if (o->preserve.mode)
		return meta_is_link(src) ? 0
		       : acl_copy(src->fd, src->path, &to, S_ISDIR(st->st_mode), dst->made != NULL);
	if (o->preserve.mode_off && dst->created)
		return acl_set_mode(&to, (S_ISDIR(st->st_mode) ? 0777 : 0666) & ~o->umask);
	return 0;
}

int meta_apply(const struct cp_opts *o, const struct stat *st, const struct meta_node *src,
	       const struct meta_node *dst, mode_t mode_default)
{
	mode_t special = S_ISUID | S_ISGID | S_ISVTX;
	int err, ret = 0, src_acl = -1;
	char buf[SYS_FDPATH_MAX];
	const char *via = dst->opath ? sys_fdpath(dst->fd, buf) : NULL;

	if (o->preserve.times) {
		err = meta_times(st, dst, via);
		if (err) {
			util_error(err, "preserving times for %s", util_quote(dst->path));
			ret = err;
		}
	}
	if (o->preserve.owner) {
		err = meta_owner(st, dst);
		if (err > 0)
			special = 0;
		else if (err)
			ret = err;
	}
	if (o->preserve.xattr) {
		err = meta_xattr(o, src, dst, via, &src_acl);
		if (err)
			ret = err;
	}
	if (dst->symlink)
		return ret;
	if (o->preserve.mode)
		mode_default = st->st_mode & 07777;
	if (mode_default != (mode_t)-1)
		mode_default &= special | 0777;
	if (mode_default != (mode_t)-1 &&
	    !(dst->made && (dst->made->st_mode & 07777) == mode_default)) {
		if (meta_is_link(dst))
			err = sys_fchmodat(dst->dirfd, dst->name, mode_default);
		else
			err = via ? sys_fchmodat(AT_FDCWD, via, mode_default)
				  : sys_fchmod(dst->fd, mode_default);
		if (err) {
			util_error(err, "preserving permissions for %s", util_quote(dst->path));
			return err;
		}
	}
	err = meta_acl(o, st, src, dst, via, src_acl);
	return err ? err : ret;
}

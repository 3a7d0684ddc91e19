/* links.c: cp -l and cp -s. The link is made where the copy would be,
 * after cp's checks of the destination (same file, -n, -u, -i, -b). */
#include "links.h"
#include "dest.h"
#include "inflight.h"
#include "sys.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Is dst's directory the current one? A relative symlink made elsewhere
 * would point somewhere else, so cp refuses it. */
static bool links_in_cwd(const char *dst)
{
	const char *slash = strrchr(dst, '/');
	struct stat dot, parent;
	char *dir;
	bool in;

	if (!slash)
		return true;
	dir = slash == dst ? util_xstrdup("/") : strndup(dst, (size_t)(slash - dst));
	if (!dir)
		return false;
	/* As cp: if either cannot be stat'ed, the link is tried anyway. */
	in = strcmp(dir, ".") == 0 || sys_fstatat(AT_FDCWD, ".", &dot, 0) ||
	     sys_fstatat(AT_FDCWD, dir, &parent, 0) ||
	     (dot.st_dev == parent.st_dev && dot.st_ino == parent.st_ino);
	free(dir);
	return in;
}

/* cp's quotef: a name that needs no quoting is printed as it is. */
static const char *links_quotef(const char *name)
{
	/* (gnulib's quotef: a name a shell would read as it is stays bare.) */
	for (const char *p = name; *p; p++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			    "_./+,%@=-", *p))
			return util_quote(name);
	return *name ? name : util_quote(name);
}

/* A link to src (hard, or symbolic to its path) named dirfd/name. */
static int links_try(const struct cp_path *src, int dirfd, const char *name, bool symbolic,
		     bool follow)
{
	if (symbolic)
		return sys_symlinkat(src->path, dirfd, name);
	return sys_linkat(src->dirfd, src->name, dirfd, name, follow ? AT_SYMLINK_FOLLOW : 0);
}

bool links_check(const struct cp_ctx *ctx, const struct cp_path *src, const struct cp_path *dst,
		 int *err)
{
	(void)ctx;
	*err = src->path[0] != '/' && !links_in_cwd(dst->path) ? -EINVAL : 0;
	return *err != 0;
}

void links_refuse(const struct cp_path *dst)
{
	util_error(0, "%s: can make relative symbolic links only in current directory",
		   links_quotef(dst->path));
}

int links_replace(const struct cp_path *src, const struct cp_path *dst, bool symbolic, bool follow)
{
	for (int tries = 0; tries < 16; tries++) {
		char *tmp = dest_tmp_name(dst->name);
		int slot = inflight_creating(dst->dirfd, tmp);
		int err = links_try(src, dst->dirfd, tmp, symbolic, follow);

		/* Made (a name, no descriptor): a fatal signal removes it. */
		inflight_created(slot, err < 0 ? err : 0);
		if (err == 0) {
			err = sys_renameat(dst->dirfd, tmp, dst->dirfd, dst->name);
			/* Two names of one file: rename(2) leaves both. */
			if (err || !symbolic)
				(void)sys_unlinkat(dst->dirfd, tmp, 0);
			inflight_del(slot);
		}
		free(tmp);
		if (err != -EEXIST)
			return err;
	}
	return -EEXIST;
}

int links_make(struct cp_ctx *ctx, const struct cp_path *src, const struct cp_path *dst,
	       bool follow)
{
	const struct cp_opts *o = ctx->o;
	bool symbolic = o->link == LINK_SYMBOLIC;
	int err;

	err = links_try(src, dst->dirfd, dst->name, symbolic, follow);
	/* -f, or -i answered yes for a hard link (cp's rule; not for a
	 * symbolic one): what is in the way is replaced; cp says nothing of it. */
	if (err == -EEXIST && (o->force || (!symbolic && o->interactive == ASK_ALWAYS)))
		err = links_replace(src, dst, symbolic, follow);
	if (err)
		util_error(err, "cannot create %s link %s to %s", o->link == LINK_SYMBOLIC ? "symbolic" : "hard",
			   util_quote(dst->path), util_quote(src->path));
	return err;
}

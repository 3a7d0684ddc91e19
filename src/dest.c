/* dest.c: open, put in place, or undo a destination data file. */
#include "dest.h"
#include "inflight.h"
#include "sys.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/auxv.h>

/* "dir/name" -> "dir" (malloc'd) and "name"; "name" -> NULL and "name". */
static char *dest_split(const char *name, const char **base)
{
	const char *slash = strrchr(name, '/');

	if (!slash) {
		*base = name;
		return NULL;
	}
	*base = slash + 1;
	return slash == name ? util_xstrdup("/") : strndup(name, (size_t)(slash - name));
}

/* A hidden name beside the destination: ".NAME.zcpXXXXXXXX" in its
 * directory. The letters come from the kernel's AT_RANDOM bytes and a
 * counter: no system call, and never the same twice in one run. */
char *dest_tmp_name(const char *name)
{
	static atomic_uint counter;	/* the workers share it */
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	const char *base;
	char *dir = dest_split(name, &base), *out;
	unsigned long long x = (unsigned long long)atomic_fetch_add(&counter, 1) * 2654435761u;
	size_t len;

	for (int i = 0; rnd && i < 8; i++)
		x ^= (unsigned long long)rnd[i] << (8 * i);
	/* A name near NAME_MAX has no room for the decoration: ".zcpXXXXXXXX". */
	if (strlen(base) + 14 > NAME_MAX)
		base = "";
	len = (dir ? strlen(dir) + 1 : 0) + strlen(base) + 32;
	out = util_xmalloc(len);
	snprintf(out, len, "%s%s.%s%szcp%08llx", dir ? dir : "",
		 dir ? (strcmp(dir, "/") == 0 ? "" : "/") : "", base, *base ? "." : "",
		 x & 0xffffffffull);
	free(dir);
	return out;
}

static int dest_open_atomic(struct dest *d, const struct dest_how *how)
{
	const char *base;
	char *dir = dest_split(d->name, &base);
	int fd;

	d->replace = how->exists;
	fd = sys_openat(d->dirfd, dir ? dir : ".", O_TMPFILE | O_WRONLY, how->mode);
	free(dir);
	if (fd >= 0) {
		d->fd = fd;
		d->kind = DEST_TMPFILE;	/* dies with the process: nothing to undo */
		/* but the handlers are set, SIGXFSZ ignored (ulimit -f: an
		 * error, as for every other file, not the end of zcp). */
		inflight_init();
		return 0;
	}
	/* The file system has no O_TMPFILE: a hidden name, renamed when done. */
	if (fd != -EOPNOTSUPP && fd != -EISDIR && fd != -EINVAL)
		return fd;
	for (int tries = 0; tries < 16; tries++) {
		d->tmp = dest_tmp_name(d->name);
		d->slot = inflight_creating(d->dirfd, d->tmp);
		fd = sys_openat(d->dirfd, d->tmp, O_WRONLY | O_CREAT | O_EXCL, how->mode);
		inflight_created(d->slot, fd);
		if (fd >= 0)
			break;
		d->slot = -1;
		free(d->tmp);
		d->tmp = NULL;
		if (fd != -EEXIST)
			return fd;
	}
	if (fd < 0)
		return fd;
	d->fd = fd;
	d->kind = DEST_TMPNAME;
	return 0;
}

int dest_open(struct dest *d, int dirfd, const char *name, const char *path,
	      const struct dest_how *how)
{
	int fd, err;

	*d = (struct dest){ .dirfd = dirfd, .name = name, .path = path, .fd = -1, .slot = -1,
			    .tmp_slot = -1,
			    .verbose = how->verbose };
	if (!how->exists && util_ends_in_slash(name))
		return -ENOTDIR;	/* "name/" must be a directory, as cp says */
	if (how->atomic)
		return dest_open_atomic(d, how);
	if (how->exists) {
		/* Not through a symlink that took the file's place since lstat. */
		fd = sys_openat(dirfd, name, O_WRONLY | (how->link ? 0 : O_NOFOLLOW), 0);
		/* A dangling symlink: cp makes its target only if POSIXLY_CORRECT. */
		if (fd == -ENOENT && how->link && how->dangling)
			fd = sys_openat(dirfd, name, O_WRONLY | O_CREAT, how->mode);
		if (fd >= 0) {
			d->fd = fd;
			d->kind = DEST_EXISTING;
			return 0;
		}
		if (fd == -ENOENT && how->link)
			return fd;	/* not through a dangling symlink, -f or not */
		/* -f: a destination that cannot be opened is removed first;
		 * if that fails too, cp tells the removal. */
		if (!how->force)
			return fd;
		err = sys_unlinkat(dirfd, name, 0);
		if (err) {
			d->remove_failed = true;
			return err;
		}
		if (how->verbose)
			util_out(UTIL_OUT, "removed %s\n", util_quote(path));
	}
	d->slot = inflight_creating(dirfd, name);
	fd = sys_openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL, how->mode);
	inflight_created(d->slot, fd);
	if (fd < 0) {
		d->slot = -1;
		return fd;
	}
	d->fd = fd;
	d->kind = DEST_NEW;
	return 0;
}

int dest_begin(struct dest *d, bool regular)
{
	int err;

	if (d->kind != DEST_EXISTING || !regular)
		return 0;
	err = sys_ftruncate(d->fd, 0);
	if (err)
		return err;
	d->truncated = true;
	d->slot = inflight_add(d->dirfd, d->name, d->fd, INFLIGHT_EMPTY);
	return 0;
}

/* Give the O_TMPFILE a name: through /proc (any user may), else by
 * AT_EMPTY_PATH (which older kernels allow only with CAP_DAC_READ_SEARCH). */
static int dest_link_fd(struct dest *d, const char *name)
{
	char proc[SYS_FDPATH_MAX];
	int err;

	err = sys_linkat(AT_FDCWD, sys_fdpath(d->fd, proc), d->dirfd, name, AT_SYMLINK_FOLLOW);
	if (err == -ENOENT)
		err = sys_linkat(d->fd, "", d->dirfd, name, AT_EMPTY_PATH);
	return err;
}

/* The hidden name of a file that could not be put in place goes; where
 * it cannot (a directory that takes new names but lets none go, as
 * chattr +a), it is named, so that it is not left unsaid. */
static void dest_drop_tmp(struct dest *d)
{
	int err = sys_unlinkat(d->dirfd, d->tmp, 0);
	char *path;

	if (!err || err == -ENOENT)
		return;
	path = util_path_beside(d->path, d->name, d->tmp);
	util_error(err, "cannot remove temporary file %s", util_quote(path));
	free(path);
}

/* Put a complete --atomic file under its name: a new name is only ever
 * linked (a file that appeared meanwhile stays), an existing one is
 * replaced by rename(2), in one step. */
static int dest_place(struct dest *d)
{
	int err;

	if (d->kind == DEST_TMPFILE) {
		if (!d->replace)
			return dest_link_fd(d, d->name);
		for (int tries = 0; tries < 16; tries++) {
			d->tmp = dest_tmp_name(d->name);
			/* A signal before the rename removes the name. */
			d->tmp_slot = inflight_creating(d->dirfd, d->tmp);
			err = dest_link_fd(d, d->tmp);
			inflight_created(d->tmp_slot, err < 0 ? err : 0);	/* made: no fd to keep */
			if (err)
				d->tmp_slot = -1;
			if (err != -EEXIST)
				break;
			free(d->tmp);
			d->tmp = NULL;
		}
		if (err) {
			free(d->tmp);
			d->tmp = NULL;
			return err;
		}
	}
	if (d->replace)
		err = sys_renameat(d->dirfd, d->tmp, d->dirfd, d->name);
	else
		err = util_rename_noreplace(d->dirfd, d->tmp, d->name);
	return err;	/* (a hidden name left is dest_commit's to drop) */
}

/* The directory entry itself reaches the disk only with its directory. */
static int dest_sync_dir(const struct dest *d)
{
	const char *base;
	char *dir = dest_split(d->name, &base);
	int fd = sys_openat(d->dirfd, dir ? dir : ".", O_RDONLY | O_DIRECTORY, 0), err;

	free(dir);
	if (fd < 0)
		return fd;
	err = sys_fsync(fd);
	sys_close(fd);
	return err;
}

static void dest_release(struct dest *d)
{
	inflight_del(d->slot);
	d->slot = -1;
	inflight_del(d->tmp_slot);
	d->tmp_slot = -1;
	if (d->fd >= 0)
		sys_close(d->fd);
	d->fd = -1;
	free(d->tmp);
	d->tmp = NULL;
}

int dest_commit(struct dest *d, bool fsync)
{
	bool atomic = d->kind == DEST_TMPFILE || d->kind == DEST_TMPNAME;
	int err = fsync && !d->synced ? sys_fsync(d->fd) : 0;

	if (err) {
		util_error(err, "error writing %s", util_quote(d->path));
		dest_abort(d);
		return err;
	}
	if (atomic) {
		err = dest_place(d);
		if (err) {
			util_error(err, "cannot create regular file %s", util_quote(d->path));
			if (d->tmp) {
				dest_drop_tmp(d);
				free(d->tmp);
				d->tmp = NULL;
			}
			dest_abort(d);
			return err;
		}
		if (fsync && (err = dest_sync_dir(d)) != 0)
			util_error(err, "cannot sync the directory of %s", util_quote(d->path));
	}
	inflight_del(d->slot);
	d->slot = -1;
	inflight_del(d->tmp_slot);
	d->tmp_slot = -1;
	err = sys_close(d->fd);
	d->fd = -1;
	free(d->tmp);
	d->tmp = NULL;
	if (err) {
		util_error(err, "failed to close %s", util_quote(d->path));
		if (d->kind == DEST_NEW)
			sys_unlinkat(d->dirfd, d->name, 0);
	}
	return err;
}

void dest_abort(struct dest *d)
{
	switch (d->kind) {
	case DEST_NEW:
		sys_unlinkat(d->dirfd, d->name, 0);
		break;
	case DEST_EXISTING:
		if (!d->truncated)
			break;
		/* What was written is not the copy, and the old data is gone. */
		sys_ftruncate(d->fd, 0);
		util_error(0, "%s was truncated before the error and is left empty",
			   util_quote(d->path));
		break;
	case DEST_TMPNAME:
		if (d->tmp)
			sys_unlinkat(d->dirfd, d->tmp, 0);
		break;
	case DEST_TMPFILE:
		break;	/* never had a name: closing frees it */
	}
	dest_release(d);
}

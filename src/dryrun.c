/* dryrun.c: --dry-run. The destination is only looked at: an existing one
 * through an O_PATH descriptor, a missing one through the directory it
 * would be made in, whose file system it would be made on. */
#include "dryrun.h"
#include "also.h"
#include "report.h"
#include "create.h"
#include "explain.h"
#include "sys.h"
#include "tree.h"
#include "util.h"
#include "walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Is dir one that this dry run would make itself: the operand's copy or a
 * directory below it (with --parents, any directory above it too)? */
static bool dryrun_would_make(const struct cp_ctx *ctx, const char *dir)
{
	size_t n = strlen(ctx->top_dst);

	while (n > 1 && ctx->top_dst[n - 1] == '/')
		n--;
	return ctx->o->parents ||
	       (strncmp(dir, ctx->top_dst, n) == 0 && (dir[n] == 0 || dir[n] == '/'));
}

/*
 * An O_PATH descriptor on the directory path would be created in, which a
 * real copy needs to exist, be a directory and take a new entry: -errno
 * (ENOENT, ENOTDIR, EACCES, EROFS) when it would fail. A directory this dry
 * run would make itself does not exist yet: the nearest one above it that
 * exists stands in, for its file system.
 */
static int dryrun_parent(const struct cp_ctx *ctx, const char *path)
{
	char *p = util_xstrdup(path);
	bool direct = true;
	int fd, err;

	for (;;) {
		char *slash = strrchr(p, '/');

		while (slash && slash > p && slash[1] == 0) {	/* "dir/" */
			*slash = 0;
			slash = strrchr(p, '/');
		}
		if (!slash) {
			fd = sys_openat(AT_FDCWD, ".", O_PATH | O_DIRECTORY, 0);
			break;
		}
		*slash = 0;
		fd = sys_openat(AT_FDCWD, slash == p ? "/" : p, O_PATH | O_DIRECTORY, 0);
		if (fd != -ENOENT || slash == p || !dryrun_would_make(ctx, p))
			break;
		direct = false;
	}
	free(p);
	if (fd >= 0 && direct) {
		err = sys_faccessat2(fd, "", W_OK | X_OK, AT_EMPTY_PATH | AT_EACCESS);
		if (err) {
			sys_close(fd);
			fd = err;
		}
	}
	return fd;
}

static int dryrun_data(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		       const struct cp_path *dst, const struct stat *dlst)
{
	const struct cp_opts *o = ctx->o;
	struct stat dst_st;
	struct copy_job job;
	struct plan plan;
	int src_fd, dst_fd, err;

	/* O_NONBLOCK: opening a fifo to look at it must not wait for a writer. */
	src_fd = src->name ? sys_openat(src->dirfd, src->name, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0)
			   : STDIN_FILENO;
	if (src_fd < 0) {
		util_error(src_fd, "cannot open %s for reading", util_quote(src->path));
		return src_fd;
	}
	if (!dst->name)
		dst_fd = STDOUT_FILENO;
	else if (dlst)
		dst_fd = sys_openat(dst->dirfd, dst->name, O_PATH, 0);
	else if (dst->dirfd != AT_FDCWD)
		dst_fd = dst->dirfd;	/* where it would be made, or the nearest above */
	else
		dst_fd = dryrun_parent(ctx, dst->path);
	if (dst_fd < 0) {
		util_error(dst_fd, "cannot create regular file %s", util_quote(dst->path));
		err = dst_fd;
		goto out_close_src;
	}
	err = sys_fstat(dst_fd, &dst_st);
	if (err)
		goto out_close_dst;
	if (dst->name && !dlst) {
		/* What open(O_CREAT) would make there: an empty regular file. */
		dst_st.st_mode = S_IFREG | (sst->st_mode & 0777 & ~o->umask);
		dst_st.st_size = 0;
		dst_st.st_blocks = 0;
	}
	err = exec_job_init(&job,
			    &(struct exec_end){ .fd = src_fd, .path = src->path, .st = sst,
						.inherited = !src->name },
			    &(struct exec_end){ .fd = dst_fd, .path = dst->path, .st = &dst_st,
						.inherited = !dst->name, .is_new = !dlst },
			    o->sparse, o->reflink == REFLINK_ALWAYS, o->reflink == REFLINK_NEVER);
	if (err)
		goto out_close_dst;
	/* The plan alone: what a copy would try, nothing run. */
	plan_make(&plan, &job, &o->order);
	also_dry_plan(&job, &plan);
	explain_file(o, &job, &plan, -1);
	/* As the real copy would: no method for the pair is its failure. */
	if (plan_next(&plan, -1) < 0) {
		create_data_error(ctx, &job, &plan, -1, -ENOTSUP);
		err = -ENOTSUP;
		goto out_told;
	}
	err = create_atomic_ok(o, dst, dlst);
	if (err)
		goto out_told;
out_close_dst:
	if (err)
		util_error(err, "cannot plan the copy of %s", util_quote(src->path));
out_told:
	if (dst->name && dst_fd != dst->dirfd)
		sys_close(dst_fd);
out_close_src:
	if (src->name)
		sys_close(src_fd);
	return err;
}

static void dryrun_say(const struct cp_opts *o, const struct cp_path *src,
		       const struct cp_path *dst, const char *what)
{
	if (!o->explain_json) {
		printf("%s -> %s\n  dry run: would make %s\n", util_quote(src->path),
		       util_quote(dst->path), what);
		return;
	}
	fputs("{\"source\":", stdout);
	report_json_name(stdout, src->path);
	fputs(",\"dest\":", stdout);
	report_json_name(stdout, dst->path);
	printf(",\"dry_run\":\"would make %s\"}\n", what);
}

/* The destination's entries are named relative to an O_PATH descriptor:
 * on the directory when it exists, else on the nearest one above it,
 * whose file system it would be made on. */
static int dryrun_dst_open(const struct cp_ctx *ctx, const struct cp_path *dst,
			   const struct tree_dir *d)
{
	if (d->exists)
		return sys_openat(dst->dirfd, dst->name, O_PATH | O_DIRECTORY, 0);
	if (dst->dirfd == AT_FDCWD)	/* an operand: a path */
		return dryrun_parent(ctx, dst->path);
	return sys_openat(dst->dirfd, ".", O_PATH | O_DIRECTORY, 0);
}

/* Is the directory fd names (or one above it) the directory dir? */
static bool dryrun_inside(int fd, const struct stat *dir)
{
	struct stat st, prev = { 0 };
	int cur = sys_openat(fd, ".", O_PATH | O_DIRECTORY, 0), up;
	bool found = false;

	while (cur >= 0 && sys_fstat(cur, &st) == 0) {
		if (st.st_dev == dir->st_dev && st.st_ino == dir->st_ino) {
			found = true;
			break;
		}
		if (st.st_dev == prev.st_dev && st.st_ino == prev.st_ino)
			break;	/* the root: ".." is itself */
		prev = st;
		up = sys_openat(cur, "..", O_PATH | O_DIRECTORY, 0);
		sys_close(cur);
		cur = up;
	}
	if (cur >= 0)
		sys_close(cur);
	return found;
}

int dryrun_dir_open(struct cp_ctx *ctx, const struct cp_path *src, const struct cp_path *dst,
		    struct tree_dir *d)
{
	struct stat st;
	int err;

	d->fix = (mode_t)-1;
	d->dst_absent = !d->exists;
	d->src_fd = walk_open(src->dirfd, src->name, O_RDONLY | (d->follow ? 0 : O_NOFOLLOW),
			      d->sst.st_dev, d->sst.st_ino, &st);
	if (d->src_fd < 0) {
		util_error(d->src_fd, "cannot access %s", util_quote(src->path));
		return d->src_fd;
	}
	d->dst_fd = dryrun_dst_open(ctx, dst, d);
	err = d->dst_fd < 0 ? d->dst_fd : sys_fstat(d->dst_fd, &d->dst_st);
	if (err) {
		/* What the real copy would say when it made the directory. */
		util_error(err, d->exists ? "cannot access %s" : "cannot create directory %s",
			   util_quote(dst->path));
		if (d->dst_fd >= 0)
			sys_close(d->dst_fd);
		sys_close(d->src_fd);
		return err;
	}
	/* The real copy finds itself inside its source when the walk reaches
	 * a directory it made; nothing is made here: look up from the place. */
	if (strcmp(src->path, ctx->top_src) == 0 && strcmp(dst->path, ctx->top_dst) == 0 &&
	    dryrun_inside(d->dst_fd, &d->sst)) {
		util_error(0, "cannot copy a directory, %s, into itself, %s",
			   util_quote(ctx->top_src), util_quote(ctx->top_dst));
		ctx->into_self = true;
		sys_close(d->dst_fd);
		sys_close(d->src_fd);
		return -ELOOP;
	}
	if (!d->exists)
		dryrun_say(ctx->o, src, dst, "a directory");
	return 0;
}

int dryrun_dir_finish(struct tree_dir *d)
{
	if (d->src_fd >= 0)
		sys_close(d->src_fd);
	if (d->dst_fd >= 0)
		sys_close(d->dst_fd);
	return 0;
}

int dryrun_node(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		bool follow, const struct cp_path *dst, const struct stat *dlst)
{
	switch (sst->st_mode & S_IFMT) {
	case S_IFDIR:
		return tree_descend(ctx, sst, follow, dlst != NULL);
	case S_IFLNK:
		dryrun_say(ctx->o, src, dst, "a symbolic link");
		return 0;
	case S_IFIFO:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFSOCK:
		if (ctx->o->recursive) {
			dryrun_say(ctx->o, src, dst, S_ISFIFO(sst->st_mode) ? "a fifo" : "a special file");
			return 0;
		}
		break;
	}
	return dryrun_data(ctx, src, sst, dst, dlst);
}

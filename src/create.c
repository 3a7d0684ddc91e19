/* create.c: make each kind of destination, and hand data to the executor. */
#include "create.h"
#include "explain.h"
#include "meta.h"
#include "report.h"
#include "sys.h"
#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *create_method_list(const struct plan *p, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < p->n && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? "," : "",
					 p->steps[i].m->name);
	return buf;
}

/* Report a failed data copy in cp's words: which side failed, if known. */
static void create_data_error(const struct cp_ctx *ctx, const struct copy_job *job,
			      const struct plan *plan, int used, int err)
{
	char names[256];

	if (used < 0) {
		const struct plan_step *first = &plan->steps[0];
		if (ctx->o->reflink == REFLINK_ALWAYS || err == -ENOTSUP) {
			if (ctx->o->reflink == REFLINK_ALWAYS) {
				util_error(err, "failed to clone %s from %s", util_quote(job->dst.path),
					   util_quote(job->src.path));
				return;
			}
		}
		if (first->state == STEP_SKIPPED && plan->n == 1)
			util_error(0, "cannot copy %s to %s with method %s: %s",
				   util_quote(job->src.path), util_quote(job->dst.path),
				   first->m->name, first->reason);
		else
			util_error(err, "cannot copy %s to %s: no method left to try (%s)",
				   util_quote(job->src.path), util_quote(job->dst.path),
				   create_method_list(plan, names, sizeof(names)));
		return;
	}
	if (job->err_side == JOB_ERR_READ)
		util_error(err, "error reading %s", util_quote(job->src.path));
	else if (job->err_side == JOB_ERR_WRITE)
		util_error(err, "error writing %s", util_quote(job->dst.path));
	else
		util_error(err, "error copying %s to %s", util_quote(job->src.path),
			   util_quote(job->dst.path));
}

static int create_open_dst(const struct cp_ctx *ctx, const struct cp_path *dst,
			   const struct stat *sst, bool exists)
{
	const char *slash = strrchr(dst->name, '/');
	int fd;

	if (exists) {
		fd = sys_openat(dst->dirfd, dst->name, O_WRONLY | O_TRUNC, 0);
		if (fd >= 0 || !ctx->o->force)
			return fd;
		/* -f: a destination that cannot be opened is removed first. */
		if (sys_unlinkat(dst->dirfd, dst->name, 0) < 0)
			return fd;
		if (ctx->o->verbose)
			printf("removed %s\n", util_quote(dst->path));
	}
	if (slash && slash[1] == 0)
		return -ENOTDIR;	/* "name/" must be a directory, as cp says */
	return sys_openat(dst->dirfd, dst->name, O_WRONLY | O_CREAT | O_EXCL,
			  ctx->o->preserve.mode_off ? 0666 : meta_new_mode(ctx->o, sst) & 0777);
}

static int create_data_run(struct cp_ctx *ctx, const struct cp_path *src,
			   const struct stat *sst, const struct cp_path *dst,
			   const struct stat *dlst)
{
	const struct cp_opts *o = ctx->o;
	struct exec_opts eo = { .order = &o->order, .explain = o->explain, .dry_run = o->dry_run };
	struct copy_job job;
	struct plan plan;
	int src_fd, dst_fd, used, err, cerr;

	src_fd = src->name ? sys_openat(src->dirfd, src->name, O_RDONLY, 0) : STDIN_FILENO;
	if (src_fd < 0) {
		util_error(src_fd, "cannot open %s for reading", util_quote(src->path));
		return src_fd;
	}
	dst_fd = dst->name ? create_open_dst(ctx, dst, sst, dlst != NULL) : STDOUT_FILENO;
	if (dst_fd < 0) {
		util_error(dst_fd, "cannot create regular file %s", util_quote(dst->path));
		err = dst_fd;
		goto out_close_src;
	}

	err = exec_job_init(&job,
			    &(struct exec_end){ .fd = src_fd, .path = src->path, .st = sst,
						.inherited = !src->name },
			    &(struct exec_end){ .fd = dst_fd, .path = dst->path,
						.inherited = !dst->name,
						.is_new = dst->name && !dlst },
			    o->sparse, o->reflink == REFLINK_ALWAYS, o->reflink == REFLINK_NEVER);
	if (err) {
		util_error(err, "cannot stat %s", util_quote(job.err_side == JOB_ERR_READ
							   ? src->path : dst->path));
		goto out_close_dst;
	}

	err = exec_copy(&job, &plan, &eo, &used);
	explain_file(o, &job, &plan, used);
	if (err) {
		create_data_error(ctx, &job, &plan, used, err);
		goto out_close_dst;
	}
	if (!src->name && job.src.off >= 0)
		sys_lseek(src_fd, job.src.off, SEEK_SET);
	if (!dst->name) {
		if (job.dst.off >= 0)
			sys_lseek(dst_fd, job.dst.off, SEEK_SET);
		return 0;
	}
	cp_remember(ctx, &job.dst.st, sst);
	{
		struct meta_node ms = { .fd = src_fd, .path = src->path };
		struct meta_node md = { .fd = dst_fd, .path = dst->path, .created = !dlst };
		err = meta_apply(o, sst, &ms, &md,
				 dlst ? (mode_t)-1 : meta_final_mode(o, sst, job.dst.st.st_mode));
	}

out_close_dst:
	if (dst->name) {
		cerr = sys_close(dst_fd);
		if (cerr && !err) {
			util_error(cerr, "failed to close %s", util_quote(dst->path));
			err = cerr;
		}
	}
out_close_src:
	if (src->name)
		sys_close(src_fd);
	return err;
}

/* Each data file is a unit of --stats: its own calls, opens to closes. */
int create_data(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		const struct cp_path *dst, const struct stat *dlst)
{
	int err;

	stats_file_begin();
	err = create_data_run(ctx, src, sst, dst, dlst);
	stats_file_end();
	report_file(src->path, dst->path);
	return err;
}

int create_dir(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
	       bool follow, const struct cp_path *dst, bool exists)
{
	const struct cp_opts *o = ctx->o;
	mode_t mode = meta_new_mode(o, sst), fix = (mode_t)-1;
	struct stat dst_st;
	int src_fd, dst_fd, err, ret;

	/* The copy is made first, as cp makes it, even when the source then
	 * cannot be read: it gets the source's attributes all the same. */
	if (!exists) {
		err = sys_mkdirat(dst->dirfd, dst->name, mode);
		if (err) {
			util_error(err, "cannot create directory %s", util_quote(dst->path));
			return err;
		}
		/* Writable and searchable by us while it fills, before we open it;
		 * the real mode comes after. */
		if ((mode & S_IRWXU) != S_IRWXU &&
		    sys_fstatat(dst->dirfd, dst->name, &dst_st, AT_SYMLINK_NOFOLLOW) == 0) {
			fix = meta_final_mode(o, sst, dst_st.st_mode);
			if (fix == (mode_t)-1)
				fix = dst_st.st_mode & 07777;
			sys_fchmodat(dst->dirfd, dst->name, (dst_st.st_mode & 07777) | S_IRWXU);
		}
	}
	dst_fd = sys_openat(dst->dirfd, dst->name, O_RDONLY | O_DIRECTORY, 0);
	if (dst_fd < 0) {
		util_error(dst_fd, "cannot access %s", util_quote(dst->path));
		return dst_fd;
	}
	err = sys_fstat(dst_fd, &dst_st);
	if (err) {
		util_error(err, "cannot fstat %s", util_quote(dst->path));
		goto out_close_dst;
	}
	if (!exists) {
		cp_remember(ctx, &dst_st, sst);
		if ((mode & S_IRWXU) == S_IRWXU)
			fix = meta_final_mode(o, sst, dst_st.st_mode);
		/* A default ACL may have given us less than we asked for. */
		if ((dst_st.st_mode & S_IRWXU) != S_IRWXU) {
			if (fix == (mode_t)-1)
				fix = dst_st.st_mode & 07777;
			sys_fchmod(dst_fd, (dst_st.st_mode & 07777) | S_IRWXU);
		}
	}
	src_fd = sys_openat(src->dirfd, src->name,
			    O_RDONLY | O_DIRECTORY | (follow ? 0 : O_NOFOLLOW), 0);
	if (src_fd < 0) {
		util_error(src_fd, "cannot access %s", util_quote(src->path));
		ret = src_fd;
	} else {
		struct cp_ancestor self = { .dev = sst->st_dev, .ino = sst->st_ino,
					    .up = ctx->ancestors };
		ctx->ancestors = &self;
		ret = cp_copy_entries(ctx, src_fd, src->path, dst_fd, dst->path);
		ctx->ancestors = self.up;
	}
	{
		struct meta_node ms = { .fd = src_fd < 0 ? -1 : src_fd, .path = src->path };
		struct meta_node md = { .fd = dst_fd, .path = dst->path, .created = !exists };
		err = meta_apply(o, sst, &ms, &md, fix);
	}
	if (!err)
		err = ret;
	if (src_fd >= 0)
		sys_close(src_fd);
out_close_dst:
	sys_close(dst_fd);
	return err;
}

int create_symlink(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		   const struct cp_path *dst)
{
	size_t size = sst->st_size > 0 ? (size_t)sst->st_size + 1 : PATH_MAX;
	char *target = util_xmalloc(size);
	ssize_t n;
	int err;

	n = sys_readlinkat(src->dirfd, src->name, target, size);
	if (n < 0 || (size_t)n >= size) {
		err = n < 0 ? (int)n : -ENAMETOOLONG;
		util_error(err, "cannot read symbolic link %s", util_quote(src->path));
		goto out_free;
	}
	target[n] = 0;
	err = sys_symlinkat(target, dst->dirfd, dst->name);
	if (err) {
		util_error(err, "cannot create symbolic link %s", util_quote(dst->path));
		goto out_free;
	}
	{
		struct meta_node ms = { .fd = -1, .path = src->path, .symlink = true };
		struct meta_node md = { .fd = -1, .dirfd = dst->dirfd, .name = dst->name,
					.path = dst->path, .symlink = true };
		err = meta_apply(ctx->o, sst, &ms, &md, (mode_t)-1);
	}
out_free:
	free(target);
	return err;
}

int create_special(struct cp_ctx *ctx, const struct stat *sst, const struct cp_path *dst)
{
	mode_t mode = ctx->o->preserve.mode_off ? 0666 : sst->st_mode & 07777;
	int err = sys_mknodat(dst->dirfd, dst->name, (sst->st_mode & S_IFMT) | mode, sst->st_rdev);

	if (err) {
		util_error(err, S_ISFIFO(sst->st_mode) ? "cannot create fifo %s"
						       : "cannot create special file %s",
			   util_quote(dst->path));
		return err;
	}
	struct meta_node ms = { .fd = -1, .path = dst->path };
	struct meta_node md = { .fd = -1, .dirfd = dst->dirfd, .name = dst->name, .path = dst->path };
	return meta_apply(ctx->o, sst, &ms, &md, (mode_t)-1);
}

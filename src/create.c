/* create.c: make each kind of destination, and hand data to the executor. */
#include "create.h"
#include "also.h"
#include "dest.h"
#include "explain.h"
#include "meta.h"
#include "sys.h"
#include "util.h"
#include "verify.h"
#include "walk.h"

#include <limits.h>
#include <sys/auxv.h>
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
void create_data_error(const struct cp_ctx *ctx, const struct copy_job *job,
		       const struct plan *plan, int used, int err)
{
	char names[256];

	if (used < 0) {
		const struct plan_step *first = &plan->steps[0];
		if (ctx->o->reflink == REFLINK_ALWAYS) {
			/* The clone was not asked across file systems: the kernel's
			 * answer there, and cp's, is EXDEV. */
			if (job->src.st.st_dev != job->dst.st.st_dev)
				err = -EXDEV;
			util_error(err, "failed to clone %s from %s", util_quote(job->dst.path),
				   util_quote(job->src.path));
			return;
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

/* Open the source that lstat (or stat, following) described, and make
 * sure it is that file: one swapped for a symlink since is not followed,
 * one swapped for another file is refused (-ESTALE), as cp refuses it. A
 * device is opened without waiting (a serial line for its carrier), then
 * made blocking. *sst is refreshed from the open file. The fd or -errno;
 * the caller says what failed (create_src_error). */
int create_open_src(const struct cp_path *src, struct stat *sst, bool follow)
{
	bool dev = S_ISCHR(sst->st_mode) || S_ISBLK(sst->st_mode);
	struct stat now;
	int fd, err;

	if (!src->name)
		return STDIN_FILENO;
	if ((fd = also_source(sst)) >= 0)
		return fd;
	fd = sys_openat(src->dirfd, src->name,
			O_RDONLY | O_NOCTTY | (follow ? 0 : O_NOFOLLOW) | (dev ? O_NONBLOCK : 0), 0);
	if (fd < 0)
		return fd;
	err = sys_fstat(fd, &now);
	if (err)
		goto out_close;
	if (now.st_dev != sst->st_dev || now.st_ino != sst->st_ino ||
	    (now.st_mode & S_IFMT) != (sst->st_mode & S_IFMT)) {
		err = -ESTALE;
		goto out_close;
	}
	if (dev && (err = sys_fcntl(fd, F_SETFL, O_RDONLY)) != 0)
		goto out_close;
	*sst = now;
	also_source_opened(fd, sst);
	return fd;
out_close:
	sys_close(fd);
	return err;
}

void create_src_error(const struct cp_path *src, int err)
{
	if (err == -ESTALE)
		util_error(0, "skipping file %s, as it was replaced while being copied",
			   util_quote(src->path));
	else
		util_error(err, "cannot open %s for reading", util_quote(src->path));
}

/* --atomic replaces a regular file by rename: not a device or a fifo,
 * which are written into, nor a symlink, unless it is to go anyway. */
int create_atomic_ok(const struct cp_opts *o, const struct cp_path *dst,
		     const struct stat *dlst)
{
	if (!o->atomic || !dlst || S_ISREG(dlst->st_mode) ||
	    (S_ISLNK(dlst->st_mode) && o->remove_dest))
		return 0;
	util_error(0, "cannot replace %s atomically: %s", util_quote(dst->path),
		   S_ISLNK(dlst->st_mode) ? "it is a symbolic link (see --remove-destination)"
					  : "not a regular file");
	return -EINVAL;
}

/* An --atomic copy is a new inode: it takes the mode and owner of the
 * file it replaces, as the in-place copy would have kept them. */
static void create_atomic_inherit(const struct cp_opts *o, int fd, const struct stat *dlst,
				  const struct stat *now)
{
	if (!o->preserve.owner && (now->st_uid != dlst->st_uid || now->st_gid != dlst->st_gid))
		sys_fchown(fd, dlst->st_uid, dlst->st_gid);	/* best effort, as cp -p */
	if (!o->preserve.mode && !o->preserve.mode_off &&
	    (now->st_mode & 07777) != (dlst->st_mode & 07777))
		sys_fchmod(fd, dlst->st_mode & 07777);
}

/*
 * Before -b or --remove-destination takes an existing destination away:
 * can any method copy into the regular file that will take its place, on
 * its directory's file system? Decided as the copy will decide it, from a
 * look at the directory (O_PATH). 0, or -errno after cp's message.
 */
int create_data_check(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		      int src_fd, const struct cp_path *dst)
{
	const struct cp_opts *o = ctx->o;
	const char *slash = strrchr(dst->name, '/');
	char *dir = slash ? strndup(dst->name, (size_t)(slash - dst->name) + 1) : NULL;
	struct copy_job job;
	struct plan plan;
	struct stat st;
	int dfd, err;

	dfd = sys_openat(dst->dirfd, dir ? dir : ".", O_PATH | O_DIRECTORY, 0);
	free(dir);
	if (dfd < 0)
		return 0;	/* the copy itself will say what is wrong */
	err = sys_fstat(dfd, &st);
	if (err)
		goto out_close;
	/* What open(O_CREAT) would make there: an empty regular file. */
	st.st_mode = S_IFREG | 0600;
	st.st_size = st.st_blocks = 0;
	err = exec_job_init(&job,
			    &(struct exec_end){ .fd = src_fd, .path = src->path, .st = sst,
						.inherited = !src->name },
			    &(struct exec_end){ .fd = dfd, .path = dst->path, .st = &st, .is_new = true },
			    o->sparse, o->reflink == REFLINK_ALWAYS, o->reflink == REFLINK_NEVER);
	if (!err && (err = exec_plan(&job, &plan, &o->order)) != 0) {
		explain_file(o, &job, &plan, -1);
		create_data_error(ctx, &job, &plan, -1, err);
	} else {
		err = 0;
	}
out_close:
	sys_close(dfd);
	return err;
}

/* The first method that writes is about to: an existing destination is
 * emptied now, not before (a clone replaces it whole, or fails and
 * leaves it as it was). */
static int create_begin(struct copy_job *job, void *arg)
{
	struct dest *d = arg;
	int err = dest_begin(d, job->dst.kind == KIND_REGULAR);

	if (!err && d->truncated)
		job->dst.st.st_size = job->dst.st.st_blocks = 0;
	return err;
}

/* What open(O_CREAT | O_EXCL) made in dir: an empty regular file there,
 * with the mode asked for less the umask, owned by us (its group the
 * directory's if set-group-ID). Only where nothing depends on its owner
 * or exact mode, unless dir is plain (tree.h): then all of it is so. */
static void create_guess(struct stat *st, const struct stat *dir, mode_t mode, mode_t umask)
{
	*st = (struct stat){ .st_dev = dir->st_dev, .st_mode = S_IFREG | (mode & ~umask),
			     .st_nlink = 1, .st_blksize = dir->st_blksize,
			     .st_uid = (uid_t)getauxval(AT_EUID),
			     .st_gid = dir->st_mode & S_ISGID ? dir->st_gid
							      : (gid_t)getauxval(AT_EGID) };
}

/* The new file's mode (umask applied by open), and, where it is just made
 * in a directory this run made, its stat without an fstat (*guessed). */
static mode_t create_data_mode(const struct cp_opts *o, const struct stat *sst,
			       const struct cp_path *dst, const struct stat *dlst,
			       struct stat *guess, bool *guessed)
{
	mode_t how_mode = o->preserve.mode_off ? 0666 : meta_new_mode(o, sst) & 0777;

	*guessed = dst->made_dir && !dlst && meta_final_mode(o, sst, 0) == (mode_t)-1;
	if (!*guessed)
		return how_mode;
	create_guess(guess, dst->made_dir, how_mode, o->umask);
	/* No chown is to follow: the mode need not wait for it. */
	if (dst->plain && o->preserve.owner && guess->st_uid == sst->st_uid &&
	    guess->st_gid == sst->st_gid && !o->preserve.mode_off) {
		how_mode = sst->st_mode & 0777;
		create_guess(guess, dst->made_dir, how_mode, o->umask);
	}
	return how_mode;
}

/* The destination opened (made, truncated or its temporary), with cp's
 * message when it cannot be. */
static int create_data_open(const struct cp_opts *o, const struct cp_path *dst,
			    const struct stat *dlst, mode_t mode, struct dest *d)
{
	struct dest_how how = {
		.mode = mode,
		.exists = dlst != NULL,
		.link = dlst && S_ISLNK(dlst->st_mode),
		.atomic = o->atomic, .force = o->force, .verbose = o->verbose,
		/* As cp: only POSIXLY_CORRECT writes through a dangling symlink. */
		.dangling = getenv("POSIXLY_CORRECT") != NULL,
	};
	/* (--atomic over what it cannot replace was refused before the way
	 * was cleared: cp_clear_way.) */
	int err = dest_open(d, dst->dirfd, dst->name, dst->path, &how);
	if (err == -ENOENT && how.link && !how.dangling) {
		util_error(0, "not writing through dangling symlink %s", util_quote(dst->path));
		return err;
	}
	if (err)
		util_error(err, d->remove_failed ? "cannot remove %s" : "cannot create regular file %s",
			   util_quote(dst->path));
	return err;
}

/* --verify: the copy as storage gives it back is the source, or an
 * error naming where they part. Only a regular file whose size is its
 * data can be read again the same (not a pipe, not a /proc file). */
static int create_verify(const struct copy_job *job, struct dest *d)
{
	struct verify_result r;
	int err;

	if (job->src.kind != KIND_REGULAR || !job->src.size_trusted ||
	    job->dst.kind != KIND_REGULAR)
		return 0;
	err = verify_copy(job->src.fd, d->fd, &r);
	if (err) {
		if (r.src_failed)
			util_error(err, "error reading %s", util_quote(job->src.path));
		else
			util_error(err, "cannot verify %s", util_quote(job->dst.path));
		return err;
	}
	d->synced = true;
	if (r.differ < 0)
		return 0;
	util_error(0, "verify: %s differs from %s at offset %lld, as read back from storage",
		   util_quote(job->dst.path), util_quote(job->src.path), (long long)r.differ);
	return -EIO;
}

int create_data(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		int src_fd, const struct cp_path *dst, const struct stat *dlst, struct stat *made)
{
	const struct cp_opts *o = ctx->o;
	struct dest d = { .fd = STDOUT_FILENO, .slot = -1 };
	struct copy_job job;
	struct plan plan;
	struct stat guess;
	bool guessed;
	mode_t how_mode = create_data_mode(o, sst, dst, dlst, &guess, &guessed);
	int used = -1, err, cerr;

	if (dst->name && (err = create_data_open(o, dst, dlst, how_mode, &d)) != 0)
		return err;
	err = exec_job_init(&job,
			    &(struct exec_end){ .fd = src_fd, .path = src->path, .st = sst,
						.inherited = !src->name },
			    &(struct exec_end){ .fd = d.fd, .path = dst->path,
						.st = guessed ? &guess : NULL,
						.inherited = !dst->name,
						.is_new = dst->name && (!dlst || o->atomic) },
			    o->sparse, o->reflink == REFLINK_ALWAYS, o->reflink == REFLINK_NEVER);
	if (err) {
		util_error(err, "cannot stat %s", util_quote(job.err_side == JOB_ERR_READ
							   ? src->path : dst->path));
		goto out_abort;
	}
	/* Decide before destroying: a pair no method can serve leaves an
	 * existing destination as it was. */
	err = exec_plan(&job, &plan, &o->order);
	if (dst->name) {
		job.begin = create_begin;
		job.begin_arg = &d;
	}
	if (!err)
		err = also_active() ? also_data(&job, &plan, &used) : exec_run(&job, &plan, &used);
	explain_file(o, &job, &plan, used);
	if (err) {
		create_data_error(ctx, &job, &plan, used, err);
		goto out_abort;
	}
	if (!src->name && job.src.off >= 0)
		sys_lseek(src_fd, job.src.off, SEEK_SET);
	if (!dst->name) {
		if (job.dst.off >= 0)
			sys_lseek(d.fd, job.dst.off, SEEK_SET);
		return 0;
	}
	if (made)
		*made = job.dst.st;
	if (o->verify && src->name && (err = create_verify(&job, &d)) != 0)
		goto out_abort;
	/* Not from a symlink it replaces (--remove-destination): its mode
	 * and owner are the link's, not a file's. */
	if (o->atomic && dlst && S_ISREG(dlst->st_mode))
		create_atomic_inherit(o, d.fd, dlst, &job.dst.st);
	err = meta_apply(o, sst, &(struct meta_node){ .fd = src_fd, .path = src->path },
			 &(struct meta_node){ .fd = d.fd, .path = dst->path, .created = !dlst,
					      .made = guessed && dst->plain ? &guess : NULL },
			 dlst ? (mode_t)-1 : meta_final_mode(o, sst, job.dst.st.st_mode));
	/* The data is a true copy: only --atomic holds it back for an
	 * attribute that could not be kept. */
	if (err && o->atomic)
		goto out_abort;
	cerr = dest_commit(&d, o->fsync);
	return err ? err : cerr;
out_abort:
	if (dst->name)
		dest_abort(&d);
	return err;
}


int create_dir_open(struct cp_ctx *ctx, const struct cp_path *src, const struct cp_path *dst,
		    struct tree_dir *d)
{
	const struct cp_opts *o = ctx->o;
	mode_t mode = meta_new_mode(o, &d->sst);
	struct stat st;
	int err;

	d->dst_absent = false;
	d->fix = (mode_t)-1;
	/* The copy is made first, as cp makes it, even when the source then
	 * cannot be read: it gets the source's attributes all the same. */
	if (!d->exists) {
		err = sys_mkdirat(dst->dirfd, dst->name, mode);
		if (err) {
			util_error(err, "cannot create directory %s", util_quote(dst->path));
			return err;
		}
		cp_verbose(o, src, dst, NULL);
		/* Writable and searchable by us while it fills, before we open it;
		 * the real mode comes after. */
		if ((mode & S_IRWXU) != S_IRWXU &&
		    sys_fstatat(dst->dirfd, dst->name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			d->fix = meta_final_mode(o, &d->sst, st.st_mode);
			if (d->fix == (mode_t)-1)
				d->fix = st.st_mode & 07777;
			sys_fchmodat(dst->dirfd, dst->name, (st.st_mode & 07777) | S_IRWXU);
		}
	}
	/* The one just made is not looked for through a symlink put there. */
	d->dst_fd = sys_openat(dst->dirfd, dst->name,
			       O_RDONLY | O_DIRECTORY | (d->exists ? 0 : O_NOFOLLOW), 0);
	/* One that was there may let us write and search it, not read it, as
	 * cp needs (it goes by names): held O_PATH, it takes the entries. */
	d->dst_opath = d->dst_fd == -EACCES && d->exists;
	if (d->dst_opath)
		d->dst_fd = sys_openat(dst->dirfd, dst->name, O_PATH | O_DIRECTORY, 0);
	if (d->dst_fd < 0) {
		util_error(d->dst_fd, "cannot access %s", util_quote(dst->path));
		return d->dst_fd;
	}
	err = sys_fstat(d->dst_fd, &d->dst_st);
	if (err) {
		util_error(err, "cannot fstat %s", util_quote(dst->path));
		sys_close(d->dst_fd);
		return err;
	}
	if (!d->exists) {
		cp_remember(ctx, &d->dst_st, &d->sst, NULL);
		if ((mode & S_IRWXU) == S_IRWXU)
			d->fix = meta_final_mode(o, &d->sst, d->dst_st.st_mode);
		/* A default ACL may have given us less than we asked for. */
		if ((d->dst_st.st_mode & S_IRWXU) != S_IRWXU) {
			if (d->fix == (mode_t)-1)
				d->fix = d->dst_st.st_mode & 07777;
			sys_fchmod(d->dst_fd, (d->dst_st.st_mode & 07777) | S_IRWXU);
		}
	}
	/* The directory cp_copy chose, not one swapped in since. */
	d->src_fd = walk_open(src->dirfd, src->name, O_RDONLY | (d->follow ? 0 : O_NOFOLLOW),
			      d->sst.st_dev, d->sst.st_ino, &st);
	if (d->src_fd < 0)
		util_error(d->src_fd, "cannot access %s", util_quote(src->path));
	return 0;
}

/* An O_PATH directory cannot be synced; it may be opened now that its
 * mode is the source's (-a), else the error is the EACCES of that open. */
static int create_sync_opath(int fd)
{
	char proc[SYS_FDPATH_MAX];
	int rfd = sys_openat(AT_FDCWD, sys_fdpath(fd, proc), O_RDONLY | O_DIRECTORY, 0), err;

	if (rfd < 0)
		return rfd;
	err = sys_fsync(rfd);
	sys_close(rfd);
	return err;
}

int create_dir_finish(struct cp_ctx *ctx, const char *src_path, const char *dst_path,
		      struct tree_dir *d)
{
	struct meta_node ms = { .fd = d->src_fd < 0 ? -1 : d->src_fd, .path = src_path };
	struct meta_node md = { .fd = d->dst_fd, .path = dst_path, .created = !d->exists,
				.opath = d->dst_opath };
	int err = 0;

	/* Without its descriptor (it could not be opened again) the copy
	 * keeps the mode it was made with: the error is told already. */
	if (d->dst_fd >= 0)
		err = meta_apply(ctx->o, &d->sst, &ms, &md, d->fix);
	/* --fsync: the entries made in it reach storage with the directory. */
	if (d->dst_fd >= 0 && ctx->o->fsync) {
		int serr = d->dst_opath ? create_sync_opath(d->dst_fd) : sys_fsync(d->dst_fd);
		if (serr) {
			util_error(serr, "cannot sync directory %s", util_quote(dst_path));
			if (!err)
				err = serr;
		}
	}
	if (d->src_fd >= 0)
		sys_close(d->src_fd);
	if (d->dst_fd >= 0)
		sys_close(d->dst_fd);
	return err;
}

int create_symlink(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		   const struct cp_path *dst)
{
	/* On the stack: a worker mallocs nothing (see engine.c). Linux keeps
	 * a link's target under PATH_MAX. */
	char target[PATH_MAX + 1];
	ssize_t n;
	int err;

	n = sys_readlinkat(src->dirfd, src->name, target, sizeof(target));
	if (n < 0 || (size_t)n >= sizeof(target)) {
		err = n < 0 ? (int)n : -ENAMETOOLONG;
		util_error(err, "cannot read symbolic link %s", util_quote(src->path));
		return err;
	}
	target[n] = 0;
	err = sys_symlinkat(target, dst->dirfd, dst->name);
	if (err) {
		util_error(err, "cannot create symbolic link %s", util_quote(dst->path));
		return err;
	}
	return meta_apply(ctx->o, sst, &(struct meta_node){ .fd = -1, .path = src->path, .symlink = true },
			  &(struct meta_node){ .fd = -1, .dirfd = dst->dirfd, .name = dst->name,
					       .path = dst->path, .symlink = true },
			  (mode_t)-1);
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

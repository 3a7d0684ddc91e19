/*
 * zcp: cp for Linux that lets the kernel move the bytes.
 *
 * The source files:
 *   main.c          operands, exit status
 *   opts.c          the options (popt), --help
 *   filelist.c      --files-from: SOURCEs read from a list as it goes
 *   cp.c            cp's rules for one operand: same file, overwrite, -n/-u/-i
 *   create.c        make a destination: data file, directory, symlink, special
 *   dest.c          a destination data file: open, put in place (--atomic), undo
 *   verify.c        --verify: a copy read back from storage and compared
 *   inflight.c      files in flight, undone when a fatal signal comes
 *   backup.c        --backup, --suffix
 *   meta.c          -p, --preserve: times, owner, xattrs, mode
 *   acl.c           POSIX ACLs, kept with the mode
 *   tree.c          the walk: a loop over directory frames, bounded descriptors
 *   engine.c        the workers a tree's files are handed to; output in walk order
 *   batch.c         new small files copied 32 at a time through io_uring
 *   sync.c          futex waits and a lock, every call counted
 *   walk.c          open one directory through its parent's fd, entries by inode
 *   inomap.c        (st_dev, st_ino) maps: hard links, files made by this run
 *   exec.c          the executor: one copy job through its plan, fallbacks
 *   endpoint.c      what one end of a copy is: kind, file system, trusted size
 *   plan.c          order the methods for a pair, with reasons
 *   method.c        the ordered method table; facts learned per file system
 *   methods/NAME.c  one copy method each: clone, copy_range, sendfile,
 *                   uring_splice, mmap, rw
 *   uring.c         a small io_uring of zcp's own, every call counted
 *   explain.c       --explain and --debug output
 *   bench.c         --bench: every method on one pair, alternated, medians
 *   report.c        --stats output, text and JSON; the SIGUSR1 line
 *   progress.c      --progress: a thread that draws the copy so far
 *   tally.c         a tree's total for --progress, counted beside the copy
 *   stats.c         the counters; sys.h counts every system call
 *   util.c          messages in cp's words, quoting, paths
 */
#include "backup.h"
#include "bench.h"
#include "engine.h"
#include "filelist.h"
#include "meta.h"
#include "opts.h"
#include "progress.h"
#include "cp.h"
#include "report.h"
#include "sys.h"
#include "tree.h"
#include "util.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "a/b/c" -> "a/b" and "c"; "a/b/" -> "a" and "b/" (a trailing slash
 * stays with its name, which must then be a directory). NULL for a name
 * with no directory part, or none to hold. */
static char *split_parent(const char *path, const char **base)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	while (len > 0 && path[len - 1] != '/')
		len--;
	if (len == 0 || path[len] == 0)
		return NULL;
	*base = path + len;
	while (len > 1 && path[len - 1] == '/')
		len--;
	return strndup(path, len);
}

/* The name a SOURCE takes in the target directory: its last component,
 * but "." for "..", as cp: `cp -r a/b/.. e` copies into e, never e/.. */
static const char *main_base(const char *src, char *buf, size_t n)
{
	const char *b = util_basename(src, buf, n);

	return strcmp(b, "..") == 0 ? "." : b;
}

static int copy_operand(struct cp_ctx *ctx, const char *src, const char *dst)
{
	struct cp_path s = { .dirfd = AT_FDCWD, .name = src, .path = src };
	struct cp_path d = { .dirfd = AT_FDCWD, .name = dst, .path = dst };
	const struct cp_opts *o = ctx->o;
	struct cp_opts read_stdin;
	struct stat st;
	char *dir = NULL;
	int pfd = -1, err;

	if (strcmp(dst, "-") == 0 && !ctx->dir_mode && util_std_is_closed(STDOUT_FILENO)) {
		util_error(-EBADF, "cannot write standard output");
		return -EBADF;
	}
	/* Standard input is its data, whatever it is (a pipe, a terminal),
	 * -r or not: never a FIFO made empty in its name. */
	if (strcmp(src, "-") == 0) {
		/* No name to link to, no file whose attributes to take: refused
		 * before DEST is looked at (or removed: --remove-destination). */
		if (o->link != LINK_NONE || o->attr_only) {
			util_error(0, "cannot %s standard input: name the source file",
				   o->attr_only ? "copy the attributes of" : "link to");
			return -EINVAL;
		}
		/* Its data: none in a directory, none where it was closed. */
		err = util_std_is_closed(STDIN_FILENO) ? -EBADF : sys_fstat(STDIN_FILENO, &st);
		if (!err && S_ISDIR(st.st_mode))
			err = -EISDIR;
		if (err) {
			util_error(err, "cannot read standard input");
			return err;
		}
		s.name = NULL;
		read_stdin = *o;
		read_stdin.copy_contents = true;
		ctx->o = &read_stdin;
	}
	if (strcmp(dst, "-") == 0 && !ctx->dir_mode)
		d.name = NULL;
	/* The destination's directory is held from here on: whatever is
	 * renamed or swapped for a symlink above it, the copy lands where
	 * it was looked at. If it cannot be opened, the copy's own calls
	 * fail by the path with cp's messages. */
	if (d.name && !ctx->o->dry_run && (dir = split_parent(dst, &d.name)) != NULL) {
		/* --fsync flushes it at the end: that needs a real open. */
		pfd = sys_openat(AT_FDCWD, dir, O_DIRECTORY | (ctx->o->fsync ? O_RDONLY : O_PATH), 0);
		if (pfd >= 0)
			d.dirfd = pfd;
		else
			d.name = dst;
	} else if (d.name && ctx->o->fsync && !ctx->o->dry_run) {
		pfd = sys_openat(AT_FDCWD, ".", O_DIRECTORY | O_RDONLY, 0);
	}
	ctx->top_src = src;
	ctx->top_dst = dst;
	ctx->into_self = false;
	err = tree_copy(ctx, &s, &d, true);
	if (pfd >= 0) {
		/* A new name is on storage only with its directory. */
		if (ctx->o->fsync && !err && (err = sys_fsync(pfd)) != 0)
			util_error(err, "cannot sync directory %s", util_quote(dir ? dir : "."));
		sys_close(pfd);
	}
	free(dir);
	ctx->o = o;
	return err;
}

/* --bench SOURCE DEST, or SOURCE DIRECTORY (DIRECTORY/SOURCE's name, as cp). */
static int bench_operands(struct cp_ctx *ctx, const struct zcp_args *a, const char *target,
			  int nsrc)
{
	char base[4096];
	char *dst;
	int ret;

	if (nsrc != 1 || ctx->o->parents) {
		util_usage_error("--bench takes one SOURCE and one DEST");
		return 1;
	}
	if (strcmp(a->ops[0], "-") == 0 || (!target && strcmp(a->ops[1], "-") == 0)) {
		util_usage_error("--bench copies files, not standard input or output");
		return 1;
	}
	dst = target ? util_join(target, main_base(a->ops[0], base, sizeof(base)))
		     : util_xstrdup(a->ops[1]);
	ret = bench_run(ctx, a->ops[0], dst, a->bench);
	free(dst);
	cp_ctx_free(ctx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		util_error(-errno, "write error");
		ret = 1;
	}
	return ret;
}

/* Before the options: the umask, cp's default suffix, the program's name. */
static void main_init(struct cp_opts *o, int argc, char **argv)
{
	/* Large blocks from the heap, not mmap: zcp's own mmaps are its methods'. */
	mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
	o->umask = sys_umask(0);
	sys_umask(o->umask);
	o->suffix = getenv("SIMPLE_BACKUP_SUFFIX");
	if (!o->suffix || !*o->suffix || strchr(o->suffix, '/'))
		o->suffix = "~";
	/* Named as invoked, as GNU's tools are: a link named cp says "cp:". */
	if (argc > 0 && argv[0] && *argv[0]) {
		const char *slash = strrchr(argv[0], '/');
		if (!slash || slash[1])
			util_program = slash ? slash + 1 : argv[0];
	}
	util_stdio_init();
	plan_order_default(&o->order);
}

/* cp's usage errors about the operands; 0 or 1, the exit status. */
static int main_usage(const struct zcp_args *a)
{
	const struct cp_opts *o = &a->o;

	if (o->reflink == REFLINK_ALWAYS && o->sparse != SPARSE_AUTO) {
		util_usage_error("--reflink can be used only with --sparse=auto");
		return 1;
	}
	if (a->target && o->no_target) {
		util_error(0, "cannot combine --target-directory (-t) and --no-target-directory (-T)");
		return 1;
	}
	if (a->files_from && o->no_target) {
		util_usage_error("--files-from needs a target directory, not -T");
		return 1;
	}
	if (a->nops == 0 && !(a->files_from && a->target)) {
		util_usage_error(a->files_from ? "missing destination file operand"
					       : "missing file operand");
		return 1;
	}
	if (a->nops == 1 && !a->target && !a->files_from) {
		util_usage_error("missing destination file operand after %s", util_quote(a->ops[0]));
		return 1;
	}
	if (o->no_target && a->nops > 2) {
		util_usage_error("extra operand %s", util_quote(a->ops[2]));
		return 1;
	}
	return 0;
}

/* The directory the sources go into (-t, or a last operand that is one),
 * or NULL; *nsrc, the sources. 0 or 1, the exit status. */
static int main_target(const struct zcp_args *a, const char **target, int *nsrc)
{
	struct stat st;
	int err;

	*target = a->target;
	if (a->target) {
		err = sys_fstatat(AT_FDCWD, a->target, &st, 0);
		if (!err && !S_ISDIR(st.st_mode))
			err = -ENOTDIR;
		if (err) {
			util_error(err, "target directory %s", util_quote(a->target));
			return 1;
		}
	} else if (!a->o.no_target) {
		const char *last = a->ops[a->nops - 1];
		err = strcmp(last, "-") == 0 && a->nops == 2 ? -ENOTDIR
							     : sys_fstatat(AT_FDCWD, last, &st, 0);
		if (!err && S_ISDIR(st.st_mode))
			*target = last;
		else if (a->nops > 2 || a->files_from) {
			util_error(err ? err : -ENOTDIR, "target %s", util_quote(last));
			return 1;
		}
	}
	/* Every operand but a last one that is DEST or the directory. */
	*nsrc = a->target ? a->nops : a->nops - 1;
	if (a->o.parents && !*target) {
		util_usage_error("with --parents, the destination must be a directory");
		return 1;
	}
	return 0;
}

/* SOURCE DEST: one copy. 0 or 1, the exit status. */
static int main_one(struct cp_ctx *ctx, const struct zcp_args *a)
{
	const struct cp_opts *o = ctx->o;
	struct cp_opts no_backup = *o;
	char *dst = util_xstrdup(a->ops[1]);
	struct stat st;
	int ret;

	/* As cp: "-f --backup F F" copies F to its backup name. */
	if (o->force && o->backup != BACKUP_OFF && strcmp(a->ops[0], dst) == 0 &&
	    sys_fstatat(AT_FDCWD, dst, &st, 0) == 0 && S_ISREG(st.st_mode)) {
		char *b = backup_name(o, AT_FDCWD, dst, NULL);
		if (b) {
			free(dst);
			dst = b;
			no_backup.backup = BACKUP_OFF;
			ctx->o = &no_backup;
		}
	}
	ret = copy_operand(ctx, a->ops[0], dst) ? 1 : 0;
	ctx->o = o;
	free(dst);
	return ret;
}

/* SOURCE into the directory target. 0 or 1, the exit status. */
static int main_into_one(struct cp_ctx *ctx, const char *src, const char *target)
{
	const struct cp_opts *o = ctx->o;
	struct cp_parents made;
	char base[4096], *dst;
	int ret = 0;

	if (strcmp(src, "-") == 0) {
		util_error(0, "cannot copy standard input into a directory: name the destination file");
		return 1;
	}
	if (!o->parents) {
		dst = util_join(target, main_base(src, base, sizeof(base)));
		ret = copy_operand(ctx, src, dst) ? 1 : 0;
		free(dst);
		return ret;
	}
	/* With --dry-run nothing is made: the copy is planned below where it would be. */
	if (!o->dry_run && cp_parents_make(ctx, src, target, &made)) {
		cp_parents_finish(ctx, &made);
		return 1;
	}
	dst = util_join(target, src[0] == '/' ? src + 1 : src);
	if (!o->dry_run)
		dst[util_strip_len(dst)] = 0;	/* 's/d/' -> 'e/s/d', as cp */
	if (copy_operand(ctx, src, dst))
		ret = 1;
	if (!o->dry_run && cp_parents_finish(ctx, &made))
		ret = 1;
	free(dst);
	return ret;
}

/* Is the file named path (stdin or stdout for "-") the one st is? */
static bool main_same(const char *path, int std_fd, const struct stat *st)
{
	struct stat op;
	int err = strcmp(path, "-") == 0 ? sys_fstat(std_fd, &op)
					 : sys_fstatat(AT_FDCWD, path, &op, 0);

	return err == 0 && util_same_inode(&op, st);
}

/* Is the directory dirfd (taken over and closed), or one above it, a
 * SOURCE tree that -r copies whole? Each SOURCE is looked at once, then
 * the parents walked up to the root (whose ".." is itself). */
static bool main_under_source(const struct zcp_args *a, int nsrc, int dirfd)
{
	int flags = a->o.deref == DEREF_NEVER ? AT_SYMLINK_NOFOLLOW : 0, n = 0, up = -1;
	struct stat *dirs = NULL, d, parent;
	bool under = false;

	if (!a->o.recursive || dirfd < 0)
		goto out_close;
	dirs = util_xmalloc((size_t)nsrc * sizeof(*dirs) + 1);
	for (int i = 0; i < nsrc; i++)
		if (strcmp(a->ops[i], "-") != 0 &&
		    sys_fstatat(AT_FDCWD, a->ops[i], &dirs[n], flags) == 0 && S_ISDIR(dirs[n].st_mode))
			n++;
	if (n == 0 || sys_fstat(dirfd, &d) != 0)
		goto out_free;
	while (!under) {
		for (int i = 0; i < n && !under; i++)
			under = util_same_inode(&dirs[i], &d);
		up = under ? -1 : sys_openat(dirfd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
		if (up < 0 || sys_fstat(up, &parent) != 0 || util_same_inode(&parent, &d))
			break;
		sys_close(dirfd);
		dirfd = up;
		d = parent;
	}
	if (up >= 0 && up != dirfd)
		sys_close(up);
out_free:
	free(dirs);
out_close:
	if (dirfd >= 0)
		sys_close(dirfd);
	return under;
}

/* Would the copy read or write the --stats-file's file (st): an operand
 * (SOURCE or DEST, "-" by what it is), the --files-from list, or a file
 * in a SOURCE tree? Emptied, it would lose a source; written, it would
 * mix the report in the copy. (Any other way to it, a hard link or a
 * --files-from entry, is refused file by file: cp_is_report.) */
static bool main_stats_conflict(const struct zcp_args *a, const char *target, int nsrc,
				const struct stat *st)
{
	const char *base;
	char *parent;
	bool hit = false;

	for (int i = 0; i < a->nops && !hit; i++)
		hit = main_same(a->ops[i], i == 1 && !target ? STDOUT_FILENO : STDIN_FILENO, st);
	if (!hit && a->files_from)
		hit = main_same(a->files_from, STDIN_FILENO, st);
	if (!hit) {
		parent = split_parent(a->stats_file, &base);
		hit = main_under_source(a, nsrc,
					sys_openat(AT_FDCWD, parent ? parent : ".",
						   O_PATH | O_DIRECTORY | O_CLOEXEC, 0));
		free(parent);
	}
	return hit;
}

/* The --stats-file, made or opened before any copy: a path that cannot
 * be written fails the run before it starts. The fd, or -1 after the
 * error. Its regular file is then kept from the copy (o->report_*); one
 * that was there (*deferred) is emptied only at the end, if the copy did
 * not meet it by some other path (main_stats_place). nsrc: the SOURCE
 * operands, first in a->ops. */
static int main_stats_open(struct zcp_args *a, const char *target, int nsrc, bool *deferred)
{
	const char *path = a->stats_file;
	int flags = O_WRONLY | O_CLOEXEC | O_NOCTTY;
	int fd = sys_openat(AT_FDCWD, path, flags | O_CREAT | O_EXCL, 0666);
	bool made = fd >= 0, regular;
	struct stat st;

	if (fd == -EEXIST)
		fd = sys_openat(AT_FDCWD, path, flags, 0);
	if (fd < 0) {
		util_error(fd, "cannot create statistics file %s", util_quote(path));
		return -1;
	}
	/* (A pipe or a device is never a file to copy, cannot be emptied,
	 * nor need be.) */
	regular = sys_fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	if (regular && main_stats_conflict(a, target, nsrc, &st)) {
		util_error(0, "statistics file %s is also a file to copy or copied to",
			   util_quote(path));
		if (made)
			sys_unlinkat(AT_FDCWD, path, 0);
		sys_close(fd);
		return -1;
	}
	if (regular) {
		a->o.report_dev = st.st_dev;
		a->o.report_ino = st.st_ino;
	}
	*deferred = regular && !made;
	return fd;
}

/* Where the records of a deferred --stats-file wait: an unnamed file
 * beside it, or (-1) memory where there can be none. */
static int main_stats_stand_in(const struct zcp_args *a)
{
	const char *base;
	char *parent = split_parent(a->stats_file, &base);
	int fd = sys_openat(AT_FDCWD, parent ? parent : ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	free(parent);
	return fd < 0 ? -1 : fd;
}

/* At the end, before the report is written to fd: its name must still
 * lead to it (a backup or a copy may have taken the name), and a file
 * that was there is written only if the copy did not meet it (it is
 * also a source or a destination, refused file by file); then it is
 * emptied and given what was streamed aside. 0, or -1 after the error. */
static int main_stats_place(const struct zcp_args *a, int fd, bool deferred)
{
	const char *why = NULL;
	struct stat now;
	int err;

	/* (A regular one's inode is known: o->report_*.) */
	if (a->o.report_ino &&
	    (sys_fstatat(AT_FDCWD, a->stats_file, &now, 0) != 0 || !cp_opts_report(&a->o, &now)))
		why = "was replaced or removed during the copy";
	else if (deferred && cp_report_met())
		why = "is also a file to copy or copied to";
	if (why) {
		util_error(0, "statistics file %s %s: not written", util_quote(a->stats_file), why);
		return -1;
	}
	if (!deferred)
		return 0;
	err = sys_ftruncate(fd, 0);
	if (!err)
		err = report_stream_move(fd);
	if (err) {
		util_error(err, "error writing statistics file %s", util_quote(a->stats_file));
		return -1;
	}
	return 0;
}

/* The reports, --stats's and --stats-file's: each write, and the file's
 * close, counted first, so that both tell the whole run's calls. 0 or 1. */
static int main_report(const struct zcp_args *a, int out, int file_fd)
{
	struct rusage ru;
	int err = 0, cerr;

	if (!a->stats && file_fd < 0)
		return 0;
	sys_getrusage(RUSAGE_SELF, &ru);
	if (a->stats)
		stats_call(SC_write, 0);
	if (file_fd >= 0) {
		stats_call(SC_write, 0);
		stats_call(SC_close, 0);
	}
	/* (A standard output closed at start is /dev/null's: util_std_is_closed.) */
	if (a->stats && (err = util_std_is_closed(out) ? -EBADF
			       : report_stats(a->stats_json, out, &stats_total, &ru)) != 0 &&
	    out == STDOUT_FILENO)
		util_stdout_error(err);
	if (file_fd < 0)
		return 0;
	err = report_stats(true, file_fd, &stats_total, &ru);
	cerr = close(file_fd) ? -errno : 0;	/* counted above */
	if (!err)
		err = cerr;
	if (err)
		util_error(err, "error writing statistics file %s", util_quote(a->stats_file));
	return err ? 1 : 0;
}

/* --files-from: each entry a SOURCE into target, as on the command line.
 * 0 or 1, the exit status. */
static int main_files_from(struct cp_ctx *ctx, const struct zcp_args *a, const char *target)
{
	struct filelist l;
	const char *src;
	struct stat st;
	int err, ret = 0;

	err = filelist_open(&l, a->files_from, a->null);
	if (err) {
		util_error(err, "cannot open %s for reading", util_quote(a->files_from));
		return 1;
	}
	/* A copy written into the list would cut it short under the reader. */
	if (sys_fstat(l.fd, &st) == 0 && S_ISREG(st.st_mode)) {
		ctx->list_dev = st.st_dev;
		ctx->list_ino = st.st_ino;
	}
	while ((src = filelist_next(&l, &err)) != NULL)
		ret |= main_into_one(ctx, src, target);
	if (err) {
		util_error(err, "error reading %s", util_quote(a->files_from));
		ret = 1;
	}
	filelist_close(&l);
	return ret;
}

/* --progress, with the totals: the regular files named on the command
 * line at once, the trees counted by the progress thread as they are
 * copied (a list is read as it goes: its total is not known). */
static void main_progress(const struct zcp_args *a, int nsrc)
{
	int64_t bytes = 0, files = 0;
	int flags = a->o.deref == DEREF_NEVER ? AT_SYMLINK_NOFOLLOW : 0, nroots = 0;
	const char **roots = util_xmalloc((size_t)nsrc * sizeof(*roots) + 1);
	struct stat st;

	for (int i = 0; i < nsrc && files >= 0; i++) {
		if (strcmp(a->ops[i], "-") == 0 || sys_fstatat(AT_FDCWD, a->ops[i], &st, flags) != 0)
			files = -1;
		else if (S_ISDIR(st.st_mode) && a->o.recursive)
			roots[nroots++] = a->ops[i];
		else if (S_ISREG(st.st_mode)) {
			bytes += st.st_size;
			files++;
		} else
			files = -1;
	}
	if (files < 0 || a->files_from) {
		bytes = files = -1;
		nroots = 0;
	}
	progress_start((enum progress_mode)a->progress, bytes, files,
		       &(struct progress_trees){ .roots = roots, .n = nroots,
						 .follow = a->o.deref == DEREF_ALWAYS });
}

int main(int argc, char **argv)
{
	/* Static: what it points to stays reachable to the end (LeakSanitizer). */
	static struct zcp_args a = { .backup_type = -1 };
	struct cp_opts *o = &a.o;
	struct cp_ctx ctx;
	const char *target;
	int ret = 0, nsrc, stats_fd = -1;
	bool stdout_is_data, stats_deferred = false;

	main_init(o, argc, argv);
	opts_parse(&a, argc, (const char **)argv);
	report_start(a.stats_json || a.stats_file, a.stats && !a.stats_json && o->verbose);
	report_on_usr1();
	engine_set_jobs(a.jobs);
	if (o->deref == DEREF_UNSET)
		o->deref = o->recursive ? DEREF_NEVER : DEREF_ALWAYS;
	if (main_usage(&a))
		return 1;
	cp_ctx_init(&ctx, o);
	if (main_target(&a, &target, &nsrc))
		return 1;
	if (a.bench)
		return bench_operands(&ctx, &a, target, nsrc);
	if (a.stats_file && (stats_fd = main_stats_open(&a, target, nsrc, &stats_deferred)) < 0)
		return 1;
	if (stats_fd >= 0 && !a.stats_json)
		report_stream(stats_deferred ? main_stats_stand_in(&a) : stats_fd);
	ctx.dir_mode = target != NULL;
	stdout_is_data = !target && strcmp(a.ops[1], "-") == 0;
	if (stdout_is_data && o->atomic) {
		util_error(0, "--atomic cannot write standard output: name the destination file");
		return 1;
	}
	if (a.progress != PROGRESS_OFF)
		main_progress(&a, nsrc);
	if (!target)
		ret = main_one(&ctx, &a);
	for (int i = 0; target && i < nsrc; i++)
		ret |= main_into_one(&ctx, a.ops[i], target);
	if (a.files_from)
		ret |= main_files_from(&ctx, &a, target);
	/* Every worker's counts are in before they are reported. */
	engine_stop();
	progress_stop();
	fflush(stdout);
	if (stats_fd >= 0 && main_stats_place(&a, stats_fd, stats_deferred)) {
		sys_close(stats_fd);
		stats_fd = -1;
		ret = 1;
	}
	/* The data may be on standard output: then the report goes to stderr. */
	ret |= main_report(&a, stdout_is_data ? STDERR_FILENO : STDOUT_FILENO, stats_fd);
	if (util_stdout_flush())
		ret = 1;
	cp_ctx_free(&ctx);
	return ret;
}

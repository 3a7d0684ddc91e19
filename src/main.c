/*
 * zcp: cp for Linux that lets the kernel move the bytes.
 *
 * The source files:
 *   main.c          operands, exit status
 *   opts.c          the options (popt), --help
 *   statsfile.c     --stats and --stats-file around the copy
 *   filelist.c      --files-from: SOURCEs read from a list as it goes
 *   also.c          --also: one run per destination, in step, one at a time
 *   fanout.c        one source read once into several destinations (tee)
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
#include "also.h"
#include "backup.h"
#include "bench.h"
#include "engine.h"
#include "filelist.h"
#include "meta.h"
#include "opts.h"
#include "progress.h"
#include "cp.h"
#include "report.h"
#include "statsfile.h"
#include "sys.h"
#include "tree.h"
#include "util.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	if (d.name && !ctx->o->dry_run && (dir = util_split_parent(dst, &d.name)) != NULL) {
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
	/* One arena for every thread: a thread's own is mmapped, trimmed and
	 * protected by calls zcp cannot count. (Only --also's runs malloc off
	 * the main thread, and one runs at a time.) */
	mallopt(M_ARENA_MAX, 1);
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
	if (a->nalso && (a->bench || o->order.forced)) {
		util_usage_error("--also cannot be used with %s: the source is read once, by tee "
				 "or one buffer, for every destination",
				 a->bench ? "--bench" : "--method");
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
 * or NULL; *nsrc, the sources. 0 or 1, the exit status (after cp's
 * message, if tell). */
static int main_target(const struct zcp_args *a, const char **target, int *nsrc, bool tell)
{
	struct stat st;
	int err = 0;

	/* Every operand but a last one that is DEST or the directory. */
	*nsrc = a->target ? a->nops : a->nops - 1;
	*target = a->target;
	if (a->target) {
		err = sys_fstatat(AT_FDCWD, a->target, &st, 0);
		if (!err && !S_ISDIR(st.st_mode))
			err = -ENOTDIR;
		if (err && tell)
			util_error(err, "target directory %s", util_quote(a->target));
	} else if (!a->o.no_target) {
		const char *last = a->ops[a->nops - 1];
		int serr = strcmp(last, "-") == 0 && a->nops == 2 ? -ENOTDIR
								   : sys_fstatat(AT_FDCWD, last, &st, 0);

		if (!serr && S_ISDIR(st.st_mode))
			*target = last;
		else if (a->nops > 2 || a->files_from) {
			err = serr ? serr : -ENOTDIR;
			if (tell)
				util_error(err, "target %s", util_quote(last));
		}
	}
	if (!err && a->o.parents && !*target) {
		err = -EINVAL;
		if (tell)
			util_usage_error("with --parents, the destination must be a directory");
	}
	if (err)
		*target = NULL;
	return err ? 1 : 0;
}

/* SOURCE DEST: one copy. 0 or 1, the exit status. */
static int main_one(struct cp_ctx *ctx, const struct zcp_args *a)
{
	const struct cp_opts *o = ctx->o;
	struct cp_opts no_backup = *o;
	char *dst = util_xstrdup(a->ops[1]);
	struct stat st;
	int ret;

	also_operand();
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

	also_operand();
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

/* --files-from: each entry a SOURCE into target, as on the command line.
 * 0 or 1, the exit status. */
static int main_files_from(struct cp_ctx *ctx, struct filelist_ring *list, const char *target)
{
	const char *src;
	size_t i = 0;
	int err, ret = 0;

	if (filelist_ring_open(list))
		return 1;
	ctx->list_dev = list->dev;
	ctx->list_ino = list->ino;
	while ((src = filelist_ring_next(list, &i, &err)) != NULL)
		ret |= main_into_one(ctx, src, target);
	return err ? 1 : ret;
}

/* --progress, with the totals: the regular files named on the command
 * line at once, the trees counted by the progress thread as they are
 * copied (a list is read as it goes: its total is not known). */
static void main_progress(const struct zcp_args *a, int nsrc)
{
	int64_t bytes = 0, files = 0;
	int flags = a->o.deref == DEREF_NEVER ? AT_SYMLINK_NOFOLLOW : 0, nroots = 0;
	const char **roots = util_xmalloc((size_t)nsrc * sizeof(*roots) + 1);
	struct stat *dirs = util_xmalloc((size_t)nsrc * sizeof(*dirs) + 1), st;
	char b1[4096], b2[4096];

	for (int i = 0; i < nsrc && files >= 0; i++) {
		bool again = false;

		if (strcmp(a->ops[i], "-") == 0 || sys_fstatat(AT_FDCWD, a->ops[i], &st, flags) != 0) {
			files = -1;
		} else if (S_ISDIR(st.st_mode) && a->o.recursive) {
			/* The same tree to the same name again: cp says "specified
			 * more than once" and copies it once. */
			for (int j = 0; j < nroots && !again; j++)
				again = util_same_inode(&dirs[j], &st) &&
					strcmp(main_base(roots[j], b1, sizeof(b1)),
					       main_base(a->ops[i], b2, sizeof(b2))) == 0;
			if (!again) {
				dirs[nroots] = st;
				roots[nroots++] = a->ops[i];
			}
		} else if (S_ISREG(st.st_mode)) {
			bytes += st.st_size;
			files++;
		} else {
			files = -1;
		}
	}
	free(dirs);
	if (files < 0 || a->files_from) {
		bytes = files = -1;
		nroots = 0;
	}
	progress_copies(1 + (unsigned)a->nalso);
	progress_start((enum progress_mode)a->progress, bytes, files,
		       &(struct progress_trees){ .roots = roots, .n = nroots,
						 .follow = a->o.deref == DEREF_ALWAYS });
}

/* Destination k of the command line: DEST (or -t's), then --also's. */
static const char *main_dest(const struct zcp_args *a, int k)
{
	if (k > 0)
		return a->also[k - 1];
	return a->target ? a->target : a->ops[a->nops - 1];
}

/* What a destination is, to tell one named twice: the file (standard
 * output for "-"), or its directory and last name where it is not there.
 * 0, or -1 when its directory is not there either (its run says so). */
static int main_dest_id(const char *path, struct stat *st, const char **name)
{
	char *dir;
	const char *base = path;
	int err;

	*name = "";
	if (strcmp(path, "-") == 0)
		return sys_fstat(STDOUT_FILENO, st) ? -1 : 0;
	if (sys_fstatat(AT_FDCWD, path, st, 0) == 0)
		return 0;
	dir = util_split_parent(path, &base);
	err = sys_fstatat(AT_FDCWD, dir ? dir : ".", st, 0);
	free(dir);
	*name = base;
	return err ? -1 : 0;
}

/* --also: no destination twice (two runs writing the same files at once
 * would interleave, or trip over each other's new names), and a closed
 * pipe at one is an error there, not SIGPIPE ending them all. 0 or 1. */
static int main_also_check(const struct zcp_args *a)
{
	struct stat st[OPTS_ALSO_MAX + 1];
	const char *name[OPTS_ALSO_MAX + 1];
	bool known[OPTS_ALSO_MAX + 1];
	struct sigaction ign = { .sa_handler = SIG_IGN };

	for (int k = 0; k <= a->nalso; k++) {
		known[k] = main_dest_id(main_dest(a, k), &st[k], &name[k]) == 0;
		for (int j = 0; j < k; j++) {
			if (!known[j] || !known[k] || !util_same_inode(&st[j], &st[k]) ||
			    strcmp(name[j], name[k]) != 0)
				continue;
			util_usage_error("destination %s named twice (as %s)",
					 util_quote(main_dest(a, k)), util_quote(main_dest(a, j)));
			return 1;
		}
	}
	/* The runs hold their descriptors side by side: a run that could
	 * not would fail where a cp run of its own copies. */
	if (tree_levels_fit(1 + (unsigned)a->nalso) == 0) {
		util_error(0, "%d destinations need more open files than the limit allows "
			      "(ulimit -n)", 1 + a->nalso);
		return 1;
	}
	sigemptyset(&ign.sa_mask);
	sys_sigaction(SIGPIPE, &ign, NULL);
	return 0;
}

/* What the runs share (one, or one per destination with --also). */
struct main_shared {
	const struct zcp_args *a;
	struct filelist_ring list;
};

/* Is DEST (or one of --also's) standard output? */
static bool main_to_stdout(const struct zcp_args *a)
{
	bool out = !a->target && a->nops == 2 && strcmp(a->ops[1], "-") == 0;

	for (int k = 0; k < a->nalso && !a->target && a->nops == 2; k++)
		out = out || strcmp(a->also[k], "-") == 0;
	return out;
}

/* One run: every SOURCE to one destination, DEST or the target directory
 * in a. 0 or 1, the exit status. */
static int main_run(const struct zcp_args *a, struct filelist_ring *list)
{
	const char *target;
	struct cp_ctx ctx;
	int nsrc, ret = 0;

	if (main_target(a, &target, &nsrc, true))
		return 1;
	if (!target && strcmp(a->ops[1], "-") == 0 && a->o.atomic) {
		util_error(0, "--atomic cannot write standard output: name the destination file");
		return 1;
	}
	cp_ctx_init(&ctx, &a->o);
	ctx.dir_mode = target != NULL;
	if (!target)
		ret = main_one(&ctx, a);
	for (int i = 0; target && i < nsrc; i++)
		ret |= main_into_one(&ctx, a->ops[i], target);
	if (a->files_from)
		ret |= main_files_from(&ctx, list, target);
	cp_ctx_free(&ctx);
	return ret;
}

/* --also: run k, its destination in DEST's place (or -t's). */
static int main_also_run(unsigned k, void *arg)
{
	struct main_shared *sh = arg;
	struct zcp_args a = *sh->a;
	const char **ops = NULL;
	int ret;

	if (k > 0 && a.target) {
		a.target = a.also[k - 1];
	} else if (k > 0) {
		ops = util_xmalloc(sizeof(*ops) * (size_t)(a.nops + 1));
		memcpy(ops, a.ops, sizeof(*ops) * (size_t)(a.nops + 1));
		ops[a.nops - 1] = a.also[k - 1];
		a.ops = ops;
	}
	ret = main_run(&a, &sh->list);
	free(ops);
	return ret;
}

/* The copy to every destination: 0 or 1, the exit status. */
static int main_copy(struct main_shared *sh)
{
	int ret, err;

	if (!sh->a->nalso)
		return main_run(sh->a, &sh->list);
	err = also_runs(1 + (unsigned)sh->a->nalso, !cp_says_at_once(&sh->a->o), main_also_run, sh,
			&ret);
	if (err) {
		util_error(err, "cannot start the --also runs");
		return 1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	/* Static: what it points to stays reachable to the end (LeakSanitizer). */
	static struct zcp_args a = { .backup_type = -1 };
	static struct main_shared sh = { .a = &a };
	struct cp_opts *o = &a.o;
	const char *target;
	int ret = 0, nsrc, stats_fd = -1;
	bool stats_deferred = false;

	main_init(o, argc, argv);
	opts_parse(&a, argc, (const char **)argv);
	report_start(a.stats_json || a.stats_file, a.stats && !a.stats_json && o->verbose);
	report_on_usr1();
	engine_set_jobs(a.jobs);
	if (o->deref == DEREF_UNSET)
		o->deref = o->recursive ? DEREF_NEVER : DEREF_ALWAYS;
	if (main_usage(&a) || (a.nalso && main_also_check(&a)))
		return 1;
	/* With --also, each destination is looked at in its own run. */
	if (main_target(&a, &target, &nsrc, !a.nalso) && !a.nalso)
		return 1;
	if (a.bench) {
		struct cp_ctx ctx;

		cp_ctx_init(&ctx, o);
		return bench_operands(&ctx, &a, target, nsrc);
	}
	if (a.stats_file && (stats_fd = statsfile_open(&a, target, nsrc, &stats_deferred)) < 0)
		return 1;
	if (stats_fd >= 0 && !a.stats_json)
		report_stream(stats_deferred ? statsfile_stand_in(&a) : stats_fd);
	if (a.progress != PROGRESS_OFF)
		main_progress(&a, nsrc);
	if (main_to_stdout(&a))
		util_stdout_is_data();
	sh.list = (struct filelist_ring){ .path = a.files_from, .nul = a.null };
	ret = main_copy(&sh);
	/* Every worker's counts are in before they are reported. */
	engine_stop();
	progress_stop();
	fflush(stdout);
	if (stats_fd >= 0 && statsfile_place(&a, stats_fd, stats_deferred)) {
		sys_close(stats_fd);
		stats_fd = -1;
		ret = 1;
	}
	/* The data may be on standard output: then the report goes to stderr. */
	ret |= statsfile_report(&a, main_to_stdout(&a) ? STDERR_FILENO : STDOUT_FILENO, stats_fd);
	if (util_stdout_flush())
		ret = 1;
	filelist_ring_close(&sh.list);
	return ret;
}

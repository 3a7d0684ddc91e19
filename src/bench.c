/* bench.c: the classic zero-copy comparison, measured here, on demand.
 *
 * Methods are run in turn, A B C A B C ..., after one warm-up round that
 * fills the page cache: these machines are noisy, so a method's figure is
 * the median of its rounds, never one run.
 *
 * A bench is a copy, made many times: cp's rules (same file, -n, -u, -i,
 * --backup, --remove-destination) are applied once, and which methods can
 * serve the pair is decided, before the destination is opened for writing.
 */
#include "bench.h"
#include "explain.h"
#include "sys.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define BENCH_MAX_ROUNDS 101

struct bench_row {
	const struct copy_method *m;
	const char *skipped;
	double mbps[BENCH_MAX_ROUNDS];
	uint64_t calls, user_bytes, bytes;
	double utime, stime;
	int runs;
	int err;
};

struct bench {
	const struct cp_opts *o;
	const char *src, *dst;
	struct stat sst;
	bool dst_existed;	/* else a failed bench removes what it made */
	bool dst_reg;		/* an existing regular file: the rounds truncate it */
	struct bench_row rows[PLAN_MAX];
	unsigned n;
};

static double bench_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double bench_tv(struct timeval t)
{
	return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void bench_measure(struct bench_row *row, const struct copy_job *job,
			  const struct stats *before, double secs,
			  const struct rusage *r0, const struct rusage *r1)
{
	row->mbps[row->runs++] = (double)job->written / (secs > 1e-9 ? secs : 1e-9) / 1e6;
	/* Less the two getrusage calls that measure the round itself. */
	row->calls += stats_syscalls(&stats_total) - stats_syscalls(before) -
		      (stats_total.calls[SC_getrusage] - before->calls[SC_getrusage]);
	row->user_bytes += stats_total.bytes_user - before->bytes_user +
			   stats_total.bytes_memcpy - before->bytes_memcpy;
	row->bytes += job->written;
	row->utime += bench_tv(r1->ru_utime) - bench_tv(r0->ru_utime);
	row->stime += bench_tv(r1->ru_stime) - bench_tv(r0->ru_stime);
}

/* One copy by the row's method alone; the job is set up anew as for any
 * file. measure: a timed round, else the warm-up or the last, whole copy. */
static int bench_once(const struct bench *b, struct bench_row *row, bool measure)
{
	struct plan_order one = { .n = 1, .forced = true, .m = { row->m } };
	struct stats before = stats_total;
	struct rusage r0, r1;
	struct copy_job job;
	struct plan plan;
	int sfd, dfd, used, err;
	double t0, t1;

	sfd = sys_openat(AT_FDCWD, b->src, O_RDONLY, 0);
	if (sfd < 0)
		return sfd;
	dfd = sys_openat(AT_FDCWD, b->dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (dfd < 0) {
		err = dfd;
		goto out_close_src;
	}
	err = exec_job_init(&job, &(struct exec_end){ .fd = sfd, .path = b->src },
			    &(struct exec_end){ .fd = dfd, .path = b->dst, .is_new = true },
			    b->o->sparse, false, b->o->reflink == REFLINK_NEVER);
	if (err)
		goto out_close_dst;
	sys_getrusage(RUSAGE_SELF, &r0);
	t0 = bench_now();
	used = -1;
	err = exec_plan(&job, &plan, &one);
	if (!err)
		err = exec_run(&job, &plan, &used);
	t1 = bench_now();
	sys_getrusage(RUSAGE_SELF, &r1);
	if (!err && used < 0)
		err = -ENOTSUP;	/* the method turned out not to apply */
	if (!err && measure)
		bench_measure(row, &job, &before, t1 - t0, &r0, &r1);
out_close_dst:
	sys_close(dfd);
out_close_src:
	sys_close(sfd);
	return err;
}

/*
 * cp's rules for an existing destination, as for a copy. 1: nothing is
 * to be done (-n, -u, -i answered no), 0: go on, -errno after a message.
 */
static int bench_dest(struct cp_ctx *ctx, struct bench *b)
{
	const struct cp_opts *o = ctx->o;
	struct cp_path s = { .dirfd = AT_FDCWD, .name = b->src, .path = b->src };
	struct cp_path d = { .dirfd = AT_FDCWD, .name = b->dst, .path = b->dst };
	struct stat dlst, dst_sb;
	char *backup = NULL;
	bool gone = false;
	int err;

	err = sys_fstatat(AT_FDCWD, b->dst, &dlst, AT_SYMLINK_NOFOLLOW);
	if (err == -ENOENT)
		return 0;
	if (err) {
		util_error(err, "cannot stat %s", util_quote(b->dst));
		return err;
	}
	/* As cp_copy: look through a symlink only where it would be written through. */
	dst_sb = dlst;
	if (o->backup != BACKUP_OFF || o->remove_dest ||
	    sys_fstatat(AT_FDCWD, b->dst, &dst_sb, 0) == 0) {
		if (cp_same_file_ok(o, &s, &b->sst, &d, &dst_sb) != 1) {
			util_error(0, "%s and %s are the same file", util_quote(b->src),
				   util_quote(b->dst));
			return -EEXIST;
		}
	}
	if (S_ISDIR(dst_sb.st_mode)) {
		util_error(0, "cannot overwrite directory %s with non-directory",
			   util_quote(b->dst));
		return -EISDIR;
	}
	err = cp_may_replace(ctx, &b->sst, &d, &dlst);
	if (!err)
		err = cp_replace(ctx, &b->sst, &d, &dlst, &gone, &backup, NULL);
	if (err)
		return err;
	if (backup && o->verbose)
		printf("%s -> %s (backup: %s)\n", util_quote(b->src), util_quote(b->dst),
		       util_quote(backup));
	free(backup);
	b->dst_existed = !gone;
	return 0;
}

/* What the rounds will write into: the existing destination (its file
 * system, its type), or an empty file in its directory. Nothing is opened
 * for writing. An O_PATH fd into *dfd, its stat into dst_st. */
static int bench_dest_look(const struct bench *b, int *dfd, struct stat *dst_st)
{
	char *dir = util_xstrdup(b->dst), *slash;
	size_t len = strlen(dir);
	int err;

	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = 0;
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir] = 0;	/* "/x": the root */
	if (b->dst_existed)
		*dfd = sys_openat(AT_FDCWD, b->dst, O_PATH, 0);
	else
		*dfd = sys_openat(AT_FDCWD, slash ? dir : ".", O_PATH | O_DIRECTORY, 0);
	free(dir);
	if (*dfd < 0)
		return *dfd;
	err = sys_fstat(*dfd, dst_st);
	if (err) {
		sys_close(*dfd);
		return err;
	}
	if (!b->dst_existed)
		dst_st->st_mode = S_IFREG | (b->sst.st_mode & 0777 & ~b->o->umask);
	if (S_ISREG(dst_st->st_mode)) {
		/* O_TRUNC: each round starts from an empty file. */
		dst_st->st_size = 0;
		dst_st->st_blocks = 0;
	}
	return 0;
}

/* Which methods can serve the pair, decided as a copy would decide before
 * opening the destination; with --dry-run, said as --explain says it. */
static int bench_plan(struct bench *b)
{
	struct cp_opts eo_explain = *b->o;
	struct stat dst_st;
	struct copy_job job;
	struct plan plan;
	int sfd, dfd, err;

	sfd = sys_openat(AT_FDCWD, b->src, O_RDONLY, 0);
	if (sfd < 0) {
		util_error(sfd, "cannot open %s for reading", util_quote(b->src));
		return sfd;
	}
	err = bench_dest_look(b, &dfd, &dst_st);
	if (err) {
		util_error(err, "cannot create regular file %s", util_quote(b->dst));
		goto out_close_src;
	}
	err = exec_job_init(&job, &(struct exec_end){ .fd = sfd, .path = b->src, .st = &b->sst },
			    &(struct exec_end){ .fd = dfd, .path = b->dst, .st = &dst_st,
						.is_new = true },
			    b->o->sparse, false, b->o->reflink == REFLINK_NEVER);
	if (err) {
		util_error(err, "cannot plan the copy of %s", util_quote(b->src));
		goto out_close_dst;
	}
	plan_make(&plan, &job, &b->o->order);
	for (unsigned i = 0; i < plan.n; i++) {
		b->rows[i].m = plan.steps[i].m;
		if (plan.steps[i].state == STEP_SKIPPED)
			b->rows[i].skipped = plan.steps[i].reason;
	}
	b->n = plan.n;
	b->dst_reg = b->dst_existed && S_ISREG(dst_st.st_mode);
	if (b->o->dry_run) {
		eo_explain.explain = true;
		explain_file(&eo_explain, &job, &plan, -1);
	}
out_close_dst:
	sys_close(dfd);
out_close_src:
	sys_close(sfd);
	return err;
}

static void bench_print(const struct bench *b, int rounds)
{
	printf("zcp --bench: %s -> %s, %lld bytes, %d rounds, methods alternated\n",
	       util_quote(b->src), util_quote(b->dst), (long long)b->sst.st_size, rounds);
	printf("%-13s %12s %10s %12s %9s %9s\n", "method", "MB/s median", "calls/run",
	       "user copies", "user s", "system s");
	for (unsigned i = 0; i < b->n; i++) {
		const struct bench_row *row = &b->rows[i];
		double mbps[BENCH_MAX_ROUNDS];

		if (row->skipped) {
			printf("%-13s skipped: %s\n", row->m->name, row->skipped);
			continue;
		}
		if (row->err || row->runs == 0) {
			printf("%-13s failed: %s\n", row->m->name,
			       strerror(-(row->err ? row->err : EIO)));
			continue;
		}
		memcpy(mbps, row->mbps, sizeof(mbps));
		qsort(mbps, (size_t)row->runs, sizeof(double), bench_cmp);
		printf("%-13s %12.1f %10.1f %12.2f %9.3f %9.3f\n", row->m->name,
		       mbps[row->runs / 2], (double)row->calls / row->runs,
		       row->bytes ? (double)row->user_bytes / (double)row->bytes : 0.0,
		       row->utime / row->runs, row->stime / row->runs);
	}
	printf("calls/run: system calls to open, classify and copy (measured); "
	       "user copies: bytes through user space per byte copied (measured)\n");
}

/* The warm-up round (fills the cache, drops the methods that fail), then
 * the measured rounds. The index of a method that copied, or -1. */
static int bench_rounds(struct bench *b, int rounds)
{
	int last = -1, good = -1, err;

	for (int r = -1; r < rounds; r++) {
		for (unsigned i = 0; i < b->n; i++) {
			struct bench_row *row = &b->rows[i];

			if (row->skipped || row->err)
				continue;
			err = bench_once(b, row, r >= 0);
			if (err)
				row->err = err;
			last = err ? -1 : (int)i;
		}
	}
	for (unsigned i = 0; i < b->n && good < 0; i++)
		if (!b->rows[i].skipped && !b->rows[i].err)
			good = (int)i;
	/* A method that failed last left its part copy: one whole copy more. */
	if (good >= 0 && last < 0 && bench_once(b, &b->rows[good], false) != 0)
		return -1;
	return good;
}

static bool bench_applies(const struct bench *b)
{
	for (unsigned i = 0; i < b->n; i++)
		if (!b->rows[i].skipped)
			return true;
	return false;
}

/* No method copied: what this bench made is removed, what it truncated is said. */
static void bench_failed(const struct bench *b)
{
	if (!b->dst_existed)
		sys_unlinkat(AT_FDCWD, b->dst, 0);
	util_error(0, "no method could copy %s to %s%s", util_quote(b->src), util_quote(b->dst),
		   b->dst_reg ? " (it was truncated)" : "");
}

int bench_run(struct cp_ctx *ctx, const char *src, const char *dst, int rounds)
{
	struct bench b = { .o = ctx->o, .src = src, .dst = dst };
	int err, good;

	if (rounds < 1 || rounds > BENCH_MAX_ROUNDS)
		rounds = 5;
	err = sys_fstatat(AT_FDCWD, src, &b.sst, 0);
	if (err) {
		util_error(err, "cannot stat %s", util_quote(src));
		return 1;
	}
	if (!S_ISREG(b.sst.st_mode)) {
		util_error(0, "--bench needs a regular file as SOURCE: %s is not one",
			   util_quote(src));
		return 1;
	}
	/* Decide before destroying: a source that cannot be read costs no backup. */
	err = sys_openat(AT_FDCWD, src, O_RDONLY, 0);
	if (err < 0) {
		util_error(err, "cannot open %s for reading", util_quote(src));
		return 1;
	}
	sys_close(err);
	err = bench_dest(ctx, &b);
	if (err > 0) {
		printf("zcp --bench: not replacing %s: nothing measured\n", util_quote(dst));
		return 0;
	}
	if (err || bench_plan(&b))
		return 1;
	if (!bench_applies(&b)) {
		if (!b.o->dry_run)
			bench_print(&b, 0);
		util_error(0, "no method can copy %s to %s", util_quote(src), util_quote(dst));
		return 1;
	}
	if (b.o->dry_run) {
		printf("zcp --bench: dry run: %d rounds of each method that applies; "
		       "nothing written\n", rounds);
		return 0;
	}
	good = bench_rounds(&b, rounds);
	bench_print(&b, rounds);
	if (good < 0) {
		bench_failed(&b);
		return 1;
	}
	return 0;
}

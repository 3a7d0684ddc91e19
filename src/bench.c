/* bench.c: the classic zero-copy comparison, measured here, on demand.
 *
 * Methods are run in turn, A B C A B C ..., after one warm-up round that
 * fills the page cache: these machines are noisy, so a method's figure is
 * the median of its rounds, never one run.
 */
#include "bench.h"
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

/* One copy by one method; the job is set up anew as for any file. */
static int bench_once(const struct cp_opts *o, const char *src, const char *dst,
		      struct plan_order *order, struct plan *plan, struct bench_row *row)
{
	struct exec_opts eo = { .order = order };
	struct stats before = stats_total;
	struct rusage r0, r1;
	struct copy_job job;
	int sfd, dfd, used, err;
	double t0, t1;

	sfd = sys_openat(AT_FDCWD, src, O_RDONLY, 0);
	if (sfd < 0)
		return sfd;
	dfd = sys_openat(AT_FDCWD, dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (dfd < 0) {
		err = dfd;
		goto out_close_src;
	}
	err = exec_job_init(&job, &(struct exec_end){ .fd = sfd, .path = src },
			    &(struct exec_end){ .fd = dfd, .path = dst, .is_new = true },
			    o->sparse, false, o->reflink == REFLINK_NEVER);
	if (err)
		goto out_close_dst;
	getrusage(RUSAGE_SELF, &r0);
	t0 = bench_now();
	err = exec_copy(&job, plan, &eo, &used);
	t1 = bench_now();
	getrusage(RUSAGE_SELF, &r1);
	if (!row || used < 0)
		goto out_close_dst;
	if (!err) {
		row->mbps[row->runs++] = (double)job.written / (t1 - t0 > 1e-9 ? t1 - t0 : 1e-9) / 1e6;
		row->calls += stats_syscalls(&stats_total) - stats_syscalls(&before);
		row->user_bytes += stats_total.bytes_user - before.bytes_user +
				   stats_total.bytes_memcpy - before.bytes_memcpy;
		row->bytes += job.written;
		row->utime += bench_tv(r1.ru_utime) - bench_tv(r0.ru_utime);
		row->stime += bench_tv(r1.ru_stime) - bench_tv(r0.ru_stime);
	}
out_close_dst:
	sys_close(dfd);
out_close_src:
	sys_close(sfd);
	return err;
}

int bench_run(const struct cp_opts *o, const char *src, const char *dst, int rounds)
{
	struct bench_row rows[PLAN_MAX];
	struct plan_order one = { .n = 1, .forced = true };
	struct plan plan;
	struct stat st;
	unsigned n = o->order.n;
	int err;

	if (rounds < 1 || rounds > BENCH_MAX_ROUNDS)
		rounds = 5;
	err = sys_fstatat(AT_FDCWD, src, &st, 0);
	if (err || !S_ISREG(st.st_mode)) {
		util_error(err ? err : -EINVAL, "--bench needs a regular file as SOURCE: %s",
			   util_quote(src));
		return 1;
	}
	memset(rows, 0, sizeof(rows));
	for (unsigned i = 0; i < n; i++) {
		rows[i].m = o->order.m[i];
		one.m[0] = rows[i].m;
		/* The warm-up round: fills the cache, and says which methods apply. */
		err = bench_once(o, src, dst, &one, &plan, NULL);
		if (plan.steps[0].state == STEP_SKIPPED)
			rows[i].skipped = plan.steps[0].reason;
		else if (err)
			rows[i].err = err;
	}
	for (int r = 0; r < rounds; r++) {
		for (unsigned i = 0; i < n; i++) {
			if (rows[i].skipped || rows[i].err)
				continue;
			one.m[0] = rows[i].m;
			err = bench_once(o, src, dst, &one, &plan, &rows[i]);
			if (err)
				rows[i].err = err;
		}
	}
	printf("zcp --bench: %s -> %s, %lld bytes, %d rounds, methods alternated\n",
	       util_quote(src), util_quote(dst), (long long)st.st_size, rounds);
	printf("%-13s %12s %10s %12s %9s %9s\n", "method", "MB/s median", "calls/run",
	       "user copies", "user s", "system s");
	for (unsigned i = 0; i < n; i++) {
		struct bench_row *row = &rows[i];

		if (row->skipped) {
			printf("%-13s skipped: %s\n", row->m->name, row->skipped);
			continue;
		}
		if (row->err || row->runs == 0) {
			printf("%-13s failed: %s\n", row->m->name, strerror(-(row->err ? row->err : EIO)));
			continue;
		}
		qsort(row->mbps, (size_t)row->runs, sizeof(double), bench_cmp);
		printf("%-13s %12.1f %10.1f %12.2f %9.3f %9.3f\n", row->m->name,
		       row->mbps[row->runs / 2], (double)row->calls / row->runs,
		       row->bytes ? (double)row->user_bytes / (double)row->bytes : 0.0,
		       row->utime / row->runs, row->stime / row->runs);
	}
	printf("calls/run: system calls to open, classify and copy (measured); "
	       "user copies: bytes through user space per byte copied (measured)\n");
	return 0;
}

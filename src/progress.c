/* progress.c: --progress. A thread of its own wakes every 100 ms and
 * draws what the counters every thread adds to say (stats_progress):
 * the copy itself never waits for it. On a terminal the line is redrawn
 * in place; --progress=json writes an object a line. Its calls (the
 * futex sleeps, the writes) are counted in its own stats, added to the
 * run's when it stops. */
#include "progress.h"
#include "method.h"
#include "stats.h"
#include "sync.h"
#include "sys.h"
#include "tally.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <time.h>

#define PROGRESS_TICK_NS 100000000L

static struct {
	enum progress_mode mode;
	int64_t total_bytes, total_files;
	const char **roots;	/* trees being counted (tally), NULL: none */
	struct timespec t0;
	atomic_uint stop;	/* 1: draw the last line and go */
	atomic_uint gone;	/* 1: the thread is done, its stats in */
	struct stats stats;	/* the thread's counts, handed over at the end */
	bool running;
} prog;

static double progress_elapsed(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - prog.t0.tv_sec) + (double)(t.tv_nsec - prog.t0.tv_nsec) / 1e9;
}

/* n bytes in binary units, one decimal. */
static void progress_size(char *buf, size_t n, double bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	unsigned u = 0;

	while (bytes >= 1024 && u < 5) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", bytes, unit[u]);
}

/* The totals as far as they are known: *tb and *tf are -1 when they
 * cannot be, *counting while the trees are still being counted (then
 * they are the count so far). */
static void progress_totals(int64_t *tb, int64_t *tf, bool *counting)
{
	int64_t b, f;
	bool done = true;

	*tb = prog.total_bytes;
	*tf = prog.total_files;
	if (prog.roots && *tb >= 0) {
		tally_so_far(&b, &f, &done);
		*tb = b < 0 ? -1 : *tb + b;
		*tf = b < 0 ? -1 : *tf + f;
	}
	*counting = !done && *tb >= 0;
}

static int progress_json(char *line, size_t n, uint64_t bytes, uint64_t files, double rate,
			 double t, bool last)
{
	char tb[24] = "null", tf[24] = "null";
	int64_t b, f;
	bool counting;

	progress_totals(&b, &f, &counting);
	if (b >= 0 && !counting) {
		snprintf(tb, sizeof(tb), "%lld", (long long)b);
		snprintf(tf, sizeof(tf), "%lld", (long long)f);
	}
	return snprintf(line, n,
			"{\"bytes\":%llu,\"files\":%llu,\"total_bytes\":%s,\"total_files\":%s,"
			"\"counting\":%s,\"bytes_per_second\":%.0f,\"elapsed\":%.3f,\"done\":%s}\n",
			(unsigned long long)bytes, (unsigned long long)files, tb, tf,
			counting ? "true" : "false", rate, t, last ? "true" : "false");
}

static int progress_line(char *line, size_t n, bool last)
{
	uint64_t files, bytes;
	double t = progress_elapsed(), rate;
	char done[32], total[32], speed[32], eta[32] = "";
	int64_t tb, tf;
	bool counting;

	stats_progress(&files, &bytes);
	rate = t > 0 ? (double)bytes / t : 0;
	if (prog.mode == PROGRESS_JSON)
		return progress_json(line, n, bytes, files, rate, t, last);
	progress_size(done, sizeof(done), (double)bytes);
	progress_size(speed, sizeof(speed), rate);
	progress_totals(&tb, &tf, &counting);
	if (tb < 0)
		return snprintf(line, n, "\r%s: %s, %llu files, %s/s (total not counted)\033[K%s",
				util_program, done, (unsigned long long)files, speed,
				last ? "\n" : "");
	progress_size(total, sizeof(total), (double)tb);
	if (counting)
		return snprintf(line, n, "\r%s: %s, %llu files, %s/s (counting the total: %s "
				"in %lld files so far)\033[K%s",
				util_program, done, (unsigned long long)files, speed, total,
				(long long)tf, last ? "\n" : "");
	if (rate > 0 && !last && (uint64_t)tb > bytes) {
		long s = (long)(((double)tb - (double)bytes) / rate);
		snprintf(eta, sizeof(eta), ", %ld:%02ld left", s / 60, s % 60);
	}
	return snprintf(line, n, "\r%s: %s of %s (%d%%), %llu of %lld files, %s/s%s\033[K%s",
			util_program, done, total,
			tb ? (int)(100.0 * (double)bytes / (double)tb) : 100,
			(unsigned long long)files, (long long)tf, speed, eta, last ? "\n" : "");
}

static void progress_draw(bool last)
{
	char line[256];
	int n = progress_line(line, sizeof(line), last);

	if (n > 0)
		(void)sys_write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void *progress_main(void *arg)
{
	bool last;

	(void)arg;
	bool counted = prog.roots == NULL;

	do {
		/* The trees are counted between two lines; then it sleeps. */
		double begun = progress_elapsed();
		long left = PROGRESS_TICK_NS;

		if (!counted) {
			counted = tally_step(PROGRESS_TICK_NS, &prog.stop);
			left -= (long)((progress_elapsed() - begun) * 1e9);
		}
		if (counted && left > 0)
			sync_wait_for(&prog.stop, 0, left);
		last = atomic_load(&prog.stop) != 0;
		progress_draw(last);
	} while (!last);
	prog.stats = stats_total;
	prog.stats.calls[SC_futex]++;	/* the wake below, made after the copy */
	atomic_store_explicit(&prog.gone, 1, memory_order_release);
	sync_wake(&prog.gone, 1);
	return sync_thread_exit();
}

void progress_start(enum progress_mode mode, int64_t total_bytes, int64_t total_files,
		    struct progress_trees *trees)
{
	struct termios tio;

	if (mode == PROGRESS_OFF ||
	    (mode == PROGRESS_AUTO && sys_ioctl(STDERR_FILENO, TCGETS, (unsigned long)&tio) != 0)) {
		free(trees->roots);	/* not a terminal: silent */
		return;
	}
	prog.mode = mode;
	method_watched();	/* a large file is seen going, 64 MiB a call */
	prog.total_bytes = total_bytes;
	prog.total_files = total_files;
	if (trees->n > 0) {
		prog.roots = trees->roots;
		tally_begin(prog.roots, trees->n, trees->follow);
	} else {
		free(trees->roots);
	}
	clock_gettime(CLOCK_MONOTONIC, &prog.t0);
	prog.running = sync_thread(progress_main, NULL, SYNC_STACK) == 0;
	if (!prog.running) {
		free(prog.roots);
		prog.roots = NULL;
	}
}

void progress_stop(void)
{
	if (!prog.running)
		return;
	atomic_store(&prog.stop, 1);
	sync_wake(&prog.stop, 1);
	while (!atomic_load_explicit(&prog.gone, memory_order_acquire))
		sync_wait(&prog.gone, 0);
	stats_add(&stats_total, &prog.stats);
	prog.running = false;
	free(prog.roots);
	prog.roots = NULL;
}

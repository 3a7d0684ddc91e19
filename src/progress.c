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
#include <string.h>
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
	unsigned copies;	/* destinations each source goes to (--also) */
} prog = { .copies = 1 };

void progress_copies(unsigned n)
{
	prog.copies = n;
}

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

/* The totals as far as they are known: *tf is -1 when it cannot be,
 * *tb when it cannot be or is not counted (a tree of small files: see
 * tally.c); *counting while the trees' files are still being counted
 * (*tf is then the count so far). */
static void progress_totals(int64_t *tb, int64_t *tf, bool *counting)
{
	struct tally_count c = { .files_done = true, .bytes_done = true };

	*tb = prog.total_bytes;
	*tf = prog.total_files;
	if (prog.roots && *tf >= 0) {
		tally_so_far(&c);
		*tf = c.files < 0 ? -1 : *tf + c.files;
		*tb = c.bytes < 0 || !c.bytes_done || *tf < 0 ? -1 : *tb + c.bytes;
	}
	*counting = !c.files_done && *tf >= 0;
	if (*tb >= 0)
		*tb *= prog.copies;
	if (*tf >= 0)
		*tf *= prog.copies;
}

static int progress_json(char *line, size_t n, uint64_t bytes, uint64_t files, double rate,
			 double t, bool last)
{
	char tb[24] = "null", tf[24] = "null";
	uint64_t w[WAY_COUNT];
	int64_t b, f;
	bool counting;

	progress_totals(&b, &f, &counting);
	if (b >= 0 && !counting)
		snprintf(tb, sizeof(tb), "%lld", (long long)b);
	if (f >= 0 && !counting)
		snprintf(tf, sizeof(tf), "%lld", (long long)f);
	stats_progress_ways(w);
	return snprintf(line, n,
			"{\"bytes\":%llu,\"files\":%llu,\"total_bytes\":%s,\"total_files\":%s,"
			"\"counting\":%s,\"bytes_by_way\":{\"cloned\":%llu,\"kernel\":%llu,"
			"\"user\":%llu},\"bytes_per_second\":%.0f,\"elapsed\":%.3f,\"done\":%s}\n",
			(unsigned long long)bytes, (unsigned long long)files, tb, tf,
			counting ? "true" : "false", (unsigned long long)w[WAY_CLONED],
			(unsigned long long)w[WAY_KERNEL], (unsigned long long)w[WAY_USER], rate, t,
			last ? "true" : "false");
}

/* The rate, then how the bytes went, where more than one way did or the
 * one is not the kernel's: "1.2 GiB/s (cloned 3.0 GiB)", so that a tree
 * of clones does not look like a copy that has stalled. */
static void progress_speed(char *buf, size_t n, double rate)
{
	static const char *const word[WAY_COUNT] = { "cloned", "kernel", "user" };
	uint64_t w[WAY_COUNT];
	char size[32];
	size_t len;
	int ways = 0;

	stats_progress_ways(w);
	progress_size(buf, n, rate);
	len = strlen(buf);
	snprintf(buf + len, n - len, "/s");
	for (int i = 0; i < WAY_COUNT; i++)
		ways += w[i] > 0;
	if (ways == 0 || (ways == 1 && w[WAY_KERNEL] > 0))
		return;
	for (int i = 0, said = 0; i < WAY_COUNT; i++) {
		if (!w[i])
			continue;
		progress_size(size, sizeof(size), (double)w[i]);
		len = strlen(buf);
		said++;
		snprintf(buf + len, n - len, "%s%s %s%s", said > 1 ? ", " : " (", word[i], size,
			 said == ways ? ")" : "");
	}
}

/* ", M:SS left" at this rate, for what is left of a total. */
static void progress_eta(char *eta, size_t n, double left, double rate, bool last)
{
	if (rate > 0 && !last && left > 0) {
		long s = (long)(left / rate);
		snprintf(eta, n, ", %ld:%02ld left", s / 60, s % 60);
	}
}

static int progress_line(char *line, size_t n, bool last)
{
	uint64_t files, bytes;
	double t = progress_elapsed(), rate;
	char done[32], total[32], speed[128], eta[32] = "";
	const char *end = last ? "\n" : "";
	int64_t tb, tf;
	bool counting;

	stats_progress(&files, &bytes);
	rate = t > 0 ? (double)bytes / t : 0;
	if (prog.mode == PROGRESS_JSON)
		return progress_json(line, n, bytes, files, rate, t, last);
	progress_size(done, sizeof(done), (double)bytes);
	progress_speed(speed, sizeof(speed), rate);
	progress_totals(&tb, &tf, &counting);
	if (tf < 0)
		return snprintf(line, n, "\r%s: %s, %llu files, %s (total not counted)\033[K%s",
				util_program, done, (unsigned long long)files, speed, end);
	if (counting)
		return snprintf(line, n, "\r%s: %s, %llu files, %s (counting the total: %lld "
				"files so far)\033[K%s",
				util_program, done, (unsigned long long)files, speed, (long long)tf, end);
	if (tb < 0) {
		/* Small files: the files' share is the measure, and the time left. */
		progress_eta(eta, sizeof(eta), (double)tf - (double)files,
			     t > 0 ? (double)files / t : 0, last);
		return snprintf(line, n, "\r%s: %s, %llu of %lld files (%d%%), %s%s\033[K%s",
				util_program, done, (unsigned long long)files, (long long)tf,
				tf ? (int)(100.0 * (double)files / (double)tf) : 100, speed, eta,
				end);
	}
	progress_size(total, sizeof(total), (double)tb);
	progress_eta(eta, sizeof(eta), (double)tb - (double)bytes, rate, last);
	return snprintf(line, n, "\r%s: %s of %s (%d%%), %llu of %lld files, %s%s\033[K%s",
			util_program, done, total,
			tb ? (int)(100.0 * (double)bytes / (double)tb) : 100,
			(unsigned long long)files, (long long)tf, speed, eta, end);
}

/* The line is on the terminal, drawn in place: a message clears it first. */
static atomic_uint progress_drawn;

static void progress_clear(void)
{
	static const char clear[] = "\r\033[K";

	if (atomic_exchange(&progress_drawn, 0))
		(void)sys_write(STDERR_FILENO, clear, sizeof(clear) - 1);
}

static void progress_draw(bool last)
{
	char line[256];
	int n = progress_line(line, sizeof(line), last);

	if (n > 0)
		(void)sys_write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	if (n > 0 && prog.mode != PROGRESS_JSON)
		atomic_store(&progress_drawn, !last);
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
	if (mode != PROGRESS_JSON)
		util_before_message(progress_clear);
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

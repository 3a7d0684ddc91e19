/* progress.c: --progress. A thread of its own wakes every 100 ms and
 * draws what the counters every thread adds to say (stats_progress):
 * the copy itself never waits for it. On a terminal the line is redrawn
 * in place; --progress=json writes an object a line. Its calls (the
 * futex sleeps, the writes) are counted in its own stats, added to the
 * run's when it stops. */
#include "progress.h"
#include "stats.h"
#include "sync.h"
#include "sys.h"
#include "util.h"

#include <stdio.h>
#include <termios.h>
#include <time.h>

#define PROGRESS_TICK_NS 100000000L

static struct {
	enum progress_mode mode;
	int64_t total_bytes, total_files;
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

static int progress_line(char *line, size_t n, bool last)
{
	uint64_t files, bytes;
	double t = progress_elapsed(), rate;
	char done[32], total[32], speed[32], eta[32] = "";

	stats_progress(&files, &bytes);
	rate = t > 0 ? (double)bytes / t : 0;
	if (prog.mode == PROGRESS_JSON) {
		char tb[24] = "null", tf[24] = "null";

		if (prog.total_bytes >= 0)
			snprintf(tb, sizeof(tb), "%lld", (long long)prog.total_bytes);
		if (prog.total_files >= 0)
			snprintf(tf, sizeof(tf), "%lld", (long long)prog.total_files);
		return snprintf(line, n,
				"{\"bytes\":%llu,\"files\":%llu,\"total_bytes\":%s,\"total_files\":%s,"
				"\"bytes_per_second\":%.0f,\"elapsed\":%.3f,\"done\":%s}\n",
				(unsigned long long)bytes, (unsigned long long)files, tb, tf, rate, t,
				last ? "true" : "false");
	}
	progress_size(done, sizeof(done), (double)bytes);
	progress_size(speed, sizeof(speed), rate);
	if (prog.total_bytes < 0)
		return snprintf(line, n, "\r%s: %s, %llu files, %s/s (total not counted)\033[K%s",
				util_program, done, (unsigned long long)files, speed,
				last ? "\n" : "");
	progress_size(total, sizeof(total), (double)prog.total_bytes);
	if (rate > 0 && !last && (uint64_t)prog.total_bytes > bytes) {
		long s = (long)(((double)prog.total_bytes - (double)bytes) / rate);
		snprintf(eta, sizeof(eta), ", %ld:%02ld left", s / 60, s % 60);
	}
	return snprintf(line, n, "\r%s: %s of %s (%d%%), %llu of %lld files, %s/s%s\033[K%s",
			util_program, done, total,
			prog.total_bytes ? (int)(100.0 * (double)bytes / (double)prog.total_bytes) : 100,
			(unsigned long long)files, (long long)prog.total_files, speed, eta,
			last ? "\n" : "");
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
	do {
		sync_wait_for(&prog.stop, 0, PROGRESS_TICK_NS);
		last = atomic_load(&prog.stop) != 0;
		progress_draw(last);
	} while (!last);
	prog.stats = stats_total;
	prog.stats.calls[SC_futex]++;	/* the wake below, made after the copy */
	atomic_store_explicit(&prog.gone, 1, memory_order_release);
	sync_wake(&prog.gone, 1);
	return sync_thread_exit();
}

void progress_start(enum progress_mode mode, int64_t total_bytes, int64_t total_files)
{
	struct termios tio;

	if (mode == PROGRESS_OFF)
		return;
	if (mode == PROGRESS_AUTO && sys_ioctl(STDERR_FILENO, TCGETS, (unsigned long)&tio) != 0)
		return;	/* not a terminal: silent */
	prog.mode = mode;
	prog.total_bytes = total_bytes;
	prog.total_files = total_files;
	clock_gettime(CLOCK_MONOTONIC, &prog.t0);
	prog.running = sync_thread(progress_main, NULL, SYNC_STACK) == 0;
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
}

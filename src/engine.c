/* engine.c: the job ring between the walker and its workers, and the
 * collector that prints what the workers said in walk order.
 *
 * The ring holds, in walk order: files for the workers (each runs cp_copy
 * with its messages kept aside, then marks its place done), what the
 * walker said meanwhile (notes), and steps for the collector to take in
 * their turn (a directory's attributes once its files are done). The
 * workers find their files through a queue of their own. The walker
 * collects from the oldest place, printing and folding the results, and
 * waits only when the ring is full, or when it must drain: before it lets
 * go of a directory's descriptors, and at the end of an operand.
 * Threads sleep and wake through counted futex calls (sync.c); their
 * stacks are mapped by counted calls; clone3 is counted as pthread_create
 * returns. What the C library does in a new thread on its own (its
 * signal mask, rseq, the robust list) and the thread's exit are not zcp's
 * to count (tests/helpers.bash allows them, so many per thread).
 */
#include "engine.h"
#include "batch.h"
#include "inflight.h"
#include "sync.h"
#include "sys.h"
#include "util.h"

#include <limits.h>
#include <sys/resource.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#define ENGINE_RING 128
#define ENGINE_WORKERS_MAX 64
/* The static TLS (quoting buffers, about 100 KiB) lives on it too. Pages
 * never touched cost no memory. */
/* Room for what one file's copy says (-v, errors, --stats lines). */
#define ENGINE_OUT_BUF 4096

#define NO_WANT UINT_MAX

/* What a place in the ring holds: a file for a worker, what the walker
 * said meanwhile, or a step the collector takes in its turn. */
enum engine_kind { KIND_JOB, KIND_NOTE, KIND_LATER };

struct engine_job {
	unsigned seq;
	enum engine_kind kind;
	struct cp_ctx *ctx;
	struct cp_path src, dst;
	struct stat made_dir;	/* dst.made_dir's, kept: its frame may go first */
	char *paths;		/* src.path and dst.path, one allocation */
	int err;
	struct util_capture out;
	int (*later)(void *arg);	/* KIND_LATER */
	void *arg;
	/* A batch's first file: the batch's size, the files at the places
	 * after it (only the first is in the workers' queue); else 0. */
	unsigned batch;
	atomic_uint done;
};

struct engine_worker {
	struct stats *stats;	/* its thread's counters, read once it is quiet */
	atomic_uint quiet;	/* stopped, and makes no more counted calls */
};

static struct {
	unsigned jobs;		/* --jobs; 0: one per CPU */
	bool tried;		/* workers started, or found not to be had */
	unsigned n;		/* workers running */
	atomic_uint issued;	/* places filled, in walk order (the collector's) */
	/* The workers' own queue: the places of the files alone, so that a
	 * worker never looks at a place the collector may fill again (the
	 * walker's notes are done, and collected, as soon as they are made). */
	/* Atomic: a worker may read a place the walker is filling again, when
	 * its take is stale; the compare-exchange after it then fails. */
	atomic_uint jobq[ENGINE_RING];
	atomic_uint jissued, jtaken, completed, sleepers, stop;
	atomic_uint waking;	/* a wake is on its way: no second one for the same work */
	atomic_uint wants;	/* the job the walker sleeps for, or NO_WANT */
	atomic_uint collected;	/* written by the collector alone */
	atomic_uint turn_waiters;	/* workers in engine_wait_turn */
	int err;		/* the last failure collected since the last drain */
	bool noting;		/* the walker's words go to the place at issued */
	struct engine_job ring[ENGINE_RING];
	struct engine_worker w[ENGINE_WORKERS_MAX];
} eng;

static _Thread_local bool engine_worker_thread;
static _Thread_local unsigned engine_current;	/* a worker's job, its place in the walk */

void engine_set_jobs(unsigned jobs)
{
	eng.jobs = jobs;
}

bool engine_in_worker(void)
{
	return engine_worker_thread;
}

/*
 * Serial where the output depends on the order things happen in, not only
 * on the order they are printed: -i asks before each file; --explain and
 * --debug say what was learned by the files before; --dry-run copies
 * nothing to share out; --also's runs go in step, one file at a time.
 */
bool engine_enabled(const struct cp_opts *o)
{
	return eng.jobs != 1 && !cp_says_at_once(o) && !o->also;
}

/* Wake a sleeping worker, unless one is being woken already: that one
 * takes what is there and wakes the next if more is. */
static void engine_wake_one(void)
{
	if (!atomic_load(&eng.sleepers) || atomic_exchange(&eng.waking, 1))
		return;
	if (sync_wake(&eng.jissued, 1) == 0)
		atomic_store(&eng.waking, 0);	/* it had woken by itself */
}

static struct engine_job *engine_take(void)
{
	for (;;) {
		unsigned t = atomic_load(&eng.jtaken);
		unsigned i = atomic_load(&eng.jissued);

		if (t != i) {
			/* Read before the take: once taken, the walker may queue
			 * another file in this place of the queue. */
			unsigned seq = atomic_load_explicit(&eng.jobq[t % ENGINE_RING],
							    memory_order_relaxed);

			if (!atomic_compare_exchange_weak(&eng.jtaken, &t, t + 1))
				continue;
			/* More than this one waiting: another sleeper can help. */
			if (i - t > 1)
				engine_wake_one();
			return &eng.ring[seq % ENGINE_RING];
		}
		if (atomic_load(&eng.stop))
			return NULL;
		/* Say so before looking again: the walker wakes a sleeper it sees. */
		atomic_fetch_add(&eng.sleepers, 1);
		if (atomic_load(&eng.jissued) == i && !atomic_load(&eng.stop))
			sync_wait(&eng.jissued, i);
		atomic_fetch_sub(&eng.sleepers, 1);
		atomic_store(&eng.waking, 0);
	}
}

/* Job j is done: it is the collector's, and the walker's if it waits. */
static void engine_done(struct engine_job *j)
{
	unsigned seq = j->seq;

	atomic_store_explicit(&j->done, 1, memory_order_release);
	atomic_fetch_add(&eng.completed, 1);
	/* Only the job it sleeps for wakes the walker: one call per batch;
	 * a worker waiting its turn is woken by every one, with it. */
	if (atomic_load(&eng.turn_waiters))
		sync_wake(&eng.completed, INT_MAX);
	else if (atomic_load(&eng.wants) == seq)
		sync_wake(&eng.completed, 1);
}

/* The files of a batch, copied together, then finished one by one in
 * walk order: each is done before the next's turn (engine_wait_turn). */
static void engine_run_batch(struct engine_job *first)
{
	struct batch_item v[BATCH_MAX];
	/* Read once: the first file's place is the walker's to fill again
	 * as soon as that file is done. */
	unsigned n = first->batch, seq = first->seq;

	for (unsigned i = 0; i < n; i++) {
		struct engine_job *j = &eng.ring[(seq + i) % ENGINE_RING];

		v[i].src = j->src;
		v[i].dst = j->dst;
	}
	batch_copy(first->ctx, v, n);
	for (unsigned i = 0; i < n; i++) {
		struct engine_job *j = &eng.ring[(seq + i) % ENGINE_RING];

		engine_current = seq + i;
		util_capture_start(&j->out);
		j->err = batch_finish(j->ctx, &v[i]);
		util_capture_stop();
		engine_done(j);
	}
}

static void engine_run(struct engine_job *j)
{
	if (j->batch) {
		engine_run_batch(j);
		return;
	}
	engine_current = j->seq;
	util_capture_start(&j->out);
	j->err = cp_copy(j->ctx, &j->src, &j->dst, false);
	util_capture_stop();
	engine_done(j);
}

static void *engine_worker_main(void *arg)
{
	struct engine_worker *w = arg;
	struct engine_job *j;

	engine_worker_thread = true;
	w->stats = &stats_total;
	while ((j = engine_take()) != NULL)
		engine_run(j);
	atomic_store_explicit(&w->quiet, 1, memory_order_release);
	return sync_thread_exit();
}

static unsigned engine_cpus(void)
{
	cpu_set_t set;

	if (sys_sched_getaffinity(&set) != 0)
		return 1;
	return (unsigned)CPU_COUNT(&set);
}

/* As many workers as the limits leave room for: each holds a dozen
 * descriptors at most (both ends, a ring, uring_splice's pipes) beside the
 * walk's (two a level it holds, TREE_OPEN_LEVELS of them) and the rest,
 * and its stack and buffers take about 16 MiB of address space. Under
 * `ulimit -n 64` or `ulimit -v 20000` the copy is serial, as cp's is,
 * rather than failing where cp copies. */
static unsigned engine_fit(unsigned want)
{
	struct rlimit rl;
	rlim_t fit, nofile = sys_nofile();

	if (nofile != RLIM_INFINITY) {
		fit = nofile > 96 ? (nofile - 96) / 12 : 0;
		if (fit < want)
			want = (unsigned)fit;
	}
	if (sys_getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		fit = rl.rlim_cur / (16 << 20);
		fit = fit > 1 ? fit - 1 : 0;
		if (fit < want)
			want = (unsigned)fit;
	}
	return want;
}

static bool engine_start(void)
{
	unsigned want = eng.jobs ? eng.jobs : engine_cpus();

	eng.tried = true;
	atomic_store(&eng.wants, NO_WANT);
	/* Before any thread could race to it. */
	inflight_init();
	if (want > ENGINE_WORKERS_MAX)
		want = ENGINE_WORKERS_MAX;
	if (want >= 2)
		want = engine_fit(want);
	if (want < 2)
		return false;
	for (unsigned i = 0; i < want; i++) {
		if (sync_thread(engine_worker_main, &eng.w[eng.n], SYNC_STACK) != 0)
			break;
		eng.n++;
	}
	/* One worker is a serial copy with extra steps. */
	return eng.n >= 1;
}

/* Sleep until job seq is done. */
static void engine_wait(unsigned seq)
{
	struct engine_job *j = &eng.ring[seq % ENGINE_RING];

	while (!atomic_load_explicit(&j->done, memory_order_acquire)) {
		unsigned c = atomic_load(&eng.completed);

		atomic_store(&eng.wants, seq);
		if (!atomic_load_explicit(&j->done, memory_order_acquire))
			sync_wait(&eng.completed, c);
		atomic_store(&eng.wants, NO_WANT);
	}
}

/* The oldest job is done: print what it said, note how it went. */
static void engine_collect_one(void)
{
	struct engine_job *j = &eng.ring[eng.collected % ENGINE_RING];

	engine_wait(eng.collected);
	util_capture_replay(&j->out);
	if (j->kind == KIND_LATER)
		j->err = j->later(j->arg);
	if (j->err)
		eng.err = j->err;
	free(j->paths);
	j->paths = NULL;
	/* In this order: a worker that sees the place emptied sees it
	 * collected (engine_done_before). */
	atomic_fetch_add(&eng.collected, 1);
	atomic_store_explicit(&j->done, 0, memory_order_release);
}

/* Print what is done already, in order, without waiting. */
static void engine_collect_ready(void)
{
	while (eng.collected != atomic_load(&eng.issued) &&
	       atomic_load_explicit(&eng.ring[eng.collected % ENGINE_RING].done,
				    memory_order_acquire))
		engine_collect_one();
}

/* Room in the ring for n more places, what is done printed first. When
 * full, wait for half of it, not for each job (two futex calls a file
 * otherwise), so the workers never run dry meanwhile; then for the
 * oldest, should they still run. */
static void engine_room(unsigned n)
{
	unsigned issued = atomic_load(&eng.issued);
	unsigned want = issued + n - ENGINE_RING;	/* collected must reach it */

	engine_collect_ready();
	if (issued + n - eng.collected <= ENGINE_RING)
		return;
	if ((int)(want - (eng.collected + ENGINE_RING / 2)) < 0)
		want = eng.collected + ENGINE_RING / 2;
	engine_wait(want - 1);
	engine_collect_ready();
	while (issued + n - eng.collected > ENGINE_RING)
		engine_collect_one();
}

/* The next place in the ring, made free: what is done is printed first. */
static struct engine_job *engine_place(enum engine_kind kind)
{
	unsigned seq = atomic_load(&eng.issued);
	struct engine_job *j;

	engine_room(1);
	j = &eng.ring[seq % ENGINE_RING];
	j->seq = seq;
	j->kind = kind;
	j->err = 0;
	/* Made here, on the walker's thread: a worker that mallocs gets an
	 * arena of its own, mapped by calls zcp could not count. */
	if (!j->out.buf) {
		j->out.cap = ENGINE_OUT_BUF;
		j->out.buf = util_xmalloc(j->out.cap);
	}
	return j;
}

/* Put the job j in the workers' queue, and wake one. */
static void engine_queue(struct engine_job *j)
{
	atomic_store_explicit(&eng.jobq[atomic_load(&eng.jissued) % ENGINE_RING], j->seq,
			      memory_order_relaxed);
	atomic_fetch_add(&eng.jissued, 1);
	engine_wake_one();
}

/* The place filled is the collector's (issued); a job also goes in the
 * workers' queue, unless it is a batch's later file. */
static void engine_issue(struct engine_job *j, bool queue)
{
	atomic_fetch_add(&eng.issued, 1);
	if (j->kind != KIND_JOB) {
		atomic_store_explicit(&j->done, 1, memory_order_release);
		return;
	}
	if (queue)
		engine_queue(j);
}

/* Anything handed over and not yet printed? */
static bool engine_busy(void)
{
	return eng.n && eng.collected != atomic_load(&eng.issued);
}

void engine_note_begin(void)
{
	if (!engine_busy())
		return;	/* nothing before it to wait for: straight out */
	util_capture_start(&engine_place(KIND_NOTE)->out);
	eng.noting = true;
}

void engine_note_end(void)
{
	if (!eng.noting)
		return;
	util_capture_stop();
	eng.noting = false;
	engine_issue(&eng.ring[atomic_load(&eng.issued) % ENGINE_RING], true);
}

int engine_later(int (*fn)(void *arg), void *arg)
{
	struct engine_job *j;

	if (eng.noting || !engine_busy())
		return -EAGAIN;
	j = engine_place(KIND_LATER);
	j->later = fn;
	j->arg = arg;
	engine_issue(j, true);
	return 0;
}

/* Fill the job j with the entry (s, d), its names its own. */
static void engine_fill(struct engine_job *j, struct cp_ctx *ctx, const struct cp_path *s,
			const struct cp_path *d)
{
	size_t ls = strlen(s->path) + 1, ld = strlen(d->path) + 1;

	j->ctx = ctx;
	j->batch = 0;
	j->paths = util_xmalloc(ls + ld);
	memcpy(j->paths, s->path, ls);
	memcpy(j->paths + ls, d->path, ld);
	j->src = *s;
	j->src.path = j->paths;
	j->src.name = j->paths + ls - 1 - strlen(s->name);
	j->dst = *d;
	j->dst.path = j->paths + ls;
	j->dst.name = j->paths + ls + ld - 1 - strlen(d->name);
	if (d->made_dir) {
		j->made_dir = *d->made_dir;
		j->dst.made_dir = &j->made_dir;
	}
}

/* May the walker hand over now? Workers are started at the first file. */
static bool engine_ready(void)
{
	if (!eng.tried && !engine_start())
		return false;
	return eng.n && !eng.noting;
}

unsigned engine_workers(void)
{
	return engine_ready() ? eng.n : 0;
}

int engine_submit(struct cp_ctx *ctx, const struct cp_path *s, const struct cp_path *d)
{
	struct engine_job *j;

	if (!engine_ready())
		return -EAGAIN;
	j = engine_place(KIND_JOB);
	engine_fill(j, ctx, s, d);
	engine_issue(j, true);
	return 0;
}

int engine_submit_batch(struct cp_ctx *ctx, const struct batch_item *v, unsigned n)
{
	struct engine_job *first = NULL;

	if (!engine_ready())
		return -EAGAIN;
	/* Room for all of it first: the walker must not wait for a place
	 * while the batch's first file, not yet queued, holds the ring. */
	engine_room(n);
	for (unsigned i = 0; i < n; i++) {
		struct engine_job *j = engine_place(KIND_JOB);

		engine_fill(j, ctx, &v[i].src, &v[i].dst);
		if (!first)
			first = j;
		engine_issue(j, false);
	}
	first->batch = n;
	engine_queue(first);
	return 0;
}

/* Is every job before seq done? A place found empty was collected, so
 * done, if collected has gone past it. */
static bool engine_done_before(unsigned seq)
{
	for (unsigned i = atomic_load(&eng.collected); i != seq; i++)
		if (!atomic_load_explicit(&eng.ring[i % ENGINE_RING].done, memory_order_acquire) &&
		    (int)(atomic_load(&eng.collected) - i) <= 0)
			return false;
	return true;
}

void engine_wait_turn(void)
{
	if (!engine_worker_thread) {
		unsigned end = atomic_load(&eng.issued);

		for (unsigned s = eng.collected; eng.n && s != end; s++)
			engine_wait(s);
		return;
	}
	atomic_fetch_add(&eng.turn_waiters, 1);
	for (;;) {
		unsigned c = atomic_load(&eng.completed);

		if (engine_done_before(engine_current))
			break;
		sync_wait(&eng.completed, c);
	}
	atomic_fetch_sub(&eng.turn_waiters, 1);
}

int engine_drain(void)
{
	/* While the walker notes, up to its note: what is printed meanwhile
	 * goes into the note, in its order. */
	unsigned end = atomic_load(&eng.issued);
	int err;

	/* The newest first: one sleep, as jobs end about in order. */
	if (eng.collected != end)
		engine_wait(end - 1);
	while (eng.collected != end)
		engine_collect_one();
	err = eng.err;
	eng.err = 0;
	return err;
}

void engine_stop(void)
{
	if (!eng.n)
		return;
	engine_drain();
	atomic_store(&eng.stop, 1);
	for (unsigned i = 0; i < eng.n; i++) {
		/* A worker woken is about to be quiet; it says so by a store
		 * alone (a wake would be a call after its counts were read),
		 * so look every 100 us. The wake is rung again each time: one
		 * that looked at stop just before it was set sleeps after the
		 * first (stop is not the word it sleeps on). */
		while (!atomic_load_explicit(&eng.w[i].quiet, memory_order_acquire)) {
			sync_wake(&eng.jissued, (int)eng.n);
			sync_wait_for(&eng.w[i].quiet, 0, 100000);
		}
		stats_add(&stats_total, eng.w[i].stats);
	}
	eng.n = 0;
	for (unsigned i = 0; i < ENGINE_RING; i++)
		free(eng.ring[i].out.buf);
}

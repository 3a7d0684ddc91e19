/* also.c: --also DEST: each destination gets the copy as if zcp had run
 * once for it, and each source file is read once for all of them.
 *
 * Each destination is one run of the whole copy (its own cp_ctx, target,
 * walk and rules) on a thread of its own, and one thread runs at a time.
 * A run's position is the operand's number, then the entry's index in
 * each directory listing on the way down. A run about to copy a file's
 * data waits at its position; the run furthest behind goes next, the
 * first destination first among equals. Once every other run is past
 * that position or waiting there, the data goes to all the runs waiting
 * there with that same source file in one fan-out (fanout.c), and each
 * goes on with its own file: its attributes, its messages, its --stats
 * record. So the runs go through the same files side by side, and a run
 * that left a directory out (it could not be made there) just comes
 * later.
 *
 * The messages come out position by position: at each, what each
 * destination says before the data is copied, in the order of the
 * command line, then what each says after. A run's messages are held
 * (util_capture), each piece marked with its position and its side of
 * the data, and put out once no run can say more before that mark. So a
 * run goes on from one file's data to the next file's without a
 * hand-over in between: the last to come to a file copies its data and
 * goes on, one hand-over a file and destination. Where a message cannot
 * wait (-i's question) or is not written through util (--explain,
 * --debug, --dry-run), every run instead stops at every operand and entry
 * and goes when its turn comes, its messages written as it makes them:
 * the same order.
 *
 * The turn is handed over by a release store and a futex wake (sync.c),
 * and the runs share one CPU: woken on another, idle one, the next run
 * would wait for that CPU to wake up first (an interrupt to a halted
 * virtual CPU, tens of microseconds, several times a file); on the same
 * CPU the hand-over is a switch. One runs at a time anyway. What the
 * runs share (the pipes, the report, the counters of a file
 * being copied for another run) is touched only by the one whose turn it
 * is, so the handover orders it.
 */
#include "also.h"
#include "fanout.h"
#include "sync.h"
#include "sys.h"
#include "util.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum also_state { AL_READY, AL_RUNNING, AL_WAITING, AL_RESUMING, AL_DONE };

struct also_pos {
	unsigned *v;
	size_t n, cap;
};

/* A run's data copy, waiting for the others. */
struct also_wait {
	struct copy_job *job;
	struct plan *plan;
	struct stats *file;	/* its --stats record */
	bool single;		/* no other run copies this file: exec_run did */
	int err, used;
	bool tee;
	unsigned ends;		/* the destinations it went to together */
	struct fanout_end end;
};

/* A run's messages held, from before (0) or after (1) the data at pos. */
struct also_seg {
	struct also_pos pos;
	unsigned side;
	struct util_capture out;
};

struct also_run {
	unsigned k;
	atomic_uint turn;	/* 1: its turn has come */
	enum also_state state;
	struct also_pos pos;
	unsigned operand;	/* operands begun */
	struct also_wait *w;	/* AL_WAITING, AL_RESUMING */
	int src_fd;		/* a source not regular open at pos, or -1 */
	dev_t src_dev;
	ino_t src_ino;
	struct also_run *group;	/* the run that copies the data it waits for */
	int (*fn)(unsigned k, void *arg);
	void *arg;
	int ret;
	struct stats stats;	/* its counts, once done */
	unsigned side;		/* 0 before the data at pos, 1 after */
	struct util_capture cur;	/* messages held at pos, side */
	struct also_seg *seg;	/* ... at earlier positions: seg[seg0..nseg-1] */
	size_t seg0, nseg, segcap;
	size_t held;		/* bytes held in seg */
};

static struct {
	unsigned n;
	struct also_run r[FANOUT_MAX];
	atomic_uint done;	/* every run is done */
	int cpu;		/* the CPU the runs share, or -1 */
	bool hold;		/* messages held (see the top) */
} al;

/* Held beyond this, a run waits for the runs behind it, whose turn puts
 * its messages out: what is held stays small when one run goes far ahead
 * (none of its files copied: -n, say). */
#define ALSO_HELD_MAX (64u << 10)

static _Thread_local struct also_run *al_self;

unsigned also_count(void)
{
	return al.n ? al.n : 1;
}

bool also_active(void)
{
	return al_self != NULL;
}

/* Position order: index by index; a directory's own entry comes before
 * its entries. */
static int also_cmp(const struct also_pos *a, const struct also_pos *b)
{
	for (size_t i = 0; i < a->n && i < b->n; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	return a->n < b->n ? -1 : a->n > b->n;
}

static void also_pos_set(struct also_pos *p, unsigned first, const unsigned *rest, size_t n)
{
	if (n + 1 > p->cap) {
		p->cap = (n + 1) * 2;
		p->v = realloc(p->v, p->cap * sizeof(*p->v));
		if (!p->v)
			util_nomem();
	}
	p->v[0] = first;
	if (n)
		memcpy(p->v + 1, rest, n * sizeof(*rest));
	p->n = n + 1;
}

static bool also_same_source(const struct also_wait *a, const struct also_wait *b)
{
	return a->job->src.fd == b->job->src.fd ||
	       (a->job->src.st.st_dev == b->job->src.st.st_dev &&
		a->job->src.st.st_ino == b->job->src.st.st_ino);
}

/* The waiting runs at x's position with x's source: their data is x's to
 * copy, all of them going on after. */
static void also_group(struct also_run *x)
{
	for (unsigned k = 0; k < al.n; k++) {
		struct also_run *r = &al.r[k];

		if (r->state == AL_WAITING && also_cmp(&r->pos, &x->pos) == 0 &&
		    also_same_source(r->w, x->w)) {
			r->state = AL_RESUMING;
			r->group = x;
		}
	}
}

/* Whose turn is next: the run furthest behind, but for data waited for
 * at a position no run can still come to, which is copied first. NULL:
 * all are done. */
static struct also_run *also_pick(void)
{
	struct also_run *best = NULL, *wait = NULL;

	for (unsigned k = 0; k < al.n; k++) {
		struct also_run *r = &al.r[k];

		if (r->state == AL_READY || r->state == AL_RESUMING) {
			if (!best || also_cmp(&r->pos, &best->pos) < 0)
				best = r;
		} else if (r->state == AL_WAITING) {
			if (!wait || also_cmp(&r->pos, &wait->pos) < 0)
				wait = r;
		}
	}
	if (wait && (!best || also_cmp(&best->pos, &wait->pos) > 0)) {
		struct also_run *me = al_self;

		/* With the messages held, the last to come copies and goes on. */
		if (al.hold && me && me->state == AL_WAITING &&
		    also_cmp(&me->pos, &wait->pos) == 0 && also_same_source(me->w, wait->w))
			wait = me;
		also_group(wait);
		return wait;
	}
	return best;
}

/* Marks in the order the messages go out. */
static int also_mark_cmp(const struct also_pos *a, unsigned as, const struct also_pos *b,
			 unsigned bs)
{
	int c = also_cmp(a, b);

	return c ? c : (as > bs) - (as < bs);
}

/* r leaves its position or its side: what it said there joins the held. */
static void also_hold_cut(struct also_run *r)
{
	struct also_seg *g;

	if (!r->cur.len)
		return;
	if (r->seg0 == r->nseg)
		r->seg0 = r->nseg = 0;
	if (r->nseg == r->segcap) {
		r->segcap = r->segcap ? r->segcap * 2 : 8;
		r->seg = realloc(r->seg, r->segcap * sizeof(*r->seg));
		if (!r->seg)
			util_nomem();
	}
	g = &r->seg[r->nseg++];
	*g = (struct also_seg){ .side = r->side, .out = r->cur };
	if (r->pos.n)	/* else before its first operand: first of all */
		also_pos_set(&g->pos, r->pos.v[0], r->pos.v + 1, r->pos.n - 1);
	r->held += r->cur.len;
	r->cur = (struct util_capture){ 0 };
}

/* The held messages of every position that no run still to go can say
 * more at, position by position, each destination's in order; by the run
 * whose turn it is (its own held again after). */
static void also_flush(void)
{
	const struct also_run *limit = NULL;

	for (unsigned k = 0; k < al.n; k++) {
		const struct also_run *r = &al.r[k];

		if (r->state != AL_DONE &&
		    (!limit || also_mark_cmp(&r->pos, r->side, &limit->pos, limit->side) < 0))
			limit = r;
	}
	util_capture_stop();
	for (;;) {
		struct also_run *best = NULL;
		struct also_seg *g, *bg = NULL;

		for (unsigned k = 0; k < al.n; k++) {
			struct also_run *r = &al.r[k];

			if (r->seg0 == r->nseg)
				continue;
			g = &r->seg[r->seg0];
			if ((!limit ||
			     also_mark_cmp(&g->pos, g->side, &limit->pos, limit->side) < 0) &&
			    (!bg || also_mark_cmp(&g->pos, g->side, &bg->pos, bg->side) < 0)) {
				best = r;
				bg = g;
			}
		}
		if (!best)
			break;
		best->held -= bg->out.len;
		util_capture_replay(&bg->out);
		free(bg->out.buf);
		free(bg->pos.v);
		best->seg0++;
	}
	if (al_self && al_self->state != AL_DONE)
		util_capture_start(&al_self->cur);
}

static void also_take_turn(struct also_run *r)
{
	while (!atomic_load_explicit(&r->turn, memory_order_acquire))
		sync_wait(&r->turn, 0);
	atomic_store_explicit(&r->turn, 0, memory_order_relaxed);
	r->state = AL_RUNNING;
}

/* me stops (READY at a new position, WAITING, or DONE): the turn goes on,
 * and comes back to me in mine. */
static void also_yield(struct also_run *me, enum also_state state)
{
	struct also_run *next;

	me->state = state;
	if (state != AL_WAITING)
		me->src_fd = -1;	/* closed by now, or soon: not to be shared */
	if (al.hold) {
		if (state == AL_DONE)
			also_hold_cut(me);
		also_flush();
	}
	next = also_pick();
	if (next == me) {
		me->state = AL_RUNNING;
		return;
	}
	if (next) {
		atomic_store_explicit(&next->turn, 1, memory_order_release);
		sync_wake(&next->turn, 1);
	} else {
		atomic_store_explicit(&al.done, 1, memory_order_release);
		sync_wake(&al.done, 1);
	}
	if (state != AL_DONE)
		also_take_turn(me);
}

void also_operand(void)
{
	struct also_run *r = al_self;

	if (!r)
		return;
	if (al.hold)
		also_hold_cut(r);
	r->side = 0;
	also_pos_set(&r->pos, r->operand++, NULL, 0);
	if (!al.hold || r->held > ALSO_HELD_MAX)
		also_yield(r, AL_READY);
}

void also_entry(const unsigned *idx, size_t n)
{
	struct also_run *r = al_self;

	if (!r)
		return;
	if (al.hold)
		also_hold_cut(r);
	r->side = 0;
	also_pos_set(&r->pos, r->operand - 1, idx, n);
	if (!al.hold || r->held > ALSO_HELD_MAX)
		also_yield(r, AL_READY);
}

int also_source(const struct stat *sst)
{
	struct also_run *me = al_self;

	if (!me || S_ISREG(sst->st_mode))
		return -1;
	for (unsigned k = 0; k < al.n; k++) {
		struct also_run *r = &al.r[k];

		if (r != me && r->src_fd >= 0 && r->src_dev == sst->st_dev &&
		    r->src_ino == sst->st_ino && also_cmp(&r->pos, &me->pos) == 0)
			return sys_fcntl(r->src_fd, F_DUPFD_CLOEXEC, 0);
	}
	return -1;
}

void also_source_opened(int fd, const struct stat *sst)
{
	struct also_run *me = al_self;

	if (!me || S_ISREG(sst->st_mode))
		return;
	me->src_fd = fd;
	me->src_dev = sst->st_dev;
	me->src_ino = sst->st_ino;
}

/* x's turn, with the data of its group to copy: alone (exec_run, the
 * best method for one), or to all of them at once. */
static void also_copy(struct also_run *x)
{
	struct fanout_end e[FANOUT_MAX];
	struct also_run *who[FANOUT_MAX];
	unsigned n = 0;
	bool tee;

	for (unsigned k = 0; k < al.n; k++) {
		struct also_run *r = &al.r[k];

		if (r->group != x)
			continue;
		r->group = NULL;
		who[n] = r;
		e[n++] = (struct fanout_end){ .job = r->w->job, .file = r->w->file };
	}
	if (n == 1) {
		x->w->single = true;
		x->w->err = exec_run(x->w->job, x->w->plan, &x->w->used);
		return;
	}
	(void)fanout_copy(e, n, &tee);
	for (unsigned i = 0; i < n; i++) {
		struct also_wait *w = who[i]->w;

		w->err = e[i].err;
		w->tee = tee;
		w->ends = n;
		w->end = e[i];
	}
}

/* A clone shares the source's data and reads none of it: where the plan
 * starts with one, it is tried alone first. *used < 0 with an
 * "unsupported" error: no clone, the rest of the plan is left to try. */
static int also_clone(struct copy_job *job, struct plan *plan, int *used)
{
	struct plan only = *plan;
	int first = plan_next(plan, -1), err;

	*used = -1;
	if (first < 0 || !(plan->steps[first].m->flags & METHOD_WHOLE_FILE))
		return -ENOTSUP;
	for (unsigned i = 0; i < only.n; i++)
		if (!(only.steps[i].m->flags & METHOD_WHOLE_FILE))
			only.steps[i].state = STEP_SKIPPED;
	err = exec_run(job, &only, used);
	for (unsigned i = 0; i < plan->n; i++)
		if (plan->steps[i].m->flags & METHOD_WHOLE_FILE)
			plan->steps[i] = only.steps[i];
	return err;
}

/* The fan-out's step, told as --explain tells it. */
static const struct copy_method *also_method(bool tee, bool user, unsigned ends, bool dry)
{
	static _Thread_local struct copy_method m;
	static _Thread_local char why[200];
	char who[72] = "would be read once for every destination that copies it then";

	if (!dry)
		snprintf(who, sizeof(who), "read once for %u destinations", ends);
	snprintf(why, sizeof(why), "the source %s%s", who,
		 tee ? ": spliced into a pipe, tee(2) to each, spliced out; 0 user copies"
		     : " into one buffer, written to each (it cannot be spliced, or its zeros "
		       "must be seen)");
	m = (struct copy_method){ .name = tee ? "tee" : "buffer", .why = why,
				  .flags = tee ? 0 : METHOD_SEES_DATA, .user_copies = user ? 2 : 0 };
	return &m;
}

/* The plan's steps but a clone (tried first, alone) give way to the
 * fan-out, chosen (or failed with err). The fan-out's step. */
static int also_plan_fanout(struct plan *p, const struct copy_method *m, int err)
{
	for (unsigned i = 0; i < p->n; i++)
		if (p->steps[i].state == STEP_CANDIDATE &&
		    !(p->steps[i].m->flags & METHOD_WHOLE_FILE)) {
			p->steps[i].state = STEP_SKIPPED;
			p->steps[i].reason = "--also: the source is read once for every destination";
		}
	p->steps[p->n++] = (struct plan_step){ .m = m, .state = err ? STEP_CANDIDATE : STEP_USED,
					       .err = err };
	return (int)p->n - 1;
}

void also_dry_plan(const struct copy_job *job, struct plan *plan)
{
	if (al_self) {
		int k = also_plan_fanout(plan, also_method(fanout_tees(job), false, 0, true), 0);

		plan->steps[k].state = STEP_CANDIDATE;	/* what would be tried */
	}
}

/* The data went to w->ends destinations at once: the plan says so (one
 * step more, the fan-out's), and this run counts its own share. */
static void also_settle(struct also_wait *w, int *used)
{
	const struct copy_method *m = also_method(w->tee, w->end.user, w->ends, false);

	*used = also_plan_fanout(w->plan, m, w->err);
	stats_model_kernel_copies(w->end.model);
	stats_way(w->end.user ? WAY_USER : WAY_KERNEL, w->job->written);
	if (!w->err)
		stats_file_method(m->name);
}

int also_data(struct copy_job *job, struct plan *plan, int *used)
{
	struct also_run *r = al_self;
	struct also_wait w = { .job = job, .plan = plan, .used = -1 };
	int err = also_clone(job, plan, used);

	/* Cloned, or failed for good (nothing else in the plan to try). */
	if (*used >= 0 || !method_unsupported(err) || plan_next(plan, -1) < 0)
		return err;
	/* An existing destination is emptied now, in its run, as exec_run
	 * empties it before its first method that writes. */
	if (job->begin) {
		int first = plan_next(plan, -1);

		err = job->begin(job, job->begin_arg);
		job->begin = NULL;
		if (err) {
			job->err_side = JOB_ERR_WRITE;
			plan->steps[first].err = err;
			*used = first;
			return err;
		}
	}
	w.file = stats_file_here();
	r->w = &w;
	if (al.hold) {
		also_hold_cut(r);
		r->side = 1;
	}
	also_yield(r, AL_WAITING);
	if (r->group == r)
		also_copy(r);
	r->w = NULL;
	if (w.single) {
		*used = w.used;
		return w.err;
	}
	also_settle(&w, used);
	return w.err;
}

static void also_pin(void)
{
	cpu_set_t set;

	if (al.cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(al.cpu, &set);
	/* Left free to move when it fails: only slower. */
	(void)sys_sched_setaffinity(&set);
}

static void *also_main(void *arg)
{
	struct also_run *r = arg;

	al_self = r;
	also_pin();
	also_take_turn(r);
	if (al.hold)
		util_capture_start(&r->cur);
	r->ret = r->fn(r->k, r->arg);
	r->stats = stats_total;
	r->stats.calls[SC_futex]++;	/* the wake in also_yield, after this */
	also_yield(r, AL_DONE);
	return sync_thread_exit();
}

int also_runs(unsigned n, bool hold, int (*fn)(unsigned k, void *arg), void *arg, int *status)
{
	unsigned started = 0;
	int err = 0;

	if (n > FANOUT_MAX)
		return -E2BIG;
	al.n = n;
	al.hold = hold;
	al.cpu = sched_getcpu();	/* from the kernel's rseq area: no call */
	for (unsigned k = 0; k < n; k++)
		al.r[k] = (struct also_run){ .k = k, .state = AL_READY, .src_fd = -1, .fn = fn,
					     .arg = arg };
	for (; started < n; started++)
		if ((err = sync_thread(also_main, &al.r[started], SYNC_STACK)) != 0)
			break;
	if (started < n) {
		/* The ones started never get their turn: they are left asleep. */
		return err;
	}
	atomic_store_explicit(&al.r[0].turn, 1, memory_order_release);
	sync_wake(&al.r[0].turn, 1);
	while (!atomic_load_explicit(&al.done, memory_order_acquire))
		sync_wait(&al.done, 0);
	*status = 0;
	for (unsigned k = 0; k < n; k++) {
		*status |= al.r[k].ret;
		stats_add(&stats_total, &al.r[k].stats);
		free(al.r[k].pos.v);
		free(al.r[k].seg);
	}
	return 0;
}

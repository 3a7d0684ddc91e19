/* engine.h: copy workers beside the walker.
 *
 * The walker (the main thread, tree.c) keeps cp's decisions that need the
 * whole picture and hands the per-file work of a tree's entries to N
 * workers: each runs cp_copy for one entry, its messages kept aside. The
 * collector, on the walker's thread, prints them in walk order and folds
 * the results, so that output and exit status are a serial run's.
 */
#ifndef ZCP_ENGINE_H
#define ZCP_ENGINE_H

#include "batch.h"
#include "cp.h"

#include <stdbool.h>

/* --jobs: 0 (the default) is one worker per CPU zcp may run on, found
 * when the first tree needs them; 1 copies on the walker, serially. */
void engine_set_jobs(unsigned jobs);
/* May the walker hand entries to workers in this run? */
bool engine_enabled(const struct cp_opts *o);
/* Hand the entry (s, d) of a directory being walked to a worker; its
 * descriptors stay open until the entry is collected (engine_drain, or a
 * step taken after it, engine_later). 0, or -errno when no worker
 * could be had: then the walker copies the entry itself. */
int engine_submit(struct cp_ctx *ctx, const struct cp_path *s, const struct cp_path *d);
/* The workers that may take entries now (started if they were not), or
 * 0: the walker copies them itself. */
unsigned engine_workers(void);
/* Hand the n entries of a batch (batch.h) to one worker, as n entries
 * in walk order; 0, or -EAGAIN as engine_submit. */
int engine_submit_batch(struct cp_ctx *ctx, const struct batch_item *v, unsigned n);
/* Wait for every entry handed over, print what they said, in order; the
 * last failure among them, or 0. */
int engine_drain(void);
/* What the walker prints between these two goes after what the workers
 * print for the entries handed over before (walk order); nothing is
 * handed over in between. */
void engine_note_begin(void);
void engine_note_end(void);
/* Have the collector run fn(arg) once everything handed over before is
 * done and printed (a directory's attributes after its last file); its
 * result is a failure like a file's. 0, or -EAGAIN: nothing is pending,
 * the caller runs it now. */
int engine_later(int (*fn)(void *arg), void *arg);
/* Wait until every entry before this one in walk order is done (the
 * walker: every entry handed over), so that what depends on who comes
 * first (a hard-link group's copy) goes as in a serial run. */
void engine_wait_turn(void);
/* On a worker's thread? (A directory it meets is not its to walk.) */
bool engine_in_worker(void);
/* The workers are done: their counts go into this thread's stats. */
void engine_stop(void);

#endif

/* also.h: --also DEST: the copy made to several destinations, each as if
 * zcp had run once for it, each source file read once for all. */
#ifndef ZCP_ALSO_H
#define ZCP_ALSO_H

#include "exec.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* Run fn(k, arg) for k = 0..n-1, each on a thread of its own, one at a
 * time in walk order (also.c); wait for all. hold: every message goes
 * through util_put and none asks anything, so the runs' messages may be
 * held and put out in order later (fewer hand-overs). The exit statuses
 * or'ed, each run's counts added to this thread's. -errno: no thread
 * could be had (nothing was run). */
int also_runs(unsigned n, bool hold, int (*fn)(unsigned k, void *arg), void *arg,
	      int *status);

/* How many runs there are (1 without --also). */
unsigned also_count(void);
/* Is this thread one of the runs? */
bool also_active(void);
/* A run is at its next operand, or at entry idx[n-1] of the directory
 * idx[0..n-2] lead to in its current operand's tree: it waits there
 * for the runs behind it. (Nothing outside a run.) */
void also_operand(void);
void also_entry(const unsigned *idx, size_t n);
/* A source that is not a regular file (a FIFO, a device) is opened once
 * for all the runs at one place: the others take a duplicate of the
 * first one's descriptor (a FIFO's writer may be gone by their turn).
 * The duplicate, or -1: open it, then tell also_source_opened. */
int also_source(const struct stat *sst);
void also_source_opened(int fd, const struct stat *sst);
/* --dry-run: the plan says the fan-out a copy would make (after a clone,
 * which is tried first). Nothing outside a run. */
void also_dry_plan(const struct copy_job *job, struct plan *plan);
/* exec_run for a run: the data is copied with the other runs' of the
 * same source at the same place, the source read once. */
int also_data(struct copy_job *job, struct plan *plan, int *used);

#endif

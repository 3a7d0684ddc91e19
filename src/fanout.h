/* fanout.h: one source's data to several destinations, the source read
 * once (--also). */
#ifndef ZCP_FANOUT_H
#define ZCP_FANOUT_H

#include "method.h"
#include "stats.h"

#include <stdbool.h>

/* Destinations in one fan-out at most: DEST and the --also ones. */
#define FANOUT_MAX 16

/* One destination of the fan-out. Every end's job has the same source
 * (one open file: the first end's fd is read); each its own destination,
 * already emptied where it was there (job->begin done). */
struct fanout_end {
	struct copy_job *job;
	struct stats *file;	/* the --stats record its calls count in, or NULL */
	int err;		/* why it dropped out; 0: it has the whole copy */
	bool buffered;		/* takes no splice: its pipe is read, then written */
	bool spliced;		/* a splice wrote into it (EINVAL is then an error) */
	bool user;		/* its data passed through user space */
	uint64_t model;		/* kernel CPU copies of its data, in bytes (a model) */
};

/* Copy the source to every end: tee(2) and splice where the source can
 * be spliced, else one buffer read once and written to each; *tee says
 * which. A destination that fails drops out (its err, its job's
 * err_side) and the others go on. 0, or the source's error (job->err_side
 * JOB_ERR_READ in every end), which no end survives. */
int fanout_copy(struct fanout_end *e, unsigned n, bool *tee);
/* Can job's source be spliced, and is there no reason to see its data:
 * would fanout_copy tee it? */
bool fanout_tees(const struct copy_job *job);

#endif

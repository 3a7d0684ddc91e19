/* exec.h: the executor, which runs every copy of data zcp makes. */
#ifndef ZCP_EXEC_H
#define ZCP_EXEC_H

#include "method.h"
#include "plan.h"

/* One end of a job as the caller has it. */
struct exec_end {
	int fd;
	const char *path;
	const struct stat *st;	/* NULL: fstat the fd */
	bool inherited;		/* stdin or stdout: starts where it stands */
	bool is_new;		/* created empty by this copy */
};

/* Fill job for src -> dst: offsets, both ends classified, holes, flags.
 * 0 or -errno; job->err_side tells which end failed. */
int exec_job_init(struct copy_job *job, const struct exec_end *src, const struct exec_end *dst,
		  enum sparse_mode sparse, bool reflink_always, bool reflink_never);

/* Order the methods for the job; -ENOTSUP when none can serve it, which
 * is known before the destination is emptied. */
int exec_plan(struct copy_job *job, struct plan *plan, const struct plan_order *order);
/* Run a plan made by exec_plan, falling back on "unsupported" before any
 * byte moved; 0 or -errno, *used the step that ran (-1: none). */
int exec_run(struct copy_job *job, struct plan *plan, int *used);


#endif

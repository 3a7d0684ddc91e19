/* exec.h: the executor, which runs every copy of data zcp makes. */
#ifndef ZCP_EXEC_H
#define ZCP_EXEC_H

#include "method.h"
#include "plan.h"

struct exec_opts {
	const struct plan_order *order;
	bool explain;
	bool dry_run;
};

/*
 * Copy the data of job->src to job->dst by the plan's methods, falling
 * back on "unsupported" before any byte moved. The plan is left filled
 * in for --explain. Returns 0 or -errno; *used is the method that ran.
 */
int exec_copy(struct copy_job *job, struct plan *plan, const struct exec_opts *o,
	      int *used);

#endif

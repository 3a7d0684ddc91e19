/* plan.h: classify a source/destination pair and order the methods. */
#ifndef ZCP_PLAN_H
#define ZCP_PLAN_H

#include "method.h"

enum step_state {
	STEP_SKIPPED,	/* the method cannot serve this pair */
	STEP_CANDIDATE,	/* will be tried, in order */
	STEP_FAILED,	/* tried, said "unsupported" before moving a byte */
	STEP_USED,	/* did the copy */
};

struct plan_step {
	const struct copy_method *m;
	enum step_state state;
	const char *reason;	/* why skipped */
	int err;		/* why it failed */
};

#define PLAN_MAX 16

struct plan {
	struct plan_step steps[PLAN_MAX];
	unsigned n;
};

/* The methods to consider, in order (--method, or the table). */
struct plan_order {
	const struct copy_method *m[PLAN_MAX];
	unsigned n;
	bool forced;
};

void plan_order_default(struct plan_order *o);
/* Parse NAME[,NAME...]; 0, or -EINVAL with *bad pointing into list. */
int plan_order_parse(struct plan_order *o, char *list, const char **bad);

void plan_make(struct plan *p, const struct copy_job *job, const struct plan_order *o);
/* The first candidate, or -1. */
int plan_next(const struct plan *p, int after);

#endif

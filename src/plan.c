/* plan.c: what the two ends are, and which methods to try in what order. */
#include "plan.h"
#include "sys.h"

#include <string.h>

void plan_order_default(struct plan_order *o)
{
	o->n = 0;
	o->forced = false;
	for (unsigned i = 0; i < method_count && i < PLAN_MAX; i++)
		o->m[o->n++] = method_table[i];
}

int plan_order_parse(struct plan_order *o, char *list, const char **bad)
{
	char *save = NULL;

	o->n = 0;
	o->forced = true;
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const struct copy_method *m = method_find(t);
		if (!m || o->n == PLAN_MAX) {
			*bad = t;
			return -EINVAL;
		}
		o->m[o->n++] = m;
	}
	if (o->n == 0) {
		*bad = list;
		return -EINVAL;
	}
	return 0;
}

static const char *plan_skip_reason(const struct copy_job *job, const struct copy_method *m)
{
	int err;

	if (job->sparse == SPARSE_ALWAYS && job->may_punch && !(m->flags & METHOD_SEES_DATA))
		return "--sparse=always must see the data to find runs of zeros";
	if (job->reflink_always && !(m->flags & METHOD_WHOLE_FILE))
		return "--reflink=always";
	if (method_fact_get(m, job->src.st.st_dev, job->dst.st.st_dev, &err) == FACT_FAILS)
		return "failed earlier between these file systems";
	return m->applies(job);
}

void plan_make(struct plan *p, const struct copy_job *job, const struct plan_order *o)
{
	p->n = 0;
	for (unsigned i = 0; i < o->n; i++) {
		struct plan_step *s = &p->steps[p->n++];
		s->m = o->m[i];
		s->err = 0;
		s->reason = plan_skip_reason(job, s->m);
		s->state = s->reason ? STEP_SKIPPED : STEP_CANDIDATE;
	}
}

int plan_next(const struct plan *p, int after)
{
	for (unsigned i = (unsigned)(after + 1); i < p->n; i++)
		if (p->steps[i].state == STEP_CANDIDATE)
			return (int)i;
	return -1;
}

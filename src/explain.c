/* explain.c: one block per file, stable enough to grep. */
#include "explain.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

static void explain_endpoint(FILE *f, const char *label, const struct endpoint *e, bool src)
{
	fprintf(f, "  %s %s", label, endpoint_kind_name(e->kind));
	if (e->kind == KIND_REGULAR) {
		if (src && e->size_trusted)
			fprintf(f, ", %lld bytes", (long long)e->st.st_size);
		else if (src)
			fprintf(f, ", size unknown (%s)", endpoint_fs_name(e->fs_type));
		if (!src)
			fprintf(f, e->is_new ? " (new)" : " (existing)");
		fprintf(f, ", %s", endpoint_fs_name(e->fs_type));
		if (src && e->size_trusted) {
			/* Counted only when asked for: it costs a seek or two a hole. */
			long holes = (off_t)e->st.st_blocks * 512 < e->st.st_size
				? endpoint_count_holes(e->fd, e->st.st_size, 1000) : 0;
			fprintf(f, ", %ld%s hole%s", holes, holes >= 1000 ? "+" : "",
				holes == 1 ? "" : "s");
		}
	}
	fputc('\n', f);
}

/* What happened to a method named in cp's --debug line: used, failed
 * ("unsupported"), never reached ("unknown", "avoided"). */
static const char *explain_cp_word(const struct plan *plan, int used, const char *name,
				   const char *not_tried)
{
	for (unsigned i = 0; i < plan->n; i++) {
		const struct plan_step *s = &plan->steps[i];

		if (strcmp(s->m->name, name) != 0)
			continue;
		if ((int)i == used && s->state == STEP_USED)
			return "yes";
		if (s->state == STEP_FAILED || (int)i == used)
			return "unsupported";
		if (s->state == STEP_SKIPPED)
			return not_tried;
		return used >= 0 && (int)i < used ? "unsupported" : "unknown";
	}
	return "no";	/* not in the --method order */
}

/* cp 9.2's --debug line, in cp's words, then the method zcp used. */
static void explain_debug(FILE *f, const struct copy_job *job, const struct plan *plan,
			  int used)
{
	bool zeros = job->sparse == SPARSE_ALWAYS && job->may_punch;
	const char *sparse = job->holes ? (zeros ? "SEEK_HOLE + zeros" : "SEEK_HOLE")
					: (zeros ? "zeros" : "no");

	fprintf(f, "copy offload: %s, reflink: %s, sparse detection: %s\n",
		explain_cp_word(plan, used, "copy_range", "avoided"),
		job->reflink_never ? "no" : explain_cp_word(plan, used, "clone", "unsupported"),
		sparse);
	fprintf(f, "zcp method: %s\n", used >= 0 ? plan->steps[used].m->name : "none");
}

void explain_file(const struct cp_opts *o, const struct copy_job *job,
		  const struct plan *plan, int used)
{
	FILE *f = job->dst.fd == 1 && job->dst.path && strcmp(job->dst.path, "-") == 0 ? stderr
											   : stdout;
	int first = -1;

	if (!o->explain && !o->debug)
		return;
	if (used < 0)
		first = plan_next(plan, -1);
	if (o->debug && !o->explain) {
		explain_debug(f, job, plan, used >= 0 ? used : first);
		return;
	}
	fprintf(f, "%s -> %s\n", util_quote(job->src.path), util_quote(job->dst.path));
	explain_endpoint(f, "source:", &job->src, true);
	explain_endpoint(f, "dest:  ", &job->dst, false);
	bool after = false;
	char fallback[256] = "";
	for (unsigned i = 0; i < plan->n; i++) {
		const struct plan_step *s = &plan->steps[i];
		int next;

		switch (s->state) {
		case STEP_SKIPPED:
			fprintf(f, "  %s: skipped: %s\n", s->m->name, s->reason);
			break;
		case STEP_FAILED:
			next = plan_next(plan, (int)i);
			for (unsigned j = i + 1; j < plan->n; j++)
				if (plan->steps[j].state == STEP_USED ||
				    plan->steps[j].state == STEP_FAILED) {
					next = (int)j;
					break;
				}
			fprintf(f, "  %s: failed: %s, using %s\n", s->m->name,
				strerrorname_np(-s->err) ? strerrorname_np(-s->err) : "error",
				next >= 0 ? plan->steps[next].m->name : "nothing");
			break;
		case STEP_USED:
			fprintf(f, "  %s: chosen: %s\n", s->m->name, s->m->why);
			after = true;
			break;
		case STEP_CANDIDATE:
			if ((int)i == first || (!after && used < 0 && first < 0)) {
				fprintf(f, "  %s: chosen: %s\n", s->m->name, s->m->why);
				after = true;
			} else if (after || used < 0) {
				size_t n = strlen(fallback);
				snprintf(fallback + n, sizeof(fallback) - n, "%s%s", n ? ", " : "",
					 s->m->name);
			}
			break;
		}
		if ((int)i == used && s->state != STEP_USED && s->err)
			fprintf(f, "  %s: failed: %s\n", s->m->name,
				strerrorname_np(-s->err) ? strerrorname_np(-s->err) : "error");
	}
	if (fallback[0])
		fprintf(f, "  fallback: %s\n", fallback);
}

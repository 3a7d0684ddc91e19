/* explain.c: one block per file, stable enough to grep. */
#include "explain.h"
#include "report.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* Counted only when asked for: it costs a seek or two a hole. At most
 * 1000 (then "1000+"). */
static long explain_holes(const struct endpoint *e)
{
	return (off_t)e->st.st_blocks * 512 < e->st.st_size
		       ? endpoint_count_holes(e->fd, e->st.st_size, 1000) : 0;
}

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
			long holes = explain_holes(e);

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

/* What --explain says of a step, the same in text and JSON. */
enum explain_state { SAY_NOTHING, SAY_SKIPPED, SAY_FAILED, SAY_CHOSEN, SAY_FALLBACK };

/* Step i of the plan; used: the step that ran (-1: none ran, as in a dry
 * run, where first is the one that would). *after: a step was chosen. */
static enum explain_state explain_state(const struct plan *plan, unsigned i, int used, int first,
					bool *after)
{
	const struct plan_step *s = &plan->steps[i];

	switch (s->state) {
	case STEP_SKIPPED:
		return SAY_SKIPPED;
	case STEP_FAILED:
		return SAY_FAILED;
	case STEP_USED:
		*after = true;
		return SAY_CHOSEN;
	case STEP_CANDIDATE:
		if ((int)i == first || (!*after && used < 0 && first < 0)) {
			*after = true;
			return SAY_CHOSEN;
		}
		return *after || used < 0 ? SAY_FALLBACK : SAY_NOTHING;
	}
	return SAY_NOTHING;
}

static const char *explain_errname(int err)
{
	return strerrorname_np(-err) ? strerrorname_np(-err) : "error";
}

/* The step tried after failed step i: the next used or failed one, else
 * the next candidate. */
static const char *explain_next(const struct plan *plan, unsigned i)
{
	int next = plan_next(plan, (int)i);

	for (unsigned j = i + 1; j < plan->n; j++)
		if (plan->steps[j].state == STEP_USED || plan->steps[j].state == STEP_FAILED) {
			next = (int)j;
			break;
		}
	return next >= 0 ? plan->steps[next].m->name : "nothing";
}

static void explain_text(FILE *f, const struct copy_job *job, const struct plan *plan, int used,
			 int first)
{
	bool after = false;
	char fallback[256] = "";

	fprintf(f, "%s -> %s\n", util_quote(job->src.path), util_quote(job->dst.path));
	explain_endpoint(f, "source:", &job->src, true);
	explain_endpoint(f, "dest:  ", &job->dst, false);
	for (unsigned i = 0; i < plan->n; i++) {
		const struct plan_step *s = &plan->steps[i];
		size_t n = strlen(fallback);

		switch (explain_state(plan, i, used, first, &after)) {
		case SAY_SKIPPED:
			fprintf(f, "  %s: skipped: %s\n", s->m->name, s->reason);
			break;
		case SAY_FAILED:
			fprintf(f, "  %s: failed: %s, using %s\n", s->m->name,
				explain_errname(s->err), explain_next(plan, i));
			break;
		case SAY_CHOSEN:
			fprintf(f, "  %s: chosen: %s\n", s->m->name, s->m->why);
			break;
		case SAY_FALLBACK:
			snprintf(fallback + n, sizeof(fallback) - n, "%s%s", n ? ", " : "",
				 s->m->name);
			break;
		case SAY_NOTHING:
			break;
		}
		if ((int)i == used && s->state != STEP_USED && s->err)
			fprintf(f, "  %s: failed: %s\n", s->m->name, explain_errname(s->err));
	}
	if (fallback[0])
		fprintf(f, "  fallback: %s\n", fallback);
}

static void explain_json_end(FILE *f, const char *label, const struct endpoint *e, bool src)
{
	fprintf(f, "\"%s\":{\"kind\":\"%s\"", label, endpoint_kind_name(e->kind));
	if (e->kind == KIND_REGULAR) {
		fprintf(f, ",\"fs\":\"%s\"", endpoint_fs_name(e->fs_type));
		if (src && e->size_trusted)
			fprintf(f, ",\"size\":%lld,\"holes\":%ld", (long long)e->st.st_size,
				explain_holes(e));
		else if (src)
			fprintf(f, ",\"size\":null");
		else
			fprintf(f, ",\"new\":%s", e->is_new ? "true" : "false");
	}
	fputc('}', f);
}

/* --explain=json: one object a line, the text's facts. */
static void explain_json(FILE *f, const struct copy_job *job, const struct plan *plan, int used,
			 int first)
{
	bool after = false;
	const char *sep = "";
	const char *ran = used >= 0 && plan->steps[used].state == STEP_USED
				  ? plan->steps[used].m->name : NULL;

	fputs("{\"source\":", f);
	report_json_name(f, job->src.path);
	fputs(",\"dest\":", f);
	report_json_name(f, job->dst.path);
	fputc(',', f);
	explain_json_end(f, "src", &job->src, true);
	fputc(',', f);
	explain_json_end(f, "dst", &job->dst, false);
	fputs(",\"methods\":[", f);
	for (unsigned i = 0; i < plan->n; i++) {
		const struct plan_step *s = &plan->steps[i];
		enum explain_state st = explain_state(plan, i, used, first, &after);

		if ((int)i == used && s->state != STEP_USED && s->err)
			st = SAY_FAILED;
		if (st == SAY_NOTHING)
			continue;
		fprintf(f, "%s{\"method\":\"%s\",\"state\":", sep, s->m->name);
		sep = ",";
		switch (st) {
		case SAY_SKIPPED:
			fputs("\"skipped\",\"reason\":", f);
			report_json_name(f, s->reason);
			break;
		case SAY_FAILED:
			fprintf(f, "\"failed\",\"error\":\"%s\"", explain_errname(s->err));
			break;
		case SAY_CHOSEN:
			fputs("\"chosen\",\"reason\":", f);
			report_json_name(f, s->m->why);
			break;
		default:
			fputs("\"fallback\"", f);
			break;
		}
		fputc('}', f);
	}
	if (ran)
		fprintf(f, "],\"used\":\"%s\"}\n", ran);
	else
		fputs("],\"used\":null}\n", f);
}

void explain_file(const struct cp_opts *o, const struct copy_job *job,
		  const struct plan *plan, int used)
{
	FILE *f = util_stdout_data() ? stderr : stdout;
	int first = -1;

	if (!o->explain && !o->debug)
		return;
	if (used < 0)
		first = plan_next(plan, -1);
	if (o->debug && !o->explain) {
		explain_debug(f, job, plan, used >= 0 ? used : first);
		return;
	}
	if (o->explain_json)
		explain_json(f, job, plan, used, first);
	else
		explain_text(f, job, plan, used, first);
}

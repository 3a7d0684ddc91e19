/* longopt.c: getopt_long's rules before popt. popt already permutes
 * options and operands and stops at "--" and, with POSIXLY_CORRECT, at
 * the first operand; what it lacks is abbreviations, getopt's messages
 * and a required argument that starts with '-' ("-S -x"). So each option
 * word is rewritten into its full, unambiguous form: "--recur" becomes
 * "--recursive", "-vS.x" becomes "-v --suffix=.x". */
#include "longopt.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool longopt_has_arg(const struct poptOption *o)
{
	return (o->argInfo & POPT_ARG_MASK) != POPT_ARG_NONE;
}

static bool longopt_arg_optional(const struct poptOption *o)
{
	return (o->argInfo & POPT_ARGFLAG_OPTIONAL) != 0;
}

/* Two entries getopt would not call ambiguous: the same option twice. */
static bool longopt_same(const struct poptOption *a, const struct poptOption *b)
{
	return a->val == b->val && a->arg == b->arg &&
	       (a->argInfo & POPT_ARG_MASK) == (b->argInfo & POPT_ARG_MASK) &&
	       longopt_arg_optional(a) == longopt_arg_optional(b);
}

const char longopt_own[] = "zcp's own";

static bool longopt_is_own(const struct poptOption *o)
{
	return o->descrip == longopt_own;
}

/* The entry that "--word" abbreviates among cp's options (own false) or
 * zcp's (own true); NULL if none; exits with getopt's words if several. */
static const struct poptOption *longopt_match(const struct poptOption *table, const char *word,
					      size_t len, const char *whole, bool own)
{
	const struct poptOption *found = NULL;
	bool ambiguous = false;

	for (const struct poptOption *o = table; o->longName || o->shortName || o->arg; o++) {
		if (!o->longName || longopt_is_own(o) != own || strncmp(o->longName, word, len) != 0)
			continue;
		if (!found)
			found = o;
		else if (!longopt_same(found, o))
			ambiguous = true;
	}
	if (ambiguous) {
		/* glibc's words: the candidates in table order, less the
		 * aliases of the first (--path for --parents). */
		fflush(stdout);
		fprintf(stderr, "%s: option '%s' is ambiguous; possibilities:", util_program, whole);
		for (const struct poptOption *o = table; o->longName || o->shortName || o->arg; o++)
			if (o->longName && longopt_is_own(o) == own &&
			    strncmp(o->longName, word, len) == 0 &&
			    (o == found || !longopt_same(found, o)))
				fprintf(stderr, " '--%s'", o->longName);
		fprintf(stderr, "\nTry '%s --help' for more information.\n", util_program);
		exit(1);
	}
	return found;
}

/* The entry for "--word" (word up to len), in getopt's way: an exact name
 * first; then an abbreviation of cp's options, as cp reads it, so that a
 * script written for cp means the same (--b is --backup, not ambiguous
 * with --bench); zcp's own only where no cp option matches. Exits on an
 * ambiguous or unknown word. */
static const struct poptOption *longopt_find(const struct poptOption *table, const char *word,
					     size_t len, const char *whole)
{
	const struct poptOption *found;

	for (const struct poptOption *o = table; o->longName || o->shortName || o->arg; o++)
		if (o->longName && strlen(o->longName) == len && strncmp(o->longName, word, len) == 0)
			return o;
	found = longopt_match(table, word, len, whole, false);
	if (!found)
		found = longopt_match(table, word, len, whole, true);
	if (!found) {
		util_usage_error("unrecognized option '%s'", whole);
		exit(1);
	}
	return found;
}

static char *longopt_join(const char *name, const char *value)
{
	char *s = util_xmalloc(strlen(name) + strlen(value) + 4);

	sprintf(s, "--%s=%s", name, value);
	return s;
}

/* One "--..." word, and its argument from the next word if it needs one.
 * Returns how many words of argv were used. */
static int longopt_long(const struct poptOption *table, const char **argv, int left,
			const char **out)
{
	const char *word = argv[0] + 2, *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	const struct poptOption *o = longopt_find(table, word, len, argv[0]);
	char *full;

	if (eq && !longopt_has_arg(o)) {
		util_usage_error("option '--%s' doesn't allow an argument", o->longName);
		exit(1);
	}
	if (eq || longopt_arg_optional(o)) {
		/* popt would take the next word as an optional argument. */
		*out = longopt_join(o->longName, eq ? eq + 1 : LONGOPT_BARE);
		return 1;
	}
	if (longopt_has_arg(o)) {
		if (left < 2) {
			util_usage_error("option '--%s' requires an argument", o->longName);
			exit(1);
		}
		*out = longopt_join(o->longName, argv[1]);
		return 2;
	}
	full = util_xmalloc(strlen(o->longName) + 3);
	sprintf(full, "--%s", o->longName);
	*out = full;
	return 1;
}

static const struct poptOption *longopt_short(const struct poptOption *table, char c)
{
	for (const struct poptOption *o = table; o->longName || o->shortName || o->arg; o++)
		if (o->shortName == c)
			return o;
	return NULL;
}

/* One "-abc" cluster: one word out for each option in it. Returns how
 * many words of argv were used; *n counts the words written to out. */
static int longopt_cluster(const struct poptOption *table, const char **argv, int left,
			   const char **out, int *n)
{
	for (const char *p = argv[0] + 1; *p; p++) {
		const struct poptOption *o = longopt_short(table, *p);
		char *w;

		if (!o) {
			util_usage_error("invalid option -- '%c'", *p);
			exit(1);
		}
		if (longopt_has_arg(o)) {
			const char *value = p[1] ? p + 1 : left > 1 ? argv[1] : NULL;
			if (!value) {
				util_usage_error("option requires an argument -- '%c'", *p);
				exit(1);
			}
			if (o->longName) {
				out[(*n)++] = longopt_join(o->longName, value);
			} else {
				w = util_xmalloc(strlen(value) + 3);
				sprintf(w, "-%c%s", *p, value);
				out[(*n)++] = w;
			}
			return p[1] ? 1 : 2;
		}
		w = util_xmalloc(3);
		sprintf(w, "-%c", *p);
		out[(*n)++] = w;
	}
	return 1;
}

const char **longopt_translate(int argc, const char **argv, const struct poptOption *table,
			       int *argc_out)
{
	/* A cluster gives at most one word per character. */
	size_t cap = 1;
	for (int i = 0; i < argc; i++)
		cap += strlen(argv[i]) + 1;
	const char **out = util_xmalloc(cap * sizeof(*out));
	bool posix = getenv("POSIXLY_CORRECT") != NULL, options = true;
	int n = 0, i = 1;

	out[n++] = argv[0];
	while (i < argc) {
		const char *a = argv[i];

		if (!options || a[0] != '-' || a[1] == 0) {
			out[n++] = a;
			options = options && !posix;
			i++;
		} else if (strcmp(a, "--") == 0) {
			out[n++] = a;
			options = false;
			i++;
		} else if (a[1] == '-') {
			i += longopt_long(table, argv + i, argc - i, &out[n++]);
		} else {
			i += longopt_cluster(table, argv + i, argc - i, out, &n);
		}
	}
	out[n] = NULL;
	*argc_out = n;
	return out;
}

void longopt_free(const char **words, const char **argv)
{
	int k = 0;

	/* Words taken from argv appear in its order; the rest were made. */
	for (int i = 0; words[i]; i++) {
		int j = k;
		while (argv[j] && argv[j] != words[i])
			j++;
		if (argv[j])
			k = j + 1;
		else
			free((char *)words[i]);
	}
	free(words);
}

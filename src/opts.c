/* opts.c: the popt table, --help, and cp's option semantics: -a is -dR
 * --preserve=all, the last of -i and -n wins, and so on. */
#include "opts.h"
#include "backup.h"
#include "longopt.h"
#include "progress.h"
#include "sys.h"
#include "util.h"

#include <popt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ZCP_VERSION
#define ZCP_VERSION "0.1"
#endif

enum {
	OPT_BACKUP = 1000, OPT_PRESERVE, OPT_NO_PRESERVE, OPT_PARENTS, OPT_REFLINK,
	OPT_REMOVE_DEST, OPT_SPARSE, OPT_UPDATE, OPT_HELP, OPT_VERSION, OPT_METHOD,
	OPT_EXPLAIN, OPT_DEBUG, OPT_DRY_RUN, OPT_STATS, OPT_BENCH, OPT_ATTR_ONLY,
	OPT_COPY_CONTENTS, OPT_STRIP_SLASHES, OPT_KEEP_DIR_SYMLINK, OPT_CONTEXT, OPT_ATOMIC,
	OPT_FSYNC, OPT_VERIFY, OPT_JOBS, OPT_ALSO, OPT_STATS_FILE, OPT_FILES_FROM, OPT_PROGRESS,
};

static char *arg;
/* getopt's reading of argv for popt; at file scope, so that it stays
 * reachable when --help or an error exits (LeakSanitizer). */
static const char **words;
/* -S's suffix, the last one given (cp's rule), kept to the end. */
static char *suffix;

/* The option table; --help, man/zcp.1 and completions/ list the same. */
static const struct poptOption options[] = {
	/* cp's long options first, in cp's order: an ambiguous abbreviation
	 * lists its candidates in this order, as getopt_long does. */
	{ "archive", 'a', POPT_ARG_NONE, NULL, 'a', NULL, NULL },
	{ "attributes-only", 0, POPT_ARG_NONE, NULL, OPT_ATTR_ONLY, NULL, NULL },
	{ "backup", 0, POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &arg, OPT_BACKUP, NULL, NULL },
	{ "copy-contents", 0, POPT_ARG_NONE, NULL, OPT_COPY_CONTENTS, NULL, NULL },
	{ "debug", 0, POPT_ARG_NONE, NULL, OPT_DEBUG, NULL, NULL },
	{ "dereference", 'L', POPT_ARG_NONE, NULL, 'L', NULL, NULL },
	{ "force", 'f', POPT_ARG_NONE, NULL, 'f', NULL, NULL },
	{ "interactive", 'i', POPT_ARG_NONE, NULL, 'i', NULL, NULL },
	{ "link", 'l', POPT_ARG_NONE, NULL, 'l', NULL, NULL },
	{ "no-clobber", 'n', POPT_ARG_NONE, NULL, 'n', NULL, NULL },
	{ "no-dereference", 'P', POPT_ARG_NONE, NULL, 'P', NULL, NULL },
	{ "no-preserve", 0, POPT_ARG_STRING, &arg, OPT_NO_PRESERVE, NULL, NULL },
	{ "no-target-directory", 'T', POPT_ARG_NONE, NULL, 'T', NULL, NULL },
	{ "one-file-system", 'x', POPT_ARG_NONE, NULL, 'x', NULL, NULL },
	{ "parents", 0, POPT_ARG_NONE, NULL, OPT_PARENTS, NULL, NULL },
	/* cp's old name for --parents, kept out of --help as cp keeps it. */
	{ "path", 0, POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL, OPT_PARENTS, NULL, NULL },
	{ "preserve", 0, POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &arg, OPT_PRESERVE, NULL, NULL },
	{ "recursive", 'R', POPT_ARG_NONE, NULL, 'R', NULL, NULL },
	{ "remove-destination", 0, POPT_ARG_NONE, NULL, OPT_REMOVE_DEST, NULL, NULL },
	{ "sparse", 0, POPT_ARG_STRING, &arg, OPT_SPARSE, NULL, NULL },
	{ "reflink", 0, POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &arg, OPT_REFLINK, NULL, NULL },
	{ "strip-trailing-slashes", 0, POPT_ARG_NONE, NULL, OPT_STRIP_SLASHES, NULL, NULL },
	{ "suffix", 'S', POPT_ARG_STRING, &arg, 'S', NULL, NULL },
	{ "symbolic-link", 's', POPT_ARG_NONE, NULL, 's', NULL, NULL },
	{ "target-directory", 't', POPT_ARG_STRING, &arg, 't', NULL, NULL },
	{ "update", 0, POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &arg, OPT_UPDATE, NULL, NULL },
	{ "verbose", 'v', POPT_ARG_NONE, NULL, 'v', NULL, NULL },
	{ "keep-directory-symlink", 0, POPT_ARG_NONE, NULL, OPT_KEEP_DIR_SYMLINK, NULL, NULL },
	{ "context", 0, POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &arg, OPT_CONTEXT, NULL, NULL },
	{ NULL, 'b', POPT_ARG_NONE, NULL, 'b', NULL, NULL },
	{ NULL, 'd', POPT_ARG_NONE, NULL, 'd', NULL, NULL },
	{ NULL, 'H', POPT_ARG_NONE, NULL, 'H', NULL, NULL },
	{ NULL, 'p', POPT_ARG_NONE, NULL, 'p', NULL, NULL },
	{ NULL, 'r', POPT_ARG_NONE, NULL, 'R', NULL, NULL },
	{ NULL, 'u', POPT_ARG_NONE, NULL, 'u', NULL, NULL },
	{ NULL, 'Z', POPT_ARG_NONE, NULL, 'Z', NULL, NULL },
	{ "help", 0, POPT_ARG_NONE, NULL, OPT_HELP, NULL, NULL },
	{ "version", 0, POPT_ARG_NONE, NULL, OPT_VERSION, NULL, NULL },
	/* zcp's own: abbreviated only where no cp option matches (longopt.c). */
	{ "atomic", 0, POPT_ARG_NONE, NULL, OPT_ATOMIC, longopt_own, NULL },
	{ "fsync", 0, POPT_ARG_NONE, NULL, OPT_FSYNC, longopt_own, NULL },
	{ "verify", 0, POPT_ARG_NONE, NULL, OPT_VERIFY, longopt_own, NULL },
	{ "jobs", 0, POPT_ARG_STRING, &arg, OPT_JOBS, longopt_own, NULL },
	{ "also", 0, POPT_ARG_STRING, &arg, OPT_ALSO, longopt_own, NULL },
	{ "method", 0, POPT_ARG_STRING, &arg, OPT_METHOD, longopt_own, NULL },
	{ "explain", 0, POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &arg, OPT_EXPLAIN, longopt_own, NULL },
	{ "dry-run", 0, POPT_ARG_NONE, NULL, OPT_DRY_RUN, longopt_own, NULL },
	{ "stats", 0, POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &arg, OPT_STATS, longopt_own, NULL },
	{ "stats-file", 0, POPT_ARG_STRING, &arg, OPT_STATS_FILE, longopt_own, NULL },
	{ "files-from", 0, POPT_ARG_STRING, &arg, OPT_FILES_FROM, longopt_own, NULL },
	{ "progress", 0, POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &arg, OPT_PROGRESS, longopt_own, NULL },
	{ "null", '0', POPT_ARG_NONE, NULL, '0', longopt_own, NULL },
	{ "bench", 0, POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &arg, OPT_BENCH, longopt_own, NULL },
	POPT_TABLEEND
};


/* --jobs=N, or ZCP_JOBS=N in the environment: 1 to 64 workers. */
static unsigned opts_jobs(const char *s, const char *what)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (!*s || *end || n < 1 || n > 64 || *s == '-' || *s == '+') {
		util_usage_error("invalid number of jobs %s for %s (1 to 64)", util_quote(s), what);
		exit(1);
	}
	return (unsigned)n;
}

/* "clone, copy_range, ..." from the method table. */
const char *opts_method_names(char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < method_count && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "",
					 method_table[i]->name);
	return buf;
}

/* --help: cp's options, in cp's words where they are cp's; then zcp's. */
static const char usage_cp_options[] =
	"Copy SOURCE to DEST, or SOURCEs into DIRECTORY, letting the kernel move the bytes.\n"
	"SOURCE '-' reads standard input; DEST '-' writes standard output.\n"
	"\n"
	"  -a, --archive                same as -dR --preserve=all\n"
	"      --attributes-only        don't copy the file data, just the attributes\n"
	"      --backup[=CONTROL]       make a backup of each existing destination file\n"
	"  -b                           like --backup but does not accept an argument\n"
	"      --copy-contents          copy contents of special files when recursive\n"
	"  -d                           same as --no-dereference --preserve=links\n"
	"  -f, --force                  if a destination cannot be opened, remove it and try again\n"
	"  -i, --interactive            prompt before overwrite (overrides a previous -n)\n"
	"  -H                           follow command-line symbolic links in SOURCE\n"
	"  -L, --dereference            always follow symbolic links in SOURCE\n"
	"  -l, --link                   hard link files instead of copying\n"
	"  -n, --no-clobber             do not overwrite an existing file (overrides a previous -i)\n"
	"  -P, --no-dereference         never follow symbolic links in SOURCE\n"
	"  -p                           same as --preserve=mode,ownership,timestamps\n"
	"      --preserve[=ATTR_LIST]   preserve the attributes (default: mode,ownership,\n"
	"                                 timestamps); also links, xattr, all, and\n"
	"                                 context (accepted, ignored: no SELinux)\n"
	"      --no-preserve=ATTR_LIST  do not preserve the attributes\n"
	"      --parents                use full source file name under DIRECTORY\n"
	"  -R, -r, --recursive          copy directories recursively\n"
	"      --reflink[=WHEN]         clone (share extents): auto (default), always, never\n"
	"      --remove-destination     remove each existing destination before opening it\n"
	"      --sparse=WHEN            holes: auto (keep the source's), always, never\n"
	"      --strip-trailing-slashes  remove any trailing slashes from each SOURCE\n"
	"                                 argument\n"
	"  -S, --suffix=SUFFIX          override the usual backup suffix\n"
	"  -s, --symbolic-link          make symbolic links instead of copying\n"
	"  -t, --target-directory=DIRECTORY  copy all SOURCE arguments into DIRECTORY\n"
	"  -T, --no-target-directory    treat DEST as a normal file\n"
	"  -u                           same as --update=older\n"
	"      --update[=UPDATE]        all, none, none-fail (an existing destination is\n"
	"                                 an error), or older (the default with no UPDATE):\n"
	"                                 replace only destinations older than the source\n"
	"  -v, --verbose                explain what is being done\n"
	"      --keep-directory-symlink  with -R --copy-contents, follow existing symlinks\n"
	"                                 to directories in the destination\n"
	"  -x, --one-file-system        stay on this file system\n"
	"  -Z, --context[=CTX]          accepted; no SELinux: nothing is set (a CTX is\n"
	"                                 warned about, as cp does)\n"
	"\n";

static const char usage_zcp_options[] =
	"zcp's own:\n"
	"      --atomic                 write each file aside and rename it into place when\n"
	"                                 complete: DEST is the old file or the whole copy,\n"
	"                                 never a part (a new inode: other hard links to\n"
	"                                 DEST keep the old data)\n"
	"      --fsync                  flush each file (and directory made) to storage\n"
	"                                 before reporting it done\n"
	"      --verify                 flush each file copied, read it back from storage\n"
	"                                 (not the page cache) and compare it with its\n"
	"                                 SOURCE: a difference is an error, its offset said\n"
	"      --also=DEST              copy to DEST too, as if zcp were run again with\n"
	"                                 DEST in the destination's place; each source\n"
	"                                 file is read once for all (repeatable)\n"
	"      --jobs=N                 copy a tree's files with N workers (default:\n"
	"                                 $ZCP_JOBS, else one per CPU; 1 copies one file\n"
	"                                 at a time)\n"
	"      --files-from=FILE        copy the SOURCEs listed in FILE (- for standard\n"
	"                                 input), one a line, as if named on the command\n"
	"                                 line; into -t DIRECTORY or the last operand\n"
	"  -0, --null                   entries in --files-from end with NUL, not newline\n"
	"      --method=NAME[,NAME...]  use only these methods, in this order\n"
	"      --explain[=FORMAT]       show each file's plan: methods chosen, skipped and\n"
	"                                 why: text (default) or json, an object a line\n"
	"      --debug                  explain how each file is copied, as cp 9.2's\n"
	"                                 --debug (implies -v), and the method used\n"
	"      --dry-run                plan and explain, copy and change nothing\n"
	"      --stats[=FORMAT]         count system calls and bytes: text (default) or json\n"
	"      --stats-file=FILE        write the --stats=json report to FILE\n"
	"      --progress[=WHEN]        a line of the copy so far on stderr, 10 times a\n"
	"                                 second: auto (a terminal), always, json, never\n"
	"      --bench[=ROUNDS]         copy SOURCE to DEST with every method that applies,\n"
	"                                 ROUNDS times each (default 5), and print a table\n"
	"      --help                   display this help and exit\n"
	"      --version                output version information and exit\n"
	"\n";

static void usage(void)
{
	char names[256];

	printf("Usage: %s [OPTION]... [-T] SOURCE DEST\n"
	       "  or:  %s [OPTION]... SOURCE... DIRECTORY\n"
	       "  or:  %s [OPTION]... -t DIRECTORY SOURCE...\n",
	       util_program, util_program, util_program);
	fputs(usage_cp_options, stdout);
	fputs(usage_zcp_options, stdout);
	printf("Methods, in the default order: %s.\n", opts_method_names(names, sizeof(names)));
	fputs("CONTROL: none/off, numbered/t, existing/nil (the default), simple/never.\n"
	      "The backup suffix is '~', unless set with --suffix or SIMPLE_BACKUP_SUFFIX.\n",
	      stdout);
}

/* cp's words for a bad option argument; each of valid is a group of
 * synonyms, "none,off". Exits with status 1. */
static void bad_arg(const char *value, const char *option, const char *const *valid,
		    bool ambiguous)
{
	util_error(0, "%s argument %s for %s", ambiguous ? "ambiguous" : "invalid",
		   util_quote_arg(value), util_quote_arg(option));
	fputs("Valid arguments are:\n", stderr);
	for (; *valid; valid++) {
		char *words = util_xstrdup(*valid), *save = NULL;
		const char *sep = "  - ";

		for (char *w = strtok_r(words, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
			fprintf(stderr, "%s%s", sep, util_quote_arg(w));
			sep = ", ";
		}
		fputc('\n', stderr);
		free(words);
	}
	fprintf(stderr, "Try '%s --help' for more information.\n", util_program);
	exit(1);
}

static const char *const backup_words[] = { "none,off", "simple,never", "existing,nil",
					    "numbered,t", NULL };

/* Which word of the list is w, as cp's argmatch: the exact word, or
 * the one word w abbreviates; -1 when none is, -2 when w abbreviates more
 * than one. */
static int word_of(const char *w, const char *const *list)
{
	size_t n = strlen(w);
	int found = -1;

	for (int i = 0; list[i]; i++) {
		if (strcmp(w, list[i]) == 0)
			return i;
		if (strncmp(w, list[i], n) == 0)
			found = found == -1 ? i : -2;
	}
	return found;
}

static void preserve_list(struct cp_preserve *p, char *list, bool on)
{
	static const char *const words[] = { "mode", "timestamps", "ownership", "links",
					     "context", "xattr", "all", NULL };
	char *copy = util_xstrdup(list), *next = copy;

	/* Every item, empty ones too: "" abbreviates them all (ambiguous). */
	for (char *w = copy; next; w = next) {
		int k;

		next = strchr(w, ',');
		if (next)
			*next++ = 0;
		k = word_of(w, words);

		if (k < 0)
			bad_arg(w, on ? "--preserve" : "--no-preserve", words, k == -2);
		switch (k) {
		case 0:
			p->mode = on;
			p->mode_off |= !on;
			break;
		case 1: p->times = on; break;
		case 2: p->owner = on; p->owner_must = on; break;
		case 3: p->links = on; break;
		case 4: p->context_must = on; break;	/* no SELinux here: see opts_parse */
		case 5: p->xattr = on; p->xattr_must = on; break;
		case 6:
			p->mode = p->times = p->owner = p->links = p->xattr = on;
			p->mode_off |= !on;
			p->owner_must = p->xattr_must = false;
			break;
		}
	}
	free(copy);
}

/* "a//" is "a", "/" stays "/": cp's strip_trailing_slashes. */
static void opts_strip_slashes(char *s)
{
	size_t n = strlen(s);

	while (n > 1 && s[n - 1] == '/')
		s[--n] = 0;
}

static bool opts_into_dir(const struct zcp_args *a, const char **ops, int n)
{
	struct stat st;

	if (a->target)
		return true;
	if (a->o.no_target || n < 2)
		return false;
	return sys_fstatat(AT_FDCWD, ops[n - 1], &st, 0) == 0 && S_ISDIR(st.st_mode);
}

static int backup_default(void)
{
	const char *v = getenv("VERSION_CONTROL");
	int b = v && *v ? backup_parse(v) : BACKUP_EXISTING;

	if (b < 0)
		bad_arg(v, "$VERSION_CONTROL", backup_words, b == -2);
	return b;
}


/* What the options say together, read once they are all seen. */
struct opts_seen {
	bool link_hard, link_symbolic, strip_slashes;
	char *control;	/* --backup's CONTROL, the last one given */
};

/* One of cp's choices by its word: --reflink, --sparse, --update. A bare
 * optional argument (NULL) is the word at index bare. */
static int opts_word(const char *arg, const char *option, const char *const *w, int bare)
{
	int r = arg ? word_of(arg, w) : bare;	/* "" is ambiguous, as in cp */

	if (r < 0)
		bad_arg(arg, option, w, r == -2);
	return r;
}

/* -p, or --preserve with no list. */
static void opts_preserve_p(struct cp_opts *o)
{
	preserve_list(&o->preserve, "mode,timestamps", true);
	o->preserve.owner = true;
}

/* cp's options with a value to read. */
static void opts_cp_valued(struct zcp_args *a, struct opts_seen *seen, int c)
{
	static const char *const reflinks[] = { "auto", "always", "never", NULL };
	static const enum cp_reflink reflink_of[] = { REFLINK_AUTO, REFLINK_ALWAYS, REFLINK_NEVER };
	static const char *const sparses[] = { "never", "auto", "always", NULL };
	static const enum sparse_mode sparse_of[] = { SPARSE_NEVER, SPARSE_AUTO, SPARSE_ALWAYS };
	static const char *const updates[] = { "all", "none", "none-fail", "older", NULL };
	static const enum cp_update update_of[] = { UPDATE_ALL, UPDATE_NONE, UPDATE_NONE_FAIL,
						    UPDATE_OLDER };
	struct cp_opts *o = &a->o;

	switch (c) {
	case OPT_BACKUP:
		/* As cp: the last CONTROL counts, read after the options'
		 * conflicts are checked. */
		a->backup = true;
		free(seen->control);
		seen->control = arg && *arg ? util_xstrdup(arg) : NULL;
		break;
	case OPT_PRESERVE:
		if (arg)
			preserve_list(&o->preserve, arg, true);
		else
			opts_preserve_p(o);
		break;
	case OPT_NO_PRESERVE: preserve_list(&o->preserve, arg, false); break;
	case OPT_REFLINK: o->reflink = reflink_of[opts_word(arg, "--reflink", reflinks, 1)]; break;
	case OPT_SPARSE: o->sparse = sparse_of[opts_word(arg, "--sparse", sparses, -1)]; break;
	case OPT_UPDATE: o->update = update_of[opts_word(arg, "--update", updates, 3)]; break;
	case 'S':
		/* As cp: an empty suffix, or one with a '/', is '~'. */
		a->backup = true;
		free(suffix);
		suffix = *arg && !strchr(arg, '/') ? util_xstrdup(arg) : NULL;
		o->suffix = suffix ? suffix : "~";
		break;
	case 't': a->target = util_xstrdup(arg); break;
	case OPT_CONTEXT:
		if (arg)
			util_error(0, "warning: ignoring --context; it requires an SELinux-enabled kernel");
		break;
	}
}

/* cp's options; false if c is not one of them. */
static bool opts_cp(struct zcp_args *a, struct opts_seen *seen, int c)
{
	struct cp_opts *o = &a->o;

	switch (c) {
	case 'a':
		o->recursive = true;
		o->deref = DEREF_NEVER;
		preserve_list(&o->preserve, "all", true);
		break;
	case 'b': a->backup = true; break;
	case 'd': o->deref = DEREF_NEVER; o->preserve.links = true; break;
	case 'f': o->force = true; break;
	case 'i': o->interactive = ASK_ALWAYS; break;
	case 'n': o->interactive = ASK_NEVER_OVERWRITE; break;
	case 'H': o->deref = DEREF_CMDLINE; break;
	case 'L': o->deref = DEREF_ALWAYS; break;
	case 'P': o->deref = DEREF_NEVER; break;
	case 'p': opts_preserve_p(o); break;
	case OPT_PARENTS: o->parents = true; break;
	case 'R': o->recursive = true; break;
	case OPT_REMOVE_DEST: o->remove_dest = true; break;
	case 'T': o->no_target = true; break;
	case 'u': o->update = UPDATE_OLDER; break;
	case 'v': o->verbose = true; break;
	case OPT_ATTR_ONLY: o->attr_only = true; break;
	case OPT_COPY_CONTENTS: o->copy_contents = true; break;
	case 'l': o->link = LINK_HARD; seen->link_hard = true; break;
	case 's': o->link = LINK_SYMBOLIC; seen->link_symbolic = true; break;
	case 'x': o->one_fs = true; break;
	case OPT_STRIP_SLASHES: seen->strip_slashes = true; break;
	case OPT_KEEP_DIR_SYMLINK: o->keep_dir_symlink = true; break;
	case 'Z': break;	/* no SELinux here: nothing to set, as cp */
	case OPT_DEBUG: o->debug = true; o->verbose = true; break;	/* as cp */
	case OPT_BACKUP: case OPT_PRESERVE: case OPT_NO_PRESERVE: case OPT_REFLINK:
	case OPT_SPARSE: case OPT_UPDATE: case 'S': case 't': case OPT_CONTEXT:
		opts_cp_valued(a, seen, c);
		break;
	default:
		return false;
	}
	return true;
}

static void opts_method(struct cp_opts *o)
{
	const char *bad = NULL;
	char *list = util_xstrdup(arg);

	if (plan_order_parse(&o->order, list, &bad)) {
		char names[256];
		util_usage_error("unknown method %s (methods: %s)",
				 util_quote(bad && *bad ? bad : arg),
				 opts_method_names(names, sizeof(names)));
		exit(1);
	}
	free(list);
}

/* zcp's own options. */
static void opts_zcp(struct zcp_args *a, int c)
{
	struct cp_opts *o = &a->o;

	switch (c) {
	case OPT_METHOD: opts_method(o); break;
	case OPT_ATOMIC: o->atomic = true; break;
	case OPT_FSYNC: o->fsync = true; break;
	case OPT_VERIFY: o->verify = true; break;
	case OPT_JOBS: a->jobs = opts_jobs(arg, "--jobs"); break;
	case OPT_ALSO:
		if (a->nalso == OPTS_ALSO_MAX) {
			util_usage_error("--also: %d destinations at most", OPTS_ALSO_MAX);
			exit(1);
		}
		a->also[a->nalso++] = util_xstrdup(arg);
		a->o.also = true;
		break;
	case OPT_EXPLAIN:
		o->explain = true;
		if (arg && strcmp(arg, "text") != 0) {
			if (strcmp(arg, "json") != 0)
				bad_arg(arg, "--explain", (const char *const[]){ "text", "json", NULL },
					false);
			o->explain_json = true;
		}
		break;
	case OPT_DRY_RUN: o->dry_run = true; o->explain = true; break;
	case OPT_STATS:
		a->stats = true;
		if (arg && *arg && strcmp(arg, "text") != 0) {
			if (strcmp(arg, "json") != 0)
				bad_arg(arg, "--stats", (const char *const[]){ "text", "json", NULL },
					false);
			a->stats_json = true;
		}
		break;
	case OPT_FILES_FROM:
		free(a->files_from);
		a->files_from = util_xstrdup(arg);
		break;
	case '0': a->null = true; break;
	case OPT_PROGRESS: {
		static const char *const w[] = { "auto", "always", "json", "never", NULL };
		static const int mode_of[] = { PROGRESS_AUTO, PROGRESS_ALWAYS, PROGRESS_JSON,
					       PROGRESS_OFF };
		a->progress = mode_of[opts_word(arg, "--progress", w, 0)];
		break;
	}
	case OPT_STATS_FILE:
		free(a->stats_file);
		a->stats_file = util_xstrdup(arg);
		break;
	case OPT_BENCH:
		a->bench = arg && *arg ? atoi(arg) : 5;
		if (a->bench < 1 || a->bench > 101) {
			util_usage_error("invalid number of rounds %s for --bench (1 to 101)",
					 util_quote(arg));
			exit(1);
		}
		break;
	case OPT_HELP: usage(); util_exit(0);
	case OPT_VERSION:
		printf("zcp %s\nCopyright (C) 2026 the zcp developers.\n"
		       "License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n"
		       "This is free software: you are free to change and redistribute it.\n"
		       "There is NO WARRANTY, to the extent permitted by law.\n", ZCP_VERSION);
		util_exit(0);
	}
}

/* popt's error c, in getopt's words; exits. */
static void opts_popt_error(poptContext pc, int c)
{
	const char *bad = poptBadOption(pc, 0);

	if (c == POPT_ERROR_NOARG)
		util_usage_error(bad[1] == '-' ? "option '%s' requires an argument"
					       : "option requires an argument -- '%s'",
				 bad[1] == '-' ? bad : bad + 1);
	else if (bad[0] == '-' && bad[1] == '-')
		util_usage_error("unrecognized option '%s'", bad);
	else
		util_usage_error("invalid option -- '%s'", bad + 1);
	exit(1);
}

/* cp's conflicts between options, and what they settle together. */
static void opts_settle(struct zcp_args *a, struct opts_seen *seen)
{
	struct cp_opts *o = &a->o;

	/* As cp without SELinux: a context asked for by name cannot be kept. */
	if (o->preserve.context_must) {
		util_error(0, "cannot preserve security context without an SELinux-enabled kernel");
		exit(1);
	}
	if (!a->jobs && getenv("ZCP_JOBS"))
		a->jobs = opts_jobs(getenv("ZCP_JOBS"), "ZCP_JOBS");
	if (seen->link_hard && seen->link_symbolic) {
		util_usage_error("cannot make both hard and symbolic links");
		exit(1);
	}
	/* As cp: --backup=none counts as --backup here. */
	if (a->backup && o->interactive == ASK_NEVER_OVERWRITE) {
		util_usage_error("options --backup and --no-clobber are mutually exclusive");
		exit(1);
	}
	if (a->backup && o->update == UPDATE_NONE_FAIL) {
		util_usage_error("--backup is mutually exclusive with -n or --update=none-fail");
		exit(1);
	}
	if (seen->control) {
		a->backup_type = backup_parse(seen->control);
		if (a->backup_type < 0)
			bad_arg(seen->control, "backup type", backup_words, a->backup_type == -2);
		free(seen->control);
		seen->control = NULL;
	}
	/* As cp: -l follows symlinks unless told otherwise, even with -r. */
	if (o->deref == DEREF_UNSET && o->link == LINK_HARD)
		o->deref = DEREF_ALWAYS;
	/* cp remembers --no-preserve=mode (or all) unless mode is kept after
	 * all: new files are then made 0666 and directories 0777, less the umask. */
	o->preserve.mode_off = o->preserve.mode_off && !o->preserve.mode;
	o->stats_per_file = (a->stats && (a->stats_json || o->verbose)) || a->stats_file;
	if (a->backup && a->backup_type < 0)
		a->backup_type = backup_default();
	o->backup = a->backup ? (enum cp_backup)a->backup_type : BACKUP_OFF;
}

/* The operands, copied out of popt's context before it is freed. */
static void opts_operands(struct zcp_args *a, poptContext pc, bool strip_slashes)
{
	const char **rest = poptGetArgs(pc), **ops;
	int n = 0;

	while (rest && rest[n])
		n++;
	ops = util_xmalloc(sizeof(char *) * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		ops[i] = util_xstrdup(rest[i]);
	ops[n] = NULL;
	/* cp strips the SOURCE operands only, and only when it copies them
	 * into a directory (-t, or a last operand that is one). */
	if (strip_slashes && opts_into_dir(a, ops, n))
		for (int i = 0; i < (a->target ? n : n - 1); i++)
			opts_strip_slashes((char *)ops[i]);
	a->ops = ops;
	a->nops = n;
}

void opts_parse(struct zcp_args *a, int argc, const char **argv)
{
	/* Static: --help and --version exit with it still open (LeakSanitizer). */
	static poptContext pc;
	struct opts_seen seen = { 0 };
	const char **given = argv;
	int c;

	words = longopt_translate(argc, argv, options, &argc);
	pc = poptGetContext(util_program, argc, words, options, 0);
	/* popt allocates each string argument; what is kept is copied. */
	for (; (c = poptGetNextOpt(pc)) > 0; free(arg), arg = NULL) {
		if (arg && strcmp(arg, LONGOPT_BARE) == 0) {
			free(arg);
			arg = NULL;	/* no argument; "" is an empty one */
		}
		if (!opts_cp(a, &seen, c))
			opts_zcp(a, c);
	}
	if (c < -1)
		opts_popt_error(pc, c);
	opts_settle(a, &seen);
	opts_operands(a, pc, seen.strip_slashes);
	poptFreeContext(pc);
	longopt_free(words, given);
	words = NULL;
}

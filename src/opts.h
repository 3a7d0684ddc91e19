/* opts.h: zcp's command line, parsed with popt into cp's options. */
#ifndef ZCP_OPTS_H
#define ZCP_OPTS_H

#include "cp.h"

/* --also DESTs at most: with DEST, fanout.h's FANOUT_MAX. */
#define OPTS_ALSO_MAX 15

struct zcp_args {
	struct cp_opts o;
	const char *target;
	bool backup;
	int backup_type;
	bool stats;
	bool stats_json;
	char *stats_file;	/* --stats-file: the JSON report goes there */
	char *files_from;	/* --files-from: more SOURCEs, read from there */
	bool null;		/* -0: its entries end with NUL, not newline */
	int progress;		/* enum progress_mode */
	const char **ops;
	int nops;
	int bench;
	unsigned jobs;	/* --jobs, 0: one per CPU */
	/* --also: more destinations, each in DEST's (or -t's) place. */
	char *also[OPTS_ALSO_MAX];
	int nalso;
};

/* Parse argv into a; exits with cp's message and status 1 on a bad option,
 * and with 0 after --help or --version. */
void opts_parse(struct zcp_args *a, int argc, const char **argv);
/* "clone, copy_range, ..." from the method table. */
const char *opts_method_names(char *buf, size_t n);

#endif

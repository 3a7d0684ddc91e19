/* bench.h: --bench: every applicable method on one pair, measured. */
#ifndef ZCP_BENCH_H
#define ZCP_BENCH_H

#include "cp.h"

/* Copy src to dst with each method that applies, `rounds` times each,
 * alternating the methods, and print a table. cp's rules for dst (same
 * file, -n, -u, -i, --backup, --dry-run) hold as for one copy. 0, or 1
 * after a message (also when no method copied). */
int bench_run(struct cp_ctx *ctx, const char *src, const char *dst, int rounds);

#endif

/* bench.h: --bench: every applicable method on one pair, measured. */
#ifndef ZCP_BENCH_H
#define ZCP_BENCH_H

#include "cp.h"

/* Copy src to dst with each method that applies, `rounds` times each,
 * alternating the methods, and print a table. 0, or 1 after a message. */
int bench_run(const struct cp_opts *o, const char *src, const char *dst, int rounds);

#endif

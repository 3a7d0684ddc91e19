/* explain.h: --explain, --debug: why each file went the way it went. */
#ifndef ZCP_EXPLAIN_H
#define ZCP_EXPLAIN_H

#include "cp.h"

void explain_file(const struct cp_opts *o, const struct copy_job *job,
		  const struct plan *plan, int used);

#endif

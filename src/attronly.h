/* attronly.h: --attributes-only: a destination with the source's
 * attributes and none of its data. */
#ifndef ZCP_ATTRONLY_H
#define ZCP_ATTRONLY_H

#include "cp.h"

/* A new dst is made empty; an existing one keeps its data. Either then
 * gets the attributes the options preserve. 0, or -errno after a message. */
int attronly_copy(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		  const struct cp_path *dst, bool exists);

#endif

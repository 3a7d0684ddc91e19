/* create.h: make the destination: a file with the source's data, a
 * directory and its entries, a symlink, a special file. */
#ifndef ZCP_CREATE_H
#define ZCP_CREATE_H

#include "cp.h"

/* dst->name NULL means standard output; dlst the existing destination. */
int create_data(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		const struct cp_path *dst, const struct stat *dlst);
int create_dir(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
	       bool follow, const struct cp_path *dst, bool exists);
int create_symlink(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		   const struct cp_path *dst);
int create_special(struct cp_ctx *ctx, const struct stat *sst, const struct cp_path *dst);

#endif

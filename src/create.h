/* create.h: make the destination: a file with the source's data, a
 * directory and its entries, a symlink, a special file. */
#ifndef ZCP_CREATE_H
#define ZCP_CREATE_H

#include "cp.h"

/* Open the source described by *sst (refreshed), checking it is still
 * that file; the fd, or -errno for create_src_error to tell. */
int create_open_src(const struct cp_path *src, struct stat *sst, bool follow);
void create_src_error(const struct cp_path *src, int err);
/* Copy the data of src_fd (opened by create_open_src); dst->name NULL
 * means standard output; dlst the existing destination. The caller
 * closes src_fd. *made (if not NULL) gets the destination's stat. */
int create_data(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		int src_fd, const struct cp_path *dst, const struct stat *dlst, struct stat *made);
int create_dir(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
	       bool follow, const struct cp_path *dst, bool exists);
int create_symlink(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		   const struct cp_path *dst);
int create_special(struct cp_ctx *ctx, const struct stat *sst, const struct cp_path *dst);

#endif

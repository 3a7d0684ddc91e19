/* create.h: make the destination: a file with the source's data, a
 * directory and its entries, a symlink, a special file. */
#ifndef ZCP_CREATE_H
#define ZCP_CREATE_H

#include "cp.h"
#include "tree.h"

/* Open the source described by *sst (refreshed), checking it is still
 * that file; the fd, or -errno for create_src_error to tell. */
int create_open_src(const struct cp_path *src, struct stat *sst, bool follow);
void create_src_error(const struct cp_path *src, int err);
/* A failed data copy in cp's words (used < 0: no method could start). */
void create_data_error(const struct cp_ctx *ctx, const struct copy_job *job,
		       const struct plan *plan, int used, int err);
/* --atomic's refusals (a device, a fifo, a symlink DEST): 0, or -errno
 * after a message. */
int create_atomic_ok(const struct cp_opts *o, const struct cp_path *dst,
		     const struct stat *dlst);
/* Before a backup or removal takes dst away: can a method copy into the
 * file that replaces it? 0, or -errno after cp's message. */
int create_data_check(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		      int src_fd, const struct cp_path *dst);
/* Copy the data of src_fd (opened by create_open_src); dst->name NULL
 * means standard output; dlst the existing destination. The caller
 * closes src_fd. *made (if not NULL) gets the destination's stat. */
int create_data(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		int src_fd, const struct cp_path *dst, const struct stat *dlst, struct stat *made);
/* Make dst (unless d->exists) and open both directories into d (d->sst,
 * follow and exists given): 0, with d->src_fd -errno when the source
 * could not be opened (told); or -errno, nothing to finish (told). */
int create_dir_open(struct cp_ctx *ctx, const struct cp_path *src, const struct cp_path *dst,
		    struct tree_dir *d);
/* Its last entry done: the directory's attributes, then close it. 0 or
 * -errno (told). */
int create_dir_finish(struct cp_ctx *ctx, const char *src_path, const char *dst_path,
		      struct tree_dir *d);
int create_symlink(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		   const struct cp_path *dst);
int create_special(struct cp_ctx *ctx, const struct stat *sst, const struct cp_path *dst);

#endif

/* dryrun.h: --dry-run: every decision of a real copy, no change made. */
#ifndef ZCP_DRYRUN_H
#define ZCP_DRYRUN_H

#include "cp.h"
#include "tree.h"

/*
 * Stand in for the making of dst from src once cp's rules have let it
 * through: plan and explain a data file, walk a directory, name what would
 * be made. Opens nothing for writing, creates, truncates or removes nothing.
 */
int dryrun_node(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		bool follow, const struct cp_path *dst, const struct stat *dlst);

/* --dry-run's side of a directory the walk enters: say what would be made,
 * open the source and an O_PATH descriptor on the destination (or the
 * nearest directory above it). 0, or -errno after a message. */
int dryrun_dir_open(struct cp_ctx *ctx, const struct cp_path *src, const struct cp_path *dst,
		    struct tree_dir *d);
int dryrun_dir_finish(struct tree_dir *d);

#endif

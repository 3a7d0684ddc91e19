/* tree.h: the walk of one operand's tree. One loop owns the recursion:
 * the per-entry step (cp_copy) asks to descend, the walker opens the
 * directory, copies its entries, then finishes it. No recursion on the C
 * stack, and a bounded number of descriptors at any depth. */
#ifndef ZCP_TREE_H
#define ZCP_TREE_H

#include "cp.h"

#include <stdbool.h>
#include <sys/stat.h>

/* A directory the walk enters: made (or found) and opened by
 * create_dir_open or dryrun_dir_open, given its attributes and closed by
 * create_dir_finish or dryrun_dir_finish once its last entry is done. */
struct tree_dir {
	struct stat sst;	/* the source directory, as cp_copy saw it */
	bool follow;		/* its name may be a symlink followed to it (-L, -H) */
	bool exists;		/* merged into a directory that was there */
	int src_fd;		/* -1: it could not be opened (reported) */
	int dst_fd;
	bool dst_opath;		/* dst_fd is O_PATH: one there we may not read (0333) */
	bool dst_absent;	/* --dry-run: not there; dst_fd is the nearest directory above */
	struct stat dst_st;	/* what dst_fd is */
	mode_t fix;		/* the mode to set when finished, or (mode_t)-1 */
	/* Made by this run on ext4, tmpfs, btrfs or xfs, with no default ACL
	 * (its own comes when it is finished): a file made in it gets the
	 * owner, group and mode the book says, and no ACL. */
	bool plain;
};

/* How many levels (the operand's among them) each of runs walks may hold
 * open within RLIMIT_NOFILE beside the files in flight: at most 32; 0
 * when not even the operand's and one below fit. */
long tree_levels_fit(unsigned runs);

/* Copy one operand, and all below it if it is a directory; 0, or -errno
 * (the last failure) after the messages were printed. */
int tree_copy(struct cp_ctx *ctx, const struct cp_path *src, const struct cp_path *dst,
	      bool cmdline);

/* From cp_copy: src (sst) is to be copied as a directory into dst, which
 * exists already (a merge) or not. The walker does it once cp_copy has
 * returned. 0. */
int tree_descend(struct cp_ctx *ctx, const struct stat *sst, bool follow, bool exists);

#endif

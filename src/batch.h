/* batch.h: new small files copied through io_uring, a batch at a time.
 *
 * A run of regular entries of a directory this run made (a plain one,
 * tree.h: a file made in it gets the owner and mode the book says) costs
 * three io_uring submissions for the whole run instead of six system
 * calls a file: the sources opened (O_NOFOLLOW); each one's statx taken
 * from the open file beside a read of it; then, linked for each file, the
 * copy made with O_EXCL and the source's mode, written and closed, and
 * the source closed. Only a file that the one read took whole and that
 * is nothing but its data (regular, of one link or links not kept, no
 * holes, on the operand's file system) is finished so; any other, and
 * any failure on the way, is left to cp_copy, which copies it from the
 * start (and says what is wrong) as if the batch had never looked at it.
 */
#ifndef ZCP_BATCH_H
#define ZCP_BATCH_H

#include "cp.h"

#include <stdbool.h>
#include <sys/types.h>

/* Files in one batch at most. */
#define BATCH_MAX 32

struct batch_item {
	struct cp_path src, dst;	/* an entry, as tree_step would hand it to cp_copy */
	bool copied;			/* batch_copy made the copy; batch_finish reports it */
	unsigned size;			/* ... of this many bytes */
};

/* Do the options let files be copied in batches? Not when a file takes
 * more than its data and mode (-p, links, --atomic, --verify, --fsync),
 * nor when each file's own story is told (--explain, --debug) or its
 * method named (--method). */
bool batch_allowed(const struct cp_opts *o);
/* An operand whose copy is made in dst_fs (statfs f_type) from the
 * directory src_fd: the source device its files must be on to go in
 * batches, or 0 when none may (a copy made in a file system that clones
 * is a clone; a file system other than ext4, tmpfs, btrfs or xfs may not
 * give a file's data in one read of its size). */
dev_t batch_source_dev(const struct cp_opts *o, long dst_fs, int src_fd, const struct stat *sst);
/* With threads copying batches at once, how many files a batch may
 * hold open (their sources are plain descriptors while it runs), within
 * RLIMIT_NOFILE: BATCH_MAX at most, 0 for no batch. The walker's. */
unsigned batch_files(unsigned threads);
/* Copy what it can of v[0..n-1]; no message, nothing left behind for
 * the files it does not copy. */
void batch_copy(struct cp_ctx *ctx, struct batch_item *v, unsigned n);
/* In walk order, after batch_copy: say what a copied file's copy says
 * (-v), or copy it the usual way. 0, or -errno after a message. */
int batch_finish(struct cp_ctx *ctx, struct batch_item *it);
/* Is this thread finishing a batch? (A file now a directory is not
 * descended into from there, as from a worker.) */
bool batch_finishing(void);

#endif

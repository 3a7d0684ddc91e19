/* method.h: one copy method behind one ops struct; the ordered table. */
#ifndef ZCP_METHOD_H
#define ZCP_METHOD_H

#include "endpoint.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

enum sparse_mode { SPARSE_AUTO, SPARSE_ALWAYS, SPARSE_NEVER };

/* Which end a failed call was about, for cp's "error reading/writing". */
enum job_err_side { JOB_ERR_BOTH, JOB_ERR_READ, JOB_ERR_WRITE };

/* One copy of data from one open file to another. */
struct copy_job {
	struct endpoint src, dst;
	enum sparse_mode sparse;
	bool reflink_always;	/* --reflink=always: clone or fail */
	bool reflink_never;
	bool holes;		/* the source has holes worth keeping */
	bool may_punch;		/* the destination is ours: writing zeros may be skipped */
	uint64_t moved;		/* bytes the running method has taken from the source */
	uint64_t written;	/* bytes the running method has put in the destination */
	enum job_err_side err_side;
	/* Called once, before the first method that writes into the
	 * destination (not before a whole-file clone, which replaces it in
	 * one step): empties an existing destination. 0 or -errno. */
	int (*begin)(struct copy_job *job, void *arg);
	void *begin_arg;
};

/* Method flags. */
#define METHOD_WHOLE_FILE 0x1	/* copies the whole file in one go (clone) */
#define METHOD_SEES_DATA  0x2	/* the data passes through user space */

struct copy_method {
	const char *name;
	unsigned flags;
	/* NULL if the method can serve the job, else why not. */
	const char *(*applies)(const struct copy_job *job);
	/* Why it is the one to use, for --explain. */
	const char *why;
	/* Copy len bytes (len < 0: to end of input) from src.off to dst.off,
	 * advancing both offsets; 0 or -errno. A short source ends the copy. */
	int (*copy)(struct copy_job *job, int64_t len);
	/* Kernel CPU copies per byte, a model, for --stats. */
	unsigned model_kernel_copies;
	/* Copies of the data through user space per byte, for --stats. */
	unsigned user_copies;
};

extern const struct copy_method *const method_table[];
extern const unsigned method_count;

const struct copy_method *method_find(const char *name);
/* n bytes went from source to destination inside the kernel in one call:
 * taken, written, and counted as copied, none across the boundary. */
void method_kernel_moved(struct copy_job *job, uint64_t n);
/* How much one call that moves len bytes in the kernel (-1: to the end)
 * should ask for, at most max; no more than 64 MiB while a progress line
 * is drawn, so that a large file is seen going, not done at once, and
 * into a regular file that was there: a fatal signal empties it only once
 * the call under way is out (inflight.c), which must not take long. */
size_t method_call_size(const struct copy_job *job, int64_t len, size_t max);
/* A progress line is drawn (progress_start): calls are sized for it. */
void method_watched(void);
/* Write n bytes of a user buffer at job->dst (pwrite where it seeks),
 * counted as copied through user space; sparse: blocks of zeros are
 * skipped, left as holes (--sparse=always). 0 or -errno. */
int method_write(struct copy_job *job, const char *p, size_t n, bool sparse);
/* A pipe of zcp's to splice through. */
struct method_pipe {
	int r, w;
	unsigned size;	/* what it holds */
	bool made;
};
#define METHOD_PIPE_DEFAULT 65536	/* what a pipe holds when F_SETPIPE_SZ is refused */
/* Make p, if not made, as large as F_SETPIPE_SZ allows up to want. 0 or -errno. */
int method_pipe_get(struct method_pipe *p, unsigned want);
/* A pipe that may hold data of a failed copy is not used again. */
void method_pipe_drop(struct method_pipe *p);
/* Wait until a non-blocking end (an inherited O_NONBLOCK pipe) is ready:
 * POLLIN to read, POLLOUT to write. 0 or -errno. */
int method_wait(int fd, short events);
/* True for the errors that mean "this method cannot work here". */
bool method_unsupported(int err);

/* Per-file-system facts, learned once per run. */
enum method_fact { FACT_UNKNOWN, FACT_WORKS, FACT_FAILS };
enum method_fact method_fact_get(const struct copy_method *m, dev_t src, dev_t dst,
				 int *err);
void method_fact_set(const struct copy_method *m, dev_t src, dev_t dst,
		     enum method_fact f, int err);

#endif

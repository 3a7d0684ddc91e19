/* uring.h: a minimal io_uring of zcp's own, every system call counted.
 *
 * liburing is used for its headers and its inline io_uring_prep_*()
 * helpers, which only fill in an SQE. Setting the ring up, mapping it and
 * entering the kernel happen here, through sys.h, so that --stats sees
 * each io_uring_setup, mmap and io_uring_enter that strace sees.
 */
#ifndef ZCP_URING_H
#define ZCP_URING_H

#include <liburing.h>
#include <stdbool.h>
#include <stddef.h>

struct uring {
	int fd;
	unsigned sq_entries;
	/* the shared rings, as the kernel laid them out */
	unsigned *sq_head, *sq_tail, *sq_mask, *sq_array;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_cqe *cqes;
	struct io_uring_sqe *sqes;
	/* SQEs handed out but not yet seen by the kernel */
	unsigned sqe_tail, queued;
	/* SQEs the last failed uring_submit_wait took back, never submitted */
	unsigned unsent;
	/* the mappings, for uring_exit */
	void *sq_map, *cq_map;
	size_t sq_map_len, cq_map_len, sqes_len;
};

/* Set a ring of at least entries SQEs up; 0 or -errno (nothing left). */
int uring_init(struct uring *r, unsigned entries);
void uring_exit(struct uring *r);
/* 1 if the kernel knows each of the n opcodes ops, 0 if not, or -errno. */
int uring_probe(struct uring *r, const unsigned char *ops, unsigned n);
/* A table of n direct descriptors, all empty (IORING_OP_OPENAT fills
 * them by index). 0 or -errno (before Linux 5.19: -EINVAL). */
int uring_files_sparse(struct uring *r, unsigned n);
/* A zeroed SQE to fill in, or NULL if the queue is full. */
struct io_uring_sqe *uring_sqe(struct uring *r);
/* Submit what was queued and wait for min_complete completions.
 * On failure nothing queued stays in the ring: 0 or -errno. */
int uring_submit_wait(struct uring *r, unsigned min_complete);
/* The next completion, or NULL; uring_cqe_seen hands its slot back. */
struct io_uring_cqe *uring_cqe(struct uring *r);
void uring_cqe_seen(struct uring *r);

#endif

/* uring.c: set up, feed and reap an io_uring with counted system calls. */
#include "uring.h"
#include "sys.h"

#include <string.h>

void uring_exit(struct uring *r)
{
	if (r->sqes)
		sys_munmap(r->sqes, r->sqes_len);
	if (r->cq_map)
		sys_munmap(r->cq_map, r->cq_map_len);
	if (r->sq_map)
		sys_munmap(r->sq_map, r->sq_map_len);
	if (r->fd >= 0)
		sys_close(r->fd);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

int uring_init(struct uring *r, unsigned entries)
{
	struct io_uring_params p;
	char *sq, *cq;
	int err;

	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	r->fd = sys_io_uring_setup(entries, &p);
	if (r->fd < 0)
		return r->fd;
	/* The descriptor comes with O_CLOEXEC already. */
	r->sq_map_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	r->cq_map_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	/* One mapping holds both rings when the kernel offers it. */
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		if (r->cq_map_len > r->sq_map_len)
			r->sq_map_len = r->cq_map_len;
	}
	sq = sys_mmap(NULL, r->sq_map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		      r->fd, IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED) {
		err = -errno;
		goto out_exit;
	}
	r->sq_map = sq;
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		cq = sq;
		r->cq_map_len = 0;
	} else {
		cq = sys_mmap(NULL, r->cq_map_len, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
		if (cq == MAP_FAILED) {
			err = -errno;
			goto out_exit;
		}
		r->cq_map = cq;
	}
	r->sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	r->sqes = sys_mmap(NULL, r->sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			   r->fd, IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED) {
		err = -errno;
		r->sqes = NULL;
		goto out_exit;
	}

	r->sq_entries = p.sq_entries;
	r->sq_head = (unsigned *)(sq + p.sq_off.head);
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	r->sqe_tail = *r->sq_tail;
	return 0;

out_exit:
	uring_exit(r);
	return err;
}

int uring_probe(struct uring *r, const unsigned char *ops, unsigned n)
{
	/* Room for every opcode a kernel may list (ops_len is a __u8). */
	union {
		struct io_uring_probe p;
		char room[sizeof(struct io_uring_probe) + 256 * sizeof(struct io_uring_probe_op)];
	} u;
	int err;

	memset(&u, 0, sizeof(u));
	err = sys_io_uring_register(r->fd, IORING_REGISTER_PROBE, &u.p, 256);
	if (err < 0)
		return err;
	for (unsigned i = 0; i < n; i++)
		if (ops[i] > u.p.last_op || !(u.p.ops[ops[i]].flags & IO_URING_OP_SUPPORTED))
			return 0;
	return 1;
}

struct io_uring_sqe *uring_sqe(struct uring *r)
{
	unsigned head = __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
	struct io_uring_sqe *sqe;
	unsigned i;

	if (r->sqe_tail - head >= r->sq_entries)
		return NULL;
	i = r->sqe_tail & *r->sq_mask;
	sqe = &r->sqes[i];
	memset(sqe, 0, sizeof(*sqe));
	r->sq_array[i] = i;
	r->sqe_tail++;
	r->queued++;
	return sqe;
}

int uring_submit_wait(struct uring *r, unsigned min_complete)
{
	unsigned flags = min_complete ? IORING_ENTER_GETEVENTS : 0;
	int n;

	/* The kernel reads the SQEs up to the tail once it is entered. */
	__atomic_store_n(r->sq_tail, r->sqe_tail, __ATOMIC_RELEASE);
	for (;;) {
		n = sys_io_uring_enter(r->fd, r->queued, min_complete, flags);
		if (n == -EINTR)
			continue;
		if (n < 0)
			break;
		/* Entries the kernel took are gone from the queue; a short
		 * submission leaves the rest for another round. */
		r->queued -= (unsigned)n < r->queued ? (unsigned)n : r->queued;
		if (r->queued == 0)
			return 0;
		if (n == 0) {
			n = -EBUSY;
			break;
		}
	}
	/* What the kernel did not take must not be submitted with the next
	 * file's SQEs: take it back. */
	r->sqe_tail = __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
	__atomic_store_n(r->sq_tail, r->sqe_tail, __ATOMIC_RELEASE);
	r->unsent = r->queued;
	r->queued = 0;
	return n;
}

struct io_uring_cqe *uring_cqe(struct uring *r)
{
	unsigned head = *r->cq_head;

	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
		return NULL;
	return &r->cqes[head & *r->cq_mask];
}

void uring_cqe_seen(struct uring *r)
{
	__atomic_store_n(r->cq_head, *r->cq_head + 1, __ATOMIC_RELEASE);
}

int uring_files_sparse(struct uring *r, unsigned n)
{
	struct io_uring_rsrc_register reg = { .nr = n, .flags = IORING_RSRC_REGISTER_SPARSE };

	return sys_io_uring_register(r->fd, IORING_REGISTER_FILES2, &reg, sizeof(reg));
}

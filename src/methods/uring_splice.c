/* uring_splice: IORING_OP_SPLICE from the source into a pipe and from the
 * pipe into the destination, each pair linked, several in flight.
 *
 * Where one end is a pipe already the data is spliced straight across.
 * Where both ends seek, four chains run at once on their own pipes and
 * ranges; where one end is a stream, one chain of four pairs keeps the
 * order. A splice that moves less than it was asked fails its link, the
 * rest of the chain completes with -ECANCELED, and the next round starts
 * from what really moved: first what is left in the pipe, then more.
 *
 * The ring and the pipes are made once per run and reused for every file.
 */
#include "method.h"
#include "inflight.h"
#include "endpoint.h"
#include "sys.h"
#include "uring.h"

#include <stdio.h>
#include <string.h>

#define US_ENTRIES 32
#define US_SLOTS 4		/* chains in flight when both ends seek */
#define US_CHAIN 8		/* SQEs per chain at most (plus a leftover drain) */
#define US_PIPE_SIZE (1 << 20)

/* Each worker has its own ring and pipes (first use sets them up). */
static _Thread_local struct uring us_ring = { .fd = -1 };
static _Thread_local int us_state;	/* 0: not set up yet, 1: ready, -errno: not to be had this run */
static _Thread_local struct method_pipe us_pipes[US_SLOTS];

enum us_kind { US_FILL, US_DRAIN, US_DIRECT };

struct us_op {
	enum us_kind kind;
	unsigned len;
	int res;
};

struct us_slot {
	struct method_pipe *p;	/* NULL: splice straight from source to destination */
	/* Positions relative to the start of the copy: [wr, rd) is in the pipe. */
	uint64_t rd, wr, end;
	struct us_op op[US_CHAIN + 1];
	unsigned nops, pending;
	bool eof;
};

struct us_copy {
	struct copy_job *job;
	struct us_slot slot[US_SLOTS];
	unsigned nslots;
	unsigned chain;		/* SQEs a round may put in one chain */
	unsigned chunk;		/* bytes asked of one splice */
	uint64_t next;		/* the next range to hand out (both ends seek) */
	uint64_t limit;		/* where the copy ends: its length, or where the source did */
	unsigned inflight;
	int err;
	short wait_src, wait_dst;	/* an end said EAGAIN: poll it before more */
};

static const char *us_unavailable(void)
{
	static _Thread_local char why[96];
	const char *name = strerrorname_np(-us_state);

	if (us_state == -EOPNOTSUPP)
		return "this kernel's io_uring has no IORING_OP_SPLICE";
	snprintf(why, sizeof(why), "io_uring cannot be set up here (%s)", name ? name : "error");
	return why;
}

static const char *uring_splice_applies(const struct copy_job *job)
{
	const char *why;

	switch (job->src.kind) {
	case KIND_REGULAR:
	case KIND_BLOCKDEV:
	case KIND_FIFO:
	case KIND_SOCKET:
		break;
	case KIND_CHARDEV:
	case KIND_TTY:
		return "character devices and terminals are read as they expect: rw";
	default:
		return "the source is not a file, pipe or socket";
	}
	if ((why = endpoint_why_untrusted(&job->src)))
		return why;
	if ((why = endpoint_why_not_kernel_dst(&job->dst)))
		return why;
	if (job->dst.append)
		return "the destination is open for appending (splice gives EINVAL)";
	if (us_state < 0)
		return us_unavailable();
	return NULL;
}

/* The ring, set up on first use; a failure holds for the rest of the run. */
static int us_ring_get(void)
{
	int err;

	if (us_state)
		return us_state < 0 ? us_state : 0;
	err = uring_init(&us_ring, US_ENTRIES);
	if (err) {
		us_state = err;
		return err;
	}
	err = uring_probe(&us_ring, (const unsigned char[]){ IORING_OP_SPLICE }, 1);
	if (err <= 0) {
		/* Kernels without the probe predate IORING_OP_SPLICE too. */
		uring_exit(&us_ring);
		us_state = -EOPNOTSUPP;
		return us_state;
	}
	us_state = 1;
	return 0;
}

static bool us_has_work(const struct us_copy *c, const struct us_slot *s)
{
	uint64_t end = s->end < c->limit ? s->end : c->limit;

	return s->wr < s->rd || (!s->eof && s->rd < end);
}

/* Where an end is read or written, or -1 for one that does not seek: a
 * pipe, socket or device, even if named on the command line with off 0. */
static off_t us_off(const struct endpoint *e)
{
	return e->kind == KIND_REGULAR || e->kind == KIND_BLOCKDEV ? e->off : -1;
}

static void us_add(struct us_copy *c, struct us_slot *s, enum us_kind k, unsigned len,
		   uint64_t at)
{
	struct copy_job *job = c->job;
	struct io_uring_sqe *sqe = uring_sqe(&us_ring);
	int64_t src_off = us_off(&job->src) >= 0 ? job->src.off + (int64_t)at : -1;
	int64_t dst_off = us_off(&job->dst) >= 0 ? job->dst.off + (int64_t)at : -1;
	unsigned i = s->nops++;

	/* US_ENTRIES holds every slot's longest chain: there is room. */
	if (k == US_FILL)
		io_uring_prep_splice(sqe, job->src.fd, src_off, s->p->w, -1, len, 0);
	else if (k == US_DRAIN)
		io_uring_prep_splice(sqe, s->p->r, -1, job->dst.fd, dst_off, len, 0);
	else
		io_uring_prep_splice(sqe, job->src.fd, src_off, job->dst.fd, dst_off, len, 0);
	sqe->user_data = (uint64_t)(s - c->slot) << 8 | i;
	s->op[i] = (struct us_op){ .kind = k, .len = len, .res = -ECANCELED };
}

/* One round of a slot: what is left in its pipe, then more pairs, linked. */
static unsigned us_queue(struct us_copy *c, struct us_slot *s)
{
	uint64_t end = s->end < c->limit ? s->end : c->limit;
	uint64_t rd = s->rd;
	unsigned per = s->p ? 2 : 1, cap, chunk = c->chunk;

	if (s->p && s->p->size < chunk)
		chunk = s->p->size;
	s->nops = 0;
	if (s->p && s->wr < s->rd)
		us_add(c, s, US_DRAIN, (unsigned)(s->rd - s->wr), s->wr);
	cap = c->chain + s->nops;	/* a leftover drain comes on top */
	while (!s->eof && rd < end && s->nops + per <= cap) {
		unsigned n = end - rd < chunk ? (unsigned)(end - rd) : chunk;

		if (s->p) {
			us_add(c, s, US_FILL, n, rd);
			us_add(c, s, US_DRAIN, n, rd);
		} else {
			us_add(c, s, US_DIRECT, n, rd);
		}
		rd += n;
	}
	/* Link all but the last: each waits for the one before. */
	for (unsigned i = 0; i + 1 < s->nops; i++) {
		unsigned idx = (us_ring.sqe_tail - s->nops + i) & *us_ring.sq_mask;
		us_ring.sqes[idx].flags |= IOSQE_IO_LINK;
	}
	s->pending = s->nops;
	return s->nops;
}

static void us_fail(struct us_copy *c, int err, enum job_err_side side)
{
	if (c->err)
		return;
	c->err = err;
	c->job->err_side = side;
}

/* A slot's chain has completed: account for what really moved, in order. */
static void us_done(struct us_copy *c, struct us_slot *s)
{
	struct copy_job *job = c->job;
	bool broken = false;

	for (unsigned i = 0; i < s->nops; i++) {
		struct us_op *o = &s->op[i];
		int res = o->res;

		if (res == -ECANCELED && broken)
			continue;
		if (broken) {
			/* The kernel ran on after a short splice in the chain. */
			us_fail(c, -EIO, JOB_ERR_BOTH);
			return;
		}
		if (res == -EINTR || res == -ECANCELED) {
			broken = true;	/* nothing moved; the next round asks again */
			continue;
		}
		if (res == -EAGAIN) {
			/* An inherited O_NONBLOCK pipe: wait for the end that
			 * would have blocked, then ask again. */
			if (o->kind != US_DRAIN)
				c->wait_src = POLLIN;
			if (o->kind != US_FILL)
				c->wait_dst = POLLOUT;
			broken = true;
			continue;
		}
		if (res < 0) {
			us_fail(c, res, o->kind == US_FILL ? JOB_ERR_READ :
					o->kind == US_DRAIN || res == -EPIPE ? JOB_ERR_WRITE
									      : JOB_ERR_BOTH);
			return;
		}
		if (o->kind == US_FILL || o->kind == US_DIRECT) {
			if (res == 0)
				s->eof = true;
			s->rd += (unsigned)res;
			job->moved += (unsigned)res;
		}
		if (o->kind == US_DRAIN || o->kind == US_DIRECT) {
			if (res == 0 && o->kind == US_DRAIN) {
				/* We hold the write end: an empty pipe cannot be. */
				us_fail(c, -EIO, JOB_ERR_WRITE);
				return;
			}
			s->wr += (unsigned)res;
			job->written += (unsigned)res;
			stats_bytes((unsigned)res, 0, 0);
		}
		if ((unsigned)res < o->len)
			broken = true;
	}
	if (s->eof && s->rd < c->limit)
		c->limit = s->rd;	/* the source ended early */
}

/* Hand a finished slot the next range, when both ends seek. */
static void us_next_range(struct us_copy *c, struct us_slot *s)
{
	uint64_t range = (uint64_t)c->chunk * (c->chain / 2);

	if (c->nslots == 1 || us_has_work(c, s) || c->next >= c->limit)
		return;
	s->rd = s->wr = c->next;
	s->end = c->next + range;
	s->eof = false;
	c->next = s->end;
}

/* Both ends may be non-blocking pipes: wait for either to be ready; a
 * stream end (a pipe) is the only one that can have said EAGAIN. */
static int us_wait(struct us_copy *c)
{
	struct pollfd p[2];
	nfds_t n = 0;
	int err;

	if (c->wait_src && us_off(&c->job->src) < 0)
		p[n++] = (struct pollfd){ .fd = c->job->src.fd, .events = c->wait_src };
	if (c->wait_dst && us_off(&c->job->dst) < 0)
		p[n++] = (struct pollfd){ .fd = c->job->dst.fd, .events = c->wait_dst };
	c->wait_src = c->wait_dst = 0;
	if (n == 0)
		return 0;
	do
		err = sys_poll(p, n, -1);
	while (err == -EINTR);
	return err < 0 ? err : 0;
}

static int us_run(struct us_copy *c)
{
	struct io_uring_cqe *cqe;
	unsigned queued, min_wait;
	int err;

	for (;;) {
		queued = 0;
		min_wait = ~0u;
		/* A fatal end waits for what is under way (uring_splice_copy): no
		 * more is queued, what is in flight is reaped. */
		if (inflight_dying() && !c->err)
			c->err = -EINTR;
		if (c->inflight == 0 && !c->err && (c->wait_src || c->wait_dst)) {
			err = us_wait(c);
			if (err) {
				us_fail(c, err, JOB_ERR_BOTH);
				return err;
			}
		}
		for (unsigned i = 0; i < c->nslots && !c->err; i++) {
			struct us_slot *s = &c->slot[i];
			if (s->pending == 0 && us_has_work(c, s))
				queued += us_queue(c, s);
		}
		c->inflight += queued;
		if (c->inflight == 0)
			return c->err;
		for (unsigned i = 0; i < c->nslots; i++)
			if (c->slot[i].pending && c->slot[i].pending < min_wait)
				min_wait = c->slot[i].pending;
		err = uring_submit_wait(&us_ring, min_wait);
		if (err) {
			if (c->inflight > queued || us_ring.unsent < queued) {
				/* Some of it runs in the kernel: only closing the
				 * ring ends it; the next file sets up another. */
				uring_exit(&us_ring);
				us_state = 0;
			}
			c->inflight = 0;
			for (unsigned i = 0; i < c->nslots; i++)
				c->slot[i].pending = 0;
			us_fail(c, err, JOB_ERR_BOTH);
			return err;
		}
		stats_uring_op(SU_splice, queued);
		while ((cqe = uring_cqe(&us_ring))) {
			struct us_slot *s = &c->slot[(cqe->user_data >> 8) % US_SLOTS];
			unsigned i = (unsigned)(cqe->user_data & 0xff);

			if (i < s->nops && s->pending) {
				s->op[i].res = cqe->res;
				s->pending--;
				c->inflight--;
				if (s->pending == 0) {
					us_done(c, s);
					us_next_range(c, s);
				}
			}
			uring_cqe_seen(&us_ring);
		}
	}
}

static int uring_splice_copy(struct copy_job *job, int64_t len)
{
	bool direct = job->src.kind == KIND_FIFO || job->dst.kind == KIND_FIFO;
	struct us_copy c = { .job = job, .nslots = 1, .chain = US_CHAIN,
			     .limit = len >= 0 ? (uint64_t)len : UINT64_MAX };
	uint64_t done;
	int err, n;

	if (len == 0)
		return 0;
	err = us_ring_get();
	if (err)
		return err;
	if (direct) {
		/* Ask a splice for what the pipe holds: asking more only
		 * cuts the chain short. */
		n = sys_fcntl(job->src.kind == KIND_FIFO ? job->src.fd : job->dst.fd,
			      F_GETPIPE_SZ, 0);
		c.chunk = n > 0 ? (unsigned)n : METHOD_PIPE_DEFAULT;
	} else if (us_off(&job->src) >= 0 && us_off(&job->dst) >= 0 && len > 0) {
		/* Both ends seek: chains on disjoint ranges may run at once. */
		c.nslots = US_SLOTS;
		c.chain = 2;
	}
	if (!direct) {
		/* The first pipe says how much a splice may ask; the other
		 * slots get a pipe only if the file is long enough for them. */
		err = method_pipe_get(&us_pipes[0], US_PIPE_SIZE);
		if (err)
			return err;
		c.chunk = us_pipes[0].size;
	}
	if (c.nslots == 1)
		c.slot[0].end = c.limit;
	for (unsigned i = 0; i < c.nslots; i++) {
		struct us_slot *s = &c.slot[i];

		us_next_range(&c, s);
		if (direct || !us_has_work(&c, s))
			continue;
		err = method_pipe_get(&us_pipes[i], US_PIPE_SIZE);
		if (err)
			return err;
		s->p = &us_pipes[i];
	}

	/* The splices run in io-wq's threads, on after io_uring_enter has
	 * returned: the whole run counts as one call that writes (sys.h). */
	inflight_writing();
	err = us_run(&c);
	inflight_written();
	if (err == -EPIPE) {
		/* An io-wq worker's splice into a closed pipe raises no
		 * SIGPIPE; raise it here, as write(2) would have, so that
		 * `zcp f - | head` ends as quietly as cat or cp does. */
		sys_kill(sys_getpid(), SIGPIPE);
	}
	if (err) {
		for (unsigned i = 0; i < c.nslots; i++)
			if (c.slot[i].p && c.slot[i].wr != c.slot[i].rd)
				method_pipe_drop(c.slot[i].p);
		return err;
	}
	done = c.nslots == 1 ? c.slot[0].wr : c.limit;
	if (us_off(&job->src) >= 0)
		job->src.off += (off_t)done;
	if (us_off(&job->dst) >= 0)
		job->dst.off += (off_t)done;
	return 0;
}

const struct copy_method method_uring_splice = {
	.name = "uring_splice",
	.flags = 0,
	.applies = uring_splice_applies,
	.why = "io_uring splices through a pipe, batched and asynchronous: 0 user copies "
	       "(pipe or socket to file, pipe or socket)",
	.copy = uring_splice_copy,
	.model_kernel_copies = 1,
	.user_copies = 0,
};

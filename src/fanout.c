/* fanout.c: one source's data to several destinations, read once.
 *
 * Where the source can be spliced (a regular file, a block device, a pipe,
 * a socket), each chunk is spliced into a pipe of zcp's; tee(2) gives every
 * end but the last a pipe of its own holding the same pages (no copy);
 * each pipe is spliced into its destination, the last end taking the
 * source's pipe itself. An end that takes no splice (a terminal, a file
 * open for appending: EINVAL before its first byte) reads its pipe into
 * the buffer and writes that. A source that takes no splice, a /proc
 * file, and --sparse=always (which must see the zeros) go through the
 * buffer instead: read once, written to each. Holes are kept by the ends
 * that may keep them (new regular files); the others are written zeros.
 *
 * The pipes and the buffer are the run's, used by one thread at a time
 * (the --also runs hand their turn over through atomics: also.c).
 */
#include "fanout.h"
#include "endpoint.h"
#include "sys.h"

#include <string.h>

#define FANOUT_PIPE (1U << 20)	/* asked of F_SETPIPE_SZ */
#define FANOUT_BUF ((size_t)1 << 20)

static struct method_pipe fo_src, fo_dst[FANOUT_MAX];
static char *fo_buf;

/* What one pass over a range of the source needs to know. */
struct fo_copy {
	struct fanout_end *e;
	unsigned n;
	struct copy_job *job;	/* the first end's: its source is the one read */
	struct endpoint *src;
	bool sparse;		/* --sparse=always: zeros are skipped, not written */
};

static int fo_buffer(void)
{
	void *p;

	if (fo_buf)
		return 0;
	p = sys_mmap(NULL, FANOUT_BUF, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	fo_buf = p;
	return 0;
}

/* The first (or last) end still in the copy, or -1 when none is. */
static int fo_end_in(const struct fo_copy *c, bool last)
{
	for (unsigned k = 0; k < c->n; k++) {
		unsigned i = last ? c->n - 1 - k : k;

		if (!c->e[i].err)
			return (int)i;
	}
	return -1;
}

static int fo_last(const struct fo_copy *c)
{
	return fo_end_in(c, true);
}

/* The read into the buffer is one kernel copy, whatever the ends: the
 * model gives it to the first still in. */
static void fo_read_copy(struct fo_copy *c, size_t n)
{
	int first = fo_end_in(c, false);

	if (first >= 0)
		c->e[first].model += n;
}

static void fo_fail(struct fanout_end *e, int err, struct method_pipe *p)
{
	e->err = err;
	e->job->err_side = JOB_ERR_WRITE;
	if (p)
		method_pipe_drop(p);	/* what it did not take is in it */
}

/* Write n bytes of the buffer to end e. 0, or its error (it drops out). */
static int fo_write(const struct fo_copy *c, struct fanout_end *e, const char *p, size_t n)
{
	struct copy_job *job = e->job;
	bool sparse = c->sparse && job->may_punch && job->dst.off >= 0;
	int err;

	stats_file_into(e->file);
	err = method_write(job, p, n, sparse);
	stats_file_into(NULL);
	e->user = true;
	e->model += n;
	if (err)
		fo_fail(e, err, NULL);
	return err;
}

/* Take n bytes of pipe p into end e: spliced, or read and written where
 * it takes no splice. A failure drops the end (and the pipe, which still
 * holds part of the data). */
static void fo_drain(const struct fo_copy *c, struct fanout_end *e, struct method_pipe *p,
		     size_t n)
{
	struct copy_job *job = e->job;
	ssize_t w;

	stats_file_into(e->file);
	while (n > 0 && !e->buffered) {
		off_t off = job->dst.off;

		w = sys_splice(p->r, NULL, job->dst.fd, off >= 0 ? &off : NULL, n, SPLICE_F_MOVE);
		if (w == -EINTR)
			continue;
		if (w == -EAGAIN && (w = method_wait(job->dst.fd, POLLOUT)) == 0)
			continue;
		if (w == -EINVAL && !e->spliced) {
			e->buffered = true;	/* a terminal, O_APPEND: it is written */
			break;
		}
		if (w <= 0) {
			stats_file_into(NULL);
			fo_fail(e, w < 0 ? (int)w : -EIO, p);
			return;
		}
		e->spliced = true;
		stats_bytes((uint64_t)w, 0, 0);
		job->written += (uint64_t)w;
		if (job->dst.off >= 0)
			job->dst.off += w;
		e->model += (uint64_t)w;	/* the page cache's copy in */
		n -= (size_t)w;
	}
	while (n > 0) {
		ssize_t r = sys_read(p->r, fo_buf, n < FANOUT_BUF ? n : FANOUT_BUF);

		if (r == -EINTR)
			continue;
		if (r <= 0) {
			stats_file_into(NULL);
			fo_fail(e, r < 0 ? (int)r : -EIO, p);
			return;
		}
		stats_bytes(0, (uint64_t)r, 0);
		e->model += (uint64_t)r;	/* out of the pipe */
		if (fo_write(c, e, fo_buf, (size_t)r) != 0) {
			method_pipe_drop(p);
			return;
		}
		stats_file_into(e->file);
		n -= (size_t)r;
	}
	stats_file_into(NULL);
}

/* Up to want bytes of the source into its pipe: how many, 0 at its end,
 * or -errno. */
static ssize_t fo_splice_in(struct fo_copy *c, size_t want)
{
	struct endpoint *src = c->src;

	for (;;) {
		off_t off = src->off;
		ssize_t n = sys_splice(src->fd, off >= 0 ? &off : NULL, fo_src.w, NULL, want,
				       SPLICE_F_MOVE);

		if (n == -EINTR)
			continue;
		if (n == -EAGAIN && (n = method_wait(src->fd, POLLIN)) == 0)
			continue;
		if (n > 0) {
			if (src->off >= 0)
				src->off += n;
			c->job->moved += (uint64_t)n;
			stats_read((uint64_t)n);
		}
		return n;
	}
}

/* tee fell short (the ends' pipes hold fewer pages than the source's):
 * the chunk goes through the buffer to every end, their pipes dropped. */
static int fo_chunk_buffered(struct fo_copy *c, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = sys_read(fo_src.r, fo_buf + got, n - got);

		if (r == -EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? (int)r : -EIO;
		got += (size_t)r;
	}
	stats_bytes(0, n, 0);
	fo_read_copy(c, n);
	for (unsigned i = 0; i < c->n; i++) {
		if (c->e[i].err)
			continue;
		method_pipe_drop(&fo_dst[i]);
		(void)fo_write(c, &c->e[i], fo_buf, n);
	}
	return 0;
}

/* One chunk of n bytes in the source's pipe, to every end still in. */
static int fo_chunk(struct fo_copy *c, size_t n)
{
	int last = fo_last(c), err;

	for (int i = 0; i < last; i++) {
		ssize_t t;

		if (c->e[i].err)
			continue;
		if ((err = method_pipe_get(&fo_dst[i], FANOUT_PIPE)) != 0) {
			fo_fail(&c->e[i], err, NULL);
			continue;
		}
		do
			t = sys_tee(fo_src.r, fo_dst[i].w, n, 0);
		while (t == -EINTR);
		if (t != (ssize_t)n) {
			/* (What it took is dropped with its pipe.) */
			return fo_chunk_buffered(c, n);
		}
	}
	for (int i = 0; i < last; i++)
		if (!c->e[i].err)
			fo_drain(c, &c->e[i], &fo_dst[i], n);
	fo_drain(c, &c->e[last], &fo_src, n);
	return 0;
}

/* len bytes of the source (-1: to its end) through tee and splice.
 * -EINVAL before any byte: the source takes no splice. */
static int fo_range_tee(struct fo_copy *c, int64_t len, bool *moved)
{
	int err;

	while (len != 0 && fo_last(c) >= 0) {
		/* (A short tee reads the chunk into the buffer: no more than it.) */
		size_t want = fo_src.size < FANOUT_BUF ? fo_src.size : FANOUT_BUF;
		ssize_t n;

		if (len > 0 && (uint64_t)len < want)
			want = (size_t)len;
		stats_file_into(c->e[0].file);
		n = fo_splice_in(c, want);
		stats_file_into(NULL);
		if (n == 0)
			break;
		if (n < 0)
			return (int)n;
		*moved = true;
		err = fo_chunk(c, (size_t)n);
		if (err)
			return err;
		/* The last end failed mid-chunk: the source's pipe went with it. */
		if ((err = method_pipe_get(&fo_src, FANOUT_PIPE)) != 0)
			return err;
		if (len > 0)
			len -= n;
	}
	return 0;
}

/* len bytes of the source (-1: to its end) read into the buffer once,
 * written to each end. */
static int fo_range_buffered(struct fo_copy *c, int64_t len)
{
	struct endpoint *src = c->src;

	while (len != 0 && fo_last(c) >= 0) {
		size_t want = len > 0 && (uint64_t)len < FANOUT_BUF ? (size_t)len : FANOUT_BUF;
		ssize_t n;

		stats_file_into(c->e[0].file);
		n = src->off >= 0 ? sys_pread(src->fd, fo_buf, want, src->off)
				  : sys_read(src->fd, fo_buf, want);
		if (n > 0) {
			stats_bytes(0, (uint64_t)n, 0);
			stats_read((uint64_t)n);
		}
		stats_file_into(NULL);
		if (n == -EINTR)
			continue;
		if (n == -EAGAIN && (n = method_wait(src->fd, POLLIN)) == 0)
			continue;
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		if (src->off >= 0)
			src->off += n;
		c->job->moved += (uint64_t)n;
		fo_read_copy(c, (size_t)n);
		for (unsigned i = 0; i < c->n; i++)
			if (!c->e[i].err)
				(void)fo_write(c, &c->e[i], fo_buf, (size_t)n);
		if (len > 0)
			len -= n;
	}
	return 0;
}

/* One range of the source at src->off, to every end at the same offset
 * where they seek. */
static int fo_range(struct fo_copy *c, int64_t len, bool *tee)
{
	bool moved = false;
	int err;

	if (*tee) {
		err = fo_range_tee(c, len, &moved);
		if (err != -EINVAL || moved)
			return err;
		*tee = false;	/* it takes no splice: the buffer, from where it was */
	}
	return fo_range_buffered(c, len);
}

/* A hole of the source, from..to: an end that keeps holes skips it, the
 * others (a pipe, standard output) are written its zeros, as one copy to
 * them reads them. */
static void fo_hole(struct fo_copy *c, off_t from, off_t to)
{
	bool zeroed = false;

	for (unsigned i = 0; i < c->n; i++) {
		struct fanout_end *e = &c->e[i];

		if (e->err)
			continue;
		if (e->job->holes) {
			e->job->dst.off = to;
			continue;
		}
		if (!zeroed)
			memset(fo_buf, 0, FANOUT_BUF);
		zeroed = true;
		for (off_t n = to - from; n > 0 && !e->err;) {
			size_t k = n < (off_t)FANOUT_BUF ? (size_t)n : FANOUT_BUF;

			if (fo_write(c, e, fo_buf, k) == 0)
				n -= (off_t)k;
		}
	}
}

/* Copy what lies between the holes, each end that keeps them at the
 * source's offsets. */
static int fo_extents(struct fo_copy *c, bool *tee)
{
	off_t end = c->src->st.st_size, pos = 0;

	while (pos < end && fo_last(c) >= 0) {
		off_t data = sys_lseek(c->src->fd, pos, SEEK_DATA), hole;
		int err;

		if (data == -ENXIO)
			data = end;	/* the rest is a hole */
		if (data < 0)
			return (int)data;
		if (data > pos)
			fo_hole(c, pos, data);
		if (data >= end)
			break;
		hole = sys_lseek(c->src->fd, data, SEEK_HOLE);
		if (hole < 0)
			return (int)hole;
		if (hole > end)
			hole = end;
		c->src->off = data;
		err = fo_range(c, hole - data, tee);
		if (err)
			return err;
		if (c->src->off < hole)
			break;	/* the source shrank */
		pos = hole;
	}
	return 0;
}

bool fanout_tees(const struct copy_job *job)
{
	switch (job->src.kind) {
	case KIND_REGULAR:
	case KIND_BLOCKDEV:
	case KIND_FIFO:
	case KIND_SOCKET:
		return job->sparse != SPARSE_ALWAYS && !endpoint_why_untrusted(&job->src);
	default:
		return false;
	}
}

/* After the data: where holes were kept, or zeros skipped, at the end of
 * the file, the size is set (as exec_run sets it for one copy). */
static void fo_sizes(struct fo_copy *c, bool holes)
{
	for (unsigned i = 0; i < c->n; i++) {
		struct copy_job *job = c->e[i].job;
		int err;

		if (c->e[i].err || !job->may_punch || (!(holes && job->holes) && !c->sparse))
			continue;
		stats_file_into(c->e[i].file);
		err = sys_ftruncate(job->dst.fd, holes ? job->src.st.st_size : job->dst.off);
		stats_file_into(NULL);
		if (err)
			fo_fail(&c->e[i], err, NULL);
	}
}

int fanout_copy(struct fanout_end *e, unsigned n, bool *tee)
{
	struct fo_copy c = { .e = e, .n = n, .job = e[0].job, .src = &e[0].job->src,
			     .sparse = e[0].job->sparse == SPARSE_ALWAYS };
	int64_t len = c.src->size_trusted ? c.src->st.st_size - c.src->off : -1;
	bool holes = false;
	int err;

	/* Holes are kept where any end keeps them (fo_hole). */
	for (unsigned i = 0; i < n; i++)
		holes = holes || e[i].job->holes;
	*tee = fanout_tees(c.job);
	err = fo_buffer();
	/* No pipe to be had (EMFILE): the buffer serves. */
	if (!err && *tee && method_pipe_get(&fo_src, FANOUT_PIPE) != 0)
		*tee = false;
	if (!err)
		err = holes ? fo_extents(&c, tee) : fo_range(&c, len, tee);
	if (!err)
		fo_sizes(&c, holes);
	for (unsigned i = 0; i < n; i++) {
		e[i].job->src.off = c.src->off;
		e[i].job->moved = e[0].job->moved;
		if (err) {
			e[i].err = err;
			e[i].job->err_side = JOB_ERR_READ;
		}
	}
	if (err) {
		/* (Pipes left holding part of a chunk are not used again.) */
		method_pipe_drop(&fo_src);
		for (unsigned i = 0; i < n; i++)
			method_pipe_drop(&fo_dst[i]);
	}
	return err;
}

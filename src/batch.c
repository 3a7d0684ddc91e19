/* batch.c: new small files copied through io_uring, a batch at a time.
 *
 * Each thread has a ring of its own, set up when it first copies a batch,
 * with a table of BATCH_MAX direct descriptors (the copies are made,
 * written and closed by index, in one submission) and a buffer of
 * BATCH_BUF bytes a file. Every SQE completes once, cancelled or not, so
 * a batch waits for as many completions as it submitted: nothing the
 * kernel may still write to (the buffer, the statx) is given back before.
 * A kernel without what it needs (direct descriptors came in 5.19) or a
 * ring that cannot be had (io_uring_disabled, a seccomp filter) leaves
 * every file to cp_copy.
 */
#include "batch.h"
#include "endpoint.h"
#include "inflight.h"
#include "report.h"
#include "stats.h"
#include "sys.h"
#include "uring.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

/* A file below this size is read whole by its one read. */
#define BATCH_BUF (32 * 1024)
/* The last submission: create, write, close a copy and close its source. */
#define BATCH_ENTRIES (4 * BATCH_MAX)

/* The steps of one file, each an SQE whose result is kept. */
enum batch_step { BS_OPEN, BS_STATX, BS_READ, BS_CREATE, BS_WRITE, BS_CLOSE, BS_CLOSE_SRC, BS_N };
/* user_data: the file's index, then its step in the low bits. */
#define BATCH_STEP_BITS 3

struct batch_file {
	int res[BS_N];
	struct statx stx;
	struct stat st;
	int slot;	/* in the inflight table, while its copy is made */
	bool plain;	/* to be made by the batch */
};

static _Thread_local struct {
	struct uring r;
	int state;	/* 0: not set up yet, 1: ready, -errno: not to be had */
	char *buf;	/* BATCH_MAX buffers of BATCH_BUF */
	struct batch_file f[BATCH_MAX];
	bool finishing;
} bt = { .r = { .fd = -1 } };

bool batch_allowed(const struct cp_opts *o)
{
	const struct cp_preserve *p = &o->preserve;

	/* (--also: a batch would read its files once for each destination.) */
	return o->recursive && o->link == LINK_NONE && !o->attr_only && !o->atomic && !o->also &&
	       !o->dry_run && !o->verify && !o->fsync && !o->explain && !o->debug &&
	       o->sparse != SPARSE_ALWAYS &&
	       o->reflink != REFLINK_ALWAYS && !o->order.forced && o->deref != DEREF_ALWAYS &&
	       !p->mode && !p->owner && !p->times && !p->xattr && !p->mode_off &&
	       !p->context_must;
}

dev_t batch_source_dev(const struct cp_opts *o, long dst_fs, int src_fd, const struct stat *sst)
{
	struct statfs sf;

	if (!batch_allowed(o) || !endpoint_fs_posix(dst_fs) ||
	    (endpoint_fs_reflinks(dst_fs) && o->reflink != REFLINK_NEVER))
		return 0;
	if (src_fd < 0 || sys_fstatfs(src_fd, &sf) != 0 || !endpoint_fs_posix((long)sf.f_type))
		return 0;
	/* 0 stands for none: a device numbered 0 is not batched. */
	return sst->st_dev;
}

/* What a batch may not take of the descriptors: the walk's (two a level
 * it holds open), the standard ones, a --stats-file, a list. */
#define BATCH_FD_RESERVE 128

unsigned batch_files(unsigned threads)
{
	static unsigned known_threads, files;
	struct rlimit rl;
	rlim_t room;

	if (threads == known_threads)
		return files;
	known_threads = threads;
	files = 0;
	if (sys_getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return files;
	/* Each thread: its batch's sources, a file copied the usual way
	 * (two, and a directory for --parents), its ring. */
	room = rl.rlim_cur;
	if (room == RLIM_INFINITY || room > 1 << 20)
		room = 1 << 20;
	if (room <= BATCH_FD_RESERVE + 4 * (rlim_t)threads)
		return files;
	room = (room - BATCH_FD_RESERVE - 4 * (rlim_t)threads) / threads;
	/* Fewer than 4 a batch are not worth the ring. */
	files = room >= BATCH_MAX ? BATCH_MAX : room >= 4 ? (unsigned)room : 0;
	return files;
}

static int batch_ring(void)
{
	static const unsigned char ops[] = {
		IORING_OP_OPENAT, IORING_OP_STATX, IORING_OP_READ, IORING_OP_WRITE, IORING_OP_CLOSE,
	};
	void *buf;
	int err;

	if (bt.state)
		return bt.state < 0 ? bt.state : 0;
	err = uring_init(&bt.r, BATCH_ENTRIES);
	if (err)
		goto out_fail;
	err = uring_probe(&bt.r, ops, sizeof(ops));
	if (err <= 0) {
		err = err ? err : -EOPNOTSUPP;
		goto out_exit;
	}
	err = uring_files_sparse(&bt.r, BATCH_MAX);
	if (err)
		goto out_exit;
	buf = sys_mmap(NULL, (size_t)BATCH_MAX * BATCH_BUF, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		err = -ENOMEM;
		goto out_exit;
	}
	bt.buf = buf;
	bt.state = 1;
	return 0;
out_exit:
	uring_exit(&bt.r);
out_fail:
	bt.state = err;
	return err;
}

/* An SQE for step s of file i; the ring has room for a whole submission. */
static struct io_uring_sqe *batch_sqe(unsigned i, enum batch_step s, enum stats_uring_op op)
{
	struct io_uring_sqe *sqe = uring_sqe(&bt.r);

	sqe->user_data = (uint64_t)i << BATCH_STEP_BITS | s;
	stats_uring_op(op, 1);
	return sqe;
}

/* Take n completions, waiting for those not in yet. The kernel had the
 * SQEs and the memory they name: it must be done with them all before
 * that memory is used again, so nothing but a broken ring ends the wait
 * early, and that ends zcp. */
static void batch_reap(unsigned n)
{
	for (;;) {
		struct io_uring_cqe *cqe;
		int err;

		while (n && (cqe = uring_cqe(&bt.r)) != NULL) {
			uint64_t u = cqe->user_data;

			bt.f[u >> BATCH_STEP_BITS].res[u & ((1u << BATCH_STEP_BITS) - 1)] = cqe->res;
			uring_cqe_seen(&bt.r);
			n--;
		}
		if (!n)
			return;
		err = uring_submit_wait(&bt.r, n);
		if (err && err != -EAGAIN && err != -EBUSY) {
			util_error(err, "io_uring");
			abort();
		}
	}
}

/* Submit the n SQEs queued and take their results. Those the kernel did
 * not take keep -ECANCELED, as if cancelled. */
static void batch_run(unsigned n)
{
	if (uring_submit_wait(&bt.r, n) != 0)
		n -= bt.r.unsent;
	batch_reap(n);
}

static void batch_stat(const struct statx *x, struct stat *st)
{
	*st = (struct stat){
		.st_dev = makedev(x->stx_dev_major, x->stx_dev_minor),
		.st_ino = x->stx_ino, .st_mode = x->stx_mode, .st_nlink = x->stx_nlink,
		.st_uid = x->stx_uid, .st_gid = x->stx_gid, .st_size = (off_t)x->stx_size,
		.st_blocks = (blkcnt_t)x->stx_blocks, .st_blksize = (blksize_t)x->stx_blksize,
	};
}

/* Is file i, opened, looked at and read, one the batch may make? */
static bool batch_plain(const struct cp_ctx *ctx, struct batch_file *f)
{
	const unsigned want = STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_INO | STATX_SIZE |
			      STATX_BLOCKS;

	if (f->res[BS_STATX] != 0 || (f->stx.stx_mask & want) != want || f->res[BS_READ] < 0)
		return false;
	batch_stat(&f->stx, &f->st);
	/* A read that stopped short of the buffer met the end of the file;
	 * it gave the file's size: all of it, no more to come. */
	return S_ISREG(f->st.st_mode) && f->st.st_dev == ctx->batch_dev &&
	       f->st.st_size < BATCH_BUF && f->res[BS_READ] == f->st.st_size &&
	       f->st.st_blocks * 512 >= f->st.st_size && cp_fresh_plain(ctx->o, &f->st);
}

static void batch_reset(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		for (int s = 0; s < BS_N; s++)
			bt.f[i].res[s] = -ECANCELED;
		bt.f[i].slot = -1;
		bt.f[i].plain = false;
	}
}

/* The sources opened; then each one's statx and its read. */
static void batch_read(const struct batch_item *v, unsigned n)
{
	unsigned q = 0;

	for (unsigned i = 0; i < n; i++, q++)
		/* O_NONBLOCK: a FIFO put in a file's place since the walker
		 * listed it would wait for a writer; a regular file's reads
		 * ignore it (io_uring still waits for its pages). */
		io_uring_prep_openat(batch_sqe(i, BS_OPEN, SU_openat), v[i].src.dirfd,
				     v[i].src.name,
				     O_RDONLY | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
	batch_run(q);
	q = 0;
	for (unsigned i = 0; i < n; i++) {
		int fd = bt.f[i].res[BS_OPEN];

		if (fd < 0)
			continue;
		io_uring_prep_statx(batch_sqe(i, BS_STATX, SU_statx), fd, "",
				    AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS,
				    &bt.f[i].stx);
		io_uring_prep_read(batch_sqe(i, BS_READ, SU_read), fd, bt.buf + (size_t)i * BATCH_BUF,
				   BATCH_BUF, 0);
		q += 2;
	}
	batch_run(q);
}

/* Each plain file's copy made, written and closed, linked; every source
 * closed. */
static void batch_write(const struct cp_ctx *ctx, const struct batch_item *v, unsigned n)
{
	unsigned q = 0;
	sigset_t mask;

	for (unsigned i = 0; i < n; i++) {
		struct batch_file *f = &bt.f[i];
		struct io_uring_sqe *sqe;

		if (f->res[BS_OPEN] < 0)
			continue;
		f->plain = batch_plain(ctx, f);
		/* Recorded before it is made, as dest_open records its file:
		 * a fatal signal from here on removes it. */
		if (f->plain && (f->slot = inflight_creating(v[i].dst.dirfd, v[i].dst.name)) < 0)
			f->plain = false;
		if (f->plain) {
			/* Direct descriptors take no O_CLOEXEC: they are in no
			 * table a child would inherit. */
			sqe = batch_sqe(i, BS_CREATE, SU_openat);
			io_uring_prep_openat_direct(sqe, v[i].dst.dirfd, v[i].dst.name,
						    O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY,
						    f->st.st_mode & 0777, i);
			sqe->flags |= IOSQE_IO_LINK;
			q++;
			if (f->st.st_size > 0) {
				sqe = batch_sqe(i, BS_WRITE, SU_write);
				io_uring_prep_write(sqe, (int)i, bt.buf + (size_t)i * BATCH_BUF,
						    (unsigned)f->st.st_size, 0);
				/* The close follows a failed write too. */
				sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_HARDLINK;
				q++;
			}
			io_uring_prep_close_direct(batch_sqe(i, BS_CLOSE, SU_close), i);
			q++;
		}
		io_uring_prep_close(batch_sqe(i, BS_CLOSE_SRC, SU_close), f->res[BS_OPEN]);
		q++;
	}
	/* The copies are made by io_uring's workers, which a signal does not
	 * stop: none is handled here until each is made or not. */
	inflight_hold(&mask);
	batch_run(q);
	for (unsigned i = 0; i < n; i++) {
		struct batch_file *f = &bt.f[i];

		if (!f->plain)
			continue;
		/* Not made (EEXIST: another's file): nothing of ours to remove. */
		inflight_created(f->slot, f->res[BS_CREATE] == 0 ? 0 : -1);
		if (f->res[BS_CREATE] != 0)
			f->slot = -1;
	}
	inflight_release(&mask);
}

/* What the batch did to file i: its copy whole, or none. A copy's bytes
 * are its own, counted when it is finished (batch_finish); those of a
 * file left, read or written, the batch's. */
static bool batch_made(const struct batch_item *it, struct batch_file *f)
{
	off_t size = f->st.st_size;
	bool ok = f->plain && f->res[BS_CREATE] == 0 &&
		  (size == 0 || f->res[BS_WRITE] == size) && f->res[BS_CLOSE] == 0;

	if (!ok) {
		if (f->res[BS_READ] > 0) {
			stats_bytes(0, (uint64_t)f->res[BS_READ], 0);
			stats_read((uint64_t)f->res[BS_READ]);
		}
		if (f->res[BS_WRITE] > 0)
			stats_bytes((uint64_t)f->res[BS_WRITE], (uint64_t)f->res[BS_WRITE], 0);
		if (f->plain && f->res[BS_CREATE] == 0)
			sys_unlinkat(it->dst.dirfd, it->dst.name, 0);
	}
	inflight_del(f->slot);
	return ok;
}

void batch_copy(struct cp_ctx *ctx, struct batch_item *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		v[i].copied = false;
	if (n > BATCH_MAX || batch_ring() != 0)
		return;
	batch_reset(n);
	batch_read(v, n);
	batch_write(ctx, v, n);
	for (unsigned i = 0; i < n; i++) {
		const struct statx *x = &bt.f[i].stx;

		/* Not a regular file now: cp_copy looks at it afresh (a FIFO
		 * is made anew, not opened to wait for a writer). */
		if (bt.f[i].res[BS_STATX] == 0 && (x->stx_mask & STATX_TYPE) &&
		    !S_ISREG(x->stx_mode))
			v[i].src.regular = false;
		v[i].copied = batch_made(&v[i], &bt.f[i]);
		if (v[i].copied)
			v[i].size = (unsigned)bt.f[i].st.st_size;
	}
}

int batch_finish(struct cp_ctx *ctx, struct batch_item *it)
{
	uint64_t size = it->size;
	int err;

	if (!it->copied) {
		bt.finishing = true;
		err = cp_copy(ctx, &it->src, &it->dst, false);
		bt.finishing = false;
		return err;
	}
	/* --stats per file: its bytes, read out and written in, and no
	 * system call of its own (its batch's are the batch's). */
	stats_file_begin();
	stats_file_method("uring_batch");
	stats_bytes(0, size, 0);
	stats_read(size);
	stats_bytes(size, size, 0);
	stats_way(WAY_USER, size);
	/* The model of rw: the kernel copies the data out, then in. */
	stats_model_kernel_copies(2 * size);
	cp_verbose(ctx->o, &it->src, &it->dst, NULL);
	stats_file_end();
	report_file(it->src.path, it->dst.path);
	return 0;
}

bool batch_finishing(void)
{
	return bt.finishing;
}

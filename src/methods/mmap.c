/* mmap: map the source window by window and memcpy it into a mapped
 * destination, or write(2) it from the mapping where the destination
 * cannot be mapped (a pipe, a socket, a device, a file open write-only).
 *
 * A source that shrinks while it is mapped turns the next access past its
 * new end into SIGBUS. The copy then fails cleanly with EIO rather than
 * copy what exists: zcp cannot tell a truncation from a device that fails
 * to read a page, and a copy that stops early without an error would be a
 * silently short file. The destination keeps only what was certainly
 * copied, and is not left longer than that.
 */
#include "method.h"
#include "endpoint.h"
#include "sys.h"

#include <setjmp.h>
#include <stdatomic.h>
#include <string.h>

/* Bounded windows: the address space and the page tables stay small
 * whatever the file size, and a window's faults stay near each other. */
#define MM_WINDOW (16L << 20)

/* SIGBUS goes to the thread that faulted: each has its own. */
static _Thread_local sigjmp_buf mm_jmp;
static _Thread_local volatile sig_atomic_t mm_armed;
static _Thread_local void *volatile mm_fault_addr;
/* The handler is the process's, installed once and kept: 0, 1 being
 * installed, 2 in place, -errno could not be. */
static atomic_int mm_handler;

static void mm_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!mm_armed) {
		/* Not a fault of ours: die of it as if no handler were there. */
		struct sigaction dfl = { .sa_handler = SIG_DFL };
		sys_sigaction(sig, &dfl, NULL);
		return;
	}
	mm_armed = 0;
	mm_fault_addr = si->si_addr;
	siglongjmp(mm_jmp, 1);
}

/* memcpy that returns -EIO instead of dying when a page cannot be had.
 * Nothing changes between sigsetjmp and the jump but the copy itself. */
static int mm_guarded_copy(void *d, const void *s, size_t n)
{
	/* savemask 0 costs no sigprocmask call; SA_NODEFER leaves SIGBUS
	 * unblocked after the jump. */
	if (sigsetjmp(mm_jmp, 0))
		return -EIO;
	mm_armed = 1;
	memcpy(d, s, n);
	mm_armed = 0;
	return 0;
}

static const char *mmap_applies(const struct copy_job *job)
{
	const char *why;

	if (job->src.kind != KIND_REGULAR)
		return "maps only a regular file";
	if ((why = endpoint_why_untrusted(&job->src)))
		return why;
	if (job->src.off < 0)
		return "the source does not seek";
	return endpoint_why_not_kernel_dst(&job->dst);
}

struct mm_win {
	char *base;	/* the mapping */
	size_t len;	/* its length */
	char *p;	/* where the copy starts in it */
};

static int mm_map(struct mm_win *w, int fd, off_t off, size_t n, int prot)
{
	off_t page = (off_t)sysconf(_SC_PAGESIZE);
	off_t start = off & ~(page - 1);

	w->len = (size_t)(off - start) + n;
	w->base = sys_mmap(NULL, w->len, prot, MAP_SHARED, fd, start);
	if (w->base == MAP_FAILED) {
		w->base = NULL;
		return -errno;
	}
	w->p = w->base + (off - start);
	return 0;
}

static void mm_unmap(struct mm_win *w)
{
	if (w->base)
		sys_munmap(w->base, w->len);
	w->base = NULL;
}

/* write(2) from the source's mapping: the kernel copies from the mapped
 * pages, so the data crosses the boundary once. */
static int mm_write(struct copy_job *job, const char *p, size_t n)
{
	/* A named fifo or device comes with off 0 but takes no pwrite. */
	bool seeks = job->dst.off >= 0 && (job->dst.kind == KIND_REGULAR ||
					   job->dst.kind == KIND_BLOCKDEV);

	while (n > 0) {
		ssize_t w = seeks ? sys_pwrite(job->dst.fd, p, n, job->dst.off)
				  : sys_write(job->dst.fd, p, n);
		if (w == -EINTR)
			continue;
		if (w == -EAGAIN && (w = method_wait(job->dst.fd, POLLOUT)) == 0)
			continue;
		if (w == -EFAULT) {
			/* A mapped page of the source could not be read. */
			job->err_side = JOB_ERR_READ;
			return -EIO;
		}
		if (w <= 0) {
			job->err_side = JOB_ERR_WRITE;
			return w < 0 ? (int)w : -EIO;
		}
		stats_bytes((uint64_t)w, (uint64_t)w, 0);
		job->moved += (uint64_t)w;
		job->written += (uint64_t)w;
		job->src.off += w;
		if (seeks)
			job->dst.off += w;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A shared writable mapping needs a destination open for reading too. */
static bool mm_dst_mappable(const struct copy_job *job)
{
	int fl;

	if (job->dst.kind != KIND_REGULAR || job->dst.off < 0 || job->dst.append)
		return false;
	fl = sys_fcntl(job->dst.fd, F_GETFL, 0);
	return fl >= 0 && (fl & O_ACCMODE) == O_RDWR;
}

/* One window into the mapped destination. */
static int mm_window_to_map(struct copy_job *job, struct mm_win *s, size_t n)
{
	struct mm_win d = { 0 };
	int err = mm_map(&d, job->dst.fd, job->dst.off, n, PROT_READ | PROT_WRITE);

	if (err) {
		job->err_side = JOB_ERR_WRITE;
		return err;
	}
	err = mm_guarded_copy(d.p, s->p, n);
	if (err) {
		char *a = mm_fault_addr;
		/* A page of the destination that cannot be had is a write
		 * error, a full file system most often: the fault says only
		 * SIGBUS, so the blocks are asked for, to tell ENOSPC or
		 * EDQUOT as cp would. */
		job->err_side = a >= d.base && a < d.base + d.len ? JOB_ERR_WRITE : JOB_ERR_READ;
		if (job->err_side == JOB_ERR_WRITE) {
			int why = sys_fallocate(job->dst.fd, 0, job->dst.off, (off_t)n);

			if (why == -ENOSPC || why == -EDQUOT)
				err = why;
		}
		goto out_unmap;
	}
	stats_bytes(n, 0, n);
	job->moved += n;
	job->written += n;
	job->src.off += (off_t)n;
	job->dst.off += (off_t)n;
out_unmap:
	mm_unmap(&d);
	return err;
}

static int mm_handler_install(void)
{
	struct sigaction sa = { 0 };
	int state = 0, err;

	if (atomic_compare_exchange_strong(&mm_handler, &state, 1)) {
		sa.sa_sigaction = mm_sigbus;
		sa.sa_flags = SA_SIGINFO | SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		err = sys_sigaction(SIGBUS, &sa, NULL);
		atomic_store(&mm_handler, err ? err : 2);
		return err;
	}
	while ((state = atomic_load(&mm_handler)) == 1)
		sys_sched_yield();
	return state == 2 ? 0 : state;
}

static int mmap_copy(struct copy_job *job, int64_t len)
{
	bool to_map;
	off_t size0 = job->dst.st.st_size, end;
	int err = 0;

	if (len <= 0)
		return 0;
	to_map = mm_dst_mappable(job);
	if (to_map && job->dst.off + len > size0) {
		/* A shared mapping reaches only as far as the file does. */
		err = sys_ftruncate(job->dst.fd, job->dst.off + len);
		if (err) {
			job->err_side = JOB_ERR_WRITE;
			return err;
		}
	}
	err = mm_handler_install();
	if (err)
		goto out_size;

	while (len > 0) {
		size_t n = len < MM_WINDOW ? (size_t)len : (size_t)MM_WINDOW;
		struct mm_win s = { 0 };

		err = mm_map(&s, job->src.fd, job->src.off, n, PROT_READ);
		if (err) {
			job->err_side = JOB_ERR_READ;
			break;
		}
		/* Read-ahead sized for a stream; the advice is only a hint. */
		sys_madvise(s.base, s.len, MADV_SEQUENTIAL);
		err = to_map ? mm_window_to_map(job, &s, n) : mm_write(job, s.p, n);
		mm_unmap(&s);
		if (err)
			break;
		len -= (int64_t)n;
	}

out_size:
	/* The file reaches no further than what was certainly copied (or
	 * than it did before, if it was not empty and not ours). */
	end = job->dst.off > size0 ? job->dst.off : size0;
	if (err && to_map)
		sys_ftruncate(job->dst.fd, end);
	return err;
}

const struct copy_method method_mmap = {
	.name = "mmap",
	.flags = 0,
	.applies = mmap_applies,
	.why = "the source is mapped and copied once by the CPU (memcpy, or write from the map)",
	.copy = mmap_copy,
	.model_kernel_copies = 1,
	.user_copies = 1,
};

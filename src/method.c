/* method.c: the ordered table of copy methods and what was learned of them.
 *
 * Adding a method is one file in src/methods/ and one line here. The order
 * of the table is the default order of preference; each method's
 * applies() leaves out the pairs it cannot serve. The order is the one
 * `make bench` measured (see README.md, "Choosing a method").
 */
#include "method.h"
#include "sync.h"
#include "stats.h"
#include "sys.h"

#include <errno.h>
#include <string.h>

extern const struct copy_method method_clone;
extern const struct copy_method method_copy_range;
extern const struct copy_method method_sendfile;
extern const struct copy_method method_uring_splice;
extern const struct copy_method method_mmap;
extern const struct copy_method method_rw;

const struct copy_method *const method_table[] = {
	&method_clone,
	&method_copy_range,
	&method_sendfile,
	&method_uring_splice,
	&method_mmap,
	&method_rw,
};

const unsigned method_count = sizeof(method_table) / sizeof(method_table[0]);

const struct copy_method *method_find(const char *name)
{
	for (unsigned i = 0; i < method_count; i++)
		if (strcmp(method_table[i]->name, name) == 0)
			return method_table[i];
	return NULL;
}

#define METHOD_SHORT_CALL ((size_t)64 << 20)

/* Set before the copy's threads start, read only after. */
static bool method_watch;

void method_watched(void)
{
	method_watch = true;
}

size_t method_call_size(const struct copy_job *job, int64_t len, size_t max)
{
	bool emptied = !job->dst.is_new && job->dst.kind == KIND_REGULAR;

	if ((method_watch || emptied) && max > METHOD_SHORT_CALL)
		max = METHOD_SHORT_CALL;
	return len >= 0 && (uint64_t)len < max ? (size_t)len : max;
}

void method_kernel_moved(struct copy_job *job, uint64_t n)
{
	stats_bytes(n, 0, 0);
	job->moved += n;
	job->written += n;
}

static int method_write_all(struct copy_job *job, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = job->dst.off >= 0 ? sys_pwrite(job->dst.fd, p, n, job->dst.off)
					      : sys_write(job->dst.fd, p, n);
		if (w == -EINTR)
			continue;
		if (w == -EAGAIN && (w = method_wait(job->dst.fd, POLLOUT)) == 0)
			continue;
		if (w < 0 || w == 0) {
			job->err_side = JOB_ERR_WRITE;
			return w < 0 ? (int)w : -EIO;
		}
		stats_bytes((uint64_t)w, (uint64_t)w, 0);
		job->written += (uint64_t)w;
		if (job->dst.off >= 0)
			job->dst.off += w;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static bool method_zero(const char *p, size_t n)
{
	return n > 0 && p[0] == 0 && memcmp(p, p + 1, n - 1) == 0;
}

/* With --sparse=always, blocks of zeros become holes: skip writing them. */
static int method_write_sparse(struct copy_job *job, const char *p, size_t n)
{
	size_t blk = job->dst.st.st_blksize > 0 ? (size_t)job->dst.st.st_blksize : 4096;

	while (n > 0) {
		size_t run = 0;
		bool zero = method_zero(p, n < blk ? n : blk);

		while (run < n) {
			size_t b = n - run < blk ? n - run : blk;
			if (method_zero(p + run, b) != zero)
				break;
			run += b;
		}
		if (zero) {
			job->dst.off += (off_t)run;
		} else {
			int err = method_write_all(job, p, run);
			if (err)
				return err;
		}
		p += run;
		n -= run;
	}
	return 0;
}

int method_write(struct copy_job *job, const char *p, size_t n, bool sparse)
{
	return sparse ? method_write_sparse(job, p, n) : method_write_all(job, p, n);
}

int method_pipe_get(struct method_pipe *p, unsigned want)
{
	int fds[2], n, err;

	if (p->made)
		return 0;
	err = sys_pipe2(fds, 0);
	if (err)
		return err;
	/* Bigger pipes mean fewer splices; refused (a limit) is no harm. */
	n = sys_fcntl(fds[1], F_SETPIPE_SZ, (long)want);
	*p = (struct method_pipe){ .r = fds[0], .w = fds[1], .made = true,
				   .size = n > 0 ? (unsigned)n : METHOD_PIPE_DEFAULT };
	return 0;
}

void method_pipe_drop(struct method_pipe *p)
{
	if (!p->made)
		return;
	sys_close(p->r);
	sys_close(p->w);
	p->made = false;
}

int method_wait(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	do
		n = sys_poll(&p, 1, -1);
	while (n == -EINTR);
	return n < 0 ? n : 0;
}

bool method_unsupported(int err)
{
	switch (-err) {
	case ENOSYS:
	case EXDEV:
	case EOPNOTSUPP:
#if ENOTSUP != EOPNOTSUPP
	case ENOTSUP:
#endif
	case EINVAL:
	case ETXTBSY:
	case EPERM:
	case EBADF:	/* e.g. copy_file_range on an O_APPEND descriptor */
	case ENODEV:	/* mmap: the file system cannot map files */
		return true;
	default:
		return false;
	}
}

/*
 * A small cache of failures per (method, source device, destination
 * device): a method that said "not here" once is not asked again for
 * every file of a tree. Successes need no entry.
 */
struct fact {
	const struct copy_method *m;
	dev_t src, dst;
	int err;
};

#define FACTS_MAX 64
/* Shared by the workers, read without a lock: entries below nfacts are
 * complete and never change (a full table learns no more: a re-probe is
 * only a cost); new ones are added under the lock. */
static struct fact facts[FACTS_MAX];
static atomic_uint nfacts;
static struct sync_lock facts_lock = SYNC_LOCK_INIT;

static const struct fact *fact_find(const struct copy_method *m, dev_t src, dev_t dst)
{
	unsigned n = atomic_load_explicit(&nfacts, memory_order_acquire);

	for (unsigned i = 0; i < n; i++)
		if (facts[i].m == m && facts[i].src == src && facts[i].dst == dst)
			return &facts[i];
	return NULL;
}

enum method_fact method_fact_get(const struct copy_method *m, dev_t src, dev_t dst,
				 int *err)
{
	const struct fact *f = fact_find(m, src, dst);

	if (!f)
		return FACT_UNKNOWN;
	*err = f->err;
	return FACT_FAILS;
}

void method_fact_set(const struct copy_method *m, dev_t src, dev_t dst,
		     enum method_fact f, int err)
{
	unsigned n;

	if (f != FACT_FAILS)
		return;
	sync_lock(&facts_lock);
	n = atomic_load_explicit(&nfacts, memory_order_relaxed);
	if (!fact_find(m, src, dst) && n < FACTS_MAX) {
		facts[n] = (struct fact){ .m = m, .src = src, .dst = dst, .err = err };
		atomic_store_explicit(&nfacts, n + 1, memory_order_release);
	}
	sync_unlock(&facts_lock);
}

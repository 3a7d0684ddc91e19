/* rw: read(2) and write(2) through one buffer; the universal fallback. */
#include "method.h"
#include "sys.h"

#define RW_FLOOR (128 * 1024)
#define RW_CEILING (8 * 1024 * 1024)

/* One buffer for the whole run per thread, grown when a file asks for more. */
static _Thread_local char *rw_buf;
static _Thread_local size_t rw_buf_size;

static int rw_buffer(size_t want)
{
	void *p;

	if (want <= rw_buf_size)
		return 0;
	p = sys_mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		     -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	if (rw_buf)
		sys_munmap(rw_buf, rw_buf_size);
	rw_buf = p;
	rw_buf_size = want;
	return 0;
}

static size_t rw_size(const struct copy_job *job)
{
	size_t bs = (size_t)job->src.st.st_blksize;

	if ((size_t)job->dst.st.st_blksize > bs)
		bs = (size_t)job->dst.st.st_blksize;
	if (bs < RW_FLOOR)
		bs = RW_FLOOR;
	if (bs > RW_CEILING)
		bs = RW_CEILING;
	return bs;
}

static const char *rw_applies(const struct copy_job *job)
{
	(void)job;
	return NULL;
}

static int rw_copy(struct copy_job *job, int64_t len)
{
	bool sparse = job->sparse == SPARSE_ALWAYS && job->may_punch && job->dst.off >= 0;
	size_t bs = rw_size(job);
	int err = rw_buffer(bs);

	if (err)
		return err;
	while (len != 0) {
		size_t want = len > 0 && (uint64_t)len < bs ? (size_t)len : bs;
		ssize_t n = job->src.off >= 0 ? sys_pread(job->src.fd, rw_buf, want, job->src.off)
					      : sys_read(job->src.fd, rw_buf, want);
		if (n == -EINTR)
			continue;
		if (n == -EAGAIN && (n = method_wait(job->src.fd, POLLIN)) == 0)
			continue;
		if (n < 0) {
			job->err_side = JOB_ERR_READ;
			return (int)n;
		}
		if (n == 0)
			break;
		stats_bytes(0, (uint64_t)n, 0);
		job->moved += (uint64_t)n;
		if (job->src.off >= 0)
			job->src.off += n;
		err = method_write(job, rw_buf, (size_t)n, sparse);
		if (err)
			return err;
		if (len > 0)
			len -= n;
	}
	return 0;
}

const struct copy_method method_rw = {
	.name = "rw",
	.flags = METHOD_SEES_DATA,
	.applies = rw_applies,
	.why = "works for every pair; the data passes through a user-space buffer",
	.copy = rw_copy,
	.model_kernel_copies = 2,
	.user_copies = 2,
};

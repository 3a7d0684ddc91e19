/* sendfile: sendfile(2), the kernel feeds the source's pages to any writer. */
#include "method.h"
#include "endpoint.h"
#include "sys.h"

/* The kernel moves at most this much per call (MAX_RW_COUNT). */
#define SF_MAX 0x7ffff000L

static const char *sendfile_applies(const struct copy_job *job)
{
	const char *why;

	/* in_fd must support splice_read from a page cache. */
	if (job->src.kind != KIND_REGULAR && job->src.kind != KIND_BLOCKDEV)
		return "reads only a regular file or block device (the source must be mappable)";
	if ((why = endpoint_why_untrusted(&job->src)))
		return why;
	if (job->src.off < 0)
		return "the source does not seek";
	if ((why = endpoint_why_not_kernel_dst(&job->dst)))
		return why;
	if (job->dst.append)
		return "the destination is open for appending (sendfile gives EINVAL)";
	return NULL;
}

/* Which end failed, where the error tells. */
static enum job_err_side sendfile_side(int err)
{
	switch (-err) {
	case EPIPE:
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
	case ECONNRESET:
		return JOB_ERR_WRITE;
	default:
		return JOB_ERR_BOTH;
	}
}

static int sendfile_copy(struct copy_job *job, int64_t len)
{
	/* sendfile writes at the destination's file position: put it where
	 * the copy writes. Position 0 is where a descriptor starts, and an
	 * inherited one stands at dst.off already, so only a jump (the next
	 * extent of a sparse file) costs a seek. */
	if (job->dst.off > 0 && (job->dst.kind == KIND_REGULAR || job->dst.kind == KIND_BLOCKDEV)) {
		off_t pos = sys_lseek(job->dst.fd, job->dst.off, SEEK_SET);
		if (pos < 0) {
			job->err_side = JOB_ERR_WRITE;
			return (int)pos;
		}
	}
	while (len != 0) {
		size_t want = method_call_size(job, len, (size_t)SF_MAX);
		ssize_t n = sys_sendfile(job->dst.fd, job->src.fd, &job->src.off, want);

		if (n == -EINTR)
			continue;
		if (n == -EAGAIN && (n = method_wait(job->dst.fd, POLLOUT)) == 0)
			continue;
		if (n < 0) {
			job->err_side = sendfile_side((int)n);
			return (int)n;
		}
		if (n == 0)
			break;	/* end of the source */
		method_kernel_moved(job, (uint64_t)n);
		if (job->dst.off >= 0)
			job->dst.off += n;
		if (len > 0)
			len -= n;
	}
	return 0;
}

const struct copy_method method_sendfile = {
	.name = "sendfile",
	.flags = 0,
	.applies = sendfile_applies,
	.why = "the kernel hands the source's page cache to the destination: 0 user copies "
	       "(file to pipe, socket, device, or another file system)",
	.copy = sendfile_copy,
	.model_kernel_copies = 1,
	.user_copies = 0,
};

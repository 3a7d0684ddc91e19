/* copy_range: copy_file_range(2), the kernel copies between page caches. */
#include "method.h"
#include "endpoint.h"
#include "sys.h"

/* The kernel moves at most this much per call (MAX_RW_COUNT). */
#define CR_MAX 0x7ffff000L

static const char *copy_range_applies(const struct copy_job *job)
{
	const char *why;

	if (job->src.kind != KIND_REGULAR || job->dst.kind != KIND_REGULAR)
		return "needs a regular file at both ends";
	if ((why = endpoint_why_untrusted(&job->src)))
		return why;
	if (job->dst.append)
		return "the destination is open for appending";
	if (job->src.fs_type != job->dst.fs_type)
		return "different file system types: copy_file_range gives EXDEV";
	return NULL;
}

static int copy_range_copy(struct copy_job *job, int64_t len)
{
	while (len != 0) {
		size_t want = method_call_size(job, len, (size_t)CR_MAX);
		ssize_t n = sys_copy_file_range(job->src.fd, &job->src.off, job->dst.fd,
						&job->dst.off, want);
		if (n == -EINTR)
			continue;
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		method_kernel_moved(job, (uint64_t)n);
		if (len > 0)
			len -= n;
	}
	return 0;
}

const struct copy_method method_copy_range = {
	.name = "copy_range",
	.flags = 0,
	.applies = copy_range_applies,
	.why = "regular files on one file system type: kernel-internal copy, 0 user copies",
	.copy = copy_range_copy,
	.model_kernel_copies = 1,
	.user_copies = 0,
};

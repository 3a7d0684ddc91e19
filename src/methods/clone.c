/* clone: ioctl(FICLONE), the destination shares the source's extents. */
#include "method.h"
#include "endpoint.h"
#include "sys.h"

#include <linux/fs.h>

static const char *clone_applies(const struct copy_job *job)
{
	const char *why;

	if (job->reflink_never)
		return "--reflink=never";
	if (job->src.kind != KIND_REGULAR || job->dst.kind != KIND_REGULAR)
		return "needs a regular file at both ends";
	if ((why = endpoint_why_untrusted(&job->src)))
		return why;
	if (job->src.off != 0 || job->dst.off != 0 || !job->may_punch)
		return "clones whole files only, into an empty destination";
	if (job->src.fs_type != job->dst.fs_type)
		return "different file systems";
	/* What the table knows is decided here, before anything is
	 * touched; a file system it does not know, the kernel answers
	 * when --reflink=always asks. */
	if (!endpoint_fs_reflinks(job->src.fs_type) &&
	    (endpoint_fs_known(job->src.fs_type) || !job->reflink_always))
		return "the file system does not share extents";
	return NULL;
}

static int clone_copy(struct copy_job *job, int64_t len)
{
	int err = sys_ioctl(job->dst.fd, FICLONE, (unsigned long)job->src.fd);

	(void)len;
	if (err)
		return err;
	job->src.off = job->src.st.st_size;
	job->dst.off = job->src.st.st_size;
	method_kernel_moved(job, (uint64_t)job->src.st.st_size);
	return 0;
}

const struct copy_method method_clone = {
	.name = "clone",
	.flags = METHOD_WHOLE_FILE,
	.applies = clone_applies,
	.why = "same file system with shared extents: no data copied at all",
	.copy = clone_copy,
	.model_kernel_copies = 0,
	.user_copies = 0,
};

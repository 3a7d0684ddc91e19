/* method.c: the ordered table of copy methods and what was learned of them.
 *
 * Adding a method is one file in src/methods/ and one line here. The order
 * of the table is the default order of preference; each method's
 * applies() leaves out the pairs it cannot serve. The order is the one
 * `make bench` measured (see README.md, "Choosing a method").
 */
#include "method.h"
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

void method_kernel_moved(struct copy_job *job, uint64_t n)
{
	stats_bytes(n, 0, 0);
	job->moved += n;
	job->written += n;
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

#define FACTS_MAX 32
/* Each worker learns them for itself: one failed probe per worker is
 * cheaper than a lock every file takes. */
static _Thread_local struct fact facts[FACTS_MAX];
static _Thread_local unsigned nfacts;

enum method_fact method_fact_get(const struct copy_method *m, dev_t src, dev_t dst,
				 int *err)
{
	for (unsigned i = 0; i < nfacts; i++) {
		if (facts[i].m == m && facts[i].src == src && facts[i].dst == dst) {
			*err = facts[i].err;
			return FACT_FAILS;
		}
	}
	return FACT_UNKNOWN;
}

void method_fact_set(const struct copy_method *m, dev_t src, dev_t dst,
		     enum method_fact f, int err)
{
	int old;

	if (f != FACT_FAILS || method_fact_get(m, src, dst, &old) == FACT_FAILS)
		return;
	if (nfacts == FACTS_MAX)
		nfacts = 0;	/* forget the oldest; a re-probe is only a cost */
	facts[nfacts++] = (struct fact){ .m = m, .src = src, .dst = dst, .err = err };
}

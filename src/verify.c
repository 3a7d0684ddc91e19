/* verify.c: --verify. A copy is only as good as what storage gives back:
 * the copy is flushed, its pages dropped from the cache, and it is read
 * again from the file system and compared with the source, byte for byte. */
#include "verify.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>

#include "stats.h"
#include "sys.h"

#define VERIFY_CHUNK (256 * 1024)

/* One buffer a thread, two halves (the source's, the copy's), for the
 * whole run: no allocation per file on a worker. */
static _Thread_local char *verify_buf;

static int verify_buffer(void)
{
	void *p;

	if (verify_buf)
		return 0;
	p = sys_mmap(NULL, 2 * VERIFY_CHUNK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	verify_buf = p;
	return 0;
}

/* Up to n bytes at off; short only at the end of the file. */
static ssize_t verify_read(int fd, char *buf, size_t n, off_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = sys_pread(fd, buf + got, n - got, off + (off_t)got);

		if (r == -EINTR)
			continue;
		if (r < 0)
			return r;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* A second descriptor on the copy, for reading: the one it was written
 * through is write-only, and an O_TMPFILE has no name to open. */
static int verify_reopen(int dst_fd)
{
	char proc[SYS_FDPATH_MAX];

	return sys_openat(AT_FDCWD, sys_fdpath(dst_fd, proc), O_RDONLY, 0);
}

static int verify_compare(int src_fd, int rfd, struct verify_result *r)
{
	char *a = verify_buf, *b = verify_buf + VERIFY_CHUNK;
	off_t off = 0;

	for (;;) {
		ssize_t na = verify_read(src_fd, a, VERIFY_CHUNK, off), nb;

		if (na < 0) {
			r->src_failed = true;
			return (int)na;
		}
		nb = verify_read(rfd, b, VERIFY_CHUNK, off);
		if (nb < 0)
			return (int)nb;
		stats_verified((uint64_t)nb);
		if (na != nb || memcmp(a, b, (size_t)na) != 0) {
			ssize_t i = 0, n = na < nb ? na : nb;

			while (i < n && a[i] == b[i])
				i++;
			r->differ = off + (off_t)i;
			return 0;
		}
		if (na == 0)
			return 0;
		off += (off_t)na;
	}
}

int verify_copy(int src_fd, int dst_fd, struct verify_result *r)
{
	int rfd, err;

	*r = (struct verify_result){ .differ = -1 };
	err = verify_buffer();
	if (err)
		return err;
	/* Pages still dirty would not be dropped: they go to storage first. */
	err = sys_fsync(dst_fd);
	if (err)
		return err;
	rfd = verify_reopen(dst_fd);
	if (rfd < 0)
		return rfd;
	err = sys_fadvise(rfd, 0, 0, POSIX_FADV_DONTNEED);
	if (!err)
		err = verify_compare(src_fd, rfd, r);
	sys_close(rfd);
	return err;
}

/* tally.c: a tree's total for --progress, counted while it is copied.
 *
 * The count is a depth-first walk with one descriptor and one getdents64
 * buffer a level, in static memory (no allocation, so every call it
 * makes is one the stats count). A tree deeper than TALLY_DEPTH, or a
 * directory that cannot be read, leaves the total uncounted: the line
 * then says so, rather than showing a total that is wrong. */
#include "tally.h"
#include "sys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define TALLY_DEPTH 64
#define TALLY_BUF 8192

struct tally_level {
	int fd;
	int pos, len;	/* the unread part of buf */
	_Alignas(8) char buf[TALLY_BUF];	/* dirent64 records: 8-aligned */
};

static struct {
	const char *const *roots;
	int nroots, next_root;	/* the roots not yet opened */
	bool follow;
	int depth;		/* levels open */
	int64_t bytes, files;
	bool done, failed;
	struct tally_level level[TALLY_DEPTH];
} tl;

void tally_begin(const char *const *roots, int n, bool follow)
{
	tl.roots = roots;
	tl.nroots = n;
	tl.next_root = 0;
	tl.follow = follow;
	tl.depth = 0;
	tl.bytes = tl.files = 0;
	tl.done = n == 0;
	tl.failed = false;
}

static void tally_give_up(void)
{
	while (tl.depth > 0)
		sys_close(tl.level[--tl.depth].fd);
	tl.failed = tl.done = true;
}

static bool tally_push(int dirfd, const char *name)
{
	int fd;

	if (tl.depth == TALLY_DEPTH) {
		tally_give_up();
		return false;
	}
	fd = sys_openat(dirfd, name, O_RDONLY | O_DIRECTORY | (tl.follow ? 0 : O_NOFOLLOW), 0);
	if (fd < 0) {
		tally_give_up();
		return false;
	}
	tl.level[tl.depth++] = (struct tally_level){ .fd = fd };
	return true;
}

/* One entry of the top level. */
static void tally_entry(struct tally_level *lv, const struct dirent64 *de)
{
	struct stat st;
	unsigned char type = de->d_type;

	if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
		return;
	if (type == DT_UNKNOWN || type == DT_REG || (type == DT_LNK && tl.follow)) {
		if (sys_fstatat(lv->fd, de->d_name, &st, tl.follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0)
			return;	/* gone meanwhile: the copy will say so */
		if (S_ISDIR(st.st_mode)) {
			tally_push(lv->fd, de->d_name);
			return;
		}
		if (S_ISREG(st.st_mode)) {
			tl.bytes += st.st_size;
			tl.files++;
		}
	} else if (type == DT_DIR) {
		tally_push(lv->fd, de->d_name);
	}
}

/* A few entries more; false when there is nothing left. */
static bool tally_more(void)
{
	struct tally_level *lv;
	ssize_t n;

	if (tl.depth == 0) {
		if (tl.next_root == tl.nroots)
			return false;
		return tally_push(AT_FDCWD, tl.roots[tl.next_root++]);
	}
	lv = &tl.level[tl.depth - 1];
	if (lv->pos == lv->len) {
		n = sys_getdents64(lv->fd, lv->buf, sizeof(lv->buf));
		if (n < 0) {
			tally_give_up();
			return false;
		}
		if (n == 0) {
			sys_close(lv->fd);
			tl.depth--;
			return true;
		}
		lv->pos = 0;
		lv->len = (int)n;
	}
	const struct dirent64 *de = (const void *)(lv->buf + lv->pos);

	lv->pos += de->d_reclen;
	tally_entry(lv, de);	/* may push a level: lv stays valid, it is static */
	return !tl.done;
}

static long tally_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000L + t.tv_nsec;
}

bool tally_step(long ns, atomic_uint *stop)
{
	long end = tally_now_ns() + ns;

	while (!tl.done) {
		for (int i = 0; i < 64; i++) {
			if (!tally_more()) {
				tl.done = true;
				break;
			}
		}
		if (atomic_load(stop)) {
			tally_give_up();
			break;
		}
		if (tally_now_ns() >= end)
			break;
	}
	return tl.done;
}

void tally_so_far(int64_t *bytes, int64_t *files, bool *done)
{
	*bytes = tl.failed ? -1 : tl.bytes;
	*files = tl.failed ? -1 : tl.files;
	*done = tl.done;
}

/* tally.c: a tree's total for --progress, counted while it is copied.
 *
 * The count is a depth-first walk with one descriptor and one getdents64
 * buffer a level, in static memory (no allocation, so every call it
 * makes is one the stats count). A tree deeper than TALLY_DEPTH, or a
 * directory that cannot be read, leaves the total uncounted: the line
 * then says so, rather than showing a total that is wrong.
 *
 * The files are counted from the listings alone (their d_type), which
 * costs a getdents64 per directory. Their bytes take a stat each, as much
 * as a small file's copy takes to open it: on two CPUs busy with the
 * copy that cost 12-22% of a tree of 4 KiB files. So the first pass
 * stats one regular file in TALLY_SAMPLE, and only where those average
 * TALLY_BYTES_WORTH or more (a stat is then well under 1% of a file's
 * copy) does a second pass stat them all for the bytes; else the bytes'
 * total is left unknown and the line goes by the files. */
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
#define TALLY_SAMPLE 64
#define TALLY_BYTES_WORTH ((int64_t)1 << 20)

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
	int64_t sampled, sample_bytes;	/* the first pass's stats */
	bool bytes_pass;	/* the second pass: a stat for every file */
	bool files_done, done, failed;
	struct tally_level level[TALLY_DEPTH];
} tl;

void tally_begin(const char *const *roots, int n, bool follow)
{
	tl.roots = roots;
	tl.nroots = n;
	tl.next_root = 0;
	tl.follow = follow;
	tl.depth = 0;
	tl.bytes = tl.files = tl.sampled = tl.sample_bytes = 0;
	tl.bytes_pass = false;
	tl.files_done = tl.done = n == 0;
	tl.failed = false;
}

/* Stopped, or a directory that cannot be read: what is not counted is
 * not to be had; the files, counted already, stay. */
static void tally_give_up(void)
{
	while (tl.depth > 0)
		sys_close(tl.level[--tl.depth].fd);
	if (tl.bytes_pass)
		tl.bytes_pass = false;
	else
		tl.failed = true;
	tl.done = true;
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

/* Does this entry need a stat: its type unknown, a symlink followed, or
 * its size wanted (every file in the bytes' pass, a sample in the first)? */
static bool tally_needs_stat(unsigned char type)
{
	if (type == DT_UNKNOWN || (type == DT_LNK && tl.follow))
		return true;
	if (type != DT_REG)
		return false;
	return tl.bytes_pass || tl.files % TALLY_SAMPLE == 0;
}

/* One entry of the top level. */
static void tally_entry(struct tally_level *lv, const struct dirent64 *de)
{
	struct stat st;
	unsigned char type = de->d_type;

	if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
		return;
	if (tally_needs_stat(type)) {
		if (sys_fstatat(lv->fd, de->d_name, &st, tl.follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0)
			return;	/* gone meanwhile: the copy will say so */
		if (S_ISDIR(st.st_mode)) {
			tally_push(lv->fd, de->d_name);
			return;
		}
		if (!S_ISREG(st.st_mode))
			return;
		if (tl.bytes_pass) {
			tl.bytes += st.st_size;
			return;
		}
		tl.sampled++;
		tl.sample_bytes += st.st_size;
		tl.files++;
	} else if (type == DT_REG && !tl.bytes_pass) {
		tl.files++;
	} else if (type == DT_DIR) {
		tally_push(lv->fd, de->d_name);
	}
}

/* The first pass is over: the files are known. Their bytes are counted
 * by a second only where the sample says they outweigh the stats. */
static bool tally_pass_done(void)
{
	if (tl.bytes_pass || tl.sampled == 0 || tl.sample_bytes / tl.sampled < TALLY_BYTES_WORTH)
		return false;
	tl.bytes_pass = true;
	tl.next_root = 0;
	return true;
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
			if (tally_more())
				continue;
			/* The end of a pass, unless it was given up (done). */
			if (!tl.done && !tl.bytes_pass)
				tl.files_done = true;
			if (!tl.done)
				tl.done = !tally_pass_done();
			break;
		}
		/* (Done in this slice: a stop that came meanwhile is too late.) */
		if (tl.done)
			break;
		if (atomic_load(stop)) {
			tally_give_up();
			break;
		}
		if (tally_now_ns() >= end)
			break;
	}
	return tl.done;
}

void tally_so_far(struct tally_count *c)
{
	c->files = tl.failed ? -1 : tl.files;
	c->files_done = tl.files_done && !tl.failed;
	/* (No bytes' pass: their total is not to be had.) */
	c->bytes = tl.failed || (tl.done && !tl.bytes_pass) ? -1 : tl.bytes;
	c->bytes_done = tl.done && tl.bytes_pass && !tl.failed;
}

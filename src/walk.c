/* walk.c: open one directory relative to its parent (openat, O_NOFOLLOW)
 * and check it is the one expected, list it with getdents64: the walk
 * never resolves a path from the root again, and never follows a symlink
 * it was not told to follow. */
#include "walk.h"
#include "sys.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

struct walk_item {
	uint64_t ino;
	size_t off;
	unsigned char type;
};

/* By inode, merging runs bottom-up through tmp: not qsort(3), which asks
 * the kernel how much memory there is (sysinfo, a call zcp would not
 * count) once an array passes 1 KiB. */
static void walk_sort(struct walk_item *v, struct walk_item *tmp, size_t n)
{
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				tmp[k++] = v[j].ino < v[i].ino ? v[j++] : v[i++];
			while (i < mid)
				tmp[k++] = v[i++];
			while (j < hi)
				tmp[k++] = v[j++];
		}
		memcpy(v, tmp, n * sizeof(*v));
	}
}

int walk_read(int dirfd, struct walk_list *l, struct walk_buf *wb)
{
	char *buf = wb->b;
	struct walk_item *items = NULL;
	size_t nitems = 0, capitems = 0, used = 0, cap = 0;
	char *arena = NULL;
	ssize_t n;

	while ((n = sys_getdents64(dirfd, buf, sizeof(wb->b))) > 0) {
		for (ssize_t pos = 0; pos < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + pos);
			size_t len = strlen(d->d_name) + 1;

			pos += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				continue;
			if (used + len > cap) {
				cap = (cap + len) * 2;
				arena = realloc(arena, cap);
			}
			if (nitems == capitems) {
				capitems = capitems ? capitems * 2 : 64;
				items = realloc(items, capitems * sizeof(*items));
			}
			if (!arena || !items) {
				util_nomem();
			}
			memcpy(arena + used, d->d_name, len);
			items[nitems++] = (struct walk_item){ .ino = d->d_ino, .off = used,
							       .type = d->d_type };
			used += len;
		}
	}
	if (n < 0) {
		free(arena);
		free(items);
		return (int)n;
	}
	if (nitems > 1) {
		struct walk_item *tmp = util_xmalloc(nitems * sizeof(*tmp));
		walk_sort(items, tmp, nitems);
		free(tmp);
	}
	l->names = util_xmalloc((nitems ? nitems : 1) * sizeof(char *));
	l->types = util_xmalloc(nitems ? nitems : 1);
	for (size_t i = 0; i < nitems; i++) {
		l->names[i] = arena + items[i].off;
		l->types[i] = items[i].type;
	}
	l->n = nitems;
	l->arena = arena;
	free(items);
	return 0;
}

void walk_free(struct walk_list *l)
{
	free(l->names);
	free(l->types);
	free(l->arena);
	l->names = NULL;
	l->types = NULL;
	l->arena = NULL;
	l->n = 0;
}

int walk_open(int dirfd, const char *name, int flags, dev_t dev, ino_t ino, struct stat *st)
{
	int fd = sys_openat(dirfd, name, flags | O_DIRECTORY, 0);
	int err;

	if (fd < 0)
		return fd;
	err = sys_fstat(fd, st);
	if (!err && (st->st_dev != dev || st->st_ino != ino))
		err = -ENOENT;
	if (err) {
		sys_close(fd);
		return err;
	}
	return fd;
}

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

static int walk_cmp(const void *a, const void *b)
{
	const struct walk_item *x = a, *y = b;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
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
				util_error(-ENOMEM, "memory exhausted");
				exit(1);
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
	if (nitems)	/* an empty directory has no array to sort */
		qsort(items, nitems, sizeof(*items), walk_cmp);
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

/* walk.h: read a directory through its file descriptor, one level at a time. */
#ifndef ZCP_WALK_H
#define ZCP_WALK_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct walk_list {
	char **names;
	unsigned char *types;	/* d_type of each name: DT_UNKNOWN when the file system does not say */
	size_t n;
	char *arena;
};

/* A walker's getdents64 buffer: one each, so that walkers may run side
 * by side. */
struct walk_buf {
	char b[32768];
};

/* The entries of dirfd but "." and "..", ordered by inode number (the
 * order that reads an inode table fastest, as cp does). 0 or -errno. */
int walk_read(int dirfd, struct walk_list *l, struct walk_buf *wb);
void walk_free(struct walk_list *l);

/* Open the directory name in dirfd (flags: O_RDONLY or O_PATH, O_NOFOLLOW
 * or not) and check that it is the one expected, (dev, ino): a directory
 * swapped meanwhile is not walked into. The fd, or -errno (-ENOENT when
 * another file is there now); st gets its attributes. */
int walk_open(int dirfd, const char *name, int flags, dev_t dev, ino_t ino, struct stat *st);

#endif

/* walk.h: read a directory through its file descriptor, one level at a time. */
#ifndef ZCP_WALK_H
#define ZCP_WALK_H

#include <stddef.h>
#include <sys/types.h>

struct walk_list {
	char **names;
	size_t n;
	char *arena;
};

/* The entries of dirfd but "." and "..", ordered by inode number (the
 * order that reads an inode table fastest, as cp does). 0 or -errno. */
int walk_read(int dirfd, struct walk_list *l);
void walk_free(struct walk_list *l);

#endif

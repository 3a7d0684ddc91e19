/* filelist.h: --files-from, a list of SOURCE operands read as it goes. */
#ifndef ZCP_FILELIST_H
#define ZCP_FILELIST_H

#include <stdbool.h>
#include <stddef.h>

struct filelist {
	int fd;
	bool own_fd;	/* opened here, closed here (not standard input) */
	char delim;	/* '\n', or '\0' with -0 */
	bool eof;
	char *buf;	/* what read(2) gave, from off to len */
	size_t off, len;
	char *entry;	/* the entry handed out last */
	size_t cap;
};

/* Open the list at path ("-": standard input). 0 or -errno. */
int filelist_open(struct filelist *l, const char *path, bool nul);

/* The next entry, without its delimiter; NULL at the end, or on a read
 * error (*err). The last entry needs no delimiter after it. */
const char *filelist_next(struct filelist *l, int *err);

void filelist_close(struct filelist *l);

#endif

/* filelist.h: --files-from, a list of SOURCE operands read as it goes. */
#ifndef ZCP_FILELIST_H
#define ZCP_FILELIST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

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

/* The list as the runs read it: opened at the first run's first look,
 * read once, each run taking every entry in turn (with --also they are
 * in step: none is more than FILELIST_KEPT entries ahead of another).
 * A failure to open or read it is told once. */
#define FILELIST_KEPT 4
struct filelist_ring {
	const char *path;
	bool nul;
	int opened;		/* 0: not yet; 1: open; -errno: could not be */
	struct filelist l;
	dev_t dev;		/* a regular file's (ino 0: a pipe, a terminal) */
	ino_t ino;
	char *kept[FILELIST_KEPT];
	size_t read;		/* entries read from it so far */
	bool end;
	int err;		/* the read error that ended it */
	bool told;
};

/* 0 once it is open, or -errno (told the first time). */
int filelist_ring_open(struct filelist_ring *r);
/* Entry *i, then *i + 1; NULL at the end, or after a read error (*err,
 * told once). */
const char *filelist_ring_next(struct filelist_ring *r, size_t *i, int *err);
void filelist_ring_close(struct filelist_ring *r);

#endif

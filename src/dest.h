/* dest.h: a destination data file from open to put in place, or undone.
 *
 * Nothing is destroyed before it must be: an existing file is opened
 * without O_TRUNC and emptied by dest_begin only once the plan has a
 * method for it; a file this run created and could not finish is removed;
 * with --atomic the data goes to a file of its own that takes the name
 * only when complete. Every file between dest_open and dest_commit or
 * dest_abort is registered with inflight, so a fatal signal undoes it.
 */
#ifndef ZCP_DEST_H
#define ZCP_DEST_H

#include <stdbool.h>
#include <sys/types.h>

enum dest_kind {
	DEST_NEW,	/* created by this run under its name */
	DEST_EXISTING,	/* written in place, as cp does */
	DEST_TMPFILE,	/* --atomic: an O_TMPFILE, linked in when done */
	DEST_TMPNAME,	/* --atomic without O_TMPFILE: a hidden name, renamed */
};

struct dest {
	int dirfd;
	const char *name;	/* relative to dirfd */
	const char *path;	/* for messages */
	int fd;
	enum dest_kind kind;
	bool replace;		/* --atomic over an existing name */
	bool truncated;		/* an existing file emptied for the copy */
	bool verbose;		/* -v: say "removed" for a file -f removed */
	bool remove_failed;	/* dest_open failed removing it (-f): cp says "cannot remove" */
	bool synced;		/* flushed already (--verify): dest_commit need not */
	int slot;		/* in the inflight table */
	char *tmp;		/* DEST_TMPFILE, DEST_TMPNAME: the name it goes by */
	int tmp_slot;		/* DEST_TMPFILE: its hidden name's, while it has one */
};

struct dest_how {
	mode_t mode;		/* for a new file (the umask applies) */
	bool exists;		/* the name exists (lstat) */
	bool link;		/* ... and is a symlink cp writes through */
	bool atomic;		/* --atomic */
	bool force;		/* -f: remove what cannot be opened, then create */
	bool dangling;		/* write through a dangling symlink (POSIXLY_CORRECT) */
	bool verbose;
};

/* A hidden name beside name (".NAME.zcpXXXXXXXX" in its directory),
 * never the same twice in one run; malloc'd. */
char *dest_tmp_name(const char *name);

/* Open the file the data goes to; 0 or -errno (nothing to undo then). */
int dest_open(struct dest *d, int dirfd, const char *name, const char *path,
	      const struct dest_how *how);
/* The copy is about to write: empty an existing file. 0 or -errno. */
int dest_begin(struct dest *d, bool regular);
/* Flush if asked, put in place (--atomic) and close. 0 or -errno after a
 * message; on failure the file has been undone as by dest_abort. */
int dest_commit(struct dest *d, bool fsync);
/* Undo: remove a file this run made, leave an emptied one empty (and say
 * so), drop an --atomic file; close. */
void dest_abort(struct dest *d);

#endif

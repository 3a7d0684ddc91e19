/* progress.h: --progress, a line of the copy so far, redrawn by a thread
 * of its own at most 10 times a second. */
#ifndef ZCP_PROGRESS_H
#define ZCP_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

enum progress_mode { PROGRESS_OFF, PROGRESS_AUTO, PROGRESS_ALWAYS, PROGRESS_JSON };

/* The trees to count while they are copied; roots is malloc'd, and
 * progress_start takes it (freed when no longer needed). */
struct progress_trees {
	const char **roots;
	int n;
	bool follow;	/* -L */
};

/* Start drawing (PROGRESS_AUTO: only when stderr is a terminal). The
 * totals known before the copy (-1: none can be), to which the trees'
 * are added once counted. */
void progress_start(enum progress_mode mode, int64_t total_bytes, int64_t total_files,
		    struct progress_trees *trees);

/* Each source goes to n destinations (--also): the totals are n times
 * the sources'. Before progress_start. */
void progress_copies(unsigned n);

/* The last line, and the thread's counts added to this thread's. */
void progress_stop(void);

#endif

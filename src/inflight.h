/* inflight.h: the destination files being written, and what a fatal
 * signal must do to each before zcp dies of it. */
#ifndef ZCP_INFLIGHT_H
#define ZCP_INFLIGHT_H

#include <signal.h>
#include <stdbool.h>

/* What undoes a file in flight when SIGINT, SIGTERM, SIGHUP or SIGPIPE
 * comes: the handler reads only these words. */
enum inflight_undo {
	INFLIGHT_UNLINK,	/* a file this run created: remove its name */
	INFLIGHT_EMPTY,		/* an existing file already truncated: leave it empty */
	INFLIGHT_NOTHING,	/* an O_TMPFILE: it dies with the process */
	INFLIGHT_UNBACKUP,	/* a backup: renamed back, once the rest is undone */
};

/* Register a file (the name is relative to dirfd, both kept by the
 * caller until inflight_del); returns a slot for inflight_set/_del. */
int inflight_add(int dirfd, const char *name, int fd, enum inflight_undo undo);
void inflight_set(int slot, enum inflight_undo undo);
/* The backup made of dirfd/name, as dirfd/backup (both kept by the
 * caller until inflight_del): a fatal signal renames it back, unless
 * something is under the name again (the copy was done). */
int inflight_backup(int dirfd, const char *backup, const char *name);
/* A file about to be made with O_CREAT | O_EXCL as dirfd/name: recorded
 * before the openat, so a signal at any point removes it; then
 * inflight_created with the openat's result (a failure frees the slot). */
int inflight_creating(int dirfd, const char *name);
void inflight_created(int slot, int fd);
void inflight_del(int slot);
/* Files made by a thread that is not this one (io_uring's workers, for
 * a batch of inflight_creating slots): the fatal signals are held from
 * this thread until inflight_release, and its slots settled
 * (inflight_created) before, so that a handler on any thread finds them
 * made or not, never being made behind its back. */
void inflight_hold(sigset_t *old);
void inflight_release(const sigset_t *old);
/* A fatal error (memory exhausted) ends zcp: the files in flight, its
 * other threads' included, are undone as a fatal signal undoes them,
 * then exit(status). */
_Noreturn void inflight_exit(int status);
/* A fatal signal or error is being handled: stop, begin nothing more. */
bool inflight_dying(void);
/* Install the handlers (before threads start; inflight_add does it too). */
void inflight_init(void);

#endif

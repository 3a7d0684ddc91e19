/* inflight.c: files in flight and the fatal signals.
 *
 * The handlers are installed when the first file is registered, so a run
 * that copies nothing makes no rt_sigaction calls; a signal that was
 * ignored when zcp started (nohup, a background job) stays ignored.
 * SIGXFSZ is ignored then: the file size limit becomes an error (EFBIG). The
 * handler only reads the table, calls unlinkat, ftruncate or renameat2
 * (system calls, async-signal-safe), puts the backups made back under
 * their names (-b), restores the default action and raises the signal
 * again, so the shell sees zcp die of it (128+n).
 *
 * A slot is published by a single store of its state after its fields are
 * written: the handler never sees half a slot. A file is recorded before
 * the openat that creates it (inflight_creating), so no window is left in
 * which a signal finds it made and unrecorded: a signal that comes while
 * this thread is creating it (before the call, in it, or on its return)
 * removes the name if it is there, which O_EXCL made ours; one handled in
 * another thread first marks the run dying (no file is begun after that)
 * and waits for the files being created to be recorded, then removes
 * them. No system call per file is added: the signals are not blocked.
 */
#include "inflight.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A batch's files and a backup for each of 64 workers, and the walker's. */
#define INFLIGHT_MAX (65 * 34)

/* Workers claim slots side by side; the handler reads them from any
 * thread. Lock-free atomics are safe in a signal handler. */
#define SLOT_CLAIMED (-1)
#define SLOT_CREATING (-2)	/* the name is being made with O_EXCL: there or not yet */
/* How long the handler waits for another thread's file being created
 * to be recorded (an openat on a hung file system is given up on). */
#define INFLIGHT_WAIT_MS 2000

struct inflight_slot {
	atomic_int state;	/* 0: free, SLOT_CLAIMED, SLOT_CREATING, else enum inflight_undo + 1 */
	int dirfd;
	const char *name;
	const char *to;		/* INFLIGHT_UNBACKUP: the name it goes back to */
	int fd;
	const void *owner;	/* the thread that fills it (&inflight_self) */
};

static struct inflight_slot slots[INFLIGHT_MAX];
static _Thread_local char inflight_self;	/* its address names the thread */
static atomic_int dying;	/* a fatal signal is being handled: begin no file */
/* Every signal whose default is to end the process and that a user or
 * another program may send: not SIGKILL (it cannot be caught), SIGUSR1
 * (the status line), nor those of a fault in zcp itself (SIGSEGV, SIGBUS:
 * the mmap method's own, SIGABRT, ...), nor the real-time ones. */
static const int fatal[] = {
	SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR2, SIGALRM,
	SIGVTALRM, SIGPROF, SIGXCPU, SIGIO, SIGPWR, SIGSTKFLT,
};
static atomic_int installed;	/* 0, 1 installing, 2 done */
/* Calls under way that may write into a destination (sys.h brackets
 * them): a fatal end waits for them to be out before it empties or
 * removes a file, as another thread's write landing after an ftruncate
 * would leave a file of zeros ending in data; none is begun once zcp is
 * dying. This thread's own, and whether it is the one undoing. */
static atomic_int writers;
static _Thread_local int writing;
static _Thread_local bool undoing;

/* Once zcp is dying, a thread but the one undoing stops where it stands:
 * it neither writes, nor begins a file, nor takes one off the table (a
 * file it finished meanwhile may be undone too, its backup then put back:
 * the old file, or the whole copy, never neither). */
static void inflight_stop_if_dying(void)
{
	if (atomic_load(&dying) && !undoing)
		for (;;)
			pause();	/* the signal's default action ends the process */
}

void inflight_writing(void)
{
	atomic_fetch_add(&writers, 1);
	writing++;
	if (atomic_load(&dying) && !undoing) {
		writing--;
		atomic_fetch_sub(&writers, 1);
		inflight_stop_if_dying();
	}
}

void inflight_written(void)
{
	writing--;
	atomic_fetch_sub(&writers, 1);
}

bool inflight_dying(void)
{
	return atomic_load_explicit(&dying, memory_order_relaxed) != 0;
}

/* The other threads' writes out of the way, for as long as a file being
 * created is waited for: a write blocked on a stalled destination is not
 * waited out. */
static void inflight_writers_out(void)
{
	struct timespec ms = { .tv_nsec = 1000000 };

	for (int w = 0; w < INFLIGHT_WAIT_MS && atomic_load(&writers) > writing; w++)
		nanosleep(&ms, NULL);
}

/* A slot's state once no other thread is between two of its stores:
 * another thread's file being created is waited for, this thread's own
 * cannot be (the handler interrupted it). */
static int inflight_settled(struct inflight_slot *s)
{
	struct timespec ms = { .tv_nsec = 1000000 };
	int st = atomic_load(&s->state);

	for (int w = 0; w < INFLIGHT_WAIT_MS && (st == SLOT_CREATING || st == SLOT_CLAIMED) &&
			s->owner != &inflight_self; w++) {
		nanosleep(&ms, NULL);
		st = atomic_load(&s->state);
	}
	return st;
}

/* The backups go back under their names, now that the copies that took
 * those names are gone; RENAME_NOREPLACE keeps one that was finished. */
static void inflight_unbackup(void)
{
	for (int i = 0; i < INFLIGHT_MAX; i++) {
		struct inflight_slot *s = &slots[i];

		if (atomic_load(&s->state) != (int)INFLIGHT_UNBACKUP + 1)
			continue;
		/* Without RENAME_NOREPLACE (FUSE): a look, then a rename. */
		if (renameat2(s->dirfd, s->name, s->dirfd, s->to, RENAME_NOREPLACE) != 0 &&
		    errno == EINVAL) {
			struct stat st;

			if (fstatat(s->dirfd, s->to, &st, AT_SYMLINK_NOFOLLOW) != 0 &&
			    errno == ENOENT && renameat(s->dirfd, s->name, s->dirfd, s->to) != 0) {
				/* nothing more can be done on the way out */
			}
		}
		atomic_store(&s->state, 0);
	}
}

/* Every file in flight undone, then the backups put back: what ends zcp
 * mid-copy, a signal or a fatal error, leaves no part of a copy. */
static void inflight_undo(void)
{
	undoing = true;
	atomic_store(&dying, 1);
	inflight_writers_out();
	for (int i = 0; i < INFLIGHT_MAX; i++) {
		struct inflight_slot *s = &slots[i];
		int st = inflight_settled(s);

		if (st == (int)INFLIGHT_UNBACKUP + 1)
			continue;	/* after the files: inflight_unbackup */

		if (st == SLOT_CREATING) {
			/* This thread's openat, done or not begun: the name was
			 * absent when zcp looked, so if it is there, O_EXCL made
			 * it ours (unless another process made the same name in
			 * the microseconds between the look and the openat). */
			unlinkat(s->dirfd, s->name, 0);
			st = 0;
		}
		switch (st - 1) {
		case INFLIGHT_UNLINK:
			unlinkat(s->dirfd, s->name, 0);
			break;
		case INFLIGHT_EMPTY:
			if (ftruncate(s->fd, 0) != 0) {
				/* nothing more can be done on the way out */
			}
			break;
		default:
			break;
		}
		atomic_store(&s->state, 0);
	}
	inflight_unbackup();
}

static void inflight_handler(int sig)
{
	inflight_undo();
	signal(sig, SIG_DFL);
	raise(sig);	/* delivered on return: the signal is blocked in its handler */
}

static void inflight_install(void)
{
	struct sigaction sa = { .sa_handler = inflight_handler }, old;

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaddset(&sa.sa_mask, fatal[i]);
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
		if (sys_sigaction(fatal[i], &sa, &old) == 0 && old.sa_handler == SIG_IGN)
			sys_sigaction(fatal[i], &old, NULL);
	}
	/* ulimit -f: a write past the limit fails with EFBIG, which the copy
	 * reports and undoes, instead of SIGXFSZ killing zcp mid-file. */
	sa.sa_handler = SIG_IGN;
	sys_sigaction(SIGXFSZ, &sa, NULL);
}

void inflight_exit(int status)
{
	/* What was said goes out first: once dying, a thread that writes
	 * stops for good, stdio's lock perhaps held. */
	fflush(NULL);
	inflight_undo();
	_exit(status);
}

void inflight_hold(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaddset(&set, fatal[i]);
	sys_sigmask(SIG_BLOCK, &set, old);
}

void inflight_release(const sigset_t *old)
{
	sys_sigmask(SIG_SETMASK, old, NULL);
}

/* Once, whichever thread comes first; the others wait the few calls. */
void inflight_init(void)
{
	int none = 0;

	if (atomic_load(&installed) == 2)
		return;
	if (atomic_compare_exchange_strong(&installed, &none, 1)) {
		inflight_install();
		atomic_store(&installed, 2);
		return;
	}
	while (atomic_load(&installed) != 2)
		sys_sched_yield();
}

/* Claim a slot and fill it; state its first published state. */
static int inflight_claim(int dirfd, const char *name, int fd, int state)
{
	inflight_init();
	for (int i = 0; i < INFLIGHT_MAX; i++) {
		struct inflight_slot *s = &slots[i];
		int free_slot = 0;

		/* A look before the write: most slots passed are taken. */
		if (atomic_load_explicit(&s->state, memory_order_relaxed) != 0 ||
		    !atomic_compare_exchange_strong(&s->state, &free_slot, SLOT_CLAIMED))
			continue;
		s->dirfd = dirfd;
		s->name = name;
		s->fd = fd;
		s->owner = &inflight_self;
		atomic_store(&s->state, state);
		/* After the store: a handler either sees it, or said dying first.
		 * (A file being created says so itself: inflight_creating.) */
		if (state != SLOT_CREATING)
			inflight_stop_if_dying();
		return i;
	}
	return -1;	/* more files in flight than slots: not undone on a signal */
}

int inflight_add(int dirfd, const char *name, int fd, enum inflight_undo undo)
{
	return inflight_claim(dirfd, name, fd, (int)undo + 1);
}

int inflight_backup(int dirfd, const char *backup, const char *name)
{
	int slot = inflight_claim(dirfd, backup, -1, SLOT_CLAIMED);

	if (slot >= 0) {
		slots[slot].to = name;
		atomic_store(&slots[slot].state, (int)INFLIGHT_UNBACKUP + 1);
	}
	return slot;
}

int inflight_creating(int dirfd, const char *name)
{
	int slot = inflight_claim(dirfd, name, -1, SLOT_CREATING);

	/* After the store above: a handler either sees this slot and waits
	 * for it, or has said dying before, and this file is not begun. */
	if (atomic_load(&dying)) {
		/* With the others this thread was about to make (a batch): the
		 * handler need not wait for any of them. */
		for (int i = 0; i < INFLIGHT_MAX; i++)
			if (atomic_load(&slots[i].state) == SLOT_CREATING &&
			    slots[i].owner == &inflight_self)
				atomic_store(&slots[i].state, 0);
		for (;;)
			pause();	/* the signal's default action ends the process */
	}
	return slot;
}

void inflight_created(int slot, int fd)
{
	if (slot < 0)
		return;
	if (fd < 0) {
		/* (Said even when dying: the handler waits for it.) */
		atomic_store(&slots[slot].state, 0);
		return;
	}
	slots[slot].fd = fd;
	atomic_store(&slots[slot].state, (int)INFLIGHT_UNLINK + 1);
}

void inflight_set(int slot, enum inflight_undo undo)
{
	inflight_stop_if_dying();
	if (slot >= 0)
		atomic_store(&slots[slot].state, (int)undo + 1);
}

void inflight_del(int slot)
{
	inflight_stop_if_dying();
	if (slot >= 0)
		atomic_store(&slots[slot].state, 0);
}

/* inflight.c: files in flight and the fatal signals.
 *
 * The handlers are installed when the first file is registered, so a run
 * that copies nothing makes no rt_sigaction calls; a signal that was
 * ignored when zcp started (nohup, a background job) stays ignored.
 * SIGXFSZ is ignored then: the file size limit becomes an error (EFBIG). The
 * handler only reads the table, calls unlinkat or ftruncate (both
 * async-signal-safe), restores the default action and raises the signal
 * again, so the shell sees zcp die of it (128+n).
 *
 * A slot is published by a single store of its state after its fields are
 * written: the handler never sees half a slot. Between the openat that
 * creates a file and inflight_add there are a few instructions in which a
 * signal leaves an empty file: closing that window would cost two
 * sigprocmask calls per file, and an empty file cannot pass for a copy of
 * a non-empty one.
 */
#include "inflight.h"
#include "sys.h"

#include <signal.h>
#include <stdbool.h>

#define INFLIGHT_MAX 64

struct inflight_slot {
	volatile sig_atomic_t state;	/* 0: free, else enum inflight_undo + 1 */
	int dirfd;
	const char *name;
	int fd;
};

static struct inflight_slot slots[INFLIGHT_MAX];
static const int fatal[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
static bool installed;

static void inflight_handler(int sig)
{
	for (int i = 0; i < INFLIGHT_MAX; i++) {
		struct inflight_slot *s = &slots[i];

		switch (s->state - 1) {
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
		s->state = 0;
	}
	signal(sig, SIG_DFL);
	raise(sig);	/* delivered on return: the signal is blocked in its handler */
}

static void inflight_install(void)
{
	struct sigaction sa = { .sa_handler = inflight_handler }, old;

	installed = true;
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

int inflight_add(int dirfd, const char *name, int fd, enum inflight_undo undo)
{
	if (!installed)
		inflight_install();
	for (int i = 0; i < INFLIGHT_MAX; i++) {
		struct inflight_slot *s = &slots[i];

		if (s->state)
			continue;
		s->dirfd = dirfd;
		s->name = name;
		s->fd = fd;
		s->state = (sig_atomic_t)undo + 1;
		return i;
	}
	return -1;	/* more files in flight than slots: not undone on a signal */
}

void inflight_set(int slot, enum inflight_undo undo)
{
	if (slot >= 0)
		slots[slot].state = (sig_atomic_t)undo + 1;
}

void inflight_del(int slot)
{
	if (slot >= 0)
		slots[slot].state = 0;
}

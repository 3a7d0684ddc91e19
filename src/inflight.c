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
#include <stdatomic.h>
#include <stdbool.h>

#define INFLIGHT_MAX 64

/* Workers claim slots side by side; the handler reads them from any
 * thread. Lock-free atomics are safe in a signal handler. */
#define SLOT_CLAIMED (-1)

struct inflight_slot {
	atomic_int state;	/* 0: free, SLOT_CLAIMED, else enum inflight_undo + 1 */
	int dirfd;
	const char *name;
	int fd;
};

static struct inflight_slot slots[INFLIGHT_MAX];
static const int fatal[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
static atomic_int installed;	/* 0, 1 installing, 2 done */

static void inflight_handler(int sig)
{
	for (int i = 0; i < INFLIGHT_MAX; i++) {
		struct inflight_slot *s = &slots[i];

		switch (atomic_load(&s->state) - 1) {
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

int inflight_add(int dirfd, const char *name, int fd, enum inflight_undo undo)
{
	inflight_init();
	for (int i = 0; i < INFLIGHT_MAX; i++) {
		struct inflight_slot *s = &slots[i];
		int free_slot = 0;

		if (!atomic_compare_exchange_strong(&s->state, &free_slot, SLOT_CLAIMED))
			continue;
		s->dirfd = dirfd;
		s->name = name;
		s->fd = fd;
		atomic_store(&s->state, (int)undo + 1);
		return i;
	}
	return -1;	/* more files in flight than slots: not undone on a signal */
}

void inflight_set(int slot, enum inflight_undo undo)
{
	if (slot >= 0)
		atomic_store(&slots[slot].state, (int)undo + 1);
}

void inflight_del(int slot)
{
	if (slot >= 0)
		atomic_store(&slots[slot].state, 0);
}

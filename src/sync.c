/* sync.c: futex waits and wakes, and a lock built on them. */
#include "sync.h"
#include "sys.h"

#include <limits.h>

void sync_wait(atomic_uint *word, unsigned val)
{
	/* EAGAIN (changed already) and EINTR send the caller to look again. */
	sys_futex((unsigned *)word, FUTEX_WAIT_PRIVATE, val);
}

void sync_wait_for(atomic_uint *word, unsigned val, long ns)
{
	struct timespec t = { .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };

	sys_futex_timed((unsigned *)word, FUTEX_WAIT_PRIVATE, val, &t);
}

int sync_wake(atomic_uint *word, int n)
{
	int r = sys_futex((unsigned *)word, FUTEX_WAKE_PRIVATE, (unsigned)n);

	return r < 0 ? 0 : r;
}

void sync_lock(struct sync_lock *l)
{
	unsigned c = 0;

	if (atomic_compare_exchange_strong_explicit(&l->state, &c, 1, memory_order_acquire,
						    memory_order_relaxed))
		return;
	/* Held: say there is a waiter, and sleep until it is handed over free. */
	if (c != 2)
		c = atomic_exchange_explicit(&l->state, 2, memory_order_acquire);
	while (c != 0) {
		sync_wait(&l->state, 2);
		c = atomic_exchange_explicit(&l->state, 2, memory_order_acquire);
	}
}

void sync_unlock(struct sync_lock *l)
{
	if (atomic_exchange_explicit(&l->state, 0, memory_order_release) == 2)
		sync_wake(&l->state, 1);
}

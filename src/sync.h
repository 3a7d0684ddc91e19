/* sync.h: what the engine's threads share, on futex(2) and C11 atomics.
 *
 * Every futex call goes through a counted wrapper, so that --stats agrees
 * with strace with threads running; the data itself is handed over by
 * the atomics (release, then acquire), which is what ThreadSanitizer
 * reads. A lock is three-state (free, held, held with waiters): taking a
 * free one costs no call at all.
 */
#ifndef ZCP_SYNC_H
#define ZCP_SYNC_H

#include <stdatomic.h>
#include <stddef.h>

struct sync_lock {
	atomic_uint state;	/* 0 free, 1 held, 2 held and waited for */
};

#define SYNC_LOCK_INIT { 0 }

/* Sleep while *word is val (a wake, or a change first, ends it). */
void sync_wait(atomic_uint *word, unsigned val);
/* The same, for ns nanoseconds at most. */
void sync_wait_for(atomic_uint *word, unsigned val, long ns);
/* Wake up to n sleepers on word; how many woke. */
int sync_wake(atomic_uint *word, int n);

/* A detached thread running fn(arg) on a stack of stack_size bytes, made
 * by counted calls: the stack's mmap, and clone3 counted as pthread_create
 * returns. 0 or -errno. */
int sync_thread(void *(*fn)(void *), void *arg, size_t stack_size);
/* A thread's stack: reserved, not used up front (MAP_NORESERVE); as large
 * as ThreadSanitizer wants. */
#define SYNC_STACK (2L << 20)
/* The end of such a thread, once it has said it is done. */
void *sync_thread_exit(void);

void sync_lock(struct sync_lock *l);
void sync_unlock(struct sync_lock *l);

#endif

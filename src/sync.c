/* sync.c: futex waits and wakes, and a lock built on them. */
#include "sync.h"
#include "sys.h"

#include <limits.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int sync_thread(void *(*fn)(void *), void *arg, size_t stack_size)
{
	pthread_attr_t attr;
	pthread_t t;
	void *stack;
	int err;

	stack = sys_mmap(NULL, stack_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	if (stack == MAP_FAILED)
		return -ENOMEM;
	err = -pthread_attr_init(&attr);
	if (err)
		goto out_unmap;
	pthread_attr_setstack(&attr, stack, stack_size);
	err = -pthread_create(&t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	stats_call(SC_clone3, err);	/* the one call pthread_create makes for it */
	if (err)
		goto out_unmap;
	pthread_detach(t);
	return 0;
out_unmap:
	sys_munmap(stack, stack_size);
	return err;
}

void *sync_thread_exit(void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	return NULL;	/* the sanitizers see the thread end */
#else
	/* Out without the C library's thread exit, whose lock on its stack
	 * list threads ending together contend for, with futex calls zcp
	 * could not count. The stack and the thread's block stay: zcp is
	 * about to exit. */
	syscall(SYS_exit, 0);
	return NULL;
#endif
}

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

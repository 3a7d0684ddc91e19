/* stats.h: counters for the system calls and bytes a copy costs. */
#ifndef ZCP_STATS_H
#define ZCP_STATS_H

#include <stdint.h>
#include <stdio.h>

/* One entry per system call zcp makes itself, named as strace names them. */
#define STATS_CALLS(X) \
	X(openat) X(newfstatat) X(statx) X(statfs) X(fstatfs) X(close) X(read) X(write) \
	X(pread64) X(pwrite64) X(lseek) X(copy_file_range) X(sendfile) \
	X(splice) X(tee) X(mmap) X(munmap) X(madvise) X(ioctl) X(ftruncate) X(fallocate) \
	X(fcntl) X(pipe2) X(getdents64) X(mkdirat) X(mknodat) X(symlinkat) \
	X(readlinkat) X(linkat) X(unlinkat) X(renameat) X(renameat2) X(fsync) X(fadvise64) X(fchmod) \
	X(fchmodat) X(fchown) X(fchownat) X(utimensat) X(flistxattr) \
	X(fgetxattr) X(fsetxattr) X(setxattr) X(llistxattr) X(lgetxattr) X(lsetxattr) X(fremovexattr) X(removexattr) X(faccessat2) \
	X(io_uring_setup) X(io_uring_enter) X(io_uring_register) \
	X(rt_sigaction) X(rt_sigprocmask) X(kill) X(getpid) X(umask) X(getrusage) X(prlimit64) X(poll) \
	X(futex) X(sched_getaffinity) X(sched_setaffinity) X(sched_yield) X(clone3)

enum stats_call {
#define STATS_ENUM(n) SC_##n,
	STATS_CALLS(STATS_ENUM)
#undef STATS_ENUM
	SC_COUNT
};

/* io_uring submissions by opcode (only those zcp issues). */
#define STATS_URING_OPS(X) X(splice) X(read) X(write) X(nop) X(openat) X(statx) X(close)
enum stats_uring_op {
#define STATS_UENUM(n) SU_##n,
	STATS_URING_OPS(STATS_UENUM)
#undef STATS_UENUM
	SU_COUNT
};

/* How a data file's bytes moved, by its method: cloned (no data moved),
 * moved inside the kernel, or copied through user space. */
enum stats_way { WAY_CLONED, WAY_KERNEL, WAY_USER, WAY_COUNT };

struct stats {
	uint64_t calls[SC_COUNT];
	uint64_t errors[SC_COUNT];
	uint64_t uring_ops[SU_COUNT];
	uint64_t bytes_copied;	/* data that reached the destination */
	uint64_t bytes_user;	/* data that crossed the user/kernel boundary */
	uint64_t bytes_memcpy;	/* data copied by the CPU in user space */
	uint64_t files;
	uint64_t bytes_way[WAY_COUNT];	/* bytes_copied, by how they moved */
	uint64_t bytes_verified;	/* --verify: copies read back and compared */
	uint64_t bytes_read;	/* data taken from the sources (once for all --also) */
	const char *method;	/* the method that copied the file (per file) */
	/* Modelled per method: kernel CPU copies of the data, in bytes. */
	uint64_t model_kernel_copy_bytes;
};

/* Each thread counts its own calls; the engine adds its workers' into
 * the main thread's when they are done. */
extern _Thread_local struct stats stats_total;
void stats_add(struct stats *to, const struct stats *from);

/* Every counted call lands in the current file's stats and the total. */
void stats_call(enum stats_call c, long ret);
void stats_uring_op(enum stats_uring_op op, unsigned n);
void stats_bytes(uint64_t copied, uint64_t user, uint64_t memcpy_bytes);
void stats_model_kernel_copies(uint64_t bytes);
/* Files done and bytes copied so far, all threads together; safe in a
 * signal handler. */
void stats_progress(uint64_t *files, uint64_t *bytes);
/* The bytes copied so far by way, all threads together (the progress
 * line's: counted as they are copied). */
void stats_progress_ways(uint64_t ways[WAY_COUNT]);
/* The way of the method about to copy (its bytes count so as they come),
 * or -1 when done: then a copy through user space is told by its bytes. */
void stats_way_now(int way);
/* A data file's bytes, copied by a method of this way. */
void stats_way(enum stats_way w, uint64_t bytes);
/* --verify: bytes of a copy read back from storage and compared. */
void stats_verified(uint64_t bytes);
/* Bytes of data taken from a source (a clone takes none). */
void stats_read(uint64_t bytes);
const char *stats_way_name(enum stats_way w);

/* A file done without a copy of its data (kept, linked): the progress
 * count's, not the stats'. */
void stats_progress_file(void);
void stats_file_begin(void);
void stats_file_method(const char *name);
const struct stats *stats_file(void);
void stats_file_end(void);
/* --also: the file this thread is counting (NULL: none), and counting into
 * another thread's file for a while (NULL: back to this thread's own).
 * The other thread is waiting meanwhile: one thread counts at a time. */
struct stats *stats_file_here(void);
void stats_file_into(struct stats *file);

const char *stats_call_name(enum stats_call c);
const char *stats_uring_op_name(enum stats_uring_op op);
uint64_t stats_syscalls(const struct stats *s);

#endif

/* sys.h: the system calls zcp makes, each counted next to the call.
 *
 * Every wrapper returns the call's result, or -errno on failure, and
 * records the call in the stats so that --stats agrees with strace.
 */
#ifndef ZCP_SYS_H
#define ZCP_SYS_H

#include "stats.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

/* A call that may write into a destination is bracketed so: a fatal end
 * (inflight.c) waits for those under way before it empties the files they
 * write into, and none is begun after. */
void inflight_writing(void);
void inflight_written(void);

static inline long sys_ret(enum stats_call c, long r)
{
	if (r < 0)
		r = -errno;
	stats_call(c, r);
	return r;
}

static inline int sys_openat(int dirfd, const char *name, int flags, mode_t mode)
{
	return (int)sys_ret(SC_openat, openat(dirfd, name, flags | O_CLOEXEC, mode));
}

static inline int sys_fstatat(int dirfd, const char *name, struct stat *st, int flags)
{
	return (int)sys_ret(SC_newfstatat, fstatat(dirfd, name, st, flags));
}

static inline int sys_fstat(int fd, struct stat *st)
{
	return (int)sys_ret(SC_newfstatat, fstat(fd, st));
}

/* (glibc's getrlimit is the prlimit64 call) */
/* The soft limit on open files; RLIM_INFINITY: none (or none known). */
static inline rlim_t sys_nofile(void);

static inline int sys_getrlimit(int resource, struct rlimit *rl)
{
	return (int)sys_ret(SC_prlimit64, getrlimit(resource, rl));
}

static inline rlim_t sys_nofile(void)
{
	struct rlimit rl;

	return sys_getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : RLIM_INFINITY;
}

static inline int sys_fstatfs(int fd, struct statfs *sf)
{
	return (int)sys_ret(SC_fstatfs, fstatfs(fd, sf));
}

/* umask(2) cannot fail: counted all the same. */
static inline mode_t sys_umask(mode_t mask)
{
	stats_call(SC_umask, 0);
	return umask(mask);
}

static inline int sys_getrusage(int who, struct rusage *ru)
{
	return (int)sys_ret(SC_getrusage, getrusage(who, ru));
}

static inline int sys_close(int fd)
{
	return (int)sys_ret(SC_close, close(fd));
}

static inline ssize_t sys_read(int fd, void *buf, size_t n)
{
	return sys_ret(SC_read, read(fd, buf, n));
}

static inline ssize_t sys_write(int fd, const void *buf, size_t n)
{
	ssize_t r;

	inflight_writing();
	r = sys_ret(SC_write, write(fd, buf, n));
	inflight_written();
	return r;
}

static inline ssize_t sys_pread(int fd, void *buf, size_t n, off_t off)
{
	return sys_ret(SC_pread64, pread(fd, buf, n, off));
}

static inline ssize_t sys_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	ssize_t r;

	inflight_writing();
	r = sys_ret(SC_pwrite64, pwrite(fd, buf, n, off));
	inflight_written();
	return r;
}

static inline off_t sys_lseek(int fd, off_t off, int whence)
{
	return (off_t)sys_ret(SC_lseek, lseek(fd, off, whence));
}

static inline ssize_t sys_copy_file_range(int in, off_t *oin, int out, off_t *oout,
					  size_t n)
{
	ssize_t r;

	inflight_writing();
	r = sys_ret(SC_copy_file_range, copy_file_range(in, oin, out, oout, n, 0));
	inflight_written();
	return r;
}

static inline ssize_t sys_sendfile(int out, int in, off_t *off, size_t n)
{
	ssize_t r;

	inflight_writing();
	r = sys_ret(SC_sendfile, sendfile(out, in, off, n));
	inflight_written();
	return r;
}

static inline ssize_t sys_splice(int in, off_t *oin, int out, off_t *oout,
				 size_t n, unsigned flags)
{
	ssize_t r;

	inflight_writing();
	r = sys_ret(SC_splice, splice(in, oin, out, oout, n, flags));
	inflight_written();
	return r;
}

static inline ssize_t sys_tee(int in, int out, size_t n, unsigned flags)
{
	return sys_ret(SC_tee, tee(in, out, n, flags));
}

/* mmap reports failure as MAP_FAILED; keep that, count the call. */
static inline void *sys_mmap(void *addr, size_t len, int prot, int flags, int fd,
			     off_t off)
{
	void *p = mmap(addr, len, prot, flags, fd, off);
	stats_call(SC_mmap, p == MAP_FAILED ? -errno : 0);
	return p;
}

static inline int sys_munmap(void *addr, size_t len)
{
	return (int)sys_ret(SC_munmap, munmap(addr, len));
}

static inline int sys_madvise(void *addr, size_t len, int advice)
{
	return (int)sys_ret(SC_madvise, madvise(addr, len, advice));
}

static inline int sys_ioctl(int fd, unsigned long req, unsigned long arg)
{
	return (int)sys_ret(SC_ioctl, ioctl(fd, req, arg));
}

static inline int sys_ftruncate(int fd, off_t len)
{
	int r;

	inflight_writing();
	r = (int)sys_ret(SC_ftruncate, ftruncate(fd, len));
	inflight_written();
	return r;
}

static inline int sys_fallocate(int fd, int mode, off_t off, off_t len)
{
	int r;

	inflight_writing();
	r = (int)sys_ret(SC_fallocate, fallocate(fd, mode, off, len));
	inflight_written();
	return r;
}

static inline int sys_fcntl(int fd, int cmd, long arg)
{
	return (int)sys_ret(SC_fcntl, fcntl(fd, cmd, arg));
}

static inline int sys_pipe2(int fds[2], int flags)
{
	return (int)sys_ret(SC_pipe2, pipe2(fds, flags | O_CLOEXEC));
}

static inline ssize_t sys_getdents64(int fd, void *buf, size_t n)
{
	return sys_ret(SC_getdents64, getdents64(fd, buf, n));
}

static inline int sys_mkdirat(int dirfd, const char *name, mode_t mode)
{
	return (int)sys_ret(SC_mkdirat, mkdirat(dirfd, name, mode));
}

static inline int sys_mknodat(int dirfd, const char *name, mode_t mode, dev_t dev)
{
	return (int)sys_ret(SC_mknodat, mknodat(dirfd, name, mode, dev));
}

static inline int sys_symlinkat(const char *target, int dirfd, const char *name)
{
	return (int)sys_ret(SC_symlinkat, symlinkat(target, dirfd, name));
}

static inline ssize_t sys_readlinkat(int dirfd, const char *name, char *buf, size_t n)
{
	return sys_ret(SC_readlinkat, readlinkat(dirfd, name, buf, n));
}

static inline int sys_linkat(int od, const char *on, int nd, const char *nn, int flags)
{
	return (int)sys_ret(SC_linkat, linkat(od, on, nd, nn, flags));
}

static inline int sys_unlinkat(int dirfd, const char *name, int flags)
{
	return (int)sys_ret(SC_unlinkat, unlinkat(dirfd, name, flags));
}

static inline int sys_renameat(int od, const char *on, int nd, const char *nn)
{
	return (int)sys_ret(SC_renameat, renameat(od, on, nd, nn));
}

/* renameat2 with RENAME_NOREPLACE: a name that appeared meanwhile stays. */
static inline int sys_renameat2(int od, const char *on, int nd, const char *nn,
				unsigned flags)
{
	return (int)sys_ret(SC_renameat2, renameat2(od, on, nd, nn, flags));
}

/* The engine's threads wait and wake through futex(2) only (sync.c). */
static inline int sys_futex(unsigned *word, int op, unsigned val)
{
	return (int)sys_ret(SC_futex, syscall(SYS_futex, word, op, val, NULL, NULL, 0));
}

static inline int sys_sched_yield(void)
{
	return (int)sys_ret(SC_sched_yield, sched_yield());
}

static inline int sys_futex_timed(unsigned *word, int op, unsigned val,
				  const struct timespec *t)
{
	return (int)sys_ret(SC_futex, syscall(SYS_futex, word, op, val, t, NULL, 0));
}

/* The CPUs zcp may run on: the default number of workers. */
static inline int sys_sched_getaffinity(cpu_set_t *set)
{
	return (int)sys_ret(SC_sched_getaffinity, sched_getaffinity(0, sizeof(*set), set));
}

/* The calling thread only. */
static inline int sys_sched_setaffinity(const cpu_set_t *set)
{
	return (int)sys_ret(SC_sched_setaffinity, sched_setaffinity(0, sizeof(*set), set));
}


static inline int sys_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	return (int)sys_ret(SC_poll, poll(fds, n, timeout));
}

static inline int sys_statx(int dirfd, const char *name, int flags, unsigned mask,
			    struct statx *stx)
{
	return (int)sys_ret(SC_statx, statx(dirfd, name, flags, mask, stx));
}

static inline int sys_fsync(int fd)
{
	return (int)sys_ret(SC_fsync, fsync(fd));
}

/* posix_fadvise returns the error, not -1 and errno. */
static inline int sys_fadvise(int fd, off_t off, off_t len, int advice)
{
	int r = posix_fadvise(fd, off, len, advice);

	stats_call(SC_fadvise64, -r);
	return -r;
}

static inline int sys_fchmod(int fd, mode_t mode)
{
	return (int)sys_ret(SC_fchmod, fchmod(fd, mode));
}

static inline int sys_fchmodat(int dirfd, const char *name, mode_t mode)
{
	return (int)sys_ret(SC_fchmodat, fchmodat(dirfd, name, mode, 0));
}

static inline int sys_fchown(int fd, uid_t uid, gid_t gid)
{
	return (int)sys_ret(SC_fchown, fchown(fd, uid, gid));
}

static inline int sys_fchownat(int dirfd, const char *name, uid_t uid, gid_t gid,
			       int flags)
{
	return (int)sys_ret(SC_fchownat, fchownat(dirfd, name, uid, gid, flags));
}

static inline int sys_utimensat(int dirfd, const char *name,
				const struct timespec ts[2], int flags)
{
	return (int)sys_ret(SC_utimensat, utimensat(dirfd, name, ts, flags));
}

static inline ssize_t sys_fgetxattr(int fd, const char *name, void *buf, size_t n)
{
	return sys_ret(SC_fgetxattr, fgetxattr(fd, name, buf, n));
}

static inline int sys_fsetxattr(int fd, const char *name, const void *buf, size_t n,
				int flags)
{
	return (int)sys_ret(SC_fsetxattr, fsetxattr(fd, name, buf, n, flags));
}

static inline int sys_fremovexattr(int fd, const char *name)
{
	return (int)sys_ret(SC_fremovexattr, fremovexattr(fd, name));
}

/* The magic link /proc/self/fd/N: a path to what fd is, for the calls
 * that take no descriptor or not this one. A directory zcp may write and
 * search but not read (0333, not root) opens only O_PATH, and no f*()
 * call takes an O_PATH descriptor (EBADF): its attributes go by this. */
#define SYS_FDPATH_MAX 32

static inline const char *sys_fdpath(int fd, char buf[SYS_FDPATH_MAX])
{
	snprintf(buf, SYS_FDPATH_MAX, "/proc/self/fd/%d", fd);
	return buf;
}

static inline int sys_setxattr(const char *path, const char *name, const void *buf, size_t n,
			       int flags)
{
	return (int)sys_ret(SC_setxattr, setxattr(path, name, buf, n, flags));
}

static inline int sys_removexattr(const char *path, const char *name)
{
	return (int)sys_ret(SC_removexattr, removexattr(path, name));
}

/* ---- sendfile, mmap and uring_splice methods (src/methods/, src/uring.c) ----
 * The io_uring calls are made here, not by liburing, whose ring set-up
 * and submit paths make mmap and io_uring_enter calls zcp could not count.
 */
#include <linux/time_types.h>	/* before the io_uring header, which uses it */
#include <liburing/io_uring.h>
#include <signal.h>
#include <sys/syscall.h>

static inline int sys_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return (int)sys_ret(SC_rt_sigaction, sigaction(sig, act, old));
}

/* pthread_sigmask: this thread's mask (the call glibc makes is
 * rt_sigprocmask). */
static inline int sys_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	int e = pthread_sigmask(how, set, old);

	stats_call(SC_rt_sigprocmask, -e);
	return -e;
}

static inline pid_t sys_getpid(void)
{
	return (pid_t)sys_ret(SC_getpid, getpid());
}

static inline int sys_kill(pid_t pid, int sig)
{
	return (int)sys_ret(SC_kill, kill(pid, sig));
}

static inline int sys_io_uring_setup(unsigned entries, struct io_uring_params *p)
{
	return (int)sys_ret(SC_io_uring_setup, syscall(__NR_io_uring_setup, entries, p));
}

static inline int sys_io_uring_enter(int fd, unsigned submit, unsigned min_complete,
				     unsigned flags)
{
	return (int)sys_ret(SC_io_uring_enter, syscall(__NR_io_uring_enter, fd, submit,
						       min_complete, flags, NULL, 0));
}

static inline int sys_io_uring_register(int fd, unsigned op, void *arg, unsigned n)
{
	return (int)sys_ret(SC_io_uring_register, syscall(__NR_io_uring_register, fd, op,
							  arg, n));
}
/* ---- end of the sendfile, mmap and uring_splice block ---- */

/* The call itself, not glibc's faccessat: on an old kernel glibc would
 * stand in with fstatat calls zcp could not count. */
static inline int sys_faccessat2(int dirfd, const char *name, int mode, int flags)
{
	return (int)sys_ret(SC_faccessat2, syscall(SYS_faccessat2, dirfd, name, mode, flags));
}

#endif

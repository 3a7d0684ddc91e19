/*
 * uring_batch: does io_uring pay for many small files here? (make bench,
 * section "uring"). Copies SRC/DIR/FILE, a tree of one level of
 * directories, to DST (made) in one of two ways:
 *
 *   plain  per file: openat, fstat, openat O_CREAT|O_EXCL,
 *          copy_file_range, close, close: zcp's six calls
 *   closes the same, but the two closes go to io_uring
 *          (IORING_OP_CLOSE), submitted CLOSE_BATCH files at a time
 *   uring  per batch of BATCH files, two submissions: statx and both
 *          opens (direct descriptors) for all of them; then, linked per
 *          file, read, write and the two closes
 *   zcp    the same with zcp's per-file rules, three submissions: the
 *          sources opened (O_NOFOLLOW); each one's statx taken from the
 *          open file (AT_EMPTY_PATH) beside its read; then, linked per
 *          file, the destination made with the source's mode, written
 *          and closed, and the source closed
 *
 * with THREADS threads, the directories split between them (each thread
 * its own ring). A measuring tool, not zcp: it stops at the first error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BATCH 32
#define CLOSE_BATCH 16
#define BUF_SIZE 65536

static const char *src_root, *dst_root;
static char **dirs;
static int ndirs, nthreads;
static enum { MODE_PLAIN, MODE_CLOSES, MODE_URING, MODE_ZCP } mode;

static void die(const char *what, int err)
{
	fprintf(stderr, "uring_batch: %s: %s\n", what, strerror(err));
	exit(1);
}

/* The names of the regular files in dirfd; *n of them. */
static char **list_files(int dirfd, int *n)
{
	DIR *d = fdopendir(dup(dirfd));
	struct dirent *e;
	char **v = NULL;
	int cap = 0;

	if (!d)
		die("fdopendir", errno);
	*n = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_type != DT_REG)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 128;
			v = realloc(v, (size_t)cap * sizeof(*v));
			if (!v)
				die("realloc", ENOMEM);
		}
		v[(*n)++] = strdup(e->d_name);
	}
	closedir(d);
	return v;
}

/* Submit what is queued and reap want completions; any failure ends it.
 * With res, each one's result is kept at its user_data (those below BATCH). */
static void uring_reap_into(struct io_uring *ring, int want, int *res)
{
	struct io_uring_cqe *cqe;
	int err = io_uring_submit_and_wait(ring, (unsigned)want);

	if (err < 0)
		die("io_uring_submit_and_wait", -err);
	for (int i = 0; i < want; i++) {
		err = io_uring_wait_cqe(ring, &cqe);
		if (err < 0)
			die("io_uring_wait_cqe", -err);
		if (cqe->res < 0)
			die("an io_uring step", -cqe->res);
		if (res && cqe->user_data < BATCH)
			res[cqe->user_data] = cqe->res;
		io_uring_cqe_seen(ring, cqe);
	}
}

static void uring_reap(struct io_uring *ring, int want)
{
	uring_reap_into(ring, want, NULL);
}

/* zcp's six calls a file; with a ring, the closes are queued to it. */
static void copy_plain(struct io_uring *ring, int sd, int dd, char **names, int n)
{
	int queued = 0;

	for (int i = 0; i < n; i++) {
		struct stat st;
		int s = openat(sd, names[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		int t;

		if (s < 0 || fstat(s, &st) != 0)
			die(names[i], errno);
		t = openat(dd, names[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777);
		if (t < 0 || copy_file_range(s, NULL, t, NULL, (size_t)st.st_size, 0) != st.st_size)
			die(names[i], errno);
		if (!ring) {
			close(t);
			close(s);
			continue;
		}
		io_uring_prep_close(io_uring_get_sqe(ring), t);
		io_uring_prep_close(io_uring_get_sqe(ring), s);
		queued += 2;
		if (queued == 2 * CLOSE_BATCH || i == n - 1) {
			uring_reap(ring, queued);
			queued = 0;
		}
	}
}

static void copy_uring(struct io_uring *ring, int sd, int dd, char **names, int n, char *bufs)
{
	static _Thread_local struct statx stx[BATCH];

	for (int b = 0; b < n; b += BATCH) {
		int k = n - b < BATCH ? n - b : BATCH;
		struct io_uring_sqe *sqe;

		for (int i = 0; i < k; i++) {
			sqe = io_uring_get_sqe(ring);
			io_uring_prep_statx(sqe, sd, names[b + i], AT_SYMLINK_NOFOLLOW,
					    STATX_MODE | STATX_SIZE, &stx[i]);
			sqe = io_uring_get_sqe(ring);
			io_uring_prep_openat_direct(sqe, sd, names[b + i], O_RDONLY | O_NOFOLLOW, 0,
						    (unsigned)(2 * i));
			sqe = io_uring_get_sqe(ring);
			io_uring_prep_openat_direct(sqe, dd, names[b + i],
						    O_WRONLY | O_CREAT | O_EXCL, 0644,
						    (unsigned)(2 * i + 1));
		}
		uring_reap(ring, 3 * k);
		for (int i = 0; i < k; i++) {
			unsigned len = (unsigned)stx[i].stx_size;
			char *buf = bufs + (size_t)i * BUF_SIZE;

			if (len > BUF_SIZE)
				die(names[b + i], EFBIG);
			sqe = io_uring_get_sqe(ring);
			io_uring_prep_read(sqe, 2 * i, buf, len, 0);
			sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_LINK;
			sqe = io_uring_get_sqe(ring);
			io_uring_prep_write(sqe, 2 * i + 1, buf, len, 0);
			sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_LINK;
			sqe = io_uring_get_sqe(ring);
			io_uring_prep_close_direct(sqe, (unsigned)(2 * i));
			sqe->flags |= IOSQE_IO_LINK;
			sqe = io_uring_get_sqe(ring);
			io_uring_prep_close_direct(sqe, (unsigned)(2 * i + 1));
		}
		uring_reap(ring, 4 * k);
	}
}

static void copy_zcp(struct io_uring *ring, int sd, int dd, char **names, int n, char *bufs)
{
	static _Thread_local struct statx stx[BATCH];
	static _Thread_local int fds[BATCH], got[BATCH];

	for (int b = 0; b < n; b += BATCH) {
		int k = n - b < BATCH ? n - b : BATCH;
		struct io_uring_sqe *sqe;

		for (int i = 0; i < k; i++) {
			sqe = io_uring_get_sqe(ring);
			io_uring_prep_openat(sqe, sd, names[b + i], O_RDONLY | O_NOFOLLOW | O_NOCTTY, 0);
			sqe->user_data = (unsigned)i;
		}
		uring_reap_into(ring, k, fds);
		for (int i = 0; i < k; i++) {
			sqe = io_uring_get_sqe(ring);
			io_uring_prep_statx(sqe, fds[i], "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
					    STATX_BASIC_STATS, &stx[i]);
			sqe->user_data = BATCH;
			sqe = io_uring_get_sqe(ring);
			io_uring_prep_read(sqe, fds[i], bufs + (size_t)i * BUF_SIZE, BUF_SIZE, 0);
			sqe->user_data = (unsigned)i;
		}
		uring_reap_into(ring, 2 * k, got);
		for (int i = 0; i < k; i++) {
			/* zcp would copy such a file the usual way. */
			if (!S_ISREG(stx[i].stx_mode) || (unsigned long long)got[i] != stx[i].stx_size)
				die(names[b + i], EFBIG);
			sqe = io_uring_get_sqe(ring);
			io_uring_prep_openat_direct(sqe, dd, names[b + i],
						    O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY,
						    stx[i].stx_mode & 07777, (unsigned)i);
			sqe->flags |= IOSQE_IO_LINK;
			sqe->user_data = BATCH;
			sqe = io_uring_get_sqe(ring);
			io_uring_prep_write(sqe, i, bufs + (size_t)i * BUF_SIZE, (unsigned)got[i], 0);
			sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_HARDLINK;
			sqe->user_data = BATCH;
			sqe = io_uring_get_sqe(ring);
			io_uring_prep_close_direct(sqe, (unsigned)i);
			sqe->user_data = BATCH;
			sqe = io_uring_get_sqe(ring);
			io_uring_prep_close(sqe, fds[i]);
			sqe->user_data = BATCH;
		}
		uring_reap(ring, 4 * k);
	}
}

static void *run(void *arg)
{
	long id = (long)arg;
	struct io_uring ring;
	char *bufs = NULL;
	char path[4096];
	int err;

	if (mode != MODE_PLAIN) {
		err = io_uring_queue_init(4 * BATCH, &ring, 0);
		if (err < 0)
			die("io_uring_queue_init", -err);
	}
	if (mode == MODE_URING || mode == MODE_ZCP) {
		err = io_uring_register_files_sparse(&ring, 2 * BATCH);
		if (err < 0)
			die("io_uring_register_files_sparse", -err);
		bufs = malloc((size_t)BATCH * BUF_SIZE);
		if (!bufs)
			die("malloc", ENOMEM);
	}
	for (int d = (int)id; d < ndirs; d += nthreads) {
		int sd, dd, n;
		char **names;

		snprintf(path, sizeof(path), "%s/%s", src_root, dirs[d]);
		sd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		snprintf(path, sizeof(path), "%s/%s", dst_root, dirs[d]);
		if (sd < 0 || mkdir(path, 0755) != 0)
			die(path, errno);
		dd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dd < 0)
			die(path, errno);
		names = list_files(sd, &n);
		if (mode == MODE_URING)
			copy_uring(&ring, sd, dd, names, n, bufs);
		else if (mode == MODE_ZCP)
			copy_zcp(&ring, sd, dd, names, n, bufs);
		else
			copy_plain(mode == MODE_CLOSES ? &ring : NULL, sd, dd, names, n);
		for (int i = 0; i < n; i++)
			free(names[i]);
		free(names);
		close(dd);
		close(sd);
	}
	if (mode != MODE_PLAIN)
		io_uring_queue_exit(&ring);
	free(bufs);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[64];
	struct dirent *e;
	DIR *d;
	int cap = 0;

	if (argc != 5 || (strcmp(argv[1], "plain") && strcmp(argv[1], "closes") &&
			  strcmp(argv[1], "uring") && strcmp(argv[1], "zcp"))) {
		fprintf(stderr, "usage: uring_batch plain|closes|uring|zcp SRC DST THREADS\n");
		return 2;
	}
	if (!strcmp(argv[1], "zcp"))
		mode = MODE_ZCP;
	else if (!strcmp(argv[1], "uring"))
		mode = MODE_URING;
	else if (!strcmp(argv[1], "closes"))
		mode = MODE_CLOSES;
	else
		mode = MODE_PLAIN;
	src_root = argv[2];
	dst_root = argv[3];
	nthreads = atoi(argv[4]);
	if (nthreads < 1 || nthreads > 64)
		nthreads = 1;
	if (mkdir(dst_root, 0755) != 0)
		die(dst_root, errno);
	d = opendir(src_root);
	if (!d)
		die(src_root, errno);
	while ((e = readdir(d)) != NULL) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if (ndirs == cap) {
			cap = cap ? cap * 2 : 128;
			dirs = realloc(dirs, (size_t)cap * sizeof(*dirs));
			if (!dirs)
				die("realloc", ENOMEM);
		}
		dirs[ndirs++] = strdup(e->d_name);
	}
	closedir(d);
	for (long i = 0; i < nthreads; i++)
		if (pthread_create(&t[i], NULL, run, (void *)i) != 0)
			die("pthread_create", EAGAIN);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	return 0;
}

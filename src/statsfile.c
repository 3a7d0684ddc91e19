/* statsfile.c: the reports at the end of a run: --stats, and the
 * --stats-file, which is made before the copy and kept out of it. */
#include "statsfile.h"
#include "cp.h"
#include "report.h"
#include "sys.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Is the file named path (stdin or stdout for "-") the one st is? */
static bool statsfile_same(const char *path, int std_fd, const struct stat *st)
{
	struct stat op;
	int err = strcmp(path, "-") == 0 ? sys_fstat(std_fd, &op)
					 : sys_fstatat(AT_FDCWD, path, &op, 0);

	return err == 0 && util_same_inode(&op, st);
}

/* Is the directory dirfd (taken over and closed), or one above it, a
 * SOURCE tree that -r copies whole? Each SOURCE is looked at once, then
 * the parents walked up to the root (whose ".." is itself). */
static bool statsfile_under_source(const struct zcp_args *a, int nsrc, int dirfd)
{
	int flags = a->o.deref == DEREF_NEVER ? AT_SYMLINK_NOFOLLOW : 0, n = 0, up = -1;
	struct stat *dirs = NULL, d, parent;
	bool under = false;

	if (!a->o.recursive || dirfd < 0)
		goto out_close;
	dirs = util_xmalloc((size_t)nsrc * sizeof(*dirs) + 1);
	for (int i = 0; i < nsrc; i++)
		if (strcmp(a->ops[i], "-") != 0 &&
		    sys_fstatat(AT_FDCWD, a->ops[i], &dirs[n], flags) == 0 && S_ISDIR(dirs[n].st_mode))
			n++;
	if (n == 0 || sys_fstat(dirfd, &d) != 0)
		goto out_free;
	while (!under) {
		for (int i = 0; i < n && !under; i++)
			under = util_same_inode(&dirs[i], &d);
		up = under ? -1 : sys_openat(dirfd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
		if (up < 0 || sys_fstat(up, &parent) != 0 || util_same_inode(&parent, &d))
			break;
		sys_close(dirfd);
		dirfd = up;
		d = parent;
	}
	if (up >= 0 && up != dirfd)
		sys_close(up);
out_free:
	free(dirs);
out_close:
	if (dirfd >= 0)
		sys_close(dirfd);
	return under;
}

/* Would the copy read or write the --stats-file's file (st): an operand
 * (SOURCE or DEST, "-" by what it is), the --files-from list, or a file
 * in a SOURCE tree? Emptied, it would lose a source; written, it would
 * mix the report in the copy. (Any other way to it, a hard link or a
 * --files-from entry, is refused file by file: cp_is_report.) */
static bool statsfile_conflict(const struct zcp_args *a, const char *target, int nsrc,
				const struct stat *st)
{
	bool regular = S_ISREG(st->st_mode), dest;
	const char *base;
	char *parent;
	bool hit = false;

	/* Not a regular file (a pipe, a terminal): only where the copy's
	 * data goes too, as standard output, would the two mix. */
	for (int i = 0; i < a->nops && !hit; i++) {
		dest = i == a->nops - 1 && !a->target;
		if (regular || dest)
			hit = statsfile_same(a->ops[i], dest && !target && a->nops == 2
							     ? STDOUT_FILENO : STDIN_FILENO, st);
	}
	for (int k = 0; k < a->nalso && !hit; k++)
		hit = statsfile_same(a->also[k], STDOUT_FILENO, st);
	if (!regular)
		return hit;
	if (!hit && a->files_from)
		hit = statsfile_same(a->files_from, STDIN_FILENO, st);
	if (!hit) {
		parent = util_split_parent(a->stats_file, &base);
		hit = statsfile_under_source(a, nsrc,
					sys_openat(AT_FDCWD, parent ? parent : ".",
						   O_PATH | O_DIRECTORY | O_CLOEXEC, 0));
		free(parent);
	}
	return hit;
}

/* The --stats-file, made or opened before any copy: a path that cannot
 * be written fails the run before it starts. The fd, or -1 after the
 * error. Its regular file is then kept from the copy (o->report_*); one
 * that was there (*deferred) is emptied only at the end, if the copy did
 * not meet it by some other path (statsfile_place). nsrc: the SOURCE
 * operands, first in a->ops. */
int statsfile_open(struct zcp_args *a, const char *target, int nsrc, bool *deferred)
{
	const char *path = a->stats_file;
	int flags = O_WRONLY | O_CLOEXEC | O_NOCTTY;
	int fd = sys_openat(AT_FDCWD, path, flags | O_CREAT | O_EXCL, 0666);
	bool made = fd >= 0, have, regular;
	struct stat st;

	if (fd == -EEXIST)
		fd = sys_openat(AT_FDCWD, path, flags, 0);
	if (fd < 0) {
		util_error(fd, "cannot create statistics file %s", util_quote(path));
		return -1;
	}
	/* (A pipe or a device is never a file to copy, cannot be emptied,
	 * nor need be; it must not be where the data goes, though.) */
	have = sys_fstat(fd, &st) == 0;
	regular = have && S_ISREG(st.st_mode);
	if (have && statsfile_conflict(a, target, nsrc, &st)) {
		util_error(0, "statistics file %s is also a file to copy or copied to",
			   util_quote(path));
		if (made)
			sys_unlinkat(AT_FDCWD, path, 0);
		sys_close(fd);
		return -1;
	}
	if (regular) {
		a->o.report_dev = st.st_dev;
		a->o.report_ino = st.st_ino;
	}
	*deferred = regular && !made;
	return fd;
}

/* Where the records of a deferred --stats-file wait: an unnamed file
 * beside it, or (-1) memory where there can be none. */
int statsfile_stand_in(const struct zcp_args *a)
{
	const char *base;
	char *parent = util_split_parent(a->stats_file, &base);
	int fd = sys_openat(AT_FDCWD, parent ? parent : ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	free(parent);
	return fd < 0 ? -1 : fd;
}

/* At the end, before the report is written to fd: its name must still
 * lead to it (a backup or a copy may have taken the name), and a file
 * that was there is written only if the copy did not meet it (it is
 * also a source or a destination, refused file by file); then it is
 * emptied and given what was streamed aside. 0, or -1 after the error. */
int statsfile_place(const struct zcp_args *a, int fd, bool deferred)
{
	const char *why = NULL;
	struct stat now;
	int err;

	/* (A regular one's inode is known: o->report_*.) */
	if (a->o.report_ino &&
	    (sys_fstatat(AT_FDCWD, a->stats_file, &now, 0) != 0 || !cp_opts_report(&a->o, &now)))
		why = "was replaced or removed during the copy";
	else if (deferred && cp_report_met())
		why = "is also a file to copy or copied to";
	if (why) {
		util_error(0, "statistics file %s %s: not written", util_quote(a->stats_file), why);
		return -1;
	}
	if (!deferred)
		return 0;
	err = sys_ftruncate(fd, 0);
	if (!err)
		err = report_stream_move(fd);
	if (err) {
		util_error(err, "error writing statistics file %s", util_quote(a->stats_file));
		return -1;
	}
	return 0;
}

/* The reports, --stats's and --stats-file's: each write, and the file's
 * close, counted first, so that both tell the whole run's calls. 0 or 1. */
int statsfile_report(const struct zcp_args *a, int out, int file_fd)
{
	struct rusage ru;
	int err = 0, cerr;

	if (!a->stats && file_fd < 0)
		return 0;
	sys_getrusage(RUSAGE_SELF, &ru);
	if (a->stats)
		stats_call(SC_write, 0);
	if (file_fd >= 0) {
		stats_call(SC_write, 0);
		stats_call(SC_close, 0);
	}
	/* (A standard output closed at start is /dev/null's: util_std_is_closed.) */
	if (a->stats && (err = util_std_is_closed(out) ? -EBADF
			       : report_stats(a->stats_json, out, &stats_total, &ru)) != 0 &&
	    out == STDOUT_FILENO)
		util_stdout_error(err);
	if (file_fd < 0)
		return 0;
	err = report_stats(true, file_fd, &stats_total, &ru);
	cerr = close(file_fd) ? -errno : 0;	/* counted above */
	if (!err)
		err = cerr;
	if (err)
		util_error(err, "error writing statistics file %s", util_quote(a->stats_file));
	return err ? 1 : 0;
}

/* util.h: messages in cp's words, file name quoting, small helpers. */
#ifndef ZCP_UTIL_H
#define ZCP_UTIL_H

#include <stdarg.h>

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

extern const char *util_program;

/* Output streams: standard output, standard error, and --stats=json's
 * list of files. */
enum { UTIL_OUT = 1, UTIL_ERR = 2, UTIL_FILES = 3 };

/* DEST (or an --also DEST) is standard output: UTIL_OUT's lines (-v, the
 * per-file --stats lines, --explain) go to stderr, never into the data.
 * Set before the copy starts. */
void util_stdout_is_data(void);
/* clear() is called before each message written out (set before the
 * copy's threads start). */
void util_before_message(void (*clear)(void));
bool util_stdout_data(void);
void util_out(int stream, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void util_vout(int stream, const char *fmt, va_list ap);
void util_put(int stream, const char *s, size_t n);

/* A worker's messages, kept while it copies and printed by the collector
 * in walk order, so that output is what a serial run prints. */
struct util_capture {
	char *buf;
	size_t len, cap;
};
void util_capture_start(struct util_capture *c);	/* this thread's output goes to c */
void util_capture_stop(void);
void util_capture_replay(struct util_capture *c);	/* print it, then empty it */
/* Where UTIL_FILES goes when it is not captured (report.c). */
void util_files_sink_set(void (*fn)(const char *s, size_t n));

/* "zcp: MESSAGE[: strerror(-err)]" on stderr; err is -errno or 0. */
void util_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* util_error, then "Try 'zcp --help' for more information." */
void util_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Quote a file name as cp does; rotating static buffers, up to 4 live at once. */
const char *util_quote(const char *name);

/* Quote an option's argument as cp's quote() does: 'arg', or with curved
 * quotes in a UTF-8 locale; two rotating static buffers. */
const char *util_quote_arg(const char *arg);

/* "dir/name", malloc'd; NULL on no memory. */
char *util_join(const char *dir, const char *name);
/* The length of path without its trailing slashes ("/" stays). */
size_t util_strip_len(const char *path);
/* The last component, trailing slashes ignored, into buf (size n). */
const char *util_basename(const char *path, char *buf, size_t n);

/* stdin, stdout and stderr through counted read(2) and write(2). */
void util_stdio_init(void);
/* Was standard descriptor fd closed when zcp started? (util_stdio_init
 * puts /dev/null in its place.) */
bool util_std_is_closed(int fd);
/* Standard output written to the end, or cp's "write error" said once:
 * 0, or -errno. */
int util_stdout_flush(void);
/* Note an error of a write to standard output made outside stdio. */
void util_stdout_error(int err);
/* Exit with status, or 1 when standard output could not be written. */
void util_exit(int status) __attribute__((noreturn));

void *util_xmalloc(size_t n);
/* "memory exhausted", and zcp ends (what is in flight undone, exit 1). */
_Noreturn void util_nomem(void);
char *util_xstrdup(const char *s);

/* The length of the one UTF-8 character at s (1 to 4), *cp its code point;
 * 0 when the bytes there are not UTF-8 (overlong, a surrogate, beyond
 * U+10FFFF, cut short). */
size_t util_utf8_len(const unsigned char *s, unsigned *cp);

/* "name/": a name that must be a directory. */
static inline bool util_ends_in_slash(const char *name)
{
	return name[0] && name[strlen(name) - 1] == '/';
}

/* The same file: the same inode on the same device. */
static inline bool util_same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Is st the file (dev, ino) kept aside (ino 0: none)? */
static inline bool util_is_file(const struct stat *st, dev_t dev, ino_t ino)
{
	return ino && st->st_ino == ino && st->st_dev == dev;
}

/* path, which ends in name, with name replaced by other (a name from the
 * same directory fd): what to print for other. malloc'd. */
/* "a/b/c" -> "a/b" and "c"; "a/b/" -> "a" and "b/" (a trailing slash
 * stays with its name, which must then be a directory). NULL for a name
 * with no directory part, or none to hold; else malloc'd. */
char *util_split_parent(const char *path, const char **base);
char *util_path_beside(const char *path, const char *name, const char *other);

/* Rename from to to in one directory, never over something there
 * (-EEXIST). Where the file system has no RENAME_NOREPLACE (FUSE), as
 * near as it can: a link then an unlink (from may then stay, a second
 * name, if it cannot be removed), else a look then a rename. 0 once the
 * file is under to. */
int util_rename_noreplace(int dirfd, const char *from, const char *to);

#endif

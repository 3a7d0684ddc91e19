/* util.c: messages and quoting, shared by every part of zcp. */
#include "util.h"
#include "inflight.h"
#include "sys.h"

#include <stdatomic.h>
#include <stdint.h>
#include <termios.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *util_program = "zcp";

/* Where this thread's messages go: straight out, or kept in walk order
 * for the collector (a worker's). */
static _Thread_local struct util_capture *util_cap;
static void (*util_files_sink)(const char *s, size_t n);

static void util_cap_put(int stream, const char *s, size_t n)
{
	struct util_capture *c = util_cap;
	uint32_t len = (uint32_t)n;

	if (c->len + n + 5 > c->cap) {
		c->cap = (c->len + n + 5) * 2;
		c->buf = realloc(c->buf, c->cap);
		if (!c->buf)
			abort();	/* no way left to say it */
	}
	c->buf[c->len] = (char)stream;
	memcpy(c->buf + c->len + 1, &len, 4);
	memcpy(c->buf + c->len + 5, s, n);
	c->len += n + 5;
}

/* Standard output carries a copy's data: what zcp says goes to stderr. */
static bool util_out_is_data;

void util_stdout_is_data(void)
{
	util_out_is_data = true;
}

bool util_stdout_data(void)
{
	return util_out_is_data;
}

/* --progress's line, drawn in place on a terminal: cleared before a
 * message, so that the message starts a line of its own. */
static void (*util_clear_line)(void);

void util_before_message(void (*clear)(void))
{
	util_clear_line = clear;
}

void util_put(int stream, const char *s, size_t n)
{
	if (util_clear_line && !util_cap && stream != UTIL_FILES)
		util_clear_line();
	if (util_cap)
		util_cap_put(stream, s, n);
	else if (stream == UTIL_FILES)
		util_files_sink(s, n);
	else if (stream == UTIL_ERR || util_out_is_data) {
		/* An error comes after what was said before it. */
		fflush(stdout);
		fwrite(s, 1, n, stderr);
	} else {
		fwrite(s, 1, n, stdout);
	}
}

/* fmt formatted into small (n bytes), or into *big (malloc'ed) when it
 * does not fit: no malloc for a worker's usual line (see engine.c). The
 * text, its length in *len; NULL on a format error. */
static const char *util_vformat(char *small, size_t n, char **big, size_t *len,
				const char *fmt, va_list ap)
{
	va_list aq;
	int r;

	*big = NULL;
	va_copy(aq, ap);
	r = vsnprintf(small, n, fmt, aq);
	va_end(aq);
	if (r < 0)
		return NULL;
	*len = (size_t)r;
	if (*len < n)
		return small;
	*big = util_xmalloc(*len + 1);
	vsnprintf(*big, *len + 1, fmt, ap);
	return *big;
}

void util_vout(int stream, const char *fmt, va_list ap)
{
	char small[2048], *big;
	size_t len;
	const char *text = util_vformat(small, sizeof(small), &big, &len, fmt, ap);

	if (text)
		util_put(stream, text, len);
	free(big);
}

void util_out(int stream, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	util_vout(stream, fmt, ap);
	va_end(ap);
}

void util_capture_start(struct util_capture *c)
{
	util_cap = c;
}

void util_capture_stop(void)
{
	util_cap = NULL;
}

void util_capture_replay(struct util_capture *c)
{
	for (size_t i = 0; i < c->len;) {
		uint32_t n;

		memcpy(&n, c->buf + i + 1, 4);
		util_put(c->buf[i], c->buf + i + 5, n);
		i += 5 + n;
	}
	c->len = 0;	/* the buffer stays, for the next job in its place */
}

void util_files_sink_set(void (*fn)(const char *s, size_t n))
{
	util_files_sink = fn;
}

static void util_verror(int err, const char *fmt, va_list ap)
{
	char small[1024], *big;
	size_t len;
	/* One piece, so that a worker's message is kept whole. */
	const char *msg = util_vformat(small, sizeof(small), &big, &len, fmt, ap);

	if (!msg)
		return;
	if (err)
		util_out(UTIL_ERR, "%s: %s: %s\n", util_program, msg, strerror(-err));
	else
		util_out(UTIL_ERR, "%s: %s\n", util_program, msg);
	free(big);
}

void util_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	util_verror(err, fmt, ap);
	va_end(ap);
}

void util_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	util_verror(0, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", util_program);
}

/*
 * Is the user's character set UTF-8? Read from the environment as
 * setlocale(3) would choose it (LC_ALL, then LC_CTYPE, then LANG), without
 * setlocale itself: loading locale files costs uncounted system calls, and
 * --stats must agree with strace.
 */
static bool util_utf8(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	/* Found once; the workers may ask at the same time and find the same. */
	static atomic_int known = -1;
	int utf8 = atomic_load_explicit(&known, memory_order_relaxed);

	if (utf8 >= 0)
		return utf8;
	utf8 = 0;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		const char *dot;

		if (!v || !*v)
			continue;
		dot = strchr(v, '.');
		utf8 = dot && (strncasecmp(dot + 1, "UTF-8", 5) == 0 ||
			       strncasecmp(dot + 1, "utf8", 4) == 0);
		break;
	}
	atomic_store_explicit(&known, utf8, memory_order_relaxed);
	return utf8;
}

size_t util_utf8_len(const unsigned char *s, unsigned *cp)
{
	unsigned n = *s < 0x80 ? 1 : *s < 0xc2 ? 0 : *s < 0xe0 ? 2 : *s < 0xf0 ? 3 : *s < 0xf5 ? 4 : 0;

	*cp = *s;
	if (n <= 1)
		return n;
	*cp &= 0x7fu >> n;
	for (unsigned i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;	/* a NUL ends it too */
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, and beyond Unicode are not UTF-8. */
	if ((n == 3 && *cp < 0x800) || (n == 4 && (*cp < 0x10000 || *cp > 0x10ffff)) ||
	    (*cp >= 0xd800 && *cp < 0xe000))
		return 0;
	return n;
}

/* How many bytes at s make one printable character; 0: escape the byte.
 * Beyond ASCII only a UTF-8 locale prints anything, and not its C1 controls. */
static size_t quote_printable(const unsigned char *s, bool utf8)
{
	unsigned cp;
	size_t n;

	if (*s < 0x80)
		return *s >= 0x20 && *s < 0x7f;
	if (!utf8)
		return 0;
	n = util_utf8_len(s, &cp);
	return cp >= 0xa0 ? n : 0;
}

/*
 * cp's shell-escape-always quoting: 'name'; "name" when it holds a single
 * quote and nothing else a shell would treat specially; bytes that do not
 * print become $'\t' or $'\NNN' runs, as in ''$'\001''x'.
 */
const char *util_quote(const char *name)
{
	static _Thread_local char bufs[4][4096 * 4 + 64];
	static _Thread_local unsigned next;
	const unsigned char *s;
	char *out = bufs[next++ % 4], *p = out, *end = out + sizeof(bufs[0]) - 16;
	bool utf8 = util_utf8(), squote = false, dquote_ok = true, in_esc = false;
	bool ends_esc = false;
	size_t n;

	for (s = (const unsigned char *)name; *s; s += n ? n : 1) {
		n = quote_printable(s, utf8);
		ends_esc = n == 0;
		if (n == 0 || strchr("\"$`\\!", *s))
			dquote_ok = false;
		else if (*s == '\'')
			squote = true;
	}
	if (squote && dquote_ok) {
		snprintf(out, sizeof(bufs[0]), "\"%s\"", name);
		return out;
	}
	*p++ = '\'';
	/* cp's quirk, kept for byte-equal messages: a name with a single quote
	 * that ends in an escape run is quoted a second time with the end's
	 * state, so an empty '' comes before its first printable character
	 * ('''it'\''s'$'\001'). Where cp then also drops the $ of a first
	 * escape, zcp does not: that would name another file. */
	in_esc = squote && ends_esc;
	for (s = (const unsigned char *)name; *s && p < end; s += n ? n : 1) {
		n = quote_printable(s, utf8);
		if (n == 0) {
			const char *letter = strchr("\a\b\f\n\r\t\v", *s);
			if (!in_esc || s == (const unsigned char *)name)
				p += sprintf(p, "'$'");
			in_esc = true;
			if (letter && *s)
				p += sprintf(p, "\\%c", "abfnrtv"[letter - "\a\b\f\n\r\t\v"]);
			else
				p += sprintf(p, "\\%03o", *s);
			continue;
		}
		if (*s == '\'') {
			/* Its first ' closes an escape run as well as a quoted one. */
			p += sprintf(p, "'\\''");
			in_esc = false;
			continue;
		}
		if (in_esc) {
			p += sprintf(p, "''");
			in_esc = false;
		}
		memcpy(p, s, n);
		p += n;
	}
	*p++ = '\'';
	*p = 0;
	return out;
}

const char *util_quote_arg(const char *arg)
{
	static _Thread_local char bufs[2][4096 * 4 + 16];
	static _Thread_local unsigned next;
	const char *open = util_utf8() ? "\xe2\x80\x98" : "'", *close = util_utf8() ? "\xe2\x80\x99" : "'";
	char *out = bufs[next++ % 2], *p = out, *end = out + sizeof(bufs[0]) - 8;

	p += sprintf(p, "%s", open);
	for (const unsigned char *s = (const unsigned char *)arg; *s && p < end; s++) {
		if (*s == '\\' || (*s == '\'' && close[0] == '\''))
			p += sprintf(p, "\\%c", *s);
		else if (*s < 0x20 || *s == 0x7f)
			p += sprintf(p, "\\%03o", *s);
		else
			*p++ = (char)*s;
	}
	strcpy(p, close);
	return out;
}

void util_nomem(void)
{
	util_cap = NULL;	/* said now: nothing held is put out any more */
	util_error(-ENOMEM, "memory exhausted");
	inflight_exit(1);
}

void *util_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		util_nomem();
	return p;
}

char *util_path_beside(const char *path, const char *name, const char *other)
{
	size_t dir_len = strlen(path) - strlen(name);
	char *out = util_xmalloc(dir_len + strlen(other) + 1);

	memcpy(out, path, dir_len);
	strcpy(out + dir_len, other);
	return out;
}

char *util_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(util_xmalloc(n), s, n);
}

size_t util_strip_len(const char *path)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	return len;
}

char *util_join(const char *dir, const char *name)
{
	size_t d = util_strip_len(dir), n = strlen(name);
	char *p = util_xmalloc(d + n + 2);

	memcpy(p, dir, d);
	if (d > 0 && dir[d - 1] != '/')
		p[d++] = '/';
	memcpy(p + d, name, n + 1);
	return p;
}

const char *util_basename(const char *path, char *buf, size_t n)
{
	size_t len = strlen(path);
	const char *start;

	while (len > 1 && path[len - 1] == '/')
		len--;
	start = path + len;
	while (start > path && start[-1] != '/')
		start--;
	len -= (size_t)(start - path);
	if (len >= n)
		len = n - 1;
	memcpy(buf, start, len);
	buf[len] = 0;
	return buf;
}

/*
 * Standard streams whose reads and writes go through the counted calls of
 * sys.h: a message or a verbose line is a system call like any other, and
 * --stats must agree with strace about it.
 */
/* The standard descriptors closed when zcp started (a bit each): a file
 * it opened would take the number, and -v would write into a copy.
 * /dev/null holds the place, and reading or writing there is EBADF, as
 * it would have been. */
static unsigned util_std_closed;

bool util_std_is_closed(int fd)
{
	return fd >= 0 && fd <= STDERR_FILENO && (util_std_closed & (1u << fd));
}

static ssize_t util_cookie_read(void *c, char *buf, size_t n)
{
	ssize_t r = util_std_is_closed((int)(intptr_t)c) ? -EBADF
							 : sys_read((int)(intptr_t)c, buf, n);
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* The first error writing standard output: what cp's "write error" says. */
static int util_stdout_err;
static bool util_stdout_said;

static ssize_t util_cookie_write(void *c, const char *buf, size_t n)
{
	int fd = (int)(intptr_t)c;
	/* (A closed stderr loses the messages, as it would have; not stdout's data.) */
	ssize_t r = fd == STDOUT_FILENO && util_std_is_closed(fd) ? -EBADF : sys_write(fd, buf, n);
	if (r < 0) {
		if ((intptr_t)c == STDOUT_FILENO && !util_stdout_err)
			util_stdout_err = (int)r;
		errno = (int)-r;
		return 0;
	}
	return r;
}

void util_stdout_error(int err)
{
	if (!util_stdout_err)
		util_stdout_err = err;
}

int util_stdout_flush(void)
{
	if (fflush(stdout) != 0 && !util_stdout_err)
		util_stdout_err = errno ? -errno : -EIO;
	if (!util_stdout_err && ferror(stdout))
		util_stdout_err = -EIO;
	/* Said once: a later flush finds the same error and keeps quiet. */
	if (util_stdout_err && !util_stdout_said) {
		util_stdout_said = true;
		util_error(util_stdout_err, "write error");
	}
	return util_stdout_err;
}

void util_exit(int status)
{
	exit(util_stdout_flush() ? 1 : status);
}

static FILE *util_stream(int fd, const char *mode, int buffering)
{
	cookie_io_functions_t io = { .read = util_cookie_read, .write = util_cookie_write };
	FILE *f = fopencookie((void *)(intptr_t)fd, mode, io);

	if (f)
		setvbuf(f, NULL, buffering, buffering == _IONBF ? 0 : BUFSIZ);
	return f;
}

void util_stdio_init(void)
{
	struct termios t;
	FILE *f;

	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
		if (sys_fcntl(fd, F_GETFD, 0) == -EBADF &&
		    sys_openat(AT_FDCWD, "/dev/null", O_RDWR, 0) == fd)
			util_std_closed |= 1u << fd;

	if ((f = util_stream(STDIN_FILENO, "r", _IOFBF)))
		stdin = f;
	if ((f = util_stream(STDOUT_FILENO, "w",
			     sys_ioctl(STDOUT_FILENO, TCGETS, (unsigned long)&t) == 0 ? _IOLBF
										  : _IOFBF)))
		stdout = f;
	if ((f = util_stream(STDERR_FILENO, "w", _IONBF)))
		stderr = f;
}

int util_rename_noreplace(int dirfd, const char *from, const char *to)
{
	struct stat st;
	int err = sys_renameat2(dirfd, from, dirfd, to, RENAME_NOREPLACE);

	if (err != -EINVAL)
		return err;
	err = sys_linkat(dirfd, from, dirfd, to, 0);
	if (!err) {
		(void)sys_unlinkat(dirfd, from, 0);
		return 0;
	}
	if (err != -EPERM && err != -EOPNOTSUPP && err != -EMLINK && err != -ENOSYS)
		return err;
	err = sys_fstatat(dirfd, to, &st, AT_SYMLINK_NOFOLLOW);
	if (err != -ENOENT)
		return err ? err : -EEXIST;
	return sys_renameat(dirfd, from, dirfd, to);
}

/* "a/b/c" -> "a/b" and "c"; "a/b/" -> "a" and "b/" (a trailing slash
 * stays with its name, which must then be a directory). NULL for a name
 * with no directory part, or none to hold. */
char *util_split_parent(const char *path, const char **base)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	while (len > 0 && path[len - 1] != '/')
		len--;
	if (len == 0 || path[len] == 0)
		return NULL;
	*base = path + len;
	while (len > 1 && path[len - 1] == '/')
		len--;
	return strndup(path, len);
}

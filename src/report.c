/* report.c: what --stats prints. Measured numbers and the model are kept
 * apart: the model is labelled as one in both formats. */
#include "report.h"
#include "sys.h"
#include "util.h"

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static struct timespec report_t0;
static bool report_json, report_text_files;

struct buf {
	char *p;
	size_t len, cap;
	bool stack;	/* p is the caller's array: copied out when it grows */
};

/* The per-file records of the JSON report, rendered as they come; with
 * a report file of its own, written out as they pile up (report_stream). */
static struct buf report_files;
static bool report_any;
static int report_stream_fd = -1, report_stream_err;
static bool report_streamed;

#define REPORT_STREAM_BLOCK (64 * 1024)

static void report_files_add(const char *s, size_t n);

void report_start(bool json, bool per_file_text)
{
	clock_gettime(CLOCK_MONOTONIC, &report_t0);
	report_json = json;
	report_text_files = per_file_text;
	util_files_sink_set(report_files_add);
}

static double report_wall(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - report_t0.tv_sec) + (double)(t.tv_nsec - report_t0.tv_nsec) / 1e9;
}

static double tv(struct timeval t)
{
	return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->len)
			break;
		b->cap = b->cap * 2 + (size_t)n + 256;
		if (b->stack) {
			char *p = malloc(b->cap);
			if (p)
				memcpy(p, b->p, b->len);
			b->p = p;
			b->stack = false;
		} else {
			b->p = realloc(b->p, b->cap);
		}
		if (!b->p)
			exit(1);
	}
	b->len += (size_t)n;
}

/* A JSON string of a file name. Bytes that are not UTF-8 become lone
 * surrogates \udc80-\udcff (Python's surrogateescape): escaped, not dropped,
 * and the name can be had back byte for byte. */
static void put_json_string(struct buf *b, const char *str)
{
	const unsigned char *p = (const unsigned char *)str;

	put(b, "\"");
	while (*p) {
		unsigned c;
		size_t n = util_utf8_len(p, &c);

		if (!n)
			put(b, "\\udc%02x", *p);
		else if (n > 1)
			put(b, "%.*s", (int)n, (const char *)p);
		else if (c == '"' || c == '\\')
			put(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			put(b, "\\u%04x", c);
		else
			put(b, "%c", c);
		p += n ? n : 1;
	}
	put(b, "\"");
}

void report_json_name(FILE *f, const char *s)
{
	char small[1024];
	struct buf b = { .p = small, .cap = sizeof(small), .stack = true };

	put_json_string(&b, s);
	fwrite(b.p, 1, b.len, f);
	if (!b.stack)
		free(b.p);
}

static void put_calls_json(struct buf *b, const struct stats *s)
{
	bool first = true;

	put(b, "{");
	for (int i = 0; i < SC_COUNT; i++) {
		if (!s->calls[i])
			continue;
		put(b, "%s\"%s\":%llu", first ? "" : ",", stats_call_name(i),
		    (unsigned long long)s->calls[i]);
		first = false;
	}
	put(b, "}");
}

/* The collector's end of --stats=json's list: entries come in walk order. */
/* n in decimal at the end of buf (which ends at end): its first digit. */
static char *report_utoa(char *end, uint64_t n)
{
	do
		*--end = (char)('0' + n % 10);
	while (n /= 10);
	return end;
}

/* SIGUSR1, as dd: one line of what is done so far, made without stdio or
 * malloc (neither is safe here), in one counted write. */
static void report_usr1(int sig)
{
	static const char *const part[] = { ": ", " files, ", " bytes copied in ", ".", " s\n" };
	char line[160], num[24];
	uint64_t v[4];
	size_t n = 0;
	int saved = errno;
	struct timespec t;
	int64_t ms;

	(void)sig;
	stats_progress(&v[0], &v[1]);
	clock_gettime(CLOCK_MONOTONIC, &t);
	ms = (t.tv_sec - report_t0.tv_sec) * 1000 + (t.tv_nsec - report_t0.tv_nsec) / 1000000;
	v[2] = ms > 0 ? (uint64_t)ms / 1000 : 0;
	v[3] = ms > 0 ? (uint64_t)ms / 100 % 10 : 0;
	n = strnlen(util_program, 32);
	memcpy(line, util_program, n);
	for (int i = 0; i < 5; i++) {
		size_t pl = strlen(part[i]);

		memcpy(line + n, part[i], pl);
		n += pl;
		if (i < 4) {
			char *d = report_utoa(num + sizeof(num), v[i]);
			size_t dl = (size_t)(num + sizeof(num) - d);

			memcpy(line + n, d, dl);
			n += dl;
		}
	}
	(void)sys_write(STDERR_FILENO, line, n);	/* counted, as any write */
	errno = saved;
}

void report_on_usr1(void)
{
	struct sigaction sa = { .sa_handler = report_usr1, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	sys_sigaction(SIGUSR1, &sa, NULL);
}

void report_stream(int fd)
{
	report_stream_fd = fd;
}

int report_stream_move(int fd)
{
	off_t off = 0;
	ssize_t n = 1;

	while (report_streamed && !report_stream_err && n > 0) {
		n = sys_sendfile(fd, report_stream_fd, &off, 1 << 30);
		if (n < 0)
			report_stream_err = (int)n;
	}
	if (report_stream_fd >= 0)
		sys_close(report_stream_fd);
	report_stream_fd = fd;
	return report_stream_err;
}

static void report_write_all(int fd, const char *p, size_t n)
{
	while (n && !report_stream_err) {
		ssize_t w = sys_write(fd, p, n);
		if (w <= 0) {
			report_stream_err = w < 0 ? (int)w : -EIO;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void report_files_add(const char *s, size_t n)
{
	put(&report_files, "%s%.*s", report_any ? "," : "", (int)n, s);
	report_any = true;
	if (report_stream_fd < 0 || report_files.len < REPORT_STREAM_BLOCK)
		return;
	if (!report_streamed)
		report_write_all(report_stream_fd, "{\"files\":[", 10);
	report_write_all(report_stream_fd, report_files.p, report_files.len);
	report_files.len = 0;
	report_streamed = true;
}

void report_file(const char *src, const char *dst)
{
	const struct stats *s = stats_file();
	/* A worker's line: on the stack, as a worker mallocs nothing. */
	char line[4096];
	struct buf b = { .p = line, .cap = sizeof(line), .stack = true };

	if (report_json) {
		b.len = 0;
		put(&b, "{\"source\":");
		put_json_string(&b, src);
		put(&b, ",\"dest\":");
		put_json_string(&b, dst);
		put(&b, ",\"method\":");
		if (s->method)
			put(&b, "\"%s\"", s->method);
		else
			put(&b, "null");
		put(&b, ",\"bytes_copied\":%llu,\"bytes_read\":%llu,\"bytes_user_kernel\":%llu,"
			"\"bytes_memcpy\":%llu,\"syscalls_total\":%llu,\"syscalls\":",
		    (unsigned long long)s->bytes_copied, (unsigned long long)s->bytes_read,
		    (unsigned long long)s->bytes_user, (unsigned long long)s->bytes_memcpy,
		    (unsigned long long)stats_syscalls(s));
		put_calls_json(&b, s);
		put(&b, "}");
		util_put(UTIL_FILES, b.p, b.len);
	}
	if (report_text_files) {
		b.len = 0;
		put(&b, "  stats: %s, %llu bytes, %llu bytes user<->kernel, %llu bytes memcpy, "
			"%llu system calls:",
		    s->method ? s->method : "no method", (unsigned long long)s->bytes_copied,
		    (unsigned long long)s->bytes_user, (unsigned long long)s->bytes_memcpy,
		    (unsigned long long)stats_syscalls(s));
		for (int i = 0; i < SC_COUNT; i++)
			if (s->calls[i])
				put(&b, " %s %llu", stats_call_name(i), (unsigned long long)s->calls[i]);
		put(&b, "\n");
		util_put(UTIL_OUT, b.p, b.len);
	}
	if (!b.stack)
		free(b.p);
}

/* --stats=json: the files streamed or held, then the counts. */
static void report_stats_json(struct buf *b, int fd, const struct stats *s,
			      const struct rusage *ru, double wall, uint64_t calls)
{
	bool first = true;

	/* What was streamed there already is not said again. */
	put(b, "%s%.*s],", fd == report_stream_fd && report_streamed ? "" : "{\"files\":[",
	    (int)report_files.len, report_files.p ? report_files.p : "");
	put(b, "\"measured\":{\"files\":%llu,\"bytes_copied\":%llu,"
		"\"bytes_user_kernel\":%llu,\"bytes_memcpy\":%llu,\"syscalls_total\":%llu,"
		"\"syscalls\":",
	    (unsigned long long)s->files, (unsigned long long)s->bytes_copied,
	    (unsigned long long)s->bytes_user, (unsigned long long)s->bytes_memcpy,
	    (unsigned long long)calls);
	put_calls_json(b, s);
	put(b, ",\"bytes_by_way\":{");
	for (int i = 0; i < WAY_COUNT; i++)
		put(b, "%s\"%s\":%llu", i ? "," : "", stats_way_name(i),
		    (unsigned long long)s->bytes_way[i]);
	put(b, "},\"bytes_verified\":%llu,\"bytes_read\":%llu", (unsigned long long)s->bytes_verified,
	    (unsigned long long)s->bytes_read);
	put(b, ",\"io_uring_sqes\":{");
	for (int i = 0; i < SU_COUNT; i++) {
		if (!s->uring_ops[i])
			continue;
		put(b, "%s\"%s\":%llu", first ? "" : ",", stats_uring_op_name(i),
		    (unsigned long long)s->uring_ops[i]);
		first = false;
	}
	put(b, "},\"minor_faults\":%ld,\"major_faults\":%ld,\"voluntary_switches\":%ld,"
		"\"involuntary_switches\":%ld,\"wall_seconds\":%.6f,\"user_seconds\":%.6f,"
		"\"system_seconds\":%.6f},",
	    ru->ru_minflt, ru->ru_majflt, ru->ru_nvcsw, ru->ru_nivcsw, wall, tv(ru->ru_utime),
	    tv(ru->ru_stime));
	put(b, "\"model\":{\"mode_switches\":%llu,\"kernel_cpu_copy_bytes\":%llu}}\n",
	    (unsigned long long)calls * 2,
	    (unsigned long long)s->model_kernel_copy_bytes);
}

/* --stats as text: the measured, then the model, each so labelled. */
static void report_stats_text(struct buf *b, const struct stats *s, const struct rusage *ru,
			      double wall, uint64_t calls)
{
	put(b, "zcp stats (measured)\n");
	put(b, "  files:                 %llu\n", (unsigned long long)s->files);
	put(b, "  bytes copied:          %llu\n", (unsigned long long)s->bytes_copied);
	put(b, "  bytes user<->kernel:   %llu\n", (unsigned long long)s->bytes_user);
	put(b, "  bytes memcpy:          %llu\n", (unsigned long long)s->bytes_memcpy);
	put(b, "  bytes by way:          %llu cloned, %llu moved in the kernel, "
		"%llu through user space\n",
	    (unsigned long long)s->bytes_way[WAY_CLONED],
	    (unsigned long long)s->bytes_way[WAY_KERNEL],
	    (unsigned long long)s->bytes_way[WAY_USER]);
	put(b, "  bytes verified:        %llu\n", (unsigned long long)s->bytes_verified);
	put(b, "  bytes read:            %llu (from the sources)\n",
	    (unsigned long long)s->bytes_read);
	put(b, "  system calls:          %llu\n", (unsigned long long)calls);
	for (int i = 0; i < SC_COUNT; i++)
		if (s->calls[i])
			put(b, "    %-20s %llu\n", stats_call_name(i),
			    (unsigned long long)s->calls[i]);
	for (int i = 0; i < SU_COUNT; i++)
		if (s->uring_ops[i])
			put(b, "    io_uring sqe %-7s %llu\n", stats_uring_op_name(i),
			    (unsigned long long)s->uring_ops[i]);
	put(b, "  page faults:           %ld minor, %ld major\n", ru->ru_minflt, ru->ru_majflt);
	put(b, "  context switches:      %ld voluntary, %ld involuntary\n", ru->ru_nvcsw,
	    ru->ru_nivcsw);
	put(b, "  time:                  %.3f s wall, %.3f s user, %.3f s system\n", wall,
	    tv(ru->ru_utime), tv(ru->ru_stime));
	if (wall > 0)
		put(b, "  throughput:            %.1f MB/s\n",
		    (double)s->bytes_copied / wall / 1e6);
	put(b, "zcp stats (model, not measured)\n");
	put(b, "  mode switches:         %llu (2 per system call)\n",
	    (unsigned long long)calls * 2);
	put(b, "  kernel CPU copies:     %llu bytes\n",
	    (unsigned long long)s->model_kernel_copy_bytes);
}

int report_stats(bool json, int fd, const struct stats *s, const struct rusage *rusage)
{
	struct buf b = { .p = malloc(4096), .cap = 4096 };
	double wall = report_wall();
	uint64_t calls;
	int err = 0;

	if (!b.p)
		return -ENOMEM;
	calls = stats_syscalls(s);
	if (json)
		report_stats_json(&b, fd, s, rusage, wall, calls);
	else
		report_stats_text(&b, s, rusage, wall, calls);
	for (size_t off = 0; off < b.len;) {
		ssize_t n = write(fd, b.p + off, b.len - off);
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		off += (size_t)n;
	}
	free(b.p);
	if (!err && fd == report_stream_fd)
		err = report_stream_err;
	return err;
}

/* stats.c: the counters behind --stats; reports live in report.c. */
#include "stats.h"

#include <stdatomic.h>
#include <string.h>

/* The run's progress so far, added to by every thread as it goes: what
 * the SIGUSR1 line reads (a signal handler may not wait for the workers). */
static _Atomic uint64_t progress_files, progress_bytes, progress_ways[WAY_COUNT];
/* The way of the method copying now (exec_run), or -1: by the bytes. */
static _Thread_local int way_now = -1;

void stats_progress(uint64_t *files, uint64_t *bytes)
{
	*files = atomic_load_explicit(&progress_files, memory_order_relaxed);
	*bytes = atomic_load_explicit(&progress_bytes, memory_order_relaxed);
}

void stats_progress_ways(uint64_t ways[WAY_COUNT])
{
	for (int i = 0; i < WAY_COUNT; i++)
		ways[i] = atomic_load_explicit(&progress_ways[i], memory_order_relaxed);
}

void stats_way_now(int way)
{
	way_now = way;
}

_Thread_local struct stats stats_total;
static _Thread_local struct stats file_stats;
static _Thread_local int in_file;
static _Thread_local struct stats *file_other;	/* stats_file_into */

/* Where a counted call or byte of the current file goes, if anywhere. */
static struct stats *stats_cur(void)
{
	return file_other ? file_other : in_file ? &file_stats : NULL;
}

struct stats *stats_file_here(void)
{
	return in_file ? &file_stats : NULL;
}

void stats_file_into(struct stats *file)
{
	file_other = file;
}

static const char *const call_names[SC_COUNT] = {
#define STATS_NAME(n) #n,
	STATS_CALLS(STATS_NAME)
#undef STATS_NAME
};

static const char *const uring_names[SU_COUNT] = {
#define STATS_UNAME(n) #n,
	STATS_URING_OPS(STATS_UNAME)
#undef STATS_UNAME
};

const char *stats_call_name(enum stats_call c)
{
	return call_names[c];
}

const char *stats_uring_op_name(enum stats_uring_op op)
{
	return uring_names[op];
}

void stats_call(enum stats_call c, long ret)
{
	struct stats *f = stats_cur();

	stats_total.calls[c]++;
	if (ret < 0)
		stats_total.errors[c]++;
	if (f) {
		f->calls[c]++;
		if (ret < 0)
			f->errors[c]++;
	}
}

void stats_uring_op(enum stats_uring_op op, unsigned n)
{
	struct stats *f = stats_cur();

	stats_total.uring_ops[op] += n;
	if (f)
		f->uring_ops[op] += n;
}

void stats_bytes(uint64_t copied, uint64_t user, uint64_t memcpy_bytes)
{
	struct stats *f = stats_cur();

	if (copied) {
		int w = way_now >= 0 ? way_now : user || memcpy_bytes ? WAY_USER : WAY_KERNEL;

		atomic_fetch_add_explicit(&progress_bytes, copied, memory_order_relaxed);
		atomic_fetch_add_explicit(&progress_ways[w], copied, memory_order_relaxed);
	}
	stats_total.bytes_copied += copied;
	stats_total.bytes_user += user;
	stats_total.bytes_memcpy += memcpy_bytes;
	if (f) {
		f->bytes_copied += copied;
		f->bytes_user += user;
		f->bytes_memcpy += memcpy_bytes;
	}
}

void stats_model_kernel_copies(uint64_t bytes)
{
	struct stats *f = stats_cur();

	stats_total.model_kernel_copy_bytes += bytes;
	if (f)
		f->model_kernel_copy_bytes += bytes;
}

void stats_way(enum stats_way w, uint64_t bytes)
{
	struct stats *f = stats_cur();

	stats_total.bytes_way[w] += bytes;
	if (f)
		f->bytes_way[w] += bytes;
}

void stats_verified(uint64_t bytes)
{
	struct stats *f = stats_cur();

	stats_total.bytes_verified += bytes;
	if (f)
		f->bytes_verified += bytes;
}

void stats_read(uint64_t bytes)
{
	struct stats *f = stats_cur();

	stats_total.bytes_read += bytes;
	if (f)
		f->bytes_read += bytes;
}

const char *stats_way_name(enum stats_way w)
{
	static const char *const names[WAY_COUNT] = { "cloned", "kernel", "user" };

	return names[w];
}

void stats_file_begin(void)
{
	memset(&file_stats, 0, sizeof(file_stats));
	in_file = 1;
}

void stats_file_method(const char *name)
{
	struct stats *f = stats_cur();

	if (f)
		f->method = name;
}

const struct stats *stats_file(void)
{
	return &file_stats;
}

void stats_progress_file(void)
{
	atomic_fetch_add_explicit(&progress_files, 1, memory_order_relaxed);
}

void stats_file_end(void)
{
	in_file = 0;
	stats_total.files++;
	atomic_fetch_add_explicit(&progress_files, 1, memory_order_relaxed);
}

uint64_t stats_syscalls(const struct stats *s)
{
	uint64_t n = 0;
	for (int i = 0; i < SC_COUNT; i++)
		n += s->calls[i];
	return n;
}

void stats_add(struct stats *to, const struct stats *from)
{
	for (int i = 0; i < SC_COUNT; i++) {
		to->calls[i] += from->calls[i];
		to->errors[i] += from->errors[i];
	}
	for (int i = 0; i < SU_COUNT; i++)
		to->uring_ops[i] += from->uring_ops[i];
	to->bytes_copied += from->bytes_copied;
	to->bytes_user += from->bytes_user;
	to->bytes_memcpy += from->bytes_memcpy;
	for (int i = 0; i < WAY_COUNT; i++)
		to->bytes_way[i] += from->bytes_way[i];
	to->bytes_verified += from->bytes_verified;
	to->bytes_read += from->bytes_read;
	to->files += from->files;
	to->model_kernel_copy_bytes += from->model_kernel_copy_bytes;
}

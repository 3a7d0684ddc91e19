/* filelist.c: --files-from. The list is read in blocks and handed out an
 * entry at a time, so that a list of millions of names costs a block and
 * the longest name, and the first copy starts after the first read. */
#include "filelist.h"
#include "inflight.h"
#include "method.h"
#include "sys.h"
#include "util.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILELIST_BLOCK (64 * 1024)

int filelist_open(struct filelist *l, const char *path, bool nul)
{
	*l = (struct filelist){ .fd = STDIN_FILENO, .delim = nul ? '\0' : '\n' };
	if (strcmp(path, "-") == 0) {
		if (util_std_is_closed(STDIN_FILENO))
			return -EBADF;
	} else {
		l->fd = sys_openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
		if (l->fd < 0)
			return l->fd;
		l->own_fd = true;
	}
	l->buf = util_xmalloc(FILELIST_BLOCK);
	return 0;
}

/* Append n bytes at p to the entry being built (its length *have). */
static void filelist_grow(struct filelist *l, size_t *have, const char *p, size_t n)
{
	if (*have + n + 1 > l->cap) {
		l->cap = (*have + n + 1) * 2;
		l->entry = realloc(l->entry, l->cap);
		if (!l->entry) {
			util_error(-ENOMEM, "reading the file list");
			exit(1);
		}
	}
	memcpy(l->entry + *have, p, n);
	*have += n;
	l->entry[*have] = 0;
}

const char *filelist_next(struct filelist *l, int *err)
{
	size_t have = 0;
	bool any = false;

	*err = 0;
	for (;;) {
		if (l->off == l->len) {
			ssize_t n;

			if (l->eof)
				return any ? l->entry : NULL;
			n = sys_read(l->fd, l->buf, FILELIST_BLOCK);
			/* An inherited non-blocking pipe: wait for the writer. */
			if ((n == -EAGAIN && (n = method_wait(l->fd, POLLIN)) == 0) || n == -EINTR)
				continue;
			if (n < 0) {
				*err = (int)n;
				return NULL;
			}
			l->off = 0;
			l->len = (size_t)n;
			l->eof = n == 0;
			continue;
		}
		char *start = l->buf + l->off, *end = memchr(start, l->delim, l->len - l->off);
		size_t n = end ? (size_t)(end - start) : l->len - l->off;

		filelist_grow(l, &have, start, n);
		any = true;
		l->off += n + (end ? 1 : 0);
		if (end)
			return l->entry;
	}
}

void filelist_close(struct filelist *l)
{
	if (l->own_fd)
		sys_close(l->fd);
	free(l->buf);
	free(l->entry);
	*l = (struct filelist){ .fd = -1 };
}

int filelist_ring_open(struct filelist_ring *r)
{
	struct stat st;
	int err;

	if (r->end)
		return 0;
	if (r->opened)
		return r->opened < 0 ? r->opened : 0;
	err = filelist_open(&r->l, r->path, r->nul);
	if (err) {
		util_error(err, "cannot open %s for reading", util_quote(r->path));
		r->opened = err;
		return err;
	}
	/* A copy written into the list would cut it short under the reader. */
	if (sys_fstat(r->l.fd, &st) == 0 && S_ISREG(st.st_mode)) {
		r->dev = st.st_dev;
		r->ino = st.st_ino;
	}
	r->opened = 1;
	return 0;
}

const char *filelist_ring_next(struct filelist_ring *r, size_t *i, int *err)
{
	const char *e;

	*err = 0;
	if (*i + FILELIST_KEPT <= r->read) {
		/* (also.c keeps the runs in step: this is a bug.) */
		util_error(0, "the runs fell out of step reading %s", util_quote(r->path));
		inflight_exit(1);
	}
	if (*i < r->read)
		return r->kept[(*i)++ % FILELIST_KEPT];
	if (r->end) {
		*err = r->err;
		return NULL;
	}
	e = filelist_next(&r->l, &r->err);
	if (!e) {
		/* Read to its end: closed now, before the report counts the calls. */
		r->end = true;
		filelist_close(&r->l);
		r->opened = -EBADF;
		if (r->err && !r->told)
			util_error(r->err, "error reading %s", util_quote(r->path));
		r->told = true;
		*err = r->err;
		return NULL;
	}
	free(r->kept[r->read % FILELIST_KEPT]);
	r->kept[r->read % FILELIST_KEPT] = util_xstrdup(e);
	r->read++;
	return r->kept[(*i)++ % FILELIST_KEPT];
}

void filelist_ring_close(struct filelist_ring *r)
{
	if (r->opened > 0)
		filelist_close(&r->l);
	for (unsigned k = 0; k < FILELIST_KEPT; k++)
		free(r->kept[k]);
	*r = (struct filelist_ring){ 0 };
}

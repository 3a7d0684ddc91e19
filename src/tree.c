/* tree.c: the walk of one operand, as a loop over an explicit stack of
 * directory frames: any depth copies with any stack.
 *
 * Each frame holds its two descriptors (source, destination) while it is
 * among the deepest the budget allows (TREE_OPEN_LEVELS, fewer under a
 * tight RLIMIT_NOFILE, shared by --also's runs); above that the oldest frames but the
 * operand's give theirs back, so that any depth copies with a few dozen
 * descriptors. When the walk comes back to such a frame it is opened
 * again: by ".." from the child just done, else from the nearest ancestor
 * that kept its descriptors, name by name with O_NOFOLLOW; either way it
 * must be the directory recorded (st_dev, st_ino), or the frame is an
 * error and its remaining entries are left: a directory swapped for a
 * symlink meanwhile is never followed. */
#include "tree.h"
#include "also.h"
#include "batch.h"
#include "create.h"
#include "dryrun.h"
#include "endpoint.h"
#include "engine.h"
#include "sys.h"
#include "util.h"
#include "walk.h"

#include <stdlib.h>
#include <string.h>

/* Levels holding their descriptors at most (two each, the operand's
 * included): well under `ulimit -n 1024` with the files in flight. */
#define TREE_OPEN_LEVELS 32
/* Descriptors beside the walks': the standard streams, --stats-file's,
 * the progress line's (with --also, the fan-out's pipes come on top: two
 * a destination, two for the source). */
#define TREE_FD_RESERVE 8
/* A run's file in flight: both ends, --atomic's or --verify's, a pair
 * of pipes. */
#define TREE_FD_FILE 6

enum tree_side { SIDE_SRC, SIDE_DST };

/* A path grown one component a level: the names of the messages. */
struct tree_path {
	char *s;
	size_t len, cap;
};

struct tree_frame {
	struct tree_dir d;
	struct cp_ancestor anc;		/* the chain cp_cyclic reads */
	const char *name;		/* in the parent's listing; NULL: the operand */
	size_t src_len, dst_len;	/* of its paths in the walker's buffers */
	struct walk_list list;
	size_t next;			/* the next entry to copy */
	bool closed;			/* its descriptors given back (the budget) */
	bool broken;			/* not opened again: its entries are left */
	int ret;
};

struct tree {
	struct cp_ctx *ctx;
	struct tree_frame **v;		/* frames by pointer: anc.up stays put */
	size_t n, cap;
	size_t lo;			/* frames lo..n-1 and 0 hold descriptors */
	struct tree_path src, dst;
	struct walk_buf *wb;
	bool pending;			/* cp_copy asked to descend into want */
	struct tree_dir want;
	bool engine;			/* entries may go to workers (engine.c) */
	struct batch_item bv[BATCH_MAX];	/* a batch being gathered (batch.h) */
	char *bnames;			/* its paths, one after the other */
	size_t bcap;
	unsigned *pos;			/* --also: the entry's index at each level */
	size_t pos_cap;
	int ret;			/* the operand's result */
};

int tree_descend(struct cp_ctx *ctx, const struct stat *sst, bool follow, bool exists)
{
	struct tree *t = ctx->tree;

	t->pending = true;
	t->want = (struct tree_dir){ .sst = *sst, .follow = follow, .exists = exists,
				     .src_fd = -1, .dst_fd = -1 };
	return 0;
}

static void tree_path_cut(struct tree_path *p, size_t len)
{
	p->len = len;
	p->s[len] = 0;
}

/* Append "/name" as util_join does; the whole path. */
static const char *tree_path_add(struct tree_path *p, const char *name)
{
	size_t n = strlen(name);

	if (p->len + n + 2 > p->cap) {
		p->cap = (p->len + n + 2) * 2;
		p->s = realloc(p->s, p->cap);
		if (!p->s) {
			util_nomem();
		}
	}
	if (p->len > 0 && p->s[p->len - 1] != '/')
		p->s[p->len++] = '/';
	memcpy(p->s + p->len, name, n + 1);
	p->len += n;
	return p->s;
}

static int *tree_fd(struct tree_frame *f, enum tree_side side)
{
	return side == SIDE_DST ? &f->d.dst_fd : &f->d.src_fd;
}

static const struct stat *tree_id(const struct tree_frame *f, enum tree_side side)
{
	return side == SIDE_DST ? &f->d.dst_st : &f->d.sst;
}

/* A source reached through a symlink (-L) is reached so again, and must
 * still be the same directory; nothing else is looked for through one. */
static int tree_flags(const struct tree *t, const struct tree_frame *f, enum tree_side side)
{
	if (side == SIDE_DST)
		return (t->ctx->o->dry_run ? O_PATH : O_RDONLY) | O_NOFOLLOW;
	return O_RDONLY | (f->d.follow ? 0 : O_NOFOLLOW);
}

/* How f is found from its parent; a destination not made (--dry-run)
 * stands for the directory its parent's descriptor is on. */
static const char *tree_name(const struct tree_frame *f, enum tree_side side)
{
	return side == SIDE_DST && f->d.dst_absent ? "." : f->name;
}

/* The operand's new directory: on a file system that keeps owners and
 * modes as asked, without a default ACL inherited from where it was made. */
static bool tree_plain(int fd, long *fs)
{
	struct statfs sf;
	char acl[64];

	if (sys_fstatfs(fd, &sf) != 0)
		return false;
	*fs = (long)sf.f_type;
	return endpoint_fs_posix(*fs) &&
	       sys_fgetxattr(fd, "system.posix_acl_default", acl, sizeof(acl)) == -ENODATA;
}

/* Wait for the workers: their failures are f's. */
static void tree_drain(struct tree *t, struct tree_frame *f)
{
	int err;

	if (t->engine && (err = engine_drain()) != 0)
		f->ret = err;
}

static void tree_close(struct tree_frame *f)
{
	if (f->d.src_fd >= 0)
		sys_close(f->d.src_fd);
	if (f->d.dst_fd >= 0)
		sys_close(f->d.dst_fd);
	f->d.src_fd = f->d.dst_fd = -1;
	f->closed = true;
}

/* Open the closed parent up again through ".." of child, still open. */
static void tree_up(struct tree *t, struct tree_frame *child, struct tree_frame *up)
{
	struct stat st;

	for (enum tree_side side = SIDE_SRC; side <= SIDE_DST; side++) {
		const struct stat *id = tree_id(up, side);
		int fd = *tree_fd(child, side);

		if (fd < 0)
			continue;
		fd = walk_open(fd, side == SIDE_DST && child->d.dst_absent ? "." : "..",
			       tree_flags(t, up, side), id->st_dev, id->st_ino, &st);
		*tree_fd(up, side) = fd < 0 ? -1 : fd;
	}
}

/* Open frame k's side again from the nearest ancestor holding its
 * descriptor, name by name. The fd, or -errno. */
static int tree_down(struct tree *t, size_t k, enum tree_side side)
{
	struct stat st;
	size_t j = k;
	int base, fd;

	while (*tree_fd(t->v[--j], side) < 0)
		;	/* frame 0 always holds its descriptors */
	base = fd = *tree_fd(t->v[j], side);
	for (size_t i = j + 1; i <= k; i++) {
		const struct tree_frame *f = t->v[i];
		const struct stat *id = tree_id(f, side);
		int next = walk_open(fd, tree_name(f, side), tree_flags(t, f, side),
				     id->st_dev, id->st_ino, &st);

		if (fd != base)
			sys_close(fd);
		if (next < 0)
			return next;
		fd = next;
	}
	return fd;
}

/* The walk is back at frame k, whose descriptors were given back:
 * whichever side ".." did not bring back is opened from above. */
static void tree_reopen(struct tree *t, size_t k)
{
	struct tree_frame *f = t->v[k];

	for (enum tree_side side = SIDE_SRC; side <= SIDE_DST; side++) {
		int fd = *tree_fd(f, side);

		if (fd < 0)
			fd = tree_down(t, k, side);
		if (fd < 0) {
			util_error(fd, "cannot access %s",
				   util_quote(side == SIDE_DST ? t->dst.s : t->src.s));
			f->broken = true;
			f->ret = fd;
			fd = -1;
		}
		*tree_fd(f, side) = fd;
	}
	f->closed = false;
	t->lo = k;
}

/* The run's budget of levels, looked up once; two (the operand's and one)
 * for a single run under the tightest limit: its walk goes on, opening
 * directories again as it must. */
static size_t tree_levels(struct cp_ctx *ctx)
{
	if (!ctx->tree_levels) {
		long n = tree_levels_fit(also_count());

		ctx->tree_levels = n >= 2 ? (size_t)n : 2;
	}
	return ctx->tree_levels;
}

/* cp_copy asked to descend into the entry (s, d), or the operand: make or
 * find the directory, open both, list the source. */
static void tree_push(struct tree *t, const struct cp_path *s, const struct cp_path *d,
		      const char *name)
{
	struct cp_ctx *ctx = t->ctx;
	struct tree_frame *f = calloc(1, sizeof(*f)), *up = t->n ? t->v[t->n - 1] : NULL;
	long fs = 0;
	int err;

	t->pending = false;
	if (!f || (t->n == t->cap && !(t->v = realloc(t->v, (t->cap = t->cap * 2 + 16) *
							     sizeof(*t->v))))) {
		util_nomem();
	}
	f->d = t->want;
	err = ctx->o->dry_run ? dryrun_dir_open(ctx, s, d, &f->d)
			      : create_dir_open(ctx, s, d, &f->d);
	if (err) {
		free(f);
		*(up ? &up->ret : &t->ret) = err;
		return;
	}
	/* mkdir in a plain directory gives a plain one (no default ACL to
	 * inherit, the same file system); the operand's is looked at. */
	f->d.plain = !ctx->o->dry_run && !f->d.exists && f->d.dst_fd >= 0 &&
		     (up ? up->d.plain : tree_plain(f->d.dst_fd, &fs));
	/* The operand's copy made anew: nothing of it was there before. */
	if (!up) {
		ctx->new_tree = !ctx->o->dry_run && !f->d.exists;
		ctx->batch_dev = f->d.plain ? batch_source_dev(ctx->o, fs, f->d.src_fd, &f->d.sst)
					    : 0;
	}
	f->name = name;
	f->src_len = t->src.len;
	f->dst_len = t->dst.len;
	f->anc = (struct cp_ancestor){ .dev = f->d.sst.st_dev, .ino = f->d.sst.st_ino,
				       .up = ctx->ancestors };
	ctx->ancestors = &f->anc;
	/* -x: a directory on another file system than its parent is made,
	 * as cp makes it, and left empty. */
	f->list = (struct walk_list){ 0 };
	if (ctx->o->one_fs && f->anc.up && f->anc.up->dev != f->anc.dev)
		f->ret = 0;
	else
		f->ret = f->d.src_fd < 0 ? f->d.src_fd : walk_read(f->d.src_fd, &f->list, t->wb);
	if (f->ret && f->d.src_fd >= 0)
		util_error(f->ret, "cannot access %s", util_quote(s->path));
	t->v[t->n++] = f;
	/* Over the budget: the oldest frame but the operand's lets go, once
	 * no worker copies into it. */
	if (1 + t->n - t->lo > tree_levels(t->ctx)) {
		tree_drain(t, f);
		tree_close(t->v[t->lo++]);
	}
}

/* A directory to be finished once the workers are done with its files. */
struct tree_later {
	struct cp_ctx *ctx;
	struct tree_dir d;
	char *src, *dst;
};

static int tree_finish_later(void *arg)
{
	struct tree_later *l = arg;
	int err = create_dir_finish(l->ctx, l->src, l->dst, &l->d);

	free(l->src);
	free(l->dst);
	free(l);
	return err;
}

/* Its times and mode once its last entry is written: now, or by the
 * collector when the files handed over before are done (the walker goes
 * on meanwhile; the descriptors stay open until then). */
static int tree_finish(struct tree *t, struct tree_frame *f)
{
	struct tree_later *l;

	if (t->ctx->o->dry_run)
		return dryrun_dir_finish(&f->d);
	if (!t->engine)
		return create_dir_finish(t->ctx, t->src.s, t->dst.s, &f->d);
	l = util_xmalloc(sizeof(*l));
	*l = (struct tree_later){ .ctx = t->ctx, .d = f->d, .src = util_xstrdup(t->src.s),
				  .dst = util_xstrdup(t->dst.s) };
	return engine_later(tree_finish_later, l) == 0 ? 0 : tree_finish_later(l);
}

/* The top frame's last entry is done: its attributes, then its parent
 * (opened again if it let go of its descriptors) goes on. */
static void tree_pop(struct tree *t)
{
	struct cp_ctx *ctx = t->ctx;
	struct tree_frame *f = t->v[t->n - 1], *up = t->n > 1 ? t->v[t->n - 2] : NULL;
	int err;

	if (up && up->closed)
		tree_up(t, f, up);
	err = tree_finish(t, f);
	if (!err)
		err = f->ret;
	ctx->ancestors = f->anc.up;
	walk_free(&f->list);
	free(f);
	t->n--;
	if (!up) {
		t->ret = err;
		return;
	}
	if (err)
		up->ret = err;
	tree_path_cut(&t->src, up->src_len);
	tree_path_cut(&t->dst, up->dst_len);
	if (up->closed) {
		if (t->engine)
			engine_note_begin();
		tree_reopen(t, t->n - 1);
		if (t->engine)
			engine_note_end();
	}
	if (t->lo >= t->n)
		t->lo = t->n > 1 ? t->n - 1 : 1;
}

/* A regular file, or a symlink not to be followed, can be copied by a
 * worker: no directory to walk comes of it. */
static bool tree_hands_over(const struct tree *t, const struct tree_frame *f, unsigned char type)
{
	return t->engine && !f->d.dst_absent &&
	       (type == DT_REG || (type == DT_LNK && t->ctx->o->deref != DEREF_ALWAYS));
}

static bool tree_may_block(const struct tree *t, unsigned char type)
{
	return t->engine && cp_as_regular(t->ctx->o) &&
	       (type == DT_FIFO || type == DT_CHR || type == DT_BLK);
}

/* A copy of path kept with the batch's names; where it is in them. */
static size_t tree_keep(struct tree *t, size_t *used, const char *path)
{
	size_t len = strlen(path) + 1, at = *used;

	if (at + len > t->bcap) {
		char *p = realloc(t->bnames, (at + len) * 2);

		if (!p) {
			util_nomem();
		}
		t->bnames = p;
		t->bcap = (at + len) * 2;
	}
	memcpy(t->bnames + at, path, len);
	*used = at + len;
	return at;
}

/* How many files a batch may take: each thread that copies batches holds
 * that many sources open while it does (the walker too). */
static unsigned tree_batch_files(const struct tree *t)
{
	return batch_files(t->engine ? engine_workers() + 1 : 1);
}

/* Does a batch start at the top frame's next entry? A regular file of a
 * plain directory this run made, in an operand whose files may go in
 * batches. */
static bool tree_batches(const struct tree *t, const struct tree_frame *f)
{
	return t->ctx->batch_dev && f->d.plain && f->list.types[f->next] == DT_REG &&
	       tree_batch_files(t) > 0;
}

/* The regular entries from the top frame's next on, up to BATCH_MAX,
 * copied as a batch: by a worker, or here, each finished in walk order. */
static void tree_batch(struct tree *t, struct tree_frame *f)
{
	size_t at[BATCH_MAX][2], used = 0;
	struct batch_item *v = t->bv;
	unsigned n = 0, max = tree_batch_files(t);

	while (n < max && f->next < f->list.n && f->list.types[f->next] == DT_REG) {
		const char *name = f->list.names[f->next++];

		at[n][0] = tree_keep(t, &used, tree_path_add(&t->src, name));
		at[n][1] = tree_keep(t, &used, tree_path_add(&t->dst, name));
		tree_path_cut(&t->src, f->src_len);
		tree_path_cut(&t->dst, f->dst_len);
		v[n++] = (struct batch_item){
			.src = { .dirfd = f->d.src_fd, .name = name, .regular = true },
			.dst = { .dirfd = f->d.dst_fd, .name = name, .made_dir = &f->d.dst_st,
				 .plain = true },
		};
	}
	for (unsigned i = 0; i < n; i++) {
		v[i].src.path = t->bnames + at[i][0];
		v[i].dst.path = t->bnames + at[i][1];
	}
	if (t->engine && engine_submit_batch(t->ctx, v, n) == 0)
		return;
	if (t->engine)
		engine_note_begin();
	batch_copy(t->ctx, v, n);
	for (unsigned i = 0; i < n; i++) {
		int err = batch_finish(t->ctx, &v[i]);

		if (err)
			f->ret = err;
	}
	if (t->engine)
		engine_note_end();
}

/* --also: the runs go through their trees in step, entry by entry. */
static void tree_in_step(struct tree *t)
{
	if (!also_active())
		return;
	if (t->n > t->pos_cap) {
		t->pos_cap = t->n * 2;
		t->pos = realloc(t->pos, t->pos_cap * sizeof(*t->pos));
		if (!t->pos)
			util_nomem();
	}
	for (size_t i = 0; i < t->n; i++)
		t->pos[i] = (unsigned)t->v[i]->next - 1;
	also_entry(t->pos, t->n);
}

/* Copy the top frame's next entry; cp_copy may ask to descend into it. */
static void tree_step(struct tree *t, struct tree_frame *f)
{
	size_t k = f->next++;
	const char *name = f->list.names[k];
	struct cp_path s = { .dirfd = f->d.src_fd, .name = name,
			     .path = tree_path_add(&t->src, name),
			     .regular = f->list.types[k] == DT_REG };
	struct cp_path d = { .dirfd = f->d.dst_fd, .name = name,
			     .path = tree_path_add(&t->dst, name), .absent = f->d.dst_absent,
			     .made_dir = f->d.exists || f->d.dst_absent ? NULL : &f->d.dst_st,
			     .plain = f->d.plain };
	int err;

	tree_in_step(t);
	if (tree_hands_over(t, f, f->list.types[k]) && engine_submit(t->ctx, &s, &d) == 0)
		goto out_cut;
	/* A FIFO or a device read as data may wait in its open for as long
	 * as it likes: what the workers said before is printed first, as a
	 * serial copy would have printed it, not held back (nor lost to a
	 * signal meanwhile). */
	if (tree_may_block(t, f->list.types[k]))
		tree_drain(t, f);
	/* What the walker says comes after what the workers said before. */
	if (t->engine)
		engine_note_begin();
	err = cp_copy(t->ctx, &s, &d, false);
	if (err)
		f->ret = err;
	if (t->pending)
		tree_push(t, &s, &d, name);
	if (t->engine)
		engine_note_end();
	if (t->v[t->n - 1] != f)
		return;	/* its paths stay, grown by the frame's */
out_cut:
	tree_path_cut(&t->src, f->src_len);
	tree_path_cut(&t->dst, f->dst_len);
}

static void tree_run(struct tree *t, const struct cp_path *src, const struct cp_path *dst)
{
	struct cp_ctx *ctx = t->ctx;

	t->wb = util_xmalloc(sizeof(*t->wb));
	/* Entries are named below the operand without its trailing slashes:
	 * 'a//' gives 'a/b', as in cp. */
	tree_path_add(&t->src, src->path);
	tree_path_cut(&t->src, util_strip_len(t->src.s));
	tree_path_add(&t->dst, dst->path);
	tree_path_cut(&t->dst, util_strip_len(t->dst.s));
	tree_push(t, src, dst, NULL);
	while (t->n) {
		struct tree_frame *f = t->v[t->n - 1];

		/* Into itself: cp abandons the operand, each level finished. */
		if (f->next >= f->list.n || f->broken || ctx->into_self)
			tree_pop(t);
		else if (tree_batches(t, f))
			tree_batch(t, f);
		else
			tree_step(t, f);
	}
	free(t->wb);
	free(t->bnames);
	free(t->pos);
	free(t->v);
	free(t->src.s);
	free(t->dst.s);
}

long tree_levels_fit(unsigned runs)
{
	rlim_t nofile = sys_nofile(), share;
	rlim_t reserve = TREE_FD_RESERVE + (runs > 1 ? 2 * ((rlim_t)runs + 1) : 0);

	if (nofile == RLIM_INFINITY)
		return TREE_OPEN_LEVELS;
	if (nofile <= reserve)
		return 0;
	/* Each run: the operand's level, its file, then two a level. */
	share = (nofile - reserve) / runs;
	if (share < 2 + TREE_FD_FILE + 2)
		return 0;
	share = (share - 2 - TREE_FD_FILE) / 2 + 1;
	return share > TREE_OPEN_LEVELS ? TREE_OPEN_LEVELS : (long)share;
}

int tree_copy(struct cp_ctx *ctx, const struct cp_path *src, const struct cp_path *dst,
	      bool cmdline)
{
	struct tree t = { .ctx = ctx, .lo = 1, .engine = engine_enabled(ctx->o) };
	int err;

	ctx->tree = &t;
	ctx->new_tree = false;
	ctx->batch_dev = 0;
	err = cp_copy(ctx, src, dst, cmdline);
	if (t.pending) {
		tree_run(&t, src, dst);
		err = t.ret;
	}
	if (t.engine) {
		int jerr = engine_drain();	/* nothing is left in flight; to be sure */
		if (!err)
			err = jerr;
	}
	ctx->tree = NULL;
	return err;
}

/* cp.c: cp's rules for one operand: what the source is, whether and how
 * the destination may be replaced, then a switch on the file type. A
 * failure is reported here and the caller goes on with the next file. */
#include "cp.h"
#include "batch.h"
#include "backup.h"
#include "attronly.h"
#include "create.h"
#include "dryrun.h"
#include "engine.h"
#include "inflight.h"
#include "links.h"
#include "meta.h"
#include "report.h"
#include "sys.h"
#include "tree.h"
#include "util.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The identity of a source, kept for the files and directories we made. */
/* The operands' files remembered at once (about 60 bytes each). */
#define CP_OPERANDS_KEPT 65536

struct cp_id {
	dev_t dev;
	ino_t ino;
	/* The name it was made under: cp keys the files it made by name and
	 * inode, and an existing file written over, or a hard link made (-l),
	 * may have other names (NULL: any name, a directory). In the same
	 * allocation. */
	const char *path;
};

/* The names a file given as a SOURCE was given by so far, as cp's
 * src_info: the same name of the same file again is "specified more than
 * once". Named from the current directory. */
struct cp_seen {
	struct cp_seen *next;
	dev_t dev;
	ino_t ino;
	char name[];
};
/* The SOURCEs remembered at once: past that, one given again far apart
 * is cp_just_created's error rather than the warning. */
#define CP_SOURCES_KEPT 16384

static void cp_seen_free(void *p)
{
	for (struct cp_seen *s = p, *next; s; s = next) {
		next = s->next;
		free(s);
	}
}

void cp_ctx_init(struct cp_ctx *ctx, const struct cp_opts *o)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->o = o;
	/* The clock the kernel stamps inodes from: a file made or changed
	 * after this never has an earlier ctime. */
	clock_gettime(CLOCK_REALTIME_COARSE, &ctx->started);
}

/* A hard-link group's first copy: pending while a worker makes it, then
 * ready to link to, or failed (the next name met copies it instead). */
enum { LINK_PENDING, LINK_READY, LINK_FAILED };
struct cp_hardlink {
	char *path;
	atomic_uint state;
	atomic_uint waited;
};

static void cp_link_free(void *p)
{
	struct cp_hardlink *l = p;

	free(l->path);
	free(l);
}

/* The group of sst: NULL when this name is to make its copy (*mine, to be
 * settled by cp_links_done), else the ready copy to link to. Another
 * worker's copy in the making is waited for. */
static const struct cp_hardlink *cp_links_claim(struct cp_ctx *ctx, const struct stat *sst,
					    const char *dst_path, struct cp_hardlink **mine)
{
	bool turn = false;

	for (;;) {
		struct cp_hardlink *l;
		unsigned st;

		sync_lock(&ctx->links_lock);
		l = inomap_get(&ctx->links, sst->st_dev, sst->st_ino);
		/* Which name makes the copy is the first in walk order, as in
		 * a serial run (it decides what is written through, what is
		 * linked): the names before this one settle their claims first.
		 * In a tree made anew nothing is in the way of any name, and
		 * which one copies makes the same tree: no need. */
		if (!turn && !ctx->new_tree && (!l || atomic_load(&l->state) != LINK_READY)) {
			sync_unlock(&ctx->links_lock);
			engine_wait_turn();
			turn = true;
			continue;
		}
		if (!l) {
			l = util_xmalloc(sizeof(*l));
			*l = (struct cp_hardlink){ .path = NULL };
			inomap_put(&ctx->links, sst->st_dev, sst->st_ino, l);
			atomic_store(&l->state, LINK_FAILED);
		}
		st = atomic_load(&l->state);
		if (st == LINK_FAILED) {
			free(l->path);
			l->path = util_xstrdup(dst_path);
			atomic_store(&l->state, LINK_PENDING);
			sync_unlock(&ctx->links_lock);
			*mine = l;
			return NULL;
		}
		sync_unlock(&ctx->links_lock);
		if (st == LINK_READY)
			return l;
		atomic_store(&l->waited, 1);
		if (atomic_load(&l->state) == LINK_PENDING)
			sync_wait(&l->state, LINK_PENDING);
	}
}

static void cp_links_done(struct cp_hardlink *l, bool made)
{
	atomic_store(&l->state, made ? LINK_READY : LINK_FAILED);
	if (atomic_load(&l->waited))
		sync_wake(&l->state, INT_MAX);
}

void cp_ctx_free(struct cp_ctx *ctx)
{
	inomap_free(&ctx->links, cp_link_free);
	inomap_free(&ctx->created, free);
	inomap_free(&ctx->operands, free);
	inomap_free(&ctx->sources, cp_seen_free);
}

/* The directory that holds the last component of name, relative to
 * dirfd, not looked at through a symlink. */
static int cp_parent_lstat(int dirfd, const char *name, struct stat *st)
{
	size_t len = strlen(name);
	char *dir;
	int err;

	/* "a/b/" names b: its parent is what comes before it. */
	while (len > 1 && name[len - 1] == '/')
		len--;
	while (len > 0 && name[len - 1] != '/')
		len--;
	if (len == 0)
		return sys_fstatat(dirfd, ".", st, AT_SYMLINK_NOFOLLOW);
	/* "l/f": l itself, not where a trailing slash would lead. */
	while (len > 1 && name[len - 1] == '/')
		len--;
	dir = strndup(name, len);
	if (!dir)
		return -ENOMEM;
	err = sys_fstatat(dirfd, dir, st, AT_SYMLINK_NOFOLLOW);
	free(dir);
	return err;
}

/* The directory of p as its path names it, as cp looks (sd/f, with sd a
 * symlink to ".", is not in "."); by its directory fd where the path is
 * too long to be looked up. */
static int cp_parent_stat(const struct cp_path *p, struct stat *st)
{
	int err = cp_parent_lstat(AT_FDCWD, p->path, st);

	return err == -ENAMETOOLONG ? cp_parent_lstat(p->dirfd, p->name, st) : err;
}

void cp_remember(struct cp_ctx *ctx, const struct stat *dst, const struct stat *src,
		 const char *path)
{
	size_t len = path ? strlen(path) + 1 : 0;
	struct cp_id *id = util_xmalloc(sizeof(*id) + len);
	struct inomap *m = S_ISDIR(dst->st_mode) ? &ctx->created : &ctx->operands;

	/* Memory stays bounded whatever the length of a --files-from list. */
	if (m == &ctx->operands && m->len >= CP_OPERANDS_KEPT) {
		inomap_free(m, free);
		ctx->operands_forgot = true;
	}
	id->dev = src->st_dev;
	id->ino = src->st_ino;
	id->path = path ? memcpy(id + 1, path, len) : NULL;
	free(inomap_get(m, dst->st_dev, dst->st_ino));
	inomap_put(m, dst->st_dev, dst->st_ino, id);
}

/* Did this run make the destination whose stat is st, under the name
 * path? Its source's id, or NULL. A file forgotten from the map is known
 * by its status change (st_ctim) since the run began: a file made then
 * and an existing one written over (whose birth time is older) both
 * changed it. The source it came from is not known then (a zero id,
 * never a source's). A file another process changed meanwhile is taken
 * as made here too: refused, never written over. */
static const struct cp_id *cp_made(struct cp_ctx *ctx, const struct stat *st, const char *path)
{
	static const struct cp_id forgotten;
	const struct cp_id *id = inomap_get(S_ISDIR(st->st_mode) ? &ctx->created : &ctx->operands,
					    st->st_dev, st->st_ino);

	if (id && id->path && strcmp(id->path, path) != 0)
		return NULL;	/* another name of the file */
	if (id || !ctx->operands_forgot || S_ISDIR(st->st_mode))
		return id;
	if (st->st_ctim.tv_sec > ctx->started.tv_sec ||
	    (st->st_ctim.tv_sec == ctx->started.tv_sec &&
	     st->st_ctim.tv_nsec >= ctx->started.tv_nsec))
		return &forgotten;
	return NULL;
}

/* Do two names denote one directory entry (the same name in the same
 * directory, which a backup would rename from under the source)? As
 * cp's same_name: the directories are not looked at through a symlink. */
static bool cp_same_name(const struct cp_path *a, const struct cp_path *b)
{
	char abuf[4096], bbuf[4096];
	struct stat as, bs;

	if (strcmp(util_basename(a->name, abuf, sizeof(abuf)),
		   util_basename(b->name, bbuf, sizeof(bbuf))) != 0)
		return false;
	return cp_parent_stat(a, &as) == 0 && cp_parent_stat(b, &bs) == 0 &&
	       util_same_inode(&as, &bs);
}

/*
 * cp's check of a file SOURCE against those before it, before anything
 * else: the same name (directory entry, its directory not looked through
 * a symlink) of the same file is a warning, without backups, and no copy
 * (also with --parents, where the destinations differ). True when the
 * copy ends there. Each name is remembered, CP_SOURCES_KEPT at a time.
 */
static bool cp_seen_again(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst)
{
	char buf[NAME_MAX + 2];
	const char *base = util_basename(src->name, buf, sizeof(buf));
	/* Keyed by the file and its last name, as cp hashes them: a file
	 * given by many names (hard links) is many short chains, not one
	 * long one. */
	uint64_t h = 14695981039346656037ull;
	ino_t key;
	struct cp_seen *first, *s;
	size_t len = strlen(src->name) + 1;

	for (const char *c = base; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ull;
	key = sst->st_ino ^ (ino_t)h;
	first = inomap_get(&ctx->sources, sst->st_dev, key);
	for (s = first; s; s = s->next) {
		struct cp_path was = { .dirfd = AT_FDCWD, .name = s->name, .path = s->name };

		if (s->dev != sst->st_dev || s->ino != sst->st_ino ||
		    !cp_same_name(&was, src))
			continue;
		if (ctx->o->backup != BACKUP_OFF)
			return false;
		util_error(0, "warning: source file %s specified more than once",
			   util_quote(src->path));
		return true;
	}
	if (!first && ctx->sources.len >= CP_SOURCES_KEPT)
		inomap_free(&ctx->sources, cp_seen_free);
	s = util_xmalloc(sizeof(*s) + len);
	s->dev = sst->st_dev;
	s->ino = sst->st_ino;
	memcpy(s->name, src->name, len);
	s->next = first;
	inomap_put(&ctx->sources, sst->st_dev, key, s);
	return false;
}

/*
 * May src be copied over dst, which both exist and may be one file?
 * cp's same_file_ok(), without mv's and -l/-s's cases. sst is the source
 * as the copy sees it, dst_sb the destination as stat'ed for the copy
 * (lstat'ed when lstat is set). 1: yes; 0: "are the same file"; 2: yes,
 * and there is nothing to do (two hard-linked symlinks).
 */
int cp_same_file_ok(const struct cp_opts *o, const struct cp_path *src,
		    const struct stat *sst, const struct cp_path *dst,
		    const struct stat *dst_sb)
{
	bool same = util_same_inode(sst, dst_sb), same_link;
	struct stat src_l, dst_l, s, d;

	/* cp -l a a: nothing to do. */
	if (same && o->link == LINK_HARD)
		return 2;
	if (o->deref == DEREF_NEVER) {
		same_link = same;
		if (S_ISLNK(sst->st_mode) && S_ISLNK(dst_sb->st_mode)) {
			bool sn = cp_same_name(src, dst);
			if (!sn && o->backup != BACKUP_OFF)
				return 1;
			if (!sn && same_link)
				return 2;
			return !sn;
		}
		src_l = *sst;
		dst_l = *dst_sb;
	} else {
		if (!same)
			return 1;
		if (sys_fstatat(dst->dirfd, dst->name, &dst_l, AT_SYMLINK_NOFOLLOW) ||
		    sys_fstatat(src->dirfd, src->name, &src_l, AT_SYMLINK_NOFOLLOW))
			return 1;
		same_link = util_same_inode(&src_l, &dst_l);
		/* Two links to one file: safe if the destination link goes first. */
		if (S_ISLNK(src_l.st_mode) && S_ISLNK(dst_l.st_mode) && o->remove_dest)
			return 1;
	}
	/* A backup keeps the data, unless it would rename the source itself. */
	if (o->backup != BACKUP_OFF) {
		if (!same_link)
			return !(o->deref != DEREF_NEVER && S_ISLNK(src_l.st_mode) &&
				 !S_ISLNK(dst_l.st_mode));
		return !cp_same_name(src, dst);
	}
	if (o->remove_dest) {
		if (S_ISLNK(dst_l.st_mode))
			return 1;
		if (same_link && dst_l.st_nlink > 1 && !cp_same_name(src, dst))
			return 1;
	}
	if (!S_ISLNK(src_l.st_mode) && !S_ISLNK(dst_l.st_mode) && !util_same_inode(&src_l, &dst_l))
		return 1;
	/* A destination symlink can be made anew (-s). */
	if (o->link == LINK_SYMBOLIC && S_ISLNK(dst_l.st_mode))
		return 1;
	if (o->deref == DEREF_NEVER) {
		s = src_l;
		d = dst_l;
		if (S_ISLNK(src_l.st_mode) && sys_fstatat(src->dirfd, src->name, &s, 0))
			return 1;
		if (S_ISLNK(dst_l.st_mode) && sys_fstatat(dst->dirfd, dst->name, &d, 0))
			return 1;
		if (!util_same_inode(&s, &d))
			return 1;
		/* -l onto the same file: nothing to do, unless the destination
		 * is a symlink to it, which the link is then tried over. */
		if (o->link == LINK_HARD)
			return S_ISLNK(dst_l.st_mode) ? 1 : 2;
	}
	return 0;
}

static bool cp_ask(const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	bool yes;

	fflush(stdout);
	fprintf(stderr, "%s: overwrite %s? ", util_program, util_quote(path));
	fflush(stderr);
	yes = getline(&line, &cap, stdin) > 0 && (line[0] == 'y' || line[0] == 'Y');
	free(line);
	return yes;
}

void cp_verbose(const struct cp_opts *o, const struct cp_path *src, const struct cp_path *dst,
		const char *backup)
{
	if (!o->verbose)
		return;
	util_out(UTIL_OUT, "%s -> %s", util_quote(src->path), util_quote(dst->path));
	if (backup)
		util_out(UTIL_OUT, " (backup: %s)", util_quote(backup));
	util_out(UTIL_OUT, "\n");
}

/*
 * The destination exists and is not a directory we merge into: may it be
 * replaced at all (-n, -u, -i)? 1 to skip the file quietly (2: because it
 * is not older, -u), 0 to go on.
 * Nothing is changed yet: the source is opened before anything is.
 */
int cp_may_replace(struct cp_ctx *ctx, const struct stat *sst, const struct cp_path *dst,
		   const struct stat *dlst)
{
	const struct cp_opts *o = ctx->o;
	struct stat dst_st = *dlst;

	if (o->interactive == ASK_NEVER_OVERWRITE || o->update == UPDATE_NONE)
		return 1;
	if (o->update == UPDATE_NONE_FAIL) {
		util_error(0, "not replacing %s", util_quote(dst->path));
		return -EEXIST;
	}
	if (S_ISLNK(dlst->st_mode))
		sys_fstatat(dst->dirfd, dst->name, &dst_st, 0);
	if (o->update == UPDATE_OLDER && !S_ISDIR(sst->st_mode) &&
	    (dst_st.st_mtim.tv_sec > sst->st_mtim.tv_sec ||
	     (dst_st.st_mtim.tv_sec == sst->st_mtim.tv_sec &&
	      dst_st.st_mtim.tv_nsec >= sst->st_mtim.tv_nsec)))
		return 2;
	if (o->interactive == ASK_ALWAYS && !cp_ask(dst->path))
		return 1;
	return 0;
}

/* Copied as data: a regular file, or what a special file gives without
 * -r (or with --copy-contents); not under -l, -s or --attributes-only. */
static bool cp_is_data(const struct cp_opts *o, const struct stat *st)
{
	if (o->link != LINK_NONE || o->attr_only)
		return false;
	return S_ISREG(st->st_mode) ||
	       (cp_as_regular(o) && !S_ISDIR(st->st_mode) && !S_ISLNK(st->st_mode));
}

bool cp_says_at_once(const struct cp_opts *o)
{
	return o->dry_run || o->interactive == ASK_ALWAYS || o->explain || o->debug;
}

/*
 * Make way for the copy over an existing destination: backups and
 * --remove-destination. 0 to go on (*gone: dst no longer exists), or
 * -errno after a message.
 */
int cp_replace(struct cp_ctx *ctx, const struct stat *sst, const struct cp_path *dst,
	       const struct stat *dlst, bool *gone, char **backup, int *slot)
{
	const struct cp_opts *o = ctx->o;
	/* --atomic puts the new file in place by rename(2): the old one
	 * goes in the same step, and a backup is a second link to it. */
	bool atomic = o->atomic && cp_is_data(o, sst) &&
		      (S_ISREG(dlst->st_mode) || S_ISLNK(dlst->st_mode));
	int err;

	if (o->backup != BACKUP_OFF) {
		if (o->dry_run)
			return 0;
		err = backup_make(o, dst, atomic, backup, slot);
		if (err) {
			util_error(err, "cannot backup %s", util_quote(dst->path));
			return err;
		}
		*gone = !atomic;
		return 0;
	}
	/* Links and special files are made anew, never written through; nor
	 * is a destination with other names when links are kept. */
	bool recreate = !S_ISREG(sst->st_mode) && (!cp_as_regular(o) || S_ISLNK(sst->st_mode));
	/* --attributes-only changes what is there, never replaces it unless
	 * told to (cp's "cannot create symbolic link ...: File exists"). */
	if (o->remove_dest ||
	    (!o->attr_only && (recreate || (o->preserve.links && dlst->st_nlink > 1)))) {
		if (o->dry_run || atomic)
			return 0;
		err = sys_unlinkat(dst->dirfd, dst->name, 0);
		if (err && err != -ENOENT) {
			util_error(err, "cannot remove %s", util_quote(dst->path));
			return err;
		}
		if (o->verbose)
			util_out(UTIL_OUT, "removed %s\n", util_quote(dst->path));
		*gone = true;
		return 0;
	}
	return 0;
}

/* A directory reached again below itself, by following a symlink (-L, -H). */
static int cp_cyclic(const struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst)
{
	for (const struct cp_ancestor *a = ctx->ancestors; a; a = a->up)
		if (a->dev == sst->st_dev && a->ino == sst->st_ino) {
			util_error(0, "cannot copy cyclic symbolic link %s", util_quote(src->path));
			return -ELOOP;
		}
	return 0;
}

/* A hard link to a file already copied in this run, with -a or -d; one
 * in the way is replaced in one step (*replaced), as cp does, and told
 * after -v's line. With -L, as cp: to what the first copy's name leads
 * to (written through a symlink there), not to the symlink. */
static int cp_link_again(const struct cp_opts *o, const char *target, const struct cp_path *dst,
			 bool *replaced)
{
	struct cp_path t = { .dirfd = AT_FDCWD, .name = target, .path = target };
	bool follow = o->deref == DEREF_ALWAYS;
	int err = sys_linkat(AT_FDCWD, target, dst->dirfd, dst->name,
			     follow ? AT_SYMLINK_FOLLOW : 0);

	if (err == -EEXIST && (err = links_replace(&t, dst, false, follow)) == 0)
		*replaced = true;
	if (err)
		util_error(err, "cannot create hard link %s to %s", util_quote(dst->path),
			   util_quote(target));
	return err;
}

/* As cp: a file reached through followed symlinks may be met again
 * whatever its link count, and is then linked, not copied twice. */
static bool cp_tracks_links(const struct cp_opts *o, const struct stat *sst, bool cmdline)
{
	return o->preserve.links && !S_ISDIR(sst->st_mode) &&
	       (sst->st_nlink > 1 || o->deref == DEREF_ALWAYS ||
		(cmdline && o->deref == DEREF_CMDLINE));
}

bool cp_fresh_plain(const struct cp_opts *o, const struct stat *sst)
{
	return S_ISREG(sst->st_mode) && !cp_tracks_links(o, sst, false) && !cp_opts_report(o, sst);
}

/* Is a later name of the group linked to the first name's copy? Not
 * with -l, as cp: each name is linked to its source, and what is in the
 * way is an error, not replaced (but -u's kept copy stands for its group,
 * cp_link_skipped). */
static bool cp_links_to_copy(const struct cp_opts *o, const struct stat *sst, bool cmdline)
{
	return o->link != LINK_HARD && cp_tracks_links(o, sst, cmdline);
}

/* -u kept dst, which is not older: as cp, it still stands for its source's
 * hard-link group. The first of the group met is remembered; a later one
 * is linked to it, replacing what is there. */
static int cp_link_skipped(struct cp_ctx *ctx, const struct stat *sst, const struct cp_path *dst)
{
	struct cp_hardlink *mine = NULL;
	const struct cp_hardlink *l = cp_links_claim(ctx, sst, dst->path, &mine);
	bool replaced = false;
	int err;

	if (!l) {
		cp_links_done(mine, true);
		return 0;
	}
	err = cp_link_again(ctx->o, l->path, dst, &replaced);
	if (!err && replaced && ctx->o->verbose)
		util_out(UTIL_OUT, "removed %s\n", util_quote(dst->path));
	return err < 0 ? err : 0;
}

/* Would the backup of dst land on the source itself (cp -b d~ d)? */
static bool cp_backup_is_source(const struct cp_opts *o, const struct cp_path *src,
				const struct stat *sst, const struct cp_path *dst)
{
	char *name;
	struct stat st;
	bool is;

	if (!src->name)
		return false;
	name = backup_name(o, dst->dirfd, dst->name, NULL);
	is = name && sys_fstatat(dst->dirfd, name, &st, 0) == 0 && util_same_inode(&st, sst);
	free(name);
	return is;
}

/* "-" as DEST: standard output, which may be the source itself
 * (zcp f - >>f), compared by what it is. */
static int cp_to_stdout(struct cp_ctx *ctx, const struct cp_path *src, struct stat *sst,
			bool follow, const struct cp_path *dst)
{
	struct stat out;
	int fd, err;

	if (sys_fstat(STDOUT_FILENO, &out) == 0 && (S_ISREG(out.st_mode) || S_ISBLK(out.st_mode)) &&
	    util_same_inode(sst, &out)) {
		util_error(0, "%s and %s are the same file", util_quote(src->path),
			   util_quote(dst->path));
		return -EEXIST;
	}
	stats_file_begin();
	fd = create_open_src(src, sst, follow);
	if (fd < 0) {
		create_src_error(src, fd);
		err = fd;
	} else {
		err = create_data(ctx, src, sst, fd, dst, NULL, NULL);
		if (src->name)
			sys_close(fd);
	}
	stats_file_end();
	report_file(src->path, dst->path);
	return err;
}

/* Is st the --stats-file's file? Copied, it would be read while the
 * report is not yet in it; written over, the report would land in the copy. */
/* Set when the copy met the --stats-file's file (any worker): a report
 * file that was there is then left as it was. */
static atomic_bool cp_report_seen;

static bool cp_is_report(const struct cp_opts *o, const struct stat *st)
{
	bool hit = cp_opts_report(o, st);

	if (hit)
		atomic_store_explicit(&cp_report_seen, true, memory_order_relaxed);
	return hit;
}

/* Is st the --files-from list being read? */
static bool cp_is_list(const struct cp_ctx *ctx, const struct stat *st)
{
	return util_is_file(st, ctx->list_dev, ctx->list_ino);
}

bool cp_report_met(void)
{
	return atomic_load_explicit(&cp_report_seen, memory_order_relaxed);
}

/* Options under which a new regular file is only data and attributes:
 * no links made instead, no file written aside. */
static bool cp_fresh_ok(const struct cp_opts *o)
{
	return o->link == LINK_NONE && !o->attr_only && !o->atomic && !o->dry_run;
}

/* A data file's source that would not open: cp says what it was doing,
 * then why. */
static void cp_open_failed(const struct cp_opts *o, const struct cp_path *src,
			   const struct cp_path *dst, int err)
{
	cp_verbose(o, src, dst, NULL);
	create_src_error(src, err);
}

/* The end of a data file, a unit of --stats (its calls, opens to closes). */
static void cp_file_end(const struct cp_path *src, const struct cp_path *dst)
{
	stats_file_end();
	report_file(src->path, dst->path);
}

/*
 * A regular file (by its directory entry) into a directory this run made:
 * the source is opened and looked at once, the destination created with
 * O_EXCL and not looked up at all (cp's "new_dst"). 0, -errno after a
 * message, or 1 when it is not a plain new file after all (a symlink,
 * a directory or a FIFO now, or one of a hard-link group): cp_copy's full
 * way then. The open does not wait: a FIFO put in the file's place since
 * the listing would hold it until a writer came, where cp's lstat sees a
 * FIFO and makes one. On a regular file O_NONBLOCK changes nothing.
 */
static int cp_copy_fresh(struct cp_ctx *ctx, const struct cp_path *src, const struct cp_path *dst)
{
	const struct cp_opts *o = ctx->o;
	struct stat sst;
	int fd, err;

	stats_file_begin();	/* (begun again by the full way, if it comes to that) */
	fd = sys_openat(src->dirfd, src->name, O_RDONLY | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK, 0);
	/* (EWOULDBLOCK: a lease held elsewhere, which a blocking open waits
	 * out: the full way opens so.) */
	if (fd == -ELOOP || fd == -EWOULDBLOCK)
		return 1;
	if (fd < 0) {
		/* Where cp's lstat would have stopped: the entry gone since the
		 * listing, or in a directory that can be read, not searched. */
		int serr = fd == -ENOENT ? fd
			   : fd == -EACCES ? sys_fstatat(src->dirfd, src->name, &sst,
							 AT_SYMLINK_NOFOLLOW)
					   : 0;

		if (serr)
			util_error(serr, "cannot stat %s", util_quote(src->path));
		else
			cp_open_failed(o, src, dst, fd);
		err = fd;
		goto out_report;
	}
	err = sys_fstat(fd, &sst);
	if (err || !S_ISREG(sst.st_mode) || cp_tracks_links(o, &sst, false) ||
	    cp_is_report(o, &sst)) {
		sys_close(fd);
		return 1;
	}
	cp_verbose(o, src, dst, NULL);
	err = create_data(ctx, src, &sst, fd, dst, NULL, NULL);
	sys_close(fd);
out_report:
	cp_file_end(src, dst);
	return err;
}

/* The source's stat, and the reasons not to copy it whatever the
 * destination: a directory without -r, or one this run made. */
static int cp_source(struct cp_ctx *ctx, const struct cp_path *src, bool follow, struct stat *sst)
{
	int err;

	err = src->name ? sys_fstatat(src->dirfd, src->name, sst, follow ? 0 : AT_SYMLINK_NOFOLLOW)
			: sys_fstat(STDIN_FILENO, sst);
	if (err) {
		util_error(err, "cannot stat %s", util_quote(src->path));
		return err;
	}
	if (cp_is_report(ctx->o, sst)) {
		util_error(0, "will not copy statistics file %s", util_quote(src->path));
		return -EEXIST;
	}
	/* A worker copies the files the walker handed it; a directory put in
	 * one's place since the walker listed it is the walker's to find (the
	 * batch's files, too, which were copied after it). */
	if (S_ISDIR(sst->st_mode) && (engine_in_worker() || batch_finishing())) {
		util_error(0, "skipping file %s, as it was replaced while being copied",
			   util_quote(src->path));
		return -ESTALE;
	}
	if (S_ISDIR(sst->st_mode) && !ctx->o->recursive) {
		util_error(0, "-r not specified; omitting directory %s", util_quote(src->path));
		return -EISDIR;
	}
	if (S_ISDIR(sst->st_mode) && inomap_get(&ctx->created, sst->st_dev, sst->st_ino)) {
		util_error(0, "cannot copy a directory, %s, into itself, %s",
			   util_quote(ctx->top_src), util_quote(ctx->top_dst));
		/* Going on would copy the copy: cp abandons the whole operand. */
		ctx->into_self = true;
		return -ELOOP;
	}
	return 0;
}

/* cp looks through a destination symlink only where it would write
 * through it: a regular file, not backed up or removed. */
static bool cp_dst_lstat_only(const struct cp_opts *o, const struct stat *sst)
{
	return (!S_ISREG(sst->st_mode) &&
		(!cp_as_regular(o) || (S_ISDIR(sst->st_mode) && !o->keep_dir_symlink) ||
		 S_ISLNK(sst->st_mode))) ||
	       o->link != LINK_NONE || o->backup != BACKUP_OFF || o->remove_dest;
}

/* As cp: what an earlier operand made is not overwritten by a later one
 * (entries met while merging directories are), nor written through. */
static int cp_just_created(struct cp_ctx *ctx, const struct cp_path *src,
			   const struct cp_path *dst, const struct stat *dlst,
			   const struct stat *dst_sb, const struct cp_id *made, bool cmdline)
{
	const struct cp_opts *o = ctx->o;

	if (made && cmdline && !S_ISDIR(dst_sb->st_mode) && o->backup != BACKUP_NUMBERED) {
		util_error(0, "will not overwrite just-created %s with %s",
			   util_quote(dst->path), util_quote(src->path));
		return -EEXIST;
	}
	if (cmdline && o->backup == BACKUP_OFF && S_ISLNK(dlst->st_mode) &&
	    cp_made(ctx, dlst, dst->path)) {
		util_error(0, "will not copy %s through just-created symlink %s",
			   util_quote(src->path), util_quote(dst->path));
		return -EEXIST;
	}
	return 0;
}

/* The destination is the source, by another name: cp's error, or nothing
 * to do (cp_same_file_ok's 2). true, *ret set; false: the copy goes on. */
static bool cp_same_existing(const struct cp_opts *o, const struct cp_path *src,
			     const struct stat *sst, const struct cp_path *dst,
			     const struct stat *dst_sb, int *ret)
{
	/* Standard input is compared by what it is, not by name. */
	int ok = src->name ? cp_same_file_ok(o, src, sst, dst, dst_sb)
			   : !util_same_inode(sst, dst_sb);

	if (!ok) {
		util_error(0, "%s and %s are the same file", util_quote(src->path),
			   util_quote(dst->path));
		*ret = -EEXIST;
	}
	return ok != 1;
}

/* An existing file that -n, -u or -i spare, one of a link group already
 * copied, or one zcp will not write over (its --stats-file report, the
 * --files-from list): true, *ret set. */
static bool cp_keep_existing(struct cp_ctx *ctx, const struct cp_path *src,
			     const struct stat *sst, const struct cp_path *dst,
			     const struct stat *dlst, const struct stat *dst_sb, bool report,
			     bool cmdline, int *ret)
{
	const struct cp_opts *o = ctx->o;
	int err = cp_may_replace(ctx, sst, dst, dlst);

	if (err == 2 && cp_tracks_links(o, sst, cmdline) && !o->dry_run) {
		*ret = cp_link_skipped(ctx, sst, dst);
		return true;
	}
	if (err) {
		*ret = err > 0 ? 0 : err;
		return true;
	}
	if (report) {
		util_error(0, "will not overwrite statistics file %s with %s",
			   util_quote(dst->path), util_quote(src->path));
		*ret = -EEXIST;
		return true;
	}
	if (cp_is_list(ctx, dlst) || cp_is_list(ctx, dst_sb)) {
		util_error(0, "will not overwrite file list %s with %s",
			   util_quote(dst->path), util_quote(src->path));
		*ret = -EEXIST;
		return true;
	}
	return false;
}

/* The destination exists (dlst, its lstat): cp's checks, in cp's order,
 * and a directory merged into. True when the copy ends here, with *ret. */
static bool cp_existing(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
			const struct cp_path *dst, const struct stat *dlst, bool cmdline,
			bool follow, int *ret)
{
	const struct cp_opts *o = ctx->o;
	bool file = !S_ISDIR(sst->st_mode);
	struct stat dst_sb = *dlst;
	/* A dangling symlink is, to cp, a destination that does not exist;
	 * one in a loop, a destination that cannot be looked at. */
	int serr = cp_dst_lstat_only(o, sst) ? 0 : sys_fstatat(dst->dirfd, dst->name, &dst_sb, 0);
	bool dst_known = serr == 0;
	/* What this run made matters for operands and directories: the
	 * walker's business, never a worker's (it writes the map). */
	const struct cp_id *made = dst_known && (cmdline || !file)
					   ? cp_made(ctx, &dst_sb, dst->path)
					   : NULL;
	int err;

	/* The report's file as this destination: met (so not written over
	 * at the end), whatever -n, -u or -i then decide for the copy. */
	bool report = file && (cp_is_report(o, dlst) || (dst_known && cp_is_report(o, &dst_sb)));

	*ret = 0;
	/* (A file's SOURCE met again is cp_seen_again's.) */
	if (made && made->dev == sst->st_dev && made->ino == sst->st_ino && !file) {
		util_error(0, "warning: source directory %s specified more than once",
			   util_quote(src->path));
		return true;
	}
	/* cp's order for a file over an existing one: -n (and
	 * --update=none[-fail]) first, before any other check; then the
	 * same file; then -u and -i; then the rest. */
	if (file && dst_known &&
	    (o->interactive == ASK_NEVER_OVERWRITE || o->update == UPDATE_NONE ||
	     o->update == UPDATE_NONE_FAIL)) {
		err = cp_may_replace(ctx, sst, dst, dlst);
		*ret = err > 0 ? 0 : err;
		return true;
	}
	if (dst_known && cp_same_existing(o, src, sst, dst, &dst_sb, ret))
		return true;
	/* Nor is it one for -n, -u or -i to spare: the copy goes on, and
	 * the open says why it does not write through it. */
	if (file && dst_known &&
	    cp_keep_existing(ctx, src, sst, dst, dlst, &dst_sb, report, cmdline, ret))
		return true;
	if ((*ret = cp_just_created(ctx, src, dst, dlst, &dst_sb, made, cmdline)) != 0)
		return true;
	/* (-f goes on: the open fails, the symlink is removed, as cp's.) */
	if (serr == -ELOOP && !o->force) {
		util_error(serr, "cannot stat %s", util_quote(dst->path));
		*ret = serr;
		return true;
	}
	/* A symlink to a directory is not one to merge into (-r) or
	 * to refuse to overwrite (-b, --remove-destination). */
	if (!file) {
		if (!S_ISDIR(dst_sb.st_mode)) {
			util_error(0, "cannot overwrite non-directory %s with directory %s",
				   util_quote(dst->path), util_quote(src->path));
			*ret = -ENOTDIR;
		} else if ((*ret = cp_cyclic(ctx, src, sst)) == 0) {
			*ret = tree_descend(ctx, sst, follow, true);
		}
		return true;
	}
	if (S_ISDIR(dst_sb.st_mode)) {
		util_error(0, "cannot overwrite directory %s with non-directory",
			   util_quote(dst->path));
		*ret = -EISDIR;
		return true;
	}
	return false;
}

/* Before the destination is destroyed: -s's relative-link rule, a backup
 * that would take the source, and a method able to fill the place. Then
 * the existing destination backed up or removed (*exists cleared). */
static int cp_clear_way(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
			int src_fd, bool data, const struct cp_path *dst, const struct stat *dlst,
			bool *exists, char **backup, int *backup_slot)
{
	const struct cp_opts *o = ctx->o;
	bool gone = false;
	int err;

	if (!S_ISDIR(sst->st_mode) && o->link == LINK_SYMBOLIC && links_check(ctx, src, dst, &err)) {
		cp_verbose(o, src, dst, NULL);	/* cp says what it was doing */
		links_refuse(dst);
		return err;
	}
	if (!*exists)
		return 0;
	/* --atomic that cannot replace this destination: refused before a
	 * backup takes it away. */
	if (data && (err = create_atomic_ok(o, dst, dlst)) != 0)
		return err;
	if (o->backup != BACKUP_OFF && cp_backup_is_source(o, src, sst, dst)) {
		util_error(0, "backing up %s might destroy source;  %s not copied",
			   util_quote(dst->path), util_quote(src->path));
		return -EEXIST;
	}
	/* A backup or removal takes the destination away: only once a
	 * method is known to be able to fill its place. */
	if (data && !o->atomic &&
	    (o->remove_dest || o->backup != BACKUP_OFF || (o->preserve.links && dlst->st_nlink > 1))) {
		err = create_data_check(ctx, src, sst, src_fd, dst);
		if (err)
			return err;
	}
	err = cp_replace(ctx, sst, dst, dlst, &gone, backup, backup_slot);
	if (!err && gone)
		*exists = false;
	return err;
}

/* The copy made where the destination is clear: a link (-l, -s), a
 * directory descended into, a symlink, a special file or the data. */
static int cp_make(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		   int src_fd, bool data, const struct cp_path *dst, const struct stat *dlst,
		   bool cmdline, bool follow)
{
	const struct cp_opts *o = ctx->o;
	struct stat made_st;
	int err;

	if (o->link != LINK_NONE && !S_ISDIR(sst->st_mode)) {
		err = links_make(ctx, src, dst, follow);
		if (!err && cmdline &&
		    sys_fstatat(dst->dirfd, dst->name, &made_st, AT_SYMLINK_NOFOLLOW) == 0)
			cp_remember(ctx, &made_st, sst, dst->path);
		return err;
	}
	switch (data ? S_IFREG : sst->st_mode & S_IFMT) {
	case S_IFDIR:
		return tree_descend(ctx, sst, follow, false);
	case S_IFLNK:
		err = create_symlink(ctx, src, sst, dst);
		if (!err && cmdline &&
		    sys_fstatat(dst->dirfd, dst->name, &made_st, AT_SYMLINK_NOFOLLOW) == 0)
			cp_remember(ctx, &made_st, sst, dst->path);
		return err;
	case S_IFIFO:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFSOCK:
		if (!cp_as_regular(o))
			return create_special(ctx, sst, dst);
		/* --attributes-only: what cp would have copied as data */
		__attribute__((fallthrough));
	default:
		if (o->attr_only)
			return attronly_copy(ctx, src, sst, dst, dlst != NULL);
		err = create_data(ctx, src, sst, src_fd, dst, dlst, &made_st);
		if (!err && cmdline)
			cp_remember(ctx, &made_st, sst, dst->path);
		return err;
	}
}

/* The backup's name relative to dst's directory fd (backup is a path
 * beside dst->path). */
static const char *cp_backup_name(const struct cp_path *dst, const char *backup)
{
	return backup + strlen(dst->path) - strlen(dst->name);
}

/* The copy failed after its backup was made: the old file goes back
 * under its name, as cp's un-backup does; a backup that is a second name
 * of the file still there (--atomic's) just goes. */
static void cp_unbackup(const struct cp_opts *o, const struct cp_path *dst, const char *backup)
{
	const char *name = cp_backup_name(dst, backup);
	struct stat b, d;
	int err;

	if (sys_fstatat(dst->dirfd, name, &b, AT_SYMLINK_NOFOLLOW) != 0)
		return;
	if (sys_fstatat(dst->dirfd, dst->name, &d, AT_SYMLINK_NOFOLLOW) == 0) {
		if (util_same_inode(&b, &d))
			(void)sys_unlinkat(dst->dirfd, name, 0);
		return;
	}
	err = util_rename_noreplace(dst->dirfd, name, dst->name);
	if (err) {
		util_error(err, "cannot un-backup %s", util_quote(dst->path));
	} else if (o->verbose) {
		util_out(UTIL_OUT, "%s -> ", util_quote(backup));
		util_out(UTIL_OUT, "%s (unbackup)\n", util_quote(dst->path));
	}
}

/* The decisions are made: the source opened (a data file; *sst then
 * refreshed from it), the way cleared, and the copy made or linked again.
 * dlst: the existing destination's lstat, or NULL. */
static int cp_put(struct cp_ctx *ctx, const struct cp_path *src, struct stat *sst,
		  const struct cp_path *dst, const struct stat *dlst, bool cmdline, bool follow)
{
	const struct cp_opts *o = ctx->o;
	struct cp_hardlink *mine = NULL;
	const struct cp_hardlink *linked = NULL;
	bool exists = dlst != NULL, data, replaced = false;
	char *backup = NULL;
	int src_fd = -1, backup_slot = -1, err;

	/* Decide before destroying: the source is opened before a backup,
	 * a removal or a truncation of the destination. */
	if (cp_links_to_copy(o, sst, cmdline))
		linked = cp_links_claim(ctx, sst, dst->path, &mine);
	data = cp_is_data(o, sst) && !linked;
	if (data) {
		/* Each data file is a unit of --stats: its own calls, opens to closes. */
		stats_file_begin();
		src_fd = create_open_src(src, sst, follow);
		if (src_fd < 0) {
			cp_open_failed(o, src, dst, src_fd);
			err = src_fd;
			goto out_close_src;
		}
	}
	/* A fatal signal once the backup is begun puts it back, as a failure
	 * does (cp_unbackup): backup_make records it first. */
	err = cp_clear_way(ctx, src, sst, src_fd, data, dst, dlst, &exists, &backup, &backup_slot);
	if (err)
		goto out_close_src;
	if (linked) {
		err = cp_link_again(o, linked->path, dst, &replaced);
		if (!err)
			cp_verbose(o, src, dst, backup);
		if (!err && replaced && o->verbose)
			util_out(UTIL_OUT, "removed %s\n", util_quote(dst->path));
		goto out_close_src;
	}
	if (S_ISDIR(sst->st_mode) && (err = cp_cyclic(ctx, src, sst)) != 0)
		goto out_close_src;
	/* (A directory is told once it is made, as cp tells it: create_dir_open.) */
	if (!S_ISDIR(sst->st_mode))
		cp_verbose(o, src, dst, backup);
	err = cp_make(ctx, src, sst, src_fd, data, dst, exists ? dlst : NULL, cmdline, follow);
out_close_src:
	if (mine)
		cp_links_done(mine, !err);
	if (err && backup)
		cp_unbackup(o, dst, backup);
	inflight_del(backup_slot);
	free(backup);
	if (src_fd >= 0 && src->name)
		sys_close(src_fd);
	if (data)
		cp_file_end(src, dst);
	return err;
}

static int cp_copy_entry(struct cp_ctx *ctx, const struct cp_path *src,
			 const struct cp_path *dst, bool cmdline, bool *regular)
{
	const struct cp_opts *o = ctx->o;
	bool follow = o->deref == DEREF_ALWAYS || (o->deref == DEREF_CMDLINE && cmdline);
	struct stat sst, dlst;
	int err;

	if (src->regular && dst->made_dir && !follow && cp_fresh_ok(o) &&
	    (err = cp_copy_fresh(ctx, src, dst)) <= 0)
		return err;
	err = cp_source(ctx, src, follow, &sst);
	if (err)
		return err;
	*regular = S_ISREG(sst.st_mode);
	if (cmdline && src->name && src->dirfd == AT_FDCWD && !S_ISDIR(sst.st_mode) &&
	    cp_seen_again(ctx, src, &sst))
		return 0;
	if (!dst->name)	/* "-": standard output */
		return o->dry_run ? dryrun_node(ctx, src, &sst, follow, dst, NULL)
				  : cp_to_stdout(ctx, src, &sst, follow, dst);
	err = dst->absent ? -ENOENT : sys_fstatat(dst->dirfd, dst->name, &dlst, AT_SYMLINK_NOFOLLOW);
	if (err && err != -ENOENT) {
		util_error(err, "cannot stat %s", util_quote(dst->path));
		return err;
	}
	if (!err && cp_existing(ctx, src, &sst, dst, &dlst, cmdline, follow, &err))
		return err;
	if (o->dry_run)
		return dryrun_node(ctx, src, &sst, follow, dst, err ? NULL : &dlst);
	return cp_put(ctx, src, &sst, dst, err ? NULL : &dlst, cmdline, follow);
}

int cp_copy(struct cp_ctx *ctx, const struct cp_path *src, const struct cp_path *dst,
	    bool cmdline)
{
	uint64_t copied = stats_total.files;
	bool regular = false;
	int err = cp_copy_entry(ctx, src, dst, cmdline, &regular);

	/* A regular file met and not copied (kept by -n or -u, linked, a
	 * directory in its way): done, for the progress line's count of
	 * the files, which counts every name. */
	if (regular && stats_total.files == copied)
		stats_progress_file();
	return err;
}

static void cp_parents_add(struct cp_parents *p, char *path, const struct stat *st,
			   bool restore, bool made)
{
	p->v = realloc(p->v, (p->n + 1) * sizeof(*p->v));
	if (!p->v) {
		util_nomem();
	}
	p->v[p->n++] = (struct cp_parent){ .path = path, .st = *st, .restore = restore,
					   .made = made };
}

/* Is the directory the copy of s goes in (under target) there already,
 * whole? Then, as cp, nothing of it is made or given attributes, not
 * even through a symlink to a directory elsewhere. */
static bool cp_parents_there(char *s, const char *target)
{
	char *last = NULL, *dst;
	struct stat st;
	bool there;

	for (char *slash = strchr(s + 1, '/'); slash && slash[strspn(slash, "/")];
	     slash = strchr(slash + 1, '/'))
		last = slash;
	if (!last)
		return true;	/* no parent to make: the target itself */
	*last = 0;
	dst = util_join(target, s[0] == '/' ? s + 1 : s);
	*last = '/';
	there = sys_fstatat(AT_FDCWD, dst, &st, 0) == 0 && S_ISDIR(st.st_mode);
	free(dst);
	return there;
}

int cp_parents_make(struct cp_ctx *ctx, const char *src, const char *target,
		    struct cp_parents *p)
{
	const struct cp_opts *o = ctx->o;
	char *s = util_xstrdup(src);
	int err = 0;

	p->v = NULL;
	p->n = 0;
	if (cp_parents_there(s, target)) {
		free(s);
		return 0;
	}
	for (char *slash = strchr(s + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		struct stat sst, st;
		char *dst;

		if (slash[strspn(slash, "/")] == 0)
			break;	/* "f/": trailing slashes name no parent */
		*slash = 0;
		dst = util_join(target, s[0] == '/' ? s + 1 : s);
		if (sys_fstatat(AT_FDCWD, dst, &st, 0) == 0) {
			if (!S_ISDIR(st.st_mode)) {
				util_error(0, "%s exists but is not a directory", util_quote(dst));
				free(dst);
				err = -ENOTDIR;
				break;
			}
			/* As cp -p: a directory that was there gets the source's
			 * attributes too, once the copy is done; through a symlink
			 * to it, as cp goes. */
			if ((o->preserve.mode || o->preserve.owner || o->preserve.times) &&
			    sys_fstatat(AT_FDCWD, s, &sst, 0) == 0 && S_ISDIR(sst.st_mode))
				cp_parents_add(p, dst, &sst, false, false);
			else
				free(dst);
			*slash = '/';
			continue;
		}
		err = sys_fstatat(AT_FDCWD, s, &sst, 0);
		if (!err && !S_ISDIR(sst.st_mode))
			err = -ENOTDIR;	/* as cp: nothing is made for a/b when a is a file */
		if (err) {
			util_error(err, "failed to get attributes of %s", util_quote(s));
			free(dst);
			break;
		}
		err = sys_mkdirat(AT_FDCWD, dst, o->preserve.mode_off ? 0777 : sst.st_mode & 07777);
		if (!err)
			err = sys_fstatat(AT_FDCWD, dst, &st, AT_SYMLINK_NOFOLLOW);
		if (err) {
			util_error(err, "cannot make directory %s", util_quote(dst));
			free(dst);
			break;
		}
		if (o->verbose)
			util_out(UTIL_OUT, "%s -> %s\n", s, dst);	/* cp prints these unquoted */
		/* Ours to fill: writable and searchable until the copy is done. */
		if ((st.st_mode & S_IRWXU) != S_IRWXU)
			sys_fchmodat(AT_FDCWD, dst, (st.st_mode & 07777) | S_IRWXU);
		if (!o->preserve.mode && (st.st_mode & S_IRWXU) != S_IRWXU) {
			sst.st_mode = st.st_mode;	/* put back what mkdir gave */
			cp_parents_add(p, dst, &sst, true, true);
		} else {
			cp_parents_add(p, dst, &sst, false, true);
		}
		*slash = '/';
	}
	free(s);
	return err;
}

/* The attributes of one directory of --parents, open as fd. One that was
 * there, named through a symlink: as cp, its times and mode are set
 * through the link, its owner on the link itself (lchown), never given
 * to the directory it leads to. */
static int cp_parent_meta(const struct cp_opts *o, const struct cp_parent *d, int fd)
{
	struct meta_node ms = { .fd = -1, .path = d->path };
	struct meta_node md = { .fd = fd, .path = d->path };
	struct meta_node link = { .fd = -1, .dirfd = AT_FDCWD, .name = d->path, .path = d->path,
				  .symlink = true };
	mode_t mode = d->restore ? d->st.st_mode & 07777 : (mode_t)-1;
	struct cp_opts rest = *o, owner = *o;
	struct stat lst;
	int err, lerr;

	if (d->made || !o->preserve.owner ||
	    sys_fstatat(AT_FDCWD, d->path, &lst, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISLNK(lst.st_mode))
		return meta_apply(o, &d->st, &ms, &md, mode);
	rest.preserve.owner = false;
	owner.preserve = (struct cp_preserve){ .owner = true, .owner_must = o->preserve.owner_must };
	err = meta_apply(&rest, &d->st, &ms, &md, mode);
	lerr = meta_apply(&owner, &d->st, &ms, &link, (mode_t)-1);
	return err ? err : lerr;
}

int cp_parents_finish(struct cp_ctx *ctx, struct cp_parents *p)
{
	int ret = 0;

	/* Deepest first, as cp: a parent's times are set after its children's. */
	for (size_t i = p->n; i-- > 0;) {
		struct cp_parent *d = &p->v[i];
		int fd = sys_openat(AT_FDCWD, d->path,
				    O_RDONLY | O_DIRECTORY | (d->made ? O_NOFOLLOW : 0), 0);

		if (fd < 0) {
			util_error(fd, "failed to get attributes of %s", util_quote(d->path));
			ret = fd;
		} else {
			int err = cp_parent_meta(ctx->o, d, fd);
			if (err)
				ret = err;
			sys_close(fd);
		}
		free(d->path);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
	return ret;
}

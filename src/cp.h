/* cp.h: cp's semantics: what to copy where, and when not to. */
#ifndef ZCP_CP_H
#define ZCP_CP_H

#include "exec.h"
#include "inomap.h"
#include "method.h"
#include "plan.h"
#include "sync.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

enum cp_deref { DEREF_UNSET, DEREF_NEVER, DEREF_CMDLINE, DEREF_ALWAYS };
enum cp_interactive { ASK_UNSET, ASK_ALWAYS, ASK_NEVER_OVERWRITE };
enum cp_update { UPDATE_ALL, UPDATE_NONE, UPDATE_OLDER, UPDATE_NONE_FAIL };
/* -l, -s: make links instead of copies. */
enum cp_link { LINK_NONE, LINK_HARD, LINK_SYMBOLIC };
enum cp_backup { BACKUP_OFF, BACKUP_SIMPLE, BACKUP_NUMBERED, BACKUP_EXISTING };
enum cp_reflink { REFLINK_AUTO, REFLINK_ALWAYS, REFLINK_NEVER };

struct cp_preserve {
	bool mode, owner, times, links, xattr;
	bool owner_must, xattr_must;	/* named explicitly: failing is an error */
	bool context_must;	/* --preserve=context: cp's error without SELinux */
	bool mode_off;	/* --no-preserve=mode: new files get 0666, directories 0777 */
};

struct cp_opts {
	bool recursive, force, verbose, parents, remove_dest, no_target, debug;
	bool explain, dry_run, stats_per_file;
	bool explain_json;	/* --explain=json */
	bool atomic, fsync, verify;	/* --atomic, --fsync, --verify */
	bool also;		/* --also: this is one of several runs, in step (also.c) */
	bool attr_only;		/* --attributes-only: no data */
	bool copy_contents;	/* --copy-contents: -r reads FIFOs and devices */
	bool one_fs;		/* -x: not into directories of other file systems */
	bool keep_dir_symlink;	/* --keep-directory-symlink */
	enum cp_link link;
	enum cp_deref deref;
	enum cp_interactive interactive;
	enum cp_update update;
	enum cp_backup backup;
	enum cp_reflink reflink;
	enum sparse_mode sparse;
	const char *suffix;
	struct cp_preserve preserve;
	struct plan_order order;
	mode_t umask;
	/* The --stats-file's regular file (ino 0: none), the report's alone:
	 * never read as a source nor written over as a destination. */
	dev_t report_dev;
	ino_t report_ino;
};

/* Is st the --stats-file's regular file (o->report_*)? */
static inline bool cp_opts_report(const struct cp_opts *o, const struct stat *st)
{
	return util_is_file(st, o->report_dev, o->report_ino);
}

/* cp's copy_as_regular: without -r, or with --copy-contents, special
 * files are read as data, not made anew. */
static inline bool cp_as_regular(const struct cp_opts *o)
{
	return !o->recursive || o->copy_contents;
}

/* One end of a copy: a name relative to a directory fd, and its path. */
struct cp_path {
	int dirfd;
	const char *name;
	const char *path;
	bool absent;	/* --dry-run: dirfd stands for a directory not made, name is not there */
	bool regular;	/* its directory entry says a regular file (d_type) */
	/* dirfd is a directory this run made (its stat): nothing is in the
	 * way but what this run put there, so the name is not looked up
	 * first (O_EXCL catches one that appeared meanwhile). */
	const struct stat *made_dir;
	bool plain;	/* ... and a plain one (tree.h, struct tree_dir) */
};

/* A source directory being copied; the chain runs from the innermost out
 * (through the walker's frames). */
struct cp_ancestor {
	dev_t dev;
	ino_t ino;
	const struct cp_ancestor *up;
};

struct cp_ctx {
	const struct cp_opts *o;
	struct inomap links;	/* source (dev, ino) -> struct cp_link (cp.c) */
	struct sync_lock links_lock;	/* the workers share links */
	struct inomap created;	/* directory made: destination (dev, ino) -> source id */
	/* The files and symlinks made for operands, the same way; at most
	 * CP_OPERANDS_KEPT, then forgotten (a list may have millions), and
	 * told from others by their ctime (cp_made). */
	struct inomap operands;
	bool operands_forgot;
	/* The file SOURCEs met so far: source (dev, ino and last name) ->
	 * struct cp_seen (cp.c), at most CP_SOURCES_KEPT, then forgotten. */
	struct inomap sources;
	/* The --files-from list, a regular file (ino 0: none, or a pipe): read
	 * as the copy goes, so never written into by it. */
	dev_t list_dev;
	ino_t list_ino;
	struct timespec started;	/* CLOCK_REALTIME_COARSE when the run began */
	const char *top_src, *top_dst;
	bool dir_mode;		/* SOURCE... DIRECTORY */
	bool into_self;		/* this operand was found inside its copy: stop it */
	const struct cp_ancestor *ancestors;
	struct tree *tree;	/* the walker of this operand, which cp_copy asks to descend */
	/* This operand's copy is a directory this run made: no destination
	 * in it was there before (set by the walker before any worker runs). */
	bool new_tree;
	/* Files of this operand on this device may be copied in batches
	 * (batch.h); 0: none may. Set with new_tree. */
	dev_t batch_dev;
	size_t tree_levels;	/* the walk's budget (tree.c), once looked up */
};

/* --parents: the directories made above one operand's copy, whose
 * attributes are set once the copy is done, as cp does. */
struct cp_parent {
	char *path;
	struct stat st;		/* the source directory's */
	bool restore;		/* put back st.st_mode, made writable for the copy */
	bool made;		/* made by this run: not looked for through a symlink */
};
struct cp_parents {
	struct cp_parent *v;
	size_t n;
};

/* Copy one file; a directory is handed to the walker (tree_descend), which
 * copies its entries after this returns. 0, or -errno after a message. */
int cp_copy(struct cp_ctx *ctx, const struct cp_path *src, const struct cp_path *dst,
	    bool cmdline);

/* Make TARGET/a, TARGET/a/b for SOURCE a/b/c; 0, or -errno after a message. */
int cp_parents_make(struct cp_ctx *ctx, const char *src, const char *target,
		    struct cp_parents *p);
/* Give the directories made their attributes, then forget them. */
int cp_parents_finish(struct cp_ctx *ctx, struct cp_parents *p);

void cp_ctx_init(struct cp_ctx *ctx, const struct cp_opts *o);
void cp_ctx_free(struct cp_ctx *ctx);
/* Did the copy meet the --stats-file's file (o->report_*) and refuse it? */
bool cp_report_met(void);



/* May src (as sst) be copied over dst (as dst_sb)? 1 yes, 0 "are the same
 * file", 2 yes with nothing to do. (--bench shares cp's rules.) */
int cp_same_file_ok(const struct cp_opts *o, const struct cp_path *src,
		    const struct stat *sst, const struct cp_path *dst,
		    const struct stat *dst_sb);
/* An existing dst (lstat dlst): may it be replaced (-n, -u, -i)? 1 skip
 * quietly, 0 go on; nothing is changed. */
int cp_may_replace(struct cp_ctx *ctx, const struct stat *sst, const struct cp_path *dst,
		   const struct stat *dlst);
/* Make way for the copy: --backup, --remove-destination. 0 go on (*gone:
 * dst was moved or removed), or -errno after a message. Called once the
 * source is open. slot (if not NULL): the backup's in the inflight table,
 * recorded before it is made, or -1. */
int cp_replace(struct cp_ctx *ctx, const struct stat *sst, const struct cp_path *dst,
	       const struct stat *dlst, bool *gone, char **backup, int *slot);

/* Must what a run says come out as it goes, in the order things happen:
 * -i asks before each file; --explain and --debug write past util's
 * streams and tell what the files before taught; --dry-run too. (Else
 * the engine's workers and --also's runs may hold it and print it later,
 * in walk order.) */
bool cp_says_at_once(const struct cp_opts *o);

/* Is sst, a source regular file met in a tree, only data to copy anew:
 * no hard-link group to keep, not the --stats-file? */
bool cp_fresh_plain(const struct cp_opts *o, const struct stat *sst);

/* -v: "'src' -> 'dst'", with the backup made, if any. */
void cp_verbose(const struct cp_opts *o, const struct cp_path *src, const struct cp_path *dst,
		const char *backup);
/* Note that dst was made by this run from src, under the name path
 * (NULL: a directory, any name). */
void cp_remember(struct cp_ctx *ctx, const struct stat *dst, const struct stat *src,
		 const char *path);
#endif

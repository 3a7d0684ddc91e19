/* backup.c: simple (NAME~), numbered (NAME.~N~) and existing backups. */
#include "backup.h"
#include "inflight.h"
#include "sys.h"
#include "util.h"
#include "walk.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int backup_parse(const char *w)
{
	static const struct { const char *word; enum cp_backup b; } words[] = {
		{ "none", BACKUP_OFF }, { "off", BACKUP_OFF },
		{ "simple", BACKUP_SIMPLE }, { "never", BACKUP_SIMPLE },
		{ "existing", BACKUP_EXISTING }, { "nil", BACKUP_EXISTING },
		{ "numbered", BACKUP_NUMBERED }, { "t", BACKUP_NUMBERED },
	};
	size_t n = strlen(w), hit = 0;
	int found = -1;

	/* cp takes any unambiguous prefix. */
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(words[i].word, w) == 0)
			return (int)words[i].b;
		if (n && strncmp(words[i].word, w, n) == 0) {
			if (found >= 0 && found != (int)words[i].b)
				hit++;
			found = (int)words[i].b;
		}
	}
	return hit ? -2 : found;
}

/* The highest N of NAME.~N~ in the directory, 0 if none, or -errno when
 * it cannot be listed. */
static int backup_highest(int dirfd, const char *dir, const char *base)
{
	size_t blen = strlen(base);
	struct walk_list l;
	struct walk_buf wb;
	int fd, high = 0;

	fd = sys_openat(dirfd, dir, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	high = walk_read(fd, &l, &wb);
	if (high == 0) {
		for (size_t i = 0; i < l.n; i++) {
			const char *e = l.names[i];
			char *end;
			long v;

			if (strncmp(e, base, blen) != 0 || strncmp(e + blen, ".~", 2) != 0)
				continue;
			v = strtol(e + blen + 2, &end, 10);
			if (end > e + blen + 2 && strcmp(end, "~") == 0 && v > high && v < 1000000000)
				high = (int)v;
		}
		walk_free(&l);
	}
	sys_close(fd);
	return high;
}

/* Where the directory cannot be listed (write and search only): the
 * numbers taken, counted by name from 1 to the first free one. (Past a
 * gap this reuses a number cp would not; the backup is made no-replace
 * all the same.) */
static int backup_probe(int dirfd, const char *name)
{
	size_t n = strlen(name) + 16;
	char *try = util_xmalloc(n);
	struct stat st;
	int high = 0;

	do
		snprintf(try, n, "%s.~%d~", name, ++high);
	while (high < 1000000000 && sys_fstatat(dirfd, try, &st, AT_SYMLINK_NOFOLLOW) == 0);
	free(try);
	return high - 1;
}

/* The longest last component cp gives a backup: one under NAME_MAX
 * (GNU cp 9.1 cuts a 255-byte backup name, measured). */
#define BACKUP_BASE_MAX (NAME_MAX - 1)

/* A backup name whose last component is too long is cut as cp cuts it:
 * the file's own name and a '~' if that fits, else the name shortened so
 * that '~' ends it at the limit. base: where the last component starts,
 * blen: the file's own name's length there. True if it was cut. */
static bool backup_fit(char *base, size_t blen)
{
	if (strlen(base) <= BACKUP_BASE_MAX)
		return false;
	if (blen > BACKUP_BASE_MAX - 1)
		blen = BACKUP_BASE_MAX - 1;
	base[blen] = '~';
	base[blen + 1] = 0;
	return true;
}

char *backup_name(const struct cp_opts *o, int dirfd, const char *name, bool *noreplace)
{
	const char *slash = strrchr(name, '/');
	char *dir = slash ? strndup(name, (size_t)(slash - name) + 1) : strdup(".");
	const char *base = slash ? slash + 1 : name;
	enum cp_backup type = o->backup;
	char *out;
	int high = 0;
	bool cut = false;

	if (!dir)
		return NULL;
	if (type != BACKUP_SIMPLE)
		high = backup_highest(dirfd, dir, base);
	if (high < 0)
		high = backup_probe(dirfd, name);
	free(dir);
	if (type == BACKUP_EXISTING)
		type = high > 0 ? BACKUP_NUMBERED : BACKUP_SIMPLE;
	if (type == BACKUP_NUMBERED) {
		size_t n = strlen(name) + 16;
		out = util_xmalloc(n);
		snprintf(out, n, "%s.~%d~", name, high + 1);
	} else {
		out = util_xmalloc(strlen(name) + strlen(o->suffix) + 1);
		strcpy(out, name);
		strcat(out, o->suffix);
	}
	/* (cp cuts only where it looked for numbered names: a simple
	 * backup asked for is never cut, and too long fails.) */
	if (o->backup != BACKUP_SIMPLE)
		cut = backup_fit(out + (base - name), strlen(base));
	/* A numbered name is meant to be new (one found by backup_probe may
	 * not be): an older backup there stays. A cut name is no longer this
	 * file's own and may be another's backup: what is there stays too
	 * (cp replaces it). */
	if (noreplace)
		*noreplace = type == BACKUP_NUMBERED || cut;
	return out;
}

int backup_make(const struct cp_opts *o, const struct cp_path *dst, bool keep,
		char **name_out, int *slot)
{
	bool noreplace;
	char *name = backup_name(o, dst->dirfd, dst->name, &noreplace), *path;
	struct stat st;
	int err = -EPERM;

	if (!name)
		return -ENOMEM;
	if (strcmp(name, dst->name) == 0) {	/* no suffix: never over itself */
		free(name);
		return -EINVAL;
	}
	/* Nor over the --stats-file's file, the report's alone. */
	if (o->report_ino && sys_fstatat(dst->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    cp_opts_report(o, &st)) {
		free(name);
		return -EEXIST;
	}
	/* Recorded before it is made: a fatal signal from here on puts it back
	 * under its name (a rename that finds nothing to move, or the name
	 * taken by a finished copy, does nothing). */
	path = util_path_beside(dst->path, dst->name, name);
	if (slot)
		*slot = inflight_backup(dst->dirfd, path + strlen(path) - strlen(name), dst->name);
	/* keep: a second name for the file, which stays where it is until
	 * the copy replaces it in one rename; where the file system has no
	 * hard links, the rename of old. A backup that exists is replaced,
	 * as rename would, unless the name was cut short. */
	if (keep) {
		err = sys_linkat(dst->dirfd, dst->name, dst->dirfd, name, 0);
		if (err == -EEXIST && !noreplace && sys_unlinkat(dst->dirfd, name, 0) == 0)
			err = sys_linkat(dst->dirfd, dst->name, dst->dirfd, name, 0);
	}
	if (err && !(noreplace && err == -EEXIST))
		err = noreplace ? util_rename_noreplace(dst->dirfd, dst->name, name)
				: sys_renameat(dst->dirfd, dst->name, dst->dirfd, name);
	free(name);
	if (err) {
		if (slot) {
			inflight_del(*slot);
			*slot = -1;
		}
		free(path);
		return err;
	}
	*name_out = path;
	return 0;
}

/* endpoint.c: what one end of a copy is: its kind, its file system, whether
 * its size can be trusted, and the rules the methods share about ends.
 * Methods depend on this file and the method table, never on the plan. */
#include "endpoint.h"
#include "sys.h"

#include <termios.h>

struct fs_info {
	long magic;
	const char *name;
	bool reflinks;	/* FICLONE can share extents here */
	bool pseudo;	/* st_size is not the length of the data */
};

/* Where a new file's owner and mode are what open(2) asked, by the book:
 * not vfat's or a FUSE daemon's, which decide them their own way. */
static const long fs_posix[] = { 0xEF53, 0x01021994, 0x9123683E, 0x58465342 };

static const struct fs_info fs_infos[] = {
	{ 0xEF53, "ext4", false, false },
	{ 0x01021994, "tmpfs", false, false },
	{ 0x9123683E, "btrfs", true, false },
	{ 0x58465342, "xfs", true, false },
	{ 0xCA451A4E, "bcachefs", true, false },
	{ 0x7461636F, "ocfs2", true, false },
	{ 0x6969, "nfs", true, false },
	{ 0xFF534D42, "cifs", true, false },
	{ 0xFE534D42, "smb2", true, false },
	{ 0x794C7630, "overlayfs", true, false },
	{ 0x65735546, "fuse", false, false },
	{ 0x4D44, "vfat", false, false },
	{ 0x2011BAB0, "exfat", false, false },
	{ 0xF2F52010, "f2fs", false, false },
	{ 0x2FC12FC1, "zfs", false, false },
	{ 0x858458F6, "ramfs", false, false },
	{ 0x73717368, "squashfs", false, false },
	{ 0x9FA0, "proc", false, true },
	{ 0x62656572, "sysfs", false, true },
	{ 0x64626720, "debugfs", false, true },
	{ 0x74726163, "tracefs", false, true },
	{ 0x27E0EB, "cgroup", false, true },
	{ 0x63677270, "cgroup2", false, true },
	{ 0x73636673, "securityfs", false, true },
	{ 0x62656570, "configfs", false, true },
	{ 0x1CD1, "devpts", false, false },
	{ 0x50495045, "pipefs", false, false },
	{ 0x534F434B, "sockfs", false, false },
	{ 0x09041934, "anon_inode", false, false },
};

static const struct fs_info *fs_lookup(long magic)
{
	for (size_t i = 0; i < sizeof(fs_infos) / sizeof(fs_infos[0]); i++)
		if (fs_infos[i].magic == magic)
			return &fs_infos[i];
	return NULL;
}

const char *endpoint_fs_name(long fs_type)
{
	const struct fs_info *f = fs_lookup(fs_type);
	return f ? f->name : "unknown file system";
}

bool endpoint_fs_known(long fs_type)
{
	return fs_lookup(fs_type) != NULL;
}

bool endpoint_fs_posix(long fs_type)
{
	for (size_t i = 0; i < sizeof(fs_posix) / sizeof(fs_posix[0]); i++)
		if (fs_posix[i] == fs_type)
			return true;
	return false;
}

bool endpoint_fs_reflinks(long fs_type)
{
	const struct fs_info *f = fs_lookup(fs_type);
	return f && f->reflinks;
}

const char *endpoint_kind_name(enum node_kind k)
{
	switch (k) {
	case KIND_REGULAR: return "regular file";
	case KIND_DIRECTORY: return "directory";
	case KIND_SYMLINK: return "symbolic link";
	case KIND_FIFO: return "fifo";
	case KIND_SOCKET: return "socket";
	case KIND_CHARDEV: return "character device";
	case KIND_BLOCKDEV: return "block device";
	case KIND_TTY: return "tty";
	}
	return "file";
}

/* statfs costs a call per file; a device's file system never changes. */
/* Per thread: a worker learns it again at the cost of one call. */
static _Thread_local struct { dev_t dev; long type; } fs_cache[16];
static _Thread_local unsigned fs_cache_n;

static int classify_fs(struct endpoint *e)
{
	struct statfs sf;
	int err;

	for (unsigned i = 0; i < fs_cache_n; i++) {
		if (fs_cache[i].dev == e->st.st_dev) {
			e->fs_type = fs_cache[i].type;
			return 0;
		}
	}
	err = sys_fstatfs(e->fd, &sf);
	if (err)
		return err;
	e->fs_type = (long)sf.f_type;
	/* Pipes and sockets share one pseudo device each: cache real ones. */
	if (fs_cache_n < sizeof(fs_cache) / sizeof(fs_cache[0]) &&
	    (S_ISREG(e->st.st_mode) || S_ISDIR(e->st.st_mode))) {
		fs_cache[fs_cache_n].dev = e->st.st_dev;
		fs_cache[fs_cache_n++].type = e->fs_type;
	}
	return 0;
}

int endpoint_classify(struct endpoint *e)
{
	const struct fs_info *f;
	struct termios t;

	switch (e->st.st_mode & S_IFMT) {
	case S_IFREG: e->kind = KIND_REGULAR; break;
	case S_IFDIR: e->kind = KIND_DIRECTORY; break;
	case S_IFLNK: e->kind = KIND_SYMLINK; break;
	case S_IFIFO: e->kind = KIND_FIFO; break;
	case S_IFSOCK: e->kind = KIND_SOCKET; break;
	case S_IFBLK: e->kind = KIND_BLOCKDEV; break;
	case S_IFCHR:
		e->kind = sys_ioctl(e->fd, TCGETS, (unsigned long)&t) == 0 ? KIND_TTY
									 : KIND_CHARDEV;
		break;
	default: e->kind = KIND_CHARDEV; break;
	}
	e->fs_type = 0;
	if (e->kind == KIND_REGULAR) {
		int err = classify_fs(e);
		if (err)
			return err;
	}
	f = fs_lookup(e->fs_type);
	e->size_trusted = e->kind == KIND_REGULAR && !(f && f->pseudo);
	return 0;
}

long endpoint_count_holes(int fd, off_t size, long limit)
{
	off_t pos = 0;
	long holes = 0;

	while (pos < size && holes < limit) {
		off_t hole = sys_lseek(fd, pos, SEEK_HOLE);
		off_t data;

		if (hole < 0 || hole >= size)
			break;
		holes++;
		data = sys_lseek(fd, hole, SEEK_DATA);
		if (data < 0)
			break;	/* ENXIO: the hole runs to the end */
		pos = data;
	}
	return holes;
}

/* /proc and /sys make their data up as it is read: rw reads them the way
 * they expect, in small reads to the end. */
const char *endpoint_why_untrusted(const struct endpoint *src)
{
	if (src->kind == KIND_REGULAR && !src->size_trusted)
		return "the source's size is not to be trusted (pseudo file system)";
	return NULL;
}

/* Where the kernel can put pages by itself: not a terminal, which takes
 * what it is written; not a directory or a symlink. */
const char *endpoint_why_not_kernel_dst(const struct endpoint *dst)
{
	switch (dst->kind) {
	case KIND_REGULAR:
	case KIND_FIFO:
	case KIND_SOCKET:
	case KIND_CHARDEV:
		return NULL;
	case KIND_TTY:
		return "a terminal takes what it is written: rw";
	default:
		return "the destination is not a file, pipe, socket or device";
	}
}

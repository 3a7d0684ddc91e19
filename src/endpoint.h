/* endpoint.h: one end of a copy, classified; the file-system table. */
#ifndef ZCP_ENDPOINT_H
#define ZCP_ENDPOINT_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

/* What endpoint_classify learns of one end of a copy. */
enum node_kind {
	KIND_REGULAR,
	KIND_DIRECTORY,
	KIND_SYMLINK,
	KIND_FIFO,
	KIND_SOCKET,
	KIND_CHARDEV,
	KIND_BLOCKDEV,
	KIND_TTY,
};

struct endpoint {
	int fd;
	const char *path;	/* for messages */
	struct stat st;
	enum node_kind kind;
	long fs_type;		/* statfs f_type */
	off_t off;		/* where the copy reads or writes next; -1: stream */
	bool size_trusted;	/* st_size is the length of the data */
	bool append;		/* O_APPEND: copy_file_range refuses it */
	bool is_new;		/* created by this copy (empty) */
};

/* Fill e->kind, fs_type and size_trusted from e->st and e->fd. 0 or -errno. */
int endpoint_classify(struct endpoint *e);

const char *endpoint_kind_name(enum node_kind k);
const char *endpoint_fs_name(long fs_type);
/* Is this file system type in the table? */
bool endpoint_fs_known(long fs_type);
/* Can FICLONE share extents on this file system type? */
/* ext4, tmpfs, btrfs, xfs: a new file's owner and mode are the book's. */
bool endpoint_fs_posix(long fs_type);
bool endpoint_fs_reflinks(long fs_type);
/* The rules the methods share: NULL when the end is fit, else the reason. */
const char *endpoint_why_untrusted(const struct endpoint *src);
const char *endpoint_why_not_kernel_dst(const struct endpoint *dst);

/* Holes in the first size bytes of fd, counting no further than limit. */
long endpoint_count_holes(int fd, off_t size, long limit);

#endif

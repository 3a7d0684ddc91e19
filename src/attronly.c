/* attronly.c: cp --attributes-only opens the destination as for a copy,
 * without O_TRUNC, and copies no data. */
#include "attronly.h"
#include "meta.h"
#include "sys.h"
#include "util.h"

int attronly_copy(struct cp_ctx *ctx, const struct cp_path *src, const struct stat *sst,
		  const struct cp_path *dst, bool exists)
{
	const struct cp_opts *o = ctx->o;
	struct stat dst_st;
	int src_fd, dst_fd, err;

	/* Opened all the same: the xattrs are read through it, and cp too
	 * fails on a source it cannot read. */
	src_fd = sys_openat(src->dirfd, src->name, O_RDONLY, 0);
	if (src_fd < 0) {
		util_error(src_fd, "cannot open %s for reading", util_quote(src->path));
		return src_fd;
	}
	dst_fd = exists ? sys_openat(dst->dirfd, dst->name, O_WRONLY, 0)
		 /* "name/" must be a directory: cp says so (dest_open too). */
		 : util_ends_in_slash(dst->name) ? -ENOTDIR
		 : sys_openat(dst->dirfd, dst->name, O_WRONLY | O_CREAT | O_EXCL,
			      o->preserve.mode_off ? 0666 : sst->st_mode & 0777);
	/* There, yet not to be opened: a dangling symlink, which cp does
	 * not write through. */
	if (dst_fd == -ENOENT && exists) {
		util_error(0, "not writing through dangling symlink %s", util_quote(dst->path));
		err = dst_fd;
		goto out_close_src;
	}
	if (dst_fd < 0) {
		util_error(dst_fd, "cannot create regular file %s", util_quote(dst->path));
		err = dst_fd;
		goto out_close_src;
	}
	if (!exists && sys_fstat(dst_fd, &dst_st) == 0)
		cp_remember(ctx, &dst_st, sst, dst->path);
	{
		struct meta_node ms = { .fd = src_fd, .path = src->path };
		struct meta_node md = { .fd = dst_fd, .path = dst->path };
		err = meta_apply(o, sst, &ms, &md, (mode_t)-1);
	}
	sys_close(dst_fd);
out_close_src:
	sys_close(src_fd);
	return err;
}

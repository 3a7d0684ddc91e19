/* links.h: -l and -s: make a link to the source instead of a copy. */
#ifndef ZCP_LINKS_H
#define ZCP_LINKS_H

#include "cp.h"

/* -s: a relative symlink is made only in the current directory: true
 * (*err -EINVAL) when dst is not there, found before anything is backed
 * up or removed; links_refuse then says so in cp's words. */
bool links_check(const struct cp_ctx *ctx, const struct cp_path *src, const struct cp_path *dst,
		 int *err);
void links_refuse(const struct cp_path *dst);

/*
 * Make dst a hard link (-l) or a symbolic link (-s) to src (links_check
 * passed), with cp's rules: -f replaces what is in the way. follow: -l
 * links what a symlink source points to. 0, or -errno after a message.
 */
int links_make(struct cp_ctx *ctx, const struct cp_path *src, const struct cp_path *dst,
	       bool follow);

/* dst exists: the link is made at a hidden name beside it and renamed
 * over it, as cp's force_linkat, so a failure leaves what was there.
 * Hard unless symbolic. 0 or -errno, nothing said. */
int links_replace(const struct cp_path *src, const struct cp_path *dst, bool symbolic, bool follow);

#endif

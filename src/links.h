/* links.h: -l and -s: make a link to the source instead of a copy. */
#ifndef ZCP_LINKS_H
#define ZCP_LINKS_H

#include "cp.h"

/*
 * Make dst a hard link (-l) or a symbolic link (-s) to src, with cp's
 * rules: a relative symlink only in the current directory, -f replaces
 * what is in the way. follow: -l links what a symlink source points to.
 * 0, or -errno after a message.
 */
int links_make(struct cp_ctx *ctx, const struct cp_path *src, const struct cp_path *dst,
	       bool follow);

#endif

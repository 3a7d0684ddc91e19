/* verify.h: --verify, a copy read back from storage and compared with
 * its source. */
#ifndef ZCP_VERIFY_H
#define ZCP_VERIFY_H

#include <stdbool.h>
#include <sys/types.h>

struct verify_result {
	off_t differ;		/* the first offset where they differ; -1: equal */
	bool src_failed;	/* the error was reading the source */
};

/* Flush the copy on dst_fd, drop its cached pages, read it back through
 * a descriptor of its own and compare it with src_fd from offset 0.
 * Returns 0 (a difference is r->differ, not an error) or -errno. */
int verify_copy(int src_fd, int dst_fd, struct verify_result *r);

#endif

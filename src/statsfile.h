/* statsfile.h: --stats and --stats-file, made and written around the copy. */
#ifndef ZCP_STATSFILE_H
#define ZCP_STATSFILE_H

#include "opts.h"

#include <stdbool.h>

/* The --stats-file, made or opened before any copy: a path that cannot
 * be written fails the run before it starts. The fd, or -1 after the
 * error. Its regular file is then kept from the copy (a->o.report_*); one
 * that was there (*deferred) is emptied only at the end (statsfile_place).
 * target: the directory the SOURCEs go into, or NULL; nsrc: the SOURCE
 * operands, first in a->ops. */
int statsfile_open(struct zcp_args *a, const char *target, int nsrc, bool *deferred);
/* Where the records of a deferred --stats-file wait: an unnamed file
 * beside it, or (-1) memory where there can be none. */
int statsfile_stand_in(const struct zcp_args *a);
/* At the end, before the report is written to fd: its name must still
 * lead to it, and a file that was there is written only if the copy did
 * not meet it. 0, or -1 after the error. */
int statsfile_place(const struct zcp_args *a, int fd, bool deferred);
/* The reports, --stats's to out and --stats-file's to file_fd (-1: none),
 * every call of theirs counted first. 0 or 1. */
int statsfile_report(const struct zcp_args *a, int out, int file_fd);

#endif

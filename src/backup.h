/* backup.h: --backup: move an existing destination out of the way. */
#ifndef ZCP_BACKUP_H
#define ZCP_BACKUP_H

#include "cp.h"

/* Parse a CONTROL word or an unambiguous prefix of one; -1 if it is none
 * of cp's, -2 if it is the prefix of more than one. */
int backup_parse(const char *word);
/* The name NAME's backup would take (malloc'd), NULL on no memory; cut
 * short, as cp does, where it would be too long. *noreplace (if not
 * NULL): a numbered name that was cut, which must not replace a file. */
char *backup_name(const struct cp_opts *o, int dirfd, const char *name, bool *noreplace);
/* Rename dst to its backup name (keep: link it there, dst stays); *name_out
 * (malloc'd) is that name as a path; *slot (if not NULL), the backup's in
 * the inflight table, recorded before the rename (-1 when it failed).
 * 0 or -errno. */
int backup_make(const struct cp_opts *o, const struct cp_path *dst, bool keep,
		char **name_out, int *slot);

#endif

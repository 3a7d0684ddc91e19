/* tally.h: the size of the trees to copy, counted a slice at a time
 * beside the copy (for --progress), never before it. */
#ifndef ZCP_TALLY_H
#define ZCP_TALLY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Count the regular files (the data files a copy counts) and their
 * bytes under the directories roots[0..n-1], following symbolic links
 * if follow; a file of several names counts once a name. One thread. */
void tally_begin(const char *const *roots, int n, bool follow);
/* Count until about ns nanoseconds have passed, or *stop is set.
 * Returns true when the count is complete (or abandoned: tally_total
 * then says -1). */
bool tally_step(long ns, atomic_uint *stop);
/* What was counted so far; *done: the whole of it. */
void tally_so_far(int64_t *bytes, int64_t *files, bool *done);

#endif

/* tally.h: the size of the trees to copy, counted a slice at a time
 * beside the copy (for --progress), never before it. */
#ifndef ZCP_TALLY_H
#define ZCP_TALLY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Count the regular files (the data files a copy counts) under the
 * directories roots[0..n-1], following symbolic links if follow, and
 * their bytes where that costs little beside their copy (tally.c); a file
 * of several names counts once a name. One thread. */
void tally_begin(const char *const *roots, int n, bool follow);
/* Count until about ns nanoseconds have passed, or *stop is set.
 * Returns true when the count is complete (or abandoned: tally_total
 * then says -1). */
bool tally_step(long ns, atomic_uint *stop);
/* What was counted so far: -1 for what is not to be had. */
struct tally_count {
	int64_t files, bytes;
	bool files_done, bytes_done;
};
void tally_so_far(struct tally_count *c);

#endif

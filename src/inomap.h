/* inomap.h: a map from (st_dev, st_ino) to a pointer, for hard links and
 * for the files and directories this run created. */
#ifndef ZCP_INOMAP_H
#define ZCP_INOMAP_H

#include <sys/types.h>

struct inomap_entry {
	dev_t dev;
	ino_t ino;
	void *value;
	int used;
};

struct inomap {
	struct inomap_entry *slots;
	size_t cap, len;
};

void *inomap_get(const struct inomap *m, dev_t dev, ino_t ino);
/* Insert or replace; the map keeps the pointer, it does not copy. */
void inomap_put(struct inomap *m, dev_t dev, ino_t ino, void *value);
void inomap_free(struct inomap *m, void (*free_value)(void *));

#endif

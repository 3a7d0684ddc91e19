/* inomap.c: open addressing, linear probing, grown at half full. */
#include "inomap.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>

static size_t inomap_hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9E3779B97F4A7C15ull ^ (uint64_t)dev * 0xC2B2AE3D27D4EB4Full;
	return (size_t)(h ^ (h >> 29));
}

static struct inomap_entry *inomap_slot(const struct inomap *m, dev_t dev, ino_t ino)
{
	size_t i = inomap_hash(dev, ino) & (m->cap - 1);

	while (m->slots[i].used && !(m->slots[i].dev == dev && m->slots[i].ino == ino))
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

void *inomap_get(const struct inomap *m, dev_t dev, ino_t ino)
{
	struct inomap_entry *e;

	if (!m->cap)
		return NULL;
	e = inomap_slot(m, dev, ino);
	return e->used ? e->value : NULL;
}

static void inomap_grow(struct inomap *m)
{
	struct inomap old = *m;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->slots = calloc(m->cap, sizeof(*m->slots));
	if (!m->slots) {
		util_nomem();
	}
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].used)
			*inomap_slot(m, old.slots[i].dev, old.slots[i].ino) = old.slots[i];
	free(old.slots);
}

void inomap_put(struct inomap *m, dev_t dev, ino_t ino, void *value)
{
	struct inomap_entry *e;

	if ((m->len + 1) * 2 > m->cap)
		inomap_grow(m);
	e = inomap_slot(m, dev, ino);
	if (!e->used)
		m->len++;
	*e = (struct inomap_entry){ .dev = dev, .ino = ino, .value = value, .used = 1 };
}

void inomap_free(struct inomap *m, void (*free_value)(void *))
{
	for (size_t i = 0; i < m->cap && free_value; i++)
		if (m->slots[i].used)
			free_value(m->slots[i].value);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->len = 0;
}

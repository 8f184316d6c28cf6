/*
 * arena.c - a bump allocator for objects that share one lifetime.
 *
 * A policy's names and tiers, or a portfolio's account ids, are allocated from an arena
 * and released together, which keeps loaders free of per-object cleanup paths.
 */
#include "base/prefix.h"

#include "base/base.h"

#include <string.h>

struct lc__arena_block {
    lc__arena_block *prev; /* older block */
    size_t used;           /* bytes handed out from data */
    size_t size;           /* capacity of data */
    max_align_t data[];    /* storage; max_align_t keeps every block aligned */
};

void lc__arena_init(lc__arena *a, size_t block_size)
{
    a->head = NULL;
    a->block_size = block_size < 256 ? 256 : block_size;
}

void *lc__arena_alloc(lc__arena *a, size_t n)
{
    n = (n + 7u) & ~(size_t)7u;
    lc__arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        /* Oversized requests get a block of their own so the current one is not wasted. */
        size_t size = n > a->block_size ? n : a->block_size;
        b = lc__malloc(sizeof(*b) + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        if (n > a->block_size && a->head) {
            b->prev = a->head->prev;
            a->head->prev = b;
        } else {
            b->prev = a->head;
            a->head = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

char *lc__arena_strndup(lc__arena *a, const char *s, size_t n)
{
    char *d = lc__arena_alloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

void lc__arena_free(lc__arena *a)
{
    lc__arena_block *b = a->head;
    while (b) {
        lc__arena_block *prev = b->prev;
        lc__free(b);
        b = prev;
    }
    a->head = NULL;
}

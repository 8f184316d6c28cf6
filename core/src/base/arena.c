/*
 * arena.c - a bump allocator for objects that share one lifetime.
 *
 * A policy's names and tiers, or a portfolio's account ids, are allocated from an arena
 * and released together, which keeps loaders free of per-object cleanup paths. An
 * evaluation reuses its arena round after round, and a plan rewinds its scratch space
 * when it is done, so both run without malloc once warm.
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
    a->big = NULL;
    a->spare = NULL;
    a->block_size = block_size < 256 ? 256 : block_size;
}

static lc__arena_block *new_block(size_t size)
{
    lc__arena_block *b = lc__malloc(sizeof(*b) + size);
    if (b) {
        b->size = size;
        b->used = 0;
    }
    return b;
}

void *lc__arena_alloc(lc__arena *a, size_t n)
{
    n = (n + 7u) & ~(size_t)7u;
    if (n > a->block_size) {
        /* A block of its own, so the current one is not wasted. */
        lc__arena_block *b = new_block(n);
        if (!b)
            return NULL;
        b->used = n;
        b->prev = a->big;
        a->big = b;
        return b->data;
    }
    lc__arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        if (a->spare) {
            b = a->spare;
            a->spare = b->prev;
            b->used = 0;
        } else if (!(b = new_block(a->block_size))) {
            return NULL;
        }
        b->prev = a->head;
        a->head = b;
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

lc__arena_mark lc__arena_save(const lc__arena *a)
{
    return (lc__arena_mark){a->head, a->big, a->head ? a->head->used : 0};
}

static void free_chain(lc__arena_block *b, const lc__arena_block *until)
{
    while (b != until) {
        lc__arena_block *prev = b->prev;
        lc__free(b);
        b = prev;
    }
}

void lc__arena_rewind(lc__arena *a, lc__arena_mark m)
{
    while (a->head != m.head) {
        lc__arena_block *b = a->head;
        a->head = b->prev;
        b->prev = a->spare;
        a->spare = b;
    }
    if (a->head)
        a->head->used = m.used;
    free_chain(a->big, m.big);
    a->big = m.big;
}

void lc__arena_reset(lc__arena *a)
{
    lc__arena_rewind(a, (lc__arena_mark){NULL, NULL, 0});
}

void lc__arena_free(lc__arena *a)
{
    free_chain(a->head, NULL);
    free_chain(a->big, NULL);
    free_chain(a->spare, NULL);
    a->head = a->big = a->spare = NULL;
}

/* Appends chain "c" to the front of *list, oldest block last. */
static void prepend_chain(lc__arena_block **list, lc__arena_block *c)
{
    if (!c)
        return;
    lc__arena_block *last = c;
    while (last->prev)
        last = last->prev;
    last->prev = *list;
    *list = c;
}

void lc__arena_adopt(lc__arena *a, lc__arena *from)
{
    /* Kept among the blocks of their own, which are never allocated from again: the
     * pointers into them live as long as "a". */
    prepend_chain(&a->big, from->head);
    prepend_chain(&a->big, from->big);
    free_chain(from->spare, NULL);
    from->head = from->big = from->spare = NULL;
}

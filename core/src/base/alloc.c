/*
 * alloc.c - the single allocation hook of the library.
 *
 * Every allocation levcal makes goes through lc__malloc and friends, which call the
 * function set by lc_set_allocator; tests install one that fails the Nth call.
 */
#include "base/prefix.h"

#include "base/base.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *default_alloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, size);
}

static lc_alloc_fn alloc_fn = default_alloc;
static void *alloc_ud;

void lc_set_allocator(lc_alloc_fn fn, void *ud)
{
    alloc_fn = fn ? fn : default_alloc;
    alloc_ud = fn ? ud : NULL;
}

void *lc__malloc(size_t n)
{
    /* A zero-size request would read as "free" to a realloc-shaped hook. */
    return alloc_fn(alloc_ud, NULL, n ? n : 1);
}

void *lc__calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = lc__malloc(count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *lc__realloc(void *p, size_t n)
{
    return alloc_fn(alloc_ud, p, n ? n : 1);
}

void *lc__grow_slow(void *v, size_t *cap, size_t size, size_t first)
{
    if (*cap > SIZE_MAX / 2 / size || first > SIZE_MAX / size)
        return NULL;
    size_t n = *cap ? 2 * *cap : first;
    void *nv = lc__realloc(v, n * size);
    if (nv)
        *cap = n;
    return nv;
}

void lc__free(void *p)
{
    if (p)
        alloc_fn(alloc_ud, p, 0);
}

char *lc__strndup(const char *s, size_t n)
{
    char *d = lc__malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *lc__strdup(const char *s)
{
    return lc__strndup(s, strlen(s));
}

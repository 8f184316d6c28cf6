/*
 * buf.c - a growable text buffer in memory, with a hard size cap.
 *
 * Canonical forms, digests' input and rewritten policies are built whole before anything
 * is written, so that a failure leaves no half-written output. Errors are sticky: after
 * one, appends do nothing and lc__buf_status says what went wrong.
 */
#include "base/prefix.h"

#include "base/base.h"

#include <stdio.h>
#include <string.h>

void lc__buf_init(lc__buf *b, size_t limit)
{
    memset(b, 0, sizeof(*b));
    b->limit = limit;
}

void lc__buf_free(lc__buf *b)
{
    lc__free(b->p);
    memset(b, 0, sizeof(*b));
}

static bool grow(lc__buf *b, size_t more)
{
    if (b->oom || b->toobig)
        return false;
    if (b->limit && more > b->limit - b->len) {
        b->toobig = true;
        return false;
    }
    size_t need = b->len + more + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = lc__realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void lc__buf_mem(lc__buf *b, const char *s, size_t n)
{
    if (!grow(b, n))
        return;
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void lc__buf_str(lc__buf *b, const char *s)
{
    lc__buf_mem(b, s, strlen(s));
}

void lc__buf_char(lc__buf *b, char c)
{
    lc__buf_mem(b, &c, 1);
}

void lc__buf_fill(lc__buf *b, char c, size_t n)
{
    if (!grow(b, n))
        return;
    memset(b->p + b->len, c, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void lc__buf_printf(lc__buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && grow(b, (size_t)n)) {
        vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

lc_status lc__buf_status(const lc__buf *b)
{
    if (b->oom)
        return LC_ENOMEM;
    return b->toobig ? LC_EINPUT : LC_OK;
}

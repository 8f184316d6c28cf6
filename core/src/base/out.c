/*
 * out.c - a buffered output sink for reports.
 *
 * Formatting a large report field by field through stdio costs a lock and a call per
 * field; writing into our own buffer and handing stdio a megabyte at a time does not.
 */
#include "base/prefix.h"

#include "base/base.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define OUT_CAP (1u << 20)

lc_status lc__out_init(lc__out *o, FILE *f)
{
    o->f = f;
    o->len = 0;
    o->cap = OUT_CAP;
    o->failed = false;
    o->oom = false;
    o->buf = lc__malloc(o->cap);
    return o->buf ? LC_OK : LC_ENOMEM;
}

lc_status lc__out_init_mem(lc__out *o, char *buf, size_t cap)
{
    o->f = NULL;
    o->len = 0;
    o->failed = false;
    o->oom = false;
    if (!buf || cap < OUT_CAP) {
        lc__free(buf);
        cap = OUT_CAP;
        buf = lc__malloc(cap);
    }
    o->buf = buf;
    o->cap = cap;
    return buf ? LC_OK : LC_ENOMEM;
}

lc_status lc__out_take(lc__out *o, char **buf, size_t *len, size_t *cap)
{
    *buf = o->buf;
    *len = o->len;
    *cap = o->cap;
    o->buf = NULL;
    o->len = o->cap = 0;
    return o->oom ? LC_ENOMEM : LC_OK;
}

/* A memory sink makes room instead: at least a full OUT_CAP free, as a FILE's flush
 * leaves, so that every caller's reserve holds. Out of memory, the text is dropped
 * from there on, as a failed write drops it. */
static void grow(lc__out *o)
{
    if (o->cap - o->len >= OUT_CAP)
        return;
    size_t cap = o->cap * 2;
    char *nb = o->failed ? NULL : lc__realloc(o->buf, cap);
    if (!nb) {
        o->failed = o->oom = true;
        o->len = 0;
        return;
    }
    o->buf = nb;
    o->cap = cap;
}

void lc__out_flush(lc__out *o)
{
    if (!o->f) {
        grow(o);
        return;
    }
    if (o->len && !o->failed && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->failed = true;
    o->len = 0;
}

void lc__out_write(lc__out *o, const char *s, size_t n)
{
    if (n < OUT_CAP || !o->f) {
        lc__out_mem(o, s, n);
        return;
    }
    lc__out_flush(o);
    /* A megabyte per write, as the buffer's own flushes: single writes of several into
     * a file's page cache were seen to cost the kernel up to five times as much. */
    while (n && !o->failed) {
        size_t k = n < OUT_CAP ? n : OUT_CAP;
        if (fwrite(s, 1, k, o->f) != k)
            o->failed = true;
        s += k;
        n -= k;
    }
}

lc_status lc__out_finish(lc__out *o)
{
    lc__out_flush(o);
    if (o->f && (fflush(o->f) != 0 || ferror(o->f)))
        o->failed = true;
    lc__free(o->buf);
    o->buf = NULL;
    if (o->oom)
        return LC_ENOMEM;
    return o->failed ? LC_EIO : LC_OK;
}

void lc__out_mem(lc__out *o, const char *s, size_t n)
{
    while (n) {
        if (o->len == o->cap)
            lc__out_flush(o);
        size_t k = o->cap - o->len < n ? o->cap - o->len : n;
        memcpy(o->buf + o->len, s, k);
        o->len += k;
        s += k;
        n -= k;
    }
}

void lc__out_str(lc__out *o, const char *s)
{
    lc__out_mem(o, s, strlen(s));
}

void lc__out_char_n(lc__out *o, char c)
{
    if (o->len == o->cap)
        lc__out_flush(o);
    o->buf[o->len++] = c;
}

void lc__out_num(lc__out *o, double v)
{
    if (!isfinite(v)) {
        lc__out_mem(o, "null", 4);
        return;
    }
    char *p = lc__out_reserve(o, 32);
    o->len += lc__dtoa(v, p);
}

/* Whether none of the 8 bytes in "w" needs escaping in a JSON string: no '"', no '\\',
 * nothing below 0x20. Each test is the "has a zero byte" trick, (x - 0x01..) & ~x &
 * 0x80.., which is exact for "any": a borrow only runs on from a byte that is itself a
 * match. Bytes from 0x80 up (UTF-8) pass, as they should. */
static bool clean8(uint64_t w)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), high = UINT64_C(0x8080808080808080);
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    return ((((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w)) & high) == 0;
}

void lc__out_json_str(lc__out *o, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = strlen(s), run = 0;
    /* Most strings (ids, markets, sentences) need no escape: checked a word at a time,
     * the tail padded with letters, and copied at once when the buffer has room. */
    if (o->cap - o->len >= n + 2) {
        bool clean = true;
        size_t i = 0;
        for (; clean && i + 8 <= n; i += 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            clean = clean8(w);
        }
        if (clean && i < n) {
            uint64_t w = UINT64_C(0x6161616161616161);
            memcpy(&w, s + i, n - i);
            clean = clean8(w);
        }
        if (clean) {
            char *p = o->buf + o->len;
            p[0] = '"';
            memcpy(p + 1, s, n);
            p[n + 1] = '"';
            o->len += n + 2;
            return;
        }
    }
    lc__out_char(o, '"');
    for (size_t i = 0; i < n;) {
        if (n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (clean8(w)) {
                i += 8;
                continue;
            }
        }
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        lc__out_mem(o, s + run, i - run);
        run = ++i;
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t k = 2;
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\t':
            esc[1] = 't';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            k = 6;
        }
        lc__out_mem(o, esc, k);
    }
    lc__out_mem(o, s + run, n - run);
    lc__out_char(o, '"');
}

void lc__out_printf(lc__out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = lc__out_reserve(o, 1024);
    int n = vsnprintf(p, 1024, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n < 1024 ? (size_t)n : 1023;
}

void lc__out_key_num_n(lc__out *o, const char *key, size_t len, double v)
{
    if (len > 64) {
        lc__out_mem(o, key, len);
        lc__out_num(o, v);
        return;
    }
    /* The report's usual field: room for the key and the number at once. */
    char *p = lc__out_reserve(o, len + LC__PUT_NUM_ROOM);
    o->len = (size_t)(lc__put_key_num(p, key, len, v, false) - o->buf);
}

void lc__out_key_str_n(lc__out *o, const char *key, size_t len, const char *s)
{
    lc__out_mem(o, key, len);
    if (s)
        lc__out_json_str(o, s);
    else
        lc__out_lit(o, "null");
}

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

void lc__out_flush(lc__out *o)
{
    if (o->len && !o->failed && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->failed = true;
    o->len = 0;
}

lc_status lc__out_finish(lc__out *o)
{
    lc__out_flush(o);
    if (fflush(o->f) != 0 || ferror(o->f))
        o->failed = true;
    lc__free(o->buf);
    o->buf = NULL;
    if (o->oom)
        return LC_ENOMEM;
    return o->failed ? LC_EIO : LC_OK;
}

char *lc__out_reserve(lc__out *o, size_t n)
{
    lc_assert(n < OUT_CAP);
    if (o->cap - o->len < n)
        lc__out_flush(o);
    return o->buf + o->len;
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

void lc__out_json_str(lc__out *o, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    lc__out_char(o, '"');
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        lc__out_mem(o, run, (size_t)(s - run));
        run = s + 1;
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t n = 2;
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
            n = 6;
        }
        lc__out_mem(o, esc, n);
    }
    lc__out_mem(o, run, (size_t)(s - run));
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
    if (!isfinite(v) || len > 64) {
        lc__out_mem(o, key, len);
        lc__out_num(o, v);
        return;
    }
    /* The report's usual field: room for the key and the number at once. */
    char *p = lc__out_reserve(o, len + 32);
    memcpy(p, key, len);
    o->len += len + lc__dtoa(v, p + len);
}

void lc__out_key_str_n(lc__out *o, const char *key, size_t len, const char *s)
{
    lc__out_mem(o, key, len);
    if (s)
        lc__out_json_str(o, s);
    else
        lc__out_lit(o, "null");
}

/*
 * comments.c - finding a YAML text's comments between libyaml's tokens.
 *
 * The scanner covers every scalar and indicator with a token; what lies between two
 * tokens is blanks, line breaks and comments. A block scalar's header line is inside its
 * token, so a comment after '|' or '>' is looked for there.
 */
#include "base/prefix.h"

#include "syntax/comments.h"

#include <string.h>
#include <yaml.h>

size_t lc__text_offset(const char *buf, size_t len, unsigned line, unsigned col)
{
    size_t i = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 && line == 1)
        i = 3;
    for (unsigned l = 1; l < line && i < len; i++)
        if (buf[i] == '\n')
            l++;
    for (unsigned c = 1; c < col && i < len && buf[i] != '\n'; c++) {
        i++;
        while (i < len && ((unsigned char)buf[i] & 0xC0) == 0x80)
            i++;
    }
    return i < len ? i : len;
}

typedef struct found {
    lc__arena *a;
    lc__comment *v;
    size_t n, cap;
    const char *buf;
    size_t len;
} found;

static lc_status add(found *f, size_t at)
{
    size_t end = at;
    while (end < f->len && f->buf[end] != '\n' && f->buf[end] != '\r')
        end++;
    while (end > at && (f->buf[end - 1] == ' ' || f->buf[end - 1] == '\t'))
        end--;
    size_t ls = at;
    while (ls > 0 && f->buf[ls - 1] != '\n')
        ls--;
    bool own = true;
    unsigned col = 1;
    for (size_t i = ls; i < at; i++) {
        if (f->buf[i] != ' ' && f->buf[i] != '\t' && !(i < 3 && (unsigned char)f->buf[i] >= 0x80))
            own = false;
        if (((unsigned char)f->buf[i] & 0xC0) != 0x80)
            col++;
    }
    unsigned line = 1;
    for (size_t i = 0; i < at; i++)
        if (f->buf[i] == '\n')
            line++;
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 16;
        lc__comment *v = lc__arena_alloc(f->a, cap * sizeof(*v));
        if (!v)
            return LC_ENOMEM;
        if (f->n)
            memcpy(v, f->v, f->n * sizeof(*v));
        f->v = v;
        f->cap = cap;
    }
    f->v[f->n++] = (lc__comment){line, col, f->buf + at, end - at, own};
    return LC_OK;
}

/* Every comment in buf[from, to): a '#' there can only start one. */
static lc_status gap(found *f, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        if (f->buf[i] != '#')
            continue;
        lc_status rc = add(f, i);
        if (rc)
            return rc;
        while (i < to && f->buf[i] != '\n')
            i++;
    }
    return LC_OK;
}

lc_status lc__yaml_comments(const char *buf, size_t len, lc__arena *a, lc__comment **pc,
                            size_t *pn)
{
    found f = {a, NULL, 0, 0, buf, len};
    *pc = NULL;
    *pn = 0;
    yaml_parser_t yp;
    if (!yaml_parser_initialize(&yp))
        return LC_ENOMEM;
    yaml_parser_set_input_string(&yp, (const unsigned char *)buf, len);
    size_t prev = 0;
    lc_status rc = LC_OK;
    for (;;) {
        yaml_token_t t;
        if (!yaml_parser_scan(&yp, &t)) {
            rc = yp.error == YAML_MEMORY_ERROR ? LC_ENOMEM : LC_EINPUT;
            break;
        }
        yaml_token_type_t type = t.type;
        size_t start = lc__text_offset(buf, len, (unsigned)t.start_mark.line + 1,
                                       (unsigned)t.start_mark.column + 1);
        size_t end = lc__text_offset(buf, len, (unsigned)t.end_mark.line + 1,
                                     (unsigned)t.end_mark.column + 1);
        bool block = type == YAML_SCALAR_TOKEN && (t.data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
                                                   t.data.scalar.style == YAML_FOLDED_SCALAR_STYLE);
        yaml_token_delete(&t);
        if (start > prev)
            rc = gap(&f, prev, start);
        if (rc == LC_OK && block) {
            /* The header line: '|' or '>', indicators, then perhaps " # comment". */
            size_t i = start + 1;
            while (i < len && buf[i] != '\n' && buf[i] != '#')
                i++;
            if (i < len && buf[i] == '#' && (buf[i - 1] == ' ' || buf[i - 1] == '\t'))
                rc = add(&f, i);
        }
        if (end > prev)
            prev = end;
        if (rc || type == YAML_STREAM_END_TOKEN)
            break;
    }
    yaml_parser_delete(&yp);
    if (rc == LC_OK && prev < len)
        rc = gap(&f, prev, len);
    *pc = f.v;
    *pn = f.n;
    return rc;
}

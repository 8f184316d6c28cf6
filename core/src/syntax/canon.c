/*
 * canon.c - the scalar resolver and the JSON Canonicalization Scheme (RFC 8785).
 *
 * A policy's digest must not move with key order, quoting, number spelling or anchors,
 * and must be recomputable by any JSON tool: so the tree is resolved to JSON data and
 * written in the one canonical JSON text RFC 8785 defines.
 */
#include "base/prefix.h"

#include "syntax/canon.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ==== Scalars =========================================================== */

static bool is(const lc__node *n, const char *w)
{
    return n->len == strlen(w) && memcmp(n->s, w, n->len) == 0;
}

lc__scalar_type lc__scalar_resolve(const lc__node *n, double *num, bool *b)
{
    if (n->quoted)
        return LC__SCALAR_STRING;
    if (n->len == 0 || is(n, "~") || is(n, "null") || is(n, "Null") || is(n, "NULL"))
        return LC__SCALAR_NULL;
    if (is(n, "true") || is(n, "True") || is(n, "TRUE")) {
        *b = true;
        return LC__SCALAR_BOOL;
    }
    if (is(n, "false") || is(n, "False") || is(n, "FALSE")) {
        *b = false;
        return LC__SCALAR_BOOL;
    }
    const char *s = n->s;
    size_t len = n->len;
    bool neg = false;
    if (len && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s++;
        len--;
    }
    if ((len == 4 && (!memcmp(s, ".inf", 4) || !memcmp(s, ".Inf", 4) || !memcmp(s, ".INF", 4)))) {
        *num = neg ? -(double)INFINITY : (double)INFINITY;
        return LC__SCALAR_NUMBER;
    }
    if (n->s == s && (is(n, ".nan") || is(n, ".NaN") || is(n, ".NAN"))) {
        *num = (double)NAN;
        return LC__SCALAR_NUMBER;
    }
    if (lc__parse_number(n->s, n->len, num))
        return LC__SCALAR_NUMBER;
    return LC__SCALAR_STRING;
}

/* ==== RFC 8785 ========================================================== */

/* The next UTF-16 code unit of UTF-8 text "*p", with "*low" holding the low surrogate
 * still owed for a character beyond the BMP. 0 at the end. */
static unsigned next_unit(const unsigned char **p, unsigned *low)
{
    if (*low) {
        unsigned u = *low;
        *low = 0;
        return u;
    }
    const unsigned char *s = *p;
    unsigned c = s[0];
    if (c == 0)
        return 0;
    unsigned cp;
    int n;
    if (c < 0x80) {
        cp = c;
        n = 1;
    } else if (c < 0xE0) {
        cp = c & 0x1F;
        n = 2;
    } else if (c < 0xF0) {
        cp = c & 0x0F;
        n = 3;
    } else {
        cp = c & 0x07;
        n = 4;
    }
    for (int i = 1; i < n && s[i]; i++)
        cp = (cp << 6) | (s[i] & 0x3F);
    int adv = 1;
    while (adv < n && s[adv])
        adv++;
    *p = s + adv;
    if (cp >= 0x10000) {
        cp -= 0x10000;
        *low = 0xDC00 + (cp & 0x3FF);
        return 0xD800 + (cp >> 10);
    }
    return cp;
}

int lc__utf16_cmp(const char *a, const char *b)
{
    const unsigned char *pa = (const unsigned char *)a, *pb = (const unsigned char *)b;
    unsigned la = 0, lb = 0;
    for (;;) {
        unsigned ua = next_unit(&pa, &la), ub = next_unit(&pb, &lb);
        if (ua != ub)
            return ua < ub ? -1 : 1;
        if (ua == 0)
            return 0;
    }
}

void lc__jcs_string(lc__buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    lc__buf_char(out, '"');
    size_t run = 0; /* start of the bytes not yet copied */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        lc__buf_mem(out, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            lc__buf_mem(out, "\\\"", 2);
            break;
        case '\\':
            lc__buf_mem(out, "\\\\", 2);
            break;
        case '\b':
            lc__buf_mem(out, "\\b", 2);
            break;
        case '\t':
            lc__buf_mem(out, "\\t", 2);
            break;
        case '\n':
            lc__buf_mem(out, "\\n", 2);
            break;
        case '\f':
            lc__buf_mem(out, "\\f", 2);
            break;
        case '\r':
            lc__buf_mem(out, "\\r", 2);
            break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            lc__buf_mem(out, u, 6);
        }
        }
    }
    lc__buf_mem(out, s + run, len - run);
    lc__buf_char(out, '"');
}

typedef struct writer {
    lc__jcs_skip_fn skip;
    void *ctx;
    lc__buf *out;
    const char *path[72]; /* keys from the root; the reader stops nesting at 64 */
    const char *file;
    lc_diags *d;
    lc_status rc;
} writer;

static void write_node(writer *w, const lc__node *n, size_t depth);

static void write_scalar(writer *w, const lc__node *n)
{
    double v = 0;
    bool b = false;
    switch (lc__scalar_resolve(n, &v, &b)) {
    case LC__SCALAR_NULL:
        lc__buf_mem(w->out, "null", 4);
        return;
    case LC__SCALAR_BOOL:
        lc__buf_str(w->out, b ? "true" : "false");
        return;
    case LC__SCALAR_NUMBER:
        if (isnan(v)) {
            lc__buf_str(w->out, "\".nan\"");
        } else if (isinf(v)) {
            lc__buf_str(w->out, v < 0 ? "\"-.inf\"" : "\".inf\"");
        } else {
            char nb[32];
            lc__buf_mem(w->out, nb, lc__dtoa(v, nb));
        }
        return;
    case LC__SCALAR_STRING:
        lc__jcs_string(w->out, n->s, n->len);
        return;
    }
}

/* One member of a mapping being written: its key text and where its value is. */
typedef struct member {
    const char *key;
    const lc__node *val;   /* NULL for the extra member */
    const char *raw;       /* the extra member's canonical JSON */
} member;

static int member_cmp(const void *a, const void *b)
{
    return lc__utf16_cmp(((const member *)a)->key, ((const member *)b)->key);
}

static void write_map(writer *w, const lc__node *n, size_t depth, const char *xkey,
                      const char *xjson)
{
    size_t nm = n->n / 2 + (xkey ? 1 : 0);
    member stack[32];
    member *m = nm <= 32 ? stack : lc__malloc(nm * sizeof(*m));
    if (!m) {
        w->rc = LC_ENOMEM;
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i + 1 < n->n; i += 2) {
        const lc__node *key = n->kids[i];
        if (key->kind != LC__NODE_SCALAR) {
            lc__diag_add(w->d, LC_SEV_ERROR, LC_DIAG_TYPE, w->file, key->line, key->col,
                         "expected a key (a string), got %s", lc__node_kind_name(key->kind));
            w->rc = LC_EINPUT;
            continue;
        }
        m[k++] = (member){key->s, n->kids[i + 1], NULL};
    }
    if (xkey)
        m[k++] = (member){xkey, NULL, xjson};
    qsort(m, k, sizeof(*m), member_cmp);
    lc__buf_char(w->out, '{');
    bool first = true;
    for (size_t i = 0; i < k && w->rc == LC_OK; i++) {
        w->path[depth] = m[i].key;
        if (m[i].val && w->skip && w->skip(w->ctx, w->path, depth + 1))
            continue;
        if (!first)
            lc__buf_char(w->out, ',');
        first = false;
        lc__jcs_string(w->out, m[i].key, strlen(m[i].key));
        lc__buf_char(w->out, ':');
        if (m[i].val)
            write_node(w, m[i].val, depth + 1);
        else
            lc__buf_str(w->out, m[i].raw);
    }
    lc__buf_char(w->out, '}');
    if (m != stack)
        lc__free(m);
}

static void write_node(writer *w, const lc__node *n, size_t depth)
{
    if (w->rc || lc__buf_status(w->out))
        return;
    if (depth >= LC_ARRAY_LEN(w->path) - 1) {
        w->rc = LC_EINPUT;
        return;
    }
    switch (n->kind) {
    case LC__NODE_SCALAR:
        write_scalar(w, n);
        return;
    case LC__NODE_SEQ:
        lc__buf_char(w->out, '[');
        bool first = true;
        for (size_t i = 0; i < n->n && w->rc == LC_OK; i++) {
            w->path[depth] = NULL;
            if (w->skip && w->skip(w->ctx, w->path, depth + 1))
                continue;
            if (!first)
                lc__buf_char(w->out, ',');
            first = false;
            write_node(w, n->kids[i], depth + 1);
        }
        lc__buf_char(w->out, ']');
        return;
    case LC__NODE_MAP:
        write_map(w, n, depth, NULL, NULL);
        return;
    }
}

lc_status lc__jcs_write(const lc__node *root, lc__jcs_skip_fn skip, void *ctx,
                        const char *extra_key, const char *extra_json, lc__buf *out,
                        const char *file, lc_diags *d)
{
    writer w = {skip, ctx, out, {0}, file, d, LC_OK};
    if (root && root->kind == LC__NODE_MAP)
        write_map(&w, root, 0, extra_key, extra_json);
    else if (root)
        write_node(&w, root, 0);
    else
        lc__buf_mem(out, "null", 4);
    if (w.rc)
        return w.rc;
    lc_status rc = lc__buf_status(out);
    if (rc == LC_EINPUT)
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_LIMIT, file, root ? root->line : 1,
                     root ? root->col : 1,
                     "the document expands beyond %zu bytes of canonical JSON (aliases?)",
                     out->limit);
    return rc;
}

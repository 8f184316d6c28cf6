/*
 * node.c - the document tree built from reader events, and typed access with errors.
 *
 * The tree lives in an arena owned by the caller. The typed accessors turn every type
 * mismatch into one located "expected X, got Y" record, so loaders only state intent.
 */
#include "base/prefix.h"

#include "syntax/node.h"
#include "syntax/reader_int.h"

#include <math.h>
#include <string.h>

/* ==== Tree building ===================================================== */

typedef struct anchor {
    const char *name;
    lc__node *node;
    struct anchor *next;
} anchor;

typedef struct builder {
    lc__reader *r;
    lc__arena *a;
    anchor *anchors;
    int depth;
} builder;

static lc_status build(builder *b, const lc__event *ev, lc__node **out);

static lc_status remember(builder *b, const char *name, lc__node *n)
{
    if (!name)
        return LC_OK;
    anchor *an = lc__arena_alloc(b->a, sizeof(*an));
    if (!an)
        return LC_ENOMEM;
    an->name = lc__arena_strndup(b->a, name, strlen(name));
    if (!an->name)
        return LC_ENOMEM;
    an->node = n;
    an->next = b->anchors;
    b->anchors = an;
    return LC_OK;
}

static lc_status build_children(builder *b, lc__node *n, lc__ev end)
{
    size_t cap = 0;
    lc__node **kids = NULL;
    lc_status rc = LC_OK;
    for (;;) {
        lc__event ev;
        if ((rc = lc__reader_next(b->r, &ev)) != LC_OK)
            break;
        if (ev.type == end) {
            n->end_line = ev.end_line;
            n->end_col = ev.end_col;
            break;
        }
        lc__node *kid;
        if ((rc = build(b, &ev, &kid)) != LC_OK)
            break;
        if (n->n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            lc__node **nk = lc__arena_alloc(b->a, ncap * sizeof(*nk));
            if (!nk) {
                rc = LC_ENOMEM;
                break;
            }
            if (n->n)
                memcpy(nk, kids, n->n * sizeof(*nk));
            kids = nk;
            cap = ncap;
        }
        kids[n->n++] = kid;
    }
    n->kids = kids;
    return rc;
}

static lc_status build(builder *b, const lc__event *ev, lc__node **out)
{
    if (ev->type == LC__EV_ALIAS) {
        for (anchor *an = b->anchors; an; an = an->next) {
            if (strcmp(an->name, ev->s) == 0) {
                *out = an->node;
                return LC_OK;
            }
        }
        lc__diag_add(b->r->diags, LC_SEV_ERROR, LC_DIAG_SYNTAX, b->r->file, ev->line, ev->col,
                     "alias '*%s' names no anchor defined before it", ev->s);
        return LC_EINPUT;
    }
    lc__node *n = lc__arena_alloc(b->a, sizeof(*n));
    if (!n)
        return LC_ENOMEM;
    memset(n, 0, sizeof(*n));
    n->line = ev->line;
    n->col = ev->col;
    n->end_line = ev->end_line;
    n->end_col = ev->end_col;
    n->flow = ev->flow;
    *out = n;
    lc_status rc = remember(b, ev->anchor, n);
    if (rc)
        return rc;
    if (ev->anchor && !(n->anchor = lc__arena_strndup(b->a, ev->anchor, strlen(ev->anchor))))
        return LC_ENOMEM;
    switch (ev->type) {
    case LC__EV_SCALAR:
        n->kind = LC__NODE_SCALAR;
        n->quoted = ev->quoted;
        n->s = lc__arena_strndup(b->a, ev->s, ev->len);
        n->len = ev->len;
        return n->s ? LC_OK : LC_ENOMEM;
    case LC__EV_MAP:
    case LC__EV_SEQ:
        if (++b->depth > 64) {
            lc__diag_add(b->r->diags, LC_SEV_ERROR, LC_DIAG_LIMIT, b->r->file, ev->line, ev->col,
                         "document nested deeper than 64 levels");
            return LC_EINPUT;
        }
        n->kind = ev->type == LC__EV_MAP ? LC__NODE_MAP : LC__NODE_SEQ;
        rc = build_children(b, n, ev->type == LC__EV_MAP ? LC__EV_MAP_END : LC__EV_SEQ_END);
        b->depth--;
        return rc;
    default:
        return LC_EINPUT;
    }
}

lc_status lc__node_parse(lc__reader *r, lc__arena *a, lc__node **proot)
{
    builder b = {r, a, NULL, 0};
    lc__event ev;
    *proot = NULL;
    lc_status rc = lc__reader_next(r, &ev);
    if (rc || ev.type == LC__EV_END)
        return rc;
    if ((rc = build(&b, &ev, proot)) != LC_OK)
        return rc;
    rc = lc__reader_next(r, &ev);
    return rc;
}

/* ==== Errors ============================================================ */

static void ld_vreport(lc__ld *ld, lc_severity sev, lc_diag_code code, unsigned line,
                       unsigned col, const char *fmt, va_list ap) LC_PRINTF(6, 0);

static void ld_vreport(lc__ld *ld, lc_severity sev, lc_diag_code code, unsigned line,
                       unsigned col, const char *fmt, va_list ap)
{
    if (sev == LC_SEV_ERROR)
        ld->n_errors++;
    if (lc__diag_vadd(ld->diags, sev, code, ld->file, line, col, fmt, ap) == LC_ENOMEM)
        ld->oom = true;
}

void lc__ld_error(lc__ld *ld, lc_diag_code code, unsigned line, unsigned col, const char *fmt,
                  ...)
{
    va_list ap;
    va_start(ap, fmt);
    ld_vreport(ld, LC_SEV_ERROR, code, line, col, fmt, ap);
    va_end(ap);
}

void lc__ld_warn(lc__ld *ld, lc_diag_code code, unsigned line, unsigned col, const char *fmt,
                 ...)
{
    va_list ap;
    va_start(ap, fmt);
    ld_vreport(ld, LC_SEV_WARNING, code, line, col, fmt, ap);
    va_end(ap);
}

const char *lc__node_kind_name(lc__node_kind k)
{
    switch (k) {
    case LC__NODE_MAP:
        return "a mapping";
    case LC__NODE_SEQ:
        return "a sequence";
    case LC__NODE_SCALAR:
        return "a scalar";
    }
    return "a node";
}

/* ==== Scalars =========================================================== */

#define SHOW(len) ((int)((len) > 40 ? 40 : (len)))

bool lc__scalar_number(lc__ld *ld, const char *s, size_t len, bool quoted, unsigned line,
                       unsigned col, double *out)
{
    double v;
    if (quoted) {
        if (lc__parse_number(s, len, &v))
            lc__ld_error(ld, LC_DIAG_TYPE, line, col, "expected a number, got the string \"%.*s\" (remove the quotes)",
                         SHOW(len), s);
        else
            lc__ld_error(ld, LC_DIAG_TYPE, line, col, "expected a number, got the string \"%.*s\"", SHOW(len), s);
        return false;
    }
    if (len == 0 || (len == 1 && s[0] == '~') || (len == 4 && memcmp(s, "null", 4) == 0)) {
        lc__ld_error(ld, LC_DIAG_TYPE, line, col, "expected a number, got nothing (null)");
        return false;
    }
    if (!lc__parse_number(s, len, &v)) {
        if (lc__is_nonfinite_word(s, len))
            lc__ld_error(ld, LC_DIAG_TYPE, line, col, "expected a finite number, got '%.*s'", SHOW(len), s);
        else
            lc__ld_error(ld, LC_DIAG_TYPE, line, col, "expected a number, got '%.*s'", SHOW(len), s);
        return false;
    }
    if (!isfinite(v)) {
        lc__ld_error(ld, LC_DIAG_TYPE, line, col, "expected a finite number, got '%.*s', which is out of range",
                     SHOW(len), s);
        return false;
    }
    *out = v;
    return true;
}

bool lc__scalar_string(lc__ld *ld, const char *s, size_t len, bool quoted, unsigned line,
                       unsigned col)
{
    if (!quoted && (len == 0 || (len == 1 && s[0] == '~') || (len == 4 && !memcmp(s, "null", 4)))) {
        lc__ld_error(ld, LC_DIAG_TYPE, line, col, "expected a string, got nothing (null)");
        return false;
    }
    if (memchr(s, '\0', len)) {
        lc__ld_error(ld, LC_DIAG_TYPE, line, col, "expected a string without NUL characters");
        return false;
    }
    return true;
}

bool lc__scalar_bool(lc__ld *ld, const char *s, size_t len, bool quoted, unsigned line,
                     unsigned col, bool *out)
{
    if (!quoted && len == 4 && memcmp(s, "true", 4) == 0) {
        *out = true;
        return true;
    }
    if (!quoted && len == 5 && memcmp(s, "false", 5) == 0) {
        *out = false;
        return true;
    }
    lc__ld_error(ld, LC_DIAG_TYPE, line, col, "expected true or false, got '%.*s'", SHOW(len), s);
    return false;
}

bool lc__node_expect(lc__ld *ld, const lc__node *n, lc__node_kind kind)
{
    if (n->kind == kind)
        return true;
    if (n->kind == LC__NODE_SCALAR)
        lc__ld_error(ld, LC_DIAG_VALUE, n->line, n->col, "expected %s, got '%.*s'", lc__node_kind_name(kind),
                     SHOW(n->len), n->s);
    else
        lc__ld_error(ld, LC_DIAG_VALUE, n->line, n->col, "expected %s, got %s", lc__node_kind_name(kind),
                     lc__node_kind_name(n->kind));
    return false;
}

bool lc__node_number(lc__ld *ld, const lc__node *n, double *out)
{
    if (n->kind != LC__NODE_SCALAR) {
        lc__ld_error(ld, LC_DIAG_TYPE, n->line, n->col, "expected a number, got %s", lc__node_kind_name(n->kind));
        return false;
    }
    return lc__scalar_number(ld, n->s, n->len, n->quoted, n->line, n->col, out);
}

bool lc__node_integer(lc__ld *ld, const lc__node *n, int64_t *out)
{
    double v;
    if (!lc__node_number(ld, n, &v))
        return false;
    if (v != floor(v) || fabs(v) > 9007199254740992.0) {
        lc__ld_error(ld, LC_DIAG_TYPE, n->line, n->col, "expected a whole number, got '%s'", n->s);
        return false;
    }
    *out = (int64_t)v;
    return true;
}

bool lc__node_string(lc__ld *ld, const lc__node *n, const char **out)
{
    if (n->kind != LC__NODE_SCALAR) {
        lc__ld_error(ld, LC_DIAG_TYPE, n->line, n->col, "expected a string, got %s", lc__node_kind_name(n->kind));
        return false;
    }
    if (!lc__scalar_string(ld, n->s, n->len, n->quoted, n->line, n->col))
        return false;
    *out = n->s;
    return true;
}

bool lc__node_bool(lc__ld *ld, const lc__node *n, bool *out)
{
    if (n->kind != LC__NODE_SCALAR) {
        lc__ld_error(ld, LC_DIAG_TYPE, n->line, n->col, "expected true or false, got %s",
                     lc__node_kind_name(n->kind));
        return false;
    }
    return lc__scalar_bool(ld, n->s, n->len, n->quoted, n->line, n->col, out);
}

/* ==== Mappings ========================================================== */

void lc__ld_unknown_key(lc__ld *ld, const char *k, unsigned line, unsigned col,
                        const lc__key *keys, size_t nkeys)
{
    const char *hint = nkeys ? lc__did_you_mean_in(k, &keys[0].name, nkeys, sizeof(*keys)) : NULL;
    if (hint) {
        lc__ld_error(ld, LC_DIAG_UNKNOWN_KEY, line, col, "unknown key '%s' (did you mean '%s'?)", k, hint);
        return;
    }
    char list[512];
    size_t off = 0, i = 0;
    list[0] = '\0';
    for (; i < nkeys && off + strlen(keys[i].name) + 40 < sizeof list; i++)
        off += (size_t)snprintf(list + off, sizeof list - off, "%s'%s'", i ? ", " : "",
                                keys[i].name);
    if (i < nkeys) /* say the list is cut, never cut it silently */
        snprintf(list + off, sizeof list - off, " and %zu more", nkeys - i);
    lc__ld_error(ld, LC_DIAG_UNKNOWN_KEY, line, col, "unknown key '%s'; expected one of %s", k, list);
}

bool lc__node_key_is_new(lc__ld *ld, const lc__node *m, size_t i, const char *what)
{
    const lc__node *k = m->kids[i];
    for (size_t j = 0; j < i; j += 2) {
        const lc__node *e = m->kids[j];
        if (e->kind == LC__NODE_SCALAR && k->kind == LC__NODE_SCALAR && strcmp(e->s, k->s) == 0) {
            lc__ld_error(ld, LC_DIAG_DUPLICATE, k->line, k->col,
                         "%s '%s' given twice (first at line %u)", what, k->s, e->line);
            return false;
        }
    }
    return true;
}

bool lc__node_map(lc__ld *ld, const lc__node *m, const lc__key *keys, size_t nkeys,
                  const lc__node **vals, const char *what)
{
    for (size_t i = 0; i < nkeys; i++)
        vals[i] = NULL;
    if (m->kind != LC__NODE_MAP) {
        if (m->kind == LC__NODE_SCALAR)
            lc__ld_error(ld, LC_DIAG_TYPE, m->line, m->col, "expected %s (a mapping), got '%.*s'", what,
                         SHOW(m->len), m->s);
        else
            lc__ld_error(ld, LC_DIAG_TYPE, m->line, m->col, "expected %s (a mapping), got %s", what,
                         lc__node_kind_name(m->kind));
        return false;
    }
    lc_assert(nkeys <= 32);
    const lc__node *keynode[32] = {0};
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const lc__node *k = m->kids[i];
        if (k->kind != LC__NODE_SCALAR) {
            lc__ld_error(ld, LC_DIAG_TYPE, k->line, k->col, "expected a key (a string), got %s",
                         lc__node_kind_name(k->kind));
            continue;
        }
        size_t j = 0;
        while (j < nkeys && strcmp(keys[j].name, k->s) != 0)
            j++;
        if (j == nkeys) {
            lc__ld_unknown_key(ld, k->s, k->line, k->col, keys, nkeys);
            continue;
        }
        if (vals[j]) {
            lc__ld_error(ld, LC_DIAG_DUPLICATE, k->line, k->col, "duplicate key '%s' (first given at line %u)", k->s,
                         keynode[j]->line);
            continue;
        }
        vals[j] = m->kids[i + 1];
        if (j < 32)
            keynode[j] = k;
    }
    for (size_t j = 0; j < nkeys; j++)
        if (keys[j].required && !vals[j])
            lc__ld_error(ld, LC_DIAG_MISSING, m->line, m->col, "%s is missing required key '%s'", what,
                         keys[j].name);
    return true;
}

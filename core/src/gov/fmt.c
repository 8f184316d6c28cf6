/*
 * fmt.c - the canonical text of a policy: `levcal fmt`.
 *
 * Two spellings of the same policy format to the same bytes: keys in the documented
 * order, one tier per line in flow style with aligned columns, two-space indents,
 * numbers in their shortest round-trip spelling, strings plain unless they must be
 * quoted. Comments, which the parser drops, are put back from their source positions:
 * a full-line comment above the node that followed it, a trailing one on its node's line.
 */
#include "base/prefix.h"

#include "gov/gov.h"
#include "syntax/canon.h"
#include "syntax/comments.h"
#include "syntax/reader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 100      /* lines are kept to this many columns where the content allows */
#define FOLD_WIDTH 92  /* a folded string's lines end by this column */

/* ==== The schema: key orders and forced styles ========================== */

typedef struct schema {
    const char *path;          /* '/'-joined keys from the root; '*' any key, '-' any item */
    const char *const *order;  /* NULL-terminated */
    char style;                /* 'f' always flow, 'b' always block, 0 as it fits */
} schema;

static const char *const o_root[] = {"levcal",  "policy",  "calibration", "models", "limits",
                                     "scripts", "markets", "deleveraging", "lint",  NULL};
static const char *const o_meta[] = {"id", "version", "owner", "description", "approvals", NULL};
static const char *const o_approval[] = {"by", "at", "digest", NULL};
static const char *const o_model[] = {"plugin", "version", "path", "params", NULL};
static const char *const o_limits[] = {"instructions", "memory_mib", NULL};
static const char *const o_script[] = {"path", "name", "params", "scripts_may_loosen", NULL};
static const char *const o_market[] = {"lot_size", "tiers_by", "tiers", "margin", "volatility",
                                       "script", "liquidity", NULL};
static const char *const o_margin[] = {"scheme", "base_imf", "maintenance_fraction", "oi_lower",
                                       "oi_upper", "factor", "maintenance_ratio", NULL};
static const char *const o_liquidity[] = {"adv", "sigma_1d", "impact_k", NULL};
static const char *const o_tier[] = {"cap", "max_leverage", "mmr", "maintenance_amount", NULL};
static const char *const o_vol[] = {"model", "history", "horizon", "confidence",
                                    "fallback_max_leverage", "gaps", NULL};
static const char *const o_delev[] = {"liquidation", "rules", "adl", NULL};
static const char *const o_liq[] = {"target", "fee_rate", "order", "step", "step_down_tiers", NULL};
static const char *const o_rule[] = {"name", "when", "action", "target", "fee_rate",
                                     "order", "step", "step_down_tiers", NULL};
static const char *const o_adl[] = {"ranking", NULL};
static const char *const o_lint[] = {"disable", NULL};

static const schema schemas[] = {
    {"", o_root, 'b'},
    {"policy", o_meta, 'b'},
    {"policy/approvals/-", o_approval, 'f'},
    {"calibration", NULL, 'b'},
    {"models", NULL, 'b'},
    {"models/*", o_model, 0},
    {"limits", o_limits, 'b'},
    {"scripts", NULL, 'b'},
    {"scripts/-", o_script, 0},
    {"markets", NULL, 'b'},
    {"markets/*", o_market, 'b'},
    {"markets/*/tiers", NULL, 'b'},
    {"markets/*/tiers/-", o_tier, 'f'},
    {"markets/*/volatility", o_vol, 0},
    {"markets/*/script", o_script, 0},
    {"markets/*/liquidity", o_liquidity, 0},
    {"markets/*/margin", o_margin, 0},
    {"deleveraging", o_delev, 'b'},
    {"deleveraging/liquidation", o_liq, 0},
    {"deleveraging/rules", NULL, 'b'},
    {"deleveraging/rules/-", o_rule, 0},
    {"deleveraging/adl", o_adl, 0},
    {"lint", o_lint, 'b'},
};

/* The path of the node being written: keys, or "-" for sequence items. */
typedef struct path {
    const char *seg[72];
    size_t n;
} path;

static bool path_is(const path *pt, const char *pattern)
{
    size_t i = 0;
    const char *p = pattern;
    if (!*p)
        return pt->n == 0;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (i >= pt->n)
            return false;
        bool star = len == 1 && *p == '*' && strcmp(pt->seg[i], "-") != 0;
        if (!star && (strlen(pt->seg[i]) != len || memcmp(pt->seg[i], p, len) != 0))
            return false;
        i++;
        p += len;
        if (*p == '/')
            p++;
    }
    return i == pt->n;
}

static const schema *schema_of(const path *pt)
{
    for (size_t i = 0; i < LC_ARRAY_LEN(schemas); i++)
        if (path_is(pt, schemas[i].path))
            return &schemas[i];
    return NULL;
}

/* ==== Output lines ====================================================== */

/* Each output line remembers the source position of the node that starts it, so that
 * comments can find their place once everything is written. */
typedef struct oline {
    size_t off;              /* where the line starts in the body */
    unsigned sline, scol;    /* the source node's position; 0 for none (aliases, folds) */
    unsigned indent;
} oline;

typedef struct fmt {
    lc__buf body;
    oline *lines;
    size_t n_lines, cap_lines;
    lc__comment *cm;
    size_t n_cm;
    const lc__node **done;   /* anchored nodes written so far (later ones are aliases) */
    size_t n_done, cap_done;
    lc_status rc;
} fmt;

static void new_line(fmt *f, const lc__node *src, unsigned indent)
{
    oline *l = lc__grow(f->lines, &f->cap_lines, f->n_lines, sizeof(*l), 64);
    if (!l) {
        f->rc = LC_ENOMEM;
        return;
    }
    f->lines = l;
    if (f->n_lines)
        lc__buf_char(&f->body, '\n');
    f->lines[f->n_lines++] =
        (oline){f->body.len, src ? src->line : 0, src ? src->col : 0, indent};
    lc__buf_fill(&f->body, ' ', indent);
}

/* True the first time an anchored node is written; later it is an alias. */
static bool first_time(fmt *f, const lc__node *n)
{
    for (size_t i = 0; i < f->n_done; i++)
        if (f->done[i] == n)
            return false;
    const lc__node **d = lc__grow(f->done, &f->cap_done, f->n_done, sizeof(*d), 8);
    if (!d) {
        f->rc = LC_ENOMEM;
        return true;
    }
    f->done = d;
    f->done[f->n_done++] = n;
    return true;
}

/* ==== Scalars =========================================================== */

static bool is_word(const char *s, size_t len, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == len && memcmp(*words, s, len) == 0)
            return true;
    return false;
}

/* Whether string "s" may be written plain and read back as the same string. */
static bool plain_ok(const char *s, size_t len, bool flow)
{
    static const char *const yaml11[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No",
                                         "NO", "on", "On", "ON", "off", "Off", "OFF", NULL};
    if (len == 0 || s[0] == ' ' || s[len - 1] == ' ' || s[len - 1] == ':')
        return false;
    if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) || (len >= 3 && !memcmp(s, "...", 3)))
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            return false;
        if (c == ':' && i + 1 < len && s[i + 1] == ' ')
            return false;
        if (c == '#' && s[i - 1] == ' ')
            return false;
        if (flow && strchr(",[]{}", c))
            return false;
    }
    if (is_word(s, len, yaml11))
        return false;
    lc__node probe = {.kind = LC__NODE_SCALAR, .s = s, .len = len};
    double v;
    bool b;
    return lc__scalar_resolve(&probe, &v, &b) == LC__SCALAR_STRING;
}

static void put_quoted(lc__buf *o, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    lc__buf_char(o, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            lc__buf_char(o, '\\');
            lc__buf_char(o, (char)c);
        } else if (c == '\n') {
            lc__buf_mem(o, "\\n", 2);
        } else if (c == '\t') {
            lc__buf_mem(o, "\\t", 2);
        } else if (c < 0x20 || c == 0x7f) {
            char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            lc__buf_mem(o, e, 4);
        } else {
            lc__buf_char(o, (char)c);
        }
    }
    lc__buf_char(o, '"');
}

/* A string's text, plain or double-quoted; keys are strings whatever they look like. */
void lc__fmt_string(lc__buf *o, const char *s, size_t len, bool flow)
{
    if (plain_ok(s, len, flow))
        lc__buf_mem(o, s, len);
    else
        put_quoted(o, s, len);
}

static void put_scalar(lc__buf *o, const lc__node *n, bool flow)
{
    double v = 0;
    bool b = false;
    switch (lc__scalar_resolve(n, &v, &b)) {
    case LC__SCALAR_NULL:
        lc__buf_str(o, "null");
        return;
    case LC__SCALAR_BOOL:
        lc__buf_str(o, b ? "true" : "false");
        return;
    case LC__SCALAR_NUMBER:
        if (isnan(v)) {
            lc__buf_str(o, ".nan");
        } else if (isinf(v)) {
            lc__buf_str(o, v < 0 ? "-.inf" : ".inf");
        } else {
            char nb[32];
            lc__buf_mem(o, nb, lc__dtoa(v, nb));
        }
        return;
    case LC__SCALAR_STRING:
        lc__fmt_string(o, n->s, n->len, flow);
        return;
    }
}

/* A long one-line string of single-spaced words folds into a '>-' block. */
static bool foldable(const lc__node *n)
{
    double v;
    bool b;
    if (lc__scalar_resolve(n, &v, &b) != LC__SCALAR_STRING || n->len == 0 || n->s[0] == ' ' ||
        n->s[n->len - 1] == ' ')
        return false;
    for (size_t i = 0; i < n->len; i++) {
        unsigned char c = (unsigned char)n->s[i];
        if (c < 0x20 || c == 0x7f || (c == ' ' && n->s[i + 1] == ' '))
            return false;
    }
    return true;
}

static void put_folded(fmt *f, const lc__node *n, unsigned indent)
{
    lc__buf_str(&f->body, ">-");
    const char *s = n->s, *end = n->s + n->len;
    size_t room = FOLD_WIDTH > indent + 20 ? FOLD_WIDTH - indent : 20;
    while (s < end) {
        new_line(f, NULL, indent);
        size_t used = 0;
        for (;;) {
            const char *sp = memchr(s, ' ', (size_t)(end - s));
            size_t w = sp ? (size_t)(sp - s) : (size_t)(end - s);
            if (used && used + 1 + w > room)
                break;
            if (used)
                lc__buf_char(&f->body, ' ');
            lc__buf_mem(&f->body, s, w);
            used += (used ? 1 : 0) + w;
            s += w;
            if (s == end)
                break;
            s++; /* the space: a line break in a folded block reads back as one */
        }
    }
}

/* ==== Styles ============================================================ */

/* Whether a comment lies inside node "n": such a node is written in block style, where
 * its comments keep their lines. */
static bool has_comment_inside(const fmt *f, const lc__node *n)
{
    for (size_t i = 0; i < f->n_cm; i++) {
        const lc__comment *c = &f->cm[i];
        bool after = c->line > n->line || (c->line == n->line && c->col > n->col);
        bool before = c->line < n->end_line || (c->line == n->end_line && c->col < n->end_col);
        if (after && before)
            return true;
    }
    return false;
}

/* Nesting depth of collections under n (0 for a scalar); -1 if it holds anchors. */
static int depth_of(const lc__node *n)
{
    if (n->kind == LC__NODE_SCALAR)
        return 0;
    int d = 0;
    for (size_t i = 0; i < n->n; i++) {
        const lc__node *k = n->kids[i];
        if (k->anchor)
            return -1;
        int kd = depth_of(k);
        if (kd < 0)
            return -1;
        if (kd > d)
            d = kd;
    }
    return d + 1;
}

static void put_node_flow(fmt *f, lc__buf *o, const lc__node *n, path *pt);

static void sort_keys(const lc__node *m, const schema *sc, size_t *idx);

static void put_map_flow(fmt *f, lc__buf *o, const lc__node *m, path *pt)
{
    size_t np = m->n / 2;
    size_t stack[64], *idx = np <= 64 ? stack : lc__malloc(np * sizeof(*idx));
    if (!idx) {
        f->rc = LC_ENOMEM;
        return;
    }
    sort_keys(m, schema_of(pt), idx);
    lc__buf_char(o, '{');
    for (size_t i = 0; i < np; i++) {
        const lc__node *k = m->kids[2 * idx[i]], *v = m->kids[2 * idx[i] + 1];
        if (i)
            lc__buf_str(o, ", ");
        lc__fmt_string(o, k->s, k->len, true);
        lc__buf_str(o, ": ");
        pt->seg[pt->n++] = k->s;
        put_node_flow(f, o, v, pt);
        pt->n--;
    }
    lc__buf_char(o, '}');
    if (idx != stack)
        lc__free(idx);
}

static void put_node_flow(fmt *f, lc__buf *o, const lc__node *n, path *pt)
{
    if (n->kind == LC__NODE_SCALAR) {
        put_scalar(o, n, true);
    } else if (n->kind == LC__NODE_MAP) {
        put_map_flow(f, o, n, pt);
    } else {
        lc__buf_char(o, '[');
        for (size_t i = 0; i < n->n; i++) {
            if (i)
                lc__buf_str(o, ", ");
            pt->seg[pt->n++] = "-";
            put_node_flow(f, o, n->kids[i], pt);
            pt->n--;
        }
        lc__buf_char(o, ']');
    }
}

/* The flow text of collection "n" if it is to be written in flow style at a line that
 * already holds "used" columns; NULL (block style) otherwise. Caller frees. */
static char *flow_text(fmt *f, const lc__node *n, path *pt, size_t used)
{
    const schema *sc = schema_of(pt);
    char style = sc ? sc->style : 0;
    if (n->n == 0)
        style = 'f'; /* {} and [] */
    if (style == 'b')
        return NULL;
    if (style != 'f') {
        int d = depth_of(n);
        if (d < 0 || d > 2 || has_comment_inside(f, n))
            return NULL;
    }
    lc__buf o = {0};
    put_node_flow(f, &o, n, pt);
    if (lc__buf_status(&o)) {
        f->rc = lc__buf_status(&o);
        lc__buf_free(&o);
        return NULL;
    }
    if (style != 'f' && used + o.len > WIDTH) {
        lc__buf_free(&o);
        return NULL;
    }
    return o.p;
}

/* ==== Block style ======================================================= */

static void put_block_map(fmt *f, const lc__node *m, path *pt, unsigned indent, bool inline_first);
static void put_block_seq(fmt *f, const lc__node *s, path *pt, unsigned indent, bool inline_first);

/* Orders the pairs of "m": the schema's keys in its order, then the rest as written. */
static void sort_keys(const lc__node *m, const schema *sc, size_t *idx)
{
    size_t np = m->n / 2, k = 0;
    if (sc && sc->order) {
        for (const char *const *o = sc->order; *o; o++)
            for (size_t i = 0; i < np; i++)
                if (strcmp(m->kids[2 * i]->s, *o) == 0)
                    idx[k++] = i;
    }
    for (size_t i = 0; i < np; i++) {
        bool known = false;
        if (sc && sc->order)
            for (const char *const *o = sc->order; *o && !known; o++)
                known = strcmp(m->kids[2 * i]->s, *o) == 0;
        if (!known)
            idx[k++] = i;
    }
}

/* Writes value "v" after "key: " or "- " on the current line (which is "used" wide). */
static void put_value(fmt *f, const lc__node *v, path *pt, unsigned indent, size_t used,
                      bool in_seq)
{
    if (v->anchor && !first_time(f, v)) {
        lc__buf_printf(&f->body, "*%s", v->anchor);
        return;
    }
    if (v->anchor) {
        lc__buf_printf(&f->body, "&%s", v->anchor);
        used += strlen(v->anchor) + 2;
        if (v->kind != LC__NODE_SCALAR) {
            char *ft = flow_text(f, v, pt, used);
            if (ft) {
                lc__buf_char(&f->body, ' ');
                lc__buf_str(&f->body, ft);
                lc__free(ft);
            } else if (v->kind == LC__NODE_MAP) {
                put_block_map(f, v, pt, indent + 2, false);
            } else {
                put_block_seq(f, v, pt, indent + 2, false);
            }
            return;
        }
        lc__buf_char(&f->body, ' ');
    }
    if (v->kind == LC__NODE_SCALAR) {
        lc__buf o = {0};
        put_scalar(&o, v, false);
        if (lc__buf_status(&o) != LC_OK) {
            f->rc = lc__buf_status(&o);
            lc__buf_free(&o);
            return;
        }
        if (used + o.len > WIDTH && foldable(v) && !in_seq && v->len > 40)
            put_folded(f, v, indent + 2);
        else if (o.p)
            lc__buf_mem(&f->body, o.p, o.len);
        lc__buf_free(&o);
        return;
    }
    char *ft = flow_text(f, v, pt, used);
    if (ft) {
        lc__buf_str(&f->body, ft);
        lc__free(ft);
        return;
    }
    if (v->kind == LC__NODE_MAP) {
        if (in_seq) {
            put_block_map(f, v, pt, indent + 2, true);
        } else {
            f->body.len--; /* "key: " becomes "key:" before a block below it */
            put_block_map(f, v, pt, indent + 2, false);
        }
    } else {
        if (in_seq) {
            put_block_seq(f, v, pt, indent + 2, true);
        } else {
            f->body.len--;
            put_block_seq(f, v, pt, indent + 2, false);
        }
    }
}

/* A tier table's cells padded to the widest of each column (among the cells that another
 * follows), so a table reads as one. */
static bool put_aligned_tiers(fmt *f, const lc__node *s, path *pt, unsigned indent)
{
    size_t w[8] = {0};
    for (size_t i = 0; i < s->n; i++) {
        const lc__node *t = s->kids[i];
        if (t->anchor || t->kind != LC__NODE_MAP || t->n / 2 > 8)
            return false;
    }
    pt->seg[pt->n++] = "-";
    const schema *sc = schema_of(pt);
    for (int pass = 0; pass < 2 && f->rc == LC_OK; pass++) {
        for (size_t i = 0; i < s->n; i++) {
            const lc__node *t = s->kids[i];
            size_t idx[8], np = t->n / 2;
            sort_keys(t, sc, idx);
            if (pass) {
                new_line(f, t, indent);
                lc__buf_str(&f->body, "- {");
            }
            for (size_t j = 0; j < np; j++) {
                lc__buf cell = {0};
                const lc__node *k = t->kids[2 * idx[j]], *v = t->kids[2 * idx[j] + 1];
                lc__fmt_string(&cell, k->s, k->len, true);
                lc__buf_str(&cell, ": ");
                pt->seg[pt->n++] = k->s;
                put_node_flow(f, &cell, v, pt);
                pt->n--;
                if (lc__buf_status(&cell)) {
                    f->rc = lc__buf_status(&cell);
                } else if (!pass) {
                    /* Only cells followed by another are padded: the last one ends the line. */
                    if (j + 1 < np && cell.len > w[j])
                        w[j] = cell.len;
                } else if (j + 1 < np) {
                    lc__buf_mem(&f->body, cell.p, cell.len);
                    lc__buf_char(&f->body, ',');
                    lc__buf_fill(&f->body, ' ', w[j] - cell.len + 1);
                } else {
                    lc__buf_mem(&f->body, cell.p, cell.len);
                }
                lc__buf_free(&cell);
            }
            if (pass)
                lc__buf_char(&f->body, '}');
        }
    }
    pt->n--;
    return true;
}

static void put_block_seq(fmt *f, const lc__node *s, path *pt, unsigned indent, bool inline_first)
{
    if (!inline_first && path_is(pt, "markets/*/tiers") && put_aligned_tiers(f, s, pt, indent))
        return;
    for (size_t i = 0; i < s->n && f->rc == LC_OK; i++) {
        const lc__node *v = s->kids[i];
        if (!(i == 0 && inline_first))
            new_line(f, v, indent);
        lc__buf_str(&f->body, "- ");
        pt->seg[pt->n++] = "-";
        put_value(f, v, pt, indent, indent + 2, true);
        pt->n--;
    }
}

static void put_block_map(fmt *f, const lc__node *m, path *pt, unsigned indent, bool inline_first)
{
    size_t np = m->n / 2;
    size_t stack[64], *idx = np <= 64 ? stack : lc__malloc(np * sizeof(*idx));
    if (!idx) {
        f->rc = LC_ENOMEM;
        return;
    }
    sort_keys(m, schema_of(pt), idx);
    for (size_t i = 0; i < np && f->rc == LC_OK; i++) {
        const lc__node *k = m->kids[2 * idx[i]], *v = m->kids[2 * idx[i] + 1];
        if (!(i == 0 && inline_first))
            new_line(f, k, indent);
        size_t before = f->body.len;
        lc__fmt_string(&f->body, k->s, k->len, false);
        lc__buf_str(&f->body, ": ");
        size_t used = indent + (f->body.len - before);
        pt->seg[pt->n++] = k->s;
        put_value(f, v, pt, indent, used, false);
        pt->n--;
    }
    if (idx != stack)
        lc__free(idx);
}

/* ==== Comments back in ================================================== */

static bool pos_before(unsigned l1, unsigned c1, unsigned l2, unsigned c2)
{
    return l1 < l2 || (l1 == l2 && c1 < c2);
}

/* The line a comment belongs with: for a full-line comment, the line of the first node
 * after it in the source; for a trailing one, the line of the last node that starts on
 * or before its line. n_lines when there is none (the end of the file). */
static size_t home_of(const fmt *f, const lc__comment *c)
{
    size_t best = f->n_lines;
    for (size_t i = 0; i < f->n_lines; i++) {
        const oline *l = &f->lines[i];
        if (!l->sline)
            continue;
        if (c->own_line) {
            if (pos_before(c->line, c->col, l->sline, l->scol) &&
                (best == f->n_lines || pos_before(l->sline, l->scol, f->lines[best].sline,
                                                  f->lines[best].scol)))
                best = i;
        } else if (l->sline <= c->line &&
                   (best == f->n_lines || pos_before(f->lines[best].sline, f->lines[best].scol,
                                                     l->sline, l->scol))) {
            best = i;
        }
    }
    return best;
}

static lc_status assemble(fmt *f, lc__buf *out)
{
    size_t *home = lc__malloc((f->n_cm + 1) * sizeof(*home));
    bool *trail_used = lc__calloc(f->n_lines + 1, sizeof(*trail_used));
    if (!home || !trail_used) {
        lc__free(home);
        lc__free(trail_used);
        return LC_ENOMEM;
    }
    for (size_t i = 0; i < f->n_cm; i++)
        home[i] = home_of(f, &f->cm[i]);
    /* A line gets one trailing comment; any more go above it. */
    bool *above = lc__calloc(f->n_cm + 1, sizeof(*above));
    if (!above) {
        lc__free(home);
        lc__free(trail_used);
        return LC_ENOMEM;
    }
    for (size_t i = 0; i < f->n_cm; i++) {
        if (f->cm[i].own_line || home[i] == f->n_lines)
            above[i] = true;
        else if (trail_used[home[i]])
            above[i] = true;
        else
            trail_used[home[i]] = true;
    }
    for (size_t li = 0; li <= f->n_lines; li++) {
        unsigned indent = li < f->n_lines ? f->lines[li].indent : 0;
        for (size_t i = 0; i < f->n_cm; i++) {
            if (home[i] != li || !above[i])
                continue;
            lc__buf_fill(out, ' ', indent);
            lc__buf_mem(out, f->cm[i].text, f->cm[i].len);
            lc__buf_char(out, '\n');
        }
        if (li == f->n_lines)
            break;
        size_t end = li + 1 < f->n_lines ? f->lines[li + 1].off - 1 : f->body.len;
        lc__buf_mem(out, f->body.p + f->lines[li].off, end - f->lines[li].off);
        for (size_t i = 0; i < f->n_cm; i++) {
            if (home[i] == li && !above[i]) {
                lc__buf_str(out, "  ");
                lc__buf_mem(out, f->cm[i].text, f->cm[i].len);
            }
        }
        lc__buf_char(out, '\n');
    }
    lc__free(home);
    lc__free(trail_used);
    lc__free(above);
    return lc__buf_status(out);
}

/* ==== Entry ============================================================= */

lc_status lc__fmt(const char *name, const char *buf, size_t len, lc__buf *out, lc_diags *d)
{
    lc__arena a;
    lc__arena_init(&a, 16384);
    fmt f;
    memset(&f, 0, sizeof f);
    lc__node *root = NULL;
    lc_status rc = lc__gov_parse(name, buf, len, &a, &root, d);
    if (rc == LC_OK)
        rc = lc__yaml_comments(buf, len, &a, &f.cm, &f.n_cm);
    if (rc == LC_OK && root) {
        path pt = {{0}, 0};
        if (root->kind == LC__NODE_MAP)
            put_block_map(&f, root, &pt, 0, false);
        rc = f.rc ? f.rc : lc__buf_status(&f.body);
    }
    if (rc == LC_OK)
        rc = assemble(&f, out);
    lc__buf_free(&f.body);
    lc__free(f.lines);
    lc__free(f.done);
    lc__arena_free(&a);
    return rc;
}

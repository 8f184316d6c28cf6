/*
 * build.c - the markets a venue's reader found, and the policy text they make.
 */
#include "base/prefix.h"

#include "gov/gov.h"
#include "venue/venue.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool lc__v_wanted(lc__vctx *c, const char *name)
{
    if (!c->want)
        return true;
    for (size_t i = 0; i < c->n_want; i++)
        if (strcmp(c->want[i], name) == 0) {
            c->seen[i] = true;
            return true;
        }
    return false;
}

lc__vmarket *lc__v_market(lc__vctx *c, const char *name)
{
    lc__vmarket *m = lc__grow(c->m, &c->cap, c->n, sizeof(*m), 16);
    if (!m) {
        c->rc = LC_ENOMEM;
        return NULL;
    }
    c->m = m;
    m = &c->m[c->n];
    memset(m, 0, sizeof(*m));
    if (!(m->name = lc__arena_strndup(&c->arena, name, strlen(name)))) {
        c->rc = LC_ENOMEM;
        return NULL;
    }
    c->n++;
    return m;
}

bool lc__v_tier(lc__vctx *c, lc__vmarket *m, const lc__vtier *t)
{
    const lc__vtier *p = m->n_tiers ? &m->tiers[m->n_tiers - 1] : NULL;
    const lc__node *at_mmr = t->at_mmr ? t->at_mmr : t->at_lev;
    char a[40];
    const char *err = NULL;
    const lc__node *at = NULL;
    if (!(t->lev >= 1)) {
        err = "expected a max leverage of at least 1";
        at = t->at_lev;
    } else if (!(t->mmr > 0) || !(t->mmr * t->lev < 1)) {
        err = "expected a maintenance rate above 0 and below 1/max leverage";
        at = at_mmr;
    } else if (p && !(t->cap > p->cap)) {
        err = "expected a cap above the previous tier's";
        at = t->at_cap;
    } else if (p && t->lev > p->lev) {
        err = "expected a max leverage of at most the previous tier's";
        at = t->at_lev;
    } else if (p && t->mmr < p->mmr) {
        err = "expected a maintenance rate of at least the previous tier's";
        at = at_mmr;
    }
    if (err) {
        lc__ld_error(&c->ld, LC_DIAG_VALUE, at ? at->line : 0, at ? at->col : 0,
                     "%s: %s tier %zu has %s", err, m->name, m->n_tiers + 1,
                     at == t->at_lev ? t->lev_s
                     : at == t->at_cap ? (isinf(t->cap) ? "no cap" : t->cap_s)
                                       : lc__numstr(t->mmr, a));
        return false;
    }
    if (m->n_tiers == m->cap_tiers) {
        size_t cap = m->cap_tiers ? 2 * m->cap_tiers : 8;
        lc__vtier *v = lc__arena_alloc(&c->arena, cap * sizeof(*v));
        if (!v) {
            c->rc = LC_ENOMEM;
            return false;
        }
        if (m->n_tiers)
            memcpy(v, m->tiers, m->n_tiers * sizeof(*v));
        m->tiers = v;
        m->cap_tiers = cap;
    }
    m->tiers[m->n_tiers++] = *t;
    return true;
}

const lc__node *lc__v_get(lc__vctx *c, const lc__node *obj, const char *key, const char *what)
{
    const lc__node *v = lc__gov_get(obj, key, NULL);
    if (!v)
        lc__ld_error(&c->ld, LC_DIAG_MISSING, obj->line, obj->col,
                     "expected key '%s' in %s", key, what);
    return v;
}

bool lc__v_expect(lc__vctx *c, const lc__node *n, lc__node_kind kind, const char *what)
{
    if (n->kind == kind)
        return true;
    static const char *const kinds[] = {"a scalar", "an object", "an array"};
    lc__ld_error(&c->ld, LC_DIAG_TYPE, n->line, n->col, "expected %s, got %s", what,
                 kinds[n->kind]);
    return false;
}

bool lc__v_num(lc__vctx *c, const lc__node *n, const char *what, double *x, char *text)
{
    if (n->kind != LC__NODE_SCALAR) {
        lc__v_expect(c, n, LC__NODE_SCALAR, what);
        return false;
    }
    /* Quoted or not, the text must be a plain finite decimal: "100.00", 0.004, 2e7. */
    char *end;
    double v = n->len && n->len < 40 ? strtod(n->s, &end) : 0;
    if (!n->len || n->len >= 40 || *end || !isfinite(v) || n->s[0] == '+' ||
        strpbrk(n->s, "xXnNiI ")) {
        lc__ld_error(&c->ld, LC_DIAG_TYPE, n->line, n->col, "expected %s (a number%s), got %s%.*s%s",
                     what, n->quoted ? " in a string" : "", n->quoted ? "\"" : "",
                     (int)(n->len > 40 ? 40 : n->len), n->s, n->quoted ? "\"" : "");
        return false;
    }
    *x = v;
    if (text)
        lc__v_numtext(v, false, text);
    return true;
}

void lc__v_numtext(double x, bool product, char *out)
{
    if (product && x != 0 && isfinite(x)) {
        char t[40];
        snprintf(t, sizeof t, "%.12g", x);
        x = strtod(t, NULL);
    }
    lc__numstr(x, out);
}

static void str(lc__buf *o, const char *s)
{
    lc__fmt_string(o, s, strlen(s), false);
}

lc_status lc__v_write(const lc__vctx *c, const char *id, const char *owner, const char *desc,
                      lc__buf *o)
{
    lc__buf_str(o, "levcal: 1\npolicy:\n  id: ");
    str(o, id);
    lc__buf_str(o, "\n  version: 1\n  owner: ");
    str(o, owner);
    lc__buf_str(o, "\n  description: ");
    str(o, desc);
    lc__buf_str(o, "\nmarkets:\n");
    for (size_t i = 0; i < c->n; i++) {
        const lc__vmarket *m = &c->m[i];
        lc__buf_str(o, "  ");
        str(o, m->name);
        lc__buf_str(o, ":\n");
        if (m->lot_s[0])
            lc__buf_printf(o, "    lot_size: %s\n", m->lot_s);
        if (m->oi_scheme) {
            lc__buf_printf(o, "    margin: {scheme: open_interest, base_imf: %s, "
                              "maintenance_fraction: %s, oi_lower: %s, oi_upper: %s}\n",
                           m->base_imf, m->mfrac, m->oi_lower, m->oi_upper);
            continue;
        }
        if (m->by_quantity)
            lc__buf_str(o, "    tiers_by: quantity\n");
        lc__buf_str(o, "    tiers:\n");
        for (size_t t = 0; t < m->n_tiers; t++) {
            const lc__vtier *v = &m->tiers[t];
            lc__buf_printf(o, "      - {cap: %s, max_leverage: %s, mmr: %s}\n",
                           isinf(v->cap) ? ".inf" : v->cap_s, v->lev_s, v->mmr_s);
        }
    }
    return lc__buf_status(o);
}

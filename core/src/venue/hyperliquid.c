/*
 * hyperliquid.c - Hyperliquid: POST /info {"type": "meta"}, {universe: [{name,
 * szDecimals, maxLeverage, marginTableId}], marginTables: [[id, {description,
 * marginTiers: [{lowerBound, maxLeverage}]}]]} (or metaAndAssetCtxs, whose first element
 * is that object). Each asset's margin table becomes notional tiers, a tier's cap the
 * next one's lowerBound and the last one unbounded, with maintenance at half the initial
 * margin rate at the tier's max leverage: mmr = 1 / (2 x maxLeverage), as Hyperliquid
 * documents. A table id below 50 that the response does not list is a single tier at that
 * leverage. The lot size is 10^-szDecimals.
 */
#include "base/prefix.h"

#include "venue/venue.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Table "id" of the response's marginTables, or NULL. */
static const lc__node *table(lc__vctx *c, const lc__node *tables, double id)
{
    for (size_t i = 0; tables && i < tables->n; i++) {
        const lc__node *e = tables->kids[i];
        double k;
        if (!lc__v_expect(c, e, LC__NODE_SEQ, "a margin table entry ([id, table])"))
            return NULL;
        if (e->n != 2) {
            lc__ld_error(&c->ld, LC_DIAG_VALUE, e->line, e->col,
                         "expected a margin table entry as [id, table], got %zu elements", e->n);
            return NULL;
        }
        if (lc__v_num(c, e->kids[0], "a margin table id", &k, NULL) && k == id)
            return e->kids[1];
    }
    return NULL;
}

static void set_mmr(lc__vtier *v)
{
    v->mmr = 1 / (2 * v->lev);
    lc__v_numtext(v->mmr, false, v->mmr_s);
}

static void asset(lc__vctx *c, const lc__node *a, const lc__node *tables)
{
    if (!lc__v_expect(c, a, LC__NODE_MAP, "an asset of the universe (an object)"))
        return;
    const lc__node *name = lc__v_get(c, a, "name", "an asset");
    const lc__node *lev = lc__v_get(c, a, "maxLeverage", "an asset");
    const lc__node *tid = lc__gov_get(a, "marginTableId", NULL);
    const lc__node *szd = lc__gov_get(a, "szDecimals", NULL);
    double max_lev, id = (double)NAN, dec = (double)NAN;
    if (!name || !lev || !lc__v_expect(c, name, LC__NODE_SCALAR, "the asset's name (a string)") ||
        !lc__v_num(c, lev, "maxLeverage", &max_lev, NULL) ||
        (tid && !lc__v_num(c, tid, "marginTableId", &id, NULL)) ||
        (szd && !lc__v_num(c, szd, "szDecimals", &dec, NULL)))
        return;
    if (!lc__v_wanted(c, name->s))
        return;
    const lc__node *tb = tid ? table(c, tables, id) : NULL;
    if (c->ld.n_errors)
        return;
    lc__vmarket *m = lc__v_market(c, name->s);
    if (!m)
        return;
    if (!isnan(dec) && dec >= 0 && dec <= 15 && dec == floor(dec))
        lc__v_numtext(pow(10, -dec), true, m->lot_s);
    lc__vtier v;
    memset(&v, 0, sizeof v);
    v.cap = (double)INFINITY;
    v.lev = max_lev;
    v.at_lev = tid ? tid : lev;
    if (!tb) {
        if (tid && !(id < 50)) {
            lc__ld_error(&c->ld, LC_DIAG_REFERENCE, tid->line, tid->col,
                         "%s names margin table %s, which 'marginTables' does not list",
                         name->s, tid->s);
            return;
        }
        /* A flat table: one tier at its id's leverage, never above the asset's own. */
        if (tid && id < max_lev)
            v.lev = id;
        lc__v_numtext(v.lev, false, v.lev_s);
        set_mmr(&v);
        lc__v_tier(c, m, &v);
        return;
    }
    const lc__node *tiers;
    if (!lc__v_expect(c, tb, LC__NODE_MAP, "a margin table (an object)") ||
        !(tiers = lc__v_get(c, tb, "marginTiers", "a margin table")) ||
        !lc__v_expect(c, tiers, LC__NODE_SEQ, "'marginTiers' (an array)"))
        return;
    if (tiers->n == 0) {
        lc__ld_error(&c->ld, LC_DIAG_MISSING, tiers->line, tiers->col, "expected at least one margin tier");
        return;
    }
    for (size_t i = 0; i < tiers->n; i++) {
        const lc__node *t = tiers->kids[i], *lb, *tl;
        double lower;
        if (!lc__v_expect(c, t, LC__NODE_MAP, "a margin tier (an object)") ||
            !(lb = lc__v_get(c, t, "lowerBound", "a margin tier")) ||
            !(tl = lc__v_get(c, t, "maxLeverage", "a margin tier")) ||
            !lc__v_num(c, lb, "lowerBound", &lower, NULL) ||
            !lc__v_num(c, tl, "maxLeverage", &v.lev, v.lev_s))
            return;
        v.at_lev = tl;
        v.at_cap = lb;
        if (i == 0 && lower != 0) {
            lc__ld_error(&c->ld, LC_DIAG_VALUE, lb->line, lb->col,
                         "expected the first margin tier's lowerBound 0, got %s", lb->s);
            return;
        }
        if (i) {
            /* This tier's lower bound is the previous tier's cap. */
            lc__vtier *p = &m->tiers[m->n_tiers - 1];
            if (!(lower > (i > 1 ? m->tiers[m->n_tiers - 2].cap : 0))) {
                lc__ld_error(&c->ld, LC_DIAG_VALUE, lb->line, lb->col,
                             "expected margin tiers in rising lowerBound, got %s", lb->s);
                return;
            }
            p->cap = lower;
            lc__v_numtext(lower, false, p->cap_s);
        }
        v.cap = (double)INFINITY;
        set_mmr(&v);
        if (!lc__v_tier(c, m, &v))
            return;
    }
}

void lc__import_hyperliquid(lc__vctx *c, lc__vfile *f, size_t n)
{
    c->ld.file = f[0].name;
    if (n != 1) {
        lc__ld_error(&c->ld, LC_DIAG_VALUE, 0, 0, "hyperliquid takes one file (meta), got %zu", n);
        return;
    }
    const lc__node *r = f[0].root, *uni, *tables;
    if (r->kind == LC__NODE_SEQ && r->n) /* metaAndAssetCtxs: [meta, contexts] */
        r = r->kids[0];
    if (!lc__v_expect(c, r, LC__NODE_MAP, "the meta response (an object)") ||
        !(uni = lc__v_get(c, r, "universe", "the meta response")) ||
        !lc__v_expect(c, uni, LC__NODE_SEQ, "'universe' (an array)"))
        return;
    tables = lc__gov_get(r, "marginTables", NULL);
    if (tables && !lc__v_expect(c, tables, LC__NODE_SEQ, "'marginTables' (an array)"))
        return;
    for (size_t i = 0; i < uni->n && c->rc == LC_OK && !c->ld.n_errors; i++)
        asset(c, uni->kids[i], tables);
}

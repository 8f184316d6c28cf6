/*
 * bybit.c - Bybit v5: GET /v5/market/risk-limit, {retCode, result: {category, list:
 * [{id, symbol, riskLimitValue, maintenanceMargin, initialMargin, isLowestRisk,
 * maxLeverage, mmDeduction}]}}, every number a string. Each symbol's risk limits become
 * notional tiers in the order of their riskLimitValue; mmDeduction is checked like
 * Binance's cum.
 */
#include "base/prefix.h"

#include "venue/venue.h"

#include <math.h>
#include <string.h>

static lc__vmarket *find(lc__vctx *c, const char *name, size_t first)
{
    for (size_t i = first; i < c->n; i++)
        if (strcmp(c->m[i].name, name) == 0)
            return &c->m[i];
    return NULL;
}

/* The maintenance amount derived for a tier appended to "m" with rate "mmr". */
static double derived(const lc__vmarket *m, double mmr)
{
    double cum = 0;
    for (size_t i = 1; i <= m->n_tiers; i++) {
        double r = i < m->n_tiers ? m->tiers[i].mmr : mmr;
        cum += m->tiers[i - 1].cap * (r - m->tiers[i - 1].mmr);
        if (fabs(cum) < 1e9)
            cum = round(cum * 1e6) / 1e6;
    }
    return cum;
}

void lc__import_bybit(lc__vctx *c, lc__vfile *f, size_t n)
{
    c->ld.file = f[0].name;
    if (n != 1) {
        lc__ld_error(&c->ld, LC_DIAG_VALUE, 0, 0, "bybit takes one file (risk-limit), got %zu", n);
        return;
    }
    const lc__node *r = f[0].root, *res, *list;
    if (!lc__v_expect(c, r, LC__NODE_MAP, "the risk-limit response (an object)") ||
        !(res = lc__v_get(c, r, "result", "the risk-limit response")) ||
        !lc__v_expect(c, res, LC__NODE_MAP, "'result' (an object)") ||
        !(list = lc__v_get(c, res, "list", "'result'")) ||
        !lc__v_expect(c, list, LC__NODE_SEQ, "'list' (an array)"))
        return;
    size_t first = c->n;
    char a[40], b[40];
    for (size_t i = 0; i < list->n && c->rc == LC_OK; i++) {
        const lc__node *t = list->kids[i];
        if (!lc__v_expect(c, t, LC__NODE_MAP, "a risk limit (an object)"))
            return;
        const lc__node *sym = lc__v_get(c, t, "symbol", "a risk limit");
        const lc__node *cap = lc__v_get(c, t, "riskLimitValue", "a risk limit");
        const lc__node *mmr = lc__v_get(c, t, "maintenanceMargin", "a risk limit");
        const lc__node *lev = lc__v_get(c, t, "maxLeverage", "a risk limit");
        const lc__node *ded = lc__gov_get(t, "mmDeduction", NULL);
        if (!sym || !cap || !mmr || !lev ||
            !lc__v_expect(c, sym, LC__NODE_SCALAR, "the symbol (a string)"))
            return;
        lc__vtier v;
        memset(&v, 0, sizeof v);
        v.at_cap = cap, v.at_lev = lev, v.at_mmr = mmr;
        if (!lc__v_num(c, cap, "riskLimitValue", &v.cap, v.cap_s) ||
            !lc__v_num(c, mmr, "maintenanceMargin", &v.mmr, v.mmr_s) ||
            !lc__v_num(c, lev, "maxLeverage", &v.lev, v.lev_s))
            return;
        if (!lc__v_wanted(c, sym->s))
            continue;
        lc__vmarket *m = find(c, sym->s, first);
        if (!m && !(m = lc__v_market(c, sym->s)))
            return;
        if (m->n_tiers && !(v.cap > m->tiers[m->n_tiers - 1].cap)) {
            lc__ld_error(&c->ld, LC_DIAG_VALUE, cap->line, cap->col,
                         "expected %s's risk limits in rising riskLimitValue; %s follows %s",
                         sym->s, cap->s, lc__numstr(m->tiers[m->n_tiers - 1].cap, a));
            return;
        }
        double given, cum = derived(m, v.mmr);
        if (ded && !(ded->kind == LC__NODE_SCALAR && ded->len == 0) &&
            lc__v_num(c, ded, "mmDeduction", &given, NULL) &&
            fabs(given - cum) > 1e-9 * (fabs(cum) > 1 ? fabs(cum) : 1))
            lc__ld_warn(&c->ld, LC_DIAG_VALUE, ded->line, ded->col,
                        "%s risk limit %zu gives mmDeduction %s; derived from the caps and rates "
                        "it is %s, which the policy uses", sym->s, m->n_tiers + 1, ded->s,
                        lc__numstr(cum, b));
        if (!lc__v_tier(c, m, &v))
            return;
    }
}

/*
 * binance.c - Binance USDⓈ-M futures: GET /fapi/v1/leverageBracket, an array of
 * {symbol, brackets: [{bracket, initialLeverage, notionalCap, notionalFloor,
 * maintMarginRatio, cum}]} (one object without the array when a symbol was asked for).
 * Brackets become notional tiers; each "cum" is checked against the amount derived from
 * the caps and rates, and a mismatch is reported, never copied.
 */
#include "base/prefix.h"

#include "rules/rules.h"
#include "venue/venue.h"

#include <math.h>
#include <string.h>

static void symbol(lc__vctx *c, const lc__node *s)
{
    if (!lc__v_expect(c, s, LC__NODE_MAP, "a symbol's brackets (an object)"))
        return;
    const lc__node *name = lc__v_get(c, s, "symbol", "a symbol's brackets");
    const lc__node *br = lc__v_get(c, s, "brackets", "a symbol's brackets");
    if (!name || !br || !lc__v_expect(c, name, LC__NODE_SCALAR, "the symbol (a string)") ||
        !lc__v_expect(c, br, LC__NODE_SEQ, "'brackets' (an array)"))
        return;
    if (!lc__v_wanted(c, name->s))
        return;
    if (br->n == 0) {
        lc__ld_error(&c->ld, LC_DIAG_MISSING, br->line, br->col, "expected at least one bracket for %s",
                     name->s);
        return;
    }
    lc__vmarket *m = lc__v_market(c, name->s);
    if (!m)
        return;
    double prev_cap = 0, prev_mmr = 0, cum = 0;
    char a[40], b[40];
    for (size_t i = 0; i < br->n; i++) {
        const lc__node *t = br->kids[i];
        if (!lc__v_expect(c, t, LC__NODE_MAP, "a bracket (an object)"))
            return;
        const lc__node *lev = lc__v_get(c, t, "initialLeverage", "a bracket");
        const lc__node *cap = lc__v_get(c, t, "notionalCap", "a bracket");
        const lc__node *flo = lc__v_get(c, t, "notionalFloor", "a bracket");
        const lc__node *mmr = lc__v_get(c, t, "maintMarginRatio", "a bracket");
        const lc__node *kum = lc__gov_get(t, "cum", NULL);
        lc__vtier v;
        memset(&v, 0, sizeof v);
        v.at_cap = cap, v.at_lev = lev, v.at_mmr = mmr;
        double fl, given;
        if (!lev || !cap || !flo || !mmr ||
            !lc__v_num(c, lev, "initialLeverage", &v.lev, v.lev_s) ||
            !lc__v_num(c, cap, "notionalCap", &v.cap, v.cap_s) ||
            !lc__v_num(c, flo, "notionalFloor", &fl, NULL) ||
            !lc__v_num(c, mmr, "maintMarginRatio", &v.mmr, v.mmr_s))
            return;
        if (fl != prev_cap) {
            lc__ld_error(&c->ld, LC_DIAG_VALUE, flo->line, flo->col,
                         "expected notionalFloor %s (the previous bracket's cap), got %s",
                         lc__numstr(prev_cap, a), flo->s);
            return;
        }
        if (i)
            cum += prev_cap * (v.mmr - prev_mmr);
        if (fabs(cum) < 1e9)
            cum = round(cum * 1e6) / 1e6;
        if (kum && lc__v_num(c, kum, "cum", &given, NULL) &&
            fabs(given - cum) > 1e-9 * (fabs(cum) > 1 ? fabs(cum) : 1))
            lc__ld_warn(&c->ld, LC_DIAG_VALUE, kum->line, kum->col,
                        "%s bracket %zu gives cum %s; derived from the caps and rates it is %s, "
                        "which the policy uses", name->s, i + 1, kum->s, lc__numstr(cum, b));
        if (!lc__v_tier(c, m, &v))
            return;
        prev_cap = v.cap;
        prev_mmr = v.mmr;
    }
}

void lc__import_binance(lc__vctx *c, lc__vfile *f, size_t n)
{
    c->ld.file = f[0].name;
    if (n != 1) {
        lc__ld_error(&c->ld, LC_DIAG_VALUE, 0, 0, "binance takes one file (leverageBracket), got %zu", n);
        return;
    }
    const lc__node *r = f[0].root;
    if (r->kind == LC__NODE_MAP) {
        symbol(c, r);
        return;
    }
    if (!lc__v_expect(c, r, LC__NODE_SEQ, "the leverageBracket response (an array)"))
        return;
    for (size_t i = 0; i < r->n && c->rc == LC_OK; i++)
        symbol(c, r->kids[i]);
}

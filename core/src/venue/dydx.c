/*
 * dydx.c - dYdX v4: the chain's GET /dydxprotocol/perpetuals/liquidity_tiers
 * ({liquidity_tiers: [{id, name, initial_margin_ppm, maintenance_fraction_ppm,
 * open_interest_lower_cap, open_interest_upper_cap}]}, caps in quote quantums, 10^-6 USDC)
 * and optionally GET /dydxprotocol/perpetuals/perpetual ({perpetual: [{params: {ticker,
 * liquidity_tier}}]}), which names the markets on each tier. Each becomes the
 * open_interest margin scheme; without the perpetuals each tier is a market of its name.
 */
#include "base/prefix.h"

#include "venue/venue.h"

#include <math.h>
#include <string.h>

#define PPM 1e6
#define QUANTUMS 1e6 /* USDC's quantums per unit */

/* The scheme of liquidity tier "t" into market "m"; false after an error. */
static bool scheme(lc__vctx *c, const lc__node *t, lc__vmarket *m)
{
    const lc__node *im = lc__v_get(c, t, "initial_margin_ppm", "a liquidity tier");
    const lc__node *mf = lc__v_get(c, t, "maintenance_fraction_ppm", "a liquidity tier");
    const lc__node *lo = lc__gov_get(t, "open_interest_lower_cap", NULL);
    const lc__node *hi = lc__gov_get(t, "open_interest_upper_cap", NULL);
    double x[4] = {0, 0, 0, 0};
    if (!im || !mf || !lc__v_num(c, im, "initial_margin_ppm", &x[0], NULL) ||
        !lc__v_num(c, mf, "maintenance_fraction_ppm", &x[1], NULL) ||
        (lo && !lc__v_num(c, lo, "open_interest_lower_cap", &x[2], NULL)) ||
        (hi && !lc__v_num(c, hi, "open_interest_upper_cap", &x[3], NULL)))
        return false;
    if (!(x[0] > 0 && x[0] <= PPM)) {
        lc__ld_error(&c->ld, LC_DIAG_VALUE, im->line, im->col,
                     "expected initial_margin_ppm above 0 and at most 1000000, got %s", im->s);
        return false;
    }
    if (!(x[1] > 0 && x[1] < PPM)) {
        lc__ld_error(&c->ld, LC_DIAG_VALUE, mf->line, mf->col,
                     "expected maintenance_fraction_ppm above 0 and below 1000000, got %s", mf->s);
        return false;
    }
    if (x[3] > 0 && !(x[3] > x[2])) {
        lc__ld_error(&c->ld, LC_DIAG_VALUE, hi->line, hi->col,
                     "expected open_interest_upper_cap above the lower cap (or 0), got %s", hi->s);
        return false;
    }
    if (x[2] < 0 || x[3] < 0) {
        const lc__node *at = x[2] < 0 ? lo : hi;
        lc__ld_error(&c->ld, LC_DIAG_VALUE, at->line, at->col,
                     "expected an open-interest cap of at least 0, got %s", at->s);
        return false;
    }
    m->oi_scheme = true;
    lc__v_numtext(x[0] / PPM, true, m->base_imf);
    lc__v_numtext(x[1] / PPM, true, m->mfrac);
    lc__v_numtext(x[2] / QUANTUMS, true, m->oi_lower);
    lc__v_numtext(x[3] / QUANTUMS, true, m->oi_upper);
    return true;
}

static const lc__node *tier_by_id(lc__vctx *c, const lc__node *tiers, double id)
{
    for (size_t i = 0; i < tiers->n; i++) {
        const lc__node *v = lc__gov_get(tiers->kids[i], "id", NULL);
        double k;
        if (v && lc__v_num(c, v, "a liquidity tier's id", &k, NULL) && k == id)
            return tiers->kids[i];
    }
    return NULL;
}

void lc__import_dydx(lc__vctx *c, lc__vfile *f, size_t n)
{
    c->ld.file = f[0].name;
    if (n < 1 || n > 2) {
        lc__ld_error(&c->ld, LC_DIAG_VALUE, 0, 0,
                     "dydx takes the liquidity_tiers file and, optionally, the perpetuals file; got %zu files", n);
        return;
    }
    lc__vfile *tf = &f[0], *pf = n == 2 ? &f[1] : NULL;
    if (pf && lc__gov_get(tf->root, "perpetual", NULL) && lc__gov_get(pf->root, "liquidity_tiers", NULL)) {
        lc__vfile *t = tf;
        tf = pf;
        pf = t;
    }
    c->ld.file = tf->name;
    const lc__node *tiers;
    if (!lc__v_expect(c, tf->root, LC__NODE_MAP, "the liquidity_tiers response (an object)") ||
        !(tiers = lc__v_get(c, tf->root, "liquidity_tiers", "the liquidity_tiers response")) ||
        !lc__v_expect(c, tiers, LC__NODE_SEQ, "'liquidity_tiers' (an array)"))
        return;
    for (size_t i = 0; i < tiers->n; i++)
        if (!lc__v_expect(c, tiers->kids[i], LC__NODE_MAP, "a liquidity tier (an object)"))
            return;
    if (!pf) {
        for (size_t i = 0; i < tiers->n && c->rc == LC_OK; i++) {
            const lc__node *t = tiers->kids[i], *nm = lc__v_get(c, t, "name", "a liquidity tier");
            if (!nm || !lc__v_expect(c, nm, LC__NODE_SCALAR, "the tier's name (a string)"))
                return;
            if (!lc__v_wanted(c, nm->s))
                continue;
            lc__vmarket *m = lc__v_market(c, nm->s);
            if (!m || !scheme(c, t, m))
                return;
        }
        return;
    }
    c->ld.file = pf->name;
    const lc__node *perps;
    if (!lc__v_expect(c, pf->root, LC__NODE_MAP, "the perpetuals response (an object)") ||
        !(perps = lc__v_get(c, pf->root, "perpetual", "the perpetuals response")) ||
        !lc__v_expect(c, perps, LC__NODE_SEQ, "'perpetual' (an array)"))
        return;
    for (size_t i = 0; i < perps->n && c->rc == LC_OK; i++) {
        const lc__node *p = perps->kids[i], *par, *tk, *lt;
        double id;
        c->ld.file = pf->name;
        if (!lc__v_expect(c, p, LC__NODE_MAP, "a perpetual (an object)") ||
            !(par = lc__v_get(c, p, "params", "a perpetual")) ||
            !lc__v_expect(c, par, LC__NODE_MAP, "'params' (an object)") ||
            !(tk = lc__v_get(c, par, "ticker", "a perpetual's params")) ||
            !(lt = lc__v_get(c, par, "liquidity_tier", "a perpetual's params")) ||
            !lc__v_expect(c, tk, LC__NODE_SCALAR, "the ticker (a string)") ||
            !lc__v_num(c, lt, "liquidity_tier", &id, NULL))
            return;
        if (!lc__v_wanted(c, tk->s))
            continue;
        const lc__node *t = tier_by_id(c, tiers, id);
        if (!t) {
            lc__ld_error(&c->ld, LC_DIAG_REFERENCE, lt->line, lt->col,
                         "%s is on liquidity tier %s, which %s does not list", tk->s, lt->s,
                         tf->name);
            return;
        }
        c->ld.file = tf->name;
        lc__vmarket *m = lc__v_market(c, tk->s);
        if (!m || !scheme(c, t, m))
            return;
    }
}

/*
 * margin.c - a position's rates under its market's scheme: a notional or quantity keyed
 * tier table, or a margin scheme (open interest, size premium); and the leverage that
 * results once a volatility cap is applied on top.
 */
#include "base/prefix.h"

#include "rules/rules.h"

#include <math.h>

double lc__imf_open_interest(const lc__margin *m, double oi)
{
    /* dYdX v4: the base fraction, raised linearly to 1 as the market's open notional
     * goes from its lower to its upper bound; an upper bound of 0 turns scaling off. */
    if (!(m->oi_upper > 0))
        return m->base_imf;
    double s = (oi - m->oi_lower) / (m->oi_upper - m->oi_lower);
    return fmin(1, m->base_imf + fmax(0, s) * (1 - m->base_imf));
}

double lc__imf_size(const lc__margin *m, double q)
{
    return fmax(m->base_imf, m->factor * sqrt(q));
}

void lc__rates_scheme(const lc__market *mk, double q, double oi, lc__rates *r)
{
    const lc__margin *m = mk->margin;
    double imf = m->scheme == LC__SCHEME_OI ? lc__imf_open_interest(m, oi) : lc__imf_size(m, q);
    double mmf = m->scheme == LC__SCHEME_OI ? m->base_imf * m->maintenance_fraction
                                            : m->maintenance_ratio * imf;
    *r = (lc__rates){0, 0, mmf, 0, 1 / imf, imf, mmf};
}

double lc__rates_scheme_leverage(const lc__market *mk, const lc__rates *r, lc_binding *binding)
{
    /* The scheme's 1/imf, unless the volatility cap (worked out on the scheme's base
     * rates) is lower. */
    if (mk->vol && mk->vol->binding[0] != LC_BIND_TIER && mk->vol->eff_lev[0] < r->max_leverage) {
        *binding = mk->vol->binding[0];
        return mk->vol->eff_lev[0];
    }
    *binding = LC_BIND_MARGIN;
    return r->max_leverage;
}

double lc__fixed_rate_lp(const lc_position_result *r, double base, double q, double side)
{
    /* Rates that depend on the size or the open interest, never on the price. */
    double lp = (base + r->maintenance_amount - side * q * r->entry) / (q * r->mmr - side * q);
    return lp > 0 ? lp : (double)NAN;
}

/*
 * tiers.c - notional brackets: finding a notional's tier, the maintenance amount that
 * keeps maintenance margin continuous, and the liquidation price across tiers.
 */
#include "base/prefix.h"

#include "rules/rules.h"

#include <math.h>

size_t lc_tier_find(const lc_tier *tiers, size_t n, double notional, int *over_limit)
{
    /* Tables hold a dozen tiers or so: a forward scan beats a binary search there. */
    for (size_t i = 0; i < n; i++) {
        if (notional < tiers[i].cap) {
            if (over_limit)
                *over_limit = 0;
            return i;
        }
    }
    if (over_limit)
        *over_limit = 1;
    return n ? n - 1 : 0;
}

double lc__tier_derived_cum(const lc_tier *tiers, size_t i, double prev_cum)
{
    if (i == 0)
        return 0.0;
    double cum = prev_cum + tiers[i - 1].cap * (tiers[i].mmr - tiers[i - 1].mmr);
    /* Rates like 0.0065 - 0.005 are not exact in binary, so the sum lands a few ulps off
     * the decimal amount an exchange publishes (949.9999999999998 for 950). Amounts are
     * money: round to a millionth of the quote currency while that is exact. */
    if (fabs(cum) < 1e9)
        cum = round(cum * 1e6) / 1e6;
    return cum;
}

static double lp_in_tier(const lc_tier *t, double base, double q, double side, double ep)
{
    /* Margin balance at price P: base + cum + side*q*(P - ep) - ... solved for
     * balance == q*P*mmr, i.e. LP = (base + cum - side*q*ep) / (q*mmr - side*q). */
    return (base + t->maintenance_amount - side * q * ep) / (q * t->mmr - side * q);
}

/* Records a step of the walk when the caller asked for them. */
static void note(lc__lp_step *steps, size_t cap, size_t *n, size_t tier, double lp,
                 size_t lands)
{
    if (steps && *n < cap)
        steps[*n] = (lc__lp_step){tier, lp, lands};
    if (n)
        (*n)++;
}

double lc__liquidation_price_steps(const lc_tier *tiers, size_t n_tiers, size_t tier,
                                   double base, double q, double side, double ep,
                                   lc__lp_step *steps, size_t cap, size_t *n_steps)
{
    /* The margin balance minus maintenance margin is strictly monotonic in the price
     * (mmr < 1 in every tier), so exactly one tier's line holds the root. Following the
     * tier of each candidate finds it in one or two steps; the scan below is the
     * guarantee if the walk ever cycles on rounding at a cap. */
    size_t t = tier;
    for (size_t step = 0; step <= n_tiers; step++) {
        double lp = lp_in_tier(&tiers[t], base, q, side, ep);
        /* A root at or below zero still names a tier (the first): a high tier's line can
         * cross zero before the true curve does, so keep walking rather than stop. */
        size_t t2 = lc_tier_find(tiers, n_tiers, lp > 0 ? q * lp : 0.0, NULL);
        note(steps, cap, n_steps, t, lp, t2);
        if (t2 == t)
            return lp > 0 ? lp : (double)NAN;
        t = t2;
    }
    for (t = 0; t < n_tiers; t++) {
        double lp = lp_in_tier(&tiers[t], base, q, side, ep);
        size_t t2 = lc_tier_find(tiers, n_tiers, lp > 0 ? q * lp : 0.0, NULL);
        note(steps, cap, n_steps, t, lp, t2);
        if (t2 == t)
            return lp > 0 ? lp : (double)NAN;
    }
    return (double)NAN;
}

double lc__liquidation_price(const lc_tier *tiers, size_t n_tiers, size_t tier, double base,
                             double q, double side, double ep)
{
    return lc__liquidation_price_steps(tiers, n_tiers, tier, base, q, side, ep, NULL, 0, NULL);
}

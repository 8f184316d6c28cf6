/*
 * rules.h - the risk arithmetic: tiers, maintenance margin, liquidation prices, statuses,
 * volatility caps. Pure functions of the model's structs; nothing here allocates.
 */
#ifndef LC_RULES_RULES_H
#define LC_RULES_RULES_H

#include "model/policy.h"

#include <math.h>

/* ==== Tiers (tiers.c) =================================================== */

/* The maintenance amount of tier "i" from the caps and rates (cum(1) = 0, continuous MM),
 * given the previous tier's "prev_cum". */
double lc__tier_derived_cum(const lc_tier *tiers, size_t i, double prev_cum);

/* Maintenance margin of notional "n" in tier "t": n * mmr - cum. */
static inline double lc__tier_mm(const lc_tier *t, double n)
{
    return n * t->mmr - t->maintenance_amount;
}

/* The liquidation price of a position of |qty| "q", side "side" (+1 long, -1 short),
 * entry "ep", given "base" = WB - TMM1 + UPNL1 (what the rest of the margin pool holds).
 * Re-tiers at the notional the price implies until stable (Binance's one-way rule).
 * Returns NaN when there is none (the price would be at or below zero). */
double lc__liquidation_price(const lc_tier *tiers, size_t n_tiers, size_t tier, double base,
                             double q, double side, double ep);

/* One step of that search: the tier whose line was solved (0-based), the price it gave,
 * and the tier the notional at that price falls in. */
typedef struct lc__lp_step {
    size_t tier;
    double lp;
    size_t lands;
} lc__lp_step;

/* The same, recording up to "cap" steps in "steps" and their number in *n_steps (which
 * may exceed cap), for `levcal explain`. */
double lc__liquidation_price_steps(const lc_tier *tiers, size_t n_tiers, size_t tier,
                                   double base, double q, double side, double ep,
                                   lc__lp_step *steps, size_t cap, size_t *n_steps);

/* ==== Rates (margin.c) ================================================== */

/* A position's rates: its tier (0-based) and whether it is past the last cap, the
 * maintenance rate and amount (mm = notional * mmr - amount), the declarative max
 * leverage, and under a margin scheme its imf and mmf (NaN for tiers). */
typedef struct lc__rates {
    size_t tier;
    int over;
    double mmr, amount;
    double max_leverage;
    double imf, mmf;
} lc__rates;

/* The rates of a margin scheme, and the max leverage under one (out of line: the tier
 * tables below are the common case, inlined into the evaluation's loop). */
void lc__rates_scheme(const lc__market *mk, double q, double oi, lc__rates *r);
double lc__rates_scheme_leverage(const lc__market *mk, const lc__rates *r, lc_binding *binding);

/* The rates of |qty| "q" at "notional" in market "mk", "oi" the market's open notional
 * (read by the open_interest scheme only). */
static inline void lc__rates_at(const lc__market *mk, double q, double notional, double oi,
                                lc__rates *r)
{
    if (mk->margin) {
        lc__rates_scheme(mk, q, oi, r);
        return;
    }
    int over;
    size_t t = lc_tier_find(mk->tiers, mk->n_tiers,
                            mk->basis == LC__BASIS_QUANTITY ? q : notional, &over);
    const lc_tier *tr = &mk->tiers[t];
    r->tier = t;
    r->over = over;
    r->mmr = tr->mmr;
    r->amount = tr->maintenance_amount;
    r->max_leverage = tr->max_leverage;
    r->imf = r->mmf = (double)NAN;
}

/* The open_interest scheme's imf at open notional "oi"; the size_premium's at |qty| "q". */
double lc__imf_open_interest(const lc__margin *m, double oi);
double lc__imf_size(const lc__margin *m, double q);

/* The max leverage evaluation uses for rates "r": the declarative one, or the market's
 * volatility cap or fallback where lower; what set it in *binding. */
static inline double lc__rates_leverage(const lc__market *mk, const lc__rates *r,
                                        lc_binding *binding)
{
    if (mk->margin)
        return lc__rates_scheme_leverage(mk, r, binding);
    if (!mk->vol) {
        *binding = LC_BIND_TIER;
        return r->max_leverage;
    }
    *binding = mk->vol->binding[r->tier];
    return mk->vol->eff_lev[r->tier];
}

/* The liquidation price of a position whose rates do not move with the price (quantity
 * tiers, margin schemes): one line, solved in closed form. NaN when there is none. */
double lc__fixed_rate_lp(const lc_position_result *r, double base, double q, double side);

/* The liquidation price of position "r" of market "mk" (|qty| "q", "side"), "base" what
 * the rest of its pool holds: the tier walk for notional brackets, else the closed form
 * of its fixed rates. NaN when there is none. */
static inline double lc__position_lp(const lc__market *mk, const lc_position_result *r,
                                     double base, double q, double side)
{
    if (!mk->margin && mk->basis == LC__BASIS_NOTIONAL)
        return lc__liquidation_price(mk->tiers, mk->n_tiers, r->tier - 1, base, q, side,
                                     r->entry);
    return lc__fixed_rate_lp(r, base, q, side);
}

/* ==== Statuses (judge.c) ================================================ */

/* The status of a margin pool with "equity", maintenance margin "mm", "available" margin
 * and a position at its limit ("over_limit"), with the rule that decided it in *why:
 * equity <= 0 or mm >= equity liquidates; available < 0 or a position at its limit is
 * over_limit. */
lc_verdict lc__judge(double equity, double mm, double available, bool over_limit,
                     lc_reason *why);

/* The verdict a script finding's action names: margin_call ... liquidate; ok for "ok" and
 * "note". */
lc_verdict lc__action_verdict(const char *action);

/* Sets an account's status, reason and reason_position from its first breach
 * (lc_account_breaches). */
void lc__settle(lc_account_result *a, const lc_position_result *pos);

/* ==== Deleveraging (conditions.c, plan.c) ============================== */

/* A margin pool: the account's cross part or one isolated position, with the positions
 * it holds (pointers into the evaluation's results). */
typedef struct lc__pool {
    double equity, collateral, upnl, notional, mm, im;
    const lc_position_result *const *pos;
    const uint32_t *market; /* each position's market index (NULL with pos) */
    size_t n;
    double metric[LC__N_METRICS]; /* every lc__metric, filled by lc__pool_measure */
} lc__pool;

/* Fills pl->metric (every lc__metric) from the pool's figures; conditions read them
 * there. margin_ratio and leverage are +inf when equity <= 0 with something open, 0 with
 * nothing open; with equity, "mr" and "lev" are mm / equity and notional / equity, which
 * the evaluation has often worked out already. Inline, so the caller's initialiser is not
 * stored twice. */
static inline void lc__pool_measure_as(lc__pool *pl, double mr, double lev)
{
    double eq = pl->equity, *m = pl->metric;
    bool live = eq > 0, broke = !live && (pl->notional > 0 || pl->mm > 0);
    m[LC__M_EQUITY] = eq;
    m[LC__M_COLLATERAL] = pl->collateral;
    m[LC__M_UPNL] = pl->upnl;
    m[LC__M_NOTIONAL] = pl->notional;
    m[LC__M_MM] = pl->mm;
    m[LC__M_IM] = pl->im;
    m[LC__M_AVAILABLE] = eq - pl->im;
    m[LC__M_MR] = live ? mr : broke ? (double)INFINITY : 0;
    m[LC__M_LEVERAGE] = live ? lev : broke ? (double)INFINITY : 0;
}

static inline void lc__pool_measure(lc__pool *pl)
{
    bool live = pl->equity > 0;
    lc__pool_measure_as(pl, live ? pl->mm / pl->equity : 0, live ? pl->notional / pl->equity : 0);
}

/* A position's metric (lc__pmetric), for position conditions. */
double lc__position_metric(const lc_position_result *p, int metric);

/* Whether condition "c" holds for pool "pl". */
bool lc__cond_holds(const lc_policy *pol, const lc__cond *c, const lc__pool *pl);

/* "v op x". */
static inline bool lc__compare(double v, lc__op op, double x)
{
    switch (op) {
    case LC__OP_GT:
        return v > x;
    case LC__OP_GTE:
        return v >= x;
    case LC__OP_LT:
        return v < x;
    case LC__OP_LTE:
        return v <= x;
    }
    return false;
}

/* lc__cond_holds, with a lone comparison (most rules) tested in place. */
static inline bool lc__cond_test(const lc_policy *pol, const lc__cond *c, const lc__pool *pl)
{
    return c->kind == LC__C_CMP ? lc__compare(pl->metric[c->metric], c->op, c->value)
                                : lc__cond_holds(pol, c, pl);
}

/* The figures "c" reads, as they are in "pl" (at most "cap"); position figures are named
 * "MARKET.metric" in "arena". Returns their count. */
size_t lc__cond_values(const lc_policy *pol, const lc__cond *c, const lc__pool *pl,
                       lc_rule_value *out, size_t cap, lc__arena *arena);

/* The plan that takes pool "pl" to the target of "cfg" (plan.c): closes in whole lots of
 * each market's lot_size, at the marks, fee_rate on what is closed; its strings and
 * arrays in "arena". "rule" and "action" name what called for it. */
lc_status lc__plan_make(const lc_policy *pol, const lc__pool *pl, const lc__plancfg *cfg,
                        const char *rule, lc_verdict action, const lc_plan **pp,
                        lc__arena *arena);

/* A pool's status by every rule: the built-ins and the policy's; "over_limit" when one of
 * its positions is above its market's last cap. pl->pos may be NULL when no rule of the
 * policy reads single positions (pol->delev.position_conditions). */
lc_verdict lc__pool_status(const lc_policy *pol, const lc__pool *pl, bool over_limit);

/* ==== Volatility caps (volcap.c, normal.c) ============================== */

/* Standard normal quantile, for 0 < p < 1. */
double lc__norm_ppf(double p);

/* Applies the market's calibration state to its per-tier caps: 1 / (z * sigma_h + mmr)
 * when the model is fitted, the fallback otherwise, never above the tier's own. */
void lc__vol_apply(lc__market *mk);

#endif

/*
 * rules.h - the risk arithmetic: tiers, maintenance margin, liquidation prices, statuses,
 * volatility caps. Pure functions of the model's structs; nothing here allocates.
 */
#ifndef LC_RULES_RULES_H
#define LC_RULES_RULES_H

#include "model/policy.h"

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

/* ==== Statuses (judge.c) ================================================ */

/* The status of a margin pool with "equity", maintenance margin "mm", "available" margin
 * and a position at its limit ("over_limit"), with the rule that decided it in *why:
 * equity <= 0 or mm >= equity liquidates; available < 0 or a position at its limit is
 * over_limit. */
lc_verdict lc__judge(double equity, double mm, double available, bool over_limit,
                     lc_reason *why);

/* Sets an account's status, reason and reason_position from its first breach
 * (lc_account_breaches). */
void lc__settle(lc_account_result *a, const lc_position_result *pos);

/* ==== Volatility caps (volcap.c, normal.c) ============================== */

/* Standard normal quantile, for 0 < p < 1. */
double lc__norm_ppf(double p);

/* Applies the market's calibration state to its per-tier caps: 1 / (z * sigma_h + mmr)
 * when the model is fitted, the fallback otherwise, never above the tier's own. */
void lc__vol_apply(lc__market *mk);

#endif

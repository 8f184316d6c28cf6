/*
 * policy_int.h - the in-memory form of a loaded policy.
 *
 * Everything a policy owns lives in its arena; markets are kept in file order and found
 * by name through a small open-addressing index, since portfolio loading looks up the
 * market of every position.
 */
#ifndef LC_POLICY_INT_H
#define LC_POLICY_INT_H

#include "lc_int.h"

typedef struct lc__market {
    const char *name;
    lc_tier *tiers;     /* ascending caps; cum derived or checked */
    size_t n_tiers;
    unsigned line, col; /* where the market is named */
} lc__market;

struct lc_policy {
    lc__arena arena;         /* owns every string and array below */
    const char *path;        /* as given to the loader */
    const char *id;
    int64_t version;
    const char *owner;       /* NULL if not given */
    const char *description; /* NULL if not given */
    lc__market *markets;
    size_t n_markets;
    uint32_t *index;         /* market index + 1 per slot, 0 = empty; power-of-two size */
    size_t index_cap;
};

/* The index of market "name" (length "len"), or -1. */
long lc__policy_find(const lc_policy *p, const char *name, size_t len);

/* Fills tiers[i].maintenance_amount from the caps and rates (cum(1) = 0, continuous MM). */
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

#endif

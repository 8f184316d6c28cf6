/*
 * plan.c - the closes that take a margin pool back to a target: whole lots, at the marks,
 * paying a fee on what is closed, with every remaining position re-tiered.
 *
 * The last position touched closes the fewest lots that meet the target. Meeting it is
 * not monotone in the quantity (where the fee rate exceeds a tier's mmr, closing part of
 * a position raises the margin ratio), but within one tier the condition is linear in
 * the number of lots, so each tier's range of lot counts is solved exactly and the
 * smallest solution over all tiers is taken; the candidate is then checked with the
 * tiers themselves, so rounding can never make a plan that misses its target.
 */
#include "base/prefix.h"

#include "rules/rules.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One position the plan may close. */
typedef struct ppos {
    const lc_position_result *r;
    const lc__market *mk;
    double q;       /* |qty| */
    double lot;
    size_t lots;    /* lots that close it whole (the last may be partial) */
    double closed;  /* |qty| the plan closes */
} ppos;

/* The figures of what remains of a position after closing "closed" of it. */
typedef struct figs {
    double notional, mm, im;
    unsigned tier;
    int over;
} figs;

static figs remaining(const ppos *p, double closed)
{
    figs f = {0, 0, 0, 0, 0};
    double rem = p->q - closed;
    if (!(rem > 0))
        return f;
    f.notional = rem * p->r->mark;
    size_t t = lc_tier_find(p->mk->tiers, p->mk->n_tiers, f.notional, &f.over);
    const lc_tier *tr = &p->mk->tiers[t];
    f.tier = (unsigned)t + 1;
    f.mm = lc__tier_mm(tr, f.notional);
    double lev = p->mk->vol ? p->mk->vol->eff_lev[t] : tr->max_leverage;
    f.im = f.notional / lev;
    return f;
}

/* "x" as the decimal it stands for at the lot size's precision: 50 - 39.999 is 10.001,
 * not 10.000999999999998. */
static double at_lot_precision(const ppos *p, double x)
{
    double scale = pow(10.0, p->mk->lot_decimals < 15 ? p->mk->lot_decimals : 15);
    return round(x * scale) / scale;
}

/* "k" lots of "p" as a quantity: the decimal multiple it is, or the whole position. */
static double lots_qty(const ppos *p, size_t k)
{
    if (k >= p->lots)
        return p->q;
    return at_lot_precision(p, (double)k * p->lot);
}

typedef struct totals {
    double equity, fee, notional, mm, im;
} totals;

static totals sum(const ppos *ps, size_t n, double equity, double fee_rate)
{
    totals t = {equity, 0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        figs f = remaining(&ps[i], ps[i].closed);
        t.notional += f.notional;
        t.mm += f.mm;
        t.im += f.im;
        t.fee += fee_rate * ps[i].closed * ps[i].r->mark;
    }
    t.equity = equity - t.fee;
    return t;
}

static bool meets(const lc__plancfg *cfg, const totals *t)
{
    if (!(t->equity > 0))
        return false;
    switch (cfg->target) {
    case LC__TARGET_MR:
        return t->mm / t->equity <= cfg->target_value;
    case LC__TARGET_LEVERAGE:
        return t->notional / t->equity <= cfg->target_value;
    case LC__TARGET_NONE:
        return t->notional == 0;
    }
    return false;
}

/* Whether closing "k" lots of ps[j] (the others as they stand) meets the target. */
static bool meets_at(const lc__plancfg *cfg, ppos *ps, size_t n, size_t j, size_t k,
                     double equity)
{
    double keep = ps[j].closed;
    ps[j].closed = lots_qty(&ps[j], k);
    totals t = sum(ps, n, equity, cfg->fee_rate);
    ps[j].closed = keep;
    return meets(cfg, &t);
}

/* The fewest lots of ps[j] that meet the target, or 0 if even closing it whole does not.
 * In each tier t the remaining notional is n(k) = mark (q - k lot), the margin or notional
 * left is linear in k, and so is the equity (the fee): the condition a + b k <= 0. */
static size_t fewest_lots(const lc__plancfg *cfg, ppos *ps, size_t n, size_t j, double equity)
{
    ppos *p = &ps[j];
    double keep = p->closed;
    p->closed = 0;
    totals rest = sum(ps, n, equity, cfg->fee_rate); /* with ps[j] whole */
    figs whole = remaining(p, 0);
    p->closed = keep;
    double rest_mm = rest.mm - whole.mm, rest_n = rest.notional - whole.notional;
    double e0 = rest.equity, mark = p->r->mark, x = cfg->target_value, L = p->lot;
    size_t best = 0;
    const lc_tier *tiers = p->mk->tiers;
    /* Higher tiers hold the smaller lot counts (the position is larger there): the first
     * tier, from the position's own down, with a solution holds the fewest lots. */
    for (size_t t = p->r->tier; best == 0 && p->lots > 1 && t-- > 0;) {
        /* k with n(k) in [lo, hi): (q - hi/mark)/L < k <= (q - lo/mark)/L, and k < lots. */
        double lo = t ? tiers[t - 1].cap : 0, hi = tiers[t].cap;
        double kmin_d = isinf(hi) ? 1 : floor((p->q - hi / mark) / L) + 1;
        double kmax_d = floor((p->q - lo / mark) / L);
        if (kmin_d < 1)
            kmin_d = 1;
        if (kmax_d > (double)(p->lots - 1))
            kmax_d = (double)(p->lots - 1);
        if (kmin_d > kmax_d)
            continue;
        double a, b;
        if (cfg->target == LC__TARGET_MR) {
            a = rest_mm + mark * p->q * tiers[t].mmr - tiers[t].maintenance_amount - x * e0;
            b = -mark * L * tiers[t].mmr + x * cfg->fee_rate * mark * L;
        } else {
            a = rest_n + mark * p->q - x * e0;
            b = -mark * L + x * cfg->fee_rate * mark * L;
        }
        double c;
        if (b < 0)
            c = fmax(kmin_d, ceil(-a / b));
        else if (a + b * kmin_d <= 0)
            c = kmin_d;
        else
            continue;
        if (c > kmax_d)
            continue;
        /* The algebra names the lot count; the tiers decide. Nudge across rounding. */
        size_t k = (size_t)c;
        for (int tries = 0; tries < 3 && k <= (size_t)kmax_d && !meets_at(cfg, ps, n, j, k, equity);
             tries++)
            k++;
        if (k > (size_t)kmax_d || !meets_at(cfg, ps, n, j, k, equity))
            continue;
        while (k > (size_t)kmin_d && meets_at(cfg, ps, n, j, k - 1, equity))
            k--;
        best = k;
    }
    if (!best && meets_at(cfg, ps, n, j, p->lots, equity))
        best = p->lots;
    return best;
}

static bool meets_now(const lc__plancfg *cfg, const ppos *ps, size_t n, double equity)
{
    totals t = sum(ps, n, equity, cfg->fee_rate);
    return meets(cfg, &t);
}

/* ==== Orders ============================================================ */

static lc__order sort_order;
static const ppos *sort_ps;

static int by_order(const void *x, const void *y)
{
    const ppos *a = &sort_ps[*(const size_t *)x], *b = &sort_ps[*(const size_t *)y];
    double ka, kb;
    switch (sort_order) {
    case LC__ORDER_LOSS:
        ka = -a->r->upnl, kb = -b->r->upnl;
        break;
    case LC__ORDER_NOTIONAL:
        ka = a->r->notional, kb = b->r->notional;
        break;
    default:
        ka = a->r->maintenance_margin, kb = b->r->maintenance_margin;
        break;
    }
    if (ka != kb)
        return ka > kb ? -1 : 1;
    return strcmp(a->r->market, b->r->market);
}

/* ==== The plan ========================================================== */

static void close_all(ppos *ps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ps[i].closed = ps[i].q;
}

/* Step-down: one position above its first tier, cut to the largest whole-lot size whose
 * notional is strictly below its tier's floor, meeting the target on its own. */
static bool step_down(const lc__plancfg *cfg, ppos *ps, size_t n, const size_t *order,
                      double equity)
{
    for (size_t oi = 0; oi < n; oi++) {
        ppos *p = &ps[order[oi]];
        if (p->r->tier < 2)
            continue;
        double floor_n = p->mk->tiers[p->r->tier - 2].cap;
        double m = ceil(floor_n / (p->r->mark * p->lot)) - 1;
        while (m > 0 && m * p->lot * p->r->mark >= floor_n)
            m--;
        if (m < 0 || m * p->lot >= p->q)
            continue;
        size_t mk = (size_t)m;
        double keep = lots_qty(p, mk);
        p->closed = at_lot_precision(p, p->q - keep);
        totals t = sum(ps, n, equity, cfg->fee_rate);
        if (meets(cfg, &t))
            return true;
        p->closed = 0;
    }
    return false;
}

lc_status lc__plan_make(const lc_policy *pol, const lc__pool *pl, const lc__plancfg *cfg,
                        const char *rule, lc_verdict action, lc_plan *out, lc__arena *arena)
{
    size_t n = pl->n;
    memset(out, 0, sizeof(*out));
    out->rule = rule;
    out->action = action;
    out->target = cfg->target_text;
    ppos *ps = lc__arena_alloc(arena, (n ? n : 1) * sizeof(*ps));
    size_t *order = lc__arena_alloc(arena, (n ? n : 1) * sizeof(*order));
    if (!ps || !order)
        return LC_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const lc_position_result *r = pl->pos[i];
        long m = lc__policy_find(pol, r->market, strlen(r->market));
        ps[i].r = r;
        ps[i].mk = &pol->markets[m];
        ps[i].q = fabs(r->qty);
        ps[i].lot = ps[i].mk->lot_size;
        double k = ceil(ps[i].q / ps[i].lot - 1e-9);
        ps[i].lots = k < 1 ? 1 : (size_t)k;
        ps[i].closed = 0;
        order[i] = i;
    }
    sort_ps = ps;
    sort_order = cfg->order == LC__ORDER_PROPORTIONAL ? LC__ORDER_MM : cfg->order;
    qsort(order, n, sizeof(*order), by_order);
    out->order = lc__order_names[cfg->order];

    double equity = pl->equity;
    bool done = false;
    if (!(equity > 0)) {
        /* Bankrupt: everything goes, no fee is taken from nothing, a fund covers the rest. */
        close_all(ps, n);
        out->bankrupt = 1;
        out->shortfall = -equity;
        done = true;
    } else if (cfg->target == LC__TARGET_NONE) {
        close_all(ps, n);
        done = true;
    } else if (meets_now(cfg, ps, n, equity)) {
        done = true; /* already within the target: nothing to close */
    } else if (cfg->step_down && step_down(cfg, ps, n, order, equity)) {
        out->order = "step_down_tiers";
        done = true;
    } else if (cfg->order == LC__ORDER_PROPORTIONAL) {
        double steps = ceil(1 / cfg->step - 1e-9);
        for (double s = 1; s <= steps && !done; s++) {
            double f = fmin(1, s * cfg->step);
            for (size_t i = 0; i < n; i++) {
                double k = ceil(f * ps[i].q / ps[i].lot - 1e-9);
                ps[i].closed = k >= (double)ps[i].lots ? ps[i].q : lots_qty(&ps[i], (size_t)k);
            }
            totals t = sum(ps, n, equity, cfg->fee_rate);
            done = meets(cfg, &t);
        }
        if (!done)
            close_all(ps, n);
    } else {
        for (size_t oi = 0; oi < n && !done; oi++) {
            size_t j = order[oi];
            size_t k = fewest_lots(cfg, ps, n, j, equity);
            if (k) {
                ps[j].closed = lots_qty(&ps[j], k);
                done = true;
            } else {
                ps[j].closed = ps[j].q;
            }
        }
    }

    /* The closes in the order they were taken, and what is left. */
    lc_close *cl = lc__arena_alloc(arena, (n ? n : 1) * sizeof(*cl));
    if (!cl)
        return LC_ENOMEM;
    double fee_rate = out->bankrupt ? 0 : cfg->fee_rate;
    for (size_t oi = 0; oi < n; oi++) {
        const ppos *p = &ps[order[oi]];
        if (!(p->closed > 0))
            continue;
        double notional = p->closed * p->r->mark;
        cl[out->n_closes++] = (lc_close){p->r->market, p->r->qty > 0 ? p->closed : -p->closed,
                                         notional, fee_rate * notional};
        out->closed_notional += notional;
        out->fee += fee_rate * notional;
    }
    out->closes = cl;
    totals t = sum(ps, n, equity, fee_rate);
    if (out->bankrupt) {
        t.equity = 0;
        out->fee = 0;
    } else if (!(t.equity > 0)) {
        /* The fees would take more than the equity: it all goes, the fee capped at what
         * the pool had. */
        close_all(ps, n);
        t = sum(ps, n, equity, fee_rate);
        out->fee = equity;
        t.equity = 0;
    }
    out->target_met = meets(cfg, &t) || (cfg->target == LC__TARGET_NONE && t.equity > 0);
    out->after.equity = t.equity;
    out->after.notional = t.notional;
    out->after.maintenance_margin = t.mm;
    out->after.initial_margin = t.im;
    out->after.margin_ratio = t.equity > 0 ? t.mm / t.equity : (double)NAN;
    out->after.leverage = t.equity > 0 ? t.notional / t.equity : (double)NAN;

    /* What remains, as positions the rules can judge again. */
    lc_position_result *rem = lc__arena_alloc(arena, (n ? n : 1) * sizeof(*rem));
    const lc_position_result **rp = lc__arena_alloc(arena, (n ? n : 1) * sizeof(*rp));
    if (!rem || !rp)
        return LC_ENOMEM;
    size_t nr = 0;
    double upnl = 0;
    for (size_t i = 0; i < n; i++) {
        figs f = remaining(&ps[i], ps[i].closed);
        if (!(f.notional > 0))
            continue;
        rem[nr] = *ps[i].r;
        double left = ps[i].q - ps[i].closed;
        rem[nr].qty = ps[i].r->qty > 0 ? left : -left;
        rem[nr].notional = f.notional;
        rem[nr].tier = f.tier;
        rem[nr].over_limit = f.over;
        rem[nr].maintenance_margin = f.mm;
        rem[nr].initial_margin = f.im;
        rem[nr].upnl = rem[nr].qty * (rem[nr].mark - rem[nr].entry);
        upnl += rem[nr].upnl;
        rp[nr] = &rem[nr];
        nr++;
    }
    lc__pool after = {t.equity, t.equity - upnl, upnl, t.notional, t.mm, t.im, rp, nr};
    out->after.status = lc__pool_status(pol, &after);
    return LC_OK;
}

lc_verdict lc__pool_status(const lc_policy *pol, const lc__pool *pl)
{
    lc_verdict worst = LC_VERDICT_OK;
    if (pl->n || pl->notional > 0) {
        if (!(pl->equity > 0) || pl->mm >= pl->equity)
            worst = LC_VERDICT_LIQUIDATE;
    }
    if (worst < LC_VERDICT_OVER_LIMIT && pl->equity - pl->im < 0)
        worst = LC_VERDICT_OVER_LIMIT;
    for (size_t i = 0; i < pl->n && worst < LC_VERDICT_OVER_LIMIT; i++)
        if (pl->pos[i]->over_limit)
            worst = LC_VERDICT_OVER_LIMIT;
    for (size_t r = 0; r < pol->delev.n_rules; r++) {
        const lc__rule *ru = &pol->delev.rules[r];
        if (ru->when && ru->action > worst && lc__cond_holds(pol, ru->when, pl))
            worst = ru->action;
    }
    return worst;
}

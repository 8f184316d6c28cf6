/*
 * plan.c - the closes that take a margin pool back to a target: whole lots, at the marks,
 * paying a fee on what is closed, with every remaining position re-tiered.
 *
 * The last position touched closes the fewest lots that meet the target. Meeting it is
 * not monotone in the quantity (where the fee rate exceeds a tier's mmr, closing part of
 * a position raises the margin ratio), but within one tier the condition is linear in
 * the number of lots, so each tier's range of lot counts is solved exactly, from the
 * position's own tier down, and the first solution is the fewest lots; the candidate is
 * then checked with the tiers themselves, so rounding can never make a plan that misses
 * its target.
 */
#include "base/prefix.h"

#include "rules/rules.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The figures of what remains of a position after closing some of it. */
typedef struct figs {
    double notional, mm, im;
    unsigned tier;
    int over;
} figs;

/* One position the plan may close. */
typedef struct ppos {
    const lc_position_result *r;
    const lc__market *mk;
    double mark;    /* r->mark, kept at hand: the sums read it again and again */
    double oi;      /* the market's open interest (open_interest scheme), else NaN */
    double q;       /* |qty| */
    double lot;
    size_t lots;    /* lots that close it whole (the last may be partial) */
    double closed;  /* |qty| the plan closes */
    figs left;      /* remaining(this, closed), kept with it by set_closed */
    figs whole;     /* remaining(this, 0): the evaluation's own figures */
} ppos;

static figs remaining(const ppos *p, double closed)
{
    figs f = {0, 0, 0, 0, 0};
    double rem = p->q - closed;
    if (!(rem > 0))
        return f;
    f.notional = rem * p->mark;
    lc__rates rt;
    lc_binding b;
    lc__rates_at(p->mk, rem, f.notional, p->oi, &rt);
    f.tier = (unsigned)rt.tier + 1;
    f.over = rt.over;
    f.mm = f.notional * rt.mmr - rt.amount;
    f.im = f.notional / lc__rates_leverage(p->mk, &rt, &b);
    return f;
}

/* "x" as the decimal it stands for at the lot size's precision: 50 - 39.999 is 10.001,
 * not 10.000999999999998. */
static double at_lot_precision(const ppos *p, double x)
{
    return round(x * p->mk->lot_scale) / p->mk->lot_scale;
}

static void set_closed(ppos *p, double closed)
{
    p->closed = closed;
    p->left = closed == 0 ? p->whole : remaining(p, closed);
}

/* p->whole and p->left as remaining(p, 0), from what the evaluation found: the same
 * products, no tier search. Field by field: a struct copy here is read back from stores
 * still in flight. */
static void set_whole(ppos *p)
{
    const lc_position_result *r = p->r;
    size_t t = r->tier - 1;
    double lev;
    if (!p->mk->margin) {
        lev = p->mk->vol ? p->mk->vol->eff_lev[t] : p->mk->tiers[t].max_leverage;
    } else {
        lc__rates rt;
        lc_binding b;
        lc__rates_at(p->mk, p->q, r->notional, p->oi, &rt);
        lev = lc__rates_leverage(p->mk, &rt, &b);
    }
    /* The evaluation divided by the same figure unless a script moved the cap. */
    double im = r->max_leverage == lev ? r->initial_margin : r->notional / lev;
    p->whole.notional = p->left.notional = r->notional;
    p->whole.mm = p->left.mm = r->maintenance_margin;
    p->whole.im = p->left.im = im;
    p->whole.tier = p->left.tier = r->tier;
    p->whole.over = p->left.over = r->over_limit;
    p->closed = 0;
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
        t.notional += ps[i].left.notional;
        t.mm += ps[i].left.mm;
        t.im += ps[i].left.im;
        t.fee += fee_rate * ps[i].closed * ps[i].mark;
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
    double closed = ps[j].closed;
    figs left = ps[j].left;
    set_closed(&ps[j], lots_qty(&ps[j], k));
    totals t = sum(ps, n, equity, cfg->fee_rate);
    ps[j].closed = closed;
    ps[j].left = left;
    return meets(cfg, &t);
}

/* The size premium's maintenance, mmf(rem) * rem * mark with mmf growing as sqrt(rem),
 * is convex in the lots closed, and so is the condition mm - target * equity <= 0 (the
 * fee is linear): the fewest lots is the left root of a convex function, found by
 * bisection left of its minimum, then checked with the rates themselves. */
static double size_gap(const lc__plancfg *cfg, const ppos *p, double rest_mm, double e0,
                       double k)
{
    const lc__margin *g = p->mk->margin;
    double rem = p->q - k * p->lot, imf = lc__imf_size(g, rem);
    double mm = rest_mm + g->maintenance_ratio * imf * rem * p->mark;
    return mm - cfg->target_value * (e0 - cfg->fee_rate * p->mark * p->lot * k);
}

static size_t fewest_lots_convex(const lc__plancfg *cfg, ppos *ps, size_t n, size_t j,
                                 double equity, const totals *rest)
{
    ppos *p = &ps[j];
    double rest_mm = rest->mm - p->whole.mm, e0 = rest->equity;
    size_t best = 0;
    if (p->lots > 1) {
        /* The minimum: the first k whose next step no longer descends. */
        size_t lo = 1, hi = p->lots - 1;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (size_gap(cfg, p, rest_mm, e0, (double)mid + 1) >= size_gap(cfg, p, rest_mm, e0, (double)mid))
                hi = mid;
            else
                lo = mid + 1;
        }
        size_t kmin = lo;
        if (size_gap(cfg, p, rest_mm, e0, (double)kmin) <= 0) {
            size_t a = 1, b = kmin; /* descending on [1, kmin]: the first k at or below 0 */
            while (a < b) {
                size_t mid = a + (b - a) / 2;
                if (size_gap(cfg, p, rest_mm, e0, (double)mid) <= 0)
                    b = mid;
                else
                    a = mid + 1;
            }
            size_t k = a;
            bool ok = meets_at(cfg, ps, n, j, k, equity);
            for (int tries = 0; !ok && tries < 3 && k < p->lots - 1; tries++)
                ok = meets_at(cfg, ps, n, j, ++k, equity);
            while (ok && k > 1 && meets_at(cfg, ps, n, j, k - 1, equity))
                k--;
            if (ok)
                best = k;
        }
    }
    if (!best && meets_at(cfg, ps, n, j, p->lots, equity))
        best = p->lots;
    return best;
}

/* The fewest lots of ps[j] (not closed yet) that meet the target, or 0 if even closing it
 * whole does not.
 * In each tier t the remaining notional is n(k) = mark (q - k lot), the margin or notional
 * left is linear in k, and so is the equity (the fee): the condition a + b k <= 0. */
static size_t fewest_lots(const lc__plancfg *cfg, ppos *ps, size_t n, size_t j, double equity,
                          const totals *rest)
{
    ppos *p = &ps[j]; /* not touched yet: whole, as the order reaches it */
    figs whole = p->whole;
    double rest_mm = rest->mm - whole.mm, rest_n = rest->notional - whole.notional;
    double e0 = rest->equity, mark = p->mark, x = cfg->target_value, L = p->lot;
    size_t best = 0;
    const lc_tier *tiers = p->mk->tiers;
    /* Higher tiers hold the smaller lot counts (the position is larger there): the first
     * tier, from the position's own down, with a solution holds the fewest lots. */
    if (p->mk->margin && p->mk->margin->scheme == LC__SCHEME_SIZE &&
        cfg->target == LC__TARGET_MR)
        return fewest_lots_convex(cfg, ps, n, j, equity, rest);
    /* Caps in base units (quantity-keyed tiers) or in notional. */
    double unit = p->mk->basis == LC__BASIS_QUANTITY ? 1 : mark;
    for (size_t t = p->r->tier; best == 0 && p->lots > 1 && t-- > 0;) {
        /* k with n(k) in [lo, hi): (q - hi/mark)/L < k <= (q - lo/mark)/L, and k < lots. */
        double lo = t ? tiers[t - 1].cap : 0, hi = tiers[t].cap;
        double kmin_d = isinf(hi) ? 1 : floor((p->q - hi / unit) / L) + 1;
        double kmax_d = floor((p->q - lo / unit) / L);
        if (kmin_d < 1)
            kmin_d = 1;
        if (kmax_d > (double)(p->lots - 1))
            kmax_d = (double)(p->lots - 1);
        if (kmin_d > kmax_d)
            continue;
        double a, b, scale; /* scale: the size of a's terms, for its rounding */
        if (cfg->target == LC__TARGET_MR) {
            a = rest_mm + mark * p->q * tiers[t].mmr - tiers[t].maintenance_amount - x * e0;
            b = -mark * L * tiers[t].mmr + x * cfg->fee_rate * mark * L;
            scale = fabs(rest_mm) + mark * p->q * tiers[t].mmr + tiers[t].maintenance_amount;
        } else {
            a = rest_n + mark * p->q - x * e0;
            b = -mark * L + x * cfg->fee_rate * mark * L;
            scale = fabs(rest_n) + mark * p->q;
        }
        scale += fabs(x * e0);
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
        bool ok = meets_at(cfg, ps, n, j, k, equity);
        for (int tries = 0; !ok && tries < 3 && k < (size_t)kmax_d; tries++)
            ok = meets_at(cfg, ps, n, j, ++k, equity);
        if (!ok)
            continue;
        /* One lot less fails, unless rounding says otherwise: asked only when the algebra
         * is within a hair of the boundary. */
        while (k > (size_t)kmin_d &&
               !(a + b * (double)(k - 1) > 1e-9 * (scale + fabs(b) * (double)k)) &&
               meets_at(cfg, ps, n, j, k - 1, equity))
            k--;
        best = k;
    }
    if (!best && meets_at(cfg, ps, n, j, p->lots, equity))
        best = p->lots;
    return best;
}


/* ==== Orders ============================================================ */

static double order_key(lc__order order, const ppos *p)
{
    switch (order) {
    case LC__ORDER_LOSS:
        return -p->r->upnl;
    case LC__ORDER_NOTIONAL:
        return p->r->notional;
    default:
        return p->r->maintenance_margin;
    }
}

/* Whether ps[x] goes before ps[y]: the larger key, then the market's name (a pool holds
 * one position per market, so the order is total). */
static bool before(const double *key, const ppos *ps, size_t x, size_t y)
{
    if (key[x] != key[y])
        return key[x] > key[y];
    return strcmp(ps[x].r->market, ps[y].r->market) < 0;
}

/* Sorts order[0..n) by before(), merging runs through "tmp" (room for n). */
static void sort_order(size_t *order, size_t *tmp, size_t n, const double *key, const ppos *ps)
{
    if (n <= 8) { /* small pools: insertion */
        for (size_t i = 1; i < n; i++) {
            size_t t = order[i], j = i;
            for (; j > 0 && before(key, ps, t, order[j - 1]); j--)
                order[j] = order[j - 1];
            order[j] = t;
        }
        return;
    }
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                tmp[o++] = before(key, ps, order[b], order[a]) ? order[b++] : order[a++];
            while (a < mid)
                tmp[o++] = order[a++];
            while (b < hi)
                tmp[o++] = order[b++];
        }
        memcpy(order, tmp, n * sizeof(*order));
    }
}

/* ==== The plan ========================================================== */

static void close_all(ppos *ps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        set_closed(&ps[i], ps[i].q);
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
        /* The floor in the caps' unit: notional, or base units for quantity tiers. */
        double floor_n = p->mk->tiers[p->r->tier - 2].cap;
        double unit = p->mk->basis == LC__BASIS_QUANTITY ? 1 : p->r->mark;
        double m = ceil(floor_n / (unit * p->lot)) - 1;
        while (m > 0 && m * p->lot * unit >= floor_n)
            m--;
        if (m < 0 || m * p->lot >= p->q)
            continue;
        size_t mk = (size_t)m;
        double keep = lots_qty(p, mk);
        set_closed(p, at_lot_precision(p, p->q - keep));
        totals t = sum(ps, n, equity, cfg->fee_rate);
        if (meets(cfg, &t))
            return true;
        set_closed(p, 0);
    }
    return false;
}

static lc_status make(const lc_policy *pol, const lc__pool *pl, const lc__plancfg *cfg,
                      const char *rule, lc_verdict action, lc_plan *out, lc_close *cl,
                      lc__arena *arena)
{
    size_t n = pl->n;
    memset(out, 0, sizeof(*out));
    out->rule = rule;
    out->action = action;
    out->target = cfg->target_text;
    /* Working copies: on the stack for the pools accounts usually hold. */
    enum { STACK_POS = 16 };
    ppos ps_stack[STACK_POS];
    size_t order_stack[2 * STACK_POS];
    double key_stack[STACK_POS];
    ppos *ps = ps_stack;
    size_t *order = order_stack;
    double *key = key_stack;
    if (n > STACK_POS) {
        ps = lc__arena_alloc(arena, n * (sizeof(*ps) + 2 * sizeof(size_t) + sizeof(double)));
        if (!ps)
            return LC_ENOMEM;
        order = (size_t *)(void *)(ps + n);
        key = (double *)(void *)(order + 2 * n);
    }
    lc__order by = cfg->order == LC__ORDER_PROPORTIONAL ? LC__ORDER_MM : cfg->order;
    for (size_t i = 0; i < n; i++) {
        const lc_position_result *r = pl->pos[i];
        ps[i].r = r;
        ps[i].mk = &pol->markets[pl->market[i]];
        ps[i].mark = r->mark;
        ps[i].oi = r->open_interest;
        ps[i].q = fabs(r->qty);
        ps[i].lot = ps[i].mk->lot_size;
        /* ceil(q / lot - 1e-9), at least 1, without the libm call: q / lot is positive. */
        double k = ps[i].q / ps[i].lot - 1e-9;
        if (!(k < 4503599627370496.0)) {
            /* More lots than a double counts one by one (2^52): the plan's lots become
             * whole multiples of the market's, few enough to count. */
            ps[i].lot *= ceil(k / 4503599627370496.0);
            k = ps[i].q / ps[i].lot - 1e-9;
        }
        size_t lots = k < 1 ? 1 : (size_t)k;
        ps[i].lots = (double)lots < k ? lots + 1 : lots;
        set_whole(&ps[i]);
        order[i] = i;
        key[i] = order_key(by, &ps[i]);
    }
    sort_order(order, order + n, n, key, ps);
    out->order = lc__order_names[cfg->order];

    double equity = pl->equity;
    bool done = false;
    totals now = sum(ps, n, equity, cfg->fee_rate); /* nothing closed yet */
    if (!(equity > 0)) {
        /* Bankrupt: everything goes, no fee is taken from nothing, a fund covers the rest. */
        close_all(ps, n);
        out->bankrupt = 1;
        out->shortfall = -equity;
        done = true;
    } else if (cfg->target == LC__TARGET_NONE) {
        close_all(ps, n);
        done = true;
    } else if (meets(cfg, &now)) {
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
                set_closed(&ps[i], k >= (double)ps[i].lots ? ps[i].q : lots_qty(&ps[i], (size_t)k));
            }
            totals t = sum(ps, n, equity, cfg->fee_rate);
            done = meets(cfg, &t);
        }
        if (!done)
            close_all(ps, n);
    } else {
        for (size_t oi = 0; oi < n && !done; oi++) {
            size_t j = order[oi];
            totals rest = oi ? sum(ps, n, equity, cfg->fee_rate) : now;
            size_t k = fewest_lots(cfg, ps, n, j, equity, &rest);
            if (k) {
                set_closed(&ps[j], lots_qty(&ps[j], k));
                done = true;
            } else {
                set_closed(&ps[j], ps[j].q);
            }
        }
    }

    /* The closes in the order they were taken, and what is left. */
    double fee_rate = out->bankrupt ? 0 : cfg->fee_rate;
    for (size_t oi = 0; oi < n; oi++) {
        const ppos *p = &ps[order[oi]];
        if (!(p->closed > 0))
            continue;
        double notional = p->closed * p->mark;
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

    /* What remains, judged again by every rule; as positions only when a rule's
     * condition reads them. */
    size_t nr = 0;
    double upnl = 0;
    bool over = false;
    bool copies = pol->delev.position_conditions;
    lc_position_result *rem = copies ? lc__arena_alloc(arena, (n ? n : 1) * sizeof(*rem)) : NULL;
    const lc_position_result **rp = copies ? lc__arena_alloc(arena, (n ? n : 1) * sizeof(*rp)) : NULL;
    uint32_t *rm = copies ? lc__arena_alloc(arena, (n ? n : 1) * sizeof(*rm)) : NULL;
    if (copies && (!rem || !rp || !rm))
        return LC_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        figs f = ps[i].left;
        if (!(f.notional > 0))
            continue;
        double left = ps[i].q - ps[i].closed, qty = ps[i].r->qty > 0 ? left : -left;
        double pnl = qty * (ps[i].r->mark - ps[i].r->entry);
        upnl += pnl;
        over = over || f.over;
        if (copies) {
            rem[nr] = *ps[i].r;
            rem[nr].qty = qty;
            rem[nr].notional = f.notional;
            rem[nr].tier = f.tier;
            rem[nr].over_limit = f.over;
            rem[nr].maintenance_margin = f.mm;
            rem[nr].initial_margin = f.im;
            rem[nr].upnl = pnl;
            rp[nr] = &rem[nr];
            rm[nr] = pl->market[i];
        }
        nr++;
    }
    lc__pool after = {.equity = t.equity, .collateral = t.equity - upnl, .upnl = upnl,
                      .notional = t.notional, .mm = t.mm, .im = t.im, .pos = rp, .market = rm,
                      .n = nr};
    lc__pool_measure_as(&after, out->after.margin_ratio, out->after.leverage); /* same quotients */
    out->after.status = lc__pool_status(pol, &after, over);
    return LC_OK;
}

lc_status lc__plan_make(const lc_policy *pol, const lc__pool *pl, const lc__plancfg *cfg,
                        const char *rule, lc_verdict action, const lc_plan **pp,
                        lc__arena *arena)
{
    /* Made in place, with room for a close of every position (a pool holds one position
     * per market, so a few dozen bytes each); the working copies go when it is made. */
    *pp = NULL;
    lc_plan *plan = lc__arena_alloc(arena, sizeof(*plan) + pl->n * sizeof(lc_close));
    if (!plan)
        return LC_ENOMEM;
    lc_close *cl = (lc_close *)(void *)(plan + 1);
    lc__arena_mark scratch = lc__arena_save(arena);
    lc_status rc = make(pol, pl, cfg, rule, action, plan, cl, arena);
    lc__arena_rewind(arena, scratch);
    if (rc)
        return rc;
    if (!plan->n_closes)
        plan->closes = NULL;
    *pp = plan;
    return LC_OK;
}

lc_verdict lc__pool_status(const lc_policy *pol, const lc__pool *pl, bool over_limit)
{
    lc_verdict worst = LC_VERDICT_OK;
    if (pl->n || pl->notional > 0) {
        if (!(pl->equity > 0) || pl->mm >= pl->equity)
            worst = LC_VERDICT_LIQUIDATE;
    }
    if (worst < LC_VERDICT_OVER_LIMIT && pl->equity - pl->im < 0)
        worst = LC_VERDICT_OVER_LIMIT;
    if (worst < LC_VERDICT_OVER_LIMIT && over_limit)
        worst = LC_VERDICT_OVER_LIMIT;
    for (size_t r = 0; r < pol->delev.n_rules; r++) {
        const lc__rule *ru = &pol->delev.rules[r];
        if (ru->when && ru->action > worst && lc__cond_test(pol, ru->when, pl))
            worst = ru->action;
    }
    return worst;
}

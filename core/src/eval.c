/*
 * eval.c - evaluation of a portfolio under a policy: per-position tier, margins and
 * liquidation price, per-account sums and status.
 *
 * The result arrays are allocated once, sized from the portfolio; the loop over positions
 * reads the flat position array in order and allocates nothing, so its cost is a few
 * dozen floating-point operations per position.
 */
#include "lc_prefix.h"

#include "policy_int.h"
#include "portfolio_int.h"
#include "lua_int.h"
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *lc_verdict_name(lc_verdict v)
{
    switch (v) {
    case LC_STATUS_SCRIPT_ERROR:
        return "script_error";
    case LC_STATUS_OK:
        return "ok";
    case LC_STATUS_OVER_LIMIT:
        return "over_limit";
    case LC_STATUS_LIQUIDATE:
        return "liquidate";
    }
    return "unknown";
}

/* The status rules, shared by accounts and isolated positions. */
static lc_verdict judge(double equity, double mm, double available, bool over_limit,
                        lc_reason *why)
{
    if (!(equity > 0)) {
        *why = LC_REASON_NO_EQUITY;
        return LC_STATUS_LIQUIDATE;
    }
    if (mm >= equity) { /* margin_ratio >= 1 */
        *why = LC_REASON_MARGIN_RATIO;
        return LC_STATUS_LIQUIDATE;
    }
    if (available < 0) {
        *why = LC_REASON_NO_AVAILABLE;
        return LC_STATUS_OVER_LIMIT;
    }
    if (over_limit) {
        *why = LC_REASON_POSITION_LIMIT;
        return LC_STATUS_OVER_LIMIT;
    }
    *why = LC_REASON_NONE;
    return LC_STATUS_OK;
}

/* Initial margins, isolated statuses and the account's status, from each position's
 * max_leverage: run once, and again when scripts lower (or may raise) those caps. */
static void judge_account(lc_account_result *a, lc_position_result *out, size_t n_cross)
{
    double im = 0;
    size_t first_over = SIZE_MAX, worst_at = 0;
    lc_verdict worst_iso = LC_STATUS_OK;
    for (size_t i = 0; i < a->n_positions; i++) {
        lc_position_result *r = &out[i];
        r->initial_margin = r->notional / r->max_leverage;
        if (!r->isolated) {
            im += r->initial_margin;
            if (r->over_limit && first_over == SIZE_MAX)
                first_over = i;
            continue;
        }
        r->status = judge(r->equity, r->maintenance_margin, r->equity - r->initial_margin,
                          r->over_limit, &r->reason);
        if (r->status > worst_iso) {
            worst_iso = r->status;
            worst_at = i;
        }
    }
    a->initial_margin = im;
    a->available = a->equity - im;
    a->reason_position = SIZE_MAX;
    /* With no cross position there is nothing to liquidate: only a negative balance,
     * which leaves no margin for new exposure, stands against the account. */
    if (n_cross) {
        a->status = judge(a->equity, a->maintenance_margin, a->available,
                          first_over != SIZE_MAX, &a->reason);
    } else if (a->available < 0) {
        a->status = LC_STATUS_OVER_LIMIT;
        a->reason = LC_REASON_NO_AVAILABLE;
    } else {
        a->status = LC_STATUS_OK;
        a->reason = LC_REASON_NONE;
    }
    if (a->reason == LC_REASON_POSITION_LIMIT)
        a->reason_position = first_over;
    if (worst_iso > a->status) {
        a->status = worst_iso;
        a->reason = LC_REASON_ISOLATED;
        a->reason_position = worst_at;
    }
}

/* A script failed on the account: it is held at 1x everywhere (no new leverage), keeps
 * the status it had before the failure as core_status, and reports script_error. */
static void script_failed(lc_account_result *a, lc_position_result *out, size_t n_cross)
{
    for (size_t i = 0; i < a->n_positions; i++) {
        out[i].max_leverage = 1;
        out[i].binding = LC_BIND_SCRIPT_ERROR;
        out[i].binding_script = NULL;
    }
    lc_verdict before = a->core_status;
    judge_account(a, out, n_cross);
    a->core_status = before;
    a->status = LC_STATUS_SCRIPT_ERROR;
    a->reason = LC_REASON_SCRIPT_ERROR;
}

void lc__eval_account(const lc_policy *pol, const lc_portfolio *pf, size_t idx,
                      lc_account_result *a, lc_position_result *out, lc__arena *arena)
{
    const lc__acct *in = &pf->accts[idx];
    const lc__pos *pos = pf->pos + in->first;
    double upnl = 0, mm = 0, notional = 0;
    size_t n_cross = 0;

    for (size_t i = 0; i < in->n; i++) {
        const lc__pos *p = &pos[i];
        const lc__market *mk = &pol->markets[p->market];
        lc_position_result *r = &out[i];
        double mark = pf->marks[p->market];
        double q = fabs(p->qty);
        double n = q * mark;
        int over;
        size_t t = lc_tier_find(mk->tiers, mk->n_tiers, n, &over);
        const lc_tier *tr = &mk->tiers[t];

        r->market = mk->name;
        r->qty = p->qty;
        r->entry = p->entry;
        r->mark = mark;
        r->notional = n;
        r->tier = (unsigned)t + 1;
        r->over_limit = over;
        r->tier_max_leverage = tr->max_leverage;
        if (mk->vol) {
            r->max_leverage = mk->vol->eff_lev[t];
            r->binding = mk->vol->binding[t];
            r->model = pol->models[mk->vol->model].name;
            r->sigma_h = mk->vol->sigma_h;
            r->z = mk->vol->z;
        } else {
            r->max_leverage = tr->max_leverage;
            r->binding = LC_BIND_TIER;
            r->model = NULL;
            r->sigma_h = r->z = (double)NAN;
        }
        r->binding_script = r->ignored_script = NULL;
        r->ignored_cap = (double)NAN;
        r->mmr = tr->mmr;
        r->maintenance_amount = tr->maintenance_amount;
        r->maintenance_margin = lc__tier_mm(tr, n);
        r->upnl = p->qty * (mark - p->entry);

        if (isnan(p->iso_margin)) {
            r->isolated = 0;
            r->isolated_margin = r->equity = r->margin_ratio = (double)NAN;
            r->status = LC_STATUS_OK;
            r->reason = LC_REASON_NONE;
            upnl += r->upnl;
            mm += r->maintenance_margin;
            notional += n;
            n_cross++;
            continue;
        }
        /* Isolated: its own margin pool, judged alone. */
        double eq = p->iso_margin + r->upnl;
        r->isolated = 1;
        r->isolated_margin = p->iso_margin;
        r->equity = eq;
        r->margin_ratio = eq > 0 ? r->maintenance_margin / eq : (double)NAN;
        r->liquidation_price = lc__liquidation_price(mk->tiers, mk->n_tiers, t, p->iso_margin,
                                                     q, p->qty > 0 ? 1.0 : -1.0, p->entry);
    }

    /* Cross liquidation prices need the other cross positions' totals, known only now. */
    for (size_t i = 0; i < in->n; i++) {
        lc_position_result *r = &out[i];
        if (r->isolated)
            continue;
        const lc__pos *p = &pos[i];
        const lc__market *mk = &pol->markets[p->market];
        double base = in->collateral - (mm - r->maintenance_margin) + (upnl - r->upnl);
        r->liquidation_price = lc__liquidation_price(mk->tiers, mk->n_tiers, r->tier - 1, base,
                                                     fabs(p->qty), p->qty > 0 ? 1.0 : -1.0,
                                                     p->entry);
    }

    double equity = in->collateral + upnl;
    a->id = in->id;
    a->collateral = in->collateral;
    a->equity = equity;
    a->upnl = upnl;
    a->notional = notional;
    a->maintenance_margin = mm;
    a->margin_ratio = equity > 0 ? mm / equity : (double)NAN;
    a->leverage = equity > 0 ? notional / equity : (double)NAN;
    a->first_position = in->first;
    a->n_positions = in->n;
    a->script_error = NULL;
    a->findings = NULL;
    a->n_findings = 0;
    a->log = NULL;
    a->n_log = 0;
    judge_account(a, out, n_cross);
    a->core_status = a->status;
    if (!pol->lua || !arena)
        return;

    bool changed;
    if (!lc__lua_account(pol->lua, in, a, out, arena, &changed)) {
        script_failed(a, out, n_cross);
        return;
    }
    if (changed) {
        judge_account(a, out, n_cross);
        a->core_status = a->status;
    }
    if (!lc__lua_on_account(pol->lua, in, a, out, arena))
        script_failed(a, out, n_cross);
}

lc_status lc_evaluate_into(const lc_policy *pol, const lc_portfolio *pf, lc_report *r)
{
    if (!pol || !pf || !r || pf->pol != pol || r->n_acc != pf->n_accts || r->n_pos != pf->n_pos)
        return LC_EINVAL;
    r->pol = pol;
    r->pf = pf;
    if (pol->lua) {
        lc__arena_free(&r->strings);
        lc__arena_init(&r->strings, 1 << 16);
        lc__lua_begin(pol->lua, pol, pf);
    }
    for (size_t i = 0; i < pf->n_accts; i++)
        lc__eval_account(pol, pf, i, &r->acc[i], r->pos + pf->accts[i].first, &r->strings);
    return LC_OK;
}

lc_status lc_evaluate(const lc_policy *pol, const lc_portfolio *pf, lc_report **pp)
{
    if (!pp)
        return LC_EINVAL;
    *pp = NULL;
    if (!pol || !pf || pf->pol != pol)
        return LC_EINVAL;
    lc_report *r = lc__calloc(1, sizeof(*r));
    if (!r)
        return LC_ENOMEM;
    lc__arena_init(&r->strings, 1 << 16);
    r->n_acc = pf->n_accts;
    r->n_pos = pf->n_pos;
    r->acc = lc__malloc((r->n_acc ? r->n_acc : 1) * sizeof(*r->acc));
    r->pos = lc__malloc((r->n_pos ? r->n_pos : 1) * sizeof(*r->pos));
    if (!r->acc || !r->pos) {
        lc_report_free(r);
        return LC_ENOMEM;
    }
    lc_status rc = lc_evaluate_into(pol, pf, r);
    if (rc) {
        lc_report_free(r);
        return rc;
    }
    *pp = r;
    return LC_OK;
}

void lc_report_free(lc_report *r)
{
    if (!r)
        return;
    lc__free(r->acc);
    lc__free(r->pos);
    lc__arena_free(&r->strings);
    lc__free(r);
}

size_t lc_report_account_count(const lc_report *r)
{
    return r->n_acc;
}

const lc_account_result *lc_report_account(const lc_report *r, size_t i)
{
    return i < r->n_acc ? &r->acc[i] : NULL;
}

size_t lc_report_position_count(const lc_report *r)
{
    return r->n_pos;
}

const lc_position_result *lc_report_position(const lc_report *r, size_t i)
{
    return i < r->n_pos ? &r->pos[i] : NULL;
}

/* ==== Report sources ==================================================== */

static const lc_account_result *from_report(lc__source *src, size_t i,
                                            const lc_position_result **ppos)
{
    const lc_account_result *a = &src->report->acc[i];
    *ppos = src->report->pos + a->first_position;
    return a;
}

static const lc_account_result *on_the_fly(lc__source *src, size_t i,
                                           const lc_position_result **ppos)
{
    /* Scripts' strings live as long as the account is being written. */
    if (src->scratch_strings.head) {
        lc__arena_free(&src->scratch_strings);
        lc__arena_init(&src->scratch_strings, 4096);
    }
    lc__eval_account(src->pol, src->pf, i, &src->scratch_acc, src->scratch_pos,
                     &src->scratch_strings);
    *ppos = src->scratch_pos;
    return &src->scratch_acc;
}

static lc_status write_source(lc__source *src, lc_format fmt, FILE *out)
{
    return fmt == LC_FORMAT_TABLE ? lc__report_write_table(src, out)
                                  : lc__report_write_json(src, out);
}

void lc__summary_add(lc_summary *s, const lc_account_result *a)
{
    s->by_status[a->status]++;
    if (a->script_error && !s->first_script_error[0])
        snprintf(s->first_script_error, sizeof s->first_script_error, "%s: %s", a->id,
                 a->script_error);
}

void lc_report_summary(const lc_report *r, lc_summary *s)
{
    memset(s, 0, sizeof(*s));
    s->accounts = r->n_acc;
    s->positions = r->n_pos;
    for (size_t i = 0; i < r->n_acc; i++)
        lc__summary_add(s, &r->acc[i]);
}

lc_status lc_report_write(const lc_report *r, lc_format fmt, FILE *out)
{
    if (!r || !out)
        return LC_EINVAL;
    lc__source src = {0};
    src.pol = r->pol;
    src.n_acc = r->n_acc;
    src.n_pos = r->n_pos;
    src.get = from_report;
    src.report = r;
    return write_source(&src, fmt, out);
}

lc_status lc_evaluate_write(const lc_policy *pol, const lc_portfolio *pf, lc_format fmt,
                            FILE *out, lc_summary *summary)
{
    if (!pol || !pf || !out || pf->pol != pol)
        return LC_EINVAL;
    size_t largest = 1;
    for (size_t i = 0; i < pf->n_accts; i++)
        if (pf->accts[i].n > largest)
            largest = pf->accts[i].n;
    lc__source src = {0};
    src.pol = pol;
    src.n_acc = pf->n_accts;
    src.n_pos = pf->n_pos;
    src.get = on_the_fly;
    src.pf = pf;
    src.scratch_pos = lc__malloc(largest * sizeof(*src.scratch_pos));
    if (!src.scratch_pos)
        return LC_ENOMEM;
    lc__arena_init(&src.scratch_strings, 4096);
    if (pol->lua)
        lc__lua_begin(pol->lua, pol, pf);
    lc_status rc = write_source(&src, fmt, out);
    lc__arena_free(&src.scratch_strings);
    lc__free(src.scratch_pos);
    if (summary)
        *summary = src.summary;
    return rc;
}

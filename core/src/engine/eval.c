/*
 * eval.c - evaluation of a portfolio under a policy: per-position tier, margins and
 * liquidation price, per-account sums and status.
 *
 * The result arrays are allocated once, sized from the portfolio; the loop over positions
 * reads the flat position array in order and allocates nothing, so its cost is a few
 * dozen floating-point operations per position.
 */
#include "base/prefix.h"

#include "engine/engine.h"
#include "rules/rules.h"
#include "script/script.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Initial margins, isolated statuses and the account's status, from each position's
 * max_leverage: run once, and again when scripts lower (or may raise) those caps. */
static void judge_account(lc_account_result *a, lc_position_result *out)
{
    double im = 0;
    for (size_t i = 0; i < a->n_positions; i++) {
        lc_position_result *r = &out[i];
        r->initial_margin = r->notional / r->max_leverage;
        if (!r->isolated) {
            im += r->initial_margin;
            continue;
        }
        r->status = lc__judge(r->equity, r->maintenance_margin, r->equity - r->initial_margin,
                          r->over_limit, &r->reason);
    }
    a->initial_margin = im;
    a->available = a->equity - im;
    lc__settle(a, out);
}

/* A script failed on the account (a->script_error says why): it is held at 1x everywhere
 * (no new leverage) and keeps the status it had before the failure as core_status. Its
 * status is then at least over_limit, and a liquidation the rules or an earlier finding
 * call for still shows. */
static void script_failed(lc_account_result *a, lc_position_result *out)
{
    for (size_t i = 0; i < a->n_positions; i++) {
        out[i].max_leverage = 1;
        out[i].binding = LC_BIND_SCRIPT_ERROR;
        out[i].binding_script = NULL;
    }
    judge_account(a, out);
}

/* The figures of one position at its market's mark: tier, caps, margins, PnL; for an
 * isolated one also its own pool and liquidation price. */
static void eval_position(const lc_policy *pol, const lc_portfolio *pf, const lc__pos *p,
                          lc_position_result *r)
{
    const lc__market *mk = &pol->markets[p->market];
    double mark = pf->marks[p->market];
    double q = fabs(p->qty);
    double n = q * mark;
    double oi = pf->oi ? pf->oi[p->market] : (double)NAN;
    lc__rates rt;
    lc__rates_at(mk, q, n, oi, &rt);
    size_t t = rt.tier;

    r->market = mk->name;
    r->qty = p->qty;
    r->entry = p->entry;
    r->mark = mark;
    r->notional = n;
    r->tier = (unsigned)t + 1;
    r->over_limit = rt.over;
    r->tier_max_leverage = rt.max_leverage;
    r->max_leverage = lc__rates_leverage(mk, &rt, &r->binding);
    if (mk->vol) {
        r->model = pol->models[mk->vol->model].name;
        r->sigma_h = mk->vol->sigma_h;
        r->z = mk->vol->z;
    } else {
        r->model = NULL;
        r->sigma_h = r->z = (double)NAN;
    }
    static const char *const basis_name[] = {"notional", "quantity"};
    if (mk->margin) {
        r->tier_basis = NULL;
        r->margin_scheme = mk->margin->scheme == LC__SCHEME_OI ? "open_interest" : "size_premium";
        r->open_interest = mk->margin->scheme == LC__SCHEME_OI ? oi : (double)NAN;
    } else {
        r->tier_basis = basis_name[mk->basis];
        r->margin_scheme = NULL;
        r->open_interest = (double)NAN;
    }
    r->imf = rt.imf;
    r->mmf = rt.mmf;
    r->binding_script = r->ignored_script = r->clamped_script = NULL;
    r->bankruptcy_price = (double)NAN;
    r->rules = NULL;
    r->n_rules = 0;
    r->plan = NULL;
    r->ignored_cap = r->clamped_cap = (double)NAN;
    r->mmr = rt.mmr;
    r->maintenance_amount = rt.amount;
    r->maintenance_margin = n * rt.mmr - rt.amount;
    r->upnl = p->qty * (mark - p->entry);
    r->status = LC_VERDICT_OK;
    r->reason = LC_REASON_NONE;
    if (isnan(p->iso_margin)) {
        r->isolated = 0;
        r->isolated_margin = r->equity = r->margin_ratio = (double)NAN;
        return; /* its liquidation price needs the whole cross pool: set later */
    }
    /* Isolated: its own margin pool, judged alone. */
    double eq = p->iso_margin + r->upnl;
    r->isolated = 1;
    r->isolated_margin = p->iso_margin;
    r->equity = eq;
    r->margin_ratio = eq > 0 ? r->maintenance_margin / eq : (double)NAN;
    r->liquidation_price = lc__position_lp(mk, r, p->iso_margin, q, p->qty > 0 ? 1.0 : -1.0);
}

/* The account's sums over its cross positions, and each cross position's liquidation
 * price, which depends on the rest of the pool. */
static void eval_cross(const lc_policy *pol, const lc__acct *in, const lc__pos *pos,
                       lc_account_result *a, lc_position_result *out)
{
    double upnl = 0, mm = 0, notional = 0, iso_equity = 0;
    for (size_t i = 0; i < in->n; i++) {
        if (out[i].isolated) {
            iso_equity += out[i].equity;
            continue;
        }
        upnl += out[i].upnl;
        mm += out[i].maintenance_margin;
        notional += out[i].notional;
    }
    for (size_t i = 0; i < in->n; i++) {
        lc_position_result *r = &out[i];
        if (r->isolated)
            continue;
        const lc__market *mk = &pol->markets[pos[i].market];
        double base = in->collateral - (mm - r->maintenance_margin) + (upnl - r->upnl);
        r->liquidation_price = lc__position_lp(mk, r, base, fabs(pos[i].qty),
                                               pos[i].qty > 0 ? 1.0 : -1.0);
    }
    double equity = in->collateral + upnl;
    a->id = in->id;
    a->collateral = in->collateral;
    a->equity = equity;
    a->total_equity = equity + iso_equity;
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
    a->rules = NULL;
    a->n_rules = 0;
    a->plan = NULL;
}

/* The policy's scripts on an evaluated account: their caps, then their findings; a
 * failure holds the account at 1x. */
static lc_status run_scripts(lc__lua *lx, const lc__acct *in, lc_account_result *a,
                             lc_position_result *out, lc__arena *arena)
{
    bool changed;
    lc_status rc = lc__lua_account(lx, in, a, out, arena, &changed);
    if (rc)
        return rc;
    if (a->script_error) {
        script_failed(a, out);
        return LC_OK;
    }
    if (changed) {
        judge_account(a, out);
        a->core_status = a->status;
    }
    rc = lc__lua_on_account(lx, in, a, out, arena);
    if (rc)
        return rc;
    if (a->script_error)
        script_failed(a, out);
    else
        lc__settle(a, out); /* the findings */
    return LC_OK;
}

lc_status lc__eval_account(const lc_policy *pol, const lc_portfolio *pf, size_t idx,
                           lc_account_result *a, lc_position_result *out, lc__arena *arena)
{
    return lc__eval_account_in(pol, pol->lua, pf, idx, a, out, arena);
}

lc_status lc__eval_account_in(const lc_policy *pol, lc__lua *lx, const lc_portfolio *pf,
                              size_t idx, lc_account_result *a, lc_position_result *out,
                              lc__arena *arena)
{
    const lc__acct *in = &pf->accts[idx];
    const lc__pos *pos = in->n ? pf->pos + in->first : NULL; /* no NULL + 0 */
    for (size_t i = 0; i < in->n; i++)
        eval_position(pol, pf, &pos[i], &out[i]);
    eval_cross(pol, in, pos, a, out);
    judge_account(a, out);
    a->core_status = a->status;
    if (!arena)
        return LC_OK;
    lc_status rc = lx ? run_scripts(lx, in, a, out, arena) : LC_OK;
    if (rc == LC_OK && pol->delev.present)
        rc = lc__deleverage(pol, a, out, pos, arena);
    return rc;
}

lc_status lc__eval_begin(const lc_policy *pol, const lc_portfolio *pf)
{
    return pol->lua ? lc__lua_begin(pol->lua, pol, pf) : LC_OK;
}

lc_status lc_evaluate_into(const lc_policy *pol, const lc_portfolio *pf, lc_report *r)
{
    if (!pol || !pf || !r || pf->pol != pol || r->n_acc != pf->n_accts || r->n_pos != pf->n_pos)
        return LC_EINVAL;
    r->pol = pol;
    r->pf = pf;
    if (pol->lua || pol->delev.present) {
        lc__arena_reset(&r->strings); /* the last evaluation's strings; its blocks stay */
        lc_status rc = lc__eval_begin(pol, pf);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < pf->n_accts; i++) {
        lc_status rc = lc__eval_account(pol, pf, i, &r->acc[i], r->pos + pf->accts[i].first,
                                        &r->strings);
        if (rc)
            return rc;
    }
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

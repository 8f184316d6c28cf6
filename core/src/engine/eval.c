/*
 * eval.c - evaluation of a portfolio under a policy: per-position tier, margins and
 * liquidation price, per-account sums and status.
 *
 * The result arrays are allocated once, sized from the portfolio; the loop over positions
 * reads the flat position array in order and allocates nothing, so its cost is a few
 * dozen floating-point operations per position.
 */
#include "base/prefix.h"

#include "model/policy.h"
#include "model/portfolio.h"
#include "script/lua_int.h"
#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *lc_verdict_name(lc_verdict v)
{
    switch (v) {
    case LC_STATUS_OK:
        return "ok";
    case LC_STATUS_OVER_LIMIT:
        return "over_limit";
    case LC_STATUS_LIQUIDATE:
        return "liquidate";
    }
    return "unknown";
}

/* The status rules of an isolated position, judged alone on its own margin. */
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

/* ==== Breaches ========================================================== */

/* Every rule an account breaks, visited in one fixed order: a script failure, the cross
 * part (equity, margin ratio, available margin, position limits), isolated positions,
 * scripts' findings. The account's status and reason are the first breach of the highest
 * severity, so the status, the reason and the report's `reasons` list cannot disagree. */
typedef struct breach_sink {
    lc_verdict want; /* only breaches of this severity are kept */
    lc_breach *out;
    size_t cap, n;
} breach_sink;

static void emit(breach_sink *k, lc_verdict sev, lc_reason why, size_t index)
{
    if (sev != k->want)
        return;
    if (k->n < k->cap)
        k->out[k->n] = (lc_breach){sev, why, index};
    k->n++;
}

static void visit_breaches(const lc_account_result *a, const lc_position_result *pos,
                           breach_sink *k)
{
    size_t n_cross = 0;
    for (size_t i = 0; i < a->n_positions; i++)
        n_cross += !pos[i].isolated;
    if (a->script_error)
        emit(k, LC_STATUS_OVER_LIMIT, LC_REASON_SCRIPT_ERROR, SIZE_MAX);
    if (n_cross) {
        if (!(a->equity > 0))
            emit(k, LC_STATUS_LIQUIDATE, LC_REASON_NO_EQUITY, SIZE_MAX);
        else if (a->maintenance_margin >= a->equity)
            emit(k, LC_STATUS_LIQUIDATE, LC_REASON_MARGIN_RATIO, SIZE_MAX);
        if (a->available < 0)
            emit(k, LC_STATUS_OVER_LIMIT, LC_REASON_NO_AVAILABLE, SIZE_MAX);
        for (size_t i = 0; i < a->n_positions; i++)
            if (!pos[i].isolated && pos[i].over_limit)
                emit(k, LC_STATUS_OVER_LIMIT, LC_REASON_POSITION_LIMIT, i);
    } else if (a->available < 0) {
        /* With no cross position there is nothing to liquidate: only a negative balance,
         * which leaves no margin for new exposure, stands against the account. */
        emit(k, LC_STATUS_OVER_LIMIT, LC_REASON_NEGATIVE_COLLATERAL, SIZE_MAX);
    }
    for (size_t i = 0; i < a->n_positions; i++)
        if (pos[i].isolated && pos[i].status != LC_STATUS_OK)
            emit(k, pos[i].status, LC_REASON_ISOLATED, i);
    for (size_t f = 0; f < a->n_findings; f++) {
        const char *act = a->findings[f].action;
        if (strcmp(act, "liquidate") == 0)
            emit(k, LC_STATUS_LIQUIDATE, LC_REASON_SCRIPT, f);
        else if (strcmp(act, "over_limit") == 0)
            emit(k, LC_STATUS_OVER_LIMIT, LC_REASON_SCRIPT, f);
    }
}

size_t lc_account_breaches(const lc_account_result *a, const lc_position_result *positions,
                           lc_breach *out, size_t cap)
{
    breach_sink k = {LC_STATUS_LIQUIDATE, out, out ? cap : 0, 0};
    for (int sev = LC_STATUS_LIQUIDATE; sev > LC_STATUS_OK; sev--) {
        k.want = (lc_verdict)sev;
        visit_breaches(a, positions, &k);
    }
    return k.n;
}

/* Sets the account's status and reason from its first breach. */
static void settle(lc_account_result *a, const lc_position_result *pos)
{
    lc_breach first;
    if (lc_account_breaches(a, pos, &first, 1) == 0) {
        a->status = LC_STATUS_OK;
        a->reason = LC_REASON_NONE;
        a->reason_position = SIZE_MAX;
        return;
    }
    a->status = first.severity;
    a->reason = first.reason;
    a->reason_position = first.index;
}

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
        r->status = judge(r->equity, r->maintenance_margin, r->equity - r->initial_margin,
                          r->over_limit, &r->reason);
    }
    a->initial_margin = im;
    a->available = a->equity - im;
    settle(a, out);
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

lc_status lc__eval_account(const lc_policy *pol, const lc_portfolio *pf, size_t idx,
                           lc_account_result *a, lc_position_result *out, lc__arena *arena)
{
    const lc__acct *in = &pf->accts[idx];
    const lc__pos *pos = in->n ? pf->pos + in->first : NULL; /* no NULL + 0 */
    double upnl = 0, mm = 0, notional = 0, iso_equity = 0;

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
        r->binding_script = r->ignored_script = r->clamped_script = NULL;
        r->ignored_cap = r->clamped_cap = (double)NAN;
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
            continue;
        }
        /* Isolated: its own margin pool, judged alone. */
        double eq = p->iso_margin + r->upnl;
        r->isolated = 1;
        r->isolated_margin = p->iso_margin;
        r->equity = eq;
        iso_equity += eq;
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
    judge_account(a, out);
    a->core_status = a->status;
    if (!pol->lua || !arena)
        return LC_OK;

    bool changed;
    lc_status rc = lc__lua_account(pol->lua, in, a, out, arena, &changed);
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
    rc = lc__lua_on_account(pol->lua, in, a, out, arena);
    if (rc)
        return rc;
    if (a->script_error)
        script_failed(a, out);
    else
        settle(a, out); /* the findings */
    return LC_OK;
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
        lc_status rc = lc__lua_begin(pol->lua, pol, pf);
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
    const lc_account_result *a = &src->report->acc[src->order ? src->order[i] : i];
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
    lc_status rc = lc__eval_account(src->pol, src->pf, i, &src->scratch_acc, src->scratch_pos,
                                    &src->scratch_strings);
    if (rc) {
        src->failed = rc;
        return NULL;
    }
    *ppos = src->scratch_pos;
    return &src->scratch_acc;
}

static lc__source source(const lc_policy *pol, size_t n_acc, size_t n_pos,
                         const lc_account_result *(*get)(lc__source *, size_t,
                                                         const lc_position_result **),
                         const lc_write_options *opts)
{
    lc__source src = {0};
    src.pol = pol;
    src.n_acc = n_acc;
    src.n_pos = n_pos;
    src.get = get;
    src.opts = opts;
    return src;
}

static lc_status write_source(lc__source *src, lc_format fmt, FILE *out)
{
    return fmt == LC_FORMAT_TABLE ? lc__report_write_table(src, out)
                                  : lc__report_write_json(src, out);
}

bool lc__selected(const lc__source *src, const lc_account_result *a)
{
    const lc_write_options *o = src->opts;
    if (!o)
        return true;
    if (o->status_mask && !(o->status_mask & (1u << a->status)))
        return false;
    if (!o->n_accounts)
        return true;
    for (size_t i = 0; i < o->n_accounts; i++)
        if (strcmp(o->accounts[i], a->id) == 0)
            return true;
    return false;
}

/* The sort key: higher is written first; no equity ranks above any figure. */
static double sort_key(const lc_account_result *a, lc_sort s)
{
    double v = s == LC_SORT_MARGIN_RATIO ? a->margin_ratio
               : s == LC_SORT_LEVERAGE   ? a->leverage
                                         : a->notional;
    return isnan(v) ? (double)INFINITY : v;
}

static const lc_report *sorting; /* qsort has no context argument in C11 */
static lc_sort sorting_by;

static int by_key(const void *x, const void *y)
{
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    double a = sort_key(&sorting->acc[i], sorting_by), b = sort_key(&sorting->acc[j], sorting_by);
    if (a != b)
        return a > b ? -1 : 1;
    return i < j ? -1 : i > j; /* stable: book order among equals */
}

void lc__summary_add(lc_summary *s, const lc_account_result *a)
{
    s->by_status[a->status]++;
    if (!a->script_error)
        return;
    s->script_errors++;
    if (!s->first_script_error[0])
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
    lc__source src = source(r->pol, r->n_acc, r->n_pos, from_report, NULL);
    src.report = r;
    return write_source(&src, fmt, out);
}

lc_status lc_evaluate_write_with(const lc_policy *pol, const lc_portfolio *pf, lc_format fmt,
                                 FILE *out, const lc_write_options *opts, lc_summary *summary,
                                 lc_diags *diags)
{
    if (!pol || !pf || !out || pf->pol != pol)
        return LC_EINVAL;
    for (size_t k = 0; opts && k < opts->n_accounts; k++) {
        size_t i = 0;
        while (i < pf->n_accts && strcmp(pf->accts[i].id, opts->accounts[k]) != 0)
            i++;
        if (i == pf->n_accts) {
            lc__diag_add(diags, LC_SEV_ERROR, NULL, 0, 0, "no account '%s' in the portfolio",
                         opts->accounts[k]);
            return LC_EINPUT;
        }
    }
    if (!opts || opts->sort == LC_SORT_NONE) {
        lc_status rc = lc__evaluate_write_stream(pol, pf, fmt, out, opts, summary);
        return rc;
    }
    lc_report *r;
    lc_status rc = lc_evaluate(pol, pf, &r);
    if (rc)
        return rc;
    size_t *order = lc__malloc((r->n_acc ? r->n_acc : 1) * sizeof(*order));
    if (!order) {
        lc_report_free(r);
        return LC_ENOMEM;
    }
    for (size_t i = 0; i < r->n_acc; i++)
        order[i] = i;
    sorting = r;
    sorting_by = opts->sort;
    qsort(order, r->n_acc, sizeof(*order), by_key);
    lc__source src = source(pol, r->n_acc, r->n_pos, from_report, opts);
    src.report = r;
    src.order = order;
    rc = write_source(&src, fmt, out);
    if (summary)
        *summary = src.summary;
    lc__free(order);
    lc_report_free(r);
    return rc;
}

lc_status lc_evaluate_write(const lc_policy *pol, const lc_portfolio *pf, lc_format fmt,
                            FILE *out, lc_summary *summary)
{
    return lc_evaluate_write_with(pol, pf, fmt, out, NULL, summary, NULL);
}

lc_status lc__evaluate_write_stream(const lc_policy *pol, const lc_portfolio *pf,
                                    lc_format fmt, FILE *out, const lc_write_options *opts,
                                    lc_summary *summary)
{
    if (!pol || !pf || !out || pf->pol != pol)
        return LC_EINVAL;
    size_t largest = 1;
    for (size_t i = 0; i < pf->n_accts; i++)
        if (pf->accts[i].n > largest)
            largest = pf->accts[i].n;
    lc__source src = source(pol, pf->n_accts, pf->n_pos, on_the_fly, opts);
    src.pf = pf;
    src.scratch_pos = lc__malloc(largest * sizeof(*src.scratch_pos));
    if (!src.scratch_pos)
        return LC_ENOMEM;
    lc__arena_init(&src.scratch_strings, 4096);
    lc_status rc = pol->lua ? lc__lua_begin(pol->lua, pol, pf) : LC_OK;
    if (rc == LC_OK)
        rc = write_source(&src, fmt, out);
    lc__arena_free(&src.scratch_strings);
    lc__free(src.scratch_pos);
    if (summary)
        *summary = src.summary;
    return rc;
}

/*
 * policy_backtest.c - `levcal backtest --policy`: a policy's limits tried on history, per
 * market, tier and side.
 *
 * Each day a position is opened at the close, at the day's max leverage (the tier's, or
 * the volatility cap the policy would have computed from the history up to that day),
 * isolated with exactly its initial margin, at the tier's smallest notional, where
 * maintenance is the smallest share of it. The next day's adverse extreme either leaves
 * it, reaches its liquidation price (the engine's, re-tiering included), or passes its
 * bankruptcy price: bad debt. Those rates are what a reviewer reads before approving tiers.
 */
#include "base/prefix.h"

#include "engine/engine.h"
#include "gov/gov.h"
#include "load/history.h"
#include "model/policy.h"
#include "rules/rules.h"
#include "sim/sim.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct tier_side {
    size_t days, liquidations, bad_debt;
    double worst_loss; /* past bankruptcy, as a share of the opening notional */
} tier_side;

typedef struct market_run {
    const lc__market *mk;
    const char *history;
    tier_side *ts;     /* [tier * 2 + side], side 0 long, 1 short */
    bool capped;       /* a volatility section: leverage moved with the forecast */
    double confidence;
    size_t fallback_days; /* days the model failed and the fallback applied */
} market_run;

static const char *override_for(const lc_policy_backtest_request *rq, const char *market)
{
    size_t n = strlen(market);
    for (size_t i = 0; i < rq->n_histories; i++)
        if (strncmp(rq->histories[i], market, n) == 0 && rq->histories[i][n] == '=')
            return rq->histories[i] + n + 1;
    return NULL;
}

/* The day's max leverage per tier into "lev": the tier's, or the volatility cap. */
static void leverage_on(const lc__market *mk, const lc__volcfg *vc, double sigma_h, double *lev)
{
    for (size_t t = 0; t < mk->n_tiers; t++) {
        double tier = mk->tiers[t].max_leverage;
        double cap = !vc ? tier : isnan(sigma_h) ? vc->fallback
                                               : 1 / (vc->z * sigma_h + mk->tiers[t].mmr);
        lev[t] = cap < tier ? cap : tier;
    }
}

static lc_status run_market(const lc_policy *pol, const lc_policy_backtest_request *rq,
                            market_run *mr, lc_diags *d)
{
    const lc__market *mk = mr->mk;
    const lc__volcfg *vc = mk->vol;
    int64_t to = rq->has_to ? rq->to_day : INT64_MAX;
    lc__gaps gaps = vc ? vc->gaps : LC__GAPS_ERROR;
    if (rq->gaps && !lc__parse_gaps(rq->gaps, &gaps)) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_VALUE, NULL, 0, 0, "gaps '%s': expected drop, scale or error",
                     rq->gaps);
        return LC_EINPUT;
    }
    lc__history *h = NULL;
    lc_status rc = lc__history_load(mr->history, to, gaps, LC__GAPS_HINT_REQUEST, &h, d);
    if (rc)
        return rc;
    double *lev = lc__malloc(mk->n_tiers * sizeof(*lev));
    char err[256];
    lc_model *m = NULL;
    const lc_plugin_api *api = vc ? pol->models[vc->model].plugin->api : NULL;
    lc_fit_status (*update)(lc_model *, const lc_bar *, char *, size_t) =
        api ? lc__plugin_update(api) : NULL;
    int refit = rq->refit ? rq->refit : 20;
    size_t since_fit = 0;
    if (!lev) {
        rc = LC_ENOMEM;
        goto done;
    }
    int64_t from = rq->has_from ? rq->from_day : INT64_MIN;
    for (size_t t = 0; t + 1 < h->n; t++) {
        /* The model, moved on to include day t (fitted afresh when due, or when it has
         * no update; a failure leaves the market at its fallback that day). */
        double sigma_h = (double)NAN;
        if (vc) {
            const lc__model_def *md = &pol->models[vc->model];
            bool fit_now = !m || !update || ++since_fit >= (size_t)refit;
            lc_fit_status st = LC_FIT_FAILED;
            if (fit_now) {
                lc_model *fresh = NULL;
                lc_diags quiet;
                lc_diags_init(&quiet);
                st = lc__model_fit(api, &quiet, md->params, md->n_params, h->bars, t + 1, &fresh,
                                   err, sizeof err);
                lc_diags_free(&quiet);
                if (st == LC_FIT_OK) {
                    if (m)
                        api->destroy(m);
                    m = fresh;
                    since_fit = 0;
                } else {
                    api->destroy(fresh);
                    if (m && update)
                        st = update(m, &h->bars[t], err, sizeof err);
                }
            } else {
                st = update(m, &h->bars[t], err, sizeof err);
            }
            if (st == LC_FIT_OK && m)
                st = lc__model_forecast(api, m, vc->horizon_days, &sigma_h, err, sizeof err);
            if (st != LC_FIT_OK)
                sigma_h = (double)NAN;
        }
        if (h->bars[t].day < from)
            continue;
        if (vc && isnan(sigma_h))
            mr->fallback_days++;
        leverage_on(mk, vc, sigma_h, lev);
        const lc_bar *b = &h->bars[t], *next = &h->bars[t + 1];
        for (size_t ti = 0; ti < mk->n_tiers; ti++) {
            double notional = ti ? mk->tiers[ti - 1].cap : 1;
            double q = notional / b->close, im = notional / lev[ti];
            for (int s = 0; s < 2; s++) {
                tier_side *x = &mr->ts[ti * 2 + (size_t)s];
                double side = s ? -1.0 : 1.0;
                double lp = lc__liquidation_price(mk->tiers, mk->n_tiers, ti, im, q, side, b->close);
                double bk = b->close * (1 - side / lev[ti]);
                double extreme = s ? next->high : next->low;
                x->days++;
                if (!isnan(lp) && (s ? extreme >= lp : extreme <= lp))
                    x->liquidations++;
                if (s ? extreme > bk : extreme < bk) {
                    x->bad_debt++;
                    double loss = (s ? extreme - bk : bk - extreme) / b->close;
                    if (loss > x->worst_loss)
                        x->worst_loss = loss;
                }
            }
        }
    }
done:
    if (m)
        api->destroy(m);
    lc__free(lev);
    lc__history_free(h);
    return rc;
}

static void num(FILE *out, double v)
{
    char nb[40];
    fputs(isfinite(v) ? lc__numstr(v, nb) : "null", out);
}

/* The per-tier rates as a self-contained page: a table per market, each rate with a bar. */
static void write_html(const lc_policy *pol, const market_run *mr, size_t n, FILE *out)
{
    char e[256]; /* a name in the page, escaped */
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>levcal "
                 "backtest: %s</title><style>body{font:14px/1.45 system-ui,sans-serif;color:#1d1d1f;"
                 "margin:0;background:#f6f7f9}main{max-width:1100px;margin:0 auto;padding:24px}"
                 "table{border-collapse:collapse;background:#fff;font-variant-numeric:tabular-nums;"
                 "margin:6px 0 18px}th,td{padding:3px 10px;border-bottom:1px solid #e6e8eb;"
                 "text-align:right;white-space:nowrap}th{background:#eef0f3}.bar{display:inline-block;height:10px;"
                 "background:#d1495b;vertical-align:middle;margin-left:6px}</style></head><body><main>\n"
                 "<h1>Backtest of policy %s version %lld</h1>\n<p><code>%s</code>. Each day a "
                 "position at the tier's floor, at the day's max leverage, isolated with its initial "
                 "margin, against the next day's extreme.</p>\n",
            lc__gov_html(pol->id, e, sizeof e), e, (long long)pol->version, pol->digest);
    for (size_t i = 0; i < n; i++) {
        const market_run *r = &mr[i];
        fprintf(out, "<h2>%s</h2>\n<table class=\"rates\" data-market=\"%s\"><tr><th>tier</th>"
                     "<th>side</th><th>days</th><th>liquidations</th><th>rate</th><th>bad debt</th>"
                     "<th>rate</th><th>worst loss past bankruptcy</th></tr>\n",
                lc__gov_html(r->mk->name, e, sizeof e), e);
        /* Bars to scale: the market's highest rate is 100 pixels. */
        double top = 1e-12;
        for (size_t t = 0; t < r->mk->n_tiers * 2; t++)
            if (r->ts[t].days)
                top = fmax(top, (double)r->ts[t].liquidations / (double)r->ts[t].days);
        for (size_t t = 0; t < r->mk->n_tiers; t++)
            for (int s = 0; s < 2; s++) {
                const tier_side *x = &r->ts[t * 2 + (size_t)s];
                double days = x->days ? (double)x->days : 1;
                double lr = (double)x->liquidations / days, br = (double)x->bad_debt / days;
                char a[40], b[40], c[40]; /* data-v: the JSON's spelling of each figure */
                fprintf(out, "<tr><td>%zu</td><td>%s</td><td>%zu</td><td>%zu</td><td data-v=\"%s\">"
                             "%.3f%%<span class=\"bar\" style=\"width:%.0fpx\"></span></td><td>%zu</td>"
                             "<td data-v=\"%s\">%.4f%%<span class=\"bar\" style=\"width:%.0fpx\">"
                             "</span></td><td data-v=\"%s\">%.3f%%</td></tr>\n",
                        t + 1, s ? "short" : "long", x->days, x->liquidations, lc__numstr(lr, a),
                        100 * lr, 100 * lr / top, x->bad_debt, lc__numstr(br, b), 100 * br,
                        100 * br / top, lc__numstr(x->worst_loss, c), 100 * x->worst_loss);
            }
        fputs("</table>\n", out);
    }
    fputs("</main></body></html>\n", out);
}

lc_status lc_policy_backtest_write(const lc_policy *pol, const lc_policy_backtest_request *rq,
                                   lc_format fmt, FILE *out, FILE *html, lc_diags *d)
{
    if (!pol || !rq || !out || !LC__SIZE_COVERS(rq, lc_policy_backtest_request, refit))
        return LC_EINVAL;
    market_run *mr = lc__calloc(pol->n_markets + 1, sizeof(*mr));
    if (!mr)
        return LC_ENOMEM;
    size_t n = 0;
    lc_status rc = LC_OK;
    for (size_t i = 0; i < pol->n_markets && rc == LC_OK; i++) {
        const lc__market *mk = &pol->markets[i];
        if (mk->margin || mk->basis == LC__BASIS_QUANTITY) {
            /* Its positions are opened at each tier's notional floor: a margin scheme or
             * quantity caps have no such floor to open at. */
            lc__diag_add(d, LC_SEV_WARNING, LC_DIAG_VALUE, pol->path, mk->line, mk->col,
                         "market '%s' %s: the policy backtest tests notional tiers; not tested",
                         mk->name, mk->margin ? "has a margin scheme" : "is keyed by quantity");
            continue;
        }
        const char *path = override_for(rq, mk->name);
        if (!path && mk->vol)
            path = mk->vol->history;
        if (!path) {
            lc__diag_add(d, LC_SEV_WARNING, LC_DIAG_HISTORY, NULL, 0, 0,
                         "market '%s' has no price history: not tested (give --history %s=FILE)",
                         mk->name, mk->name);
            continue;
        }
        market_run *r = &mr[n++];
        r->mk = mk;
        r->history = path;
        r->capped = mk->vol != NULL;
        r->confidence = mk->vol ? mk->vol->confidence : (double)NAN;
        if (!(r->ts = lc__calloc(mk->n_tiers * 2, sizeof(*r->ts))))
            rc = LC_ENOMEM;
        else
            rc = run_market(pol, rq, r, d);
    }
    if (rc == LC_OK && n == 0) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_HISTORY, NULL, 0, 0,
                     "no market of the policy has a price history to test");
        rc = LC_EINPUT;
    }
    if (rc == LC_OK && fmt == LC_FORMAT_JSON) {
        fputs("{\"policy\":{\"id\":", out);
        lc__gov_json_str(out, pol->id);
        fprintf(out, ",\"version\":%lld,\"digest\":\"%s\"},\"markets\":[",
                (long long)pol->version, pol->digest);
        for (size_t i = 0; i < n; i++) {
            const market_run *r = &mr[i];
            fputs(i ? ",\n{\"market\":" : "\n{\"market\":", out);
            lc__gov_json_str(out, r->mk->name);
            fprintf(out, ",\"volatility_capped\":%s,\"fallback_days\":%zu,\"tiers\":[",
                    r->capped ? "true" : "false", r->fallback_days);
            for (size_t t = 0; t < r->mk->n_tiers; t++)
                for (int s = 0; s < 2; s++) {
                    const tier_side *x = &r->ts[t * 2 + (size_t)s];
                    double days = x->days ? (double)x->days : 1;
                    fprintf(out, "%s{\"tier\":%zu,\"side\":\"%s\",\"days\":%zu,\"liquidations\":%zu,"
                                 "\"bad_debt\":%zu,\"liquidation_rate\":",
                            t || s ? "," : "", t + 1, s ? "short" : "long", x->days,
                            x->liquidations, x->bad_debt);
                    num(out, (double)x->liquidations / days);
                    fputs(",\"bad_debt_rate\":", out);
                    num(out, (double)x->bad_debt / days);
                    fputs(",\"worst_loss\":", out);
                    num(out, x->worst_loss);
                    if (r->capped) {
                        double lr, pv;
                        lc__kupiec(x->days, x->bad_debt, 1 - r->confidence, &lr, &pv);
                        fputs(",\"kupiec\":{\"lr\":", out);
                        num(out, lr);
                        fputs(",\"p_value\":", out);
                        num(out, pv);
                        fputc('}', out);
                    }
                    fputc('}', out);
                }
            fputs("]}", out);
        }
        fputs("\n]}\n", out);
    } else if (rc == LC_OK) {
        fprintf(out, "policy %s version %lld (%s): each day a position at the tier's floor, "
                     "isolated with its initial margin, against the next day's extreme\n",
                pol->id, (long long)pol->version, pol->digest);
        for (size_t i = 0; i < n; i++) {
            const market_run *r = &mr[i];
            fprintf(out, "\n%s (%s)%s\n", r->mk->name, r->history,
                    r->capped ? ", leverage capped by volatility" : "");
            fprintf(out, "  %4s %5s %6s %12s %9s %9s %11s %11s\n", "tier", "side", "days",
                    "liquidations", "rate", "bad debt", "rate", "worst loss");
            for (size_t t = 0; t < r->mk->n_tiers; t++)
                for (int s = 0; s < 2; s++) {
                    const tier_side *x = &r->ts[t * 2 + (size_t)s];
                    double days = x->days ? (double)x->days : 1;
                    fprintf(out, "  %4zu %5s %6zu %12zu %8.3f%% %9zu %10.4f%% %10.3f%%\n", t + 1,
                            s ? "short" : "long", x->days, x->liquidations,
                            100 * (double)x->liquidations / days, x->bad_debt,
                            100 * (double)x->bad_debt / days, 100 * x->worst_loss);
                }
        }
    }
    if (rc == LC_OK && html)
        write_html(pol, mr, n, html);
    for (size_t i = 0; i < n; i++)
        lc__free(mr[i].ts);
    lc__free(mr);
    if (rc == LC_OK && (ferror(out) || (html && ferror(html))))
        rc = LC_EIO;
    return rc;
}

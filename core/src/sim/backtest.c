/*
 * backtest.c - `levcal backtest`: a volatility model's one-day forecasts against what
 * happened (a VaR backtest), with Kupiec's and Christoffersen's tests.
 *
 * Each day t of the window the model has seen the history up to t-1 only: models that
 * can update (ABI 1.1) are fitted once, moved on a day at a time and refitted every
 * `refit` days; the others are refitted every day. The likelihood ratios are computed in
 * log space with 0 ln 0 = 0, so they are defined at every edge.
 */
#include "base/prefix.h"

#include "engine/engine.h"
#include "gov/gov.h"
#include "load/history.h"
#include "rules/rules.h"
#include "sim/sim.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ==== The statistics ==================================================== */

/* k ln q, with 0 ln 0 = 0. */
static double xlog(double k, double q)
{
    return k > 0 ? k * log(q) : 0.0;
}

void lc__kupiec(size_t n, size_t x, double p, double *lr, double *pv)
{
    double pi = n ? (double)x / (double)n : 0;
    double l0 = xlog((double)(n - x), 1 - p) + xlog((double)x, p);
    double l1 = xlog((double)(n - x), 1 - pi) + xlog((double)x, pi);
    *lr = fmax(0, -2 * (l0 - l1));
    *pv = erfc(sqrt(*lr / 2)); /* chi-squared, 1 degree of freedom */
}

void lc__christoffersen(const size_t t[4], double *lr, double *pv)
{
    double n00 = (double)t[0], n01 = (double)t[1], n10 = (double)t[2], n11 = (double)t[3];
    double all = n00 + n01 + n10 + n11;
    double pi0 = n00 + n01 > 0 ? n01 / (n00 + n01) : 0;
    double pi1 = n10 + n11 > 0 ? n11 / (n10 + n11) : 0;
    double pi = all > 0 ? (n01 + n11) / all : 0;
    double l0 = xlog(n00 + n10, 1 - pi) + xlog(n01 + n11, pi);
    double l1 = xlog(n00, 1 - pi0) + xlog(n01, pi0) + xlog(n10, 1 - pi1) + xlog(n11, pi1);
    *lr = fmax(0, -2 * (l0 - l1));
    *pv = erfc(sqrt(*lr / 2));
}

/* ==== The walk ========================================================== */

static lc_status model_failed(lc_diags *d, const char *model, int64_t day, const char *why)
{
    char date[16];
    lc__format_date(day, date);
    lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_MODEL, NULL, 0, 0,
                 "model '%s' failed on the history up to %s: %s", model, date, why);
    return LC_EINPUT;
}

lc_status lc_backtest_run(const lc_backtest_request *rq, lc_backtest **pp, lc_diags *d)
{
    if (!rq || !pp || !LC__SIZE_COVERS(rq, lc_backtest_request, refit))
        return LC_EINVAL;
    *pp = NULL;
    double conf = rq->confidence == 0 ? 0.99 : rq->confidence;
    if (!(conf > 0.5 && conf < 1)) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_VALUE, NULL, 0, 0,
                     "confidence %g: expected a number in (0.5, 1)", conf);
        return LC_EINPUT;
    }
    int refit = rq->refit == 0 ? 20 : rq->refit;
    if (refit < 1) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_VALUE, NULL, 0, 0,
                     "refit %d: expected a number of days of at least 1", refit);
        return LC_EINPUT;
    }
    lc_vol_result *vr = NULL;
    lc__history *h = NULL;
    lc_status rc = lc__vol_prepare(&rq->vol, &vr, &h, d);
    if (rc)
        return rc;
    lc_backtest *b = lc__calloc(1, sizeof(*b));
    if (!b) {
        rc = LC_ENOMEM;
        goto done;
    }
    b->side = rq->short_side ? -1 : 1;
    b->confidence = conf;
    b->z = lc__norm_ppf(conf);
    b->refit = refit;
    const lc_plugin_api *api = vr->plugin->api;
    lc_fit_status (*update)(lc_model *, const lc_bar *, char *, size_t) = lc__plugin_update(api);
    b->updates = update != NULL;
    if (!(b->model = lc__strdup(vr->model))) {
        rc = LC_ENOMEM;
        goto done;
    }
    b->n_settings = vr->n_settings;
    b->settings = lc__calloc(vr->n_settings + 1, sizeof(*b->settings));
    if (!b->settings) {
        rc = LC_ENOMEM;
        goto done;
    }
    /* The names are the plugin's, which closes with the estimate: keep copies. */
    for (size_t i = 0; i < vr->n_settings; i++) {
        b->settings[i].value = vr->settings[i].value;
        if (!(b->settings[i].name = lc__strdup(vr->settings[i].name))) {
            rc = LC_ENOMEM;
            goto done;
        }
    }
    /* The window: days in [from, to] that have a return and a day before them. */
    int64_t from = rq->has_from ? rq->from_day : INT64_MIN;
    size_t first = 1;
    while (first < h->n && (h->bars[first].day < from || isnan(h->bars[first].ret)))
        first++;
    if (first >= h->n) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_HISTORY, rq->vol.history, 0, 0,
                     "no day with a return to test between --from and --to");
        rc = LC_EINPUT;
        goto done;
    }
    size_t cap = h->n - first;
    b->day = lc__malloc(cap * sizeof(*b->day));
    b->ret = lc__malloc(cap * sizeof(*b->ret));
    b->sigma = lc__malloc(cap * sizeof(*b->sigma));
    b->hit = lc__malloc(cap);
    if (!b->day || !b->ret || !b->sigma || !b->hit) {
        rc = LC_ENOMEM;
        goto done;
    }
    char err[256];
    lc_model *m = NULL;
    lc_fit_status st;
    for (;;) {
        lc_diags quiet;
        lc_diags_init(&quiet);
        st = lc__model_fit(api, rq->has_from ? d : &quiet, vr->settings, vr->n_settings, h->bars,
                           first, &m, err, sizeof err);
        lc_diags_free(&quiet);
        /* Without --from the window starts where the model first fits. */
        if (st == LC_FIT_OK || rq->has_from || first + 1 >= h->n)
            break;
        api->destroy(m);
        m = NULL;
        first++;
    }
    vr->inst = m; /* freed with the result */
    if (st != LC_FIT_OK) {
        rc = model_failed(d, vr->model, h->bars[first - 1].day, err);
        goto done;
    }
    size_t since_fit = 0;
    for (size_t t = first; t < h->n; t++) {
        const lc_bar *bar = &h->bars[t];
        if (!isnan(bar->ret)) {
            double sigma;
            st = lc__model_forecast(api, m, 1.0, &sigma, err, sizeof err);
            if (st != LC_FIT_OK) {
                rc = model_failed(d, vr->model, h->bars[t - 1].day, err);
                goto done;
            }
            size_t k = b->n++;
            b->day[k] = bar->day;
            b->ret[k] = bar->ret;
            b->sigma[k] = sigma;
            b->hit[k] = b->side > 0 ? bar->ret < -b->z * sigma : bar->ret > b->z * sigma;
            b->x += b->hit[k];
        }
        if (t + 1 == h->n)
            break;
        /* Move the model on to include day t: an update, or a fit of everything so far.
         * A refit is made on a fresh instance: when it fails (a GARCH near integration),
         * the last good fit is held, moved on by update where the model has one. */
        since_fit++;
        if (update && since_fit < (size_t)refit) {
            st = update(m, bar, err, sizeof err);
            if (st != LC_FIT_OK) {
                rc = model_failed(d, vr->model, bar->day, err[0] ? err : "no reason given");
                goto done;
            }
            continue;
        }
        since_fit = 0;
        lc_model *fresh = NULL;
        lc_diags quiet;
        lc_diags_init(&quiet);
        st = lc__model_fit(api, &quiet, vr->settings, vr->n_settings, h->bars, t + 1, &fresh,
                           err, sizeof err);
        lc_diags_free(&quiet);
        if (st == LC_FIT_OK) {
            api->destroy(m);
            vr->inst = m = fresh;
            continue;
        }
        api->destroy(fresh);
        if (b->refits_failed++ == 0)
            lc__format_date(bar->day, b->first_failed);
        snprintf(b->why_failed, sizeof b->why_failed, "%s", err);
        if (update && (st = update(m, bar, err, sizeof err)) != LC_FIT_OK) {
            rc = model_failed(d, vr->model, bar->day, err[0] ? err : "no reason given");
            goto done;
        }
    }
    /* n (1 - c), to a billionth: 1 - 0.99 is not exact in binary. */
    if (b->refits_failed)
        lc__diag_add(d, LC_SEV_WARNING, LC_DIAG_MODEL, NULL, 0, 0,
                     "%zu refit%s of model '%s' failed, the first with the history up to %s "
                     "(%s); the last good fit was held%s",
                     b->refits_failed, b->refits_failed == 1 ? "" : "s", vr->model,
                     b->first_failed, b->why_failed, update ? " and moved on daily" : "");
    b->expected = round((double)b->n * (1 - conf) * 1e9) / 1e9;
    for (size_t k = 1; k < b->n; k++)
        b->trans[b->hit[k - 1] * 2 + b->hit[k]]++;
    lc__kupiec(b->n, b->x, 1 - conf, &b->lr_pof, &b->p_pof);
    lc__christoffersen(b->trans, &b->lr_ind, &b->p_ind);
    b->lr_cc = b->lr_pof + b->lr_ind;
    b->p_cc = exp(-b->lr_cc / 2); /* chi-squared, 2 degrees of freedom */
    b->accepted = b->p_pof >= 0.05 && b->p_ind >= 0.05 && b->p_cc >= 0.05;
    if (!(b->history = lc__strdup(rq->vol.history)))
        rc = LC_ENOMEM;
done:
    lc__history_free(h);
    lc_vol_result_free(vr);
    if (rc) {
        lc_backtest_free(b);
        return rc;
    }
    *pp = b;
    return LC_OK;
}

void lc_backtest_free(lc_backtest *b)
{
    if (!b)
        return;
    lc__free(b->model);
    lc__free(b->history);
    for (size_t i = 0; b->settings && i < b->n_settings; i++)
        lc__free((void *)(uintptr_t)b->settings[i].name);
    lc__free(b->settings);
    lc__free(b->day);
    lc__free(b->ret);
    lc__free(b->sigma);
    lc__free(b->hit);
    lc__free(b);
}

/* ==== Output ============================================================ */

static void date(FILE *out, int64_t day)
{
    char s[16];
    lc__format_date(day, s);
    fputs(s, out);
}

static void num(FILE *out, double v)
{
    char nb[40];
    fputs(isfinite(v) ? lc__numstr(v, nb) : "null", out);
}

static void write_json(const lc_backtest *b, FILE *out)
{
    fputs("{\"model\":", out);
    lc__gov_json_str(out, b->model);
    fputs(",\"params\":{", out);
    for (size_t i = 0; i < b->n_settings; i++) {
        if (i)
            fputc(',', out);
        lc__gov_json_str(out, b->settings[i].name);
        fputc(':', out);
        num(out, b->settings[i].value);
    }
    fprintf(out, "},\"side\":\"%s\",\"confidence\":", b->side > 0 ? "long" : "short");
    num(out, b->confidence);
    fputs(",\"z\":", out);
    num(out, b->z);
    fprintf(out, ",\"updates\":%s,\"refit\":%d,\"first\":\"", b->updates ? "true" : "false",
            b->refit);
    date(out, b->day[0]);
    fputs("\",\"last\":\"", out);
    date(out, b->day[b->n - 1]);
    fprintf(out, "\",\"observations\":%zu,\"exceedances\":%zu,\"expected\":", b->n, b->x);
    num(out, b->expected);
    fputs(",\"exceedance_dates\":[", out);
    bool first = true;
    for (size_t k = 0; k < b->n; k++) {
        if (!b->hit[k])
            continue;
        fputs(first ? "\"" : ",\"", out);
        first = false;
        date(out, b->day[k]);
        fputc('"', out);
    }
    fputs("],\"kupiec\":{\"lr\":", out);
    num(out, b->lr_pof);
    fputs(",\"p_value\":", out);
    num(out, b->p_pof);
    fputs("},\"independence\":{\"lr\":", out);
    num(out, b->lr_ind);
    fputs(",\"p_value\":", out);
    num(out, b->p_ind);
    fprintf(out, ",\"n00\":%zu,\"n01\":%zu,\"n10\":%zu,\"n11\":%zu},\"conditional_coverage\":{\"lr\":",
            b->trans[0], b->trans[1], b->trans[2], b->trans[3]);
    num(out, b->lr_cc);
    fputs(",\"p_value\":", out);
    num(out, b->p_cc);
    fprintf(out, "},\"refits_failed\":%zu,\"verdict\":\"%s\"}\n", b->refits_failed,
            b->accepted ? "accept" : "reject");
}

static const char *judge(double p)
{
    return p >= 0.05 ? "passes at 5%" : "rejected at 5%";
}

static void write_table(const lc_backtest *b, FILE *out)
{
    char a[40], c[40];
    fprintf(out, "backtest of %s (", b->model);
    for (size_t i = 0; i < b->n_settings; i++)
        fprintf(out, "%s%s %s", i ? ", " : "", b->settings[i].name,
                lc__numstr(b->settings[i].value, a));
    fprintf(out, ") on %s, %s side, confidence %s (z %.6f)\n", b->history,
            b->side > 0 ? "long" : "short", lc__numstr(b->confidence, c), b->z);
    fputs("days ", out);
    date(out, b->day[0]);
    fputs(" to ", out);
    date(out, b->day[b->n - 1]);
    fprintf(out, ": %zu forecasts, %s\n", b->n,
            b->updates ? "the model updated daily and refitted periodically" : "refitted daily");
    fprintf(out, "exceedances     %zu (expected %.2f, rate %.4f%%)\n", b->x, b->expected,
            b->n ? 100.0 * (double)b->x / (double)b->n : 0);
    fprintf(out, "kupiec POF      LR %.7g, p %.4g: %s\n", b->lr_pof, b->p_pof, judge(b->p_pof));
    fprintf(out, "independence    LR %.7g, p %.4g: %s (n00 %zu, n01 %zu, n10 %zu, n11 %zu)\n",
            b->lr_ind, b->p_ind, judge(b->p_ind), b->trans[0], b->trans[1], b->trans[2],
            b->trans[3]);
    fprintf(out, "cond. coverage  LR %.7g, p %.4g: %s\n", b->lr_cc, b->p_cc, judge(b->p_cc));
    fprintf(out, "verdict         %s\n", b->accepted ? "accept" : "reject");
    if (b->x) {
        fputs("exceeded on    ", out);
        size_t shown = 0;
        for (size_t k = 0; k < b->n; k++) {
            if (!b->hit[k])
                continue;
            fputs(shown % 8 ? " " : shown ? "\n                " : " ", out);
            date(out, b->day[k]);
            shown++;
        }
        fputc('\n', out);
    }
}

lc_status lc_backtest_write(const lc_backtest *b, lc_format fmt, FILE *out)
{
    if (!b || !out)
        return LC_EINVAL;
    if (fmt == LC_FORMAT_JSON)
        write_json(b, out);
    else
        write_table(b, out);
    return ferror(out) ? LC_EIO : LC_OK;
}

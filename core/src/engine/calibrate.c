/*
 * vol.c - volatility calibration of a policy, and direct estimates for `levcal vol`.
 *
 * Calibration loads each capped market's history, fits its model once per (model,
 * history) pair, forecasts over the market's horizon and turns sigma into per-tier caps.
 * Nothing a model does can loosen a limit: any failure leaves the market at its fallback
 * leverage, with the reason kept for the report.
 */
#include "base/prefix.h"

#include "load/history.h"
#include "model/policy.h"
#include "rules/rules.h"

#include <math.h>
#include <string.h>




/* ==== Calibration ======================================================= */

typedef struct hist_entry {
    const char *path;
    lc__gaps gaps;
    lc__history *h;
} hist_entry;

typedef struct fit_entry {
    size_t model;
    size_t hist;
    lc_model *inst;
    lc_fit_status st;
    char err[256];
} fit_entry;

static const char *override_for(const lc_calibration *c, const char *market)
{
    size_t ml = strlen(market);
    for (size_t i = 0; c && i < c->n_histories; i++) {
        const char *o = c->histories[i];
        if (strncmp(o, market, ml) == 0 && o[ml] == '=')
            return o + ml + 1;
    }
    return NULL;
}

static lc_status check_overrides(lc_policy *p, const lc_calibration *c, lc_diags *d)
{
    lc_status rc = LC_OK;
    for (size_t i = 0; c && i < c->n_histories; i++) {
        const char *o = c->histories[i], *eq = strchr(o, '=');
        if (!eq || eq == o || !eq[1]) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_VALUE, NULL, 0, 0,
                         "history '%s': expected MARKET=FILE", o);
            rc = LC_EINPUT;
            continue;
        }
        long m = lc__policy_find(p, o, (size_t)(eq - o));
        if (m < 0 || !p->markets[m].vol) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REFERENCE, NULL, 0, 0,
                         "history '%s': market '%.*s' %s", o, (int)(eq - o), o,
                         m < 0 ? "is not in the policy" : "has no volatility section");
            rc = LC_EINPUT;
        }
    }
    return rc;
}

lc_status lc_policy_calibrate(lc_policy *p, const lc_calibration *c, lc_diags *d)
{
    if (!p || (c && !LC__SIZE_COVERS(c, lc_calibration, n_histories)))
        return LC_EINVAL;
    if (!p)
        return LC_EINVAL;
    lc_status rc = check_overrides(p, c, d);
    if (rc)
        return rc;
    int64_t until = c && c->has_until ? c->until_day : INT64_MAX;
    size_t nm = p->n_markets;
    hist_entry *hs = lc__calloc(nm + 1, sizeof(*hs));
    fit_entry *fs = lc__calloc(nm + 1, sizeof(*fs));
    size_t *mhist = lc__calloc(nm + 1, sizeof(size_t));
    size_t n_h = 0, n_f = 0;
    if (!hs || !fs || !mhist) {
        rc = LC_ENOMEM;
        goto out;
    }

    /* Histories first: a bad price file is an input error, reported whole. */
    for (size_t m = 0; m < nm; m++) {
        lc__volcfg *vc = p->markets[m].vol;
        if (!vc)
            continue;
        const char *path = override_for(c, p->markets[m].name);
        if (!path)
            path = vc->history;
        if (!path) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_MISSING, p->path, vc->line, vc->col,
                         "market '%s' has a volatility cap but no price history: give "
                         "'history:' here or a history for it when calibrating",
                         p->markets[m].name);
            rc = LC_EINPUT;
            continue;
        }
        size_t i = 0;
        while (i < n_h && !(strcmp(hs[i].path, path) == 0 && hs[i].gaps == vc->gaps))
            i++;
        if (i == n_h) {
            hs[i].path = path;
            hs[i].gaps = vc->gaps;
            lc_status r = lc__history_load(path, until, vc->gaps, LC__GAPS_HINT_POLICY, &hs[i].h, d);
            n_h++;
            if (r == LC_EIO)
                lc__diag_add(d, LC_SEV_NOTE, LC_DIAG_FILE, NULL, 0, 0,
                             "that file is the price history of market '%s'", p->markets[m].name);
            if (r == LC_ENOMEM) {
                rc = r;
                goto out;
            }
            if (r)
                rc = LC_EINPUT;
        }
        mhist[m] = i;
        const lc__history *h = hs[i].h;
        if (h && h->symbol && !lc__symbol_matches(h->symbol, p->markets[m].name))
            lc__diag_add(d, LC_SEV_WARNING, LC_DIAG_HISTORY, path, h->symbol_line, 1,
                         "its symbol column says '%s', but it is the price history of market '%s'",
                         h->symbol, p->markets[m].name);
    }
    if (rc)
        goto out;

    for (size_t m = 0; m < nm; m++) {
        lc__market *mk = &p->markets[m];
        lc__volcfg *vc = mk->vol;
        if (!vc)
            continue;
        lc__model_def *md = &p->models[vc->model];
        const lc_plugin_api *api = md->plugin->api;
        size_t f = 0;
        while (f < n_f && !(fs[f].model == vc->model && fs[f].hist == mhist[m]))
            f++;
        if (f == n_f) {
            /* Fit each model on each history once, whatever number of markets share it. */
            fit_entry *fe = &fs[n_f++];
            fe->model = vc->model;
            fe->hist = mhist[m];
            lc__host_ctx hc = {d, api->name};
            lc_host_api host = {sizeof(lc_host_api), lc__host_log, &hc};
            fe->inst = api->create(&host, md->params, md->n_params, fe->err, sizeof fe->err);
            if (!fe->inst) {
                fe->st = LC_FIT_FAILED;
                if (!fe->err[0])
                    snprintf(fe->err, sizeof fe->err, "create failed without a reason");
            } else {
                const lc__history *h = hs[fe->hist].h;
                fe->st = api->fit(fe->inst, h->bars, h->n, fe->err, sizeof fe->err);
                if (fe->st != LC_FIT_OK && !fe->err[0])
                    snprintf(fe->err, sizeof fe->err, "fit failed without a reason");
            }
        }
        fit_entry *fe = &fs[f];
        double sigma = (double)NAN;
        char err[256] = "";
        lc_fit_status st = fe->st;
        if (st == LC_FIT_OK)
            st = api->forecast(fe->inst, vc->horizon_days, &sigma, err, sizeof err);
        else
            snprintf(err, sizeof err, "%s", fe->err);
        if (st == LC_FIT_OK && !(isfinite(sigma) && sigma > 0)) {
            snprintf(err, sizeof err, "forecast sigma %g is not a positive finite number", sigma);
            st = LC_FIT_FAILED;
        }
        if (st == LC_FIT_OK) {
            vc->state = LC__VOL_OK;
            vc->sigma_h = sigma;
            vc->reason[0] = '\0';
        } else {
            vc->state = LC__VOL_FALLBACK;
            vc->sigma_h = (double)NAN;
            snprintf(vc->reason, sizeof vc->reason, "model '%.40s' (%.40s) failed: %.150s", md->name,
                     api->name, err[0] ? err : "no reason given");
            char fb[40];
            lc__diag_add(d, LC_SEV_WARNING, LC_DIAG_MODEL, p->path, vc->line, vc->col,
                         "market '%s': %s; max leverage held at fallback %s", mk->name,
                         vc->reason, lc__numstr(vc->fallback, fb));
        }
        lc__vol_apply(mk);
    }
out:
    for (size_t f = 0; fs && f < n_f; f++)
        if (fs[f].inst)
            p->models[fs[f].model].plugin->api->destroy(fs[f].inst);
    for (size_t i = 0; hs && i < n_h; i++)
        lc__history_free(hs[i].h);
    lc__free(hs);
    lc__free(fs);
    lc__free(mhist);
    return rc;
}

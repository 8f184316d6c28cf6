/*
 * calibrate.c - volatility calibration of a policy.
 *
 * Calibration loads each capped market's history, fits its model once per (model,
 * history) pair, forecasts over the market's horizon and turns sigma into per-tier caps.
 * Nothing a model does can loosen a limit: any failure leaves the market at its fallback
 * leverage, with the reason kept for the report.
 */
#include "base/prefix.h"

#include "engine/engine.h"
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

/* The histories of every capped market, each file read once per gap rule; mhist[m] is
 * market m's entry. A bad price file is an input error, and every market is checked. */
static lc_status load_histories(lc_policy *p, const lc_calibration *c, hist_entry *hs,
                                size_t *pn_h, size_t *mhist, lc_diags *d)
{
    int64_t until = c && c->has_until ? c->until_day : INT64_MAX;
    lc_status rc = LC_OK;
    for (size_t m = 0; m < p->n_markets; m++) {
        const lc__volcfg *vc = p->markets[m].vol;
        if (!vc)
            continue;
        const char *name = p->markets[m].name;
        const char *path = override_for(c, name);
        if (!path)
            path = vc->history;
        if (!path) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_MISSING, p->path, vc->line, vc->col,
                         "market '%s' has a volatility cap but no price history: give "
                         "'history:' here or a history for it when calibrating",
                         name);
            rc = LC_EINPUT;
            continue;
        }
        size_t i = 0;
        while (i < *pn_h && !(strcmp(hs[i].path, path) == 0 && hs[i].gaps == vc->gaps))
            i++;
        if (i == *pn_h) {
            hs[i].path = path;
            hs[i].gaps = vc->gaps;
            lc_status r =
                lc__history_load(path, until, vc->gaps, LC__GAPS_HINT_POLICY, &hs[i].h, d);
            (*pn_h)++;
            if (r == LC_EIO)
                lc__diag_add(d, LC_SEV_NOTE, LC_DIAG_FILE, NULL, 0, 0,
                             "that file is the price history of market '%s'", name);
            if (r == LC_ENOMEM)
                return r;
            if (r)
                rc = LC_EINPUT;
        }
        mhist[m] = i;
        const lc__history *h = hs[i].h;
        if (h && h->symbol && !lc__symbol_matches(h->symbol, name))
            lc__diag_add(d, LC_SEV_WARNING, LC_DIAG_HISTORY, path, h->symbol_line, 1,
                         "its symbol column says '%s', but it is the price history of market '%s'",
                         h->symbol, name);
    }
    return rc;
}

/* Sets market "mk"'s caps from its model's forecast, or holds it at its fallback (with a
 * warning and the reason kept for the report) when the model failed. */
static void settle_market(lc_policy *p, lc__market *mk, const fit_entry *fe, lc_diags *d)
{
    lc__volcfg *vc = mk->vol;
    const lc__model_def *md = &p->models[vc->model];
    const lc_plugin_api *api = md->plugin->api;
    double sigma = (double)NAN;
    char err[256];
    lc_fit_status st = fe->st;
    if (st == LC_FIT_OK)
        st = lc__model_forecast(api, fe->inst, vc->horizon_days, &sigma, err, sizeof err);
    else
        snprintf(err, sizeof err, "%s", fe->err);
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
                     "market '%s': %s; max leverage held at fallback %s", mk->name, vc->reason,
                     lc__numstr(vc->fallback, fb));
    }
    lc__vol_apply(mk);
}

lc_status lc_policy_calibrate(lc_policy *p, const lc_calibration *c, lc_diags *d)
{
    if (!p || (c && !LC__SIZE_COVERS(c, lc_calibration, n_histories)))
        return LC_EINVAL;
    lc_status rc = check_overrides(p, c, d);
    if (rc)
        return rc;
    size_t nm = p->n_markets;
    hist_entry *hs = lc__calloc(nm + 1, sizeof(*hs));
    fit_entry *fs = lc__calloc(nm + 1, sizeof(*fs));
    size_t *mhist = lc__calloc(nm + 1, sizeof(size_t));
    size_t n_h = 0, n_f = 0;
    if (!hs || !fs || !mhist) {
        rc = LC_ENOMEM;
        goto out;
    }
    if ((rc = load_histories(p, c, hs, &n_h, mhist, d)) != LC_OK)
        goto out;
    for (size_t m = 0; m < nm; m++) {
        lc__market *mk = &p->markets[m];
        if (!mk->vol)
            continue;
        size_t f = 0;
        while (f < n_f && !(fs[f].model == mk->vol->model && fs[f].hist == mhist[m]))
            f++;
        if (f == n_f) {
            /* Fit each model on each history once, whatever number of markets share it. */
            fit_entry *fe = &fs[n_f++];
            const lc__model_def *md = &p->models[mk->vol->model];
            const lc__history *h = hs[mhist[m]].h;
            fe->model = mk->vol->model;
            fe->hist = mhist[m];
            fe->st = lc__model_fit(md->plugin->api, d, md->params, md->n_params, h->bars, h->n,
                                   &fe->inst, fe->err, sizeof fe->err);
        }
        settle_market(p, mk, &fs[f], d);
        /* Provenance: what this calibration read, for every report made after it. */
        const lc__history *h = hs[mhist[m]].h;
        lc__volcfg *vc = mk->vol;
        vc->hist_used = lc__arena_strndup(&p->arena, h->path, strlen(h->path));
        if (!vc->hist_used) {
            rc = LC_ENOMEM;
            goto out;
        }
        memcpy(vc->hist_sha256, h->sha256, sizeof vc->hist_sha256);
        vc->hist_n = h->n;
        /* For explanations: what the fit found (the plugin's strings are borrowed). */
        vc->n_fitted = 0;
        const lc_plugin_api *api = p->models[vc->model].plugin->api;
        const lc_stat *st = NULL;
        size_t ns = fs[f].st == LC_FIT_OK && fs[f].inst ? api->results(fs[f].inst, &st) : 0;
        if (ns && st) {
            vc->fitted = lc__arena_alloc(&p->arena, ns * sizeof(*vc->fitted));
            if (!vc->fitted) {
                rc = LC_ENOMEM;
                goto out;
            }
            for (size_t k = 0; k < ns; k++) {
                const char *sname = st[k].name ? st[k].name : "?";
                vc->fitted[k].name = lc__arena_strndup(&p->arena, sname, strlen(sname));
                vc->fitted[k].value = st[k].value;
                if (!vc->fitted[k].name) {
                    rc = LC_ENOMEM;
                    goto out;
                }
            }
            vc->n_fitted = ns;
        }
        vc->hist_first = h->n ? h->bars[0].day : 0;
        vc->hist_last = h->n ? h->bars[h->n - 1].day : 0;
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

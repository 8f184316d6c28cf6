/*
 * vol_estimate.c - one model fitted to one history, for `levcal vol`: the fitted
 * parameters, diagnostics and the forecast over a horizon.
 */
#include "base/prefix.h"

#include "engine/engine.h"
#include "load/history.h"
#include "model/policy.h"

#include <math.h>
#include <string.h>




static lc_status open_plugin(const lc_vol_request *rq, lc_vol_result *r, lc_diags *d)
{
    char why[512], tried[1024];
    if (rq->model) {
        if (!rq->policy) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REQUEST, NULL, 0, 0, "the request names model '%s' but no policy to define it", rq->model);
            return LC_EINPUT;
        }
        const lc_policy *p = rq->policy;
        for (size_t i = 0; i < p->n_models; i++) {
            if (strcmp(p->models[i].name, rq->model) == 0) {
                r->plugin = p->models[i].plugin;
                r->n_settings = p->models[i].n_params;
                r->settings = lc__calloc(r->n_settings + 1, sizeof(lc_param));
                if (!r->settings)
                    return LC_ENOMEM;
                memcpy(r->settings, p->models[i].params, r->n_settings * sizeof(lc_param));
                return LC_OK;
            }
        }
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REFERENCE, p->path, 0, 0, "no model named '%s' in the policy",
                     rq->model);
        return LC_EINPUT;
    }
    if (!rq->plugin) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REQUEST, NULL, 0, 0, "the request names neither a model nor a plugin");
        return LC_EINPUT;
    }
    char *shadowed = NULL, *path = NULL;
    if (strchr(rq->plugin, '/'))
        path = lc__strdup(rq->plugin);
    else if (lc__plugin_find(rq->plugin, tried, sizeof tried, &shadowed, &path) != LC_OK)
        return LC_ENOMEM;
    if (shadowed) {
        lc__diag_add(d, LC_SEV_WARNING, LC_DIAG_PLUGIN, NULL, 0, 0, "plugin '%s' is loaded from %s, which "
                     "shadows %s later in the search path", rq->plugin, path, shadowed);
        lc__free(shadowed);
    }
    if (!path) {
        if (strchr(rq->plugin, '/'))
            return LC_ENOMEM;
        char hint[64];
        if (lc__plugin_hint(rq->plugin, hint, sizeof hint))
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_PLUGIN, NULL, 0, 0,
                         "plugin '%s' not found (did you mean '%s'?); 'levcal plugins' lists them",
                         rq->plugin, hint);
        else
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_PLUGIN, NULL, 0, 0, "plugin '%s' not found: no %s.so in %s",
                         rq->plugin, rq->plugin, tried);
        return LC_EINPUT;
    }
    lc_status rc = lc__plugin_open(path, &r->plugin, why, sizeof why);
    if (rc == LC_EINPUT)
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_PLUGIN, path, 0, 0, "plugin refused: %s", why);
    lc__free(path);
    if (rc)
        return rc;
    r->own_plugin = true;
    const lc_plugin_api *api = r->plugin->api;
    r->n_settings = api->n_params;
    r->settings = lc__calloc(r->n_settings + 1, sizeof(lc_param));
    if (!r->settings)
        return LC_ENOMEM;
    for (size_t i = 0; i < api->n_params; i++)
        r->settings[i] = (lc_param){api->params[i].name, api->params[i].default_value};
    return LC_OK;
}

static lc_status apply_params(const lc_vol_request *rq, lc_vol_result *r, lc_diags *d)
{
    lc_status rc = LC_OK;
    for (size_t i = 0; i < rq->n_params; i++) {
        const char *kv = rq->params[i], *eq = strchr(kv, '=');
        double v;
        char name[64], why[256];
        if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof name ||
            !lc__parse_number(eq + 1, strlen(eq + 1), &v)) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_VALUE, NULL, 0, 0, "parameter '%s': expected NAME=NUMBER", kv);
            rc = LC_EINPUT;
            continue;
        }
        memcpy(name, kv, (size_t)(eq - kv));
        name[eq - kv] = '\0';
        long idx = lc__plugin_param(r->plugin->api, name, v, why, sizeof why);
        if (idx < 0) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_PLUGIN, NULL, 0, 0, "parameter '%s': %s", kv, why);
            rc = LC_EINPUT;
            continue;
        }
        r->settings[idx].value = v;
    }
    return rc;
}

/* A request for a policy market becomes the request evaluation makes: its model, its
 * history (unless one is given), its gaps and horizon (unless given). */
static lc_status from_market(const lc_vol_request *rq, lc_vol_request *out, const lc__volcfg **pvc,
                             lc_diags *d)
{
    const lc_policy *p = rq->policy;
    *out = *rq;
    if (!p) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REQUEST, NULL, 0, 0, "the request names market '%s' but no policy to define it", rq->market);
        return LC_EINPUT;
    }
    size_t m = 0;
    while (m < p->n_markets && strcmp(p->markets[m].name, rq->market) != 0)
        m++;
    if (m == p->n_markets) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REFERENCE, p->path, 0, 0, "no market '%s' in the policy", rq->market);
        return LC_EINPUT;
    }
    const lc__volcfg *vc = p->markets[m].vol;
    if (!vc) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REFERENCE, p->path, p->markets[m].line, p->markets[m].col,
                     "market '%s' has no volatility section", rq->market);
        return LC_EINPUT;
    }
    if (rq->model || rq->plugin) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REQUEST, NULL, 0, 0,
                     "a market's request takes its model from the policy; it names no model or plugin");
        return LC_EINPUT;
    }
    out->model = p->models[vc->model].name;
    out->plugin = NULL;
    if (!out->history)
        out->history = vc->history;
    if (!out->history) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REFERENCE, p->path, vc->line, vc->col,
                     "market '%s' names no price history: the request must give one", rq->market);
        return LC_EINPUT;
    }
    if (!(out->horizon_days > 0))
        out->horizon_days = vc->horizon_days;
    *pvc = vc;
    return LC_OK;
}

lc_status lc__vol_prepare(const lc_vol_request *rq_in, lc_vol_result **pp, lc__history **ph,
                          lc_diags *d)
{
    if (!rq_in || !pp || !LC__SIZE_COVERS(rq_in, lc_vol_request, market))
        return LC_EINVAL;
    *pp = NULL;
    lc_vol_request req = *rq_in;
    const lc_vol_request *rq = &req;
    const lc__volcfg *vc = NULL;
    if (rq_in->market) {
        lc_status mrc = from_market(rq_in, &req, &vc, d);
        if (mrc)
            return mrc;
    }
    if (!rq->history)
        return LC_EINVAL;
    if (req.horizon_days == 0)
        req.horizon_days = 1;
    lc__gaps gaps = vc ? vc->gaps : LC__GAPS_ERROR;
    if (rq->gaps && !lc__parse_gaps(rq->gaps, &gaps)) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_VALUE, NULL, 0, 0, "gaps '%s': expected drop, scale or error",
                     rq->gaps);
        return LC_EINPUT;
    }
    if (!(rq->horizon_days > 0) || !(rq->horizon_days <= LC_MAX_HORIZON_DAYS)) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_VALUE, NULL, 0, 0, "the horizon must be a positive time of at "
                                                  "most 365 days");
        return LC_EINPUT;
    }
    lc_vol_result *r = lc__calloc(1, sizeof(*r));
    if (!r)
        return LC_ENOMEM;
    r->horizon_days = rq->horizon_days;
    r->sigma = (double)NAN;
    r->confidence = r->z = (double)NAN;
    if (vc) {
        r->market = rq_in->market;
        r->confidence = vc->confidence;
        r->z = vc->z;
    }
    lc__history *h = NULL;
    lc_status rc = open_plugin(rq, r, d);
    if (rc == LC_OK)
        rc = apply_params(rq, r, d);
    /* With a policy's market, a gap is fixed in the policy; with --plugin, by --gaps. */
    if (rc == LC_OK)
        rc = lc__history_load(rq->history, rq->has_until ? rq->until_day : INT64_MAX, gaps,
                              vc || rq->model ? LC__GAPS_HINT_POLICY : LC__GAPS_HINT_REQUEST, &h, d);
    if (rc == LC_OK && !(r->model = lc__strdup(rq->model ? rq->model : r->plugin->api->name)))
        rc = LC_ENOMEM;
    if (rc) {
        lc__history_free(h);
        lc_vol_result_free(r);
        return rc;
    }
    *pp = r;
    *ph = h;
    return LC_OK;
}

lc_status lc_vol_estimate(const lc_vol_request *rq_in, lc_vol_result **pp, lc_diags *d)
{
    if (!rq_in || !pp || !LC__SIZE_COVERS(rq_in, lc_vol_request, market))
        return LC_EINVAL;
    *pp = NULL;
    lc_vol_result *r = NULL;
    lc__history *h = NULL;
    lc_status rc = lc__vol_prepare(rq_in, &r, &h, d);
    if (rc)
        return rc;
    double horizon = r->horizon_days;
    const lc_plugin_api *api = r->plugin->api;
    r->n_bars = h->n;
    r->first_day = h->n ? h->bars[0].day : 0;
    r->last_day = h->n ? h->bars[h->n - 1].day : 0;
    lc_fit_status st = lc__model_fit(api, d, r->settings, r->n_settings, h->bars, h->n, &r->inst,
                                     r->error, sizeof r->error);
    if (st == LC_FIT_OK)
        st = lc__model_forecast(api, r->inst, horizon, &r->sigma, r->error, sizeof r->error);
    if (r->inst) {
        r->n_stats = api->results(r->inst, &r->stats);
        if (!r->stats)
            r->n_stats = 0;
    }
    r->converged = st == LC_FIT_OK;
    if (!r->converged)
        r->sigma = (double)NAN;
    lc__history_free(h);
    *pp = r;
    return LC_OK;
}

int lc_vol_result_converged(const lc_vol_result *r)
{
    return r->converged;
}

double lc_vol_result_sigma(const lc_vol_result *r)
{
    return r->sigma;
}

void lc_vol_result_free(lc_vol_result *r)
{
    if (!r)
        return;
    if (r->inst)
        r->plugin->api->destroy(r->inst);
    if (r->own_plugin)
        lc__plugin_close(r->plugin);
    lc__free(r->settings);
    lc__free(r->model);
    lc__free(r);
}

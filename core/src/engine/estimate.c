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

struct lc_vol_result {
    char *model;              /* model name (or plugin name) */
    lc__plugin *plugin;       /* owned unless borrowed from a policy */
    bool own_plugin;
    lc_param *settings;       /* the parameters the instance was created with */
    size_t n_settings;
    lc_model *inst;
    const lc_stat *stats;     /* borrowed from inst */
    size_t n_stats;
    bool converged;
    char error[256];
    double horizon_days;
    double sigma;
    size_t n_bars;
    int64_t first_day, last_day; /* the first and last bar fitted */
    const char *market;       /* borrowed from the policy, with a market request */
    double confidence, z;
};

static bool is_diagnostic(const char *name)
{
    static const char *const diag[] = {"loglik", "observations", "converged", "iterations"};
    for (size_t i = 0; i < LC_ARRAY_LEN(diag); i++)
        if (strcmp(name, diag[i]) == 0)
            return true;
    return false;
}

static double stat(const lc_vol_result *r, const char *name)
{
    for (size_t i = 0; i < r->n_stats; i++)
        if (strcmp(r->stats[i].name, name) == 0)
            return r->stats[i].value;
    return (double)NAN;
}

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
    char *shadowed = NULL;
    char *path = strchr(rq->plugin, '/') ? lc__strdup(rq->plugin)
                                         : lc__plugin_find(rq->plugin, tried, sizeof tried, &shadowed);
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

lc_status lc_vol_estimate(const lc_vol_request *rq_in, lc_vol_result **pp, lc_diags *d)
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
    const lc_plugin_api *api = r->plugin->api;
    r->n_bars = h->n;
    r->first_day = h->n ? h->bars[0].day : 0;
    r->last_day = h->n ? h->bars[h->n - 1].day : 0;
    lc_fit_status st = lc__model_fit(api, d, r->settings, r->n_settings, h->bars, h->n, &r->inst,
                                     r->error, sizeof r->error);
    if (st == LC_FIT_OK)
        st = lc__model_forecast(api, r->inst, rq->horizon_days, &r->sigma, r->error,
                                sizeof r->error);
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

lc_status lc_vol_result_write(const lc_vol_result *r, lc_format fmt, FILE *f)
{
    lc__out o;
    if (lc__out_init(&o, f))
        return LC_ENOMEM;
    const lc_plugin_api *api = r->plugin->api;
    double obs = stat(r, "observations");
    if (isnan(obs))
        obs = (double)r->n_bars;
    double ann = r->sigma * sqrt(365.0 / r->horizon_days);
    if (fmt == LC_FORMAT_TABLE) {
        char a[40];
        char d0[16], d1[16];
        lc__format_date(r->first_day, d0);
        lc__format_date(r->last_day, d1);
        if (r->market)
            lc__out_printf(&o, "market      %s (confidence %s, z %s)\n", r->market,
                           lc__numstr(r->confidence, a), lc__numstr(r->z, d1));
        lc__out_printf(&o, "model       %s (plugin %s %s)\n", r->model, api->name, api->version);
        lc__out_printf(&o, "plugin      %s\n", r->plugin->path);
        lc__out_printf(&o, "history     %zu days, %s to %s\n", r->n_bars, d0, d1);
        for (size_t i = 0; i < r->n_settings; i++)
            lc__out_printf(&o, "setting     %-18s %s\n", r->settings[i].name,
                           lc__numstr(r->settings[i].value, a));
        for (size_t i = 0; r->converged && i < r->n_stats; i++)
            lc__out_printf(&o, "%-11s %-18s %s\n", is_diagnostic(r->stats[i].name) ? "diagnostic" : "fitted",
                           r->stats[i].name, lc__numstr(r->stats[i].value, a));
        lc__out_printf(&o, "converged   %s%s%s\n", r->converged ? "yes" : "no",
                       r->error[0] ? ": " : "", r->error);
        lc__out_printf(&o, "horizon     %s days\n", lc__numstr(r->horizon_days, a));
        if (r->converged) {
            lc__out_printf(&o, "sigma       %.6f over the horizon\n", r->sigma);
            lc__out_printf(&o, "annualised  %.4f%%\n", ann * 100);
        }
        return lc__out_finish(&o);
    }
    lc__out_str(&o, "{");
    if (r->market) {
        lc__out_str(&o, "\"market\":");
        lc__out_json_str(&o, r->market);
        lc__out_key_num(&o, ",\"confidence\":", r->confidence);
        lc__out_key_num(&o, ",\"z\":", r->z);
        lc__out_char(&o, ',');
    }
    lc__out_str(&o, "\"model\":");
    lc__out_json_str(&o, r->model);
    lc__out_key_str(&o, ",\"plugin\":", api->name);
    lc__out_key_str(&o, ",\"plugin_version\":", api->version);
    lc__out_key_str(&o, ",\"plugin_path\":", r->plugin->path);
    char d0[16], d1[16];
    lc__format_date(r->first_day, d0);
    lc__format_date(r->last_day, d1);
    lc__out_printf(&o, ",\"first_day\":\"%s\",\"last_day\":\"%s\"", d0, d1);
    lc__out_str(&o, ",\"settings\":{");
    for (size_t i = 0; i < r->n_settings; i++) {
        lc__out_str(&o, i ? "," : "");
        lc__out_json_str(&o, r->settings[i].name);
        lc__out_char(&o, ':');
        lc__out_num(&o, r->settings[i].value);
    }
    lc__out_str(&o, "},\"params\":{");
    bool first = true;
    for (size_t i = 0; i < r->n_stats; i++) {
        if (is_diagnostic(r->stats[i].name))
            continue;
        lc__out_str(&o, first ? "" : ",");
        first = false;
        lc__out_json_str(&o, r->stats[i].name);
        lc__out_char(&o, ':');
        /* A failed fit has no parameters: what the plugin holds is not an estimate. */
        lc__out_num(&o, r->converged ? r->stats[i].value : (double)NAN);
    }
    lc__out_str(&o, "},\"loglik\":");
    lc__out_num(&o, r->converged ? stat(r, "loglik") : (double)NAN);
    lc__out_str(&o, r->converged ? ",\"converged\":true" : ",\"converged\":false");
    lc__out_str(&o, ",\"error\":");
    if (r->error[0] && !r->converged)
        lc__out_json_str(&o, r->error);
    else
        lc__out_str(&o, "null");
    lc__out_key_num(&o, ",\"horizon_days\":", r->horizon_days);
    lc__out_key_num(&o, ",\"sigma\":", r->sigma);
    lc__out_key_num(&o, ",\"sigma_annualized\":", ann);
    lc__out_key_num(&o, ",\"observations\":", obs);
    lc__out_str(&o, "}\n");
    return lc__out_finish(&o);
}

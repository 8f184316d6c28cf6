/*
 * vol_result.c - a direct volatility estimate for people (table) and programs (JSON): the
 * model and the file it came from, the days fitted, parameters, diagnostics and sigma.
 */
#include "base/prefix.h"

#include "engine/engine.h"

#include <math.h>
#include <string.h>

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

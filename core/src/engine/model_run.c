/*
 * model_run.c - one volatility model's life, the same for a policy's calibration and for a
 * direct estimate: create with its parameters, fit to the bars, forecast over a horizon,
 * and refuse a forecast that is not a positive finite sigma.
 */
#include "base/prefix.h"

#include "engine/engine.h"

#include <math.h>
#include <stdio.h>

lc_fit_status lc__model_fit(const lc_plugin_api *api, lc_diags *d, const lc_param *params,
                            size_t n_params, const lc_bar *bars, size_t n_bars,
                            lc_model **pinst, char *err, size_t errlen)
{
    lc__host_ctx hc = {d, api->name};
    lc_host_api host = {sizeof(lc_host_api), lc__host_log, &hc};
    err[0] = '\0';
    *pinst = api->create(&host, params, n_params, err, errlen);
    if (!*pinst) {
        if (!err[0])
            snprintf(err, errlen, "create failed without a reason");
        return LC_FIT_FAILED;
    }
    lc_fit_status st = api->fit(*pinst, bars, n_bars, err, errlen);
    if (st != LC_FIT_OK && !err[0])
        snprintf(err, errlen, "fit failed without a reason");
    return st;
}

lc_fit_status lc__model_forecast(const lc_plugin_api *api, lc_model *inst, double horizon_days,
                                 double *sigma, char *err, size_t errlen)
{
    *sigma = (double)NAN;
    err[0] = '\0';
    lc_fit_status st = api->forecast(inst, horizon_days, sigma, err, errlen);
    /* The host trusts no plugin's figure: a forecast must be a positive finite sigma. */
    if (st == LC_FIT_OK && !(isfinite(*sigma) && *sigma > 0)) {
        snprintf(err, errlen, "forecast sigma %g is not a positive finite number", *sigma);
        st = LC_FIT_FAILED;
    }
    if (st != LC_FIT_OK) {
        if (!err[0])
            snprintf(err, errlen, "forecast failed without a reason");
        *sigma = (double)NAN;
    }
    return st;
}

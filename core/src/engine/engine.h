/*
 * engine.h - evaluation of a portfolio under a policy, account by account.
 */
#ifndef LC_ENGINE_ENGINE_H
#define LC_ENGINE_ENGINE_H

#include "model/policy.h"
#include "model/portfolio.h"
#include "model/report.h"
#include "plugin/plugin.h"

/* Evaluates account "i" of "pf" into "a" and its positions into "out" (room for the
 * account's position count). Strings the policy's scripts produce go to "arena" (NULL:
 * scripts are not run). LC_ENOMEM when the scripts' strings or state ran out of memory;
 * a script that fails is not an error here (a->script_error says so). */
lc_status lc__eval_account(const lc_policy *pol, const lc_portfolio *pf, size_t i,
                           lc_account_result *a, lc_position_result *out, lc__arena *arena);

/* The same, the scripts run in "lx" (pol->lua or a clone of it, for another thread). */
struct lc__lua;
lc_status lc__eval_account_in(const lc_policy *pol, struct lc__lua *lx, const lc_portfolio *pf,
                              size_t i, lc_account_result *a, lc_position_result *out,
                              lc__arena *arena);

/* The policy's deleveraging rules on an evaluated account (deleverage.c): every rule
 * each margin pool matches, the statuses they call for, the plans, bankruptcy prices.
 * "src" holds the account's positions as loaded, in the order of "out". */
lc_status lc__deleverage(const lc_policy *pol, lc_account_result *a, lc_position_result *out,
                         const lc__pos *src, lc__arena *arena);

/* Starts an evaluation of "pf": the policy's scripts get their context (no-op without
 * scripts). Call before the first lc__eval_account of an evaluation. */
lc_status lc__eval_begin(const lc_policy *pol, const lc_portfolio *pf);

/* ==== Direct estimates (estimate.c; written by report/vol_result.c) ===== */

struct lc__history;

/* What lc_vol_estimate does before fitting: the request's plugin with its settings in a
 * new result (not fitted), and its history loaded. The caller frees both. */
lc_status lc__vol_prepare(const lc_vol_request *rq, lc_vol_result **pr, struct lc__history **ph,
                          lc_diags *d);

/* The result of lc_vol_estimate. */
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

/* ==== Model runs (model_run.c) ========================================= */

/* Creates an instance of "api" with "params" (its log lines go to "d") and fits it to the
 * bars. On failure "err" says why, and *pinst may still hold an instance to destroy. */
lc_fit_status lc__model_fit(const lc_plugin_api *api, lc_diags *d, const lc_param *params,
                            size_t n_params, const lc_bar *bars, size_t n_bars,
                            lc_model **pinst, char *err, size_t errlen);

/* Forecasts sigma over "horizon_days"; anything but a positive finite sigma is a failure,
 * with *sigma NaN and the reason in "err". */
lc_fit_status lc__model_forecast(const lc_plugin_api *api, lc_model *inst, double horizon_days,
                                 double *sigma, char *err, size_t errlen);

#endif

/*
 * broken.c - test plugins, one shared object per fault, chosen by a FAULT_* definition.
 *
 * Without a fault it is "fixed": a model whose sigma over h days is 0.01 * sqrt(h), so
 * volatility caps can be computed by hand.
 */
#include "levcal/plugin.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef PLUGIN_NAME
#define PLUGIN_NAME "fixed"
#endif

struct lc_model {
    double daily_sigma;
    lc_stat stats[1];
};

static const lc_param_spec params[] = {
    {"daily_sigma", LC_PARAM_NUMBER, 0.01, 0.0001, 1, "sigma of one day's log return"},
    {"window", LC_PARAM_INTEGER, 30, 2, 1000, "unused; an integer parameter to validate"}};

static lc_model *create(const lc_host_api *host, const lc_param *p, size_t n, char *err,
                        size_t errlen)
{
    if (host && host->log)
        host->log(host->host_ctx, 0, "creating a test model");
#ifdef FAULT_CREATE
    (void)p;
    (void)n;
    snprintf(err, errlen, "refusing to start: test fault");
    return NULL;
#else
    (void)err;
    (void)errlen;
    lc_model *m = calloc(1, sizeof(*m));
    if (m)
        m->daily_sigma = n ? p[0].value : 0.01;
    return m;
#endif
}

static lc_fit_status fit(lc_model *m, const lc_bar *bars, size_t n, char *err, size_t errlen)
{
    (void)m;
    (void)bars;
    (void)n;
#ifdef FAULT_FIT
    snprintf(err, errlen, "did not converge: test fault");
    return LC_FIT_FAILED;
#else
    (void)err;
    (void)errlen;
    return LC_FIT_OK;
#endif
}

static lc_fit_status forecast(lc_model *m, double h, double *sigma, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
#if defined(FAULT_NAN)
    (void)m, (void)h;
    *sigma = (double)NAN;
#elif defined(FAULT_NEGATIVE)
    (void)m, (void)h;
    *sigma = -0.02;
#elif defined(FAULT_INF)
    (void)m, (void)h;
    *sigma = (double)INFINITY;
#else
    *sigma = m->daily_sigma * sqrt(h);
#endif
    return LC_FIT_OK;
}

static size_t results(lc_model *m, const lc_stat **stats)
{
    m->stats[0] = (lc_stat){"daily_sigma", m->daily_sigma};
    *stats = m->stats;
    return 1;
}

static void destroy(lc_model *m)
{
    free(m);
}

#ifdef FAULT_MAGIC
#define MAGIC 0xDEADBEEFu
#else
#define MAGIC LC_PLUGIN_MAGIC
#endif
#ifdef FAULT_MAJOR
#define MAJOR (LC_PLUGIN_ABI_MAJOR + 1)
#else
#define MAJOR LC_PLUGIN_ABI_MAJOR
#endif
#ifdef FAULT_MINOR
#define MINOR (LC_PLUGIN_ABI_MINOR + 1)
#else
#define MINOR LC_PLUGIN_ABI_MINOR
#endif
#ifdef FAULT_SHORT
#define SIZE ((uint32_t)offsetof(lc_plugin_api, results))
#else
#define SIZE ((uint32_t)sizeof(lc_plugin_api))
#endif
#ifdef FAULT_MISSING
#define FORECAST NULL
#else
#define FORECAST forecast
#endif

static const lc_plugin_api api = {MAGIC,   MAJOR,    MINOR,   SIZE,   PLUGIN_NAME,
                                  "0.0.1", "a test plugin", params, 2, create,
                                  fit,     FORECAST, results, destroy};

#ifndef FAULT_NO_ENTRY
LC_PLUGIN_EXPORT const lc_plugin_api *lc_plugin_entry(void);
LC_PLUGIN_EXPORT const lc_plugin_api *lc_plugin_entry(void)
{
    return &api;
}
#else
LC_PLUGIN_EXPORT const lc_plugin_api *some_other_function(void);
LC_PLUGIN_EXPORT const lc_plugin_api *some_other_function(void)
{
    return &api;
}
#endif

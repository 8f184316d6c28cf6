/*
 * ewma.c - RiskMetrics exponentially weighted moving average of squared daily returns.
 *
 * Zero mean; the variance is seeded with the first squared return and updated with every
 * return through the last close, so the result is the forecast for the next day,
 * sigma^2(T+1|T). Longer horizons scale it by the number of days.
 */
#include "plugin_common.h"

#include <math.h>
#include <stdlib.h>

struct lc_model {
    double lambda;
    double var;   /* sigma^2(T+1|T), NaN until fitted */
    size_t n_obs;
    lc_stat stats[4];
};

static const lc_param_spec params[] = {
    {"lambda", LC_PARAM_NUMBER, 0.94, 0, 0.999999, "decay factor (RiskMetrics daily: 0.94)"}};

static lc_model *create(const lc_host_api *host, const lc_param *p, size_t n, char *err,
                        size_t errlen)
{
    (void)host;
    lc_model *m = calloc(1, sizeof(*m));
    if (!m) {
        lc_pc_err(err, errlen, "out of memory");
        return NULL;
    }
    m->lambda = lc_pc_param(p, n, "lambda", 0.94);
    m->var = (double)NAN;
    return m;
}

static lc_fit_status fit(lc_model *m, const lc_bar *bars, size_t n, char *err, size_t errlen)
{
    double var = (double)NAN, lam = m->lambda;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        double r = bars[i].ret;
        if (isnan(r))
            continue;
        if (!used)
            var = r * r;
        var = lam * var + (1 - lam) * r * r;
        used++;
    }
    m->n_obs = used;
    m->var = var;
    if (!used) {
        lc_pc_err(err, errlen, "needs at least one daily return, got none");
        return LC_FIT_FAILED;
    }
    return LC_FIT_OK;
}

static lc_fit_status forecast(lc_model *m, double h, double *sigma, char *err, size_t errlen)
{
    if (isnan(m->var)) {
        lc_pc_err(err, errlen, "no successful fit to forecast from");
        return LC_FIT_FAILED;
    }
    *sigma = sqrt(m->var * h);
    return LC_FIT_OK;
}

static size_t results(lc_model *m, const lc_stat **stats)
{
    m->stats[0] = (lc_stat){"lambda", m->lambda};
    m->stats[1] = (lc_stat){"variance_daily", m->var};
    m->stats[2] = (lc_stat){"sigma_annualized", sqrt(m->var * LC_DAYS_PER_YEAR)};
    m->stats[3] = (lc_stat){"observations", (double)m->n_obs};
    *stats = m->stats;
    return 4;
}

static void destroy(lc_model *m)
{
    free(m);
}

/* The recursion moved on by one return: what fit() would give with one more bar. */
static lc_fit_status update(lc_model *m, const lc_bar *bar, char *err, size_t errlen)
{
    if (isnan(m->var)) {
        lc_pc_err(err, errlen, "no fit to update");
        return LC_FIT_FAILED;
    }
    double r = bar->ret;
    if (!isnan(r)) {
        m->var = m->lambda * m->var + (1 - m->lambda) * r * r;
        m->n_obs++;
    }
    return LC_FIT_OK;
}

static const lc_plugin_api api = {LC_PLUGIN_MAGIC,
                                  LC_PLUGIN_ABI_MAJOR,
                                  LC_PLUGIN_ABI_MINOR,
                                  sizeof(lc_plugin_api),
                                  "ewma",
                                  "1.0.0",
                                  "RiskMetrics EWMA of squared daily log returns (zero mean)",
                                  params,
                                  1,
                                  create,
                                  fit,
                                  forecast,
                                  results,
                                  destroy,
                                  update};

LC_PC_ENTRY(api)

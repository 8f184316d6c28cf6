/*
 * plugin_common.c - the window-estimator skeleton and small helpers for shipped plugins.
 *
 * A window estimator keeps the daily variance of its last fit; the forecast over h days
 * is that variance times h (a flat term structure), as square-root-of-time scaling says.
 */
#define _POSIX_C_SOURCE 200809L

#include "plugin_common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lc_pc_err(char *err, size_t len, const char *fmt, ...)
{
    if (!err || !len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
}

double lc_pc_param(const lc_param *params, size_t n, const char *name, double dflt)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(params[i].name, name) == 0)
            return params[i].value;
    return dflt;
}

struct lc_model {
    const lc_pc_window_def *def;
    size_t window;
    double daily_var; /* NaN until a successful fit */
    lc_stat stats[3];
};

lc_model *lc_pc_window_create(const lc_pc_window_def *def, const lc_param *params, size_t n,
                              char *err, size_t errlen)
{
    lc_model *m = calloc(1, sizeof(*m));
    if (!m) {
        lc_pc_err(err, errlen, "out of memory");
        return NULL;
    }
    m->def = def;
    m->window = (size_t)lc_pc_param(params, n, "window", 30);
    m->daily_var = (double)NAN;
    return m;
}

lc_fit_status lc_pc_window_fit(lc_model *m, const lc_bar *bars, size_t n, char *err,
                               size_t errlen)
{
    m->daily_var = (double)NAN;
    /* The window is the last `window` bars; estimators of returns also need each of
     * those bars to have a return (a predecessor not cut off by a dropped gap). */
    if (n < m->window) {
        lc_pc_err(err, errlen, "needs %zu days of history, got %zu", m->window, n);
        return LC_FIT_FAILED;
    }
    const lc_bar *w = bars + (n - m->window);
    if (m->def->need_returns) {
        for (size_t i = 0; i < m->window; i++) {
            if (isnan(w[i].ret) || isnan(w[i].overnight)) {
                lc_pc_err(err, errlen,
                          "needs %zu consecutive returns, but the window has none into day %zu "
                          "of %zu (the first bar, or after a dropped gap)",
                          m->window, i + 1, m->window);
                return LC_FIT_FAILED;
            }
        }
    }
    double v = m->def->daily_var(w, m->window);
    if (!(v >= 0) || !isfinite(v)) {
        lc_pc_err(err, errlen, "estimate is not a finite variance");
        return LC_FIT_FAILED;
    }
    m->daily_var = v;
    return LC_FIT_OK;
}

lc_fit_status lc_pc_window_forecast(lc_model *m, double horizon_days, double *sigma, char *err,
                                    size_t errlen)
{
    if (isnan(m->daily_var)) {
        lc_pc_err(err, errlen, "no successful fit to forecast from");
        return LC_FIT_FAILED;
    }
    *sigma = sqrt(m->daily_var * horizon_days);
    return LC_FIT_OK;
}

size_t lc_pc_window_results(lc_model *m, const lc_stat **stats)
{
    m->stats[0] = (lc_stat){"variance_daily", m->daily_var};
    m->stats[1] = (lc_stat){"sigma_annualized", sqrt(m->daily_var * LC_DAYS_PER_YEAR)};
    m->stats[2] = (lc_stat){"observations", (double)m->window};
    *stats = m->stats;
    return 3;
}

void lc_pc_window_destroy(lc_model *m)
{
    free(m);
}

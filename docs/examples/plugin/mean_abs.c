/*
 * mean_abs.c - an example levcal volatility model built out of tree.
 *
 * Estimates daily sigma from the mean absolute daily log return over a window: for a
 * normal return E|r| = sigma * sqrt(2/pi), so sigma = sqrt(pi/2) * mean|r|. Robust to a
 * single extreme day, which squares would weigh heavily.
 */
#include <levcal/plugin.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

struct lc_model {
    size_t window;
    double daily_sigma; /* NaN until fitted */
    lc_stat stats[2];
};

static const lc_param_spec params[] = {
    {"window", LC_PARAM_INTEGER, 20, 2, 10000, "number of most recent daily returns used"}};

/* The host has validated params against the schema: params[0] is the window. */
static lc_model *create(const lc_host_api *host, const lc_param *p, size_t n, char *err,
                        size_t errlen)
{
    (void)host;
    (void)n;
    lc_model *m = calloc(1, sizeof(*m));
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->window = (size_t)p[0].value;
    m->daily_sigma = (double)NAN;
    return m;
}

static lc_fit_status fit(lc_model *m, const lc_bar *bars, size_t n, char *err, size_t errlen)
{
    double sum = 0;
    size_t used = 0;
    /* Newest bars are last; ret is NaN where there is no return (first bar, gaps). */
    for (size_t i = n; i-- > 0 && used < m->window;) {
        if (isnan(bars[i].ret))
            continue;
        sum += fabs(bars[i].ret);
        used++;
    }
    if (used < m->window) {
        snprintf(err, errlen, "needs %zu daily returns, got %zu", m->window, used);
        return LC_FIT_FAILED;
    }
    m->daily_sigma = sqrt(acos(-1.0) / 2) * sum / (double)used;
    return LC_FIT_OK;
}

static lc_fit_status forecast(lc_model *m, double days, double *sigma, char *err, size_t errlen)
{
    if (isnan(m->daily_sigma)) {
        snprintf(err, errlen, "not fitted");
        return LC_FIT_FAILED;
    }
    *sigma = m->daily_sigma * sqrt(days);
    return LC_FIT_OK;
}

static size_t results(lc_model *m, const lc_stat **stats)
{
    m->stats[0] = (lc_stat){"sigma_daily", m->daily_sigma};
    m->stats[1] = (lc_stat){"observations", (double)m->window};
    *stats = m->stats;
    return 2;
}

static void destroy(lc_model *m)
{
    free(m);
}

static const lc_plugin_api api = {
    .magic = LC_PLUGIN_MAGIC,
    .abi_major = LC_PLUGIN_ABI_MAJOR,
    .abi_minor = LC_PLUGIN_ABI_MINOR,
    .size = sizeof(lc_plugin_api),
    .name = "mean_abs",
    .version = "1.0.0",
    .description = "sigma from the mean absolute daily log return over a window",
    .params = params,
    .n_params = 1,
    .create = create,
    .fit = fit,
    .forecast = forecast,
    .results = results,
    .destroy = destroy,
};

LC_PLUGIN_EXPORT const lc_plugin_api *lc_plugin_entry(void);
LC_PLUGIN_EXPORT const lc_plugin_api *lc_plugin_entry(void)
{
    return &api;
}

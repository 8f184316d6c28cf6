/*
 * plugin_common.h - helpers the shipped volatility plugins share.
 *
 * Linked statically into each plugin, so every .so stays self-contained; out-of-tree
 * plugins need only levcal/plugin.h.
 */
#ifndef LC_PLUGIN_COMMON_H
#define LC_PLUGIN_COMMON_H

#include "levcal/plugin.h"

#include <stdarg.h>
#include <stddef.h>

#define LC_DAYS_PER_YEAR 365.0

/* Formats a message into "err" (capacity "len"), as plugin functions report failures. */
void lc_pc_err(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Looks up parameter "name" in "params"; returns "dflt" if absent. */
double lc_pc_param(const lc_param *params, size_t n, const char *name, double dflt);

/*
 * A model computed from the last `window` usable bars: the shipped range estimators and
 * close-to-close. "daily_var" receives the bars of the window (each with ret and
 * overnight not NaN when "need_returns" is set) and returns the daily variance.
 */
typedef double (*lc_pc_daily_var_fn)(const lc_bar *w, size_t n);

typedef struct lc_pc_window_def {
    lc_pc_daily_var_fn daily_var;
    int need_returns; /* the estimator reads ret / overnight */
} lc_pc_window_def;

lc_model *lc_pc_window_create(const lc_pc_window_def *def, const lc_param *params, size_t n,
                              char *err, size_t errlen);
lc_fit_status lc_pc_window_fit(lc_model *m, const lc_bar *bars, size_t n, char *err,
                               size_t errlen);
lc_fit_status lc_pc_window_forecast(lc_model *m, double horizon_days, double *sigma, char *err,
                                    size_t errlen);
size_t lc_pc_window_results(lc_model *m, const lc_stat **stats);
void lc_pc_window_destroy(lc_model *m);

/* The schema entry every window estimator takes. */
#define LC_PC_WINDOW_PARAM                                                                    \
    {"window", LC_PARAM_INTEGER, 30, 2, 100000, "number of most recent days the estimate uses"}

/* Defines the exported entry point returning descriptor API. */
#define LC_PC_ENTRY(API)                                                                       \
    LC_PLUGIN_EXPORT const lc_plugin_api *lc_plugin_entry(void);                               \
    LC_PLUGIN_EXPORT const lc_plugin_api *lc_plugin_entry(void)                                \
    {                                                                                          \
        return &(API);                                                                         \
    }

/* Defines create and the descriptor of a window estimator named NAME. */
#define LC_PC_WINDOW_PLUGIN(NAME, VERSION, DESCRIPTION, DAILY_VAR, NEED_RETURNS)               \
    static const lc_pc_window_def window_def = {DAILY_VAR, NEED_RETURNS};                      \
    static const lc_param_spec window_params[] = {LC_PC_WINDOW_PARAM};                         \
    static lc_model *create(const lc_host_api *host, const lc_param *params, size_t n,        \
                            char *err, size_t errlen)                                          \
    {                                                                                          \
        (void)host;                                                                            \
        return lc_pc_window_create(&window_def, params, n, err, errlen);                       \
    }                                                                                          \
    static const lc_plugin_api api = {                                                         \
        LC_PLUGIN_MAGIC,      LC_PLUGIN_ABI_MAJOR,     LC_PLUGIN_ABI_MINOR,                    \
        sizeof(lc_plugin_api), NAME,                   VERSION,                                \
        DESCRIPTION,          window_params,           1,                                      \
        create,               lc_pc_window_fit,        lc_pc_window_forecast,                  \
        lc_pc_window_results, lc_pc_window_destroy,    NULL};                                  \
    LC_PC_ENTRY(api)

#endif

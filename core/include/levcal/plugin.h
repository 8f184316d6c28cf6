/*
 * plugin.h - the ABI between levcal and volatility-model plugins.
 *
 * A plugin is a shared object exporting one function, lc_plugin_entry, that returns a
 * constant descriptor: identification, a parameter schema, and the model's functions.
 * The host checks the descriptor before using it (magic, same ABI major, host minor at
 * least the plugin's, struct size, required functions) and validates the policy's
 * parameters against the schema before create is called.
 *
 * Rules that keep old plugins and new hosts (and the reverse) working:
 *  - lc_plugin_api only ever grows at its end; a new field comes with a minor bump and
 *    the host reads it only when `size` says the plugin has it.
 *  - Nobody frees the other side's memory. Strings and arrays a plugin returns are
 *    borrowed until its next call on the same instance (or for ever, for the descriptor).
 *  - The host never links plugins against itself: services (logging) are passed in.
 *  - A plugin may be called from one thread at a time per instance.
 *
 * See docs/plugin-abi.md for the conventions every model follows (log returns, √365
 * annualisation, horizons) and docs/examples/plugin/ for a complete out-of-tree plugin.
 */
#ifndef LEVCAL_PLUGIN_H
#define LEVCAL_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LC_PLUGIN_MAGIC 0x4C43504Du /* "LCPM" */
#define LC_PLUGIN_ABI_MAJOR 1
#define LC_PLUGIN_ABI_MINOR 1
#define LC_PLUGIN_ENTRY "lc_plugin_entry"

#if defined(__GNUC__)
#define LC_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define LC_PLUGIN_EXPORT
#endif

/**
 * @brief One daily bar as the host hands it to a model: ascending days, no duplicates,
 * validated (0 < low <= open, close <= high).
 *
 * The host has already applied the policy's gap rule to the two returns, so models never
 * look at calendar gaps: `ret` is NaN where there is no return to take (the first bar,
 * or the bar after a gap under `gaps: drop`), and after a gap of k days under
 * `gaps: scale` it is divided by sqrt(k).
 */
typedef struct lc_bar {
    int64_t day;      /* days since 1970-01-01 (UTC) */
    double open, high, low, close;
    double ret;       /* ln(close / previous close), gap-adjusted; NaN if none */
    double overnight; /* ln(open / previous close), gap-adjusted; NaN if none */
} lc_bar;

typedef enum lc_param_type {
    LC_PARAM_NUMBER = 1, /* any finite number within [min, max] */
    LC_PARAM_INTEGER = 2 /* a whole number within [min, max] */
} lc_param_type;

/** @brief One parameter a model accepts; the host enforces type and bounds. */
typedef struct lc_param_spec {
    const char *name;
    lc_param_type type;
    double default_value; /* used when the policy does not give the parameter */
    double min, max;      /* inclusive bounds */
    const char *doc;      /* one line for `levcal plugins` */
} lc_param_spec;

/** @brief A parameter value handed to create: every schema entry, in schema order. */
typedef struct lc_param {
    const char *name;
    double value;
} lc_param;

/** @brief A named result: a fitted parameter or a diagnostic (log-likelihood...). */
typedef struct lc_stat {
    const char *name;
    double value;
} lc_stat;

/** @brief Services the host offers; valid for the life of the instance. */
typedef struct lc_host_api {
    uint32_t size; /* sizeof(lc_host_api) as the host compiled it */
    /* Sends one message line (no newline) to the host's diagnostics. level: 0 note,
     * 1 warning. */
    void (*log)(void *host_ctx, int level, const char *msg);
    void *host_ctx;
} lc_host_api;

/** @brief A model instance; its layout is the plugin's own. */
typedef struct lc_model lc_model;

/** @brief What fit and forecast return. */
typedef enum lc_fit_status {
    LC_FIT_OK = 0,    /* calibrated; forecast may be called */
    LC_FIT_FAILED = 1 /* did not converge, ended at a bound, or the data do not allow it */
} lc_fit_status;

/**
 * @brief The descriptor lc_plugin_entry returns. Fields up to `destroy` are ABI 1.0;
 * `update` is ABI 1.1.
 */
typedef struct lc_plugin_api {
    uint32_t magic;     /* LC_PLUGIN_MAGIC */
    uint16_t abi_major; /* LC_PLUGIN_ABI_MAJOR the plugin was built against */
    uint16_t abi_minor; /* LC_PLUGIN_ABI_MINOR the plugin was built against */
    uint32_t size;      /* sizeof(lc_plugin_api) as the plugin compiled it */
    const char *name;        /* model name, e.g. "garch11" */
    const char *version;     /* the plugin's semantic version, e.g. "1.0.0" */
    const char *description; /* one line */
    const lc_param_spec *params; /* schema; may be NULL when n_params is 0 */
    size_t n_params;

    /**
     * Creates an instance. "params" holds one value per schema entry, in schema order,
     * already checked against type and bounds. On failure returns NULL and writes a
     * message (lowercase, no newline) into "err" (capacity "errlen").
     */
    lc_model *(*create)(const lc_host_api *host, const lc_param *params, size_t n_params,
                        char *err, size_t errlen);

    /**
     * Calibrates the instance on "n" bars (borrowed for the call only). May be called
     * again with other bars; each call replaces the previous fit.
     */
    lc_fit_status (*fit)(lc_model *m, const lc_bar *bars, size_t n, char *err, size_t errlen);

    /**
     * The standard deviation of the log return over the next "horizon_days" days
     * (fractions allowed) into *sigma. Only after a successful fit.
     */
    lc_fit_status (*forecast)(lc_model *m, double horizon_days, double *sigma, char *err,
                              size_t errlen);

    /**
     * Fitted parameters and diagnostics of the last fit into *stats (borrowed until the
     * next call on "m"); returns their count. By convention a likelihood-based model
     * reports "loglik", and "observations" the number of data points used.
     */
    size_t (*results)(lc_model *m, const lc_stat **stats);

    /** Frees the instance; NULL is a no-op. */
    void (*destroy)(lc_model *m);

    /* ---- ABI 1.1 ---- */

    /**
     * Optional (NULL: not offered). Moves a fitted instance on by one day, "bar" (the day
     * after the last one it has seen), without refitting its parameters: a recursive
     * model's state (an EWMA or GARCH variance) takes the day's return. A backtest then
     * walks a history in one pass instead of refitting every day. Only after a fit.
     */
    lc_fit_status (*update)(lc_model *m, const lc_bar *bar, char *err, size_t errlen);
} lc_plugin_api;

/** @brief The entry point every plugin exports under the name LC_PLUGIN_ENTRY. */
typedef const lc_plugin_api *(*lc_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif
#endif /* LEVCAL_PLUGIN_H */

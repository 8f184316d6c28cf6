/*
 * policy.h - the in-memory form of a loaded policy.
 *
 * Everything a policy owns lives in its arena; markets are kept in file order and found
 * by name through a small open-addressing index, since portfolio loading looks up the
 * market of every position. No loader or parser type appears here: the loader (load/)
 * builds these structs, the rules and the engine read them.
 */
#ifndef LC_MODEL_POLICY_H
#define LC_MODEL_POLICY_H

#include "base/base.h"
#include "plugin/plugin.h"

/* What to do with a calendar gap in a price history. */
typedef enum lc__gaps { LC__GAPS_ERROR = 0, LC__GAPS_DROP, LC__GAPS_SCALE } lc__gaps;

/* "error", "drop" or "scale" -> *out; false for any other word (names.c). */
bool lc__parse_gaps(const char *s, lc__gaps *out);

typedef struct lc__model_def {
    const char *name;
    lc__plugin *plugin;  /* one of the policy's plugins */
    lc_param *params;    /* one per schema entry, in schema order, defaults filled in */
    size_t n_params;
    unsigned line, col;  /* where the model is named */
} lc__model_def;

typedef enum lc__vol_state {
    LC__VOL_UNCALIBRATED = 0, /* no fit yet: held at the fallback */
    LC__VOL_OK,
    LC__VOL_FALLBACK          /* the model failed */
} lc__vol_state;

/* A market's volatility cap: configuration from the policy, then what calibration found.
 * eff_lev and binding always hold a usable answer, the fallback until a fit succeeds. */
typedef struct lc__volcfg {
    size_t model;          /* index into the policy's models */
    const char *history;   /* resolved against the policy's directory; NULL if not given */
    unsigned history_line, history_col; /* where 'history:' is given */
    double horizon_days;
    double confidence;
    double z;              /* standard normal quantile of confidence */
    double fallback;       /* fallback_max_leverage */
    lc__gaps gaps;
    unsigned line, col;
    lc__vol_state state;
    double sigma_h;        /* the model's forecast over the horizon; NaN unless OK */
    char reason[256];      /* why the market is at its fallback */
    double *eff_lev;       /* per tier: the max leverage evaluation uses */
    lc_binding *binding;   /* per tier: what set it */
} lc__volcfg;

typedef struct lc__market {
    const char *name;
    lc_tier *tiers;     /* ascending caps; cum derived or checked */
    size_t n_tiers;
    unsigned line, col; /* where the market is named */
    lc__volcfg *vol;    /* NULL if the market has no volatility cap */
} lc__market;

struct lc_policy {
    lc__arena arena;         /* owns every string and array below */
    const char *path;        /* as given to the loader */
    const char *id;
    int64_t version;
    const char *owner;       /* NULL if not given */
    const char *description; /* NULL if not given */
    lc__market *markets;
    size_t n_markets;
    uint32_t *index;         /* market index + 1 per slot, 0 = empty; power-of-two size */
    size_t index_cap;
    lc__model_def *models;
    size_t n_models;
    lc__plugin *plugins;     /* loaded shared objects, closed with the policy */
    struct lc__lua *lua;     /* the scripts' sandboxed state; NULL without scripts */
    long lua_instructions;   /* limits.instructions, 0 for the default */
    size_t lua_memory;       /* limits.memory_mib in bytes, 0 for the default */
};

/* Builds the market index once the markets are in place (policy.c). */
lc_status lc__policy_build_index(lc_policy *p);

/* The index of market "name" (length "len"), or -1 (policy.c). */
long lc__policy_find(const lc_policy *p, const char *name, size_t len);

#endif

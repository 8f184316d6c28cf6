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
    const char *hist_used; /* provenance: the history the last calibration read, or NULL */
    char hist_sha256[LC__SHA256_HEX];
    int64_t hist_first, hist_last; /* its first and last day */
    size_t hist_n;         /* its observations (daily bars) */
    lc_stat *fitted;       /* the model's results after the last calibration (names copied) */
    size_t n_fitted;
    double *eff_lev;       /* per tier: the max leverage evaluation uses */
    lc_binding *binding;   /* per tier: what set it */
} lc__volcfg;

/* ==== Deleveraging rules ================================================ */

/* The figures a condition compares: an account's (or isolated position's) metrics, and a
 * position's. margin_ratio and leverage compare as +infinity when equity <= 0. */
typedef enum lc__metric {
    LC__M_EQUITY, LC__M_COLLATERAL, LC__M_UPNL, LC__M_NOTIONAL, LC__M_MM, LC__M_IM,
    LC__M_AVAILABLE, LC__M_MR, LC__M_LEVERAGE, LC__N_METRICS
} lc__metric;

typedef enum lc__pmetric { LC__PM_NOTIONAL, LC__PM_UPNL, LC__PM_MM, LC__PM_IM, LC__PM_TIER,
                           LC__N_PMETRICS } lc__pmetric;

typedef enum lc__op { LC__OP_GT, LC__OP_GTE, LC__OP_LT, LC__OP_LTE } lc__op;

typedef enum lc__cond_kind {
    LC__C_CMP,      /* metric op value */
    LC__C_ALL,      /* every kid holds (a mapping's entries, or all: [...]) */
    LC__C_ANY,
    LC__C_NOT,      /* its one kid does not hold */
    LC__C_POSITION  /* some position (of market, if >= 0) meets every kid (CMPs of pmetrics) */
} lc__cond_kind;

typedef struct lc__cond {
    lc__cond_kind kind;
    int metric;            /* CMP: an lc__metric, or an lc__pmetric inside POSITION */
    lc__op op;
    double value;
    long market;           /* POSITION: the market's index, or -1 for any */
    struct lc__cond **kids;
    size_t n;
} lc__cond;

/* How positions are taken when a plan closes them. */
typedef enum lc__order {
    LC__ORDER_MM = 0,       /* largest maintenance margin first */
    LC__ORDER_LOSS,         /* largest loss (lowest upnl) first */
    LC__ORDER_NOTIONAL,     /* largest notional first */
    LC__ORDER_PROPORTIONAL  /* the same fraction of every position */
} lc__order;

typedef enum lc__target { LC__TARGET_NONE = 0, LC__TARGET_MR, LC__TARGET_LEVERAGE } lc__target;

/* How a plan is made: the target it reaches, its fee, its order. */
typedef struct lc__plancfg {
    lc__target target;
    double target_value;
    double fee_rate;
    lc__order order;
    double step;            /* proportional: the fraction grows in these steps */
    bool step_down;         /* first try cutting one position below its tier's floor */
    const char *target_text; /* "margin_ratio <= 0.5", or NULL */
} lc__plancfg;

typedef struct lc__rule {
    const char *name;
    lc__cond *when;
    lc_verdict action;
    lc__plancfg plan;       /* deleverage and liquidate rules */
    const char *text;       /* the condition as text */
} lc__rule;

typedef enum lc__adl { LC__ADL_BITMEX = 0, LC__ADL_BINANCE, LC__ADL_HYPERLIQUID, LC__ADL_SCRIPT } lc__adl;

typedef struct lc__delev {
    bool present;           /* the policy has a deleveraging section */
    bool plans;             /* it produces plans (a liquidation block or a plan rule) */
    bool position_conditions; /* a rule's condition reads single positions */
    lc__plancfg liq;        /* how the built-in maintenance liquidation is carried out */
    lc__rule *rules;
    size_t n_rules;
    lc__adl adl;
    const char *adl_script; /* the script's name, with LC__ADL_SCRIPT */
    unsigned adl_line, adl_col; /* where the ranking is named */
} lc__delev;

/* What a market's tiers are keyed by: the position's notional (Binance, Bybit,
 * Hyperliquid) or its size in base units (OKX, BitMEX), the tier's mmr then applied to
 * the whole notional with the maintenance amount as written (0 unless given). */
typedef enum lc__basis { LC__BASIS_NOTIONAL = 0, LC__BASIS_QUANTITY } lc__basis;

/* A margin scheme that replaces the tier table: rates from the market's open interest
 * (dYdX v4 liquidity tiers) or from the position's size (FTX's and Drift's IMF factor). */
typedef enum lc__scheme { LC__SCHEME_TIERS = 0, LC__SCHEME_OI, LC__SCHEME_SIZE } lc__scheme;

typedef struct lc__margin {
    lc__scheme scheme;
    double base_imf;
    double maintenance_fraction; /* open_interest: mmf = base_imf * this */
    double oi_lower, oi_upper;   /* open_interest: the scaling's bounds; upper 0 = none */
    double factor;               /* size_premium: imf = max(base_imf, factor * sqrt|qty|) */
    double maintenance_ratio;    /* size_premium: mmf = this * imf */
    unsigned line, col;          /* where 'margin' is given */
} lc__margin;

typedef struct lc__market {
    const char *name;
    size_t name_len;    /* strlen(name), for lookups by name */
    double lot_size;    /* the smallest quantity a plan closes; NaN if not given */
    int lot_decimals;   /* decimals of lot_size as written, to print multiples of it */
    double lot_scale;   /* 10^min(lot_decimals, 15): multiples are rounded to it */
    lc_tier *tiers;     /* ascending caps; cum derived or checked (notional basis); with a
                           margin scheme one tier standing for it: cap .inf, 1/base_imf,
                           the maintenance rate at base_imf */
    size_t n_tiers;
    lc__basis basis;    /* what the caps measure */
    bool basis_given;   /* 'tiers_by' is written */
    lc__margin *margin; /* NULL for a tier table */
    unsigned line, col; /* where the market is named */
    lc__volcfg *vol;    /* NULL if the market has no volatility cap */
    double liq_adv, liq_sigma, liq_k; /* 'liquidity' for stress runs; NaN where not given */
} lc__market;

/* An entry of 'policy.approvals': who approved which digest, and when. */
typedef struct lc__approval {
    const char *by;
    const char *at;          /* a date or time, as written */
    const char *digest;      /* "sha256:<64 hex>" */
    unsigned line, col;      /* where the entry starts */
} lc__approval;

/* A file the policy names whose bytes are part of its meaning: a script, or a plugin
 * given by path. */
typedef struct lc__file_ref {
    const char *written;     /* the path as written in the policy */
    char sha256[LC__SHA256_HEX];
} lc__file_ref;

/* A rule id under 'lint: {disable: [...]}', where it is written. */
typedef struct lc__lint_off {
    const char *rule;
    unsigned line, col;
} lc__lint_off;

struct lc_policy {
    lc__arena arena;         /* owns every string and array below */
    const char *path;        /* as given to the loader */
    const char *id;
    int64_t version;
    const char *owner;       /* NULL if not given */
    const char *description; /* NULL if not given */
    lc__market *markets;
    size_t n_markets;
    uint64_t *index;         /* per slot: name hash << 32 | market index + 1, 0 = empty;
                                a power-of-two size */
    size_t index_cap;
    lc__model_def *models;
    size_t n_models;
    lc__plugin *plugins;     /* loaded shared objects, closed with the policy */
    struct lc__lua *lua;     /* the scripts' sandboxed state; NULL without scripts */
    lc__delev delev;         /* the deleveraging section */
    long lua_instructions;   /* limits.instructions, 0 for the default */
    size_t lua_memory;       /* limits.memory_mib in bytes, 0 for the default */
    char digest[72];         /* "sha256:<64 hex>" of canon (policy_gov.c) */
    const char *canon;       /* the RFC 8785 text the digest hashes */
    size_t canon_len;
    lc__approval *approvals; /* policy.approvals, in file order */
    size_t n_approvals;
    lc__file_ref *files;     /* scripts and plugins by path, in the order loaded */
    size_t n_files, cap_files;
    lc__lint_off *lint_off;  /* lint.disable */
    size_t n_lint_off;
    bool mixed_basis;        /* a market is keyed by quantity or has a margin scheme: the
                                report names each position's basis */
};

/* The names of metrics, position metrics, orders (names.c). */
extern const char *const lc__metric_names[LC__N_METRICS];
extern const char *const lc__pmetric_names[LC__N_PMETRICS];
extern const char *const lc__order_names[4];

/* Builds the market index once the markets are in place (policy.c). */
lc_status lc__policy_build_index(lc_policy *p);

/* The index of market "name" (length "len"), or -1 (policy.c). */
long lc__policy_find(const lc_policy *p, const char *name, size_t len);

#endif

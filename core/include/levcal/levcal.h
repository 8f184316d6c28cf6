/*
 * levcal.h - the public interface of the levcal leverage-policy engine.
 *
 * An embedder loads a policy (tiered leverage and margin rules), loads a portfolio
 * (accounts, positions and mark prices) against it, evaluates, and reads or writes the
 * report. Every handle is opaque; every function that takes user input fills an
 * lc_diags list with file:line:col records instead of printing.
 *
 * Ownership, in short: lc_x_new/lc_x_load give the caller a handle to release with the
 * matching lc_x_free, which accepts NULL. Pointers returned by accessors are borrowed
 * from the handle they came from and stay valid until that handle is freed, unless a
 * function's comment says sooner. Handles borrow from the handles they were made from:
 * a portfolio from its policy, a report from both, a volatility result made from a
 * policy's model from that policy; free them in the reverse order.
 *
 * Threads: the library keeps no global state but the allocator and the input limit
 * (set them before any other call). Different policies may be used from different
 * threads at once. One policy, though, is not read-only while it evaluates: a policy
 * with scripts runs them in its own Lua state, so every evaluation of a policy
 * (lc_evaluate, lc_evaluate_into, lc_evaluate_write...) and its calibration must be
 * serialised by the caller, although these take it as const. A policy without scripts
 * may be evaluated from several threads at once once calibrated. Diagnostic lists and
 * reports belong to one thread at a time.
 */
#ifndef LEVCAL_H
#define LEVCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(LC_BUILDING) && defined(__GNUC__)
#define LC_API __attribute__((visibility("default")))
#else
#define LC_API
#endif

/* The one source of the version: CMake reads these three lines. */
#define LC_VERSION_MAJOR 0
#define LC_VERSION_MINOR 1
#define LC_VERSION_PATCH 0
#define LC_STR_(x) #x
#define LC_STR(x) LC_STR_(x)
#define LC_VERSION_STRING                                                                  \
    LC_STR(LC_VERSION_MAJOR) "." LC_STR(LC_VERSION_MINOR) "." LC_STR(LC_VERSION_PATCH)

/** @brief Status codes returned by every fallible function; LC_OK is zero. */
typedef enum lc_status {
    LC_OK = 0,
    LC_ENOMEM,  /**< an allocation failed */
    LC_EIO,     /**< a file could not be read or written (see the diagnostics) */
    LC_EINPUT,  /**< the input is invalid; the diagnostics say where and why */
    LC_EINVAL   /**< the API was misused (NULL handle, wrong argument) */
} lc_status;

/** @brief A static, human-readable name for @p rc. */
LC_API const char *lc_strerror(lc_status rc);

/** @brief The library version as "MAJOR.MINOR.PATCH". */
LC_API const char *lc_version(void);

/* ==== Diagnostics ======================================================= */

typedef enum lc_severity { LC_SEV_ERROR = 0, LC_SEV_WARNING, LC_SEV_NOTE } lc_severity;

/**
 * @brief What kind of problem a diagnostic is: stable within a major version, so programs
 * can act on it without reading the message, whose wording may improve.
 */
typedef enum lc_diag_code {
    LC_DIAG_OTHER = 0,    /* none of the kinds below */
    LC_DIAG_FILE,         /* a file cannot be opened or read */
    LC_DIAG_LIMIT,        /* an input is beyond a limit: size, nesting, error count */
    LC_DIAG_SYNTAX,       /* YAML, JSON or CSV that does not parse, or an unsupported form */
    LC_DIAG_UNKNOWN_KEY,  /* a key the format does not have (with a did-you-mean) */
    LC_DIAG_MISSING,      /* a required key or value is absent */
    LC_DIAG_DUPLICATE,    /* a key, market, model, account or day given twice */
    LC_DIAG_TYPE,         /* a value of the wrong kind: a string for a number, a list for a map */
    LC_DIAG_VALUE,        /* a value out of its range or set, or inconsistent with another */
    LC_DIAG_REFERENCE,    /* names a market, model, account or file that does not exist */
    LC_DIAG_OVERFLOW,     /* figures too large for a double */
    LC_DIAG_HISTORY,      /* a price history's bars, dates or gaps */
    LC_DIAG_PLUGIN,       /* a plugin not found, refused, or its parameters or log lines */
    LC_DIAG_SCRIPT,       /* a policy script that does not load, or scripts' settings */
    LC_DIAG_MODEL,        /* a model that failed: its market falls back */
    LC_DIAG_IGNORED,      /* something given that has no effect */
    LC_DIAG_REQUEST,      /* an API request whose fields do not fit together */
    LC_DIAG_GAP,          /* a price history misses days and its gap rule is "error" */
    LC_DIAG_LINT,         /* a finding of `levcal lint` (its rule id is in the record) */
    LC_DIAG_TRUST         /* an approval, signature or pinned version that does not match */
} lc_diag_code;

/** @brief "file", "limit", "syntax"... (the code's name in lower case, as `check --format
 * json` prints it). */
LC_API const char *lc_diag_code_name(lc_diag_code code);

/**
 * @brief One problem found in user input, located 1-based in its file.
 *
 * `line` and `col` are 0 when the problem has no position (a file that cannot be
 * opened). `file` and `msg` are owned by the list the record is in.
 */
typedef struct lc_diag {
    lc_severity severity;
    lc_diag_code code;     /* the kind of problem; stable, unlike msg's wording */
    char *file;            /* path as given by the caller */
    unsigned line;         /* 1-based, 0 if none */
    unsigned col;          /* 1-based, 0 if none */
    char *msg;             /* lowercase, no trailing period or newline */
    struct lc_diag *next;  /* next record, in the order found */
    const char *rule;      /* lint rule id ("thin-buffer", "load"...), or NULL; static */
} lc_diag;

/** @brief A list of diagnostics; zero-initialise or call lc_diags_init. */
typedef struct lc_diags {
    lc_diag *head;
    lc_diag *tail;
    unsigned n_errors;
    unsigned n_warnings;
} lc_diags;

/** @brief Makes @p d an empty list. */
LC_API void lc_diags_init(lc_diags *d);

/** @brief Frees every record of @p d and leaves it empty; NULL is a no-op. */
LC_API void lc_diags_free(lc_diags *d);

/**
 * @brief Prints each record GNU-style ("file:line:col: error: msg") to @p out.
 * @return the number of records printed
 */
LC_API unsigned lc_diags_print(const lc_diags *d, FILE *out);

/**
 * @brief The candidate closest to @p word if it is a plausible typo of it (at most two
 * edits, and fewer than half its length), else NULL: the "did you mean" of every levcal
 * message, for embedders' own. Returns one of @p cands (borrowed).
 */
LC_API const char *lc_suggest(const char *word, const char *const *cands, size_t n);

/* ==== Allocation ======================================================== */

/**
 * @brief The allocator every levcal allocation goes through, realloc-shaped like lua_Alloc:
 * (ud, ptr, 0) frees, (ud, NULL, n) allocates, otherwise resizes. Must return NULL on
 * failure and leave @p ptr untouched.
 */
typedef void *(*lc_alloc_fn)(void *ud, void *ptr, size_t size);

/**
 * @brief Replaces the allocator process-wide. Call before any other levcal function and
 * never while handles are alive; NULL restores the C library's.
 */
LC_API void lc_set_allocator(lc_alloc_fn fn, void *ud);

/* ==== Input limit ======================================================= */

/**
 * @brief Sets the largest input file (policy, portfolio, script, price history, standard
 * input) the library reads, in bytes; larger ones, and endless ones such as /dev/zero,
 * are refused as invalid input (LC_EINPUT) naming the file. 0 restores the default: the
 * environment's LEVCAL_MAX_INPUT_MB, else 1024 MiB. Process-wide, like lc_set_allocator.
 */
LC_API void lc_set_input_limit(size_t bytes);

/** @brief The input limit in force, in bytes. */
LC_API size_t lc_input_limit(void);

/* ==== Policy ============================================================ */

typedef struct lc_policy lc_policy;

/**
 * @brief Loads and validates a policy file (format `levcal: 1`).
 *
 * Every problem of the file is appended to @p diags, not just the first.
 * @param[in]  path  the YAML file
 * @param[out] pp    on LC_OK, a policy the caller owns (free with lc_policy_free);
 *                   otherwise set to NULL
 * @param[in,out] diags  receives errors and warnings; may be NULL
 * @return LC_OK, LC_EIO, LC_EINPUT or LC_ENOMEM
 */
LC_API lc_status lc_policy_load(const char *path, lc_policy **pp, lc_diags *diags);

/**
 * @brief As lc_policy_load, from memory. @p name labels diagnostics and is the base for
 * relative paths inside the policy; @p buf is borrowed for the duration of the call.
 */
LC_API lc_status lc_policy_load_buffer(const char *name, const char *buf, size_t len,
                                       lc_policy **pp, lc_diags *diags);

/** @brief Frees @p p; NULL is a no-op. */
LC_API void lc_policy_free(lc_policy *p);

/** @brief The policy's `policy.id`; borrowed from @p p. */
LC_API const char *lc_policy_id(const lc_policy *p);

/** @brief The policy's `policy.version`. */
LC_API int64_t lc_policy_version(const lc_policy *p);

/** @brief The number of markets the policy defines. */
LC_API size_t lc_policy_market_count(const lc_policy *p);

/** @brief The name of market @p i (0-based, in file order); borrowed from @p p. */
LC_API const char *lc_policy_market_name(const lc_policy *p, size_t i);

/** @brief One notional bracket of a market, as loaded (cum derived when omitted). */
typedef struct lc_tier {
    double cap;                /* exclusive upper bound of the bracket's notional; INFINITY
                                  for a last tier written `cap: .inf` (no position limit) */
    double max_leverage;       /* highest leverage the bracket allows */
    double mmr;                /* maintenance-margin rate */
    double maintenance_amount; /* Binance's "cum": maintenance_margin = N * mmr - cum */
} lc_tier;

/**
 * @brief The tiers of market @p i; @p n receives their count. Borrowed from @p p.
 * @return NULL if @p i is out of range
 */
LC_API const lc_tier *lc_policy_tiers(const lc_policy *p, size_t i, size_t *n);

/**
 * @brief The 0-based index of the tier holding notional @p notional: the first whose cap
 * is above it. A notional at or above the last cap gets the last tier and sets
 * *@p over_limit (may be NULL).
 */
LC_API size_t lc_tier_find(const lc_tier *tiers, size_t n, double notional, int *over_limit);

/** @brief Output formats: JSON (the machine contract) or an aligned table for people. */
typedef enum lc_format {
    LC_FORMAT_JSON = 0,
    LC_FORMAT_TABLE,
    LC_FORMAT_NDJSON /* reports: one account per line, then {"summary":..., "policy":...} */
} lc_format;

/* ==== Governance ======================================================== */

/**
 * @brief The policy's digest, "sha256:" and 64 lowercase hex digits: SHA-256 over the
 * RFC 8785 serialisation of its data without `policy.approvals` and `maintenance_amount`,
 * with "$files" (the SHA-256 of each script and plugin it names by path). It does not move
 * with key order, layout, comments or number spelling. See docs/governance.md.
 * @return borrowed; valid until lc_policy_free
 */
LC_API const char *lc_policy_digest(const lc_policy *p);

/** @brief The RFC 8785 text the digest hashes (@p len may be NULL); borrowed like the digest. */
LC_API const char *lc_policy_canonical_json(const lc_policy *p, size_t *len);

/** @brief True when one of `policy.approvals` names the policy's current digest. */
LC_API bool lc_policy_approved(const lc_policy *p);

/** @brief Frees a buffer the library returned (lc_policy_format, lc_policy_approve). */
LC_API void lc_free(void *p);

/**
 * @brief The canonical text of the policy in @p buf (`levcal fmt`): keys in the documented
 * order, flow-style tiers one per line, shortest numbers, comments kept.
 * @param[in] name  labels diagnostics and resolves the policy's relative paths
 * @param[out] pout  caller owns; free with lc_free. NULL on failure.
 * @return LC_OK; LC_EINPUT, with the load errors in @p diags, if the policy does not load
 */
LC_API lc_status lc_policy_format(const char *name, const char *buf, size_t len, char **pout,
                                  size_t *pout_len, lc_diags *diags);

/**
 * @brief The text of @p buf with an approval `{by, at, digest}` of its current digest
 * appended to `policy.approvals`; the rest of the text, comments included, is unchanged.
 * @param[out] pout  caller owns; free with lc_free
 * @return LC_OK, LC_EINPUT (does not load, or a layout approve cannot edit), LC_ENOMEM
 */
LC_API lc_status lc_policy_approve(const char *name, const char *buf, size_t len,
                                   const char *by, const char *at, char **pout,
                                   size_t *pout_len, lc_diags *diags);

/**
 * @brief Lints every file of @p paths: load errors (rule "load") and the rules of
 * docs/lint.md, appended to @p out sorted by file, line and column, each record's `rule`
 * set. Rules named in @p disable (and in a policy's `lint.disable`) are off.
 * @return LC_OK (whatever was found), LC_EIO if a file could not be read (the others are
 * still linted), LC_ENOMEM
 */
LC_API lc_status lc_lint(const char *const *paths, size_t n, const char *const *disable,
                         size_t n_disable, lc_diags *out);

/** @brief What `levcal import` reads: a venue's published tier data. */
typedef struct lc_import_opts {
    const char *venue;               /* "binance", "bybit", "okx", "hyperliquid", "dydx" */
    const char *const *files;        /* the saved API responses (borrowed) */
    size_t n_files;
    const char *const *markets;      /* only these markets; every one when n_markets is 0 */
    size_t n_markets;
    const char *id;                  /* policy.id; NULL for the venue's name */
    const char *owner;               /* policy.owner; NULL for "unassigned" */
    double contract_size;            /* okx without the instruments file; NaN otherwise */
} lc_import_opts;

/**
 * @brief Converts a venue's saved API responses into a policy: canonical text that loads
 * and lints without an error, the venue, endpoint and each file's sha256 in its
 * description. Problems in the files are reported at their file:line:col.
 * @param[out] pout  caller owns; free with lc_free. NULL on failure (nothing partial).
 * @return LC_OK; LC_EINPUT (errors in @p diags), LC_EIO, LC_EINVAL (unknown venue), LC_ENOMEM
 */
LC_API lc_status lc_import(const lc_import_opts *o, char **pout, size_t *pout_len,
                           lc_diags *diags);

/** @brief The name of importable venue @p i ("binance"...), or NULL past the last. */
LC_API const char *lc_import_venue(size_t i);

/** @brief The id of lint rule @p i ("leverage-cliff"...), or NULL past the last. */
LC_API const char *lc_lint_rule(size_t i);

/**
 * @brief Writes a new Ed25519 key pair: @p path (the secret key, mode 0600) and
 * "<path>.pub". Existing files are never overwritten.
 * @return LC_OK, LC_EIO (a file exists or cannot be written), LC_ENOMEM
 */
LC_API lc_status lc_keygen(const char *path, lc_diags *diags);

/**
 * @brief Signs the policy's digest with the secret key at @p key_path and writes the
 * signature file @p sig_path (format line, digest, public key, signature in base64).
 * A secret key readable by group or others is refused.
 */
LC_API lc_status lc_sign(const lc_policy *p, const char *key_path, const char *sig_path,
                         lc_diags *diags);

/**
 * @brief Checks @p sig_path: made with the key of @p pub_path, untampered, and over the
 * policy's current digest.
 * @return LC_OK only then; LC_EINPUT with the reason (code LC_DIAG_TRUST) otherwise;
 * LC_EIO if a file cannot be read
 */
LC_API lc_status lc_verify(const lc_policy *p, const char *pub_path, const char *sig_path,
                           lc_diags *diags);

/* ==== Policy tests ====================================================== */

typedef enum lc_test_format { LC_TEST_TEXT = 0, LC_TEST_JSON, LC_TEST_JUNIT } lc_test_format;

typedef struct lc_test_options {
    size_t size;           /* sizeof(lc_test_options) */
    const char *run;       /* a POSIX extended regex: only cases whose name matches; NULL all */
    int verbose;           /* text: a line for every case, not only failing ones */
    lc_test_format format;
} lc_test_options;

#define LC_TEST_OPTIONS_INIT {sizeof(lc_test_options), NULL, 0, LC_TEST_TEXT}

/**
 * @brief Runs the policy tests of @p paths (test files, or directories searched for
 * `*_test.yaml`; none: "."), as `levcal test` does (docs/testing.md), and writes the results
 * to @p out in @p o's format. Every test file is checked before any case runs.
 * @param[out] passed,failed  the cases that passed and failed (may be NULL)
 * @return LC_OK when the tests ran (whatever their results); LC_EINPUT, with diagnostics and
 * nothing written, when a test file is malformed or --run is no regex; LC_EIO when a path
 * cannot be read; LC_ENOMEM
 */
LC_API lc_status lc_test_run(const char *const *paths, size_t n, const lc_test_options *o,
                             FILE *out, size_t *passed, size_t *failed, lc_diags *diags);

/* ==== Volatility calibration ============================================ */

/** @brief What set a position's max leverage. */
typedef enum lc_binding {
    LC_BIND_TIER = 0,       /* the tier's max_leverage */
    LC_BIND_VOLATILITY = 1, /* the volatility cap 1 / (z * sigma_h + mmr) */
    LC_BIND_FALLBACK = 2,   /* the market's fallback_max_leverage: its model failed */
    LC_BIND_SCRIPT = 3,     /* a script's max_leverage hook (binding_script names it) */
    LC_BIND_SCRIPT_ERROR = 4, /* held at 1x because a script failed on the account */
    LC_BIND_MARGIN = 5       /* the market's margin scheme: 1 / imf */
} lc_binding;

/** @brief "tier", "volatility", "fallback", "script" or "script_error". */
LC_API const char *lc_binding_name(lc_binding b);

/*
 * Structs the caller allocates (options, requests, summaries) start with `size`: set it to
 * sizeof the struct, most simply with its LC_..._INIT initializer. Fields are only ever
 * added at the end, so a program built against an older levcal.h keeps working with a
 * newer library, which reads or fills only the fields the caller's size covers. A size
 * smaller than the first version's is refused with LC_EINVAL.
 */

/** @brief Options of lc_policy_calibrate: LC_CALIBRATION_INIT, then set what you need. */
typedef struct lc_calibration {
    size_t size;                        /* sizeof(lc_calibration) */
    int has_until;                      /* cut every history after until_day */
    int64_t until_day;                  /* days since 1970-01-01 (see lc_parse_date) */
    const char *const *histories;       /* "MARKET=FILE" overrides of the policy's history */
    size_t n_histories;
} lc_calibration;

#define LC_CALIBRATION_INIT {sizeof(lc_calibration), 0, 0, NULL, 0}

/**
 * @brief Loads each volatility-capped market's price history, fits its model (once per
 * model and history) and sets the market's caps. Until this succeeds such markets are
 * held at their fallback_max_leverage: an uncalibrated policy never loosens a limit.
 *
 * A model that fails (fit error, non-finite or non-positive sigma) is not an error: the
 * market falls back, with a warning in @p diags and the reason in the report. Unreadable
 * or invalid history files are errors (LC_EINPUT).
 * @return LC_OK, LC_EINPUT, LC_EIO or LC_ENOMEM
 */
LC_API lc_status lc_policy_calibrate(lc_policy *p, const lc_calibration *c, lc_diags *diags);

/**
 * @brief Checks that the files a loaded policy refers to and reads only later (each
 * volatility market's `history:`) exist and can be read, with errors located at their
 * keys. Scripts and plugins are read when the policy loads. `levcal check` runs this.
 * @return LC_OK, LC_EINPUT or LC_ENOMEM
 */
LC_API lc_status lc_policy_check_files(const lc_policy *p, lc_diags *diags);

/** @brief Parses YYYY-MM-DD into days since 1970-01-01. @return LC_OK or LC_EINPUT */
LC_API lc_status lc_parse_date(const char *text, int64_t *day);

/** @brief The longest forecast horizon, in days: a daily model fitted on past returns
 * says nothing useful a year ahead. */
#define LC_MAX_HORIZON_DAYS 365.0

/** @brief Parses a horizon such as "30m", "1h", "1d" or "0.5d" into days: a positive
 * number and a unit m, h or d, at most LC_MAX_HORIZON_DAYS. @return LC_OK or LC_EINPUT */
LC_API lc_status lc_parse_horizon(const char *text, double *days);

/** @brief A volatility estimate requested directly (the `levcal vol` command):
 * LC_VOL_REQUEST_INIT, then set what you need. */
typedef struct lc_vol_request {
    size_t size;                   /* sizeof(lc_vol_request) */
    const char *plugin;            /* plugin name or path of a .so; or NULL with model */
    const lc_policy *policy;       /* with model: take plugin and params from the policy */
    const char *model;
    const char *const *params;     /* "name=value" settings, over the model's */
    size_t n_params;
    const char *history;           /* daily OHLC CSV */
    int has_until;
    int64_t until_day;
    const char *gaps;              /* "error" (default), "drop" or "scale"; NULL: the
                                      market's, else "error" */
    double horizon_days;           /* > 0; 0: the market's, else 1 day */
    const char *market;            /* with policy: take model, history, gaps, horizon and
                                      confidence from this market's volatility section, so
                                      the sigma is the one evaluation uses */
} lc_vol_request;

#define LC_VOL_REQUEST_INIT                                                                \
    {sizeof(lc_vol_request), NULL, NULL, NULL, NULL, 0, NULL, 0, 0, NULL, 0, NULL}

typedef struct lc_vol_result lc_vol_result;

/**
 * @brief Fits the requested model to the history and forecasts over the horizon.
 * A fit that fails is still a result (converged false, its reason kept), not an error.
 * @param[in]  rq  borrowed for the call; with rq->policy, the result borrows that
 *                 policy's plugin, so the policy must outlive the result
 * @param[out] pp  caller owns; free with lc_vol_result_free
 * @return LC_OK, LC_EINPUT (unknown plugin, bad parameter, bad history), LC_ENOMEM
 */
LC_API lc_status lc_vol_estimate(const lc_vol_request *rq, lc_vol_result **pp, lc_diags *diags);

/** @brief JSON fields: model, plugin, plugin_version, plugin_path, first_day, last_day,
 * settings, params, loglik, converged, error, horizon_days, sigma, sigma_annualized
 * (sigma * sqrt(365 / horizon_days)), observations; with a market, also market,
 * confidence and z. */
LC_API lc_status lc_vol_result_write(const lc_vol_result *r, lc_format fmt, FILE *out);
LC_API int lc_vol_result_converged(const lc_vol_result *r);
LC_API double lc_vol_result_sigma(const lc_vol_result *r);
LC_API void lc_vol_result_free(lc_vol_result *r);

/**
 * @brief Lists the plugins found in the search path (LEVCAL_PLUGIN_PATH, then
 * ../lib/levcal/plugins beside the executable) with versions and parameters. Files that
 * are refused are listed with the reason as warnings in @p diags.
 */
LC_API lc_status lc_plugins_write(lc_format fmt, FILE *out, lc_diags *diags);

/**
 * @brief The directory of the plugins shipped with this library (LIBDIR/levcal/plugins of
 * the installation it was loaded from), searched after LEVCAL_PLUGIN_PATH; NULL if it
 * cannot be found. Borrowed: valid until the next call; not thread-safe.
 */
LC_API const char *lc_plugin_dir(void);

/* ==== Portfolio ========================================================= */

typedef struct lc_portfolio lc_portfolio;

/**
 * @brief Loads a portfolio (YAML, or JSON of the same structure) against policy @p pol,
 * which resolves its market names; @p pol must outlive the portfolio.
 * @param[in]  path  the file, or "-" for standard input
 * @param[out] pp    on LC_OK, a portfolio the caller owns (lc_portfolio_free); else NULL
 * @return LC_OK, LC_EIO, LC_EINPUT or LC_ENOMEM
 */
LC_API lc_status lc_portfolio_load(const lc_policy *pol, const char *path, lc_portfolio **pp,
                                   lc_diags *diags);

/** @brief The syntax of a portfolio. AUTO: by the name's extension (.json; .yaml or .yml),
 * else JSON when the text opens with '{' or '[', else YAML. JSON is strict RFC 8259; YAML
 * flow style that opens with '{' is read only as YAML (by name or by asking). */
typedef enum lc_input_format { LC_INPUT_AUTO = 0, LC_INPUT_JSON, LC_INPUT_YAML } lc_input_format;

/** @brief As lc_portfolio_load, in syntax @p fmt. */
LC_API lc_status lc_portfolio_load_as(const lc_policy *pol, const char *path,
                                      lc_input_format fmt, lc_portfolio **pp, lc_diags *diags);

/** @brief As lc_portfolio_load_buffer, in syntax @p fmt. */
LC_API lc_status lc_portfolio_load_buffer_as(const lc_policy *pol, const char *name,
                                             const char *buf, size_t len, lc_input_format fmt,
                                             lc_portfolio **pp, lc_diags *diags);

/** @brief As lc_portfolio_load_as and lc_portfolio_load_buffer_as, reading a large JSON
 * document's accounts on up to @p threads threads at once. 0: everything on the calling
 * thread. From 1 on, the SHA-256 of an input of 4 MiB or more (for the provenance) is
 * computed on a thread of its own while the text is read; lc_portfolio_load_as and
 * lc_portfolio_load_buffer_as are these with 1. The accounts list is cut at line starts
 * into parts that are read at the same time; the portfolio, and every diagnostic with
 * its line and column, are those that one thread gives: where the parts would not join
 * exactly as one reader reads them (a part with any diagnostic, an id seen in two parts,
 * a list that does not end the document), the calling thread reads on by itself. YAML
 * is read on the calling thread. */
LC_API lc_status lc_portfolio_load_threads(const lc_policy *pol, const char *path,
                                           lc_input_format fmt, unsigned threads,
                                           lc_portfolio **pp, lc_diags *diags);
LC_API lc_status lc_portfolio_load_buffer_threads(const lc_policy *pol, const char *name,
                                                  const char *buf, size_t len,
                                                  lc_input_format fmt, unsigned threads,
                                                  lc_portfolio **pp, lc_diags *diags);

/** @brief As lc_portfolio_load, from memory; @p buf is borrowed for the call only. */
LC_API lc_status lc_portfolio_load_buffer(const lc_policy *pol, const char *name,
                                          const char *buf, size_t len, lc_portfolio **pp,
                                          lc_diags *diags);

/** @brief Frees @p pf; NULL is a no-op. */
LC_API void lc_portfolio_free(lc_portfolio *pf);

/** @brief Number of accounts, and of positions over all accounts. */
LC_API size_t lc_portfolio_account_count(const lc_portfolio *pf);
LC_API size_t lc_portfolio_position_count(const lc_portfolio *pf);

/* ==== Evaluation and report ============================================= */

/**
 * @brief Severity-ordered verdicts: a higher value is more severe.
 *
 * A policy script that fails on an account is not a verdict of its own: the account is
 * held at 1x, flagged with `script_error`, and its status is the most severe of what
 * the declarative rules say and over_limit, so a failure never hides a liquidation.
 */
typedef enum lc_verdict {
    LC_VERDICT_OK = 0,          /* within every limit */
    LC_VERDICT_MARGIN_CALL,     /* a policy rule calls for more margin; nothing is blocked */
    LC_VERDICT_OVER_LIMIT,      /* no new exposure may be opened */
    LC_VERDICT_REDUCE_ONLY,     /* only orders that reduce positions are accepted */
    LC_VERDICT_DELEVERAGE,      /* part of the book must be closed (the plan says what) */
    LC_VERDICT_LIQUIDATE        /* maintenance margin is not covered: closed by the plan */
} lc_verdict;

#define LC_N_VERDICTS 6

/** @brief The name used in reports: "ok", "margin_call", "over_limit", "reduce_only",
 * "deleverage", "liquidate". */
LC_API const char *lc_verdict_name(lc_verdict v);

/** @brief Which rule set a verdict; the report spells it out with the figures. */
typedef enum lc_reason {
    LC_REASON_NONE = 0,          /* status ok */
    LC_REASON_NO_EQUITY,         /* equity <= 0 */
    LC_REASON_MARGIN_RATIO,      /* maintenance margin >= equity */
    LC_REASON_NO_AVAILABLE,      /* initial margin > equity */
    LC_REASON_POSITION_LIMIT,    /* a notional at or above its market's last cap */
    LC_REASON_ISOLATED,          /* one of the account's isolated positions */
    LC_REASON_SCRIPT,            /* a script's on_account finding */
    LC_REASON_SCRIPT_ERROR,      /* a script failed: held at 1x, at least over_limit */
    LC_REASON_NEGATIVE_COLLATERAL, /* no cross position and a negative collateral */
    LC_REASON_RULE                /* a policy's deleveraging rule (the index names it) */
} lc_reason;

/** @brief One figure a rule's condition read, as it was when the rule matched. */
typedef struct lc_rule_value {
    const char *name;   /* "leverage", or "BTCUSDT.notional" for a position's */
    double value;       /* NaN (null) for margin_ratio or leverage without equity */
} lc_rule_value;

/** @brief A rule that matched: a built-in (`maintenance`, `initial_margin`,
 * `position_limit`) or one of the policy's `deleveraging.rules`. */
typedef struct lc_rule_match {
    const char *name;
    lc_verdict action;
    const char *condition;       /* the condition as text: "leverage > 20" */
    const lc_rule_value *values; /* the figures it read */
    size_t n_values;
    int builtin;                 /* one of the three built-in rules */
} lc_rule_match;

/** @brief One close of a plan: a quantity of a position, at its mark. */
typedef struct lc_close {
    const char *market;
    double qty;       /* signed like the position: the amount closed */
    double notional;  /* |qty| * mark */
    double fee;       /* fee_rate * notional */
} lc_close;

/** @brief What an account (or isolated position) looks like once a plan is carried out. */
typedef struct lc_after {
    double equity, notional, maintenance_margin, initial_margin, margin_ratio, leverage;
    lc_verdict status;    /* re-judged by every rule */
} lc_after;

/** @brief The closes that reach a liquidation's or a deleverage rule's target. */
typedef struct lc_plan {
    const char *rule;     /* "maintenance" or the policy rule's name */
    lc_verdict action;    /* LC_VERDICT_LIQUIDATE or LC_VERDICT_DELEVERAGE */
    const char *target;   /* "margin_ratio <= 0.5", "leverage <= 20", or NULL: close all */
    const char *order;    /* the order positions were taken in, or "step_down_tiers" */
    const lc_close *closes;
    size_t n_closes;
    double closed_notional, fee;
    lc_after after;
    int target_met;
    int bankrupt;         /* equity was <= 0: everything closed, no fee */
    double shortfall;     /* -equity when bankrupt: what an insurance fund covers; else 0 */
} lc_plan;

/** @brief One rule an account breaks: its severity, which rule, and what it is about
 * (the position for position rules, the finding for LC_REASON_SCRIPT). */
typedef struct lc_breach {
    lc_verdict severity;
    lc_reason reason;
    size_t index;
} lc_breach;

/** @brief A script's finding about an account (on_account). */
typedef struct lc_finding {
    const char *script;  /* the script's name */
    const char *rule;
    const char *action;  /* "ok", "over_limit", "liquidate" or "note" */
    const char *message;
} lc_finding;

/**
 * @brief The evaluation of one position. Fields that have no value (a liquidation price
 * that does not exist, the margin ratio of a position with no equity) are NaN and print
 * as null. `isolated` is 0 for cross positions, whose equity, margin_ratio and status
 * are NaN/ok and belong to the account instead.
 */
typedef struct lc_position_result {
    const char *market;        /* borrowed from the policy */
    double qty;                /* signed: + long, - short */
    double entry;
    double mark;
    double notional;           /* |qty| * mark */
    unsigned tier;             /* 1-based */
    int over_limit;            /* notional at or above the market's last cap */
    double max_leverage;
    double mmr;
    double maintenance_amount;
    double maintenance_margin; /* notional * mmr - maintenance_amount */
    double initial_margin;     /* notional / max_leverage */
    double upnl;               /* qty * (mark - entry) */
    double liquidation_price;  /* NaN when there is none */
    int isolated;
    double isolated_margin;    /* isolated positions only */
    double equity;             /* isolated positions only */
    double margin_ratio;       /* isolated positions only */
    lc_verdict status;         /* isolated positions only */
    lc_reason reason;          /* isolated positions only */
    lc_binding binding;        /* what set max_leverage */
    double tier_max_leverage;  /* the tier's own figure */
    const char *model;         /* volatility model of the market, or NULL */
    double sigma_h;            /* the model's sigma over the horizon; NaN if none */
    double z;                  /* the normal quantile of the confidence; NaN if none */
    const char *binding_script; /* the script that set max_leverage, or NULL */
    const char *ignored_script; /* a script whose cap above the declarative one was ignored */
    double ignored_cap;         /* ... and that cap; NaN if none */
    const char *clamped_script; /* a script whose cap reached 1/mmr and was clamped below */
    double clamped_cap;         /* ... the cap it asked for; NaN if none */
    double bankruptcy_price;    /* mark - equity / qty when its account (or itself, if
                                   isolated) is liquidated and that equity is > 0; else NaN */
    const lc_rule_match *rules; /* isolated positions: the rules that matched */
    size_t n_rules;
    const lc_plan *plan;        /* isolated positions: the plan, or NULL */
    const char *tier_basis;     /* "notional" or "quantity": what the market's caps measure;
                                   NULL under a margin scheme */
    const char *margin_scheme;  /* "open_interest" or "size_premium", or NULL for tiers */
    double imf, mmf;            /* a margin scheme's initial and maintenance fractions;
                                   NaN for tiers */
    double open_interest;       /* open_interest scheme: the market's open notional the
                                   scaling read; NaN otherwise */
} lc_position_result;

/** @brief The evaluation of one account; the sums run over its cross positions only. */
typedef struct lc_account_result {
    const char *id;            /* borrowed from the portfolio */
    lc_verdict status;         /* most severe of every rule it breaks (lc_account_breaches) */
    lc_reason reason;          /* why, when not ok: the first of lc_account_breaches */
    size_t reason_position;    /* which of its positions (0-based), or for LC_REASON_SCRIPT
                                  which finding, the reason is about */
    double collateral;
    double equity;             /* collateral + cross upnl */
    double upnl;
    double notional;
    double maintenance_margin;
    double initial_margin;
    double available;          /* equity - initial_margin */
    double margin_ratio;       /* maintenance_margin / equity; NaN when equity <= 0 */
    double leverage;           /* notional / equity; NaN when equity <= 0 */
    size_t first_position;     /* index of its first position in the report */
    size_t n_positions;
    lc_verdict core_status;    /* the status before scripts' findings and errors */
    const char *script_error;  /* why a script failed on this account, or NULL: the account
                                  is then held at 1x and at least over_limit */
    const lc_finding *findings; /* scripts' on_account findings */
    size_t n_findings;
    const char *const *log;    /* lines scripts wrote with levcal.log */
    size_t n_log;
    double total_equity;       /* equity plus every isolated position's equity */
    const lc_rule_match *rules; /* the rules its cross part matched, built-in and policy */
    size_t n_rules;
    const lc_plan *plan;       /* the cross part's plan, or NULL */
} lc_account_result;

typedef struct lc_report lc_report;

/**
 * @brief Evaluates every account of @p pf under @p pol.
 *
 * Allocates the whole result up front; the per-position work allocates nothing.
 * @param[out] pp  on LC_OK, a report the caller owns (lc_report_free); it borrows
 *                 strings from @p pol and @p pf, which must outlive it
 * @return LC_OK, LC_EINVAL or LC_ENOMEM
 */
LC_API lc_status lc_evaluate(const lc_policy *pol, const lc_portfolio *pf, lc_report **pp);

/**
 * @brief Evaluates again into an existing report of the same portfolio, allocating
 * nothing (but the scripts' strings). With scripts, every findings, log and
 * script_error pointer read from @p r before is invalid after this call.
 * @return LC_EINVAL if @p r was made for another portfolio size.
 */
LC_API lc_status lc_evaluate_into(const lc_policy *pol, const lc_portfolio *pf, lc_report *r);

/** @brief Frees @p r; NULL is a no-op. */
LC_API void lc_report_free(lc_report *r);


/** @brief Accounts in @p r, and account @p i (borrowed until @p r is freed or evaluated
 * into again; NULL if out of range). */
LC_API size_t lc_report_account_count(const lc_report *r);
LC_API const lc_account_result *lc_report_account(const lc_report *r, size_t i);

/** @brief Positions in @p r, and position @p i (borrowed; NULL if out of range). */
LC_API size_t lc_report_position_count(const lc_report *r);
LC_API const lc_position_result *lc_report_position(const lc_report *r, size_t i);

/**
 * @brief Writes @p r to @p out: JSON (the machine contract, docs/report.md) or an aligned
 * table for people.
 * @return LC_OK, or LC_EIO if writing failed
 */
LC_API lc_status lc_report_write(const lc_report *r, lc_format fmt, FILE *out);

/**
 * @brief Evaluates and writes the report in one pass, account by account, without
 * keeping the per-position results: memory stays at the size of the largest account.
 * Produces exactly what lc_evaluate followed by lc_report_write would. @p summary (may be
 * NULL) receives the counts, so a caller can act on script errors.
 * @return LC_OK, LC_EINVAL, LC_ENOMEM, or LC_EIO if writing failed
 */
typedef struct lc_summary {
    size_t size;                   /* sizeof(lc_summary), set by the caller */
    size_t accounts, positions;
    size_t by_status[LC_N_VERDICTS]; /* indexed by lc_verdict; accounts in error included */
    size_t script_errors;          /* accounts on which a policy script failed */
    char first_script_error[512];  /* "account: message" of the first script failure, or "" */
} lc_summary;

#define LC_SUMMARY_INIT {sizeof(lc_summary), 0, 0, {0}, 0, ""}

LC_API lc_status lc_evaluate_write(const lc_policy *pol, const lc_portfolio *pf, lc_format fmt,
                                   FILE *out, lc_summary *summary);

/**
 * @brief Every rule account @p a breaks, most severe first (ties: a script failure, then
 * the cross rules, isolated positions in order, scripts' findings in order). The first is
 * the account's `reason`. @p positions are the account's own (lc_report_position from
 * a->first_position). Writes at most @p cap records to @p out (may be NULL with 0).
 * @return the number of rules broken, which may exceed @p cap
 */
LC_API size_t lc_account_breaches(const lc_account_result *a,
                                  const lc_position_result *positions, lc_breach *out,
                                  size_t cap);

/** @brief The order of accounts in a written report: the book's, or most at risk first. */
typedef enum lc_sort {
    LC_SORT_NONE = 0,     /* as in the portfolio */
    LC_SORT_MARGIN_RATIO, /* highest margin ratio first; no equity (null) before all */
    LC_SORT_LEVERAGE,     /* highest leverage first; no equity (null) before all */
    LC_SORT_NOTIONAL      /* largest cross notional first */
} lc_sort;

/**
 * @brief What of an evaluation to write. LC_WRITE_OPTIONS_INIT: every account, book order,
 * one thread.
 *
 * Thread safety: a policy and a portfolio are read, never written, by evaluation and
 * writing, so any number of threads may evaluate them at once, each with its own report;
 * except a policy with scripts, whose one Lua state allows one evaluation at a time (the
 * library's own threads, from `threads`, each clone it). Loading, calibration and freeing
 * must not run alongside anything else on the same objects.
 */
typedef struct lc_write_options {
    size_t size;                 /* sizeof(lc_write_options) */
    const char *const *accounts; /* only these account ids; none: every account */
    size_t n_accounts;
    unsigned status_mask;        /* only accounts whose status bit (1u << lc_verdict) is set;
                                    0: every status */
    lc_sort sort;
    unsigned threads;            /* evaluate and format with this many threads while the
                                    calling thread writes what they made, in order (0: all
                                    on the calling thread). The report is the same bytes
                                    whatever the count; each thread runs the policy's
                                    scripts in a Lua state of its own, loaded from the same
                                    bytes. JSON and NDJSON reports use them; tables and
                                    sorted reports are written by the calling thread */
} lc_write_options;

#define LC_WRITE_OPTIONS_INIT {sizeof(lc_write_options), NULL, 0, 0, LC_SORT_NONE, 0}

/**
 * @brief As lc_evaluate_write, writing only the accounts @p opts selects, in its order
 * (@p opts may be NULL). The summary still counts every account of the book. A sort
 * evaluates the whole book before writing, so memory grows with it.
 * @return as lc_evaluate_write; LC_EINPUT if an account id given is not in the book
 */
LC_API lc_status lc_evaluate_write_with(const lc_policy *pol, const lc_portfolio *pf,
                                        lc_format fmt, FILE *out, const lc_write_options *opts,
                                        lc_summary *summary, lc_diags *diags);

/** @brief How lc_evaluate_stream reads its NDJSON stream. */
typedef struct lc_stream_options {
    size_t size;                 /* sizeof(lc_stream_options) */
    const char *name;            /* the stream's name in diagnostics; NULL: "-" */
    const char *marks;           /* a file (JSON or YAML) giving marks, and optionally
                                    open_interest and as_of: then every line is an account.
                                    NULL: the stream's first line gives them */
    const lc_write_options *write; /* which accounts to write (no sort); NULL: all */
} lc_stream_options;

#define LC_STREAM_OPTIONS_INIT {sizeof(lc_stream_options), NULL, NULL, NULL}

/**
 * @brief Evaluates a portfolio streamed as NDJSON (docs/portfolio-format.md): a first line
 * {"marks": {...}} unless o->marks gives them, then one account object per line. Accounts
 * are read, evaluated and written in runs of a few thousand, so memory does not grow with
 * the number of accounts (an id set of 8 bytes per account finds an id given twice).
 * Writes NDJSON: one account per line, then the summary line {"summary", "policy"}.
 * Errors name the stream's line; the accounts of earlier runs are already written, and the
 * summary line is not: a report without one is incomplete.
 * @return LC_OK; LC_EINPUT (diagnostics in @p diags), LC_EIO, LC_ENOMEM, LC_EINVAL (a sort
 * asked for: it needs the whole book)
 */
LC_API lc_status lc_evaluate_stream(const lc_policy *pol, FILE *in, const lc_stream_options *o,
                                    FILE *out, lc_summary *summary, lc_diags *diags);

/**
 * @brief `levcal summary`: adds up the summary lines of NDJSON reports @p paths ("-" for
 * standard input) and writes one summary line of the totals, so a book evaluated in
 * shards gives the totals of one run. Every report must end with its summary line (a run
 * that stopped early has none) and all must name the same policy digest.
 * @return LC_OK; LC_EINPUT (diagnostics in @p diags), LC_EIO, LC_ENOMEM
 */
LC_API lc_status lc_summary_merge(const char *const *paths, size_t n, FILE *out,
                                  lc_summary *summary, lc_diags *diags);

/* ==== Explanations ==================================================== */

/**
 * @brief Writes how every figure of account @p account (or, with @p market, of that one
 * position) came out: each formula with the values put in, in the order computed; the tier
 * search, maintenance amount, margins, volatility and script caps, the liquidation price's
 * walk over the tiers, the account's sums, each status rule and the plan (`levcal explain`).
 * Every number is the report's. @p fmt: LC_FORMAT_TABLE for people, LC_FORMAT_JSON for tools.
 * @return LC_OK; LC_EINPUT (no such account or position, in @p diags); LC_ENOMEM; LC_EIO
 */
LC_API lc_status lc_explain_write(const lc_policy *pol, const lc_portfolio *pf,
                                  const char *account, const char *market, lc_format fmt,
                                  FILE *out, lc_diags *diags);

/* ==== Policy diff ===================================================== */

/**
 * @brief `levcal diff`: the semantic changes from @p old_pol to @p new_pol (JSON Pointers
 * into the canonical tree the digest hashes), per changed market its tier tables and the
 * notional ranges whose leverage or rate moved, changed scripts with a unified diff, and,
 * for each book of @p portfolios (paths, each loaded under both policies), the impact:
 * accounts and positions that change, totals and status transitions. Both policies must be
 * calibrated by the caller. Writes text or JSON (@p fmt: LC_FORMAT_TABLE or LC_FORMAT_JSON)
 * to @p out and, when @p html is not NULL, a self-contained HTML page to it.
 * @param[out] differ  1 when the digests differ (may be NULL)
 * @return LC_OK; LC_EINPUT or LC_EIO (a book does not load or cannot be read; diagnostics
 * in @p diags), LC_ENOMEM, LC_EIO when writing failed
 */
LC_API lc_status lc_diff_write(const lc_policy *old_pol, const lc_policy *new_pol,
                               const char *const *portfolios, size_t n_portfolios,
                               lc_format fmt, FILE *out, FILE *html, int *differ,
                               lc_diags *diags);

/* ==== Backtests ======================================================= */

/** @brief A model's backtest, for `levcal backtest`; opaque. */
typedef struct lc_backtest lc_backtest;

typedef struct lc_backtest_request {
    size_t size;              /* sizeof(lc_backtest_request) */
    lc_vol_request vol;       /* the model, its parameters, the history and gap rule, as for
                                 lc_vol_estimate; vol.has_until/until_day is the last day
                                 tested (later rows are not read) */
    int has_from;             /* the first day tested; else the history's second day */
    int64_t from_day;
    double confidence;        /* in (0.5, 1); 0 means 0.99 */
    int short_side;           /* 0: a long's losses (r < -z sigma); 1: a short's */
    int refit;                /* days between refits of a model that can update; 0: 20 */
} lc_backtest_request;

#define LC_BACKTEST_REQUEST_INIT {sizeof(lc_backtest_request), LC_VOL_REQUEST_INIT, 0, 0, 0, 0, 0}

/**
 * @brief Backtests a model's one-day forecasts: each day of the window the model has seen
 * the history before it only; a day is an exceedance when its log return is beyond
 * z sigma on the side's losing side. Kupiec's POF, Christoffersen's independence and the
 * conditional coverage, each with its p-value, and a verdict at 5% (docs/backtest.md).
 * @param[out] pp  caller owns; free with lc_backtest_free
 * @return LC_OK, LC_EINPUT (bad request or history, or the model failed; see @p diags),
 * LC_ENOMEM
 */
LC_API lc_status lc_backtest_run(const lc_backtest_request *rq, lc_backtest **pp,
                                 lc_diags *diags);

/** @brief Writes @p b as JSON (LC_FORMAT_JSON) or a table for people. */
LC_API lc_status lc_backtest_write(const lc_backtest *b, lc_format fmt, FILE *out);

/** @brief Writes @p b as a self-contained HTML page: the forecast band against the returns. */
LC_API lc_status lc_backtest_html(const lc_backtest *b, FILE *out);

/** @brief Frees @p b; NULL is a no-op. */
LC_API void lc_backtest_free(lc_backtest *b);

typedef struct lc_policy_backtest_request {
    size_t size;                   /* sizeof(lc_policy_backtest_request) */
    const char *const *histories;  /* "MARKET=FILE", over the policy's 'history:' */
    size_t n_histories;
    int has_from;                  /* the first day a position is opened */
    int64_t from_day;
    int has_to;                    /* the last day read (positions opened until the day before) */
    int64_t to_day;
    const char *gaps;              /* NULL: each market's rule, else error */
    int refit;                     /* days between refits of a model that updates; 0: 20 */
} lc_policy_backtest_request;

#define LC_POLICY_BACKTEST_REQUEST_INIT                                                    \
    {sizeof(lc_policy_backtest_request), NULL, 0, 0, 0, 0, 0, NULL, 0}

/**
 * @brief `levcal backtest --policy`: the policy's limits on history, per market, tier and
 * side. Each day a position is opened at the close at the day's max leverage (the tier's,
 * or the volatility cap the policy would have computed from the history up to that day),
 * isolated with exactly its initial margin, at the tier's smallest notional; on the next
 * day it is liquidated when the adverse extreme reaches its liquidation price, and bad
 * debt when it passes its bankruptcy price. Writes days, liquidations, bad debt, their
 * rates, the worst loss past bankruptcy and, for volatility-capped markets, Kupiec's test
 * of the bad-debt rate against 1 - confidence (docs/backtest.md). With @p html (may be
 * NULL), also a self-contained page of the per-tier rates.
 */
LC_API lc_status lc_policy_backtest_write(const lc_policy *pol,
                                          const lc_policy_backtest_request *rq, lc_format fmt,
                                          FILE *out, FILE *html, lc_diags *diags);

/* ==== Stress ============================================================ */

typedef struct lc_stress_request {
    size_t size;                   /* sizeof(lc_stress_request) */
    const char *shock;             /* "-30%" on every market, or "M=-30%,N=-40%"; or NULL with a
                                      scenario */
    int has_scenario;              /* replay a day: each market's low against the day before's
                                      close, from its history */
    int64_t scenario_day;
    const char *const *histories;  /* "MARKET=FILE": scenarios, ADV and sigma_1d */
    size_t n_histories;
    double vol_multiplier;         /* the volatility forecasts times this; 0 means 1 */
    int rounds;                    /* the most rounds; 0 means 20 */
} lc_stress_request;

#define LC_STRESS_REQUEST_INIT {sizeof(lc_stress_request), NULL, 0, 0, NULL, 0, 0, 0}

/**
 * @brief `levcal stress`: shocks the marks and runs the liquidation cascade
 * (docs/stress.md). Each round evaluates the book; every pool at liquidate carries out its
 * plan at the round's mark; the round's net forced flow per market moves the mark by the
 * square-root law `mark *= 1 - s k sigma_1d sqrt(|net notional| / ADV)`. Stops after the
 * first round that liquidates nothing, or after the round limit. Writes the rounds, totals
 * and the final statuses as JSON or a table, and with @p html (may be NULL) a page.
 * The policy is calibrated first as eval would (the histories given override those of its
 * volatility-capped markets; a replay sees the days before the scenario only).
 * @p pol (volatility caps, with a multiplier) and @p pf (its marks, positions and
 * collateral) are changed: they are left as the cascade leaves them.
 */
LC_API lc_status lc_stress_write(lc_policy *pol, lc_portfolio *pf, const lc_stress_request *rq,
                                 lc_format fmt, FILE *out, FILE *html, lc_diags *diags);

/* ==== Calibration of tiers ============================================== */

typedef struct lc_calibrate_request {
    size_t size;              /* sizeof(lc_calibrate_request) */
    lc_vol_request vol;       /* the model, its parameters, the history (up to its until) */
    const char *market;       /* the market's name in the policy written */
    const double *caps;       /* each tier's upper cap, increasing */
    size_t n_caps;
    double adv;               /* > 0: the average daily volume in the quote currency; else
                                 the mean quote volume of the history's last 30 days */
    double mm_confidence;     /* 0: 0.99 */
    double mm_horizon_days;   /* 0: one hour */
    double im_confidence;     /* 0: 0.99 */
    double im_horizon_days;   /* 0: one day */
    double impact_k;          /* the square-root impact's factor, with impact_k_set; else 1 */
    int impact_k_set;
    const char *owner;        /* policy.owner; NULL: "unassigned" */
    double lot_size;          /* > 0: the market's lot_size */
} lc_calibrate_request;

#define LC_CALIBRATE_REQUEST_INIT                                                          \
    {sizeof(lc_calibrate_request), LC_VOL_REQUEST_INIT, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, NULL, 0}

/**
 * @brief `levcal calibrate`: writes to @p out a policy for one market whose tiers come from
 * the model's forecast and the market's liquidity (docs/calibrate.md): per tier with cap c,
 * mmr = z(mm) sigma(mm horizon) + k sigma_1d sqrt(c / ADV) rounded up to 0.0001,
 * max_leverage = floor(1 / (mmr + z(im) sigma(im horizon))), made monotone; with a
 * `calibration:` block recording how. The text is in canonical form and loads.
 * @return LC_OK; LC_EINPUT (bad request or history, no volume for the ADV, the model
 * failed); LC_ENOMEM; LC_EIO
 */
LC_API lc_status lc_calibrate_write(const lc_calibrate_request *rq, FILE *out, lc_diags *diags);

/**
 * @brief `levcal calibrate --policy`: writes @p pol (read again from its file) with every
 * volatility-capped market's tiers recalibrated as lc_calibrate_write does, from that
 * market's model and history (@p histories: "MARKET=FILE" overrides), its caps and
 * everything else kept, and the calibration block replaced. @p rq gives the options; its
 * caps, market and model are not used.
 */
LC_API lc_status lc_recalibrate_write(const lc_policy *pol, const lc_calibrate_request *rq,
                                      const char *const *histories, size_t n_histories,
                                      FILE *out, lc_diags *diags);

/* ==== Auto-deleveraging ================================================= */

/** @brief Options of lc_adl_write: LC_ADL_OPTIONS_INIT, then set what you need. */
typedef struct lc_adl_options {
    size_t size;          /* sizeof(lc_adl_options) */
    const char *market;   /* only this market's queues; NULL: every market */
} lc_adl_options;

#define LC_ADL_OPTIONS_INIT {sizeof(lc_adl_options), NULL}

/**
 * @brief Writes the auto-deleveraging queues of @p pf under @p pol: per market and side,
 * every position whose margin pool has equity > 0, scored by the policy's
 * `deleveraging.adl.ranking` (bitmex by default), ranked (1 = deleveraged first; ties by
 * account id) with its indicator 5 - floor(5 (rank - 1) / n). JSON: {policy, ranking,
 * queues: [{market, side, positions: [{account, qty, score, rank, indicator}]}]}.
 * @return LC_OK, LC_EINPUT (a ranking script failed; see @p diags), LC_ENOMEM, LC_EIO
 */
LC_API lc_status lc_adl_write(const lc_policy *pol, const lc_portfolio *pf,
                              const lc_adl_options *opts, lc_format fmt, FILE *out,
                              lc_diags *diags);

/** @brief Counts of a materialised report. */
LC_API void lc_report_summary(const lc_report *r, lc_summary *summary);

#ifdef __cplusplus
}
#endif
#endif /* LEVCAL_H */

/*
 * diff.h - what `levcal diff` computes, shared by its text, JSON and HTML writers.
 */
#ifndef LC_GOV_DIFF_H
#define LC_GOV_DIFF_H

#include "model/policy.h"

/* One change of the canonical tree: a JSON Pointer and the canonical JSON of each side
 * (NULL where that side has nothing: an addition or a removal). */
typedef struct lc__change {
    char *path;
    char *old_json, *new_json;
} lc__change;

/* A notional range over which a market's leverage or maintenance rate moved. */
typedef struct lc__range {
    double from, to;                   /* [from, to) */
    double old_lev, new_lev, old_mmr, new_mmr; /* NaN where that side has no tier */
} lc__range;

typedef struct lc__market_diff {
    const char *name;
    const lc__market *old_mk, *new_mk;  /* NULL when added or removed */
    lc__range *ranges;      /* caps in the notional, or in base units when by_quantity */
    size_t n_ranges;
    bool by_quantity;
} lc__market_diff;

typedef struct lc__script_diff {
    char *written;                      /* the path as written */
    char old_sha[LC__SHA256_HEX], new_sha[LC__SHA256_HEX]; /* "" where absent */
    char *unified;                      /* a unified diff of the texts, or NULL */
} lc__script_diff;

typedef struct lc__acct_change {
    const char *portfolio;
    char *id;
    lc_verdict old_status, new_status;
    double old_im, new_im, old_mm, new_mm, old_av, new_av;
} lc__acct_change;

typedef struct lc__pos_change {
    const char *portfolio;
    char *account;
    const char *market;
    unsigned old_tier, new_tier;
    double old_lev, new_lev, old_lp, new_lp, old_im, new_im;
} lc__pos_change;

typedef struct lc__impact {
    bool present;                       /* a portfolio was given */
    const char *const *portfolios;
    size_t n_portfolios;
    lc__acct_change *acc;
    size_t n_acc, cap_acc;
    lc__pos_change *pos;
    size_t n_pos, cap_pos;
    double im[2], mm[2];                /* old, new */
    size_t by_status[2][LC_N_VERDICTS];
    size_t matrix[LC_N_VERDICTS][LC_N_VERDICTS]; /* [old][new] accounts */
    size_t accounts, positions;
    bool plans;                         /* either policy has a deleveraging section */
    double closed[2];                   /* notional plans would close, old and new */
} lc__impact;

typedef struct lc__diff {
    const lc_policy *pol[2];
    lc__change *ch;
    size_t n_ch, cap_ch;
    lc__market_diff *mk;
    size_t n_mk, cap_mk;
    lc__script_diff *sc;
    size_t n_sc;
    lc__impact impact;
    lc_status rc;
} lc__diff;

/* Writers (diff_out.c, diff_html.c). */
void lc__diff_text(const lc__diff *df, FILE *out);
void lc__diff_json(const lc__diff *df, FILE *out);
void lc__diff_html(const lc__diff *df, FILE *out);

/* Numbers for people: thousands separators (diff_out.c). */
const char *lc__diff_num(double v, char *buf);

#endif

/*
 * portfolio_int.h - the in-memory form of a loaded portfolio.
 *
 * Positions of all accounts sit in one array, each account owning a contiguous run, so
 * evaluation walks memory in order. Market names are resolved to policy indexes at load
 * time; no string is touched while evaluating.
 */
#ifndef LC_PORTFOLIO_INT_H
#define LC_PORTFOLIO_INT_H

#include "base/base.h"

typedef struct lc__pos {
    double qty;        /* signed, never zero */
    double entry;      /* > 0 */
    double iso_margin; /* isolated margin, or NaN for a cross position */
    uint32_t market;   /* index into the policy's markets */
    uint32_t line;     /* where the position starts, for later diagnostics */
} lc__pos;

/* A free key/value from an account's 'meta', passed through to scripts. */
typedef struct lc__meta {
    const char *key;
    const char *str; /* the text, for strings (and every value) */
    double num;      /* the number, when is_num */
    bool is_num;
    bool is_bool;    /* true/false: num is 1 or 0 */
} lc__meta;

typedef struct lc__acct {
    const char *id;    /* in the portfolio's arena */
    double collateral;
    size_t first;      /* index of its first position */
    size_t n;          /* number of positions */
    const char **tags; /* 'tags', in the arena */
    size_t n_tags;
    double created;    /* 'created' as unix seconds, NaN if not given */
    lc__meta *meta;    /* 'meta' entries, in the arena */
    size_t n_meta;
} lc__acct;

struct lc_portfolio {
    const lc_policy *pol; /* borrowed; resolves market indexes */
    lc__arena arena;      /* account ids */
    double *marks;        /* per policy market; NaN if the portfolio gives none */
    double *oi;           /* per policy market: 'open_interest', its open notional; NaN
                             where not given; NULL when the portfolio gives none */
    lc__acct *accts;
    size_t n_accts, cap_accts;
    lc__pos *pos;
    size_t n_pos, cap_pos;
    double as_of;         /* 'as_of' as unix seconds, NaN if not given */
    const char *path;     /* the name it was loaded under */
    char sha256[LC__SHA256_HEX]; /* of the bytes it was loaded from */
};


#endif

/*
 * venue.h - importing a venue's published tier data (levcal import): each venue's reader
 * turns the JSON its public API returns into markets, and build.c writes them as a
 * policy. Readers never write text; the builder never reads JSON.
 */
#ifndef LC_VENUE_H
#define LC_VENUE_H

#include "base/base.h"
#include "gov/gov.h"
#include "syntax/node.h"

/* One input file: its name, bytes, digest and parsed tree. */
typedef struct lc__vfile {
    const char *name;
    char *buf;
    size_t len;
    char sha256[LC__SHA256_HEX];
    lc__node *root;
} lc__vfile;

/* A tier as the venue gives it: a cap (INFINITY for none), max leverage and maintenance
 * rate, as numbers and as the text to write (the venue's own decimal, when it is one). */
typedef struct lc__vtier {
    double cap, lev, mmr;
    char cap_s[40], lev_s[40], mmr_s[40];
    const lc__node *at_cap, *at_lev, *at_mmr; /* where the venue gives them (mmr may be
                                                 NULL: derived from the leverage) */
} lc__vtier;

typedef struct lc__vmarket {
    const char *name;          /* in the context's arena */
    lc__vtier *tiers;
    size_t n_tiers, cap_tiers;
    bool by_quantity;          /* tiers_by: quantity */
    char lot_s[40];            /* lot_size to write, or "" */
    bool oi_scheme;            /* margin: open_interest instead of tiers */
    char base_imf[40], mfrac[40], oi_lower[40], oi_upper[40];
} lc__vmarket;

typedef struct lc__vctx {
    lc__ld ld;                 /* the current file and the diagnostics */
    lc__arena arena;
    lc__vmarket *m;
    size_t n, cap;
    const char *const *want;   /* --market filter, or NULL for every market */
    size_t n_want;
    bool *seen;                /* per wanted market: found */
    double contract_size;      /* okx --contract-size, or NaN */
    lc_status rc;              /* LC_ENOMEM once out of memory */
} lc__vctx;

/* ==== build.c ============================================================ */

/* Whether market "name" is wanted (and marks it found). */
bool lc__v_wanted(lc__vctx *c, const char *name);

/* A new market "name" (copied), or NULL (out of memory: c->rc is set). */
lc__vmarket *lc__v_market(lc__vctx *c, const char *name);

/* Appends a tier after checking it as the policy loader will, against the market's
 * previous tier: an error at the venue's own field (in c->ld's file) rather than in the
 * policy text. False after an error or when out of memory. */
bool lc__v_tier(lc__vctx *c, lc__vmarket *m, const lc__vtier *t);

/* The number a node holds, as JSON number or a string of one (Bybit and OKX send
 * strings): into *x and its text into "text" (at most 40 bytes) if given. An error at
 * the node's place otherwise, saying what the field is ("what"). */
bool lc__v_num(lc__vctx *c, const lc__node *n, const char *what, double *x, char *text);

/* Member "key" of object "obj", or NULL with an error naming it and what it is part of. */
const lc__node *lc__v_get(lc__vctx *c, const lc__node *obj, const char *key, const char *what);

/* Whether "n" is of "kind", with an error "expected WHAT" at its place if not. */
bool lc__v_expect(lc__vctx *c, const lc__node *n, lc__node_kind kind, const char *what);

/* "x" as the shortest decimal, or rounded to 12 significant digits first ("product":
 * a decimal times a decimal, whose binary rounding should not show). */
void lc__v_numtext(double x, bool product, char *out);

/* The policy text of the markets found: YAML that the loader reads. */
lc_status lc__v_write(const lc__vctx *c, const char *id, const char *owner, const char *desc,
                      lc__buf *out);

/* ==== The venues ========================================================= */

/* Each reads files[0..n) (already parsed) into c's markets; errors go to c->ld. */
void lc__import_binance(lc__vctx *c, lc__vfile *f, size_t n);
void lc__import_bybit(lc__vctx *c, lc__vfile *f, size_t n);
void lc__import_okx(lc__vctx *c, lc__vfile *f, size_t n);
void lc__import_hyperliquid(lc__vctx *c, lc__vfile *f, size_t n);
void lc__import_dydx(lc__vctx *c, lc__vfile *f, size_t n);

#endif

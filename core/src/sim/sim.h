/*
 * sim.h - backtests (and, to come, stress runs) over price histories.
 */
#ifndef LC_SIM_SIM_H
#define LC_SIM_SIM_H

#include "base/base.h"
#include "levcal/plugin.h"

/* A model's backtest: the window's forecasts and what the tests made of them. */
struct lc_backtest {
    char *model;
    char *history;
    lc_param *settings;     /* the model's parameters as used */
    size_t n_settings;
    int side;               /* +1 long, -1 short */
    double confidence, z;
    int refit;              /* days between refits of a model that updates */
    bool updates;           /* the model offered update (ABI 1.1) */
    size_t n;               /* forecasts (days tested) */
    int64_t *day;           /* per day tested: its date, return, forecast, exceedance */
    double *ret, *sigma;
    unsigned char *hit;
    size_t x;               /* exceedances */
    double expected;        /* n (1 - confidence) */
    size_t trans[4];        /* n00, n01, n10, n11 */
    double lr_pof, p_pof, lr_ind, p_ind, lr_cc, p_cc;
    bool accepted;
    size_t refits_failed;   /* refits that failed (the last good fit was held) */
    char first_failed[16];  /* the date of the first */
    char why_failed[256];   /* the last one's reason */
};

/* Kupiec's proportion-of-failures test of "x" exceedances in "n" days against rate "p":
 * the likelihood ratio and its chi-squared (1 df) p-value. */
void lc__kupiec(size_t n, size_t x, double p, double *lr, double *pv);

/* Christoffersen's independence test on transition counts n00, n01, n10, n11. */
void lc__christoffersen(const size_t t[4], double *lr, double *pv);

#endif

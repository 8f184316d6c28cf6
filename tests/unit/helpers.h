/*
 * helpers.h - loading policies and portfolios from strings in unit tests.
 */
#ifndef LC_TEST_HELPERS_H
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#define LC_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "levcal/levcal.h"

/* Loads a policy that must be valid; prints its diagnostics and fails otherwise. */
static inline lc_policy *policy_ok(const char *yaml)
{
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *p = NULL;
    lc_status rc = lc_policy_load_buffer("test.yaml", yaml, strlen(yaml), &p, &d);
    if (rc != LC_OK)
        lc_diags_print(&d, stderr);
    lc_diags_free(&d);
    assert_int_equal(rc, LC_OK);
    return p;
}

static inline lc_portfolio *portfolio_ok(const lc_policy *pol, const char *text)
{
    lc_diags d;
    lc_diags_init(&d);
    lc_portfolio *pf = NULL;
    lc_status rc = lc_portfolio_load_buffer(pol, "book", text, strlen(text), &pf, &d);
    if (rc != LC_OK)
        lc_diags_print(&d, stderr);
    lc_diags_free(&d);
    assert_int_equal(rc, LC_OK);
    return pf;
}

/* A policy, a portfolio and their report, from strings that must be valid. */
typedef struct evaluated {
    lc_policy *p;
    lc_portfolio *pf;
    lc_report *r;
} evaluated;

static inline evaluated eval_ok(const char *policy, const char *book)
{
    evaluated x;
    x.p = policy_ok(policy);
    x.pf = portfolio_ok(x.p, book);
    assert_int_equal(lc_evaluate(x.p, x.pf, &x.r), LC_OK);
    return x;
}

static inline void evaluated_free(evaluated *x)
{
    lc_report_free(x->r);
    lc_portfolio_free(x->pf);
    lc_policy_free(x->p);
}

/* Asserts |a - b| <= tol, printing both on failure. */
#define assert_near(a, b, tol)                                                                \
    do {                                                                                      \
        double a_ = (a), b_ = (b);                                                            \
        if (!(fabs(a_ - b_) <= (tol)))                                                        \
            fail_msg("%s = %.17g, expected %.17g (tolerance %g)", #a, a_, b_, (double)(tol)); \
    } while (0)

/* xorshift64*: a fixed sequence from a fixed seed, so that a failure reproduces. */
static inline uint64_t test_rand(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * UINT64_C(0x2545F4914F6CDD1D);
}

#endif

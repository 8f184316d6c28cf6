/*
 * test_plans.c - plans by property, over thousands of generated accounts: carrying out a
 * plan (recomputed here from the tiers, independently of the library's plan code) meets
 * its target exactly when the plan says so, and one lot less on the last position it
 * touched does not; for proportional plans, one step less does not.
 */
#include "plan_props.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng = 0x9E3779B97F4A7C15u;

static double uniform(void)
{
    return plan_uniform(&rng);
}

typedef plan_cfg cfg;

/* The figures of what remains of every position after "closed" (|qty| each). */
static void remaining(const lc_policy *p, const lc_position_result *pos, size_t n,
                      const double *closed, double *mm, double *notional)
{
    *mm = *notional = 0;
    for (size_t i = 0; i < n; i++) {
        double rem = fabs(pos[i].qty) - closed[i];
        if (!(rem > 1e-12))
            continue;
        size_t m = 0;
        while (strcmp(lc_policy_market_name(p, m), pos[i].market) != 0)
            m++;
        size_t nt;
        const lc_tier *t = lc_policy_tiers(p, m, &nt);
        double nn = rem * pos[i].mark;
        size_t k = lc_tier_find(t, nt, nn, NULL);
        *mm += nn * t[k].mmr - t[k].maintenance_amount;
        *notional += nn;
    }
}

typedef struct ctx {
    const cfg *c;
    const lc_policy *p;
} ctx;

static bool meets(const void *vx, const lc_position_result *pos, size_t n, const double *closed,
                  double equity, double slack)
{
    const ctx *x = vx;
    const cfg *c = x->c;
    double mm, notional, fee = 0;
    for (size_t i = 0; i < n; i++)
        fee += c->fee * closed[i] * pos[i].mark;
    remaining(x->p, pos, n, closed, &mm, &notional);
    double e = equity - fee;
    if (!(e > 0))
        return false;
    double t = c->x * (1 + slack);
    return c->target == 0 ? mm / e <= t : notional / e <= t;
}

static double lot_of(const char *market)
{
    return strcmp(market, "BTCUSDT") == 0 ? 0.001 : 0.01;
}

static void plans_meet_their_targets_minimally(void **state)
{
    (void)state;
    size_t checked = 0, met = 0;
    for (int iter = 0; iter < 800; iter++) {
        cfg c = plan_cfg_random(&rng);
        char pol[2048];
        snprintf(pol, sizeof pol,
                 "levcal: 1\npolicy: {id: gen, version: 1}\nmarkets:\n"
                 "  BTCUSDT:\n    lot_size: 0.001\n    tiers:\n"
                 "      - {cap: 50000, max_leverage: 50, mmr: 0.01}\n"
                 "      - {cap: 500000, max_leverage: 20, mmr: 0.025}\n"
                 "      - {cap: 5000000, max_leverage: 10, mmr: 0.05}\n"
                 "  ETHUSDT:\n    lot_size: 0.01\n    tiers:\n"
                 "      - {cap: 100000, max_leverage: 50, mmr: 0.01}\n"
                 "      - {cap: 1000000, max_leverage: 20, mmr: 0.02}\n");
        plan_cfg_section(pol + strlen(pol), sizeof pol - strlen(pol), &c);
        lc_policy *p = policy_ok(pol);
        char book[8192];
        int off = snprintf(book, sizeof book, "marks: {BTCUSDT: %.2f, ETHUSDT: %.2f}\naccounts:\n",
                           20000 + uniform() * 60000, 1000 + uniform() * 3000);
        for (int a = 0; a < 10; a++) {
            off += snprintf(book + off, sizeof book - (size_t)off,
                            "  - {id: a%d, collateral: %.2f, positions: [", a,
                            200 + uniform() * 20000);
            int np = 1 + (int)(uniform() * 2);
            bool first_btc = np == 2 || uniform() < 0.5;
            for (int k = 0; k < np; k++) {
                bool btc = k == 0 ? first_btc : false;
                double q = btc ? 0.001 * (1 + (int)(uniform() * 5000))
                               : 0.01 * (1 + (int)(uniform() * 20000));
                off += snprintf(book + off, sizeof book - (size_t)off,
                                "%s{market: %s, qty: %s%.3f, entry: %.2f}", k ? ", " : "",
                                btc ? "BTCUSDT" : "ETHUSDT", uniform() < 0.5 ? "-" : "", q,
                                (btc ? 50000 : 2500) * (0.8 + uniform() * 0.4));
            }
            off += snprintf(book + off, sizeof book - (size_t)off, "]}\n");
        }
        lc_diags d;
        lc_diags_init(&d);
        lc_portfolio *pf = NULL;
        if (lc_portfolio_load_buffer(p, "gen.yaml", book, strlen(book), &pf, &d) != LC_OK) {
            lc_diags_print(&d, stderr);
            fail_msg("the generated book does not load");
        }
        lc_diags_free(&d);
        lc_report *r;
        assert_int_equal(lc_evaluate(p, pf, &r), LC_OK);
        ctx x = {&c, p};
        plan_check k = {c.order, c.step, lot_of, meets, &x, 0};
        for (size_t i = 0; i < lc_report_account_count(r); i++) {
            const lc_account_result *a = lc_report_account(r, i);
            const lc_plan *pl = a->plan;
            /* Liquidations follow the (absent) liquidation block: close all. */
            if (!pl || pl->bankrupt || !(a->equity > 0) || strcmp(pl->rule, "cut") != 0)
                continue;
            plan_check_account(&k, a, lc_report_position(r, a->first_position), iter, &checked,
                               &met);
        }
        lc_report_free(r);
        lc_portfolio_free(pf);
        lc_policy_free(p);
    }
    print_message("plans checked: %zu, targets met: %zu\n", checked, met);
    assert_true(checked > 1000);
    assert_true(met > 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(plans_meet_their_targets_minimally)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

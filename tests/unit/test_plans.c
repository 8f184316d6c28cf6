/*
 * test_plans.c - plans by property, over thousands of generated accounts: carrying out a
 * plan (recomputed here from the tiers, independently of the library's plan code) meets
 * its target exactly when the plan says so, and one lot less on the last position it
 * touched does not; for proportional plans, one step less does not.
 */
#include "helpers.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng = 0x9E3779B97F4A7C15u;

static double uniform(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (double)((rng * 2685821657736338717u) >> 11) / 9007199254740992.0;
}

typedef struct cfg {
    int target;    /* 0 margin ratio, 1 leverage */
    double x, fee, step;
    const char *order;
} cfg;

static const char *const orders[] = {"largest_maintenance_margin_first", "largest_loss_first",
                                     "largest_notional_first", "proportional"};

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

static bool meets(const cfg *c, const lc_policy *p, const lc_position_result *pos, size_t n,
                  const double *closed, double equity)
{
    double mm, notional, fee = 0;
    for (size_t i = 0; i < n; i++)
        fee += c->fee * closed[i] * pos[i].mark;
    remaining(p, pos, n, closed, &mm, &notional);
    double e = equity - fee;
    if (!(e > 0))
        return false;
    return c->target == 0 ? mm / e <= c->x : notional / e <= c->x;
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
        cfg c = {uniform() < 0.5 ? 0 : 1, 0, uniform() < 0.3 ? 0 : uniform() * 0.01, 0.05,
                 orders[(int)(uniform() * 4) % 4]};
        c.x = c.target == 0 ? 0.2 + uniform() * 0.7 : 2 + uniform() * 15;
        /* The policy carries six decimals: so does the check. */
        c.x = round(c.x * 1e6) / 1e6;
        c.fee = round(c.fee * 1e6) / 1e6;
        char pol[2048];
        snprintf(pol, sizeof pol,
                 "levcal: 1\npolicy: {id: gen, version: 1}\nmarkets:\n"
                 "  BTCUSDT:\n    lot_size: 0.001\n    tiers:\n"
                 "      - {cap: 50000, max_leverage: 50, mmr: 0.01}\n"
                 "      - {cap: 500000, max_leverage: 20, mmr: 0.025}\n"
                 "      - {cap: 5000000, max_leverage: 10, mmr: 0.05}\n"
                 "  ETHUSDT:\n    lot_size: 0.01\n    tiers:\n"
                 "      - {cap: 100000, max_leverage: 50, mmr: 0.01}\n"
                 "      - {cap: 1000000, max_leverage: 20, mmr: 0.02}\n"
                 "deleveraging:\n  rules:\n"
                 "    - {name: cut, when: {equity: {gt: -1e300}}, action: deleverage, "
                 "target: {%s: %.6f}, fee_rate: %.6f, order: %s, step: %g}\n",
                 c.target == 0 ? "margin_ratio" : "leverage", c.x, c.fee, c.order, c.step);
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
        for (size_t i = 0; i < lc_report_account_count(r); i++) {
            const lc_account_result *a = lc_report_account(r, i);
            const lc_plan *pl = a->plan;
            /* Liquidations follow the (absent) liquidation block: close all. */
            if (!pl || pl->bankrupt || !(a->equity > 0) || strcmp(pl->rule, "cut") != 0)
                continue;
            const lc_position_result *pos = lc_report_position(r, a->first_position);
            size_t n = a->n_positions;
            double closed[4] = {0, 0, 0, 0};
            for (size_t k = 0; k < pl->n_closes; k++)
                for (size_t j = 0; j < n; j++)
                    if (strcmp(pos[j].market, pl->closes[k].market) == 0)
                        closed[j] = fabs(pl->closes[k].qty);
            bool ok = meets(&c, p, pos, n, closed, a->equity);
            if (ok != (pl->target_met != 0))
                fail_msg("account %zu round %d: the plan says target_met %d, recomputed %d",
                         i, iter, pl->target_met, ok);
            checked++;
            if (!ok || pl->n_closes == 0)
                continue;
            met++;
            if (strcmp(c.order, "proportional") == 0) {
                /* The smallest multiple of the step that meets the target, searched here
                 * on its own: its closes are the plan's, and one step less does not meet. */
                double want[4] = {0, 0, 0, 0}, prev[4] = {0, 0, 0, 0};
                bool found = false;
                for (int m = 1; m <= (int)ceil(1 / c.step - 1e-9) && !found; m++) {
                    double f = fmin(1, m * c.step);
                    memcpy(prev, want, sizeof want);
                    for (size_t j = 0; j < n; j++) {
                        double L = lot_of(pos[j].market), q = fabs(pos[j].qty);
                        double k = ceil(f * q / L - 1e-9);
                        want[j] = k * L >= q - 1e-12 ? q : k * L;
                    }
                    found = meets(&c, p, pos, n, want, a->equity);
                    if (found && m > 1 && meets(&c, p, pos, n, prev, a->equity))
                        fail_msg("account %zu round %d: one step less also meets", i, iter);
                }
                for (size_t j = 0; j < n; j++)
                    if (fabs(want[j] - closed[j]) > 1e-9)
                        fail_msg("account %zu round %d: %s closes %.6g, the smallest step closes "
                                 "%.6g", i, iter, pos[j].market, closed[j], want[j]);
                continue;
            }
            /* The last close, one lot less, does not meet the target. */
            const lc_close *last = &pl->closes[pl->n_closes - 1];
            for (size_t j = 0; j < n; j++) {
                if (strcmp(pos[j].market, last->market) != 0)
                    continue;
                double L = lot_of(pos[j].market);
                double lots = ceil(closed[j] / L - 1e-9);
                closed[j] = (lots - 1) * L;
                if (meets(&c, p, pos, n, closed, a->equity))
                    fail_msg("account %zu round %d: %s one lot less (%.6g) also meets the target "
                             "(%s %s %g, fee %g; position qty %.6g mark %g, equity %.10g, %zu "
                             "closes, %zu positions)",
                             i, iter, last->market, closed[j], c.order,
                             c.target ? "leverage" : "margin_ratio", c.x, c.fee, pos[j].qty,
                             pos[j].mark, a->equity, pl->n_closes, n);
            }
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

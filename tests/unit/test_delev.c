/*
 * test_delev.c - deleveraging rules and plans, against figures worked by hand (the
 * arithmetic is in the comments), for each order, step-down, proportional, a tier change
 * inside a plan, fees that stop a plan, bankruptcy, isolated plans and condition forms.
 */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>

/* BTC: 50x/1% to 50k, 20x/2.5% to 500k (cum 750), 10x/5%; lot 0.001.
 * ETH: 50x/1% to 100k, 20x/2% (cum 1000); lot 0.01. */
static const char *policy(const char *liquidation, const char *rules)
{
    static char buf[4096];
    snprintf(buf, sizeof buf,
             "levcal: 1\npolicy: {id: d, version: 1}\nmarkets:\n"
             "  BTCUSDT:\n    lot_size: 0.001\n    tiers:\n"
             "      - {cap: 50000, max_leverage: 50, mmr: 0.01}\n"
             "      - {cap: 500000, max_leverage: 20, mmr: 0.025}\n"
             "      - {cap: 5000000, max_leverage: 10, mmr: 0.05}\n"
             "  ETHUSDT:\n    lot_size: 0.01\n    tiers:\n"
             "      - {cap: 100000, max_leverage: 50, mmr: 0.01}\n"
             "      - {cap: 1000000, max_leverage: 20, mmr: 0.02}\n"
             "deleveraging:\n  liquidation: %s\n  rules:\n%s",
             liquidation, rules);
    return buf;
}

static const char liq[] = "{target: {margin_ratio: 0.5}, fee_rate: 0.005}";
static const char lev20[] = "    - {name: lev20, when: {leverage: {gt: 20}}, action: deleverage, "
                            "target: {leverage: 20}}\n";

static const lc_plan *plan_of(evaluated *x, size_t acct)
{
    const lc_plan *pl = lc_report_account(x->r, acct)->plan;
    assert_non_null(pl);
    return pl;
}

/* equity 3,000, 2 BTC at 50,000: leverage 33.3 > 20. Closing q at fee 0.5%:
 * 100,000 - 50,000 q <= 20 (3,000 - 250 q) <=> q >= 0.8889: 889 lots; 888 give 39,960 of
 * the 40,000 needed. After: equity 2,777.75, notional 55,550 (tier 2), MM 638.75. */
static void deleverage_to_leverage(void **state)
{
    (void)state;
    evaluated x = eval_ok(policy(liq, lev20), "marks: {BTCUSDT: 50000}\naccounts:\n"
                                              "  - {id: a, collateral: 3000, positions: [{market: BTCUSDT, qty: 2, entry: 50000}]}\n");
    const lc_account_result *a = lc_report_account(x.r, 0);
    assert_int_equal(a->status, LC_VERDICT_DELEVERAGE);
    const lc_plan *pl = plan_of(&x, 0);
    assert_string_equal(pl->rule, "lev20");
    assert_int_equal(pl->n_closes, 1);
    assert_near(pl->closes[0].qty, 0.889, 0);
    assert_near(pl->fee, 222.25, 1e-9);
    assert_near(pl->after.equity, 2777.75, 1e-9);
    assert_near(pl->after.notional, 55550, 1e-9);
    assert_near(pl->after.maintenance_margin, 638.75, 1e-9);
    assert_int_equal(pl->target_met, 1);
    assert_int_equal(pl->after.status, LC_VERDICT_OK);
    evaluated_free(&x);
}

/* equity 2,000 - 1,000 = 1,000 at mark 49,500; notional 99,000, MM 1,725: liquidate. In
 * tier 2 the target needs q >= 1.0999, beyond the tier (q <= 0.9899); in tier 1:
 * 990 - 495 q <= 0.5 (1,000 - 247.5 q) <=> q >= 1.31987: 1,320 lots. After: 0.68 BTC,
 * notional 33,660, MM 336.6, equity 1,000 - 326.7 = 673.3. Bankruptcy price: 49,500 -
 * 1,000 / 2 = 49,000. */
static void liquidation_changes_tier(void **state)
{
    (void)state;
    evaluated x = eval_ok(policy(liq, lev20), "marks: {BTCUSDT: 49500}\naccounts:\n"
                                              "  - {id: a, collateral: 2000, positions: [{market: BTCUSDT, qty: 2, entry: 50000}]}\n");
    const lc_account_result *a = lc_report_account(x.r, 0);
    assert_int_equal(a->status, LC_VERDICT_LIQUIDATE);
    const lc_plan *pl = plan_of(&x, 0);
    assert_string_equal(pl->rule, "maintenance");
    assert_near(pl->closes[0].qty, 1.32, 0);
    assert_near(pl->fee, 326.7, 1e-9);
    assert_near(pl->after.equity, 673.3, 1e-9);
    assert_near(pl->after.maintenance_margin, 336.6, 1e-9);
    assert_int_equal(pl->target_met, 1);
    assert_near(lc_report_position(x.r, 0)->bankruptcy_price, 49000, 1e-9);
    evaluated_free(&x);
}

/* equity 2,000 - 600 = 400 at mark 49,700: no partial close meets MR 0.5 (tier 1 needs
 * q >= 2.13), and closing both BTC costs 497 in fees, more than the equity: everything is
 * closed, the fee capped at 400, the target not met. */
static void fees_stop_a_plan(void **state)
{
    (void)state;
    evaluated x = eval_ok(policy(liq, lev20), "marks: {BTCUSDT: 49700}\naccounts:\n"
                                              "  - {id: a, collateral: 1000, positions: [{market: BTCUSDT, qty: 2, entry: 50000}]}\n");
    const lc_plan *pl = plan_of(&x, 0);
    assert_near(pl->closes[0].qty, 2, 0);
    assert_near(pl->fee, 400, 1e-9);
    assert_near(pl->after.equity, 0, 0);
    assert_int_equal(pl->target_met, 0);
    assert_int_equal(pl->bankrupt, 0);
    evaluated_free(&x);
}

/* equity 1,000 - 2,000 = -1,000: everything closed, no fee, shortfall 1,000. */
static void bankrupt(void **state)
{
    (void)state;
    evaluated x = eval_ok(policy(liq, lev20), "marks: {BTCUSDT: 50000}\naccounts:\n"
                                              "  - {id: a, collateral: 1000, positions: [{market: BTCUSDT, qty: 1, entry: 52000}]}\n");
    const lc_plan *pl = plan_of(&x, 0);
    assert_int_equal(pl->bankrupt, 1);
    assert_near(pl->shortfall, 1000, 0);
    assert_near(pl->fee, 0, 0);
    assert_near(pl->closes[0].qty, 1, 0);
    assert_near(pl->after.equity, 0, 0);
    assert_int_equal(pl->after.status, LC_VERDICT_OK);
    assert_true(isnan(lc_report_position(x.r, 0)->bankruptcy_price));
    evaluated_free(&x);
}

/* Positions of more lots than a double counts one by one (qty 10^20, lot 0.001: 10^23
 * lots). One tier, 50x/1%, no cum.
 * Bankrupt: equity 1,000 + 10^20 (50,000 - 52,000) < 0, so the whole position closes.
 * Deleverage: qty 10^20 at 50,000 (notional 5e24, upnl 0), collateral 2.2e23: leverage
 * 22.7 > 20, margin ratio 5e22 / 2.2e23 = 0.23, no liquidation. Closing q at fee 0.5%:
 * 5e24 - 50,000 q <= 20 (2.2e23 - 250 q) <=> q >= 6e23 / 45,000 = 1.3333e19, in lots
 * that are multiples of 0.001 (22,205 of them: 10^23 / 2^52 = 22,204.5). */
static void lots_past_two_to_the_52(void **state)
{
    (void)state;
    static const char pol[] =
        "levcal: 1\npolicy: {id: d, version: 1}\nmarkets:\n"
        "  BIG:\n    lot_size: 0.001\n    tiers:\n"
        "      - {cap: .inf, max_leverage: 50, mmr: 0.01}\n"
        "deleveraging:\n  liquidation: {target: {margin_ratio: 0.5}, fee_rate: 0.005}\n"
        "  rules:\n    - {name: lev20, when: {leverage: {gt: 20}}, action: deleverage, "
        "target: {leverage: 20}}\n";
    evaluated x = eval_ok(pol, "marks: {BIG: 50000}\naccounts:\n"
                               "  - {id: a, collateral: 1000, positions: [{market: BIG, qty: 1e20, entry: 52000}]}\n"
                               "  - {id: b, collateral: 2.2e23, positions: [{market: BIG, qty: 1e20, entry: 50000}]}\n");
    const lc_plan *pl = plan_of(&x, 0);
    assert_int_equal(pl->bankrupt, 1);
    assert_int_equal(pl->n_closes, 1);
    assert_true(pl->closes[0].qty == 1e20);
    pl = plan_of(&x, 1);
    assert_int_equal(pl->bankrupt, 0);
    assert_true(pl->target_met);
    double qmin = 6e23 / 45000;
    assert_true(pl->closes[0].qty >= qmin * (1 - 1e-12) && pl->closes[0].qty <= qmin * (1 + 1e-12));
    assert_true(pl->after.leverage <= 20 * (1 + 1e-12));
    evaluated_free(&x);
}

/* collateral 10,000; BTC 2 at 50,000 (MM 1,750, upnl 0), ETH 30 from 2,100 at 2,000
 * (MM 600, upnl -3,000): equity 7,000, notional 160,000, leverage 22.9.
 * BTC first: 160,000 - 50,000 q <= 20 (7,000 - 250 q) <=> q >= 0.4444: 0.445 BTC.
 * ETH first: 160,000 - 2,000 q <= 20 (7,000 - 10 q) <=> q >= 11.111: 11.12 ETH.
 * Proportional, step 0.1: f = 0.1 leaves leverage 144,000 / 6,920 = 20.8; f = 0.2 closes
 * 0.4 BTC and 6 ETH, 128,000 / 6,840 = 18.7. */
static void orders(void **state)
{
    (void)state;
    static const char book[] = "marks: {BTCUSDT: 50000, ETHUSDT: 2000}\naccounts:\n"
                               "  - {id: a, collateral: 10000, positions: [{market: BTCUSDT, qty: 2, entry: 50000},"
                               " {market: ETHUSDT, qty: 30, entry: 2100}]}\n";
    static const struct {
        const char *order;
        const char *first;
        double qty;
    } cases[] = {{"largest_maintenance_margin_first", "BTCUSDT", 0.445},
                 {"largest_loss_first", "ETHUSDT", 11.12},
                 {"largest_notional_first", "BTCUSDT", 0.445}};
    for (size_t i = 0; i < 3; i++) {
        char rules[512];
        snprintf(rules, sizeof rules,
                 "    - {name: lev20, when: {leverage: {gt: 20}}, action: deleverage, "
                 "target: {leverage: 20}, order: %s}\n", cases[i].order);
        evaluated x = eval_ok(policy(liq, rules), book);
        const lc_plan *pl = plan_of(&x, 0);
        assert_int_equal(pl->n_closes, 1);
        assert_string_equal(pl->closes[0].market, cases[i].first);
        assert_near(pl->closes[0].qty, cases[i].qty, 0);
        assert_string_equal(pl->order, cases[i].order);
        evaluated_free(&x);
    }
    evaluated x = eval_ok(policy(liq, "    - {name: lev20, when: {leverage: {gt: 20}}, "
                                      "action: deleverage, target: {leverage: 20}, "
                                      "order: proportional, step: 0.1}\n"),
                          book);
    const lc_plan *pl = plan_of(&x, 0);
    assert_int_equal(pl->n_closes, 2);
    assert_string_equal(pl->closes[0].market, "BTCUSDT"); /* by maintenance margin */
    assert_near(pl->closes[0].qty, 0.4, 0);
    assert_near(pl->closes[1].qty, 6, 0);
    assert_near(pl->fee, 160, 1e-9);
    evaluated_free(&x);
}

/* Step-down: 2 BTC at 50,000 sit in tier 2 (floor 50,000). The largest whole-lot size
 * strictly below the floor is 0.999 BTC (49,950): closing 1.001 leaves leverage
 * 49,950 / (3,000 - 250.25) = 18.2 <= 20, so that cut is the plan. */
static void step_down(void **state)
{
    (void)state;
    evaluated x = eval_ok(policy(liq, "    - {name: lev20, when: {leverage: {gt: 20}}, "
                                      "action: deleverage, target: {leverage: 20}, "
                                      "step_down_tiers: true}\n"),
                          "marks: {BTCUSDT: 50000}\naccounts:\n"
                 "  - {id: a, collateral: 3000, positions: [{market: BTCUSDT, qty: 2, entry: 50000}]}\n");
    const lc_plan *pl = plan_of(&x, 0);
    assert_string_equal(pl->order, "step_down_tiers");
    assert_near(pl->closes[0].qty, 1.001, 0);
    assert_near(pl->after.notional, 49950, 1e-9);
    assert_int_equal(pl->target_met, 1);
    evaluated_free(&x);
}

/* An isolated BTC long, margin 1,400, from 50,000 at 49,000: equity 400, MM 490,
 * liquidate. 490 - 490 q <= 0.5 (400 - 245 q) <=> q >= 0.78912: 0.79 BTC. Bankruptcy
 * price 49,000 - 400 = 48,600. The cross part (collateral 10,000, nothing open) is ok. */
static void isolated_plan(void **state)
{
    (void)state;
    evaluated x = eval_ok(policy(liq, lev20), "marks: {BTCUSDT: 49000}\naccounts:\n"
                                              "  - {id: a, collateral: 10000, positions: [{market: BTCUSDT, qty: 1, entry: 50000,"
                                              " isolated_margin: 1400}]}\n");
    const lc_account_result *a = lc_report_account(x.r, 0);
    const lc_position_result *p = lc_report_position(x.r, 0);
    assert_null(a->plan);
    assert_int_equal(p->status, LC_VERDICT_LIQUIDATE);
    assert_non_null(p->plan);
    assert_near(p->plan->closes[0].qty, 0.79, 0);
    assert_int_equal(p->plan->target_met, 1);
    assert_near(p->bankruptcy_price, 48600, 1e-9);
    assert_int_equal(a->status, LC_VERDICT_LIQUIDATE); /* through its isolated position */
    evaluated_free(&x);
}

/* Condition forms on one account: 2 BTC at 50,000 (notional 100,000, tier 2), collateral
 * 30,000: leverage 3.33, margin ratio 1,750 / 30,000 = 0.0583, available 25,000. */
static void condition_forms(void **state)
{
    (void)state;
    static const char rules[] =
        "    - {name: big-btc, when: {position: {market: BTCUSDT, notional: {gt: 50000}, tier: {gte: 2}}},"
        " action: reduce_only}\n"
        "    - {name: small-eth, when: {position: {market: ETHUSDT, notional: {gt: 0}}}, action: over_limit}\n"
        "    - {name: calm, when: {not: {leverage: {gt: 5}}}, action: margin_call}\n"
        "    - {name: both, when: {all: [{leverage: {gte: 3}}, {leverage: {lt: 4}}], available: {gt: 24999}},"
        " action: margin_call}\n"
        "    - {name: either, when: {any: [{equity: {lt: 0}}, {margin_ratio: {gt: 0.1}}]}, action: over_limit}\n";
    evaluated x = eval_ok(policy(liq, rules), "marks: {BTCUSDT: 50000}\naccounts:\n"
                                              "  - {id: a, collateral: 30000, positions: [{market: BTCUSDT, qty: 2, entry: 50000}]}\n");
    const lc_account_result *a = lc_report_account(x.r, 0);
    assert_int_equal(a->n_rules, 3);
    assert_string_equal(a->rules[0].name, "big-btc");
    assert_string_equal(a->rules[0].values[0].name, "BTCUSDT.notional");
    assert_near(a->rules[0].values[0].value, 100000, 0);
    assert_string_equal(a->rules[1].name, "calm");
    assert_string_equal(a->rules[2].name, "both");
    assert_string_equal(a->rules[2].condition, "all(leverage >= 3, leverage < 4) and available > 24999");
    assert_int_equal(a->status, LC_VERDICT_REDUCE_ONLY);
    evaluated_free(&x);
}

/* A script's deleverage hook: 2 BTC at 50,000 on 8,000 is 12.5x, above its 10. */
static void script_hook(void **state)
{
    (void)state;
    char pol[8192];
    snprintf(pol, sizeof pol, "%sscripts:\n  - %s/tests/data/scripts/delev_hook.lua\n",
             policy(liq, "    - {name: never, when: {equity: {lt: -1e300}}, action: margin_call}\n"),
             LC_TOP_DIR);
    evaluated x = eval_ok(pol, "marks: {BTCUSDT: 50000}\naccounts:\n"
                               "  - {id: a, collateral: 8000, positions: [{market: BTCUSDT, qty: 2, entry: 50000}]}\n"
                               "  - {id: b, collateral: 15000, positions: [{market: BTCUSDT, qty: 2, entry: 50000}]}\n");
    const lc_account_result *a = lc_report_account(x.r, 0), *b = lc_report_account(x.r, 1);
    assert_int_equal(a->status, LC_VERDICT_DELEVERAGE);
    assert_int_equal(a->n_findings, 1);
    assert_string_equal(a->findings[0].rule, "deleverage");
    assert_string_equal(a->findings[0].message, "leverage 12.5 above 10");
    assert_null(a->plan); /* plans carry out the policy's rules, not a script's wish */
    assert_int_equal(b->status, LC_VERDICT_MARGIN_CALL); /* 100,000 / 15,000 = 6.7x */
    evaluated_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deleverage_to_leverage), cmocka_unit_test(liquidation_changes_tier),
        cmocka_unit_test(fees_stop_a_plan),       cmocka_unit_test(bankrupt),
        cmocka_unit_test(orders),                 cmocka_unit_test(step_down),
        cmocka_unit_test(isolated_plan),          cmocka_unit_test(condition_forms),
        cmocka_unit_test(script_hook),            cmocka_unit_test(lots_past_two_to_the_52),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

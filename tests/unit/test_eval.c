/*
 * test_eval.c - margins, liquidation prices and statuses, against Binance's liquidation
 * calculator example and cases worked by hand.
 */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>

/* Binance's 2021 brackets (cap/mmr) with their leverages of the time. */
static const char binance_2021[] =
    "levcal: 1\n"
    "policy: {id: binance-2021, version: 1}\n"
    "markets:\n"
    "  BTCUSDT:\n"
    "    tiers:\n"
    "      - {cap: 50000,    max_leverage: 125, mmr: 0.004}\n"
    "      - {cap: 250000,   max_leverage: 100, mmr: 0.005}\n"
    "      - {cap: 1000000,  max_leverage: 50,  mmr: 0.01}\n"
    "      - {cap: 10000000, max_leverage: 20,  mmr: 0.025}\n"
    "      - {cap: 20000000, max_leverage: 10,  mmr: 0.05}\n"
    "      - {cap: 50000000, max_leverage: 5,   mmr: 0.10}\n"
    "  ETHUSDT:\n"
    "    tiers:\n"
    "      - {cap: 10000,    max_leverage: 100, mmr: 0.005}\n"
    "      - {cap: 100000,   max_leverage: 75,  mmr: 0.0065}\n"
    "      - {cap: 500000,   max_leverage: 50,  mmr: 0.01}\n"
    "      - {cap: 1000000,  max_leverage: 20,  mmr: 0.02}\n"
    "      - {cap: 2000000,  max_leverage: 10,  mmr: 0.05}\n"
    "      - {cap: 5000000,  max_leverage: 5,   mmr: 0.10}\n"
    "      - {cap: 10000000, max_leverage: 4,   mmr: 0.125}\n";

static const lc_position_result *find_pos(const lc_report *r, const char *acct,
                                          const char *market)
{
    for (size_t i = 0; i < lc_report_account_count(r); i++) {
        const lc_account_result *a = lc_report_account(r, i);
        if (strcmp(a->id, acct) != 0)
            continue;
        for (size_t j = 0; j < a->n_positions; j++) {
            const lc_position_result *p = lc_report_position(r, a->first_position + j);
            if (strcmp(p->market, market) == 0)
                return p;
        }
    }
    fail_msg("no position %s/%s", acct, market);
    return NULL;
}

static void binance_liquidation_example(void **state)
{
    (void)state;
    lc_policy *pol = policy_ok(binance_2021);
    lc_portfolio *pf = portfolio_ok(
        pol, "marks: {BTCUSDT: 31967.27, ETHUSDT: 1335.18}\n"
             "accounts:\n"
             "  - id: cross\n"
             "    collateral: 1535443.01\n"
             "    positions:\n"
             "      - {market: BTCUSDT, qty: 109.488, entry: 32481.98}\n"
             "      - {market: ETHUSDT, qty: 3683.979, entry: 1456.84}\n"
             "  - id: iso\n"
             "    collateral: 0\n"
             "    positions:\n"
             "      - {market: BTCUSDT, qty: 109.488, entry: 32481.98, isolated_margin: 1535443.01}\n"
             "      - {market: ETHUSDT, qty: 3683.979, entry: 1456.84, isolated_margin: 1535443.01}\n");
    lc_report *r;
    assert_int_equal(lc_evaluate(pol, pf, &r), LC_OK);

    const lc_position_result *btc = find_pos(r, "cross", "BTCUSDT");
    const lc_position_result *eth = find_pos(r, "cross", "ETHUSDT");
    /* The brackets Binance names: BTC 2.5% (cum 16,300), ETH 10% (cum 135,365). */
    assert_int_equal(btc->tier, 4);
    assert_near(btc->mmr, 0.025, 0);
    assert_near(btc->maintenance_amount, 16300, 1e-6);
    assert_int_equal(eth->tier, 6);
    assert_near(eth->maintenance_amount, 135365, 1e-6);
    /* Binance's published liquidation prices, to the cent. */
    assert_near(btc->liquidation_price, 26316.89, 0.005);
    assert_near(eth->liquidation_price, 1153.26, 0.005);
    assert_near(find_pos(r, "iso", "BTCUSDT")->liquidation_price, 18778.73, 0.005);
    assert_near(find_pos(r, "iso", "ETHUSDT")->liquidation_price, 1114.78, 0.005);
    lc_report_free(r);
    lc_portfolio_free(pf);
    lc_policy_free(pol);
}

/* Two tiers: under 100k at 20x/1%, then to 1M at 10x/2% (cum 1,000). */
static const char simple[] = "levcal: 1\npolicy: {id: simple, version: 1}\n"
                             "markets:\n  X:\n    tiers:\n"
                             "      - {cap: 100000, max_leverage: 20, mmr: 0.01}\n"
                             "      - {cap: 1000000, max_leverage: 10, mmr: 0.02}\n";

typedef struct worked {
    const char *book;
    lc_verdict status;
    lc_reason reason;
} worked;

static const lc_report *eval_one(lc_policy **pol, lc_portfolio **pf, lc_report **r,
                                 const char *book)
{
    *pol = policy_ok(simple);
    *pf = portfolio_ok(*pol, book);
    assert_int_equal(lc_evaluate(*pol, *pf, r), LC_OK);
    return *r;
}

static void statuses_by_hand(void **state)
{
    (void)state;
    static const worked cases[] = {
        /* N 50,000: MM 500, IM 2,500, equity 10,000 -> ok */
        {"{id: a, collateral: 10000, positions: [{market: X, qty: 1, entry: 50000}]}",
         LC_VERDICT_OK, LC_REASON_NONE},
        /* IM 2,500 > equity 2,000, MM 500 < 2,000 -> over_limit */
        {"{id: a, collateral: 2000, positions: [{market: X, qty: 1, entry: 50000}]}",
         LC_VERDICT_OVER_LIMIT, LC_REASON_NO_AVAILABLE},
        /* entry 50,600: equity 1,000 - 600 = 400 <= MM 500 -> liquidate */
        {"{id: a, collateral: 1000, positions: [{market: X, qty: 1, entry: 50600}]}",
         LC_VERDICT_LIQUIDATE, LC_REASON_MARGIN_RATIO},
        /* equity exactly 0 -> liquidate */
        {"{id: a, collateral: 600, positions: [{market: X, qty: 1, entry: 50600}]}",
         LC_VERDICT_LIQUIDATE, LC_REASON_NO_EQUITY},
        /* N 1,250,000 >= last cap 1M: plenty of margin, over the position limit */
        {"{id: a, collateral: 1000000, positions: [{market: X, qty: 25, entry: 50000}]}",
         LC_VERDICT_OVER_LIMIT, LC_REASON_POSITION_LIMIT},
        /* An isolated short with equity 100 - 100 = 0 drags the account to liquidate. */
        {"{id: a, collateral: 5000, positions: [{market: X, qty: -1, entry: 49900, "
         "isolated_margin: 100}]}",
         LC_VERDICT_LIQUIDATE, LC_REASON_ISOLATED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char book[512];
        snprintf(book, sizeof book, "marks: {X: 50000}\naccounts: [%s]\n", cases[i].book);
        lc_policy *pol;
        lc_portfolio *pf;
        lc_report *r;
        eval_one(&pol, &pf, &r, book);
        const lc_account_result *a = lc_report_account(r, 0);
        if (a->status != cases[i].status || a->reason != cases[i].reason)
            fail_msg("case %zu: status %s reason %d, expected %s reason %d", i,
                     lc_verdict_name(a->status), a->reason, lc_verdict_name(cases[i].status),
                     cases[i].reason);
        lc_report_free(r);
        lc_portfolio_free(pf);
        lc_policy_free(pol);
    }
}

static void account_sums_by_hand(void **state)
{
    (void)state;
    lc_policy *pol;
    lc_portfolio *pf;
    lc_report *r;
    /* Long 1 @ 50,000 at mark 50,000, collateral 10,000, plus an isolated long that
     * stays out of the sums. */
    eval_one(&pol, &pf, &r,
             "marks: {X: 50000}\naccounts:\n"
             "  - id: a\n    collateral: 10000\n    positions:\n"
             "      - {market: X, qty: 1, entry: 50000}\n");
    const lc_account_result *a = lc_report_account(r, 0);
    assert_near(a->equity, 10000, 0);
    assert_near(a->notional, 50000, 0);
    assert_near(a->maintenance_margin, 500, 1e-9);
    assert_near(a->initial_margin, 2500, 1e-9);
    assert_near(a->available, 7500, 1e-9);
    assert_near(a->margin_ratio, 0.05, 1e-15);
    assert_near(a->leverage, 5, 1e-15);
    /* LP = (10,000 - 50,000) / (0.01 - 1) = 40,404.0404... */
    assert_near(lc_report_position(r, 0)->liquidation_price, 40000 / 0.99, 1e-8);
    lc_report_free(r);
    lc_portfolio_free(pf);
    lc_policy_free(pol);
}

static void liquidation_price_crosses_tiers(void **state)
{
    (void)state;
    lc_policy *pol;
    lc_portfolio *pf;
    lc_report *r;
    /* 15 @ 50,000: N 750,000 in tier 2. With tier 2's rate the price would be
     * 49,000/14.7 = 3,333.33, whose notional 50,000 is in tier 1; tier 1 gives
     * 50,000/14.85 = 3,367.0034, notional 50,505 - tier 1 again: that is the answer.
     * Check: equity 700,000 + 15*(3,367.0034 - 50,000) = 505.05 = MM 15*3,367.0034*1%. */
    eval_one(&pol, &pf, &r,
             "marks: {X: 50000}\naccounts: [{id: a, collateral: 700000, "
             "positions: [{market: X, qty: 15, entry: 50000}]}]\n");
    const lc_position_result *p = lc_report_position(r, 0);
    assert_int_equal(p->tier, 2);
    assert_near(p->liquidation_price, 50000 / 14.85, 1e-8);
    lc_report_free(r);
    lc_portfolio_free(pf);
    lc_policy_free(pol);
}

static void no_liquidation_price(void **state)
{
    (void)state;
    lc_policy *pol;
    lc_portfolio *pf;
    lc_report *r;
    /* Collateral above the notional: a long cannot be liquidated at any price > 0. */
    eval_one(&pol, &pf, &r,
             "marks: {X: 50000}\naccounts: [{id: a, collateral: 100000, "
             "positions: [{market: X, qty: 1, entry: 50000}]}]\n");
    assert_true(isnan(lc_report_position(r, 0)->liquidation_price));
    lc_report_free(r);
    lc_portfolio_free(pf);
    lc_policy_free(pol);
}

static void short_liquidation_price(void **state)
{
    (void)state;
    lc_policy *pol;
    lc_portfolio *pf;
    lc_report *r;
    /* Short 1 @ 50,000, collateral 5,000: LP = (5,000 + 50,000) / (0.01 + 1) = 54,455.45;
     * there equity 5,000 - 4,455.45 = 544.55 = MM 1%. */
    eval_one(&pol, &pf, &r,
             "marks: {X: 50000}\naccounts: [{id: a, collateral: 5000, "
             "positions: [{market: X, qty: -1, entry: 50000}]}]\n");
    assert_near(lc_report_position(r, 0)->liquidation_price, 55000 / 1.01, 1e-8);
    assert_near(lc_report_position(r, 0)->upnl, 0, 0);
    lc_report_free(r);
    lc_portfolio_free(pf);
    lc_policy_free(pol);
}

static void evaluate_into_reuses(void **state)
{
    (void)state;
    lc_policy *pol;
    lc_portfolio *pf;
    lc_report *r;
    eval_one(&pol, &pf, &r,
             "marks: {X: 50000}\naccounts: [{id: a, collateral: 10000, "
             "positions: [{market: X, qty: 1, entry: 50000}]}]\n");
    assert_int_equal(lc_evaluate_into(pol, pf, r), LC_OK);
    assert_near(lc_report_account(r, 0)->equity, 10000, 0);
    assert_null(lc_report_account(r, 1));
    assert_null(lc_report_position(r, 1));
    lc_report_free(r);
    lc_portfolio_free(pf);
    lc_policy_free(pol);
}

static char *capture(lc_status (*write)(const void *, const void *, lc_format, FILE *),
                     const void *a, const void *b, lc_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(write(a, b, fmt, f), LC_OK);
    fclose(f);
    return buf;
}

static lc_status via_report(const void *r, const void *unused, lc_format fmt, FILE *f)
{
    (void)unused;
    return lc_report_write(r, fmt, f);
}

static lc_status via_stream(const void *pol, const void *pf, lc_format fmt, FILE *f)
{
    return lc_evaluate_write(pol, pf, fmt, f, NULL);
}

static void streamed_report_matches(void **state)
{
    (void)state;
    lc_policy *pol = policy_ok(binance_2021);
    lc_portfolio *pf = portfolio_ok(
        pol, "marks: {BTCUSDT: 31967.27, ETHUSDT: 1335.18}\n"
             "accounts:\n"
             "  - {id: a, collateral: 1535443.01, positions: [{market: BTCUSDT, qty: 109.488, "
             "entry: 32481.98}, {market: ETHUSDT, qty: 3683.979, entry: 1456.84}]}\n"
             "  - {id: b, collateral: 10, positions: [{market: ETHUSDT, qty: -1, entry: 1300, "
             "isolated_margin: 20}]}\n"
             "  - {id: c, collateral: 0}\n");
    lc_report *r;
    assert_int_equal(lc_evaluate(pol, pf, &r), LC_OK);
    for (int fmt = LC_FORMAT_JSON; fmt <= LC_FORMAT_TABLE; fmt++) {
        char *a = capture(via_report, r, NULL, (lc_format)fmt);
        char *b = capture(via_stream, pol, pf, (lc_format)fmt);
        assert_string_equal(a, b);
        assert_true(strlen(a) > 100);
        free(a);
        free(b);
    }
    lc_report_free(r);
    lc_portfolio_free(pf);
    lc_policy_free(pol);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(binance_liquidation_example),
        cmocka_unit_test(statuses_by_hand),
        cmocka_unit_test(account_sums_by_hand),
        cmocka_unit_test(liquidation_price_crosses_tiers),
        cmocka_unit_test(no_liquidation_price),
        cmocka_unit_test(short_liquidation_price),
        cmocka_unit_test(evaluate_into_reuses),
        cmocka_unit_test(streamed_report_matches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

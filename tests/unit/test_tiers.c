/*
 * test_tiers.c - tier lookup and maintenance margin against Binance's published figures.
 */
#include "helpers.h"

/* The policy file of the core issue, verbatim: it must load and keep loading. */
static const char binance_2024[] =
    "levcal: 1                       # format version; anything else is refused\n"
    "policy:\n"
    "  id: binance-usdm-2024-10\n"
    "  version: 1\n"
    "  owner: risk@example.com\n"
    "  description: Binance USD-M notional brackets, snapshot 2024-10-24\n"
    "markets:\n"
    "  BTCUSDT:\n"
    "    tiers:                      # notional brackets, ascending\n"
    "      - {cap: 50000,      max_leverage: 125, mmr: 0.004}\n"
    "      - {cap: 600000,     max_leverage: 100, mmr: 0.005}\n"
    "      - {cap: 3000000,    max_leverage: 75,  mmr: 0.0065}\n"
    "      - {cap: 12000000,   max_leverage: 50,  mmr: 0.01}\n"
    "      - {cap: 70000000,   max_leverage: 25,  mmr: 0.02}\n"
    "      - {cap: 100000000,  max_leverage: 20,  mmr: 0.025}\n"
    "      - {cap: 230000000,  max_leverage: 10,  mmr: 0.05}\n"
    "      - {cap: 480000000,  max_leverage: 5,   mmr: 0.10}\n"
    "      - {cap: 600000000,  max_leverage: 4,   mmr: 0.125}\n"
    "      - {cap: 800000000,  max_leverage: 3,   mmr: 0.15}\n"
    "      - {cap: 1200000000, max_leverage: 2,   mmr: 0.25}\n"
    "      - {cap: 1800000000, max_leverage: 1,   mmr: 0.50, maintenance_amount: 421481450}\n";

static double mm_at(const lc_tier *t, size_t n, double notional)
{
    size_t i = lc_tier_find(t, n, notional, NULL);
    return notional * t[i].mmr - t[i].maintenance_amount;
}

static void binance_2024_maintenance_margins(void **state)
{
    (void)state;
    lc_policy *p = policy_ok(binance_2024);
    assert_string_equal(lc_policy_id(p), "binance-usdm-2024-10");
    assert_int_equal(lc_policy_version(p), 1);
    size_t n;
    const lc_tier *t = lc_policy_tiers(p, 0, &n);
    assert_int_equal(n, 12);
    /* Binance's published MM at these notionals (USD-M BTCUSDT, 2024-10 table). */
    static const double notional[] = {10e3, 50e3, 600e3, 1e6, 3e6, 12e6, 100e6, 500e6, 1.2e9};
    static const double expected[] = {40,       200,        2950,       5550,       18550,
                                      108550,   2018550,    36018550,   178518550};
    for (size_t i = 0; i < 9; i++)
        assert_near(mm_at(t, n, notional[i]), expected[i], 1e-6);
    /* The given last maintenance_amount is the derived one. */
    assert_near(t[11].maintenance_amount, 421481450, 1e-6);
    lc_policy_free(p);
}

static void binance_2021_level3_maintenance_amount(void **state)
{
    (void)state;
    lc_policy *p = policy_ok("levcal: 1\npolicy: {id: b2021, version: 1}\n"
                             "markets:\n  BTCUSDT:\n    tiers:\n"
                             "      - {cap: 50000, max_leverage: 125, mmr: 0.004}\n"
                             "      - {cap: 250000, max_leverage: 100, mmr: 0.005}\n"
                             "      - {cap: 1000000, max_leverage: 50, mmr: 0.01}\n");
    size_t n;
    const lc_tier *t = lc_policy_tiers(p, 0, &n);
    assert_near(t[0].maintenance_amount, 0, 0);
    assert_near(t[1].maintenance_amount, 50, 1e-9);
    assert_near(t[2].maintenance_amount, 1300, 1e-9); /* Binance's published level 3 */
    lc_policy_free(p);
}

static void tier_boundaries(void **state)
{
    (void)state;
    lc_tier t[3] = {{100, 10, 0.01, 0}, {200, 5, 0.02, 1}, {300, 2, 0.05, 7}};
    int over = -1;
    assert_int_equal(lc_tier_find(t, 3, 0, &over), 0);
    assert_int_equal(over, 0);
    assert_int_equal(lc_tier_find(t, 3, 99.999, &over), 0);
    /* A notional exactly at a cap belongs to the next tier. */
    assert_int_equal(lc_tier_find(t, 3, 100, &over), 1);
    assert_int_equal(lc_tier_find(t, 3, 299.99, &over), 2);
    assert_int_equal(over, 0);
    /* At or above the last cap: over the position limit, last tier's figures. */
    assert_int_equal(lc_tier_find(t, 3, 300, &over), 2);
    assert_int_equal(over, 1);
    assert_int_equal(lc_tier_find(t, 3, 1e12, &over), 2);
    assert_int_equal(over, 1);
}

static void shipped_hyperliquid(void **state)
{
    (void)state;
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *p = NULL;
    assert_int_equal(lc_policy_load(LC_TOP_DIR "/policies/hyperliquid.yaml", &p, &d), LC_OK);
    size_t n;
    const lc_tier *btc = lc_policy_tiers(p, 0, &n);
    assert_int_equal(n, 2);
    /* 200M of BTC: 150M at 1.25% plus 50M at 2.5% = 1.875M + 1.25M. */
    assert_near(mm_at(btc, n, 200e6), 3.125e6, 1e-6);
    /* Just under 150M: 40x, so initial margin is 1/40 of the notional. */
    assert_int_equal(lc_tier_find(btc, n, 149999999, NULL), 0);
    assert_near(btc[0].max_leverage, 40, 0);
    assert_near(btc[1].max_leverage, 20, 0);
    lc_policy_free(p);
    lc_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(binance_2024_maintenance_margins),
        cmocka_unit_test(binance_2021_level3_maintenance_amount),
        cmocka_unit_test(tier_boundaries),
        cmocka_unit_test(shipped_hyperliquid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

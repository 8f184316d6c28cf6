/*
 * test_adl.c - auto-deleveraging scores against the vectors each exchange publishes, and
 * ranks, indicators and eligibility.
 */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>

static char *adl_json(const char *ranking, const char *book, const char *market)
{
    char pol[1024];
    snprintf(pol, sizeof pol,
             "levcal: 1\npolicy: {id: adl, version: 1}\n%s"
             "markets:\n  X:\n    lot_size: 0.001\n    tiers: [{cap: 10000000, max_leverage: 20, mmr: 0.01}]\n"
             "  Y:\n    lot_size: 0.001\n    tiers: [{cap: 10000000, max_leverage: 20, mmr: 0.01}]\n"
             "deleveraging:\n  adl: {ranking: \"%s\"}\n",
             strncmp(ranking, "script:", 7) == 0
                 ? "scripts:\n  - " LC_TOP_DIR "/tests/data/scripts/adl_by_qty.lua\n"
                 : "",
             ranking);
    lc_policy *p = policy_ok(pol);
    lc_portfolio *pf = portfolio_ok(p, book);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    lc_adl_options o = LC_ADL_OPTIONS_INIT;
    o.market = market;
    assert_int_equal(lc_adl_write(p, pf, &o, LC_FORMAT_JSON, f, NULL), LC_OK);
    fclose(f);
    lc_portfolio_free(pf);
    lc_policy_free(p);
    return buf;
}

static double score_in(const char *json, const char *account)
{
    char key[64];
    snprintf(key, sizeof key, "\"account\":\"%s\"", account);
    const char *at = strstr(json, key);
    assert_non_null(at);
    const char *s = strstr(at, "\"score\":");
    assert_non_null(s);
    return strtod(s + 8, NULL);
}

/* BitMEX: a long with entry value 10,000 and mark value 11,000 on equity 1,900: pnl 10%,
 * effective leverage 11,000 / 1,900: 0.1 * 5.7895 = 0.5789. */
static void bitmex_vector(void **state)
{
    (void)state;
    char *js = adl_json("bitmex", "marks: {X: 11000}\naccounts:\n"
                                  "  - {id: a, collateral: 900, positions: [{market: X, qty: 1, entry: 10000}]}\n",
                        NULL);
    assert_near(score_in(js, "a"), 0.5789, 0.00005);
    free(js);
}

/* Binance: wallet 1,000, upnl 500, maintenance margin 60 (6,000 at 1%): margin ratio
 * 60 / 1,500 = 0.04, and 500 / 1,000 * 0.04 = 0.02. */
static void binance_vector(void **state)
{
    (void)state;
    char *js = adl_json("binance", "marks: {X: 6000}\naccounts:\n"
                                   "  - {id: a, collateral: 1000, positions: [{market: X, qty: 1, entry: 5500}]}\n",
                        NULL);
    assert_near(score_in(js, "a"), 0.02, 1e-12);
    free(js);
}

/* Hyperliquid: mark / entry 1.1 and notional / equity 5 (55,000 on 11,000): 5.5. */
static void hyperliquid_vector(void **state)
{
    (void)state;
    char *js = adl_json("hyperliquid", "marks: {X: 11000}\naccounts:\n"
                                       "  - {id: a, collateral: 6000, positions: [{market: X, qty: 5, entry: 10000}]}\n",
                        NULL);
    assert_near(score_in(js, "a"), 5.5, 1e-12);
    free(js);
}

/* Five longs ranked by a script (size): ranks 1..5, indicators 5, 4, 3, 2, 1; ties by
 * account id; an account without equity is not in the queue; shorts queue apart. */
static void ranks_and_indicators(void **state)
{
    (void)state;
    char *js = adl_json("script:adl_by_qty",
                        "marks: {X: 100, Y: 100}\naccounts:\n"
                        "  - {id: e, collateral: 1000, positions: [{market: X, qty: 1, entry: 100}]}\n"
                        "  - {id: d, collateral: 1000, positions: [{market: X, qty: 2, entry: 100}]}\n"
                        "  - {id: c, collateral: 1000, positions: [{market: X, qty: 3, entry: 100}]}\n"
                        "  - {id: b, collateral: 1000, positions: [{market: X, qty: 3, entry: 100}]}\n"
                        "  - {id: a, collateral: 1000, positions: [{market: X, qty: 5, entry: 100}]}\n"
                        "  - {id: z, collateral: 1, positions: [{market: X, qty: 9, entry: 200}]}\n"
                        "  - {id: s, collateral: 1000, positions: [{market: Y, qty: -1, entry: 100}]}\n",
                        "X");
    const char *want = "\"positions\":[{\"account\":\"a\",\"qty\":5,\"score\":5,\"rank\":1,\"indicator\":5},"
                       "{\"account\":\"b\",\"qty\":3,\"score\":3,\"rank\":2,\"indicator\":4},"
                       "{\"account\":\"c\",\"qty\":3,\"score\":3,\"rank\":3,\"indicator\":3},"
                       "{\"account\":\"d\",\"qty\":2,\"score\":2,\"rank\":4,\"indicator\":2},"
                       "{\"account\":\"e\",\"qty\":1,\"score\":1,\"rank\":5,\"indicator\":1}]";
    if (!strstr(js, want))
        fail_msg("got %s", js);
    assert_null(strstr(js, "\"account\":\"z\""));
    assert_null(strstr(js, "\"market\":\"Y\""));
    free(js);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bitmex_vector),     cmocka_unit_test(binance_vector),
        cmocka_unit_test(hyperliquid_vector), cmocka_unit_test(ranks_and_indicators),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

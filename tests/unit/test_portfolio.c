/*
 * test_portfolio.c - portfolio loading: YAML and JSON alike, and refusals.
 */
#include "helpers.h"

static const char policy[] = "levcal: 1\npolicy: {id: p, version: 1}\n"
                             "markets:\n"
                             "  BTCUSDT: {tiers: [{cap: 1000000, max_leverage: 20, mmr: 0.01}]}\n"
                             "  ETHUSDT: {tiers: [{cap: 1000000, max_leverage: 20, mmr: 0.01}]}\n";

static void yaml_and_json_agree(void **state)
{
    (void)state;
    lc_policy *pol = policy_ok(policy);
    lc_portfolio *y = portfolio_ok(
        pol, "marks: {BTCUSDT: 62000, ETHUSDT: 3100}\n"
             "accounts:\n"
             "  - id: alice\n"
             "    collateral: 10000\n"
             "    positions:\n"
             "      - {market: BTCUSDT, qty: 0.5, entry: 60000}\n"
             "      - {market: ETHUSDT, qty: -3, entry: 3200, isolated_margin: 500}\n"
             "  - {id: bob, collateral: 1}\n");
    /* The same book in JSON, accounts first and keys reordered. */
    lc_portfolio *j = portfolio_ok(
        pol, "{\"accounts\": [{\"positions\": [{\"qty\": 0.5, \"market\": \"BTCUSDT\", "
             "\"entry\": 60000}, {\"market\": \"ETHUSDT\", \"qty\": -3, \"entry\": 3200, "
             "\"isolated_margin\": 500}], \"id\": \"alice\", \"collateral\": 1e4},"
             " {\"id\": \"bob\", \"collateral\": 1, \"positions\": []}],"
             " \"marks\": {\"ETHUSDT\": 3100, \"BTCUSDT\": 62000}}");
    assert_int_equal(lc_portfolio_account_count(y), 2);
    assert_int_equal(lc_portfolio_position_count(y), 2);
    assert_int_equal(lc_portfolio_account_count(j), 2);
    assert_int_equal(lc_portfolio_position_count(j), 2);
    lc_report *ry, *rj;
    assert_int_equal(lc_evaluate(pol, y, &ry), LC_OK);
    assert_int_equal(lc_evaluate(pol, j, &rj), LC_OK);
    for (size_t i = 0; i < 2; i++) {
        const lc_position_result *a = lc_report_position(ry, i), *b = lc_report_position(rj, i);
        assert_string_equal(a->market, b->market);
        assert_true(a->qty == b->qty && a->entry == b->entry && a->mark == b->mark);
        assert_int_equal(a->isolated, b->isolated);
    }
    /* alice: cross upnl 0.5 * 2,000 = 1,000; isolated short upnl -3 * -100 = 300. */
    const lc_account_result *alice = lc_report_account(ry, 0);
    assert_string_equal(alice->id, "alice");
    assert_near(alice->equity, 11000, 0);
    assert_near(lc_report_position(ry, 1)->equity, 800, 0);
    assert_string_equal(lc_report_account(rj, 1)->id, "bob");
    lc_report_free(ry);
    lc_report_free(rj);
    lc_portfolio_free(y);
    lc_portfolio_free(j);
    lc_policy_free(pol);
}

static void yaml_flow_document_is_not_json(void **state)
{
    (void)state;
    lc_policy *pol = policy_ok(policy);
    /* Opens with '{' but is YAML flow style: the JSON scan fails, YAML reads it. */
    lc_portfolio *pf = portfolio_ok(pol, "{marks: {BTCUSDT: 1}, accounts: []}");
    assert_int_equal(lc_portfolio_account_count(pf), 0);
    lc_portfolio_free(pf);
    lc_policy_free(pol);
}

static void refuses_whole_portfolio(void **state)
{
    (void)state;
    lc_policy *pol = policy_ok(policy);
    const char *book = "marks: {BTCUSDT: 62000}\n"
                       "accounts:\n"
                       "  - {id: a, collateral: 1, positions: [{market: BTCUSDT, qty: 1, entry: 1}]}\n"
                       "  - {id: a, collateral: .nan}\n"
                       "  - {id: b, collateral: 1, positions: [{market: ETHUSDT, qty: 1, entry: 1}]}\n";
    lc_diags d;
    lc_diags_init(&d);
    lc_portfolio *pf = (lc_portfolio *)1;
    assert_int_equal(lc_portfolio_load_buffer(pol, "book.yaml", book, strlen(book), &pf, &d),
                     LC_EINPUT);
    assert_null(pf);
    /* duplicate id, non-finite collateral, missing ETHUSDT mark */
    assert_int_equal(d.n_errors, 3);
    lc_diags_free(&d);
    lc_policy_free(pol);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(yaml_and_json_agree),
        cmocka_unit_test(yaml_flow_document_is_not_json),
        cmocka_unit_test(refuses_whole_portfolio),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

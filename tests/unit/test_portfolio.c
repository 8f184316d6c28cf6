/*
 * test_portfolio.c - portfolio loading: YAML and JSON alike, and refusals.
 */
#include "helpers.h"

#include <stdlib.h>

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
    /* YAML flow style opens with '{': read as YAML by name or by asking, never by a second
     * try after the strict JSON parser refused it. */
    const char *flow = "{marks: {BTCUSDT: 1}, accounts: []}";
    lc_portfolio *pf = NULL;
    assert_int_equal(lc_portfolio_load_buffer_as(pol, "book.yml", flow, strlen(flow),
                                                 LC_INPUT_AUTO, &pf, NULL), LC_OK);
    assert_int_equal(lc_portfolio_account_count(pf), 0);
    lc_portfolio_free(pf);
    assert_int_equal(lc_portfolio_load_buffer_as(pol, "book", flow, strlen(flow),
                                                 LC_INPUT_YAML, &pf, NULL), LC_OK);
    lc_portfolio_free(pf);
    lc_diags d;
    lc_diags_init(&d);
    assert_int_equal(lc_portfolio_load_buffer(pol, "book", flow, strlen(flow), &pf, &d),
                     LC_EINPUT);
    assert_non_null(strstr(d.head->msg, "invalid JSON:"));
    assert_non_null(strstr(d.tail->msg, "YAML flow style needs a .yaml name or the YAML input format"));
    lc_diags_free(&d);
    /* Not JSON: trailing commas, single quotes, unquoted keys. */
    static const char *const lax[] = {
        "{\"marks\": {\"BTCUSDT\": 1}, \"accounts\": [],}",
        "{'marks': {\"BTCUSDT\": 1}, \"accounts\": []}",
        "{marks: {\"BTCUSDT\": 1}, \"accounts\": []}",
    };
    for (size_t i = 0; i < 3; i++) {
        lc_diags_init(&d);
        assert_int_equal(lc_portfolio_load_buffer(pol, "book.json", lax[i], strlen(lax[i]), &pf,
                                                  &d), LC_EINPUT);
        assert_non_null(strstr(d.head->msg, "invalid JSON:"));
        lc_diags_free(&d);
    }
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

/* 100,000 levels of '[' under a key are refused at the 65th level, by either parser, in
 * one pass (the loader skips the value it does not want, meeting the limit there). */
static void deep_nesting_refused(void **state)
{
    (void)state;
    lc_policy *pol = policy_ok(policy);
    size_t n = 100000;
    static const char *const names[] = {"deep.json", "deep.yaml"};
    static const char *const prefix[] = {"{\"marks\": ", "{marks: "};
    static const char *const want[] = {"invalid JSON: nesting deeper than 64 levels",
                                       "invalid YAML: nesting deeper than 64 levels"};
    for (size_t i = 0; i < 2; i++) {
        size_t pl = strlen(prefix[i]);
        char *deep = malloc(pl + n + 1);
        assert_non_null(deep);
        memcpy(deep, prefix[i], pl);
        memset(deep + pl, '[', n);
        deep[pl + n] = '\0';
        lc_diags d;
        lc_diags_init(&d);
        lc_portfolio *pf = NULL;
        lc_status rc = lc_portfolio_load_buffer(pol, names[i], deep, pl + n, &pf, &d);
        free(deep);
        assert_int_equal(rc, LC_EINPUT);
        assert_null(pf);
        const lc_diag *hit = NULL;
        for (const lc_diag *r = d.head; r; r = r->next)
            if (strcmp(r->msg, want[i]) == 0)
                hit = r;
        if (!hit) {
            fail_msg("no diagnostic '%s'", want[i]);
            return;
        }
        /* The mapping is level 1: the 64th '[' opens level 65. */
        assert_int_equal(hit->line, 1);
        assert_int_equal(hit->col, pl + 64);
        lc_diags_free(&d);
    }
    lc_policy_free(pol);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deep_nesting_refused),
        cmocka_unit_test(yaml_and_json_agree),
        cmocka_unit_test(yaml_flow_document_is_not_json),
        cmocka_unit_test(refuses_whole_portfolio),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

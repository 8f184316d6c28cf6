/*
 * test_api.c - contracts of the public header: caller-allocated structs carry their size,
 * and too small a size is refused; the version has one source.
 */
#include "helpers.h"

#include <stdbool.h>
#include <stdio.h>

static const char policy[] = "levcal: 1\npolicy: {id: api, version: 1}\nmarkets:\n"
                             "  X: {tiers: [{cap: 1000000, max_leverage: 20, mmr: 0.01}]}\n";
static const char book[] = "marks: {X: 100}\naccounts:\n"
                           "  - {id: a, collateral: 100, positions: [{market: X, qty: 1, entry: 100}]}\n";

static void sizes_are_checked(void **state)
{
    (void)state;
    lc_policy *p = policy_ok(policy);
    lc_portfolio *pf = portfolio_ok(p, book);
    FILE *sink = fopen("/dev/null", "w");
    assert_non_null(sink);

    lc_summary s = LC_SUMMARY_INIT;
    assert_int_equal(lc_evaluate_write(p, pf, LC_FORMAT_JSON, sink, &s), LC_OK);
    assert_int_equal(s.size, sizeof(lc_summary));
    assert_int_equal(s.accounts, 1);
    assert_int_equal(s.by_status[LC_VERDICT_OK], 1);

    lc_summary small = LC_SUMMARY_INIT;
    small.size = sizeof(size_t) * 2; /* an older or careless caller */
    assert_int_equal(lc_evaluate_write(p, pf, LC_FORMAT_JSON, sink, &small), LC_EINVAL);

    lc_write_options o = LC_WRITE_OPTIONS_INIT;
    o.size = 0;
    assert_int_equal(lc_evaluate_write_with(p, pf, LC_FORMAT_JSON, sink, &o, NULL, NULL),
                     LC_EINVAL);

    lc_calibration c = LC_CALIBRATION_INIT;
    assert_int_equal(lc_policy_calibrate(p, &c, NULL), LC_OK);
    c.size = 1;
    assert_int_equal(lc_policy_calibrate(p, &c, NULL), LC_EINVAL);

    lc_vol_request rq = LC_VOL_REQUEST_INIT;
    rq.size = 0;
    lc_vol_result *r = NULL;
    assert_int_equal(lc_vol_estimate(&rq, &r, NULL), LC_EINVAL);
    assert_null(r);

    fclose(sink);
    lc_portfolio_free(pf);
    lc_policy_free(p);
}

/* Diagnostics carry a stable code, whatever their wording. */
static lc_diag_code first_code(const char *name, const char *text, bool portfolio)
{
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *p = NULL;
    lc_portfolio *pf = NULL;
    if (portfolio) {
        p = policy_ok(policy);
        assert_int_not_equal(lc_portfolio_load_buffer(p, name, text, strlen(text), &pf, &d), LC_OK);
    } else {
        assert_int_not_equal(lc_policy_load_buffer(name, text, strlen(text), &p, &d), LC_OK);
    }
    assert_non_null(d.head);
    lc_diag_code c = d.head->code;
    lc_diags_free(&d);
    lc_policy_free(p);
    return c;
}

static void diagnostics_have_codes(void **state)
{
    (void)state;
    assert_int_equal(first_code("p.yaml", "levcal: 1\npolicy: {id: x, version: 1, ownr: a}\n"
                                          "markets:\n  X: {tiers: [{cap: 10, max_leverage: 2, "
                                          "mmr: 0.01}]}\n", false),
                     LC_DIAG_UNKNOWN_KEY);
    assert_int_equal(first_code("p.yaml", "levcal: [1\n", false), LC_DIAG_SYNTAX);
    assert_int_equal(first_code("b.json", "{\"marks\": {\"X\": 1},}", true), LC_DIAG_SYNTAX);
    assert_int_equal(first_code("b.yaml", "marks: {X: \"1\"}\naccounts: []\n", true), LC_DIAG_TYPE);
    assert_int_equal(first_code("b.yaml", "marks: {X: 1}\naccounts:\n  - {id: a, collateral: 1,"
                                          " positions: [{market: Y, qty: 1, entry: 1}]}\n", true),
                     LC_DIAG_REFERENCE);
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *p = NULL;
    assert_int_equal(lc_policy_load("/nonexistent/p.yaml", &p, &d), LC_EIO);
    assert_int_equal(d.head->code, LC_DIAG_FILE);
    assert_string_equal(lc_diag_code_name(d.head->code), "file");
    lc_diags_free(&d);
}

static void version_has_one_source(void **state)
{
    (void)state;
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", LC_VERSION_MAJOR, LC_VERSION_MINOR, LC_VERSION_PATCH);
    assert_string_equal(lc_version(), want);
    assert_string_equal(LC_VERSION_STRING, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sizes_are_checked),
        cmocka_unit_test(diagnostics_have_codes),
        cmocka_unit_test(version_has_one_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

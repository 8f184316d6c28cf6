/*
 * test_plugins.c - the plugin host: ABI checks, parameter validation, search path, and
 * fail-closed calibration against deliberately broken plugins.
 */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>

#define FLAT LC_TOP_DIR "/tests/data/history/flat.csv"

/* A policy whose market X is capped by model m from plugin file TEST_PLUGIN_DIR/<file>. */
static char *policy_for(const char *plugin, const char *model_extra)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             "levcal: 1\n"
             "policy: {id: t, version: 1}\n"
             "models:\n"
             "  m: {plugin: %s, path: \"%s/%s.so\"%s}\n"
             "markets:\n"
             "  X:\n"
             "    tiers:\n"
             "      - {cap: 100000, max_leverage: 125, mmr: 0.004}\n"
             "      - {cap: 1000000, max_leverage: 20, mmr: 0.025}\n"
             "    volatility: {model: m, history: \"%s\", horizon: 1d, confidence: 0.99,\n"
             "                 fallback_max_leverage: 2}\n",
             plugin, TEST_PLUGIN_DIR, plugin, model_extra, FLAT);
    return buf;
}

static void expect_refused(const char *yaml, const char *needle)
{
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *p = NULL;
    assert_int_equal(lc_policy_load_buffer("t.yaml", yaml, strlen(yaml), &p, &d), LC_EINPUT);
    assert_null(p);
    assert_non_null(d.head);
    if (!strstr(d.head->msg, needle))
        fail_msg("message '%s' does not say '%s'", d.head->msg, needle);
    lc_diags_free(&d);
}

static void abi_refusals(void **state)
{
    (void)state;
    expect_refused(policy_for("wrong_magic", ""), "bad magic 0xdeadbeef");
    expect_refused(policy_for("other_major", ""), "built for plugin ABI 2.1; this levcal speaks 1.x");
    expect_refused(policy_for("newer_minor", ""), "needs plugin ABI 1.2; this levcal provides 1.1");
    expect_refused(policy_for("short_struct", ""), "smaller than the");
    expect_refused(policy_for("missing_function", ""), "descriptor has no forecast function");
    expect_refused(policy_for("no_entry", ""), "does not export lc_plugin_entry()");
    expect_refused(policy_for("not_elf", ""), "cannot load:");
}

static void parameter_checks(void **state)
{
    (void)state;
    expect_refused(policy_for("fixed", ", params: {daily_sigm: 0.02}"),
                   "plugin 'fixed' has no parameter 'daily_sigm' (did you mean 'daily_sigma'?)");
    expect_refused(policy_for("fixed", ", params: {window: 2.5}"),
                   "parameter 'window' must be a whole number");
    expect_refused(policy_for("fixed", ", params: {daily_sigma: 5}"),
                   "parameter 'daily_sigma' must be within [0.0001, 1], got 5");
}

static void search_path(void **state)
{
    (void)state;
    setenv("LEVCAL_PLUGIN_PATH", "/nonexistent:" TEST_PLUGIN_DIR, 1);
    const char *yaml = "levcal: 1\npolicy: {id: t, version: 1}\nmodels:\n  m: {plugin: fixed}\n"
                       "markets:\n  X: {tiers: [{cap: 1, max_leverage: 1, mmr: 0.5}]}\n";
    lc_policy *p = policy_ok(yaml);
    lc_policy_free(p);
    expect_refused("levcal: 1\npolicy: {id: t, version: 1}\nmodels:\n  m: {plugin: nosuch}\n"
                   "markets:\n  X: {tiers: [{cap: 1, max_leverage: 1, mmr: 0.5}]}\n",
                   "plugin 'nosuch' not found: no nosuch.so in /nonexistent, " TEST_PLUGIN_DIR);
    unsetenv("LEVCAL_PLUGIN_PATH");
}

/* Evaluates one 50,000 (tier 1) and one 200,000 (tier 2) position in X. */
static lc_report *evaluate(lc_policy *p, lc_portfolio **pf)
{
    *pf = portfolio_ok(p, "marks: {X: 100}\naccounts:\n"
                          "  - {id: a, collateral: 100000, positions: [{market: X, qty: 500, entry: 100}]}\n"
                          "  - {id: b, collateral: 100000, positions: [{market: X, qty: 2000, entry: 100}]}\n");
    lc_report *r;
    assert_int_equal(lc_evaluate(p, *pf, &r), LC_OK);
    return r;
}

static void volatility_cap_by_hand(void **state)
{
    (void)state;
    lc_policy *p = policy_ok(policy_for("fixed", ""));
    lc_diags d;
    lc_diags_init(&d);
    assert_int_equal(lc_policy_calibrate(p, NULL, &d), LC_OK);
    assert_int_equal(d.n_errors + d.n_warnings, 0);
    /* The host's log service reached the diagnostics. */
    assert_non_null(d.head);
    assert_string_equal(d.head->msg, "plugin fixed: creating a test model");
    lc_diags_free(&d);
    lc_portfolio *pf;
    lc_report *r = evaluate(p, &pf);
    /* sigma over 1 day 0.01, z = 2.3263478740408408 (99%):
     * tier 1: 1 / (0.023263478740408408 + 0.004) = 36.6791... < 125 -> volatility;
     * tier 2: 1 / (0.023263478740408408 + 0.025) = 20.7197... > 20 -> tier. */
    const lc_position_result *a = lc_report_position(r, 0), *b = lc_report_position(r, 1);
    assert_int_equal(a->binding, LC_BIND_VOLATILITY);
    assert_near(a->max_leverage, 1 / 0.027263478740408408, 1e-9);
    assert_near(a->initial_margin, 50000 * 0.027263478740408408, 1e-7);
    assert_near(a->z, 2.3263478740408408, 1e-12);
    assert_near(a->sigma_h, 0.01, 1e-15);
    assert_near(a->tier_max_leverage, 125, 0);
    assert_int_equal(b->binding, LC_BIND_TIER);
    assert_near(b->max_leverage, 20, 0);
    lc_report_free(r);
    lc_portfolio_free(pf);
    lc_policy_free(p);
}

static void uncalibrated_is_fallback(void **state)
{
    (void)state;
    lc_policy *p = policy_ok(policy_for("fixed", ""));
    lc_portfolio *pf;
    lc_report *r = evaluate(p, &pf);
    assert_int_equal(lc_report_position(r, 0)->binding, LC_BIND_FALLBACK);
    assert_near(lc_report_position(r, 0)->max_leverage, 2, 0);
    assert_near(lc_report_position(r, 1)->max_leverage, 2, 0);
    lc_report_free(r);
    lc_portfolio_free(pf);
    lc_policy_free(p);
}

static void faults_fail_closed(void **state)
{
    (void)state;
    static const char *const faults[][2] = {
        {"create_fails", "refusing to start: test fault"},
        {"fit_fails", "did not converge: test fault"},
        {"forecast_nan", "is not a positive finite number"},
        {"forecast_negative", "forecast sigma -0.02 is not a positive finite number"},
        {"forecast_inf", "forecast sigma inf is not a positive finite number"},
    };
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        lc_policy *p = policy_ok(policy_for(faults[i][0], ""));
        lc_diags d;
        lc_diags_init(&d);
        assert_int_equal(lc_policy_calibrate(p, NULL, &d), LC_OK);
        assert_int_equal(d.n_warnings, 1);
        lc_diag *w = d.head;
        while (w && w->severity != LC_SEV_WARNING)
            w = w->next;
        if (!w) {
            fail_msg("%s: no warning", faults[i][0]);
            return;
        }
        if (!strstr(w->msg, faults[i][1]) || !strstr(w->msg, "held at fallback 2"))
            fail_msg("%s: warning '%s'", faults[i][0], w->msg);
        lc_diags_free(&d);
        lc_portfolio *pf;
        lc_report *r = evaluate(p, &pf);
        for (size_t k = 0; k < 2; k++) {
            assert_int_equal(lc_report_position(r, k)->binding, LC_BIND_FALLBACK);
            assert_near(lc_report_position(r, k)->max_leverage, 2, 0);
        }
        /* The report says why. */
        char *json = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&json, &len);
        assert_int_equal(lc_report_write(r, LC_FORMAT_JSON, f), LC_OK);
        fclose(f);
        assert_non_null(strstr(json, "\"status\":\"fallback\",\"reason\":\"model 'm'"));
        assert_non_null(strstr(json, faults[i][1]));
        free(json);
        lc_report_free(r);
        lc_portfolio_free(pf);
        lc_policy_free(p);
    }
}

static void history_override_and_missing(void **state)
{
    (void)state;
    lc_policy *p = policy_ok(policy_for("fixed", ""));
    lc_diags d;
    lc_diags_init(&d);
    const char *bad[] = {"Y=" FLAT};
    lc_calibration c = LC_CALIBRATION_INIT;
    c.histories = bad;
    c.n_histories = 1;
    assert_int_equal(lc_policy_calibrate(p, &c, &d), LC_EINPUT);
    assert_string_equal(d.head->msg, "history 'Y=" FLAT "': market 'Y' is not in the policy");
    lc_diags_free(&d);
    const char *missing[] = {"X=/nonexistent.csv"};
    c.histories = missing;
    assert_int_equal(lc_policy_calibrate(p, &c, &d), LC_EINPUT);
    assert_string_equal(d.head->file, "/nonexistent.csv");
    lc_diags_free(&d);
    lc_policy_free(p);
}

static void fitted_once_per_model_and_history(void **state)
{
    (void)state;
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "levcal: 1\npolicy: {id: t, version: 1}\n"
             "models:\n  m: {plugin: fixed, path: \"%s/fixed.so\"}\n"
             "markets:\n"
             "  X:\n    tiers: [{cap: 1000000, max_leverage: 125, mmr: 0.004}]\n"
             "    volatility: {model: m, history: \"%s\", horizon: 1h, confidence: 0.99}\n"
             "  Y:\n    tiers: [{cap: 1000000, max_leverage: 50, mmr: 0.01}]\n"
             "    volatility: {model: m, history: \"%s\", horizon: 1d, confidence: 0.975}\n",
             TEST_PLUGIN_DIR, FLAT, FLAT);
    lc_policy *p = policy_ok(yaml);
    lc_diags d;
    lc_diags_init(&d);
    assert_int_equal(lc_policy_calibrate(p, NULL, &d), LC_OK);
    int creates = 0;
    for (lc_diag *r = d.head; r; r = r->next)
        creates += strcmp(r->msg, "plugin fixed: creating a test model") == 0;
    assert_int_equal(creates, 1);
    lc_diags_free(&d);
    /* Each market still gets its own horizon and confidence: Y at 1d, 97.5%:
     * 1 / (1.959963984540054 * 0.01 + 0.01) = 33.78... < 50. */
    lc_portfolio *pf = portfolio_ok(p, "marks: {X: 1, Y: 1}\naccounts: [{id: a, collateral: 10, "
                                       "positions: [{market: Y, qty: 10, entry: 1}]}]\n");
    lc_report *r;
    assert_int_equal(lc_evaluate(p, pf, &r), LC_OK);
    assert_near(lc_report_position(r, 0)->max_leverage, 1 / (1.959963984540054 * 0.01 + 0.01), 1e-9);
    lc_report_free(r);
    lc_portfolio_free(pf);
    lc_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(abi_refusals),
        cmocka_unit_test(parameter_checks),
        cmocka_unit_test(search_path),
        cmocka_unit_test(volatility_cap_by_hand),
        cmocka_unit_test(uncalibrated_is_fallback),
        cmocka_unit_test(faults_fail_closed),
        cmocka_unit_test(history_override_and_missing),
        cmocka_unit_test(fitted_once_per_model_and_history),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_failclosed.c - a failing or over-generous policy script never loosens a limit and
 * never hides a more severe outcome; nothing a script reports is dropped without a word.
 */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>

#define SCRIPTS LC_TOP_DIR "/tests/data/scripts/"

static char yaml[4096];

/* Market X: 20x up to 100k with mmr 2% (1/mmr = 50), then 10x with 5%. */
static const char *policy_with(const char *script, const char *extra)
{
    snprintf(yaml, sizeof yaml,
             "levcal: 1\npolicy: {id: fc, version: 1}\n"
             "scripts:\n  - {path: \"%s%s\"%s}\n"
             "markets:\n  X:\n    tiers:\n"
             "      - {cap: 100000, max_leverage: 20, mmr: 0.02}\n"
             "      - {cap: 1000000, max_leverage: 10, mmr: 0.05}\n",
             SCRIPTS, script, extra ? extra : "");
    return yaml;
}

/* a: ok by the rules (equity 10,000, IM 2,500); b: equity 100 - 2,000 = -1,900. */
static const char book[] = "marks: {X: 50000}\naccounts:\n"
                           "  - {id: a, collateral: 10000, positions: [{market: X, qty: 1, entry: 50000}]}\n"
                           "  - {id: b, collateral: 100, positions: [{market: X, qty: 1, entry: 52000}]}\n";

/* The JSON report of "x" in a malloc'ed string. */
static char *json_of(const evaluated *x)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(lc_report_write(x->r, LC_FORMAT_JSON, f), LC_OK);
    fclose(f);
    return buf;
}

static void failure_never_hides_liquidation(void **state)
{
    (void)state;
    evaluated x = eval_ok(policy_with("fails_on_account.lua", NULL), book);
    const lc_account_result *a = lc_report_account(x.r, 0), *b = lc_report_account(x.r, 1);
    /* a: ok by the rules, so the failure alone makes it over_limit (no new exposure). */
    assert_int_equal(a->status, LC_VERDICT_OVER_LIMIT);
    assert_int_equal(a->reason, LC_REASON_SCRIPT_ERROR);
    assert_non_null(strstr(a->script_error, "no verdict for a"));
    assert_int_equal(a->core_status, LC_VERDICT_OK);
    /* b: liquidate by the rules; the failure is a flag, not a mask. */
    assert_int_equal(b->status, LC_VERDICT_LIQUIDATE);
    assert_int_equal(b->reason, LC_REASON_NO_EQUITY);
    assert_non_null(strstr(b->script_error, "no verdict for b"));

    lc_summary s = LC_SUMMARY_INIT;
    lc_report_summary(x.r, &s);
    assert_int_equal(s.by_status[LC_VERDICT_OK], 0);
    assert_int_equal(s.by_status[LC_VERDICT_OVER_LIMIT], 1);
    assert_int_equal(s.by_status[LC_VERDICT_LIQUIDATE], 1);
    assert_int_equal(s.script_errors, 2);

    /* Every rule b breaks, the liquidation first: equity -1,900 <= 0; held at 1x its
     * initial margin is the 50,000 notional, above that equity; and the failure. */
    lc_breach br[8];
    size_t n = lc_account_breaches(b, lc_report_position(x.r, b->first_position), br, 8);
    assert_int_equal(n, 3);
    assert_int_equal(br[0].reason, LC_REASON_NO_EQUITY);
    assert_int_equal(br[1].reason, LC_REASON_SCRIPT_ERROR);
    assert_int_equal(br[2].reason, LC_REASON_NO_AVAILABLE);
    char *js = json_of(&x);
    assert_non_null(strstr(js, "\"id\":\"b\",\"status\":\"liquidate\",\"reason\":\"equity -1900.00 "
                               "is not above 0\",\"reasons\":[\"equity -1900.00 is not above 0\","));
    assert_non_null(strstr(js, "\"initial margin 50000.00 exceeds equity -1900.00\"]"));
    assert_non_null(strstr(js, "\"liquidate\":1,\"script_errors\":2}"));
    free(js);
    evaluated_free(&x);
}

static void loosening_stops_below_one_over_mmr(void **state)
{
    (void)state;
    /* 500x asked on a 2% tier: 1/mmr = 50 is the leverage at which initial margin falls to
     * maintenance margin. The cap must stay strictly below it. */
    evaluated x = eval_ok(policy_with("grants_500x.lua", ", scripts_may_loosen: true"), book);
    const lc_position_result *p = lc_report_position(x.r, 0);
    assert_true(p->max_leverage < 50);
    assert_true(p->max_leverage > 49.999);
    assert_true(p->initial_margin > p->maintenance_margin); /* 50,000 * 2% = 1,000 */
    assert_near(p->maintenance_margin, 1000, 1e-9);
    assert_string_equal(p->clamped_script, "grants_500x");
    assert_near(p->clamped_cap, 500, 0);
    /* An account holding just that initial margin is not liquidatable on opening. */
    char text[512];
    snprintf(text, sizeof text, "marks: {X: 50000}\naccounts:\n  - {id: c, collateral: %.17g, "
                                "positions: [{market: X, qty: 1, entry: 50000}]}\n",
             p->initial_margin);
    evaluated y = eval_ok(policy_with("grants_500x.lua", ", scripts_may_loosen: true"), text);
    assert_int_equal(lc_report_account(y.r, 0)->status, LC_VERDICT_OK);
    char *js = json_of(&x);
    assert_non_null(strstr(js, "\"script_warning\":\"script grants_500x asked for max leverage "
                               "500, at or above 1/mmr = 50"));
    free(js);
    evaluated_free(&y);
    evaluated_free(&x);
}

static void check_warns_about_loosening(void **state)
{
    (void)state;
    const char *text = policy_with("grants_500x.lua", ", scripts_may_loosen: true");
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *p = NULL;
    assert_int_equal(lc_policy_load_buffer("t.yaml", text, strlen(text), &p, &d), LC_OK);
    assert_int_equal(d.n_warnings, 1);
    assert_non_null(strstr(d.head->msg, "lets script 'grants_500x' raise caps above"));
    assert_int_equal(d.head->line, 4);
    lc_diags_free(&d);
    lc_policy_free(p);
}

static void every_finding_counts(void **state)
{
    (void)state;
    evaluated x = eval_ok(policy_with("many_findings.lua", NULL), book);
    const lc_account_result *a = lc_report_account(x.r, 0);
    assert_int_equal(a->n_findings, 70);
    assert_string_equal(a->findings[69].rule, "last");
    assert_int_equal(a->status, LC_VERDICT_LIQUIDATE);
    assert_int_equal(a->reason, LC_REASON_SCRIPT);
    assert_int_equal(a->reason_position, 69);
    evaluated_free(&x);
}

static void dropped_log_lines_are_counted(void **state)
{
    (void)state;
    evaluated x = eval_ok(policy_with("many_logs.lua", NULL), book);
    const lc_account_result *a = lc_report_account(x.r, 0);
    assert_int_equal(a->n_log, 101);
    assert_string_equal(a->log[99], "many_logs: line\t100");
    assert_string_equal(a->log[100], "levcal: 50 more log lines not kept (at most 100 per account)");
    evaluated_free(&x);
}

/* levcal.date outside years 0000-9999 or of NaN raises an argument error. */
static void date_out_of_range(void **state)
{
    (void)state;
    static const char *const which[] = {"{which: huge}", "{which: nan}"};
    for (size_t i = 0; i < 2; i++) {
        char extra[64];
        snprintf(extra, sizeof extra, ", params: %s", which[i]);
        evaluated x = eval_ok(policy_with("bad_date.lua", extra), book);
        const lc_account_result *a = lc_report_account(x.r, 0);
        assert_non_null(a->script_error);
        assert_non_null(strstr(a->script_error, "bad argument #1 to 'date' (expected a unix time "
                                                "within the years 0000 to 9999)"));
        evaluated_free(&x);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(failure_never_hides_liquidation),
        cmocka_unit_test(loosening_stops_below_one_over_mmr),
        cmocka_unit_test(check_warns_about_loosening),
        cmocka_unit_test(every_finding_counts),
        cmocka_unit_test(dropped_log_lines_are_counted),
        cmocka_unit_test(date_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

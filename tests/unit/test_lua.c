/*
 * test_lua.c - policy scripts: the sandbox holds against escapes, budgets and caps stop
 * runaway scripts, every failure fails its account closed, and well-behaved scripts see
 * what they should.
 */
#include "helpers.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define SCRIPTS LC_TOP_DIR "/tests/data/scripts/"

static char yaml[4096];

/* A policy with market X (125x to 100k, then 20x to 1M) and one policy-wide script. */
static const char *policy_with(const char *script, const char *extra, const char *limits)
{
    snprintf(yaml, sizeof yaml,
             "levcal: 1\npolicy: {id: lua-test, version: 1}\n"
             "limits: {%s}\n"
             "scripts:\n  - {path: \"%s%s\"%s}\n"
             "markets:\n  X:\n    tiers:\n"
             "      - {cap: 100000, max_leverage: 125, mmr: 0.004}\n"
             "      - {cap: 1000000, max_leverage: 20, mmr: 0.025}\n",
             limits ? limits : "instructions: 1000000, memory_mib: 16", SCRIPTS, script,
             extra ? extra : "");
    return yaml;
}

/* Two accounts, a 50,000 (tier 1) and a 150,000 (tier 2) position in X. */
static const char book2[] = "as_of: 2024-10-26T12:00:00Z\nmarks: {X: 50000}\naccounts:\n"
                            "  - {id: a, collateral: 100000, tags: [vip], meta: {desk: desk-a},\n"
                            "     positions: [{market: X, qty: 1, entry: 50000}]}\n"
                            "  - {id: b, collateral: 100000, positions: [{market: X, qty: 3, entry: 50000}]}\n";

static lc_report *run(const char *policy, const char *book, lc_policy **pp, lc_portfolio **pf)
{
    *pp = policy_ok(policy);
    *pf = portfolio_ok(*pp, book);
    lc_report *r;
    assert_int_equal(lc_evaluate(*pp, *pf, &r), LC_OK);
    return r;
}

static void done(lc_report *r, lc_portfolio *pf, lc_policy *p)
{
    lc_report_free(r);
    lc_portfolio_free(pf);
    lc_policy_free(p);
}

/* The script must fail closed on account "which" (0, 1, or 2 for both). */
static void expect_fail_closed_with(const char *script, const char *limits, const char *needle,
                                    int which)
{
    lc_policy *p;
    lc_portfolio *pf;
    lc_report *r = run(policy_with(script, NULL, limits), book2, &p, &pf);
    for (size_t i = 0; i < 2; i++) {
        const lc_account_result *a = lc_report_account(r, i);
        bool should = which == 2 || (size_t)which == i;
        if (!should) {
            assert_null(a->script_error);
            continue;
        }
        /* Held at 1x and at least over_limit: never ok while a script failed. */
        if (a->status < LC_VERDICT_OVER_LIMIT || !a->script_error || !strstr(a->script_error, needle))
            fail_msg("%s, account %zu: status %s, error '%s'; expected a script error saying '%s'",
                     script, i, lc_verdict_name(a->status), a->script_error ? a->script_error : "",
                     needle);
        const lc_position_result *pos = lc_report_position(r, a->first_position);
        assert_near(pos->max_leverage, 1, 0);
        assert_int_equal(pos->binding, LC_BIND_SCRIPT_ERROR);
        assert_near(pos->initial_margin, pos->notional, 0);
        assert_int_equal(a->core_status, LC_VERDICT_OK);
    }
    done(r, pf, p);
}

static void expect_fail_closed(const char *script, const char *needle, int which)
{
    expect_fail_closed_with(script, NULL, needle, which);
}

static void escapes_refused(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"io_open.lua", "io.open is not available in levcal scripts (sandbox)"},
        {"os_execute.lua", "os.execute is not available in levcal scripts (sandbox)"},
        {"require.lua", "require is not available in levcal scripts (sandbox)"},
        {"dump_load.lua", "string.dump is not available in levcal scripts (sandbox)"},
        {"binary_load.lua", "attempt to load a binary chunk"},
        {"rawset_g.lua", "rawset on a read-only table is not allowed"},
        {"setmetatable_shared.lua", "cannot change a protected metatable"},
        {"string_mt.lua", "attempt to index a string value"},
        {"writes_library.lua", "cannot set field 'floor': the table is read-only"},
        {"writes_position.lua", "cannot set field 'qty': a position is read-only"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_fail_closed(cases[i][0], cases[i][1], 2);
}

static void runaway_scripts_stopped(void **state)
{
    (void)state;
    expect_fail_closed("memory_bomb.lua", "memory limit of 16 MiB exceeded", 2);
    expect_fail_closed("infinite_loop.lua", "instruction budget of 1000000 exceeded", 2);
    /* Recursion hits whichever limit comes first: the memory cap when it is small, Lua's
     * stack limit when budget and memory leave room; either way the account fails closed. */
    expect_fail_closed("deep_recursion.lua", "memory limit of 16 MiB exceeded", 2);
    expect_fail_closed_with("deep_recursion.lua", "instructions: 100000000, memory_mib: 256",
                            "stack overflow", 2);
    /* Messages name the script and line. */
    expect_fail_closed_with("deep_recursion.lua", "instructions: 100000000, memory_mib: 256",
                            "deep_recursion.lua:2:", 2);
}

static void memory_hoarding_script(void **state)
{
    (void)state;
    /* The first call fills the cap and keeps what it took; every later call then starts
     * at the cap, where even the engine's own setup of the call cannot allocate. Each
     * account must still fail closed, and the engine go on. */
    lc_policy *p;
    lc_portfolio *pf;
    char book[4096];
    size_t off = (size_t)snprintf(book, sizeof book, "marks: {X: 50000}\naccounts:\n");
    for (int i = 0; i < 20; i++)
        off += (size_t)snprintf(book + off, sizeof book - off,
                                "  - {id: h%d, collateral: 1000, positions: [{market: X, qty: 0.01, "
                                "entry: 50000}]}\n", i);
    lc_report *r = run(policy_with("hoard.lua", NULL, "memory_mib: 4"), book, &p, &pf);
    for (size_t i = 0; i < 20; i++) {
        const lc_account_result *a = lc_report_account(r, i);
        assert_int_equal(a->status, LC_VERDICT_OVER_LIMIT);
        assert_non_null(strstr(a->script_error, "memory limit of 4 MiB exceeded"));
    }
    done(r, pf, p);
}

static void bad_results_refused(void **state)
{
    (void)state;
    expect_fail_closed("table_error.lua", "(error object is a table value)", 2);
    expect_fail_closed("returns_nan.lua", "max_leverage returned nan for X", 2);
    expect_fail_closed("returns_negative.lua", "max_leverage returned -1 for X", 2);
    expect_fail_closed("returns_string.lua", "max_leverage returned a string for X", 2);
    expect_fail_closed("bad_finding.lua", "has action 'explode'", 2);
    /* Only the second call sees a stale view; the first account is fine. */
    expect_fail_closed("keeps_view.lua", "a position used outside the hook call it was passed to", 1);
}

static void load_time_errors(void **state)
{
    (void)state;
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *p = NULL;
    const char *y = policy_with("syntax_error.lua", NULL, NULL);
    assert_int_equal(lc_policy_load_buffer("t.yaml", y, strlen(y), &p, &d), LC_EINPUT);
    assert_string_equal(d.head->file, SCRIPTS "syntax_error.lua");
    assert_int_equal(d.head->line, 3);
    assert_string_equal(d.head->msg, "unexpected symbol near 'end'");
    lc_diags_free(&d);
    y = policy_with("no_hooks.lua", NULL, NULL);
    assert_int_equal(lc_policy_load_buffer("t.yaml", y, strlen(y), &p, &d), LC_EINPUT);
    assert_non_null(strstr(d.head->msg, "defines none of max_leverage, on_account, deleverage, adl_score"));
    lc_diags_free(&d);
}

static void fresh_environment_per_call(void **state)
{
    (void)state;
    lc_policy *p;
    lc_portfolio *pf;
    lc_report *r = run(policy_with("fresh_globals.lua", NULL, NULL), book2, &p, &pf);
    /* calls = (calls or 0) + 1 is 1 in every call: 100 - 1 = 99 for both accounts. */
    assert_near(lc_report_position(r, 0)->max_leverage, 99, 0);
    assert_near(lc_report_position(r, 1)->max_leverage, 20, 0); /* 99 > tier 2's 20 */
    assert_string_equal(lc_report_position(r, 1)->ignored_script, "fresh_globals");
    done(r, pf, p);
}

static void budget_resets_per_call(void **state)
{
    (void)state;
    /* 60 accounts; each call loops n times at about 2 instructions an iteration. */
    char book[16384];
    size_t off = (size_t)snprintf(book, sizeof book, "marks: {X: 50000}\naccounts:\n");
    for (int i = 0; i < 60; i++)
        off += (size_t)snprintf(book + off, sizeof book - off,
                                "  - {id: a%d, collateral: 1000, positions: [{market: X, qty: 0.01, "
                                "entry: 50000}]}\n", i);
    lc_policy *p;
    lc_portfolio *pf;
    /* 45,000 iterations: about 90% of a 100,000 budget, in every one of 60 calls. */
    lc_report *r = run(policy_with("budget.lua", ", params: {n: 45000}", "instructions: 100000"),
                       book, &p, &pf);
    for (size_t i = 0; i < 60; i++)
        assert_int_equal(lc_report_account(r, i)->status, LC_VERDICT_OK);
    done(r, pf, p);
    /* 60,000 iterations: over the budget in a single call. */
    r = run(policy_with("budget.lua", ", params: {n: 60000}", "instructions: 100000"), book, &p, &pf);
    assert_int_equal(lc_report_account(r, 0)->status, LC_VERDICT_OVER_LIMIT);
    assert_non_null(strstr(lc_report_account(r, 0)->script_error, "instruction budget of 100000 exceeded"));
    done(r, pf, p);
}

static void tighten_only_unless_allowed(void **state)
{
    (void)state;
    lc_policy *p;
    lc_portfolio *pf;
    lc_report *r = run(policy_with("loosen.lua", NULL, NULL), book2, &p, &pf);
    const lc_position_result *pos = lc_report_position(r, 0);
    assert_near(pos->max_leverage, 125, 0);
    assert_int_equal(pos->binding, LC_BIND_TIER);
    assert_string_equal(pos->ignored_script, "loosen");
    assert_near(pos->ignored_cap, 200, 0);
    done(r, pf, p);
    r = run(policy_with("loosen.lua", ", scripts_may_loosen: true", NULL), book2, &p, &pf);
    pos = lc_report_position(r, 0);
    assert_near(pos->max_leverage, 200, 0);
    assert_int_equal(pos->binding, LC_BIND_SCRIPT);
    assert_string_equal(pos->binding_script, "loosen");
    assert_near(pos->initial_margin, 50000.0 / 200, 1e-9);
    done(r, pf, p);
}

static void random_is_deterministic(void **state)
{
    (void)state;
    lc_policy *p;
    lc_portfolio *pf;
    lc_report *r = run(policy_with("random.lua", NULL, NULL), book2, &p, &pf);
    double first = lc_report_position(r, 0)->max_leverage;
    assert_int_equal(lc_evaluate_into(p, pf, r), LC_OK);
    assert_near(lc_report_position(r, 0)->max_leverage, first, 0);
    done(r, pf, p);
}

/* An account's random numbers come from its id, not from the accounts before it: b alone
 * gets what it gets after a, so a book split into shards gives one run's results. */
static void random_is_per_account(void **state)
{
    (void)state;
    lc_policy *p, *p1;
    lc_portfolio *pf, *pf1;
    lc_report *r = run(policy_with("random.lua", NULL, NULL), book2, &p, &pf);
    static const char only_b[] = "marks: {X: 50000}\naccounts:\n"
                                 "  - {id: b, collateral: 100000, positions: [{market: X, qty: 3, entry: 50000}]}\n";
    lc_report *r1 = run(policy_with("random.lua", NULL, NULL), only_b, &p1, &pf1);
    assert_near(lc_report_position(r1, 0)->max_leverage, lc_report_position(r, 1)->max_leverage, 0);
    /* And the two accounts do not simply share one number. */
    static const char many[] = "marks: {X: 50000}\naccounts:\n"
                               "  - {id: c, collateral: 1e9, positions: [{market: X, qty: 1, entry: 50000}]}\n"
                               "  - {id: d, collateral: 1e9, positions: [{market: X, qty: 1, entry: 50000}]}\n"
                               "  - {id: e, collateral: 1e9, positions: [{market: X, qty: 1, entry: 50000}]}\n";
    lc_policy *p2;
    lc_portfolio *pf2;
    lc_report *r2 = run(policy_with("random.lua", NULL, NULL), many, &p2, &pf2);
    double c = lc_report_position(r2, 0)->max_leverage, d = lc_report_position(r2, 1)->max_leverage,
           e = lc_report_position(r2, 2)->max_leverage;
    assert_false(c == d && d == e);
    done(r2, pf2, p2);
    done(r1, pf1, p1);
    done(r, pf, p);
}

static void helpers_and_metadata(void **state)
{
    (void)state;
    lc_policy *p;
    lc_portfolio *pf;
    lc_report *r = run(policy_with("logger.lua", ", params: {tag: T}", NULL), book2, &p, &pf);
    const lc_account_result *a = lc_report_account(r, 0);
    assert_int_equal(a->n_log, 1);
    assert_string_equal(a->log[0], "logger: checked\ta\t1\tT");
    assert_int_equal(a->n_findings, 1);
    /* 150,000 is in tier 2 (20x); 2024-10-26 was a Saturday (wday 7). */
    assert_string_equal(a->findings[0].message,
                        "tier 2 at 20x, wday 7, mark 50000, tags vip, meta desk-a");
    assert_string_equal(a->findings[0].action, "note");
    assert_int_equal(a->status, LC_VERDICT_OK); /* a note changes nothing */
    done(r, pf, p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_refused),
        cmocka_unit_test(runaway_scripts_stopped),
        cmocka_unit_test(memory_hoarding_script),
        cmocka_unit_test(bad_results_refused),
        cmocka_unit_test(load_time_errors),
        cmocka_unit_test(fresh_environment_per_call),
        cmocka_unit_test(budget_resets_per_call),
        cmocka_unit_test(tighten_only_unless_allowed),
        cmocka_unit_test(random_is_deterministic),
        cmocka_unit_test(random_is_per_account),
        cmocka_unit_test(helpers_and_metadata),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

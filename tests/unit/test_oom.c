/*
 * test_oom.c - every allocation failure is reported as LC_ENOMEM, never a crash or leak.
 *
 * The allocator hook fails the Nth allocation; the test walks N from the first
 * allocation until the whole load-evaluate-report sequence succeeds.
 */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static long fail_at = -1; /* allocation number to fail, -1 for never */
static long count;
static int sticky;        /* fail every allocation from fail_at on, not just that one */

static void *failing_alloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    long i = __atomic_fetch_add(&count, 1, __ATOMIC_RELAXED); /* worker threads allocate too */
    if (i == fail_at || (sticky && fail_at >= 0 && i > fail_at))
        return NULL;
    return realloc(ptr, size);
}

static const char policy[] = "levcal: 1\npolicy: {id: p, version: 1}\n"
                             "markets:\n"
                             "  X:\n    tiers:\n"
                             "      - {cap: 100000, max_leverage: 20, mmr: 0.01}\n"
                             "      - {cap: 1000000, max_leverage: 10, mmr: 0.02}\n";

static const char *policy_text = policy;
static size_t script_errors; /* accounts of the last successful run a script failed on */

static lc_status run_all(const char *book)
{
    lc_policy *pol = NULL;
    lc_portfolio *pf = NULL;
    lc_report *r = NULL;
    lc_diags d;
    lc_diags_init(&d);
    lc_status rc = lc_policy_load_buffer("p.yaml", policy_text, strlen(policy_text), &pol, &d);
    if (rc == LC_OK)
        rc = lc_portfolio_load_buffer(pol, "b", book, strlen(book), &pf, &d);
    if (rc == LC_OK)
        rc = lc_evaluate(pol, pf, &r);
    if (rc == LC_OK) {
        lc_summary sum = LC_SUMMARY_INIT;
        lc_report_summary(r, &sum);
        script_errors = sum.script_errors;
        FILE *sink = fopen("/dev/null", "w");
        rc = lc_report_write(r, LC_FORMAT_JSON, sink);
        fclose(sink);
    }
    lc_report_free(r);
    lc_portfolio_free(pf);
    lc_policy_free(pol);
    lc_diags_free(&d);
    return rc;
}

static long walk_failures(const char *book)
{
    lc_set_allocator(failing_alloc, NULL);
    for (fail_at = 0;; fail_at++) {
        count = 0;
        lc_status rc = run_all(book);
        if (rc == LC_OK && script_errors)
            fail_msg("allocation %ld failed: the run succeeded with a script error; the "
                     "process's out of memory must fail the evaluation, not the script",
                     fail_at);
        if (rc == LC_OK)
            break;
        if (rc != LC_ENOMEM)
            fail_msg("allocation %ld failed: got '%s', expected out of memory", fail_at,
                     lc_strerror(rc));
    }
    lc_set_allocator(NULL, NULL);
    assert_true(fail_at > 5);
    return fail_at;
}

/* Fails each allocation of "run" in turn: every run must end in out of memory until one
 * succeeds; at least "least" allocations must have been walked. "strict" where the code
 * has no fallback that could succeed without an allocation it asked for: then a run that
 * met its failed allocation must not succeed either. */
static void walk_run(lc_status (*run)(void), long least, bool strict)
{
    assert_int_equal(run(), LC_OK);
    lc_set_allocator(failing_alloc, NULL);
    for (fail_at = 0;; fail_at++) {
        count = 0;
        lc_status rc = run();
        if (strict && rc == LC_OK && count > fail_at)
            fail_msg("allocation %ld failed, and the run still succeeded", fail_at);
        if (rc == LC_OK)
            break;
        if (rc != LC_ENOMEM)
            fail_msg("allocation %ld failed: got '%s', expected out of memory", fail_at,
                     lc_strerror(rc));
    }
    lc_set_allocator(NULL, NULL);
    print_message("allocations walked: %ld\n", fail_at);
    assert_true(fail_at > least);
}

static void oom_yaml(void **state)
{
    (void)state;
    walk_failures("marks: {X: 50000}\naccounts:\n"
                  "  - {id: a, collateral: 1000, positions: [{market: X, qty: 1, entry: 1}]}\n"
                  "  - {id: b, collateral: 1000, positions: [{market: X, qty: -1, entry: 1, "
                  "isolated_margin: 5}]}\n");
}

static void oom_json(void **state)
{
    (void)state;
    walk_failures("{\"marks\": {\"X\": 50000}, \"accounts\": [{\"id\": \"a\\u00e9\", "
                  "\"collateral\": 1, \"positions\": [{\"market\": \"X\", \"qty\": 1, "
                  "\"entry\": 1}]}]}");
}

static void oom_scripted(void **state)
{
    (void)state;
    /* Lua's own allocations go through the same hook. Lua survives one failed allocation
     * (it collects garbage and retries), so here every allocation from the Nth on fails:
     * loading and evaluation then report out of memory, never a script failure. */
    sticky = 1;
    static char scripted[1024];
    snprintf(scripted, sizeof scripted,
             "%sscripts:\n  - {path: \"%s/tests/data/scripts/fresh_globals.lua\"}\n", policy,
             LC_TOP_DIR);
    policy_text = scripted;
    long n = walk_failures("marks: {X: 50000}\naccounts:\n"
                  "  - {id: a, collateral: 1000, positions: [{market: X, qty: 1, entry: 1}]}\n");
    policy_text = policy;
    sticky = 0;
    /* A Lua state takes hundreds of allocations: the walk must have gone through them. */
    print_message("allocations walked: %ld\n", n);
    assert_true(n > 300);
}

/* ==== Governance: lint, fmt, approve, diff, test, explain ================ */

static char gov_dir[512];

static void put(const char *name, const char *text)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", gov_dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char gov_old[] =
    "# the old side\nlevcal: 1\npolicy:\n  id: p\n  version: 1  # first\n"
    "markets:\n  X:\n    lot_size: 0.01\n    tiers: &t\n"
    "      - {cap: 100000, max_leverage: 20, mmr: 0.01}\n"
    "      - {cap: 1000000, max_leverage: 10, mmr: 0.02, maintenance_amount: 1000}\n"
    "  Y:\n    lot_size: 0.01\n    tiers: *t\n"
    "deleveraging:\n  liquidation: {target: {margin_ratio: 0.5}, fee_rate: 0.005}\n"
    "  rules:\n    - {name: mc, when: {margin_ratio: {gte: 0.5}}, action: margin_call}\n";

static lc_status run_gov(void)
{
    char p_old[700], p_new[700], p_book[700], p_test[700];
    snprintf(p_old, sizeof p_old, "%s/old.yaml", gov_dir);
    snprintf(p_new, sizeof p_new, "%s/new.yaml", gov_dir);
    snprintf(p_book, sizeof p_book, "%s/book.yaml", gov_dir);
    snprintf(p_test, sizeof p_test, "%s/t_test.yaml", gov_dir);
    lc_diags d;
    lc_diags_init(&d);
    FILE *sink = fopen("/dev/null", "w");
    char *out = NULL;
    size_t len = 0;
    lc_status rc = lc_policy_format(p_old, gov_old, strlen(gov_old), &out, &len, &d);
    lc_free(out);
    out = NULL;
    if (rc == LC_OK)
        rc = lc_policy_approve(p_old, gov_old, strlen(gov_old), "me", "2026-11-20", &out, &len, &d);
    lc_free(out);
    const char *files[] = {p_old, p_new};
    if (rc == LC_OK)
        rc = lc_lint(files, 2, NULL, 0, &d);
    lc_policy *a = NULL, *b = NULL;
    lc_portfolio *pf = NULL;
    if (rc == LC_OK)
        rc = lc_policy_load(p_old, &a, &d);
    if (rc == LC_OK)
        rc = lc_policy_load(p_new, &b, &d);
    const char *books[] = {p_book};
    if (rc == LC_OK)
        rc = lc_diff_write(a, b, books, 1, LC_FORMAT_JSON, sink, sink, NULL, &d);
    if (rc == LC_OK)
        rc = lc_diff_write(a, b, books, 1, LC_FORMAT_TABLE, sink, NULL, NULL, &d);
    if (rc == LC_OK)
        rc = lc_portfolio_load(a, p_book, &pf, &d);
    if (rc == LC_OK)
        rc = lc_explain_write(a, pf, "acc", NULL, LC_FORMAT_TABLE, sink, &d);
    if (rc == LC_OK)
        rc = lc_explain_write(a, pf, "acc", "X", LC_FORMAT_JSON, sink, &d);
    lc_test_options o = LC_TEST_OPTIONS_INIT;
    o.format = LC_TEST_JUNIT;
    const char *tests[] = {p_test};
    if (rc == LC_OK)
        rc = lc_test_run(tests, 1, &o, sink, NULL, NULL, &d);
    lc_portfolio_free(pf);
    lc_policy_free(a);
    lc_policy_free(b);
    fclose(sink);
    lc_diags_free(&d);
    return rc;
}

static void oom_governance(void **state)
{
    (void)state;
    snprintf(gov_dir, sizeof gov_dir, "/tmp/levcal-oom-%ld", (long)getpid());
    char cmd[600];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", gov_dir);
    assert_int_equal(system(cmd), 0);
    put("old.yaml", gov_old);
    char gov_new[sizeof gov_old + 64];
    snprintf(gov_new, sizeof gov_new, "%s", gov_old);
    memcpy(strstr(gov_new, "max_leverage: 10,"), "max_leverage: 9, ", 17);
    memcpy(strstr(gov_new, "version: 1 "), "version: 2 ", 11);
    put("new.yaml", gov_new);
    put("book.yaml", "marks: {X: 5000, Y: 5000}\naccounts:\n"
                     "  - {id: acc, collateral: 3000, positions: [{market: X, qty: 40, entry: 5000},"
                     " {market: Y, qty: -1, entry: 4000, isolated_margin: 300}]}\n");
    put("t_test.yaml", "policy: old.yaml\ncases:\n  - name: one\n    portfolio: book.yaml\n"
                       "    expect:\n      acc: {status: ok}\n      acc/X: {tier: 2}\n"
                       "  - name: two\n    portfolio:\n      marks: {X: 1}\n      accounts: []\n"
                       "    expect: {}\n");
    /* It must run whole first: the walk ends at the first allocation count that passes. */
    walk_run(run_gov, 300, false); /* every function's allocations were walked through */
    snprintf(cmd, sizeof cmd, "rm -rf %s", gov_dir);
    assert_int_equal(system(cmd), 0);
}

/* ==== Backtests and calibration ========================================== */

static lc_status run_sim(void)
{
    FILE *sink = fopen("/dev/null", "w");
    lc_diags d;
    lc_diags_init(&d);
    lc_backtest_request rq = LC_BACKTEST_REQUEST_INIT;
    rq.vol.plugin = LC_PLUGIN_BUILD_DIR "/ewma.so";
    rq.vol.history = LC_TOP_DIR "/examples/btcusdt-synthetic.csv";
    rq.refit = 50;
    lc_backtest *b = NULL;
    lc_status rc = lc_backtest_run(&rq, &b, &d);
    if (rc == LC_OK)
        rc = lc_backtest_write(b, LC_FORMAT_JSON, sink);
    if (rc == LC_OK)
        rc = lc_backtest_html(b, sink);
    lc_backtest_free(b);
    lc_calibrate_request cr = LC_CALIBRATE_REQUEST_INIT;
    static const double caps[] = {50000, 600000, 3000000};
    cr.vol = rq.vol;
    cr.caps = caps;
    cr.n_caps = 3;
    cr.adv = 1e9;
    cr.market = "BTCUSDT";
    if (rc == LC_OK)
        rc = lc_calibrate_write(&cr, sink, &d);
    lc_policy *pol = NULL;
    static char path[512];
    snprintf(path, sizeof path, "%s/policies/volatility.yaml", LC_TOP_DIR);
    if (rc == LC_OK)
        rc = lc_policy_load(path, &pol, &d);
    lc_policy_backtest_request pr = LC_POLICY_BACKTEST_REQUEST_INIT;
    pr.has_from = 1;
    pr.from_day = 20000; /* 2024-10-04 */
    if (rc == LC_OK)
        rc = lc_policy_backtest_write(pol, &pr, LC_FORMAT_JSON, sink, sink, &d);
    cr.adv = 5e9;
    if (rc == LC_OK)
        rc = lc_recalibrate_write(pol, &cr, NULL, 0, sink, &d);
    lc_policy_free(pol);
    pol = NULL;
    /* A cascade of three rounds (tests/data/stress). */
    lc_portfolio *pf = NULL;
    snprintf(path, sizeof path, "%s/tests/data/stress/policy-partial.yaml", LC_TOP_DIR);
    if (rc == LC_OK)
        rc = lc_policy_load(path, &pol, &d);
    snprintf(path, sizeof path, "%s/tests/data/stress/book.yaml", LC_TOP_DIR);
    if (rc == LC_OK)
        rc = lc_portfolio_load(pol, path, &pf, &d);
    lc_stress_request sr = LC_STRESS_REQUEST_INIT;
    sr.shock = "-9.5%";
    if (rc == LC_OK)
        rc = lc_stress_write(pol, pf, &sr, LC_FORMAT_JSON, sink, sink, &d);
    lc_portfolio_free(pf);
    lc_policy_free(pol);
    lc_diags_free(&d);
    fclose(sink);
    return rc;
}

static void oom_sim(void **state)
{
    (void)state;
    walk_run(run_sim, 100, false);
}

/* ==== Margin schemes and venue imports ================================== */

static void oom_schemes(void **state)
{
    (void)state;
    policy_text = "levcal: 1\npolicy: {id: p, version: 1}\nmarkets:\n"
                  "  Q:\n    lot_size: 0.01\n    tiers_by: quantity\n    tiers:\n"
                  "      - {cap: 5, max_leverage: 50, mmr: 0.01}\n"
                  "      - {cap: 50, max_leverage: 20, mmr: 0.025, maintenance_amount: 10}\n"
                  "  O:\n    lot_size: 1\n    margin: {scheme: open_interest, base_imf: 0.1, "
                  "maintenance_fraction: 0.5, oi_lower: 1000, oi_upper: 5000}\n"
                  "  S:\n    lot_size: 0.1\n    margin: {scheme: size_premium, base_imf: 0.02, "
                  "factor: 0.002, maintenance_ratio: 0.5}\n"
                  "deleveraging:\n  liquidation: {target: {margin_ratio: 0.5}, fee_rate: 0.001}\n";
    long n = walk_failures("marks: {Q: 1000, O: 2, S: 50}\nopen_interest: {O: 3000}\naccounts:\n"
                           "  - {id: a, collateral: 300, positions: [{market: Q, qty: 7, entry: 1000}, "
                           "{market: O, qty: 100, entry: 2}, {market: S, qty: -400, entry: 48}]}\n"
                           "  - {id: b, collateral: 10, positions: [{market: S, qty: 10, entry: 50, "
                           "isolated_margin: 20}]}\n");
    policy_text = policy;
    print_message("allocations walked: %ld\n", n);
}

static lc_status run_imports(void)
{
    static const struct {
        const char *venue, *f1, *f2;
    } v[] = {{"binance", "binance-leverageBracket.json", NULL},
             {"bybit", "bybit-risk-limit.json", NULL},
             {"okx", "okx-position-tiers.json", "okx-instruments.json"},
             {"hyperliquid", "hyperliquid-meta.json", NULL},
             {"dydx", "dydx-liquidity-tiers.json", "dydx-perpetuals.json"}};
    lc_status rc = LC_OK;
    for (size_t i = 0; i < sizeof v / sizeof v[0] && rc == LC_OK; i++) {
        char a[600], b[600];
        snprintf(a, sizeof a, "%s/tests/data/venues/%s", LC_TOP_DIR, v[i].f1);
        snprintf(b, sizeof b, "%s/tests/data/venues/%s", LC_TOP_DIR, v[i].f2 ? v[i].f2 : "");
        const char *files[2] = {a, b};
        lc_import_opts o = {v[i].venue, files, v[i].f2 ? 2 : 1, NULL, 0, NULL, NULL, (double)NAN};
        lc_diags d;
        lc_diags_init(&d);
        char *text = NULL;
        size_t len = 0;
        rc = lc_import(&o, &text, &len, &d);
        if (rc == LC_OK && (!text || !len))
            fail_msg("%s: imported nothing", v[i].venue);
        if (rc != LC_OK && text)
            fail_msg("%s: text returned with an error", v[i].venue);
        lc_free(text);
        lc_diags_free(&d);
    }
    return rc;
}

static void oom_import(void **state)
{
    (void)state;
    walk_run(run_imports, 100, false);
}

/* ==== NDJSON streams and merged summaries ================================ */

static lc_status run_stream(void)
{
    static const char text[] =
        "{\"marks\": {\"X\": 50000}, \"open_interest\": {}}\n"
        "{\"id\": \"a\", \"collateral\": 1000, \"positions\": [{\"market\": \"X\", \"qty\": 1, \"entry\": 1}]}\n"
        "\n"
        "{\"id\": \"b\", \"collateral\": 10, \"positions\": [{\"market\": \"X\", \"qty\": -1, \"entry\": 1, \"isolated_margin\": 5}]}\n";
    lc_policy *pol = NULL;
    lc_diags d;
    lc_diags_init(&d);
    lc_status rc = lc_policy_load_buffer("p.yaml", policy, strlen(policy), &pol, &d);
    char report[600];
    snprintf(report, sizeof report, "/tmp/levcal-oom-stream-%ld.ndjson", (long)getpid());
    if (rc == LC_OK) {
        FILE *in = fmemopen((void *)(uintptr_t)text, sizeof text - 1, "r");
        FILE *out = fopen(report, "w");
        lc_stream_options so = LC_STREAM_OPTIONS_INIT;
        rc = lc_evaluate_stream(pol, in, &so, out, NULL, &d);
        fclose(in);
        fclose(out);
    }
    if (rc == LC_OK) {
        const char *paths[2] = {report, report};
        FILE *sink = fopen("/dev/null", "w");
        rc = lc_summary_merge(paths, 2, sink, NULL, &d);
        fclose(sink);
    }
    unlink(report);
    lc_policy_free(pol);
    lc_diags_free(&d);
    return rc;
}

static void oom_stream(void **state)
{
    (void)state;
    walk_run(run_stream, 10, false);
}

/* ==== Reports written by worker threads ================================= */

static unsigned writer_threads;

/* Two blocks of accounts and more: the workers' buffers are reused, and a failure in a
 * worker (its scratch space, its text's buffer growing) or in the writer must end in out
 * of memory, whichever thread meets it. */
static lc_status run_threaded(void)
{
    static char book[2100 * 120 + 64];
    if (!book[0]) {
        size_t n = (size_t)sprintf(book, "{\"marks\": {\"X\": 50000}, \"accounts\": [\n");
        for (int i = 0; i < 2100; i++)
            n += (size_t)sprintf(book + n,
                                 "{\"id\": \"a%d\", \"collateral\": %d, \"positions\": "
                                 "[{\"market\": \"X\", \"qty\": %d.5, \"entry\": 49000}]}%s\n",
                                 i, 100 + i, 1 + i % 9, i < 2099 ? "," : "");
        sprintf(book + n, "]}\n");
    }
    lc_policy *pol = NULL;
    lc_portfolio *pf = NULL;
    lc_diags d;
    lc_diags_init(&d);
    lc_status rc = lc_policy_load_buffer("p.yaml", policy, strlen(policy), &pol, &d);
    if (rc == LC_OK)
        rc = lc_portfolio_load_buffer(pol, "b.json", book, strlen(book), &pf, &d);
    if (rc == LC_OK) {
        lc_write_options o = LC_WRITE_OPTIONS_INIT;
        o.threads = writer_threads;
        lc_summary sum = LC_SUMMARY_INIT;
        FILE *sink = fopen("/dev/null", "w");
        rc = lc_evaluate_write_with(pol, pf, LC_FORMAT_JSON, sink, &o, &sum, &d);
        fclose(sink);
        if (rc == LC_OK && sum.accounts != 2100)
            fail_msg("%zu accounts counted, not 2100", sum.accounts);
    }
    lc_portfolio_free(pf);
    lc_policy_free(pol);
    lc_diags_free(&d);
    return rc;
}

/* The writer has no fallback: the walk is strict. The number of allocations varies with
 * the threads' timing; whether a run met its failed allocation does not. */
static void oom_threaded(void **state)
{
    (void)state;
    for (writer_threads = 1; writer_threads <= 2; writer_threads++)
        walk_run(run_threaded, 20, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(oom_yaml),
        cmocka_unit_test(oom_json),
        cmocka_unit_test(oom_scripted),
        cmocka_unit_test(oom_governance),
        cmocka_unit_test(oom_sim),
        cmocka_unit_test(oom_schemes),
        cmocka_unit_test(oom_import),
        cmocka_unit_test(oom_stream),
        cmocka_unit_test(oom_threaded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

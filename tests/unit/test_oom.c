/*
 * test_oom.c - every allocation failure is reported as LC_ENOMEM, never a crash or leak.
 *
 * The allocator hook fails the Nth allocation; the test walks N from the first
 * allocation until the whole load-evaluate-report sequence succeeds.
 */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>

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
    long i = count++;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(oom_yaml),
        cmocka_unit_test(oom_json),
        cmocka_unit_test(oom_scripted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

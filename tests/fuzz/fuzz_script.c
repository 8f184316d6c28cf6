/*
 * fuzz_script.c - arbitrary Lua text as a policy script: loaded and run on a small book
 * under small budgets, it fails its accounts closed or the load, never the process, and
 * in bounded time.
 */
#include "fuzz.h"

static const char book[] = "as_of: 2024-10-26T12:00:00Z\nmarks: {X: 50000}\naccounts:\n"
                           "  - {id: a, collateral: 1000, tags: [t], meta: {k: v}, "
                           "positions: [{market: X, qty: 0.1, entry: 49000}]}\n"
                           "  - {id: b, collateral: -5, positions: [{market: X, qty: -1, "
                           "entry: 51000, isolated_margin: 100}]}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(".lua", data, size);
    char policy[1024];
    snprintf(policy, sizeof policy,
             "levcal: 1\npolicy: {id: fuzz, version: 1}\n"
             "limits: {instructions: 20000, memory_mib: 8}\n"
             "scripts:\n  - {path: \"%s\", params: {n: 3, s: x}, scripts_may_loosen: %s}\n"
             "markets:\n  X:\n    tiers:\n"
             "      - {cap: 100000, max_leverage: 125, mmr: 0.004}\n"
             "      - {cap: 1000000, max_leverage: 20, mmr: 0.025}\n",
             path, size % 2 ? "true" : "false");
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *pol = NULL;
    lc_portfolio *pf = NULL;
    if (lc_policy_load_buffer("fuzz.yaml", policy, strlen(policy), &pol, &d) == LC_OK &&
        lc_portfolio_load_buffer(pol, "book.yaml", book, sizeof book - 1, &pf, &d) == LC_OK) {
        lc_summary s = LC_SUMMARY_INIT;
        lc_status rc = lc_evaluate_write(pol, pf, LC_FORMAT_JSON, fuzz_sink(), &s);
        if (rc != LC_OK && rc != LC_ENOMEM)
            abort();
        /* A script never loosens past 1/mmr, and a failing one never leaves its account ok. */
        lc_report *r = NULL;
        if (lc_evaluate(pol, pf, &r) == LC_OK) {
            for (size_t i = 0; i < lc_report_account_count(r); i++) {
                const lc_account_result *a = lc_report_account(r, i);
                if (a->script_error && a->status == LC_VERDICT_OK)
                    abort();
                for (size_t k = 0; k < a->n_positions; k++) {
                    const lc_position_result *p = lc_report_position(r, a->first_position + k);
                    if (!(p->max_leverage * p->mmr < 1))
                        abort();
                }
            }
        }
        lc_report_free(r);
    }
    lc_diags_print(&d, fuzz_sink());
    lc_portfolio_free(pf);
    lc_policy_free(pol);
    lc_diags_free(&d);
    return 0;
}

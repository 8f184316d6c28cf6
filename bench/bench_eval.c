/*
 * bench_eval.c - load time, evaluation throughput and memory of the library on a book.
 *
 * Usage: bench_eval POLICY BOOK [SCRIPTED_POLICY]. Prints one "name: value" line per
 * figure. Evaluation is timed over repeated lc_evaluate_into calls on one core, and every
 * allocation made during them is counted through the allocator hook: the target is none.
 * With SCRIPTED_POLICY (the same tiers plus a trivial max_leverage hook) it also prints
 * hook calls per second and the overhead of one call (target: at most 1 us).
 */
#define _POSIX_C_SOURCE 200809L

#include "levcal/levcal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static long n_allocs;

static void *counting_alloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    n_allocs++;
    return realloc(ptr, size);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: bench_eval POLICY BOOK [SCRIPTED_POLICY [DELEVERAGING_POLICY]]\n");
        return 2;
    }
    lc_set_allocator(counting_alloc, NULL);
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *pol;
    lc_portfolio *pf;
    lc_report *r;
    if (lc_policy_load(argv[1], &pol, &d) != LC_OK) {
        lc_diags_print(&d, stderr);
        return 1;
    }
    double t0 = now();
    if (lc_portfolio_load(pol, argv[2], &pf, &d) != LC_OK) {
        lc_diags_print(&d, stderr);
        return 1;
    }
    double t1 = now();
    if (lc_evaluate(pol, pf, &r) != LC_OK)
        return 1;
    size_t n = lc_portfolio_position_count(pf);
    printf("positions: %zu\naccounts: %zu\n", n, lc_portfolio_account_count(pf));
    printf("portfolio load: %.3f s\n", t1 - t0);
    {
        /* The same book with its accounts list read by two threads. */
        lc_portfolio *pf2 = NULL;
        double t2 = now();
        if (lc_portfolio_load_threads(pol, argv[2], LC_INPUT_AUTO, 2, &pf2, &d) != LC_OK ||
            lc_portfolio_position_count(pf2) != lc_portfolio_position_count(pf))
            return 1;
        printf("portfolio load, 2 threads: %.3f s\n", now() - t2);
        lc_portfolio_free(pf2);
    }

    long allocs_before = n_allocs;
    int rounds = 0;
    double start = now(), elapsed;
    do {
        lc_evaluate_into(pol, pf, r);
        rounds++;
        elapsed = now() - start;
    } while (elapsed < 2.0);
    printf("evaluation: %.1f M positions/s (%d rounds, %.2f ms per round)\n",
           (double)n * rounds / elapsed / 1e6, rounds, elapsed / rounds * 1e3);
    printf("allocations during evaluation: %ld\n", n_allocs - allocs_before);

    FILE *sink = fopen("/dev/null", "w");
    start = now();
    lc_report_write(r, LC_FORMAT_JSON, sink);
    fclose(sink);
    printf("JSON report write: %.3f s\n", now() - start);

    if (argc >= 4) {
        lc_policy *sp;
        lc_portfolio *spf;
        lc_report *sr;
        if (lc_policy_load(argv[3], &sp, &d) != LC_OK ||
            lc_portfolio_load(sp, argv[2], &spf, &d) != LC_OK ||
            lc_evaluate(sp, spf, &sr) != LC_OK) {
            lc_diags_print(&d, stderr);
            return 1;
        }
        double per_plain = elapsed / rounds / (double)n;
        rounds = 0;
        start = now();
        do {
            lc_evaluate_into(sp, spf, sr);
            rounds++;
            elapsed = now() - start;
        } while (elapsed < 3.0);
        double per_script = elapsed / rounds / (double)n;
        printf("evaluation with a trivial max_leverage hook: %.2f M hook calls/s "
               "(%.1f M positions/s without), overhead %.3f us per call (target <= 1 us)\n",
               1 / per_script / 1e6, 1 / per_plain / 1e6, (per_script - per_plain) * 1e6);
        lc_report_free(sr);
        lc_portfolio_free(spf);
        lc_policy_free(sp);
    }

    if (argc == 5) {
        lc_policy *dp;
        lc_portfolio *dpf;
        lc_report *dr;
        if (lc_policy_load(argv[4], &dp, &d) != LC_OK ||
            lc_portfolio_load(dp, argv[2], &dpf, &d) != LC_OK || lc_evaluate(dp, dpf, &dr) != LC_OK) {
            lc_diags_print(&d, stderr);
            return 1;
        }
        lc_summary s = LC_SUMMARY_INIT;
        lc_report_summary(dr, &s);
        size_t plans = 0;
        for (size_t i = 0; i < lc_report_account_count(dr); i++)
            plans += lc_report_account(dr, i)->plan != NULL;
        /* Plain and deleveraging rounds taken in turn, the fastest of each compared: the
         * host's noise hits both alike and a slow round does not count. */
        long allocs0 = n_allocs;
        double best_plain = 1e30, best_delev = 1e30;
        rounds = 0;
        start = now();
        do {
            double t = now();
            lc_evaluate_into(pol, pf, r);
            double u = now();
            lc_evaluate_into(dp, dpf, dr);
            double v = now();
            best_plain = fmin(best_plain, u - t);
            best_delev = fmin(best_delev, v - u);
            rounds++;
            elapsed = v - start;
        } while (elapsed < 6.0);
        printf("evaluation with deleveraging rules (liquidation target, 3 rules; %zu plans, "
               "%zu accounts deleverage or liquidate): %.1f M positions/s, %.2fx the plain "
               "evaluation (target <= 1.5x; fastest of %d rounds each, taken in turn), "
               "%.2f allocations per position\n",
               plans, s.by_status[LC_VERDICT_DELEVERAGE] + s.by_status[LC_VERDICT_LIQUIDATE],
               (double)n / best_delev / 1e6, best_delev / best_plain, rounds,
               (double)(n_allocs - allocs0) / rounds / (double)n);
        lc_report_free(dr);
        lc_portfolio_free(dpf);
        lc_policy_free(dp);
    }

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak memory (library): %.0f MiB\n", (double)ru.ru_maxrss / 1024);
    lc_report_free(r);
    lc_portfolio_free(pf);
    lc_policy_free(pol);
    lc_diags_free(&d);
    return 0;
}

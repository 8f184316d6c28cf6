/*
 * test_writers.c - a report is the same bytes whatever the number of threads, none
 * included: the calling thread writing alone (threads 0) and N threads formatting blocks
 * of accounts that the calling thread writes out (threads 1 to 5).
 *
 * Generated books of up to 7,000 accounts (several blocks of 2,048), in JSON and NDJSON,
 * with every account or only some: by status, or a few ids, so that whole blocks may
 * have nothing to write, the first ones too.
 */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>

static const char policy[] =
    "levcal: 1\npolicy: {id: p, version: 1}\n"
    "markets:\n"
    "  BTCUSDT: {lot_size: 0.001, tiers: [{cap: 250000, max_leverage: 50, mmr: 0.01},"
    " {cap: 5000000, max_leverage: 20, mmr: 0.025}]}\n"
    "  ETHUSDT: {lot_size: 0.001, tiers: [{cap: 1000000, max_leverage: 25, mmr: 0.02}]}\n"
    "  SOLUSDT: {lot_size: 0.001, tiers: [{cap: 1000000, max_leverage: 10, mmr: 0.05}]}\n"
    "deleveraging:\n"
    "  liquidation: {target: {margin_ratio: 0.8}, fee_rate: 0.005}\n"
    "  rules:\n"
    "    - {name: call, when: {margin_ratio: {gte: 0.6}}, action: margin_call}\n";

static uint64_t rng = 0x9E3779B97F4A7C15u;

static unsigned pick(unsigned n)
{
    return (unsigned)(test_rand(&rng) >> 33) % n;
}

/* A book of "n" accounts, as JSON text (caller frees). */
static char *book(size_t n)
{
    static const char *markets[] = {"BTCUSDT", "ETHUSDT", "SOLUSDT"};
    size_t cap = 256 + n * 400, len = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    len += (size_t)sprintf(t + len, "{\"marks\": {\"BTCUSDT\": 64000.5, \"ETHUSDT\": 3100.25, "
                                    "\"SOLUSDT\": 142.125}, \"accounts\": [\n");
    for (size_t i = 0; i < n; i++) {
        len += (size_t)sprintf(t + len, "{\"id\": \"a%zu\", \"collateral\": %u.%02u, \"positions\": [",
                               i, pick(40000), pick(100));
        unsigned k = 1 + pick(3), first = pick(3); /* one position per market */
        for (unsigned j = 0; j < k; j++) {
            unsigned m = (first + j) % 3;
            double base = m == 0 ? 64000 : m == 1 ? 3100 : 142;
            len += (size_t)sprintf(t + len, "%s{\"market\": \"%s\", \"qty\": %s%u.%03u, \"entry\": %.2f%s}",
                                   j ? ", " : "", markets[m], pick(2) ? "-" : "", pick(5),
                                   1 + pick(999), base * (0.8 + pick(400) / 1000.0),
                                   pick(8) ? "" : ", \"isolated_margin\": 150");
        }
        len += (size_t)sprintf(t + len, "]}%s\n", i + 1 < n ? "," : "");
    }
    sprintf(t + len, "]}\n");
    return t;
}

static char *write_report(const lc_policy *pol, const lc_portfolio *pf, lc_format fmt,
                          const lc_write_options *opts, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    assert_non_null(f);
    lc_summary sum = LC_SUMMARY_INIT;
    assert_int_equal(lc_evaluate_write_with(pol, pf, fmt, f, opts, &sum, NULL), LC_OK);
    fclose(f);
    return text;
}

static void same_bytes_whatever_the_threads(void **state)
{
    (void)state;
    lc_policy *pol = policy_ok(policy);
    size_t accounts_written = 0;
    for (int round = 0; round < 24; round++) {
        size_t n = round < 4 ? (size_t)round : 1 + pick(7000);
        char *text = book(n);
        lc_portfolio *pf = portfolio_ok(pol, text);
        lc_write_options opts = LC_WRITE_OPTIONS_INIT;
        char ids[3][16];
        const char *few[3];
        switch (pick(3)) {
        case 0:
            break;
        case 1:
            opts.status_mask = 1u + pick(63);
            break;
        default: /* ids of the later blocks only, when there are some */
            for (int k = 0; k < 3; k++) {
                snprintf(ids[k], sizeof ids[k], "a%zu", n ? n - 1 - pick(n < 50 ? (unsigned)n : 50) : 0);
                few[k] = ids[k];
            }
            opts.accounts = few;
            opts.n_accounts = n ? 1 + pick(3) : 0;
            break;
        }
        for (int json = 0; json < 2; json++) {
            lc_format fmt = json ? LC_FORMAT_JSON : LC_FORMAT_NDJSON;
            opts.threads = 0;
            size_t want_len, got_len;
            char *want = write_report(pol, pf, fmt, &opts, &want_len);
            for (unsigned t = 1; t <= 5; t += 1 + pick(2)) {
                opts.threads = t;
                char *got = write_report(pol, pf, fmt, &opts, &got_len);
                if (got_len != want_len || memcmp(got, want, want_len) != 0)
                    fail_msg("%zu accounts, %s, %u threads: not the bytes of one", n,
                             json ? "JSON" : "NDJSON", t);
                free(got);
            }
            /* An NDJSON report is a line per account written, then the summary line. */
            if (!json) {
                size_t lines = 0;
                for (size_t i = 0; i < want_len; i++)
                    lines += want[i] == '\n';
                accounts_written += lines - 1;
            }
            free(want);
        }
        lc_portfolio_free(pf);
        free(text);
    }
    /* Enough accounts went through to span many blocks. */
    assert_true(accounts_written > 20000);
    lc_policy_free(pol);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_bytes_whatever_the_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * fuzz_portfolio.c - the portfolio loaders (JSON and YAML, by the first byte) on arbitrary
 * text, then evaluation and both report writers on whatever loads. A JSON input is loaded
 * twice more, with the one-step reads of usual accounts and positions switched off, and
 * with its accounts list read by three threads however small: the status and every
 * diagnostic must be the same, or the target aborts.
 */
#include "fuzz.h"

#include "load/pscan.h"
#include "syntax/reader.h"

/* Loads "data" as lc_portfolio_load_buffer_threads does and aborts unless the status,
 * the diagnostics "want" and the position count agree. */
static void same_load(const lc_policy *pol, const char *name, const uint8_t *data, size_t size,
                      unsigned threads, lc_status rc, const char *want, const lc_portfolio *pf);

/* The diagnostics as text, in a malloc'd string. */
static char *diag_text(const lc_diags *d)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        abort();
    lc_diags_print(d, f);
    fclose(f);
    return text;
}

static const char policy_text[] =
    "levcal: 1\npolicy: {id: fuzz, version: 1}\nmarkets:\n"
    "  BTCUSDT:\n    tiers:\n"
    "      - {cap: 50000, max_leverage: 125, mmr: 0.004}\n"
    "      - {cap: 250000, max_leverage: 100, mmr: 0.005}\n"
    "      - {cap: .inf, max_leverage: 20, mmr: 0.025}\n"
    "  ETHUSDT:\n    tiers:\n"
    "      - {cap: 1000000, max_leverage: 50, mmr: 0.01}\n"
    "      - {cap: 5000000, max_leverage: 10, mmr: 0.05}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static lc_policy *pol;
    if (!pol && lc_policy_load_buffer("policy.yaml", policy_text, sizeof policy_text - 1, &pol,
                                      NULL) != LC_OK)
        abort();
    lc_diags d;
    lc_diags_init(&d);
    lc_portfolio *pf = NULL;
    const char *name = size && data[0] == '{' ? "fuzz.json" : "fuzz.yaml";
    lc_status rc = lc_portfolio_load_buffer(pol, name, (const char *)data, size, &pf, &d);
    if (name[5] == 'j') {
        char *want = diag_text(&d);
        lc__reader_flat_off = true;
        same_load(pol, name, data, size, 1, rc, want, pf);
        lc__reader_flat_off = false;
        lc__ps_par_min_bytes = 0;
        same_load(pol, name, data, size, 3, rc, want, pf);
        free(want);
    }
    if (rc == LC_OK) {
        lc_summary s = LC_SUMMARY_INIT;
        if (lc_evaluate_write(pol, pf, LC_FORMAT_JSON, fuzz_sink(), &s) != LC_OK)
            abort();
        lc_write_options o = LC_WRITE_OPTIONS_INIT;
        o.sort = LC_SORT_MARGIN_RATIO;
        if (lc_evaluate_write_with(pol, pf, LC_FORMAT_TABLE, fuzz_sink(), &o, &s, NULL) != LC_OK)
            abort();
    }
    lc_diags_print(&d, fuzz_sink());
    lc_portfolio_free(pf);
    lc_diags_free(&d);
    return 0;
}

static void same_load(const lc_policy *pol, const char *name, const uint8_t *data, size_t size,
                      unsigned threads, lc_status rc, const char *want, const lc_portfolio *pf)
{
    lc_diags d;
    lc_diags_init(&d);
    lc_portfolio *got = NULL;
    lc_status rc2 = lc_portfolio_load_buffer_threads(pol, name, (const char *)data, size,
                                                     LC_INPUT_AUTO, threads, &got, &d);
    char *text = diag_text(&d);
    if (rc != rc2 || strcmp(want, text) != 0 ||
        (pf && lc_portfolio_position_count(pf) != lc_portfolio_position_count(got)))
        abort();
    free(text);
    lc_portfolio_free(got);
    lc_diags_free(&d);
}

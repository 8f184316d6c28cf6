/*
 * fuzz_portfolio.c - the portfolio loaders (JSON and YAML, by the first byte) on arbitrary
 * text, then evaluation and both report writers on whatever loads. A JSON input is loaded
 * a second time with the one-step reads of usual accounts and positions switched off: the
 * status and every diagnostic must be the same, or the target aborts.
 */
#include "fuzz.h"

#include "syntax/reader.h"

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
        lc_diags d2;
        lc_diags_init(&d2);
        lc_portfolio *pf2 = NULL;
        lc__reader_flat_off = true;
        lc_status rc2 = lc_portfolio_load_buffer(pol, name, (const char *)data, size, &pf2, &d2);
        lc__reader_flat_off = false;
        char *a = diag_text(&d), *b = diag_text(&d2);
        if (rc != rc2 || strcmp(a, b) != 0 ||
            (pf && lc_portfolio_position_count(pf) != lc_portfolio_position_count(pf2)))
            abort();
        free(a);
        free(b);
        lc_portfolio_free(pf2);
        lc_diags_free(&d2);
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

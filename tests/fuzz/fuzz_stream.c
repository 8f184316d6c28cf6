/*
 * fuzz_stream.c - an NDJSON stream of arbitrary bytes through lc_evaluate_stream, on the
 * calling thread alone (threads 0) and with two workers: either both fail, or both write
 * the same bytes ending in a summary line; then levcal summary's merge of that report.
 */
#include "fuzz.h"

static const char policy_text[] =
    "levcal: 1\npolicy: {id: fuzz, version: 1}\nmarkets:\n"
    "  BTCUSDT:\n    lot_size: 0.001\n    tiers:\n"
    "      - {cap: 50000, max_leverage: 125, mmr: 0.004}\n"
    "      - {cap: .inf, max_leverage: 20, mmr: 0.025}\n"
    "  Q:\n    lot_size: 0.01\n    tiers_by: quantity\n    tiers:\n"
    "      - {cap: 5, max_leverage: 50, mmr: 0.01}\n"
    "      - {cap: 50, max_leverage: 20, mmr: 0.025}\n"
    "  O: {lot_size: 1, margin: {scheme: open_interest, base_imf: 0.1, maintenance_fraction: 0.5, "
    "oi_lower: 1000, oi_upper: 5000}}\n"
    "deleveraging:\n  liquidation: {target: {margin_ratio: 0.5}, fee_rate: 0.001}\n";

static lc_status run(const lc_policy *pol, const uint8_t *data, size_t size, unsigned threads,
                     char **text, size_t *len)
{
    static char empty[1];
    FILE *in = fmemopen(size ? (void *)(uintptr_t)data : empty, size ? size : 1, "r");
    FILE *out = open_memstream(text, len);
    if (!in || !out)
        abort();
    if (!size)
        fgetc(in); /* an empty stream */
    lc_write_options w = LC_WRITE_OPTIONS_INIT;
    w.threads = threads;
    lc_stream_options so = LC_STREAM_OPTIONS_INIT;
    so.write = &w;
    lc_diags d;
    lc_diags_init(&d);
    lc_status rc = lc_evaluate_stream(pol, in, &so, out, NULL, &d);
    lc_diags_print(&d, fuzz_sink());
    lc_diags_free(&d);
    fclose(in);
    fclose(out);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static lc_policy *pol;
    if (!pol && lc_policy_load_buffer("policy.yaml", policy_text, sizeof policy_text - 1, &pol,
                                      NULL) != LC_OK)
        abort();
    char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    lc_status ra = run(pol, data, size, 0, &a, &la);
    lc_status rb = run(pol, data, size, 2, &b, &lb);
    if (ra != rb)
        abort();
    if (ra == LC_OK) {
        /* Whole reports: the same bytes, the summary line last. */
        if (la != lb || memcmp(a, b, la) != 0 || la < 12)
            abort();
        const char *last = a + la - 1;
        while (last > a && last[-1] != '\n')
            last--;
        if (strncmp(last, "{\"summary\":", 11) != 0)
            abort();
        const char *path = fuzz_file(".ndjson", (const uint8_t *)a, la);
        lc_diags d;
        lc_diags_init(&d);
        if (lc_summary_merge(&path, 1, fuzz_sink(), NULL, &d) != LC_OK)
            abort();
        lc_diags_free(&d);
    }
    free(a);
    free(b);
    return 0;
}

/*
 * fuzz_history.c - the OHLC history loader on arbitrary CSV text, through `levcal vol`'s
 * path: loaded and fitted by the EWMA model, or refused with diagnostics.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(".csv", data, size);
    static const char *const gaps[] = {"error", "drop", "scale"};
    lc_vol_request rq = LC_VOL_REQUEST_INIT;
    rq.plugin = LC_FUZZ_PLUGIN_DIR "/ewma.so";
    rq.history = path;
    rq.gaps = gaps[size % 3];
    rq.horizon_days = 1;
    lc_diags d;
    lc_diags_init(&d);
    lc_vol_result *r = NULL;
    if (lc_vol_estimate(&rq, &r, &d) == LC_OK)
        lc_vol_result_write(r, LC_FORMAT_JSON, fuzz_sink());
    lc_vol_result_free(r);
    lc_diags_print(&d, fuzz_sink());
    lc_diags_free(&d);
    return 0;
}
